/* parser/noteingest.c: walk a vault, hash every note, parse (when any
 * changed) and hand the records to kb/notes.c. Link resolution needs the
 * whole vault, so when one note changed every note is parsed, but only the
 * changed ones are rewritten (the others get their links re-resolved). */
#include "parser/noteingest.h"
#include "kb/attackid.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/limits.h"
#include "kb/sha256.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"
#include "parser/notedir.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct file {
	char *path;   /* vault-relative, or as given */
	char *text;   /* its bytes, NULL when unreadable */
	size_t len;
	char sha256[65];
	bool changed;
};

struct walk {
	const char *root;
	struct file *files;
	size_t n;
	noteingest_result *res;
};

static void *grow(void *arr, size_t n, size_t size)
{
	if ((n & (n - 1)) == 0)
		arr = xreallocarray(arr, n ? 2 * n : 1, size);
	return arr;
}

static void add_warning(noteingest_result *res, char *msg)
{
	res->warnings = grow(res->warnings, res->nwarnings, sizeof(char *));
	res->warnings[res->nwarnings++] = msg;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_note_name(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && strcmp(name + n - 3, ".md") == 0;
}

static void add_file(struct walk *w, const char *rel)
{
	w->files = grow(w->files, w->n, sizeof(*w->files));
	memset(&w->files[w->n], 0, sizeof(w->files[w->n]));
	w->files[w->n++].path = xstrdup(rel);
}

/* Collect the note files under rel, as notedir_load() finds them. */
static int walk(struct walk *w, const char *rel, unsigned depth)
{
	char *full = *rel ? fsutil_path_join(w->root, rel) : xstrdup(w->root);
	DIR *d = opendir(full);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int error = 0;

	if (!d) {
		error = kb_error_errno(errno == ENOENT ? KB_ENOTFOUND : KB_EIO,
		                       "%s", full);
		if (*rel) { /* an unreadable sub-folder: warn, go on */
			add_warning(w->res, xstrdup(kb_error_last()));
			error = 0;
		}
		free(full);
		return error;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			names = grow(names, n, sizeof(*names));
			names[n++] = xstrdup(de->d_name);
		}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && !error; i++) {
		char *crel = *rel ? xasprintf("%s/%s", rel, names[i])
		                  : xstrdup(names[i]);
		char *cfull = fsutil_path_join(w->root, crel);
		struct stat st;

		if (lstat(cfull, &st) < 0) {
			kb_error_errno(KB_EIO, "%s", cfull);
			add_warning(w->res, xstrdup(kb_error_last()));
		} else if (S_ISDIR(st.st_mode)) {
			if (depth + 1 > KB_MAX_VAULT_DEPTH)
				error = kb_error_set(KB_ELIMIT,
				                     "%s: folders nested deeper "
				                     "than %u levels",
				                     cfull,
				                     (unsigned)KB_MAX_VAULT_DEPTH);
			else
				error = walk(w, crel, depth + 1);
		} else if (S_ISREG(st.st_mode) && is_note_name(names[i])) {
			if (w->n >= KB_MAX_VAULT_NOTES)
				error = kb_error_set(KB_ELIMIT,
				                     "%s: more than %u notes",
				                     w->root,
				                     (unsigned)KB_MAX_VAULT_NOTES);
			else
				add_file(w, crel);
		}
		free(cfull);
		free(crel);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(full);
	return error;
}

/* Offset of the first byte that is not UTF-8 (lenient: structure only). */
static bool utf8_ok(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;

	for (size_t i = 0; i < len;) {
		size_t n = s[i] < 0x80            ? 1
		           : (s[i] & 0xe0) == 0xc0 ? 2
		           : (s[i] & 0xf0) == 0xe0 ? 3
		           : (s[i] & 0xf8) == 0xf0 ? 4
		                                   : 0;

		if (!n || i + n > len)
			return false;
		for (size_t k = 1; k < n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += n;
	}
	return true;
}

static const char *kind_name(enum markdown_link_kind k)
{
	switch (k) {
	case MARKDOWN_LINK_WIKI:
		return "wiki";
	case MARKDOWN_LINK_EMBED:
		return "embed";
	case MARKDOWN_LINK_URL:
		return "url";
	case MARKDOWN_LINK_IMAGE:
		return "image";
	}
	return "wiki";
}

static const char *resolution_name(enum note_resolution r)
{
	switch (r) {
	case NOTE_UNRESOLVED:
		return "unresolved";
	case NOTE_BY_PATH:
		return "path";
	case NOTE_BY_ID:
		return "id";
	case NOTE_BY_NAME:
		return "name";
	case NOTE_ID_MISMATCH:
		return "id-mismatch";
	}
	return "unresolved";
}

static kb_note_link *links_of(const note *nt)
{
	kb_note_link *ls = xcalloc(nt->nlinks + 1, sizeof(*ls));

	for (size_t i = 0; i < nt->nlinks; i++) {
		const note_link *l = &nt->links[i];

		ls[i].kind = kind_name(l->md->kind);
		ls[i].target = l->md->target;
		ls[i].fragment = l->md->fragment;
		ls[i].text = l->md->text;
		ls[i].line = l->md->line;
		ls[i].attack_id = l->attack_id;
		ls[i].resolution = resolution_name(l->resolution);
		ls[i].target_path = l->target ? l->target->path : NULL;
	}
	return ls;
}

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static int put_note(kb_notes *ns, const note *nt, const struct file *f)
{
	kb_note kn = {0};
	kb_note_link *links = links_of(nt);
	kb_note_mention *ms = xcalloc(nt->nmentions + 1, sizeof(*ms));
	kb_note_fact *fs = xcalloc(nt->nfacts + 1, sizeof(*fs));
	kb_note_ref *rs = xcalloc(nt->nrefs + nt->nfootnotes + 1, sizeof(*rs));
	char *json = frontmatter_to_json(nt->frontmatter);
	strbuf aliases = STRBUF_INIT;
	char *body = NULL;
	size_t nrs = 0;
	int error;

	for (size_t i = 0; i < nt->naliases; i++) {
		if (attackid_is(nt->aliases[i]))
			continue;
		if (aliases.len)
			strbuf_puts(&aliases, ", ");
		strbuf_puts(&aliases, nt->aliases[i]);
	}
	for (size_t i = 0; i < nt->nmentions; i++) {
		ms[i].attack_id = nt->mentions[i].attack_id;
		ms[i].line = nt->mentions[i].line;
		ms[i].section = nt->mentions[i].section;
	}
	for (size_t i = 0; i < nt->nfacts; i++) {
		const note_fact *f0 = &nt->facts[i];

		fs[i].relation = f0->relation;
		fs[i].source_id = f0->source_id;
		fs[i].target_id = f0->target_id;
		fs[i].target_name = f0->target_name;
		fs[i].description = f0->description;
		fs[i].line = f0->line;
		if (strcmp(f0->relation, "tactic") == 0)
			fs[i].row_id = f0->target_id;
		else if (strcmp(f0->relation, "platform") == 0 ||
		         strcmp(f0->relation, "permission") == 0)
			fs[i].row_id = NULL;
		else
			fs[i].row_id = same(f0->source_id, nt->attack_id)
			                   ? f0->target_id
			                   : f0->source_id;
		/* A list item's link leading to a note about an ID: that ID
		 * (the file name may carry none, or an old one). */
		if (f0->link && nt->links[f0->link - 1].target &&
		    nt->links[f0->link - 1].target->attack_id) {
			const char *id =
			    nt->links[f0->link - 1].target->attack_id;
			bool row_src = same(f0->target_id, nt->attack_id) &&
			               fs[i].row_id == f0->source_id;

			fs[i].row_id = id;
			if (row_src)
				fs[i].source_id = id;
			else
				fs[i].target_id = id;
		}
	}
	/* List items first, then every footnote (with its URL if any). */
	for (size_t i = 0; i < nt->nrefs; i++)
		if (!nt->refs[i].label) {
			rs[nrs].source_name = nt->refs[i].name;
			rs[nrs].url = nt->refs[i].url;
			rs[nrs++].line = nt->refs[i].line;
		}
	for (size_t i = 0; i < nt->nfootnotes; i++) {
		rs[nrs].label = nt->footnotes[i].label;
		rs[nrs].text = nt->footnotes[i].text;
		rs[nrs].line = nt->footnotes[i].line;
		for (size_t k = 0; k < nt->nrefs; k++)
			if (same(nt->refs[k].label, nt->footnotes[i].label) &&
			    nt->refs[k].line == nt->footnotes[i].line) {
				rs[nrs].source_name = nt->refs[k].name;
				rs[nrs].url = nt->refs[k].url;
			}
		nrs++;
	}
	if (!utf8_ok(f->text, f->len)) {
		body = xstrndup(f->text, f->len);
		for (char *p = body; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
	}
	kn.path = nt->path;
	kn.title = nt->title;
	kn.name = nt->name;
	kn.attack_id = nt->attack_id;
	kn.kind = nt->kind;
	kn.description = nt->description;
	kn.url = nt->url;
	kn.aliases = aliases.len ? aliases.ptr : NULL;
	kn.frontmatter_json = json;
	kn.body = body ? body : f->text;
	kn.sha256 = f->sha256;
	kn.links = links;
	kn.nlinks = nt->nlinks;
	kn.mentions = ms;
	kn.nmentions = nt->nmentions;
	kn.tags = (const char *const *)nt->tags;
	kn.ntags = nt->ntags;
	kn.facts = fs;
	kn.nfacts = nt->nfacts;
	kn.refs = rs;
	kn.nrefs = nrs;
	kn.warnings = (const char *const *)nt->warnings;
	kn.nwarnings = nt->nwarnings;
	error = kb_notes_put(ns, &kn);
	free(body);
	free(json);
	strbuf_free(&aliases);
	free(links);
	free(ms);
	free(fs);
	free(rs);
	return error;
}

static void read_files(struct walk *w, const char *root, kb_notes *ns)
{
	for (size_t i = 0; i < w->n; i++) {
		struct file *f = &w->files[i];
		char *full = root ? fsutil_path_join(root, f->path)
		                  : xstrdup(f->path);
		const char *known;
		sha256_ctx c;

		if (fsutil_read_file(&f->text, &f->len, full,
		                     KB_MAX_NOTE_FILE) < 0) {
			add_warning(w->res,
			            xasprintf("%s (skipped)", kb_error_last()));
			f->text = NULL;
		} else {
			sha256_init(&c);
			sha256_update(&c, f->text, f->len);
			sha256_final_hex(&c, f->sha256);
			known = kb_notes_hash(ns, f->path);
			f->changed = !known || strcmp(known, f->sha256) != 0;
		}
		free(full);
	}
}

static int ingest(kb_store *store, const char *root, struct walk *w,
                  bool forget, const noteingest_opts *opts,
                  noteingest_result *res)
{
	kb_notes *ns = NULL;
	notedir *dir = NULL;
	size_t readable = 0, changed = 0, stored;
	int error;

	if ((error = kb_notes_begin(&ns, store,
	                            opts && opts->temp ? KB_NOTES_TEMP : 0)) <
	    0)
		return error;
	read_files(w, root, ns);
	for (size_t i = 0; i < w->n; i++) {
		readable += w->files[i].text != NULL;
		changed += w->files[i].text && w->files[i].changed;
	}
	stored = kb_notes_stored(ns);
	res->files = w->n;
	if (!changed && (!forget || readable == stored)) {
		/* Nothing changed: nothing to parse. */
		for (size_t i = 0; i < w->n && !error; i++)
			if (w->files[i].text)
				error = kb_notes_keep(ns, w->files[i].path, NULL,
				                      0);
		goto commit;
	}
	dir = notedir_new();
	for (size_t i = 0; i < w->n && !error; i++) {
		struct file *f = &w->files[i];
		char *shown = root ? fsutil_path_join(root, f->path)
		                   : xstrdup(f->path);
		note *nt = NULL;
		int e;

		if (!f->text) {
			free(shown);
			continue;
		}
		e = note_parse_shown(&nt, shown, f->path, f->text, f->len);
		if (e < 0) {
			add_warning(res, xasprintf("%s (skipped)",
			                           kb_error_last()));
		} else {
			res->parsed++;
			error = notedir_add(dir, nt);
		}
		free(shown);
		if (opts && opts->progress)
			opts->progress(opts->progress_ud, i + 1, w->n);
	}
	if (error)
		goto fail;
	notedir_resolve(dir);
	for (size_t i = 0, k = 0; i < notedir_count(dir) && !error; i++) {
		const note *nt = notedir_note(dir, i);
		struct file *f;

		/* Both lists are sorted by path (bytewise). */
		while (k < w->n && strcmp(w->files[k].path, nt->path) != 0)
			k++;
		if (k == w->n) {
			error = kb_error_set(KB_ERROR, "%s: lost", nt->path);
			break;
		}
		f = &w->files[k];
		for (size_t j = 0; j < nt->nwarnings; j++)
			add_warning(res, xstrdup(nt->warnings[j]));
		if (f->changed) {
			error = put_note(ns, nt, f);
		} else {
			kb_note_link *links = links_of(nt);

			error = kb_notes_keep(ns, nt->path, links, nt->nlinks);
			free(links);
		}
	}
	if (error)
		goto fail;
commit:
	if (error)
		goto fail;
	notedir_free(dir);
	if (!forget)
		kb_notes_keep_others(ns);
	return kb_notes_commit(ns, root ? root : "(notes)", &res->stats);
fail:
	notedir_free(dir);
	kb_notes_abort(ns);
	return error;
}

static void free_walk(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->files[i].path);
		free(w->files[i].text);
	}
	free(w->files);
}

static int cmp_files(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->path,
	              ((const struct file *)b)->path);
}

int noteingest_vault(kb_store *store, const char *root,
                     const noteingest_opts *opts, noteingest_result *res)
{
	struct walk w = {root, NULL, 0, res};
	struct stat st;
	int error;

	memset(res, 0, sizeof(*res));
	w.res = res;
	if (stat(root, &st) < 0)
		return kb_error_errno(errno == ENOENT ? KB_ENOTFOUND : KB_EIO,
		                      "%s", root);
	if (!S_ISDIR(st.st_mode))
		return kb_error_set(KB_EIO, "%s: not a folder", root);
	if ((error = walk(&w, "", 0)) == 0) {
		/* notedir sorts bytewise by path; so must we. */
		if (w.n)
			qsort(w.files, w.n, sizeof(*w.files), cmp_files);
		error = ingest(store, root, &w, true, opts, res);
	}
	free_walk(&w);
	return error;
}

int noteingest_files(kb_store *store, char *const *files, size_t n,
                     const noteingest_opts *opts, noteingest_result *res)
{
	struct walk w = {NULL, NULL, 0, res};
	int error;

	memset(res, 0, sizeof(*res));
	w.res = res;
	for (size_t i = 0; i < n; i++) {
		const char *p = files[i];

		while (p[0] == '.' && p[1] == '/')
			p += 2;
		add_file(&w, p);
	}
	if (w.n)
		qsort(w.files, w.n, sizeof(*w.files), cmp_files);
	error = ingest(store, NULL, &w, false, opts, res);
	free_walk(&w);
	return error;
}

void noteingest_result_free(noteingest_result *res)
{
	for (size_t i = 0; i < res->nwarnings; i++)
		free(res->warnings[i]);
	free(res->warnings);
	res->warnings = NULL;
	res->nwarnings = 0;
}
