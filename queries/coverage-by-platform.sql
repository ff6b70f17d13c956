-- coverage-by-platform DOMAIN ROLLUP
-- Detection coverage of a domain per platform: how many techniques and
-- sub-techniques of each platform the selected detection sets detect, out
-- of how many, and which. ROLLUP 1 also counts a technique as detected
-- when one of its sub-techniques is.
-- Example: attackkb query coverage-by-platform enterprise 0
WITH
-- @include detected-techniques
,
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
