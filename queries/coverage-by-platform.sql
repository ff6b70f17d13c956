-- coverage-by-platform DOMAIN ROLLUP
-- Detection coverage of a domain per platform: how many techniques and
-- sub-techniques of each platform the selected detection sets detect, out
-- of how many, and which. ROLLUP 1 also counts a technique as detected
-- when one of its sub-techniques is.
-- Example: attackkb query coverage-by-platform enterprise 0
WITH
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
    WHERE t.set_name = 'attack' AND (t.via IS NULL OR ?2 + 0))),
tp AS MATERIALIZED (
  SELECT p.platform, p.object_id AS technique_id, p.domain,
         p.type = 'subtechnique' AS sub,
         d.technique_id IS NOT NULL AS detected
  FROM platforms p
  LEFT JOIN detected d ON d.technique_id = p.object_id
                      AND d.domain = p.domain
  WHERE p.type IN ('technique', 'subtechnique')
    AND p.domain IN (SELECT domain FROM dom)),
lists AS (
  SELECT platform, group_concat(technique_id, ', ') OVER w AS ids,
         row_number() OVER w AS r
  FROM tp WHERE detected
  WINDOW w AS (PARTITION BY platform ORDER BY technique_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT tp.platform,
       sum(tp.detected AND NOT tp.sub) AS techniques_detected,
       sum(NOT tp.sub) AS techniques,
       sum(tp.detected AND tp.sub) AS subtechniques_detected,
       sum(tp.sub) AS subtechniques,
       round(100.0 * sum(tp.detected) / count(*), 1) AS percent,
       l.ids AS detected
FROM tp
LEFT JOIN lists l ON l.platform = tp.platform AND l.r = 1
GROUP BY tp.platform
ORDER BY tp.platform;
