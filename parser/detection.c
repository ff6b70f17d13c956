/* parser/detection.c: the detection_set record, ATT&CK ID normalisation,
 * choosing a parser for a file, and walking a folder of rules. */
#include "parser/detection.h"
#include "parser/car.h"
#include "parser/detcsv.h"
#include "parser/detection_impl.h"
#include "parser/sigma.h"
#include "parser/yamldoc.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/limits.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Tactic shortnames: Enterprise, Mobile and ICS v18, then v19's split of
 * defense-evasion into stealth and defense-impairment. */
static const char *const tactic_names[] = {
	"reconnaissance",	"resource-development",
	"initial-access",	"execution",
	"persistence",		"privilege-escalation",
	"defense-evasion",	"credential-access",
	"discovery",		"lateral-movement",
	"collection",		"command-and-control",
	"exfiltration",		"impact",
	"network-effects",	"remote-service-effects",
	"evasion",		"impair-process-control",
	"inhibit-response-function", "stealth",
	"defense-impairment",
};

/* Tactic IDs of the v18 bundles (x-mitre-tactic external_id and
 * x_mitre_shortname); Mobile and ICS reuse shortnames under other IDs. */
static const struct {
	const char *id, *name;
} tactic_ids[] = {
	{"TA0001", "initial-access"},	{"TA0002", "execution"},
	{"TA0003", "persistence"},	{"TA0004", "privilege-escalation"},
	{"TA0005", "defense-evasion"},	{"TA0006", "credential-access"},
	{"TA0007", "discovery"},	{"TA0008", "lateral-movement"},
	{"TA0009", "collection"},	{"TA0010", "exfiltration"},
	{"TA0011", "command-and-control"}, {"TA0027", "initial-access"},
	{"TA0028", "persistence"},	{"TA0029", "privilege-escalation"},
	{"TA0030", "defense-evasion"},	{"TA0031", "credential-access"},
	{"TA0032", "discovery"},	{"TA0033", "lateral-movement"},
	{"TA0034", "impact"},		{"TA0035", "collection"},
	{"TA0036", "exfiltration"},	{"TA0037", "command-and-control"},
	{"TA0038", "network-effects"},	{"TA0039", "remote-service-effects"},
	{"TA0040", "impact"},		{"TA0041", "execution"},
	{"TA0042", "resource-development"}, {"TA0043", "reconnaissance"},
	{"TA0100", "collection"},	{"TA0101", "command-and-control"},
	{"TA0102", "discovery"},	{"TA0103", "evasion"},
	{"TA0104", "execution"},	{"TA0105", "impact"},
	{"TA0106", "impair-process-control"},
	{"TA0107", "inhibit-response-function"},
	{"TA0108", "initial-access"},	{"TA0109", "lateral-movement"},
	{"TA0110", "persistence"},	{"TA0111", "privilege-escalation"},
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void detection_rule_clear(detection_rule *rule)
{
	if (!rule)
		return;
	free(rule->source);
	free(rule->id);
	free(rule->title);
	free(rule->status);
	free(rule->level);
	free(rule->logsource);
	free_list(rule->techniques, rule->ntechniques);
	free_list(rule->tactics, rule->ntactics);
	free_list(rule->tactic_ids, rule->ntactic_ids);
	free_list(rule->groups, rule->ngroups);
	free_list(rule->software, rule->nsoftware);
	free_list(rule->other_tags, rule->nother);
	free_list(rule->platforms, rule->nplatforms);
	memset(rule, 0, sizeof(*rule));
}

void detection_set_truncate(detection_set *set, size_t nrules,
			    size_t nwarnings)
{
	while (set->nrules > nrules)
		detection_rule_clear(&set->rules[--set->nrules]);
	while (set->nwarnings > nwarnings) {
		detection_warning *w = &set->warnings[--set->nwarnings];

		free(w->file);
		free(w->message);
	}
}

void detection_set_free(detection_set *set)
{
	if (!set)
		return;
	detection_set_truncate(set, 0, 0);
	free(set->rules);
	free(set->warnings);
	memset(set, 0, sizeof(*set));
}

void detection_set_push(detection_set *set, detection_rule *rule)
{
	if (set->nrules == set->rules_alloc) {
		set->rules_alloc = set->rules_alloc ? set->rules_alloc * 2 : 16;
		set->rules = xreallocarray(set->rules, set->rules_alloc,
					   sizeof(*set->rules));
	}
	set->rules[set->nrules++] = *rule;
	memset(rule, 0, sizeof(*rule));
}

static void push_warning(detection_set *set, const char *file, unsigned line,
			 char *message)
{
	detection_warning *w;

	if (set->nwarnings == set->warnings_alloc) {
		set->warnings_alloc =
			set->warnings_alloc ? set->warnings_alloc * 2 : 16;
		set->warnings = xreallocarray(set->warnings,
					      set->warnings_alloc,
					      sizeof(*set->warnings));
	}
	w = &set->warnings[set->nwarnings++];
	w->file = xstrdup(file);
	w->line = line;
	w->message = message;
}

void detection_warn(detection_set *set, const char *file, unsigned line,
		    const char *fmt, ...)
{
	strbuf sb = STRBUF_INIT;
	va_list ap;

	if (line)
		strbuf_printf(&sb, "%s:%u: ", file, line);
	else
		strbuf_printf(&sb, "%s: ", file);
	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	push_warning(set, file, line, strbuf_detach(&sb));
}

void detection_warn_error(detection_set *set, const char *file)
{
	const char *msg = kb_error_last();
	size_t n = strlen(file);
	unsigned long line = 0;

	/* Our parsers' messages start "FILE:LINE:"; take LINE from there. */
	if (strncmp(msg, file, n) == 0 && msg[n] == ':' &&
	    isdigit((unsigned char)msg[n + 1]))
		line = strtoul(msg + n + 1, NULL, 10);
	push_warning(set, file, (unsigned)line, xstrdup(msg));
}

bool detection_list_add(char ***list, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i], s) == 0)
			return false;
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = xstrdup(s);
	return true;
}

char *detection_quote(const char *s, size_t len, size_t max)
{
	strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (sb.len >= max) {
			strbuf_puts(&sb, "...");
			break;
		}
		if (c == '\n')
			strbuf_puts(&sb, "\\n");
		else if (c == '\r')
			strbuf_puts(&sb, "\\r");
		else if (c == '\t')
			strbuf_puts(&sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			strbuf_printf(&sb, "\\x%02x", c);
		else
			strbuf_putc(&sb, c);
	}
	return strbuf_detach(&sb);
}

bool detection_technique_normalise(char *out, const char *s)
{
	size_t n = strlen(s);

	if ((n != 5 && n != 9) || (s[0] != 'T' && s[0] != 't'))
		return false;
	for (size_t i = 1; i < n; i++) {
		if (i == 5 ? s[i] != '.' : !isdigit((unsigned char)s[i]))
			return false;
	}
	out[0] = 'T';
	memcpy(out + 1, s + 1, n - 1);
	out[n] = '\0';
	return true;
}

const char *detection_tactic_normalise(const char *s)
{
	char buf[32];
	size_t n = strlen(s);

	if (n >= sizeof(buf))
		return NULL;
	for (size_t i = 0; i <= n; i++)
		buf[i] = s[i] == '_' ? '-' : (char)tolower((unsigned char)s[i]);
	for (size_t i = 0; i < ARRAY_SIZE(tactic_names); i++)
		if (strcmp(buf, tactic_names[i]) == 0)
			return tactic_names[i];
	return NULL;
}

const char *detection_tactic_from_id(const char *ta_id)
{
	for (size_t i = 0; i < ARRAY_SIZE(tactic_ids); i++)
		if (strcasecmp(ta_id, tactic_ids[i].id) == 0)
			return tactic_ids[i].name;
	return NULL;
}

/* The extension of path's last component, without the dot, or "". */
static const char *file_extension(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');

	return dot ? dot + 1 : "";
}

static bool is_detection_file(const char *name)
{
	const char *ext = file_extension(name);

	return strcasecmp(ext, "yml") == 0 || strcasecmp(ext, "yaml") == 0 ||
	       strcasecmp(ext, "csv") == 0 || strcasecmp(ext, "tsv") == 0;
}

int detection_load_yaml(yamldoc **out, const char *path)
{
	char *buf = NULL;
	size_t len;
	int error;

	*out = NULL;
	error = fsutil_read_file(&buf, &len, path, KB_MAX_YAML_FILE);
	if (error == KB_ELIMIT)
		error = kb_error_set(KB_ELIMIT,
				     "%s:1: more than %u bytes "
				     "(KB_MAX_YAML_FILE)",
				     path, KB_MAX_YAML_FILE);
	if (error == 0)
		error = yamldoc_parse(out, path, buf, len);
	free(buf);
	return error;
}

int detection_parse_file(detection_set *set, const char *path)
{
	const char *ext = file_extension(path);
	yamldoc *doc = NULL;
	int error;

	if (strcasecmp(ext, "csv") == 0 || strcasecmp(ext, "tsv") == 0)
		return detcsv_parse_file(set, path);
	if ((error = detection_load_yaml(&doc, path)) < 0)
		goto done;
	if (sigma_doc_is_rule(doc)) {
		error = sigma_parse_doc(set, path, doc);
	} else if (car_doc_is_analytic(doc)) {
		error = car_parse_doc(set, path, doc);
	} else {
		const yamldoc_node *first = NULL;

		for (size_t i = 0; !first && i < doc->ndocs; i++)
			if (!yamldoc_is_null(doc->docs[i]))
				first = doc->docs[i];
		if (!first)
			error = kb_error_set(KB_EPARSE, "%s:1: empty file",
					     path);
		else
			error = kb_error_set(
				KB_EPARSE,
				"%s:%u: neither a Sigma rule (title, "
				"logsource, detection) nor a CAR analytic "
				"(id CAR-..., coverage)",
				path, first->line);
	}
done:
	yamldoc_free(doc);
	return error;
}

/* Folders already walked, by device and inode: a link back up the tree
 * (or to a folder seen elsewhere) is walked only once. */
struct walk {
	detection_set *set;
	struct stat *seen;
	size_t nseen;
};

static bool mark_seen(struct walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->nseen; i++)
		if (w->seen[i].st_dev == st->st_dev &&
		    w->seen[i].st_ino == st->st_ino)
			return false;
	w->seen = xreallocarray(w->seen, w->nseen + 1, sizeof(*w->seen));
	w->seen[w->nseen++] = *st;
	return true;
}

/* Byte-wise order, the same in every locale (alphasort uses strcoll). */
static int compare_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int skip_dots(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int walk_dir(struct walk *w, const char *dir, unsigned depth)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, skip_dots, compare_names);

	if (n < 0)
		return kb_error_errno(KB_EIO, "%s", dir);
	for (int i = 0; i < n; i++) {
		char *path = fsutil_path_join(dir, names[i]->d_name);
		struct stat st;

		if (stat(path, &st) < 0) {
			kb_error_errno(KB_EIO, "%s", path);
			detection_warn_error(w->set, path);
		} else if (S_ISDIR(st.st_mode)) {
			if (depth + 1 > KB_MAX_DIR_DEPTH)
				detection_warn(w->set, path, 0,
					       "folder deeper than %d levels "
					       "(KB_MAX_DIR_DEPTH); skipped",
					       KB_MAX_DIR_DEPTH);
			else if (!mark_seen(w, &st))
				detection_warn(w->set, path, 0,
					       "folder already walked (a "
					       "symbolic link loop?); skipped");
			else if (walk_dir(w, path, depth + 1) < 0)
				detection_warn_error(w->set, path);
		} else if (S_ISREG(st.st_mode) &&
			   is_detection_file(names[i]->d_name)) {
			if (detection_parse_file(w->set, path) < 0)
				detection_warn_error(w->set, path);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return 0;
}

int detection_scan_dir(detection_set *set, const char *dir)
{
	struct walk w = {.set = set};
	struct stat st;
	int error;

	if (stat(dir, &st) < 0)
		return kb_error_errno(errno == ENOENT ? KB_ENOTFOUND : KB_EIO,
				      "%s", dir);
	if (!S_ISDIR(st.st_mode))
		return kb_error_set(KB_EIO, "%s: not a folder", dir);
	mark_seen(&w, &st);
	error = walk_dir(&w, dir, 0);
	free(w.seen);
	return error;
}
