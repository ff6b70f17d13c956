/* kb/notes.h: storing an Obsidian vault's notes and what they state (the
 * note tables of kb/schema.sql), and the graph they describe as the
 * pseudo-release of domain "vault". The parser fills plain records; this
 * module owns the SQL. */
#ifndef KB_NOTES_H
#define KB_NOTES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct kb_store kb_store;
typedef struct kb_notes kb_notes;

/* One link of a note; strings borrowed for the call. */
typedef struct kb_note_link {
	const char *kind;        /* wiki, embed, url, image */
	const char *target;      /* as written */
	const char *fragment;    /* or NULL */
	const char *text;        /* display text, or NULL */
	unsigned line;
	const char *attack_id;   /* the ID the link names, or NULL */
	const char *resolution;  /* path, id, name, id-mismatch, unresolved */
	const char *target_path; /* the note it leads to, or NULL */
} kb_note_link;

typedef struct kb_note_mention {
	const char *attack_id;
	unsigned line;
	const char *section;
} kb_note_mention;

/* A relationship row (relation mitigates, subtechnique-of, uses) or a
 * field (tactic, platform, permission); see the note_fact table. */
typedef struct kb_note_fact {
	const char *relation, *source_id, *target_id, *target_name,
	    *description;
	const char *row_id; /* the ID the row names (the end target_name
	                     * names), or NULL */
	unsigned line;
} kb_note_fact;

typedef struct kb_note_ref {
	const char *label;       /* footnote label, or NULL */
	const char *source_name; /* or NULL */
	const char *url;         /* or NULL */
	const char *text;        /* a footnote's text, or NULL */
	unsigned line;
} kb_note_ref;

/* One note. Strings borrowed for the call; NULL when absent. */
typedef struct kb_note {
	const char *path, *title, *name, *attack_id, *kind, *description,
	    *url, *aliases;
	const char *frontmatter_json; /* a JSON object */
	const char *body;             /* the file's text */
	const char *sha256;           /* of the file's bytes */
	const kb_note_link *links;
	size_t nlinks;
	const kb_note_mention *mentions;
	size_t nmentions;
	const char *const *tags;
	size_t ntags;
	const kb_note_fact *facts;
	size_t nfacts;
	const kb_note_ref *refs;
	size_t nrefs;
	const char *const *warnings;
	size_t nwarnings;
} kb_note;

enum {
	/* Write TEMP tables shadowing the note tables, not the store: what
	 * vault-check compares with the release; nothing is committed. */
	KB_NOTES_TEMP = 1u << 0,
};

typedef struct kb_notes_stats {
	size_t notes;         /* notes in the vault */
	size_t changed;       /* of them, new or changed */
	size_t removed;       /* stored notes gone from the vault */
	size_t objects;       /* objects of the vault pseudo-release */
	size_t relationships; /* of them, relationships */
	size_t shadowed;      /* objects not shown: a STIX release has them */
} kb_notes_stats;

/* Start storing a vault: a savepoint (own transaction or part of the
 * caller's). Caller ends with kb_notes_commit() or kb_notes_abort().
 * Returns 0 or KB_EDB. */
int kb_notes_begin(kb_notes **out, kb_store *store, unsigned flags);

/* The stored content hash of the note at path, or NULL. Borrowed. */
const char *kb_notes_hash(kb_notes *ns, const char *path);

/* Number of notes stored when kb_notes_begin() ran. */
size_t kb_notes_stored(const kb_notes *ns);

/* Do not forget the stored notes neither put nor kept (notes ingested
 * one by one, not as a whole vault). */
void kb_notes_keep_others(kb_notes *ns);

/* Store a note, replacing a stored note with its path. Returns 0 or
 * KB_EDB. */
int kb_notes_put(kb_notes *ns, const kb_note *n);

/* Keep the stored note at path (unchanged); when links is not NULL,
 * replace its links (their resolution depends on the other notes).
 * Returns 0 or KB_EDB. */
int kb_notes_keep(kb_notes *ns, const char *path, const kb_note_link *links,
                  size_t nlinks);

/* Forget stored notes neither put nor kept, rebuild the vault
 * pseudo-release when anything changed (source names the vault), refresh
 * what the views show, and release the savepoint. Fills *stats (may be
 * NULL). Frees ns in every case. Returns 0 or KB_EDB. */
int kb_notes_commit(kb_notes *ns, const char *source, kb_notes_stats *stats);

/* Roll back and free. Accepts NULL. */
void kb_notes_abort(kb_notes *ns);

typedef struct kb_rows kb_rows;

typedef struct kb_diff kb_diff;

/* The notes' problems against the selected STIX releases (attackkb
 * vault-check): rows (note, line, problem, id, detail), problem one of
 * revoked, deprecated, unknown-id, renamed, mitigation-not-in-release,
 * subtechnique-not-in-release, mitigation-missing, subtechnique-missing,
 * link-type, link-id, link-revoked, duplicate, unresolved-link, and
 * changed: the note's ATT&CK ID is a technique one of the ndiffs diffs
 * (from the release the vault was generated from to the selected one)
 * lists, in a section or with related changes; the detail says so, as
 * "changed since 17.1: minor version change (1.0 -> 1.1); mitigations
 * added M0801". Reads the TEMP note tables when a KB_NOTES_TEMP ingest
 * made them, else the stored notes. Caller frees *out with
 * kb_rows_free(). Returns 0 or KB_EDB. */
int kb_notes_check(kb_rows **out, kb_store *store, const kb_diff *const *diffs,
                   size_t ndiffs);

#endif
