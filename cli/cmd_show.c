/* cli/cmd_show.c: `attackkb show ID|NAME...`: one object as an analyst
 * wants to read it (kb_describe), in any output format. */
#include "cli/output.h"
#include "export/format.h"
#include "kb/describe.h"
#include "kb/error.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

extern const struct kb_command cmd_show;

static int cmd_show_run(struct kb_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"domain", required_argument, NULL, 'D'},
		{0, 0, 0, 0},
	};
	const char *domain = NULL;
	int c, fmt = FORMAT_TABLE, rc = EXIT_OK;

	while ((c = getopt_long(argc, argv, "f:D:", opts, NULL)) != -1) {
		if (c == 'f' && (fmt = cli_format(&cmd_show, optarg)) < 0)
			return EXIT_USAGE;
		if (c == 'D')
			domain = optarg;
		if (c != 'f' && c != 'D')
			return cli_usage(&cmd_show, "unknown option");
	}
	if (optind >= argc)
		return cli_usage(&cmd_show, "which object? (an ID like T1136, "
					    "or a name)");
	for (int i = optind; i < argc; i++) {
		kb_doc *doc;
		char full[64];

		/* "enterprise" is "enterprise-attack" */
		if (domain && !strchr(domain, '-')) {
			snprintf(full, sizeof(full), "%.40s-attack", domain);
			domain = full;
		}
		if (kb_describe(&doc, ctx->store, argv[i], domain) < 0) {
			rc = cli_error("show", "%s", kb_error_last());
			continue;
		}
		if (i > optind && fmt == FORMAT_TABLE)
			fputc('\n', stdout);
		format_doc(stdout, doc, fmt, format_width(stdout));
		kb_doc_free(doc);
	}
	return rc;
}

const struct kb_command cmd_show = {
	.name = "show",
	.usage = "[--format F] [--domain D] ID|NAME...",
	.summary = "Show an object with everything around it",
	.help = "For a technique: tactics, platforms, parent or sub-techniques,\n"
		"description, mitigations with how they apply, procedure\n"
		"examples, detection strategies with their analytics and log\n"
		"sources, and references. Other types show what relates to\n"
		"them. IDs may be in any case; names must match exactly\n"
		"(ignoring case).\n\n"
		"  --domain D    enterprise, mobile or ics, for objects in several\n"
		"  --format F    table (default), json, csv or md\n",
	.flags = CMD_NEEDS_STORE,
	.run = cmd_show_run,
};
