/* cli/ingest_notes.h: the notes branch of `attackkb ingest`: a folder
 * (an Obsidian vault) or .md files. */
#ifndef CLI_INGEST_NOTES_H
#define CLI_INGEST_NOTES_H

#include "cli/command.h"

#include <stdbool.h>

/* Is arg notes: a ".md" file, or a folder holding Markdown notes (or an
 * .obsidian folder), or one holding neither notes nor rule files? */
bool cli_is_notes_arg(const char *arg);

/* Ingest the note operands among args[0..n) inside the caller's
 * transaction; prints the summary and warnings. With strict, warnings
 * fail. A vault's detection notes become the detection set set_name, or
 * when NULL the set named after the vault's folder. Returns 0, or -1
 * after printing the error (the caller rolls back). */
int cli_ingest_notes(struct kb_ctx *ctx, char **args, int n, bool strict,
                     const char *set_name);

#endif
