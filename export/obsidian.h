/* export/obsidian.h: the store as an Obsidian vault (attackkb export
 * obsidian): one note per ATT&CK object, indexes, a matrix per domain as a
 * note and as a canvas, written through export/vault.h so that analysts'
 * edits survive every re-export. */
#ifndef EXPORT_OBSIDIAN_H
#define EXPORT_OBSIDIAN_H

#include "export/vault.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct kb_store kb_store;

/* The vault, relative to its folder:
 *   Techniques/T1136 Create Account.md      one note per object, in a
 *   Sub-techniques/T1136.001 Local Account.md   folder per type; revoked
 *   Tactics/, Mitigations/, Groups/, Software/, Campaigns/,   and
 *   Data Sources/, Data Components/, Detection Strategies/, Assets/
 *                                            deprecated objects included
 *                                            (their notes say so)
 *   ATT&CK/Techniques.md ...                 an index note per type
 *   ATT&CK/Enterprise ATT&CK.md              an index note per domain
 *   ATT&CK/Enterprise ATT&CK Matrix.md       the matrix as a table
 *   ATT&CK/Enterprise ATT&CK Matrix.canvas   ... and as a JSON Canvas 1.0
 * Analytics are sections of their detection strategy's note. File names
 * come from export/vaultfile.h: unique in the whole vault, portable. */

/* The frontmatter properties attackkb owns (NULL-terminated). Every other
 * property of a note is the analyst's. */
extern const char *const obsidian_owned_keys[];

typedef struct {
	const char *const *domains; /* NULL-terminated domains to export
				       ("enterprise-attack" or "enterprise");
				       NULL or none: every domain of the
				       selected releases */
	bool prune;   /* delete stale notes nobody edited */
	bool sync;    /* fsync every file (survives power loss; slower) */
	bool dry_run; /* report what would happen, write nothing */
	bool git;     /* commit the export in DIR's git repository */
} obsidian_opts;

typedef struct {
	vault_report report; /* what happened to each file */
	char *release;       /* "enterprise-attack v18.1, mobile-attack ..." */
	size_t files;        /* notes and canvases generated */
	bool committed;      /* opts.git: a commit was made */
	char commit[41];     /* its id in hex, or "" */
} obsidian_result;

/* Export the selected releases of store (see kb_store_select_release())
 * into the vault at dir (created if missing). The same store and options
 * give byte-identical files. DIR/.attackkb/obsidian remembers the input of
 * the last export: when it is the same and every generated part is as
 * attackkb left it, nothing is rendered and every file is reported
 * unchanged (not with opts.git, which always checks the repository). *out (the caller frees it with
 * obsidian_result_free(); zeroed first) receives the report, also on
 * errors after the vault was opened. Returns 0; KB_ENOTFOUND (a domain
 * has no release in the store, or the store is empty); KB_EEXISTS
 * (another export holds the vault); KB_EIO (dir not a writable folder, a
 * write failed); KB_EPARSE (manifest); KB_EDB; KB_ERROR (git). */
int obsidian_export(kb_store *store, const char *dir,
		    const obsidian_opts *opts, obsidian_result *out);

/* Free the contents of r (not r). Accepts NULL. */
void obsidian_result_free(obsidian_result *r);

/* The releases a vault was generated from: DIR/.attackkb/release, which
 * every completed export (not a dry run) writes and commits with opts.git:
 *   # attackkb obsidian export: the releases of this vault
 *   release ics-attack 17.1
 * one line per exported domain, sorted by domain. */
typedef struct {
	char *domain;  /* "ics-attack" */
	char *version; /* "17.1" */
} obsidian_release;

/* Read dir's record into *out (n entries; the caller frees it with
 * obsidian_releases_free()). Returns 0; KB_ENOTFOUND (no record: not
 * exported by attackkb, or by one older than the record); KB_EPARSE (a
 * line that is not "release DOMAIN X.Y"); KB_EIO. */
int obsidian_releases_read(obsidian_release **out, size_t *n,
			   const char *dir);

/* Accepts NULL. */
void obsidian_releases_free(obsidian_release *v, size_t n);

#endif
