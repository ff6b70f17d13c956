/* kb/detection.h: detection sets in the store. Import (or replace) a named
 * set of rules, each naming techniques as written; choose the sets the
 * coverage queries read. Resolving the IDs (exact, revoked -> successor,
 * deprecated, unknown) is done by the views (docs/schema.md), against
 * whichever releases are selected, so nothing stored goes stale. */
#ifndef KB_DETECTION_H
#define KB_DETECTION_H

#include <stddef.h>

typedef struct kb_store kb_store;
typedef struct kb_detset kb_detset;

#define KB_DETECTION_ATTACK_SET "attack" /* ATT&CK's own, never imported */
#define KB_DETECTION_MAX_SET_NAME 128    /* bytes of a set name */

/* One tag of a rule other than its techniques. */
typedef struct kb_detection_tag {
	const char *kind;  /* tactic, tactic_id, group, software, platform,
			      tag */
	const char *value; /* initial-access, TA0001, G0069, Windows, cve.x */
} kb_detection_tag;

/* One detection rule as handed to the store. Every string is borrowed for
 * the duration of kb_detset_add(); NULL when absent. */
typedef struct kb_detection {
	const char *rule_id;   /* NULL: "FILE:LINE" is stored instead */
	const char *title;     /* NULL: the rule id */
	const char *format;    /* sigma, car, csv, note */
	const char *status;    /* test, stable, production... */
	const char *level;     /* low ... critical; CAR: Low/Moderate/High */
	const char *logsource; /* "windows/process_creation/" */
	const char *file;      /* where the rule was read */
	unsigned line;         /* its line there (1: the file is one rule) */
	const char *const *techniques; /* IDs as written: T1136, T1136.001 */
	size_t ntechniques;
	const kb_detection_tag *tags;
	size_t ntags;
} kb_detection;

/* What kb_detset_commit() records about the import besides its rules. */
typedef struct kb_detset_counts {
	size_t files;    /* files read */
	size_t skipped;  /* files and rules skipped, each with a warning */
	size_t warnings; /* warnings met while reading */
} kb_detset_counts;

/* Is name usable for a set? Non-empty, at most KB_DETECTION_MAX_SET_NAME
 * bytes, no control characters, not "attack". Returns 0 or KB_EUSAGE with
 * a message saying why. */
int kb_detection_check_set_name(const char *name);

/* Start importing the set name, read from source (folders and files, for
 * the record): a savepoint, so it is one transaction of its own or part of
 * the caller's (kb_store_begin). The set's previous import, if any, is
 * deleted now: the new one replaces it. Caller ends with kb_detset_commit()
 * or kb_detset_abort(). Returns 0, KB_EUSAGE (bad name) or KB_EDB. */
int kb_detset_begin(kb_detset **out, kb_store *store, const char *name,
		    const char *source);

/* Store one rule with its techniques and tags (duplicates within a rule
 * are stored once). Returns 0 or KB_EDB. */
int kb_detset_add(kb_detset *ds, const kb_detection *det);

/* Rules stored so far in this import. */
size_t kb_detset_rules(const kb_detset *ds);

/* Record the set's counts and release the savepoint. Frees ds in every
 * case (rolling back on failure). Returns 0 or KB_EDB. */
int kb_detset_commit(kb_detset *ds, const kb_detset_counts *counts);

/* Roll the import back (the set is as it was) and free ds. Accepts NULL. */
void kb_detset_abort(kb_detset *ds);

/* The hook for notes as detections (the notes reader calls it): a vault
 * note whose frontmatter says it is a detection and that links techniques
 * is one rule of format "note". */
typedef struct kb_note_detection {
	const char *title;             /* the note's title */
	const char *file;              /* its path in the vault */
	unsigned line;                 /* 1, or the line of its frontmatter */
	const char *const *techniques; /* linked technique IDs, as written */
	size_t ntechniques;
} kb_note_detection;

/* Import (replace) set name from n note records, in one savepoint.
 * Returns 0, KB_EUSAGE (bad name) or KB_EDB; on error the set is as it
 * was. */
int kb_detection_import_notes(kb_store *store, const char *name,
			      const char *source,
			      const kb_note_detection *notes, size_t n);

/* How the technique IDs of a set's rules resolve in the selected
 * releases: one count per (rule, ID as written). */
typedef struct kb_detection_links {
	size_t exact;      /* a live technique */
	size_t revoked;    /* counted as the successor (if live) */
	size_t deprecated; /* counted for nothing */
	size_t unknown;    /* no technique of the stored releases */
} kb_detection_links;

/* Count the resolutions of set name's technique IDs. Returns 0 or
 * KB_EDB. */
int kb_detection_count_links(kb_detection_links *out, kb_store *store,
			     const char *name);

/* Make the coverage queries read only these sets (a TEMP table
 * selected_sets shadowing the view of that name, for this connection).
 * "attack" is ATT&CK's own detection strategies. nsets 0 restores the
 * default: every set but attack. Works on a read-only store. Returns 0,
 * KB_ENOTFOUND (a set that is not stored; the message lists those that
 * are) or KB_EDB. */
int kb_detection_select_sets(kb_store *store, const char *const *sets,
			     size_t nsets);

#endif
