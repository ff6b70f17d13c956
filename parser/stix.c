/* parser/stix.c: STIX bundles into the store. The splitter finds each
 * object's bytes; worker threads parse batches of objects with jansson
 * into kb_stix_object records; the calling thread stores them in order. */
#include "parser/stix.h"
#include "parser/bundle.h"
#include "parser/input.h"
#include "kb/error.h"
#include "kb/ingest.h"
#include "kb/limits.h"
#include "kb/sha256.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <ctype.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BATCH 256    /* objects per unit of work */
#define AHEAD 8      /* batches parsed ahead of the storing thread */
#define MAX_THREADS 8

/* Fields attackkb models or deliberately keeps only in the JSON text; any
 * other field is counted as unknown (and still kept in the JSON text). */
static const char *const known_fields[] = {
	"aliases", "created", "created_by_ref", "definition",
	"definition_type", "description", "external_references", "first_seen",
	"id", "identity_class", "is_family", "kill_chain_phases", "labels",
	"last_seen", "modified", "name", "object_marking_refs",
	"relationship_type", "revoked", "source_ref", "spec_version",
	"tactic_refs", "target_ref", "type", "x_mitre_aliases",
	"x_mitre_analytic_refs", "x_mitre_attack_spec_version",
	"x_mitre_collection_layers", "x_mitre_contents",
	"x_mitre_contributors", "x_mitre_data_source_ref",
	"x_mitre_data_sources", "x_mitre_defense_bypassed",
	"x_mitre_deprecated", "x_mitre_detection", "x_mitre_domains",
	"x_mitre_effective_permissions", "x_mitre_first_seen_citation",
	"x_mitre_impact_type", "x_mitre_is_subtechnique",
	"x_mitre_last_seen_citation", "x_mitre_log_source_references",
	"x_mitre_log_sources", "x_mitre_modified_by_ref",
	"x_mitre_mutable_elements", "x_mitre_network_requirements",
	"x_mitre_old_attack_id", "x_mitre_permissions_required",
	"x_mitre_platforms", "x_mitre_related_assets",
	"x_mitre_remote_support", "x_mitre_sectors", "x_mitre_shortname",
	"x_mitre_system_requirements", "x_mitre_tactic_type",
	"x_mitre_version",
};

/* STIX type -> attackkb kind (attack-pattern is decided per object). */
static const struct {
	const char *type, *kind;
} kinds[] = {
	{"attack-pattern", "technique"},
	{"campaign", "campaign"},
	{"course-of-action", "mitigation"},
	{"identity", NULL},
	{"intrusion-set", "group"},
	{"malware", "software"},
	{"marking-definition", NULL},
	{"relationship", NULL},
	{"tool", "software"},
	{"x-mitre-analytic", "analytic"},
	{"x-mitre-asset", "asset"},
	{"x-mitre-collection", NULL},
	{"x-mitre-data-component", "data_component"},
	{"x-mitre-data-source", "data_source"},
	{"x-mitre-detection-strategy", "detection_strategy"},
	{"x-mitre-matrix", "matrix"},
	{"x-mitre-tactic", "tactic"},
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_known_field(const char *key)
{
	return bsearch(&key, known_fields,
		       sizeof(known_fields) / sizeof(known_fields[0]),
		       sizeof(known_fields[0]), cmp_str) != NULL;
}

/* One parsed object: the record and what its strings live in. */
struct parsed {
	json_t *root;          /* owns every borrowed string below */
	kb_stix_object obj;    /* what kb_ingest_object() takes */
	kb_prop *props;        /* obj.props */
	size_t nprops, cprops; /* used, allocated */
	kb_extref *refs;       /* obj.refs */
	char *aliases;         /* obj.aliases */
	bool unknown_type;     /* type not in kinds[] */
	size_t unknown_fields; /* fields not in known_fields[] */
};

struct batch {
	size_t first, count;   /* objects [first, first+count) */
	struct parsed *items;  /* count records */
	bool done;             /* parsed (or failed) */
	int error;             /* KB_E* of the first failure, or 0 */
	char *msg;             /* its message */
};

struct job {
	const char *name;      /* input name for messages */
	const char *buf;       /* the bundle */
	const bundle *b;       /* its spans */
	struct batch *batches;
	size_t nbatches;
	size_t next;           /* next batch to parse */
	size_t consumed;       /* batches stored so far */
	size_t freed;          /* batches freed so far (by the parsers: the
				  storing thread has enough to do) */
	bool stop;             /* the storing thread gave up */
	pthread_mutex_t lock;
	pthread_cond_t parsed; /* a batch became done */
	pthread_cond_t space;  /* consumed advanced */
};

static void parsed_free(struct parsed *p)
{
	json_decref(p->root);
	free(p->props);
	free(p->refs);
	free(p->aliases);
}

static int obj_error(const struct job *j, const bundle_span *sp,
		     const char *id, const char *fmt, const char *field)
{
	char what[256];

	snprintf(what, sizeof(what), fmt, field);
	return kb_error_set(KB_EPARSE, "%s:%u:%u: object %s: %s", j->name,
			    sp->line, sp->col, id ? id : "(no id)", what);
}

static int get_str(const struct job *j, const bundle_span *sp, json_t *root,
		   const char *id, const char *key, const char **out)
{
	json_t *v = json_object_get(root, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return obj_error(j, sp, id, "\"%s\" must be a string", key);
	*out = json_string_value(v);
	return 0;
}

static void add_prop(struct parsed *p, const char *field, const char *v1,
		     const char *v2, const char *v3)
{
	if (p->nprops == p->cprops) {
		p->cprops = p->cprops ? p->cprops * 2 : 16;
		p->props = xreallocarray(p->props, p->cprops, sizeof(kb_prop));
	}
	p->props[p->nprops++] = (kb_prop){field, v1, v2, v3};
}

static const char *member(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Lists of records attackkb models, and which members go where. */
static const struct {
	const char *field, *m1, *m2, *m3;
} records[] = {
	{"kill_chain_phases", "phase_name", "kill_chain_name", NULL},
	{"x_mitre_log_source_references", "x_mitre_data_component_ref", "name",
	 "channel"},
	{"x_mitre_log_sources", "name", "channel", NULL},
	{"x_mitre_mutable_elements", "field", "description", NULL},
};

static int take_list(const struct job *j, const bundle_span *sp,
		     struct parsed *p, const char *id, const char *key,
		     json_t *arr)
{
	size_t n = json_array_size(arr), i;
	json_t *v;

	if (n > KB_MAX_LIST_ITEMS)
		return kb_error_set(KB_ELIMIT,
				    "%s:%u:%u: object %s: \"%s\" has %zu "
				    "items, more than the limit of %d",
				    j->name, sp->line, sp->col, id, key, n,
				    KB_MAX_LIST_ITEMS);
	for (size_t r = 0; r < sizeof(records) / sizeof(records[0]); r++) {
		if (strcmp(key, records[r].field) != 0)
			continue;
		json_array_foreach(arr, i, v)
		{
			if (!json_is_object(v))
				return obj_error(j, sp, id,
						 "\"%s\" must hold objects",
						 key);
			add_prop(p, records[r].field,
				 member(v, records[r].m1),
				 member(v, records[r].m2),
				 records[r].m3 ? member(v, records[r].m3)
					       : NULL);
		}
		return 0;
	}
	/* Any other list of strings is kept item by item. */
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v))
			return 0;
	}
	json_array_foreach(arr, i, v)
	{
		add_prop(p, key, json_string_value(v), NULL, NULL);
	}
	return 0;
}

static bool is_attack_source(const char *s)
{
	return s && (strcmp(s, "mitre-attack") == 0 ||
		     strcmp(s, "mitre-mobile-attack") == 0 ||
		     strcmp(s, "mitre-ics-attack") == 0 ||
		     strcmp(s, "mitre-pre-attack") == 0);
}

static int take_refs(const struct job *j, const bundle_span *sp,
		     struct parsed *p, const char *id, json_t *arr)
{
	size_t n = json_array_size(arr), i;
	json_t *v;

	if (!json_is_array(arr))
		return obj_error(j, sp, id, "\"%s\" must be an array",
				 "external_references");
	if (n > KB_MAX_LIST_ITEMS)
		return kb_error_set(KB_ELIMIT,
				    "%s:%u:%u: object %s: %zu external "
				    "references, more than the limit of %d",
				    j->name, sp->line, sp->col, id, n,
				    KB_MAX_LIST_ITEMS);
	p->refs = xcalloc(n, sizeof(kb_extref));
	json_array_foreach(arr, i, v)
	{
		kb_extref *r = &p->refs[p->obj.nrefs];

		if (!json_is_object(v))
			return obj_error(j, sp, id, "\"%s\" must hold objects",
					 "external_references");
		r->source_name = member(v, "source_name");
		r->url = member(v, "url");
		r->description = member(v, "description");
		r->external_id = member(v, "external_id");
		if (!r->source_name)
			continue;
		r->hash = kb_extref_hash(r);
		if (!p->obj.attack_id && r->external_id &&
		    is_attack_source(r->source_name)) {
			p->obj.attack_id = r->external_id;
			p->obj.url = r->url;
		}
		p->obj.nrefs++;
	}
	p->obj.refs = p->refs;
	return 0;
}

static void join_aliases(struct parsed *p)
{
	strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < p->nprops; i++) {
		const kb_prop *pr = &p->props[i];

		if (strcmp(pr->field, "aliases") != 0 &&
		    strcmp(pr->field, "x_mitre_aliases") != 0)
			continue;
		if (p->obj.name && strcmp(pr->value, p->obj.name) == 0)
			continue;
		if (sb.len)
			strbuf_puts(&sb, ", ");
		strbuf_puts(&sb, pr->value);
	}
	if (sb.len)
		p->aliases = strbuf_detach(&sb);
	strbuf_free(&sb);
	p->obj.aliases = p->aliases;
}

static const char *kind_of(const char *type, json_t *root, bool *known)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(kinds[i].type, type) != 0)
			continue;
		*known = true;
		if (strcmp(type, "attack-pattern") == 0 &&
		    json_is_true(json_object_get(root, "x_mitre_is_subtechnique")))
			return "subtechnique";
		return kinds[i].kind;
	}
	*known = false;
	return NULL;
}

/* Parse one object's text into p. On failure the message is set. */
static int parse_object(const struct job *j, const bundle_span *sp,
			struct parsed *p)
{
	kb_stix_object *o = &p->obj;
	json_error_t jerr;
	const char *key, *id = NULL;
	bool known;
	json_t *v;
	int error;

	p->root = json_loadb(j->buf + sp->off, sp->len,
			     JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK,
			     &jerr);
	if (!p->root) {
		unsigned line = sp->line + (unsigned)jerr.line - 1;
		unsigned col = jerr.line <= 1
				       ? sp->col + (unsigned)jerr.column - 1
				       : (unsigned)jerr.column;

		return kb_error_set(KB_EPARSE,
				    "%s:%u:%u: %s (byte offset %zu)", j->name,
				    line, col, jerr.text,
				    sp->off + (size_t)jerr.position);
	}
	o->json = j->buf + sp->off;
	o->json_len = sp->len;
	get_str(j, sp, p->root, NULL, "id", &id);
	if (!id)
		return obj_error(j, sp, NULL, "no string \"%s\"", "id");
	o->stix_id = id;
	if ((error = get_str(j, sp, p->root, id, "type", &o->stix_type)) < 0)
		return error;
	if (!o->stix_type)
		return obj_error(j, sp, id, "no string \"%s\"", "type");
	if ((error = get_str(j, sp, p->root, id, "name", &o->name)) < 0 ||
	    (error = get_str(j, sp, p->root, id, "description",
			     &o->description)) < 0 ||
	    (error = get_str(j, sp, p->root, id, "modified", &o->modified)) <
		    0 ||
	    (error = get_str(j, sp, p->root, id, "created", &o->created)) <
		    0 ||
	    (error = get_str(j, sp, p->root, id, "x_mitre_version",
			     &o->version)) < 0 ||
	    (error = get_str(j, sp, p->root, id, "x_mitre_shortname",
			     &o->shortname)) < 0 ||
	    (error = get_str(j, sp, p->root, id, "relationship_type",
			     &o->rel_type)) < 0 ||
	    (error = get_str(j, sp, p->root, id, "source_ref",
			     &o->source_ref)) < 0 ||
	    (error = get_str(j, sp, p->root, id, "target_ref",
			     &o->target_ref)) < 0)
		return error;
	if (!o->modified)
		o->modified = o->created;
	o->revoked = json_is_true(json_object_get(p->root, "revoked"));
	o->deprecated =
		json_is_true(json_object_get(p->root, "x_mitre_deprecated"));
	o->kind = kind_of(o->stix_type, p->root, &known);
	p->unknown_type = !known;
	json_object_foreach(p->root, key, v)
	{
		if (!is_known_field(key))
			p->unknown_fields++;
		if (strcmp(key, "external_references") == 0)
			error = take_refs(j, sp, p, id, v);
		else if (strcmp(key, "object_marking_refs") == 0)
			continue;
		else if (json_is_array(v))
			error = take_list(j, sp, p, id, key, v);
		else if (strcmp(key, "x_mitre_data_source_ref") == 0 &&
			 json_is_string(v))
			add_prop(p, key, json_string_value(v), NULL, NULL);
		if (error < 0)
			return error;
	}
	join_aliases(p);
	o->props = p->props;
	o->nprops = p->nprops;
	return 0;
}

static void batch_free_items(struct batch *bt)
{
	if (!bt->items)
		return;
	for (size_t i = 0; i < bt->count; i++)
		parsed_free(&bt->items[i]);
	free(bt->items);
	bt->items = NULL;
}

static void parse_batch(const struct job *j, struct batch *bt)
{
	bt->items = xcalloc(bt->count, sizeof(struct parsed));
	for (size_t i = 0; i < bt->count; i++) {
		const bundle_span *sp = &j->b->objs[bt->first + i];
		int error = parse_object(j, sp, &bt->items[i]);

		if (error < 0) {
			bt->error = error;
			bt->msg = xstrdup(kb_error_last());
			bt->count = i + 1;
			return;
		}
	}
}

static void *worker(void *arg)
{
	struct job *j = arg;

	pthread_mutex_lock(&j->lock);
	for (;;) {
		struct batch *stored;
		size_t n;

		while (!j->stop && j->next < j->nbatches &&
		       j->next >= j->consumed + AHEAD)
			pthread_cond_wait(&j->space, &j->lock);
		if (j->stop || j->next >= j->nbatches)
			break;
		n = j->next++;
		/* Free a stored batch on the way: the storing thread is the
		 * one that limits the pace. */
		stored = j->freed < j->consumed ? &j->batches[j->freed++] : NULL;
		pthread_mutex_unlock(&j->lock);
		if (stored)
			batch_free_items(stored);
		parse_batch(j, &j->batches[n]);
		pthread_mutex_lock(&j->lock);
		j->batches[n].done = true;
		pthread_cond_broadcast(&j->parsed);
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

struct found {
	const char *matrix_domain;  /* x-mitre-matrix external id */
	char *collection_version;   /* x-mitre-collection x_mitre_version */
	size_t unknown_types, unknown_fields;
};

static void note_release_hints(struct found *f, const struct parsed *p)
{
	const kb_stix_object *o = &p->obj;

	if (strcmp(o->stix_type, "x-mitre-matrix") == 0 && o->attack_id &&
	    strstr(o->attack_id, "-attack") && !f->matrix_domain)
		f->matrix_domain = xstrdup(o->attack_id);
	if (strcmp(o->stix_type, "x-mitre-collection") == 0 && o->version &&
	    !f->collection_version)
		f->collection_version = xstrdup(o->version);
	f->unknown_types += p->unknown_type;
	f->unknown_fields += p->unknown_fields;
}

/* Parse on worker threads, store on this one, in bundle order. */
static int run_pipeline(kb_ingest *ing, struct job *j, const stix_opts *opts,
			struct found *f)
{
	pthread_t tids[MAX_THREADS];
	int nthreads = opts->threads, started = 0, error = 0;

	if (nthreads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		nthreads = n > 0 ? (int)n : 1;
	}
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	json_object_seed(0); /* once, before threads (jansson's advice) */
	for (int i = 0; i < nthreads; i++)
		if (pthread_create(&tids[i], NULL, worker, j) == 0)
			started++;
	for (size_t b = 0; b < j->nbatches && !error; b++) {
		struct batch *bt = &j->batches[b];

		if (!started) { /* no threads to be had: parse here */
			parse_batch(j, bt);
			bt->done = true;
		}
		pthread_mutex_lock(&j->lock);
		while (!bt->done)
			pthread_cond_wait(&j->parsed, &j->lock);
		pthread_mutex_unlock(&j->lock);
		for (size_t i = 0; i < bt->count && !error; i++) {
			if (bt->error && i == bt->count - 1) {
				error = kb_error_set(bt->error, "%s", bt->msg);
				break;
			}
			note_release_hints(f, &bt->items[i]);
			error = kb_ingest_object(ing, &bt->items[i].obj);
		}
		if (!started)
			batch_free_items(bt);
		pthread_mutex_lock(&j->lock);
		j->consumed = b + 1;
		if (error)
			j->stop = true;
		pthread_cond_broadcast(&j->space);
		pthread_mutex_unlock(&j->lock);
		if (opts->progress)
			opts->progress(opts->progress_ud, bt->first + bt->count,
				       j->b->nobjs);
	}
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	for (size_t b = 0; b < j->nbatches; b++) {
		batch_free_items(&j->batches[b]);
		free(j->batches[b].msg);
	}
	return error;
}

/* "enterprise" -> "enterprise-attack"; NULL for anything unknown. */
static const char *canonical_domain(const char *s, size_t n)
{
	static const char *const domains[] = {
		"enterprise-attack", "mobile-attack", "ics-attack",
		"pre-attack"};

	for (size_t i = 0; i < 4; i++) {
		size_t dn = strlen(domains[i]);

		if ((n == dn && strncmp(s, domains[i], n) == 0) ||
		    (n == dn - 7 && strncmp(s, domains[i], n) == 0))
			return domains[i];
	}
	return NULL;
}

/* Domain and version from a file name like enterprise-attack-18.1.json.gz
 * or mobile-attack-v17.0.json. */
static void hints_from_name(const char *name, const char **domain,
			    char *version, size_t vsize)
{
	static const char *const domains[] = {
		"enterprise-attack", "mobile-attack", "ics-attack",
		"pre-attack"};
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	*domain = NULL;
	version[0] = '\0';
	for (size_t i = 0; i < 4 && !*domain; i++)
		if (strstr(base, domains[i]))
			*domain = domains[i];
	for (const char *p = base; *p; p++) {
		size_t n;

		if ((*p != '-' && *p != '_' && *p != 'v') ||
		    !isdigit((unsigned char)p[1]))
			continue;
		n = strspn(p + 1, "0123456789.");
		while (n && p[n] == '.')
			n--; /* "18.1" of "18.1.json" */
		if (n < vsize && memchr(p + 1, '.', n)) {
			memcpy(version, p + 1, n);
			version[n] = '\0';
		}
	}
}

struct sha_job {
	const char *buf;
	size_t len;
	char hex[65];
};

static void *sha_worker(void *arg)
{
	struct sha_job *s = arg;
	sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, s->buf, s->len);
	sha256_final_hex(&c, s->hex);
	return NULL;
}

static int resolve_release(const char *name, const stix_opts *opts,
			   const struct found *f, const bundle *b,
			   stix_result *res)
{
	const char *domain, *name_domain;
	char name_version[16];

	hints_from_name(name, &name_domain, name_version,
			sizeof(name_version));
	domain = opts->domain ? canonical_domain(opts->domain,
						 strlen(opts->domain))
			      : NULL;
	if (opts->domain && !domain)
		return kb_error_set(KB_EUSAGE,
				    "unknown domain '%s' (enterprise, mobile, "
				    "ics or pre)",
				    opts->domain);
	if (!domain)
		domain = f->matrix_domain ? f->matrix_domain : name_domain;
	if (!domain)
		return kb_error_set(KB_EPARSE,
				    "%s: cannot tell which ATT&CK domain this "
				    "bundle is (no x-mitre-matrix): give "
				    "--domain",
				    name);
	snprintf(res->domain, sizeof(res->domain), "%s", domain);
	if (opts->release)
		snprintf(res->version, sizeof(res->version), "%s",
			 opts->release);
	else if (f->collection_version)
		snprintf(res->version, sizeof(res->version), "%s",
			 f->collection_version);
	else if (name_version[0])
		snprintf(res->version, sizeof(res->version), "%s",
			 name_version);
	else if (b->id && strncmp(b->id, "bundle--attck-v", 15) == 0)
		snprintf(res->version, sizeof(res->version), "%s",
			 b->id + 15);
	else if (opts->fallback_release)
		snprintf(res->version, sizeof(res->version), "%s",
			 opts->fallback_release);
	else
		return kb_error_set(KB_EPARSE,
				    "%s: cannot tell which ATT&CK release "
				    "this is (STIX 2.0 bundles carry no "
				    "version): give --release X.Y",
				    name);
	return 0;
}

int stix_ingest_buffer(kb_store *store, const char *name, const char *buf,
		       size_t len, const stix_opts *opts, stix_result *res)
{
	static const stix_opts defaults = STIX_OPTS_INIT;
	struct sha_job sha = {buf, len, {0}};
	struct found f = {0};
	struct job j = {0};
	bundle b;
	kb_ingest *ing = NULL;
	kb_ingest_stats st;
	pthread_t sha_tid;
	bool sha_thread = false;
	char *known = NULL;
	int error;

	if (!opts)
		opts = &defaults;
	memset(res, 0, sizeof(*res));
	if ((error = bundle_split(&b, name, buf, len)) < 0)
		goto done;
	/* Hash on a thread while parsing; the digest decides at the end
	 * whether these very bytes were stored before (then: no-op). */
	if (pthread_create(&sha_tid, NULL, sha_worker, &sha) == 0)
		sha_thread = true;
	else
		sha_worker(&sha);
	j.name = name;
	j.buf = buf;
	j.b = &b;
	j.nbatches = (b.nobjs + BATCH - 1) / BATCH;
	j.batches = xcalloc(j.nbatches + 1, sizeof(struct batch));
	for (size_t i = 0; i < j.nbatches; i++) {
		j.batches[i].first = i * BATCH;
		j.batches[i].count =
			b.nobjs - i * BATCH < BATCH ? b.nobjs - i * BATCH : BATCH;
	}
	pthread_mutex_init(&j.lock, NULL);
	pthread_cond_init(&j.parsed, NULL);
	pthread_cond_init(&j.space, NULL);
	if ((error = kb_ingest_begin(&ing, store)) < 0)
		goto done;
	if ((error = run_pipeline(ing, &j, opts, &f)) < 0 ||
	    (error = resolve_release(name, opts, &f, &b, res)) < 0)
		goto done;
	if (sha_thread) {
		pthread_join(sha_tid, NULL);
		sha_thread = false;
	}
	if ((error = kb_ingest_known(&known, store, sha.hex)) < 0)
		goto done;
	if (known) {
		res->already = true;
		sscanf(known, "%31s %15s", res->domain, res->version);
		goto done; /* the same bytes: nothing to do */
	}
	{
		kb_release_info info = {
			.domain = res->domain,
			.version = res->version,
			.spec_version = b.spec_version ? b.spec_version : "2.1",
			.source = name,
			.sha256 = sha.hex,
			.unknown_types = f.unknown_types,
			.unknown_fields = f.unknown_fields,
		};

		error = kb_ingest_commit(ing, &info, &st);
		ing = NULL;
	}
	if (error == KB_EEXISTS) {
		res->already = true;
		error = 0;
		goto done;
	}
	if (error < 0)
		goto done;
	res->objects = st.objects;
	res->new_objects = st.new_objects;
	res->findings = st.findings;
	res->unknown_types = f.unknown_types;
	res->unknown_fields = f.unknown_fields;
done:
	kb_ingest_abort(ing);
	if (sha_thread)
		pthread_join(sha_tid, NULL);
	if (j.batches) {
		pthread_mutex_destroy(&j.lock);
		pthread_cond_destroy(&j.parsed);
		pthread_cond_destroy(&j.space);
		free(j.batches);
	}
	free((char *)f.matrix_domain);
	free(f.collection_version);
	free(known);
	bundle_free(&b);
	return error;
}

/* The version a bundle's x-mitre-collection states (for git releases whose
 * tag and file name tell nothing). */
void stix_collection_version(const char *buf, size_t len, char *version)
{
	bundle b;

	version[0] = '\0';
	if (bundle_split(&b, "", buf, len) == 0) {
		for (size_t i = 0; i < b.nobjs && !version[0]; i++) {
			const char *o = buf + b.objs[i].off;
			json_t *root;
			const char *type, *v;

			if (!memmem(o, b.objs[i].len, "\"x-mitre-collection\"",
				    20))
				continue;
			root = json_loadb(o, b.objs[i].len, 0, NULL);
			type = json_string_value(json_object_get(root, "type"));
			v = json_string_value(
				json_object_get(root, "x_mitre_version"));
			if (type && strcmp(type, "x-mitre-collection") == 0 &&
			    v && strlen(v) < 16)
				snprintf(version, 16, "%s", v);
			json_decref(root);
		}
	}
	kb_error_clear();
	bundle_free(&b);
}

int stix_ingest_file(kb_store *store, const char *path,
		     const stix_opts *opts, stix_result *res)
{
	char *buf;
	size_t len;
	int error;

	memset(res, 0, sizeof(*res));
	if ((error = input_read(&buf, &len, path, KB_MAX_INPUT_FILE)) < 0)
		return error;
	error = stix_ingest_buffer(store, path, buf, len, opts, res);
	free(buf);
	return error;
}
