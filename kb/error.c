/* kb/error.c: one thread-local message slot for the last error. */
#include "kb/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last[2048];

int kb_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last, sizeof(last), fmt, ap);
	va_end(ap);
	return code;
}

int kb_error_errno(int code, const char *fmt, ...)
{
	int saved = errno;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last, sizeof(last), fmt, ap);
	va_end(ap);
	n = strlen(last);
	snprintf(last + n, sizeof(last) - n, ": %s", strerror(saved));
	return code;
}

void kb_error_prefix(const char *fmt, ...)
{
	char prefix[512], old[sizeof(last)];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, last, sizeof(old));
	n = strlen(prefix);
	if (n + 2 >= sizeof(last))
		return;
	memcpy(last, prefix, n);
	memcpy(last + n, ": ", 2);
	memcpy(last + n + 2, old, sizeof(last) - n - 2);
	last[sizeof(last) - 1] = '\0';
}

const char *kb_error_last(void)
{
	return last;
}

void kb_error_clear(void)
{
	last[0] = '\0';
}
