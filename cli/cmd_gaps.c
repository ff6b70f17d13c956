/* cli/cmd_gaps.c: `attackkb gaps`: techniques no rule detects, the most
 * used first, with their mitigations. */
#include "cli/covcmd.h"

static void map_gap(const kb_rows *rows, size_t r, double *score,
		    strbuf *comment)
{
	const char *mitigations = covcmd_cell(rows, r, "mitigations");

	*score = covcmd_number(rows, r, "users");
	strbuf_printf(comment,
		      "Not detected. Used by %.0f groups, %.0f software, "
		      "%.0f campaigns. Mitigations: %s",
		      covcmd_number(rows, r, "groups"),
		      covcmd_number(rows, r, "software"),
		      covcmd_number(rows, r, "campaigns"),
		      mitigations ? mitigations : "none");
}

static const char *const colors[] = {"#ffffff", "#ff6666"};
static const navigator_legend legend[] = {
	{"not detected, used by none", "#ffffff"},
	{"not detected, used the most", "#ff6666"},
};

static const struct covlayer layer = {
	.id_column = "id",
	.map = map_gap,
	.colors = colors,
	.ncolors = 2,
	.legend = legend,
	.nlegend = 2,
};

static int cmd_gaps_run(struct kb_ctx *ctx, int argc, char **argv)
{
	return covcmd_main(ctx, argc, argv, "gaps", &layer);
}

const struct kb_command cmd_gaps = {
	.name = "gaps",
	.usage = "[--rollup] [--set NAME]... [--domain D] [--format F] "
		 "[--layer FILE]",
	.summary = "List the techniques no rule detects, the most used first",
	.help = "Techniques and sub-techniques that no rule of the chosen\n"
		"detection sets detects, ranked by how many groups, software\n"
		"and campaigns use them (users), each with its mitigations.\n"
		"\n"
		"  --rollup        a technique counts as detected when one of\n"
		"                  its sub-techniques is\n"
		"  --set NAME      a detection set to read (repeatable;\n"
		"                  default: every set but attack)\n"
		"  --domain D      enterprise (default), mobile or ics\n"
		"  --format F      table (default), json, csv or md\n"
		"  --layer FILE    also write an ATT&CK Navigator layer: the\n"
		"                  gaps scored by their users, mitigations as\n"
		"                  comments\n",
	.flags = CMD_NEEDS_STORE,
	.run = cmd_gaps_run,
};
