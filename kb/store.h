/* kb/store.h: the SQLite store: open, transactions, release selection.
 * sqlite3 is used only inside kb/; other layers see these handles. */
#ifndef KB_STORE_H
#define KB_STORE_H

#include <stdbool.h>

#define KB_VERSION "0.1.0"
#define KB_SCHEMA_VERSION 1
#define KB_APPLICATION_ID 0x41544b42 /* "ATKB" in PRAGMA application_id */

typedef struct kb_store kb_store;

enum {
	KB_STORE_READONLY = 0,
	KB_STORE_WRITE = 1u << 0,  /* open read-write */
	KB_STORE_CREATE = 1u << 1, /* create (and migrate) if missing */
	KB_STORE_SHORT_WAIT = 1u << 2, /* on a lock, give up after 250 ms
					  instead of 5 s (web pages) */
	KB_STORE_BUILD = 1u << 3,  /* with WRITE | CREATE: a store that does
				      not exist yet is built aside (PATH.new-
				      XXXXXX) and becomes PATH only at
				      kb_store_publish(); closed before, it
				      never existed */
};

/* Open the store at path. Read-only opens fail with KB_ENOTFOUND when the
 * file is missing; every open fails with KB_ERROR when the file is not an
 * attackkb store or was written by a newer schema. Caller closes *out. */
int kb_store_open(kb_store **out, const char *path, unsigned flags);

/* Make a store opened with KB_STORE_BUILD, whose transactions are all
 * committed, the store at its path: synced, linked in place, reopened as
 * a WAL store. No-op for other stores. Returns 0, or KB_EIO (the path
 * exists now: the new store is kept beside it, the message names it). */
int kb_store_publish(kb_store *store);

/* Close the store and finalize its statements. Accepts NULL. */
void kb_store_close(kb_store *store);

/* Start a read transaction: every statement until kb_store_close() sees
 * the store as it was at the first read, so a command or page made of
 * many statements shows a release committed meanwhile entirely or not at
 * all. For short-lived read-only handles (a long-lived one would never see
 * new releases). Returns 0 or KB_EDB. */
int kb_store_snapshot(kb_store *store);

/* Transactions (BEGIN IMMEDIATE / COMMIT / ROLLBACK). Return 0 or KB_EDB. */
int kb_store_begin(kb_store *store);
/* A read transaction (BEGIN): every query until kb_store_commit() or
 * kb_store_rollback() sees one snapshot of the store, under one lock (a
 * web page's queries). Returns 0 or KB_EDB. */
int kb_store_begin_read(kb_store *store);
int kb_store_commit(kb_store *store);
void kb_store_rollback(kb_store *store);

/* Make every public view show release `version` (e.g. "17.1") of each
 * domain that has it, instead of the newest. Returns 0 or KB_ENOTFOUND. */
int kb_store_select_release(kb_store *store, const char *version);

/* The path the store was opened from. Borrowed. */
const char *kb_store_path(const kb_store *store);

#endif
