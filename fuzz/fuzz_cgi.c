/* fuzz/fuzz_cgi.c: one CGI request -> app_handle(), on a small store built
 * once from the test fixtures. The input holds the request's fields cut at
 * NUL bytes (an environment variable cannot hold one): REQUEST_METHOD,
 * PATH_INFO, QUERY_STRING, SCRIPT_NAME, HTTP_IF_NONE_MATCH,
 * HTTP_IF_MODIFIED_SINCE; a missing field is unset. Every response must
 * start with a status line, and its headers must hold no bare CR or LF
 * coming from the request (no header injection). */
#include "kb/store.h"
#include "kb/strbuf.h"
#include "parser/stix.h"
#include "web/app.h"
#include "web/cgi.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char db_path[64];

static void build_store(void)
{
	kb_store *store;
	stix_result res;
	char dir[] = "/tmp/fuzz_cgi.XXXXXX";

	if (!mkdtemp(dir))
		abort();
	snprintf(db_path, sizeof(db_path), "%s/kb.db", dir);
	if (kb_store_open(&store, db_path, KB_STORE_WRITE | KB_STORE_CREATE) <
		    0 ||
	    stix_ingest_file(store,
			     "tests/fixtures/stix/mini-enterprise-18.1.json",
			     NULL, &res) < 0 ||
	    stix_ingest_file(store, "tests/fixtures/stix/mini-ics.json", NULL,
			     &res) < 0)
		abort();
	kb_store_close(store);
}

/* Every header line ends in "\r\n" and holds no other CR or LF; the block
 * ends with an empty line. */
static void check_headers(const char *p, size_t len)
{
	const char *end = p + len;

	if (len < 8 || memcmp(p, "Status: ", 8) != 0)
		abort();
	for (;;) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		const char *cr = memchr(p, '\r', (size_t)(end - p));

		if (!lf || !cr || cr + 1 != lf)
			abort(); /* a bare CR or LF inside the headers */
		if (lf == p + 1)
			return; /* the empty line */
		p = lf + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	const char *field[6] = {NULL};
	size_t n = 0, off = 0;
	cgi_env env = {0};
	strbuf out = STRBUF_INIT;

	if (!db_path[0])
		build_store();
	memcpy(buf, data, size);
	buf[size] = '\0';
	while (n < 6 && off <= size) {
		field[n++] = buf + off;
		off += strlen(buf + off) + 1;
	}
	env.request_method = field[0];
	env.path_info = field[1];
	env.query_string = field[2];
	env.script_name = field[3];
	env.if_none_match = field[4];
	env.if_modified_since = field[5];
	env.db_path = db_path;
	app_handle(&out, &env);
	check_headers(out.ptr, out.len);
	strbuf_free(&out);
	free(buf);
	return 0;
}
