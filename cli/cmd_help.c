/* cli/cmd_help.c: `attackkb help [COMMAND]`, generated from the table. */
#include "cli/command.h"

#include <stdio.h>
#include <string.h>

extern const struct kb_command cmd_help;

static int cmd_help_run(struct kb_ctx *ctx, int argc, char **argv)
{
	const struct kb_command *cmd;
	int width = 0;

	(void)ctx;
	if (argc > 2)
		return cli_usage(&cmd_help, "too many arguments");
	if (argc == 2) {
		if (!(cmd = kb_command_find(argv[1])))
			return cli_usage(&cmd_help, "no command '%s'",
					 argv[1]);
		return cli_help(cmd);
	}
	printf("usage: attackkb [--db PATH] [--release X.Y] [-q] COMMAND "
	       "[ARGS]\n\n"
	       "The store is --db PATH, else $ATTACKKB_DB, else ./attack.db.\n"
	       "--release X.Y makes a reading command show that stored "
	       "release\ninstead of the newest of each domain.\n"
	       "\ncommands:\n");
	for (size_t i = 0; kb_commands[i]; i++)
		if ((int)strlen(kb_commands[i]->name) > width)
			width = (int)strlen(kb_commands[i]->name);
	for (size_t i = 0; kb_commands[i]; i++)
		printf("  %-*s  %s\n", width, kb_commands[i]->name,
		       kb_commands[i]->summary);
	printf("\n'attackkb COMMAND --help' describes one command.\n");
	return EXIT_OK;
}

const struct kb_command cmd_help = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "List the commands, or describe one",
	.run = cmd_help_run,
};
