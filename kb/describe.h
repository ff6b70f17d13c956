/* kb/describe.h: everything an analyst reads about one object (attackkb
 * show, the web object page): fields, description, related sections. */
#ifndef KB_DESCRIBE_H
#define KB_DESCRIBE_H

#include <stddef.h>

typedef struct kb_store kb_store;
typedef struct kb_rows kb_rows;

typedef struct kb_field {
	const char *key;  /* "tactics", static */
	char *value;      /* never NULL */
} kb_field;

typedef struct kb_section {
	const char *title; /* "Mitigations", static */
	const char *key;   /* "mitigations", static: the JSON member */
	kb_rows *rows;     /* never NULL; may have no rows */
} kb_section;

typedef struct kb_doc {
	char *attack_id;     /* T1136 */
	char *name;          /* Create Account */
	char *type;          /* technique, subtechnique, tactic, ... */
	char *domain;        /* enterprise-attack */
	char *description;   /* Markdown as ATT&CK writes it, or NULL */
	kb_field *fields;    /* id, name, type, domain, ... in display order */
	size_t nfields;
	kb_section *sections;
	size_t nsections;
} kb_doc;

/* Find the object named by an ATT&CK ID (any case: t1136.001) or an exact
 * name (case-insensitive) in the selected releases and describe it. When it
 * exists in several domains, domain picks one (NULL: enterprise first).
 * Returns 0; KB_ENOTFOUND when nothing matches; KB_EUSAGE when a name
 * matches several objects (the message lists them); KB_EDB. */
int kb_describe(kb_doc **out, kb_store *store, const char *id_or_name,
		const char *domain);

/* The end of the revoked-by chain from the objects with this ATT&CK ID
 * in domain (as the successors view): one row (attack_id, name), or none
 * when there is no chain, it ends at an object the release does not have,
 * or it never ends. Caller frees *out. */
int kb_successor(kb_rows **out, kb_store *store, const char *attack_id,
		 const char *domain);

/* The value of field key, or NULL. Borrowed. */
const char *kb_doc_field(const kb_doc *doc, const char *key);

void kb_doc_free(kb_doc *doc);

#endif
