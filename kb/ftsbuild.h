/* kb/ftsbuild.h: the full-text index of a store being built, made on a
 * thread of its own (not public: kb/ingest.c and kb/store.c use it).
 *
 * Indexing (tokenizing names and descriptions) is a fifth of a first
 * ingest's work on the storing thread, the one that sets its pace. A store
 * built aside (KB_STORE_BUILD) has an empty index to begin with, so its
 * index can be built elsewhere and copied in whole: a thread indexes the
 * texts into an in-memory table defined as the store's `search` table,
 * following the ingests' savepoints, and kb_fts_merge() copies its
 * shadow tables into the store when the store is published. Any other
 * store indexes each text directly. */
#ifndef KB_FTSBUILD_H
#define KB_FTSBUILD_H

#include <stdint.h>

typedef struct kb_store kb_store;

/* Savepoint operations, mirrored on the builder's table. */
enum kb_fts_op { KB_FTS_SAVEPOINT, KB_FTS_RELEASE, KB_FTS_ROLLBACK };

/* An ingest's savepoint began, was released or rolled back (the first
 * one on a store being built starts the builder). Returns 0 or KB_EDB. */
int kb_fts_savepoint(kb_store *store, enum kb_fts_op op);

/* Index the texts of row id of object (NULL: none). Returns 0 or KB_EDB. */
int kb_fts_index(kb_store *store, int64_t id, const char *name,
		 const char *aliases, const char *description);

/* Copy the built index into the store (outside any transaction), and
 * stop the builder. No-op without one. Returns 0 or KB_EDB. */
int kb_fts_merge(kb_store *store);

/* Stop the builder and drop its index. Accepts a store without one. */
void kb_fts_discard(kb_store *store);

#endif
