/* cli/cmd_ingest.c: `attackkb ingest FILE...`: STIX bundles into the store,
 * all files in one transaction. */
#include "cli/command.h"
#include "cli/ingest_notes.h"
#include "cli/progress.h"
#include "kb/error.h"
#include "kb/store.h"
#include "parser/stix.h"

#include <getopt.h>
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

static int cmd_ingest_run(struct kb_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"domain", required_argument, NULL, 'D'},
		{"release", required_argument, NULL, 'r'},
		{"strict", no_argument, NULL, 's'},
		{"threads", required_argument, NULL, 'j'},
		{0, 0, 0, 0},
	};
	stix_opts so = STIX_OPTS_INIT;
	size_t findings = 0;
	int c, rc = EXIT_OK;

	while ((c = getopt_long(argc, argv, "D:r:sj:", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			so.domain = optarg;
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
			return cli_usage(&cmd_ingest, "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage(&cmd_ingest, "no file to ingest");
	if (kb_store_begin(ctx->store) < 0)
		return cli_error("ingest", "%s", kb_error_last());
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
			return EXIT_FAIL;
		}
		findings += res.findings;
		if (ctx->quiet)
			continue;
		if (res.already)
			fprintf(stderr, "%s: %s %s is already stored; "
					"nothing to do\n",
				argv[i], res.domain, res.version);
		else
			fprintf(stderr,
				"%s: %s %s: %zu objects (%zu new versions), "
				"%zu validation findings%s%s\n",
				argv[i], res.domain, res.version, res.objects,
				res.new_objects, res.findings,
				res.findings ? " (see attackkb check)" : "",
				unknown(&res));
	}
	if (cli_ingest_notes(ctx, argv + optind, argc - optind, so.strict) <
	    0) {
		kb_store_rollback(ctx->store);
		return EXIT_FAIL;
	}
	if (so.strict && findings) {
		kb_store_rollback(ctx->store);
		return cli_error("ingest",
				 "--strict: %zu validation findings; nothing "
				 "was stored",
				 findings);
	}
	if (kb_store_commit(ctx->store) < 0)
		rc = cli_error("ingest", "%s", kb_error_last());
	return rc;
}

const struct kb_command cmd_ingest = {
	.name = "ingest",
	.usage = "[--domain D] [--release X.Y] [--strict] FILE|VAULT_DIR|NOTE.md...",
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
		"warnings fail, leaving the store unchanged.\n",
	.flags = CMD_WRITES_STORE,
	.run = cmd_ingest_run,
};
