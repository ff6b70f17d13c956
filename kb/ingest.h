/* kb/ingest.h: storing one release's STIX objects. The parser fills plain
 * records; this module owns the SQL. One ingest is one transaction, so a
 * failed or killed ingest leaves the store exactly as it was. */
#ifndef KB_INGEST_H
#define KB_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct kb_store kb_store;
typedef struct kb_ingest kb_ingest;

/* One item of a list-valued field (see the prop table in kb/schema.sql). */
typedef struct kb_prop {
	const char *field; /* STIX field name */
	const char *value; /* the item, or the record's first member */
	const char *v2;    /* second member of a record item, or NULL */
	const char *v3;    /* third member, or NULL */
} kb_prop;

/* One external reference. Missing members are NULL. */
typedef struct kb_extref {
	const char *source_name;
	const char *url;
	const char *description;
	const char *external_id;
	uint64_t hash; /* kb_extref_hash() of the four, set by the parser */
} kb_extref;

/* The hash the store finds references by (FNV-1a over the four members,
 * NULL as empty, separated). Cheap; parsers compute it on their threads. */
uint64_t kb_extref_hash(const kb_extref *r);

/* One STIX object as the parser hands it over. All strings are borrowed
 * for the duration of kb_ingest_object(); NULL when absent. */
typedef struct kb_stix_object {
	const char *stix_id, *modified, *stix_type;
	const char *kind;        /* technique, subtechnique, ... or NULL */
	const char *attack_id, *name, *description, *url, *version, *created;
	const char *aliases;     /* joined by ", ", without the name */
	const char *shortname;   /* tactics */
	const char *rel_type, *source_ref, *target_ref; /* relationships */
	bool revoked, deprecated;
	const char *json;        /* original text of the object */
	size_t json_len;
	const kb_prop *props;
	size_t nprops;
	const kb_extref *refs;
	size_t nrefs;
} kb_stix_object;

/* What is known of the release being ingested. */
typedef struct kb_release_info {
	const char *domain;       /* enterprise-attack, ... */
	const char *version;      /* "18.1" */
	const char *spec_version; /* "2.0" / "2.1" or NULL */
	const char *source;       /* file path or REPO@REF:PATH */
	const char *sha256;       /* hex digest of the bundle bytes */
	size_t unknown_types, unknown_fields;
} kb_release_info;

/* Counts of one finished ingest. */
typedef struct kb_ingest_stats {
	size_t objects;     /* objects in the release */
	size_t new_objects; /* of them, object versions not stored before */
	size_t findings;    /* validation findings (attackkb check) */
} kb_ingest_stats;

/* Is a bundle with this SHA-256 already stored? Sets *domain_version to
 * "enterprise-attack 18.1" (caller frees) when it is, else NULL. */
int kb_ingest_known(char **domain_version, kb_store *store,
		    const char *sha256);

/* Start an ingest: a savepoint, so it is one transaction of its own or
 * part of the caller's (kb_store_begin). Caller ends it with
 * kb_ingest_commit() or kb_ingest_abort(). Returns 0 or KB_EDB. */
int kb_ingest_begin(kb_ingest **out, kb_store *store);

/* Store one object version (once per stix_id+modified) and its membership
 * in this release. Returns 0 or KB_EDB. */
int kb_ingest_object(kb_ingest *ing, const kb_stix_object *obj);

/* Record the release, run the validation checks and commit. On success
 * *stats (if not NULL) is filled. KB_EEXISTS when domain+version is
 * already stored (the transaction is rolled back, the store unchanged),
 * KB_EDB on SQLite failure. Frees ing in every case. */
int kb_ingest_commit(kb_ingest *ing, const kb_release_info *info,
		     kb_ingest_stats *stats);

/* Roll back and free. Accepts NULL. */
void kb_ingest_abort(kb_ingest *ing);

#endif
