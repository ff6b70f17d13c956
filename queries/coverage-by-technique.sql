-- coverage-by-technique DOMAIN ROLLUP
-- Every technique and sub-technique of a domain with its tactics:
-- detected by the selected detection sets or not, by how many rules, and
-- their titles. ROLLUP 1 also counts a technique as detected ("via
-- sub-techniques") when one of its sub-techniques is.
-- Example: attackkb query coverage-by-technique enterprise 1
WITH
-- @include coverage-hits
,
rows AS (
  SELECT t.attack_id AS id, t.name,
         group_concat(x.shortname, ', ') OVER w AS tactics,
         row_number() OVER w AS r,
         CASE WHEN h.direct THEN 'yes'
              WHEN h.technique_id IS NOT NULL THEN 'via sub-techniques'
              ELSE 'no' END AS detected,
         coalesce(h.rules, 0) AS rules, h.titles
  FROM techniques t
  JOIN technique_tactics x ON x.technique_id = t.attack_id
                          AND x.domain = t.domain
  JOIN matrix_tactics m ON m.tactic_id = x.tactic_id AND m.domain = x.domain
  LEFT JOIN hit h ON h.technique_id = t.attack_id AND h.domain = t.domain
  WHERE t.domain IN (SELECT domain FROM dom)
  WINDOW w AS (PARTITION BY t.attack_id, t.domain ORDER BY m.ord
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT id, name, tactics, detected, rules, titles
FROM rows WHERE r = 1
ORDER BY id;
