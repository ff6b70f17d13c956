/* web/page.h: the pages of attackkb.cgi that read the store, and what they
 * share: the request, the open store, the validators of the response. */
#ifndef WEB_PAGE_H
#define WEB_PAGE_H

#include "kb/strbuf.h"
#include "web/cgi.h"
#include "web/http.h"

#include <stdbool.h>
#include <time.h>

typedef struct kb_store kb_store;
typedef struct kb_rows kb_rows;

/* One request to one page. Everything is borrowed. */
typedef struct {
	const cgi_request *req;   /* the checked request */
	kb_store *store;          /* open read-only */
	const char *base;         /* req->script_name: prefix of every link */
	const char *arg;          /* the route's argument: ID or domain */
	const kb_rows *releases;  /* the named query "releases" */
	bool json;                /* ?format=json */
	char etag[HTTP_ETAG_MAX]; /* of this page at this store's content */
	time_t last_modified;     /* when the store last changed, or 0 */
	strbuf *keep;             /* not NULL: page_send() also copies the
				     body here (FastCGI's page cache) */
} page_ctx;

/* Each page appends its whole response (200, or a 303 redirect) to out
 * and returns 0, or returns without writing anything: KB_ENOTFOUND (send
 * 404), KB_EUSAGE or KB_ELIMIT (400: a parameter the page refuses; the
 * message says which and may be shown), KB_EDB or another code (503: the
 * store could not be read). */
int page_home(strbuf *out, const page_ctx *ctx);
int page_search(strbuf *out, const page_ctx *ctx);
int page_object(strbuf *out, const page_ctx *ctx);
int page_matrix(strbuf *out, const page_ctx *ctx);
int page_coverage(strbuf *out, const page_ctx *ctx);

/* Helpers for the pages (web/page.c). */

/* Send body as a 200 text/html or application/json response with the
 * page's validators (and copy it to ctx->keep). */
void page_send(strbuf *out, const page_ctx *ctx, const strbuf *body);

/* Send a 303 to base + path (path and query already URL-safe). */
void page_redirect(strbuf *out, const page_ctx *ctx, const char *path);

/* Append <a href="BASE/object/ID">text</a>, text escaped; with domain
 * (not NULL, not enterprise-attack) the link asks for that domain. */
void page_link_object(strbuf *sb, const page_ctx *ctx, const char *id,
		      const char *text, const char *domain);

/* The short name of a STIX domain: "enterprise-attack" -> "enterprise". */
const char *page_domain_short(const char *domain);

/* A human name for an object type: "subtechnique" -> "sub-technique". */
const char *page_type_label(const char *type);

#endif
