/* export/vaultgit.h: an export as one git commit in the vault's repository
 * (libgit2, used by this module only). */
#ifndef EXPORT_VAULTGIT_H
#define EXPORT_VAULTGIT_H

#include <stdbool.h>
#include <stddef.h>

/* One file attackkb wrote, or removed, in the vault. */
typedef struct {
	const char *path;        /* relative to the vault, '/'-separated */
	const char *frontmatter; /* a note: its generated properties ... */
	const char *body;        /* ... and region (vaultnote.h) */
	const char *data;        /* or a whole file (then not a note) */
	size_t len;              /* bytes of data */
	bool remove;             /* the file was deleted */
} vaultgit_change;

/* Commit changes in the git repository at dir (created with git init if
 * dir is not the top of one), from its HEAD, touching nothing else: the
 * analyst's staged and unstaged work stays as it is. A note is committed as
 * its HEAD version with the new generated parts spliced in (or as the bare
 * generated note when HEAD has none, or its markers are broken), so text
 * the analyst added around the region but did not commit stays
 * uncommitted. The committed paths are also updated in the repository's
 * index. No commit is made when the tree would not change. The message is
 * title, a blank line, "N added, N changed, N removed" (compared with
 * HEAD; files under .attackkb/ are committed but not counted), and detail
 * if not NULL. *committed tells whether a commit was
 * made, hex (41 bytes) gets its id or "". owned: the frontmatter keys
 * attackkb owns. Returns 0 or KB_ERROR (the libgit2 message). */
int vaultgit_commit(const char *dir, const vaultgit_change *changes, size_t n,
		    const char *const *owned, const char *title,
		    const char *detail, bool *committed, char hex[41]);

#endif
