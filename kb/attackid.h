/* kb/attackid.h: recognise MITRE ATT&CK IDs (T1136.001, TA0003, M1028,
 * G0006, S0002, C0004, DS0011, DC0047, DET0001, AN0074, A0011) in text,
 * Obsidian link text and attack.mitre.org URLs. */
#ifndef KB_ATTACKID_H
#define KB_ATTACKID_H

#include <stdbool.h>
#include <stddef.h>

/* The longest ID: "T1234.123" plus NUL. */
#define ATTACKID_MAX 10

/* Length of the ATT&CK ID that starts s (len bytes), or 0 if none does.
 * Only the ID's own syntax is checked; see attackid_scan() for the rules
 * on what may come before and after an ID in running text. */
size_t attackid_match(const char *s, size_t len);

/* Is s exactly an ATT&CK ID in any case (t1136.001)? If so and out is not
 * NULL, out gets the canonical upper-case form (ATTACKID_MAX bytes).
 * Returns 1 or 0. This is how user input (search, show, URLs) is read. */
int kb_is_attack_id(const char *s, char *out);

/* True when s, after trimming spaces and tabs, is exactly one ATT&CK ID. */
bool attackid_is(const char *s);

/* Find the next ATT&CK ID in text[*pos..len) that stands alone: neither
 * preceded nor followed by a letter, digit or '_' (so "XT1136" and
 * "T1136a" are not IDs; "T1136.001" is one ID, "T1136." is T1136).
 * Copies it into id (NUL-terminated), sets *at to its offset and *pos past
 * it, and returns true; returns false when there is none. */
bool attackid_scan(char id[ATTACKID_MAX], size_t *at, size_t *pos,
                   const char *text, size_t len);

/* The kind of ATT&CK object an ID's prefix stands for, as the store's
 * object.kind column spells it: "technique", "subtechnique", "tactic",
 * "mitigation", "group", "software", "campaign", "data_source",
 * "data_component", "detection_strategy", "analytic" or "asset"; NULL if id
 * is not an ID. Borrowed (static). Old mitigations that carry technique IDs
 * (T1122 in Enterprise) are reported as "technique": only the bundle knows. */
const char *attackid_kind(const char *id);

/* The ATT&CK ID an attack.mitre.org URL points at, e.g.
 * https://attack.mitre.org/techniques/T1059/008 -> "T1059.008",
 * .../detectionstrategies/DET0026#AN0074 -> "AN0074" (the anchor wins),
 * .../versions/v17/groups/G0006/ -> "G0006". NULL for any other URL.
 * The caller frees the result. */
char *attackid_from_url(const char *url);

#endif
