/* cli/ingest_git.h: the --git branch of `attackkb ingest`. */
#ifndef CLI_INGEST_GIT_H
#define CLI_INGEST_GIT_H

#include "cli/command.h"
#include "parser/stix.h"

#include <stdbool.h>
#include <stddef.h>

/* What --git and its companions asked for. */
struct git_args {
	const char *repo;     /* --git */
	const char **refs;    /* --ref, repeatable */
	size_t nrefs;
	const char **domains; /* --domain, repeatable */
	size_t ndomains;
	bool all;             /* --all-releases */
	bool per_object;      /* --per-object */
};

/* Every selected release of the repository, oldest first, in one
 * transaction. Returns an exit code (messages printed). */
int cli_ingest_git(struct kb_ctx *ctx, const struct git_args *ga,
		   stix_opts *so);

/* "WHAT: enterprise-attack 18.1: N objects (...)" on stderr, unless -q. */
void cli_report_release(const struct kb_ctx *ctx, const char *what,
			const stix_result *res);

#endif
