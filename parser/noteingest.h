/* parser/noteingest.h: an Obsidian vault (or some notes) into the store:
 * files read and hashed, the changed ones parsed, every record handed to
 * kb/notes.c. */
#ifndef PARSER_NOTEINGEST_H
#define PARSER_NOTEINGEST_H

#include "kb/notes.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct noteingest_opts {
	bool temp; /* into TEMP tables (vault-check), not the store */
	void (*progress)(void *ud, size_t done, size_t total); /* or NULL */
	void *progress_ud;
} noteingest_opts;

#define NOTEINGEST_OPTS_INIT {false, NULL, NULL}

typedef struct noteingest_result {
	kb_notes_stats stats;
	size_t files;     /* Markdown files found */
	size_t parsed;    /* of them, parsed (all when any changed) */
	char **warnings;  /* "FILE:LINE: ..." or "FILE: ...": notes read
	                   * despite a problem, and files skipped */
	size_t nwarnings;
} noteingest_result;

/* Read every "*.md" under root (names starting with '.' skipped, such as
 * .obsidian, .trash and .git; symbolic links not followed) into the store
 * as one vault: notes whose hash is unchanged are kept as stored (when
 * nothing changed, none is parsed), notes gone from disk are forgotten.
 * Files that cannot be read, are larger than KB_MAX_NOTE_FILE or cannot be
 * parsed are skipped with a warning. One savepoint. The caller frees
 * res with noteingest_result_free(). Returns 0; KB_ENOTFOUND or KB_EIO
 * for root; KB_ELIMIT (too many notes, folders too deep); KB_EDB. */
int noteingest_vault(kb_store *store, const char *root,
                     const noteingest_opts *opts, noteingest_result *res);

/* The same for the notes files[0..n) (paths as given), without forgetting
 * other stored notes. */
int noteingest_files(kb_store *store, char *const *files, size_t n,
                     const noteingest_opts *opts, noteingest_result *res);

void noteingest_result_free(noteingest_result *res);

#endif
