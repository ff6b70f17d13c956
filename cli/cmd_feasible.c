/* cli/cmd_feasible.c: `attackkb feasible --log-sources FILE`: which of
 * ATT&CK's analytics the team's log sources can run. */
#include "cli/covcmd.h"

#include <string.h>

extern const struct kb_command cmd_feasible;

static void map_row(const kb_rows *rows, size_t r, double *score,
		    strbuf *comment)
{
	const char *platform = covcmd_cell(rows, r, "platform");
	const char *detail = covcmd_cell(rows, r, "analytics (log sources)");

	*score = covcmd_number(rows, r, "analytics");
	strbuf_printf(comment, "%s: %s", platform ? platform : "",
		      detail ? detail : "");
}

static const char *const colors[] = {"#ffffff", "#8ec843"};
static const navigator_legend legend[] = {
	{"detectable by few analytics", "#ffffff"},
	{"detectable by the most analytics", "#8ec843"},
};

static const struct covlayer layer = {
	.query = "feasible",
	.id_column = "id",
	.map = map_row,
	.colors = colors,
	.ncolors = 2,
	.legend = legend,
	.nlegend = 2,
};

static int cmd_feasible_run(struct kb_ctx *ctx, int argc, char **argv)
{
	struct covcmd c;
	const char *query = "feasible";
	int rc;

	if ((rc = covcmd_parse(&c, &cmd_feasible, argc, argv,
			       COVCMD_BY | COVCMD_LOG_SOURCES |
				       COVCMD_NO_SETS)))
		goto done;
	if (optind < argc) {
		rc = cli_usage(&cmd_feasible, "unexpected argument '%s'",
			       argv[optind]);
		goto done;
	}
	if (!c.log_sources) {
		rc = cli_usage(&cmd_feasible, "--log-sources FILE is needed");
		goto done;
	}
	if (c.by && strcmp(c.by, "platform") == 0)
		query = "feasible-by-platform";
	else if (c.by && strcmp(c.by, "technique") != 0) {
		rc = cli_usage(&cmd_feasible, "--by takes technique or "
					      "platform, not '%s'",
			       c.by);
		goto done;
	}
	rc = covcmd_run(ctx, &c, query, &layer);
done:
	covcmd_free(&c);
	return rc;
}

const struct kb_command cmd_feasible = {
	.name = "feasible",
	.usage = "--log-sources FILE [--by technique|platform] [--domain D] "
		 "[--format F] [--layer FILE]",
	.summary = "Show what the log sources a team collects can detect",
	.help = "Given the log sources a team collects, which of ATT&CK's\n"
		"analytics can run, hence which techniques are detectable in\n"
		"principle, per platform. FILE has one log source per line,\n"
		"NAME or NAME CHANNEL as ATT&CK's analytics name them:\n"
		"\n"
		"    WinEventLog:Sysmon EventCode=10\n"
		"    WinEventLog:Security EventCode=4688, 4624\n"
		"    auditd:SYSCALL\n"
		"\n"
		"('#' starts a comment). Case and spacing do not matter; a\n"
		"name alone collects every channel; a list of event codes\n"
		"matches a channel that shares one (EventID is EventCode).\n"
		"The match column says whether every log source matched\n"
		"exactly as ATT&CK writes it. Lines that match nothing are\n"
		"listed on stderr.\n"
		"\n"
		"  --log-sources FILE\n"
		"                  the list (required)\n"
		"  --by WORD       technique (default: per platform and\n"
		"                  technique, the analytics and log sources),\n"
		"                  or platform (runnable analytics and\n"
		"                  detectable techniques, out of how many)\n"
		"  --domain D      enterprise (default), mobile or ics\n"
		"  --format F      table (default), json, csv or md\n"
		"  --layer FILE    also write an ATT&CK Navigator layer: the\n"
		"                  detectable techniques scored by analytics\n",
	.flags = CMD_NEEDS_STORE,
	.run = cmd_feasible_run,
};
