/* parser/strmap.c: open addressing with linear probing and FNV-1a hashes;
 * the table doubles at 50% load, so a lookup stays O(1) on hostile input. */
#include "parser/strmap.h"
#include "kb/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	char *key;   /* NULL when the slot is empty */
	void *value; /* the caller's */
};

struct strmap {
	struct slot *slots; /* cap slots */
	size_t cap;         /* a power of two */
	size_t count;       /* used slots */
};

static uint64_t hash_key(const char *key)
{
	uint64_t h = 1469598103934665603u;

	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 1099511628211u;
	}
	return h;
}

static struct slot *find_slot(struct slot *slots, size_t cap, const char *key)
{
	size_t i = (size_t)hash_key(key) & (cap - 1);

	while (slots[i].key && strcmp(slots[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

strmap *strmap_new(void)
{
	strmap *map = xmalloc(sizeof(*map));

	map->cap = 16;
	map->count = 0;
	map->slots = xcalloc(map->cap, sizeof(*map->slots));
	return map;
}

void strmap_free(strmap *map)
{
	if (!map)
		return;
	for (size_t i = 0; i < map->cap; i++)
		free(map->slots[i].key);
	free(map->slots);
	free(map);
}

void *strmap_get(const strmap *map, const char *key)
{
	return find_slot(map->slots, map->cap, key)->value;
}

static void grow_table(strmap *map)
{
	size_t cap = map->cap * 2;
	struct slot *slots = xcalloc(cap, sizeof(*slots));

	for (size_t i = 0; i < map->cap; i++)
		if (map->slots[i].key)
			*find_slot(slots, cap, map->slots[i].key) =
				map->slots[i];
	free(map->slots);
	map->slots = slots;
	map->cap = cap;
}

void strmap_put(strmap *map, const char *key, void *value)
{
	struct slot *s = find_slot(map->slots, map->cap, key);

	if (!s->key) {
		if ((map->count + 1) * 2 > map->cap) {
			grow_table(map);
			s = find_slot(map->slots, map->cap, key);
		}
		s->key = xstrdup(key);
		map->count++;
	}
	s->value = value;
}

size_t strmap_count(const strmap *map)
{
	return map->count;
}
