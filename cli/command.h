/* cli/command.h: the subcommand table entry (tmux's cmd_entry, libgit2's
 * cli_cmd_spec) and the context main() hands every command. */
#ifndef CLI_COMMAND_H
#define CLI_COMMAND_H

#include <stdbool.h>

typedef struct kb_store kb_store;

enum {
	CMD_NEEDS_STORE = 1u << 0,  /* main() opens the store read-only */
	CMD_WRITES_STORE = 1u << 1, /* ... read-write, creating it if needed */
};

/* Exit codes (jq's and git's convention). */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct kb_ctx {
	const char *db_path; /* --db, $ATTACKKB_DB or ./attack.db */
	const char *release; /* --release X.Y, or NULL for the newest */
	kb_store *store;     /* opened by main() for CMD_NEEDS_STORE */
	bool quiet;          /* -q: no progress or summaries on stderr */
	const struct kb_command *cmd; /* the command being run */
};

struct kb_command {
	const char *name;    /* word after `attackkb` */
	const char *usage;   /* options and operands */
	const char *summary; /* one line, shown by `attackkb help` */
	const char *help;    /* the rest of `attackkb NAME --help` */
	unsigned flags;      /* CMD_* */
	const char *query;   /* for cli_run_query_command: the named query */
	int (*run)(struct kb_ctx *ctx, int argc, char **argv); /* exit code */
};

/* The table, sorted by name, NULL-terminated (cli/commands.c). */
extern const struct kb_command *const kb_commands[];

/* Find a command by name or unique prefix; NULL if none or ambiguous. */
const struct kb_command *kb_command_find(const char *name);

/* Print "attackkb: NAME: message" on stderr; returns EXIT_FAIL. */
int cli_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print the usage error and "see attackkb NAME --help"; returns EXIT_USAGE. */
int cli_usage(const struct kb_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print the command's help on stdout; returns EXIT_OK. */
int cli_help(const struct kb_command *cmd);

#endif
