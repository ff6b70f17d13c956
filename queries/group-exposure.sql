-- group-exposure DOMAIN ROLLUP GROUP
-- The techniques a group (or software, or campaign: by ID, name or alias)
-- uses, each marked detected (by rules of the selected detection sets)
-- and mitigated, or neither: the worst first.
-- Example: attackkb query group-exposure enterprise 0 APT29
WITH
dom AS (SELECT domain FROM current_release
        WHERE domain = lower(?1) OR domain = lower(?1) || '-attack'),
-- det: the detections of the selected sets (in two arms, so that the
-- `attack` arm only runs when that set is selected); via: see ROLLUP.
det AS MATERIALIZED (
  SELECT t.technique_id, t.domain, t.rule, t.title, t.via
  FROM technique_detections t
  WHERE t.set_name <> 'attack'
    AND t.set_name IN (SELECT name FROM selected_sets)
    AND (t.via IS NULL OR ?2 + 0)
  UNION ALL
  SELECT t.technique_id, t.domain, t.rule, t.title, t.via
  FROM (SELECT 1 FROM selected_sets WHERE name = 'attack' LIMIT 1) g
  CROSS JOIN technique_detections t
  WHERE t.set_name = 'attack' AND (t.via IS NULL OR ?2 + 0)),
-- hit: each detected technique, by how many rules, whether one names it
-- (direct) rather than a sub-technique, and their titles A-Z (a window
-- fixes group_concat's order). Queries join it rather than look into det
-- from correlated subqueries, which SQLite would re-evaluate row by row;
-- the CASTs give the columns TEXT affinity, so that joins use an index.
hit AS MATERIALIZED (
  SELECT CAST(h.technique_id AS TEXT) AS technique_id,
         CAST(h.domain AS TEXT) AS domain, h.rules, h.direct, t.titles
  FROM (SELECT technique_id, domain,
               count(DISTINCT rule) AS rules,
               max(via IS NULL) AS direct
        FROM det GROUP BY technique_id, domain) h
  JOIN (SELECT technique_id, domain,
               group_concat(title, '; ') OVER w AS titles,
               row_number() OVER w AS r
        FROM (SELECT DISTINCT technique_id, domain, title FROM det)
        WINDOW w AS (PARTITION BY technique_id, domain ORDER BY title
                     ROWS BETWEEN UNBOUNDED PRECEDING
                     AND UNBOUNDED FOLLOWING)) t
    ON t.technique_id = h.technique_id AND t.domain = h.domain
   AND t.r = 1),
-- actor: GROUP, by ID, name or alias (a group, software or campaign);
-- used: the techniques it uses.
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
SELECT s.technique_id AS id, s.name,
       CASE WHEN h.technique_id IS NOT NULL AND s.mitigations
            THEN 'detected, mitigated'
            WHEN h.technique_id IS NOT NULL THEN 'detected'
            WHEN s.mitigations THEN 'mitigated'
            ELSE 'neither' END AS status,
       coalesce(h.rules, 0) AS rules, h.titles,
       (SELECT group_concat(j.value, ', ')
        FROM json_each(s.mitigation_ids) j) AS mitigations
FROM used
JOIN technique_summary s ON s.technique_id = used.technique_id
                        AND s.domain = used.domain
LEFT JOIN hit h ON h.technique_id = s.technique_id AND h.domain = s.domain
ORDER BY h.technique_id IS NOT NULL, s.mitigations > 0, s.technique_id;
