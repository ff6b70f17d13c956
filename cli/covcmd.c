/* cli/covcmd.c: the coverage commands' shared options, set selection,
 * named-query run and Navigator layer. */
#include "cli/covcmd.h"
#include "cli/output.h"
#include "export/format.h"
#include "kb/coverage.h"
#include "kb/detection.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/limits.h"
#include "kb/query.h"
#include "kb/store.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int covcmd_parse(struct covcmd *c, const struct kb_command *cmd, int argc,
		 char **argv, unsigned flags)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"set", required_argument, NULL, 's'},
		{"domain", required_argument, NULL, 'D'},
		{"rollup", no_argument, NULL, 'R'},
		{"layer", required_argument, NULL, 'l'},
		{"by", required_argument, NULL, 'b'},
		{"group", required_argument, NULL, 'g'},
		{"log-sources", required_argument, NULL, 'L'},
		{0, 0, 0, 0},
	};
	int ch;

	memset(c, 0, sizeof(*c));
	c->fmt = FORMAT_TABLE;
	c->domain = "enterprise-attack";
	c->flags = flags;
	while ((ch = getopt_long(argc, argv, "f:s:D:Rl:b:g:L:", opts,
				 NULL)) != -1) {
		switch (ch) {
		case 'f':
			if ((c->fmt = cli_format(cmd, optarg)) < 0)
				return EXIT_USAGE;
			break;
		case 's':
			if (flags & COVCMD_NO_SETS)
				return cli_usage(cmd, "--set: %s reads no "
						      "detection set",
						 cmd->name);
			c->sets = xreallocarray(c->sets, c->nsets + 1,
						sizeof(*c->sets));
			c->sets[c->nsets++] = optarg;
			break;
		case 'D':
			if (!(c->domain = kb_coverage_domain(optarg)))
				return cli_usage(cmd,
						 "--domain takes enterprise, "
						 "mobile or ics, not '%s'",
						 optarg);
			break;
		case 'R':
			c->rollup = true;
			break;
		case 'l':
			c->layer = optarg;
			break;
		case 'b':
			if (!(flags & COVCMD_BY))
				return cli_usage(cmd, "unknown option --by");
			c->by = optarg;
			break;
		case 'g':
			if (!(flags & COVCMD_GROUP))
				return cli_usage(cmd, "unknown option --group");
			c->group = optarg;
			break;
		case 'L':
			if (!(flags & COVCMD_LOG_SOURCES))
				return cli_usage(cmd, "unknown option "
						      "--log-sources");
			c->log_sources = optarg;
			break;
		default:
			return cli_usage(cmd, "unknown option");
		}
	}
	if (strcmp(c->domain, "pre-attack") == 0)
		return cli_usage(cmd, "--domain takes enterprise, mobile or "
				      "ics");
	return 0;
}

void covcmd_free(struct covcmd *c)
{
	free(c->sets);
	c->sets = NULL;
	c->nsets = 0;
}

static long column(const kb_rows *rows, const char *col)
{
	for (size_t i = 0; i < rows->ncols; i++)
		if (strcmp(rows->cols[i], col) == 0)
			return (long)i;
	return -1;
}

const char *covcmd_cell(const kb_rows *rows, size_t row, const char *col)
{
	long i = column(rows, col);

	return i < 0 ? NULL : kb_rows_get(rows, row, (size_t)i);
}

double covcmd_number(const kb_rows *rows, size_t row, const char *col)
{
	const char *v = covcmd_cell(rows, row, col);

	return v ? strtod(v, NULL) : 0;
}

/* Are there detection sets to read? A hint when the default selection is
 * empty, so that 0% coverage is not a mystery. */
static void hint_no_sets(struct kb_ctx *ctx, const struct covcmd *c)
{
	kb_rows *rows;

	if (c->nsets || (c->flags & COVCMD_NO_SETS) || ctx->quiet)
		return;
	if (kb_rows_query(&rows, ctx->store,
			  "SELECT count(*) FROM selected_sets", NULL, 0) < 0)
		return;
	if (rows->nrows && kb_rows_get(rows, 0, 0) &&
	    strcmp(kb_rows_get(rows, 0, 0), "0") == 0)
		fprintf(stderr,
			"attackkb: %s: no detection set is stored, so nothing "
			"counts as detected (import rules with attackkb "
			"ingest --sigma DIR, or use --set attack for ATT&CK's "
			"own detection strategies)\n",
			ctx->cmd->name);
	kb_rows_free(rows);
}

/* Match --log-sources FILE; unmatched lines go to stderr. */
static int match_log_sources(struct kb_ctx *ctx, const struct covcmd *c)
{
	kb_rows *unmatched;
	char *text;
	size_t len;
	int error;

	error = fsutil_read_file(&text, &len, c->log_sources,
				 KB_MAX_LOG_SOURCE_FILE);
	if (error == KB_ELIMIT)
		kb_error_set(KB_ELIMIT, "%s: more than %u bytes "
					"(KB_MAX_LOG_SOURCE_FILE)",
			     c->log_sources, KB_MAX_LOG_SOURCE_FILE);
	if (error < 0)
		return cli_error(ctx->cmd->name, "%s", kb_error_last());
	error = kb_coverage_match_log_sources(&unmatched, ctx->store,
					      c->log_sources, text, len);
	free(text);
	if (error < 0)
		return cli_error(ctx->cmd->name, "%s", kb_error_last());
	for (size_t r = 0; r < unmatched->nrows; r++)
		fprintf(stderr, "%s:%s: unmatched: '%s': %s\n", c->log_sources,
			kb_rows_get(unmatched, r, 0),
			kb_rows_get(unmatched, r, 1),
			kb_rows_get(unmatched, r, 2));
	kb_rows_free(unmatched);
	return EXIT_OK;
}

static int run_named(kb_rows **out, struct kb_ctx *ctx, const char *name,
		     const char *const *args)
{
	const struct kb_named_query *q = kb_query_find(name);

	if (!q)
		return kb_error_set(KB_ERROR, "no query '%s'", name);
	return kb_rows_query(out, ctx->store, q->sql, args,
			     (size_t)kb_query_nparams(q));
}

/* "sigma, car", or what the default selection is. Caller frees. */
static char *sets_text(const struct covcmd *c)
{
	strbuf sb = STRBUF_INIT;

	if (c->flags & COVCMD_NO_SETS)
		return xstrdup("none");
	if (c->nsets == 0)
		return xstrdup("every set but attack");
	for (size_t i = 0; i < c->nsets; i++)
		strbuf_printf(&sb, "%s%s", i ? ", " : "", c->sets[i]);
	return strbuf_detach(&sb);
}

/* One technique's score and comment, merged over the rows naming it. */
struct layer_entry {
	const char *id; /* borrowed from the rows */
	double score;
	strbuf comment;
	bool placed;    /* annotated under at least one tactic */
};

/* Its page on attack.mitre.org, which every domain's techniques share:
 * T1136.001 -> https://attack.mitre.org/techniques/T1136/001. */
static char *technique_url(const char *id)
{
	char *url = xasprintf("https://attack.mitre.org/techniques/%s", id);
	char *dot = strchr(url + 36, '.');

	if (dot)
		*dot = '/';
	return url;
}

static void add_technique(navigator_technique *t,
			  const struct layer_entry *e, const char *id,
			  const char *tactic, char **url)
{
	if (!*url)
		*url = technique_url(id);
	t->technique_id = id;
	t->tactic = tactic;
	t->url = *url;
	t->score = e->score;
	t->scored = true;
	t->comment = e->comment.ptr;
}

static int write_layer(struct kb_ctx *ctx, const struct covcmd *c,
		       const char *query, const struct covlayer *spec,
		       const kb_rows *printed, const char *const *args,
		       const char *group_name)
{
	kb_rows *rows = NULL, *info = NULL;
	strmap *map = strmap_new();
	struct layer_entry *entries = NULL;
	navigator_technique *techs = NULL;
	char **urls = NULL;
	size_t nentries = 0, ntechs = 0;
	char *version = NULL, *major = NULL, *sets = sets_text(c);
	char *name = NULL, *desc = NULL, *rollup = NULL;
	navigator_meta meta[6];
	size_t nmeta = 0;
	double max = 0;
	int rc = EXIT_FAIL;

	/* The rows printed serve when they come from the same query. */
	if (spec->query && strcmp(spec->query, query) != 0) {
		if (run_named(&rows, ctx, spec->query, args) < 0) {
			cli_error(ctx->cmd->name, "%s: %s", spec->query,
				  kb_error_last());
			goto done;
		}
	}
	if (kb_coverage_layer_techniques(&info, &version, ctx->store,
					 c->domain) < 0) {
		cli_error(ctx->cmd->name, "%s", kb_error_last());
		goto done;
	}
	{
		const kb_rows *src = rows ? rows : printed;

		entries = xcalloc(src->nrows + 1, sizeof(*entries));
		for (size_t r = 0; r < src->nrows; r++) {
			const char *id = covcmd_cell(src, r, spec->id_column);
			struct layer_entry *e;
			strbuf comment = STRBUF_INIT;
			double score = 0;
			size_t slot;

			if (!id)
				continue;
			spec->map(src, r, &score, &comment);
			/* The map holds index + 1, so that 0 is "absent". */
			if ((slot = (size_t)(uintptr_t)strmap_get(map, id))) {
				e = &entries[slot - 1];
				if (score > e->score)
					e->score = score;
				/* A row per tactic repeats the comment. */
				if (comment.len &&
				    !strstr(e->comment.ptr, comment.ptr)) {
					if (e->comment.len)
						strbuf_puts(&e->comment, "\n");
					strbuf_puts(&e->comment, comment.ptr);
				}
				strbuf_free(&comment);
				continue;
			}
			e = &entries[nentries++];
			e->id = id;
			e->score = score;
			e->comment = comment;
			strmap_put(map, id, (void *)(uintptr_t)nentries);
		}
	}
	/* One annotation per technique and tactic, by technique ID; a
	 * technique with no tactic gets one for all its tactics. */
	techs = xcalloc(info->nrows + nentries + 1, sizeof(*techs));
	urls = xcalloc(nentries + 1, sizeof(*urls));
	for (size_t r = 0; r < info->nrows; r++) {
		const char *id = kb_rows_get(info, r, 0);
		size_t slot = (size_t)(uintptr_t)strmap_get(map, id);

		if (slot) {
			add_technique(&techs[ntechs++], &entries[slot - 1],
				      id, kb_rows_get(info, r, 1),
				      &urls[slot - 1]);
			entries[slot - 1].placed = true;
		}
	}
	for (size_t i = 0; i < nentries; i++)
		if (!entries[i].placed)
			add_technique(&techs[ntechs++], &entries[i],
				      entries[i].id, NULL, &urls[i]);
	for (size_t i = 0; i < ntechs; i++)
		if (techs[i].score > max)
			max = techs[i].score;
	if (version) {
		char *dot = strchr(version, '.');

		major = dot ? xstrndup(version, (size_t)(dot - version))
			    : xstrdup(version);
	}
	name = xasprintf("attackkb %s%s%s (%s)", ctx->cmd->name,
			 group_name ? " " : "", group_name ? group_name : "",
			 sets);
	{
		const struct kb_named_query *q = kb_query_find(query);
		char *d = q ? kb_query_describe(q) : xstrdup("");
		char *nl = strchr(d, '\n');

		char *ex;

		/* The description without its first (usage) line and its
		 * example, unwrapped. */
		desc = xstrdup(nl ? nl + 1 : "");
		if ((ex = strstr(desc, "\nExample:")) != NULL ||
		    (ex = strncmp(desc, "Example:", 8) == 0 ? desc : NULL))
			*ex = '\0';
		for (char *p = desc; *p; p++)
			if (*p == '\n')
				*p = ' ';
		for (size_t n = strlen(desc); n && desc[n - 1] == ' '; n--)
			desc[n - 1] = '\0';
		free(d);
	}
	rollup = xstrdup(c->rollup ? "yes: a technique counts as detected "
				     "when a sub-technique is"
				   : "no");
	meta[nmeta++] = (navigator_meta){"detection sets", sets};
	meta[nmeta++] = (navigator_meta){"rollup", rollup};
	if (group_name)
		meta[nmeta++] = (navigator_meta){"group", group_name};
	if (c->log_sources)
		meta[nmeta++] = (navigator_meta){"log sources", c->log_sources};
	meta[nmeta++] = (navigator_meta){"query", query};
	meta[nmeta++] = (navigator_meta){"generated by",
					 "attackkb " KB_VERSION};
	{
		navigator_layer layer = {
			.name = name,
			.description = desc,
			.domain = c->domain,
			.attack_version = major,
			.techniques = techs,
			.ntechniques = ntechs,
			.colors = spec->colors,
			.ncolors = spec->ncolors,
			.min_score = 0,
			.max_score = max > 0 ? max : 1,
			.legend = spec->legend,
			.nlegend = spec->nlegend,
			.metadata = meta,
			.nmetadata = nmeta,
		};

		if (navigator_layer_write(c->layer, &layer) < 0) {
			cli_error(ctx->cmd->name, "%s", kb_error_last());
			goto done;
		}
	}
	if (!ctx->quiet)
		fprintf(stderr, "%s: Navigator layer, %zu techniques\n",
			c->layer, nentries);
	rc = EXIT_OK;
done:
	for (size_t i = 0; i < nentries; i++) {
		strbuf_free(&entries[i].comment);
		if (urls)
			free(urls[i]);
	}
	free(urls);
	free(entries);
	free(techs);
	strmap_free(map);
	kb_rows_free(rows);
	kb_rows_free(info);
	free(version);
	free(major);
	free(sets);
	free(name);
	free(desc);
	free(rollup);
	return rc;
}

/* Is a release of the domain stored (and selected)? */
static bool domain_stored(struct kb_ctx *ctx, const char *domain)
{
	const char *args[1] = {domain};
	kb_rows *rows;
	bool found;

	if (kb_rows_query(&rows, ctx->store,
			  "SELECT 1 FROM current_release WHERE domain = ?1",
			  args, 1) < 0)
		return true; /* the query will say what is wrong */
	found = rows->nrows > 0;
	kb_rows_free(rows);
	return found;
}

int covcmd_run(struct kb_ctx *ctx, struct covcmd *c, const char *query,
	       const struct covlayer *layer)
{
	const char *args[3];
	char *group_id = NULL, *group_name = NULL;
	kb_rows *rows = NULL;
	int rc;

	if (!domain_stored(ctx, c->domain))
		return cli_error(ctx->cmd->name,
				 "%s: no %s release is stored%s (see attackkb "
				 "releases)",
				 kb_store_path(ctx->store), c->domain,
				 ctx->release ? " at that version" : "");
	if (kb_detection_select_sets(ctx->store, c->sets, c->nsets) < 0)
		return cli_error(ctx->cmd->name, "%s", kb_error_last());
	hint_no_sets(ctx, c);
	if (c->group &&
	    kb_coverage_find_actor(&group_id, &group_name, ctx->store,
				   c->group) < 0)
		return cli_error(ctx->cmd->name, "%s", kb_error_last());
	if (c->log_sources && (rc = match_log_sources(ctx, c)) != EXIT_OK)
		goto done;
	args[0] = c->domain;
	args[1] = c->rollup ? "1" : "0";
	args[2] = group_id ? group_id : "";
	if (run_named(&rows, ctx, query, args) < 0) {
		rc = cli_error(ctx->cmd->name, "%s: %s", query,
			       kb_error_last());
		goto done;
	}
	cli_print_rows(rows, c->fmt);
	rc = EXIT_OK;
	if (c->layer)
		rc = write_layer(ctx, c, query, layer, rows, args,
				 group_name ? group_id : NULL);
done:
	kb_rows_free(rows);
	free(group_id);
	free(group_name);
	return rc;
}

int covcmd_main(struct kb_ctx *ctx, int argc, char **argv, const char *query,
		const struct covlayer *layer)
{
	struct covcmd c;
	int rc;

	if ((rc = covcmd_parse(&c, ctx->cmd, argc, argv, 0)) == 0) {
		if (optind < argc)
			rc = cli_usage(ctx->cmd, "unexpected argument '%s'",
				       argv[optind]);
		else
			rc = covcmd_run(ctx, &c, query, layer);
	}
	covcmd_free(&c);
	return rc;
}
