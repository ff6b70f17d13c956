/* cli/output.c: --format handling and named-query printing. */
#include "cli/output.h"

#include <getopt.h>
#include "export/format.h"
#include "kb/error.h"
#include "kb/query.h"

#include <getopt.h>
#include <stdio.h>

int cli_format(const struct kb_command *cmd, const char *arg)
{
	int fmt = format_parse(arg);

	if (fmt < 0)
		cli_usage(cmd, "--format takes table, json, csv or md, not '%s'",
			  arg);
	return fmt;
}

void cli_print_rows(const kb_rows *rows, int fmt)
{
	format_rows(stdout, rows, fmt, format_width(stdout));
}

int cli_run_named(struct kb_ctx *ctx, const struct kb_command *cmd,
		  const char *name, char **args, int nargs, int fmt)
{
	const struct kb_named_query *q = kb_query_find(name);
	kb_rows *rows;
	int want;

	if (!q)
		return cli_usage(cmd, "no query '%s' (see attackkb query "
				      "--list)",
				 name);
	want = kb_query_nparams(q);
	if (nargs != want)
		return cli_usage(cmd, "query %s takes %d argument%s, not %d",
				 name, want, want == 1 ? "" : "s", nargs);
	if (kb_rows_query(&rows, ctx->store, q->sql,
			  (const char *const *)args, (size_t)nargs) < 0)
		return cli_error(cmd->name, "%s: %s", name, kb_error_last());
	cli_print_rows(rows, fmt);
	kb_rows_free(rows);
	return EXIT_OK;
}

int cli_format_only(const struct kb_command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{0, 0, 0, 0},
	};
	int c, fmt = FORMAT_TABLE;

	while ((c = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
		if (c != 'f') {
			cli_usage(cmd, "unknown option");
			return -1;
		}
		if ((fmt = cli_format(cmd, optarg)) < 0)
			return -1;
	}
	return fmt;
}

int cli_run_query_command(struct kb_ctx *ctx, int argc, char **argv)
{
	int fmt = cli_format_only(ctx->cmd, argc, argv);

	if (fmt < 0)
		return EXIT_USAGE;
	if (optind < argc)
		return cli_usage(ctx->cmd, "unexpected argument '%s'",
				 argv[optind]);
	return cli_run_named(ctx, ctx->cmd, ctx->cmd->query, NULL, 0, fmt);
}
