-- group-exposure DOMAIN ROLLUP GROUP
-- The techniques a group (or software, or campaign: by ID, name or alias)
-- uses, each marked detected (by rules of the selected detection sets)
-- and mitigated, or neither: the worst first.
-- Example: attackkb query group-exposure enterprise 0 APT29
WITH
-- @include coverage-hits
,
-- @include group-techniques
SELECT s.technique_id AS id, s.name,
       CASE WHEN h.technique_id IS NOT NULL AND s.mitigations
            THEN 'detected, mitigated'
            WHEN h.technique_id IS NOT NULL THEN 'detected'
            WHEN s.mitigations THEN 'mitigated'
            ELSE 'neither' END AS status,
       coalesce(h.rules, 0) AS rules, h.titles,
       (SELECT group_concat(j.value, ', ')
        FROM json_each(s.mitigation_ids) j) AS mitigations
FROM used
JOIN technique_summary s ON s.technique_id = used.technique_id
                        AND s.domain = used.domain
LEFT JOIN hit h ON h.technique_id = s.technique_id AND h.domain = s.domain
ORDER BY h.technique_id IS NOT NULL, s.mitigations > 0, s.technique_id;
