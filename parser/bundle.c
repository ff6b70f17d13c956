/* parser/bundle.c: a structural JSON scanner over the bundle. It checks
 * brackets, commas, colons and string boundaries; jansson later checks
 * everything inside each object (escapes, numbers, UTF-8). */
#include "parser/bundle.h"
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct scan {
	const char *path;  /* for messages */
	const char *buf;   /* the input */
	const char *p;     /* current position */
	const char *end;   /* buf + len */
	unsigned line;     /* line of p */
	const char *bol;   /* first byte of that line */
	size_t cap;        /* capacity of out->objs */
};

static int fail(struct scan *s, int code, const char *what)
{
	if (s->p >= s->end)
		return kb_error_set(KB_EPARSE,
				    "%s:%u:%u: unexpected end of file, "
				    "expected %s",
				    s->path, s->line,
				    (unsigned)(s->p - s->bol) + 1, what);
	return kb_error_set(code, "%s:%u:%u: expected %s", s->path, s->line,
			    (unsigned)(s->p - s->bol) + 1, what);
}

static void skip_ws(struct scan *s)
{
	while (s->p < s->end) {
		char c = *s->p;

		if (c == '\n') {
			s->line++;
			s->bol = ++s->p;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			s->p++;
		} else {
			break;
		}
	}
}

/* At '"': move past the closing quote. Raw control characters are not
 * allowed in JSON strings, so strings never span lines. */
static int scan_string(struct scan *s)
{
	const char *start = s->p++;

	while (s->p < s->end) {
		unsigned char c = (unsigned char)*s->p;

		if (c == '"') {
			s->p++;
			/* The limit is on the text between the quotes. */
			if ((size_t)(s->p - start) - 2 > KB_MAX_STRING) {
				s->p = start;
				return fail(s, KB_ELIMIT,
					    "a string shorter than "
					    "KB_MAX_STRING (16 MiB)");
			}
			return 0;
		}
		if (c == '\\') {
			s->p += 2;
			continue;
		}
		if (c < 0x20)
			return fail(s, KB_EPARSE,
				    "'\"' before a control character");
		s->p++;
	}
	s->p = s->end;
	return fail(s, KB_EPARSE, "'\"' closing the string");
}

static int scan_value(struct scan *s, int depth);
static int add_span(struct scan *s, bundle *out, const char *start,
		    unsigned line, unsigned col);

/* At '{' or '[': move past the matching close. With collect (the
 * "objects" array), each element must be an object and its span is
 * added to collect. */
static int scan_container(struct scan *s, int depth, bundle *collect)
{
	char close = *s->p == '{' ? '}' : ']';
	bool object = close == '}';
	int error;

	if (depth >= KB_MAX_JSON_DEPTH)
		return fail(s, KB_ELIMIT,
			    "nesting no deeper than KB_MAX_JSON_DEPTH (64)");
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		return 0;
	}
	for (;;) {
		if (object) {
			if (s->p >= s->end || *s->p != '"')
				return fail(s, KB_EPARSE, "a '\"' starting a key");
			if ((error = scan_string(s)) < 0)
				return error;
			skip_ws(s);
			if (s->p >= s->end || *s->p != ':')
				return fail(s, KB_EPARSE, "':' after a key");
			s->p++;
			skip_ws(s);
		}
		if (collect) {
			const char *start = s->p;
			unsigned line = s->line;
			unsigned col = (unsigned)(s->p - s->bol) + 1;

			if (s->p >= s->end || *s->p != '{')
				return fail(s, KB_EPARSE,
					    "'{': each element of \"objects\" "
					    "must be an object");
			if ((error = scan_container(s, depth + 1, NULL)) < 0 ||
			    (error = add_span(s, collect, start, line, col)) <
				    0)
				return error;
		} else if ((error = scan_value(s, depth + 1)) < 0) {
			return error;
		}
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			skip_ws(s);
			continue;
		}
		if (s->p < s->end && *s->p == close) {
			s->p++;
			return 0;
		}
		return fail(s, KB_EPARSE,
			    collect  ? "',' or ']' in \"objects\""
			    : object ? "',' or '}' in an object"
				     : "',' or ']' in an array");
	}
}

static int scan_value(struct scan *s, int depth)
{
	const char *start = s->p;

	if (s->p >= s->end)
		return fail(s, KB_EPARSE, "a value");
	switch (*s->p) {
	case '{':
	case '[':
		return scan_container(s, depth, NULL);
	case '"':
		return scan_string(s);
	}
	while (s->p < s->end &&
	       (strchr("+-.", *s->p) || (*s->p >= '0' && *s->p <= '9') ||
		(*s->p >= 'a' && *s->p <= 'z') ||
		(*s->p >= 'A' && *s->p <= 'Z')))
		s->p++;
	if (s->p == start)
		return fail(s, KB_EPARSE, "a value");
	return 0;
}

static int add_span(struct scan *s, bundle *out, const char *start,
		    unsigned line, unsigned col)
{
	if (out->nobjs == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		out->objs = xreallocarray(out->objs, s->cap, sizeof(bundle_span));
	}
	if ((size_t)(s->p - start) > KB_MAX_OBJECT)
		return kb_error_set(KB_ELIMIT,
				    "%s:%u:%u: object larger than the limit "
				    "of %u bytes",
				    s->path, line, col, KB_MAX_OBJECT);
	out->objs[out->nobjs++] = (bundle_span){
		.off = (size_t)(start - s->buf),
		.len = (size_t)(s->p - start),
		.line = line,
		.col = col,
	};
	return 0;
}

static int scan_objects(struct scan *s, bundle *out)
{
	if (s->p >= s->end || *s->p != '[')
		return fail(s, KB_EPARSE, "'[': \"objects\" must be an array");
	return scan_container(s, 1, out);
}

/* A top-level string member, kept raw (bundle ids and versions need no
 * unescaping; a value with escapes is kept as written). */
static void set_raw_string(char **out, const char *start, const char *end)
{
	free(*out);
	*out = NULL;
	if (end - start >= 2 && *start == '"')
		*out = xstrndup(start + 1, (size_t)(end - start - 2));
}

int bundle_split(bundle *out, const char *path, const char *buf, size_t len)
{
	struct scan s = {path, buf, buf, buf + len, 1, buf, 0};
	bool have_objects = false;
	int error;

	memset(out, 0, sizeof(*out));
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		s.p = s.bol = buf + 3; /* a UTF-8 byte order mark */
	skip_ws(&s);
	if (s.p >= s.end || *s.p != '{')
		return fail(&s, KB_EPARSE,
			    "'{': a STIX bundle is a JSON object");
	s.p++;
	skip_ws(&s);
	while (s.p < s.end && *s.p != '}') {
		const char *key = s.p, *val;
		size_t klen;

		if (*s.p != '"')
			return fail(&s, KB_EPARSE, "a '\"' starting a key");
		if ((error = scan_string(&s)) < 0)
			return error;
		klen = (size_t)(s.p - key);
		skip_ws(&s);
		if (s.p >= s.end || *s.p != ':')
			return fail(&s, KB_EPARSE, "':' after a key");
		s.p++;
		skip_ws(&s);
		val = s.p;
		if (klen == 9 && memcmp(key, "\"objects\"", 9) == 0) {
			if ((error = scan_objects(&s, out)) < 0)
				return error;
			have_objects = true;
		} else {
			if ((error = scan_value(&s, 1)) < 0)
				return error;
			/* A repeated key: the last one counts. */
			if (klen == 6 && memcmp(key, "\"type\"", 6) == 0)
				set_raw_string(&out->type, val, s.p);
			else if (klen == 4 && memcmp(key, "\"id\"", 4) == 0)
				set_raw_string(&out->id, val, s.p);
			else if (klen == 14 &&
				 memcmp(key, "\"spec_version\"", 14) == 0)
				set_raw_string(&out->spec_version, val, s.p);
		}
		skip_ws(&s);
		if (s.p < s.end && *s.p == ',') {
			s.p++;
			skip_ws(&s);
			if (s.p < s.end && *s.p == '}')
				return fail(&s, KB_EPARSE, "a key after ','");
		} else if (s.p >= s.end || *s.p != '}') {
			return fail(&s, KB_EPARSE, "',' or '}' in the bundle");
		}
	}
	if (s.p >= s.end)
		return fail(&s, KB_EPARSE, "'}' closing the bundle");
	s.p++;
	skip_ws(&s);
	if (s.p < s.end)
		return fail(&s, KB_EPARSE, "the end of the file after the "
					   "bundle");
	if (!out->type || strcmp(out->type, "bundle") != 0)
		return kb_error_set(KB_EPARSE,
				    "%s: not a STIX bundle (its \"type\" is "
				    "not \"bundle\")",
				    path);
	if (!have_objects)
		return kb_error_set(KB_EPARSE,
				    "%s: not a STIX bundle (no \"objects\" "
				    "array)",
				    path);
	return 0;
}

void bundle_free(bundle *b)
{
	free(b->objs);
	free(b->type);
	free(b->id);
	free(b->spec_version);
	memset(b, 0, sizeof(*b));
}

void bundle_position(const char *buf, size_t off, unsigned *line,
		     unsigned *col)
{
	const char *bol = buf;

	*line = 1;
	for (const char *p = buf; p < buf + off; p++)
		if (*p == '\n') {
			(*line)++;
			bol = p + 1;
		}
	*col = (unsigned)(buf + off - bol) + 1;
}
