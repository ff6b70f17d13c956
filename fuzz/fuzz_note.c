/* fuzz/fuzz_note.c: a small vault from one input. The input is cut into
 * notes at lines "@@@ PATH" (PATH is the note's vault path; the first note
 * is "a.md"); each goes through note_parse(), then the vault is resolved
 * and a few lookups are made, so link resolution sees hostile paths. */
#include "parser/note.h"
#include "parser/notedir.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NOTES 16

/* The next "\n@@@ " at or after p, or NULL. */
static const char *next_cut(const char *p, const char *end)
{
	for (; p + 5 <= end; p++)
		if (memcmp(p, "\n@@@ ", 5) == 0)
			return p;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	const char *p, *end;
	notedir *dir = notedir_new();
	size_t nnotes = 0, i;

	memcpy(buf, data, size);
	buf[size] = '\0';
	p = buf;
	end = buf + size;
	char *path = strdup("a.md");
	while (p && nnotes < MAX_NOTES) {
		const char *cut = next_cut(p, end);
		const char *stop = cut ? cut : end;
		note *n = NULL;

		if (note_parse(&n, path, p, (size_t)(stop - p)) == 0) {
			if (n->nlinks && !n->links)
				abort();
			notedir_add(dir, n); /* takes n, even on failure */
			nnotes++;
		}
		free(path);
		path = NULL;
		if (!cut)
			break;
		/* The path is the rest of the "@@@ " line. */
		const char *name = cut + 5, *eol = memchr(name, '\n', (size_t)(end - name));
		if (!eol)
			eol = end;
		path = strndup(name, (size_t)(eol - name));
		p = eol;
	}
	free(path);
	notedir_resolve(dir);
	for (i = 0; i < notedir_count(dir); i++) {
		const note *n = notedir_note(dir, i);
		size_t j;

		for (j = 0; j < n->nlinks; j++)
			if (n->links[j].target &&
			    n->links[j].resolution == NOTE_UNRESOLVED)
				abort(); /* a target without a resolution */
		notedir_find(dir, n->title, n->path);
		notedir_find(dir, "../x", n->path);
	}
	notedir_find(dir, "a", NULL);
	notedir_free(dir);
	free(buf);
	return 0;
}
