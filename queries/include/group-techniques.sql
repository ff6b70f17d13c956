-- The techniques a group, software or campaign (?3: ID, name or alias)
-- uses (actor, used): shared by the queries that include it.
actor AS (
  SELECT o.attack_id FROM attack_objects o
  WHERE ?3 <> '' AND o.type IN ('group', 'software', 'campaign')
    AND o.revoked = 0 AND o.deprecated = 0
    AND (o.attack_id = upper(?3) OR o.name = ?3 COLLATE NOCASE)
  UNION
  SELECT a.object_id FROM aliases a
  WHERE ?3 <> '' AND a.type IN ('group', 'software', 'campaign')
    AND a.alias = ?3 COLLATE NOCASE),
used AS MATERIALIZED (
  SELECT DISTINCT u.technique_id, u.domain FROM uses u
  WHERE ?3 <> '' AND u.source_id IN (SELECT attack_id FROM actor)
    AND u.domain IN (SELECT domain FROM dom))
