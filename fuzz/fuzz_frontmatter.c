/* fuzz/fuzz_frontmatter.c: a note's text -> frontmatter_split(), then the
 * YAML between the fences -> frontmatter_parse() and back to JSON. */
#include "parser/frontmatter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	frontmatter_span span;
	frontmatter_value *fm = NULL;

	memcpy(text, data, size);
	text[size] = '\0';
	if (frontmatter_split(&span, "fuzz.md", text, size) == 0) {
		if (span.body_off > size ||
		    (span.present && span.yaml_off + span.yaml_len > size))
			abort(); /* a span outside the text */
		if (span.present &&
		    frontmatter_parse(&fm, "fuzz.md", text + span.yaml_off,
				      span.yaml_len, span.yaml_line) == 0) {
			char *json = frontmatter_to_json(fm);

			if (!json || json[0] != '{')
				abort(); /* the result is always a map */
			free(json);
		}
		frontmatter_free(fm);
	}
	/* The whole input as YAML too: no fences needed to reach libyaml. */
	fm = NULL;
	if (frontmatter_parse(&fm, "fuzz.md", text, size, 1) == 0)
		free(frontmatter_to_json(fm));
	frontmatter_free(fm);
	free(text);
	return 0;
}
