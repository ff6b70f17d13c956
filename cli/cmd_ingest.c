/* cli/cmd_ingest.c: `attackkb ingest FILE...`: STIX bundles into the store,
 * all files in one transaction; `--git REPO`: releases straight from a git
 * repository (parser/gitrepo.h), also in one transaction. */
#include "cli/command.h"
#include "cli/ingest_notes.h"
#include "cli/progress.h"
#include "kb/error.h"
#include "kb/store.h"
#include "kb/xalloc.h"
#include "parser/gitrepo.h"
#include "parser/stix.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* What --git and its companions asked for. */
struct git_args {
	const char *repo;    /* --git */
	const char **refs;   /* --ref, repeatable */
	size_t nrefs;
	const char **domains; /* --domain, repeatable */
	size_t ndomains;
	bool all;            /* --all-releases */
	bool per_object;     /* --per-object */
};

static void report(const struct kb_ctx *ctx, const char *what,
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
static int ingest_git(struct kb_ctx *ctx, const struct git_args *ga,
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
		report(ctx, what, &res);
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

static int cmd_ingest_run(struct kb_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"domain", required_argument, NULL, 'D'},
		{"release", required_argument, NULL, 'r'},
		{"strict", no_argument, NULL, 's'},
		{"threads", required_argument, NULL, 'j'},
		{"git", required_argument, NULL, 'g'},
		{"ref", required_argument, NULL, 'R'},
		{"all-releases", no_argument, NULL, 'a'},
		{"per-object", no_argument, NULL, 'o'},
		{0, 0, 0, 0},
	};
	stix_opts so = STIX_OPTS_INIT;
	struct git_args ga = {0};
	size_t findings = 0;
	int c, rc = EXIT_OK;

	ga.refs = xcalloc((size_t)argc, sizeof(char *));
	ga.domains = xcalloc((size_t)argc, sizeof(char *));
	while ((c = getopt_long(argc, argv, "D:r:sj:", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			so.domain = optarg;
			ga.domains[ga.ndomains++] = optarg;
			break;
		case 'g':
			ga.repo = optarg;
			break;
		case 'R':
			ga.refs[ga.nrefs++] = optarg;
			break;
		case 'a':
			ga.all = true;
			break;
		case 'o':
			ga.per_object = true;
			break;
		case 'r':
			so.release = optarg;
			break;
		case 's':
			so.strict = true;
			break;
		case 'j':
			so.threads = atoi(optarg);
			break;
		default:
			rc = cli_usage(&cmd_ingest, "unknown option");
			goto done;
		}
	}
	if (ga.repo) {
		if (optind < argc)
			rc = cli_usage(&cmd_ingest,
				       "--git takes no FILE ('%s')",
				       argv[optind]);
		else
			rc = ingest_git(ctx, &ga, &so);
		goto done;
	}
	if (ga.nrefs || ga.all || ga.per_object) {
		rc = cli_usage(&cmd_ingest, "--ref, --all-releases and "
					    "--per-object go with --git");
		goto done;
	}
	if (optind >= argc) {
		rc = cli_usage(&cmd_ingest, "no file to ingest");
		goto done;
	}
	if (kb_store_begin(ctx->store) < 0) {
		rc = cli_error("ingest", "%s", kb_error_last());
		goto done;
	}
	for (int i = optind; i < argc; i++) {
		struct progress pg;
		stix_result res;
		int error;

		if (cli_is_notes_arg(argv[i]))
			continue; /* cli_ingest_notes() below */
		progress_init(&pg, argv[i], ctx->quiet);
		so.progress = progress_update;
		so.progress_ud = &pg;
		error = stix_ingest_file(ctx->store, argv[i], &so, &res);
		progress_end(&pg);
		if (error < 0) {
			kb_store_rollback(ctx->store);
			cli_error("ingest", "%s", kb_error_last());
			fprintf(stderr, "attackkb: ingest: nothing was stored; "
					"%s is as it was\n",
				kb_store_path(ctx->store));
			rc = EXIT_FAIL;
			goto done;
		}
		findings += res.findings;
		report(ctx, argv[i], &res);
	}
	if (cli_ingest_notes(ctx, argv + optind, argc - optind, so.strict) <
	    0) {
		kb_store_rollback(ctx->store);
		rc = EXIT_FAIL;
		goto done;
	}
	if (so.strict && findings) {
		kb_store_rollback(ctx->store);
		rc = cli_error("ingest",
			       "--strict: %zu validation findings; nothing "
			       "was stored",
			       findings);
		goto done;
	}
	if (kb_store_commit(ctx->store) < 0)
		rc = cli_error("ingest", "%s", kb_error_last());
done:
	free(ga.refs);
	free(ga.domains);
	return rc;
}

const struct kb_command cmd_ingest = {
	.name = "ingest",
	.usage = "[--domain D] [--release X.Y] [--strict] FILE|VAULT_DIR|NOTE.md...\n"
		 "       attackkb ingest --git REPO [--ref REF]... "
		 "[--all-releases] [--domain D]... [--release X.Y] "
		 "[--per-object]",
	.summary = "Read ATT&CK STIX bundles (.json or .json.gz) into the store",
	.help = "Each FILE is a STIX 2.0 or 2.1 bundle of one ATT&CK domain,\n"
		"plain or gzipped. All files are stored in one transaction: if\n"
		"one fails, nothing is stored. Ingesting a release that is\n"
		"already stored does nothing.\n\n"
		"  --domain D      the domain, when the bundle has no matrix\n"
		"                  (enterprise, mobile, ics, pre)\n"
		"  --release X.Y   the ATT&CK version, for STIX 2.0 bundles\n"
		"                  whose file name does not end in -X.Y.json\n"
		"  --strict        fail if validation finds anything\n"
		"  --threads N     parser threads (default: one per core)\n\n"
		"A folder is an Obsidian vault: every .md note below it (not in\n"
		".obsidian, .trash, .git or other hidden folders) is stored with\n"
		"its links, tags, mentioned IDs, table rows and references, and\n"
		"the graph the notes describe becomes the 'vault' domain of the\n"
		"views (for IDs no STIX release has). Re-ingesting re-reads only\n"
		"when a note changed and forgets notes deleted from disk.\n"
		"NOTE.md files are stored as notes too. Notes read despite a\n"
		"problem are listed as FILE:LINE warnings; --strict makes\n"
		"warnings fail, leaving the store unchanged.\n\n"
		"With --git, releases are read straight from a clone of\n"
		"mitre/cti or attack-stix-data (bare or not; nothing is\n"
		"checked out), all in one transaction:\n\n"
		"  --git REPO      the repository's folder\n"
		"  --ref REF       a tag, branch or commit (repeatable;\n"
		"                  default HEAD); at each, the newest\n"
		"                  release of each domain\n"
		"  --all-releases  every release the repository holds:\n"
		"                  each ATT&CK-vX.Y tag and each\n"
		"                  DOMAIN-X.Y.json file, oldest first\n"
		"  --domain D      only this domain (repeatable)\n"
		"  --release X.Y   only this release (found at HEAD or its\n"
		"                  tag); names the release when nothing\n"
		"                  else tells\n"
		"  --per-object    read mitre/cti's one-file-per-object\n"
		"                  folders even where the bundle file is\n"
		"                  there too\n\n"
		"The release number comes from the file name, the tag\n"
		"(ATT&CK-v18.1), or the bundle's x-mitre-collection. See\n"
		"the releases a repository holds with attackkb releases\n"
		"--git REPO.\n",
	.flags = CMD_WRITES_STORE,
	.run = cmd_ingest_run,
};
