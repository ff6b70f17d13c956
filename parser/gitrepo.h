/* parser/gitrepo.h: ATT&CK releases read straight from a git repository's
 * object database with libgit2 (no checkout; bare clones work). Two
 * layouts are recognised under each domain folder (enterprise-attack/,
 * mobile-attack/, ics-attack/, pre-attack/):
 *   mitre/cti          DOMAIN/DOMAIN.json (the bundle) and
 *                      DOMAIN/TYPE/NAME.json (one file per object), one
 *                      tag per release (ATT&CK-v18.1);
 *   attack-stix-data   DOMAIN/DOMAIN-18.1.json, every release at one commit.
 * The release number comes from the file name, else the tag (the one given,
 * or one pointing at the commit), else the bundle's x-mitre-collection. */
#ifndef PARSER_GITREPO_H
#define PARSER_GITREPO_H

#include <stdbool.h>
#include <stddef.h>

typedef struct kb_store kb_store;
typedef struct gitrepo gitrepo;
typedef struct stix_opts stix_opts;
typedef struct stix_result stix_result;

enum gitrepo_layout {
	GITREPO_BUNDLE,  /* one bundle file */
	GITREPO_OBJECTS, /* one file per object, DOMAIN/TYPE/NAME.json */
};

/* One release a repository holds. */
typedef struct gitrepo_release {
	char domain[32];  /* enterprise-attack, ... */
	char version[16]; /* "18.1"; "" when nothing tells */
	char *ref;        /* the ref it was found at: "ATT&CK-v18.1", "HEAD" */
	char *path;       /* "enterprise-attack/enterprise-attack.json", or
			     "enterprise-attack/" for per-object trees */
	enum gitrepo_layout layout;
	char commit[41];  /* hex id of the commit the ref names */
	char object[41];  /* hex id of the blob (bundle) or tree (objects) */
	int major, minor; /* of version, for sorting; -1 when unknown */
} gitrepo_release;

/* Which releases gitrepo_releases() returns. */
typedef struct gitrepo_query {
	const char *const *refs;    /* refs to look at; none: HEAD, and every
				       release tag when all or version is set */
	size_t nrefs;
	const char *const *domains; /* only these ("enterprise" or
				       "enterprise-attack"); none: all */
	size_t ndomains;
	const char *version;        /* only this release ("17.1"), or NULL */
	bool all;                   /* every release found, not only the
				       newest of each domain at each ref */
	bool per_object;            /* read per-object trees even where a
				       bundle file is there too */
} gitrepo_query;

/* Open the repository at path (its work tree or its git folder; bare or
 * not; the folder itself, never a parent). Caller frees *out with
 * gitrepo_free(). Returns 0 or KB_ENOTFOUND ("PATH: not a git repository:
 * ..."). Initialises libgit2 once per process. */
int gitrepo_open(gitrepo **out, const char *path);

/* Accepts NULL. */
void gitrepo_free(gitrepo *repo);

/* The path the repository was opened with. Borrowed. */
const char *gitrepo_path(const gitrepo *repo);

/* The releases matching q, oldest first (then enterprise, mobile, ics,
 * pre), each (domain, version) once. Caller frees with
 * gitrepo_releases_free(). Returns 0 with *n possibly 0 (no release
 * matches the filters), or: KB_ENOTFOUND (unknown ref, "REPO@REF: ..."; or
 * no ATT&CK data at a ref), KB_ERROR (missing or corrupt objects, with a
 * hint when the clone is shallow), KB_EUSAGE (unknown domain name). */
int gitrepo_releases(gitrepo_release **out, size_t *n, gitrepo *repo,
		     const gitrepo_query *q);

void gitrepo_releases_free(gitrepo_release *rels, size_t n);

/* Read release r as one STIX bundle in memory (NUL-terminated; caller
 * frees *buf). Per-object trees are gathered into one bundle, objects in
 * tree order. Returns 0, KB_EPARSE ("REPO@REF:PATH:LINE:COL: ...", a
 * broken JSON file), KB_ERROR (missing or corrupt object) or KB_ELIMIT. */
int gitrepo_read(char **buf, size_t *len, gitrepo *repo,
		 const gitrepo_release *r);

/* Read release r and ingest it as one release (stix_ingest_buffer, a
 * savepoint of its own or inside the caller's transaction). The source
 * recorded is "REPO@REF:PATH". opts->domain and opts->release are set
 * from r (opts->release, when given, names a release whose version r
 * does not tell). Messages name the repository, ref and path, and for
 * per-object trees the object's own file, line and column. Returns what
 * gitrepo_read() and stix_ingest_buffer() return. */
int gitrepo_ingest(kb_store *store, gitrepo *repo, const gitrepo_release *r,
		   const stix_opts *opts, stix_result *res);

/* "enterprise" or "enterprise-attack" -> "enterprise-attack"; NULL for
 * anything else. */
const char *gitrepo_domain_name(const char *s);

#endif
