-- techniques-for MITIGATION
-- The techniques a mitigation addresses, and how.
-- Example: attackkb query techniques-for M1032
SELECT target_id AS id, target_name AS name, description, domain
FROM relationships
WHERE relationship = 'mitigates' AND source_id = upper(?1)
ORDER BY domain, id;
