/* cli/cmd_ingest.c: `attackkb ingest FILE...`: STIX bundles and detection
 * rules (Sigma, CAR, CSV/TSV) into the store, all in one transaction. */
#include "cli/command.h"
#include "cli/progress.h"
#include "kb/detection.h"
#include "kb/error.h"
#include "kb/store.h"
#include "kb/xalloc.h"
#include "parser/detimport.h"
#include "parser/stix.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

extern const struct kb_command cmd_ingest;

/* A detection set to import: its name and the folders and files read. */
struct detinput {
	char *name;
	const char **paths;
	size_t npaths;
};

/* Is path detection rules rather than a STIX bundle? Folders, and .yml,
 * .yaml, .csv and .tsv files (the detection parsers sort them out). */
static bool is_detection_input(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return true;
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

static void add_detinput(struct detinput **sets, size_t *n, const char *name,
			 const char *path)
{
	struct detinput *d = NULL;

	for (size_t i = 0; i < *n && !d; i++)
		if (strcmp((*sets)[i].name, name) == 0)
			d = &(*sets)[i];
	if (!d) {
		*sets = xreallocarray(*sets, *n + 1, sizeof(**sets));
		d = &(*sets)[(*n)++];
		memset(d, 0, sizeof(*d));
		d->name = xstrdup(name);
	}
	d->paths = xreallocarray(d->paths, d->npaths + 1, sizeof(*d->paths));
	d->paths[d->npaths++] = path;
}

static void free_detinputs(struct detinput *sets, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(sets[i].name);
		free(sets[i].paths);
	}
	free(sets);
}

/* Read and store one detection set; warnings and the summary go to
 * stderr. Returns 0 or an error (message set). */
static int ingest_detections(struct kb_ctx *ctx, const struct detinput *in)
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

static int cmd_ingest_run(struct kb_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"domain", required_argument, NULL, 'D'},
		{"release", required_argument, NULL, 'r'},
		{"strict", no_argument, NULL, 's'},
		{"threads", required_argument, NULL, 'j'},
		{"sigma", required_argument, NULL, 'S'},
		{"set", required_argument, NULL, 'n'},
		{0, 0, 0, 0},
	};
	stix_opts so = STIX_OPTS_INIT;
	struct detinput *dets = NULL;
	const char **sigma = NULL;
	const char *set_name = NULL;
	size_t findings = 0, ndets = 0, nsigma = 0;
	int c, rc = EXIT_OK;

	while ((c = getopt_long(argc, argv, "D:r:sj:S:n:", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'S':
			sigma = xreallocarray(sigma, nsigma + 1,
					      sizeof(*sigma));
			sigma[nsigma++] = optarg;
			break;
		case 'n':
			set_name = optarg;
			break;
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
			free(sigma);
			return cli_usage(&cmd_ingest, "unknown option");
		}
	}
	if (optind >= argc && nsigma == 0) {
		free(sigma);
		return cli_usage(&cmd_ingest, "no file to ingest");
	}
	if (set_name && kb_detection_check_set_name(set_name) < 0) {
		free(sigma);
		return cli_usage(&cmd_ingest, "--set: %s", kb_error_last());
	}
	/* Detection inputs: --sigma folders, then folders and rule files
	 * among the operands; one set per name (--set: all in one). */
	for (int i = 0; i < (int)nsigma + argc - optind; i++) {
		const char *path = i < (int)nsigma ? sigma[i]
						   : argv[optind + i - nsigma];
		char *name;

		if (i >= (int)nsigma && !is_detection_input(path))
			continue;
		name = set_name ? xstrdup(set_name) : default_set_name(path);
		if (!set_name && kb_detection_check_set_name(name) < 0) {
			rc = cli_usage(&cmd_ingest, "%s: %s (use --set NAME)",
				       path, kb_error_last());
			free(name);
			free(sigma);
			free_detinputs(dets, ndets);
			return rc;
		}
		add_detinput(&dets, &ndets, name, path);
		free(name);
	}
	free(sigma);
	if (set_name && ndets == 0) {
		return cli_usage(&cmd_ingest, "--set names a detection set, "
					      "but no detection rules are "
					      "given");
	}
	if (kb_store_begin(ctx->store) < 0) {
		free_detinputs(dets, ndets);
		return cli_error("ingest", "%s", kb_error_last());
	}
	for (int i = optind; i < argc; i++) {
		struct progress pg;
		stix_result res;
		int error;

		if (is_detection_input(argv[i]))
			continue;

		progress_init(&pg, argv[i], ctx->quiet);
		so.progress = progress_update;
		so.progress_ud = &pg;
		error = stix_ingest_file(ctx->store, argv[i], &so, &res);
		progress_end(&pg);
		if (error < 0)
			goto fail;
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
				"%zu validation findings%s\n",
				argv[i], res.domain, res.version, res.objects,
				res.new_objects, res.findings,
				res.findings ? " (see attackkb check)" : "");
	}
	if (so.strict && findings) {
		kb_store_rollback(ctx->store);
		free_detinputs(dets, ndets);
		return cli_error("ingest",
				 "--strict: %zu validation findings; nothing "
				 "was stored",
				 findings);
	}
	/* After the bundles, so that the report resolves against them. */
	for (size_t i = 0; i < ndets; i++)
		if (ingest_detections(ctx, &dets[i]) < 0)
			goto fail;
	free_detinputs(dets, ndets);
	if (kb_store_commit(ctx->store) < 0)
		rc = cli_error("ingest", "%s", kb_error_last());
	return rc;
fail:
	kb_store_rollback(ctx->store);
	free_detinputs(dets, ndets);
	cli_error("ingest", "%s", kb_error_last());
	fprintf(stderr, "attackkb: ingest: nothing was stored; %s is as it "
			"was\n",
		kb_store_path(ctx->store));
	return EXIT_FAIL;
}

const struct kb_command cmd_ingest = {
	.name = "ingest",
	.usage = "[--domain D] [--release X.Y] [--strict] [--set NAME] "
		 "[--sigma DIR] FILE|DIR...",
	.summary = "Read ATT&CK STIX bundles and detection rules into the "
		   "store",
	.help = "Each FILE is a STIX 2.0 or 2.1 bundle of one ATT&CK domain,\n"
		"plain or gzipped, or detection rules: a Sigma rule or MITRE\n"
		"CAR analytic (.yml, .yaml: recognised by their keys), a list\n"
		"of detections (.csv or .tsv with columns detection,technique\n"
		"and optionally platform,status), or a DIR of those (read\n"
		"recursively). Everything is stored in one transaction: if\n"
		"one input fails, nothing is stored. Ingesting a release that\n"
		"is already stored does nothing.\n"
		"\n"
		"Detection rules form named sets; importing a set again\n"
		"replaces it. A rule file that cannot be read, has no ATT&CK\n"
		"tag or has tags of the wrong type is warned about\n"
		"(FILE:LINE) and skipped; so is a bad CSV row. Technique IDs\n"
		"that are revoked count as their successor; deprecated and\n"
		"unknown ones are reported (attackkb query detection-issues\n"
		"SET).\n"
		"\n"
		"  --domain D      the domain, when the bundle has no matrix\n"
		"                  (enterprise, mobile, ics, pre)\n"
		"  --release X.Y   the ATT&CK version, for STIX 2.0 bundles\n"
		"                  whose file name does not end in -X.Y.json\n"
		"  --strict        fail if validation finds anything\n"
		"  --threads N     parser threads (default: one per core)\n"
		"  --sigma DIR     a folder of Sigma rules (or CAR analytics,\n"
		"                  or CSV lists); repeatable\n"
		"  --set NAME      the detection set all rules given go to\n"
		"                  (default: one set per folder or file,\n"
		"                  named after it; 'attack' is ATT&CK's own)\n",
	.flags = CMD_WRITES_STORE,
	.run = cmd_ingest_run,
};
