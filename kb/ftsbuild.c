/* kb/ftsbuild.c: the full-text index of a store being built, on a thread
 * of its own (see ftsbuild.h). */
#include "kb/ftsbuild.h"
#include "kb/error.h"
#include "kb/store_impl.h"
#include "kb/xalloc.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One request to the builder: a row's texts, or a savepoint operation. */
struct request {
	struct request *next;
	enum { DOC, SAVEPOINT, RELEASE, ROLLBACK, END } op;
	int64_t id;
	char *text[3]; /* name, aliases, description; in the same block */
};

struct kb_fts_builder {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct request *head, **tail;
	sqlite3 *db;   /* in memory; used only by the thread once started */
	int failed;    /* the thread met an SQLite error (message in msg) */
	char msg[256];
};

static const char *const op_sql[] = {
	[SAVEPOINT] = "SAVEPOINT kb_ingest",
	[RELEASE] = "RELEASE kb_ingest",
	[ROLLBACK] = "ROLLBACK TO kb_ingest; RELEASE kb_ingest",
	[END] = "COMMIT",
};

static void push(struct kb_fts_builder *b, struct request *r)
{
	r->next = NULL;
	pthread_mutex_lock(&b->lock);
	*b->tail = r;
	b->tail = &r->next;
	pthread_cond_signal(&b->more);
	pthread_mutex_unlock(&b->lock);
}

static struct request *pop(struct kb_fts_builder *b)
{
	struct request *r;

	pthread_mutex_lock(&b->lock);
	while (!b->head)
		pthread_cond_wait(&b->more, &b->lock);
	r = b->head;
	if (!(b->head = r->next))
		b->tail = &b->head;
	pthread_mutex_unlock(&b->lock);
	return r;
}

static void fail(struct kb_fts_builder *b)
{
	if (!b->failed)
		snprintf(b->msg, sizeof(b->msg), "%s", sqlite3_errmsg(b->db));
	b->failed = 1;
}

/* The thread: run the requests in order until END. After an error it
 * only drains the queue. */
static void *run(void *arg)
{
	struct kb_fts_builder *b = arg;
	sqlite3_stmt *ins = NULL;
	bool end = false;

	if (sqlite3_prepare_v3(b->db,
			       "INSERT INTO search (rowid, name, aliases, "
			       "description) VALUES (?, ?, ?, ?)",
			       -1, SQLITE_PREPARE_PERSISTENT, &ins,
			       NULL) != SQLITE_OK)
		fail(b);
	while (!end) {
		struct request *r = pop(b);

		end = r->op == END;
		if (b->failed) {
			/* drain */
		} else if (r->op == DOC) {
			sqlite3_bind_int64(ins, 1, r->id);
			for (int i = 0; i < 3; i++)
				sqlite3_bind_text(ins, i + 2, r->text[i], -1,
						  SQLITE_STATIC);
			if (sqlite3_step(ins) != SQLITE_DONE)
				fail(b);
			sqlite3_reset(ins);
		} else if (sqlite3_exec(b->db, op_sql[r->op], NULL, NULL,
					NULL) != SQLITE_OK) {
			fail(b);
		}
		free(r);
	}
	sqlite3_finalize(ins);
	return NULL;
}

/* Start a builder whose table is defined as the store's own. */
static int start(kb_store *store)
{
	struct kb_fts_builder *b = xcalloc(1, sizeof(*b));
	sqlite3_stmt *st = NULL;
	int error = 0;

	b->tail = &b->head;
	if (sqlite3_open_v2(":memory:", &b->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(store->db,
			       "SELECT sql FROM sqlite_master WHERE name = "
			       "'search' AND type = 'table'",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_exec(b->db, (const char *)sqlite3_column_text(st, 0),
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(b->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		error = kb_error_set(KB_EDB, "%s: full-text index: %s",
				     store->path,
				     b->db ? sqlite3_errmsg(b->db) : "");
		goto done;
	}
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->more, NULL);
	if (pthread_create(&b->thread, NULL, run, b) != 0) {
		pthread_mutex_destroy(&b->lock);
		pthread_cond_destroy(&b->more);
		goto done; /* no thread: index directly, as any store */
	}
	store->fts = b;
	b = NULL;
done:
	sqlite3_finalize(st);
	if (b) {
		sqlite3_close(b->db);
		free(b);
	}
	return error;
}

/* Stop the thread; the builder's table stays readable. 0 or KB_EDB. */
static int stop(kb_store *store)
{
	struct kb_fts_builder *b = store->fts;
	struct request *r = xcalloc(1, sizeof(*r));

	r->op = END;
	push(b, r);
	pthread_join(b->thread, NULL);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->more);
	if (b->failed)
		return kb_error_set(KB_EDB, "%s: full-text index: %s",
				    store->path, b->msg);
	return 0;
}

static void drop(kb_store *store)
{
	sqlite3_close(store->fts->db);
	free(store->fts);
	store->fts = NULL;
}

int kb_fts_savepoint(kb_store *store, enum kb_fts_op op)
{
	static const int ops[] = {[KB_FTS_SAVEPOINT] = SAVEPOINT,
				  [KB_FTS_RELEASE] = RELEASE,
				  [KB_FTS_ROLLBACK] = ROLLBACK};
	struct request *r;
	int error;

	/* Only a store being built starts empty, and only once: after a
	 * merge the store's index is no longer empty. */
	if (!store->fts && op == KB_FTS_SAVEPOINT && store->build_path &&
	    !store->fts_merged && (error = start(store)) < 0)
		return error;
	if (!store->fts)
		return 0;
	r = xcalloc(1, sizeof(*r));
	r->op = ops[op];
	push(store->fts, r);
	return 0;
}

int kb_fts_index(kb_store *store, int64_t id, const char *name,
		 const char *aliases, const char *description)
{
	const char *text[3] = {name, aliases, description};
	sqlite3_stmt *st;
	int error;

	if (store->fts) {
		size_t len[3], total = 0;
		struct request *r;
		char *p;

		for (int i = 0; i < 3; i++)
			total += len[i] = text[i] ? strlen(text[i]) + 1 : 0;
		r = xmalloc(sizeof(*r) + total);
		r->op = DOC;
		r->id = id;
		p = (char *)(r + 1);
		for (int i = 0; i < 3; i++) {
			r->text[i] = text[i] ? memcpy(p, text[i], len[i]) : NULL;
			p += len[i];
		}
		push(store->fts, r);
		return 0;
	}
	if ((error = kb_store_stmt(&st, store, KB_STMT_FTS_PUT,
				   "INSERT INTO search (rowid, name, aliases, "
				   "description) VALUES (?,?,?,?)")) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	for (int i = 0; i < 3; i++)
		sqlite3_bind_text(st, i + 2, text[i], -1, SQLITE_STATIC);
	error = sqlite3_step(st) == SQLITE_DONE
			? 0
			: kb_store_db_error(store, "index object");
	sqlite3_reset(st);
	return error;
}

int kb_fts_merge(kb_store *store)
{
	static const char copy_sql[] =
		"BEGIN;"
		"DELETE FROM main.search_data;"
		"INSERT INTO main.search_data SELECT * FROM fts_build.search_data;"
		"INSERT INTO main.search_idx SELECT * FROM fts_build.search_idx;"
		"INSERT INTO main.search_docsize "
		"SELECT * FROM fts_build.search_docsize;"
		"COMMIT;";
	sqlite3_int64 size;
	unsigned char *data;
	int error;

	if (!store->fts)
		return 0;
	if ((error = stop(store)) < 0)
		goto done;
	if (!(data = sqlite3_serialize(store->fts->db, "main", &size, 0))) {
		error = kb_error_set(KB_EDB, "%s: full-text index: out of "
					     "memory",
				     store->path);
		goto done;
	}
	if ((error = kb_store_exec(store, "ATTACH ':memory:' AS fts_build")) <
	    0) {
		sqlite3_free(data);
		goto done;
	}
	if (sqlite3_deserialize(store->db, "fts_build", data, size, size,
				SQLITE_DESERIALIZE_FREEONCLOSE |
					SQLITE_DESERIALIZE_READONLY) !=
	    SQLITE_OK)
		error = kb_store_db_error(store, "full-text index");
	else if ((error = kb_store_exec(store, copy_sql)) < 0)
		kb_store_exec(store, "ROLLBACK");
	kb_store_exec(store, "DETACH fts_build");
	store->fts_merged = true;
done:
	drop(store);
	return error;
}

void kb_fts_discard(kb_store *store)
{
	if (!store->fts)
		return;
	stop(store);
	drop(store);
}
