/* cli/commands.c: the command table, one row per subcommand, sorted. */
#include "cli/command.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

extern const struct kb_command cmd_check;
extern const struct kb_command cmd_coverage;
extern const struct kb_command cmd_detected_not_mitigated;
extern const struct kb_command cmd_diff;
extern const struct kb_command cmd_export;
extern const struct kb_command cmd_feasible;
extern const struct kb_command cmd_gaps;
extern const struct kb_command cmd_group_exposure;
extern const struct kb_command cmd_help;
extern const struct kb_command cmd_history;
extern const struct kb_command cmd_ingest;
extern const struct kb_command cmd_mitigated_not_detected;
extern const struct kb_command cmd_mitigation_priorities;
extern const struct kb_command cmd_query;
extern const struct kb_command cmd_releases;
extern const struct kb_command cmd_search;
extern const struct kb_command cmd_show;
extern const struct kb_command cmd_sql;
extern const struct kb_command cmd_stats;
extern const struct kb_command cmd_vault_check;

const struct kb_command *const kb_commands[] = {
	&cmd_check,
	&cmd_coverage,
	&cmd_detected_not_mitigated,
	&cmd_diff,
	&cmd_export,
	&cmd_feasible,
	&cmd_gaps,
	&cmd_group_exposure,
	&cmd_help,
	&cmd_history,
	&cmd_ingest,
	&cmd_mitigated_not_detected,
	&cmd_mitigation_priorities,
	&cmd_query,
	&cmd_releases,
	&cmd_search,
	&cmd_show,
	&cmd_sql,
	&cmd_stats,
	&cmd_vault_check,
	NULL,
};

const struct kb_command *kb_command_find(const char *name)
{
	const struct kb_command *found = NULL;
	size_t n = strlen(name);

	for (size_t i = 0; kb_commands[i]; i++) {
		if (strcmp(kb_commands[i]->name, name) == 0)
			return kb_commands[i];
		if (n && strncmp(kb_commands[i]->name, name, n) == 0) {
			if (found)
				return NULL; /* ambiguous prefix */
			found = kb_commands[i];
		}
	}
	return found;
}

int cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "attackkb: %s%s", cmd ? cmd : "", cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

int cli_usage(const struct kb_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "attackkb: %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: attackkb %s %s\n(see attackkb %s --help)\n",
		cmd->name, cmd->usage, cmd->name);
	return EXIT_USAGE;
}

int cli_help(const struct kb_command *cmd)
{
	printf("usage: attackkb [--db PATH] %s %s\n\n%s.\n", cmd->name,
	       cmd->usage, cmd->summary);
	if (cmd->help && *cmd->help)
		printf("\n%s", cmd->help);
	return EXIT_OK;
}
