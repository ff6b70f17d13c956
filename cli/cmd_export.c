/* cli/cmd_export.c: `attackkb export FORMAT ...`: the store in another
 * tool's format; one row per format in the table at the end. */
#include "cli/command.h"
#include "export/obsidian.h"
#include "kb/error.h"
#include "kb/xalloc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct kb_command cmd_export;

/* Print the report: the counts, then every file that needs a look. */
static void print_report(const obsidian_result *r, const char *dir,
			 bool dry_run)
{
	static const vault_status shown[] = {
	    VAULT_ADDED,   VAULT_CHANGED, VAULT_UNCHANGED,
	    VAULT_CONFLICT, VAULT_FOREIGN, VAULT_STALE};
	const vault_report *rep = &r->report;

	printf("%sATT&CK %s -> %s: %zu files\n", dry_run ? "(dry run) " : "",
	       r->release, dir, r->files);
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		printf("%s%zu %s%s", i ? ", " : "", rep->count[shown[i]],
		       vault_status_name(shown[i]),
		       shown[i] == VAULT_CONFLICT && rep->count[shown[i]] != 1
			   ? "s"
			   : "");
	if (rep->count[VAULT_ADOPTED])
		printf(", %zu adopted", rep->count[VAULT_ADOPTED]);
	if (rep->count[VAULT_REMOVED])
		printf(", %zu removed", rep->count[VAULT_REMOVED]);
	putchar('\n');
	for (size_t i = 0; i < rep->n; i++) {
		const vault_item *it = &rep->items[i];

		if (it->status != VAULT_CONFLICT &&
		    it->status != VAULT_FOREIGN && it->status != VAULT_STALE &&
		    it->status != VAULT_REMOVED)
			continue;
		printf("%-9s %s", vault_status_name(it->status), it->path);
		if (it->detail)
			printf(": %s", it->detail);
		if (it->conflict_path)
			printf("; new version: %s", it->conflict_path);
		putchar('\n');
	}
	if (r->committed)
		printf("committed %.12s\n", r->commit);
}

static int export_obsidian(struct kb_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"domain", required_argument, NULL, 'D'},
		{"git", no_argument, NULL, 'g'},
		{"prune", no_argument, NULL, 'p'},
		{"dry-run", no_argument, NULL, 'n'},
		{"sync", no_argument, NULL, 's'},
		{0, 0, 0, 0},
	};
	obsidian_opts oo = {0};
	obsidian_result res;
	char **domains = xcalloc((size_t)argc + 1, sizeof(*domains));
	size_t nd = 0;
	int c, rc = EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "D:gpns", opts, NULL)) != -1) {
		switch (c) {
		case 'D': /* repeated, or "enterprise,mobile" */
			for (char *s = optarg, *e; *s; s = e + (*e != '\0')) {
				e = s + strcspn(s, ",");
				if (e > s && nd < (size_t)argc)
					domains[nd++] =
						xstrndup(s, (size_t)(e - s));
			}
			break;
		case 'g':
			oo.git = true;
			break;
		case 'p':
			oo.prune = true;
			break;
		case 'n':
			oo.dry_run = true;
			break;
		case 's':
			oo.sync = true;
			break;
		default:
			rc = cli_usage(&cmd_export, "unknown option");
			goto done;
		}
	}
	if (optind + 1 != argc) {
		rc = cli_usage(&cmd_export, optind >= argc
						? "export obsidian DIR: which "
						  "folder?"
						: "too many arguments");
		goto done;
	}
	oo.domains = (const char *const *)domains;
	if (obsidian_export(ctx->store, argv[optind], &oo, &res) < 0)
		rc = cli_error("export", "%s", kb_error_last());
	else
		print_report(&res, argv[optind], oo.dry_run);
	obsidian_result_free(&res);
done:
	for (size_t i = 0; i < nd; i++)
		free(domains[i]);
	free(domains);
	return rc;
}

/* The formats: each run() gets argv from the format's name on. */
static const struct {
	const char *name;
	int (*run)(struct kb_ctx *ctx, int argc, char **argv);
} formats[] = {
	{"obsidian", export_obsidian},
};

static int cmd_export_run(struct kb_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(&cmd_export, "export to which format?");
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(argv[1], formats[i].name) == 0)
			return formats[i].run(ctx, argc - 1, argv + 1);
	return cli_usage(&cmd_export, "no format '%s'", argv[1]);
}

const struct kb_command cmd_export = {
	.name = "export",
	.usage = "obsidian DIR [--domain D]... [--git] [--prune] [--dry-run] "
		 "[--sync]",
	.summary = "Write the store out for another tool (an Obsidian vault)",
	.help =
	    "export obsidian DIR writes or updates an Obsidian vault in DIR:\n"
	    "one note per technique, sub-technique, tactic, mitigation,\n"
	    "group, software, campaign, data source, data component,\n"
	    "detection strategy (with its analytics) and asset, revoked and\n"
	    "deprecated ones included (their notes say so); an index note\n"
	    "per type and per domain; each domain's matrix as a note and as a\n"
	    "canvas. Files are named \"T1136 Create Account.md\", unique in\n"
	    "the vault and valid on Windows, macOS and Linux.\n\n"
	    "Generated text sits between %% attackkb:begin %% and\n"
	    "%% attackkb:end %% lines; write your own notes above or below\n"
	    "it, and add your own properties (attackkb owns aliases, tags,\n"
	    "attack_id, attack_type, url, domains, version, created,\n"
	    "modified, tactics, platforms, parent, revoked_by, deprecated,\n"
	    "revoked). Re-exporting keeps your text byte for byte and writes\n"
	    "only what changed. A note whose generated part you edited is\n"
	    "left alone: the new version goes beside it as\n"
	    "NAME.attackkb-new.md (a conflict). Files attackkb did not write\n"
	    "are never touched. DIR/.attackkb/manifest records what attackkb\n"
	    "wrote, DIR/.attackkb/release the releases the vault was\n"
	    "generated from (attackkb vault-check lists the notes of\n"
	    "techniques changed since).\n\n"
	    "  --domain D    only domain D (enterprise, mobile, ics);\n"
	    "                repeat it or use commas for several;\n"
	    "                default: every domain in the store\n"
	    "  --prune       delete notes of objects no longer exported,\n"
	    "                if nobody edited them (else they are reported)\n"
	    "  --git         commit the export in DIR's git repository\n"
	    "                (created if needed): one commit per export that\n"
	    "                changed something, holding only what attackkb\n"
	    "                wrote\n"
	    "  --dry-run     report what would change, write nothing\n"
	    "  --sync        fsync every file (survives a power cut;\n"
	    "                slower)\n\n"
	    "The global --release X.Y exports an older stored release.\n",
	.flags = CMD_NEEDS_STORE,
	.run = cmd_export_run,
};
