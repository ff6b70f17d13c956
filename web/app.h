/* web/app.h: one CGI request in, one CGI response out. main() and the
 * tests drive the page through this single entry point. */
#ifndef WEB_APP_H
#define WEB_APP_H

#include "kb/strbuf.h"
#include "web/cgi.h"

/* Parse env, route it and append the whole CGI response (headers, and the
 * body unless HEAD) to out. Never fails: a refused request gets its 4xx
 * page, a missing store (env->db_path unset or unreadable) a 503. Problems
 * worth an operator's eye are also written to stderr, which the web server
 * logs. */
void app_handle(strbuf *out, const cgi_env *env);

#endif
