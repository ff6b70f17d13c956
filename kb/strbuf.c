/* kb/strbuf.c: growable byte buffer. */
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char strbuf__empty[1];

void strbuf_init(strbuf *sb)
{
	sb->ptr = strbuf__empty;
	sb->len = 0;
	sb->alloc = 0;
}

void strbuf_grow(strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1, n;

	if (need <= sb->alloc)
		return;
	n = sb->alloc ? sb->alloc : 64;
	while (n < need)
		n = n / 2 * 3 + 16;
	if (sb->alloc == 0) {
		sb->ptr = xmalloc(n);
		sb->ptr[0] = '\0';
	} else {
		sb->ptr = xrealloc(sb->ptr, n);
	}
	sb->alloc = n;
}

void strbuf_put(strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->ptr + sb->len, data, len);
	sb->len += len;
	sb->ptr[sb->len] = '\0';
}

void strbuf_puts(strbuf *sb, const char *s)
{
	strbuf_put(sb, s, strlen(s));
}

void strbuf_putc(strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->ptr[sb->len++] = (char)c;
	sb->ptr[sb->len] = '\0';
}

void strbuf_vprintf(strbuf *sb, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n <= 0)
		return;
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->ptr + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_printf(strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_truncate(strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->ptr[len] = '\0';
	}
}

void strbuf_clear(strbuf *sb)
{
	strbuf_truncate(sb, 0);
}

char *strbuf_detach(strbuf *sb)
{
	char *p = sb->alloc ? sb->ptr : xstrdup("");

	strbuf_init(sb);
	return p;
}

void strbuf_free(strbuf *sb)
{
	if (sb->alloc)
		free(sb->ptr);
	strbuf_init(sb);
}

void strbuf_put_json_string(strbuf *sb, const char *s)
{
	strbuf_putc(sb, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			strbuf_putc(sb, '\\');
			strbuf_putc(sb, c);
		} else if (c == '\n') {
			strbuf_puts(sb, "\\n");
		} else if (c == '\t') {
			strbuf_puts(sb, "\\t");
		} else if (c < 0x20) {
			strbuf_printf(sb, "\\u%04x", c);
		} else {
			strbuf_putc(sb, c);
		}
	}
	strbuf_putc(sb, '"');
}
