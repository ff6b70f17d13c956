/* kb/fsutil.c: reading, atomic writing and folder creation. */
#include "kb/fsutil.h"
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fsutil_read_file(char **out, size_t *len, const char *path, size_t max)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	int fd, error = 0;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return kb_error_errno(errno == ENOENT ? KB_ENOTFOUND : KB_EIO,
				      "%s", path);
	if (fstat(fd, &st) < 0) {
		error = kb_error_errno(KB_EIO, "%s", path);
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		error = kb_error_set(KB_EIO, "%s: is a directory", path);
		goto done;
	}
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
		error = kb_error_set(KB_ELIMIT,
				     "%s: file is %lld bytes, more than the "
				     "limit of %zu",
				     path, (long long)st.st_size, max);
		goto done;
	}
	{
		size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;

		buf = xmalloc(cap);
		for (;;) {
			ssize_t r;

			if (n > max)
				break;
			if (n + 1 >= cap) {
				cap *= 2;
				buf = xrealloc(buf, cap);
			}
			r = read(fd, buf + n, cap - n - 1);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				error = kb_error_errno(KB_EIO, "%s", path);
				goto done;
			}
			if (r == 0)
				break;
			n += (size_t)r;
		}
	}
	if (n > max) {
		error = kb_error_set(KB_ELIMIT,
				     "%s: more than the limit of %zu bytes",
				     path, max);
		goto done;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
done:
	free(buf);
	close(fd);
	return error;
}

int fsutil_write_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp-attackkb-%ld", path, (long)getpid());
	const char *p = data;
	int fd, error = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		error = kb_error_errno(KB_EIO, "%s", tmp);
		free(tmp);
		return error;
	}
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			error = kb_error_errno(KB_EIO, "%s", path);
			break;
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd) < 0 && !error)
		error = kb_error_errno(KB_EIO, "%s", path);
	if (!error && rename(tmp, path) < 0)
		error = kb_error_errno(KB_EIO, "%s", path);
	if (error)
		unlink(tmp);
	free(tmp);
	return error;
}

int fsutil_mkdir_p(const char *path)
{
	char *p = xstrdup(path), *s;
	int error = 0;

	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			error = kb_error_errno(KB_EIO, "%s", p);
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return error;
}

char *fsutil_path_join(const char *a, const char *b)
{
	size_t n = strlen(a);

	if (n == 0)
		return xstrdup(b);
	return xasprintf("%s%s%s", a, a[n - 1] == '/' ? "" : "/", b);
}
