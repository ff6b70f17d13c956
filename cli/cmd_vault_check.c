/* cli/cmd_vault_check.c: `attackkb vault-check VAULT_DIR`: a vault's notes
 * compared with the store's current release, without storing them. */
#include "cli/command.h"
#include "cli/output.h"
#include "kb/error.h"
#include "kb/notes.h"
#include "kb/query.h"
#include "parser/noteingest.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

extern const struct kb_command cmd_vault_check;

static int cmd_vault_check_run(struct kb_ctx *ctx, int argc, char **argv)
{
	noteingest_opts o = NOTEINGEST_OPTS_INIT;
	noteingest_result res;
	kb_rows *rows = NULL;
	int fmt = cli_format_only(&cmd_vault_check, argc, argv);

	if (fmt < 0)
		return EXIT_USAGE;
	if (argc - optind != 1)
		return cli_usage(&cmd_vault_check, "which vault? one folder");
	o.temp = true;
	if (noteingest_vault(ctx->store, argv[optind], &o, &res) < 0) {
		noteingest_result_free(&res);
		return cli_error("vault-check", "%s", kb_error_last());
	}
	if (!ctx->quiet)
		for (size_t i = 0; i < res.nwarnings; i++)
			fprintf(stderr, "%s\n", res.warnings[i]);
	if (kb_notes_check(&rows, ctx->store) < 0) {
		noteingest_result_free(&res);
		return cli_error("vault-check", "%s", kb_error_last());
	}
	cli_print_rows(rows, fmt);
	if (!ctx->quiet)
		fprintf(stderr, "%s: %zu notes, %zu problems, %zu warnings\n",
		        argv[optind], res.stats.notes, rows->nrows,
		        res.nwarnings);
	kb_rows_free(rows);
	noteingest_result_free(&res);
	return EXIT_OK;
}

const struct kb_command cmd_vault_check = {
	.name = "vault-check",
	.usage = "[--format F] VAULT_DIR",
	.summary = "Compare an Obsidian vault's notes with the current release",
	.help = "Reads the vault (nothing is stored) and lists, per note:\n"
		"notes for revoked IDs (with the successor) and deprecated\n"
		"objects, IDs no release has, renamed objects, mitigations and\n"
		"sub-techniques the note lists that the release does not and\n"
		"the ones it lacks, links whose folder or target note says\n"
		"another type or ID than their text, links to revoked IDs,\n"
		"duplicate notes for one ID, and links leading nowhere.\n"
		"Columns: note, line, problem, id, detail.\n\n"
		"  --format F    table (default), json, csv or md\n",
	.flags = CMD_NEEDS_STORE,
	.run = cmd_vault_check_run,
};
