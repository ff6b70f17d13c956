/* cli/ingest_git.c: `attackkb ingest --git REPO`: releases straight from a
 * git repository (parser/gitrepo.h), all in one transaction; and the
 * one-line summary of an ingested release that every STIX path prints. */
#include "cli/ingest_git.h"
#include "cli/progress.h"
#include "kb/error.h"
#include "kb/store.h"
#include "kb/xalloc.h"
#include "parser/gitrepo.h"

#include <stdio.h>
#include <stdlib.h>

extern const struct kb_command cmd_ingest;

/* ", 3 objects of unknown types and 12 unknown fields kept", or "". */
static const char *unknown(const stix_result *res)
{
	static char buf[128];

	if (!res->unknown_types && !res->unknown_fields)
		return "";
	snprintf(buf, sizeof(buf),
		 "; kept without modelling them: %zu objects of unknown "
		 "types, %zu unknown fields",
		 res->unknown_types, res->unknown_fields);
	return buf;
}

void cli_report_release(const struct kb_ctx *ctx, const char *what,
			const stix_result *res)
{
	if (ctx->quiet)
		return;
	if (res->already)
		fprintf(stderr, "%s: %s %s is already stored; nothing to do\n",
			what, res->domain, res->version);
	else
		fprintf(stderr,
			"%s: %s %s: %zu objects (%zu new versions), "
			"%zu validation findings%s%s\n",
			what, res->domain, res->version, res->objects,
			res->new_objects, res->findings,
			res->findings ? " (see attackkb check)" : "",
			unknown(res));
}

/* Every selected release of the repository, oldest first, in one
 * transaction. Errors are one line: what failed, and that nothing was
 * stored. */
int cli_ingest_git(struct kb_ctx *ctx, const struct git_args *ga,
		   stix_opts *so)
{
	gitrepo_query q = {
		.refs = ga->refs,
		.nrefs = ga->nrefs,
		.domains = ga->domains,
		.ndomains = ga->ndomains,
		.version = so->release,
		.all = ga->all,
		.per_object = ga->per_object,
	};
	gitrepo_release *rels = NULL;
	gitrepo *repo = NULL;
	size_t n = 0, findings = 0;
	int error, rc = EXIT_OK;

	if ((error = gitrepo_open(&repo, ga->repo)) < 0 ||
	    (error = gitrepo_releases(&rels, &n, repo, &q)) < 0) {
		rc = error == KB_EUSAGE
			     ? cli_usage(&cmd_ingest, "%s", kb_error_last())
			     : cli_error("ingest", "%s", kb_error_last());
		goto done;
	}
	if (!n) {
		rc = cli_error("ingest", "%s: no release%s%s%s matches",
			       ga->repo, so->release ? " " : "",
			       so->release ? so->release : "",
			       ga->ndomains ? " of the domains asked for" : "");
		goto done;
	}
	if (kb_store_begin(ctx->store) < 0) {
		rc = cli_error("ingest", "%s", kb_error_last());
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		char *what = xasprintf("%s@%s:%s", ga->repo, rels[i].ref,
				       rels[i].path);
		struct progress pg;
		stix_result res;

		if (!ctx->quiet && n > 1)
			fprintf(stderr, "[%zu/%zu] %s %s\n", i + 1, n,
				rels[i].domain,
				rels[i].version[0] ? rels[i].version : "?");
		progress_init(&pg, what, ctx->quiet);
		so->progress = progress_update;
		so->progress_ud = &pg;
		error = gitrepo_ingest(ctx->store, repo, &rels[i], so, &res);
		progress_end(&pg);
		if (error < 0) {
			free(what);
			kb_store_rollback(ctx->store);
			rc = cli_error("ingest", "%s (nothing was stored)",
				       kb_error_last());
			goto done;
		}
		findings += res.findings;
		cli_report_release(ctx, what, &res);
		free(what);
	}
	if (so->strict && findings) {
		kb_store_rollback(ctx->store);
		rc = cli_error("ingest",
			       "--strict: %zu validation findings; nothing "
			       "was stored",
			       findings);
	} else if (kb_store_commit(ctx->store) < 0) {
		rc = cli_error("ingest", "%s", kb_error_last());
	}
done:
	gitrepo_releases_free(rels, n);
	gitrepo_free(repo);
	return rc;
}

