/* cli/cmd_coverage.c: `attackkb coverage`: what the team's detection rules
 * cover, per tactic, platform or technique. */
#include "cli/covcmd.h"

#include <string.h>

extern const struct kb_command cmd_coverage;

static void map_technique(const kb_rows *rows, size_t r, double *score,
			  strbuf *comment)
{
	const char *titles = covcmd_cell(rows, r, "titles");
	const char *how = covcmd_cell(rows, r, "detected");

	*score = covcmd_number(rows, r, "rules");
	if (titles)
		strbuf_printf(comment, "Detected%s by: %s",
			      how && strcmp(how, "yes") != 0
				      ? " (via sub-techniques)"
				      : "",
			      titles);
	else
		strbuf_puts(comment, "Not detected");
}

static const char *const colors[] = {"#ff6666", "#ffe766", "#8ec843"};
static const navigator_legend legend[] = {
	{"not detected", "#ff6666"},
	{"detected by the most rules", "#8ec843"},
};

/* A row per tactic and technique (coverage-matrix) or per technique
 * (coverage --by technique: the rows printed). */
static const struct covlayer by_technique = {
	.query = "coverage-by-technique",
	.id_column = "id",
	.map = map_technique,
	.colors = colors,
	.ncolors = 3,
	.legend = legend,
	.nlegend = 2,
};

static const struct covlayer layer = {
	.query = "coverage-matrix",
	.id_column = "technique_id",
	.map = map_technique,
	.colors = colors,
	.ncolors = 3,
	.legend = legend,
	.nlegend = 2,
};

static int cmd_coverage_run(struct kb_ctx *ctx, int argc, char **argv)
{
	struct covcmd c;
	const char *query = "coverage";
	int rc;

	if ((rc = covcmd_parse(&c, &cmd_coverage, argc, argv, COVCMD_BY)))
		goto done;
	if (optind < argc) {
		rc = cli_usage(&cmd_coverage, "unexpected argument '%s'",
			       argv[optind]);
		goto done;
	}
	if (c.by && strcmp(c.by, "platform") == 0)
		query = "coverage-by-platform";
	else if (c.by && strcmp(c.by, "technique") == 0)
		query = "coverage-by-technique";
	else if (c.by && strcmp(c.by, "tactic") != 0) {
		rc = cli_usage(&cmd_coverage, "--by takes tactic, platform or "
					      "technique, not '%s'",
			       c.by);
		goto done;
	}
	rc = covcmd_run(ctx, &c, query,
			strcmp(query, "coverage-by-technique") == 0
				? &by_technique
				: &layer);
done:
	covcmd_free(&c);
	return rc;
}

const struct kb_command cmd_coverage = {
	.name = "coverage",
	.usage = "[--by tactic|platform|technique] [--rollup] [--set NAME]... "
		 "[--domain D] [--format F] [--layer FILE]",
	.summary = "Show which techniques the detection rules cover",
	.help = "Per tactic (in matrix order), per platform or per technique:\n"
		"how many techniques and sub-techniques the rules of the\n"
		"chosen detection sets detect, out of how many, and which. A\n"
		"technique named in a rule counts; a revoked ID counts as its\n"
		"successor.\n"
		"\n"
		"  --by WORD       tactic (default), platform, or technique\n"
		"                  (every technique, with its rules' titles)\n"
		"  --rollup        a technique also counts as detected when\n"
		"                  one of its sub-techniques is\n"
		"  --set NAME      a detection set to read (repeatable;\n"
		"                  default: every set but attack, ATT&CK's\n"
		"                  own detection strategies; see attackkb\n"
		"                  query detection-sets)\n"
		"  --domain D      enterprise (default), mobile or ics\n"
		"  --format F      table (default), json, csv or md\n"
		"  --layer FILE    also write an ATT&CK Navigator layer\n"
		"                  (format 4.5): every technique, scored by\n"
		"                  its rules, their titles as comments\n",
	.flags = CMD_NEEDS_STORE,
	.run = cmd_coverage_run,
};
