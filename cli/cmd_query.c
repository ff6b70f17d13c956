/* cli/cmd_query.c: `attackkb query NAME [ARGS]`, the named queries kept
 * as commented .sql files in queries/ and built into the binary. */
#include "cli/output.h"
#include "kb/query.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct kb_command cmd_query;

static int list_queries(void)
{
	for (const struct kb_named_query *q = kb_named_queries; q->name; q++) {
		char *desc = kb_query_describe(q), *nl = strchr(desc, '\n');

		/* The first comment line is the usage; the rest describes. */
		printf("%s\n", desc);
		(void)nl;
		free(desc);
	}
	return EXIT_OK;
}

static int cmd_query_run(struct kb_ctx *ctx, int argc, char **argv)
{
	int fmt;

	if (argc == 2 && (strcmp(argv[1], "--list") == 0 ||
			  strcmp(argv[1], "-l") == 0))
		return list_queries();
	if ((fmt = cli_format_only(&cmd_query, argc, argv)) < 0)
		return EXIT_USAGE;
	if (optind >= argc)
		return cli_usage(&cmd_query, "which query? (attackkb query "
					     "--list)");
	return cli_run_named(ctx, &cmd_query, argv[optind], argv + optind + 1,
			     argc - optind - 1, fmt);
}

const struct kb_command cmd_query = {
	.name = "query",
	.usage = "[--format F] NAME [ARGS] | --list",
	.summary = "Run a named query (attackkb query --list describes them)",
	.help = "The named queries are the commented SQL files of queries/ in\n"
		"the source tree, compiled into attackkb. They read the public\n"
		"views of docs/schema.md.\n\n"
		"  --list        describe every query\n"
		"  --format F    table (default), json, csv or md\n",
	.flags = CMD_NEEDS_STORE,
	.run = cmd_query_run,
};
