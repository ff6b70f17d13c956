/* web/app.h: one CGI request in, one CGI response out. main() and the
 * tests drive the page through this single entry point. */
#ifndef WEB_APP_H
#define WEB_APP_H

#include "kb/strbuf.h"
#include "web/cgi.h"

/* What a long-running server (FastCGI) keeps between requests: the open
 * store, reopened when the file at ATTACKKB_DB is replaced, and the pages
 * it sent, by entity tag: the tag covers the program, the store's file and
 * releases and the request, so a kept page is exactly what the page would
 * be rebuilt as. */
typedef struct app_cache app_cache;

/* Parse env, route it and append the whole CGI response (headers, and the
 * body unless HEAD) to out. Never fails: a refused request gets its 4xx
 * page, a missing, locked or unreadable store (env->db_path unset or not
 * an attackkb store) a 503. Problems worth an operator's eye are also
 * written to stderr, which the web server logs. Opens the store read-only
 * for this request and closes it. */
void app_handle(strbuf *out, const cgi_env *env);

/* As app_handle(), keeping the store open in cache between calls. */
void app_handle_cached(strbuf *out, const cgi_env *env, app_cache *cache);

/* A new, empty cache keeping at most max_bytes of pages (0: keep the
 * store only); free it with app_cache_free() (NULL is fine). */
app_cache *app_cache_new(size_t max_bytes);
void app_cache_free(app_cache *cache);

#endif
