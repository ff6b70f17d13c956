/* cli/cmd_search.c: `attackkb search TEXT`: ranked full-text search. */
#include "cli/output.h"
#include "export/format.h"
#include "kb/error.h"
#include "kb/query.h"
#include "kb/search.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const struct kb_command cmd_search;

/* The snippet's match marks as bold (terminal), **bold** (Markdown), or
 * nothing. Caller frees. */
static char *render_snippet(const char *s, int fmt, bool tty)
{
	const char *open = "", *close = "";
	strbuf sb = STRBUF_INIT;

	if (fmt == FORMAT_MD)
		open = close = "**";
	else if (fmt == FORMAT_TABLE && tty)
		open = "\033[1m", close = "\033[0m";
	for (; *s; s++) {
		if (*s == KB_MARK_OPEN)
			strbuf_puts(&sb, open);
		else if (*s == KB_MARK_CLOSE)
			strbuf_puts(&sb, close);
		else
			strbuf_putc(&sb, *s);
	}
	return strbuf_detach(&sb);
}

static int cmd_search_run(struct kb_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"domain", required_argument, NULL, 'D'},
		{"type", required_argument, NULL, 't'},
		{"platform", required_argument, NULL, 'p'},
		{"limit", required_argument, NULL, 'n'},
		{"offset", required_argument, NULL, 'o'},
		{0, 0, 0, 0},
	};
	static const char *const cols[] = {"id", "name", "type", "domain",
					   "match", "snippet"};
	kb_search_opts so = KB_SEARCH_OPTS_INIT;
	strbuf text = STRBUF_INIT;
	char domain[64];
	kb_hits *hits;
	kb_rows *rows;
	bool tty = isatty(STDOUT_FILENO);
	int c, fmt = FORMAT_TABLE;

	while ((c = getopt_long(argc, argv, "f:D:t:p:n:o:", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'f':
			if ((fmt = cli_format(&cmd_search, optarg)) < 0)
				return EXIT_USAGE;
			break;
		case 'D':
			snprintf(domain, sizeof(domain), "%.40s%s", optarg,
				 strchr(optarg, '-') ? "" : "-attack");
			so.domain = domain;
			break;
		case 't':
			so.type = optarg;
			break;
		case 'p':
			so.platform = optarg;
			break;
		case 'n':
			so.limit = (size_t)strtoul(optarg, NULL, 10);
			break;
		case 'o':
			so.offset = (size_t)strtoul(optarg, NULL, 10);
			break;
		default:
			return cli_usage(&cmd_search, "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage(&cmd_search, "what to search for?");
	for (int i = optind; i < argc; i++)
		strbuf_printf(&text, "%s%s", i > optind ? " " : "", argv[i]);
	if (kb_search(&hits, ctx->store, text.ptr, &so) < 0) {
		strbuf_free(&text);
		return cli_error("search", "%s", kb_error_last());
	}
	strbuf_free(&text);
	rows = kb_rows_new(6, cols);
	for (size_t i = 0; i < hits->n; i++) {
		const kb_hit *h = &hits->hits[i];
		char *snip = render_snippet(h->snippet, fmt, tty);
		char *id = h->parent && fmt == FORMAT_TABLE
				   ? xasprintf("  %s", h->attack_id)
				   : xstrdup(h->attack_id);
		const char *cells[6] = {id, h->name, h->type, h->domain,
					h->match, snip};

		kb_rows_add(rows, cells);
		free(snip);
		free(id);
	}
	cli_print_rows(rows, fmt);
	if (!ctx->quiet && fmt == FORMAT_TABLE)
		fprintf(stderr, "%zu of %zu hits\n", hits->n, hits->total);
	kb_rows_free(rows);
	kb_hits_free(hits);
	return EXIT_OK;
}

const struct kb_command cmd_search = {
	.name = "search",
	.usage = "[--format F] [--domain D] [--type T] [--platform P] "
		 "[--limit N] [--offset N] TEXT...",
	.summary = "Search names, aliases, descriptions and procedure text",
	.help = "Results are ranked: an exact ATT&CK ID first (a bare number\n"
		"like 1136 finds T1136, S1136, ...), then matches in names,\n"
		"aliases, descriptions and procedure examples; a technique's\n"
		"sub-techniques follow it. \"Quoted words\" are a phrase and a\n"
		"trailing * a prefix; any other character is plain text.\n\n"
		"  --domain D     enterprise, mobile or ics\n"
		"  --type T       technique, group, software, mitigation, ...\n"
		"  --platform P   Windows, Linux, macOS, ...\n"
		"  --limit N      hits to print (default 20); --offset N skips\n"
		"  --format F     table (default), json, csv or md\n",
	.flags = CMD_NEEDS_STORE,
	.run = cmd_search_run,
};
