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
	return fsutil_write_atomic_ex(path, data, len, 0, 0);
}

/* The folder part of path ("." when there is none); the caller frees. */
static char *dup_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* Create a fresh temporary file in dir; *tmp gets its name (caller frees).
 * Returns the descriptor, or -1 with errno set. */
static int open_temp(char **tmp, const char *dir)
{
	static unsigned long counter;
	int fd = -1;

	for (int tries = 0; tries < 1000; tries++) {
		*tmp = xasprintf("%s/.attackkb-tmp-%ld-%lu", dir, (long)getpid(),
				 counter++);
		fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
		free(*tmp);
		*tmp = NULL;
	}
	return fd;
}

/* rename() that refuses to replace an existing path. */
static int rename_noreplace(const char *tmp, const char *path)
{
	struct stat st;

	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EEXIST)
		return kb_error_set(KB_EEXISTS, "%s: already exists", path);
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return kb_error_errno(KB_EIO, "%s", path);
	/* No RENAME_NOREPLACE here (e.g. some FUSE or network file systems):
	 * link() fails on an existing target just as well. */
	if (link(tmp, path) == 0) {
		unlink(tmp);
		return 0;
	}
	if (errno == EEXIST)
		return kb_error_set(KB_EEXISTS, "%s: already exists", path);
	/* No hard links either (FAT, exFAT): check, then rename. A file
	 * created between the two steps would be replaced; nothing better
	 * is possible there. */
	if (lstat(path, &st) == 0)
		return kb_error_set(KB_EEXISTS, "%s: already exists", path);
	if (rename(tmp, path) < 0)
		return kb_error_errno(KB_EIO, "%s", path);
	return 0;
}

int fsutil_write_atomic_ex(const char *path, const void *data, size_t len,
			   unsigned flags, unsigned mode)
{
	char *dir = dup_dirname(path), *tmp = NULL;
	const char *p = data;
	int fd, error = 0;

	if ((fd = open_temp(&tmp, dir)) < 0) {
		error = kb_error_errno(KB_EIO, "%s: cannot create a temporary "
				       "file in %s", path, dir);
		goto done;
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
	if (!error && mode && fchmod(fd, (mode_t)mode) < 0)
		error = kb_error_errno(KB_EIO, "%s", path);
	if (!error && (flags & FSUTIL_SYNC) && fsync(fd) < 0)
		error = kb_error_errno(KB_EIO, "%s", path);
	if (close(fd) < 0 && !error)
		error = kb_error_errno(KB_EIO, "%s", path);
	if (error)
		goto done;
	if (flags & FSUTIL_NOREPLACE)
		error = rename_noreplace(tmp, path);
	else if (rename(tmp, path) < 0)
		error = kb_error_errno(KB_EIO, "%s", path);
	if (!error && (flags & FSUTIL_SYNC))
		error = fsutil_sync_dir(dir);
done:
	if (error && tmp)
		unlink(tmp);
	free(tmp);
	free(dir);
	return error;
}

int fsutil_sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), error = 0;

	if (fd < 0)
		return kb_error_errno(KB_EIO, "%s", path);
	/* Some file systems refuse fsync on a folder; that is not an error
	 * worth failing an export for. */
	if (fsync(fd) < 0 && errno != EINVAL && errno != ENOTSUP)
		error = kb_error_errno(KB_EIO, "%s", path);
	close(fd);
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
