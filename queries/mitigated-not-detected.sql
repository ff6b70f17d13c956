-- mitigated-not-detected DOMAIN ROLLUP
-- Techniques that mitigations address but no rule of the selected
-- detection sets detects, most used (by groups, software and campaigns)
-- first: prevention is all there is.
-- Example: attackkb query mitigated-not-detected enterprise 0
WITH
-- @include detected-techniques
SELECT s.technique_id AS id, s.name, s.users, s.mitigations AS count,
       (SELECT group_concat(j.value || ' ' ||
                          (SELECT o.name FROM mitigations o
                           WHERE o.attack_id = j.value
                             AND o.domain = s.domain), '; ')
        FROM json_each(s.mitigation_ids) j) AS mitigations
FROM technique_summary s
LEFT JOIN detected d ON d.technique_id = s.technique_id
                    AND d.domain = s.domain
WHERE s.domain IN (SELECT domain FROM dom) AND d.technique_id IS NULL
  AND s.mitigations > 0
ORDER BY s.users DESC, s.technique_id;
