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

/* mkdir -p. Returns 0 or KB_EIO. */
int fsutil_mkdir_p(const char *path);

/* "a" + "/" + "b"; the caller frees the result. */
char *fsutil_path_join(const char *a, const char *b);

#endif
