/* cli/main.c: global options, find the command, open the store if the
 * command needs it, and turn the result into an exit code. */
#include "cli/command.h"
#include "kb/error.h"
#include "kb/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
	fprintf(stderr, "usage: attackkb [--db PATH] [--release X.Y] [-q] "
			"COMMAND [ARGS]\n(see attackkb help)\n");
	return EXIT_USAGE;
}

/* Open the store; one an older attackkb made is brought up to date
 * first, even for a command that only reads, if this user may write it. */
static int open_store(kb_store **out, const char *path, unsigned mode)
{
	kb_store *writer;
	char stale[1024];
	int error = kb_store_open(out, path, mode);

	if (error != KB_ESTALE)
		return error;
	snprintf(stale, sizeof(stale), "%s", kb_error_last());
	if (kb_store_open(&writer, path, KB_STORE_WRITE) < 0)
		return kb_error_set(KB_ESTALE, "%s", stale);
	kb_store_close(writer);
	return kb_store_open(out, path, mode);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"release", required_argument, NULL, 'r'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0, 0, 0, 0},
	};
	struct kb_ctx ctx = {0};
	const struct kb_command *cmd;
	int c, rc;

	ctx.db_path = getenv("ATTACKKB_DB");
	if (!ctx.db_path || !*ctx.db_path)
		ctx.db_path = "attack.db";
	while ((c = getopt_long(argc, argv, "+d:r:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			ctx.db_path = optarg;
			break;
		case 'r':
			ctx.release = optarg;
			break;
		case 'q':
			ctx.quiet = true;
			break;
		case 'h':
			return kb_command_find("help")->run(&ctx, 1, argv);
		case 'V':
			printf("attackkb %s (store schema %d)\n", KB_VERSION,
			       KB_SCHEMA_VERSION);
			return EXIT_OK;
		default:
			return usage();
		}
	}
	if (optind >= argc)
		return usage();
	if (!(cmd = kb_command_find(argv[optind]))) {
		fprintf(stderr, "attackkb: '%s' is not a command "
				"(or is an ambiguous prefix)\n",
			argv[optind]);
		return usage();
	}
	argc -= optind;
	argv += optind;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return cli_help(cmd);
	/* --release selects what a reading command shows, by shadowing
	 * current_member in TEMP; a command that writes refreshes the real
	 * table, so it may not have it. */
	if (ctx.release && (cmd->flags & CMD_WRITES_STORE)) {
		fprintf(stderr, "attackkb: %s: --release before the command "
				"selects what a reading command shows; the "
				"release of a STIX 2.0 bundle goes after it: "
				"attackkb %s --release X.Y FILE\n",
			cmd->name, cmd->name);
		return EXIT_USAGE;
	}
	if (cmd->flags & (CMD_NEEDS_STORE | CMD_WRITES_STORE)) {
		/* A new store appears only when the command succeeds. */
		unsigned mode = cmd->flags & CMD_WRITES_STORE
					? KB_STORE_WRITE | KB_STORE_CREATE |
						  KB_STORE_BUILD
					: KB_STORE_READONLY;

		if (open_store(&ctx.store, ctx.db_path, mode) < 0)
			return cli_error(cmd->name, "%s", kb_error_last());
		/* A command that only reads runs many statements (show runs
		 * dozens): one snapshot for all, so an ingest committing
		 * meanwhile shows up entirely or not at all. */
		if (!(cmd->flags & CMD_WRITES_STORE) &&
		    kb_store_snapshot(ctx.store) < 0) {
			rc = cli_error(cmd->name, "%s", kb_error_last());
			kb_store_close(ctx.store);
			return rc;
		}
		if (ctx.release &&
		    kb_store_select_release(ctx.store, ctx.release) < 0) {
			rc = cli_error(cmd->name, "%s", kb_error_last());
			kb_store_close(ctx.store);
			return rc;
		}
	}
	ctx.cmd = cmd;
	optind = 0; /* each command parses its own options with getopt */
	rc = cmd->run(&ctx, argc, argv);
	if (rc == EXIT_OK && ctx.store && kb_store_publish(ctx.store) < 0)
		rc = cli_error(cmd->name, "%s", kb_error_last());
	kb_store_close(ctx.store);
	if (fflush(stdout) != 0 || ferror(stdout))
		return cli_error(NULL, "cannot write output");
	return rc;
}
