/* cli/cmd_releases.c: `attackkb releases`, the named query queries/releases.sql. */
#include "cli/output.h"

const struct kb_command cmd_releases = {
	.name = "releases",
	.usage = "[--format table|json|csv|md]",
	.summary = "List the releases in the store",
	.help = "Each stored release with its source, SHA-256 and object counts.\n",
	.flags = CMD_NEEDS_STORE,
	.query = "releases",
	.run = cli_run_query_command,
};
