/* cli/cmd_mitigated_not_detected.c: `attackkb mitigated-not-detected`:
 * techniques mitigations address but no rule detects. */
#include "cli/covcmd.h"

static void map_row(const kb_rows *rows, size_t r, double *score,
		    strbuf *comment)
{
	const char *mitigations = covcmd_cell(rows, r, "mitigations");

	*score = covcmd_number(rows, r, "count");
	strbuf_printf(comment, "Not detected. Mitigations: %s",
		      mitigations ? mitigations : "");
}

static const char *const colors[] = {"#ffffff", "#66b1ff"};
static const navigator_legend legend[] = {
	{"not detected, one mitigation", "#ffffff"},
	{"not detected, the most mitigations", "#66b1ff"},
};

static const struct covlayer layer = {
	.id_column = "id",
	.map = map_row,
	.colors = colors,
	.ncolors = 2,
	.legend = legend,
	.nlegend = 2,
};

static int cmd_mitigated_not_detected_run(struct kb_ctx *ctx, int argc, char **argv)
{
	return covcmd_main(ctx, argc, argv, "mitigated-not-detected", &layer);
}

const struct kb_command cmd_mitigated_not_detected = {
	.name = "mitigated-not-detected",
	.usage = "[--rollup] [--set NAME]... [--domain D] [--format F] "
		 "[--layer FILE]",
	.summary = "List the techniques mitigated but not detected",
	.help = "Techniques that ATT&CK mitigations address and that no rule\n"
		"of the chosen detection sets detects, the most used (by\n"
		"groups, software and campaigns) first: prevention is all\n"
		"there is.\n"
		"\n"
		"  --rollup        a technique counts as detected when one of\n"
		"                  its sub-techniques is\n"
		"  --set NAME      a detection set to read (repeatable;\n"
		"                  default: every set but attack)\n"
		"  --domain D      enterprise (default), mobile or ics\n"
		"  --format F      table (default), json, csv or md\n"
		"  --layer FILE    also write an ATT&CK Navigator layer,\n"
		"                  scored by mitigations, listed as comments\n",
	.flags = CMD_NEEDS_STORE,
	.run = cmd_mitigated_not_detected_run,
};
