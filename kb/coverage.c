/* kb/coverage.c: the per-release technique summary, the coverage matrix
 * for the web page, and lenient matching of a team's log sources against
 * the log sources ATT&CK's analytics read. */
#include "kb/coverage.h"
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/query.h"
#include "kb/store_impl.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- release_technique --------------------------------------------------- */

/* One release's facts per live technique: its live users through live
 * `uses` relationships, its live mitigations through `mitigates` ones (each
 * counted once, by joins: correlated counts rescanned rel per technique), all
 * members of that release (as the uses and mitigates views see them). Two
 * live techniques with one ID (a duplicate-id finding): the first counts. */
static const char summary_sql[] =
	"INSERT OR IGNORE INTO release_technique (release_id, technique_id, name, "
	"groups, software, campaigns, mitigations) "
	"WITH m AS MATERIALIZED ("
	" SELECT o.stix_id, o.kind, o.attack_id, o.name FROM member mm"
	" JOIN object o ON o.id = mm.object_id"
	" WHERE mm.release_id = ?1 AND o.revoked = 0 AND o.deprecated = 0"
	"  AND o.attack_id IS NOT NULL AND o.kind IN ('technique',"
	"  'subtechnique', 'group', 'software', 'campaign', 'mitigation')),"
	" rel AS MATERIALIZED ("
	" SELECT DISTINCT r.target_ref, s.kind, s.attack_id FROM object r"
	" JOIN member rm ON rm.object_id = r.id AND rm.release_id = ?1"
	" JOIN m s ON s.stix_id = r.source_ref"
	" WHERE r.rel_type IN ('uses', 'mitigates') AND r.revoked = 0"
	"  AND r.deprecated = 0 AND (r.rel_type = 'uses') = (s.kind <>"
	"  'mitigation')),"
	/* The window sorts each array; an aggregate's order is undefined. */
	" mit AS MATERIALIZED ("
	" SELECT target_ref, json_group_array(attack_id) OVER w AS ids,"
	"  row_number() OVER w AS r"
	" FROM rel WHERE kind = 'mitigation'"
	" WINDOW w AS (PARTITION BY target_ref ORDER BY attack_id"
	"  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)),"
	" cnt AS MATERIALIZED ("
	" SELECT target_ref, sum(kind = 'group') AS g,"
	"  sum(kind = 'software') AS s, sum(kind = 'campaign') AS c"
	" FROM rel GROUP BY target_ref) "
	"SELECT ?1, t.attack_id, t.name, coalesce(cnt.g, 0),"
	" coalesce(cnt.s, 0), coalesce(cnt.c, 0), coalesce(mit.ids, '[]') "
	"FROM m t"
	" LEFT JOIN cnt ON cnt.target_ref = t.stix_id"
	" LEFT JOIN mit ON mit.target_ref = t.stix_id AND mit.r = 1 "
	"WHERE t.kind IN ('technique', 'subtechnique')";

/* One release's analytics, per platform, with the techniques their
 * strategies detect and the log sources they read (as the analytics,
 * detects and analytic_log_sources views see them). CROSS JOIN keeps the
 * order strategy -> its analytic refs -> analytic: SQLite otherwise tries
 * every analytic for every strategy. */
static const char analytic_sql[] =
	"INSERT OR IGNORE INTO release_analytic (release_id, analytic_id, platform, "
	"technique_id, name, channel) "
	"WITH m AS MATERIALIZED ("
	" SELECT o.id, o.stix_id, o.kind, o.attack_id FROM member mm"
	" JOIN object o ON o.id = mm.object_id"
	" WHERE mm.release_id = ?1 AND o.revoked = 0 AND o.deprecated = 0"
	"  AND o.attack_id IS NOT NULL AND o.kind IN ('technique',"
	"  'subtechnique', 'detection_strategy', 'analytic')),"
	" det AS MATERIALIZED ("
	" SELECT DISTINCT r.source_ref, t.attack_id FROM object r"
	" JOIN member rm ON rm.object_id = r.id AND rm.release_id = ?1"
	" JOIN m t ON t.stix_id = r.target_ref"
	"  AND t.kind IN ('technique', 'subtechnique')"
	" WHERE r.rel_type = 'detects' AND r.revoked = 0"
	"  AND r.deprecated = 0) "
	"SELECT DISTINCT ?1, a.attack_id, pl.value, det.attack_id, ls.v2, "
	" ls.v3 "
	"FROM m d "
	"CROSS JOIN prop ar ON ar.object_id = d.id AND ar.field = "
	" 'x_mitre_analytic_refs' "
	"CROSS JOIN m a ON a.stix_id = ar.value AND a.kind = 'analytic' "
	"JOIN det ON det.source_ref = d.stix_id "
	"LEFT JOIN prop pl ON pl.object_id = a.id "
	" AND pl.field = 'x_mitre_platforms' "
	"LEFT JOIN prop ls ON ls.object_id = a.id "
	" AND ls.field = 'x_mitre_log_source_references' "
	"WHERE d.kind = 'detection_strategy'";

int kb_coverage_refresh_summary(kb_store *store)
{
	sqlite3_stmt *list = NULL, *ins = NULL, *an = NULL;
	int rc, error = 0;

	if (sqlite3_prepare_v2(store->db,
			       "SELECT id FROM release r WHERE NOT EXISTS "
			       "(SELECT 1 FROM release_technique t "
			       "WHERE t.release_id = r.id)",
			       -1, &list, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(store->db, summary_sql, -1, &ins, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(store->db, analytic_sql, -1, &an, NULL) !=
		    SQLITE_OK) {
		error = kb_store_db_error(store, "technique summary");
		goto done;
	}
	while ((rc = sqlite3_step(list)) == SQLITE_ROW) {
		sqlite3_bind_int64(ins, 1, sqlite3_column_int64(list, 0));
		sqlite3_bind_int64(an, 1, sqlite3_column_int64(list, 0));
		if (sqlite3_step(ins) != SQLITE_DONE ||
		    sqlite3_step(an) != SQLITE_DONE) {
			error = kb_store_db_error(store, "technique summary");
			goto done;
		}
		sqlite3_reset(ins);
		sqlite3_reset(an);
	}
	if (rc != SQLITE_DONE)
		error = kb_store_db_error(store, "technique summary");
done:
	sqlite3_finalize(list);
	sqlite3_finalize(ins);
	sqlite3_finalize(an);
	return error;
}

/* ---- domains and the matrix ---------------------------------------------- */

const char *kb_coverage_domain(const char *s)
{
	static const char *const domains[] = {
		"enterprise-attack", "mobile-attack", "ics-attack",
		"pre-attack"};
	size_t n = s ? strlen(s) : 0;

	for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
		size_t dn = strlen(domains[i]) - strlen("-attack");

		if (strcasecmp(s ? s : "", domains[i]) == 0 ||
		    (n == dn && strncasecmp(s, domains[i], dn) == 0))
			return domains[i];
	}
	return NULL;
}

int kb_coverage_matrix(kb_rows **out, kb_store *store, const char *domain,
		       bool rollup)
{
	const struct kb_named_query *q = kb_query_find("coverage-matrix");
	const char *d = kb_coverage_domain(domain);
	const char *args[2];

	*out = NULL;
	if (!d)
		return kb_error_set(KB_EUSAGE,
				    "'%s' is not an ATT&CK domain (enterprise, "
				    "mobile, ics)",
				    domain ? domain : "");
	if (!q)
		return kb_error_set(KB_ERROR, "no query coverage-matrix");
	args[0] = d;
	args[1] = rollup ? "1" : "0";
	return kb_rows_query(out, store, q->sql, args, 2);
}

int kb_coverage_layer_techniques(kb_rows **out, char **version,
				 kb_store *store, const char *domain)
{
	const char *d = kb_coverage_domain(domain);
	const char *args[1] = {d};
	kb_rows *rows = NULL;
	int error;

	*out = NULL;
	*version = NULL;
	if (!d)
		return kb_error_set(KB_EUSAGE,
				    "'%s' is not an ATT&CK domain (enterprise, "
				    "mobile, ics)",
				    domain ? domain : "");
	if ((error = kb_rows_query(&rows, store,
				   "SELECT version FROM current_release "
				   "WHERE domain = ?1",
				   args, 1)) < 0)
		return error;
	if (rows->nrows && kb_rows_get(rows, 0, 0))
		*version = xstrdup(kb_rows_get(rows, 0, 0));
	kb_rows_free(rows);
	error = kb_rows_query(out, store,
			      "SELECT technique_id, shortname AS tactic "
			      "FROM technique_tactics WHERE domain = ?1 "
			      "ORDER BY technique_id, shortname",
			      args, 1);
	if (error < 0) {
		free(*version);
		*version = NULL;
	}
	return error;
}

int kb_coverage_find_actor(char **id, char **name, kb_store *store,
			   const char *s)
{
	const char *args[1] = {s};
	kb_rows *rows;
	int error;

	*id = *name = NULL;
	if ((error = kb_rows_query(
		     &rows, store,
		     "SELECT DISTINCT o.attack_id, o.name "
		     "FROM attack_objects o "
		     "WHERE o.type IN ('group', 'software', 'campaign') "
		     "AND o.revoked = 0 AND o.deprecated = 0 "
		     "AND (o.attack_id = upper(?1) OR o.name = ?1 COLLATE "
		     "NOCASE OR o.attack_id IN (SELECT a.object_id FROM "
		     "aliases a WHERE a.type IN ('group', 'software', "
		     "'campaign') AND a.alias = ?1 COLLATE NOCASE)) "
		     "ORDER BY 1",
		     args, 1)) < 0)
		return error;
	if (rows->nrows == 0) {
		error = kb_error_set(KB_ENOTFOUND,
				     "no group, software or campaign '%s' "
				     "(by ID, name or alias)",
				     s);
	} else if (rows->nrows > 1) {
		strbuf sb = STRBUF_INIT;

		for (size_t r = 0; r < rows->nrows; r++)
			strbuf_printf(&sb, "%s%s %s", r ? ", " : "",
				      kb_rows_get(rows, r, 0),
				      kb_rows_get(rows, r, 1));
		error = kb_error_set(KB_EUSAGE,
				     "'%s' names %zu objects: %s; give the ID",
				     s, rows->nrows, sb.ptr);
		strbuf_free(&sb);
	} else {
		*id = xstrdup(kb_rows_get(rows, 0, 0));
		*name = xstrdup(kb_rows_get(rows, 0, 1));
	}
	kb_rows_free(rows);
	return error;
}

/* ---- log sources (feasible) ---------------------------------------------- */

/* One item of a channel list: "eventcode"="3", or ""="conn.log". */
struct item {
	char *key;
	char *value;
};

struct channel {
	struct item *items;
	size_t n;
};

/* A known log source of the analytics: its name and channel as ATT&CK
 * writes them, and normalised. */
struct known {
	char *name, *channel; /* channel may be NULL */
	char *norm_name;
	struct channel items;
};

/* Lower case; runs of white space become one space; no space around ':',
 * '=' or ','; none at the ends. Caller frees. */
static char *normalise(const char *s, size_t len)
{
	strbuf sb = STRBUF_INIT;
	bool space = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isspace(c)) {
			space = sb.len > 0;
			continue;
		}
		if (c == ':' || c == '=' || c == ',') {
			space = false;
		} else if (space && sb.len && sb.ptr[sb.len - 1] != ':' &&
			   sb.ptr[sb.len - 1] != '=' &&
			   sb.ptr[sb.len - 1] != ',') {
			strbuf_putc(&sb, ' ');
		}
		space = false;
		strbuf_putc(&sb, (char)tolower(c));
	}
	return strbuf_detach(&sb);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool all_alpha(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalpha((unsigned char)s[i]))
			return false;
	return true;
}

/* Split a normalised channel into items: "eventcode=3,22" is two items
 * with key eventcode (a key carries over to the items after it);
 * "eventcode 10" is taken as "eventcode=10"; eventid is eventcode. */
static void parse_channel(struct channel *ch, const char *norm)
{
	const char *p = norm, *key = "";
	size_t keylen = 0;

	memset(ch, 0, sizeof(*ch));
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', n), *sp = memchr(p, ' ', n);
		struct item it;

		if (eq) {
			key = p;
			keylen = (size_t)(eq - p);
			it.value = xstrndup(eq + 1, n - (size_t)(eq - p) - 1);
		} else if (sp && all_alpha(p, (size_t)(sp - p)) &&
			   strspn(sp + 1, "0123456789") ==
				   n - (size_t)(sp - p) - 1) {
			key = p;
			keylen = (size_t)(sp - p);
			it.value = xstrndup(sp + 1, n - (size_t)(sp - p) - 1);
		} else {
			it.value = xstrndup(p, n);
		}
		it.key = xstrndup(key, keylen);
		if (strcmp(it.key, "eventid") == 0) {
			free(it.key);
			it.key = xstrdup("eventcode");
		}
		if (*it.value) {
			ch->items = xreallocarray(ch->items, ch->n + 1,
						  sizeof(*ch->items));
			ch->items[ch->n++] = it;
		} else {
			free(it.key);
			free(it.value);
		}
		p = end ? end + 1 : p + n;
	}
}

static void channel_free(struct channel *ch)
{
	for (size_t i = 0; i < ch->n; i++) {
		free(ch->items[i].key);
		free(ch->items[i].value);
	}
	free(ch->items);
	memset(ch, 0, sizeof(*ch));
}

static bool item_eq(const struct item *a, const struct item *b)
{
	return strcmp(a->value, b->value) == 0 &&
	       (!*a->key || !*b->key || strcmp(a->key, b->key) == 0);
}

/* Does the team's channel match the known one? Event codes (items with a
 * numeric value) match when the lists share one; other items all of them,
 * in any order. */
static bool channel_matches(const struct channel *mine,
			    const struct channel *known)
{
	bool numeric = false, shared = false;

	if (mine->n == 0)
		return true; /* the whole log */
	for (size_t i = 0; i < known->n; i++)
		numeric |= all_digits(known->items[i].value);
	for (size_t i = 0; i < mine->n; i++) {
		bool found = false;

		for (size_t j = 0; j < known->n && !found; j++)
			found = item_eq(&mine->items[i], &known->items[j]);
		if (found)
			shared = true;
		else if (!numeric)
			return false;
	}
	if (!numeric) /* and every known item is one of mine */
		for (size_t j = 0; j < known->n; j++) {
			bool found = false;

			for (size_t i = 0; i < mine->n && !found; i++)
				found = item_eq(&mine->items[i],
						&known->items[j]);
			if (!found)
				return false;
		}
	return shared;
}

static void known_free(struct known *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(k[i].name);
		free(k[i].channel);
		free(k[i].norm_name);
		channel_free(&k[i].items);
	}
	free(k);
}

static int load_known(struct known **out, size_t *n, kb_store *store)
{
	sqlite3_stmt *st;
	struct known *k = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(store->db,
			       "SELECT DISTINCT name, channel FROM "
			       "analytic_techniques WHERE name IS NOT NULL "
			       "ORDER BY name, channel",
			       -1, &st, NULL) != SQLITE_OK)
		return kb_store_db_error(store, "log sources");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *chan = (const char *)sqlite3_column_text(st, 1);
		char *norm;

		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			k = xreallocarray(k, cap, sizeof(*k));
		}
		memset(&k[*n], 0, sizeof(*k));
		k[*n].name = xstrdup(name);
		k[*n].channel = chan ? xstrdup(chan) : NULL;
		k[*n].norm_name = normalise(name, strlen(name));
		norm = normalise(chan ? chan : "", chan ? strlen(chan) : 0);
		parse_channel(&k[*n].items, norm);
		free(norm);
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		known_free(k, *n);
		*n = 0;
		return kb_store_db_error(store, "log sources");
	}
	*out = k;
	return 0;
}

static const char *const unmatched_cols[] = {"line", "given", "reason"};

static void add_unmatched(kb_rows *rows, unsigned line, const char *given,
			  const char *reason)
{
	char num[16];
	const char *cells[3] = {num, given, reason};

	snprintf(num, sizeof(num), "%u", line);
	kb_rows_add(rows, cells);
}

/* Match one line (trimmed, not empty); insert its matches. */
static int match_line(kb_store *store, sqlite3_stmt *ins, kb_rows *unmatched,
		      const struct known *k, size_t nk, const char *given,
		      unsigned line)
{
	char *norm = normalise(given, strlen(given));
	const char *rest;
	struct channel mine;
	size_t best = 0, bestlen = 0, matches = 0;
	int error = 0;

	/* The longest known name the line starts with, as a whole word. */
	for (size_t i = 0; i < nk; i++) {
		size_t n = strlen(k[i].norm_name);

		if (n > bestlen && strncmp(norm, k[i].norm_name, n) == 0 &&
		    (norm[n] == '\0' || norm[n] == ' ')) {
			best = i;
			bestlen = n;
		}
	}
	if (!bestlen) {
		add_unmatched(unmatched, line, given,
			      "no analytic reads a log source of that name");
		free(norm);
		return 0;
	}
	rest = norm + bestlen + (norm[bestlen] == ' ');
	parse_channel(&mine, rest);
	for (size_t i = 0; i < nk && !error; i++) {
		bool exact;

		if (strcmp(k[i].norm_name, k[best].norm_name) != 0 ||
		    !channel_matches(&mine, &k[i].items))
			continue;
		/* Exact: written as ATT&CK writes it, "NAME CHANNEL". */
		if (mine.n == 0)
			exact = strcmp(given, k[i].name) == 0;
		else
			exact = k[i].channel &&
				strncmp(given, k[i].name,
					strlen(k[i].name)) == 0 &&
				given[strlen(k[i].name)] == ' ' &&
				strcmp(given + strlen(k[i].name) + 1,
				       k[i].channel) == 0;
		sqlite3_bind_text(ins, 1, k[i].name, -1, SQLITE_STATIC);
		if (k[i].channel)
			sqlite3_bind_text(ins, 2, k[i].channel, -1,
					  SQLITE_STATIC);
		else
			sqlite3_bind_null(ins, 2);
		sqlite3_bind_text(ins, 3, exact ? "exact" : "lenient", -1,
				  SQLITE_STATIC);
		sqlite3_bind_int64(ins, 4, line);
		sqlite3_bind_text(ins, 5, given, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			error = kb_store_db_error(store, "log sources");
		sqlite3_reset(ins);
		matches++;
	}
	if (!error && !matches) {
		char *reason = xasprintf("%s is read by analytics, but on no "
					 "channel like '%s'",
					 k[best].name, rest);

		add_unmatched(unmatched, line, given, reason);
		free(reason);
	}
	channel_free(&mine);
	free(norm);
	return error;
}

int kb_coverage_match_log_sources(kb_rows **unmatched, kb_store *store,
				  const char *source, const char *text,
				  size_t len)
{
	struct known *k = NULL;
	size_t nk = 0;
	sqlite3_stmt *ins = NULL;
	kb_rows *rows = kb_rows_new(3, unmatched_cols);
	const char *p = text, *end = text + len;
	unsigned line = 0;
	int error;

	*unmatched = NULL;
	if ((error = kb_store_drop_temp(store, "collected_log_sources")) < 0 ||
	    (error = kb_store_exec(
		     store,
		     "CREATE TEMP TABLE collected_log_sources (name TEXT, "
		     "channel TEXT, match TEXT, line INTEGER, given TEXT, "
		     "UNIQUE (name, channel, line));")) < 0 ||
	    (error = load_known(&k, &nk, store)) < 0)
		goto done;
	if (sqlite3_prepare_v2(store->db,
			       "INSERT OR IGNORE INTO "
			       "temp.collected_log_sources "
			       "VALUES (?1, ?2, ?3, ?4, ?5)",
			       -1, &ins, NULL) != SQLITE_OK) {
		error = kb_store_db_error(store, "log sources");
		goto done;
	}
	while (p < end && !error) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *s = p, *e = eol ? eol : end;
		char *given;

		p = eol ? eol + 1 : end;
		if (++line > KB_MAX_LOG_SOURCE_LINES) {
			error = kb_error_set(KB_ELIMIT,
					     "%s:%u: more than %d lines "
					     "(KB_MAX_LOG_SOURCE_LINES)",
					     source, line,
					     KB_MAX_LOG_SOURCE_LINES);
			break;
		}
		/* A UTF-8 byte order mark. */
		if (line == 1 && e - s >= 3 &&
		    memcmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (s == e || *s == '#')
			continue;
		given = xstrndup(s, (size_t)(e - s));
		error = match_line(store, ins, rows, k, nk, given, line);
		free(given);
	}
done:
	sqlite3_finalize(ins);
	known_free(k, nk);
	if (error < 0) {
		kb_rows_free(rows);
		return error;
	}
	*unmatched = rows;
	return 0;
}
