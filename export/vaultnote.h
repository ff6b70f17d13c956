/* export/vaultnote.h: the parts of an Obsidian note attackkb owns: a marked
 * region of the body and some top-level frontmatter properties. */
#ifndef EXPORT_VAULTNOTE_H
#define EXPORT_VAULTNOTE_H

#include <stddef.h>
#include <stdint.h>

/* A note attackkb writes looks like this (the frontmatter block is left out
 * when there are no generated properties):
 *
 *   ---
 *   <generated properties>
 *   ---
 *   %% attackkb:begin: generated text, write your notes above or below %%
 *   <generated body>
 *   %% attackkb:end %%
 *
 * The markers are Obsidian comments ("%% ... %%" on their own lines), hidden
 * in reading view and left alone by Obsidian's editor. A line is a begin
 * marker if it starts with VAULTNOTE_BEGIN_PREFIX and ends with "%%", an end
 * marker if it starts with VAULTNOTE_END_PREFIX and ends with "%%" (a "\r"
 * before the "\n" is ignored), so the wording may change between versions.
 *
 * The analyst may add text above and below the region and properties of
 * their own; re-export keeps all of it byte for byte. The frontmatter is
 * handled as lines, not parsed as YAML: a property is a top-level line
 * "key: ..." (key: the text before the first ':', or inside quotes), with
 * its continuation lines: lines starting with a space, a tab or "- ", and
 * blank lines followed by such a line. Every other line (comments, blank
 * lines between properties) belongs to the analyst. */
#define VAULTNOTE_BEGIN                                                        \
	"%% attackkb:begin: generated text, write your notes above or below "  \
	"%%"
#define VAULTNOTE_END "%% attackkb:end %%"
#define VAULTNOTE_BEGIN_PREFIX "%% attackkb:begin"
#define VAULTNOTE_END_PREFIX "%% attackkb:end"

/* What attackkb remembers about the generated parts of a note. */
typedef struct {
	uint64_t region; /* vaultnote_hash() of the text between the markers */
	uint64_t props;  /* vaultnote_hash() of the owned property lines, in
			    file order, concatenated */
} vaultnote_hashes;

/* 64-bit FNV-1a of len bytes, reading every "\r\n" as "\n" (so an editor or
 * git switching line endings is not taken for an edit). It detects
 * accidental changes (any edit changes it except with probability about
 * 2^-64); it is not a defence against someone forging a collision. */
uint64_t vaultnote_hash(const void *data, size_t len);

/* Check generated text before use: frontmatter (may be NULL or "") must be
 * top-level properties whose keys are all in owned (a NULL-terminated list;
 * NULL means none), each once, and no "---" or "..." line; body (may be NULL)
 * must have no line starting with "%% attackkb:". Neither may hold a NUL.
 * Returns 0 or KB_EUSAGE with the reason. */
int vaultnote_check(const char *frontmatter, const char *body,
		    const char *const *owned);

/* A new note from checked generated text, laid out as above; a missing
 * final newline is added to each part. The caller frees. */
char *vaultnote_render(const char *frontmatter, const char *body);

/* The hashes of the generated parts of an existing note (len bytes at text,
 * which may hold anything). Returns 0, or KB_EPARSE if the region markers are
 * missing, repeated or out of order (the message says which). */
int vaultnote_hashes_of(vaultnote_hashes *out, const char *text, size_t len,
			const char *const *owned);

/* Replace the generated parts of an existing note with checked generated
 * text, keeping every other byte: the region's content is replaced; each
 * owned property is replaced in place by the generated one with that key, or
 * dropped if there is none; generated keys not yet in the note follow the
 * last owned property (or open the frontmatter, which is created if
 * missing). Generated lines take the note's line ending ("\r\n" if the
 * marker or "---" line has one). *out (caller frees, NUL-terminated) and
 * *out_len receive the result. Returns 0 or KB_EPARSE (markers broken). */
int vaultnote_splice(char **out, size_t *out_len, const char *text, size_t len,
		     const char *frontmatter, const char *body,
		     const char *const *owned);

#endif
