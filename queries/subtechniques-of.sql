-- subtechniques-of TECHNIQUE
-- The sub-techniques of a technique.
-- Example: attackkb query subtechniques-of T1136
SELECT source_id AS id, source_name AS name, domain
FROM relationships
WHERE relationship = 'subtechnique-of' AND target_id = upper(?1)
ORDER BY domain, id;
