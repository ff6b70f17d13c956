-- coverage-by-technique DOMAIN ROLLUP
-- Every technique and sub-technique of a domain with its tactics:
-- detected by the selected detection sets or not, by how many rules, and
-- their titles. ROLLUP 1 also counts a technique as detected ("via
-- sub-techniques") when one of its sub-techniques is.
-- Example: attackkb query coverage-by-technique enterprise 1
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
   AND t.r = 1),
rows AS (
  SELECT t.attack_id AS id, t.name,
         group_concat(x.shortname, ', ') OVER w AS tactics,
         row_number() OVER w AS r,
         CASE WHEN h.direct THEN 'yes'
              WHEN h.technique_id IS NOT NULL THEN 'via sub-techniques'
              ELSE 'no' END AS detected,
         coalesce(h.rules, 0) AS rules, h.titles
  FROM techniques t
  JOIN technique_tactics x ON x.technique_id = t.attack_id
                          AND x.domain = t.domain
  JOIN matrix_tactics m ON m.tactic_id = x.tactic_id AND m.domain = x.domain
  LEFT JOIN hit h ON h.technique_id = t.attack_id AND h.domain = t.domain
  WHERE t.domain IN (SELECT domain FROM dom)
  WINDOW w AS (PARTITION BY t.attack_id, t.domain ORDER BY m.ord
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT id, name, tactics, detected, rules, titles
FROM rows WHERE r = 1
ORDER BY id;
