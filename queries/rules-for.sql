-- rules-for TECHNIQUE
-- The rules of every detection set but attack that detect a technique:
-- naming it, or one of its sub-techniques (via), or an ID that resolves
-- to it (written, resolution).
-- Example: attackkb query rules-for T1136
SELECT t.set_name AS "set", t.rule_id AS rule, t.title, t.via, d.written,
       d.resolution, d.file, d.line
FROM technique_detections t
JOIN detection_techniques d ON d.set_name = t.set_name
                           AND d.rule_id = t.rule_id
                           AND d.technique_id = coalesce(t.via, t.technique_id)
WHERE t.set_name <> 'attack' AND t.technique_id = upper(?1)
ORDER BY t.via IS NOT NULL, t.set_name, t.title;
