/* cli/ingest_detections.c: the detection-rule branch of `attackkb ingest`:
 * Sigma and CAR YAML, CSV/TSV lists, and folders of them, as named sets. */
#include "cli/ingest_detections.h"
#include "cli/ingest_notes.h"
#include "kb/detection.h"
#include "kb/error.h"
#include "kb/xalloc.h"
#include "parser/detimport.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>


bool cli_is_detection_arg(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return !cli_is_notes_arg(path);
	return dot && (strcasecmp(dot, ".yml") == 0 ||
		       strcasecmp(dot, ".yaml") == 0 ||
		       strcasecmp(dot, ".csv") == 0 ||
		       strcasecmp(dot, ".tsv") == 0);
}

/* The default set name: the folder's or file's name, without extension.
 * Caller frees. */
static char *default_set_name(const char *path)
{
	char *copy = xstrdup(path), *base, *dot, *name;
	char real[PATH_MAX];
	size_t n = strlen(copy);
	struct stat st;

	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	base = strrchr(copy, '/') ? strrchr(copy, '/') + 1 : copy;
	if ((!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) &&
	    realpath(path, real)) {
		free(copy);
		copy = xstrdup(real);
		base = strrchr(copy, '/') ? strrchr(copy, '/') + 1 : copy;
	}
	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode) &&
	    (dot = strrchr(base, '.')) != NULL && dot != base)
		*dot = '\0';
	name = xstrdup(*base ? base : "detections");
	free(copy);
	return name;
}

static void add_detinput(struct detinputs *d, const char *name,
			 const char *path)
{
	struct detinput *s = NULL;

	for (size_t i = 0; i < d->n && !s; i++)
		if (strcmp(d->sets[i].name, name) == 0)
			s = &d->sets[i];
	if (!s) {
		d->sets = xreallocarray(d->sets, d->n + 1, sizeof(*d->sets));
		s = &d->sets[d->n++];
		memset(s, 0, sizeof(*s));
		s->name = xstrdup(name);
	}
	s->paths = xreallocarray(s->paths, s->npaths + 1, sizeof(*s->paths));
	s->paths[s->npaths++] = path;
}

void cli_detections_free(struct detinputs *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->sets[i].name);
		free(d->sets[i].paths);
	}
	free(d->sets);
	memset(d, 0, sizeof(*d));
}

int cli_detections_collect(struct detinputs *d, const char *const *sigma,
			   size_t nsigma, char **args, int nargs,
			   const char *set_name)
{
	for (int i = 0; i < (int)nsigma + nargs; i++) {
		const char *path = i < (int)nsigma ? sigma[i]
						   : args[i - (int)nsigma];
		char *name;

		if (i >= (int)nsigma && !cli_is_detection_arg(path))
			continue;
		name = set_name ? xstrdup(set_name) : default_set_name(path);
		if (!set_name && kb_detection_check_set_name(name) < 0) {
			kb_error_set(KB_EUSAGE, "%s: %s (use --set NAME)",
				     path, kb_error_last());
			free(name);
			return KB_EUSAGE;
		}
		add_detinput(d, name, path);
		free(name);
	}
	for (int i = 0; set_name && d->n == 0 && i < nargs; i++)
		if (cli_is_notes_arg(args[i]))
			return 0; /* a vault's detection notes */
	if (set_name && d->n == 0)
		return kb_error_set(KB_EUSAGE,
				    "--set names a detection set, but no "
				    "detection rules are given");
	return 0;
}

/* Read and store one detection set; warnings and the summary go to
 * stderr. Returns 0 or an error (message set). */
static int ingest_set(struct kb_ctx *ctx, const struct detinput *in)
{
	detection_set set = DETECTION_SET_INIT;
	detimport_result res;
	kb_detection_links links;
	char *source;
	size_t len = 0;
	int error;

	for (size_t i = 0; i < in->npaths; i++)
		len += strlen(in->paths[i]) + 2;
	source = xcalloc(1, len + 1);
	for (size_t i = 0; i < in->npaths; i++) {
		if (i)
			strcat(source, ", ");
		strcat(source, in->paths[i]);
	}
	error = detimport_read(&set, in->paths, in->npaths);
	if (error == 0)
		error = detimport_store(ctx->store, in->name, source, &set,
					&res);
	/* Warnings are diagnostics, shown even with -q. */
	for (size_t i = 0; i < set.nwarnings; i++)
		fprintf(stderr, "%s\n", set.warnings[i].message);
	if (error == 0 &&
	    (error = kb_detection_count_links(&links, ctx->store, in->name)) ==
		    0 &&
	    !ctx->quiet)
		fprintf(stderr,
			"%s: set '%s': %zu rules from %zu files (%zu skipped, "
			"%zu warnings); technique IDs: %zu exact, %zu revoked, "
			"%zu deprecated, %zu unknown%s\n",
			source, in->name, res.rules, res.files, res.skipped,
			set.nwarnings, links.exact, links.revoked,
			links.deprecated, links.unknown,
			links.revoked + links.deprecated + links.unknown
				? " (see attackkb query detection-issues)"
				: "");
	detection_set_free(&set);
	free(source);
	return error;
}

int cli_ingest_detections(struct kb_ctx *ctx, const struct detinputs *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (ingest_set(ctx, &d->sets[i]) < 0)
			return -1;
	return 0;
}
