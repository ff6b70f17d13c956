/* parser/note.h: one Obsidian note, parsed: frontmatter and body, and what
 * they say about ATT&CK (the ID the note is about, aliases, tags, the IDs
 * its links and prose name, citations, references). No store access: the
 * ingest layer turns these records into objects and links. */
#ifndef PARSER_NOTE_H
#define PARSER_NOTE_H

#include "parser/frontmatter.h"
#include "parser/markdown.h"

#include <stddef.h>

typedef struct note note;

/* How notedir_resolve() matched a link to a note of the vault. */
enum note_resolution {
	NOTE_UNRESOLVED,  /* no note (and always for web URLs and images) */
	NOTE_BY_PATH,     /* the note the link's path names, as Obsidian
	                   * finds it (exact path, else path suffix) */
	NOTE_BY_ID,       /* the path names no note, or a note about another
	                   * ATT&CK ID; this note is about the link's ID */
	NOTE_BY_NAME,     /* the path's folders name no note, but a note
	                   * with the same file name exists elsewhere */
	NOTE_ID_MISMATCH, /* the only note found is about another ID than
	                   * the one the link names */
};

typedef struct note_link {
	const markdown_link *md; /* the link as written; borrowed from doc */
	char *attack_id;         /* the ID the link itself names: its text
	                          * ("[[x|T1136]]"), else its target's file
	                          * name or the ID that name starts or ends
	                          * with ("[[T1136 Create Account]]"), else
	                          * its attack.mitre.org URL; NULL if none */
	enum note_resolution resolution; /* NOTE_UNRESOLVED until
	                                  * notedir_resolve() */
	const note *target; /* the note it leads to, or NULL; borrowed
	                     * from the notedir */
} note_link;

/* An ATT&CK ID named in prose (not in code, not a link's target). */
typedef struct note_mention {
	char attack_id[16];  /* "T1136.001" */
	unsigned line;       /* file line */
	const char *section; /* heading text above it; borrowed from doc */
} note_mention;

/* An item "NAME: URL" (or just "URL") of a "References" section, or a
 * footnote definition holding a URL. */
typedef struct note_reference {
	char *name;    /* "" for a bare URL */
	char *url;     /* http:// or https:// */
	unsigned line; /* file line */
	char *label;   /* footnote label ("12" for [^12]), NULL for an item */
} note_reference;

/* A footnote definition "[^LABEL]: TEXT" (also inside a callout). */
typedef struct note_footnote {
	char *label;   /* "12", "TechNet_Credential_Guard" */
	char *text;    /* the definition's first line, trimmed */
	unsigned line; /* file line */
} note_footnote;

/* A statement a note makes about ATT&CK: a table row stating a
 * relationship, or a field (tactic, platform, permission) from
 * frontmatter, a callout line, a section's list or a tag. */
typedef struct note_fact {
	const char *relation; /* static: "mitigates", "subtechnique-of",
	                       * "uses" (relationships: source -> target);
	                       * "tactic", "platform", "permission"
	                       * (fields: source is the note's ID) */
	char *source_id;      /* ATT&CK ID, NULL when the note has none */
	char *target_id;      /* ATT&CK ID; for fields: a tactic's ID when
	                       * known, else NULL */
	char *target_name;    /* the row's name, or the field's value */
	char *description;    /* the row's description/use text, or NULL */
	unsigned line;        /* file line */
	size_t link;          /* for a list item "- [[link]]: text": 1 +
	                       * the index in links of the link naming the
	                       * row's end (whose resolved note's ID wins
	                       * over the one read from the link), else 0 */
} note_fact;

struct note {
	char *path;  /* as given; vault-relative for notes of a notedir */
	char *title; /* file name without folders and ".md" */
	frontmatter_value *frontmatter; /* a map, empty without frontmatter */
	markdown_doc *doc;              /* the body */
	unsigned body_line;             /* file line where the body starts */

	char **aliases; /* frontmatter "aliases"/"alias" (any case): a list,
	                 * or one text split at commas; trimmed, unique */
	size_t naliases;
	char **tags; /* frontmatter "tags"/"tag" (one text, or a list's
	              * texts, split at commas and spaces), then #tags of
	              * the body; without '#', unique ignoring ASCII
	              * case, first spelling kept */
	size_t ntags;
	char *attack_id;   /* the ID the note is about, or NULL: frontmatter
	                    * "attack_id"/"attack-id", else "id" if it is an
	                    * ID, else the first alias that is one, else an
	                    * attack.mitre.org URL of the frontmatter, else a
	                    * callout's "ID:" line, else the first heading
	                    * that is an ID, else the file name if it is one
	                    * or starts or ends with one ("T1566 - Phishing",
	                    * "LSASS Memory - T1003.001") */
	const char *kind;  /* attackid_kind(attack_id); static; NULL */
	char *description; /* the first section's paragraphs (those before
	                    * any heading, else those under the first
	                    * heading), joined by "\n\n"; "" if none */
	note_link *links;  /* one per doc->links entry, in the same order */
	size_t nlinks;
	note_mention *mentions; /* every ID in doc->prose, in order */
	size_t nmentions;
	char **citations; /* NAMEs of "(Citation: NAME)" in prose, unique,
	                   * in order of first use */
	size_t ncitations;
	note_reference *refs; /* from sections titled "References", then
	                       * footnotes holding a URL */
	size_t nrefs;
	note_footnote *footnotes; /* every footnote definition, in order */
	size_t nfootnotes;
	note_fact *facts; /* in file order */
	size_t nfacts;
	char *name; /* the ATT&CK object's name as the note gives it:
	             * frontmatter "name", else the title without its ID
	             * prefix or suffix ('_' read as ' ', fullwidth '／' as
	             * '/'), else NULL */
	char *url;  /* an attack.mitre.org URL of the frontmatter, or NULL */
	char **warnings; /* "path:LINE: ..." problems the note was read
	                  * despite (broken YAML, invalid UTF-8, a table row
	                  * with more cells than its header) */
	size_t nwarnings;
};

/* Parse the note text[0..len) found at path (used for messages, note->path
 * and note->title). The caller frees *out with note_free().
 * Obsidian comments (%%...%%) are blanked before parsing. Broken YAML
 * frontmatter does not fail: the note is read without it, with a warning.
 * Returns 0; KB_EPARSE or KB_ELIMIT from frontmatter_split(),
 * frontmatter_parse() (limits only) or markdown_parse(); KB_EPARSE
 * ("path:LINE:COL: ...") when "aliases" or "tags" is a map or holds one,
 * or when "attack_id" is not an ATT&CK ID. */
int note_parse(note **out, const char *path, const char *text, size_t len);

/* As note_parse(), with messages naming shown instead of path. */
int note_parse_shown(note **out, const char *shown, const char *path,
                     const char *text, size_t len);

/* Read and parse root/relpath; note->path is relpath, messages name the
 * joined path. relpath must be relative and stay inside root.
 * Returns as note_parse(), plus KB_ENOTFOUND, KB_EIO, KB_ELIMIT (file
 * larger than KB_MAX_NOTE_FILE) and KB_EUSAGE (bad relpath). */
int note_parse_file(note **out, const char *root, const char *relpath);

/* Free a note. Accepts NULL. */
void note_free(note *n);

#endif
