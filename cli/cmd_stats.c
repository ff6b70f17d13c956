/* cli/cmd_stats.c: `attackkb stats`, the named query queries/stats.sql. */
#include "cli/output.h"

const struct kb_command cmd_stats = {
	.name = "stats",
	.usage = "[--format table|json|csv|md]",
	.summary = "Count the objects of each type in each domain",
	.help = "Live objects, and revoked or deprecated ones, per type and domain\n(of the newest release of each domain, or of --release X.Y).\n",
	.flags = CMD_NEEDS_STORE,
	.query = "stats",
	.run = cli_run_query_command,
};
