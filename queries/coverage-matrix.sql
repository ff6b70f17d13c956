-- coverage-matrix DOMAIN ROLLUP
-- The coverage matrix of a domain (the web page's heat map): one row per
-- tactic and technique, tactics in matrix order, with how many rules of
-- the selected detection sets detect the technique and their titles.
-- ROLLUP 1 also counts the rules of a technique's sub-techniques.
-- Example: attackkb query coverage-matrix enterprise 0
WITH
dom AS (SELECT domain FROM current_release
        WHERE domain = lower(?1) OR domain = lower(?1) || '-attack'),
-- det: the detections of the selected sets (in two arms, so that the
-- `attack` arm only runs when that set is selected); via: see ROLLUP.
det AS MATERIALIZED (
  SELECT t.technique_id, t.domain, t.rule, t.title, t.via
  FROM technique_detections t
  WHERE t.set_name <> 'attack'
    AND t.set_name IN (SELECT name FROM selected_sets)
    AND (t.via IS NULL OR ?2 + 0)
  UNION ALL
  SELECT t.technique_id, t.domain, t.rule, t.title, t.via
  FROM (SELECT 1 FROM selected_sets WHERE name = 'attack' LIMIT 1) g
  CROSS JOIN technique_detections t
  WHERE t.set_name = 'attack' AND (t.via IS NULL OR ?2 + 0)),
-- hit: each detected technique, by how many rules, whether one names it
-- (direct) rather than a sub-technique, and their titles A-Z (a window
-- fixes group_concat's order). Queries join it rather than look into det
-- from correlated subqueries, which SQLite would re-evaluate row by row;
-- the CASTs give the columns TEXT affinity, so that joins use an index.
hit AS MATERIALIZED (
  SELECT CAST(h.technique_id AS TEXT) AS technique_id,
         CAST(h.domain AS TEXT) AS domain, h.rules, h.direct, t.titles
  FROM (SELECT technique_id, domain,
               count(DISTINCT rule) AS rules,
               max(via IS NULL) AS direct
        FROM det GROUP BY technique_id, domain) h
  JOIN (SELECT technique_id, domain,
               group_concat(title, '; ') OVER w AS titles,
               row_number() OVER w AS r
        FROM (SELECT DISTINCT technique_id, domain, title FROM det)
        WINDOW w AS (PARTITION BY technique_id, domain ORDER BY title
                     ROWS BETWEEN UNBOUNDED PRECEDING
                     AND UNBOUNDED FOLLOWING)) t
    ON t.technique_id = h.technique_id AND t.domain = h.domain
   AND t.r = 1)
SELECT m.tactic_id, m.tactic, m.shortname, tt.technique_id, t.name,
       CASE WHEN length(tt.technique_id) = 9
            THEN substr(tt.technique_id, 1, 5) END AS parent_id,
       coalesce(h.rules, 0) AS rules, h.titles
FROM matrix_tactics m
JOIN technique_tactics tt ON tt.tactic_id = m.tactic_id
                         AND tt.domain = m.domain
JOIN techniques t ON t.attack_id = tt.technique_id AND t.domain = tt.domain
LEFT JOIN hit h ON h.technique_id = tt.technique_id AND h.domain = tt.domain
WHERE m.domain IN (SELECT domain FROM dom)
ORDER BY m.domain, m.ord, tt.technique_id;
