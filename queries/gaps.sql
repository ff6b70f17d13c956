-- gaps DOMAIN ROLLUP
-- Techniques and sub-techniques of a domain that no rule of the selected
-- detection sets detects, ranked by how many groups, software and
-- campaigns use them (users), each with its mitigations. ROLLUP 1 counts
-- a technique as detected when one of its sub-techniques is.
-- Example: attackkb query gaps enterprise 0
WITH
-- @include detected-techniques
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
