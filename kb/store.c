/* kb/store.c: opening, creating and checking the SQLite store; statement
 * cache; transactions; release selection through TEMP views. */
#include "kb/store_impl.h"
#include "kb/error.h"
#include "kb/ftsbuild.h"
#include "kb/query.h"
#include "kb/strbuf.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"

#include <ctype.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int kb_store_db_error(kb_store *store, const char *fmt, ...)
{
	char ctx[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	return kb_error_set(KB_EDB, "%s: %s: %s", store->path, ctx,
			    sqlite3_errmsg(store->db));
}

int kb_store_exec(kb_store *store, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(store->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		kb_error_set(KB_EDB, "%s: %s", store->path,
			     msg ? msg : sqlite3_errmsg(store->db));
		sqlite3_free(msg);
		return KB_EDB;
	}
	return 0;
}

int kb_store_stmt(sqlite3_stmt **out, kb_store *store, enum kb_stmt_id id,
		  const char *sql)
{
	if (!store->stmts[id] &&
	    sqlite3_prepare_v3(store->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &store->stmts[id], NULL) != SQLITE_OK)
		return kb_store_db_error(store, "prepare");
	*out = store->stmts[id];
	return 0;
}

static int pragma_int(kb_store *store, const char *pragma, int *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(store->db, pragma, -1, &st, NULL) != SQLITE_OK)
		return kb_store_db_error(store, "%s", pragma);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return kb_store_db_error(store, "%s", pragma);
	return 0;
}

/* Whether the store's schema and views are this build's. */
static bool schema_current(kb_store *store)
{
	sqlite3_stmt *st;
	bool same = false;

	/* No meta table: older than fingerprints. */
	if (sqlite3_prepare_v2(store->db,
			       "SELECT value = ?1 FROM meta WHERE key = "
			       "'schema'",
			       -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, kb_schema_id, -1, SQLITE_STATIC);
	same = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return same;
}

static int drop_views(kb_store *store)
{
	kb_rows *views;
	int error;

	if ((error = kb_rows_query(&views, store,
				   "SELECT 'DROP VIEW \"' || name || '\";' "
				   "FROM sqlite_master WHERE type = 'view'",
				   NULL, 0)) < 0)
		return error;
	for (size_t r = 0; r < views->nrows && !error; r++)
		error = kb_store_exec(store, kb_rows_get(views, r, 0));
	kb_rows_free(views);
	return error;
}

/* Create the schema in an empty store, or bring an older one up to
 * date: the tables and indexes it lacks, all views anew, the
 * fingerprint. One transaction. */
static int make_schema(kb_store *store)
{
	char sql[160];
	int error;

	if ((error = kb_store_begin(store)) < 0)
		return error;
	snprintf(sql, sizeof(sql),
		 "PRAGMA application_id = %d; PRAGMA user_version = %d; "
		 "INSERT OR REPLACE INTO meta VALUES ('schema', '%s');",
		 KB_APPLICATION_ID, KB_SCHEMA_VERSION, kb_schema_id);
	if ((error = kb_store_exec(store, kb_schema_sql)) < 0 ||
	    (error = drop_views(store)) < 0 ||
	    (error = kb_store_exec(store, kb_views_sql)) < 0 ||
	    (error = kb_store_exec(store, sql)) < 0) {
		kb_store_rollback(store);
		return error;
	}
	return kb_store_commit(store);
}

/* Check the file is an attackkb store this build can read; create the
 * schema in an empty database opened for writing. */
static int check_schema(kb_store *store)
{
	int app, version, tables, error;

	if ((error = pragma_int(store, "PRAGMA application_id", &app)) < 0 ||
	    (error = pragma_int(store, "PRAGMA user_version", &version)) < 0 ||
	    (error = pragma_int(store, "SELECT count(*) FROM sqlite_master",
				&tables)) < 0)
		return error;
	if (app == 0 && version == 0 && tables == 0) {
		if (!store->writable)
			return kb_error_set(KB_ERROR,
					    "%s: empty database, not an "
					    "attackkb store (run attackkb "
					    "ingest first)",
					    store->path);
		return make_schema(store);
	}
	if (app != KB_APPLICATION_ID)
		return kb_error_set(KB_ERROR,
				    "%s: not an attackkb store (a SQLite "
				    "database of something else)",
				    store->path);
	if (version > KB_SCHEMA_VERSION)
		return kb_error_set(KB_ERROR,
				    "%s: written by a newer attackkb (store "
				    "schema %d; this one reads up to %d)",
				    store->path, version, KB_SCHEMA_VERSION);
	if (schema_current(store))
		return 0;
	if (!store->writable)
		return kb_error_set(KB_ESTALE,
				    "%s: made by another attackkb version: "
				    "its views and indexes need an update, "
				    "which any attackkb command makes when "
				    "run by a user who may write the store",
				    store->path);
	return make_schema(store);
}

/* Process-wide SQLite settings, before its first use: no memory
 * statistics (they take a mutex on every allocation). Only one thread
 * ever uses a connection (the ingest's parser threads never touch it).
 * No page-cache memory set up in advance: SQLite would prepare room for
 * 20 pages per cache, writing a header into each (20 page faults for
 * every connection and temporary table: a tenth of what `search` costs
 * the kernel); pages are allocated as they are read instead. */
static void configure_sqlite(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
}

/* Open the connection: store->build_path if building a new store aside,
 * else store->path (named in messages either way). */
static int connect_store(kb_store *store, unsigned flags)
{
	const char *path = store->path;
	int oflags = SQLITE_OPEN_NOMUTEX, error;

	if (store->writable)
		oflags |= SQLITE_OPEN_READWRITE |
			  (flags & KB_STORE_CREATE ? SQLITE_OPEN_CREATE : 0);
	else
		oflags |= SQLITE_OPEN_READONLY;
	if (sqlite3_open_v2(store->build_path ? store->build_path : path,
			    &store->db, oflags, NULL) != SQLITE_OK)
		return kb_error_set(KB_EDB, "%s: cannot open: %s", path,
				    sqlite3_errmsg(store->db));
	sqlite3_extended_result_codes(store->db, 1);
	sqlite3_busy_timeout(store->db,
			     flags & KB_STORE_SHORT_WAIT ? 250 : 5000);
	/* Map the file: queries that touch many pages then cost no read()
	 * system call per page (a third of a coverage query's time). */
	sqlite3_exec(store->db, "PRAGMA mmap_size = 1073741824", NULL, NULL,
		     NULL);
	if (sqlite3_exec(store->db, "PRAGMA application_id", NULL, NULL,
			 NULL) != SQLITE_OK) {
		int rc = sqlite3_errcode(store->db) & 0xff;

		/* A reader that may not create the -wal and -shm files
		 * beside a WAL store cannot open it: say so, rather than
		 * blame the file; a locked store is not "not a database"
		 * either. */
		if (rc == SQLITE_CANTOPEN || rc == SQLITE_READONLY ||
		    rc == SQLITE_PERM)
			return kb_error_set(KB_EIO,
					    "%s: cannot read the store: %s "
					    "(a reader needs %s-wal and "
					    "%s-shm to exist, or their "
					    "folder to be writable)",
					    path, sqlite3_errmsg(store->db),
					    path, path);
		if (rc == SQLITE_NOTADB)
			return kb_error_set(KB_ERROR,
					    "%s: not an attackkb store (not "
					    "a SQLite database)",
					    path);
		return kb_error_set(KB_ERROR, "%s: cannot read: %s", path,
				    sqlite3_errmsg(store->db));
	}
	if (!store->writable)
		return check_schema(store);
	/* Keep the -wal and -shm files when the last writer closes: readers
	 * that may only read (the web page's user) cannot create them, and
	 * without them cannot open a WAL store at all. A journal size limit
	 * makes that last close truncate the checkpointed -wal to nothing:
	 * otherwise every later process, as the store's first connection,
	 * would re-read the whole log (a 90 MB ingest: 40 ms per command).
	 * A store built aside needs neither log nor syncs: it becomes the
	 * store only once complete (kb_store_publish); its pages are written
	 * once, not to the log and then again into the file. */
	if (!store->build_path) {
		int persist = 1;

		sqlite3_file_control(store->db, "main",
				     SQLITE_FCNTL_PERSIST_WAL, &persist);
	}
	/* 16 KiB pages hold the objects' JSON texts with less overflow (a
	 * tenth smaller store); the size only takes effect on creation. */
	if ((error = kb_store_exec(store, "PRAGMA page_size = 16384;"
					  "PRAGMA cache_size = -65536;"
					  "PRAGMA temp_store = MEMORY;")) < 0 ||
	    (error = kb_store_exec(
		     store, store->build_path
				    ? "PRAGMA journal_mode = MEMORY;"
				      "PRAGMA synchronous = OFF;"
				    : "PRAGMA journal_mode = WAL;"
				      "PRAGMA journal_size_limit = 67108864;"
				      "PRAGMA synchronous = NORMAL;")) < 0)
		return error;
	return check_schema(store);
}

/* Create the file a new store is built in, beside path, with the mode a
 * new file would get. */
static int create_build_file(kb_store *store)
{
	mode_t mask = umask(0);
	int fd;

	umask(mask);
	store->build_path = xasprintf("%s.new-XXXXXX", store->path);
	if ((fd = mkstemp(store->build_path)) < 0) {
		int error = kb_error_errno(KB_EIO, "%s: cannot create",
					   store->build_path);

		free(store->build_path);
		store->build_path = NULL;
		return error;
	}
	fchmod(fd, 0666 & ~mask);
	close(fd);
	return 0;
}

int kb_store_open(kb_store **out, const char *path, unsigned flags)
{
	kb_store *store = xcalloc(1, sizeof(*store));
	struct stat st;
	int error = 0;

	*out = NULL;
	configure_sqlite();
	store->path = xstrdup(path);
	store->writable = flags & KB_STORE_WRITE;
	if (stat(path, &st) < 0) {
		if (!(flags & KB_STORE_CREATE)) {
			error = kb_error_set(KB_ENOTFOUND,
					     "%s: no such store (create it "
					     "with attackkb ingest)",
					     path);
			goto done;
		}
		if (store->writable && (flags & KB_STORE_BUILD) &&
		    (error = create_build_file(store)) < 0)
			goto done;
	}
	if ((error = connect_store(store, flags)) < 0)
		goto done;
	*out = store;
	store = NULL;
done:
	kb_store_close(store);
	return error;
}

/* Finalize every statement and close the connection. */
static void disconnect(kb_store *store)
{
	for (int i = 0; i < KB_STMT__COUNT; i++) {
		sqlite3_finalize(store->stmts[i]);
		store->stmts[i] = NULL;
	}
	for (size_t i = 0; i < store->nquery_stmts; i++)
		sqlite3_finalize(store->query_stmts[i]);
	store->nquery_stmts = 0;
	strmap_free(store->queries);
	store->queries = NULL;
	sqlite3_close_v2(store->db);
	store->db = NULL;
}

/* fsync path (a file, or a folder). */
static int sync_path(const char *path)
{
	int fd = open(path, O_RDONLY), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int kb_store_publish(kb_store *store)
{
	char *dir;
	int error;

	if (!store->build_path)
		return 0;
	if ((error = kb_fts_merge(store)) < 0)
		return error;
	disconnect(store);
	/* The built file becomes the store, whole: synced, then linked under
	 * the store's name, which must still be free (link, unlike rename,
	 * never replaces a store someone created meanwhile). */
	if (sync_path(store->build_path) < 0)
		return kb_error_errno(KB_EIO, "%s: cannot sync",
				      store->build_path);
	if (link(store->build_path, store->path) < 0) {
		error = kb_error_errno(KB_EIO,
				       "%s: cannot create the store (the new "
				       "store is kept as %s)",
				       store->path, store->build_path);
		store->keep_build = true;
		return error;
	}
	unlink(store->build_path);
	free(store->build_path);
	store->build_path = NULL;
	dir = xstrdup(store->path);
	sync_path(dirname(dir));
	free(dir);
	/* Reopened as every writer opens it: in WAL mode, with the files a
	 * reader needs. */
	return connect_store(store, KB_STORE_WRITE);
}

void kb_store_close(kb_store *store)
{
	if (!store)
		return;
	kb_fts_discard(store);
	disconnect(store);
	/* A store built aside and never published is no store. */
	if (store->build_path && !store->keep_build)
		unlink(store->build_path);
	free(store->build_path);
	free(store->path);
	free(store);
}

int kb_store_snapshot(kb_store *store)
{
	return kb_store_exec(store, "BEGIN DEFERRED");
}

int kb_store_begin(kb_store *store)
{
	return kb_store_exec(store, "BEGIN IMMEDIATE");
}

int kb_store_begin_read(kb_store *store)
{
	return kb_store_exec(store, "BEGIN");
}

int kb_store_commit(kb_store *store)
{
	return kb_store_exec(store, "COMMIT");
}

void kb_store_rollback(kb_store *store)
{
	if (!sqlite3_get_autocommit(store->db))
		sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

const char *kb_store_path(const kb_store *store)
{
	return store->path;
}

static bool valid_version(const char *v)
{
	if (!*v || strlen(v) > 16)
		return false;
	for (; *v; v++)
		if (!isdigit((unsigned char)*v) && *v != '.')
			return false;
	return true;
}

/* Which DROP a TEMP object needs: DROP VIEW fails on a table and DROP
 * TABLE on a view. */
int kb_store_drop_temp(kb_store *store, const char *name)
{
	sqlite3_stmt *st;
	char *sql = NULL;
	int rc, error = 0;

	if (sqlite3_prepare_v2(store->db,
			       "SELECT type FROM temp.sqlite_master "
			       "WHERE name = ?1 AND type IN ('table', 'view')",
			       -1, &st, NULL) != SQLITE_OK)
		return kb_store_db_error(store, "drop %s", name);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sql = xasprintf("DROP %s temp.%s",
				strcmp((const char *)sqlite3_column_text(st, 0),
				       "view") == 0
					? "VIEW"
					: "TABLE",
				name);
	else if (rc != SQLITE_DONE)
		error = kb_store_db_error(store, "drop %s", name);
	sqlite3_finalize(st);
	if (sql)
		error = kb_store_exec(store, sql);
	free(sql);
	return error;
}

int kb_store_select_release(kb_store *store, const char *version)
{
	strbuf sql = STRBUF_INIT;
	const char *p = kb_views_sql, *end;
	sqlite3_stmt *st;
	int found = 0, error;

	if (!valid_version(version))
		return kb_error_set(KB_EUSAGE,
				    "'%s' is not a release number like 18.1",
				    version);
	if (sqlite3_prepare_v2(store->db,
			       "SELECT count(*) FROM release WHERE version = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return kb_store_db_error(store, "select release");
	sqlite3_bind_text(st, 1, version, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		found = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (!found)
		return kb_error_set(KB_ENOTFOUND,
				    "%s: no release %s is stored (see "
				    "attackkb releases)",
				    store->path, version);
	/* The release's members shadow the table current_member in TEMP, and
	 * every view is re-created there over them (a view of main would
	 * still read main's tables). The version was checked to be digits
	 * and dots, so it quotes safely. */
	strbuf_printf(&sql,
		      "CREATE TEMP VIEW current_release AS SELECT id AS "
		      "release_id, domain, version FROM release WHERE "
		      "version = '%s';\n"
		      "CREATE TEMP VIEW current_member AS SELECT m.object_id, "
		      "r.domain, r.id AS release_id FROM release r JOIN member "
		      "m ON m.release_id = r.id WHERE r.version = '%s';\n",
		      version, version);
	while ((p = strstr(p, "CREATE VIEW ")) != NULL) {
		end = strstr(p, ";\n");
		if (!end)
			break;
		if (strncmp(p, "CREATE VIEW current_release ", 28) != 0) {
			strbuf_puts(&sql, "CREATE TEMP VIEW ");
			strbuf_put(&sql, p + 12, (size_t)(end - p - 12));
			strbuf_puts(&sql, ";\n");
		}
		p = end + 2;
	}
	error = kb_store_exec(store, sql.ptr);
	strbuf_free(&sql);
	return error;
}
