/* cli/ingest_detections.h: the detection-rule branch of `attackkb ingest`. */
#ifndef CLI_INGEST_DETECTIONS_H
#define CLI_INGEST_DETECTIONS_H

#include "cli/command.h"

#include <stdbool.h>
#include <stddef.h>

/* A detection set to import: its name and the folders and files read. */
struct detinput {
	char *name;         /* the set */
	const char **paths; /* borrowed from argv */
	size_t npaths;
};

struct detinputs {
	struct detinput *sets;
	size_t n;
};

/* Is path detection rules rather than a STIX bundle or notes? .yml, .yaml,
 * .csv and .tsv files, and folders that hold no Markdown notes. */
bool cli_is_detection_arg(const char *path);

/* Group the --sigma folders and the detection operands among args into
 * sets (set_name: all into one; else one per folder or file, named after
 * it). Returns 0, or KB_EUSAGE with the message set. */
int cli_detections_collect(struct detinputs *d, const char *const *sigma,
			   size_t nsigma, char **args, int nargs,
			   const char *set_name);

/* Import every set inside the caller's transaction, printing warnings and
 * a summary per set. Returns 0, or -1 with the error message set. */
int cli_ingest_detections(struct kb_ctx *ctx, const struct detinputs *d);

void cli_detections_free(struct detinputs *d);

#endif
