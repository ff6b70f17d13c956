/* fuzz/fuzz_stix.c: STIX ingest of arbitrary bytes into an in-memory
 * store; a failed ingest must leave no release behind. */
#include "kb/query.h"
#include "kb/store.h"
#include "parser/stix.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static kb_store *store;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	stix_opts opts = STIX_OPTS_INIT;
	stix_result res;
	char *buf = malloc(size + 1);
	kb_rows *rows;

	if (!store && kb_store_open(&store, ":memory:",
				    KB_STORE_WRITE | KB_STORE_CREATE) < 0)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	opts.release = "1.0";
	opts.domain = "enterprise";
	opts.threads = 1;
	if (stix_ingest_buffer(store, "fuzz.json", buf, size, &opts, &res) < 0) {
		if (kb_rows_query(&rows, store,
				  "SELECT count(*) FROM release WHERE domain = "
				  "''",
				  NULL, 0) < 0 ||
		    strcmp(kb_rows_get(rows, 0, 0), "0") != 0)
			abort(); /* a provisional release survived a failure */
		kb_rows_free(rows);
	}
	/* Start from an empty store now and then, to keep it small. */
	if (kb_rows_query(&rows, store, "SELECT count(*) FROM release", NULL,
			  0) == 0) {
		if (atoi(kb_rows_get(rows, 0, 0)) > 50) {
			kb_store_close(store);
			store = NULL;
		}
		kb_rows_free(rows);
	}
	free(buf);
	return 0;
}
