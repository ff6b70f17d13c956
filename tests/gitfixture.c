/* tests/gitfixture.c: the test repositories, built with libgit2 (loose
 * objects, so that one can be corrupted or removed). */
#include "gitfixture.h"
#include "tests.h"
#include "kb/fsutil.h"
#include "kb/xalloc.h"

#include <git2.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GIT_OK(call)                                                         \
	ck_assert_msg((call) >= 0, "%s: %s", #call,                          \
		      git_error_last() ? git_error_last()->message : "")

static void put(const char *dir, const char *rel, const char *data,
		size_t len)
{
	char *path = xasprintf("%s/%s", dir, rel);
	char *slash = strrchr(path, '/');

	*slash = '\0';
	ck_assert_int_eq(fsutil_mkdir_p(path), 0);
	*slash = '/';
	ck_assert_int_eq(fsutil_write_atomic(path, data, len), 0);
	free(path);
}

/* Lay a fixture release out in work/DOMAIN/: the bundle file and/or one
 * single-object bundle per object under DOMAIN/TYPE/ID.json (mitre/cti's
 * shape). The object whose id is `truncate` gets half a file; the one
 * whose id is `mangle` a number for a name. */
static void lay_out(const char *work, const char *fixture, const char *domain,
		    bool bundle_file, bool objects, const char *truncate,
		    const char *mangle)
{
	size_t len;
	char *buf = test_slurp(fixture, &len), *rel;
	json_t *root, *o;
	size_t i;

	if (bundle_file) {
		rel = xasprintf("%s/%s.json", domain, domain);
		put(work, rel, buf, len);
		free(rel);
	}
	root = json_loadb(buf, len, 0, NULL);
	ck_assert_ptr_nonnull(root);
	json_array_foreach(json_object_get(root, "objects"), i, o)
	{
		const char *id = json_string_value(json_object_get(o, "id"));
		const char *type =
			json_string_value(json_object_get(o, "type"));
		json_t *one;
		char *text;

		if (!objects)
			break;
		if (mangle && strcmp(mangle, id) == 0)
			json_object_set_new(o, "name", json_integer(42));
		one = json_pack("{s:s,s:s,s:s,s:[O]}", "type", "bundle", "id",
				"bundle--0d8a5a9e-7d35-4a4e-a3c1-6b2f3f1e0c11",
				"spec_version", "2.0", "objects", o);
		text = json_dumps(one, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
		rel = xasprintf("%s/%s/%s.json", domain, type, id);
		put(work, rel, text,
		    truncate && strcmp(truncate, id) == 0 ? strlen(text) / 2
							   : strlen(text));
		free(rel);
		free(text);
		json_decref(one);
	}
	json_decref(root);
	free(buf);
}

static void clear_domains(const char *work)
{
	static const char *const d[] = {"enterprise-attack", "pre-attack",
					"ics-attack", "mobile-attack"};

	for (size_t i = 0; i < 4; i++) {
		char *p = xasprintf("%s/%s", work, d[i]);

		test_rmtree(p);
		free(p);
	}
}

/* Commit the whole work tree on HEAD. */
static git_oid commit_all(git_repository *repo, const char *msg)
{
	git_index *idx;
	git_oid tree_id, head, id;
	git_tree *tree;
	git_commit *parent = NULL;
	git_signature *sig;
	static git_time_t when = 1600000000;

	GIT_OK(git_repository_index(&idx, repo));
	GIT_OK(git_index_clear(idx));
	GIT_OK(git_index_add_all(idx, NULL, 0, NULL, NULL));
	GIT_OK(git_index_write(idx));
	GIT_OK(git_index_write_tree(&tree_id, idx));
	GIT_OK(git_tree_lookup(&tree, repo, &tree_id));
	if (git_reference_name_to_id(&head, repo, "HEAD") == 0)
		GIT_OK(git_commit_lookup(&parent, repo, &head));
	GIT_OK(git_signature_new(&sig, "attackkb test", "test@attackkb.invalid",
				 when += 86400, 0));
	GIT_OK(git_commit_create(&id, repo, "HEAD", sig, sig, NULL, msg, tree,
				 parent ? 1 : 0,
				 (const git_commit **)&parent));
	git_signature_free(sig);
	git_commit_free(parent);
	git_tree_free(tree);
	git_index_free(idx);
	return id;
}

static void tag(git_repository *repo, const char *name, const git_oid *id,
		bool annotated)
{
	git_object *target;
	git_signature *sig;
	git_oid out;

	GIT_OK(git_object_lookup(&target, repo, id, GIT_OBJECT_COMMIT));
	if (annotated) {
		GIT_OK(git_signature_new(&sig, "attackkb test",
					 "test@attackkb.invalid", 1700000000,
					 0));
		GIT_OK(git_tag_create(&out, repo, name, target, sig, name, 0));
		git_signature_free(sig);
	} else {
		GIT_OK(git_tag_create_lightweight(&out, repo, name, target, 0));
	}
	git_object_free(target);
}

static git_repository *init(const char *path)
{
	git_repository *repo;

	GIT_OK(git_repository_init(&repo, path, 0));
	return repo;
}

/* mitre/cti's shape: three releases; returns the 6.3 commit. */
static git_oid build_cti(const char *path)
{
	git_repository *repo = init(path);
	git_oid c63, c90, c100;

	lay_out(path, DIFF_FIXTURE("enterprise-attack-6.3.json"),
		"enterprise-attack", true, true, NULL, NULL);
	lay_out(path, DIFF_FIXTURE("pre-attack-6.3.json"), "pre-attack", true,
		true, NULL, NULL);
	c63 = commit_all(repo, "ATT&CK v6.3");
	tag(repo, "ATT&CK-v6.3", &c63, false);
	clear_domains(path);
	lay_out(path, DIFF_FIXTURE("enterprise-attack-9.0.json"),
		"enterprise-attack", true, true, NULL, NULL);
	c90 = commit_all(repo, "ATT&CK v9.0");
	tag(repo, "ATT&CK-v9.0", &c90, true);
	clear_domains(path);
	lay_out(path, DIFF_FIXTURE("enterprise-attack-10.0.json"),
		"enterprise-attack", true, true, NULL, NULL);
	c100 = commit_all(repo, "ATT&CK v10.0");
	tag(repo, "ATT&CK-v10.0", &c100, false);
	git_repository_free(repo);
	return c63;
}

static void put_file(const char *dir, const char *rel, const char *fixture)
{
	size_t len;
	char *buf = test_slurp(fixture, &len);

	put(dir, rel, buf, len);
	free(buf);
}

static char *object_path(const char *gitdir, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), id);
	return xasprintf("%s/objects/%.2s/%s", gitdir, hex, hex + 2);
}

void gitfixture_build(struct gitfixture *gf)
{
	git_repository *repo;
	git_object *blob;
	git_oid c63, c;
	char *p, *text, *bare, hex[GIT_OID_HEXSZ + 2]; /* and a newline */

	git_libgit2_init();
	memset(gf, 0, sizeof(*gf));
	gf->dir = test_tmpdir();
	gf->cti = xasprintf("%s/cti", gf->dir);
	gf->bare = xasprintf("%s/cti.git", gf->dir);
	gf->stixdata = xasprintf("%s/attack-stix-data", gf->dir);
	gf->objonly = xasprintf("%s/objonly", gf->dir);
	gf->broken = xasprintf("%s/broken", gf->dir);
	gf->corrupt = xasprintf("%s/corrupt", gf->dir);
	gf->shallow = xasprintf("%s/shallow", gf->dir);
	gf->nodata = xasprintf("%s/nodata", gf->dir);
	gf->notrepo = xasprintf("%s/notrepo", gf->dir);

	build_cti(gf->cti);
	/* A bare repository with cti's objects and refs: its git folder,
	 * copied and marked bare. (Not git_clone(): libgit2 1.5 leaks PCRE2
	 * match data in git_remote_create, which make asan reports.) */
	p = xasprintf("cp -R '%s/.git' '%s'", gf->cti, gf->bare);
	ck_assert_int_eq(system(p), 0);
	free(p);
	p = xasprintf("%s/config", gf->bare);
	text = test_slurp(p, NULL);
	ck_assert_ptr_nonnull(bare = strstr(text, "bare = false"));
	memcpy(bare, "bare = true ", 12);
	ck_assert_int_eq(fsutil_write_atomic(p, text, strlen(text)), 0);
	free(text);
	free(p);

	repo = init(gf->stixdata);
	put_file(gf->stixdata, "enterprise-attack/enterprise-attack-9.0.json",
		 DIFF_FIXTURE("enterprise-attack-9.0.json"));
	put_file(gf->stixdata, "enterprise-attack/enterprise-attack-10.0.json",
		 DIFF_FIXTURE("enterprise-attack-10.0.json"));
	put_file(gf->stixdata, "enterprise-attack/enterprise-attack.json",
		 DIFF_FIXTURE("enterprise-attack-10.0.json"));
	put_file(gf->stixdata, "ics-attack/ics-attack-18.1.json",
		 FIXTURE("stix/mini-ics.json"));
	put(gf->stixdata, "index.json", "{}\n", 3);
	commit_all(repo, "every release");
	git_repository_free(repo);

	repo = init(gf->objonly);
	lay_out(gf->objonly, DIFF_FIXTURE("enterprise-attack-10.0.json"),
		"enterprise-attack", false, true, NULL, NULL);
	lay_out(gf->objonly, FIXTURE("stix/mini-ics.json"), "ics-attack", false,
		true, NULL, NULL);
	commit_all(repo, "objects only");
	git_repository_free(repo);

	repo = init(gf->broken);
	lay_out(gf->broken, DIFF_FIXTURE("enterprise-attack-10.0.json"),
		"enterprise-attack", false, true,
		GF_ALPHA, NULL);
	c = commit_all(repo, "ATT&CK v11.0");
	tag(repo, "ATT&CK-v11.0", &c, false);
	clear_domains(gf->broken);
	lay_out(gf->broken, DIFF_FIXTURE("enterprise-attack-10.0.json"),
		"enterprise-attack", false, true, NULL, GF_ALPHA);
	c = commit_all(repo, "ATT&CK v12.0");
	tag(repo, "ATT&CK-v12.0", &c, false);
	git_repository_free(repo);

	/* A bundle blob overwritten with bytes that are no git object. */
	repo = init(gf->corrupt);
	put_file(gf->corrupt, "enterprise-attack/enterprise-attack.json",
		 DIFF_FIXTURE("enterprise-attack-9.0.json"));
	c = commit_all(repo, "ATT&CK v9.0");
	tag(repo, "ATT&CK-v9.0", &c, false);
	GIT_OK(git_revparse_single(&blob, repo,
				   "HEAD:enterprise-attack/"
				   "enterprise-attack.json"));
	p = object_path(git_repository_path(repo), git_object_id(blob));
	chmod(p, 0644);
	ck_assert_int_eq(fsutil_write_atomic(p, "not a git object", 16), 0);
	free(p);
	git_object_free(blob);
	git_repository_free(repo);

	/* Shallow: the first commit is not there, .git/shallow says so. */
	c63 = build_cti(gf->shallow);
	repo = NULL;
	GIT_OK(git_repository_open(&repo, gf->shallow));
	GIT_OK(git_revparse_single(&blob, repo, "ATT&CK-v9.0^{commit}"));
	git_oid_tostr(hex, sizeof(hex), git_object_id(blob));
	git_object_free(blob);
	p = object_path(git_repository_path(repo), &c63);
	ck_assert_int_eq(unlink(p), 0);
	free(p);
	p = xasprintf("%sshallow", git_repository_path(repo));
	strcat(hex, "\n");
	ck_assert_int_eq(fsutil_write_atomic(p, hex, strlen(hex)), 0);
	free(p);
	git_repository_free(repo);

	repo = init(gf->nodata);
	put(gf->nodata, "README.md", "Nothing here.\n", 14);
	commit_all(repo, "readme");
	git_repository_free(repo);

	ck_assert_int_eq(fsutil_mkdir_p(gf->notrepo), 0);
}

void gitfixture_free(struct gitfixture *gf)
{
	test_rmtree(gf->dir);
	free(gf->dir);
	free(gf->cti);
	free(gf->bare);
	free(gf->stixdata);
	free(gf->objonly);
	free(gf->broken);
	free(gf->corrupt);
	free(gf->shallow);
	free(gf->nodata);
	free(gf->notrepo);
	git_libgit2_shutdown();
}
