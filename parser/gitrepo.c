/* parser/gitrepo.c: ATT&CK releases from a git object database (libgit2,
 * used by this file only). Finds the releases at refs and tags, reads a
 * bundle blob or gathers a per-object tree into one bundle, and hands it
 * to the STIX ingest with messages naming repository, ref and path. */
#include "parser/gitrepo.h"
#include "parser/git2load.h"
#include "parser/bundle.h"
#include "parser/stix.h"
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const domains[] = {
	"enterprise-attack",
	"mobile-attack",
	"ics-attack",
	"pre-attack",
};
#define NDOMAINS (sizeof(domains) / sizeof(domains[0]))

/* A release tag: ATT&CK-v18.1, v18.1 or 18.1. */
struct tag {
	char *name;       /* short name, "ATT&CK-v18.1" */
	char version[16]; /* "18.1" */
	int major, minor;
	git_oid target;   /* what refs/tags/NAME points at */
	git_oid commit;   /* the commit it peels to, when ok */
	bool ok;          /* peeled (the commit is there) */
};

struct gitrepo {
	git_repository *repo;
	char *path;         /* as given */
	bool shallow;       /* a shallow clone: objects may be missing */
	struct tag *tags;   /* release tags, loaded on first use */
	size_t ntags;
	bool tags_loaded;
};

/* A growable array of releases. */
struct rels {
	gitrepo_release *v;
	size_t n, cap;
};

/* libgit2's last message, on one line. */
static void git_message(char *out, size_t size)
{
	const git_error *e = git_error_last();

	snprintf(out, size, "%s", e && e->message ? e->message : "");
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	for (size_t n = strlen(out); n && out[n - 1] == ' '; n--)
		out[n - 1] = '\0';
}

/* "REPO@REF[:PATH]: what[: libgit2 message][ (shallow hint)]". */
static int git_fail(int code, const gitrepo *g, const char *ref,
		    const char *path, const char *what, bool with_git)
{
	char msg[512] = "";

	if (with_git)
		git_message(msg, sizeof(msg));
	return kb_error_set(code, "%s@%s%s%s: %s%s%s%s", g->path, ref,
			    path ? ":" : "", path ? path : "", what,
			    msg[0] ? ": " : "", msg,
			    g->shallow ? " (the clone is shallow: fetch the "
					 "missing history with git fetch "
					 "--unshallow)"
				       : "");
}

const char *gitrepo_domain_name(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < NDOMAINS; i++) {
		size_t dn = strlen(domains[i]);

		if (strcmp(s, domains[i]) == 0 ||
		    (n == dn - 7 && strncmp(s, domains[i], n) == 0))
			return domains[i];
	}
	return NULL;
}

/* "18.1" -> 18, 1. Only digits, one dot. */
static bool parse_version(const char *s, size_t n, int *major, int *minor)
{
	size_t i = 0, dots = 0;

	if (!n || n >= 16 || !isdigit((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '.')
			dots++;
		else if (!isdigit((unsigned char)s[i]))
			return false;
	}
	if (dots != 1 || s[n - 1] == '.')
		return false;
	*major = atoi(s);
	*minor = atoi(memchr(s, '.', n) + 1);
	return true;
}

/* The release of a tag name: ATT&CK-v18.1, v18.1, 18.1 (refs/tags/ too). */
static bool tag_version(const char *name, char *version, int *major,
			int *minor)
{
	if (strncmp(name, "refs/tags/", 10) == 0)
		name += 10;
	if (strncmp(name, "ATT&CK-", 7) == 0)
		name += 7;
	if (*name == 'v')
		name++;
	if (!parse_version(name, strlen(name), major, minor))
		return false;
	snprintf(version, 16, "%s", name);
	return true;
}

int gitrepo_open(gitrepo **out, const char *path)
{
	git_repository *repo;
	gitrepo *g;
	char msg[512];
	int error;

	*out = NULL;
	if ((error = git2_load()) < 0)
		return error;
	if (git_repository_open_ext(&repo, path,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		git_message(msg, sizeof(msg));
		return kb_error_set(KB_ENOTFOUND,
				    "%s: not a git repository (%s)", path,
				    msg);
	}
	g = xcalloc(1, sizeof(*g));
	g->repo = repo;
	g->path = xstrdup(path);
	g->shallow = git_repository_is_shallow(repo) == 1;
	*out = g;
	return 0;
}

void gitrepo_free(gitrepo *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->ntags; i++)
		free(g->tags[i].name);
	free(g->tags);
	git_repository_free(g->repo);
	free(g->path);
	free(g);
}

const char *gitrepo_path(const gitrepo *g)
{
	return g->path;
}

static int collect_tag(const char *name, git_oid *oid, void *payload)
{
	gitrepo *g = payload;
	struct tag t = {0};

	if (!tag_version(name, t.version, &t.major, &t.minor))
		return 0;
	t.name = xstrdup(name + (strncmp(name, "refs/tags/", 10) ? 0 : 10));
	t.target = *oid;
	g->tags = xreallocarray(g->tags, g->ntags + 1, sizeof(struct tag));
	g->tags[g->ntags++] = t;
	return 0;
}

static int cmp_tag(const void *a, const void *b)
{
	const struct tag *x = a, *y = b;

	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	if (x->minor != y->minor)
		return x->minor < y->minor ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The release tags, oldest first, peeled where their commit is there. */
static int load_tags(gitrepo *g)
{
	if (g->tags_loaded)
		return 0;
	g->tags_loaded = true;
	if (git_tag_foreach(g->repo, collect_tag, g) < 0 &&
	    git_error_last() && git_error_last()->klass != GIT_ERROR_NONE)
		return git_fail(KB_ERROR, g, "refs/tags", NULL,
				"cannot list the tags", true);
	if (g->ntags)
		qsort(g->tags, g->ntags, sizeof(struct tag), cmp_tag);
	for (size_t i = 0; i < g->ntags; i++) {
		git_object *obj = NULL, *commit = NULL;

		if (git_object_lookup(&obj, g->repo, &g->tags[i].target,
				      GIT_OBJECT_ANY) == 0 &&
		    git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0) {
			g->tags[i].commit = *git_object_id(commit);
			g->tags[i].ok = true;
		}
		git_object_free(commit);
		git_object_free(obj);
	}
	return 0;
}

/* The newest release tag pointing at commit, or NULL. */
static const struct tag *tag_at(gitrepo *g, const git_oid *commit)
{
	const struct tag *found = NULL;

	if (load_tags(g) < 0)
		return NULL;
	for (size_t i = 0; i < g->ntags; i++)
		if (g->tags[i].ok && git_oid_equal(&g->tags[i].commit, commit))
			found = &g->tags[i];
	return found;
}

/* Resolve ref to its commit (or tree) and tree. */
static int resolve(gitrepo *g, const char *ref, git_oid *commit,
		   git_tree **tree)
{
	git_object *obj = NULL, *peeled = NULL;
	git_reference *r = NULL;
	int rc;

	*tree = NULL;
	if (git_reference_dwim(&r, g->repo, ref) == 0) {
		/* A ref: resolved here rather than by git_revparse_single(),
		 * which leaks the ref when its object is missing (a shallow
		 * clone's old tags). */
		git_reference *res = NULL;
		char what[128], hex[GIT_OID_HEXSZ + 1];

		rc = git_reference_resolve(&res, r);
		git_reference_free(r);
		if (rc < 0)
			return git_fail(KB_ERROR, g, ref, NULL,
					"it points at no commit yet", false);
		git_oid_tostr(hex, sizeof(hex), git_reference_target(res));
		rc = git_object_lookup(&obj, g->repo, git_reference_target(res),
				       GIT_OBJECT_ANY);
		git_reference_free(res);
		if (rc < 0) {
			snprintf(what, sizeof(what),
				 "its commit %.12s is missing", hex);
			return git_fail(KB_ERROR, g, ref, NULL, what, false);
		}
	} else {
		rc = git_revparse_single(&obj, g->repo, ref);
		if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC ||
		    rc == GIT_EAMBIGUOUS)
			return git_fail(KB_ENOTFOUND, g, ref, NULL,
					"no such ref, tag or commit", false);
		if (rc < 0)
			return git_fail(KB_ERROR, g, ref, NULL,
					"cannot resolve", true);
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0) {
		*commit = *git_object_id(peeled);
		git_object_free(peeled);
		peeled = NULL;
	} else {
		memset(commit, 0, sizeof(*commit));
	}
	rc = git_object_peel(&peeled, obj, GIT_OBJECT_TREE);
	git_object_free(obj);
	if (rc < 0)
		return git_fail(KB_ERROR, g, ref, NULL,
				"cannot read its tree", true);
	*tree = (git_tree *)peeled;
	return 0;
}

/* Read a blob whole, NUL-terminated. */
static int read_blob(char **buf, size_t *len, gitrepo *g, const char *ref,
		     const char *path, const git_oid *id)
{
	git_blob *blob;
	git_object_size_t size;

	if (git_blob_lookup(&blob, g->repo, id) < 0)
		return git_fail(KB_ERROR, g, ref, path, "cannot read the file",
				true);
	size = git_blob_rawsize(blob);
	if (size > KB_MAX_INPUT_FILE) {
		git_blob_free(blob);
		return kb_error_set(KB_ELIMIT,
				    "%s@%s:%s: larger than the limit of %u "
				    "bytes",
				    g->path, ref, path, KB_MAX_INPUT_FILE);
	}
	*len = (size_t)size;
	*buf = xmalloc(*len + 1);
	memcpy(*buf, git_blob_rawcontent(blob), *len);
	(*buf)[*len] = '\0';
	git_blob_free(blob);
	return 0;
}

/* The release number a bundle blob or a per-object tree's
 * x-mitre-collection/ folder states, when no tag or name tells. */
static int peek_version(gitrepo *g, const char *ref, const char *path,
			const git_oid *blob, git_tree *dir, char *version)
{
	const git_tree_entry *e;
	git_tree *sub = NULL;
	char *buf = NULL;
	size_t len;
	int error = 0;

	version[0] = '\0';
	if (blob) {
		error = read_blob(&buf, &len, g, ref, path, blob);
	} else if ((e = git_tree_entry_byname(dir, "x-mitre-collection")) &&
		   git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		if (git_tree_lookup(&sub, g->repo, git_tree_entry_id(e)) < 0)
			return git_fail(KB_ERROR, g, ref, path,
					"cannot read the folder", true);
		for (size_t i = 0; i < git_tree_entrycount(sub); i++) {
			e = git_tree_entry_byindex(sub, i);
			if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
				continue;
			error = read_blob(&buf, &len, g, ref, path,
					  git_tree_entry_id(e));
			break;
		}
		git_tree_free(sub);
	}
	if (buf)
		stix_collection_version(buf, len, version);
	free(buf);
	return error;
}

static void add_release(struct rels *rs, const char *domain,
			const char *version, const char *ref, const char *path,
			enum gitrepo_layout layout, const git_oid *commit,
			const git_oid *object)
{
	gitrepo_release *r;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->v = xreallocarray(rs->v, rs->cap, sizeof(*r));
	}
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->domain, sizeof(r->domain), "%s", domain);
	snprintf(r->version, sizeof(r->version), "%s", version);
	r->ref = xstrdup(ref);
	r->path = xstrdup(path);
	r->layout = layout;
	git_oid_tostr(r->commit, sizeof(r->commit), commit);
	git_oid_tostr(r->object, sizeof(r->object), object);
	if (!parse_version(version, strlen(version), &r->major, &r->minor))
		r->major = r->minor = -1;
}

static bool wanted_domain(const gitrepo_query *q, const char *domain)
{
	if (!q->ndomains)
		return true;
	for (size_t i = 0; i < q->ndomains; i++)
		if (strcmp(gitrepo_domain_name(q->domains[i]), domain) == 0)
			return true;
	return false;
}

static bool newer(const gitrepo_release *a, const gitrepo_release *b)
{
	return a->major > b->major ||
	       (a->major == b->major && a->minor > b->minor);
}

/* The releases of one domain folder at ref, appended to rs. */
static int scan_domain(gitrepo *g, const char *ref, const git_oid *commit,
		       const char *tagver, const char *domain, git_tree *dir,
		       const gitrepo_query *q, struct rels *rs)
{
	size_t dlen = strlen(domain), first = rs->n;
	const git_tree_entry *bundle_file = NULL;
	bool objects = false, versioned = false;
	char path[256], version[16];
	int error;

	for (size_t i = 0; i < git_tree_entrycount(dir); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(dir, i);
		const char *name = git_tree_entry_name(e);
		size_t n = strlen(name);
		int major, minor;

		if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
			if (strcmp(name, "attack-pattern") == 0 ||
			    strcmp(name, "relationship") == 0)
				objects = true;
			continue;
		}
		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || n < 5 ||
		    strcmp(name + n - 5, ".json") != 0 ||
		    strncmp(name, domain, dlen) != 0)
			continue;
		if (n == dlen + 5) {
			bundle_file = e; /* DOMAIN.json */
			continue;
		}
		/* DOMAIN-X.Y.json (attack-stix-data) */
		if (name[dlen] != '-' ||
		    !parse_version(name + dlen + 1, n - dlen - 6, &major,
				   &minor))
			continue;
		versioned = true;
		memcpy(version, name + dlen + 1, n - dlen - 6);
		version[n - dlen - 6] = '\0';
		if (q->version && strcmp(q->version, version) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", domain, name);
		add_release(rs, domain, version, ref, path, GITREPO_BUNDLE,
			    commit, git_tree_entry_id(e));
	}
	if (versioned) {
		/* Only the newest of the folder, unless all are asked for. */
		if (!q->all && !q->version && rs->n > first + 1) {
			size_t best = first;

			for (size_t i = first + 1; i < rs->n; i++)
				if (newer(&rs->v[i], &rs->v[best]))
					best = i;
			for (size_t i = first; i < rs->n; i++) {
				if (i == best)
					continue;
				free(rs->v[i].ref);
				free(rs->v[i].path);
			}
			rs->v[first] = rs->v[best];
			rs->n = first + 1;
		}
		return 0;
	}
	if (!bundle_file && !objects)
		return 0;
	if (objects && (q->per_object || !bundle_file)) {
		snprintf(path, sizeof(path), "%s/", domain);
		snprintf(version, sizeof(version), "%s", tagver ? tagver : "");
		if (!version[0] && (error = peek_version(g, ref, path, NULL,
							 dir, version)) < 0)
			return error;
		if (q->version && strcmp(q->version, version) != 0 &&
		    version[0])
			return 0;
		add_release(rs, domain, version, ref, path, GITREPO_OBJECTS,
			    commit, git_tree_id(dir));
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s", domain,
		 git_tree_entry_name(bundle_file));
	snprintf(version, sizeof(version), "%s", tagver ? tagver : "");
	if (!version[0] &&
	    (error = peek_version(g, ref, path, git_tree_entry_id(bundle_file),
				  NULL, version)) < 0)
		return error;
	if (q->version && strcmp(q->version, version) != 0 && version[0])
		return 0;
	add_release(rs, domain, version, ref, path, GITREPO_BUNDLE, commit,
		    git_tree_entry_id(bundle_file));
	return 0;
}

/* Every release at ref (tagver: the release its tag names, or NULL).
 * by_tag: name the releases after the release tag at the commit, if any
 * (HEAD of mitre/cti is usually the newest release tag). */
static int scan_ref(gitrepo *g, const char *ref, const char *tagver,
		    bool by_tag, const gitrepo_query *q, struct rels *rs)
{
	git_tree *tree = NULL;
	git_oid commit;
	char version[16];
	bool data = false;
	int major, minor, error;

	if ((error = resolve(g, ref, &commit, &tree)) < 0)
		return error;
	if (!tagver && tag_version(ref, version, &major, &minor))
		tagver = version;
	if (!tagver && !git_oid_is_zero(&commit)) {
		const struct tag *t = tag_at(g, &commit);

		if (t)
			tagver = t->version;
		if (t && by_tag)
			ref = t->name;
	}
	for (size_t i = 0; i < NDOMAINS && !error; i++) {
		const git_tree_entry *e =
			git_tree_entry_byname(tree, domains[i]);
		git_tree *dir;

		if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE)
			continue;
		data = true;
		if (!wanted_domain(q, domains[i]))
			continue;
		if (git_tree_lookup(&dir, g->repo, git_tree_entry_id(e)) < 0) {
			error = git_fail(KB_ERROR, g, ref, domains[i],
					 "cannot read the folder", true);
			break;
		}
		error = scan_domain(g, ref, &commit, tagver, domains[i], dir, q,
				    rs);
		git_tree_free(dir);
	}
	git_tree_free(tree);
	if (!error && !data)
		error = kb_error_set(KB_ENOTFOUND,
				     "%s@%s: no ATT&CK data (no "
				     "enterprise-attack/, mobile-attack/, "
				     "ics-attack/ or pre-attack/ folder)",
				     g->path, ref);
	return error;
}

static int domain_rank(const char *domain)
{
	for (size_t i = 0; i < NDOMAINS; i++)
		if (strcmp(domains[i], domain) == 0)
			return (int)i;
	return (int)NDOMAINS;
}

static int cmp_release(const void *a, const void *b)
{
	const gitrepo_release *x = a, *y = b;

	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	if (x->minor != y->minor)
		return x->minor < y->minor ? -1 : 1;
	return domain_rank(x->domain) - domain_rank(y->domain);
}

void gitrepo_releases_free(gitrepo_release *rels, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rels[i].ref);
		free(rels[i].path);
	}
	free(rels);
}

/* Drop later duplicates of (domain, version); a release whose version is
 * unknown is kept. */
static void dedupe(struct rels *rs)
{
	size_t out = 0;

	for (size_t i = 0; i < rs->n; i++) {
		bool dup = false;

		for (size_t j = 0; j < out && rs->v[i].version[0]; j++)
			if (strcmp(rs->v[j].domain, rs->v[i].domain) == 0 &&
			    strcmp(rs->v[j].version, rs->v[i].version) == 0)
				dup = true;
		if (dup) {
			free(rs->v[i].ref);
			free(rs->v[i].path);
			continue;
		}
		rs->v[out++] = rs->v[i];
	}
	rs->n = out;
}

/* Drop the releases from first on whose version nothing tells (a commit
 * between releases, when every release is asked for). */
static void drop_unknown(struct rels *rs, size_t first)
{
	size_t out = first;

	for (size_t i = first; i < rs->n; i++) {
		if (rs->v[i].version[0]) {
			rs->v[out++] = rs->v[i];
			continue;
		}
		free(rs->v[i].ref);
		free(rs->v[i].path);
	}
	rs->n = out;
}

int gitrepo_releases(gitrepo_release **out, size_t *n, gitrepo *g,
		     const gitrepo_query *q)
{
	struct rels rs = {0};
	int error = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < q->ndomains; i++)
		if (!gitrepo_domain_name(q->domains[i]))
			return kb_error_set(KB_EUSAGE,
					    "unknown domain '%s' (enterprise, "
					    "mobile, ics or pre)",
					    q->domains[i]);
	for (size_t i = 0; i < q->nrefs && !error; i++)
		error = scan_ref(g, q->refs[i], NULL, false, q, &rs);
	if (!q->nrefs && !error) {
		/* HEAD first: attack-stix-data holds every release there. */
		bool tags = q->all || q->version;
		size_t before = rs.n;

		error = scan_ref(g, "HEAD", NULL, true, q, &rs);
		if (error && tags) {
			error = 0; /* the tags may hold what HEAD does not */
			kb_error_clear();
		}
		if (tags)
			drop_unknown(&rs, before);
		/* A release asked for and found at HEAD needs no tag (the
		 * old tags of a shallow clone may miss their commits). */
		if (q->version && !q->all && rs.n > before)
			tags = false;
		if (tags && !error)
			error = load_tags(g);
		for (size_t i = 0; tags && !error && i < g->ntags; i++) {
			const struct tag *t = &g->tags[i];

			if (q->version && strcmp(q->version, t->version) != 0)
				continue;
			error = scan_ref(g, t->name, t->version, false, q, &rs);
		}
	}
	if (error) {
		gitrepo_releases_free(rs.v, rs.n);
		return error;
	}
	dedupe(&rs);
	if (rs.n)
		qsort(rs.v, rs.n, sizeof(*rs.v), cmp_release);
	*out = rs.v;
	*n = rs.n;
	return 0;
}

/* Where each object of a gathered per-object tree came from. */
struct part {
	unsigned asm_line;  /* its first line in the gathered bundle */
	unsigned line, col; /* its position in its own file */
	char *path;         /* DOMAIN/TYPE/NAME.json */
};

struct gather {
	strbuf sb;          /* the bundle being gathered */
	unsigned line;      /* lines in sb so far */
	struct part *parts;
	size_t nparts, cap;
	const char *tree;   /* hex id of the domain folder, for the bundle id */
};

static void gather_free(struct gather *ga)
{
	for (size_t i = 0; i < ga->nparts; i++)
		free(ga->parts[i].path);
	free(ga->parts);
	strbuf_free(&ga->sb);
}

static void gather_object(struct gather *ga, const char *spec_version,
			  const char *text, size_t len, unsigned line,
			  unsigned col, const char *path)
{
	struct part *p;

	if (!ga->sb.len) {
		strbuf_printf(&ga->sb,
			      "{\"type\": \"bundle\", "
			      "\"id\": \"bundle--git-%s\"",
			      ga->tree);
		if (spec_version)
			strbuf_printf(&ga->sb, ", \"spec_version\": \"%s\"",
				      spec_version);
		strbuf_puts(&ga->sb, ", \"objects\": [");
		ga->line = 1;
	} else {
		strbuf_putc(&ga->sb, ',');
	}
	strbuf_putc(&ga->sb, '\n');
	ga->line++;
	if (ga->nparts == ga->cap) {
		ga->cap = ga->cap ? ga->cap * 2 : 1024;
		ga->parts = xreallocarray(ga->parts, ga->cap, sizeof(*p));
	}
	p = &ga->parts[ga->nparts++];
	p->asm_line = ga->line;
	p->line = line;
	p->col = col;
	p->path = xstrdup(path);
	strbuf_put(&ga->sb, text, len);
	for (const char *c = text;
	     (c = memchr(c, '\n', len - (size_t)(c - text))); c++)
		ga->line++;
}

/* One file of a per-object tree: a bundle (mitre/cti) or a bare object. */
static int gather_file(struct gather *ga, gitrepo *g, const char *ref,
		       const char *path, const git_oid *id)
{
	char *buf, *name;
	size_t len;
	bundle b;
	int error;

	if ((error = read_blob(&buf, &len, g, ref, path, id)) < 0)
		return error;
	name = xasprintf("%s@%s:%s", g->path, ref, path);
	error = bundle_split(&b, name, buf, len);
	if (error == KB_EPARSE && b.type && strcmp(b.type, "bundle") != 0) {
		/* A bare STIX object: the whole file is the object. */
		const char *start = memchr(buf, '{', len);
		const char *end = buf + len;
		unsigned line, col;

		while (end > buf && end[-1] != '}')
			end--;
		kb_error_clear();
		error = 0;
		bundle_position(buf, (size_t)(start - buf), &line, &col);
		gather_object(ga, NULL, start, (size_t)(end - start), line,
			      col, path);
	} else if (!error) {
		if (b.nobjs > KB_MAX_LIST_ITEMS)
			error = kb_error_set(KB_ELIMIT, "%s: too many objects",
					     name);
		for (size_t i = 0; i < b.nobjs && !error; i++)
			gather_object(ga, b.spec_version, buf + b.objs[i].off,
				      b.objs[i].len, b.objs[i].line,
				      b.objs[i].col, path);
	}
	if (!error && ga->sb.len > KB_MAX_INPUT_FILE)
		error = kb_error_set(KB_ELIMIT,
				     "%s@%s: the objects add up to more than "
				     "the limit of %u bytes",
				     g->path, ref, KB_MAX_INPUT_FILE);
	bundle_free(&b);
	free(name);
	free(buf);
	return error;
}

/* Every DOMAIN/TYPE/NAME.json of a per-object tree, in tree order. */
static int gather_tree(struct gather *ga, gitrepo *g,
		       const gitrepo_release *r)
{
	git_tree *dir = NULL;
	git_oid id;
	int error = 0;

	ga->tree = r->object;
	if (git_oid_fromstr(&id, r->object) < 0 ||
	    git_tree_lookup(&dir, g->repo, &id) < 0)
		return git_fail(KB_ERROR, g, r->ref, r->path,
				"cannot read the folder", true);
	for (size_t i = 0; i < git_tree_entrycount(dir) && !error; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(dir, i);
		git_tree *sub;
		char path[512];

		if (git_tree_entry_type(e) != GIT_OBJECT_TREE)
			continue;
		snprintf(path, sizeof(path), "%s%s", r->path,
			 git_tree_entry_name(e));
		if (git_tree_lookup(&sub, g->repo, git_tree_entry_id(e)) < 0) {
			error = git_fail(KB_ERROR, g, r->ref, path,
					 "cannot read the folder", true);
			break;
		}
		for (size_t j = 0; j < git_tree_entrycount(sub) && !error;
		     j++) {
			const git_tree_entry *f =
				git_tree_entry_byindex(sub, j);
			const char *name = git_tree_entry_name(f);
			size_t n = strlen(name);
			char fpath[768];

			if (git_tree_entry_type(f) != GIT_OBJECT_BLOB ||
			    n < 5 || strcmp(name + n - 5, ".json") != 0)
				continue;
			snprintf(fpath, sizeof(fpath), "%s/%s", path, name);
			error = gather_file(ga, g, r->ref, fpath,
					    git_tree_entry_id(f));
		}
		git_tree_free(sub);
	}
	git_tree_free(dir);
	if (!error && !ga->nparts)
		error = kb_error_set(KB_ENOTFOUND,
				     "%s@%s:%s: no STIX objects in the "
				     "folder",
				     g->path, r->ref, r->path);
	if (!error)
		strbuf_puts(&ga->sb, "\n]}\n");
	return error;
}

static int read_release(char **buf, size_t *len, gitrepo *g,
			const gitrepo_release *r, struct gather *ga)
{
	git_oid id;
	int error;

	*buf = NULL;
	*len = 0;
	if (r->layout == GITREPO_BUNDLE) {
		if (git_oid_fromstr(&id, r->object) < 0)
			return kb_error_set(KB_EUSAGE, "bad object id %s",
					    r->object);
		return read_blob(buf, len, g, r->ref, r->path, &id);
	}
	if ((error = gather_tree(ga, g, r)) < 0)
		return error;
	*len = ga->sb.len;
	*buf = strbuf_detach(&ga->sb);
	return 0;
}

int gitrepo_read(char **buf, size_t *len, gitrepo *g,
		 const gitrepo_release *r)
{
	struct gather ga = {STRBUF_INIT, 0, NULL, 0, 0, NULL};
	int error = read_release(buf, len, g, r, &ga);

	gather_free(&ga);
	return error;
}

/* A message "NAME:LINE:COL: rest" about the gathered bundle, rewritten to
 * name the object's own file: "REPO@REF:DOMAIN/TYPE/F.json:LINE:COL:". */
static void locate_error(const struct gather *ga, const char *name,
			 const char *repo, const char *ref)
{
	const char *msg = kb_error_last();
	size_t n = strlen(name), lo = 0, hi = ga->nparts;
	unsigned line, col;
	const struct part *p;
	char *copy;
	int used = 0;
	int code;

	if (!ga->nparts || strncmp(msg, name, n) != 0 || msg[n] != ':' ||
	    sscanf(msg + n, ":%u:%u:%n", &line, &col, &used) != 2 || !used)
		return;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (ga->parts[mid].asm_line <= line)
			lo = mid;
		else
			hi = mid;
	}
	p = &ga->parts[lo];
	if (line < p->asm_line)
		return;
	copy = xstrdup(msg + n + (size_t)used);
	code = KB_EPARSE;
	if (strstr(copy, "limit"))
		code = KB_ELIMIT;
	kb_error_set(code, "%s@%s:%s:%u:%u:%s", repo, ref, p->path,
		     p->line + (line - p->asm_line),
		     line == p->asm_line ? p->col + col - 1 : col, copy);
	free(copy);
}

int gitrepo_ingest(kb_store *store, gitrepo *g, const gitrepo_release *r,
		   const stix_opts *opts, stix_result *res)
{
	struct gather ga = {STRBUF_INIT, 0, NULL, 0, 0, NULL};
	stix_opts so = STIX_OPTS_INIT;
	char *buf, *name;
	size_t len;
	int error;

	memset(res, 0, sizeof(*res));
	if (opts)
		so = *opts;
	if ((error = read_release(&buf, &len, g, r, &ga)) < 0) {
		gather_free(&ga);
		return error;
	}
	so.domain = r->domain;
	if (r->version[0])
		so.release = r->version;
	name = xasprintf("%s@%s:%s", g->path, r->ref, r->path);
	error = stix_ingest_buffer(store, name, buf, len, &so, res);
	if (error == KB_EPARSE || error == KB_ELIMIT)
		locate_error(&ga, name, g->path, r->ref);
	free(name);
	free(buf);
	gather_free(&ga);
	return error;
}
