/* parser/notedir.c: load a vault folder into notes and resolve their links
 * with three sorted indexes (path, file name, ATT&CK ID), all compared
 * ignoring ASCII case as Obsidian compares link paths. */
#include "parser/notedir.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/limits.h"
#include "kb/xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

struct notedir {
	note **notes; /* owned */
	size_t nnotes;
	notedir_problem *problems; /* owned */
	size_t nproblems;
	char **paths;     /* hash set of note paths (borrowed) */
	size_t paths_cap; /* slots in paths, a power of two */
	char **lower;     /* lower-cased path of each note */
	size_t *by_path;  /* note indexes sorted by lower path */
	size_t *by_name;  /* ... by lower file name, then path */
	size_t *by_id;    /* notes with an ID, sorted by it */
	size_t nby_id;
	bool indexed; /* the indexes match the notes */
};

/* Make room for entry n of an array of n entries of size bytes, doubling
 * its size at each power of two, so that n appends cost O(n). */
static void *grow(void *arr, size_t n, size_t size)
{
	if ((n & (n - 1)) == 0)
		arr = xreallocarray(arr, n ? 2 * n : 1, size);
	return arr;
}

static char *lowered(const char *s)
{
	char *l = xstrdup(s);

	for (char *p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

/* The file name part of a path. */
static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Length of the folder part of path ("a/b/c.md" -> 3, "c.md" -> 0). */
static size_t folder_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) : 0;
}

/* ---- the set of paths (duplicates) ------------------------------------ */

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* Insert path; false if it is already there. */
static bool set_insert(notedir *dir, char *path)
{
	size_t i;

	if (2 * (dir->nnotes + 1) > dir->paths_cap) {
		char **old = dir->paths;
		size_t cap = dir->paths_cap;

		dir->paths_cap = cap ? 2 * cap : 64;
		dir->paths = xcalloc(dir->paths_cap, sizeof(*dir->paths));
		for (size_t k = 0; k < cap; k++) {
			if (!old[k])
				continue;
			i = hash(old[k]) & (dir->paths_cap - 1);
			while (dir->paths[i])
				i = (i + 1) & (dir->paths_cap - 1);
			dir->paths[i] = old[k];
		}
		free(old);
	}
	i = hash(path) & (dir->paths_cap - 1);
	while (dir->paths[i]) {
		if (strcmp(dir->paths[i], path) == 0)
			return false;
		i = (i + 1) & (dir->paths_cap - 1);
	}
	dir->paths[i] = path;
	return true;
}

/* ---- building --------------------------------------------------------- */

notedir *notedir_new(void)
{
	return xcalloc(1, sizeof(notedir));
}

int notedir_add(notedir *dir, note *n)
{
	if (dir->nnotes >= KB_MAX_VAULT_NOTES) {
		int error = kb_error_set(KB_ELIMIT,
		                         "%s: more than %u notes in the vault",
		                         n->path, (unsigned)KB_MAX_VAULT_NOTES);

		note_free(n);
		return error;
	}
	if (!set_insert(dir, n->path)) {
		int error =
		    kb_error_set(KB_EEXISTS, "%s: note added twice", n->path);

		note_free(n);
		return error;
	}
	dir->notes = grow(dir->notes, dir->nnotes, sizeof(*dir->notes));
	dir->notes[dir->nnotes++] = n;
	dir->indexed = false;
	return 0;
}

struct loader {
	notedir *dir;     /* being filled */
	const char *root; /* as given */
	bool keep_going;  /* record failing notes instead of failing */
};

static void add_problem(struct loader *ld, const char *rel, int code)
{
	notedir *dir = ld->dir;
	notedir_problem *p;

	dir->problems =
	    grow(dir->problems, dir->nproblems, sizeof(*dir->problems));
	p = &dir->problems[dir->nproblems++];
	p->path = xstrdup(rel);
	p->code = code;
	p->message = xstrdup(kb_error_last());
	kb_error_clear();
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

/* The entries of the folder full that are not hidden, sorted bytewise. */
static int list_folder(char ***out, size_t *n, const char *full)
{
	DIR *d = opendir(full);
	struct dirent *de;

	*out = NULL;
	*n = 0;
	if (!d)
		return kb_error_errno(errno == ENOENT ? KB_ENOTFOUND : KB_EIO,
		                      "%s", full);
	while ((errno = 0, de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		*out = grow(*out, *n, sizeof(**out));
		(*out)[(*n)++] = xstrdup(de->d_name);
	}
	if (errno) {
		int error = kb_error_errno(KB_EIO, "%s", full);

		closedir(d);
		return error;
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(**out), cmp_names);
	return 0;
}

/* Load the folder rel ("" for the root), depth folders below the root. */
static int walk(struct loader *ld, const char *rel, unsigned depth)
{
	char *full = *rel ? fsutil_path_join(ld->root, rel) : xstrdup(ld->root);
	char **names = NULL;
	size_t n = 0;
	int error;

	if ((error = list_folder(&names, &n, full)) < 0) {
		if (ld->keep_going && *rel) {
			add_problem(ld, rel, error);
			error = 0;
		}
		goto done;
	}
	for (size_t i = 0; i < n && !error; i++) {
		char *crel = *rel ? xasprintf("%s/%s", rel, names[i])
		                  : xstrdup(names[i]);
		char *cfull = fsutil_path_join(ld->root, crel);
		struct stat st;
		note *nt;

		if (lstat(cfull, &st) < 0) {
			error = kb_error_errno(KB_EIO, "%s", cfull);
			if (ld->keep_going) {
				add_problem(ld, crel, error);
				error = 0;
			}
		} else if (S_ISDIR(st.st_mode)) {
			if (depth + 1 > KB_MAX_VAULT_DEPTH)
				error = kb_error_set(
				    KB_ELIMIT,
				    "%s: folders nested deeper "
				    "than %u levels",
				    cfull, (unsigned)KB_MAX_VAULT_DEPTH);
			else
				error = walk(ld, crel, depth + 1);
		} else if (S_ISREG(st.st_mode) && is_note_name(names[i])) {
			error = note_parse_file(&nt, ld->root, crel);
			if (error < 0 && ld->keep_going) {
				add_problem(ld, crel, error);
				error = 0;
			} else if (error == 0) {
				error = notedir_add(ld->dir, nt);
			}
		}
		free(cfull);
		free(crel);
	}
done:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(full);
	return error;
}

int notedir_load(notedir **out, const char *root, const notedir_opts *opts)
{
	struct loader ld = {.root = root};
	struct stat st;
	int error;

	*out = NULL;
	if (stat(root, &st) < 0)
		return kb_error_errno(errno == ENOENT ? KB_ENOTFOUND : KB_EIO,
		                      "%s", root);
	if (!S_ISDIR(st.st_mode))
		return kb_error_set(KB_EIO, "%s: not a folder", root);
	ld.dir = notedir_new();
	ld.keep_going = opts && opts->keep_going;
	if ((error = walk(&ld, "", 0)) < 0) {
		notedir_free(ld.dir);
		return error;
	}
	notedir_resolve(ld.dir);
	*out = ld.dir;
	return 0;
}

/* ---- indexes ---------------------------------------------------------- */

static int cmp_note_paths(const void *a, const void *b)
{
	return strcmp((*(note *const *)a)->path, (*(note *const *)b)->path);
}

static int cmp_by_path(const void *a, const void *b, void *arg)
{
	const notedir *dir = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(dir->lower[i], dir->lower[j]);

	return c ? c : (i > j) - (i < j);
}

static int cmp_by_name(const void *a, const void *b, void *arg)
{
	const notedir *dir = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(base_of(dir->lower[i]), base_of(dir->lower[j]));

	return c ? c : cmp_by_path(a, b, arg);
}

static int cmp_by_id(const void *a, const void *b, void *arg)
{
	const notedir *dir = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(dir->notes[i]->attack_id, dir->notes[j]->attack_id);

	return c ? c : (i > j) - (i < j);
}

static void drop_indexes(notedir *dir)
{
	if (dir->lower)
		for (size_t i = 0; i < dir->nnotes; i++)
			free(dir->lower[i]);
	free(dir->lower);
	free(dir->by_path);
	free(dir->by_name);
	free(dir->by_id);
	dir->lower = NULL;
	dir->by_path = dir->by_name = dir->by_id = NULL;
	dir->nby_id = 0;
	dir->indexed = false;
}

static void build_indexes(notedir *dir)
{
	size_t n = dir->nnotes;

	drop_indexes(dir);
	if (n > 1)
		qsort(dir->notes, n, sizeof(*dir->notes), cmp_note_paths);
	dir->lower = xcalloc(n + 1, sizeof(*dir->lower));
	dir->by_path = xcalloc(n + 1, sizeof(*dir->by_path));
	dir->by_name = xcalloc(n + 1, sizeof(*dir->by_name));
	dir->by_id = xcalloc(n + 1, sizeof(*dir->by_id));
	for (size_t i = 0; i < n; i++) {
		dir->lower[i] = lowered(dir->notes[i]->path);
		dir->by_path[i] = dir->by_name[i] = i;
		if (dir->notes[i]->attack_id)
			dir->by_id[dir->nby_id++] = i;
	}
	qsort_r(dir->by_path, n, sizeof(size_t), cmp_by_path, dir);
	qsort_r(dir->by_name, n, sizeof(size_t), cmp_by_name, dir);
	qsort_r(dir->by_id, dir->nby_id, sizeof(size_t), cmp_by_id, dir);
	dir->indexed = true;
}

/* The first position in idx[0..n) whose key is not below key, with key_of
 * giving an index's key. */
static size_t lower_bound(const notedir *dir, const size_t *idx, size_t n,
                          const char *key,
                          const char *(*key_of)(const notedir *, size_t))
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(key_of(dir, idx[mid]), key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const char *path_key(const notedir *dir, size_t i)
{
	return dir->lower[i];
}

static const char *name_key(const notedir *dir, size_t i)
{
	return base_of(dir->lower[i]);
}

static const char *id_key(const notedir *dir, size_t i)
{
	return dir->notes[i]->attack_id;
}

/* ---- finding ---------------------------------------------------------- */

/* Lower-cased vault path for a link path: "./" and "../" taken from the
 * folder of from, ".md" added unless present. NULL if it climbs above the
 * root or is empty. */
static char *candidate(const char *linkpath, const char *from)
{
	char *joined, *out, *seg, *save = NULL, *l;
	size_t n;

	while (*linkpath == '/')
		linkpath++;
	if (!*linkpath)
		return NULL;
	if (from && (strncmp(linkpath, "./", 2) == 0 ||
	             strncmp(linkpath, "../", 3) == 0))
		joined =
		    xasprintf("%.*s/%s", (int)folder_len(from), from, linkpath);
	else
		joined = xstrdup(linkpath);
	/* Normalise "." and ".." segments. */
	out = xcalloc(strlen(joined) + 4, 1);
	for (seg = strtok_r(joined, "/", &save); seg;
	     seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			char *slash = strrchr(out, '/');

			if (!*out) {
				free(joined);
				free(out);
				return NULL;
			}
			if (slash)
				*slash = '\0';
			else
				*out = '\0';
			continue;
		}
		if (*out)
			strcat(out, "/");
		strcat(out, seg);
	}
	free(joined);
	n = strlen(out);
	if (n == 0) {
		free(out);
		return NULL;
	}
	if (n < 3 || strcasecmp(out + n - 3, ".md") != 0)
		strcat(out, ".md");
	l = lowered(out);
	free(out);
	return l;
}

/* Among the notes idx[lo..hi) that pass keep(), the one in from's folder,
 * else the one with the shortest path, else the first. SIZE_MAX if none. */
static size_t pick(const notedir *dir, const size_t *idx, size_t lo, size_t hi,
                   const char *from, const char *suffix)
{
	size_t best = SIZE_MAX, fl = from ? folder_len(from) : 0;

	for (size_t k = lo; k < hi; k++) {
		const char *p = dir->lower[idx[k]];
		size_t pl = strlen(p), sl = suffix ? strlen(suffix) : 0;

		if (suffix && (pl < sl || strcmp(p + pl - sl, suffix) != 0 ||
		               (pl > sl && p[pl - sl - 1] != '/')))
			continue;
		if (from && folder_len(p) == fl &&
		    strncasecmp(p, from, fl) == 0)
			return idx[k];
		if (best == SIZE_MAX || pl < strlen(dir->lower[best]))
			best = idx[k];
	}
	return best;
}

/* True when path is linkpath as written, ".md" aside. */
static bool same_case(const char *path, const char *linkpath)
{
	size_t n = strlen(linkpath);

	return strncmp(path, linkpath, n) == 0 &&
	       (path[n] == '\0' || strcmp(path + n, ".md") == 0);
}

/* The note whose lower-cased path is cand, preferring the one spelt as
 * linkpath when several differ only in case; SIZE_MAX if none. */
static size_t find_exact(const notedir *dir, const char *cand,
                         const char *linkpath)
{
	size_t lo = lower_bound(dir, dir->by_path, dir->nnotes, cand, path_key);
	size_t found = SIZE_MAX;

	for (size_t k = lo;
	     k < dir->nnotes && strcmp(dir->lower[dir->by_path[k]], cand) == 0;
	     k++) {
		if (found == SIZE_MAX ||
		    same_case(dir->notes[dir->by_path[k]]->path, linkpath))
			found = dir->by_path[k];
	}
	return found;
}

/* Obsidian's path rules; SIZE_MAX if no note matches. */
static size_t find_path(const notedir *dir, const char *linkpath,
                        const char *from)
{
	bool relative =
	    strncmp(linkpath, "./", 2) == 0 || strncmp(linkpath, "../", 3) == 0;
	char *cand = candidate(linkpath, from), *rel, *cand2;
	size_t lo, hi, found;

	if (!cand)
		return SIZE_MAX;
	if ((found = find_exact(dir, cand, linkpath)) != SIZE_MAX || relative)
		goto done;
	/* Relative to the linking note's folder. */
	if (from && folder_len(from)) {
		rel = xasprintf("./%s", linkpath);
		cand2 = candidate(rel, from);
		if (cand2)
			found = find_exact(dir, cand2, "");
		free(cand2);
		free(rel);
		if (found != SIZE_MAX)
			goto done;
	}
	/* A path suffix at a folder boundary. */
	lo = lower_bound(dir, dir->by_name, dir->nnotes, base_of(cand),
	                 name_key);
	for (hi = lo;
	     hi < dir->nnotes &&
	     strcmp(base_of(dir->lower[dir->by_name[hi]]), base_of(cand)) == 0;
	     hi++)
		;
	found = pick(dir, dir->by_name, lo, hi, from, cand);
done:
	free(cand);
	return found;
}

/* A note with the link path's file name, in any folder. */
static size_t find_name(const notedir *dir, const char *linkpath,
                        const char *from)
{
	char *cand = candidate(linkpath, from);
	size_t lo, hi, found;

	if (!cand)
		return SIZE_MAX;
	lo = lower_bound(dir, dir->by_name, dir->nnotes, base_of(cand),
	                 name_key);
	for (hi = lo;
	     hi < dir->nnotes &&
	     strcmp(base_of(dir->lower[dir->by_name[hi]]), base_of(cand)) == 0;
	     hi++)
		;
	found = pick(dir, dir->by_name, lo, hi, from, NULL);
	free(cand);
	return found;
}

/* Number of leading path segments a and b share, ignoring ASCII case. */
static size_t common_folders(const char *a, const char *b)
{
	size_t n = 0;

	for (;;) {
		size_t la = strcspn(a, "/"), lb = strcspn(b, "/");

		if (la != lb || strncasecmp(a, b, la) != 0)
			return n;
		n++;
		if (!a[la] || !b[lb])
			return n;
		a += la + 1;
		b += lb + 1;
	}
}

/* The note about id sharing the most folders with near. */
static size_t find_id(const notedir *dir, const char *id, const char *near)
{
	size_t lo = lower_bound(dir, dir->by_id, dir->nby_id, id, id_key);
	size_t best = SIZE_MAX, best_common = 0;

	for (size_t k = lo;
	     k < dir->nby_id &&
	     strcmp(dir->notes[dir->by_id[k]]->attack_id, id) == 0;
	     k++) {
		size_t c =
		    near ? common_folders(dir->notes[dir->by_id[k]]->path, near)
		         : 0;

		if (best == SIZE_MAX || c > best_common) {
			best = dir->by_id[k];
			best_common = c;
		}
	}
	return best;
}

const note *notedir_find(const notedir *dir, const char *linkpath,
                         const char *from)
{
	size_t i;

	if (!dir->indexed)
		return NULL;
	i = find_path(dir, linkpath, from);
	return i == SIZE_MAX ? NULL : dir->notes[i];
}

/* A URL with a scheme ("https:", "mailto:", "obsidian:") names no note. */
static bool has_scheme(const char *url)
{
	size_t n = strspn(url, "abcdefghijklmnopqrstuvwxyz"
	                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");

	return n > 0 && url[n] == ':';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A note path from a URL: "%XX" decoded, "#..." and "?..." dropped. */
static char *url_path(const char *url)
{
	char *out = xmalloc(strlen(url) + 1), *o = out;

	for (const char *p = url; *p && *p != '#' && *p != '?'; p++) {
		if (*p == '%' && hex_value(p[1]) >= 0 && hex_value(p[2]) >= 0) {
			*o++ = (char)(hex_value(p[1]) * 16 + hex_value(p[2]));
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static void resolve_link(const notedir *dir, const note *from, note_link *l)
{
	const char *id = l->attack_id;
	char *path = NULL, *near = NULL;
	size_t t, u;

	l->resolution = NOTE_UNRESOLVED;
	l->target = NULL;
	switch (l->md->kind) {
	case MARKDOWN_LINK_WIKI:
	case MARKDOWN_LINK_EMBED:
		path = xstrdup(l->md->target);
		break;
	case MARKDOWN_LINK_URL:
		if (has_scheme(l->md->target))
			return;
		path = url_path(l->md->target);
		break;
	case MARKDOWN_LINK_IMAGE:
		return;
	}
	if (!*path) {
		/* [[#heading]]: the note itself. */
		l->resolution = NOTE_BY_PATH;
		l->target = from;
		goto done;
	}
	t = find_path(dir, path, from->path);
	if (t != SIZE_MAX && (!id || !dir->notes[t]->attack_id ||
	                      strcmp(dir->notes[t]->attack_id, id) == 0)) {
		l->resolution = NOTE_BY_PATH;
		l->target = dir->notes[t];
		goto done;
	}
	near = strchr(path, '/') ? xstrdup(path) : xstrdup(from->path);
	if (id && (u = find_id(dir, id, near)) != SIZE_MAX) {
		l->resolution = NOTE_BY_ID;
		l->target = dir->notes[u];
	} else if (t != SIZE_MAX) {
		l->resolution = NOTE_ID_MISMATCH;
		l->target = dir->notes[t];
	} else if ((u = find_name(dir, path, from->path)) != SIZE_MAX) {
		const note *n = dir->notes[u];

		l->resolution = id && n->attack_id && strcmp(n->attack_id, id)
		                    ? NOTE_ID_MISMATCH
		                    : NOTE_BY_NAME;
		l->target = n;
	}
done:
	free(near);
	free(path);
}

void notedir_resolve(notedir *dir)
{
	build_indexes(dir);
	for (size_t i = 0; i < dir->nnotes; i++)
		for (size_t j = 0; j < dir->notes[i]->nlinks; j++)
			resolve_link(dir, dir->notes[i],
			             &dir->notes[i]->links[j]);
}

size_t notedir_count(const notedir *dir)
{
	return dir->nnotes;
}

const note *notedir_note(const notedir *dir, size_t i)
{
	return i < dir->nnotes ? dir->notes[i] : NULL;
}

size_t notedir_problem_count(const notedir *dir)
{
	return dir->nproblems;
}

const notedir_problem *notedir_problem_get(const notedir *dir, size_t i)
{
	return i < dir->nproblems ? &dir->problems[i] : NULL;
}

void notedir_free(notedir *dir)
{
	if (!dir)
		return;
	drop_indexes(dir);
	for (size_t i = 0; i < dir->nnotes; i++)
		note_free(dir->notes[i]);
	for (size_t i = 0; i < dir->nproblems; i++) {
		free(dir->problems[i].path);
		free(dir->problems[i].message);
	}
	free(dir->notes);
	free(dir->problems);
	free(dir->paths);
	free(dir);
}
