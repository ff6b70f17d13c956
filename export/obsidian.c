/* export/obsidian.c: the Obsidian vault export. Loads the selected
 * releases with one query per view and domain, links everything in memory,
 * renders the notes (in worker threads) and hands them, in order, to
 * export/vault.c. A re-export of the same input into a vault nobody edited
 * is recognised without reading the store (fast_unchanged()). */
#include "export/obsidian.h"
#include "export/obsmd.h"
#include "export/vault.h"
#include "export/vaultfile.h"
#include "export/vaultgit.h"
#include "export/vaultnote.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/limits.h"
#include "kb/query.h"
#include "kb/store.h"
#include "kb/strbuf.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const obsidian_owned_keys[] = {
    "aliases", "tags",    "attack_id", "attack_type", "url",
    "domains", "version", "created",   "modified",    "tactics",
    "platforms", "parent", "revoked_by", "deprecated", "revoked",
    NULL};

/* The folder of the index, matrix and domain notes. */
#define INDEX_FOLDER "ATT&CK"

enum kind {
	K_TECHNIQUE,
	K_SUBTECHNIQUE,
	K_TACTIC,
	K_MITIGATION,
	K_GROUP,
	K_SOFTWARE,
	K_CAMPAIGN,
	K_DATA_SOURCE,
	K_DATA_COMPONENT,
	K_DETECTION_STRATEGY,
	K_ASSET,
	K_NKINDS
};

static const struct kind_info {
	const char *kind;    /* the views' type */
	const char *folder;  /* its folder, and its index note's name */
	const char *section; /* attack.mitre.org/SECTION/ID */
	const char *tag;     /* attack/type/TAG */
	const char *label;   /* in sentences */
} kinds[K_NKINDS] = {
    {"technique", "Techniques", "techniques", "technique", "Technique"},
    {"subtechnique", "Sub-techniques", "techniques", "sub-technique",
     "Sub-technique"},
    {"tactic", "Tactics", "tactics", "tactic", "Tactic"},
    {"mitigation", "Mitigations", "mitigations", "mitigation", "Mitigation"},
    {"group", "Groups", "groups", "group", "Group"},
    {"software", "Software", "software", "software", "Software"},
    {"campaign", "Campaigns", "campaigns", "campaign", "Campaign"},
    {"data_source", "Data Sources", "datasources", "data-source",
     "Data source"},
    {"data_component", "Data Components", "datacomponents",
     "data-component", "Data component"},
    {"detection_strategy", "Detection Strategies", "detectionstrategies",
     "detection-strategy", "Detection strategy"},
    {"asset", "Assets", "assets", "asset", "Asset"},
};

/* A growable array of pointers. */
struct vec {
	void **v;
	size_t n, cap;
};

static void vec_push(struct vec *a, void *p)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 4;
		a->v = xreallocarray(a->v, a->cap, sizeof(*a->v));
	}
	a->v[a->n++] = p;
}

static bool vec_has(const struct vec *a, const void *p)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i] == p)
			return true;
	return false;
}

/* Push a string unless an equal one is there. */
static void vec_push_str(struct vec *a, const char *s)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], s) == 0)
			return;
	vec_push(a, (void *)s);
}

static int cmp_str(const void *a, const void *b)
{
	int c = strcasecmp(*(const char *const *)a, *(const char *const *)b);

	return c ? c : strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An ATT&CK object with a note. Strings are borrowed from the rows. */
struct obj {
	const char *stix_id, *attack_id, *name, *description, *url;
	const char *version, *created, *modified;
	const char *shortname; /* tactics: the kill-chain phase name */
	enum kind kind;
	bool revoked, deprecated;
	int home;            /* the first exported domain holding it */
	unsigned in;         /* bit per exported domain holding it */
	struct vec domains;  /* every selected domain holding it (char *) */
	struct vec platforms, aliases; /* char * */
	struct vec tactics;  /* struct obj * */
	struct vec out, in_; /* struct rel *: relationships from, to it */
	struct vec analytics;   /* strategies: struct analytic * */
	struct vec log_sources; /* data components: struct pair * */
	struct obj *parent;     /* sub-techniques */
	struct obj *successor;  /* revoked: end of the revoked-by chain */
	const char *link;       /* note name, as in [[links]] */
	char *relpath;          /* folder/name.md */
};

/* A relationship between two live objects. */
struct rel {
	const char *stix_id, *type, *description; /* type: uses, ... */
	struct obj *src, *dst;
};

/* Two strings: log source name and channel, field and description... */
struct pair {
	const char *a, *b;
	struct obj *obj; /* analytics' log sources: the data component */
};

struct analytic {
	const char *attack_id, *name, *description;
	struct obj *strategy;
	int home;
	struct vec platforms; /* char * */
	struct vec sources;   /* struct pair *: name, channel, obj */
	struct vec mutables;  /* struct pair *: field, description */
	char *link;           /* "DET0001 Name#AN0001" */
};

struct ref {
	const char *source, *url, *description;
	const char *owner; /* stix_id of the object citing it */
	long ord;          /* its place in the owner's list */
};

struct reflist {
	int home;       /* the domain it was loaded from */
	struct vec refs; /* struct ref * */
};

/* A matrix: the domain's live matrix object and its tactics in order. */
struct matrix {
	const char *stix_id, *name;
	struct vec tactics; /* struct obj * */
};

struct domain {
	const char *name;    /* enterprise-attack */
	const char *version; /* 18.1 */
	struct matrix mx;
	char *title;         /* "Enterprise ATT&CK" (the matrix's name) */
	const char *index_link, *matrix_link;
	char *index_path, *matrix_path, *canvas_path;
};

/* A file to write. */
struct note {
	char *relpath;
	char *fm, *body; /* a note */
	char *data;      /* or a whole file */
	size_t len;
};

/* Everything of one export. */
struct exp {
	kb_store *store;
	struct domain *dom;
	int ndom;
	struct vec rows;      /* kb_rows * kept until the end */
	struct vec objs;      /* struct obj * */
	strmap *by_stix;      /* stix_id -> struct obj * */
	strmap *by_id;        /* "section:ID" -> struct obj * (the best) */
	struct vec rels;      /* struct rel * */
	strmap *rel_seen;     /* relationship stix_id -> rel */
	strmap *revoked_by;   /* stix_id -> struct pair *: the revoked-by
				 relationship's id (a), its target (b) */
	strmap *analytics;    /* AN id -> struct analytic * */
	struct vec anl;       /* struct analytic * */
	strmap *refs;         /* stix_id -> struct reflist * */
	struct vec reflists;  /* struct reflist * */
	strmap *source_ref;   /* source name -> struct ref * (of the
				 smallest owner, ord: for citations an object
				 has no reference of its own for) */
	struct vec allocs;    /* small blocks to free */
	vaultfile_names *names;
	const char *index_link[K_NKINDS];
	char *index_path[K_NKINDS];
	struct vec notes;     /* struct note * */
};

static void *alloc(struct exp *x, size_t n)
{
	void *p = xcalloc(1, n);

	vec_push(&x->allocs, p);
	return p;
}

/* A pair (a, b), optionally naming an object; freed with the export. */
static struct pair *new_pair(struct exp *x, const char *a, const char *b,
			     struct obj *obj)
{
	struct pair *p = alloc(x, sizeof(*p));

	p->a = a;
	p->b = b;
	p->obj = obj;
	return p;
}

static int query(kb_rows **out, struct exp *x, const char *sql,
		 const char *domain)
{
	const char *args[1] = {domain};
	int error = kb_rows_query(out, x->store, sql, args, domain ? 1 : 0);

	if (error == 0)
		vec_push(&x->rows, *out);
	return error;
}

static const char *cell(const kb_rows *r, size_t row, size_t col)
{
	const char *v = kb_rows_get(r, row, col);

	return v ? v : "";
}

static int kind_of(const char *type)
{
	for (int k = 0; k < K_NKINDS; k++)
		if (strcmp(kinds[k].kind, type) == 0)
			return k;
	return -1;
}

static bool live(const struct obj *o)
{
	return !o->revoked && !o->deprecated;
}

/* How good an object is as the target of "section:ID": live first. */
static int rank(const struct obj *o)
{
	return o->revoked ? 1 : o->deprecated ? 2 : 0;
}

/* "section:ID" into key (at least 64 bytes); false if too long. */
static bool id_key(char *key, const char *section, const char *id)
{
	size_t s = strlen(section), n = strlen(id);

	if (s + n + 2 > 64)
		return false;
	memcpy(key, section, s);
	key[s] = ':';
	memcpy(key + s + 1, id, n + 1);
	return true;
}

static void index_id(struct exp *x, struct obj *o)
{
	char key[64];
	struct obj *old;

	if (!*o->attack_id ||
	    !id_key(key, kinds[o->kind].section, o->attack_id))
		return;
	old = strmap_get(x->by_id, key);
	if (!old || rank(o) < rank(old) ||
	    (rank(o) == rank(old) && strcmp(o->stix_id, old->stix_id) < 0))
		strmap_put(x->by_id, key, o);
}

static struct obj *find_id(struct exp *x, const char *section,
			   const char *id)
{
	char key[64];

	return id_key(key, section, id) ? strmap_get(x->by_id, key) : NULL;
}

/* The object of a view row naming it by type and ATT&CK ID, if it is one
 * this domain's rows describe (its home): objects of several domains take
 * their lists from one domain only. */
static struct obj *row_obj(struct exp *x, const char *type, const char *id,
			   int d)
{
	int k = kind_of(type);
	struct obj *o = k < 0 ? NULL : find_id(x, kinds[k].section, id);

	return o && o->home == d && (int)o->kind == k ? o : NULL;
}

/* ---- Loading ---------------------------------------------------------- */

static int dom_index(const struct exp *x, const char *domain)
{
	for (int d = 0; d < x->ndom; d++)
		if (strcmp(x->dom[d].name, domain) == 0)
			return d;
	return -1;
}

static void set_fields(struct obj *o, const kb_rows *r, size_t i, int d)
{
	o->stix_id = cell(r, i, 0);
	o->attack_id = cell(r, i, 1);
	o->name = cell(r, i, 3);
	o->description = cell(r, i, 4);
	o->url = cell(r, i, 5);
	o->revoked = strcmp(cell(r, i, 6), "0") != 0;
	o->deprecated = strcmp(cell(r, i, 7), "0") != 0;
	o->version = cell(r, i, 8);
	o->created = cell(r, i, 9);
	o->modified = cell(r, i, 10);
	o->home = d;
}

static int cmp_obj_stix(const void *a, const void *b)
{
	return strcmp((*(struct obj *const *)a)->stix_id,
		      (*(struct obj *const *)b)->stix_id);
}

/* Every object of every selected domain, at once: the exported ones get a
 * note (described by the first exported domain holding them, their home);
 * every domain holding them goes into their domains list. */
static int load_objects(struct exp *x)
{
	kb_rows *r;
	int error = query(&r, x,
			  "SELECT stix_id, attack_id, type, name, description, "
			  "url, revoked, deprecated, version, created, "
			  "modified, domain FROM attack_objects WHERE type <> "
			  "'analytic'",
			  NULL);

	if (error < 0)
		return error;
	for (size_t i = 0; i < r->nrows; i++) {
		const char *type = cell(r, i, 2);
		int d = dom_index(x, cell(r, i, 11)), k = kind_of(type);
		struct obj *o;

		if (d < 0)
			continue;
		if (strcmp(type, "matrix") == 0) {
			struct matrix *m = &x->dom[d].mx;

			/* The live one (the smallest id if several). */
			if (strcmp(cell(r, i, 6), "0") == 0 &&
			    strcmp(cell(r, i, 7), "0") == 0 &&
			    (!m->stix_id ||
			     strcmp(cell(r, i, 0), m->stix_id) < 0)) {
				m->stix_id = cell(r, i, 0);
				m->name = cell(r, i, 3);
			}
			continue;
		}
		if (k < 0)
			continue;
		if ((o = strmap_get(x->by_stix, cell(r, i, 0)))) {
			if (d < o->home)
				set_fields(o, r, i, d);
			o->in |= 1u << d;
			continue;
		}
		o = alloc(x, sizeof(*o));
		set_fields(o, r, i, d);
		o->kind = (enum kind)k;
		o->shortname = "";
		o->in = 1u << d;
		vec_push(&x->objs, o);
		strmap_put(x->by_stix, o->stix_id, o);
	}
	for (size_t i = 0; i < r->nrows; i++) {
		struct obj *o = strmap_get(x->by_stix, cell(r, i, 0));

		if (o)
			vec_push_str(&o->domains, cell(r, i, 11));
	}
	if (x->objs.n > 1)
		qsort(x->objs.v, x->objs.n, sizeof(*x->objs.v), cmp_obj_stix);
	for (size_t i = 0; i < x->objs.n; i++) {
		struct obj *o = x->objs.v[i];

		if (o->domains.n > 1)
			qsort(o->domains.v, o->domains.n, sizeof(*o->domains.v),
			      cmp_str);
		index_id(x, o);
	}
	return 0;
}

static int load_relationships(struct exp *x, int d)
{
	kb_rows *r;
	/* cur, not live: revoked-by relationships may be revoked. */
	int error = query(&r, x,
			  "SELECT stix_id, rel_type, source_ref, target_ref, "
			  "description, revoked = 0 AND deprecated = 0 FROM "
			  "cur WHERE domain = ?1 AND rel_type IS NOT NULL",
			  x->dom[d].name);

	if (error < 0)
		return error;
	for (size_t i = 0; i < r->nrows; i++) {
		struct obj *s = strmap_get(x->by_stix, cell(r, i, 2));
		struct obj *t = strmap_get(x->by_stix, cell(r, i, 3));
		struct rel *rel;

		if (strcmp(cell(r, i, 1), "revoked-by") == 0) {
			/* Several for one object: the smallest id wins. */
			struct pair *p = strmap_get(x->revoked_by,
						    cell(r, i, 2));

			if (!p || strcmp(cell(r, i, 0), p->a) < 0) {
				p = new_pair(x, cell(r, i, 0), cell(r, i, 3),
					     NULL);
				strmap_put(x->revoked_by, cell(r, i, 2), p);
			}
			continue;
		}
		/* As the relationships view: it and both ends live. */
		if (strcmp(cell(r, i, 5), "1") != 0 || !s || !t || !live(s) ||
		    !live(t) || strmap_get(x->rel_seen, cell(r, i, 0)))
			continue;
		rel = alloc(x, sizeof(*rel));
		rel->stix_id = cell(r, i, 0);
		rel->type = cell(r, i, 1);
		rel->description = cell(r, i, 4);
		rel->src = s;
		rel->dst = t;
		strmap_put(x->rel_seen, rel->stix_id, rel);
		vec_push(&x->rels, rel);
		vec_push(&s->out, rel);
		vec_push(&t->in_, rel);
		if (strcmp(rel->type, "subtechnique-of") == 0 && !s->parent)
			s->parent = t;
	}
	return 0;
}

static int load_lists(struct exp *x, int d)
{
	const char *dn = x->dom[d].name;
	kb_rows *r;
	int error;

	if ((error = query(&r, x,
			   "SELECT stix_id, shortname FROM tactics WHERE "
			   "domain = ?1",
			   dn)) < 0)
		return error;
	for (size_t i = 0; i < r->nrows; i++) {
		struct obj *ta = strmap_get(x->by_stix, cell(r, i, 0));

		if (ta && ta->kind == K_TACTIC)
			ta->shortname = cell(r, i, 1);
	}
	if ((error = query(&r, x,
			   "SELECT technique_id, tactic_id FROM "
			   "technique_tactics WHERE domain = ?1",
			   dn)) < 0)
		return error;
	for (size_t i = 0; i < r->nrows; i++) {
		struct obj *t = find_id(x, "techniques", cell(r, i, 0));
		struct obj *ta = find_id(x, "tactics", cell(r, i, 1));

		if (t && ta && !vec_has(&t->tactics, ta))
			vec_push(&t->tactics, ta);
	}
	if ((error = query(&r, x,
			   "SELECT object_id, type, platform FROM platforms "
			   "WHERE domain = ?1",
			   dn)) < 0)
		return error;
	for (size_t i = 0; i < r->nrows; i++) {
		struct obj *o = row_obj(x, cell(r, i, 1), cell(r, i, 0), d);

		if (o && *cell(r, i, 2))
			vec_push_str(&o->platforms, cell(r, i, 2));
	}
	if ((error = query(&r, x,
			   "SELECT object_id, type, alias FROM aliases WHERE "
			   "domain = ?1",
			   dn)) < 0)
		return error;
	for (size_t i = 0; i < r->nrows; i++) {
		struct obj *o = row_obj(x, cell(r, i, 1), cell(r, i, 0), d);

		if (o && *cell(r, i, 2))
			vec_push_str(&o->aliases, cell(r, i, 2));
	}
	/* Data components' log sources (x_mitre_log_sources). */
	if ((error = query(&r, x,
			   "SELECT o.stix_id, p.value, p.v2 FROM "
			   "attack_objects o JOIN prop p ON p.object_id = "
			   "o.object_id AND p.field = 'x_mitre_log_sources' "
			   "WHERE o.domain = ?1 AND o.type = 'data_component' "
			   "ORDER BY o.stix_id, p.ord",
			   dn)) < 0)
		return error;
	for (size_t i = 0; i < r->nrows; i++) {
		struct obj *o = strmap_get(x->by_stix, cell(r, i, 0));

		if (o && o->home == d)
			vec_push(&o->log_sources, new_pair(x, cell(r, i, 1),
							   cell(r, i, 2), NULL));
	}
	return 0;
}

static int load_analytics(struct exp *x, int d)
{
	const char *dn = x->dom[d].name;
	kb_rows *r;
	int error;

	if ((error = query(&r, x,
			   "SELECT attack_id, detection_strategy_id, platform, "
			   "description, name FROM analytics WHERE domain = ?1 "
			   "ORDER BY detection_strategy_id, attack_id",
			   dn)) < 0)
		return error;
	for (size_t i = 0; i < r->nrows; i++) {
		struct analytic *a = strmap_get(x->analytics, cell(r, i, 0));
		struct obj *s =
		    find_id(x, "detectionstrategies", cell(r, i, 1));

		if (!s)
			continue;
		if (!a) {
			a = alloc(x, sizeof(*a));
			a->attack_id = cell(r, i, 0);
			a->description = cell(r, i, 3);
			a->name = cell(r, i, 4);
			a->strategy = s;
			a->home = d;
			strmap_put(x->analytics, a->attack_id, a);
			vec_push(&x->anl, a);
			vec_push(&s->analytics, a);
		}
		if (a->home == d && *cell(r, i, 2))
			vec_push_str(&a->platforms, cell(r, i, 2));
	}
	if ((error = query(&r, x,
			   "SELECT analytic_id, data_component_id, name, "
			   "channel FROM analytic_log_sources WHERE domain = "
			   "?1 ORDER BY analytic_id, data_component_id, name, "
			   "channel",
			   dn)) < 0)
		return error;
	for (size_t i = 0; i < r->nrows; i++) {
		struct analytic *a = strmap_get(x->analytics, cell(r, i, 0));

		if (a && a->home == d)
			vec_push(&a->sources,
				 new_pair(x, cell(r, i, 2), cell(r, i, 3),
					  find_id(x, "datacomponents",
						  cell(r, i, 1))));
	}
	if ((error = query(&r, x,
			   "SELECT o.attack_id, p.value, p.v2 FROM "
			   "attack_objects o JOIN prop p ON p.object_id = "
			   "o.object_id AND p.field = "
			   "'x_mitre_mutable_elements' WHERE o.domain = ?1 AND "
			   "o.type = 'analytic' AND o.revoked = 0 AND "
			   "o.deprecated = 0 ORDER BY o.attack_id, p.ord",
			   dn)) < 0)
		return error;
	for (size_t i = 0; i < r->nrows; i++) {
		struct analytic *a = strmap_get(x->analytics, cell(r, i, 0));

		if (a && a->home == d)
			vec_push(&a->mutables, new_pair(x, cell(r, i, 1),
							cell(r, i, 2), NULL));
	}
	return 0;
}

static int cmp_ref(const void *a, const void *b)
{
	const struct ref *x = *(struct ref *const *)a;
	const struct ref *y = *(struct ref *const *)b;
	int c = strcmp(x->owner, y->owner);

	return c ? c : x->ord < y->ord ? -1 : x->ord > y->ord;
}

static int load_refs(struct exp *x, int d)
{
	kb_rows *r;
	struct reflist *l = NULL; /* the list of owner */
	const char *owner = NULL;
	/* Through live first (CROSS JOIN), with no condition on the
	 * references (external_id is tested here): else SQLite reads the
	 * objects in the order of the references, three times slower.
	 * Unsorted: lists are sorted by ord afterwards. */
	int error = query(&r, x,
			  "SELECT r.stix_id, r.source_name, r.url, "
			  "r.description, r.ord, r.external_id FROM live o "
			  "CROSS JOIN refs r ON r.stix_id = o.stix_id AND "
			  "r.domain = o.domain WHERE o.domain = ?1",
			  x->dom[d].name);

	if (error < 0)
		return error;
	for (size_t i = 0; i < r->nrows; i++) {
		struct ref *ref, *old;

		if (*cell(r, i, 5)) /* the object's own ID, not a source */
			continue;
		if (!l || strcmp(cell(r, i, 0), owner) != 0) {
			owner = cell(r, i, 0);
			l = strmap_get(x->refs, owner);
			if (!l) {
				l = alloc(x, sizeof(*l));
				l->home = d;
				strmap_put(x->refs, cell(r, i, 0), l);
				vec_push(&x->reflists, l);
			}
		}
		if (l->home != d)
			continue;
		ref = alloc(x, sizeof(*ref));
		ref->source = cell(r, i, 1);
		ref->url = cell(r, i, 2);
		ref->description = cell(r, i, 3);
		ref->owner = cell(r, i, 0);
		ref->ord = atol(cell(r, i, 4));
		vec_push(&l->refs, ref);
		/* A source cited without a reference of the note's own is
		 * looked up here: the same one whatever the row order. */
		old = strmap_get(x->source_ref, ref->source);
		if (!old || cmp_ref(&ref, &old) < 0)
			strmap_put(x->source_ref, ref->source, ref);
	}
	return 0;
}

static int load_matrix(struct exp *x, int d)
{
	struct matrix *m = &x->dom[d].mx;
	kb_rows *r;
	int error;

	if (!m->stix_id)
		return 0;
	if ((error = query(&r, x,
			   "SELECT o.stix_id, p.value FROM attack_objects o "
			   "JOIN prop p ON p.object_id = o.object_id AND "
			   "p.field = 'tactic_refs' WHERE o.domain = ?1 AND "
			   "o.type = 'matrix' ORDER BY o.stix_id, p.ord",
			   x->dom[d].name)) < 0)
		return error;
	for (size_t i = 0; i < r->nrows; i++) {
		struct obj *t = strmap_get(x->by_stix, cell(r, i, 1));

		if (strcmp(cell(r, i, 0), m->stix_id) == 0 && t &&
		    t->kind == K_TACTIC && !vec_has(&m->tactics, t))
			vec_push(&m->tactics, t);
	}
	return 0;
}

/* Follow revoked-by chains to their end (as the successors view): a chain
 * that does not end within 32 steps (a cycle) gives no successor. */
static void link_successors(struct exp *x)
{
	for (size_t i = 0; i < x->objs.n; i++) {
		struct obj *o = x->objs.v[i], *s = NULL;
		const char *id = o->stix_id;
		bool ended = false;

		if (!o->revoked)
			continue;
		for (int depth = 0; depth <= 32 && !ended; depth++) {
			const struct pair *next = strmap_get(x->revoked_by, id);

			if (!next)
				ended = true;
			else if (depth < 32) {
				id = next->b;
				s = strmap_get(x->by_stix, id);
			}
		}
		o->successor = ended && s != o ? s : NULL;
	}
}

/* ---- Names ------------------------------------------------------------ */

static char *index_key(const char *what, const char *name)
{
	return xasprintf("attackkb:%s:%s", what, name);
}

static void assign_names(struct exp *x)
{
	char *key;

	x->names = vaultfile_names_new();
	for (size_t i = 0; i < x->objs.n; i++) {
		struct obj *o = x->objs.v[i];

		vaultfile_names_add(x->names, o->stix_id, o->attack_id,
				    o->name);
	}
	for (int k = 0; k < K_NKINDS; k++) {
		key = index_key("index", kinds[k].kind);
		vaultfile_names_add(x->names, key, NULL, kinds[k].folder);
		free(key);
	}
	for (int d = 0; d < x->ndom; d++) {
		struct domain *dm = &x->dom[d];
		char *mname;

		dm->title = xstrdup(dm->mx.name && *dm->mx.name ? dm->mx.name
								 : dm->name);
		mname = xasprintf("%s Matrix", dm->title);
		key = index_key("domain", dm->name);
		vaultfile_names_add(x->names, key, NULL, dm->title);
		free(key);
		key = index_key("matrix", dm->name);
		vaultfile_names_add(x->names, key, NULL, mname);
		free(key);
		free(mname);
	}
	vaultfile_names_resolve(x->names);
	for (size_t i = 0; i < x->objs.n; i++) {
		struct obj *o = x->objs.v[i];

		o->link = vaultfile_names_link(x->names, o->stix_id);
		o->relpath =
		    xasprintf("%s/%s", kinds[o->kind].folder,
			      vaultfile_names_get(x->names, o->stix_id));
	}
	for (int k = 0; k < K_NKINDS; k++) {
		key = index_key("index", kinds[k].kind);
		x->index_link[k] = vaultfile_names_link(x->names, key);
		x->index_path[k] =
		    xasprintf(INDEX_FOLDER "/%s",
			      vaultfile_names_get(x->names, key));
		free(key);
	}
	for (int d = 0; d < x->ndom; d++) {
		struct domain *dm = &x->dom[d];

		key = index_key("domain", dm->name);
		dm->index_link = vaultfile_names_link(x->names, key);
		dm->index_path = xasprintf(INDEX_FOLDER "/%s",
					   vaultfile_names_get(x->names, key));
		free(key);
		key = index_key("matrix", dm->name);
		dm->matrix_link = vaultfile_names_link(x->names, key);
		dm->matrix_path = xasprintf(INDEX_FOLDER "/%s",
					    vaultfile_names_get(x->names, key));
		dm->canvas_path = xasprintf(INDEX_FOLDER "/%s.canvas",
					    dm->matrix_link);
		free(key);
	}
	for (size_t i = 0; i < x->anl.n; i++) {
		struct analytic *a = x->anl.v[i];

		a->link = xasprintf("%s#%s", a->strategy->link, a->attack_id);
	}
}

/* ---- Text ------------------------------------------------------------- */

/* The note being written: its footnotes. */
struct notectx {
	struct exp *x;
	struct obj *o;
	const char *owner; /* stix_id whose references cite first */
	strmap *nums;      /* source name -> footnote number (intptr_t) */
	struct vec fns;    /* struct ref *, by number - 1 */
};

static const char *resolve_link(void *arg, const char *section,
				const char *id)
{
	struct notectx *c = arg;
	struct obj *o;

	if (strcmp(section, "analytics") == 0) {
		struct analytic *a = strmap_get(c->x->analytics, id);

		return a ? a->link : NULL;
	}
	o = find_id(c->x, section, id);
	return o ? o->link : NULL;
}

static struct ref *find_ref(struct exp *x, const char *stix_id,
			    const char *source)
{
	struct reflist *l = stix_id ? strmap_get(x->refs, stix_id) : NULL;

	for (size_t i = 0; l && i < l->refs.n; i++) {
		struct ref *r = l->refs.v[i];

		if (strcmp(r->source, source) == 0)
			return r;
	}
	return NULL;
}

static int resolve_cite(void *arg, const char *name, size_t len)
{
	struct notectx *c = arg;
	char buf[256];
	char *source = len < sizeof(buf) ? buf : xstrndup(name, len);
	intptr_t num;
	struct ref *r;

	if (source == buf) {
		memcpy(buf, name, len);
		buf[len] = '\0';
	}
	num = (intptr_t)strmap_get(c->nums, source);
	if (num == 0) {
		r = find_ref(c->x, c->owner, source);
		if (!r)
			r = find_ref(c->x, c->o->stix_id, source);
		if (!r)
			r = strmap_get(c->x->source_ref, source);
		if (r) {
			vec_push(&c->fns, r);
			num = (intptr_t)c->fns.n;
			strmap_put(c->nums, source, (void *)num);
		}
	}
	if (source != buf)
		free(source);
	return (int)num;
}

/* Append ATT&CK text whose citations are owner's (a relationship's stix
 * id, or NULL for the note's object), indented for a list item. */
static void text(strbuf *b, struct notectx *c, const char *s,
		 const char *owner, int indent)
{
	obsmd_resolver r = {resolve_link, resolve_cite, c};

	c->owner = owner;
	obsmd_text_indented(b, s, &r, indent);
}

static void note_link(strbuf *b, const struct obj *o)
{
	obsmd_wikilink(b, o->link, NULL, false);
}

/* "- [[link]]: text" for each relationship of a list. */
static void rel_items(strbuf *b, struct notectx *c, struct vec *rels,
		      bool to_src)
{
	for (size_t i = 0; i < rels->n; i++) {
		struct rel *r = rels->v[i];

		strbuf_puts(b, "- ");
		note_link(b, to_src ? r->src : r->dst);
		if (*r->description) {
			strbuf_puts(b, ": ");
			text(b, c, r->description, r->stix_id, 2);
		}
		strbuf_putc(b, '\n');
	}
}

static int cmp_obj(const struct obj *a, const struct obj *b)
{
	int r = strcmp(a->attack_id, b->attack_id);

	if (r == 0)
		r = strcmp(a->name, b->name);
	return r ? r : strcmp(a->stix_id, b->stix_id);
}

static int cmp_obj_p(const void *a, const void *b)
{
	return cmp_obj(*(struct obj *const *)a, *(struct obj *const *)b);
}

static int cmp_rel_dst(const void *a, const void *b)
{
	const struct rel *x = *(struct rel *const *)a;
	const struct rel *y = *(struct rel *const *)b;
	int r = cmp_obj(x->dst, y->dst);

	return r ? r : strcmp(x->stix_id, y->stix_id);
}

static int cmp_rel_src(const void *a, const void *b)
{
	const struct rel *x = *(struct rel *const *)a;
	const struct rel *y = *(struct rel *const *)b;
	int r = cmp_obj(x->src, y->src);

	return r ? r : strcmp(x->stix_id, y->stix_id);
}

/* The relationships of o of type rel, from o (out) or to it, whose other
 * end is of a kind in mask (bits of enum kind), sorted by the other end.
 * The caller frees the vector's array. */
static struct vec rels_of(const struct obj *o, const char *type, bool out,
			  unsigned mask)
{
	const struct vec *all = out ? &o->out : &o->in_;
	struct vec v = {0};

	for (size_t i = 0; i < all->n; i++) {
		struct rel *r = all->v[i];
		struct obj *other = out ? r->dst : r->src;

		if (strcmp(r->type, type) == 0 && (mask >> other->kind & 1))
			vec_push(&v, r);
	}
	if (v.n > 1)
		qsort(v.v, v.n, sizeof(*v.v), out ? cmp_rel_dst : cmp_rel_src);
	return v;
}

#define BIT(k) (1u << (k))
#define TECHNIQUES (BIT(K_TECHNIQUE) | BIT(K_SUBTECHNIQUE))

/* A section of relationships: "## title" and its items, if any. */
static void rel_section(strbuf *b, struct notectx *c, const char *title,
			const char *type, bool out, unsigned mask)
{
	struct vec v = rels_of(c->o, type, out, mask);

	if (v.n > 0) {
		strbuf_printf(b, "\n## %s\n\n", title);
		rel_items(b, c, &v, !out);
	}
	free(v.v);
}

/* ---- Frontmatter ------------------------------------------------------ */

static void yaml_key(strbuf *b, const char *key, const char *value)
{
	strbuf_printf(b, "%s: ", key);
	obsmd_yaml_scalar(b, value);
	strbuf_putc(b, '\n');
}

static void yaml_list(strbuf *b, const char *key, const struct vec *v)
{
	if (v->n == 0)
		return;
	strbuf_printf(b, "%s:\n", key);
	for (size_t i = 0; i < v->n; i++) {
		strbuf_puts(b, "  - ");
		obsmd_yaml_scalar(b, v->v[i]);
		strbuf_putc(b, '\n');
	}
}

/* YYYY-MM-DD of an ISO 8601 timestamp, or "" */
static void yaml_date(strbuf *b, const char *key, const char *ts)
{
	if (strlen(ts) >= 10 && ts[4] == '-' && ts[7] == '-')
		strbuf_printf(b, "%s: %.10s\n", key, ts);
}

static void yaml_link(strbuf *b, const char *key, const struct obj *o)
{
	strbuf l = STRBUF_INIT;

	obsmd_wikilink(&l, o->link, NULL, false);
	yaml_key(b, key, l.ptr);
	strbuf_free(&l);
}

/* The short name of a domain in tags: enterprise-attack -> enterprise. */
static void domain_tag(strbuf *tags, const char *domain)
{
	size_t n = strlen(domain);

	strbuf_puts(tags, "attack/domain/");
	if (n > 7 && strcmp(domain + n - 7, "-attack") == 0) {
		char *s = xstrndup(domain, n - 7);

		obsmd_tag(tags, s);
		free(s);
	} else {
		obsmd_tag(tags, domain);
	}
}

/* Tags, one per element of a group, deduplicated, sorted. */
static void add_tags(struct vec *tags, struct vec *owned, const char *prefix,
		     const struct vec *values, bool tactic)
{
	struct vec group = {0};

	for (size_t i = 0; i < values->n; i++) {
		strbuf t = STRBUF_INIT;

		strbuf_puts(&t, prefix);
		if (tactic) {
			const struct obj *ta = values->v[i];

			/* The kill-chain phase name: persistence. */
			obsmd_tag(&t, *ta->shortname ? ta->shortname
						     : ta->name);
		} else {
			obsmd_tag(&t, values->v[i]);
		}
		vec_push(&group, strbuf_detach(&t));
	}
	if (group.n > 1)
		qsort(group.v, group.n, sizeof(*group.v), cmp_str);
	for (size_t i = 0; i < group.n; i++) {
		bool dup = false;

		for (size_t j = 0; j < tags->n && !dup; j++)
			dup = strcmp(tags->v[j], group.v[i]) == 0;
		if (dup) {
			free(group.v[i]);
			continue;
		}
		vec_push(tags, group.v[i]);
		vec_push(owned, group.v[i]);
	}
	free(group.v);
}

static char *object_frontmatter(const struct obj *o)
{
	strbuf b = STRBUF_INIT, t = STRBUF_INIT;
	struct vec aliases = {0}, tags = {0}, owned = {0}, names = {0};
	struct vec sorted_aliases = {0};
	char *idname = NULL;

	if (*o->attack_id)
		vec_push_str(&aliases, o->attack_id);
	if (*o->name)
		vec_push_str(&aliases, o->name);
	if (*o->attack_id && *o->name) {
		idname = xasprintf("%s %s", o->attack_id, o->name);
		vec_push_str(&aliases, idname);
	}
	for (size_t i = 0; i < o->aliases.n; i++)
		vec_push(&sorted_aliases, o->aliases.v[i]);
	if (sorted_aliases.n > 1)
		qsort(sorted_aliases.v, sorted_aliases.n,
		      sizeof(*sorted_aliases.v), cmp_str);
	for (size_t i = 0; i < sorted_aliases.n; i++)
		vec_push_str(&aliases, sorted_aliases.v[i]);
	yaml_list(&b, "aliases", &aliases);

	strbuf_printf(&t, "attack/type/%s", kinds[o->kind].tag);
	vec_push(&tags, strbuf_detach(&t));
	vec_push(&owned, tags.v[0]);
	for (size_t i = 0; i < o->domains.n; i++) {
		domain_tag(&t, o->domains.v[i]);
		vec_push(&names, strbuf_detach(&t));
	}
	for (size_t i = 0; i < names.n; i++) {
		vec_push(&tags, names.v[i]);
		vec_push(&owned, names.v[i]);
	}
	names.n = 0;
	add_tags(&tags, &owned, "attack/tactic/", &o->tactics, true);
	add_tags(&tags, &owned, "attack/platform/", &o->platforms, false);
	if (o->revoked)
		vec_push(&tags, "attack/status/revoked");
	else if (o->deprecated)
		vec_push(&tags, "attack/status/deprecated");
	yaml_list(&b, "tags", &tags);

	if (*o->attack_id)
		yaml_key(&b, "attack_id", o->attack_id);
	yaml_key(&b, "attack_type", kinds[o->kind].kind);
	if (*o->url)
		yaml_key(&b, "url", o->url);
	yaml_list(&b, "domains", &o->domains);
	if (*o->version)
		yaml_key(&b, "version", o->version);
	yaml_date(&b, "created", o->created);
	yaml_date(&b, "modified", o->modified);
	for (size_t i = 0; i < o->tactics.n; i++)
		vec_push(&names, (void *)((struct obj *)o->tactics.v[i])->name);
	yaml_list(&b, "tactics", &names);
	yaml_list(&b, "platforms", &o->platforms);
	if (o->parent)
		yaml_link(&b, "parent", o->parent);
	if (o->successor)
		yaml_link(&b, "revoked_by", o->successor);
	strbuf_printf(&b, "deprecated: %s\nrevoked: %s\n",
		      o->deprecated ? "true" : "false",
		      o->revoked ? "true" : "false");
	for (size_t i = 0; i < owned.n; i++)
		free(owned.v[i]);
	free(owned.v);
	free(tags.v);
	free(names.v);
	free(aliases.v);
	free(sorted_aliases.v);
	free(idname);
	strbuf_free(&t);
	return strbuf_detach(&b);
}

/* ---- Bodies ----------------------------------------------------------- */

static void put_ref(strbuf *b, struct notectx *c, const struct ref *r)
{
	if (*r->description) {
		text(b, c, r->description, NULL, 4);
		strbuf_putc(b, ' ');
	}
	if (*r->url) {
		strbuf_putc(b, '[');
		for (const char *p = r->source; *p; p++)
			strbuf_putc(b, *p == '[' ? '(' : *p == ']' ? ')' : *p);
		strbuf_puts(b, strpbrk(r->url, " ()<>") ? "](<" : "](");
		strbuf_puts(b, r->url);
		strbuf_puts(b, strpbrk(r->url, " ()<>") ? ">)" : ")");
	} else if (!*r->description) {
		text(b, c, r->source, NULL, 4);
	}
}

/* "## References": the footnotes the note used, then the object's other
 * references. */
static void references(strbuf *b, struct notectx *c)
{
	struct reflist *l = strmap_get(c->x->refs, c->o->stix_id);
	bool head = false;

	if (c->fns.n == 0 && (!l || l->refs.n == 0))
		return;
	strbuf_puts(b, "\n## References\n\n");
	/* Footnote texts cite nothing: resolving stops growing the list. */
	for (size_t i = 0; i < c->fns.n; i++) {
		strbuf_printf(b, "[^%zu]: ", i + 1);
		put_ref(b, c, c->fns.v[i]);
		strbuf_putc(b, '\n');
		head = true;
	}
	for (size_t i = 0; l && i < l->refs.n; i++) {
		struct ref *r = l->refs.v[i];

		if (strmap_get(c->nums, r->source))
			continue;
		if (head) {
			strbuf_putc(b, '\n');
			head = false;
		}
		strbuf_puts(b, "- ");
		put_ref(b, c, r);
		strbuf_putc(b, '\n');
	}
}

static void list_section(strbuf *b, const char *title, const struct vec *v)
{
	if (v->n == 0)
		return;
	strbuf_printf(b, "\n## %s\n\n", title);
	for (size_t i = 0; i < v->n; i++) {
		strbuf_puts(b, "- ");
		note_link(b, v->v[i]);
		strbuf_putc(b, '\n');
	}
}

static void platforms_section(strbuf *b, struct notectx *c)
{
	if (c->o->platforms.n == 0)
		return;
	strbuf_puts(b, "\n## Platforms\n\n");
	for (size_t i = 0; i < c->o->platforms.n; i++) {
		strbuf_puts(b, "- ");
		text(b, c, c->o->platforms.v[i], NULL, 2);
		strbuf_putc(b, '\n');
	}
}

/* One analytic's log sources: "[[DC0001 X|X]]: `name` (channel)". */
static void log_sources(strbuf *b, struct notectx *c,
			const struct analytic *a, int indent)
{
	for (size_t i = 0; i < a->sources.n; i++) {
		const struct pair *p = a->sources.v[i];

		strbuf_printf(b, "%*s- ", indent, "");
		if (p->obj) {
			obsmd_wikilink(b, p->obj->link, p->obj->name, false);
			strbuf_puts(b, ": ");
		}
		text(b, c, p->a, NULL, indent + 2);
		if (*p->b) {
			strbuf_puts(b, " (");
			text(b, c, p->b, NULL, indent + 2);
			strbuf_putc(b, ')');
		}
		strbuf_putc(b, '\n');
	}
}

static void platform_list(strbuf *b, struct notectx *c, const struct vec *v)
{
	for (size_t i = 0; i < v->n; i++) {
		strbuf_puts(b, i ? ", " : "");
		text(b, c, v->v[i], NULL, 0);
	}
}

/* A technique's detection: its strategies, their analytics. */
static void detection_section(strbuf *b, struct notectx *c)
{
	struct vec v = rels_of(c->o, "detects", false,
			       BIT(K_DETECTION_STRATEGY));

	if (v.n > 0)
		strbuf_puts(b, "\n## Detection\n");
	for (size_t i = 0; i < v.n; i++) {
		struct obj *s = ((struct rel *)v.v[i])->src;

		strbuf_puts(b, "\n### ");
		note_link(b, s);
		strbuf_puts(b, "\n\n");
		for (size_t j = 0; j < s->analytics.n; j++) {
			const struct analytic *a = s->analytics.v[j];

			strbuf_puts(b, "- ");
			obsmd_wikilink(b, a->link, a->attack_id, false);
			if (a->platforms.n) {
				strbuf_puts(b, " (");
				platform_list(b, c, &a->platforms);
				strbuf_putc(b, ')');
			}
			strbuf_putc(b, '\n');
			log_sources(b, c, a, 2);
		}
	}
	free(v.v);
}

/* A strategy's analytics, each under its own heading (links point at
 * "DET0001 Name#AN0001"). */
static void analytics_section(strbuf *b, struct notectx *c)
{
	if (c->o->analytics.n == 0)
		return;
	strbuf_puts(b, "\n## Analytics\n");
	for (size_t i = 0; i < c->o->analytics.n; i++) {
		const struct analytic *a = c->o->analytics.v[i];

		strbuf_printf(b, "\n### %s\n\n", a->attack_id);
		if (a->platforms.n) {
			strbuf_puts(b, "Platforms: ");
			platform_list(b, c, &a->platforms);
			strbuf_puts(b, "\n\n");
		}
		if (*a->description) {
			text(b, c, a->description, NULL, 0);
			strbuf_puts(b, "\n\n");
		}
		if (a->sources.n) {
			strbuf_puts(b, "Log sources:\n\n");
			log_sources(b, c, a, 0);
			strbuf_putc(b, '\n');
		}
		if (a->mutables.n) {
			strbuf_puts(b, "Tunable elements:\n\n");
			for (size_t j = 0; j < a->mutables.n; j++) {
				const struct pair *p = a->mutables.v[j];

				strbuf_puts(b, "- `");
				for (const char *s = p->a; *s; s++)
					if (*s != '`' && *s != '\n')
						strbuf_putc(b, *s);
				strbuf_puts(b, "`");
				if (*p->b) {
					strbuf_puts(b, ": ");
					text(b, c, p->b, NULL, 2);
				}
				strbuf_putc(b, '\n');
			}
			strbuf_putc(b, '\n');
		}
		/* One blank line between analytics is enough. */
		while (b->len >= 2 && b->ptr[b->len - 1] == '\n' &&
		       b->ptr[b->len - 2] == '\n')
			strbuf_truncate(b, b->len - 1);
	}
}

/* The data component's analytics: which strategies read it. */
static void dc_analytics_section(strbuf *b, struct exp *x, struct obj *o)
{
	bool head = false;

	for (size_t i = 0; i < x->anl.n; i++) {
		const struct analytic *a = x->anl.v[i];
		bool uses = false;

		for (size_t j = 0; j < a->sources.n && !uses; j++)
			uses = ((struct pair *)a->sources.v[j])->obj == o;
		if (!uses)
			continue;
		if (!head)
			strbuf_puts(b, "\n## Analytics using it\n\n");
		head = true;
		strbuf_puts(b, "- ");
		obsmd_wikilink(b, a->link, a->attack_id, false);
		strbuf_puts(b, " in ");
		note_link(b, a->strategy);
		strbuf_putc(b, '\n');
	}
}

/* Sub-techniques of a technique, in a tactic's list or its own. */
static void technique_item(strbuf *b, const struct obj *t,
			   const struct obj *tactic)
{
	struct vec subs = rels_of(t, "subtechnique-of", false,
				  BIT(K_SUBTECHNIQUE));

	strbuf_puts(b, "- ");
	note_link(b, t);
	strbuf_putc(b, '\n');
	for (size_t i = 0; i < subs.n; i++) {
		struct obj *s = ((struct rel *)subs.v[i])->src;

		if (tactic && !vec_has(&s->tactics, (void *)tactic))
			continue;
		strbuf_puts(b, "  - ");
		note_link(b, s);
		strbuf_putc(b, '\n');
	}
	free(subs.v);
}

static int cmp_name_p(const void *a, const void *b)
{
	const struct obj *x = *(struct obj *const *)a;
	const struct obj *y = *(struct obj *const *)b;
	int r = strcasecmp(x->name, y->name);

	return r ? r : cmp_obj(x, y);
}

/* Live techniques (not sub-techniques) of tactic ta, sorted by name. */
static struct vec tactic_techniques(struct exp *x, const struct obj *ta)
{
	struct vec v = {0};

	for (size_t i = 0; i < x->objs.n; i++) {
		struct obj *o = x->objs.v[i];

		if (o->kind == K_TECHNIQUE && live(o) &&
		    vec_has(&o->tactics, (void *)ta))
			vec_push(&v, o);
	}
	if (v.n > 1)
		qsort(v.v, v.n, sizeof(*v.v), cmp_name_p);
	return v;
}

static void header_line(strbuf *b, struct notectx *c)
{
	struct obj *o = c->o;

	strbuf_printf(b, "**%s**", kinds[o->kind].label);
	if (*o->attack_id) {
		strbuf_puts(b, " ");
		if (*o->url)
			strbuf_printf(b, "[%s](%s)", o->attack_id, o->url);
		else
			strbuf_puts(b, o->attack_id);
	}
	if (o->parent) {
		strbuf_puts(b, " of ");
		note_link(b, o->parent);
	}
	if (*o->version)
		strbuf_printf(b, " · version %s", o->version);
	strbuf_putc(b, '\n');
}

static char *object_body(struct exp *x, struct obj *o)
{
	strbuf b = STRBUF_INIT;
	struct notectx c = {x, o, NULL, strmap_new(), {0}};

	header_line(&b, &c);
	if (o->revoked) {
		strbuf_printf(&b, "\n> [!warning] Revoked\n> ATT&CK revoked "
				  "this %s",
			      kinds[o->kind].tag);
		if (o->successor) {
			strbuf_puts(&b, ": it is now ");
			note_link(&b, o->successor);
		}
		strbuf_puts(&b, ".\n");
	} else if (o->deprecated) {
		strbuf_printf(&b, "\n> [!warning] Deprecated\n> ATT&CK no "
				  "longer maintains this %s.\n",
			      kinds[o->kind].tag);
	}
	if (*o->description) {
		strbuf_putc(&b, '\n');
		text(&b, &c, o->description, NULL, 0);
		strbuf_putc(&b, '\n');
	}
	switch (o->kind) {
	case K_TECHNIQUE:
	case K_SUBTECHNIQUE:
		list_section(&b, "Tactics", &o->tactics);
		platforms_section(&b, &c);
		if (o->kind == K_TECHNIQUE) {
			struct vec subs = rels_of(o, "subtechnique-of", false,
						  BIT(K_SUBTECHNIQUE));

			if (subs.n > 0) {
				strbuf_puts(&b, "\n## Sub-techniques\n\n");
				for (size_t i = 0; i < subs.n; i++) {
					strbuf_puts(&b, "- ");
					struct rel *r = subs.v[i];

					note_link(&b, r->src);
					strbuf_putc(&b, '\n');
				}
			}
			free(subs.v);
		}
		rel_section(&b, &c, "Mitigations", "mitigates", false,
			    BIT(K_MITIGATION));
		{
			static const struct {
				const char *title;
				enum kind k;
			} users[] = {{"Groups", K_GROUP},
				     {"Software", K_SOFTWARE},
				     {"Campaigns", K_CAMPAIGN}};
			bool head = false;

			for (size_t u = 0; u < 3; u++) {
				struct vec v = rels_of(o, "uses", false,
						       BIT(users[u].k));

				if (v.n && !head)
					strbuf_puts(&b, "\n## Procedure "
							"examples\n");
				head = head || v.n;
				if (v.n) {
					strbuf_printf(&b, "\n### %s\n\n",
						      users[u].title);
					rel_items(&b, &c, &v, true);
				}
				free(v.v);
			}
		}
		detection_section(&b, &c);
		rel_section(&b, &c, "Targeted assets", "targets", true,
			    BIT(K_ASSET));
		break;
	case K_TACTIC: {
		struct vec v = tactic_techniques(x, o);

		if (v.n)
			strbuf_puts(&b, "\n## Techniques\n\n");
		for (size_t i = 0; i < v.n; i++)
			technique_item(&b, v.v[i], o);
		free(v.v);
		break;
	}
	case K_MITIGATION:
		rel_section(&b, &c, "Techniques addressed", "mitigates", true,
			    TECHNIQUES);
		break;
	case K_GROUP:
		rel_section(&b, &c, "Techniques used", "uses", true,
			    TECHNIQUES);
		rel_section(&b, &c, "Software used", "uses", true,
			    BIT(K_SOFTWARE));
		rel_section(&b, &c, "Campaigns", "attributed-to", false,
			    BIT(K_CAMPAIGN));
		break;
	case K_SOFTWARE:
		platforms_section(&b, &c);
		rel_section(&b, &c, "Techniques used", "uses", true,
			    TECHNIQUES);
		rel_section(&b, &c, "Used by", "uses", false,
			    BIT(K_GROUP) | BIT(K_CAMPAIGN));
		break;
	case K_CAMPAIGN:
		rel_section(&b, &c, "Attributed to", "attributed-to", true,
			    BIT(K_GROUP));
		rel_section(&b, &c, "Techniques used", "uses", true,
			    TECHNIQUES);
		rel_section(&b, &c, "Software used", "uses", true,
			    BIT(K_SOFTWARE));
		break;
	case K_DATA_COMPONENT:
		if (o->log_sources.n) {
			strbuf_puts(&b, "\n## Log sources\n\n");
			for (size_t i = 0; i < o->log_sources.n; i++) {
				const struct pair *p = o->log_sources.v[i];

				strbuf_puts(&b, "- ");
				text(&b, &c, p->a, NULL, 2);
				if (*p->b) {
					strbuf_puts(&b, " (");
					text(&b, &c, p->b, NULL, 2);
					strbuf_putc(&b, ')');
				}
				strbuf_putc(&b, '\n');
			}
		}
		dc_analytics_section(&b, x, o);
		break;
	case K_DETECTION_STRATEGY:
		rel_section(&b, &c, "Detects", "detects", true, TECHNIQUES);
		analytics_section(&b, &c);
		break;
	case K_ASSET:
		platforms_section(&b, &c);
		rel_section(&b, &c, "Targeted by", "targets", false,
			    TECHNIQUES);
		break;
	default:
		break;
	}
	references(&b, &c);
	strmap_free(c.nums);
	free(c.fns.v);
	return strbuf_detach(&b);
}

/* ---- Index, matrix and canvas ----------------------------------------- */

static void add_note(struct exp *x, char *relpath, char *fm, char *body)
{
	struct note *n = xcalloc(1, sizeof(*n));

	n->relpath = relpath;
	n->fm = fm;
	n->body = body;
	vec_push(&x->notes, n);
}

static void add_file(struct exp *x, char *relpath, char *data)
{
	struct note *n = xcalloc(1, sizeof(*n));

	n->relpath = relpath;
	n->data = data;
	n->len = strlen(data);
	vec_push(&x->notes, n);
}

static char *index_frontmatter(const char *type, const char *domain)
{
	strbuf b = STRBUF_INIT;

	strbuf_puts(&b, "tags:\n  - attack/index\n");
	if (domain) {
		strbuf_puts(&b, "  - ");
		domain_tag(&b, domain);
		strbuf_putc(&b, '\n');
	}
	strbuf_printf(&b, "attack_type: %s\n", type);
	if (domain)
		strbuf_printf(&b, "domains:\n  - %s\n", domain);
	return strbuf_detach(&b);
}

/* The objects of kind k in domain d, sorted by ID. */
static struct vec objects_in(struct exp *x, enum kind k, int d)
{
	struct vec v = {0};

	for (size_t i = 0; i < x->objs.n; i++) {
		struct obj *o = x->objs.v[i];

		if (o->kind == k && (o->in >> d & 1))
			vec_push(&v, o);
	}
	if (v.n > 1)
		qsort(v.v, v.n, sizeof(*v.v), cmp_obj_p);
	return v;
}

static void type_index(struct exp *x, enum kind k)
{
	strbuf b = STRBUF_INIT;

	strbuf_printf(&b, "**%s** of ATT&CK", kinds[k].folder);
	strbuf_puts(&b, ": ");
	for (int d = 0; d < x->ndom; d++)
		strbuf_printf(&b, "%s[[%s]]", d ? ", " : "",
			      x->dom[d].index_link);
	strbuf_putc(&b, '\n');
	for (int d = 0; d < x->ndom; d++) {
		struct vec v = objects_in(x, k, d);
		size_t retired = 0;

		if (v.n == 0) {
			free(v.v);
			continue;
		}
		strbuf_printf(&b, "\n## %s\n\n", x->dom[d].title);
		for (size_t i = 0; i < v.n; i++) {
			struct obj *o = v.v[i];

			if (!live(o)) {
				retired++;
			} else if (k == K_TECHNIQUE) {
				technique_item(&b, o, NULL);
			} else {
				strbuf_puts(&b, "- ");
				note_link(&b, o);
				strbuf_putc(&b, '\n');
			}
		}
		if (retired)
			strbuf_puts(&b, "\n### Revoked and deprecated\n\n");
		for (size_t i = 0; retired && i < v.n; i++) {
			struct obj *o = v.v[i];

			if (live(o))
				continue;
			strbuf_puts(&b, "- ");
			note_link(&b, o);
			if (o->revoked && o->successor) {
				strbuf_puts(&b, ": revoked, now ");
				note_link(&b, o->successor);
			} else {
				strbuf_puts(&b, o->revoked ? ": revoked"
							   : ": deprecated");
			}
			strbuf_putc(&b, '\n');
		}
		free(v.v);
	}
	add_note(x, xstrdup(x->index_path[k]), index_frontmatter("index", NULL),
		 strbuf_detach(&b));
}

static void domain_index(struct exp *x, int d)
{
	struct domain *dm = &x->dom[d];
	strbuf b = STRBUF_INIT;

	strbuf_printf(&b, "**ATT&CK v%s**, domain `%s`\n\n", dm->version,
		      dm->name);
	if (dm->mx.stix_id) {
		strbuf_printf(&b, "- Matrix: [[%s]], also as a canvas: ",
			      dm->matrix_link);
		strbuf_printf(&b, "[[%s.canvas|canvas]]\n", dm->matrix_link);
	}
	strbuf_puts(&b, "\n## Contents\n\n");
	for (int k = 0; k < K_NKINDS; k++) {
		struct vec v = objects_in(x, (enum kind)k, d);
		size_t nlive = 0;

		for (size_t i = 0; i < v.n; i++)
			nlive += live(v.v[i]);
		if (v.n)
			strbuf_printf(&b, "- [[%s]]: %zu", x->index_link[k],
				      nlive);
		if (v.n > nlive)
			strbuf_printf(&b, " (and %zu revoked or deprecated)",
				      v.n - nlive);
		if (v.n)
			strbuf_putc(&b, '\n');
		free(v.v);
	}
	add_note(x, xstrdup(dm->index_path),
		 index_frontmatter("index", dm->name), strbuf_detach(&b));
}

static void matrix_note(struct exp *x, int d)
{
	struct domain *dm = &x->dom[d];
	struct vec *cols = xcalloc(dm->mx.tactics.n + 1, sizeof(*cols));
	size_t rows = 0, n = dm->mx.tactics.n;
	strbuf b = STRBUF_INIT;

	strbuf_printf(&b, "**%s**, ATT&CK v%s: techniques by tactic, in the "
			  "matrix's order. Also as a canvas: "
			  "[[%s.canvas|canvas]]\n\n",
		      dm->title, dm->version, dm->matrix_link);
	for (size_t i = 0; i < n; i++) {
		struct obj *ta = dm->mx.tactics.v[i];

		cols[i] = tactic_techniques(x, ta);
		if (cols[i].n > rows)
			rows = cols[i].n;
		strbuf_puts(&b, "| ");
		obsmd_wikilink(&b, ta->link, ta->name, true);
		strbuf_puts(&b, " ");
	}
	strbuf_puts(&b, "|\n");
	for (size_t i = 0; i < n; i++)
		strbuf_puts(&b, "| --- ");
	strbuf_puts(&b, "|\n");
	for (size_t r = 0; r < rows; r++) {
		for (size_t i = 0; i < n; i++) {
			strbuf_puts(&b, "| ");
			if (r < cols[i].n) {
				struct obj *t = cols[i].v[r];
				struct vec subs =
				    rels_of(t, "subtechnique-of", false,
					    BIT(K_SUBTECHNIQUE));

				obsmd_wikilink(&b, t->link, t->name, true);
				if (subs.n)
					strbuf_printf(&b, " (%zu)", subs.n);
				free(subs.v);
				strbuf_putc(&b, ' ');
			}
		}
		strbuf_puts(&b, "|\n");
	}
	add_note(x, xstrdup(dm->matrix_path),
		 index_frontmatter("matrix", dm->name), strbuf_detach(&b));
	for (size_t i = 0; i < n; i++)
		free(cols[i].v);
	free(cols);
}

/* A node id: 16 hex digits from what the node shows, so the same matrix
 * gives the same canvas. */
static void node_id(char out[17], strmap *used, const char *what)
{
	for (unsigned salt = 0;; salt++) {
		char *s = xasprintf("%s#%u", what, salt);

		snprintf(out, 17, "%016" PRIx64, vaultnote_hash(s, strlen(s)));
		free(s);
		if (!strmap_get(used, out)) {
			strmap_put(used, out, out);
			return;
		}
	}
}

/* JSON Canvas 1.0: a group per tactic (in the matrix's order) holding the
 * tactic's note and its techniques' notes, laid out as the matrix. */
static void matrix_canvas(struct exp *x, int d)
{
	enum { W = 260, H = 60, GAP = 20, PAD = 20 };
	struct domain *dm = &x->dom[d];
	strbuf b = STRBUF_INIT, nodes = STRBUF_INIT;
	strmap *used = strmap_new();
	char id[17];

	for (size_t i = 0; i < dm->mx.tactics.n; i++) {
		struct obj *ta = dm->mx.tactics.v[i];
		struct vec v = tactic_techniques(x, ta);
		long gx = (long)i * (W + 2 * PAD + 2 * GAP);
		long gh = PAD + (long)(v.n + 1) * (H + GAP) - GAP + PAD;
		char *what = xasprintf("group %s", ta->stix_id);

		node_id(id, used, what);
		free(what);
		strbuf_printf(&nodes,
			      "%s\t\t{\"id\":\"%s\",\"type\":\"group\","
			      "\"x\":%ld,\"y\":0,\"width\":%d,\"height\":%ld,"
			      "\"label\":",
			      nodes.len ? ",\n" : "", id, gx, W + 2 * PAD, gh);
		strbuf_put_json_string(&nodes, ta->name);
		strbuf_puts(&nodes, "}");
		for (size_t j = 0; j <= v.n; j++) {
			struct obj *o = j == 0 ? ta : v.v[j - 1];

			what = xasprintf("%s %s", ta->stix_id, o->stix_id);
			node_id(id, used, what);
			free(what);
			strbuf_printf(&nodes,
				      ",\n\t\t{\"id\":\"%s\",\"type\":\"file\","
				      "\"file\":",
				      id);
			strbuf_put_json_string(&nodes, o->relpath);
			strbuf_printf(&nodes,
				      ",\"x\":%ld,\"y\":%ld,\"width\":%d,"
				      "\"height\":%d%s}",
				      gx + PAD, PAD + (long)j * (H + GAP), W, H,
				      j == 0 ? ",\"color\":\"5\"" : "");
		}
		free(v.v);
	}
	strbuf_printf(&b, "{\n\t\"nodes\":[\n%s\n\t],\n\t\"edges\":[]\n}\n",
		      nodes.ptr);
	add_file(x, xstrdup(dm->canvas_path), strbuf_detach(&b));
	strbuf_free(&nodes);
	strmap_free(used);
}

/* ---- Export ----------------------------------------------------------- */

static int cmp_note(const void *a, const void *b)
{
	return strcmp((*(struct note *const *)a)->relpath,
		      (*(struct note *const *)b)->relpath);
}

/* Which domains to export: the selected releases, or those asked for. */
static int pick_domains(struct exp *x, const obsidian_opts *opts)
{
	kb_rows *r;
	int error = query(&r, x,
			  "SELECT domain, version FROM current_release ORDER "
			  "BY domain",
			  NULL);
	size_t want = 0;

	if (error < 0)
		return error;
	while (opts->domains && opts->domains[want])
		want++;
	if (r->nrows == 0)
		return kb_error_set(KB_ENOTFOUND,
				    "the store holds no ATT&CK release (run "
				    "attackkb ingest first)");
	if (r->nrows > 31)
		return kb_error_set(KB_ELIMIT, "more than 31 domains");
	x->dom = xcalloc(r->nrows, sizeof(*x->dom));
	for (size_t i = 0; i < want; i++) {
		const char *w = opts->domains[i];
		size_t j;

		for (j = 0; j < r->nrows; j++) {
			const char *dn = cell(r, j, 0);
			size_t n = strlen(w);

			if (strcmp(dn, w) == 0 ||
			    (strncmp(dn, w, n) == 0 &&
			     strcmp(dn + n, "-attack") == 0))
				break;
		}
		if (j == r->nrows)
			return kb_error_set(KB_ENOTFOUND,
					    "no release of domain '%s' in the "
					    "store (see attackkb releases)",
					    w);
	}
	for (size_t j = 0; j < r->nrows; j++) {
		const char *dn = cell(r, j, 0);
		bool take = want == 0;

		for (size_t i = 0; i < want && !take; i++) {
			const char *w = opts->domains[i];
			size_t n = strlen(w);

			take = strcmp(dn, w) == 0 ||
			       (strncmp(dn, w, n) == 0 &&
				strcmp(dn + n, "-attack") == 0);
		}
		if (take) {
			x->dom[x->ndom].name = dn;
			x->dom[x->ndom].version = cell(r, j, 1);
			x->ndom++;
		}
	}
	return 0;
}

static int load(struct exp *x)
{
	kb_rows *r;
	int error;

	/* Read the store with read(), not through the memory map every
	 * store opens with: the export reads most of it once, and the mapped
	 * pages would count as its memory (150 MiB, not 80). */
	if ((error = query(&r, x, "PRAGMA mmap_size = 0", NULL)) < 0)
		return error;
	if ((error = load_objects(x)) < 0)
		return error;
	for (int d = 0; d < x->ndom; d++)
		if ((error = load_relationships(x, d)) < 0 ||
		    (error = load_lists(x, d)) < 0 ||
		    (error = load_analytics(x, d)) < 0 ||
		    (error = load_refs(x, d)) < 0 ||
		    (error = load_matrix(x, d)) < 0)
			return error;
	link_successors(x);
	for (size_t i = 0; i < x->objs.n; i++) {
		struct obj *o = x->objs.v[i];

		if (o->platforms.n > 1)
			qsort(o->platforms.v, o->platforms.n,
			      sizeof(*o->platforms.v), cmp_str);
		if (o->tactics.n > 1)
			qsort(o->tactics.v, o->tactics.n, sizeof(*o->tactics.v),
			      cmp_obj_p);
	}
	for (size_t i = 0; i < x->reflists.n; i++) {
		struct reflist *l = x->reflists.v[i];

		if (l->refs.n > 1)
			qsort(l->refs.v, l->refs.n, sizeof(*l->refs.v),
			      cmp_ref);
	}
	for (size_t i = 0; i < x->anl.n; i++) {
		struct analytic *a = x->anl.v[i];

		if (a->platforms.n > 1)
			qsort(a->platforms.v, a->platforms.n,
			      sizeof(*a->platforms.v), cmp_str);
	}
	return 0;
}

static bool has_kind(const struct exp *x, enum kind k)
{
	for (size_t i = 0; i < x->objs.n; i++)
		if (((struct obj *)x->objs.v[i])->kind == k)
			return true;
	return false;
}

static void render_indexes(struct exp *x)
{
	for (int k = 0; k < K_NKINDS; k++)
		if (has_kind(x, (enum kind)k))
			type_index(x, (enum kind)k);
	for (int d = 0; d < x->ndom; d++) {
		domain_index(x, d);
		if (x->dom[d].mx.stix_id) {
			matrix_note(x, d);
			matrix_canvas(x, d);
		}
	}
}

static int put_note(vault *v, const struct note *n)
{
	return n->data ? vault_put_file(v, n->relpath, n->data, n->len)
		       : vault_put_note(v, n->relpath, n->fm, n->body);
}

/* Object notes are rendered by worker threads while this one writes them,
 * in order, as they become ready: the vault sees the same sequence of
 * puts whatever the timing. The workers only read what load() built. */
struct pipeline {
	struct exp *x;
	struct note **slot;   /* one per object, NULL until rendered */
	size_t next;          /* the next object to render */
	bool stop;            /* the writer failed: render no more */
	pthread_mutex_t lock; /* guards next, slot[], stop */
	pthread_cond_t ready; /* a slot was filled */
};

static struct note *render_object(struct exp *x, struct obj *o)
{
	struct note *n = xcalloc(1, sizeof(*n));

	n->relpath = xstrdup(o->relpath);
	n->fm = object_frontmatter(o);
	n->body = object_body(x, o);
	return n;
}

static void *render_worker(void *arg)
{
	struct pipeline *p = arg;

	for (;;) {
		size_t i;
		struct note *n;

		pthread_mutex_lock(&p->lock);
		i = p->next++;
		if (p->stop || i >= p->x->objs.n) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		pthread_mutex_unlock(&p->lock);
		n = render_object(p->x, p->x->objs.v[i]);
		pthread_mutex_lock(&p->lock);
		p->slot[i] = n;
		pthread_cond_broadcast(&p->ready);
		pthread_mutex_unlock(&p->lock);
	}
}

#define RENDER_THREADS 3 /* workers at most; fewer on fewer cores */

static int cmp_obj_path(const void *a, const void *b)
{
	return strcmp((*(struct obj *const *)a)->relpath,
		      (*(struct obj *const *)b)->relpath);
}

/* Render every note and put it into v: the indexes first, then the
 * objects' notes in path order. Every note rendered ends in x->notes,
 * sorted by path. Returns 0 or vault_put_*()'s error. */
static int render_and_put(struct exp *x, vault *v)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nw = cores < 2 ? 0 : (size_t)cores - 1, started = 0;
	struct pipeline p = {x, NULL, 0, false, PTHREAD_MUTEX_INITIALIZER,
			     PTHREAD_COND_INITIALIZER};
	pthread_t tids[RENDER_THREADS];
	int error = 0;

	if (nw > RENDER_THREADS)
		nw = RENDER_THREADS;
	if (x->objs.n > 1)
		qsort(x->objs.v, x->objs.n, sizeof(*x->objs.v), cmp_obj_path);
	render_indexes(x);
	for (size_t i = 0; i < x->notes.n && error == 0; i++)
		error = put_note(v, x->notes.v[i]);
	p.slot = xcalloc(x->objs.n + 1, sizeof(*p.slot));
	/* With no thread, this one renders each note before putting it. */
	while (started < nw && x->objs.n >= 256 &&
	       pthread_create(&tids[started], NULL, render_worker, &p) == 0)
		started++;
	for (size_t i = 0; i < x->objs.n && error == 0; i++) {
		struct note *n;

		if (started == 0) {
			n = render_object(x, x->objs.v[i]);
		} else {
			pthread_mutex_lock(&p.lock);
			while (!p.slot[i])
				pthread_cond_wait(&p.ready, &p.lock);
			n = p.slot[i];
			p.slot[i] = NULL;
			pthread_mutex_unlock(&p.lock);
		}
		vec_push(&x->notes, n);
		error = put_note(v, n);
	}
	pthread_mutex_lock(&p.lock);
	p.stop = true; /* after an error: nobody waits for the rest */
	pthread_mutex_unlock(&p.lock);
	for (size_t t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	for (size_t i = 0; i < x->objs.n; i++)
		if (p.slot[i])
			vec_push(&x->notes, p.slot[i]); /* freed with them */
	free(p.slot);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.ready);
	if (x->notes.n > 1)
		qsort(x->notes.v, x->notes.n, sizeof(*x->notes.v), cmp_note);
	return error;
}

/* ---- The releases a vault was generated from -------------------------- */

#define RELEASE_FILE ".attackkb/release"
#define RELEASE_HEAD "# attackkb obsidian export: the releases of this vault\n"

static char *release_record(const struct exp *x)
{
	strbuf b = STRBUF_INIT;

	strbuf_puts(&b, RELEASE_HEAD);
	for (int d = 0; d < x->ndom; d++)
		strbuf_printf(&b, "release %s %s\n", x->dom[d].name,
			      x->dom[d].version);
	return strbuf_detach(&b);
}

/* Write RELEASE_FILE unless it already says the same (a vault exported
 * before the record existed gets it on its next export, even one that
 * changes nothing else). Returns 0 or KB_EIO. */
static int save_release(const struct exp *x, const char *dir)
{
	char *path = fsutil_path_join(dir, RELEASE_FILE), *old = NULL;
	char *text = release_record(x);
	size_t len;
	int error = 0;

	if (fsutil_read_file(&old, &len, path, 4096) == 0 &&
	    strcmp(old, text) == 0)
		goto done;
	kb_error_clear();
	error = fsutil_write_atomic(path, text, strlen(text));
done:
	free(old);
	free(text);
	free(path);
	return error;
}

static bool version_ok(const char *v)
{
	size_t n = strspn(v, "0123456789");

	if (n == 0 || v[n] != '.')
		return false;
	v += n + 1;
	n = strspn(v, "0123456789");
	return n > 0 && v[n] == '\0';
}

int obsidian_releases_read(obsidian_release **out, size_t *n,
			   const char *dir)
{
	char *path = fsutil_path_join(dir, RELEASE_FILE), *text = NULL;
	obsidian_release *v = NULL;
	size_t len, nv = 0, line = 0;
	int error;

	*out = NULL;
	*n = 0;
	if ((error = fsutil_read_file(&text, &len, path, 64 * 1024)) < 0) {
		if (error == KB_ENOTFOUND)
			kb_error_set(KB_ENOTFOUND,
				     "%s: no record of the release the vault "
				     "was generated from",
				     dir);
		goto done;
	}
	for (char *l = text, *nl; *l; l = nl + 1) {
		char dom[64], ver[32], rest[2];

		line++;
		if (!(nl = strchr(l, '\n')))
			nl = l + strlen(l) - 1;
		else
			*nl = '\0';
		if (l[0] == '#' || l[0] == '\0')
			continue;
		if (sscanf(l, "release %63s %31s %1s", dom, ver, rest) != 2 ||
		    !version_ok(ver)) {
			error = kb_error_set(KB_EPARSE,
					     "%s:%zu: not \"release DOMAIN "
					     "X.Y\"",
					     path, line);
			goto done;
		}
		v = xreallocarray(v, nv + 1, sizeof(*v));
		v[nv++] = (obsidian_release){.domain = xstrdup(dom),
					     .version = xstrdup(ver)};
	}
	if (nv == 0)
		error = kb_error_set(KB_EPARSE, "%s: no release", path);
done:
	if (error < 0) {
		obsidian_releases_free(v, nv);
	} else {
		*out = v;
		*n = nv;
	}
	free(text);
	free(path);
	return error;
}

void obsidian_releases_free(obsidian_release *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].domain);
		free(v[i].version);
	}
	free(v);
}

static char *release_text(const struct exp *x)
{
	strbuf b = STRBUF_INIT;

	for (int d = 0; d < x->ndom; d++)
		strbuf_printf(&b, "%s%s v%s", d ? ", " : "", x->dom[d].name,
			      x->dom[d].version);
	return strbuf_detach(&b);
}

/* Commit what the export wrote (opts.git). */
/* The files of .attackkb/ that go into commits: the manifest, so that a
 * clone of the vault still knows which files are attackkb's, and a
 * .gitignore keeping the lock and journal out of `git status`, and the
 * releases the vault was generated from. Appends them to ch; *manifest
 * and *release receive the texts to free. The lock, the journal
 * and the state of the last export (STATE_FILE) are this copy's alone. */
static int meta_changes(const struct exp *x, const char *dir,
			vaultgit_change *ch, size_t *n, char **manifest,
			char **release)
{
	static const char gitignore[] = "# attackkb's working files\n/lock\n"
					"/journal\n/obsidian\n";
	char *path = fsutil_path_join(dir, ".attackkb/manifest"), *old = NULL;
	size_t len;
	int error = 0;

	if (fsutil_read_file(manifest, &len, path, KB_MAX_MANIFEST_FILE) == 0)
		ch[(*n)++] = (vaultgit_change){.path = ".attackkb/manifest",
					       .data = *manifest,
					       .len = len};
	free(path);
	path = fsutil_path_join(dir, ".attackkb/.gitignore");
	if (fsutil_read_file(&old, &len, path, 4096) < 0 ||
	    strcmp(old, gitignore) != 0)
		error = fsutil_write_atomic(path, gitignore,
					    sizeof(gitignore) - 1);
	else
		kb_error_clear();
	if (error == 0)
		ch[(*n)++] = (vaultgit_change){.path = ".attackkb/.gitignore",
					       .data = gitignore,
					       .len = sizeof(gitignore) - 1};
	if (error == 0) {
		*release = release_record(x);
		ch[(*n)++] = (vaultgit_change){.path = RELEASE_FILE,
					       .data = *release,
					       .len = strlen(*release)};
	}
	free(old);
	free(path);
	return error;
}

/* Commit what the export wrote (opts.git). */
static int commit(struct exp *x, const char *dir, obsidian_result *out)
{
	vault_report *rep = &out->report;
	vaultgit_change *ch = xcalloc(rep->n + 3, sizeof(*ch));
	strmap *by_path = strmap_new();
	char *manifest = NULL, *release = NULL, *summary = NULL, *title = NULL;
	size_t n = 0;
	int error;

	for (size_t i = 0; i < x->notes.n; i++) {
		struct note *nt = x->notes.v[i];

		strmap_put(by_path, nt->relpath, nt);
	}
	for (size_t i = 0; i < rep->n; i++) {
		const vault_item *it = &rep->items[i];
		struct note *nt = strmap_get(by_path, it->path);

		if (it->status == VAULT_REMOVED) {
			ch[n++] = (vaultgit_change){.path = it->path,
						    .remove = true};
		} else if (nt && (it->status == VAULT_ADDED ||
				  it->status == VAULT_CHANGED ||
				  it->status == VAULT_UNCHANGED ||
				  it->status == VAULT_ADOPTED)) {
			/* Unchanged notes too: a vault put under git late
			 * gets them committed. */
			ch[n++] = (vaultgit_change){.path = it->path,
						    .frontmatter = nt->fm,
						    .body = nt->body,
						    .data = nt->data,
						    .len = nt->len};
		}
	}
	if ((error = meta_changes(x, dir, ch, &n, &manifest, &release)) < 0)
		goto done;
	title = xasprintf("ATT&CK %s", out->release);
	summary = vault_report_summary(rep);
	{
		char *detail = xasprintf("Export: %s", summary);

		error = vaultgit_commit(dir, ch, n, obsidian_owned_keys, title,
					detail, &out->committed, out->commit);
		free(detail);
	}
done:
	free(summary);
	free(title);
	free(manifest);
	free(release);
	strmap_free(by_path);
	free(ch);
	return error;
}

static void exp_free(struct exp *x)
{
	for (size_t i = 0; i < x->objs.n; i++) {
		struct obj *o = x->objs.v[i];

		free(o->domains.v);
		free(o->platforms.v);
		free(o->aliases.v);
		free(o->tactics.v);
		free(o->out.v);
		free(o->in_.v);
		free(o->analytics.v);
		free(o->log_sources.v);
		free(o->relpath);
	}
	for (size_t i = 0; i < x->anl.n; i++) {
		struct analytic *a = x->anl.v[i];

		free(a->platforms.v);
		free(a->sources.v);
		free(a->mutables.v);
		free(a->link);
	}
	for (size_t i = 0; i < x->reflists.n; i++)
		free(((struct reflist *)x->reflists.v[i])->refs.v);
	for (size_t i = 0; i < x->notes.n; i++) {
		struct note *n = x->notes.v[i];

		free(n->relpath);
		free(n->fm);
		free(n->body);
		free(n->data);
		free(n);
	}
	for (int d = 0; d < x->ndom; d++) {
		free(x->dom[d].mx.tactics.v);
		free(x->dom[d].title);
		free(x->dom[d].index_path);
		free(x->dom[d].matrix_path);
		free(x->dom[d].canvas_path);
	}
	for (int k = 0; k < K_NKINDS; k++)
		free(x->index_path[k]);
	for (size_t i = 0; i < x->allocs.n; i++)
		free(x->allocs.v[i]);
	for (size_t i = 0; i < x->rows.n; i++)
		kb_rows_free(x->rows.v[i]);
	free(x->notes.v);
	free(x->allocs.v);
	free(x->rows.v);
	free(x->objs.v);
	free(x->rels.v);
	free(x->anl.v);
	free(x->reflists.v);
	free(x->dom);
	strmap_free(x->by_stix);
	strmap_free(x->by_id);
	strmap_free(x->rel_seen);
	strmap_free(x->revoked_by);
	strmap_free(x->analytics);
	strmap_free(x->refs);
	strmap_free(x->source_ref);
	vaultfile_names_free(x->names);
}

/* ---- Re-export with nothing to do ------------------------------------ */

/* Bump when the files attackkb writes change for the same store. */
#define OBSIDIAN_FORMAT "1"
/* What the last export wrote: see save_state(). */
#define STATE_FILE ".attackkb/obsidian"

/* A hash of everything the files depend on: attackkb's version, the
 * exported domains, and each selected release (domain, version, bytes
 * ingested and when: a rebuilt store counts as new). */
static int fingerprint(struct exp *x, uint64_t *out)
{
	const struct kb_named_query *q = kb_query_find("releases");
	strbuf b = STRBUF_INIT;
	kb_rows *r;
	int error;

	if (!q)
		return kb_error_set(KB_ERROR, "no 'releases' query");
	if ((error = query(&r, x, q->sql, NULL)) < 0)
		return error;
	strbuf_puts(&b, "attackkb " KB_VERSION " obsidian " OBSIDIAN_FORMAT
			"\n");
	for (int d = 0; d < x->ndom; d++)
		strbuf_printf(&b, "export %s\n", x->dom[d].name);
	for (size_t i = 0; i < r->nrows; i++) {
		strbuf_puts(&b, "release");
		for (size_t c = 0; c < r->ncols; c++)
			strbuf_printf(&b, " %s=%s", r->cols[c], cell(r, i, c));
		strbuf_putc(&b, '\n');
	}
	*out = vaultnote_hash(b.ptr, b.len);
	strbuf_free(&b);
	return 0;
}

static uint64_t paths_hash(const struct exp *x)
{
	strbuf b = STRBUF_INIT;
	uint64_t h;

	for (size_t i = 0; i < x->notes.n; i++)
		strbuf_printf(&b, "%s\n",
			      ((struct note *)x->notes.v[i])->relpath);
	h = vaultnote_hash(b.ptr, b.len);
	strbuf_free(&b);
	return h;
}

/* Remember the input and the files of a completed export. */
static void save_state(const struct exp *x, const char *dir, uint64_t fp)
{
	char *path = fsutil_path_join(dir, STATE_FILE);
	char *text = xasprintf("# attackkb obsidian export 1\ninput %016" PRIx64
			       "\nfiles %zu %016" PRIx64 "\n",
			       fp, x->notes.n, paths_hash(x));

	/* Only an optimisation: without it the next export does it all. */
	if (fsutil_write_atomic(path, text, strlen(text)) < 0)
		kb_error_clear();
	free(text);
	free(path);
}

static bool hex16(uint64_t *out, const char *s)
{
	char *end;

	if (strspn(s, "0123456789abcdef") < 16)
		return false;
	*out = strtoull(s, &end, 16);
	return end == s + 16;
}

/* The last export had the same input (fp) and every file it wrote is
 * still as it left it: the generated parts of each note (the analyst's
 * text around them may have changed: it is theirs), each whole file; no
 * journal, no conflict file, no other file in the manifest. Then the
 * export would write nothing: fill out's report with every file
 * unchanged and return true. Reads the manifest as export/vault.h
 * documents it; the vault must be open (locked). Anything unexpected:
 * false, and the export is done in full. */
static bool fast_unchanged(const char *dir, uint64_t fp, obsidian_result *out)
{
	const char *const *owned = obsidian_owned_keys;
	char *state = NULL, *manifest = NULL, *path;
	strbuf paths = STRBUF_INIT;
	uint64_t want_fp, want_paths;
	size_t len, want_n, n = 0;
	vault_report *rep = &out->report;
	struct stat st;
	bool ok = false;

	path = fsutil_path_join(dir, STATE_FILE);
	if (fsutil_read_file(&state, &len, path, 4096) < 0)
		goto done;
	free(path);
	path = fsutil_path_join(dir, ".attackkb/journal");
	if (lstat(path, &st) == 0 ||
	    sscanf(state,
		   "# attackkb obsidian export 1 input %16" SCNx64
		   " files %zu %16" SCNx64,
		   &want_fp, &want_n, &want_paths) != 3 ||
	    want_fp != fp)
		goto done;
	free(path);
	path = fsutil_path_join(dir, ".attackkb/manifest");
	if (fsutil_read_file(&manifest, &len, path, KB_MAX_MANIFEST_FILE) < 0)
		goto done;
	for (char *l = manifest, *nl; *l; l = nl + 1) {
		uint64_t file, region = 0, props = 0;
		char *text = NULL, *rel, kind = l[0];
		size_t tlen;
		vaultnote_hashes h;
		bool same;

		if (!(nl = strchr(l, '\n')))
			goto done;
		*nl = '\0';
		if (l[0] == '#')
			continue;
		/* KIND FILE REGION PROPS PATH */
		if (strlen(l) < 2 + 17 + 2 + 2 + 1 || l[1] != ' ' ||
		    !hex16(&file, l + 2) || l[18] != ' ')
			goto done;
		if (kind == 'f' && strncmp(l + 19, "- - ", 4) == 0) {
			rel = l + 23;
		} else if ((kind == 'n' || kind == 'N') && strlen(l) > 53 &&
			   hex16(&region, l + 19) && l[35] == ' ' &&
			   hex16(&props, l + 36) && l[52] == ' ') {
			rel = l + 53;
		} else {
			goto done;
		}
		strbuf_printf(&paths, "%s\n", rel);
		free(path);
		path = fsutil_path_join(dir, rel);
		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
		    fsutil_read_file(&text, &tlen, path, KB_MAX_NOTE_FILE) < 0)
			goto done;
		same = !memchr(text, '\r', tlen) &&
		       (kind == 'f'
			    ? vaultnote_hash(text, tlen) == file
			    : vaultnote_hashes_of(&h, text, tlen, owned) == 0 &&
				  h.region == region && h.props == props);
		free(text);
		if (!same)
			goto done;
		rep->items = xreallocarray(rep->items, n + 1,
					   sizeof(*rep->items));
		rep->items[n++] = (vault_item){.path = xstrdup(rel),
					       .status = VAULT_UNCHANGED};
		rep->n = n;
	}
	ok = n == want_n && vaultnote_hash(paths.ptr, paths.len) == want_paths;
done:
	kb_error_clear();
	if (ok) {
		rep->count[VAULT_UNCHANGED] = n;
		out->files = n;
	} else {
		vault_report_free(rep);
	}
	strbuf_free(&paths);
	free(manifest);
	free(state);
	free(path);
	return ok;
}

int obsidian_export(kb_store *store, const char *dir,
		    const obsidian_opts *opts, obsidian_result *out)
{
	static const obsidian_opts defaults = {0};
	struct exp x = {0};
	vault_opts vo = VAULT_OPTS_INIT;
	vault *v = NULL;
	uint64_t fp = 0;
	int error;

	memset(out, 0, sizeof(*out));
	if (!opts)
		opts = &defaults;
	x.store = store;
	x.by_stix = strmap_new();
	x.by_id = strmap_new();
	x.rel_seen = strmap_new();
	x.revoked_by = strmap_new();
	x.analytics = strmap_new();
	x.refs = strmap_new();
	x.source_ref = strmap_new();
	if ((error = pick_domains(&x, opts)) < 0 ||
	    (error = fingerprint(&x, &fp)) < 0)
		goto done;
	out->release = release_text(&x);
	vo.owned_keys = obsidian_owned_keys;
	vo.prune = opts->prune;
	vo.sync = opts->sync;
	vo.dry_run = opts->dry_run;
	if ((error = vault_open(&v, dir, &vo)) < 0)
		goto done;
	/* Nothing changed since the last export: done without reading the
	 * store (see fast_unchanged()). */
	if (!opts->git && fast_unchanged(dir, fp, out)) {
		if (!opts->dry_run)
			error = save_release(&x, dir);
		goto done;
	}
	if ((error = load(&x)) < 0)
		goto done;
	assign_names(&x);
	error = render_and_put(&x, v);
	out->files = x.notes.n;
	/* After a failed put, no finish: the notes not yet put would look
	 * stale (and be pruned). The journal keeps what was written. */
	if (error == 0)
		error = vault_finish(v, &out->report);
	if (error == 0 && !opts->dry_run)
		save_state(&x, dir, fp);
	if (error == 0 && !opts->dry_run)
		error = save_release(&x, dir);
	if (error == 0 && opts->git && !opts->dry_run)
		error = commit(&x, dir, out);
done:
	vault_close(v);
	exp_free(&x);
	return error;
}

void obsidian_result_free(obsidian_result *r)
{
	if (!r)
		return;
	vault_report_free(&r->report);
	free(r->release);
	memset(r, 0, sizeof(*r));
}
