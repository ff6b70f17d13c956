-- coverage-matrix DOMAIN ROLLUP
-- The coverage matrix of a domain (the web page's heat map): one row per
-- tactic and technique, tactics in matrix order, with how many rules of
-- the selected detection sets detect the technique and their titles.
-- ROLLUP 1 also counts the rules of a technique's sub-techniques.
-- Example: attackkb query coverage-matrix enterprise 0
WITH
-- @include coverage-hits
SELECT m.tactic_id, m.tactic, m.shortname, tt.technique_id, t.name,
       CASE WHEN length(tt.technique_id) = 9
            THEN substr(tt.technique_id, 1, 5) END AS parent_id,
       coalesce(h.rules, 0) AS rules, h.titles
FROM matrix_tactics m
JOIN technique_tactics tt ON tt.tactic_id = m.tactic_id
                         AND tt.domain = m.domain
JOIN techniques t ON t.attack_id = tt.technique_id AND t.domain = tt.domain
LEFT JOIN hit h ON h.technique_id = tt.technique_id AND h.domain = tt.domain
WHERE m.domain IN (SELECT domain FROM dom)
ORDER BY m.domain, m.ord, tt.technique_id;
