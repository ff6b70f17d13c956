-- users-of TECHNIQUE
-- Groups, software and campaigns that use a technique (procedure examples).
-- Example: attackkb query users-of T1136.001
SELECT source_id AS id, source_type AS type, source_name AS name,
       description, domain
FROM uses
WHERE technique_id = upper(?1)
ORDER BY domain, CASE source_type WHEN 'group' THEN 0 WHEN 'software' THEN 1
         ELSE 2 END, id;
