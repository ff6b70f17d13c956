/* cli/cmd_diff.c: `attackkb diff OLD NEW`: what changed between two
 * releases (kb/diff.h). OLD and NEW are stored releases, bundle files or
 * REPO@REF; files and repositories are ingested into temporary stores
 * that are removed afterwards (the store at --db is only read). */
#include "cli/command.h"
#include "export/diffout.h"
#include "kb/diff.h"
#include "kb/error.h"
#include "kb/store.h"
#include "kb/xalloc.h"
#include "parser/gitrepo.h"
#include "parser/stix.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern const struct kb_command cmd_diff;

/* One side of the diff and what it took to get it. */
struct side {
	const char *arg;   /* as given */
	kb_diff_side ds;   /* the store and release to diff */
	char *tmpdir;      /* a temporary store's folder, removed at the end */
	char *tmppath;     /* its store */
};

static bool is_version(const char *s)
{
	bool dot = false;

	if (!isdigit((unsigned char)*s))
		return false;
	for (; *s; s++) {
		if (*s == '.' && !dot)
			dot = true;
		else if (!isdigit((unsigned char)*s))
			return false;
	}
	return dot;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int temp_store(struct side *s)
{
	const char *tmp = getenv("TMPDIR");
	kb_store *store;

	s->tmpdir = xasprintf("%s/attackkb-diff-XXXXXX",
			      tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(s->tmpdir)) {
		free(s->tmpdir);
		s->tmpdir = NULL;
		return kb_error_errno(KB_EIO, "cannot make a temporary folder");
	}
	s->tmppath = xasprintf("%s/diff.db", s->tmpdir);
	if (kb_store_open(&store, s->tmppath,
			  KB_STORE_WRITE | KB_STORE_CREATE) < 0)
		return KB_ERROR;
	s->ds.store = store;
	s->ds.version = NULL;
	return 0;
}

static void side_free(struct side *s, kb_store *user)
{
	if (s->ds.store && s->ds.store != user)
		kb_store_close(s->ds.store);
	if (s->tmppath) {
		const char *const ext[] = {"", "-wal", "-shm"};

		for (size_t i = 0; i < 3; i++) {
			char *p = xasprintf("%s%s", s->tmppath, ext[i]);

			unlink(p);
			free(p);
		}
		rmdir(s->tmpdir);
	}
	free(s->tmppath);
	free(s->tmpdir);
}

/* REPO@REF: the newest release of each domain at REF (or, when REF is a
 * release number, that release), into a temporary store. */
static int from_git(struct side *s, const char *repo_path, const char *ref,
		    const char *const *domains, size_t ndomains)
{
	gitrepo_query q = {.domains = domains, .ndomains = ndomains};
	gitrepo_release *rels = NULL;
	gitrepo *repo = NULL;
	size_t n = 0;
	int error;

	if (is_version(ref))
		q.version = ref;
	else {
		q.refs = &ref;
		q.nrefs = 1;
	}
	if ((error = gitrepo_open(&repo, repo_path)) < 0 ||
	    (error = gitrepo_releases(&rels, &n, repo, &q)) < 0)
		goto done;
	if (!n) {
		error = kb_error_set(KB_ENOTFOUND, "%s: no release at %s",
				     repo_path, ref);
		goto done;
	}
	if ((error = temp_store(s)) < 0)
		goto done;
	for (size_t i = 0; i < n && !error; i++) {
		stix_opts so = STIX_OPTS_INIT;
		stix_result res;

		so.fallback_release = "0.0";
		error = gitrepo_ingest(s->ds.store, repo, &rels[i], &so, &res);
	}
done:
	gitrepo_releases_free(rels, n);
	gitrepo_free(repo);
	return error;
}

static int resolve_side(struct side *s, struct kb_ctx *ctx,
			const char *const *domains, size_t ndomains)
{
	const char *at = strrchr(s->arg, '@');

	if (is_version(s->arg) && !is_file(s->arg)) {
		if (!ctx->store &&
		    kb_store_open(&ctx->store, ctx->db_path,
				  KB_STORE_READONLY) < 0)
			return KB_ERROR;
		s->ds.store = ctx->store;
		s->ds.version = s->arg;
		return 0;
	}
	if (is_file(s->arg)) {
		stix_opts so = STIX_OPTS_INIT;
		stix_result res;
		int error;

		so.fallback_release = "0.0";
		if ((error = temp_store(s)) < 0)
			return error;
		return stix_ingest_file(s->ds.store, s->arg, &so, &res);
	}
	if (at && at > s->arg) {
		char *repo = xstrndup(s->arg, (size_t)(at - s->arg));
		int error = KB_ENOTFOUND;

		if (is_dir(repo))
			error = from_git(s, repo, at + 1, domains, ndomains);
		else
			kb_error_set(KB_ENOTFOUND, "%s: no such repository",
				     repo);
		free(repo);
		return error;
	}
	return kb_error_set(KB_ENOTFOUND,
			    "%s: neither a stored release (like 17.1), a "
			    "bundle file nor REPO@REF",
			    s->arg);
}

static int cmd_diff_run(struct kb_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"domain", required_argument, NULL, 'D'},
		{"format", required_argument, NULL, 'f'},
		{"layer", required_argument, NULL, 'l'},
		{0, 0, 0, 0},
	};
	const char **domains = xcalloc((size_t)argc, sizeof(char *));
	struct side old_side = {0}, new_side = {0};
	const char *layer = NULL;
	kb_diff *diff = NULL;
	size_t ndomains = 0;
	bool json = false;
	int c, rc = EXIT_OK;

	while ((c = getopt_long(argc, argv, "D:f:l:", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			domains[ndomains] = gitrepo_domain_name(optarg);
			if (!domains[ndomains++]) {
				rc = cli_usage(&cmd_diff,
					       "unknown domain '%s' "
					       "(enterprise, mobile, ics or "
					       "pre)",
					       optarg);
				goto done;
			}
			break;
		case 'f':
			if (strcmp(optarg, "json") != 0 &&
			    strcmp(optarg, "md") != 0) {
				rc = cli_usage(&cmd_diff,
					       "--format takes md or json, not "
					       "'%s'",
					       optarg);
				goto done;
			}
			json = strcmp(optarg, "json") == 0;
			break;
		case 'l':
			layer = optarg;
			break;
		default:
			rc = cli_usage(&cmd_diff, "unknown option");
			goto done;
		}
	}
	if (argc - optind != 2) {
		rc = cli_usage(&cmd_diff, "give OLD and NEW");
		goto done;
	}
	old_side.arg = argv[optind];
	new_side.arg = argv[optind + 1];
	if (resolve_side(&old_side, ctx, domains, ndomains) < 0 ||
	    resolve_side(&new_side, ctx, domains, ndomains) < 0 ||
	    kb_diff_run(&diff, &old_side.ds, &new_side.ds, domains, ndomains) <
		    0) {
		rc = cli_error("diff", "%s", kb_error_last());
		goto done;
	}
	if (json)
		diffout_json(stdout, diff);
	else
		diffout_md(stdout, diff);
	if (layer && diffout_layers(layer, diff) < 0)
		rc = cli_error("diff", "%s", kb_error_last());
done:
	kb_diff_free(diff);
	side_free(&old_side, ctx->store);
	side_free(&new_side, ctx->store);
	free(domains);
	return rc;
}

const struct kb_command cmd_diff = {
	.name = "diff",
	.usage = "[--domain D]... [--format md|json] [--layer FILE] OLD NEW",
	.summary = "Show what changed between two ATT&CK releases",
	.help = "OLD and NEW are each a stored release (17.1: every domain\n"
		"the store holds at that release), a bundle file, or REPO@REF\n"
		"(a git repository at a tag, branch or commit, or at a\n"
		"release number: cti@ATT&CK-v17.1, attack-stix-data@17.1).\n"
		"Files and repositories are read into a temporary store; the\n"
		"store is only read.\n\n"
		"Per domain and object type, MITRE's changelog sections:\n"
		"additions, major, minor and other version changes, patches\n"
		"(changed, same version), revocations (with the final\n"
		"successor), deprecations, deletions; decided as\n"
		"mitreattack-python's diff_stix decides them. Then per\n"
		"technique: tactics gained and lost, mitigations and\n"
		"procedure examples added and removed, sub-technique moves\n"
		"and ID changes, detections and analytics added, removed or\n"
		"changed, renames, and the description as a word diff\n"
		"([-old-]{+new+}).\n\n"
		"  --domain D        only this domain (repeatable)\n"
		"  --format md|json  Markdown (default) or JSON\n"
		"  --layer FILE      also write an ATT&CK Navigator layer\n"
		"                    (4.5) colouring the changed techniques;\n"
		"                    with several domains, FILE-DOMAIN.json\n"
		"                    each\n",
	.flags = 0, /* the store is opened only for stored releases */
	.run = cmd_diff_run,
};
