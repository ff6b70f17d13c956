/* cli/covcmd.h: what the coverage commands (coverage, gaps,
 * mitigation-priorities, detected-not-mitigated, mitigated-not-detected,
 * group-exposure, feasible) share: their options, choosing the detection
 * sets, running the named query, and writing a Navigator layer. */
#ifndef CLI_COVCMD_H
#define CLI_COVCMD_H

#include "cli/command.h"
#include "export/navigator.h"
#include "kb/strbuf.h"

#include <getopt.h> /* optind: the operands after covcmd_parse() */
#include <stdbool.h>
#include <stddef.h>

typedef struct kb_rows kb_rows;

/* Options a command takes besides --set, --domain, --rollup, --format
 * and --layer. */
enum {
	COVCMD_BY = 1u << 0,          /* --by WORD */
	COVCMD_GROUP = 1u << 1,       /* --group GROUP */
	COVCMD_LOG_SOURCES = 1u << 2, /* --log-sources FILE */
	COVCMD_NO_SETS = 1u << 3,     /* reads no detection set (feasible) */
};

struct covcmd {
	int fmt;                 /* enum format */
	const char *domain;      /* enterprise-attack (default), ... */
	bool rollup;             /* --rollup */
	const char *layer;       /* --layer FILE, or NULL */
	const char **sets;       /* --set NAME..., nsets of them */
	size_t nsets;
	const char *by;          /* --by WORD, or NULL */
	const char *group;       /* --group GROUP or the operand, or NULL */
	const char *log_sources; /* --log-sources FILE, or NULL */
	unsigned flags;          /* COVCMD_* */
};

/* How a command's rows become the techniques of a layer. */
struct covlayer {
	const char *query;       /* a per-technique named query run for the
				    layer (with the same arguments), or NULL
				    for the rows printed */
	const char *id_column;   /* the column holding technique IDs */
	/* Score and comment of one row (columns found with covcmd_cell). */
	void (*map)(const kb_rows *rows, size_t row, double *score,
		    strbuf *comment);
	const char *const *colors; /* gradient, low to high score */
	size_t ncolors;
	const navigator_legend *legend;
	size_t nlegend;
};

/* Parse argv into c: the common options and those flags allows; operands
 * are left at argv[optind..argc). Returns 0, or an exit code after
 * printing a usage error. */
int covcmd_parse(struct covcmd *c, const struct kb_command *cmd, int argc,
		 char **argv, unsigned flags);

/* Select the sets, find the group, match the log sources, run query (its
 * arguments are DOMAIN, ROLLUP and GROUP, as many as it takes), print the
 * rows and, with --layer, write the layer. Returns an exit code. */
int covcmd_run(struct kb_ctx *ctx, struct covcmd *c, const char *query,
	       const struct covlayer *layer);

/* The whole run of a coverage command with only the common options and no
 * operands (gaps, detected-not-mitigated, mitigated-not-detected): parse,
 * covcmd_run(query, layer), free. Returns an exit code. */
int covcmd_main(struct kb_ctx *ctx, int argc, char **argv, const char *query,
		const struct covlayer *layer);

/* Free what covcmd_parse() allocated. */
void covcmd_free(struct covcmd *c);

/* The cell of rows at row in the column named col, or NULL (no such
 * column, or SQL NULL). */
const char *covcmd_cell(const kb_rows *rows, size_t row, const char *col);

/* The same as a number (0 when NULL or not a number). */
double covcmd_number(const kb_rows *rows, size_t row, const char *col);

#endif
