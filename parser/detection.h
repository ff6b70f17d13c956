/* parser/detection.h: detection rules (Sigma, MITRE CAR, CSV/TSV lists)
 * parsed into one plain record, plus the warnings met while parsing.
 * Nothing here prints or touches the store: callers decide what to keep. */
#ifndef PARSER_DETECTION_H
#define PARSER_DETECTION_H

#include <stdbool.h>
#include <stddef.h>

/* Where a rule came from. */
typedef enum {
	DETECTION_SIGMA = 1, /* parser/sigma.c */
	DETECTION_CAR,       /* parser/car.c */
	DETECTION_CSV,       /* parser/detcsv.c (CSV or TSV) */
} detection_format;

/* One detection rule. Every string is owned by the record (and freed by
 * detection_set_free()); a NULL string means "not given". Lists hold no
 * duplicates and keep the order of first appearance in the input.
 * logsource leaves missing parts empty: "/antivirus/", "aws//cloudtrail". */
typedef struct detection_rule {
	detection_format format; /* which parser made it */
	char *source;     /* path (or name) of the input file */
	unsigned line;    /* line of the rule; 1 when the file is one rule */
	char *id;         /* Sigma id (may lack), CAR id, CSV detection name */
	char *title;      /* Sigma/CAR title; the detection name for CSV */
	char *status;     /* Sigma status, CSV status column; NULL for CAR */
	char *level;      /* Sigma level; CAR: highest coverage level */
	char *logsource;  /* Sigma "product/category/service", or NULL */
	char **techniques; /* upper case T1136, T1136.001 */
	size_t ntechniques;
	char **tactics;   /* ATT&CK shortnames: initial-access, stealth... */
	size_t ntactics;
	char **tactic_ids; /* CAR only: TA0003... as given, upper-cased */
	size_t ntactic_ids;
	char **groups;    /* G0069 */
	size_t ngroups;
	char **software;  /* S0029 */
	size_t nsoftware;
	char **other_tags; /* Sigma tags of other namespaces, verbatim */
	size_t nother;
	char **platforms; /* CAR platforms, CSV platform column */
	size_t nplatforms;
} detection_rule;

/* A problem that made the parser skip or guess something. */
typedef struct detection_warning {
	char *file;               /* path of the input */
	unsigned line;            /* 1-based line; 0 when no line applies */
	char *message;            /* whole text, starting "FILE:LINE: " */
} detection_warning;

/* What a parse produces: rules and warnings, appended in input order.
 * Start from DETECTION_SET_INIT; free with detection_set_free(). */
typedef struct detection_set {
	detection_rule *rules;    /* nrules rules */
	size_t nrules;
	detection_warning *warnings; /* nwarnings warnings */
	size_t nwarnings;
	size_t rules_alloc;       /* internal */
	size_t warnings_alloc;    /* internal */
} detection_set;

#define DETECTION_SET_INIT {0}

/* Free every rule and warning in set and leave it empty (reusable).
 * Accepts NULL. */
void detection_set_free(detection_set *set);

/* Parse one file into set, choosing the parser: .csv and .tsv go to
 * detcsv_parse_file(); anything else is read as YAML and goes to the Sigma
 * parser if a document has title, logsource and detection keys, or to the
 * CAR parser if it has coverage and an id starting "CAR-".
 * Returns 0 (possibly with warnings added); on failure nothing from the
 * file is added and the message starts "FILE:LINE:": KB_EPARSE (bad or
 * unrecognised content, empty file), KB_ELIMIT (size, depth or alias
 * limits), KB_ENOTFOUND or KB_EIO (reading). */
int detection_parse_file(detection_set *set, const char *path);

/* Walk dir recursively in sorted (byte-wise) name order and parse every
 * .yml, .yaml, .csv and .tsv file (case-insensitive extension) with
 * detection_parse_file(). Names starting with '.' are skipped, files and
 * folders alike; other extensions are ignored silently. Symbolic links are
 * followed, but each folder is walked once (no loops) and at most
 * KB_MAX_DIR_DEPTH deep. A file that fails to parse, a dangling link or an
 * unreadable subfolder becomes a warning and the walk goes on.
 * Returns 0, or KB_ENOTFOUND / KB_EIO when dir itself cannot be read
 * (then set is unchanged). */
int detection_scan_dir(detection_set *set, const char *dir);

/* Normalise a technique ID ("t1136.001", "T1136") into out, which holds at
 * least DETECTION_TECHNIQUE_SIZE bytes, as upper case "T1136.001".
 * Returns false (out untouched) unless s is T/t, 4 digits, and optionally
 * '.' and 3 digits. */
#define DETECTION_TECHNIQUE_SIZE 10
bool detection_technique_normalise(char *out, const char *s);

/* The ATT&CK tactic shortname for s ("initial_access", "Initial-Access",
 * "stealth"...) in any case, '_' or '-'; NULL if s names no tactic of the
 * Enterprise, Mobile or ICS matrices (v18) or of v19 (stealth,
 * defense-impairment). The result is a static string. */
const char *detection_tactic_normalise(const char *s);

/* The tactic shortname for an ATT&CK tactic ID ("TA0003" ->
 * "persistence", any case); NULL if unknown. Static string. */
const char *detection_tactic_from_id(const char *ta_id);

#endif
