-- attackkb store schema, version 1. docs/schema.md explains every table.
-- Tables hold every STIX object version once; views (kb/views.sql) are the
-- public interface and show the selected release of each domain.
-- Every statement says IF NOT EXISTS: a store made by an older attackkb is
-- brought up to date by running this file again (what it lacks is added)
-- and making its views anew (kb/store.c).

-- Facts about the store itself: 'schema' is the fingerprint of the
-- schema and views it was last brought up to date with.
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- One ingested release of one ATT&CK domain.
CREATE TABLE IF NOT EXISTS release (
  id           INTEGER PRIMARY KEY,
  domain       TEXT NOT NULL,     -- enterprise-attack, mobile-attack, ics-attack
  version      TEXT NOT NULL,     -- ATT&CK version, "18.1"
  major        INTEGER NOT NULL,  -- 18
  minor        INTEGER NOT NULL,  -- 1
  spec_version TEXT,              -- STIX "2.0" or "2.1"
  source       TEXT NOT NULL,     -- file path, or REPO@REF:PATH
  sha256       TEXT NOT NULL,     -- of the bundle bytes (after gunzip)
  ingested_at  TEXT NOT NULL,     -- UTC, ISO 8601
  objects      INTEGER NOT NULL,  -- objects in the bundle
  new_objects  INTEGER NOT NULL,  -- of them, versions not stored before
  unknown_types  INTEGER NOT NULL DEFAULT 0, -- objects of types attackkb does not model
  unknown_fields INTEGER NOT NULL DEFAULT 0, -- fields attackkb does not model (kept in json)
  UNIQUE (domain, version)
);

-- A STIX object version, stored once per (stix_id, modified) whatever the
-- number of releases and domains holding it. Relationships are objects too.
CREATE TABLE IF NOT EXISTS object (
  id          INTEGER PRIMARY KEY,
  stix_id     TEXT NOT NULL,     -- attack-pattern--0042a9f5-...
  modified    TEXT NOT NULL,
  stix_type   TEXT NOT NULL,     -- attack-pattern, relationship, ...
  kind        TEXT,              -- technique, subtechnique, tactic, mitigation, group,
                                 -- software, campaign, data_source, data_component,
                                 -- detection_strategy, analytic, asset, matrix; else NULL
  attack_id   TEXT,              -- T1136, M1028, G0016, DET0001, AN0110, ...
  name        TEXT,
  description TEXT,
  aliases     TEXT,              -- aliases other than the name, joined by ", "
  url         TEXT,              -- attack.mitre.org page
  version     TEXT,              -- x_mitre_version
  created     TEXT,
  revoked     INTEGER NOT NULL DEFAULT 0,
  deprecated  INTEGER NOT NULL DEFAULT 0,
  shortname   TEXT,              -- tactics: x_mitre_shortname (kill-chain phase name)
  rel_type    TEXT,              -- relationships: uses, mitigates, subtechnique-of, ...
  source_ref  TEXT,              -- relationships: STIX id of the source
  target_ref  TEXT,              -- relationships: STIX id of the target
  json        TEXT NOT NULL,     -- the object's original JSON text, byte for byte
  UNIQUE (stix_id, modified)
);
CREATE INDEX IF NOT EXISTS object_attack_id ON object (attack_id) WHERE attack_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS object_kind ON object (kind, shortname) WHERE kind IS NOT NULL;
CREATE INDEX IF NOT EXISTS object_source ON object (source_ref, rel_type) WHERE source_ref IS NOT NULL;
CREATE INDEX IF NOT EXISTS object_target ON object (target_ref, rel_type) WHERE target_ref IS NOT NULL;
-- revoked-by relationships, where every successor chain starts (without
-- it the successors view reads the whole table: 20 ms).
CREATE INDEX IF NOT EXISTS object_revoked_by ON object (source_ref, target_ref)
  WHERE rel_type = 'revoked-by';

-- Which object versions each release holds.
CREATE TABLE IF NOT EXISTS member (
  release_id INTEGER NOT NULL REFERENCES release (id),
  object_id  INTEGER NOT NULL REFERENCES object (id),
  PRIMARY KEY (release_id, object_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS member_object ON member (object_id);

-- The object versions the public views show: the members of the newest
-- release of each domain, refreshed after every ingest (a table, not a
-- view, so that queries plan and run fast).
CREATE TABLE IF NOT EXISTS current_member (
  object_id  INTEGER NOT NULL REFERENCES object (id),
  domain     TEXT NOT NULL,
  release_id INTEGER NOT NULL REFERENCES release (id),
  PRIMARY KEY (object_id, domain)
) WITHOUT ROWID;

-- List-valued fields of an object, one row per item: every list of strings
-- under its STIX field name (x_mitre_platforms, aliases, x_mitre_domains,
-- x_mitre_analytic_refs, tactic_refs, ...), and these lists of records:
--   kill_chain_phases              value=phase_name  v2=kill_chain_name
--   x_mitre_log_sources            value=name        v2=channel
--   x_mitre_log_source_references  value=data component STIX id  v2=name  v3=channel
--   x_mitre_mutable_elements       value=field       v2=description
CREATE TABLE IF NOT EXISTS prop (
  object_id INTEGER NOT NULL REFERENCES object (id),
  field     TEXT NOT NULL,
  ord       INTEGER NOT NULL,
  value     TEXT,
  v2        TEXT,
  v3        TEXT
);
CREATE INDEX IF NOT EXISTS prop_object ON prop (object_id, field);
CREATE INDEX IF NOT EXISTS prop_analytic_ref ON prop (value) WHERE field = 'x_mitre_analytic_refs';
-- The analytics reading a data component (its STIX id in their log
-- source references).
CREATE INDEX IF NOT EXISTS prop_log_source_ref ON prop (value)
  WHERE field = 'x_mitre_log_source_references';

-- External references, shared by every object and relationship citing them:
-- one row per distinct (source_name, url, description, external_id), found
-- through a 64-bit hash of the four (FNV-1a, computed by the parser).
CREATE TABLE IF NOT EXISTS reference (
  id          INTEGER PRIMARY KEY,
  hash        INTEGER NOT NULL,
  source_name TEXT NOT NULL,
  url         TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  external_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS reference_hash ON reference (hash);
CREATE INDEX IF NOT EXISTS reference_source ON reference (source_name);
CREATE TABLE IF NOT EXISTS cites (
  object_id    INTEGER NOT NULL REFERENCES object (id),
  ord          INTEGER NOT NULL,
  reference_id INTEGER NOT NULL REFERENCES reference (id),
  PRIMARY KEY (object_id, ord)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cites_reference ON cites (reference_id);

-- Validation findings of each release (attackkb check).
CREATE TABLE IF NOT EXISTS finding (
  release_id INTEGER NOT NULL REFERENCES release (id),
  kind       TEXT NOT NULL,   -- dangling-ref, missing-end, duplicate-id, ...
  stix_id    TEXT,            -- the object concerned
  attack_id  TEXT,
  detail     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS finding_release ON finding (release_id);

-- Full-text index over names, aliases, descriptions and procedure text
-- (external content: the text lives once, in object).
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5 (
  name, aliases, description,
  content = 'object', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

-- Obsidian notes ----------------------------------------------------------
-- Every note of the ingested vault (attackkb ingest VAULT_DIR), and what it
-- states. A note's rows are replaced when its content hash changes; notes
-- gone from disk are forgotten. The graph the notes describe is stored as
-- the pseudo-release of domain 'vault' (objects of stix_type
-- 'x-attackkb-vault'), which the views show only for ATT&CK IDs no STIX
-- release holds: STIX stays authoritative, and what a note says is kept
-- here as its claim (view note_claims).
CREATE TABLE IF NOT EXISTS note (
  id          INTEGER PRIMARY KEY,
  path        TEXT NOT NULL UNIQUE, -- vault-relative, '/'-separated
  title       TEXT NOT NULL,        -- file name without ".md"
  name        TEXT,                 -- the object's name as the note gives it
  attack_id   TEXT,                 -- the ATT&CK object it describes
  kind        TEXT,                 -- technique, mitigation, ... (from the ID)
  description TEXT,
  url         TEXT,                 -- attack.mitre.org URL of its frontmatter
  aliases     TEXT,                 -- aliases that are not IDs, joined by ", "
  frontmatter TEXT NOT NULL,        -- JSON object
  body        TEXT NOT NULL,        -- the whole text
  sha256      TEXT NOT NULL         -- of the file's bytes
);
CREATE INDEX IF NOT EXISTS note_attack_id ON note (attack_id) WHERE attack_id IS NOT NULL;
-- Wikilinks, embeds and URL links, resolved when stored.
CREATE TABLE IF NOT EXISTS note_link (
  note_id     INTEGER NOT NULL REFERENCES note (id),
  ord         INTEGER NOT NULL,
  kind        TEXT NOT NULL,  -- wiki, embed, url, image
  target      TEXT NOT NULL,  -- as written
  fragment    TEXT,
  text        TEXT,           -- display text
  line        INTEGER NOT NULL,
  attack_id   TEXT,           -- the ID the link names (text, file name, URL)
  resolution  TEXT NOT NULL,  -- path, id, name, id-mismatch, unresolved
  target_path TEXT,           -- the note it leads to
  folder_kind TEXT,           -- the type its path's folder says (techniques/ ...)
  PRIMARY KEY (note_id, ord)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS note_link_target ON note_link (target_path);
CREATE TABLE IF NOT EXISTS note_mention (
  note_id   INTEGER NOT NULL REFERENCES note (id),
  attack_id TEXT NOT NULL,
  line      INTEGER NOT NULL,
  section   TEXT
);
CREATE INDEX IF NOT EXISTS note_mention_note ON note_mention (note_id);
CREATE TABLE IF NOT EXISTS note_tag (
  note_id INTEGER NOT NULL REFERENCES note (id),
  tag     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS note_tag_note ON note_tag (note_id);
-- Table rows stating relationships (mitigates, subtechnique-of, uses:
-- source_id -> target_id) and fields (tactic, platform, permission: the
-- note's ID -> target_name, target_id for a tactic's ID).
CREATE TABLE IF NOT EXISTS note_fact (
  note_id     INTEGER NOT NULL REFERENCES note (id),
  ord         INTEGER NOT NULL,
  relation    TEXT NOT NULL,
  source_id   TEXT,
  target_id   TEXT,
  target_name TEXT,
  description TEXT,
  line        INTEGER NOT NULL,
  row_id      TEXT            -- the ID the row names (the end target_name names)
);
CREATE INDEX IF NOT EXISTS note_fact_note ON note_fact (note_id);
-- References ("Name: URL" items) and footnote definitions.
CREATE TABLE IF NOT EXISTS note_ref (
  note_id     INTEGER NOT NULL REFERENCES note (id),
  ord         INTEGER NOT NULL,
  label       TEXT,           -- footnote label, NULL for a list item
  source_name TEXT,           -- NULL for a footnote without a URL
  url         TEXT,
  text        TEXT,           -- a footnote's text
  line        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS note_ref_note ON note_ref (note_id);
-- Warnings the notes were read despite (FILE:LINE: ...).
CREATE TABLE IF NOT EXISTS note_warning (
  note_id INTEGER NOT NULL REFERENCES note (id),
  message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS note_warning_note ON note_warning (note_id);
-- Full-text index over the notes (external content: note).
CREATE VIRTUAL TABLE IF NOT EXISTS note_search USING fts5 (
  title, name, body,
  content = 'note', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS note_search_ai AFTER INSERT ON note BEGIN
  INSERT INTO note_search (rowid, title, name, body)
  VALUES (new.id, new.title, new.name, new.body);
END;
CREATE TRIGGER IF NOT EXISTS note_search_ad AFTER DELETE ON note BEGIN
  INSERT INTO note_search (note_search, rowid, title, name, body)
  VALUES ('delete', old.id, old.title, old.name, old.body);
END;

-- The vault pseudo-release's objects, found without scanning every object.
CREATE INDEX IF NOT EXISTS object_vault ON object (stix_type)
  WHERE stix_type = 'x-attackkb-vault';

-- ---- Detections (issue 7): detection sets, coverage -------------------
-- An imported set of detection rules (attackkb ingest --sigma DIR --set
-- NAME). Re-importing a set replaces it. ATT&CK's own detection strategies
-- are the set `attack`: views over detects, never copied here.
CREATE TABLE IF NOT EXISTS detection_set (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  source      TEXT NOT NULL,     -- the folders and files read, joined by ", "
  imported_at TEXT NOT NULL,     -- UTC, ISO 8601
  files       INTEGER NOT NULL,  -- files read
  rules       INTEGER NOT NULL,  -- rules stored
  skipped     INTEGER NOT NULL,  -- files and rules skipped (each warned)
  warnings    INTEGER NOT NULL   -- warnings met while reading
);

-- One rule of a set.
CREATE TABLE IF NOT EXISTS detection (
  id        INTEGER PRIMARY KEY,
  set_id    INTEGER NOT NULL REFERENCES detection_set (id),
  rule_id   TEXT NOT NULL,  -- Sigma id, CAR id, CSV name; FILE:LINE if none
  format    TEXT NOT NULL,  -- sigma, car, csv, note
  title     TEXT NOT NULL,
  status    TEXT,           -- Sigma status, CSV status column
  level     TEXT,           -- Sigma level, CAR coverage level
  logsource TEXT,           -- Sigma product/category/service
  file      TEXT NOT NULL,  -- where the rule was read
  line      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS detection_set_rule ON detection (set_id, rule_id);

-- The technique IDs a rule names, as written (upper case). How each
-- resolves in the selected releases (exact, revoked, deprecated, unknown)
-- is the view detection_resolution: nothing here goes stale when a new
-- ATT&CK release is ingested.
CREATE TABLE IF NOT EXISTS detection_technique (
  detection_id INTEGER NOT NULL REFERENCES detection (id),
  written      TEXT NOT NULL,
  PRIMARY KEY (detection_id, written)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS detection_technique_written ON detection_technique (written);

-- The other tags of a rule: kind is tactic (shortname), tactic_id (CAR's
-- TA IDs), group (G0069), software (S0029), platform, or tag (any other
-- namespace, verbatim: car.2016-03-001, cve.2021-44228, detection.threat).
CREATE TABLE IF NOT EXISTS detection_tag (
  detection_id INTEGER NOT NULL REFERENCES detection (id),
  kind         TEXT NOT NULL,
  value        TEXT NOT NULL,
  PRIMARY KEY (detection_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS detection_tag_value ON detection_tag (kind, value);

-- Per release, what the coverage queries rank and list techniques by: how
-- many live groups, software and campaigns use each live technique, and
-- the live mitigations of it. Computed once, when the release is ingested
-- (a release never changes), so that no query walks every procedure
-- example and mitigation relationship.
CREATE TABLE IF NOT EXISTS release_technique (
  release_id   INTEGER NOT NULL REFERENCES release (id),
  technique_id TEXT NOT NULL,
  name         TEXT,
  groups       INTEGER NOT NULL,
  software     INTEGER NOT NULL,
  campaigns    INTEGER NOT NULL,
  mitigations  TEXT NOT NULL,   -- JSON array of mitigation IDs, sorted
  PRIMARY KEY (release_id, technique_id)
) WITHOUT ROWID;

-- Per release, each live analytic, per platform, with the live technique
-- its detection strategy detects and each log source it reads (name and
-- channel as x_mitre_log_source_references write them; NULL when it names
-- none): what `attackkb feasible` matches a team's log sources against.
-- Computed with release_technique.
CREATE TABLE IF NOT EXISTS release_analytic (
  release_id   INTEGER NOT NULL REFERENCES release (id),
  analytic_id  TEXT NOT NULL,
  platform     TEXT,
  technique_id TEXT NOT NULL,
  name         TEXT,
  channel      TEXT
);
CREATE INDEX IF NOT EXISTS release_analytic_source ON release_analytic (release_id, name);
