/* web/fcgi_main.c: main() of attackkb.fcgi, the same pages as attackkb.cgi
 * served as a FastCGI application (libfcgi's fcgi_stdio; start it with
 * spawn-fcgi). One process answers request after request and keeps the
 * store open, and the pages it sent, between them (app_cache). */
#include "kb/strbuf.h"
#include "web/app.h"
#include "web/cgi.h"

#include <fcgi_stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	/* The store named where the server was started, for servers that do
	 * not pass ATTACKKB_DB with each request. FCGI_Accept() replaces the
	 * environment, so keep a copy. */
	const char *start_db = getenv("ATTACKKB_DB");
	char *default_db = start_db ? strdup(start_db) : NULL;
	/* ATTACKKB_PAGE_CACHE: MiB of rendered pages to keep (default 32,
	 * 0 for none). */
	const char *mib = getenv("ATTACKKB_PAGE_CACHE");
	app_cache *cache = app_cache_new(
		(size_t)(mib && *mib ? strtoul(mib, NULL, 10) : 32) << 20);
	strbuf out = STRBUF_INIT;
	cgi_env env;

	while (FCGI_Accept() >= 0) {
		cgi_env_from_getenv(&env);
		if (!env.db_path || !*env.db_path)
			env.db_path = default_db;
		strbuf_clear(&out);
		app_handle_cached(&out, &env, cache);
		fwrite(out.ptr, 1, out.len, stdout);
		FCGI_Finish();
	}
	strbuf_free(&out);
	app_cache_free(cache);
	free(default_db);
	return 0;
}
