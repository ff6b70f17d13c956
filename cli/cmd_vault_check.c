/* cli/cmd_vault_check.c: `attackkb vault-check VAULT_DIR`: a vault's notes
 * compared with the store's current release, without storing them; and,
 * for a vault attackkb exported, the techniques changed since the release
 * it was generated from. */
#include "cli/command.h"
#include "cli/output.h"
#include "export/obsidian.h"
#include "kb/diff.h"
#include "kb/error.h"
#include "kb/notes.h"
#include "kb/query.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"
#include "parser/noteingest.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct kb_command cmd_vault_check;

/* a < b as release numbers ("9.0" < "17.1"). */
static bool older(const char *a, const char *b)
{
	int am = 0, an = 0, bm = 0, bn = 0;

	sscanf(a, "%d.%d", &am, &an);
	sscanf(b, "%d.%d", &bm, &bn);
	return am < bm || (am == bm && an < bn);
}

/* The diffs from each release the vault at dir was generated from to the
 * selected release of its domain, when that is newer, into *out (*n of
 * them; free with diffs_free()). What cannot be diffed (no record, a
 * release the store does not hold) is said once on stderr, unless quiet,
 * and is no error. Returns 0, KB_EDB or KB_ENOTFOUND (from kb_diff_run). */
static int vault_diffs(kb_diff ***out, size_t *n, kb_store *store,
                       const char *dir, bool quiet)
{
	obsidian_release *rel = NULL;
	size_t nrel = 0;
	strbuf missing = STRBUF_INIT;
	int error;

	*out = NULL;
	*n = 0;
	if ((error = obsidian_releases_read(&rel, &nrel, dir)) < 0) {
		if (!quiet)
			fprintf(stderr,
			        "attackkb: vault-check: %s; changes since then "
			        "are not checked\n",
			        kb_error_last());
		kb_error_clear();
		return 0;
	}
	*out = xcalloc(nrel, sizeof(**out));
	for (size_t i = 0; i < nrel && error == 0; i++) {
		const char *args[] = {rel[i].domain, rel[i].version};
		const char *dom[] = {rel[i].domain};
		kb_diff_side os = {store, rel[i].version}, ns = {store, NULL};
		kb_rows *have = NULL, *cur = NULL;

		if ((error = kb_rows_query(&have, store,
		                           "SELECT 1 FROM release WHERE domain "
		                           "= ?1 AND version = ?2",
		                           args, 2)) < 0 ||
		    (error = kb_rows_query(&cur, store,
		                           "SELECT version FROM current_release "
		                           "WHERE domain = ?1",
		                           args, 1)) < 0)
			goto next;
		if (have->nrows == 0) {
			strbuf_printf(&missing, "%s%s %s",
			              missing.len ? ", " : "", rel[i].domain,
			              rel[i].version);
			goto next;
		}
		if (cur->nrows == 0 ||
		    !older(rel[i].version, kb_rows_get(cur, 0, 0)))
			goto next;
		ns.version = kb_rows_get(cur, 0, 0);
		error = kb_diff_run(&(*out)[*n], &os, &ns, dom, 1);
		if (error == 0)
			(*n)++;
	next:
		kb_rows_free(have);
		kb_rows_free(cur);
	}
	if (missing.len && !quiet)
		fprintf(stderr,
		        "attackkb: vault-check: %s was generated from %s, which "
		        "the store does not hold; changes since then are not "
		        "checked\n",
		        dir, missing.ptr);
	strbuf_free(&missing);
	obsidian_releases_free(rel, nrel);
	return error;
}

static void diffs_free(kb_diff **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kb_diff_free(v[i]);
	free(v);
}

static int cmd_vault_check_run(struct kb_ctx *ctx, int argc, char **argv)
{
	noteingest_opts o = NOTEINGEST_OPTS_INIT;
	noteingest_result res;
	kb_rows *rows = NULL;
	kb_diff **diffs = NULL;
	size_t ndiffs = 0;
	int fmt = cli_format_only(&cmd_vault_check, argc, argv);

	if (fmt < 0)
		return EXIT_USAGE;
	if (argc - optind != 1)
		return cli_usage(&cmd_vault_check, "which vault? one folder");
	o.temp = true;
	if (noteingest_vault(ctx->store, argv[optind], &o, &res) < 0) {
		noteingest_result_free(&res);
		return cli_error("vault-check", "%s", kb_error_last());
	}
	if (!ctx->quiet)
		for (size_t i = 0; i < res.nwarnings; i++)
			fprintf(stderr, "%s\n", res.warnings[i]);
	if (vault_diffs(&diffs, &ndiffs, ctx->store, argv[optind],
	                ctx->quiet) < 0 ||
	    kb_notes_check(&rows, ctx->store,
	                   (const kb_diff *const *)diffs, ndiffs) < 0) {
		diffs_free(diffs, ndiffs);
		noteingest_result_free(&res);
		return cli_error("vault-check", "%s", kb_error_last());
	}
	diffs_free(diffs, ndiffs);
	cli_print_rows(rows, fmt);
	if (!ctx->quiet)
		fprintf(stderr, "%s: %zu notes, %zu problems, %zu warnings\n",
		        argv[optind], res.stats.notes, rows->nrows,
		        res.nwarnings);
	kb_rows_free(rows);
	noteingest_result_free(&res);
	return EXIT_OK;
}

const struct kb_command cmd_vault_check = {
	.name = "vault-check",
	.usage = "[--format F] VAULT_DIR",
	.summary = "Compare an Obsidian vault's notes with the current release",
	.help = "Reads the vault (nothing is stored) and lists, per note:\n"
		"notes for revoked IDs (with the successor) and deprecated\n"
		"objects, IDs no release has, renamed objects, mitigations and\n"
		"sub-techniques the note lists that the release does not and\n"
		"the ones it lacks, links whose folder or target note says\n"
		"another type or ID than their text, links to revoked IDs,\n"
		"duplicate notes for one ID, and links leading nowhere.\n"
		"For a vault attackkb exported (it records the release in\n"
		".attackkb/release), when the store also holds a newer\n"
		"release of that domain: the notes of techniques that\n"
		"changed since (problem 'changed'; the detail names the\n"
		"diff's section and related changes, as `attackkb diff`).\n"
		"Columns: note, line, problem, id, detail.\n\n"
		"  --format F    table (default), json, csv or md\n",
	.flags = CMD_NEEDS_STORE,
	.run = cmd_vault_check_run,
};
