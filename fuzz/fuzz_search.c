/* fuzz/fuzz_search.c: search text -> FTS5 query, and the search itself
 * on a small store: user text must never be FTS syntax or an error. */
#include "kb/error.h"
#include "kb/search.h"
#include "kb/store.h"
#include "parser/stix.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static kb_store *store;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *q;
	kb_hits *hits;

	memcpy(text, data, size);
	text[size] = '\0';
	if (!store) {
		stix_result res;

		if (kb_store_open(&store, ":memory:",
				  KB_STORE_WRITE | KB_STORE_CREATE) < 0 ||
		    stix_ingest_file(store,
				     "tests/fixtures/stix/mini-enterprise-18.1.json",
				     NULL, &res) < 0)
			abort();
	}
	q = kb_search_fts_query(text);
	free(q);
	if (kb_search(&hits, store, text, NULL) < 0 &&
	    strlen(text) <= 1024)
		abort(); /* only an over-long text may fail */
	kb_hits_free(hits);
	free(text);
	return 0;
}
