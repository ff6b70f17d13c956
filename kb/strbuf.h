/* kb/strbuf.h: a growable byte buffer, always NUL-terminated
 * (as cmark's buffer.c and libgit2's git_str). */
#ifndef KB_STRBUF_H
#define KB_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
	char *ptr;    /* contents, NUL-terminated; never NULL after init */
	size_t len;   /* bytes used, not counting the NUL */
	size_t alloc; /* bytes allocated; 0 while ptr points at a static "" */
} strbuf;

#define STRBUF_INIT {strbuf__empty, 0, 0}
extern char strbuf__empty[];

void strbuf_init(strbuf *sb);
void strbuf_grow(strbuf *sb, size_t extra);
void strbuf_put(strbuf *sb, const void *data, size_t len);
void strbuf_puts(strbuf *sb, const char *s);
void strbuf_putc(strbuf *sb, int c);
void strbuf_printf(strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vprintf(strbuf *sb, const char *fmt, va_list ap);
/* s as a JSON string, quotes included (NULL as ""); UTF-8 is copied
 * as it is. */
void strbuf_put_json_string(strbuf *sb, const char *s);
void strbuf_truncate(strbuf *sb, size_t len);
void strbuf_clear(strbuf *sb);
/* Give the contents to the caller (who frees them) and reset sb. */
char *strbuf_detach(strbuf *sb);
void strbuf_free(strbuf *sb);

#endif
