/* kb/notedet.h: an ingested vault's detection notes as a detection set
 * (kb/detection.h), so that the coverage queries count them. */
#ifndef KB_NOTEDET_H
#define KB_NOTEDET_H

#include <stddef.h>

typedef struct kb_store kb_store;

/* Import (replace) the detection set `name` from the stored notes that say
 * they are detections: frontmatter "type: detection" (any case), or a tag
 * "detection" or "detection/..."; each is a rule of format "note" titled
 * after the note, detecting the techniques and sub-techniques its links
 * name (note_links.target_attack_id: the ID in the link, else that of the
 * note it leads to). source is recorded with the set. Nothing is imported
 * when no note is a detection and no set `name` is stored. *nrules (may
 * be NULL) gets the number of detection notes. Returns 0, KB_EUSAGE (bad
 * set name) or KB_EDB. */
int kb_notedet_import(kb_store *store, const char *name, const char *source,
                      size_t *nrules);

#endif
