-- techniques-in-tactic TACTIC
-- Techniques and sub-techniques of a tactic, given by ID (TA0003), name
-- (Persistence) or short name (persistence).
-- Example: attackkb query techniques-in-tactic persistence
SELECT tt.technique_id AS id, t.name, t.parent_id AS parent, tt.tactic_id AS tactic,
       tt.domain
FROM technique_tactics tt
JOIN techniques t ON t.attack_id = tt.technique_id AND t.domain = tt.domain
WHERE tt.tactic_id = upper(?1) OR tt.shortname = lower(replace(?1, ' ', '-'))
   OR tt.tactic = ?1 COLLATE NOCASE
ORDER BY tt.domain, id;
