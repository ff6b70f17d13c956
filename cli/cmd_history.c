/* cli/cmd_history.c: `attackkb history ID`, every stored release holding
 * an object (the named query queries/history.sql). */
#include "cli/output.h"
#include "kb/error.h"
#include "kb/query.h"

#include <getopt.h>
#include <stdio.h>

extern const struct kb_command cmd_history;

static int cmd_history_run(struct kb_ctx *ctx, int argc, char **argv)
{
	const struct kb_named_query *q = kb_query_find("history");
	int fmt = cli_format_only(&cmd_history, argc, argv);
	const char *id;
	kb_rows *rows;

	if (fmt < 0)
		return EXIT_USAGE;
	if (optind + 1 != argc)
		return cli_usage(&cmd_history, "give one ATT&CK or STIX ID");
	id = argv[optind];
	if (kb_rows_query(&rows, ctx->store, q->sql, &id, 1) < 0)
		return cli_error("history", "%s", kb_error_last());
	if (!rows->nrows) {
		kb_rows_free(rows);
		return cli_error("history",
				 "%s: no stored release holds it (see "
				 "attackkb search)",
				 id);
	}
	cli_print_rows(rows, fmt);
	kb_rows_free(rows);
	return EXIT_OK;
}

const struct kb_command cmd_history = {
	.name = "history",
	.usage = "[--format table|json|csv|md] ID",
	.summary = "Show an object in every stored release",
	.help = "ID is an ATT&CK ID (T1136, M1028, ...) or a STIX ID. One row\n"
		"per stored release holding the object, oldest first: its ID\n"
		"then (a sub-technique that moved had another), type, name,\n"
		"object version (x_mitre_version), modification date, and its\n"
		"status: deprecated, or revoked by its final successor.\n"
		"Ingest several releases to see a history (attackkb ingest\n"
		"--git REPO --all-releases).\n",
	.flags = CMD_NEEDS_STORE,
	.query = "history",
	.run = cmd_history_run,
};
