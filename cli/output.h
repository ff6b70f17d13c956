/* cli/output.h: what the commands that print data share: --format, and
 * running a named query. */
#ifndef CLI_OUTPUT_H
#define CLI_OUTPUT_H

#include "cli/command.h"

typedef struct kb_rows kb_rows;

/* Parse the argument of --format; prints a usage error and returns -1
 * when it is not table, json, csv or md. */
int cli_format(const struct kb_command *cmd, const char *arg);

/* Print rows on stdout in fmt. */
void cli_print_rows(const kb_rows *rows, int fmt);

/* Run the named query with args bound to ?1..?N and print the rows.
 * Returns an exit code. */
int cli_run_named(struct kb_ctx *ctx, const struct kb_command *cmd,
		  const char *name, char **args, int nargs, int fmt);

/* The common loop for commands whose only option is --format: parses
 * argv, leaves the operands at argv[optind..argc). Returns the format, or
 * -1 after printing a usage error. */
int cli_format_only(const struct kb_command *cmd, int argc, char **argv);

/* The run function of commands that print one named query (cmd->query)
 * and take only --format: stats, releases, check. */
int cli_run_query_command(struct kb_ctx *ctx, int argc, char **argv);

#endif
