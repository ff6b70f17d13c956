/* cli/cmd_group_exposure.c: `attackkb group-exposure GROUP`: a group's
 * techniques, each detected, mitigated, both or neither. */
#include "cli/covcmd.h"

#include <string.h>

extern const struct kb_command cmd_group_exposure;

/* neither 0, mitigated 1, detected 2, both 3: the colours of the legend. */
static void map_row(const kb_rows *rows, size_t r, double *score,
		    strbuf *comment)
{
	const char *status = covcmd_cell(rows, r, "status");
	const char *titles = covcmd_cell(rows, r, "titles");
	const char *mitigations = covcmd_cell(rows, r, "mitigations");

	status = status ? status : "";
	*score = strcmp(status, "detected, mitigated") == 0 ? 3
		 : strcmp(status, "detected") == 0	    ? 2
		 : strcmp(status, "mitigated") == 0	    ? 1
							    : 0;
	strbuf_printf(comment, "%s.", status);
	if (titles)
		strbuf_printf(comment, " Detected by: %s.", titles);
	if (mitigations)
		strbuf_printf(comment, " Mitigations: %s.", mitigations);
}

static const char *const colors[] = {"#ff6666", "#ffb366", "#d9e766",
				     "#8ec843"};
static const navigator_legend legend[] = {
	{"neither detected nor mitigated", "#ff6666"},
	{"mitigated only", "#ffb366"},
	{"detected only", "#d9e766"},
	{"detected and mitigated", "#8ec843"},
};

static const struct covlayer layer = {
	.id_column = "id",
	.map = map_row,
	.colors = colors,
	.ncolors = 4,
	.legend = legend,
	.nlegend = 4,
};

static int cmd_group_exposure_run(struct kb_ctx *ctx, int argc, char **argv)
{
	struct covcmd c;
	int rc;

	if ((rc = covcmd_parse(&c, &cmd_group_exposure, argc, argv, 0)))
		goto done;
	if (optind >= argc) {
		rc = cli_usage(&cmd_group_exposure, "which group?");
		goto done;
	}
	if (optind + 1 < argc) {
		rc = cli_usage(&cmd_group_exposure,
			       "one group at a time (quote a name with "
			       "spaces)");
		goto done;
	}
	c.group = argv[optind];
	rc = covcmd_run(ctx, &c, "group-exposure", &layer);
done:
	covcmd_free(&c);
	return rc;
}

const struct kb_command cmd_group_exposure = {
	.name = "group-exposure",
	.usage = "[--rollup] [--set NAME]... [--domain D] [--format F] "
		 "[--layer FILE] GROUP",
	.summary = "Mark a group's techniques detected, mitigated or neither",
	.help = "The techniques a group (or software, or campaign) uses,\n"
		"given by ATT&CK ID, name or alias (G0016, APT29, 'Cozy\n"
		"Bear'), each marked detected (by rules of the chosen\n"
		"detection sets), mitigated, both, or neither; the most\n"
		"exposed first.\n"
		"\n"
		"  --rollup        a technique counts as detected when one of\n"
		"                  its sub-techniques is\n"
		"  --set NAME      a detection set to read (repeatable;\n"
		"                  default: every set but attack)\n"
		"  --domain D      enterprise (default), mobile or ics\n"
		"  --format F      table (default), json, csv or md\n"
		"  --layer FILE    also write an ATT&CK Navigator layer\n"
		"                  coloured by status\n",
	.flags = CMD_NEEDS_STORE,
	.run = cmd_group_exposure_run,
};
