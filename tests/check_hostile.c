/* tests/check_hostile.c: hostile input, end to end. Each test feeds
 * something built to hurt (huge, deep, cyclic, malformed, escaping) and
 * checks the exit status or error code, the message, and that the store
 * is as it was. Limits of kb/limits.h are tried at and just past them. */
#include "tests.h"
#include "store_fixture.h"
#include "kb/describe.h"
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/query.h"
#include "kb/search.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"
#include "parser/bundle.h"
#include "parser/detcsv.h"
#include "parser/detimport.h"
#include "parser/note.h"
#include "parser/sigma.h"
#include "parser/stix.h"
#include "web/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MINI FIXTURE("stix/mini-enterprise-18.1.json")

/* The store after MINI: what every failed ingest must leave. */
static void baseline(void)
{
	stix_result res;

	ck_assert_msg(stix_ingest_file(fx_store, MINI, NULL, &res) == 0, "%s",
		      kb_error_last());
}

static void assert_unchanged(void)
{
	char *ok = fx_column("PRAGMA integrity_check");

	ck_assert_int_eq(fx_count("SELECT count(*) FROM release"), 1);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM object"), 25);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM member"), 25);
	ck_assert_str_eq(ok, "ok");
	free(ok);
}

/* A technique with ID T(1000 + n); extra is spliced into the object. */
static void put_technique(strbuf *sb, int n, const char *extra)
{
	strbuf_printf(sb,
		      "{\"type\": \"attack-pattern\", \"spec_version\": "
		      "\"2.1\", \"id\": \"attack-pattern--%08d-0000-4000-8000-"
		      "000000000000\", \"created\": \"2020-01-01T00:00:00Z\", "
		      "\"modified\": \"2020-01-01T00:00:00Z\", \"name\": "
		      "\"Technique %d\", \"external_references\": "
		      "[{\"source_name\": \"mitre-attack\", \"external_id\": "
		      "\"T%04d\"}]%s}",
		      n, n, 1000 + n, extra ? extra : "");
}

static void put_revoked_by(strbuf *sb, int n, int from, int to)
{
	strbuf_printf(sb,
		      ", {\"type\": \"relationship\", \"spec_version\": "
		      "\"2.1\", \"id\": \"relationship--%08d-0000-4000-8000-"
		      "000000000000\", \"created\": \"2020-01-01T00:00:00Z\", "
		      "\"modified\": \"2020-01-01T00:00:00Z\", "
		      "\"relationship_type\": \"revoked-by\", \"source_ref\": "
		      "\"attack-pattern--%08d-0000-4000-8000-000000000000\", "
		      "\"target_ref\": \"attack-pattern--%08d-0000-4000-8000-"
		      "000000000000\"}",
		      n, from, to);
}

/* Ingest the bundle {objects: [objects]} as enterprise 1.0. */
static int ingest_objects(const char *objects, size_t len)
{
	stix_opts opts = STIX_OPTS_INIT;
	stix_result res;
	strbuf sb = STRBUF_INIT;
	int error;

	opts.domain = "enterprise-attack";
	opts.release = "1.0";
	strbuf_puts(&sb, "{\"type\": \"bundle\", \"id\": \"bundle--h\", "
			 "\"objects\": [");
	strbuf_put(&sb, objects, len);
	strbuf_puts(&sb, "]}");
	error = stix_ingest_buffer(fx_store, "h.json", sb.ptr, sb.len, &opts,
				   &res);
	strbuf_free(&sb);
	return error;
}

static void expect_refused(const strbuf *objects, int code, const char *want)
{
	int error = ingest_objects(objects->ptr, objects->len);

	ck_assert_msg(error == code, "got %d (%s), want %d", error,
		      kb_error_last(), code);
	ck_assert_msg(strstr(kb_error_last(), want) != NULL,
		      "message '%s' lacks '%s'", kb_error_last(), want);
	assert_unchanged();
}

static void expect_taken(const strbuf *objects)
{
	ck_assert_msg(ingest_objects(objects->ptr, objects->len) == 0, "%s",
		      kb_error_last());
	ck_assert_int_eq(fx_count("SELECT count(*) FROM release"), 2);
}

/* ---- STIX ------------------------------------------------------------ */

/* A 200 MB string in a name, through the command line: exit 1, the limit
 * named, the store as it was. The file is written and deleted here. */
START_TEST(test_string_200mb)
{
	const char *bin = getenv("ATTACKKB");
	char *path = xasprintf("%s/big-attack-1.0.json", fx_dir), *out;
	char *chunk = xmalloc(1 << 20);
	FILE *f = fopen(path, "w");
	struct stat st;

	ck_assert_msg(bin != NULL, "ATTACKKB is not set (make check)");
	ck_assert_ptr_nonnull(f);
	memset(chunk, 'a', 1 << 20);
	fputs("{\"type\": \"bundle\", \"id\": \"bundle--h\", \"objects\": "
	      "[{\"type\": \"attack-pattern\", \"id\": \"attack-pattern--1\", "
	      "\"name\": \"",
	      f);
	for (int i = 0; i < 200; i++)
		ck_assert_int_eq(fwrite(chunk, 1, 1 << 20, f), 1 << 20);
	fputs("\"}]}", f);
	ck_assert_int_eq(fclose(f), 0);
	baseline();
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_gt(st.st_size, 200 << 20);
	ck_assert_int_eq(test_run(&out,
				  "%s -q --db %s ingest --domain enterprise "
				  "%s 2>&1",
				  bin, fx_path, path),
			 1);
	ck_assert_msg(strstr(out, "big-attack-1.0.json:1:113: expected a "
				  "string shorter than KB_MAX_STRING "
				  "(16 MiB)") &&
			      strstr(out, "nothing was stored"),
		      "%s", out);
	assert_unchanged();
	unlink(path);
	free(out);
	free(chunk);
	free(path);
}
END_TEST

/* KB_MAX_INPUT_FILE: a (sparse) bundle one byte past it is refused before
 * it is read; a gzip bomb (a small file inflating past it) is refused
 * once the limit is reached. */
START_TEST(test_input_file_limit)
{
	char *path = xasprintf("%s/huge-attack-1.0.json", fx_dir);
	char *gz = xasprintf("%s/bomb-attack-1.0.json.gz", fx_dir);
	stix_result res;
	time_t start = time(NULL);

	baseline();
	ck_assert_int_eq(test_run(NULL, "truncate -s %u %s",
				  KB_MAX_INPUT_FILE + 1, path),
			 0);
	ck_assert_int_eq(stix_ingest_file(fx_store, path, NULL, &res),
			 KB_ELIMIT);
	ck_assert_msg(strstr(kb_error_last(), "huge-attack-1.0.json"), "%s",
		      kb_error_last());
	ck_assert_int_le(time(NULL) - start, 2);
	assert_unchanged();
	/* At the limit: the fixture padded with blanks to exactly
	 * KB_MAX_INPUT_FILE bytes is read (the same release: stored
	 * already, so nothing changes). */
	unlink(path);
	free(path);
	path = xasprintf("%s/padded-enterprise-18.1.json", fx_dir);
	ck_assert_int_eq(test_run(NULL, "cp %s %s && head -c $((%u - $(wc -c "
					"<%s))) /dev/zero | tr '\\0' ' ' >>%s",
				  MINI, path, KB_MAX_INPUT_FILE, MINI, path),
			 0);
	ck_assert_msg(stix_ingest_file(fx_store, path, NULL, &res) == 0, "%s",
		      kb_error_last());
	ck_assert(res.already);
	assert_unchanged();
	ck_assert_int_eq(test_run(NULL,
				  "head -c %u /dev/zero | gzip -1 > %s",
				  KB_MAX_INPUT_FILE + 1, gz),
			 0);
	ck_assert_int_eq(stix_ingest_file(fx_store, gz, NULL, &res),
			 KB_ELIMIT);
	ck_assert_msg(strstr(kb_error_last(), "more than the limit of "
					      "536870912 bytes"),
		      "%s", kb_error_last());
	assert_unchanged();
	unlink(path);
	unlink(gz);
	free(path);
	free(gz);
}
END_TEST

/* KB_MAX_STRING: a string of exactly that many bytes passes the splitter,
 * one more byte is refused. */
START_TEST(test_string_limit)
{
	size_t n = KB_MAX_STRING;
	char *text = xmalloc(n + 64);
	bundle b;
	int len;

	for (int past = 0; past <= 1; past++) {
		len = sprintf(text, "{\"type\": \"bundle\", \"objects\": "
				    "[{\"a\": \"");
		memset(text + len, 'x', n + (size_t)past);
		len += (int)(n + (size_t)past);
		len += sprintf(text + len, "\"}]}");
		ck_assert_msg(bundle_split(&b, "t", text, (size_t)len) ==
				      (past ? KB_ELIMIT : 0),
			      "%d: %s", past, kb_error_last());
		if (past)
			ck_assert_str_eq(kb_error_last(),
					 "t:1:38: expected a string shorter "
					 "than KB_MAX_STRING (16 MiB)");
		bundle_free(&b);
	}
	free(text);
}
END_TEST

/* KB_MAX_JSON_DEPTH: 64 levels pass, 65 are refused. */
START_TEST(test_json_depth_limit)
{
	for (int past = 0; past <= 1; past++) {
		/* The bundle, its objects array and the object: 3 levels. */
		int n = KB_MAX_JSON_DEPTH - 3 + past, len;
		char text[256];
		bundle b;

		len = sprintf(text, "{\"type\": \"bundle\", \"objects\": "
				    "[{\"a\": ");
		for (int i = 0; i < n; i++)
			text[len++] = '[';
		for (int i = 0; i < n; i++)
			text[len++] = ']';
		len += sprintf(text + len, "}]}");
		ck_assert_msg(bundle_split(&b, "t", text, (size_t)len) ==
				      (past ? KB_ELIMIT : 0),
			      "%d levels: %s", n + 3, kb_error_last());
		if (past)
			ck_assert_msg(strstr(kb_error_last(),
					     "KB_MAX_JSON_DEPTH (64)"),
				      "%s", kb_error_last());
		bundle_free(&b);
	}
}
END_TEST

/* KB_MAX_OBJECT: one object's text over 64 MiB is refused (each string in
 * it below KB_MAX_STRING). */
START_TEST(test_object_limit)
{
	size_t piece = 8u << 20, n = KB_MAX_OBJECT / piece + 1;
	strbuf sb = STRBUF_INIT;
	char *s = xmalloc(piece);
	bundle b;

	memset(s, 'x', piece);
	strbuf_puts(&sb, "{\"type\": \"bundle\", \"objects\": [{\"a\": [");
	for (size_t i = 0; i < n; i++) {
		strbuf_puts(&sb, i ? ", \"" : "\"");
		strbuf_put(&sb, s, piece);
		strbuf_puts(&sb, "\"");
	}
	strbuf_puts(&sb, "]}]}");
	ck_assert_int_eq(bundle_split(&b, "t", sb.ptr, sb.len), KB_ELIMIT);
	ck_assert_str_eq(kb_error_last(), "t:1:32: object larger than the "
					  "limit of 67108864 bytes");
	bundle_free(&b);
	/* At the limit: an object of exactly KB_MAX_OBJECT bytes, its eight
	 * strings making up all but the 39 bytes of syntax around them. */
	strbuf_truncate(&sb, 0);
	strbuf_puts(&sb, "{\"type\": \"bundle\", \"objects\": [{\"a\": [");
	for (size_t i = 0; i < 8; i++) {
		strbuf_puts(&sb, i ? ", \"" : "\"");
		strbuf_put(&sb, s, i < 7 ? piece : piece - 39);
		strbuf_puts(&sb, "\"");
	}
	strbuf_puts(&sb, "]}]}");
	ck_assert_msg(bundle_split(&b, "t", sb.ptr, sb.len) == 0, "%s",
		      kb_error_last());
	ck_assert_uint_eq(b.nobjs, 1);
	ck_assert_uint_eq(b.objs[0].len, KB_MAX_OBJECT);
	bundle_free(&b);
	free(s);
	strbuf_free(&sb);
}
END_TEST

START_TEST(test_number_10000_digits)
{
	strbuf sb = STRBUF_INIT, num = STRBUF_INIT;

	baseline();
	strbuf_puts(&num, ", \"x_mitre_version\": ");
	for (int i = 0; i < 10000; i++)
		strbuf_puts(&num, "1");
	put_technique(&sb, 1, num.ptr);
	expect_refused(&sb, KB_EPARSE, "too big integer");
	strbuf_free(&sb);
	strbuf_free(&num);
	strbuf_puts(&num, ", \"x_size\": 1e");
	for (int i = 0; i < 10000; i++)
		strbuf_puts(&num, "9");
	put_technique(&sb, 1, num.ptr);
	expect_refused(&sb, KB_EPARSE, "real number overflow");
	strbuf_free(&sb);
	strbuf_free(&num);
	/* 10,000 digits after the point are merely rounded. */
	strbuf_puts(&num, ", \"x_size\": 0.");
	for (int i = 0; i < 10000; i++)
		strbuf_puts(&num, "3");
	put_technique(&sb, 1, num.ptr);
	expect_taken(&sb);
	strbuf_free(&sb);
	strbuf_free(&num);
}
END_TEST

START_TEST(test_nul_and_bad_utf8_in_names)
{
	static const char *const names[] = {
		"a\\u0000b",    /* an escaped NUL */
		"a\xc0\xaf",    /* an overlong '/' */
		"a\xed\xa0\x80", /* a UTF-16 surrogate in UTF-8 */
		"a\xff",        /* never valid */
	};
	static const char *const want[] = {
		"\\u0000 is not allowed",
		"(byte offset",
		"(byte offset",
		"(byte offset",
	};

	baseline();
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		strbuf sb = STRBUF_INIT;
		char *extra = xasprintf(", \"x_mitre_aliases\": [\"%s\"]",
					names[i]);

		put_technique(&sb, 1, extra);
		expect_refused(&sb, KB_EPARSE, want[i]);
		strbuf_free(&sb);
		free(extra);
	}
}
END_TEST

/* 1,000,000 external references are refused; KB_MAX_LIST_ITEMS pass, one
 * more is refused. */
START_TEST(test_list_limits)
{
	static const size_t counts[] = {1000000, KB_MAX_LIST_ITEMS + 1,
					KB_MAX_LIST_ITEMS};
	char want[80];

	baseline();
	for (size_t c = 0; c < 3; c++) {
		strbuf sb = STRBUF_INIT, refs = STRBUF_INIT;

		strbuf_puts(&refs, ", \"x_refs\": 0"); /* replaced below */
		refs.len = 0;
		strbuf_puts(&refs, "{\"type\": \"attack-pattern\", "
				   "\"spec_version\": \"2.1\", \"id\": "
				   "\"attack-pattern--1\", \"name\": \"x\", "
				   "\"external_references\": [{\"source_name\""
				   ": \"mitre-attack\", \"external_id\": "
				   "\"T1001\"}");
		for (size_t i = 1; i < counts[c]; i++)
			strbuf_puts(&refs, ", {\"source_name\": \"r\"}");
		strbuf_puts(&refs, "]}");
		strbuf_put(&sb, refs.ptr, refs.len);
		if (counts[c] > KB_MAX_LIST_ITEMS) {
			snprintf(want, sizeof(want),
				 "%zu external references, more than the "
				 "limit of 100000",
				 counts[c]);
			expect_refused(&sb, KB_ELIMIT, want);
		} else {
			expect_taken(&sb);
		}
		strbuf_free(&sb);
		strbuf_free(&refs);
	}
}
END_TEST

/* Revoked-by cycles: T1001 <-> T1002, and T1003 revoked by itself. The
 * ingest takes them; the successors view ends and names no successor for
 * them (it used to name T1001 as its own successor after 32 steps); a
 * chain with an end still gets one. */
START_TEST(test_revoked_by_cycles)
{
	static const char csv[] = "detection,technique\nr1,T1001\nr2,T1004\n";
	detection_set set = DETECTION_SET_INIT;
	detimport_result dres;
	strbuf sb = STRBUF_INIT;
	time_t start = time(NULL);
	char *s;

	for (int i = 1; i <= 5; i++) {
		if (i > 1)
			strbuf_puts(&sb, ", ");
		put_technique(&sb, i, i < 5 ? ", \"revoked\": true" : NULL);
	}
	put_revoked_by(&sb, 1, 1, 2);
	put_revoked_by(&sb, 2, 2, 1);
	put_revoked_by(&sb, 3, 3, 3);
	put_revoked_by(&sb, 4, 4, 5); /* an ordinary chain */
	ck_assert_msg(ingest_objects(sb.ptr, sb.len) == 0, "%s",
		      kb_error_last());
	s = fx_column("SELECT attack_id || '>' || successor_id FROM "
		      "successors ORDER BY 1");
	ck_assert_str_eq(s, "T1004>T1005");
	free(s);
	/* The same from one ID (show, the web page's redirect). */
	for (int i = 1; i <= 4; i++) {
		char id[16];
		kb_rows *r;

		snprintf(id, sizeof(id), "T%d", 1000 + i);
		ck_assert_int_eq(kb_successor(&r, fx_store, id,
					      "enterprise-attack"),
				 0);
		ck_assert_uint_eq(r->nrows, i == 4);
		if (i == 4)
			ck_assert_str_eq(kb_rows_get(r, 0, 0), "T1005");
		kb_rows_free(r);
	}
	/* A rule naming a technique of the cycle is not counted, and the
	 * coverage note says why. */
	ck_assert_int_eq(detcsv_parse_buffer(&set, "r.csv", csv, strlen(csv)),
			 0);
	ck_assert_msg(detimport_store(fx_store, "rules", "r.csv", &set,
				      &dres) == 0,
		      "%s", kb_error_last());
	s = fx_column("SELECT written || ':' || coalesce(technique_id, '-') "
		      "|| ':' || note FROM detection_resolution ORDER BY 1");
	ck_assert_str_eq(s, "T1001:-:T1001 is revoked in enterprise-attack "
			    "1.0, and its revoked-by chain never ends (a "
			    "cycle): not counted,T1004:T1005:T1004 is revoked "
			    "in enterprise-attack 1.0: counted as its "
			    "successor T1005 Technique 5");
	free(s);
	detection_set_free(&set);
	ck_assert_int_le(time(NULL) - start, 10);
	strbuf_free(&sb);
}
END_TEST

/* ---- YAML and Markdown ------------------------------------------------ */

/* YAML that nests 10,000 deep, in flow and block style, and an alias bomb
 * (each level doubles the nodes): refused with KB_ELIMIT, quickly, by the
 * frontmatter reader (through note_parse) and the Sigma reader. */
START_TEST(test_yaml_deep_and_bombs)
{
	strbuf flow = STRBUF_INIT, block = STRBUF_INIT, bomb = STRBUF_INIT;
	const strbuf *docs[] = {&flow, &block, &bomb};
	static const char *const want[][2] = {
		{"r.yml:3:75: nesting deeper than 64 levels "
		 "(KB_MAX_YAML_DEPTH)",
		 "n.md:4:75: YAML nested deeper than 64 levels"},
		{"r.yml:4:",
		 "n.md:5:"},
		{"r.yml:6:55: aliases expand to more than 1000000 nodes "
		 "(KB_MAX_YAML_EVENTS)",
		 "n.md:7:45: more than 1000000 YAML nodes (aliases count as "
		 "the nodes they copy)"},
	};
	time_t start = time(NULL);

	strbuf_puts(&flow, "title: x\nlogsource: {}\ndetection: ");
	for (int i = 0; i < 10000; i++)
		strbuf_puts(&flow, "[");
	for (int i = 0; i < 10000; i++)
		strbuf_puts(&flow, "]");
	strbuf_puts(&flow, "\n");
	strbuf_puts(&block, "title: x\nlogsource: {}\ndetection:\n  ");
	for (int i = 0; i < 10000; i++)
		strbuf_puts(&block, "- "); /* a list in a list in a list... */
	strbuf_puts(&block, "x\n");
	strbuf_puts(&bomb, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 30; i++)
		strbuf_printf(&bomb,
			      "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, "
			      "*a%d, *a%d, *a%d, *a%d]\n",
			      i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
			      i - 1, i - 1, i - 1, i - 1);
	strbuf_puts(&bomb, "title: x\nlogsource: {}\ndetection: {}\n");
	for (size_t d = 0; d < 3; d++) {
		detection_set set = DETECTION_SET_INIT;
		strbuf md = STRBUF_INIT;
		note *n = NULL;
		int error;

		error = sigma_parse_buffer(&set, "r.yml", docs[d]->ptr,
					   docs[d]->len);
		ck_assert_msg(error == KB_ELIMIT, "sigma %zu: %d %s", d, error,
			      kb_error_last());
		ck_assert_msg(strstr(kb_error_last(), want[d][0]), "%s",
			      kb_error_last());
		ck_assert_int_eq(set.nrules, 0);
		detection_set_free(&set);
		strbuf_puts(&md, "---\n");
		strbuf_put(&md, docs[d]->ptr, docs[d]->len);
		strbuf_puts(&md, "---\n# Body\n");
		error = note_parse(&n, "n.md", md.ptr, md.len);
		ck_assert_msg(error == KB_ELIMIT, "note %zu: %d %s", d, error,
			      kb_error_last());
		ck_assert_msg(strstr(kb_error_last(), want[d][1]), "%s",
			      kb_error_last());
		ck_assert_ptr_null(n);
		strbuf_free(&md);
	}
	ck_assert_int_le(time(NULL) - start, 10);
	strbuf_free(&flow);
	strbuf_free(&block);
	strbuf_free(&bomb);
}
END_TEST

/* Markdown made of 100,000 nested brackets, emphasis markers, quotes,
 * list items or wikilink openers: read (the note is valid Markdown),
 * quickly. */
START_TEST(test_markdown_deep)
{
	static const char *const units[][2] = {
		{"[", "]"}, {"*", "*"}, {"_", "_"}, {"> ", ""},
		{"[[", "]]"}, {"![", "](x)"}, {"- ", ""}, {"`", ""},
		{"<", ">"}, {"**a ", " b**"},
	};
	time_t start = time(NULL);

	for (size_t u = 0; u < sizeof(units) / sizeof(*units); u++) {
		strbuf sb = STRBUF_INIT;
		note *n = NULL;

		for (int i = 0; i < 100000; i++)
			strbuf_puts(&sb, units[u][0]);
		strbuf_puts(&sb, "T1136");
		for (int i = 0; i < 100000; i++)
			strbuf_puts(&sb, units[u][1]);
		strbuf_puts(&sb, "\n");
		ck_assert_msg(note_parse(&n, "n.md", sb.ptr, sb.len) == 0,
			      "'%s': %s", units[u][0], kb_error_last());
		note_free(n);
		strbuf_free(&sb);
	}
	ck_assert_int_le(time(NULL) - start, 30);
}
END_TEST

/* ---- Vaults ----------------------------------------------------------- */

/* A vault holding a symbolic link loop and a 2 GB sparse note: the loop
 * is not followed, the big note is refused with a warning, the rest is
 * stored; the command ends quickly. */
START_TEST(test_vault_loop_and_sparse_file)
{
	const char *bin = getenv("ATTACKKB");
	char *vault = xasprintf("%s/vault", fx_dir), *out;
	time_t start = time(NULL);

	ck_assert_msg(bin != NULL, "ATTACKKB is not set (make check)");
	ck_assert_int_eq(test_run(NULL,
				  "mkdir -p %s/sub && ln -s .. %s/sub/up && "
				  "ln -s loop %s/loop && truncate -s 2G "
				  "%s/big.md && printf '# T1136\\n' > "
				  "%s/sub/ok.md",
				  vault, vault, vault, vault, vault),
			 0);
	kb_store_close(fx_store);
	fx_store = NULL;
	ck_assert_int_eq(test_run(&out, "%s --db %s ingest %s 2>&1", bin,
				  fx_path, vault),
			 0);
	ck_assert_msg(strstr(out, "big.md: file is 2147483648 bytes, more "
				  "than the limit of 8388608 (skipped)"),
		      "%s", out);
	free(out);
	fx_store_reopen();
	ck_assert_int_eq(fx_count("SELECT count(*) FROM note"), 1);
	ck_assert_int_le(time(NULL) - start, 20);
	free(vault);
}
END_TEST

/* ---- The CGI page ----------------------------------------------------- */

static char *serve(const char *method, const char *path, const char *qs)
{
	cgi_env env = {.request_method = method,
		       .script_name = "/cgi-bin/attackkb.cgi",
		       .path_info = path,
		       .query_string = qs,
		       .db_path = fx_path};
	strbuf out = STRBUF_INIT;

	app_handle(&out, &env);
	return strbuf_detach(&out);
}

/* The headers of a response: up to the empty line. */
static char *headers_of(const char *resp)
{
	const char *end = strstr(resp, "\r\n\r\n");

	ck_assert_ptr_nonnull(end);
	return xstrndup(resp, (size_t)(end - resp) + 2);
}

START_TEST(test_cgi_hostile_requests)
{
	static const struct {
		const char *path, *qs, *status;
	} reqs[] = {
		{"/search", "q=%ZZ", "Status: 400 "},
		{"/search", "q=%4", "Status: 400 "},
		{"/search", "q=a%00b", "Status: 400 "},
		{"/search", "q=%C0%AF", "Status: 400 "},
		{"/search", "q=%ED%A0%80", "Status: 400 "},
		{"/object/T1136%0d%0a", NULL, "Status: 400 "},
		{"/../etc/passwd", NULL, "Status: 400 "},
	};
	char *big, *resp;

	baseline();
	for (size_t i = 0; i < sizeof(reqs) / sizeof(*reqs); i++) {
		resp = serve("GET", reqs[i].path, reqs[i].qs);
		ck_assert_msg(strncmp(resp, reqs[i].status,
				      strlen(reqs[i].status)) == 0,
			      "%s?%s: %.40s", reqs[i].path, reqs[i].qs, resp);
		free(resp);
	}
	/* 1 MB query string and path: 414, the bytes never echoed. */
	big = xmalloc((1 << 20) + 1);
	memset(big, 'q', 1 << 20);
	memcpy(big, "q=", 2);
	big[1 << 20] = '\0';
	resp = serve("GET", "/search", big);
	ck_assert_msg(strncmp(resp, "Status: 414 ", 12) == 0, "%.40s", resp);
	ck_assert_ptr_null(strstr(resp, "qqqqqqqq"));
	free(resp);
	big[0] = '/';
	resp = serve("GET", big, NULL);
	ck_assert_msg(strncmp(resp, "Status: 414 ", 12) == 0, "%.40s", resp);
	free(resp);
	free(big);
	/* KB_MAX_QUERY_STRING: at the limit served, past it 414. */
	big = xmalloc(KB_MAX_QUERY_STRING + 2);
	memset(big, 'a', KB_MAX_QUERY_STRING + 1);
	memcpy(big, "x=", 2);
	big[KB_MAX_QUERY_STRING] = '\0';
	resp = serve("GET", "/", big);
	ck_assert_msg(strncmp(resp, "Status: 200 ", 12) == 0, "%.40s", resp);
	free(resp);
	big[KB_MAX_QUERY_STRING] = 'a';
	big[KB_MAX_QUERY_STRING + 1] = '\0';
	resp = serve("GET", "/", big);
	ck_assert_msg(strncmp(resp, "Status: 414 ", 12) == 0, "%.40s", resp);
	free(resp);
	free(big);
	assert_unchanged();
}
END_TEST

/* %0d%0a in parameters that reach headers (a search for an ID redirects
 * to its page: Location) never starts a header of its own. */
START_TEST(test_cgi_header_injection)
{
	static const char *const qs[] = {
		"q=T1136%0d%0aSet-Cookie:%20a=b",
		"q=T1136.001%0D%0ALocation:%20http://evil/",
		"q=%0d%0aSet-Cookie:%20a=b",
		"q=T1136%0aSet-Cookie:%20a=b",
		"q=T1136%0dSet-Cookie:%20a=b",
		"q=T1136%E2%80%A8Set-Cookie:%20a=b",
	};

	baseline();
	for (size_t i = 0; i < sizeof(qs) / sizeof(*qs); i++) {
		char *resp = serve("GET", "/search", qs[i]);
		char *h = headers_of(resp);
		const char *p;

		ck_assert_msg(strstr(h, "Set-Cookie") == NULL &&
				      strstr(h, "evil") == NULL,
			      "%s:\n%s", qs[i], h);
		/* Every header line ends in CRLF; no bare CR or LF. */
		for (p = h; *p; p++)
			if (*p == '\r')
				ck_assert_int_eq(p[1], '\n');
			else if (*p == '\n')
				ck_assert_int_eq(p[-1], '\r');
		free(h);
		free(resp);
	}
}
END_TEST

/* KB_MAX_QUERY_TEXT: a search of that many bytes runs, one more byte is
 * refused. */
START_TEST(test_search_text_limit)
{
	char *text = xmalloc(KB_MAX_QUERY_TEXT + 2);
	kb_hits *hits = NULL;

	baseline();
	memset(text, 'a', KB_MAX_QUERY_TEXT + 1);
	text[KB_MAX_QUERY_TEXT] = '\0';
	ck_assert_msg(kb_search(&hits, fx_store, text, NULL) == 0, "%s",
		      kb_error_last());
	kb_hits_free(hits);
	hits = NULL;
	text[KB_MAX_QUERY_TEXT] = 'a';
	text[KB_MAX_QUERY_TEXT + 1] = '\0';
	ck_assert_int_eq(kb_search(&hits, fx_store, text, NULL), KB_ELIMIT);
	ck_assert_msg(strstr(kb_error_last(), "1024"), "%s", kb_error_last());
	kb_hits_free(hits);
	free(text);
}
END_TEST

/* KB_MAX_MANIFEST_FILE and KB_MAX_LOG_SOURCE_FILE, through the command
 * line: files of the limit's size are read (and judged on what they say),
 * one byte more is refused before reading. */
START_TEST(test_manifest_and_log_source_limits)
{
	const char *bin = getenv("ATTACKKB");
	char *out;

	ck_assert_msg(bin != NULL, "ATTACKKB is not set (make check)");
	baseline();
	kb_store_close(fx_store);
	fx_store = NULL;
	ck_assert_int_eq(test_run(NULL,
				  "mkdir -p %s/v/.attackkb && truncate -s %u "
				  "%s/v/.attackkb/manifest",
				  fx_dir, KB_MAX_MANIFEST_FILE, fx_dir),
			 0);
	ck_assert_int_eq(test_run(&out, "%s -q --db %s export obsidian %s/v "
					"2>&1",
				  bin, fx_path, fx_dir),
			 1);
	ck_assert_msg(strstr(out, "manifest") && !strstr(out, "limit"), "%s",
		      out);
	free(out);
	ck_assert_int_eq(test_run(NULL, "truncate -s %u %s/v/.attackkb/"
					"manifest",
				  KB_MAX_MANIFEST_FILE + 1, fx_dir),
			 0);
	ck_assert_int_eq(test_run(&out, "%s -q --db %s export obsidian %s/v "
					"2>&1",
				  bin, fx_path, fx_dir),
			 1);
	ck_assert_msg(strstr(out, "manifest: file is 67108865 bytes, more "
				  "than the limit of 67108864"),
		      "%s", out);
	free(out);
	/* 1,024 lines of 1,023 bytes: 1 MiB of names nothing matches. */
	ck_assert_int_eq(KB_MAX_LOG_SOURCE_FILE, 1024 * 1024);
	ck_assert_int_eq(test_run(NULL,
				  "head -c 1023 /dev/zero | tr '\\0' a > "
				  "%s/line && echo >> %s/line && for i in "
				  "$(seq 1024); do cat %s/line; done > "
				  "%s/ls.txt",
				  fx_dir, fx_dir, fx_dir, fx_dir),
			 0);
	ck_assert_int_eq(test_run(&out, "%s --db %s feasible --log-sources "
					"%s/ls.txt 2>&1 >/dev/null",
				  bin, fx_path, fx_dir),
			 0);
	free(out);
	ck_assert_int_eq(test_run(NULL, "echo >> %s/ls.txt", fx_dir), 0);
	ck_assert_int_eq(test_run(&out, "%s --db %s feasible --log-sources "
					"%s/ls.txt 2>&1",
				  bin, fx_path, fx_dir),
			 1);
	ck_assert_msg(strstr(out, "ls.txt: more than 1048576 bytes "
				  "(KB_MAX_LOG_SOURCE_FILE)"),
		      "%s", out);
	free(out);
	fx_store_reopen();
	assert_unchanged();
}
END_TEST

/* ---- Deployment ------------------------------------------------------- */

/* The page's user may read the store and write nothing, not even in its
 * folder: it must still open the store after the last writer closed it
 * (SQLite deletes a WAL store's -wal and -shm files then, unless asked to
 * keep them, and a reader that cannot create them cannot open the store).
 * Runs only as root, which can become another user. */
START_TEST(test_read_only_user_opens_store)
{
	const char *bin = getenv("ATTACKKB");
	char *out;

	ck_assert_msg(bin != NULL, "ATTACKKB is not set (make check)");
	if (geteuid() != 0 || test_run(NULL, "command -v setpriv") != 0)
		return;
	baseline();
	kb_store_close(fx_store);
	fx_store = NULL;
	ck_assert_int_eq(test_run(NULL, "chmod 755 %s && chmod 644 %s*",
				  fx_dir, fx_path),
			 0);
	ck_assert_int_eq(test_run(&out,
				  "setpriv --reuid 65534 --regid 65534 "
				  "--clear-groups %s --db %s sql -f csv "
				  "'SELECT count(*) AS n FROM release' 2>&1",
				  bin, fx_path),
			 0);
	ck_assert_str_eq(out, "n\r\n1\r\n");
	free(out);
	fx_store_reopen();
}
END_TEST

Suite *hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *stix = tcase_create("stix");
	TCase *text = tcase_create("yaml and markdown");
	TCase *vault = tcase_create("vault");
	TCase *web = tcase_create("cgi");

	tcase_set_timeout(stix, 300);
	tcase_add_checked_fixture(stix, fx_store_setup, fx_store_teardown);
	tcase_add_test(stix, test_string_200mb);
	tcase_add_test(stix, test_string_limit);
	tcase_add_test(stix, test_input_file_limit);
	tcase_add_test(stix, test_json_depth_limit);
	tcase_add_test(stix, test_object_limit);
	tcase_add_test(stix, test_number_10000_digits);
	tcase_add_test(stix, test_nul_and_bad_utf8_in_names);
	tcase_add_test(stix, test_list_limits);
	tcase_add_test(stix, test_revoked_by_cycles);
	suite_add_tcase(s, stix);
	tcase_set_timeout(text, 120);
	tcase_add_test(text, test_yaml_deep_and_bombs);
	tcase_add_test(text, test_markdown_deep);
	suite_add_tcase(s, text);
	tcase_set_timeout(vault, 120);
	tcase_add_checked_fixture(vault, fx_store_setup, fx_store_teardown);
	tcase_add_test(vault, test_vault_loop_and_sparse_file);
	tcase_add_test(vault, test_read_only_user_opens_store);
	tcase_add_test(vault, test_manifest_and_log_source_limits);
	suite_add_tcase(s, vault);
	tcase_set_timeout(web, 60);
	tcase_add_checked_fixture(web, fx_store_setup, fx_store_teardown);
	tcase_add_test(web, test_cgi_hostile_requests);
	tcase_add_test(web, test_cgi_header_injection);
	tcase_add_test(web, test_search_text_limit);
	suite_add_tcase(s, web);
	return s;
}
