/* parser/strmap.h: a small string-keyed hash map (anchors, CSV merging). */
#ifndef PARSER_STRMAP_H
#define PARSER_STRMAP_H

#include <stddef.h>

typedef struct strmap strmap;

/* A new empty map; the caller frees it with strmap_free(). Never fails
 * (allocation aborts on out-of-memory). */
strmap *strmap_new(void);

/* Free the map and its copies of the keys; the values are the caller's.
 * Accepts NULL. */
void strmap_free(strmap *map);

/* The value stored under key, or NULL. */
void *strmap_get(const strmap *map, const char *key);

/* Store value (not NULL) under a copy of key, replacing any older value. */
void strmap_put(strmap *map, const char *key, void *value);

/* Number of keys stored. */
size_t strmap_count(const strmap *map);

#endif
