/* parser/stix.h: ATT&CK STIX 2.0 and 2.1 bundles into the store. */
#ifndef PARSER_STIX_H
#define PARSER_STIX_H

#include <stdbool.h>
#include <stddef.h>

typedef struct kb_store kb_store;

typedef struct stix_opts {
	const char *domain;  /* force the domain (enterprise-attack, ...) */
	const char *release; /* force the ATT&CK version ("18.1") */
	bool strict;         /* validation findings fail the ingest */
	int threads;         /* parser threads; 0 = as many as cores */
	/* Called now and then from the ingesting thread; may be NULL. */
	void (*progress)(void *ud, size_t done, size_t total);
	void *progress_ud;
	/* The ATT&CK version when nothing else tells it (neither release,
	 * nor the bundle, nor the file name), instead of failing; NULL to
	 * fail. */
	const char *fallback_release;
} stix_opts;

#define STIX_OPTS_INIT {NULL, NULL, false, 0, NULL, NULL}

typedef struct stix_result {
	char domain[32];     /* enterprise-attack, ... */
	char version[16];    /* "18.1" */
	bool already;        /* the same bytes were already stored: no-op */
	size_t objects;      /* objects in the bundle */
	size_t new_objects;  /* object versions not stored before */
	size_t findings;     /* validation findings */
	size_t unknown_types, unknown_fields; /* kept, not modelled */
} stix_result;

/* Ingest one bundle file (.json or gzip) as one release, in one
 * transaction: on any error the store is unchanged. The domain comes from
 * opts, the bundle's x-mitre-matrix, or the file name; the version from
 * opts, the x-mitre-collection, or the file name (name-X.Y.json).
 * Returns 0, KB_ENOTFOUND/KB_EIO (file), KB_EPARSE (message
 * "path:LINE:COL: ..."), KB_ELIMIT, KB_EEXISTS (that domain and version
 * are stored from other bytes), KB_ERROR (strict findings) or KB_EDB. */
int stix_ingest_file(kb_store *store, const char *path,
		     const stix_opts *opts, stix_result *res);

/* The same for a bundle already in memory; name is used in messages and
 * for the domain and version fallbacks. buf must be NUL-terminated. */
int stix_ingest_buffer(kb_store *store, const char *name, const char *buf,
		       size_t len, const stix_opts *opts, stix_result *res);

/* The x_mitre_version of the first x-mitre-collection object of the bundle
 * in buf (len bytes, NUL-terminated) into version (16 bytes); "" when there
 * is none or the bundle does not parse. */
void stix_collection_version(const char *buf, size_t len, char *version);

#endif
