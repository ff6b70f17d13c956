/* kb/diff.c: two releases of a domain loaded from their stores into memory
 * (objects, live relationships, kill-chain phases, analytic refs), then
 * compared object by object. Object versions both releases share are one
 * row of the store, so most objects compare by row id alone. */
#include "kb/diff.h"
#include "kb/error.h"
#include "kb/store_impl.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const kb_diff_cat_keys[KB_DIFF_NCATS] = {
	"additions",   "major_version_changes", "minor_version_changes",
	"other_version_changes", "patches",     "revocations",
	"deprecations", "deletions",
};
const char *const kb_diff_cat_titles[KB_DIFF_NCATS] = {
	"Additions",   "Major version changes", "Minor version changes",
	"Other version changes", "Patches",     "Revocations",
	"Deprecations", "Deletions",
};
const char *const kb_diff_type_keys[KB_DIFF_NTYPES] = {
	"techniques",     "software",      "groups",
	"campaigns",      "assets",        "mitigations",
	"datasources",    "datacomponents", "detectionstrategies",
	"analytics",
};
const char *const kb_diff_type_titles[KB_DIFF_NTYPES] = {
	"Techniques",      "Software",        "Groups",
	"Campaigns",       "Assets",          "Mitigations",
	"Data Sources",    "Data Components", "Detection Strategies",
	"Analytics",
};

static const struct {
	const char *stix_type;
	enum kb_diff_type type;
} stix_types[] = {
	{"attack-pattern", KB_DIFF_TECHNIQUES},
	{"malware", KB_DIFF_SOFTWARE},
	{"tool", KB_DIFF_SOFTWARE},
	{"intrusion-set", KB_DIFF_GROUPS},
	{"campaign", KB_DIFF_CAMPAIGNS},
	{"x-mitre-asset", KB_DIFF_ASSETS},
	{"course-of-action", KB_DIFF_MITIGATIONS},
	{"x-mitre-data-source", KB_DIFF_DATASOURCES},
	{"x-mitre-data-component", KB_DIFF_DATACOMPONENTS},
	{"x-mitre-detection-strategy", KB_DIFF_DETECTIONSTRATEGIES},
	{"x-mitre-analytic", KB_DIFF_ANALYTICS},
};

static const char *const domain_order[] = {
	"enterprise-attack", "mobile-attack", "ics-attack", "pre-attack"};

/* ------------------------------------------------------------------ */
/* A bump allocator: every string and list of a diff, freed at once.   */

#define CHUNK (1u << 20)

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

struct kb_diff_pool {
	struct chunk *head;
};

static void *pool_alloc(struct kb_diff_pool *p, size_t n)
{
	struct chunk *c = p->head;

	n = (n + 7) & ~(size_t)7;
	if (!c || c->used + n > c->size) {
		size_t size = n > CHUNK ? n : CHUNK;

		c = xmalloc(sizeof(*c) + size);
		c->used = 0;
		c->size = size;
		/* A big block goes behind the current chunk, which stays in
		 * use for small ones. */
		if (p->head && size > CHUNK) {
			c->next = p->head->next;
			p->head->next = c;
		} else {
			c->next = p->head;
			p->head = c;
		}
	}
	c->used += n;
	return c->data + c->used - n;
}

static const char *pool_strn(struct kb_diff_pool *p, const char *s, size_t n)
{
	char *d = pool_alloc(p, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static const char *pool_str(struct kb_diff_pool *p, const unsigned char *s)
{
	return s ? pool_strn(p, (const char *)s, strlen((const char *)s))
		 : NULL;
}

static void pool_free(struct kb_diff_pool *p)
{
	if (!p)
		return;
	while (p->head) {
		struct chunk *next = p->head->next;

		free(p->head);
		p->head = next;
	}
	free(p);
}

/* ------------------------------------------------------------------ */
/* One release in memory.                                              */

struct list {
	const char **v;
	size_t n, cap;
};

struct obj {
	int64_t id; /* object row */
	const char *stix_id, *stix_type, *kind, *attack_id, *name, *version;
	const char *modified, *description, *shortname;
	const char *rel_type, *source_ref, *target_ref;
	bool revoked, deprecated;
	int type;          /* enum kb_diff_type, or -1 */
	size_t next;       /* next live relationship with the same target,
			      as index + 1; 0 ends */
	struct list phases;    /* kill_chain_phases */
	struct list analytics; /* x_mitre_analytic_refs */
};

struct snap {
	struct obj *o;
	size_t n;
	const kb_store *store; /* object rows are comparable in one store */
	strmap *by_id;      /* stix_id -> index + 1 */
	strmap *by_target;  /* target_ref -> first live mitigates, uses or
			       detects relationship, index + 1 */
	strmap *parent;     /* sub-technique -> its live subtechnique-of
			       relationship, index + 1 */
	strmap *revoked_by; /* source -> its first revoked-by relationship */
	strmap *tactic;     /* kill-chain phase name -> tactic, index + 1 */
};

static void list_add(struct list *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->v = xreallocarray(l->v, l->cap, sizeof(char *));
	}
	l->v[l->n++] = s;
}

static void snap_free(struct snap *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->o[i].phases.v);
		free(s->o[i].analytics.v);
	}
	free(s->o);
	strmap_free(s->by_id);
	strmap_free(s->by_target);
	strmap_free(s->parent);
	strmap_free(s->revoked_by);
	strmap_free(s->tactic);
	memset(s, 0, sizeof(*s));
}

static struct obj *find(const struct snap *s, const char *stix_id)
{
	size_t i = stix_id ? (size_t)(uintptr_t)strmap_get(s->by_id, stix_id)
			   : 0;

	return i ? &s->o[i - 1] : NULL;
}

static struct obj *at(const struct snap *s, size_t index1)
{
	return index1 ? &s->o[index1 - 1] : NULL;
}

static int type_of(const char *stix_type)
{
	for (size_t i = 0; i < sizeof(stix_types) / sizeof(stix_types[0]); i++)
		if (strcmp(stix_types[i].stix_type, stix_type) == 0)
			return (int)stix_types[i].type;
	return -1;
}

static bool live(const struct obj *o)
{
	return !o->revoked && !o->deprecated;
}

static bool is_rel(const struct obj *o, const char *type)
{
	return o->rel_type && strcmp(o->rel_type, type) == 0;
}

static const char load_objects_sql[] =
	"SELECT o.id, o.stix_id, o.stix_type, o.kind, o.attack_id, o.name, "
	"o.version, o.modified, o.revoked, o.deprecated, CASE WHEN "
	"o.rel_type IS NULL THEN o.description END, o.shortname, o.rel_type, "
	"o.source_ref, o.target_ref FROM member m JOIN object o ON o.id = "
	"m.object_id WHERE m.release_id = ?1 ORDER BY o.id";

static const char load_props_sql[] =
	"SELECT o.stix_id, p.field, p.value FROM member m JOIN object o ON "
	"o.id = m.object_id JOIN prop p ON p.object_id = o.id AND p.field IN "
	"('kill_chain_phases', 'x_mitre_analytic_refs') WHERE m.release_id = "
	"?1 AND p.value IS NOT NULL ORDER BY o.id, p.field, p.ord";

static int load_snap(struct snap *s, kb_store *store, int64_t release_id,
		     struct kb_diff_pool *pool)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	memset(s, 0, sizeof(*s));
	s->store = store;
	s->by_id = strmap_new();
	s->by_target = strmap_new();
	s->parent = strmap_new();
	s->revoked_by = strmap_new();
	s->tactic = strmap_new();
	if (sqlite3_prepare_v2(store->db, load_objects_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return kb_store_db_error(store, "load release");
	sqlite3_bind_int64(st, 1, release_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct obj *o;

		if (s->n == cap) {
			cap = cap ? cap * 2 : 4096;
			s->o = xreallocarray(s->o, cap, sizeof(*o));
		}
		o = &s->o[s->n++];
		memset(o, 0, sizeof(*o));
		o->id = sqlite3_column_int64(st, 0);
		o->stix_id = pool_str(pool, sqlite3_column_text(st, 1));
		o->stix_type = pool_str(pool, sqlite3_column_text(st, 2));
		o->kind = pool_str(pool, sqlite3_column_text(st, 3));
		o->attack_id = pool_str(pool, sqlite3_column_text(st, 4));
		o->name = pool_str(pool, sqlite3_column_text(st, 5));
		o->version = pool_str(pool, sqlite3_column_text(st, 6));
		o->modified = pool_str(pool, sqlite3_column_text(st, 7));
		o->revoked = sqlite3_column_int(st, 8) != 0;
		o->deprecated = sqlite3_column_int(st, 9) != 0;
		o->description = pool_str(pool, sqlite3_column_text(st, 10));
		o->shortname = pool_str(pool, sqlite3_column_text(st, 11));
		o->rel_type = pool_str(pool, sqlite3_column_text(st, 12));
		o->source_ref = pool_str(pool, sqlite3_column_text(st, 13));
		o->target_ref = pool_str(pool, sqlite3_column_text(st, 14));
		o->type = type_of(o->stix_type);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kb_store_db_error(store, "load release");
	for (size_t i = 0; i < s->n; i++) {
		struct obj *o = &s->o[i];
		void *idx = (void *)(uintptr_t)(i + 1);

		if (!strmap_get(s->by_id, o->stix_id))
			strmap_put(s->by_id, o->stix_id, idx);
		if (o->kind && strcmp(o->kind, "tactic") == 0 && o->shortname &&
		    !strmap_get(s->tactic, o->shortname))
			strmap_put(s->tactic, o->shortname, idx);
		if (!o->rel_type || !o->source_ref || !o->target_ref)
			continue;
		/* revoked-by counts whatever its own state (as diff_stix) */
		if (is_rel(o, "revoked-by") &&
		    !strmap_get(s->revoked_by, o->source_ref))
			strmap_put(s->revoked_by, o->source_ref, idx);
		if (!live(o))
			continue;
		if (is_rel(o, "subtechnique-of") &&
		    !strmap_get(s->parent, o->source_ref))
			strmap_put(s->parent, o->source_ref, idx);
		if (is_rel(o, "mitigates") || is_rel(o, "uses") ||
		    is_rel(o, "detects"))
			o->next = (size_t)(uintptr_t)strmap_put(
				s->by_target, o->target_ref, idx);
	}
	if (sqlite3_prepare_v2(store->db, load_props_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return kb_store_db_error(store, "load release");
	sqlite3_bind_int64(st, 1, release_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct obj *o =
			find(s, (const char *)sqlite3_column_text(st, 0));
		const char *field = (const char *)sqlite3_column_text(st, 1);

		if (!o)
			continue;
		list_add(field[0] == 'k' ? &o->phases : &o->analytics,
			 pool_str(pool, sqlite3_column_text(st, 2)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kb_store_db_error(store, "load release");
	return 0;
}

/* ------------------------------------------------------------------ */
/* The changelog categories.                                           */

/* x_mitre_version as major.minor; absent is 0.0 (ICS before v11). */
static void version_of(const struct obj *o, int *major, int *minor)
{
	*major = *minor = 0;
	if (o->version && sscanf(o->version, "%d.%d", major, minor) < 1)
		*major = *minor = 0;
}

/* Timestamps compare as times: .5Z and .500Z are the same. */
static bool same_time(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return a == b;
	if (strcmp(a, b) == 0)
		return true;
	if (strlen(a) < 19 || strlen(b) < 19 || strncmp(a, b, 19) != 0)
		return false;
	a += 19;
	b += 19;
	if (*a == '.')
		a++;
	if (*b == '.')
		b++;
	la = strcspn(a, "Z+-");
	lb = strcspn(b, "Z+-");
	while (la && a[la - 1] == '0')
		la--;
	while (lb && b[lb - 1] == '0')
		lb--;
	return la == lb && strncmp(a, b, la) == 0 &&
	       strcmp(a + strcspn(a, "Z+-"), b + strcspn(b, "Z+-")) == 0;
}

/* diff_stix's description test: the descriptions' lines, with "\n" read
 * as a space, differ (one line each, then). */
static bool description_changed(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '\n' || *a == ' ') &&
				  (*b == '\n' || *b == ' ')))
			return true;
	return *a != *b;
}

/* The final successor of stix_id's revoked-by chain in s, or NULL. */
static struct obj *final_successor(const struct snap *s, const char *stix_id)
{
	struct obj *succ = NULL;

	for (int depth = 0; depth < 32; depth++) {
		struct obj *r = at(s, (size_t)(uintptr_t)strmap_get(
					      s->revoked_by, stix_id));
		struct obj *t = r ? find(s, r->target_ref) : NULL;

		if (!t)
			break;
		succ = t;
		stix_id = t->stix_id;
	}
	return succ;
}

/* The same object version: one row of one store. (Rows of two stores
 * never compare: their ids are unrelated.) */
static bool identical(const struct snap *os, const struct obj *o,
		      const struct snap *ns, const struct obj *n)
{
	return os->store == ns->store && o->id == n->id;
}

/* The section of an object in both releases; -1 for none. */
static int categorize(const struct snap *os, const struct obj *o,
		      const struct snap *ns, const struct obj *n)
{
	int om, on, nm, nn;

	if (n->revoked) {
		const struct obj *r, *t;

		if (o->revoked)
			return -1;
		r = at(ns, (size_t)(uintptr_t)strmap_get(ns->revoked_by,
							   n->stix_id));
		t = r ? find(ns, r->target_ref) : NULL;
		if (!t || t->type != n->type)
			return -1; /* diff_stix reports it and skips it */
		return KB_DIFF_REVOCATIONS;
	}
	if (n->deprecated)
		return o->deprecated ? -1 : KB_DIFF_DEPRECATIONS;
	if (identical(os, o, ns, n))
		return -1; /* the same object version */
	version_of(o, &om, &on);
	version_of(n, &nm, &nn);
	if (nm == om + 1 && nn == 0)
		return KB_DIFF_MAJOR;
	if (nm == om && nn == on + 1)
		return KB_DIFF_MINOR;
	if (nm != om || nn != on)
		return KB_DIFF_OTHER;
	if (!same_time(o->modified, n->modified) ||
	    description_changed(o->description, n->description))
		return KB_DIFF_PATCHES;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Building the result.                                                */

struct items {
	kb_diff_item *v;
	size_t n, cap;
};

static void add_item(struct items *it, const struct obj *o,
		     const struct obj *old, const struct obj *new_,
		     const struct obj *succ)
{
	kb_diff_item *d;

	if (it->n == it->cap) {
		it->cap = it->cap ? it->cap * 2 : 16;
		it->v = xreallocarray(it->v, it->cap, sizeof(*d));
	}
	d = &it->v[it->n++];
	memset(d, 0, sizeof(*d));
	d->stix_id = o->stix_id;
	d->attack_id = o->attack_id;
	d->name = o->name ? o->name : o->stix_id;
	d->old_version = old ? old->version : NULL;
	d->new_version = new_ ? new_->version : NULL;
	d->subtechnique = o->kind && strcmp(o->kind, "subtechnique") == 0;
	if (succ) {
		d->successor_id = succ->attack_id ? succ->attack_id
						  : succ->stix_id;
		d->successor_name = succ->name;
	}
}

static int cmp_item(const void *a, const void *b)
{
	const kb_diff_item *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return strcmp(x->attack_id ? x->attack_id : x->stix_id,
		      y->attack_id ? y->attack_id : y->stix_id);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "T1136 Create Account", or the name, or the STIX ID. */
static const char *label(struct kb_diff_pool *p, const struct obj *o)
{
	char buf[1024];

	if (!o)
		return NULL;
	if (o->attack_id && o->name)
		snprintf(buf, sizeof(buf), "%s %s", o->attack_id, o->name);
	else
		snprintf(buf, sizeof(buf), "%s",
			 o->name ? o->name : o->stix_id);
	return pool_str(p, (const unsigned char *)buf);
}

/* The sources of live relationships of type rel to target whose source
 * is of one of the STIX types, sorted STIX IDs (malloc'd array). */
static const char **sources(const struct snap *s, const char *target,
			    const char *rel, const char *const *types,
			    size_t *n)
{
	struct list l = {0};

	for (struct obj *r = at(s, (size_t)(uintptr_t)strmap_get(
					   s->by_target, target));
	     r; r = at(s, r->next)) {
		const struct obj *src;

		if (!is_rel(r, rel) || !(src = find(s, r->source_ref)))
			continue;
		for (size_t t = 0; types[t]; t++)
			if (strcmp(src->stix_type, types[t]) == 0) {
				list_add(&l, src->stix_id);
				break;
			}
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(char *), cmp_str);
	*n = l.n;
	return l.v;
}

static kb_diff_list to_list(struct kb_diff_pool *p, struct list *l)
{
	kb_diff_list out = {NULL, l->n};

	if (l->n) {
		qsort(l->v, l->n, sizeof(char *), cmp_str);
		out.v = pool_alloc(p, l->n * sizeof(char *));
		memcpy(out.v, l->v, l->n * sizeof(char *));
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
	return out;
}

/* Labels of what is only in a (sorted, unique) and only in b. */
static void set_diff(struct kb_diff_pool *p, const struct snap *sa,
		     const char **a, size_t na, const struct snap *sb,
		     const char **b, size_t nb, kb_diff_list *only_a,
		     kb_diff_list *only_b)
{
	struct list la = {0}, lb = {0};
	size_t i = 0, j = 0;

	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);

		if (c == 0) {
			i++;
			j++;
			continue;
		}
		if (c < 0) {
			if (!i || strcmp(a[i], a[i - 1]) != 0)
				list_add(&la, label(p, find(sa, a[i])));
			i++;
		} else {
			if (!j || strcmp(b[j], b[j - 1]) != 0)
				list_add(&lb, label(p, find(sb, b[j])));
			j++;
		}
	}
	*only_a = to_list(p, &la);
	*only_b = to_list(p, &lb);
}

/* The relationship changes of one kind around a technique. */
static void rel_changes(struct kb_diff_pool *p, const struct snap *os,
			const struct snap *ns, const char *stix_id,
			const char *rel, const char *const *types,
			kb_diff_list *added, kb_diff_list *removed)
{
	size_t no, nn;
	const char **o = sources(os, stix_id, rel, types, &no);
	const char **n = sources(ns, stix_id, rel, types, &nn);

	set_diff(p, os, o, no, ns, n, nn, removed, added);
	free(o);
	free(n);
}

/* The analytics of the detection strategies detecting a technique. */
static const char **analytics_of(const struct snap *s, const char *stix_id,
				 size_t *n)
{
	static const char *const ds[] = {"x-mitre-detection-strategy", NULL};
	size_t nd;
	const char **d = sources(s, stix_id, "detects", ds, &nd);
	struct list l = {0};

	for (size_t i = 0; i < nd; i++) {
		const struct obj *o = find(s, d[i]);

		for (size_t k = 0; o && k < o->analytics.n; k++)
			list_add(&l, o->analytics.v[k]);
	}
	free(d);
	if (l.n)
		qsort(l.v, l.n, sizeof(char *), cmp_str);
	*n = l.n;
	return l.v;
}

static const char *phase_label(struct kb_diff_pool *p, const struct snap *s,
			       const char *phase)
{
	const struct obj *t =
		at(s, (size_t)(uintptr_t)strmap_get(s->tactic, phase));

	return t && t->name ? t->name
			    : pool_str(p, (const unsigned char *)phase);
}

static void tactic_changes(struct kb_diff_pool *p, const struct snap *os,
			   const struct obj *o, const struct snap *ns,
			   const struct obj *n, kb_diff_technique *t)
{
	struct list lost = {0}, gained = {0};

	for (size_t i = 0; i < o->phases.n; i++) {
		bool kept = false;

		for (size_t j = 0; j < n->phases.n && !kept; j++)
			kept = strcmp(o->phases.v[i], n->phases.v[j]) == 0;
		if (!kept)
			list_add(&lost, phase_label(p, os, o->phases.v[i]));
	}
	for (size_t j = 0; j < n->phases.n; j++) {
		bool had = false;

		for (size_t i = 0; i < o->phases.n && !had; i++)
			had = strcmp(o->phases.v[i], n->phases.v[j]) == 0;
		if (!had)
			list_add(&gained, phase_label(p, ns, n->phases.v[j]));
	}
	t->tactics_lost = to_list(p, &lost);
	t->tactics_gained = to_list(p, &gained);
}

static const struct obj *parent_of(const struct snap *s, const char *stix_id)
{
	const struct obj *r =
		at(s, (size_t)(uintptr_t)strmap_get(s->parent, stix_id));

	return r ? find(s, r->target_ref) : NULL;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Everything around technique n (o in the old release) that changed;
 * false when nothing did. */
static bool technique_changes(struct kb_diff_pool *p, const struct snap *os,
			      const struct obj *o, const struct snap *ns,
			      const struct obj *n, kb_diff_technique *t)
{
	static const char *const mitigation[] = {"course-of-action", NULL};
	static const char *const users[] = {"intrusion-set", "malware", "tool",
					    "campaign", NULL};
	static const char *const detectors[] = {
		"x-mitre-detection-strategy", "x-mitre-data-component", NULL};
	const struct obj *op = parent_of(os, o->stix_id);
	const struct obj *np = parent_of(ns, n->stix_id);
	size_t nao, nan;
	const char **ao, **an;
	struct list changed = {0};

	memset(t, 0, sizeof(*t));
	t->stix_id = n->stix_id;
	t->attack_id = n->attack_id;
	t->name = n->name;
	t->cat = categorize(os, o, ns, n);
	if (!same_str(o->name, n->name))
		t->old_name = o->name;
	if (!same_str(o->attack_id, n->attack_id))
		t->old_id = o->attack_id;
	if (!same_str(op ? op->stix_id : NULL, np ? np->stix_id : NULL) ||
	    !same_str(o->kind, n->kind)) {
		t->moved = true;
		t->old_parent = op ? label(p, op) : NULL;
		t->new_parent = np ? label(p, np) : NULL;
	}
	rel_changes(p, os, ns, n->stix_id, "mitigates", mitigation,
		    &t->mitigations_added, &t->mitigations_removed);
	rel_changes(p, os, ns, n->stix_id, "uses", users, &t->procedures_added,
		    &t->procedures_removed);
	rel_changes(p, os, ns, n->stix_id, "detects", detectors,
		    &t->detections_added, &t->detections_removed);
	tactic_changes(p, os, o, ns, n, t);
	ao = analytics_of(os, o->stix_id, &nao);
	an = analytics_of(ns, n->stix_id, &nan);
	set_diff(p, os, ao, nao, ns, an, nan, &t->analytics_removed,
		 &t->analytics_added);
	for (size_t i = 0, j = 0; i < nao && j < nan;) {
		int c = strcmp(ao[i], an[j]);

		if (c == 0) {
			const struct obj *x = find(os, ao[i]);
			const struct obj *y = find(ns, an[j]);

			/* (the lists are sorted: a repeat follows its first) */
			if (x && y && !identical(os, x, ns, y) &&
			    (!same_time(x->modified, y->modified) ||
			     !same_str(x->version, y->version) ||
			     description_changed(x->description,
						 y->description)) &&
			    (!i || strcmp(ao[i], ao[i - 1]) != 0))
				list_add(&changed, label(p, y));
			i++;
			j++;
		} else if (c < 0) {
			i++;
		} else {
			j++;
		}
	}
	t->analytics_changed = to_list(p, &changed);
	free(ao);
	free(an);
	if (!identical(os, o, ns, n) && o->description && n->description &&
	    strcmp(o->description, n->description) != 0)
		worddiff(&t->description, &t->ndescription, o->description,
			 n->description);
	return t->old_name || t->old_id || t->moved ||
	       t->mitigations_added.n || t->mitigations_removed.n ||
	       t->procedures_added.n || t->procedures_removed.n ||
	       t->tactics_gained.n || t->tactics_lost.n ||
	       t->detections_added.n || t->detections_removed.n ||
	       t->analytics_added.n || t->analytics_removed.n ||
	       t->analytics_changed.n || t->ndescription;
}

static int cmp_technique(const void *a, const void *b)
{
	const kb_diff_technique *x = a, *y = b;

	return strcmp(x->attack_id ? x->attack_id : x->stix_id,
		      y->attack_id ? y->attack_id : y->stix_id);
}

static void diff_domain(kb_diff_domain *d, struct kb_diff_pool *p,
			const struct snap *os, const struct snap *ns)
{
	struct items it[KB_DIFF_NTYPES][KB_DIFF_NCATS];
	kb_diff_technique *tv = NULL;
	size_t tn = 0, tcap = 0;

	memset(it, 0, sizeof(it));
	for (size_t i = 0; i < ns->n; i++) {
		const struct obj *n = &ns->o[i], *o;
		int cat;

		if (n->type < 0 || find(ns, n->stix_id) != n)
			continue;
		if (!(o = find(os, n->stix_id))) {
			add_item(&it[n->type][KB_DIFF_ADDITIONS], n, NULL, n,
				 NULL);
			continue;
		}
		if ((cat = categorize(os, o, ns, n)) >= 0)
			add_item(&it[n->type][cat], n, o, n,
				 cat == KB_DIFF_REVOCATIONS
					 ? final_successor(ns, n->stix_id)
					 : NULL);
		if (n->type != KB_DIFF_TECHNIQUES || !live(n))
			continue;
		if (tn == tcap) {
			tcap = tcap ? tcap * 2 : 64;
			tv = xreallocarray(tv, tcap, sizeof(*tv));
		}
		if (technique_changes(p, os, o, ns, n, &tv[tn]))
			tn++;
	}
	for (size_t i = 0; i < os->n; i++) {
		const struct obj *o = &os->o[i];

		if (o->type >= 0 && find(os, o->stix_id) == o &&
		    !find(ns, o->stix_id))
			add_item(&it[o->type][KB_DIFF_DELETIONS], o, o, NULL,
				 NULL);
	}
	for (int t = 0; t < KB_DIFF_NTYPES; t++)
		for (int c = 0; c < KB_DIFF_NCATS; c++) {
			struct items *x = &it[t][c];

			if (!x->n)
				continue;
			qsort(x->v, x->n, sizeof(*x->v), cmp_item);
			d->items[t][c] = pool_alloc(p, x->n * sizeof(*x->v));
			memcpy(d->items[t][c], x->v, x->n * sizeof(*x->v));
			d->nitems[t][c] = x->n;
			free(x->v);
		}
	if (tn) {
		qsort(tv, tn, sizeof(*tv), cmp_technique);
		d->techniques = pool_alloc(p, tn * sizeof(*tv));
		memcpy(d->techniques, tv, tn * sizeof(*tv));
		/* The word diffs stay malloc'd: kb_diff_free frees them. */
	}
	d->ntechniques = tn;
	free(tv);
}

/* ------------------------------------------------------------------ */

struct release {
	int64_t id;
	const char *domain, *version;
};

/* The release of each domain a side stands for. */
static int side_releases(struct release **out, size_t *n,
			 const kb_diff_side *side, struct kb_diff_pool *p)
{
	sqlite3_stmt *st;
	struct release *v = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(side->store->db,
			       "SELECT id, domain, version FROM release WHERE "
			       "domain <> '' AND (?1 IS NULL OR version = ?1) "
			       "ORDER BY domain, major, minor",
			       -1, &st, NULL) != SQLITE_OK)
		return kb_store_db_error(side->store, "releases");
	if (side->version)
		sqlite3_bind_text(st, 1, side->version, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *domain = (const char *)sqlite3_column_text(st, 1);

		/* Newest of each domain: a later row replaces the last. */
		if (*n && strcmp(v[*n - 1].domain, domain) == 0) {
			(*n)--;
		} else if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[*n].id = sqlite3_column_int64(st, 0);
		v[*n].domain = pool_str(p, sqlite3_column_text(st, 1));
		v[*n].version = pool_str(p, sqlite3_column_text(st, 2));
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return kb_store_db_error(side->store, "releases");
	}
	if (!*n) {
		free(v);
		return side->version
			       ? kb_error_set(KB_ENOTFOUND,
					      "%s: no release %s is stored "
					      "(see attackkb releases)",
					      kb_store_path(side->store),
					      side->version)
			       : kb_error_set(KB_ENOTFOUND,
					      "%s: no release is stored",
					      kb_store_path(side->store));
	}
	*out = v;
	return 0;
}

static int domain_rank(const char *d)
{
	for (size_t i = 0; i < 4; i++)
		if (strcmp(domain_order[i], d) == 0)
			return (int)i;
	return 4;
}

static int cmp_release(const void *a, const void *b)
{
	const struct release *x = a, *y = b;
	int c = domain_rank(x->domain) - domain_rank(y->domain);

	return c ? c : strcmp(x->domain, y->domain);
}

static bool wanted(const char *domain, const char *const *domains,
		   size_t ndomains)
{
	if (!ndomains)
		return true;
	for (size_t i = 0; i < ndomains; i++)
		if (strcmp(domains[i], domain) == 0)
			return true;
	return false;
}

static void list_domains(char *buf, size_t size, const struct release *r,
			 size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s %s",
					 i ? ", " : "", r[i].domain,
					 r[i].version);
}

int kb_diff_run(kb_diff **out, const kb_diff_side *old_side,
		const kb_diff_side *new_side, const char *const *domains,
		size_t ndomains)
{
	struct release *orel = NULL, *nrel = NULL;
	size_t no = 0, nn = 0;
	kb_diff *d = xcalloc(1, sizeof(*d));
	int error;

	*out = NULL;
	d->pool = xcalloc(1, sizeof(*d->pool));
	if ((error = side_releases(&orel, &no, old_side, d->pool)) < 0 ||
	    (error = side_releases(&nrel, &nn, new_side, d->pool)) < 0)
		goto done;
	qsort(nrel, nn, sizeof(*nrel), cmp_release);
	d->domains = xcalloc(nn, sizeof(*d->domains));
	for (size_t j = 0; j < nn && !error; j++) {
		struct snap os, ns;
		const struct release *o = NULL;

		for (size_t i = 0; i < no; i++)
			if (strcmp(orel[i].domain, nrel[j].domain) == 0)
				o = &orel[i];
		if (!o || !wanted(nrel[j].domain, domains, ndomains))
			continue;
		if ((error = load_snap(&os, old_side->store, o->id, d->pool)) <
			    0 ||
		    (error = load_snap(&ns, new_side->store, nrel[j].id,
				       d->pool)) < 0) {
			snap_free(&os);
			snap_free(&ns);
			break;
		}
		d->domains[d->ndomains].domain = nrel[j].domain;
		d->domains[d->ndomains].old_version = o->version;
		d->domains[d->ndomains].new_version = nrel[j].version;
		diff_domain(&d->domains[d->ndomains], d->pool, &os, &ns);
		d->ndomains++;
		snap_free(&os);
		snap_free(&ns);
	}
	if (!error && !d->ndomains) {
		char a[256], b[256];

		list_domains(a, sizeof(a), orel, no);
		list_domains(b, sizeof(b), nrel, nn);
		error = kb_error_set(KB_ENOTFOUND,
				     "no domain%s is in both releases (old: "
				     "%s; new: %s)",
				     ndomains ? " asked for" : "", a, b);
	}
done:
	free(orel);
	free(nrel);
	if (error < 0) {
		kb_diff_free(d);
		return error;
	}
	*out = d;
	return 0;
}

void kb_diff_free(kb_diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->ndomains; i++)
		for (size_t t = 0; t < d->domains[i].ntechniques; t++)
			free(d->domains[i].techniques[t].description);
	free(d->domains);
	pool_free(d->pool);
	free(d);
}
