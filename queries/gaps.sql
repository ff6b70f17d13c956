-- gaps DOMAIN ROLLUP
-- Techniques and sub-techniques of a domain that no rule of the selected
-- detection sets detects, ranked by how many groups, software and
-- campaigns use them (users), each with its mitigations. ROLLUP 1 counts
-- a technique as detected when one of its sub-techniques is.
-- Example: attackkb query gaps enterprise 0
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
    WHERE t.set_name = 'attack' AND (t.via IS NULL OR ?2 + 0)))
SELECT s.technique_id AS id, s.name, s.users, s.groups, s.software,
       s.campaigns,
       (SELECT group_concat(j.value || ' ' ||
                          (SELECT o.name FROM mitigations o
                           WHERE o.attack_id = j.value
                             AND o.domain = s.domain), '; ')
        FROM json_each(s.mitigation_ids) j) AS mitigations
FROM technique_summary s
LEFT JOIN detected d ON d.technique_id = s.technique_id
                    AND d.domain = s.domain
WHERE s.domain IN (SELECT domain FROM dom) AND d.technique_id IS NULL
ORDER BY s.users DESC, s.groups DESC, s.technique_id;
