/* tests/store_fixture.h: a fresh store in a temporary folder per test. */
#ifndef TESTS_STORE_FIXTURE_H
#define TESTS_STORE_FIXTURE_H

#include "kb/store.h"

extern kb_store *fx_store;  /* open read-write */
extern char *fx_dir;        /* its folder */
extern char *fx_path;       /* fx_dir/test.db */

void fx_store_setup(void);
void fx_store_teardown(void);
/* Close and reopen fx_store (as a new process would see it). */
void fx_store_reopen(void);
/* The first cell of the first row of sql, as a number; -1 if none. */
long fx_count(const char *sql);
/* The cells of a one-column query joined by ",". Caller frees. */
char *fx_column(const char *sql);
/* Write text to fx_dir/name; returns the path (caller frees). */
char *fx_write(const char *name, const char *text);

#endif
