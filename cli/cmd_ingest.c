/* cli/cmd_ingest.c: `attackkb ingest`: STIX bundles, Obsidian notes and
 * detection rules, or releases from git, into the store, all in one
 * transaction. This file sorts the operands; cli/ingest_*.c read them. */
#include "cli/command.h"
#include "cli/ingest_detections.h"
#include "cli/ingest_git.h"
#include "cli/ingest_notes.h"
#include "cli/progress.h"
#include "kb/detection.h"
#include "kb/error.h"
#include "kb/store.h"
#include "kb/xalloc.h"
#include "parser/stix.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

extern const struct kb_command cmd_ingest;

/* Each STIX bundle among the operands (not notes, not detection rules). */
static int ingest_bundles(struct kb_ctx *ctx, char **args, int n,
			  stix_opts *so, size_t *findings)
{
	for (int i = 0; i < n; i++) {
		struct progress pg;
		stix_result res;
		int error;

		if (cli_is_notes_arg(args[i]) || cli_is_detection_arg(args[i]))
			continue;
		progress_init(&pg, args[i], ctx->quiet);
		so->progress = progress_update;
		so->progress_ud = &pg;
		error = stix_ingest_file(ctx->store, args[i], so, &res);
		progress_end(&pg);
		if (error < 0)
			return error;
		*findings += res.findings;
		cli_report_release(ctx, args[i], &res);
	}
	return 0;
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
		{"sigma", required_argument, NULL, 'S'},
		{"set", required_argument, NULL, 'n'},
		{0, 0, 0, 0},
	};
	stix_opts so = STIX_OPTS_INIT;
	struct git_args ga = {0};
	struct detinputs dets = {0};
	const char **sigma;
	const char *set_name = NULL;
	size_t findings = 0, nsigma = 0;
	int c, nargs, rc = EXIT_OK;

	ga.refs = xcalloc((size_t)argc, sizeof(char *));
	ga.domains = xcalloc((size_t)argc, sizeof(char *));
	sigma = xcalloc((size_t)argc, sizeof(char *));
	while ((c = getopt_long(argc, argv, "D:r:sj:S:n:", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'D':
			so.domain = optarg;
			ga.domains[ga.ndomains++] = optarg;
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
		case 'S':
			sigma[nsigma++] = optarg;
			break;
		case 'n':
			set_name = optarg;
			break;
		default:
			rc = cli_usage(&cmd_ingest, "unknown option");
			goto done;
		}
	}
	nargs = argc - optind;
	if (ga.repo) {
		rc = nargs ? cli_usage(&cmd_ingest, "--git takes no FILE ('%s')",
				       argv[optind])
			   : cli_ingest_git(ctx, &ga, &so);
		goto done;
	}
	if (ga.nrefs || ga.all || ga.per_object) {
		rc = cli_usage(&cmd_ingest, "--ref, --all-releases and "
					    "--per-object go with --git");
		goto done;
	}
	if (nargs == 0 && nsigma == 0) {
		rc = cli_usage(&cmd_ingest, "no file to ingest");
		goto done;
	}
	if ((set_name && kb_detection_check_set_name(set_name) < 0) ||
	    cli_detections_collect(&dets, sigma, nsigma, argv + optind, nargs,
				   set_name) < 0) {
		rc = cli_usage(&cmd_ingest, "%s", kb_error_last());
		goto done;
	}
	if (kb_store_begin(ctx->store) < 0) {
		rc = cli_error("ingest", "%s", kb_error_last());
		goto done;
	}
	/* Bundles first, so that notes and rules resolve against them. */
	if (ingest_bundles(ctx, argv + optind, nargs, &so, &findings) < 0 ||
	    cli_ingest_notes(ctx, argv + optind, nargs, so.strict,
			     dets.n ? NULL : set_name) < 0 ||
	    cli_ingest_detections(ctx, &dets) < 0) {
		kb_store_rollback(ctx->store);
		if (*kb_error_last())
			cli_error("ingest", "%s", kb_error_last());
		fprintf(stderr, "attackkb: ingest: nothing was stored; %s is "
				"as it was\n",
			kb_store_path(ctx->store));
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
	cli_detections_free(&dets);
	free(sigma);
	free(ga.refs);
	free(ga.domains);
	return rc;
}

const struct kb_command cmd_ingest = {
	.name = "ingest",
	.usage = "[--domain D] [--release X.Y] [--strict] [--set NAME] "
		 "[--sigma DIR] FILE|VAULT_DIR|RULES...\n"
		 "       attackkb ingest --git REPO [--ref REF]... "
		 "[--all-releases] [--domain D]... [--release X.Y] "
		 "[--per-object]",
	.summary = "Read ATT&CK bundles, Obsidian notes and detection rules "
		   "into the store",
	.help = "Everything given is stored in one transaction: if one input\n"
		"fails, nothing is stored.\n"
		"\n"
		"STIX: a FILE is a STIX 2.0 or 2.1 bundle of one ATT&CK domain,\n"
		"plain or gzipped. Ingesting a release already stored does\n"
		"nothing.\n"
		"  --domain D      the domain, when the bundle has no matrix\n"
		"                  (enterprise, mobile, ics, pre)\n"
		"  --release X.Y   the ATT&CK version, for STIX 2.0 bundles\n"
		"                  whose file name does not end in -X.Y.json\n"
		"  --strict        fail on validation findings or note warnings\n"
		"  --threads N     parser threads (default: one per core)\n"
		"\n"
		"Notes: a folder holding Markdown notes is an Obsidian vault:\n"
		"every .md note below it (not in .obsidian, .trash, .git or other\n"
		"hidden folders) is stored with its links, tags, mentioned IDs,\n"
		"table rows and references, and the graph the notes describe\n"
		"becomes the 'vault' domain of the views (for IDs no STIX release\n"
		"has). Re-ingesting re-reads only when a note changed and forgets\n"
		"notes deleted from disk. NOTE.md files are stored as notes too.\n"
		"Notes read despite a problem are listed as FILE:LINE warnings.\n"
		"A vault's detection notes (frontmatter type: detection, or a\n"
		"tag detection) detect the techniques they link: the detection\n"
		"set named after the vault's folder (or --set NAME, when no rule\n"
		"files are given).\n"
		"\n"
		"Detection rules: Sigma rules and MITRE CAR analytics (.yml,\n"
		".yaml), lists of detections (.csv, .tsv: detection,technique\n"
		"[,platform][,status]), or a folder of those with no notes. They\n"
		"form named sets; importing a set again replaces it. Bad files\n"
		"and rows are warned about (FILE:LINE) and skipped. Revoked\n"
		"technique IDs count as their successor; deprecated and unknown\n"
		"ones are reported (attackkb query detection-issues SET).\n"
		"  --sigma DIR     a folder of rules (repeatable)\n"
		"  --set NAME      the set all rules given go to (default: one\n"
		"                  per folder or file, named after it)\n"
		"\n"
		"Git: releases straight from a clone of mitre/cti or\n"
		"attack-stix-data (bare or not; nothing is checked out):\n"
		"  --git REPO      the repository's folder\n"
		"  --ref REF       a tag, branch or commit (repeatable; default\n"
		"                  HEAD): the newest release of each domain there\n"
		"  --all-releases  every release: each ATT&CK-vX.Y tag and each\n"
		"                  DOMAIN-X.Y.json file, oldest first\n"
		"  --domain D      only this domain (repeatable)\n"
		"  --release X.Y   only this release\n"
		"  --per-object    read mitre/cti's one-file-per-object folders\n"
		"                  even where the bundle file is there too\n"
		"The release number comes from the file name, the tag\n"
		"(ATT&CK-v18.1) or the bundle's x-mitre-collection; attackkb\n"
		"releases --git REPO lists what a repository holds.\n",
	.flags = CMD_WRITES_STORE,
	.run = cmd_ingest_run,
};
