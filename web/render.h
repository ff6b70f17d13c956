/* web/render.h: ATT&CK's Markdown (descriptions, procedure text) as HTML
 * for the web page, with cmark-gfm. The one place the web uses cmark-gfm.
 * Raw HTML never reaches the page as markup: <code>x</code> becomes a code
 * span, a few formatting tags are dropped (their text kept), <br> breaks
 * the line, any other tag shows as text. Links to attack.mitre.org become
 * links to this site's pages; (Citation: NAME) becomes a link into the
 * page's reference list. */
#ifndef WEB_RENDER_H
#define WEB_RENDER_H

#include "kb/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
	const char *base; /* cgi_request.script_name: prefix of site links */
	/* The number (1, 2, ...) of reference name in the page's list, or 0
	 * to leave the citation as text. NULL: citations stay text. */
	int (*cite)(void *data, const char *name);
	void *cite_data; /* passed to cite */
} render_opts;

/* Append the HTML of Markdown text md to sb: block elements (<p>, lists,
 * tables), never a whole page. */
void render_markdown(strbuf *sb, const char *md, const render_opts *opts);

/* Call fn for each (Citation: NAME) in md, in order of appearance, with
 * the NAME (len bytes, not NUL-terminated). A NAME may hold balanced
 * parentheses: "(Citation: BlackEnergy (Group))". */
void render_each_citation(const char *md,
			  void (*fn)(void *data, const char *name, size_t len),
			  void *data);

/* Markdown of a search snippet as plain text: (Citation: X) dropped, links
 * reduced to their text, <code> tags dropped, even when the snippet cut
 * them short. KB_MARK_* bytes are kept. Caller frees. */
char *render_plain_snippet(const char *md);

/* If url is a page of attack.mitre.org about one object
 * (https://attack.mitre.org/techniques/T1136/001/), write its ATT&CK ID
 * ("T1136.001") into id and return true. */
bool render_attack_url(char id[16], const char *url);

#endif
