/* cli/cmd_mitigation_priorities.c: `attackkb mitigation-priorities`:
 * mitigations ranked by the undetected techniques they address. */
#include "cli/covcmd.h"

#include <string.h>

extern const struct kb_command cmd_mitigation_priorities;

static void map_priority(const kb_rows *rows, size_t r, double *score,
			 strbuf *comment)
{
	const char *best = covcmd_cell(rows, r, "best_first");

	*score = covcmd_number(rows, r, "priority");
	strbuf_printf(comment,
		      "Not detected. Mitigations, best first (how many "
		      "undetected techniques each addresses): %s",
		      best ? best : "none");
}

static const char *const colors[] = {"#ffffff", "#66b1ff"};
static const navigator_legend legend[] = {
	{"not detected, its best mitigation addresses few gaps", "#ffffff"},
	{"not detected, its best mitigation addresses the most", "#66b1ff"},
};

static const struct covlayer layer = {
	.query = "mitigation-priorities-by-technique",
	.id_column = "id",
	.map = map_priority,
	.colors = colors,
	.ncolors = 2,
	.legend = legend,
	.nlegend = 2,
};

static int cmd_mitigation_priorities_run(struct kb_ctx *ctx, int argc,
					 char **argv)
{
	struct covcmd c;
	const char *query = "mitigation-priorities";
	int rc;

	if ((rc = covcmd_parse(&c, &cmd_mitigation_priorities, argc, argv,
			       COVCMD_BY | COVCMD_GROUP)))
		goto done;
	if (optind < argc) {
		rc = cli_usage(&cmd_mitigation_priorities,
			       "unexpected argument '%s'", argv[optind]);
		goto done;
	}
	if (c.by && strcmp(c.by, "technique") == 0)
		query = "mitigation-priorities-by-technique";
	else if (c.by && strcmp(c.by, "mitigation") != 0) {
		rc = cli_usage(&cmd_mitigation_priorities,
			       "--by takes mitigation or technique, not '%s'",
			       c.by);
		goto done;
	}
	rc = covcmd_run(ctx, &c, query, &layer);
done:
	covcmd_free(&c);
	return rc;
}

const struct kb_command cmd_mitigation_priorities = {
	.name = "mitigation-priorities",
	.usage = "[--group GROUP] [--by mitigation|technique] [--rollup] "
		 "[--set NAME]... [--domain D] [--format F] [--layer FILE]",
	.summary = "Rank mitigations by the undetected techniques they address",
	.help = "Where prevention must make up for missing detection: the\n"
		"mitigations ranked by how many techniques they address that\n"
		"no rule of the chosen detection sets detects, with those\n"
		"techniques.\n"
		"\n"
		"  --group GROUP   only the techniques a group, software or\n"
		"                  campaign uses (ID, name or alias: G0016,\n"
		"                  APT29, Cozy Bear)\n"
		"  --by WORD       mitigation (default), or technique: each\n"
		"                  undetected technique with its mitigations,\n"
		"                  best first\n"
		"  --rollup        a technique counts as detected when one of\n"
		"                  its sub-techniques is\n"
		"  --set NAME      a detection set to read (repeatable;\n"
		"                  default: every set but attack)\n"
		"  --domain D      enterprise (default), mobile or ics\n"
		"  --format F      table (default), json, csv or md\n"
		"  --layer FILE    also write an ATT&CK Navigator layer: the\n"
		"                  undetected techniques scored by what their\n"
		"                  best mitigation addresses, mitigations as\n"
		"                  comments\n",
	.flags = CMD_NEEDS_STORE,
	.run = cmd_mitigation_priorities_run,
};
