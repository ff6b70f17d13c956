/* parser/input.c: whole-file reads through zlib's gzread, which passes
 * plain files through unchanged and inflates gzip ones. */
#include "parser/input.h"
#include "kb/error.h"
#include "kb/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

int input_read(char **out, size_t *len, const char *path, size_t max)
{
	struct stat st;
	size_t cap, n = 0;
	char *buf = NULL;
	gzFile gz = NULL;
	int fd, error = 0;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return kb_error_errno(errno == ENOENT ? KB_ENOTFOUND : KB_EIO,
				      "%s", path);
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		error = S_ISDIR(st.st_mode)
				? kb_error_set(KB_EIO, "%s: is a directory",
					       path)
				: kb_error_errno(KB_EIO, "%s", path);
		close(fd);
		return error;
	}
	if (!(gz = gzdopen(fd, "rb"))) {
		close(fd);
		return kb_error_set(KB_EIO, "%s: cannot read", path);
	}
	gzbuffer(gz, 1u << 17);
	cap = S_ISREG(st.st_mode) && (size_t)st.st_size < max
		      ? (size_t)st.st_size + 2
		      : 1u << 20;
	buf = xmalloc(cap);
	for (;;) {
		int r;

		if (n + 1 >= cap) {
			if (cap > max + 1) {
				error = kb_error_set(KB_ELIMIT,
						     "%s: more than the limit "
						     "of %zu bytes",
						     path, max);
				goto done;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = gzread(gz, buf + n,
			   (unsigned)(cap - n - 1 > (1u << 30) ? 1u << 30
							       : cap - n - 1));
		if (r < 0) {
			int zerr;
			const char *msg = gzerror(gz, &zerr);

			error = zerr == Z_ERRNO
					? kb_error_errno(KB_EIO, "%s", path)
					: kb_error_set(KB_EPARSE,
						       "%s: corrupt gzip data "
						       "near byte %zu: %s",
						       path, n, msg);
			goto done;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		error = kb_error_set(KB_ELIMIT, "%s: more than the limit of %zu "
						"bytes",
				     path, max);
		goto done;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
done:
	free(buf);
	gzclose(gz);
	return error;
}
