/* export/vault.c: the file layer of the Obsidian export: manifest and
 * journal, the add / splice / conflict / foreign rules, stale notes. */
#include "export/vault.h"
#include "export/vaultfile.h"
#include "export/vaultnote.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/limits.h"
#include "kb/strbuf.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define META_DIR ".attackkb"
#define MANIFEST_HEADER                                                        \
	"# attackkb vault manifest 1\n"                                        \
	"# Files attackkb wrote; see export/vault.h. Remove a line to take "   \
	"that note over.\n"                                                    \
	"# KIND FILE REGION PROPS PATH\n"

/* One line of the manifest: a file attackkb wrote. */
struct mentry {
	char *path;    /* relative to the vault */
	char kind;     /* 'n', 'N' (notes), 'c', 'C' (conflict files), 'f'
			  (whole files, vault_put_file()) */
	uint64_t file; /* hash of the whole file as last written */
	uint64_t region, props; /* notes: hashes of the generated parts */
	bool seen;              /* dealt with by a put in this run */
	bool gone;              /* left out of the next manifest */
};

/* The names in one folder, to find clashes that differ only in case. */
struct listing {
	strmap *by_fold; /* folded name -> char * name (owned by names) */
	char **names;
	size_t n;
};

struct vault {
	char *dir;         /* the vault folder */
	char **owned;      /* NULL-terminated copy of opts.owned_keys */
	vault_opts opts;   /* .owned_keys points at owned */
	struct mentry **m; /* manifest entries, in load/creation order */
	size_t nm, capm;
	strmap *by_path;     /* path -> struct mentry * */
	strmap *by_fold;     /* folded path -> struct mentry * (first) */
	strmap *put;         /* folded relpaths put in this run */
	strmap *listings;    /* folder relpath -> struct listing * */
	struct listing **ls; /* every listing, to free them */
	size_t nls;
	char *manifest_text; /* the manifest as read ("" if none) */
	bool journal_exists; /* a journal was found or written */
	int lock_fd;         /* flock()ed .attackkb/lock, or -1 */
	int journal_fd;      /* .attackkb/journal for appending, or -1 */
	bool finished;       /* vault_finish() ran */
	vault_report rep;    /* filled as we go */
};

static const char *const status_names[VAULT_NSTATUS] = {
    "added",    "changed", "unchanged", "adopted",
    "conflict", "foreign", "stale",     "removed",
};

const char *vault_status_name(vault_status s)
{
	return (unsigned)s < VAULT_NSTATUS ? status_names[s] : "?";
}

/* Record what happened to path; detail is taken over (may be NULL). */
static void add_item(vault *v, const char *path, vault_status status,
		     char *detail, const char *conflict_path)
{
	vault_report *r = &v->rep;

	if ((r->n & (r->n - 1)) == 0) /* 0, 1, 2, 4...: grow to double */
		r->items = xreallocarray(r->items, r->n ? r->n * 2 : 1,
					 sizeof(*r->items));
	r->items[r->n++] = (vault_item){
	    .path = xstrdup(path),
	    .status = status,
	    .detail = detail,
	    .conflict_path = conflict_path ? xstrdup(conflict_path) : NULL,
	};
	r->count[status]++;
}

static char *make_meta_path(const vault *v, const char *name)
{
	return xasprintf("%s/" META_DIR "/%s", v->dir, name);
}

/* Is p a relative path whose parts are all portable names? Notes end in
 * ".md"; conflict files (allowed only if conflict) in ".attackkb-new.md". */
static bool is_valid_relpath(const char *p, bool conflict)
{
	const char *base = strrchr(p, '/');
	size_t n = strlen(p);
	bool ok = n > 0 && n < 4096 && p[0] != '/';

	base = base ? base + 1 : p;
	for (const char *s = p; ok && *s;) {
		const char *e = strchr(s, '/');
		char *part = xstrndup(s, e ? (size_t)(e - s) : strlen(s));

		ok = vaultfile_valid_name(part);
		free(part);
		s = e ? e + 1 : s + strlen(s);
		if (e && !*s)
			ok = false; /* trailing slash */
	}
	if (!ok || strlen(base) < 4 || strcmp(p + n - 3, VAULTFILE_EXT) != 0)
		return false;
	return conflict == vaultfile_is_conflict_name(base);
}

/* Is p a relative path of portable names to a whole file (a canvas): one
 * that does not end in ".md"? */
static bool is_valid_whole_relpath(const char *p)
{
	size_t n = strlen(p);
	char *md = xasprintf("%s" VAULTFILE_EXT, p);
	bool ok = is_valid_relpath(md, false);

	free(md);
	return ok && (n < 3 || strcasecmp(p + n - 3, VAULTFILE_EXT) != 0);
}

/* Set (or create) the manifest entry for path. */
static struct mentry *set_entry(vault *v, const char *path, char kind,
				uint64_t file, uint64_t region, uint64_t props)
{
	struct mentry *e = strmap_get(v->by_path, path);

	if (!e) {
		char *fold = vaultfile_fold(path);

		e = xcalloc(1, sizeof(*e));
		e->path = xstrdup(path);
		if (v->nm == v->capm) {
			v->capm = v->capm ? v->capm * 2 : 256;
			v->m = xreallocarray(v->m, v->capm, sizeof(*v->m));
		}
		v->m[v->nm++] = e;
		strmap_put(v->by_path, path, e);
		if (!strmap_get(v->by_fold, fold))
			strmap_put(v->by_fold, fold, e);
		free(fold);
	}
	e->kind = kind;
	e->file = file;
	e->region = region;
	e->props = props;
	e->gone = false;
	return e;
}

static bool is_note_kind(char kind)
{
	return kind == 'n' || kind == 'N';
}

/* The live note entry for path, or NULL. */
static struct mentry *find_note(const vault *v, const char *path)
{
	struct mentry *e = strmap_get(v->by_path, path);

	return e && !e->gone && is_note_kind(e->kind) ? e : NULL;
}

static struct mentry *find_conflict(const vault *v, const char *path)
{
	struct mentry *e = strmap_get(v->by_path, path);

	return e && !e->gone && (e->kind == 'c' || e->kind == 'C') ? e : NULL;
}

/* The live whole-file entry for path, or NULL. */
static struct mentry *find_whole(const vault *v, const char *path)
{
	struct mentry *e = strmap_get(v->by_path, path);

	return e && !e->gone && e->kind == 'f' ? e : NULL;
}

/* Parse exactly 16 lowercase hex digits, or just "-" if dash. */
static int parse_hash(uint64_t *out, const char *s, size_t n, bool dash)
{
	uint64_t h = 0;

	*out = 0;
	if (dash)
		return n == 1 && s[0] == '-' ? 0 : -1;
	if (n != 16)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int d = s[i] >= '0' && s[i] <= '9'   ? s[i] - '0'
			: s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
						     : -1;

		if (d < 0)
			return -1;
		h = h << 4 | (uint64_t)d;
	}
	*out = h;
	return 0;
}

/* Parse one manifest line (without its newline). Returns 0 or -1. */
static int parse_line(vault *v, const char *line, size_t n)
{
	const char *f[4];
	size_t len[4], off = 0;
	uint64_t file, region, props;
	char kind, *path;
	bool note;
	int error = -1;

	/* Four space-separated fields, then the path (which may hold
	 * spaces) up to the end of the line. */
	for (int k = 0; k < 4; k++) {
		f[k] = line + off;
		while (off < n && line[off] != ' ')
			off++;
		len[k] = (size_t)(line + off - f[k]);
		if (off++ >= n)
			return -1;
	}
	kind = f[0][0];
	note = is_note_kind(kind);
	if (len[0] != 1 ||
	    !(note || kind == 'c' || kind == 'C' || kind == 'f') ||
	    parse_hash(&file, f[1], len[1], false) < 0 ||
	    parse_hash(&region, f[2], len[2], !note) < 0 ||
	    parse_hash(&props, f[3], len[3], !note) < 0)
		return -1;
	path = xstrndup(line + off, n - off);
	if (strlen(path) == n - off &&
	    (kind == 'f' ? is_valid_whole_relpath(path)
			 : is_valid_relpath(path, !note))) {
		set_entry(v, path, kind, file, region, props);
		error = 0;
	}
	free(path);
	return error;
}

/* Read .attackkb/NAME into the entries; *text_out (if not NULL) gets its
 * text. strict: a bad line is KB_EPARSE (manifest); otherwise it is
 * skipped (journal: a last line cut short by a crash). */
static int load_meta(vault *v, const char *name, bool strict, char **text_out)
{
	static const char magic[] = "# attackkb vault manifest ";
	char *path = make_meta_path(v, name), *text = NULL;
	size_t len, lineno = 0;
	int error = fsutil_read_file(&text, &len, path, KB_MAX_MANIFEST_FILE);

	if (error == KB_ENOTFOUND) {
		kb_error_clear();
		error = 0;
		text = xstrdup("");
		len = 0;
	} else if (error < 0) {
		goto done;
	}
	for (size_t off = 0; off < len; lineno++) {
		const char *l = text + off, *nl = memchr(l, '\n', len - off);
		size_t n = nl ? (size_t)(nl - l) : len - off;

		off += n + 1;
		if (lineno == 0 && n >= strlen(magic) &&
		    memcmp(l, magic, strlen(magic)) == 0 &&
		    (n != strlen(magic) + 1 || l[n - 1] != '1')) {
			error = kb_error_set(KB_EPARSE,
					     "%s:1: unsupported "
					     "manifest version",
					     path);
			goto done;
		}
		if (n == 0 || l[0] == '#' || parse_line(v, l, n) == 0)
			continue;
		if (strict) {
			error = kb_error_set(KB_EPARSE,
					     "%s:%zu: malformed "
					     "manifest line",
					     path, lineno + 1);
			goto done;
		}
	}
done:
	if (text_out && error == 0) {
		*text_out = text;
		text = NULL;
	}
	free(text);
	free(path);
	return error;
}

static void put_hash(strbuf *sb, uint64_t h, bool dash)
{
	if (dash)
		strbuf_puts(sb, " -");
	else
		strbuf_printf(sb, " %016" PRIx64, h);
}

static void put_entry(strbuf *sb, const struct mentry *e)
{
	bool note = is_note_kind(e->kind);

	strbuf_putc(sb, e->kind);
	put_hash(sb, e->file, false);
	put_hash(sb, e->region, !note);
	put_hash(sb, e->props, !note);
	strbuf_printf(sb, " %s\n", e->path);
}

static int compare_entries(const void *a, const void *b)
{
	return strcmp((*(struct mentry *const *)a)->path,
		      (*(struct mentry *const *)b)->path);
}

/* Append one entry to the journal, opening it on first use. */
static int append_journal(vault *v, const struct mentry *e)
{
	strbuf sb = STRBUF_INIT;
	int error = 0;

	if (v->opts.dry_run)
		return 0;
	if (v->journal_fd < 0) {
		char *path = make_meta_path(v, "journal");

		v->journal_fd =
		    open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (v->journal_fd < 0)
			error = kb_error_errno(KB_EIO, "%s", path);
		free(path);
		if (error)
			return error;
		v->journal_exists = true;
	}
	put_entry(&sb, e);
	/* One write() per line: appends of a line are not interleaved or
	 * split by a killed process. */
	if (write(v->journal_fd, sb.ptr, sb.len) != (ssize_t)sb.len)
		error =
		    kb_error_errno(KB_EIO, "%s/" META_DIR "/journal", v->dir);
	strbuf_free(&sb);
	return error;
}

/* Atomically write the file at relpath (creating its folder). */
static int write_file(vault *v, const char *relpath, const char *text,
		      size_t len, unsigned mode, bool noreplace)
{
	char *path, *slash;
	unsigned flags = (v->opts.sync ? FSUTIL_SYNC : 0) |
			 (noreplace ? FSUTIL_NOREPLACE : 0);
	int error = 0;

	if (v->opts.dry_run)
		return 0;
	path = fsutil_path_join(v->dir, relpath);
	slash = strrchr(path, '/');
	*slash = '\0';
	error = fsutil_mkdir_p(path);
	*slash = '/';
	if (error == 0)
		error = fsutil_write_atomic_ex(path, text, len, flags, mode);
	free(path);
	return error;
}

static int read_file(char **text, size_t *len, const vault *v,
		     const char *relpath)
{
	char *path = fsutil_path_join(v->dir, relpath);
	int error = fsutil_read_file(text, len, path, KB_MAX_NOTE_FILE);

	free(path);
	return error;
}

static int lstat_rel(const vault *v, const char *relpath, struct stat *st)
{
	char *path = fsutil_path_join(v->dir, relpath);
	int rc = lstat(path, st);

	free(path);
	return rc;
}

/* The names in the folder of relpath, read once per run. */
static struct listing *get_listing(vault *v, const char *relpath)
{
	const char *slash = strrchr(relpath, '/');
	char *folder = xstrndup(relpath, slash ? (size_t)(slash - relpath) : 0);
	struct listing *l = strmap_get(v->listings, folder);
	char *path;
	DIR *d;
	struct dirent *de;
	size_t cap = 0;

	if (l) {
		free(folder);
		return l;
	}
	l = xcalloc(1, sizeof(*l));
	l->by_fold = strmap_new();
	path = *folder ? fsutil_path_join(v->dir, folder) : xstrdup(v->dir);
	if ((d = opendir(path))) {
		while ((de = readdir(d))) {
			char *fold;

			if (de->d_name[0] == '.')
				continue;
			if (l->n == cap) {
				cap = cap ? cap * 2 : 64;
				l->names = xreallocarray(l->names, cap,
							 sizeof(*l->names));
			}
			l->names[l->n] = xstrdup(de->d_name);
			fold = vaultfile_fold(de->d_name);
			if (!strmap_get(l->by_fold, fold))
				strmap_put(l->by_fold, fold, l->names[l->n]);
			free(fold);
			l->n++;
		}
		closedir(d);
	}
	free(path);
	strmap_put(v->listings, folder, l);
	v->ls = xreallocarray(v->ls, v->nls + 1, sizeof(*v->ls));
	v->ls[v->nls++] = l;
	free(folder);
	return l;
}

/* An existing file in relpath's folder whose name differs from relpath's
 * only in ASCII case, as a relative path (caller frees), or NULL. */
static char *find_case_variant(vault *v, const char *relpath)
{
	const char *slash = strrchr(relpath, '/');
	const char *base = slash ? slash + 1 : relpath;
	struct listing *l = get_listing(v, relpath);
	char *fold = vaultfile_fold(base);
	const char *name = strmap_get(l->by_fold, fold);

	free(fold);
	if (!name || strcmp(name, base) == 0)
		return NULL;
	return xasprintf("%.*s%s", (int)(base - relpath), relpath, name);
}

static char pick_kind(bool note, bool pure)
{
	return note ? (pure ? 'n' : 'N') : (pure ? 'c' : 'C');
}

/* Write the new version of a conflicting note beside it and report the
 * conflict. ctext is the new version; pure: it holds only generated
 * text. detail is taken over. */
static int put_conflict(vault *v, const char *relpath, const char *ctext,
			bool pure, char *detail)
{
	char *cpath = vaultfile_conflict_name(relpath), *old = NULL;
	size_t clen = strlen(ctext), olen;
	struct mentry *ce = find_conflict(v, cpath);
	struct stat st;
	const char *written = cpath;
	bool create = false;
	int error = 0;

	if (lstat_rel(v, cpath, &st) < 0) {
		if (errno != ENOENT) {
			error = kb_error_errno(KB_EIO, "%s/%s", v->dir, cpath);
			goto done;
		}
		create = true;
	} else if (!ce || !S_ISREG(st.st_mode)) {
		char *d = xasprintf("%s; '%s' is in the way and is not "
				    "attackkb's: new version not written",
				    detail, cpath);

		free(detail);
		detail = d;
		written = NULL;
		goto report;
	} else if ((error = read_file(&old, &olen, v, cpath)) < 0) {
		goto done;
	} else if (vaultnote_hash(old, olen) != ce->file) {
		char *d = xasprintf("%s; '%s' was edited: left as it is",
				    detail, cpath);

		free(detail);
		detail = d;
		ce->seen = true;
		goto report;
	}
	if (!create && olen == clen && memcmp(old, ctext, clen) == 0) {
		ce->seen = true; /* already there */
		goto report;
	}
	error = write_file(v, cpath, ctext, clen, 0, create);
	if (error == KB_EEXISTS) {
		/* Appeared since the lstat(): leave it alone. */
		kb_error_clear();
		error = 0;
		written = NULL;
		goto report;
	}
	if (error < 0)
		goto done;
	ce = set_entry(v, cpath, pick_kind(false, pure),
		       vaultnote_hash(ctext, clen), 0, 0);
	ce->seen = true;
	if ((error = append_journal(v, ce)) < 0)
		goto done;
report:
	add_item(v, relpath, VAULT_CONFLICT, detail, written);
	detail = NULL;
done:
	free(detail);
	free(old);
	free(cpath);
	return error;
}

/* (a): no file at relpath. */
static int put_new(vault *v, const char *relpath, const char *fresh)
{
	size_t len = strlen(fresh);
	vaultnote_hashes h;
	struct mentry *e;
	int error = write_file(v, relpath, fresh, len, 0, true);

	if (error == KB_EEXISTS) {
		kb_error_clear();
		add_item(v, relpath, VAULT_FOREIGN,
			 xstrdup("appeared during the export: left alone"),
			 NULL);
		return 0;
	}
	if (error < 0)
		return error;
	vaultnote_hashes_of(&h, fresh, len, (const char *const *)v->owned);
	e = set_entry(v, relpath, 'n', vaultnote_hash(fresh, len), h.region,
		      h.props);
	e->seen = true;
	add_item(v, relpath, VAULT_ADDED, NULL, NULL);
	return append_journal(v, e);
}

/* (b) and (c): relpath holds a file attackkb wrote, entry e; read it from
 * src (relpath, or its old name when a dry run did not rename it). note:
 * detail for the report, taken over (may be NULL). */
static int put_existing(vault *v, const char *relpath, const char *src,
			struct mentry *e, const struct stat *st,
			const char *fresh, const char *fm, const char *body,
			char *note)
{
	const char *const *owned = (const char *const *)v->owned;
	char *text = NULL, *spliced = NULL;
	size_t len, slen;
	vaultnote_hashes cur, now;
	bool same;
	int error;

	e->seen = true;
	if ((error = read_file(&text, &len, v, src)) == KB_ELIMIT) {
		error = put_conflict(v, relpath, fresh, true,
				     xstrdup(kb_error_last()));
		goto done;
	}
	if (error < 0)
		goto done;
	if (vaultnote_hashes_of(&cur, text, len, owned) < 0) {
		error = put_conflict(v, relpath, fresh, true,
				     xstrdup(kb_error_last()));
		goto done;
	}
	vaultnote_splice(&spliced, &slen, text, len, fm, body, owned);
	vaultnote_hashes_of(&now, spliced, slen, owned);
	if ((cur.region != e->region || cur.props != e->props) &&
	    (cur.region != now.region || cur.props != now.props)) {
		error = put_conflict(
		    v, relpath, spliced, strcmp(spliced, fresh) == 0,
		    xstrdup(cur.region != e->region ? "generated region edited"
						    : "generated properties "
						      "edited"));
		goto done;
	}
	same = slen == len && memcmp(spliced, text, len) == 0;
	if (!same) {
		error = write_file(v, relpath, spliced, slen,
				   st->st_mode & 07777, false);
		if (error < 0)
			goto done;
	}
	if (!same || cur.region != e->region || cur.props != e->props) {
		/* Written now, or the analyst put the new version in place:
		 * either way these are the generated parts as of now. */
		e = set_entry(
		    v, relpath, pick_kind(true, strcmp(spliced, fresh) == 0),
		    vaultnote_hash(spliced, slen), now.region, now.props);
		e->seen = true;
		if ((error = append_journal(v, e)) < 0)
			goto done;
	}
	add_item(v, relpath, same ? VAULT_UNCHANGED : VAULT_CHANGED, note,
		 NULL);
	note = NULL;
done:
	free(note);
	free(spliced);
	free(text);
	return error;
}

/* A manifest note whose path differs from relpath only in case and that
 * is the very file at relpath (case-insensitive file systems). */
static struct mentry *find_same_file(vault *v, const char *relpath,
				     const struct stat *st)
{
	char *fold = vaultfile_fold(relpath);
	struct mentry *e = strmap_get(v->by_fold, fold);
	struct stat st2;

	free(fold);
	if (!e || !find_note(v, e->path) || strcmp(e->path, relpath) == 0 ||
	    lstat_rel(v, e->path, &st2) < 0 || st2.st_dev != st->st_dev ||
	    st2.st_ino != st->st_ino)
		return NULL;
	return e;
}

/* Take over entry old for relpath (a case-only rename); detail for the
 * report (caller frees). */
static struct mentry *move_entry(vault *v, struct mentry *old,
				 const char *relpath, char **detail)
{
	struct mentry *e = set_entry(v, relpath, old->kind, old->file,
				     old->region, old->props);

	*detail = xasprintf("renamed from '%s'", old->path);
	old->gone = true;
	return e;
}

int vault_put_note(vault *v, const char *relpath, const char *frontmatter,
		   const char *body)
{
	const char *const *owned = (const char *const *)v->owned;
	char *fold = NULL, *fresh = NULL, *variant = NULL, *text = NULL;
	char *note = NULL;
	struct mentry *e;
	struct stat st;
	size_t len;
	int error = 0;

	if (v->finished)
		return kb_error_set(KB_EUSAGE, "vault: put after finish");
	if (!is_valid_relpath(relpath, false))
		return kb_error_set(KB_EUSAGE,
				    "vault: '%s' is not a portable relative "
				    "path to a .md note",
				    relpath);
	if ((error = vaultnote_check(frontmatter, body, owned)) < 0) {
		kb_error_prefix("%s", relpath);
		return error;
	}
	fold = vaultfile_fold(relpath);
	if (strmap_get(v->put, fold)) {
		error = kb_error_set(KB_EUSAGE,
				     "vault: '%s' put twice (ignoring case)",
				     relpath);
		goto done;
	}
	strmap_put(v->put, fold, v);
	fresh = vaultnote_render(frontmatter, body);

	if (lstat_rel(v, relpath, &st) < 0) {
		if (errno != ENOENT && errno != ENOTDIR) {
			error =
			    kb_error_errno(KB_EIO, "%s/%s", v->dir, relpath);
			goto done;
		}
		if (!(variant = find_case_variant(v, relpath))) {
			error = put_new(v, relpath, fresh);
			goto done;
		}
		if (!(e = find_note(v, variant)) ||
		    lstat_rel(v, variant, &st) < 0 || !S_ISREG(st.st_mode)) {
			add_item(v, relpath, VAULT_FOREIGN,
				 xasprintf("'%s' differs only in case and is "
					   "not attackkb's: left alone",
					   variant),
				 NULL);
			goto done;
		}
		/* Our note under its old case (Linux): rename it first. */
		if (!v->opts.dry_run) {
			char *from = fsutil_path_join(v->dir, variant);
			char *to = fsutil_path_join(v->dir, relpath);

			if (renameat2(AT_FDCWD, from, AT_FDCWD, to,
				      RENAME_NOREPLACE) < 0 &&
			    (errno != EINVAL || rename(from, to) < 0))
				error = kb_error_errno(KB_EIO, "%s", to);
			free(from);
			free(to);
			if (error < 0)
				goto done;
		}
		if (lstat_rel(v, v->opts.dry_run ? variant : relpath, &st) <
		    0) {
			error =
			    kb_error_errno(KB_EIO, "%s/%s", v->dir, relpath);
			goto done;
		}
		e = move_entry(v, e, relpath, &note);
		if ((error = append_journal(v, e)) < 0)
			goto done;
		error = put_existing(v, relpath,
				     v->opts.dry_run ? variant : relpath, e,
				     &st, fresh, frontmatter, body, note);
		note = NULL;
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		add_item(v, relpath, VAULT_FOREIGN,
			 xstrdup("not a regular file: left alone"), NULL);
		if ((e = find_note(v, relpath)))
			e->gone = true;
		goto done;
	}
	if (!(e = find_note(v, relpath)) &&
	    (e = find_same_file(v, relpath, &st)))
		e = move_entry(v, e, relpath, &note);
	if (e) {
		error = put_existing(v, relpath, relpath, e, &st, fresh,
				     frontmatter, body, note);
		note = NULL;
		goto done;
	}
	/* (d) Not ours, unless it is exactly what we would write. */
	error = read_file(&text, &len, v, relpath);
	if (error == KB_ELIMIT) {
		kb_error_clear();
		error = 0;
	} else if (error < 0) {
		goto done;
	}
	if (text && len == strlen(fresh) && memcmp(text, fresh, len) == 0) {
		vaultnote_hashes h;

		vaultnote_hashes_of(&h, fresh, len, owned);
		e = set_entry(v, relpath, 'n', vaultnote_hash(fresh, len),
			      h.region, h.props);
		e->seen = true;
		add_item(v, relpath, VAULT_ADOPTED,
			 xstrdup("identical file taken into the manifest"),
			 NULL);
		error = append_journal(v, e);
	} else {
		add_item(v, relpath, VAULT_FOREIGN,
			 xstrdup("not written by attackkb: left alone"), NULL);
	}
done:
	free(note);
	free(text);
	free(variant);
	free(fresh);
	free(fold);
	return error;
}

/* vault_put_file(): a file attackkb owns whole; the rules of the notes
 * without the region: as last written -> replaced; edited -> conflict, left
 * alone; not in the manifest -> foreign unless identical. */
int vault_put_file(vault *v, const char *relpath, const void *data,
		   size_t len)
{
	char *fold = NULL, *text = NULL, *variant = NULL;
	struct mentry *e;
	struct stat st;
	size_t tlen;
	bool same, had;
	int error = 0;

	if (v->finished)
		return kb_error_set(KB_EUSAGE, "vault: put after finish");
	if (!is_valid_whole_relpath(relpath) || memchr(data, '\0', len))
		return kb_error_set(KB_EUSAGE,
				    "vault: '%s' is not a portable relative "
				    "path to a file other than a note, or its "
				    "text holds a NUL",
				    relpath);
	fold = vaultfile_fold(relpath);
	if (strmap_get(v->put, fold)) {
		error = kb_error_set(KB_EUSAGE,
				     "vault: '%s' put twice (ignoring case)",
				     relpath);
		goto done;
	}
	strmap_put(v->put, fold, v);
	if (lstat_rel(v, relpath, &st) < 0) {
		if (errno != ENOENT && errno != ENOTDIR) {
			error =
			    kb_error_errno(KB_EIO, "%s/%s", v->dir, relpath);
			goto done;
		}
		if ((variant = find_case_variant(v, relpath))) {
			add_item(v, relpath, VAULT_FOREIGN,
				 xasprintf("'%s' differs only in case: left "
					   "alone",
					   variant),
				 NULL);
			goto done;
		}
		error = write_file(v, relpath, data, len, 0, true);
		if (error == KB_EEXISTS) {
			kb_error_clear();
			error = 0;
			add_item(v, relpath, VAULT_FOREIGN,
				 xstrdup("appeared during the export: left "
					 "alone"),
				 NULL);
			goto done;
		}
		if (error < 0)
			goto done;
		e = set_entry(v, relpath, 'f', vaultnote_hash(data, len), 0, 0);
		e->seen = true;
		add_item(v, relpath, VAULT_ADDED, NULL, NULL);
		error = append_journal(v, e);
		goto done;
	}
	e = find_whole(v, relpath);
	had = e != NULL;
	if (!S_ISREG(st.st_mode)) {
		add_item(v, relpath, VAULT_FOREIGN,
			 xstrdup("not a regular file: left alone"), NULL);
		if (e)
			e->gone = true;
		goto done;
	}
	error = read_file(&text, &tlen, v, relpath);
	if (error == KB_ELIMIT) {
		kb_error_clear();
		error = 0;
	} else if (error < 0) {
		goto done;
	}
	same = text && tlen == len && memcmp(text, data, len) == 0;
	if (!e && !same) {
		add_item(v, relpath, VAULT_FOREIGN,
			 xstrdup("not written by attackkb: left alone"), NULL);
		goto done;
	}
	if (e && !same && (!text || vaultnote_hash(text, tlen) != e->file)) {
		e->seen = true;
		add_item(v, relpath, VAULT_CONFLICT,
			 xstrdup("edited since attackkb wrote it: left alone "
				 "(move it away to get the new version)"),
			 NULL);
		goto done;
	}
	if (!same && (error = write_file(v, relpath, data, len,
					 st.st_mode & 07777, false)) < 0)
		goto done;
	if (!e || e->file != vaultnote_hash(data, len)) {
		e = set_entry(v, relpath, 'f', vaultnote_hash(data, len), 0, 0);
		if ((error = append_journal(v, e)) < 0)
			goto done;
	}
	e->seen = true;
	if (!same)
		add_item(v, relpath, VAULT_CHANGED, NULL, NULL);
	else if (had)
		add_item(v, relpath, VAULT_UNCHANGED, NULL, NULL);
	else
		add_item(v, relpath, VAULT_ADOPTED,
			 xstrdup("identical file taken into the manifest"),
			 NULL);
done:
	free(variant);
	free(text);
	free(fold);
	return error;
}

/* Copy a NULL-terminated list of strings. */
static char **dup_list(const char *const *list)
{
	size_t n = 0;
	char **copy;

	while (list && list[n])
		n++;
	copy = xcalloc(n + 1, sizeof(*copy));
	for (size_t i = 0; i < n; i++)
		copy[i] = xstrdup(list[i]);
	return copy;
}

/* Check dir, create it and .attackkb/, take the lock. */
static int prepare_dir(vault *v)
{
	struct stat st;
	char *meta = NULL, *lock = NULL;
	int error = 0;

	if (stat(v->dir, &st) < 0) {
		if (errno != ENOENT)
			return kb_error_errno(KB_EIO, "%s", v->dir);
		if (v->opts.dry_run)
			return 0;
		if ((error = fsutil_mkdir_p(v->dir)) < 0)
			return error;
	} else if (!S_ISDIR(st.st_mode)) {
		return kb_error_set(KB_EIO, "%s: not a directory", v->dir);
	}
	if (v->opts.dry_run)
		return 0;
	/* Fail before the first note rather than in the middle. */
	if (access(v->dir, W_OK | X_OK) < 0)
		return kb_error_errno(KB_EIO, "%s: not writable", v->dir);
	meta = fsutil_path_join(v->dir, META_DIR);
	lock = make_meta_path(v, "lock");
	if (mkdir(meta, 0755) < 0 && errno != EEXIST) {
		error = kb_error_errno(KB_EIO, "%s", meta);
	} else if ((v->lock_fd =
			open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		error = kb_error_errno(KB_EIO, "%s", lock);
	} else if (flock(v->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		error = errno == EWOULDBLOCK
			    ? kb_error_set(KB_EEXISTS,
					   "%s: another attackkb process "
					   "is exporting to this vault",
					   v->dir)
			    : kb_error_errno(KB_EIO, "%s", lock);
	}
	free(lock);
	free(meta);
	return error;
}

int vault_open(vault **out, const char *dir, const vault_opts *opts)
{
	static const vault_opts defaults = VAULT_OPTS_INIT;
	vault *v = xcalloc(1, sizeof(*v));
	char *journal_path;
	struct stat st;
	int error;

	*out = NULL;
	if (!dir || !*dir) {
		free(v);
		return kb_error_set(KB_EUSAGE, "vault: no folder given");
	}
	v->dir = xstrdup(dir);
	v->opts = opts ? *opts : defaults;
	v->owned = dup_list(v->opts.owned_keys);
	v->opts.owned_keys = (const char *const *)v->owned;
	v->by_path = strmap_new();
	v->by_fold = strmap_new();
	v->put = strmap_new();
	v->listings = strmap_new();
	v->lock_fd = v->journal_fd = -1;
	if ((error = prepare_dir(v)) < 0 ||
	    (error = load_meta(v, "manifest", true, &v->manifest_text)) < 0)
		goto done;
	journal_path = make_meta_path(v, "journal");
	v->journal_exists = lstat(journal_path, &st) == 0;
	free(journal_path);
	if (v->journal_exists)
		error = load_meta(v, "journal", false, NULL);
done:
	if (error < 0)
		vault_close(v);
	else
		*out = v;
	return error;
}

/* Stale notes and spent conflict files: entries no put dealt with. */
static int sweep(vault *v, struct mentry *e)
{
	char *text = NULL, *path;
	size_t len;
	struct stat st;
	bool note = is_note_kind(e->kind), unedited;
	int error;

	if (lstat_rel(v, e->path, &st) < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			return kb_error_errno(KB_EIO, "%s/%s", v->dir, e->path);
		e->gone = true; /* deleted by the analyst: forget it */
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		e->gone = true;
		return 0;
	}
	error = read_file(&text, &len, v, e->path);
	if (error < 0 && error != KB_ELIMIT)
		return error;
	kb_error_clear();
	unedited = text && vaultnote_hash(text, len) == e->file;
	free(text);
	/* Only files holding nothing but attackkb's own text, exactly as
	 * written, are ever deleted. */
	if (unedited && (e->kind == 'n' || e->kind == 'f' ? v->opts.prune
							  : e->kind == 'c')) {
		path = fsutil_path_join(v->dir, e->path);
		if (!v->opts.dry_run && unlink(path) < 0)
			error = kb_error_errno(KB_EIO, "%s", path);
		free(path);
		if (error < 0)
			return error;
		e->gone = true;
		add_item(v, e->path, VAULT_REMOVED,
			 xstrdup(note		 ? "stale note, unedited"
				 : e->kind == 'f' ? "stale file, unedited"
						  : "conflict over, file "
						    "unedited"),
			 NULL);
		return 0;
	}
	if (note || e->kind == 'f') {
		add_item(v, e->path, VAULT_STALE,
			 xstrdup(!v->opts.prune ? "object no longer exported"
				 : unedited     ? "object no longer exported; "
						  "holds analyst text: kept"
						: "object no longer exported; "
						  "edited: kept"),
			 NULL);
	} else {
		if (!unedited)
			e->gone = true; /* the analyst's file now */
		add_item(v, e->path, VAULT_STALE,
			 xstrdup(unedited ? "conflict over; holds a copy of "
					    "analyst text: delete it when done"
					  : "conflict over; edited: left "
					    "alone, no longer tracked"),
			 NULL);
	}
	return 0;
}

/* The manifest text for the live entries, sorted by path. */
static char *serialize(vault *v)
{
	strbuf sb = STRBUF_INIT;

	if (v->nm > 1)
		qsort(v->m, v->nm, sizeof(*v->m), compare_entries);
	strbuf_puts(&sb, MANIFEST_HEADER);
	for (size_t i = 0; i < v->nm; i++)
		if (!v->m[i]->gone)
			put_entry(&sb, v->m[i]);
	return strbuf_detach(&sb);
}

int vault_finish(vault *v, vault_report *out)
{
	char *text = NULL, *path = NULL;
	size_t nput;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (v->finished)
		return kb_error_set(KB_EUSAGE, "vault: finished twice");
	v->finished = true;
	/* Sweep in path order, so the report is stable. */
	if (v->nm > 1)
		qsort(v->m, v->nm, sizeof(*v->m), compare_entries);
	nput = v->nm;
	for (size_t i = 0; i < nput && error == 0; i++)
		if (!v->m[i]->seen && !v->m[i]->gone)
			error = sweep(v, v->m[i]);
	if (error < 0 || v->opts.dry_run)
		goto done;
	text = serialize(v);
	if (strcmp(text, v->manifest_text) != 0) {
		path = make_meta_path(v, "manifest");
		error =
		    fsutil_write_atomic_ex(path, text, strlen(text),
					   v->opts.sync ? FSUTIL_SYNC : 0, 0);
		if (error < 0)
			goto done;
		v->rep.manifest_written = true;
		free(v->manifest_text);
		v->manifest_text = text;
		text = NULL;
	}
	if (v->journal_exists) {
		free(path);
		path = make_meta_path(v, "journal");
		if (v->journal_fd >= 0)
			close(v->journal_fd);
		v->journal_fd = -1;
		if (unlink(path) < 0 && errno != ENOENT)
			error = kb_error_errno(KB_EIO, "%s", path);
		else
			v->journal_exists = false;
	}
done:
	*out = v->rep;
	memset(&v->rep, 0, sizeof(v->rep));
	free(text);
	free(path);
	return error;
}

void vault_close(vault *v)
{
	if (!v)
		return;
	if (v->journal_fd >= 0)
		close(v->journal_fd);
	if (v->lock_fd >= 0)
		close(v->lock_fd); /* releases the flock */
	for (size_t i = 0; i < v->nm; i++) {
		free(v->m[i]->path);
		free(v->m[i]);
	}
	free(v->m);
	for (size_t i = 0; i < v->nls; i++) {
		for (size_t j = 0; j < v->ls[i]->n; j++)
			free(v->ls[i]->names[j]);
		free(v->ls[i]->names);
		strmap_free(v->ls[i]->by_fold);
		free(v->ls[i]);
	}
	free(v->ls);
	for (char **k = v->owned; k && *k; k++)
		free(*k);
	free(v->owned);
	strmap_free(v->by_path);
	strmap_free(v->by_fold);
	strmap_free(v->put);
	strmap_free(v->listings);
	vault_report_free(&v->rep);
	free(v->manifest_text);
	free(v->dir);
	free(v);
}

void vault_report_free(vault_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].path);
		free(r->items[i].detail);
		free(r->items[i].conflict_path);
	}
	free(r->items);
	memset(r, 0, sizeof(*r));
}

char *vault_report_summary(const vault_report *r)
{
	strbuf sb = STRBUF_INIT;

	for (int s = 0; s < VAULT_NSTATUS; s++) {
		if (!r->count[s])
			continue;
		strbuf_printf(&sb, "%s%zu %s%s", sb.len ? ", " : "",
			      r->count[s], status_names[s],
			      s == VAULT_CONFLICT && r->count[s] > 1 ? "s"
								     : "");
	}
	if (sb.len == 0)
		strbuf_puts(&sb, "nothing exported");
	return strbuf_detach(&sb);
}
