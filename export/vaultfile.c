/* export/vaultfile.c: turn ATT&CK IDs and names into file names that are
 * valid on Windows, macOS and Linux, safe in wikilinks, and unique. */
#include "export/vaultfile.h"
#include "kb/error.h"
#include "kb/strbuf.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	char *key;       /* stable identity, e.g. the STIX id */
	char *attack_id; /* as given; NULL allowed */
	char *name;      /* as given; NULL allowed */
	char *base;      /* vaultfile_safe_name(attack_id, name) */
	char *folded;    /* base, ASCII lower-cased */
	char *file;      /* assigned file name; NULL until resolved */
	char *link;      /* file without VAULTFILE_EXT */
};

struct vaultfile_names {
	struct entry **v; /* n entries, in add order */
	size_t n, cap;
	strmap *by_key; /* key -> struct entry * */
	int resolved;   /* vaultfile_names_resolve() ran */
};

/* Characters Windows forbids in names, plus those that break [[links]]. */
static const char forbidden[] = "/\\:*?\"<>|#^[]";

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one
 * (overlong forms, surrogates and code points past U+10FFFF are invalid).
 * *cp gets the code point. */
static size_t decode_utf8(const unsigned char *s, uint32_t *cp)
{
	size_t n;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Append the safe form of s to sb: forbidden characters -> '-', control
 * characters -> ' ', invalid UTF-8 bytes -> '-', space runs squeezed. */
static void put_sanitized(strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (p && *p) {
		uint32_t cp;
		size_t n = decode_utf8(p, &cp);
		int c = -1; /* replacement byte, or -1 to copy */

		if (n == 0)
			n = 1, c = '-';
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			c = ' ';
		else if (cp < 0x80 && strchr(forbidden, (int)cp))
			c = '-';
		if (c == ' ' || (c < 0 && cp == ' ')) {
			if (sb->len > 0 && sb->ptr[sb->len - 1] != ' ')
				strbuf_putc(sb, ' ');
		} else if (c >= 0) {
			strbuf_putc(sb, c);
		} else {
			strbuf_put(sb, p, n);
		}
		p += n;
	}
	while (sb->len > 0 && sb->ptr[sb->len - 1] == ' ')
		strbuf_truncate(sb, sb->len - 1);
}

/* Remove trailing dots and spaces, which Windows drops silently. */
static void trim_tail(strbuf *sb)
{
	while (sb->len > 0 &&
	       (sb->ptr[sb->len - 1] == '.' || sb->ptr[sb->len - 1] == ' '))
		strbuf_truncate(sb, sb->len - 1);
}

/* Cut sb to at most max bytes, on a UTF-8 character boundary. */
static void cut_utf8(strbuf *sb, size_t max)
{
	size_t n = max;

	if (sb->len <= max)
		return;
	while (n > 0 && ((unsigned char)sb->ptr[n] & 0xc0) == 0x80)
		n--;
	strbuf_truncate(sb, n);
}

static int to_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* Compare the n bytes at s with word, ignoring ASCII case. */
static int equals_fold(const char *s, size_t n, const char *word)
{
	if (strlen(word) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (to_lower((unsigned char)s[i]) !=
		    to_lower((unsigned char)word[i]))
			return 0;
	return 1;
}

/* Is the n-byte base (the name before its first dot) a Windows device? */
static int is_device(const char *s, size_t n)
{
	static const char *const plain[] = {"CON", "PRN",    "AUX",
					    "NUL", "CONIN$", "CONOUT$"};
	static const char *const digit[] = {
	    "1", "2", "3", "4",        "5",        "6",
	    "7", "8", "9", "\xc2\xb9", "\xc2\xb2", "\xc2\xb3"};

	while (n > 0 && s[n - 1] == ' ')
		n--;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (equals_fold(s, n, plain[i]))
			return 1;
	if (n < 4 || !(equals_fold(s, 3, "COM") || equals_fold(s, 3, "LPT")))
		return 0;
	for (size_t i = 0; i < sizeof(digit) / sizeof(digit[0]); i++)
		if (equals_fold(s + 3, n - 3, digit[i]))
			return 1;
	return 0;
}

/* Append '_' to a device-name base: "con.x" -> "con_.x". */
static void fix_device(strbuf *sb)
{
	const char *dot = memchr(sb->ptr, '.', sb->len);
	size_t n = dot ? (size_t)(dot - sb->ptr) : sb->len;
	strbuf tail = STRBUF_INIT;

	if (!is_device(sb->ptr, n))
		return;
	strbuf_put(&tail, sb->ptr + n, sb->len - n);
	strbuf_truncate(sb, n);
	strbuf_putc(sb, '_');
	strbuf_put(sb, tail.ptr, tail.len);
	strbuf_free(&tail);
}

/* A stem ending in ".attackkb-new" would look like a conflict file. */
static void fix_conflict_look(strbuf *sb)
{
	static const char tail[] = ".attackkb-new";
	size_t n = sizeof(tail) - 1;

	if (sb->len >= n && equals_fold(sb->ptr + sb->len - n, n, tail))
		sb->ptr[sb->len - n] = '-';
}

char *vaultfile_safe_name_suffix(const char *attack_id, const char *name,
				 const char *suffix)
{
	strbuf sb = STRBUF_INIT, part = STRBUF_INIT;
	size_t max, start = 0;

	suffix = suffix ? suffix : "";
	max = VAULTFILE_SAFE_MAX - (sizeof(VAULTFILE_EXT) - 1) - strlen(suffix);
	put_sanitized(&sb, attack_id);
	put_sanitized(&part, name);
	if (sb.len > 0 && part.len > 0)
		strbuf_putc(&sb, ' ');
	strbuf_put(&sb, part.ptr, part.len);
	strbuf_free(&part);
	/* No leading dot (hidden file) and no leading space. */
	while (start < sb.len && (sb.ptr[start] == '.' || sb.ptr[start] == ' '))
		start++;
	if (start > 0) {
		memmove(sb.ptr, sb.ptr + start, sb.len - start);
		strbuf_truncate(&sb, sb.len - start);
	}
	trim_tail(&sb);
	if (sb.len == 0)
		strbuf_puts(&sb, "unnamed");
	fix_device(&sb);
	/* The ID comes first, so cutting the tail keeps it. */
	cut_utf8(&sb, max);
	trim_tail(&sb);
	fix_conflict_look(&sb);
	strbuf_puts(&sb, suffix);
	strbuf_puts(&sb, VAULTFILE_EXT);
	return strbuf_detach(&sb);
}

char *vaultfile_safe_name(const char *attack_id, const char *name)
{
	return vaultfile_safe_name_suffix(attack_id, name, NULL);
}

bool vaultfile_valid_name(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t len = strlen(name);
	const char *dot;

	if (len == 0 || len > VAULTFILE_NAME_MAX || name[0] == '.' ||
	    name[0] == ' ' || name[len - 1] == '.' || name[len - 1] == ' ')
		return false;
	while (*p) {
		uint32_t cp;
		size_t n = decode_utf8(p, &cp);

		if (n == 0 || cp < 0x20 || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f) ||
		    (cp < 0x80 && strchr(forbidden, (int)cp)))
			return false;
		p += n;
	}
	dot = strchr(name, '.');
	return !is_device(name, dot ? (size_t)(dot - name) : len);
}

char *vaultfile_conflict_name(const char *filename)
{
	size_t n = strlen(filename), ext = sizeof(VAULTFILE_EXT) - 1;

	if (n >= ext && equals_fold(filename + n - ext, ext, VAULTFILE_EXT))
		n -= ext;
	return xasprintf("%.*s%s", (int)n, filename, VAULTFILE_CONFLICT_EXT);
}

bool vaultfile_is_conflict_name(const char *filename)
{
	size_t n = strlen(filename), ext = sizeof(VAULTFILE_CONFLICT_EXT) - 1;

	return n >= ext &&
	       equals_fold(filename + n - ext, ext, VAULTFILE_CONFLICT_EXT);
}

char *vaultfile_fold(const char *s)
{
	char *f = xstrdup(s);

	for (char *p = f; *p; p++)
		*p = (char)to_lower((unsigned char)*p);
	return f;
}

vaultfile_names *vaultfile_names_new(void)
{
	vaultfile_names *set = xcalloc(1, sizeof(*set));

	set->by_key = strmap_new();
	return set;
}

void vaultfile_names_free(vaultfile_names *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++) {
		struct entry *e = set->v[i];

		free(e->key);
		free(e->attack_id);
		free(e->name);
		free(e->base);
		free(e->folded);
		free(e->file);
		free(e->link);
		free(e);
	}
	free(set->v);
	strmap_free(set->by_key);
	free(set);
}

int vaultfile_names_add(vaultfile_names *set, const char *key,
			const char *attack_id, const char *name)
{
	struct entry *e;

	if (set->resolved)
		return kb_error_set(KB_EUSAGE,
				    "vault names: add after resolve");
	if (!key || !*key)
		return kb_error_set(KB_EUSAGE, "vault names: empty key");
	if (strmap_get(set->by_key, key))
		return kb_error_set(KB_EUSAGE, "vault names: duplicate key %s",
				    key);
	e = xcalloc(1, sizeof(*e));
	e->key = xstrdup(key);
	e->attack_id = attack_id ? xstrdup(attack_id) : NULL;
	e->name = name ? xstrdup(name) : NULL;
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 64;
		set->v = xreallocarray(set->v, set->cap, sizeof(*set->v));
	}
	set->v[set->n++] = e;
	strmap_put(set->by_key, key, e);
	return 0;
}

static int compare_null(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int compare_entries(const void *pa, const void *pb)
{
	const struct entry *a = *(struct entry *const *)pa;
	const struct entry *b = *(struct entry *const *)pb;
	int c;

	if ((c = strcmp(a->folded, b->folded)) != 0 ||
	    (c = compare_null(a->attack_id, b->attack_id)) != 0 ||
	    (c = compare_null(a->name, b->name)) != 0)
		return c;
	return strcmp(a->key, b->key);
}

static void assign_name(struct entry *e, char *file)
{
	e->file = file;
	e->link = xstrndup(file, strlen(file) - (sizeof(VAULTFILE_EXT) - 1));
}

void vaultfile_names_resolve(vaultfile_names *set)
{
	struct entry **sorted;
	strmap *used = strmap_new(); /* folded name -> entry */

	if (set->resolved || set->n == 0) {
		set->resolved = 1;
		strmap_free(used);
		return;
	}
	for (size_t i = 0; i < set->n; i++) {
		set->v[i]->base =
		    vaultfile_safe_name(set->v[i]->attack_id, set->v[i]->name);
		set->v[i]->folded = vaultfile_fold(set->v[i]->base);
	}
	sorted = xreallocarray(NULL, set->n, sizeof(*sorted));
	memcpy(sorted, set->v, set->n * sizeof(*sorted));
	qsort(sorted, set->n, sizeof(*sorted), compare_entries);
	/* First pass: the first of each clashing group keeps its plain name,
	 * so no numbered name can take a plain one. */
	for (size_t i = 0; i < set->n; i++) {
		if (strmap_get(used, sorted[i]->folded))
			continue;
		strmap_put(used, sorted[i]->folded, sorted[i]);
		assign_name(sorted[i], xstrdup(sorted[i]->base));
	}
	/* Second pass, in the same stable order: number the others. */
	for (size_t i = 0; i < set->n; i++) {
		struct entry *e = sorted[i];

		for (unsigned k = 2; !e->file; k++) {
			char suffix[32], *file, *folded;

			snprintf(suffix, sizeof(suffix), " (%u)", k);
			file = vaultfile_safe_name_suffix(e->attack_id, e->name,
							  suffix);
			folded = vaultfile_fold(file);
			if (!strmap_get(used, folded)) {
				strmap_put(used, folded, e);
				assign_name(e, file);
			} else {
				free(file);
			}
			free(folded);
		}
	}
	free(sorted);
	strmap_free(used);
	set->resolved = 1;
}

const char *vaultfile_names_get(const vaultfile_names *set, const char *key)
{
	struct entry *e = key ? strmap_get(set->by_key, key) : NULL;

	return e ? e->file : NULL;
}

const char *vaultfile_names_link(const vaultfile_names *set, const char *key)
{
	struct entry *e = key ? strmap_get(set->by_key, key) : NULL;

	return e ? e->link : NULL;
}
