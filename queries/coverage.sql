-- coverage DOMAIN ROLLUP
-- Detection coverage of a domain (enterprise, mobile, ics) per tactic, in
-- matrix order: how many techniques and sub-techniques the selected
-- detection sets detect (every set but attack, unless attackkb coverage
-- --set says otherwise), out of how many, and which. ROLLUP 1 also counts
-- a technique as detected when one of its sub-techniques is.
-- Example: attackkb query coverage enterprise 0
WITH
-- @include detected-techniques
,
tt AS MATERIALIZED (
  SELECT x.tactic_id, x.technique_id, x.domain,
         length(x.technique_id) = 9 AS sub,
         d.technique_id IS NOT NULL AS detected
  FROM technique_tactics x
  LEFT JOIN detected d ON d.technique_id = x.technique_id
                      AND d.domain = x.domain
  WHERE x.domain IN (SELECT domain FROM dom)),
lists AS (
  SELECT tactic_id, domain, group_concat(technique_id, ', ') OVER w AS ids,
         row_number() OVER w AS r
  FROM tt WHERE detected
  WINDOW w AS (PARTITION BY tactic_id, domain ORDER BY technique_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT m.tactic_id AS id, m.tactic,
       sum(tt.detected AND NOT tt.sub) AS techniques_detected,
       sum(NOT tt.sub) AS techniques,
       sum(tt.detected AND tt.sub) AS subtechniques_detected,
       sum(tt.sub) AS subtechniques,
       round(100.0 * sum(tt.detected) / count(*), 1) AS percent,
       l.ids AS detected
FROM matrix_tactics m
JOIN tt ON tt.tactic_id = m.tactic_id AND tt.domain = m.domain
LEFT JOIN lists l ON l.tactic_id = m.tactic_id AND l.domain = m.domain
                 AND l.r = 1
WHERE m.domain IN (SELECT domain FROM dom)
GROUP BY m.domain, m.ord, m.tactic_id
ORDER BY m.domain, m.ord;
