/* parser/notefacts.h: what note.c reads from a note's raw lines and
 * parsed body besides links and prose: Obsidian comments, callout fields,
 * footnotes, the name and the facts (relationship rows and fields).
 * Internal to parser/note.c. */
#ifndef PARSER_NOTEFACTS_H
#define PARSER_NOTEFACTS_H

#include "parser/note.h"

#include <stddef.h>

/* Blank the text of Obsidian comments (%%...%%, markers included) with
 * spaces, keeping line ends, so line numbers stay. */
void notefacts_blank_comments(char *text, size_t len);

/* The ID of a callout's "ID:" line ("> ID: T1003.001"), or NULL. The
 * caller frees it. */
char *notefacts_callout_id(const char *text, size_t len);

/* The ID the file name starts or ends with ("T1136-Create_Account",
 * "LSASS Memory - T1003.001"), or NULL. The caller frees it. */
char *notefacts_title_id(const char *title);

/* Set nt->url: the first attack.mitre.org URL of the frontmatter. */
void notefacts_read_url(note *nt);

/* Fill nt->name, nt->footnotes, footnote references, nt->facts
 * and table warnings from the body text[0..len) (file line 1 at text; the
 * frontmatter lines included) and the parsed note. shown names the file
 * in warnings. */
void notefacts_read(note *nt, const char *shown, const char *text,
                    size_t len);

/* Free what notefacts_read() added. */
void notefacts_free(note *nt);

#endif
