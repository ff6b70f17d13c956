/* kb/strmap.h: a small string-keyed hash map (open addressing). */
#ifndef KB_STRMAP_H
#define KB_STRMAP_H

#include <stddef.h>

typedef struct strmap strmap;

/* A new empty map; the caller frees it with strmap_free(). Never fails
 * (allocation aborts, see xalloc.h). */
strmap *strmap_new(void);

/* Free the map and its copies of the keys, not the values. Accepts NULL. */
void strmap_free(strmap *m);

/* Map key to value (the map copies key). Returns the value it replaces, or
 * NULL when key was new. */
void *strmap_put(strmap *m, const char *key, void *value);

/* The value for key, or NULL. Borrowed. */
void *strmap_get(const strmap *m, const char *key);

/* Number of keys. */
size_t strmap_count(const strmap *m);

#endif
