/* cli/ingest_notes.c: `attackkb ingest VAULT_DIR` and `attackkb ingest
 * NOTE.md...`: notes into the store, warnings summarised. */
#include "cli/ingest_notes.h"
#include "cli/progress.h"
#include "kb/detection.h"
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/notedet.h"
#include "kb/store.h"
#include "kb/xalloc.h"
#include "parser/noteingest.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* What a folder holds, looking below it (hidden folders skipped, at most
 * KB_MAX_VAULT_DEPTH deep): bit 1 a Markdown note or an .obsidian folder,
 * bit 2 a rule file (.yml, .yaml, .csv, .tsv). Stops at the first note. */
static unsigned folder_holds(const char *dir, int depth)
{
	unsigned found = 0;
	struct dirent *e;
	DIR *d;

	if (depth > KB_MAX_VAULT_DEPTH || !(d = opendir(dir)))
		return 0;
	while (!(found & 1) && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		const char *dot = strrchr(e->d_name, '.');

		if (strcmp(e->d_name, ".obsidian") == 0)
			found |= 1;
		if (e->d_name[0] == '.')
			continue;
		if (n > 3 && strcmp(e->d_name + n - 3, ".md") == 0) {
			found |= 1;
		} else if (dot && (strcasecmp(dot, ".yml") == 0 ||
				   strcasecmp(dot, ".yaml") == 0 ||
				   strcasecmp(dot, ".csv") == 0 ||
				   strcasecmp(dot, ".tsv") == 0)) {
			found |= 2;
		} else if (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) {
			char *sub = xasprintf("%s/%s", dir, e->d_name);
			struct stat st;

			if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
				found |= folder_holds(sub, depth + 1);
			free(sub);
		}
	}
	closedir(d);
	return found;
}

bool cli_is_notes_arg(const char *arg)
{
	struct stat st;
	size_t n = strlen(arg);

	/* A folder of notes is a vault; a folder of rules only is not. */
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return folder_holds(arg, 0) != 2;
	return n > 3 && strcmp(arg + n - 3, ".md") == 0;
}

/* Print the warnings: all with -v or up to 20, then a count. */
static void print_warnings(const noteingest_result *res, bool quiet)
{
	size_t shown = res->nwarnings < 20 ? res->nwarnings : 20;

	if (quiet)
		return;
	for (size_t i = 0; i < shown; i++)
		fprintf(stderr, "%s\n", res->warnings[i]);
	if (shown < res->nwarnings)
		fprintf(stderr, "... and %zu more warnings\n",
		        res->nwarnings - shown);
}

static int report(struct kb_ctx *ctx, const char *what,
                  const noteingest_result *res, bool strict)
{
	print_warnings(res, ctx->quiet && !strict);
	if (strict && res->nwarnings)
		return cli_error("ingest",
		                 "--strict: %zu warnings in %s; nothing was "
		                 "stored",
		                 res->nwarnings, what) ? -1 : -1;
	if (!ctx->quiet)
		fprintf(stderr,
		        "%s: %zu notes (%zu new or changed, %zu forgotten), "
		        "%zu warnings; vault graph: %zu objects and "
		        "relationships, %zu of them behind STIX ones\n",
		        what, res->stats.notes, res->stats.changed,
		        res->stats.removed, res->nwarnings, res->stats.objects,
		        res->stats.shadowed);
	return 0;
}

/* A vault's detection notes into set_name, else the set named after its
 * folder (skipped, with a message, when that is no valid set name). */
static int ingest_detection_notes(struct kb_ctx *ctx, const char *vault,
                                  const char *set_name)
{
	char *copy = xstrdup(vault), *base;
	size_t len = strlen(copy), nrules;
	int rc = 0;

	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	base = strrchr(copy, '/') ? strrchr(copy, '/') + 1 : copy;
	if (!set_name && kb_detection_check_set_name(base) < 0) {
		if (!ctx->quiet)
			fprintf(stderr,
			        "%s: detection notes not imported: '%s' is "
			        "no detection set name (use --set NAME)\n",
			        vault, base);
	} else if (kb_notedet_import(ctx->store, set_name ? set_name : base,
	                             vault, &nrules) < 0) {
		cli_error("ingest", "%s", kb_error_last());
		rc = -1;
	} else if (nrules && !ctx->quiet) {
		fprintf(stderr, "%s: %zu detection notes: detection set %s\n",
		        vault, nrules, set_name ? set_name : base);
	}
	free(copy);
	return rc;
}

int cli_ingest_notes(struct kb_ctx *ctx, char **args, int n, bool strict,
                     const char *set_name)
{
	char **files = malloc(sizeof(char *) * (size_t)(n + 1));
	int nfiles = 0, rc = 0;

	for (int i = 0; i < n && rc == 0; i++) {
		noteingest_opts o = NOTEINGEST_OPTS_INIT;
		noteingest_result res;
		struct progress pg;
		struct stat st;

		if (!cli_is_notes_arg(args[i]))
			continue;
		if (stat(args[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
			files[nfiles++] = args[i];
			continue;
		}
		progress_init(&pg, args[i], ctx->quiet);
		o.progress = progress_update;
		o.progress_ud = &pg;
		if (noteingest_vault(ctx->store, args[i], &o, &res) < 0) {
			progress_end(&pg);
			cli_error("ingest", "%s", kb_error_last());
			rc = -1;
		} else {
			progress_end(&pg);
			rc = report(ctx, args[i], &res, strict);
			if (rc == 0)
				rc = ingest_detection_notes(ctx, args[i],
				                            set_name);
		}
		noteingest_result_free(&res);
	}
	if (rc == 0 && nfiles) {
		noteingest_result res;

		if (noteingest_files(ctx->store, files, (size_t)nfiles, NULL,
		                     &res) < 0) {
			cli_error("ingest", "%s", kb_error_last());
			rc = -1;
		} else {
			rc = report(ctx, "notes", &res, strict);
		}
		noteingest_result_free(&res);
	}
	free(files);
	if (rc < 0)
		fprintf(stderr, "attackkb: ingest: nothing was stored; %s is "
		                "as it was\n",
		        kb_store_path(ctx->store));
	return rc;
}
