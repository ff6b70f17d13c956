/* export/vaultfile.h: portable, unique file names for the notes of an
 * Obsidian vault ("T1136 Create Account.md"). */
#ifndef EXPORT_VAULTFILE_H
#define EXPORT_VAULTFILE_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes in one file name: NAME_MAX on Linux, the APFS limit on macOS; NTFS
 * counts UTF-16 units, never more than UTF-8 bytes, so bytes are stricter. */
#define VAULTFILE_NAME_MAX 255
/* Extension of every note. */
#define VAULTFILE_EXT ".md"
/* Replaces VAULTFILE_EXT in the name of the file holding attackkb's new
 * version of a note the analyst edited (see export/vault.h). */
#define VAULTFILE_CONFLICT_EXT ".attackkb-new.md"
/* Longest name vaultfile_safe_name() returns: room is kept so that the
 * conflict name of any note is still a valid name. */
#define VAULTFILE_SAFE_MAX                                                     \
	(VAULTFILE_NAME_MAX - (sizeof(VAULTFILE_CONFLICT_EXT) - 1) +           \
	 (sizeof(VAULTFILE_EXT) - 1))

/* The file name of an object's note: "ID NAME.md", or "ID.md" or "NAME.md"
 * when one is NULL or empty ("unnamed.md" when both are). Both parts are made
 * valid on Windows, macOS and Linux and safe in Obsidian wikilinks:
 * - / \ : * ? " < > | and # ^ [ ] (which break [[links]]) become '-';
 * - control characters (C0, DEL, C1) become spaces; runs of spaces shrink
 *   to one; bytes that are not valid UTF-8 become '-';
 * - leading dots and spaces and trailing dots and spaces go;
 * - a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, also with
 *   superscript digits, any case, with any extension) gets a '_' appended to
 *   the part before the first dot ("CON.md" -> "CON_.md");
 * - a name ending in ".attackkb-new" gets that dot turned into '-';
 * - at most VAULTFILE_SAFE_MAX bytes: the NAME is cut on a UTF-8 character
 *   boundary, keeping the ID and the extension.
 * The caller frees the result. Never fails. */
char *vaultfile_safe_name(const char *attack_id, const char *name);

/* As vaultfile_safe_name(), with suffix (e.g. " (2)", itself already safe)
 * inserted before the extension; the NAME is cut to make room for it. */
char *vaultfile_safe_name_suffix(const char *attack_id, const char *name,
				 const char *suffix);

/* True if name can be one part of a path in the vault: 1 to
 * VAULTFILE_NAME_MAX bytes of valid UTF-8, none of the characters
 * vaultfile_safe_name() replaces, no control character, no leading dot or
 * space, no trailing dot or space, not a Windows device name. */
bool vaultfile_valid_name(const char *name);

/* The name of the conflict file beside note file name (which must end in
 * VAULTFILE_EXT): "T1 A.md" -> "T1 A.attackkb-new.md". The caller frees. */
char *vaultfile_conflict_name(const char *filename);

/* True if a file name ends in VAULTFILE_CONFLICT_EXT (ASCII case ignored). */
bool vaultfile_is_conflict_name(const char *filename);

/* Copy of s with ASCII letters lower-cased: the key under which two names
 * clash on case-insensitive file systems. The caller frees. */
char *vaultfile_fold(const char *s);

/* A set of objects receiving unique note names across the whole vault. */
typedef struct vaultfile_names vaultfile_names;

/* A new empty set; free it with vaultfile_names_free(). */
vaultfile_names *vaultfile_names_new(void);

/* Free the set and every name it handed out. Accepts NULL. */
void vaultfile_names_free(vaultfile_names *set);

/* Register an object: key is a stable identity (the STIX id) used to find it
 * again and to order objects whose names clash. Names are assigned by
 * vaultfile_names_resolve(). Returns 0, or KB_EUSAGE if key is NULL, empty
 * or already registered, or if the set was already resolved. */
int vaultfile_names_add(vaultfile_names *set, const char *key,
			const char *attack_id, const char *name);

/* Give every registered object a file name unique in the set, ignoring ASCII
 * case. The result does not depend on the order of the add calls: objects
 * whose safe names clash are sorted by ATT&CK ID, name, then key (bytewise);
 * the first keeps the plain name, the others get " (2)", " (3)"... (the
 * lowest number not already used by any name in the set). */
void vaultfile_names_resolve(vaultfile_names *set);

/* The file name assigned to key ("T1136 Create Account.md"), or NULL if key
 * is unknown or the set is not resolved. Borrowed: valid until the set is
 * freed. */
const char *vaultfile_names_get(const vaultfile_names *set, const char *key);

/* The same name without VAULTFILE_EXT, as written in [[wikilinks]]
 * ("T1136 Create Account"), or NULL. Borrowed, like vaultfile_names_get(). */
const char *vaultfile_names_link(const vaultfile_names *set, const char *key);

#endif
