/* parser/input.c: whole-file reads (kb/fsutil), inflating gzip content in
 * memory with zlib. */
#include "parser/input.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

/* Inflate every gzip member of in[0, n) into a new buffer. */
static int inflate_all(char **out, size_t *len, const unsigned char *in,
		       size_t n, const char *path, size_t max)
{
	z_stream z = {0};
	size_t cap = n * 4 + 1024, have = 0;
	char *buf = xmalloc(cap);
	int rc = Z_OK, error = 0;

	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		free(buf);
		return kb_error_set(KB_ERROR, "%s: zlib: %s", path,
				    z.msg ? z.msg : "cannot start");
	}
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
	for (;;) {
		if (have + 1 >= cap) {
			if (have > max)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		z.next_out = (unsigned char *)buf + have;
		z.avail_out = (uInt)(cap - have - 1 > UINT32_MAX
					     ? UINT32_MAX
					     : cap - have - 1);
		rc = inflate(&z, Z_NO_FLUSH);
		have = (size_t)((char *)z.next_out - buf);
		if (rc == Z_STREAM_END && z.avail_in > 0) {
			inflateReset(&z); /* another gzip member follows */
			continue;
		}
		if (rc == Z_STREAM_END)
			break;
		if (rc == Z_BUF_ERROR && z.avail_in == 0) {
			error = kb_error_set(KB_EPARSE,
					     "%s: truncated gzip data (ends "
					     "after %zu bytes of content)",
					     path, have);
			goto done;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			error = kb_error_set(KB_EPARSE,
					     "%s: corrupt gzip data near "
					     "compressed byte %zu: %s",
					     path, n - z.avail_in,
					     z.msg ? z.msg : "inflate failed");
			goto done;
		}
	}
	if (have > max) {
		error = kb_error_set(KB_ELIMIT,
				     "%s: more than the limit of %zu bytes "
				     "once inflated",
				     path, max);
		goto done;
	}
	buf[have] = '\0';
	*out = buf;
	*len = have;
	buf = NULL;
done:
	inflateEnd(&z);
	free(buf);
	return error;
}

int input_read(char **out, size_t *len, const char *path, size_t max)
{
	char *raw;
	size_t n;
	int error;

	*out = NULL;
	*len = 0;
	if ((error = fsutil_read_file(&raw, &n, path, max)) < 0)
		return error;
	if (n < 2 || (unsigned char)raw[0] != 0x1f ||
	    (unsigned char)raw[1] != 0x8b) {
		*out = raw;
		*len = n;
		return 0;
	}
	error = inflate_all(out, len, (unsigned char *)raw, n, path, max);
	free(raw);
	return error;
}
