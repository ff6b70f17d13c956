/* cli/cmd_detected_not_mitigated.c: `attackkb detected-not-mitigated`:
 * techniques the rules detect but nothing mitigates. */
#include "cli/covcmd.h"

static void map_row(const kb_rows *rows, size_t r, double *score,
		    strbuf *comment)
{
	const char *titles = covcmd_cell(rows, r, "titles");

	*score = covcmd_number(rows, r, "rules");
	strbuf_printf(comment, "No mitigation. Detected by: %s",
		      titles ? titles : "");
}

static const char *const colors[] = {"#ffe766", "#8ec843"};
static const navigator_legend legend[] = {
	{"detected, not mitigated: one rule", "#ffe766"},
	{"detected, not mitigated: the most rules", "#8ec843"},
};

static const struct covlayer layer = {
	.id_column = "id",
	.map = map_row,
	.colors = colors,
	.ncolors = 2,
	.legend = legend,
	.nlegend = 2,
};

static int cmd_detected_not_mitigated_run(struct kb_ctx *ctx, int argc, char **argv)
{
	return covcmd_main(ctx, argc, argv, "detected-not-mitigated", &layer);
}

const struct kb_command cmd_detected_not_mitigated = {
	.name = "detected-not-mitigated",
	.usage = "[--rollup] [--set NAME]... [--domain D] [--format F] "
		 "[--layer FILE]",
	.summary = "List the techniques the rules detect but nothing mitigates",
	.help = "Techniques that rules of the chosen detection sets detect\n"
		"and that no ATT&CK mitigation addresses: detection is all\n"
		"there is.\n"
		"\n"
		"  --rollup        a technique counts as detected when one of\n"
		"                  its sub-techniques is\n"
		"  --set NAME      a detection set to read (repeatable;\n"
		"                  default: every set but attack)\n"
		"  --domain D      enterprise (default), mobile or ics\n"
		"  --format F      table (default), json, csv or md\n"
		"  --layer FILE    also write an ATT&CK Navigator layer,\n"
		"                  scored by rules, their titles as comments\n",
	.flags = CMD_NEEDS_STORE,
	.run = cmd_detected_not_mitigated_run,
};
