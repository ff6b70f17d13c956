/* kb/strmap.c: open-addressing hash map from strings to pointers, with
 * linear probing and FNV-1a hashing; no removal, which nothing needs yet. */
#include "kb/strmap.h"
#include "kb/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	char *key;   /* owned copy; NULL when the slot is free */
	void *value; /* borrowed */
};

struct strmap {
	struct slot *slots; /* cap entries */
	size_t cap;         /* a power of two */
	size_t count;       /* keys in use; kept below cap * 3 / 4 */
};

static uint64_t hash_key(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3u;
	return h;
}

static struct slot *find_slot(const strmap *m, const char *key)
{
	size_t i = (size_t)hash_key(key) & (m->cap - 1);

	while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static void grow(strmap *m)
{
	struct slot *old = m->slots;
	size_t oldcap = m->cap;

	m->cap *= 2;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*find_slot(m, old[i].key) = old[i];
	free(old);
}

strmap *strmap_new(void)
{
	strmap *m = xcalloc(1, sizeof(*m));

	m->cap = 16;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	return m;
}

void strmap_free(strmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}

void *strmap_put(strmap *m, const char *key, void *value)
{
	struct slot *s = find_slot(m, key);
	void *old;

	if (s->key) {
		old = s->value;
		s->value = value;
		return old;
	}
	if ((m->count + 1) * 4 > m->cap * 3) {
		grow(m);
		s = find_slot(m, key);
	}
	s->key = xstrdup(key);
	s->value = value;
	m->count++;
	return NULL;
}

void *strmap_get(const strmap *m, const char *key)
{
	return find_slot(m, key)->value;
}

size_t strmap_count(const strmap *m)
{
	return m->count;
}
