/* export/vault.h: write notes into an Obsidian vault without ever losing an
 * analyst's edits, and remember what attackkb wrote. */
#ifndef EXPORT_VAULT_H
#define EXPORT_VAULT_H

#include <stdbool.h>
#include <stddef.h>

/* The rules, for each note attackkb is asked to write (vault_put_note()):
 * (a) no file at that path: the note is written (VAULT_ADDED);
 * (b) a file attackkb wrote (listed in the manifest) whose generated region
 *     and owned properties are as attackkb last wrote them: the new ones are
 *     spliced in, every other byte kept (VAULT_CHANGED, or VAULT_UNCHANGED
 *     when the result is byte-identical: then nothing is written and the
 *     file's mtime is untouched);
 * (c) the analyst edited the generated region or an owned property (or
 *     removed a marker): the note is not touched; the new version (the note
 *     with the new generated parts spliced in, or a fresh note when the
 *     markers are broken) goes beside it as "NAME.attackkb-new.md"
 *     (VAULTFILE_CONFLICT_EXT) and the note is reported (VAULT_CONFLICT).
 *     The conflict ends when the generated parts match either the last
 *     written ones or the new ones again, e.g. after the analyst moves the
 *     .attackkb-new.md file over the note; attackkb then deletes a leftover
 *     conflict file if nobody edited it and it holds only generated text;
 * (d) a file attackkb did not write (not in the manifest), or anything that
 *     is not a regular file (folder, symlink): never modified, moved or
 *     deleted (VAULT_FOREIGN). Exception: a file byte-identical to the note
 *     attackkb would write is taken over (VAULT_ADOPTED): this recovers from
 *     a run killed before vault_finish() or a lost manifest. On Linux, an
 *     existing file whose name differs only in ASCII case also counts as in
 *     the way, since the vault would break on macOS or Windows.
 * Notes in the manifest that were not put in this run belong to objects that
 * left the release: vault_finish() reports them (VAULT_STALE), or with
 * opts.prune deletes those still byte-identical to what attackkb wrote and
 * holding no analyst text (VAULT_REMOVED): so a run with prune must put
 * every note the vault should keep. Removing a note's line from the
 * manifest hands the note over to the analyst: attackkb no longer touches
 * it (unless it is byte-identical to attackkb's output, see (d)).
 *
 * Every write goes to a temporary file in the same folder, then rename():
 * a killed export leaves each note old or new, never truncated; new notes
 * are created with RENAME_NOREPLACE so a file appearing meanwhile is not
 * replaced. Each completed write is also appended to .attackkb/journal, so
 * an export that dies before vault_finish() still knows what it wrote.
 *
 * The manifest, DIR/.attackkb/manifest (a dot folder, which Obsidian does
 * not show), is a text file written atomically by vault_finish(), and only
 * when its content changes. Lines starting with '#' are comments; each
 * other line is one file attackkb wrote, sorted by path:
 *
 *   KIND FILE REGION PROPS PATH
 *   n 9c0e5b8c5a4a4f21 3b5e77ab21f0c1de cbf29ce484222325 Techniques/T1 A.md
 *   c 0d1f6e2a7b3c4d5e - - Techniques/T1 A.attackkb-new.md
 *
 * KIND: 'n' a note, 'c' a conflict file; upper case ('N', 'C') when the file
 * also held analyst text when attackkb wrote it (such files are never
 * deleted); 'f' a whole file written by vault_put_file() (REGION and PROPS
 * '-'). FILE: vaultnote_hash() of the whole file as attackkb last wrote
 * it. REGION, PROPS: the vaultnote_hashes of its generated parts as last
 * written ('-' for conflict files). Hashes are 16 lowercase hex digits
 * (64-bit FNV-1a, see vaultnote_hash(): it detects accidental edits, not
 * forged ones). PATH: relative to DIR, '/'-separated, the rest of the line.
 * The journal has the same line format; its lines override the manifest's. */

typedef struct vault vault;

typedef struct {
	const char *const *owned_keys; /* NULL-terminated frontmatter keys
					  attackkb owns (copied); NULL: none */
	bool prune;   /* vault_finish() deletes stale unedited notes */
	bool sync;    /* fsync files and folders (survive power loss) */
	bool dry_run; /* compute the report; create, write, delete nothing */
} vault_opts;

#define VAULT_OPTS_INIT {NULL, false, true, false}

/* What happened to one file. */
typedef enum {
	VAULT_ADDED,     /* (a) new note written */
	VAULT_CHANGED,   /* (b) generated parts replaced, the rest kept */
	VAULT_UNCHANGED, /* (b) already up to date: nothing written */
	VAULT_ADOPTED,   /* (d) identical file taken into the manifest */
	VAULT_CONFLICT,  /* (c) generated parts edited: note untouched */
	VAULT_FOREIGN,   /* (d) not attackkb's file: untouched */
	VAULT_STALE,     /* attackkb's file, object gone: kept */
	VAULT_REMOVED,   /* stale note (prune) or spent conflict file deleted */
	VAULT_NSTATUS
} vault_status;

typedef struct {
	char *path;          /* relative to DIR, '/'-separated */
	vault_status status; /* what happened */
	char *detail;        /* why (conflicts, foreign, stale...), or NULL */
	char *conflict_path; /* VAULT_CONFLICT: relative path of the
				.attackkb-new.md beside the note; NULL if it
				could not be written (detail says why, and
				says when it is an older one the analyst
				edited, which is left alone) */
} vault_item;

typedef struct {
	vault_item *items;           /* n items: vault_put_note() calls in
					order, then vault_finish()'s, by path */
	size_t n;                    /* number of items */
	size_t count[VAULT_NSTATUS]; /* items per status */
	bool manifest_written;       /* the manifest changed on disk */
} vault_report;

/* Open the vault in folder dir (created, with its parents, if missing) and
 * read its manifest and journal. Fails early, before writing any note, if
 * dir is not a folder or not writable, or if another attackkb process is
 * exporting to it (flock on DIR/.attackkb/lock). The caller closes *out with
 * vault_close(). With opts.dry_run nothing is created and no lock taken.
 * Returns 0, KB_EIO (message names the path and the system error),
 * KB_EEXISTS (vault busy), KB_EPARSE ("PATH:LINE: malformed manifest line",
 * also for a path escaping the vault), KB_ELIMIT (manifest larger than
 * KB_MAX_MANIFEST_FILE) or KB_EUSAGE (dir empty). */
int vault_open(vault **out, const char *dir, const vault_opts *opts);

/* Write (or update, or report) the note at relpath following the rules
 * above. relpath: '/'-separated, relative, each part a portable name (see
 * vaultfile_valid_name()), ending in ".md", unique in this run ignoring
 * ASCII case. frontmatter: generated properties (top-level "key: value"
 * lines with their continuation lines, keys from opts.owned_keys), or NULL;
 * body: the generated region's Markdown, or NULL. Conflicts and foreign
 * files are not errors: they are recorded for vault_finish()'s report.
 * Returns 0, KB_EUSAGE (bad relpath or generated text; nothing done) or
 * KB_EIO (a write failed, e.g. disk full or folder not writable: that note
 * is left as it was, no temporary file remains; stop and vault_close()). */
int vault_put_note(vault *v, const char *relpath, const char *frontmatter,
		   const char *body);

/* Write (or update, or report) a file attackkb owns whole, with no region
 * for the analyst: an Obsidian canvas. relpath: as for vault_put_note() but
 * not ending in ".md" (e.g. "ATT&CK/Matrix.canvas"); data: len bytes, no
 * NUL. The rules are those of the notes, the whole file being the
 * generated part: (a) no file: written (VAULT_ADDED); (b) in the manifest
 * (kind 'f') and as last written: replaced (VAULT_CHANGED or
 * VAULT_UNCHANGED); (c) in the manifest but edited since: left alone and
 * reported (VAULT_CONFLICT, no conflict file: the analyst moves theirs away
 * to get the new version); (d) not in the manifest: VAULT_FOREIGN, or
 * VAULT_ADOPTED when byte-identical. Stale whole files are reported, or
 * deleted with opts.prune when unedited. Returns 0, KB_EUSAGE or KB_EIO,
 * as vault_put_note(). */
int vault_put_file(vault *v, const char *relpath, const void *data,
		   size_t len);

/* Finish the export: report stale notes (deleting unedited ones with
 * opts.prune) and spent conflict files, write the manifest atomically if it
 * changed, remove the journal. *out receives the report (the caller frees
 * it with vault_report_free(); filled even on error). Call once, then
 * vault_close(). Returns 0, KB_EIO (the journal then stays, so the next
 * vault_open() still knows every file written) or KB_EUSAGE (called
 * twice). */
int vault_finish(vault *v, vault_report *out);

/* Release the vault and its lock. Without vault_finish(), notes already
 * written stay recorded in the journal for the next run. Accepts NULL. */
void vault_close(vault *v);

/* Free the contents of a report (not r itself). Accepts NULL. */
void vault_report_free(vault_report *r);

/* "added", "changed", "unchanged", "adopted", "conflict", "foreign",
 * "stale", "removed". Static string. */
const char *vault_status_name(vault_status s);

/* One line for a log or commit message, e.g. "3 added, 1 changed,
 * 2 conflicts, 120 unchanged" (statuses with a zero count left out;
 * "nothing exported" if all are). The caller frees. */
char *vault_report_summary(const vault_report *r);

#endif
