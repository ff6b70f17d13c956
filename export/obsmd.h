/* export/obsmd.h: the text of the Obsidian notes: ATT&CK descriptions as
 * Obsidian Markdown (wikilinks, footnotes, code), YAML scalars, tags. */
#ifndef EXPORT_OBSMD_H
#define EXPORT_OBSMD_H

#include "kb/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* How obsmd_text() turns links and citations into the vault's own. */
typedef struct {
	/* The wikilink target (a note's file name without ".md") of an
	 * attack.mitre.org page: section is the first part of the URL's path
	 * ("techniques", "groups", ...), id the ATT&CK ID as written there,
	 * upper-cased, with a sub-technique's "/001" as ".001". NULL when
	 * the vault has no such note: the link is kept as it is. May be
	 * NULL. */
	const char *(*link)(void *arg, const char *section, const char *id);
	/* The footnote number of a "(Citation: NAME)" (name: len bytes),
	 * or 0 when NAME is not a known source; then the next ')' is tried
	 * as the end of the name, since names may hold one ("CISA Alert
	 * (TA17-163A)"). A citation never resolved stays as text. May be
	 * NULL: citations stay as text. */
	int (*cite)(void *arg, const char *name, size_t len);
	void *arg;
} obsmd_resolver;

/* Append text, Markdown as ATT&CK writes it, as Obsidian Markdown:
 * - [NAME](https://attack.mitre.org/SECTION/ID) -> [[TARGET|NAME]];
 *   other links kept;
 * - <code>X</code> -> `X` (a longer backtick fence if X holds backticks);
 *   <br> -> a line break; <b>, <strong> -> **; <i>, <em> -> *;
 * - (Citation: NAME) -> [^N];
 * - what Obsidian would misread is escaped: any other '<' (\<, so
 *   "<PID>" is not taken for HTML), '$' (math), "%%" (comments), "[["
 *   (wikilinks), "[^" (footnotes), '#' starting a word (tags);
 * - code spans and fenced blocks are copied as they are; "\r" is dropped.
 * r may be NULL. Never fails. */
void obsmd_text(strbuf *out, const char *text, const obsmd_resolver *r);

/* As obsmd_text(), every line after the first indented by indent spaces
 * (blank lines stay empty), so that the text stays inside a list item. */
void obsmd_text_indented(strbuf *out, const char *text,
			 const obsmd_resolver *r, int indent);

/* Append [[target]] or, when display differs from target, [[target|X]]
 * with X the display text made safe inside a wikilink ('|', '[', ']',
 * '#', '^' and line breaks become spaces or are dropped). in_table: write
 * the '|' as "\|", as a Markdown table cell needs. */
void obsmd_wikilink(strbuf *out, const char *target, const char *display,
		    bool in_table);

/* Append s as a YAML scalar for a frontmatter value: plain when YAML
 * reads it back as the same string (as Obsidian writes it), otherwise
 * double-quoted with escapes. Strings YAML would read as another type
 * (numbers like 2.6, dates, true/no/null...) are quoted. */
void obsmd_yaml_scalar(strbuf *out, const char *s);

/* Append s as one part of an Obsidian tag: ASCII letters lower-cased,
 * digits, '_' and '-' kept, non-ASCII UTF-8 kept, anything else (spaces,
 * '/', '.', '&'...) a '-' (never two in a row, none at either end);
 * "unknown" if nothing is left. */
void obsmd_tag(strbuf *out, const char *s);

#endif
