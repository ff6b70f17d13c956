/* parser/notedir.h: an Obsidian vault: every note under a folder, parsed,
 * and their links resolved to one another the way Obsidian does, helped by
 * the ATT&CK IDs the links carry. */
#ifndef PARSER_NOTEDIR_H
#define PARSER_NOTEDIR_H

#include "parser/note.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct notedir notedir;

typedef struct notedir_opts {
	bool keep_going; /* skip notes that cannot be read or parsed, and
	                  * folders that cannot be listed, and list them
	                  * as problems, instead of failing */
} notedir_opts;

#define NOTEDIR_OPTS_INIT                                                      \
	{                                                                      \
		false                                                          \
	}

/* A note or folder skipped with keep_going. */
typedef struct notedir_problem {
	char *path;    /* vault-relative */
	int code;      /* the KB_E* the note failed with */
	char *message; /* its kb_error_last() */
} notedir_problem;

/* Parse every "*.md" file under root (folders and files whose name starts
 * with '.', such as .obsidian and .trash, are skipped, and so are symbolic
 * links), then resolve the links as notedir_resolve() does. opts may be
 * NULL. The caller frees *out with notedir_free().
 * Returns 0; KB_ENOTFOUND (no such root), KB_EIO (unreadable folder, root
 * not a folder); KB_ELIMIT (more than KB_MAX_VAULT_NOTES notes, folders
 * nested deeper than KB_MAX_VAULT_DEPTH); and without keep_going, the
 * first failing note's error from note_parse_file(). */
int notedir_load(notedir **out, const char *root, const notedir_opts *opts);

/* An empty vault to fill with notedir_add() (notes read from elsewhere,
 * e.g. a git tree). The caller frees it with notedir_free(). */
notedir *notedir_new(void);

/* Add a note (its path vault-relative, '/'-separated). Takes n, even on
 * failure. Returns 0; KB_EEXISTS when a note has the same path; KB_ELIMIT
 * past KB_MAX_VAULT_NOTES. */
int notedir_add(notedir *dir, note *n);

/* Sort the notes by path and set every link's resolution and target:
 *  - [[#heading]] is the note itself;
 *  - a wikilink, embed or URL without a scheme ([x](Other%20Note.md))
 *    names a path, ".md" implied: the note at that vault path, else at
 *    that path from the linking note's folder ("./" and "../" paths are
 *    only tried from there), else the notes whose path ends with "/" +
 *    it, the one in the linking note's folder first, then the shortest
 *    path (Obsidian's rule); ASCII case is ignored;
 *  - a link naming an ATT&CK ID whose path leads to a note about another
 *    ID goes to a note about its own ID instead (NOTE_BY_ID), the one
 *    sharing the longest folder prefix with the link's path first;
 *  - a path that leads nowhere falls back to the ID, then to a note with
 *    the same file name in another folder (NOTE_BY_NAME).
 * Calling it again after more notedir_add() calls redoes it all. */
void notedir_resolve(notedir *dir);

/* Number of notes, and note i (0 <= i < count); in path order once
 * notedir_resolve() has run. Borrowed from dir. */
size_t notedir_count(const notedir *dir);
const note *notedir_note(const notedir *dir, size_t i);

/* The note a link path leads to from the note at path from (NULL for the
 * vault root), by the path rules of notedir_resolve(); NULL if none.
 * Needs notedir_resolve() first. Borrowed from dir. */
const note *notedir_find(const notedir *dir, const char *linkpath,
                         const char *from);

/* Number of problems, and problem i. Borrowed from dir. */
size_t notedir_problem_count(const notedir *dir);
const notedir_problem *notedir_problem_get(const notedir *dir, size_t i);

/* Free the vault and its notes. Accepts NULL. */
void notedir_free(notedir *dir);

#endif
