-- mitigations-for TECHNIQUE
-- The mitigations of a technique, with the text saying how each applies.
-- Example: attackkb query mitigations-for T1136
SELECT m.mitigation_id AS id, o.name, m.description, m.domain
FROM mitigates m
JOIN mitigations o ON o.attack_id = m.mitigation_id AND o.domain = m.domain
WHERE m.technique_id = upper(?1)
ORDER BY m.domain, id;
