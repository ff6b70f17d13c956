/* cli/cmd_releases.c: `attackkb releases`, the named query
 * queries/releases.sql; `releases --git REPO`, the releases a git
 * repository holds, without ingesting (parser/gitrepo.h). */
#include "cli/output.h"
#include "export/format.h"
#include "kb/error.h"
#include "kb/query.h"
#include "kb/store.h"
#include "kb/xalloc.h"
#include "parser/gitrepo.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct kb_command cmd_releases;

static int list_git(int argc, char **argv)
{
	static const struct option opts[] = {
		{"git", required_argument, NULL, 'g'},
		{"ref", required_argument, NULL, 'R'},
		{"domain", required_argument, NULL, 'D'},
		{"format", required_argument, NULL, 'f'},
		{"per-object", no_argument, NULL, 'o'},
		{0, 0, 0, 0},
	};
	static const char *const cols[] = {"domain", "version", "ref",
					   "layout", "path", "commit"};
	const char **refs = xcalloc((size_t)argc, sizeof(char *));
	const char **doms = xcalloc((size_t)argc, sizeof(char *));
	gitrepo_query q = {.all = true};
	gitrepo_release *rels = NULL;
	const char *path = NULL;
	gitrepo *repo = NULL;
	kb_rows *rows = NULL;
	int c, fmt = FORMAT_TABLE, rc = EXIT_OK;
	size_t n = 0;

	while ((c = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			path = optarg;
			break;
		case 'R':
			refs[q.nrefs++] = optarg;
			break;
		case 'D':
			doms[q.ndomains++] = optarg;
			break;
		case 'o':
			q.per_object = true;
			break;
		case 'f':
			if ((fmt = cli_format(&cmd_releases, optarg)) < 0) {
				rc = EXIT_USAGE;
				goto done;
			}
			break;
		default:
			rc = cli_usage(&cmd_releases, "unknown option");
			goto done;
		}
	}
	if (optind < argc) {
		rc = cli_usage(&cmd_releases, "unexpected argument '%s'",
			       argv[optind]);
		goto done;
	}
	q.refs = refs;
	q.domains = doms;
	if (gitrepo_open(&repo, path) < 0 ||
	    gitrepo_releases(&rels, &n, repo, &q) < 0) {
		rc = cli_error("releases", "%s", kb_error_last());
		goto done;
	}
	rows = kb_rows_new(6, cols);
	for (size_t i = 0; i < n; i++) {
		char commit[13];
		const char *cells[6] = {
			rels[i].domain,
			rels[i].version[0] ? rels[i].version : "?",
			rels[i].ref,
			rels[i].layout == GITREPO_BUNDLE ? "bundle" : "objects",
			rels[i].path,
			commit,
		};

		snprintf(commit, sizeof(commit), "%.12s", rels[i].commit);
		kb_rows_add(rows, cells);
	}
	cli_print_rows(rows, fmt);
done:
	kb_rows_free(rows);
	gitrepo_releases_free(rels, n);
	gitrepo_free(repo);
	free(refs);
	free(doms);
	return rc;
}

static int cmd_releases_run(struct kb_ctx *ctx, int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--git") == 0 ||
		    strncmp(argv[i], "--git=", 6) == 0)
			return list_git(argc, argv);
	/* The stored releases: what main() does for CMD_NEEDS_STORE. */
	if (kb_store_open(&ctx->store, ctx->db_path, KB_STORE_READONLY) < 0 ||
	    (ctx->release &&
	     kb_store_select_release(ctx->store, ctx->release) < 0))
		return cli_error("releases", "%s", kb_error_last());
	return cli_run_query_command(ctx, argc, argv);
}

const struct kb_command cmd_releases = {
	.name = "releases",
	.usage = "[--format table|json|csv|md]\n"
		 "       attackkb releases --git REPO [--ref REF]... "
		 "[--domain D]... [--per-object] [--format F]",
	.summary = "List the releases in the store, or in a git repository",
	.help = "Each stored release with its source, SHA-256 and object "
		"counts.\n\n"
		"With --git REPO, the releases a clone of mitre/cti or\n"
		"attack-stix-data holds (every ATT&CK-vX.Y tag and every\n"
		"DOMAIN-X.Y.json file; with --ref, those at the refs given),\n"
		"oldest first, without ingesting: domain, version, the ref\n"
		"and path they are read from, the layout (bundle: one file;\n"
		"objects: one file per object) and the commit.\n",
	.flags = 0, /* --git needs no store; the listing opens it itself */
	.query = "releases",
	.run = cmd_releases_run,
};
