-- history ID
-- Every stored release holding the object (by ATT&CK ID or STIX ID),
-- oldest first: its ID then, name, object version, modification date,
-- and whether it was deprecated, or revoked and by what (the final
-- successor of the revoked-by chain in that release).
-- Example: attackkb query history T1066
WITH ids AS (
  SELECT DISTINCT stix_id FROM object
  WHERE attack_id = upper(?1) OR stix_id = ?1)
SELECT r.domain, r.version AS release, o.attack_id AS id, o.kind AS type,
       o.name,
       o.version, o.modified,
       CASE WHEN o.revoked THEN 'revoked' || coalesce(' by ' || (
         WITH RECURSIVE chain (sid, depth) AS (
           SELECT o.stix_id, 0
           UNION ALL
           SELECT (SELECT x.target_ref FROM object x
                   WHERE x.source_ref = c.sid AND x.rel_type = 'revoked-by'
                     AND EXISTS (SELECT 1 FROM member mx WHERE
                                 mx.release_id = r.id AND mx.object_id = x.id)
                   LIMIT 1), c.depth + 1
           FROM chain c WHERE c.sid IS NOT NULL AND c.depth < 32)
         SELECT (SELECT coalesce(t.attack_id, t.stix_id) FROM object t
                 WHERE t.stix_id = c.sid
                   AND EXISTS (SELECT 1 FROM member mt WHERE
                               mt.release_id = r.id AND mt.object_id = t.id))
         FROM chain c WHERE c.sid IS NOT NULL AND c.depth > 0
         ORDER BY c.depth DESC LIMIT 1), '')
       WHEN o.deprecated THEN 'deprecated' ELSE '' END AS status
FROM ids
JOIN object o ON o.stix_id = ids.stix_id
JOIN member m ON m.object_id = o.id
JOIN release r ON r.id = m.release_id
ORDER BY r.major, r.minor, r.domain;
