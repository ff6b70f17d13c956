/* cli/cmd_sql.c: `attackkb sql "SELECT ..."`: analysts' own SQL over the
 * public views, on a connection that cannot change the store. */
#include "cli/output.h"
#include "kb/error.h"
#include "kb/query.h"
#include "kb/strbuf.h"

#include <getopt.h>
#include <stdio.h>

extern const struct kb_command cmd_sql;

static int cmd_sql_run(struct kb_ctx *ctx, int argc, char **argv)
{
	strbuf sql = STRBUF_INIT;
	kb_rows *rows;
	int fmt = cli_format_only(&cmd_sql, argc, argv);

	if (fmt < 0)
		return EXIT_USAGE;
	if (optind >= argc)
		return cli_usage(&cmd_sql, "no SQL given");
	for (int i = optind; i < argc; i++)
		strbuf_printf(&sql, "%s%s", i > optind ? " " : "", argv[i]);
	if (kb_rows_query_readonly(&rows, ctx->store, sql.ptr) < 0) {
		strbuf_free(&sql);
		return cli_error("sql", "%s", kb_error_last());
	}
	strbuf_free(&sql);
	cli_print_rows(rows, fmt);
	kb_rows_free(rows);
	return EXIT_OK;
}

const struct kb_command cmd_sql = {
	.name = "sql",
	.usage = "[--format F] \"SELECT ...\"",
	.summary = "Run read-only SQL over the store (docs/schema.md)",
	.help = "The store is opened read-only and only statements that read\n"
		"are accepted. The public views (techniques, mitigates, uses,\n"
		"detects, analytics, refs, ...) are described in docs/schema.md.\n"
		"Several statements may be given; the last result is printed.\n\n"
		"  --format F    table (default), json, csv or md\n",
	.flags = CMD_NEEDS_STORE,
	.run = cmd_sql_run,
};
