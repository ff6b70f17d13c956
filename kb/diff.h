/* kb/diff.h: what changed between two releases of each ATT&CK domain.
 * Per object type, the categories of MITRE's own changelog, decided as
 * mitreattack-python's diff_stix decides them; per technique, what the
 * changelog leaves out: mitigations, procedure examples, tactics,
 * sub-technique moves, detections, names and the description's words. */
#ifndef KB_DIFF_H
#define KB_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "kb/worddiff.h"

typedef struct kb_store kb_store;

/* MITRE's changelog sections. For objects whose STIX ID is in both
 * releases, in this order of precedence:
 *   revocations  newly revoked, with a revoked-by relationship (the first
 *                one) to an object of the same type in the new release;
 *                a newly revoked object without one is in no section
 *   deprecations newly deprecated (an object revoked or deprecated in
 *                both releases is in no section)
 *   major        x_mitre_version X.Y -> (X+1).0 (absent counts as 0.0)
 *   minor        X.Y -> X.(Y+1)
 *   other        any other version change
 *   patches      same version, but another modified time, or a changed
 *                description
 * additions and deletions: STIX IDs only in the new, or the old, release
 * (whatever their state). */
enum kb_diff_cat {
	KB_DIFF_ADDITIONS,
	KB_DIFF_MAJOR,
	KB_DIFF_MINOR,
	KB_DIFF_OTHER,
	KB_DIFF_PATCHES,
	KB_DIFF_REVOCATIONS,
	KB_DIFF_DEPRECATIONS,
	KB_DIFF_DELETIONS,
	KB_DIFF_NCATS
};

/* The object types of MITRE's changelog, by STIX type. */
enum kb_diff_type {
	KB_DIFF_TECHNIQUES,          /* attack-pattern */
	KB_DIFF_SOFTWARE,            /* malware, tool */
	KB_DIFF_GROUPS,              /* intrusion-set */
	KB_DIFF_CAMPAIGNS,           /* campaign */
	KB_DIFF_ASSETS,              /* x-mitre-asset */
	KB_DIFF_MITIGATIONS,         /* course-of-action */
	KB_DIFF_DATASOURCES,         /* x-mitre-data-source */
	KB_DIFF_DATACOMPONENTS,      /* x-mitre-data-component */
	KB_DIFF_DETECTIONSTRATEGIES, /* x-mitre-detection-strategy */
	KB_DIFF_ANALYTICS,           /* x-mitre-analytic */
	KB_DIFF_NTYPES
};

/* mitreattack-python's keys: "additions", "major_version_changes", ...,
 * and "techniques", "software", ...; and titles for people. */
extern const char *const kb_diff_cat_keys[KB_DIFF_NCATS];
extern const char *const kb_diff_cat_titles[KB_DIFF_NCATS];
extern const char *const kb_diff_type_keys[KB_DIFF_NTYPES];
extern const char *const kb_diff_type_titles[KB_DIFF_NTYPES];

/* One object in one section. Strings belong to the diff. */
typedef struct kb_diff_item {
	const char *stix_id;
	const char *attack_id;      /* NULL when it has none */
	const char *name;
	const char *old_version;    /* x_mitre_version; NULL when absent or
				       not in that release */
	const char *new_version;
	const char *successor_id;   /* revocations: the final successor of
				       the revoked-by chain (ATT&CK ID, else
				       STIX ID) */
	const char *successor_name;
	bool subtechnique;
} kb_diff_item;

/* A list of labels: "M1032 Multi-factor Authentication". */
typedef struct kb_diff_list {
	const char **v;
	size_t n;
} kb_diff_list;

/* What changed around one technique present and live in both releases
 * (only techniques with something to say are listed). */
typedef struct kb_diff_technique {
	const char *attack_id, *name, *stix_id;
	int cat;                 /* its section, or -1 (unchanged object) */
	const char *old_name;    /* renamed: the old name, else NULL */
	const char *old_id;      /* another ATT&CK ID before (a sub-technique
				    moved), else NULL */
	const char *old_parent;  /* the parent before and now, when the
				    parent changed (NULL: none) */
	const char *new_parent;
	bool moved;              /* parent or sub-technique state changed */
	kb_diff_list mitigations_added, mitigations_removed;
	kb_diff_list procedures_added, procedures_removed; /* uses */
	kb_diff_list tactics_gained, tactics_lost;
	kb_diff_list detections_added, detections_removed; /* detects */
	kb_diff_list analytics_added, analytics_removed, analytics_changed;
	worddiff_seg *description; /* word diff, NULL when unchanged */
	size_t ndescription;
} kb_diff_technique;

typedef struct kb_diff_domain {
	const char *domain;       /* enterprise-attack, ... */
	const char *old_version;  /* "17.1" */
	const char *new_version;
	kb_diff_item *items[KB_DIFF_NTYPES][KB_DIFF_NCATS]; /* by name */
	size_t nitems[KB_DIFF_NTYPES][KB_DIFF_NCATS];
	kb_diff_technique *techniques; /* by ATT&CK ID */
	size_t ntechniques;
} kb_diff_domain;

typedef struct kb_diff {
	kb_diff_domain *domains;  /* enterprise, mobile, ics, pre */
	size_t ndomains;
	struct kb_diff_pool *pool; /* what the strings live in */
} kb_diff;

/* One side of a diff: the release `version` of each domain in store, or
 * with version NULL the newest release of each domain in it. */
typedef struct kb_diff_side {
	kb_store *store;
	const char *version;
} kb_diff_side;

/* Diff every domain both sides hold (only those of domains[], when
 * ndomains > 0: "enterprise-attack"). Caller frees *out with
 * kb_diff_free(). Returns 0, KB_ENOTFOUND (no such release, or no domain
 * in both) or KB_EDB. */
int kb_diff_run(kb_diff **out, const kb_diff_side *old_side,
		const kb_diff_side *new_side, const char *const *domains,
		size_t ndomains);

/* Accepts NULL. */
void kb_diff_free(kb_diff *diff);

#endif
