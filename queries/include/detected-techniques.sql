-- The techniques the selected detection sets detect (dom, detected): shared
-- by the coverage queries that include it (scripts/embed-queries.sh).
dom AS (SELECT domain FROM current_release
        WHERE domain = lower(?1) OR domain = lower(?1) || '-attack'),
-- detected: each technique the selected sets detect (in two arms, so that
-- the `attack` arm only runs when that set is selected); via: see ROLLUP.
detected AS MATERIALIZED (
  SELECT DISTINCT technique_id, domain FROM (
    SELECT t.technique_id, t.domain FROM set_techniques t
    WHERE t.set_name <> 'attack'
      AND t.set_name IN (SELECT name FROM selected_sets)
      AND (t.via IS NULL OR ?2 + 0)
    UNION ALL
    SELECT t.technique_id, t.domain
    FROM (SELECT 1 FROM selected_sets WHERE name = 'attack' LIMIT 1) g
    CROSS JOIN set_techniques t
    WHERE t.set_name = 'attack' AND (t.via IS NULL OR ?2 + 0)))
