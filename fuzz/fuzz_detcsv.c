/* fuzz/fuzz_detcsv.c: a detection CSV/TSV -> detcsv_parse_buffer().
 * A failed parse must add nothing to the set. */
#include "parser/detcsv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	detection_set set = DETECTION_SET_INIT;
	char *buf = malloc(size + 1);

	memcpy(buf, data, size);
	buf[size] = '\0';
	if (detcsv_parse_buffer(&set, "fuzz", buf, size) < 0 && set.nrules)
		abort(); /* a failed parse left rules behind */
	detection_set_free(&set);
	free(buf);
	return 0;
}
