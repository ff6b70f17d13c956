/* parser/detimport.c: parsed detection rules into a detection set of the
 * store: reading folders and files, skipping rules with no ATT&CK tag,
 * counting files, and handing each rule to kb_detset_add(). */
#include "parser/detimport.h"
#include "parser/detection_impl.h"
#include "kb/detection.h"
#include "kb/error.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int detimport_read(detection_set *set, const char *const *paths,
		   size_t npaths)
{
	for (size_t i = 0; i < npaths; i++) {
		struct stat st;
		int error;

		if (stat(paths[i], &st) < 0)
			return kb_error_errno(errno == ENOENT ? KB_ENOTFOUND
							      : KB_EIO,
					      "%s", paths[i]);
		if (S_ISDIR(st.st_mode)) {
			if ((error = detection_scan_dir(set, paths[i])) < 0)
				return error;
		} else if (detection_parse_file(set, paths[i]) < 0) {
			detection_warn_error(set, paths[i]);
		}
	}
	return 0;
}

static const char *format_name(detection_format f)
{
	switch (f) {
	case DETECTION_SIGMA:
		return "sigma";
	case DETECTION_CAR:
		return "car";
	case DETECTION_CSV:
		return "csv";
	}
	return "unknown";
}

static void add_tags(kb_detection_tag **tags, size_t *n, const char *kind,
		     char *const *values, size_t nvalues)
{
	for (size_t i = 0; i < nvalues; i++) {
		*tags = xreallocarray(*tags, *n + 1, sizeof(**tags));
		(*tags)[*n].kind = kind;
		(*tags)[*n].value = values[i];
		(*n)++;
	}
}

static bool mapped(const detection_rule *r)
{
	return r->ntechniques || r->ntactics || r->ntactic_ids ||
	       r->ngroups || r->nsoftware;
}

/* Count the files seen: those of rules, and those only warned about
 * (which were skipped: a parser adds nothing from a file it refuses). */
static void count_files(const detection_set *set, detimport_result *res)
{
	strmap *with_rules = strmap_new(), *warned = strmap_new();
	static char yes[] = "";

	for (size_t i = 0; i < set->nrules; i++)
		strmap_put(with_rules, set->rules[i].source, yes);
	for (size_t i = 0; i < set->nwarnings; i++)
		if (!strmap_get(with_rules, set->warnings[i].file))
			strmap_put(warned, set->warnings[i].file, yes);
	res->files = strmap_count(with_rules) + strmap_count(warned);
	res->skipped += strmap_count(warned);
	strmap_free(with_rules);
	strmap_free(warned);
}

int detimport_store(kb_store *store, const char *name, const char *source,
		    detection_set *set, detimport_result *res)
{
	strmap *ids = strmap_new();
	kb_detection_tag *tags = NULL;
	kb_detset *ds = NULL;
	kb_detset_counts counts;
	int error;

	memset(res, 0, sizeof(*res));
	if ((error = kb_detection_check_set_name(name)) < 0)
		goto done;
	if ((error = kb_detset_begin(&ds, store, name, source)) < 0)
		goto done;
	for (size_t i = 0; i < set->nrules; i++) {
		const detection_rule *r = &set->rules[i];
		const detection_rule *first;
		size_t ntags = 0;
		kb_detection det = {
			.rule_id = r->id,
			.title = r->title,
			.format = format_name(r->format),
			.status = r->status,
			.level = r->level,
			.logsource = r->logsource,
			.file = r->source,
			.line = r->line,
			.techniques = (const char *const *)r->techniques,
			.ntechniques = r->ntechniques,
		};

		if (!mapped(r)) {
			res->skipped++;
			res->unmapped++;
			/* The parser warns about a rule with no tags; one
			 * with tags of other namespaces only is news. */
			if (r->nother)
				detection_warn(set, r->source, r->line,
					       "rule '%s' has no ATT&CK tag "
					       "(technique, tactic, group or "
					       "software); skipped",
					       r->title ? r->title : "");
			continue;
		}
		if (r->id && (first = strmap_get(ids, r->id)) != NULL)
			detection_warn(set, r->source, r->line,
				       "rule id %s is also the id of %s:%u; "
				       "both are kept",
				       r->id, first->source, first->line);
		else if (r->id)
			strmap_put(ids, r->id, (void *)r);
		add_tags(&tags, &ntags, "tactic", r->tactics, r->ntactics);
		add_tags(&tags, &ntags, "tactic_id", r->tactic_ids,
			 r->ntactic_ids);
		add_tags(&tags, &ntags, "group", r->groups, r->ngroups);
		add_tags(&tags, &ntags, "software", r->software, r->nsoftware);
		add_tags(&tags, &ntags, "platform", r->platforms,
			 r->nplatforms);
		add_tags(&tags, &ntags, "tag", r->other_tags, r->nother);
		det.tags = tags;
		det.ntags = ntags;
		if ((error = kb_detset_add(ds, &det)) < 0)
			goto done;
	}
	res->rules = kb_detset_rules(ds);
	if (res->rules == 0) {
		error = kb_error_set(KB_ENOTFOUND,
				     "%s: no detection rule with an ATT&CK "
				     "tag found; set '%s' left as it was",
				     source, name);
		goto done;
	}
	count_files(set, res);
	counts.files = res->files;
	counts.skipped = res->skipped;
	counts.warnings = set->nwarnings;
	error = kb_detset_commit(ds, &counts);
	ds = NULL;
done:
	kb_detset_abort(ds);
	free(tags);
	strmap_free(ids);
	return error;
}
