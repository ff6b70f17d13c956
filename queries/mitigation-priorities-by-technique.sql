-- mitigation-priorities-by-technique DOMAIN ROLLUP GROUP
-- The undetected techniques of mitigation-priorities (those GROUP uses,
-- unless GROUP is ''), each with its mitigations best first; priority is
-- how many undetected techniques its best mitigation closes.
-- Example: attackkb query mitigation-priorities-by-technique enterprise 0 ''
WITH
-- @include detected-techniques
,
-- @include group-techniques
,
undetected AS MATERIALIZED (
  SELECT t.technique_id AS attack_id, t.name, t.domain
  FROM technique_summary t
  LEFT JOIN detected d ON d.technique_id = t.technique_id
                      AND d.domain = t.domain
  LEFT JOIN used ON used.technique_id = t.technique_id
                AND used.domain = t.domain
  WHERE t.domain IN (SELECT domain FROM dom) AND d.technique_id IS NULL
    AND (?3 = '' OR used.technique_id IS NOT NULL)),
-- closes: each mitigation of an undetected technique, with how many
-- undetected techniques that mitigation addresses (n).
closes AS MATERIALIZED (
  SELECT j.value AS mitigation_id, u.attack_id AS technique_id, u.domain,
         u.name AS technique, o.name,
         count(*) OVER (PARTITION BY j.value, u.domain) AS n
  FROM undetected u
  JOIN technique_summary s ON s.technique_id = u.attack_id
                          AND s.domain = u.domain
  JOIN json_each(s.mitigation_ids) j
  JOIN mitigations o ON o.attack_id = j.value AND o.domain = u.domain),
best AS (
  SELECT technique_id, technique, n,
         count(*) OVER w AS mitigations,
         group_concat(mitigation_id || ' ' || name || ' (closes ' || n ||
                      ')', '; ') OVER w AS best_first,
         row_number() OVER w AS r
  FROM closes
  WINDOW w AS (PARTITION BY technique_id, domain
               ORDER BY n DESC, mitigation_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT technique_id AS id, technique AS name, n AS priority, mitigations,
       best_first
FROM best
WHERE r = 1
ORDER BY priority DESC, mitigations DESC, id;
