/* export/diffout.h: a release diff (kb/diff.h) as Markdown, as JSON, and
 * as ATT&CK Navigator layers (format 4.5) colouring the changes. The
 * layer writer is a small one of its own: it only colours techniques by
 * changelog section, with MITRE's colours and a legend. */
#ifndef EXPORT_DIFFOUT_H
#define EXPORT_DIFFOUT_H

#include <stdio.h>

typedef struct kb_diff kb_diff;
typedef struct kb_diff_domain kb_diff_domain;

/* The changelog as Markdown: per domain a summary table (one row per
 * object type with changes, one column per section), the sections' lists
 * per type, then the technique details. */
void diffout_md(FILE *out, const kb_diff *diff);

/* The same as one JSON document (see docs/schema.md, "diff --format
 * json"). */
void diffout_json(FILE *out, const kb_diff *diff);

/* The Navigator layer of one domain's changes, as JSON text. Caller
 * frees. */
char *diffout_layer_json(const kb_diff_domain *d);

/* Write the layers to path: one domain's to path itself; with several
 * domains, each to path with "-DOMAIN" before its ".json" (changes.json ->
 * changes-enterprise-attack.json). Returns 0 or KB_EIO. */
int diffout_layers(const char *path, const kb_diff *diff);

#endif
