/* kb/fsutil.h: small file-system helpers. */
#ifndef KB_FSUTIL_H
#define KB_FSUTIL_H

#include <stddef.h>

/* Read a whole file into *out (NUL-terminated; caller frees) and its length
 * into *len. Refuses files larger than max bytes with KB_ELIMIT.
 * Returns 0, KB_ENOTFOUND, KB_ELIMIT or KB_EIO. */
int fsutil_read_file(char **out, size_t *len, const char *path, size_t max);

/* Write data to path through a temporary file in the same folder and a
 * rename(), so readers see the old or the new content, never a mix.
 * Returns 0 or KB_EIO. */
int fsutil_write_atomic(const char *path, const void *data, size_t len);

/* Flags for fsutil_write_atomic_ex(). */
enum {
	FSUTIL_SYNC = 1u << 0,	    /* fsync the file before the rename and
				       its folder after it (power loss) */
	FSUTIL_NOREPLACE = 1u << 1, /* never replace an existing path */
};

/* As fsutil_write_atomic(), with FSUTIL_* flags. mode is the new file's
 * permission bits, or 0 for 0644 less the umask. The temporary file is
 * "FOLDER/.attackkb-tmp-PID-N" (short, so any valid file name still fits, and
 * hidden); it is removed on failure. FSUTIL_NOREPLACE uses
 * renameat2(RENAME_NOREPLACE), falling back to link() + unlink() on file
 * systems without it. Returns 0, KB_EEXISTS (FSUTIL_NOREPLACE and path
 * exists) or KB_EIO (message carries the path and strerror: ENOSPC, EACCES,
 * ENOTDIR...). */
int fsutil_write_atomic_ex(const char *path, const void *data, size_t len,
			   unsigned flags, unsigned mode);

/* fsync a folder, so a rename or unlink inside it survives power loss.
 * Returns 0 or KB_EIO. */
int fsutil_sync_dir(const char *path);

/* mkdir -p. Returns 0 or KB_EIO. */
int fsutil_mkdir_p(const char *path);

/* "a" + "/" + "b"; the caller frees the result. */
char *fsutil_path_join(const char *a, const char *b);

#endif
