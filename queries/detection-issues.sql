-- detection-issues SET
-- Technique IDs in the rules of a detection set ('' for every set) that
-- name no live technique: revoked ones (counted as their successor when
-- that one is live), deprecated and unknown ones (counted for nothing).
-- Example: attackkb query detection-issues sigma
SELECT set_name AS "set", file, line, rule_id AS rule, written, resolution,
       technique_id AS counted_as, note
FROM detection_techniques
WHERE resolution <> 'exact' AND (?1 = '' OR set_name = ?1)
ORDER BY set_name, file, line, written;
