-- stats
-- Objects of each type in each domain's selected release: live ones, and
-- those revoked or deprecated.
SELECT type, domain,
       sum(revoked = 0 AND deprecated = 0) AS live,
       sum(revoked) AS revoked,
       sum(deprecated AND NOT revoked) AS deprecated
FROM attack_objects
GROUP BY domain, type
ORDER BY domain, CASE type WHEN 'matrix' THEN 0 WHEN 'tactic' THEN 1
         WHEN 'technique' THEN 2 WHEN 'subtechnique' THEN 3
         WHEN 'mitigation' THEN 4 WHEN 'group' THEN 5 WHEN 'software' THEN 6
         WHEN 'campaign' THEN 7 ELSE 8 END, type;
