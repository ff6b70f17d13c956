-- attackkb public views (docs/schema.md). They show the objects of
-- current_member, the newest release of each domain; `attackkb --release
-- X.Y` shadows current_member and current_release with TEMP views of
-- release X.Y and re-creates these views in TEMP over them. Each statement
-- ends with ";" at the end of a line.

-- The release each domain is seen at: the newest one.
CREATE VIEW current_release AS
SELECT r.id AS release_id, r.domain, r.version
FROM release r
WHERE NOT EXISTS (
  SELECT 1 FROM release n
  WHERE n.domain = r.domain
    AND (n.major > r.major OR (n.major = r.major AND n.minor > r.minor)));

-- Every object version in the selected releases, one row per domain: the
-- columns of object but its JSON text (join object on id for it; fewer
-- columns make every view above cheaper to prepare).
CREATE VIEW cur AS
SELECT o.id, o.stix_id, o.modified, o.stix_type, o.kind, o.attack_id, o.name,
       o.description, o.aliases, o.url, o.version, o.created, o.revoked,
       o.deprecated, o.shortname, o.rel_type, o.source_ref, o.target_ref,
       c.domain AS domain, c.release_id AS release_id
FROM current_member c
JOIN object o ON o.id = c.object_id;

-- The same without revoked and deprecated objects. (Written out rather
-- than as a filter of cur: every statement over a view of live then
-- expands one view less, a quarter cheaper to prepare.)
CREATE VIEW live AS
SELECT o.id, o.stix_id, o.modified, o.stix_type, o.kind, o.attack_id, o.name,
       o.description, o.aliases, o.url, o.version, o.created, o.revoked,
       o.deprecated, o.shortname, o.rel_type, o.source_ref, o.target_ref,
       c.domain AS domain, c.release_id AS release_id
FROM current_member c
JOIN object o ON o.id = c.object_id
WHERE o.revoked = 0 AND o.deprecated = 0;

-- (The views most statements start from read the tables themselves, an
-- object joined with current_member for each object they show: through
-- cur and live, SQLite would copy twenty columns per object into every
-- statement and prepare it at twice the cost.)
CREATE VIEW attack_objects AS
SELECT o.stix_id, o.attack_id, o.kind AS type, o.name, c.domain,
       o.description, o.url, o.revoked, o.deprecated, o.version, o.created,
       o.modified, o.id AS object_id
FROM current_member c
JOIN object o ON o.id = c.object_id
WHERE o.kind IS NOT NULL;

-- (Views never LEFT JOIN a view: SQLite would materialise the whole
-- release for it. Optional parts are correlated subqueries instead.)
CREATE VIEW techniques AS
SELECT t.attack_id, t.name, t.domain,
       (SELECT p.attack_id FROM live r
        JOIN live p ON p.stix_id = r.target_ref AND p.domain = r.domain
        WHERE r.source_ref = t.stix_id AND r.rel_type = 'subtechnique-of'
          AND r.domain = t.domain) AS parent_id,
       t.description, t.url, t.stix_id, t.id AS object_id
FROM live t
WHERE t.kind IN ('technique', 'subtechnique');

CREATE VIEW tactics AS
SELECT attack_id, name, shortname, domain, description, url, stix_id
FROM live WHERE kind = 'tactic';

CREATE VIEW technique_tactics AS
SELECT t.attack_id AS technique_id, ta.attack_id AS tactic_id, tc.domain,
       ta.name AS tactic, ta.shortname
FROM current_member tc
JOIN object t ON t.id = tc.object_id
JOIN prop k ON k.object_id = t.id AND k.field = 'kill_chain_phases'
JOIN object ta ON ta.kind = 'tactic' AND ta.shortname = k.value
JOIN current_member tac ON tac.object_id = ta.id AND tac.domain = tc.domain
WHERE t.kind IN ('technique', 'subtechnique') AND t.revoked = 0
  AND t.deprecated = 0 AND ta.revoked = 0 AND ta.deprecated = 0;

CREATE VIEW mitigations AS
SELECT attack_id, name, domain, description, url, stix_id
FROM live WHERE kind = 'mitigation';

-- Every relationship between live objects, with both ends' ATT&CK IDs.
CREATE VIEW relationships AS
SELECT r.rel_type AS relationship, s.attack_id AS source_id,
       s.kind AS source_type, s.name AS source_name,
       t.attack_id AS target_id, t.kind AS target_type, t.name AS target_name,
       r.description, rc.domain, r.stix_id, r.id AS object_id
FROM current_member rc
JOIN object r ON r.id = rc.object_id
JOIN object s ON s.stix_id = r.source_ref
JOIN current_member sc ON sc.object_id = s.id AND sc.domain = rc.domain
JOIN object t ON t.stix_id = r.target_ref
JOIN current_member tc ON tc.object_id = t.id AND tc.domain = rc.domain
WHERE r.rel_type IS NOT NULL AND r.revoked = 0 AND r.deprecated = 0
  AND s.revoked = 0 AND s.deprecated = 0 AND t.revoked = 0
  AND t.deprecated = 0;

CREATE VIEW mitigates AS
SELECT source_id AS mitigation_id, target_id AS technique_id, description,
       domain
FROM relationships
WHERE relationship = 'mitigates' AND source_type = 'mitigation';

-- Procedure examples: groups, software and campaigns using techniques.
CREATE VIEW uses AS
SELECT source_id, source_type, source_name, target_id AS technique_id,
       description, domain
FROM relationships
WHERE relationship = 'uses' AND source_type IN ('group', 'software', 'campaign')
  AND target_type IN ('technique', 'subtechnique');

CREATE VIEW detects AS
SELECT source_id AS detection_strategy_id, target_id AS technique_id, domain
FROM relationships
WHERE relationship = 'detects' AND source_type = 'detection_strategy';

CREATE VIEW analytics AS
SELECT a.attack_id, d.attack_id AS detection_strategy_id,
       pl.value AS platform, a.description, a.name, ac.domain,
       a.id AS object_id
FROM current_member dc
JOIN object d ON d.id = dc.object_id
JOIN prop ar ON ar.object_id = d.id AND ar.field = 'x_mitre_analytic_refs'
JOIN object a ON a.stix_id = ar.value
JOIN current_member ac ON ac.object_id = a.id AND ac.domain = dc.domain
LEFT JOIN prop pl ON pl.object_id = a.id AND pl.field = 'x_mitre_platforms'
WHERE d.kind = 'detection_strategy' AND d.revoked = 0 AND d.deprecated = 0
  AND a.revoked = 0 AND a.deprecated = 0;

CREATE VIEW analytic_log_sources AS
SELECT a.attack_id AS analytic_id,
       (SELECT dc.attack_id FROM live dc
        WHERE dc.stix_id = ls.value AND dc.domain = a.domain)
         AS data_component_id,
       ls.v2 AS name, ls.v3 AS channel, a.domain
FROM live a
JOIN prop ls ON ls.object_id = a.id
            AND ls.field = 'x_mitre_log_source_references'
WHERE a.kind = 'analytic';

CREATE VIEW platforms AS
SELECT o.attack_id AS object_id, o.kind AS type, p.value AS platform, o.domain
FROM live o JOIN prop p ON p.object_id = o.id AND p.field = 'x_mitre_platforms';

CREATE VIEW aliases AS
SELECT o.attack_id AS object_id, o.kind AS type, p.value AS alias, o.domain
FROM live o JOIN prop p ON p.object_id = o.id
                      AND p.field IN ('aliases', 'x_mitre_aliases')
WHERE p.value <> o.name;

-- object_id is the ATT&CK ID; relationships have none: use stix_id.
CREATE VIEW refs AS
SELECT o.attack_id AS object_id, f.source_name, f.url, f.description,
       f.external_id, c.ord, m.domain, o.stix_id
FROM current_member m
JOIN object o ON o.id = m.object_id
JOIN cites c ON c.object_id = o.id
JOIN reference f ON f.id = c.reference_id
WHERE o.revoked = 0 AND o.deprecated = 0;

-- revoked-by chains followed to their final successor. A chain that does
-- not end within 32 steps (a cycle: A revoked by B, B by A) gives no row:
-- such an object has no successor.
CREATE VIEW successors AS
WITH RECURSIVE chain (stix_id, domain, succ, depth) AS (
  SELECT r.source_ref, r.domain, r.target_ref, 1
  FROM cur r WHERE r.rel_type = 'revoked-by'
  UNION
  SELECT c.stix_id, c.domain, r.target_ref, c.depth + 1
  FROM chain c JOIN cur r ON r.source_ref = c.succ AND r.rel_type = 'revoked-by'
                         AND r.domain = c.domain
  WHERE c.depth < 32)
SELECT o.attack_id AS attack_id, o.name, s.attack_id AS successor_id,
       s.name AS successor_name, c.domain, c.depth
FROM chain c
JOIN cur o ON o.stix_id = c.stix_id AND o.domain = c.domain
JOIN cur s ON s.stix_id = c.succ AND s.domain = c.domain
WHERE NOT EXISTS (SELECT 1 FROM cur n WHERE n.source_ref = c.succ
                  AND n.rel_type = 'revoked-by' AND n.domain = c.domain);

-- Obsidian notes ----------------------------------------------------------
-- The vault's notes (attackkb ingest VAULT_DIR); type is the kind of the
-- ATT&CK object the note describes.
CREATE VIEW notes AS
SELECT path, title, attack_id, kind AS type, name, description, url,
       sha256, id AS note_id
FROM note;

-- Every link of every note. target_attack_id: the ID the link names (its
-- text, file name or URL), else the ID of the note it leads to. resolved:
-- it leads to a note, or names an ATT&CK object of the selected releases
-- (or of the vault). resolution: how it found its note (path, id, name,
-- id-mismatch) or unresolved.
CREATE VIEW note_links AS
SELECT x.note_path, x.target_text, x.target_path, x.target_attack_id,
       (x.target_path IS NOT NULL OR EXISTS (SELECT 1 FROM object o
          JOIN current_member c ON c.object_id = o.id
          WHERE o.attack_id = x.target_attack_id)) AS resolved,
       x.resolution, x.kind, x.text, x.fragment, x.line
FROM (SELECT n.path AS note_path, l.target AS target_text, l.target_path,
             coalesce(l.attack_id, (SELECT t.attack_id FROM note t
                                    WHERE t.path = l.target_path))
               AS target_attack_id,
             l.resolution, l.kind, l.text, l.fragment, l.line
      FROM note_link l JOIN note n ON n.id = l.note_id) x;

-- ATT&CK IDs named in the notes' text (not in code, not link targets).
CREATE VIEW note_mentions AS
SELECT n.path AS note_path, m.attack_id, m.line, m.section
FROM note_mention m JOIN note n ON n.id = m.note_id;

CREATE VIEW note_tags AS
SELECT n.path AS note_path, t.tag FROM note_tag t JOIN note n ON n.id = t.note_id;

-- References ("Name: URL" items) and footnotes of the notes.
CREATE VIEW note_refs AS
SELECT n.path AS note_path, n.attack_id, r.label, r.source_name, r.url,
       r.text, r.line, r.ord
FROM note_ref r JOIN note n ON n.id = r.note_id;

-- What each note states: relationships from its tables (mitigates,
-- subtechnique-of, uses: source_id -> target_id, with the row's text) and
-- fields (tactic, platform, permission: attack_id -> value), compared with
-- the STIX releases: stix is 'same' when a STIX release states it too,
-- 'absent' when STIX has the object but not the statement, NULL when no
-- STIX release has the object. The note's claim is kept, never merged.
CREATE VIEW note_claims AS
SELECT n.path AS note_path, n.attack_id, f.relation AS claim, f.source_id,
       f.target_id, f.target_name AS value, f.description, f.line,
       CASE
         WHEN NOT EXISTS (SELECT 1 FROM object s JOIN current_member c
                          ON c.object_id = s.id AND c.domain <> 'vault'
                          WHERE s.attack_id = f.source_id) THEN NULL
         WHEN f.relation IN ('mitigates', 'subtechnique-of', 'uses') THEN
           CASE WHEN EXISTS (
             SELECT 1 FROM object s
             JOIN current_member cs ON cs.object_id = s.id
                                   AND cs.domain <> 'vault'
             JOIN object r ON r.source_ref = s.stix_id
                          AND r.rel_type = f.relation
             JOIN current_member cr ON cr.object_id = r.id
                                   AND cr.domain = cs.domain
             JOIN object t ON t.stix_id = r.target_ref
                          AND t.attack_id = f.target_id
             JOIN current_member ct ON ct.object_id = t.id
                                   AND ct.domain = cs.domain
             WHERE s.attack_id = f.source_id AND r.revoked = 0
               AND r.deprecated = 0)
           THEN 'same' ELSE 'absent' END
         WHEN f.relation = 'tactic' THEN
           CASE WHEN EXISTS (
             SELECT 1 FROM object s
             JOIN current_member cs ON cs.object_id = s.id
                                   AND cs.domain <> 'vault'
             JOIN prop k ON k.object_id = s.id
                        AND k.field = 'kill_chain_phases'
             JOIN object ta ON ta.kind = 'tactic' AND ta.shortname = k.value
             JOIN current_member ct ON ct.object_id = ta.id
                                   AND ct.domain = cs.domain
             WHERE s.attack_id = f.source_id
               AND (ta.attack_id = f.target_id
                    OR lower(ta.name) = lower(f.target_name)))
           THEN 'same' ELSE 'absent' END
         ELSE
           CASE WHEN EXISTS (
             SELECT 1 FROM object s
             JOIN current_member cs ON cs.object_id = s.id
                                   AND cs.domain <> 'vault'
             JOIN prop p ON p.object_id = s.id
                        AND p.field = CASE f.relation
                              WHEN 'platform' THEN 'x_mitre_platforms'
                              ELSE 'x_mitre_permissions_required' END
             WHERE s.attack_id = f.source_id
               AND lower(p.value) = lower(f.target_name))
           THEN 'same' ELSE 'absent' END
       END AS stix
FROM note_fact f JOIN note n ON n.id = f.note_id;

-- ---- Detections (issue 7): detection sets, coverage -------------------

-- Every detection set: the imported ones, and `attack`, ATT&CK's own
-- detection strategies (counted in rules).
CREATE VIEW detection_sets AS
SELECT name, source, imported_at, files, rules, skipped, warnings
FROM detection_set
UNION ALL
SELECT 'attack',
       'ATT&CK detection strategies: ' ||
         (SELECT group_concat(domain || ' ' || version, ', ')
          FROM current_release),
       (SELECT max(r.ingested_at) FROM release r
        JOIN current_release c ON c.release_id = r.id),
       NULL, (SELECT count(*) FROM live WHERE kind = 'detection_strategy'),
       0, 0
WHERE EXISTS (SELECT 1 FROM current_release);

-- The sets the coverage queries read unless told otherwise: every set but
-- `attack`. The coverage commands' --set shadows it with a TEMP table.
CREATE VIEW selected_sets AS
SELECT name FROM detection_set;

-- Every rule of every set; ATT&CK's detection strategies as set `attack`.
CREATE VIEW detections AS
SELECT s.name AS set_name, d.rule_id, d.title, d.format, d.status, d.level,
       d.logsource, d.file, d.line, NULL AS domain
FROM detection d JOIN detection_set s ON s.id = d.set_id
UNION ALL
SELECT 'attack', attack_id, name, 'attack', NULL, NULL, NULL, NULL, NULL,
       domain
FROM live WHERE kind = 'detection_strategy';

-- How each technique ID written in a rule resolves in the selected
-- releases: exact (a live technique), revoked (technique_id is the final
-- successor of its revoked-by chain, when that one is live), deprecated,
-- or unknown (no technique of the stored releases has it: a newer
-- release's ID, or a typo). note says it in words for all but exact.
CREATE VIEW detection_resolution AS
WITH RECURSIVE
ids (written) AS (SELECT DISTINCT written FROM detection_technique),
hit AS MATERIALIZED (
  SELECT o.attack_id AS written, o.stix_id, o.domain, o.name, o.revoked,
         o.deprecated
  FROM cur o
  WHERE o.attack_id IN (SELECT written FROM ids)
    AND o.kind IN ('technique', 'subtechnique')),
chain (written, stix_id, domain, depth) AS (
  SELECT written, stix_id, domain, 0 FROM hit WHERE revoked
  UNION
  SELECT c.written,
         (SELECT r.target_ref FROM cur r WHERE r.source_ref = c.stix_id
          AND r.rel_type = 'revoked-by' AND r.domain = c.domain),
         c.domain, c.depth + 1
  FROM chain c
  WHERE c.depth < 32 AND EXISTS (
    SELECT 1 FROM cur r WHERE r.source_ref = c.stix_id
    AND r.rel_type = 'revoked-by' AND r.domain = c.domain)),
final AS MATERIALIZED (
  SELECT c.written, c.domain, c.depth, s.attack_id, s.name,
         s.revoked OR s.deprecated AS dead,
         (SELECT v.version FROM current_release v
          WHERE v.domain = c.domain) AS version
  FROM chain c, cur s
  WHERE s.stix_id = c.stix_id AND s.domain = c.domain
    AND (c.depth = 32 OR NOT EXISTS (
      SELECT 1 FROM cur n WHERE n.source_ref = c.stix_id
      AND n.rel_type = 'revoked-by' AND n.domain = c.domain)))
SELECT written, written AS technique_id, 'exact' AS resolution, NULL AS note,
       domain
FROM hit WHERE NOT revoked AND NOT deprecated
UNION ALL
SELECT written,
       CASE WHEN depth > 0 AND depth < 32 AND NOT dead THEN attack_id END,
       'revoked',
       written || ' is revoked in ' || domain || ' ' || version ||
       CASE WHEN depth = 0 THEN ', with no successor: not counted'
            WHEN depth = 32 THEN ', and its revoked-by chain never ends ' ||
                                 '(a cycle): not counted'
            WHEN dead THEN ' by ' || attack_id || ', which is not live ' ||
                           'either: not counted'
            ELSE ': counted as its successor ' || attack_id || ' ' || name
       END,
       domain
FROM final
UNION ALL
SELECT h.written, NULL, 'deprecated',
       h.written || ' (' || h.name || ') is deprecated in ' || h.domain ||
       ' ' || (SELECT v.version FROM current_release v
               WHERE v.domain = h.domain) || ': not counted',
       h.domain
FROM hit h
WHERE h.deprecated AND NOT h.revoked
UNION ALL
SELECT written, NULL, 'unknown',
       written || ' is no technique of the stored releases (an ID of a ' ||
       'newer release, or a typo?): not counted',
       NULL
FROM ids WHERE written NOT IN (SELECT written FROM hit);

-- The techniques each rule names: as written, resolved (technique_id NULL
-- when it counts for nothing), and how. For set `attack`, each detection
-- strategy and the technique it detects.
CREATE VIEW detection_techniques AS
SELECT s.name AS set_name, d.rule_id, d.title, l.written, r.technique_id,
       r.resolution, r.note, r.domain, d.file, d.line
FROM detection_technique l
JOIN detection d ON d.id = l.detection_id
JOIN detection_set s ON s.id = d.set_id
JOIN detection_resolution r ON r.written = l.written
UNION ALL
SELECT 'attack', source_id, source_name, target_id, target_id, 'exact', NULL,
       domain, NULL, NULL
FROM relationships
WHERE relationship = 'detects' AND source_type = 'detection_strategy';

-- The tactics, groups, software, platforms and other tags of each rule
-- (kind: tactic, tactic_id, group, software, platform, tag).
CREATE VIEW detection_tags AS
SELECT s.name AS set_name, d.rule_id, t.kind, t.value
FROM detection_tag t
JOIN detection d ON d.id = t.detection_id
JOIN detection_set s ON s.id = d.set_id;

-- Every live technique a rule detects, one row per set, technique and
-- rule; a sub-technique's detection is there again under its parent with
-- via = the sub-technique (what --rollup counts). rule is a key to count
-- rules by: the rule's row id, or the strategy's ID for set `attack`.
-- (Two arms, imported sets and `attack`, so that a query filtering
-- set_name with a constant skips the arm it does not need; the resolved
-- IDs are expanded before the rules are joined, so that a filter on via
-- prunes early; the CASTs give the columns TEXT affinity, so that joins
-- on them can use an index.)
CREATE VIEW technique_detections AS
SELECT s.name AS set_name, x.technique_id, x.domain, d.rule_id, d.title,
       x.via, d.id AS rule
FROM (SELECT r.written,
             CAST(CASE WHEN k.via THEN substr(r.technique_id, 1, 5)
                       ELSE r.technique_id END AS TEXT) AS technique_id,
             r.domain,
             CAST(CASE WHEN k.via THEN r.technique_id END AS TEXT) AS via
      FROM detection_resolution r
      JOIN (SELECT 0 AS via UNION ALL SELECT 1) k
        ON k.via = 0 OR length(r.technique_id) = 9
      WHERE r.technique_id IS NOT NULL) x
JOIN detection_technique l ON l.written = x.written
JOIN detection d ON d.id = l.detection_id
JOIN detection_set s ON s.id = d.set_id
UNION ALL
SELECT 'attack',
       CAST(CASE WHEN k.via THEN substr(x.target_id, 1, 5)
                 ELSE x.target_id END AS TEXT),
       x.domain, x.source_id, x.source_name,
       CAST(CASE WHEN k.via THEN x.target_id END AS TEXT), x.source_id
FROM relationships x
JOIN (SELECT 0 AS via UNION ALL SELECT 1) k
  ON k.via = 0 OR length(x.target_id) = 9
WHERE x.relationship = 'detects' AND x.source_type = 'detection_strategy';

-- Every live technique each set detects, once per set (what coverage
-- counts; technique_detections has the rules): via as there. (Cheaper
-- than technique_detections: the IDs written are resolved once per set.)
CREATE VIEW set_techniques AS
SELECT s.name AS set_name,
       CAST(CASE WHEN k.via THEN substr(r.technique_id, 1, 5)
                 ELSE r.technique_id END AS TEXT) AS technique_id,
       r.domain,
       CAST(CASE WHEN k.via THEN r.technique_id END AS TEXT) AS via
FROM (SELECT DISTINCT d.set_id, l.written FROM detection_technique l
      JOIN detection d ON d.id = l.detection_id) w
JOIN detection_set s ON s.id = w.set_id
JOIN detection_resolution r ON r.written = w.written
JOIN (SELECT 0 AS via UNION ALL SELECT 1) k
  ON k.via = 0 OR length(r.technique_id) = 9
WHERE r.technique_id IS NOT NULL
UNION ALL
SELECT DISTINCT 'attack',
       CAST(CASE WHEN k.via THEN substr(x.target_id, 1, 5)
                 ELSE x.target_id END AS TEXT),
       x.domain,
       CAST(CASE WHEN k.via THEN x.target_id END AS TEXT)
FROM relationships x
JOIN (SELECT 0 AS via UNION ALL SELECT 1) k
  ON k.via = 0 OR length(x.target_id) = 9
WHERE x.relationship = 'detects' AND x.source_type = 'detection_strategy';

-- The tactics of each matrix, in the matrix's order (ord from 0).
CREATE VIEW matrix_tactics AS
SELECT t.attack_id AS tactic_id, t.name AS tactic, t.shortname, p.ord,
       m.domain
FROM live m
JOIN prop p ON p.object_id = m.id AND p.field = 'tactic_refs'
JOIN live t ON t.stix_id = p.value AND t.domain = m.domain
WHERE m.kind = 'matrix';

-- Each live technique and sub-technique: its name, how many live groups,
-- software and campaigns use it (as the uses view counts them), and its
-- mitigations (as mitigates): how many, and their IDs as a sorted JSON
-- array (use json_each()). Counted once per release, when it is ingested.
CREATE VIEW technique_summary AS
SELECT s.technique_id, s.name, r.domain, s.groups, s.software, s.campaigns,
       s.groups + s.software + s.campaigns AS users,
       json_array_length(s.mitigations) AS mitigations,
       s.mitigations AS mitigation_ids
FROM release_technique s
JOIN current_release r ON r.release_id = s.release_id;

-- Each live analytic, per platform, with the technique its detection
-- strategy detects and each log source it reads (the analytics, detects
-- and analytic_log_sources views in one, kept per release when it is
-- ingested).
CREATE VIEW analytic_techniques AS
SELECT a.analytic_id, a.platform, a.technique_id, a.name, a.channel,
       r.domain
FROM release_analytic a
JOIN current_release r ON r.release_id = a.release_id;

-- The log sources a team collects, as `attackkb feasible --log-sources
-- FILE` matched them (name and channel as analytic_log_sources writes
-- them; match is exact or lenient; line and given: where in FILE). Empty
-- here: the command fills a TEMP table of this name that shadows it.
CREATE VIEW collected_log_sources AS
SELECT NULL AS name, NULL AS channel, NULL AS match, NULL AS line,
       NULL AS given
WHERE 0;
