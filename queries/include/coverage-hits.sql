-- The detections of the selected sets per technique (dom, det, hit): shared
-- by the coverage queries that include it (scripts/embed-queries.sh).
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
