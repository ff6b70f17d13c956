/* fuzz/fuzz_bundle.c: the bundle object splitter on arbitrary bytes. */
#include "parser/bundle.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	bundle b;

	memcpy(buf, data, size);
	buf[size] = '\0';
	if (bundle_split(&b, "fuzz", buf, size) == 0) {
		/* Every span lies inside the input and is an object. */
		for (size_t i = 0; i < b.nobjs; i++)
			if (b.objs[i].off + b.objs[i].len > size ||
			    buf[b.objs[i].off] != '{' ||
			    buf[b.objs[i].off + b.objs[i].len - 1] != '}')
				abort();
	}
	bundle_free(&b);
	free(buf);
	return 0;
}
