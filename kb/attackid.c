/* kb/attackid.c: ATT&CK ID syntax, as the ATT&CK bundles use it
 * (external_id of the mitre-attack references) and as attack.mitre.org
 * spells it in URLs. */
#include "kb/attackid.h"
#include "kb/xalloc.h"

#include <string.h>
#include <strings.h>

static const struct {
	const char *prefix; /* letters before the four digits */
	const char *kind;   /* object.kind */
} prefixes[] = {
    /* Longest first, so that "DET" wins over a shorter reading. */
    {"DET", "detection_strategy"},
    {"TA", "tactic"},
    {"DS", "data_source"},
    {"DC", "data_component"},
    {"AN", "analytic"},
    {"T", "technique"},
    {"M", "mitigation"},
    {"G", "group"},
    {"S", "software"},
    {"C", "campaign"},
    {"A", "asset"},
};

/* URL folders of attack.mitre.org that end in an object's page. */
static const char *const url_sections[] = {
    "techniques", "tactics",   "mitigations",         "groups",
    "software",   "campaigns", "datasources",         "datacomponents",
    "assets",     "analytics", "detectionstrategies",
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}

/* Count the digits at s[0..len), at most max + 1. */
static size_t count_digits(const char *s, size_t len, size_t max)
{
	size_t n = 0;

	while (n < len && n <= max && is_digit(s[n]))
		n++;
	return n;
}

size_t attackid_match(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t p = strlen(prefixes[i].prefix), n;

		if (len < p + 4 || memcmp(s, prefixes[i].prefix, p) != 0)
			continue;
		if (count_digits(s + p, len - p, 4) != 4)
			return 0;
		n = p + 4;
		if (strcmp(prefixes[i].prefix, "T") == 0 && n < len &&
		    s[n] == '.' && n + 1 < len && is_digit(s[n + 1])) {
			/* T1234.5 or T1234.5678 is no ID at all. */
			if (count_digits(s + n + 1, len - n - 1, 3) != 3)
				return 0;
			n += 4;
		}
		return n;
	}
	return 0;
}

int kb_is_attack_id(const char *s, char *out)
{
	char up[ATTACKID_MAX];
	size_t n = strlen(s);

	if (n == 0 || n >= ATTACKID_MAX)
		return 0;
	for (size_t i = 0; i <= n; i++)
		up[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
	if (attackid_match(up, n) != n)
		return 0;
	if (out)
		memcpy(out, up, n + 1);
	return 1;
}

bool attackid_is(const char *s)
{
	size_t len, n;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	n = attackid_match(s, len);
	return n > 0 && n == len;
}

bool attackid_scan(char id[ATTACKID_MAX], size_t *at, size_t *pos,
                   const char *text, size_t len)
{
	for (size_t i = *pos; i < len; i++) {
		size_t n;

		if (text[i] < 'A' || text[i] > 'Z')
			continue;
		if (i > 0 && is_word((unsigned char)text[i - 1]))
			continue;
		n = attackid_match(text + i, len - i);
		if (n == 0 ||
		    (i + n < len && is_word((unsigned char)text[i + n])))
			continue;
		memcpy(id, text + i, n);
		id[n] = '\0';
		*at = i;
		*pos = i + n;
		return true;
	}
	*pos = len;
	return false;
}

const char *attackid_kind(const char *id)
{
	size_t len = strlen(id);

	if (attackid_match(id, len) != len || len == 0)
		return NULL;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t p = strlen(prefixes[i].prefix);

		if (strncmp(id, prefixes[i].prefix, p) != 0)
			continue;
		if (p == 1 && id[0] == 'T' && strchr(id, '.'))
			return "subtechnique";
		return prefixes[i].kind;
	}
	return NULL;
}

/* Copy the path segment at *p (up to '/', '#', '?' or the end) into seg and
 * move *p past it and its '/'. Returns the segment's length; segments
 * longer than the buffer come back empty (they are never IDs). */
static size_t next_segment(char *seg, size_t size, const char **p)
{
	size_t n = strcspn(*p, "/#?");

	if (n < size) {
		memcpy(seg, *p, n);
		seg[n] = '\0';
	} else {
		seg[0] = '\0';
	}
	*p += n;
	if (**p == '/')
		(*p)++;
	return n < size ? n : 0;
}

char *attackid_from_url(const char *url)
{
	char seg[32], id[ATTACKID_MAX + 4];
	const char *p = url, *frag;
	bool known = false, techniques;

	if (strncasecmp(p, "https://", 8) == 0)
		p += 8;
	else if (strncasecmp(p, "http://", 7) == 0)
		p += 7;
	else
		return NULL;
	if (strncasecmp(p, "www.", 4) == 0)
		p += 4;
	if (strncasecmp(p, "attack.mitre.org/", 17) != 0)
		return NULL;
	p += 17;
	frag = strchr(p, '#');
	if (frag && attackid_is(frag + 1) && strlen(frag + 1) < sizeof(id))
		return xstrdup(frag + 1);
	next_segment(seg, sizeof(seg), &p);
	if (strcmp(seg, "versions") == 0) {
		next_segment(seg, sizeof(seg), &p); /* "v17" */
		next_segment(seg, sizeof(seg), &p);
	}
	for (size_t i = 0; i < sizeof(url_sections) / sizeof(url_sections[0]);
	     i++)
		known = known || strcmp(seg, url_sections[i]) == 0;
	if (!known)
		return NULL;
	techniques = strcmp(seg, "techniques") == 0;
	next_segment(id, ATTACKID_MAX, &p);
	if (!attackid_is(id) || strchr(id, ' '))
		return NULL;
	if (techniques && next_segment(seg, sizeof(seg), &p) == 3 &&
	    count_digits(seg, 3, 3) == 3 && !strchr(id, '.')) {
		strcat(id, ".");
		strcat(id, seg);
	}
	return xstrdup(id);
}
