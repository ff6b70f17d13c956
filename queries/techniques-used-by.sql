-- techniques-used-by GROUP|SOFTWARE|CAMPAIGN
-- The techniques a group, piece of software or campaign uses (by ID or
-- name), with the procedure text.
-- Example: attackkb query techniques-used-by G0016
SELECT r.target_id AS id, r.target_name AS name, r.source_id AS user,
       r.description, r.domain
FROM relationships r
WHERE r.relationship = 'uses'
  AND r.target_type IN ('technique', 'subtechnique')
  AND r.source_type IN ('group', 'software', 'campaign')
  AND (r.source_id = upper(?1) OR r.source_name = ?1 COLLATE NOCASE)
ORDER BY r.domain, id;
