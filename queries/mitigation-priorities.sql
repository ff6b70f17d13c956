-- mitigation-priorities DOMAIN ROLLUP GROUP
-- Mitigations ranked by how many techniques they mitigate that no rule of
-- the selected detection sets detects (only those GROUP uses, a group,
-- software or campaign by ID, name or alias, unless GROUP is ''), with
-- those techniques: where prevention must make up for missing detection.
-- ROLLUP 1 counts a technique as detected when one of its sub-techniques
-- is.
-- Example: attackkb query mitigation-priorities enterprise 0 APT29
WITH
-- @include detected-techniques
,
-- @include group-techniques
,
undetected AS MATERIALIZED (
  SELECT t.technique_id AS attack_id, t.domain FROM technique_summary t
  LEFT JOIN detected d ON d.technique_id = t.technique_id
                      AND d.domain = t.domain
  LEFT JOIN used ON used.technique_id = t.technique_id
                AND used.domain = t.domain
  WHERE t.domain IN (SELECT domain FROM dom) AND d.technique_id IS NULL
    AND (?3 = '' OR used.technique_id IS NOT NULL))
SELECT id, name, undetected, techniques FROM (
  SELECT j.value AS id, o.name, count(*) OVER w AS undetected,
         group_concat(u.attack_id, ', ') OVER w AS techniques,
         row_number() OVER w AS r
  FROM undetected u
  JOIN technique_summary s ON s.technique_id = u.attack_id
                          AND s.domain = u.domain
  JOIN json_each(s.mitigation_ids) j
  JOIN mitigations o ON o.attack_id = j.value AND o.domain = u.domain
  WINDOW w AS (PARTITION BY j.value, u.domain
               ORDER BY u.attack_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
WHERE r = 1
ORDER BY undetected DESC, id;
