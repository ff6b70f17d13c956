/* cli/cmd_check.c: `attackkb check`, the named query queries/findings.sql. */
#include "cli/output.h"

const struct kb_command cmd_check = {
	.name = "check",
	.usage = "[--format table|json|csv|md]",
	.summary = "Report what validation found in the stored releases",
	.help = "Dangling references, relationships whose ends are missing,\nduplicate ATT&CK IDs, analytics naming log sources their data\ncomponent does not list. Findings never stop an ingest unless\nattackkb ingest --strict.\n",
	.flags = CMD_NEEDS_STORE,
	.query = "findings",
	.run = cli_run_query_command,
};
