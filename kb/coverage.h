/* kb/coverage.h: what the coverage questions need besides their named
 * queries (queries/coverage*.sql, gaps.sql, ...): the per-release technique
 * summary, the coverage matrix (the web heat map), and matching the log
 * sources a team collects against ATT&CK's analytics (feasible). */
#ifndef KB_COVERAGE_H
#define KB_COVERAGE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct kb_store kb_store;
typedef struct kb_rows kb_rows;

/* Summarise, for every release not summarised yet, each live technique:
 * how many live groups, software and campaigns use it, and its live
 * mitigations (table release_technique, view technique_summary); and each
 * live analytic with its techniques and log sources (release_analytic,
 * analytic_techniques).
 * kb_ingest_commit() and kb_detset_commit() call it; it does nothing when
 * every release is summarised. Returns 0 or KB_EDB. */
int kb_coverage_refresh_summary(kb_store *store);

/* The domain named by s ("enterprise", "ics-attack", "Mobile") as the
 * store writes it ("enterprise-attack"), or NULL if s names none. Static
 * string. */
const char *kb_coverage_domain(const char *s);

/* The coverage matrix of domain for the web heat map: one row per tactic
 * and technique (sub-techniques included), tactics in matrix order:
 * tactic_id, tactic, shortname, technique_id, name, parent_id, rules (how
 * many rules of the selected sets detect it: kb_detection_select_sets()),
 * titles (their titles, "; "-separated, NULL if none). rollup: a technique
 * also counts the rules of its sub-techniques. Caller frees *out with
 * kb_rows_free(). Returns 0, KB_EUSAGE (unknown domain) or KB_EDB. */
int kb_coverage_matrix(kb_rows **out, kb_store *store, const char *domain,
		       bool rollup);

/* For a Navigator layer of domain: one row per technique of the domain
 * and tactic (technique_id, tactic: the shortname), ordered by technique,
 * and the domain's selected ATT&CK version in *version (caller frees;
 * NULL if the store has none). Caller frees *out with kb_rows_free().
 * Returns 0, KB_EUSAGE (unknown domain) or KB_EDB. */
int kb_coverage_layer_techniques(kb_rows **out, char **version,
				 kb_store *store, const char *domain);

/* Find a group, software or campaign by ATT&CK ID, name or alias (any
 * case) in the selected releases: *id gets its ID, *name its name
 * (caller frees both). Returns 0, KB_ENOTFOUND, KB_EUSAGE (several match;
 * the message lists them) or KB_EDB. */
int kb_coverage_find_actor(char **id, char **name, kb_store *store,
			   const char *s);

/* Match a team's list of collected log sources (text of len bytes, named
 * source in messages): one per line, `NAME` or `NAME CHANNEL`, e.g.
 * "WinEventLog:Sysmon EventCode=10"; blank lines and lines starting with
 * '#' are ignored. NAME is matched against the names of the analytics' log
 * sources (analytic_techniques) ignoring case and spacing; a line with a
 * name only collects every channel of it; a CHANNEL matches a channel that
 * names the same items ignoring case, spacing and order, or, for lists of
 * event codes ("EventCode=3, 22"), one that shares an event code with it
 * (EventID is taken for EventCode). Each match is marked exact when name
 * and channel are written as ATT&CK writes them.
 * The matches fill the TEMP table collected_log_sources (name, channel,
 * match, line, given), which shadows the empty view of that name for the
 * named queries feasible and feasible-by-platform. *unmatched (caller
 * frees with kb_rows_free()) gets the lines that match nothing: line,
 * given, reason. Returns 0, KB_ELIMIT (more than KB_MAX_LOG_SOURCE_LINES
 * lines) or KB_EDB. */
int kb_coverage_match_log_sources(kb_rows **unmatched, kb_store *store,
				  const char *source, const char *text,
				  size_t len);

#endif
