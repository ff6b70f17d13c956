-- mitigation-priorities DOMAIN ROLLUP GROUP
-- Mitigations ranked by how many techniques they mitigate that no rule of
-- the selected detection sets detects (only those GROUP uses, a group,
-- software or campaign by ID, name or alias, unless GROUP is ''), with
-- those techniques: where prevention must make up for missing detection.
-- ROLLUP 1 counts a technique as detected when one of its sub-techniques
-- is.
-- Example: attackkb query mitigation-priorities enterprise 0 APT29
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
-- actor: GROUP, by ID, name or alias (a group, software or campaign);
-- used: the techniques it uses.
actor AS (
  SELECT o.attack_id FROM attack_objects o
  WHERE ?3 <> '' AND o.type IN ('group', 'software', 'campaign')
    AND o.revoked = 0 AND o.deprecated = 0
    AND (o.attack_id = upper(?3) OR o.name = ?3 COLLATE NOCASE)
  UNION
  SELECT a.object_id FROM aliases a
  WHERE ?3 <> '' AND a.type IN ('group', 'software', 'campaign')
    AND a.alias = ?3 COLLATE NOCASE),
used AS MATERIALIZED (
  SELECT DISTINCT u.technique_id, u.domain FROM uses u
  WHERE ?3 <> '' AND u.source_id IN (SELECT attack_id FROM actor)
    AND u.domain IN (SELECT domain FROM dom)),
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
