/* kb/error.h: error codes and the last-error message (libgit2's model). */
#ifndef KB_ERROR_H
#define KB_ERROR_H

/* Every fallible function in kb/, parser/ and export/ returns one of these:
 * 0 on success, a negative code on failure with a message in kb_error_last(). */
enum {
	KB_OK = 0,
	KB_ERROR = -1,	   /* generic; details in kb_error_last() */
	KB_ENOTFOUND = -2, /* no such object, file, revision */
	KB_EEXISTS = -3,   /* refuse to overwrite */
	KB_EPARSE = -4,	   /* malformed input; message starts "path:line:col:" */
	KB_EDB = -5,	   /* SQLite failure; message carries sqlite3_errmsg() */
	KB_EIO = -6,	   /* errno failure; message carries strerror() */
	KB_ELIMIT = -7,	   /* input exceeds a documented limit */
	KB_EUSAGE = -8,	   /* caller passed arguments that make no sense */
	KB_ESTALE = -9,	   /* a store an older attackkb made, opened
			      read-only: a writer must bring it up to date */
};

/* Store a printf-style message as the last error and return code. */
int kb_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* As kb_error_set(), appending ": strerror(errno)". */
int kb_error_errno(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefix the current message with "prefix: " (adds context on the way up). */
void kb_error_prefix(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* The last message; "" when none, never NULL. Borrowed. */
const char *kb_error_last(void);

/* Forget the last message. */
void kb_error_clear(void);

#endif
