/* tests/check_obsidian.c: the Obsidian vault export. Text conversion and
 * YAML units; whole files in the vault layer; hostile names from a small
 * hand-written bundle; and the full shipped Enterprise v18.1 exported into
 * a temporary folder: counts, duplicate names, the golden T1136 note,
 * every wikilink resolving as Obsidian resolves it, re-export writing
 * nothing, analysts' edits kept byte for byte, conflicts, --git. */
#include "export/obsidian.h"
#include "export/obsmd.h"
#include "export/vault.h"
#include "export/vaultfile.h"
#include "export/vaultnote.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/query.h"
#include "kb/store.h"
#include "kb/strbuf.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"
#include "parser/stix.h"
#include "parser/yamldoc.h"
#include "store_fixture.h"
#include "tests.h"

#include <dirent.h>
#include <stdint.h>
#include <git2.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ENTERPRISE "../data/attack/enterprise-attack-18.1.json.gz"
#define ICS_17 "data/ics-attack-17.1.json.gz"
#define HOSTILE FIXTURE("stix/hostile-names-18.1.json")
#define GOLDEN_T1136 "expected/obsidian/T1136 Create Account.md"
#define T1136 "Techniques/T1136 Create Account.md"

/* ---- Helpers ---------------------------------------------------------- */

/* Every regular file under dir (relative paths, sorted), leaving out
 * .attackkb/ unless meta. */
struct files {
	char **v;
	size_t n;
};

static void walk(struct files *f, const char *dir, const char *rel, bool meta)
{
	char *path = *rel ? fsutil_path_join(dir, rel) : xstrdup(dir);
	DIR *d = opendir(path);
	struct dirent *de;

	ck_assert_msg(d != NULL, "cannot open %s", path);
	while ((de = readdir(d))) {
		char *sub, *full;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (!meta && !*rel && strcmp(de->d_name, ".attackkb") == 0))
			continue;
		sub = *rel ? xasprintf("%s/%s", rel, de->d_name)
			   : xstrdup(de->d_name);
		full = fsutil_path_join(dir, sub);
		ck_assert_int_eq(lstat(full, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			walk(f, dir, sub, meta);
			free(sub);
		} else {
			f->v = xreallocarray(f->v, f->n + 1, sizeof(*f->v));
			f->v[f->n++] = sub;
		}
		free(full);
	}
	closedir(d);
	free(path);
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct files list_files(const char *dir, bool meta)
{
	struct files f = {0};

	walk(&f, dir, "", meta);
	qsort(f.v, f.n, sizeof(*f.v), cmp_strp);
	return f;
}

static void files_free(struct files *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
}

static char *slurp_in(const char *dir, const char *rel)
{
	char *p = fsutil_path_join(dir, rel), *t = test_slurp(p, NULL);

	free(p);
	return t;
}

static void spit_in(const char *dir, const char *rel, const char *text)
{
	char *p = fsutil_path_join(dir, rel);

	ck_assert_int_eq(fsutil_write_atomic(p, text, strlen(text)), 0);
	free(p);
}

static bool exists_in(const char *dir, const char *rel)
{
	char *p = fsutil_path_join(dir, rel);
	struct stat st;
	bool ok = lstat(p, &st) == 0;

	free(p);
	return ok;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Check every [[wikilink]] of every note (bodies and properties) the way
 * Obsidian resolves it: the target, before any '#' or '|' (or "\|" in
 * tables), is a file name without ".md" (or a full name with another
 * extension: a canvas), compared ignoring case, and must name exactly one
 * file in the vault; a "#heading" must be a heading of that note. An
 * escaped "\[" opens no link. Returns the number of links. */
static size_t check_links(const char *dir)
{
	struct files f = list_files(dir, false);
	strmap *count = strmap_new(), *path_of = strmap_new();
	size_t links = 0;

	for (size_t i = 0; i < f.n; i++) {
		const char *b = base_name(f.v[i]);
		size_t n = strlen(b);
		char *key = n > 3 && strcmp(b + n - 3, ".md") == 0
				? xstrndup(b, n - 3)
				: xstrdup(b);
		char *fold = vaultfile_fold(key);

		strmap_put(count, fold,
			   (void *)((intptr_t)strmap_get(count, fold) + 1));
		strmap_put(path_of, fold, f.v[i]);
		free(fold);
		free(key);
	}
	for (size_t i = 0; i < f.n; i++) {
		char *text;
		const char *p;

		if (strlen(f.v[i]) < 3 ||
		    strcmp(f.v[i] + strlen(f.v[i]) - 3, ".md") != 0)
			continue;
		text = slurp_in(dir, f.v[i]);
		for (p = text; (p = strstr(p, "[[")); p += 2) {
			const char *end = strstr(p + 2, "]]");
			char *target, *cut, *fold, *heading = NULL;
			size_t n;

			if (p > text && p[-1] == '\\')
				continue;
			ck_assert_msg(end != NULL, "%s: unclosed link", f.v[i]);
			target = xstrndup(p + 2, (size_t)(end - p - 2));
			ck_assert_msg(!strchr(target, '\n') &&
					  !strchr(target, '['),
				      "%s: bad link [[%s]]", f.v[i], target);
			if ((cut = strstr(target, "\\|")) ||
			    (cut = strchr(target, '|')))
				*cut = '\0';
			if ((cut = strchr(target, '#'))) {
				*cut = '\0';
				heading = xasprintf("\n### %s\n", cut + 1);
			}
			n = strlen(target);
			if (n > 3 && strcmp(target + n - 3, ".md") == 0)
				target[n - 3] = '\0';
			fold = vaultfile_fold(target);
			ck_assert_msg((intptr_t)strmap_get(count, fold) == 1,
				      "%s: [[%s]] names %d notes", f.v[i],
				      target,
				      (int)(intptr_t)strmap_get(count, fold));
			if (heading) {
				char *t = slurp_in(dir,
						   strmap_get(path_of, fold));

				ck_assert_msg(strstr(t, heading), "%s: no %s",
					      f.v[i], heading);
				free(t);
			}
			links++;
			free(heading);
			free(fold);
			free(target);
			p = end;
		}
		free(text);
	}
	strmap_free(count);
	strmap_free(path_of);
	files_free(&f);
	return links;
}

/* Inode and mtime of every file, to see that nothing was rewritten. */
static char *snapshot(const char *dir)
{
	struct files f = list_files(dir, true);
	strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < f.n; i++) {
		char *p = fsutil_path_join(dir, f.v[i]);
		struct stat st;

		ck_assert_int_eq(stat(p, &st), 0);
		if (strcmp(f.v[i], ".attackkb/lock") != 0)
			strbuf_printf(&sb, "%s %lu %ld.%09ld\n", f.v[i],
				      (unsigned long)st.st_ino,
				      (long)st.st_mtim.tv_sec,
				      st.st_mtim.tv_nsec);
		free(p);
	}
	files_free(&f);
	return strbuf_detach(&sb);
}

static void assert_summary(const obsidian_result *r, const char *want)
{
	char *s = vault_report_summary(&r->report);

	ck_assert_str_eq(s, want);
	free(s);
}

/* ---- Text units ------------------------------------------------------- */

static const char *stub_link(void *arg, const char *section, const char *id)
{
	(void)arg;
	if (strcmp(section, "techniques") == 0 && strcmp(id, "T1136.001") == 0)
		return "T1136.001 Local Account";
	if (strcmp(section, "analytics") == 0 && strcmp(id, "AN0001") == 0)
		return "DET0001 Strategy#AN0001";
	return NULL;
}

static int stub_cite(void *arg, const char *name, size_t len)
{
	(void)arg;
	if (len == 3 && memcmp(name, "One", 3) == 0)
		return 1;
	if (len == 22 && memcmp(name, "CISA Alert (TA17-163A)", 22) == 0)
		return 2;
	return 0;
}

static void expect_md(const char *in, const char *want)
{
	obsmd_resolver r = {stub_link, stub_cite, NULL};
	strbuf sb = STRBUF_INIT;

	obsmd_text(&sb, in, &r);
	ck_assert_str_eq(sb.ptr, want);
	strbuf_free(&sb);
}

START_TEST(test_text_html_and_links)
{
	expect_md("Run <code>net user /add</code>.", "Run `net user /add`.");
	expect_md("<CODE>a`b</CODE> <code></code>x", "``a`b`` x");
	expect_md("<code>`x</code>", "`` `x ``");
	expect_md("<code>&lt;PID&gt; &amp;</code>", "`<PID> &`");
	expect_md("a<br>b<br/>c<br />d", "a\nb\nc\nd");
	expect_md("<b>bold</b> <i>it</i> <strong>s</strong>",
		  "**bold** *it* **s**");
	expect_md("kill <PID> <script>", "kill \\<PID> \\<script>");
	expect_md("see <https://example.com/x>", "see <https://example.com/x>");
	expect_md("[Local](https://attack.mitre.org/techniques/T1136/001)",
		  "[[T1136.001 Local Account|Local]]");
	expect_md("[Local Account](https://attack.mitre.org/techniques/T1136/"
		  "001/)",
		  "[[T1136.001 Local Account|Local Account]]");
	expect_md("[T1136.001 Local Account](https://attack.mitre.org/"
		  "techniques/T1136/001)",
		  "[[T1136.001 Local Account]]");
	expect_md("[a|b [c]](https://attack.mitre.org/analytics/AN0001)",
		  "[[DET0001 Strategy#AN0001|a b c]]");
	expect_md("[gone](https://attack.mitre.org/techniques/T9999)",
		  "[gone](https://attack.mitre.org/techniques/T9999)");
	expect_md("[site](https://example.com/a_(b)) [x]",
		  "[site](https://example.com/a_(b)) [x]");
	expect_md("[`<code>`](https://example.com)",
		  "[`<code>`](https://example.com)");
}
END_TEST

START_TEST(test_text_citations_and_escapes)
{
	expect_md("Done.(Citation: One) Again (Citation: One)(Citation: "
		  "Unknown)",
		  "Done.[^1] Again [^1](Citation: Unknown)");
	expect_md("x(Citation: CISA Alert (TA17-163A)).",
		  "x[^2].");
	expect_md("$HOME and C$", "\\$HOME and C\\$");
	expect_md("#tag C# a #b ## h", "\\#tag C# a \\#b ## h");
	expect_md("%%comment%% 50%", "%&#37;comment%&#37; 50%");
	expect_md("[[x]] [^1]", "\\[[x]] \\[^1]");
	expect_md("keep `$x <y> %%` and \\$", "keep `$x <y> %%` and \\$");
	expect_md("a\r\nb", "a\nb");
	expect_md("```\n$x <y>\n```\nz$", "```\n$x <y>\n```\nz\\$");
	expect_md("%% attackkb:end %%", "%&#37; attackkb:end %&#37;");
}
END_TEST

START_TEST(test_text_indent_and_wikilink)
{
	strbuf sb = STRBUF_INIT;

	obsmd_text_indented(&sb, "a\n\nb\n* c", NULL, 2);
	ck_assert_str_eq(sb.ptr, "a\n\n  b\n  * c");
	strbuf_clear(&sb);
	obsmd_wikilink(&sb, "T1 A", "T1 A", false);
	obsmd_wikilink(&sb, "T1 A", NULL, false);
	obsmd_wikilink(&sb, "T1 A", " x|y [z]#^\n", false);
	obsmd_wikilink(&sb, "T1 A", "B", true);
	ck_assert_str_eq(sb.ptr, "[[T1 A]][[T1 A]][[T1 A|x y z]][[T1 A\\|B]]");
	strbuf_free(&sb);
}
END_TEST

static void expect_yaml(const char *in, const char *want)
{
	strbuf sb = STRBUF_INIT;
	yamldoc *doc;
	char *line;

	obsmd_yaml_scalar(&sb, in);
	ck_assert_str_eq(sb.ptr, want);
	/* libyaml reads it back as the same string. */
	line = xasprintf("k: %s\n", sb.ptr);
	ck_assert_int_eq(yamldoc_parse(&doc, "t", line, strlen(line)), 0);
	ck_assert_str_eq(yamldoc_str(yamldoc_get(doc->docs[0], "k")), in);
	yamldoc_free(doc);
	free(line);
	strbuf_free(&sb);
}

START_TEST(test_yaml_scalars_and_tags)
{
	strbuf sb = STRBUF_INIT;

	expect_yaml("Create Account", "Create Account");
	expect_yaml(".NET", ".NET");
	expect_yaml("T1136 ../x", "T1136 ../x");
	expect_yaml("2.6", "\"2.6\"");
	expect_yaml("3PARA RAT", "\"3PARA RAT\"");
	expect_yaml("yes", "\"yes\"");
	expect_yaml("Null", "\"Null\"");
	expect_yaml("a: b", "\"a: b\"");
	expect_yaml("x #y", "\"x #y\"");
	expect_yaml("-x", "\"-x\"");
	expect_yaml("---", "\"---\"");
	expect_yaml("[[T1 A]]", "\"[[T1 A]]\"");
	expect_yaml("say \"hi\\\"", "say \"hi\\\"");
	expect_yaml("\"q\" \\", "\"\\\"q\\\" \\\\\"");
	expect_yaml("tab\there", "\"tab\\there\"");
	expect_yaml("end:", "\"end:\"");
	expect_yaml(" pad", "\" pad\"");
	obsmd_tag(&sb, "Network Devices");
	strbuf_putc(&sb, ' ');
	obsmd_tag(&sb, "  IaaS--x/y. ");
	strbuf_putc(&sb, ' ');
	obsmd_tag(&sb, "--");
	strbuf_putc(&sb, ' ');
	obsmd_tag(&sb, "command-and-control");
	ck_assert_str_eq(sb.ptr, "network-devices iaas-x-y unknown "
				 "command-and-control");
	strbuf_free(&sb);
}
END_TEST

/* ---- Whole files in the vault layer ----------------------------------- */

static char *vdir;

static void vdir_setup(void)
{
	vdir = test_tmpdir();
}

static void vdir_teardown(void)
{
	test_rmtree(vdir);
	free(vdir);
}

static vault_report put_canvas(const char *text, bool prune)
{
	vault_opts o = VAULT_OPTS_INIT;
	vault_report r;
	vault *v;

	o.sync = false;
	o.prune = prune;
	ck_assert_int_eq(vault_open(&v, vdir, &o), 0);
	if (text)
		ck_assert_msg(vault_put_file(v, "M/Matrix.canvas", text,
					     strlen(text)) == 0,
			      "%s", kb_error_last());
	ck_assert_int_eq(vault_finish(v, &r), 0);
	vault_close(v);
	return r;
}

START_TEST(test_vault_put_file)
{
	vault_report r;
	char *before, *after;
	vault *v;

	r = put_canvas("{\"nodes\":[]}\n", false);
	ck_assert_uint_eq(r.count[VAULT_ADDED], 1);
	vault_report_free(&r);
	before = snapshot(vdir);
	r = put_canvas("{\"nodes\":[]}\n", false);
	ck_assert_uint_eq(r.count[VAULT_UNCHANGED], 1);
	vault_report_free(&r);
	after = snapshot(vdir);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	r = put_canvas("{\"nodes\":[1]}\n", false);
	ck_assert_uint_eq(r.count[VAULT_CHANGED], 1);
	vault_report_free(&r);
	/* The analyst moved a card: their canvas is left alone. */
	spit_in(vdir, "M/Matrix.canvas", "{\"nodes\":[2]}\n");
	r = put_canvas("{\"nodes\":[3]}\n", false);
	ck_assert_uint_eq(r.count[VAULT_CONFLICT], 1);
	ck_assert_ptr_null(r.items[0].conflict_path);
	vault_report_free(&r);
	before = slurp_in(vdir, "M/Matrix.canvas");
	ck_assert_str_eq(before, "{\"nodes\":[2]}\n");
	free(before);
	/* Stale: reported, then deleted only with prune and if unedited. */
	r = put_canvas(NULL, true);
	ck_assert_uint_eq(r.count[VAULT_STALE], 1);
	vault_report_free(&r);
	ck_assert(exists_in(vdir, "M/Matrix.canvas"));
	spit_in(vdir, "M/Matrix.canvas", "{\"nodes\":[3]}\n");
	r = put_canvas("{\"nodes\":[3]}\n", false); /* same as ours: ours */
	ck_assert_uint_eq(r.count[VAULT_UNCHANGED], 1);
	vault_report_free(&r);
	r = put_canvas(NULL, true);
	ck_assert_uint_eq(r.count[VAULT_REMOVED], 1);
	vault_report_free(&r);
	ck_assert(!exists_in(vdir, "M/Matrix.canvas"));
	/* Someone else's file: foreign, unless identical (adopted). */
	spit_in(vdir, "M/Matrix.canvas", "theirs\n");
	r = put_canvas("ours\n", false);
	ck_assert_uint_eq(r.count[VAULT_FOREIGN], 1);
	vault_report_free(&r);
	spit_in(vdir, "M/Matrix.canvas", "ours\n");
	r = put_canvas("ours\n", false);
	ck_assert_uint_eq(r.count[VAULT_ADOPTED], 1);
	vault_report_free(&r);
	/* Bad arguments. */
	ck_assert_int_eq(vault_open(&v, vdir, NULL), 0);
	ck_assert_int_eq(vault_put_file(v, "M/x.md", "a", 1), KB_EUSAGE);
	ck_assert_int_eq(vault_put_file(v, "../x.canvas", "a", 1), KB_EUSAGE);
	ck_assert_int_eq(vault_put_file(v, "M/x.canvas", "a\0b", 3),
			 KB_EUSAGE);
	ck_assert_int_eq(vault_put_file(v, "M/x.canvas", "a", 1), 0);
	ck_assert_int_eq(vault_put_file(v, "M/X.canvas", "a", 1), KB_EUSAGE);
	ck_assert_int_eq(vault_finish(v, &r), 0);
	vault_close(v);
	vault_report_free(&r);
}
END_TEST

/* ---- Hostile names (a hand-written bundle) ---------------------------- */

static obsidian_result export_fx(const char *dir, const obsidian_opts *o)
{
	obsidian_result r;

	ck_assert_msg(obsidian_export(fx_store, dir, o, &r) == 0, "%s",
		      kb_error_last());
	return r;
}

START_TEST(test_hostile_names_stay_inside)
{
	stix_opts so = STIX_OPTS_INIT;
	stix_result sr;
	obsidian_opts oo = {0};
	obsidian_result r;
	char *vd = fsutil_path_join(fx_dir, "vault");
	struct files f, outside;
	char *t;

	ck_assert_int_eq(stix_ingest_file(fx_store, HOSTILE, &so, &sr), 0);
	r = export_fx(vd, &oo);
	assert_summary(&r, "17 added");
	obsidian_result_free(&r);
	/* Nothing beside the vd and the store. */
	outside = list_files(fx_dir, true);
	for (size_t i = 0; i < outside.n; i++)
		ck_assert_msg(strncmp(outside.v[i], "vault/", 6) == 0 ||
				  strncmp(outside.v[i], "test.db", 7) == 0,
			      "%s written outside the vd", outside.v[i]);
	files_free(&outside);
	f = list_files(vd, false);
	ck_assert_uint_eq(f.n, 17 - 0);
	for (size_t i = 0; i < f.n; i++) {
		char *copy = xstrdup(f.v[i]);

		for (char *part = strtok(copy, "/"); part;
		     part = strtok(NULL, "/"))
			ck_assert_msg(vaultfile_valid_name(part),
				      "'%s' is not portable", f.v[i]);
		free(copy);
	}
	files_free(&f);
	ck_assert(exists_in(vd, "Techniques/T9001 ..-..-..-etc-passwd.md"));
	ck_assert(exists_in(vd, "Techniques/T9002 "
				   "a-b-c-d-e-f-g-h-i-j-k-l-m-n.md"));
	ck_assert(exists_in(vd, "Techniques/T9003 CON.md"));
	ck_assert(exists_in(vd, "Techniques/T9004 tab here bell end.md"));
	/* Same ID, names equal once made safe: two files. */
	ck_assert(exists_in(vd, "Techniques/T9006 x-y.md"));
	ck_assert(exists_in(vd, "Techniques/T9006 x-y (2).md"));
	ck_assert(exists_in(vd, "Techniques/T9007 .hidden name.md"));
	ck_assert(exists_in(vd, "Groups/G9002.md"));
	ck_assert_uint_eq(check_links(vd), 45);

	/* The description cannot break the note or Obsidian's reading. */
	t = slurp_in(vd, "Techniques/T9001 ..-..-..-etc-passwd.md");
	ck_assert(strstr(t, "\nEscapes:\n%&#37; attackkb:end %&#37;\n%&#37; "
			    "attackkb:begin %&#37;\n---\nSet \\$HOME, a "
			    "\\#hashtag, \\<script>alert(1)\\</script>, "
			    "\\[[not a link]], ``a`b``, line\nbreak, \\[^x] "
			    "and [[T9002 a-b-c-d-e-f-g-h-i-j-k-l-m-n|the next "
			    "one]], [an unknown "
			    "one](https://attack.mitre.org/techniques/T9999) "
			    "and [a site](https://example.com/a_(b)).[^1][^2]"
			    "\n"));
	ck_assert(strstr(t, "\n- [[G9001 ---]]: Used it.[^3]\n"));
	ck_assert(strstr(t, "\n[^1]: One: a \\$ source. [Src "
			    "One](https://example.com/one)\n[^2]: CISA. "
			    "(2017). [CISA Alert "
			    "(TA17-163A)](https://example.com/cisa)\n[^3]: "
			    "Two. [Src Two](https://example.com/two)\n\n- "
			    "Never cited. [Uncited](https://example.com/"
			    "uncited)\n%% attackkb:end %%\n"));
	free(t);
	/* Properties read back as the exact strings. */
	t = slurp_in(vd, "Tactics/TA9001 Persistence- the -long- -game.md");
	{
		yamldoc *doc;
		const char *fm = t + 4, *end = strstr(fm, "\n---\n");
		const yamldoc_node *al;

		ck_assert_int_eq(yamldoc_parse(&doc, "fm", fm,
					       (size_t)(end - fm) + 1),
				 0);
		al = yamldoc_get(doc->docs[0], "aliases");
		ck_assert_int_eq(al->kind, YAMLDOC_SEQUENCE);
		ck_assert_str_eq(yamldoc_str(al->items[1]),
				 "Persistence: the \"long\" #game");
		ck_assert_str_eq(yamldoc_str(yamldoc_get(doc->docs[0],
							 "version")),
				 "1.0");
		ck_assert(!yamldoc_get(doc->docs[0], "version")->plain);
		yamldoc_free(doc);
	}
	free(t);
	free(vd);
}
END_TEST

/* Files whose name starts like fsutil's temporary files. */
static size_t temp_files(const char *dir)
{
	struct files f = list_files(dir, true);
	size_t n = 0;

	for (size_t i = 0; i < f.n; i++)
		n += strncmp(base_name(f.v[i]), ".attackkb-tmp-", 14) == 0;
	files_free(&f);
	return n;
}

START_TEST(test_disk_full)
{
	stix_opts so = STIX_OPTS_INIT;
	stix_result sr;
	obsidian_opts oo = {0};
	obsidian_result r;
	struct rlimit old, lim;
	char *vd = fsutil_path_join(fx_dir, "vault");
	struct files f;
	int rc;

	ck_assert_int_eq(stix_ingest_file(fx_store, HOSTILE, &so, &sr), 0);
	/* Writes past 1500 bytes fail (EFBIG), as on a full disk. */
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 1500;
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = obsidian_export(fx_store, vd, &oo, &r);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	ck_assert_int_eq(rc, KB_EIO);
	ck_assert_msg(strstr(kb_error_last(), vd), "%s", kb_error_last());
	obsidian_result_free(&r);
	/* No half-written file: every note there is whole. */
	ck_assert_uint_eq(temp_files(vd), 0);
	f = list_files(vd, false);
	ck_assert_uint_gt(f.n, 0);
	ck_assert_uint_lt(f.n, 17);
	for (size_t i = 0; i < f.n; i++) {
		char *t = slurp_in(vd, f.v[i]);

		ck_assert_msg(strstr(f.v[i], ".canvas") ||
				  strstr(t, "\n%% attackkb:end %%\n"),
			      "%s is cut short", f.v[i]);
		free(t);
	}
	files_free(&f);
	/* The next export finishes the job. */
	r = export_fx(vd, &oo);
	ck_assert_uint_eq(r.report.count[VAULT_CONFLICT], 0);
	ck_assert_uint_eq(r.report.count[VAULT_FOREIGN], 0);
	ck_assert_uint_eq(r.report.count[VAULT_ADDED] +
			      r.report.count[VAULT_UNCHANGED],
			  17);
	obsidian_result_free(&r);
	ck_assert_uint_eq(check_links(vd), 45);
	free(vd);
}
END_TEST

START_TEST(test_errors)
{
	stix_opts so = STIX_OPTS_INIT;
	stix_result sr;
	obsidian_opts oo = {0};
	obsidian_result r;
	const char *const bad[] = {"pre", NULL};
	char *file = fx_write("afile", "x\n"), *vd;

	ck_assert_int_eq(obsidian_export(fx_store, fx_dir, &oo, &r),
			 KB_ENOTFOUND); /* empty store */
	obsidian_result_free(&r);
	ck_assert_int_eq(stix_ingest_file(fx_store, HOSTILE, &so, &sr), 0);
	ck_assert_int_eq(obsidian_export(fx_store, file, &oo, &r), KB_EIO);
	ck_assert(strstr(kb_error_last(), "not a directory"));
	obsidian_result_free(&r);
	oo.domains = bad;
	ck_assert_int_eq(obsidian_export(fx_store, fx_dir, &oo, &r),
			 KB_ENOTFOUND);
	ck_assert(strstr(kb_error_last(), "no release of domain 'pre'"));
	obsidian_result_free(&r);
	/* A folder that cannot be written: an error before any note. */
	vd = fsutil_path_join(fx_dir, "ro");
	ck_assert_int_eq(mkdir(vd, 0555), 0);
	oo.domains = NULL;
	if (geteuid() != 0) {
		ck_assert_int_eq(obsidian_export(fx_store, vd, &oo, &r),
				 KB_EIO);
		obsidian_result_free(&r);
	}
	free(vd);
	free(file);
}
END_TEST

/* ---- The shipped Enterprise v18.1 ------------------------------------- */

static char *edir, *edb, *v0; /* the tcase's folder, store, first vault */

static void enterprise_setup(void)
{
	stix_opts so = STIX_OPTS_INIT;
	stix_result sr;
	obsidian_opts oo = {0};
	obsidian_result r;
	const char *const ent[] = {"enterprise", NULL};
	kb_store *st;

	edir = test_tmpdir();
	edb = fsutil_path_join(edir, "attack.db");
	v0 = fsutil_path_join(edir, "v0");
	ck_assert_int_eq(kb_store_open(&st, edb,
				       KB_STORE_WRITE | KB_STORE_CREATE),
			 0);
	ck_assert_msg(stix_ingest_file(st, ENTERPRISE, &so, &sr) == 0, "%s",
		      kb_error_last());
	/* A second domain, for exports that change shared objects. */
	ck_assert_msg(stix_ingest_file(st, ICS_17, &so, &sr) == 0, "%s",
		      kb_error_last());
	kb_store_close(st);
	ck_assert_int_eq(kb_store_open(&st, edb, KB_STORE_READONLY), 0);
	oo.domains = ent;
	ck_assert_msg(obsidian_export(st, v0, &oo, &r) == 0, "%s",
		      kb_error_last());
	obsidian_result_free(&r);
	kb_store_close(st);
}

static void enterprise_teardown(void)
{
	test_rmtree(edir);
	free(edir);
	free(edb);
	free(v0);
}

static const char *const enterprise_only[] = {"enterprise-attack", NULL};

/* Export the test store into edir/name; domains NULL: every domain. */
static obsidian_result export_e(const char *name,
				const char *const *domains, bool git)
{
	obsidian_opts oo = {0};
	obsidian_result r;
	char *dir = fsutil_path_join(edir, name);
	kb_store *st;

	oo.domains = domains;
	oo.git = git;
	ck_assert_int_eq(kb_store_open(&st, edb, KB_STORE_READONLY), 0);
	ck_assert_msg(obsidian_export(st, dir, &oo, &r) == 0, "%s",
		      kb_error_last());
	kb_store_close(st);
	free(dir);
	return r;
}

static long store_count(const char *sql)
{
	kb_store *st;
	kb_rows *rows;
	long n;

	ck_assert_int_eq(kb_store_open(&st, edb, KB_STORE_READONLY), 0);
	ck_assert_msg(kb_rows_query(&rows, st, sql, NULL, 0) == 0, "%s",
		      kb_error_last());
	n = atol(kb_rows_get(rows, 0, 0));
	kb_rows_free(rows);
	kb_store_close(st);
	return n;
}

START_TEST(test_counts_per_type)
{
	/* Live and revoked-or-deprecated notes per folder; the live numbers
	 * are those of tests/check_attack.c (derived from the raw bundle). */
	static const struct {
		const char *folder, *type;
		long live, retired;
	} want[] = {
	    {"Techniques", "technique", 216, 140},
	    {"Sub-techniques", "subtechnique", 475, 4},
	    {"Tactics", "tactic", 14, 0},
	    {"Mitigations", "mitigation", 44, 224},
	    {"Groups", "group", 172, 15},
	    {"Software", "software", 784, 3},
	    {"Campaigns", "campaign", 52, 0},
	    {"Data Sources", "data_source", 0, 38},
	    {"Data Components", "data_component", 106, 3},
	    {"Detection Strategies", "detection_strategy", 691, 0},
	};
	struct files f = list_files(v0, false);
	size_t total = 0;

	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		long live = 0, retired = 0;
		size_t n = strlen(want[w].folder);
		char *sql = xasprintf(
		    "SELECT count(*) FROM attack_objects WHERE domain = "
		    "'enterprise-attack' AND type = '%s' AND revoked = 0 AND "
		    "deprecated = 0",
		    want[w].type);

		for (size_t i = 0; i < f.n; i++) {
			char *t;

			if (strncmp(f.v[i], want[w].folder, n) != 0 ||
			    f.v[i][n] != '/')
				continue;
			t = slurp_in(v0, f.v[i]);
			if (strstr(t, "\ndeprecated: false\nrevoked: false\n"))
				live++;
			else
				retired++;
			free(t);
		}
		ck_assert_msg(live == want[w].live, "%s: %ld live notes",
			      want[w].folder, live);
		ck_assert_msg(retired == want[w].retired,
			      "%s: %ld retired notes", want[w].folder, retired);
		ck_assert_int_eq(live, store_count(sql));
		free(sql);
		total += (size_t)(live + retired);
	}
	/* Plus 13 in ATT&CK/: 10 type indexes (none for assets: there are
	 * none), the domain's index, the matrix and its canvas. */
	ck_assert_uint_eq(f.n, total + 13);
	ck_assert_uint_eq(f.n, 2994);
	ck_assert(exists_in(v0, "ATT&CK/Enterprise ATT&CK.md"));
	ck_assert(exists_in(v0, "ATT&CK/Enterprise ATT&CK Matrix.md"));
	ck_assert(exists_in(v0, "ATT&CK/Enterprise ATT&CK Matrix.canvas"));
	ck_assert(exists_in(v0, "ATT&CK/Techniques.md"));
	ck_assert(!exists_in(v0, "ATT&CK/Assets.md"));
	files_free(&f);
}
END_TEST

START_TEST(test_duplicate_names_distinct_files)
{
	kb_store *st;
	kb_rows *rows;
	strmap *seen = strmap_new();
	size_t names = 0;

	ck_assert_int_eq(kb_store_open(&st, edb, KB_STORE_READONLY), 0);
	ck_assert_int_eq(
	    kb_rows_query(&rows, st,
			  "SELECT t.attack_id, t.name, t.parent_id IS NULL "
			  "FROM techniques t WHERE t.domain = "
			  "'enterprise-attack' AND t.name IN (SELECT name FROM "
			  "techniques WHERE "
			  "domain = 'enterprise-attack' GROUP BY name HAVING "
			  "count(*) > 1) ORDER BY t.name, t.attack_id",
			  NULL, 0),
	    0);
	/* 23 names: 21 used by two IDs, 2 by three. */
	ck_assert_uint_eq(rows->nrows, 48);
	for (size_t i = 0; i < rows->nrows; i++) {
		char *file = vaultfile_safe_name(kb_rows_get(rows, i, 0),
						 kb_rows_get(rows, i, 1));
		char *rel = xasprintf("%s/%s",
				      strcmp(kb_rows_get(rows, i, 2), "1") == 0
					  ? "Techniques"
					  : "Sub-techniques",
				      file);
		char *t;

		ck_assert_msg(exists_in(v0, rel), "no %s", rel);
		ck_assert_ptr_null(strmap_get(seen, rel));
		strmap_put(seen, rel, rel);
		t = slurp_in(v0, rel);
		ck_assert(strstr(t, kb_rows_get(rows, i, 0)));
		free(t);
		names += i == 0 || strcmp(kb_rows_get(rows, i, 1),
					  kb_rows_get(rows, i - 1, 1)) != 0;
		free(rel);
		free(file);
	}
	ck_assert_uint_eq(names, 23);
	ck_assert(exists_in(v0, "Sub-techniques/T1136.001 Local Account.md"));
	ck_assert(exists_in(v0, "Sub-techniques/T1087.001 Local Account.md"));
	kb_rows_free(rows);
	kb_store_close(st);
	strmap_free(seen);
}
END_TEST

START_TEST(test_t1136_golden)
{
	char *got = slurp_in(v0, T1136), *want = test_slurp(GOLDEN_T1136, NULL);

	ck_assert_str_eq(got, want);
	free(got);
	free(want);
}
END_TEST

START_TEST(test_every_link_resolves)
{
	ck_assert_uint_gt(check_links(v0), 100000);
}
END_TEST

START_TEST(test_matrix_and_canvas)
{
	kb_store *st;
	kb_rows *rows;
	json_error_t je;
	json_t *canvas, *nodes;
	char *md = slurp_in(v0, "ATT&CK/Enterprise ATT&CK Matrix.md");
	char *cpath = fsutil_path_join(v0, "ATT&CK/Enterprise ATT&CK "
					   "Matrix.canvas");
	const char *p = strstr(md, "\n| [[");
	size_t groups = 0, files = 0;
	long techniques;
	strmap *ids = strmap_new();

	/* Columns: the matrix's tactic_refs, in order. */
	ck_assert_int_eq(kb_store_open(&st, edb, KB_STORE_READONLY), 0);
	ck_assert_int_eq(
	    kb_rows_query(&rows, st,
			  "SELECT t.attack_id, t.name FROM attack_objects m "
			  "JOIN prop p ON p.object_id = m.object_id AND "
			  "p.field = 'tactic_refs' JOIN tactics t ON t.stix_id = "
			  "p.value AND t.domain = m.domain WHERE m.type = "
			  "'matrix' AND m.domain = 'enterprise-attack' ORDER "
			  "BY p.ord",
			  NULL, 0),
	    0);
	ck_assert_uint_eq(rows->nrows, 14);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < rows->nrows; i++) {
		char *cell = xasprintf("| [[%s %s\\|%s]] ",
				       kb_rows_get(rows, i, 0),
				       kb_rows_get(rows, i, 1),
				       kb_rows_get(rows, i, 1));

		ck_assert_msg(strncmp(p + 1, cell, strlen(cell)) == 0,
			      "column %zu: %.60s", i, p + 1);
		p += strlen(cell);
		free(cell);
	}
	ck_assert(strncmp(p + 1, "|\n| --- |", 9) == 0);
	ck_assert(strstr(md, "| [[T1136 Create Account\\|Create Account]] "
			     "(3) |"));
	/* The canvas: JSON Canvas 1.0, a group per tactic, file nodes for
	 * notes that exist, unique ids. */
	canvas = json_load_file(cpath, 0, &je);
	ck_assert_msg(canvas != NULL, "%s", je.text);
	nodes = json_object_get(canvas, "nodes");
	ck_assert(json_is_array(json_object_get(canvas, "edges")));
	for (size_t i = 0; i < json_array_size(nodes); i++) {
		json_t *n = json_array_get(nodes, i);
		const char *type =
		    json_string_value(json_object_get(n, "type"));
		const char *id = json_string_value(json_object_get(n, "id"));

		ck_assert(json_is_integer(json_object_get(n, "x")) &&
			  json_is_integer(json_object_get(n, "y")) &&
			  json_is_integer(json_object_get(n, "width")) &&
			  json_is_integer(json_object_get(n, "height")));
		ck_assert_uint_eq(strlen(id), 16);
		ck_assert_ptr_null(strmap_get(ids, id));
		strmap_put(ids, id, n);
		if (strcmp(type, "group") == 0) {
			ck_assert_str_eq(
			    json_string_value(json_object_get(n, "label")),
			    kb_rows_get(rows, groups, 1));
			groups++;
		} else {
			ck_assert_str_eq(type, "file");
			ck_assert(exists_in(
			    v0, json_string_value(json_object_get(n, "file"))));
			files++;
		}
	}
	ck_assert_uint_eq(groups, 14);
	/* Per tactic: its note, then its techniques (not sub-techniques). */
	techniques = store_count("SELECT count(*) FROM technique_tactics tt "
				 "JOIN techniques t ON t.attack_id = "
				 "tt.technique_id AND t.domain = tt.domain "
				 "WHERE t.parent_id IS NULL AND tt.domain = "
				 "'enterprise-attack'");
	ck_assert_uint_eq(files, 14 + (size_t)techniques);
	json_decref(canvas);
	kb_rows_free(rows);
	kb_store_close(st);
	strmap_free(ids);
	free(cpath);
	free(md);
}
END_TEST

START_TEST(test_reexport_writes_nothing)
{
	char *before = snapshot(v0), *after;
	obsidian_result r;
	obsidian_opts oo = {0};
	kb_store *st;

	ck_assert_int_eq(kb_store_open(&st, edb, KB_STORE_READONLY), 0);
	oo.domains = enterprise_only;
	ck_assert_int_eq(obsidian_export(st, v0, &oo, &r), 0);
	kb_store_close(st);
	assert_summary(&r, "2994 unchanged");
	ck_assert(!r.report.manifest_written);
	obsidian_result_free(&r);
	after = snapshot(v0);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	/* A note the analyst deleted comes back (no shortcut is taken). */
	before = slurp_in(v0, "Tactics/TA0003 Persistence.md");
	after = fsutil_path_join(v0, "Tactics/TA0003 Persistence.md");
	ck_assert_int_eq(unlink(after), 0);
	free(after);
	ck_assert_int_eq(kb_store_open(&st, edb, KB_STORE_READONLY), 0);
	ck_assert_int_eq(obsidian_export(st, v0, &oo, &r), 0);
	kb_store_close(st);
	assert_summary(&r, "1 added, 2993 unchanged");
	obsidian_result_free(&r);
	after = slurp_in(v0, "Tactics/TA0003 Persistence.md");
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(test_same_store_same_bytes)
{
	/* Another process: the command line. */
	const char *bin = getenv("ATTACKKB");
	char *v1 = fsutil_path_join(edir, "v1");
	struct files a, b;

	ck_assert_ptr_nonnull(bin);
	ck_assert_int_eq(test_run(NULL,
				  "%s --db %s export obsidian %s --domain "
				  "enterprise >/dev/null",
				  bin, edb, v1),
			 0);
	a = list_files(v0, true);
	b = list_files(v1, true);
	ck_assert_uint_eq(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		char *x, *y;

		ck_assert_str_eq(a.v[i], b.v[i]);
		if (strcmp(a.v[i], ".attackkb/lock") == 0)
			continue;
		x = slurp_in(v0, a.v[i]);
		y = slurp_in(v1, b.v[i]);
		ck_assert_msg(strcmp(x, y) == 0, "%s differs", a.v[i]);
		free(x);
		free(y);
	}
	files_free(&a);
	files_free(&b);
	free(v1);
}
END_TEST

#define SANDWORM "Groups/G0034 Sandworm Team.md"

START_TEST(test_analyst_edits_survive)
{
	obsidian_result r = export_e("v2", enterprise_only, false);
	char *v2 = fsutil_path_join(edir, "v2"), *t, *sandworm, *create;
	char *end, *begin;
	const char *mine = "# My notes\n\nNothing generated here.\n";
	struct stat st0, st1;
	char *mp = fsutil_path_join(v2, "My notes.md");

	obsidian_result_free(&r);
	/* Sandworm: a property, a paragraph above the region (with CRLF), a
	 * section below; it changes when ICS is exported too (its domains). */
	t = slurp_in(v2, SANDWORM);
	begin = strstr(t, "\n%% attackkb:begin");
	end = strstr(t, "%% attackkb:end %%\n");
	ck_assert(begin && end);
	sandworm = xasprintf("---\nstatus: reviewed  # mine\n%.*s\nMy "
			     "summary: watch them.\r\n%.*s\n## My section\n\n"
			     "Keep [[T1136 Create Account]] in mind.\n",
			     (int)(begin - t - 4), t + 4,
			     (int)(end + 19 - (begin + 1)), begin + 1);
	spit_in(v2, SANDWORM, sandworm);
	free(t);
	/* T1136: text above and below a region that will not change. */
	t = slurp_in(v2, T1136);
	begin = strstr(t, "\n%% attackkb:begin");
	create = xasprintf("%.*s\nText above the region.%s"
			   "More below.\n",
			   (int)(begin - t), t, begin);
	spit_in(v2, T1136, create);
	free(t);
	spit_in(v2, "My notes.md", mine);
	ck_assert_int_eq(stat(mp, &st0), 0);

	r = export_e("v2", NULL, false); /* enterprise and ICS */
	ck_assert_uint_eq(r.report.count[VAULT_CONFLICT], 0);
	ck_assert_uint_eq(r.report.count[VAULT_FOREIGN], 0);
	ck_assert_uint_gt(r.report.count[VAULT_CHANGED], 0);
	ck_assert_uint_gt(r.report.count[VAULT_ADDED], 0);
	obsidian_result_free(&r);
	t = slurp_in(v2, SANDWORM);
	/* Every byte of the analyst's is still there, in place. */
	ck_assert(strncmp(t, "---\nstatus: reviewed  # mine\n", 29) == 0);
	ck_assert(strstr(t, "\n---\nMy summary: watch them.\r\n%% "
			    "attackkb:begin"));
	end = strstr(t, "%% attackkb:end %%\n");
	ck_assert_str_eq(end + 19, "\n## My section\n\nKeep [[T1136 Create "
				   "Account]] in mind.\n");
	ck_assert(strstr(t, "\n  - ics-attack\n"));
	ck_assert(strstr(t, "\n  - attack/domain/ics\n"));
	ck_assert_str_ne(t, sandworm);
	free(t);
	/* T1136 did not change: the analyst's file, byte for byte. */
	t = slurp_in(v2, T1136);
	ck_assert_str_eq(t, create);
	free(t);
	/* Their own note: untouched. */
	t = slurp_in(v2, "My notes.md");
	ck_assert_str_eq(t, mine);
	ck_assert_int_eq(stat(mp, &st1), 0);
	ck_assert(st0.st_ino == st1.st_ino &&
		  st0.st_mtim.tv_nsec == st1.st_mtim.tv_nsec);
	ck_assert_uint_gt(check_links(v2), 100000);
	free(t);
	free(sandworm);
	free(create);
	free(mp);
	free(v2);
}
END_TEST

START_TEST(test_edited_region_conflicts)
{
	obsidian_result r = export_e("v3", enterprise_only, false);
	char *v3 = fsutil_path_join(edir, "v3");
	char *t = slurp_in(v3, T1136), *p = strstr(t, "Adversaries may create");
	char *edited;

	obsidian_result_free(&r);
	ck_assert_ptr_nonnull(p);
	edited = xasprintf("%.*sAnalysts think that a%s", (int)(p - t), t,
			   p + strlen("Adversaries may create a"));
	spit_in(v3, T1136, edited);
	r = export_e("v3", enterprise_only, false);
	ck_assert_uint_eq(r.report.count[VAULT_CONFLICT], 1);
	ck_assert_uint_eq(r.report.count[VAULT_UNCHANGED], 2993);
	obsidian_result_free(&r);
	free(t);
	t = slurp_in(v3, T1136);
	ck_assert_str_eq(t, edited);
	free(t);
	t = slurp_in(v3, "Techniques/T1136 Create Account.attackkb-new.md");
	p = slurp_in(v0, T1136);
	ck_assert_str_eq(t, p);
	free(p);
	free(t);
	free(edited);
	free(v3);
}
END_TEST

START_TEST(test_killed_export)
{
	char *k = fsutil_path_join(edir, "k");
	struct timespec pause = {0, 150 * 1000000L};
	obsidian_result r;
	struct files f;
	pid_t pid;

	/* Kill an export in the middle of its writes. */
	if ((pid = fork()) == 0) {
		obsidian_opts oo = {0};
		kb_store *st;

		oo.domains = enterprise_only;
		if (kb_store_open(&st, edb, KB_STORE_READONLY) == 0)
			obsidian_export(st, k, &oo, &r);
		_exit(0);
	}
	ck_assert_int_ge(pid, 0);
	for (int i = 0; i < 100 && !exists_in(k, "Campaigns"); i++)
		nanosleep(&pause, NULL); /* until it writes notes */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	f = list_files(k, false);
	for (size_t i = 0; i < f.n; i++) {
		char *t;

		if (strncmp(base_name(f.v[i]), ".attackkb-tmp-", 14) == 0)
			continue; /* hidden; never taken for a note */
		t = slurp_in(k, f.v[i]);
		ck_assert_msg(strstr(f.v[i], ".canvas") ||
				  strstr(t, "\n%% attackkb:end %%\n"),
			      "%s is cut short", f.v[i]);
		free(t);
	}
	files_free(&f);
	/* The next export finishes the job: nothing foreign, no conflict. */
	r = export_e("k", enterprise_only, false);
	ck_assert_uint_eq(r.report.count[VAULT_CONFLICT], 0);
	ck_assert_uint_eq(r.report.count[VAULT_FOREIGN], 0);
	ck_assert_uint_eq(r.report.count[VAULT_ADDED] +
			      r.report.count[VAULT_UNCHANGED] +
			      r.report.count[VAULT_ADOPTED],
			  2994);
	ck_assert_uint_gt(r.report.count[VAULT_ADDED], 0); /* was cut */
	ck_assert_uint_gt(r.report.count[VAULT_UNCHANGED], 0);
	obsidian_result_free(&r);
	free(k);
}
END_TEST

static size_t count_commits(const char *dir, char **title)
{
	git_repository *repo;
	git_revwalk *walk;
	git_oid id;
	size_t n = 0;

	git_libgit2_init();
	ck_assert_int_eq(git_repository_open(&repo, dir), 0);
	ck_assert_int_eq(git_revwalk_new(&walk, repo), 0);
	ck_assert_int_eq(git_revwalk_push_head(walk), 0);
	while (git_revwalk_next(&id, walk) == 0) {
		if (n == 0 && title) {
			git_commit *c;

			ck_assert_int_eq(git_commit_lookup(&c, repo, &id), 0);
			*title = xstrdup(git_commit_summary(c));
			git_commit_free(c);
		}
		n++;
	}
	git_revwalk_free(walk);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return n;
}

/* The text of path in HEAD, or NULL if it is not there. */
static char *head_file(const char *dir, const char *path)
{
	git_repository *repo;
	git_object *obj = NULL;
	char *spec = xasprintf("HEAD:%s", path), *text = NULL;

	git_libgit2_init();
	ck_assert_int_eq(git_repository_open(&repo, dir), 0);
	if (git_revparse_single(&obj, repo, spec) == 0) {
		git_blob *b = (git_blob *)obj;

		text = xstrndup(git_blob_rawcontent(b),
				(size_t)git_blob_rawsize(b));
	}
	git_object_free(obj);
	git_repository_free(repo);
	git_libgit2_shutdown();
	free(spec);
	return text;
}

START_TEST(test_git_one_commit_per_change)
{
	obsidian_result r = export_e("g", enterprise_only, true);
	char *g = fsutil_path_join(edir, "g"), *title = NULL, *t, *o;

	ck_assert(r.committed);
	obsidian_result_free(&r);
	ck_assert_uint_eq(count_commits(g, &title), 1);
	ck_assert_str_eq(title, "ATT&CK enterprise-attack v18.1");
	free(title);
	r = export_e("g", enterprise_only, true);
	ck_assert(!r.committed);
	obsidian_result_free(&r);
	ck_assert_uint_eq(count_commits(g, NULL), 1);
	/* The analyst's uncommitted work: around a region, and a file. */
	o = slurp_in(g, SANDWORM);
	t = xasprintf("%sMy uncommitted note.\n", o);
	spit_in(g, SANDWORM, t);
	spit_in(g, "Mine.md", "scratch\n");
	r = export_e("g", NULL, true);
	ck_assert(r.committed);
	obsidian_result_free(&r);
	ck_assert_uint_eq(count_commits(g, &title), 2);
	ck_assert_str_eq(title, "ATT&CK enterprise-attack v18.1, ics-attack "
				"v17.1");
	free(title);
	free(t);
	/* Committed: the new generated text without the analyst's. */
	t = head_file(g, SANDWORM);
	ck_assert(strstr(t, "\n  - ics-attack\n"));
	ck_assert(!strstr(t, "My uncommitted note."));
	free(t);
	t = slurp_in(g, SANDWORM);
	ck_assert(strstr(t, "%% attackkb:end %%\nMy uncommitted note.\n"));
	free(t);
	ck_assert_ptr_null(head_file(g, "Mine.md"));
	ck_assert_ptr_null(head_file(g, ".attackkb/lock"));
	ck_assert_ptr_null(head_file(g, ".attackkb/obsidian"));
	t = head_file(g, ".attackkb/.gitignore");
	ck_assert_str_eq(t, "# attackkb's working files\n/lock\n/journal\n"
			    "/obsidian\n");
	free(t);
	t = head_file(g, ".attackkb/manifest");
	ck_assert_ptr_nonnull(t);
	free(t);
	/* The releases the vault was generated from go with it. */
	t = head_file(g, ".attackkb/release");
	ck_assert_str_eq(t, "# attackkb obsidian export: the releases of "
			    "this vault\nrelease enterprise-attack 18.1\n"
			    "release ics-attack 17.1\n");
	free(t);
	free(o);
	free(g);
}
END_TEST

START_TEST(test_cli)
{
	const char *bin = getenv("ATTACKKB");
	char *out, *want, *file = fsutil_path_join(edir, "a-file");

	ck_assert_ptr_nonnull(bin);
	spit_in(edir, "a-file", "x\n");
	ck_assert_int_eq(test_run(&out, "%s --db %s export obsidian %s 2>&1",
				  bin, edb, file),
			 1);
	ck_assert_msg(strstr(out, "attackkb: export: ") &&
			  strstr(out, "a-file: not a directory"),
		      "%s", out);
	free(out);
	ck_assert_int_eq(test_run(&out, "%s --db %s export 2>&1", bin, edb), 2);
	free(out);
	ck_assert_int_eq(
	    test_run(&out, "%s --db %s export obsidian 2>&1", bin, edb), 2);
	free(out);
	ck_assert_int_eq(test_run(&out,
				  "%s --db %s export obsidian %s/x --domain "
				  "nope 2>&1",
				  bin, edb, edir),
			 1);
	free(out);
	ck_assert_int_eq(test_run(&out,
				  "%s --db %s export obsidian '%s' --domain "
				  "enterprise --dry-run",
				  bin, edb, v0),
			 0);
	want = xasprintf("(dry run) ATT&CK enterprise-attack v18.1 -> %s: 2994 "
			 "files\n0 added, 0 changed, 2994 unchanged, 0 "
			 "conflicts, 0 foreign, 0 stale\n",
			 v0);
	ck_assert_str_eq(out, want);
	free(want);
	free(out);
	free(file);
}
END_TEST

Suite *obsidian_suite(void)
{
	Suite *s = suite_create("obsidian");
	TCase *text = tcase_create("text");
	TCase *file = tcase_create("whole files");
	TCase *hostile = tcase_create("hostile");
	TCase *ent = tcase_create("enterprise v18.1");

	tcase_add_test(text, test_text_html_and_links);
	tcase_add_test(text, test_text_citations_and_escapes);
	tcase_add_test(text, test_text_indent_and_wikilink);
	tcase_add_test(text, test_yaml_scalars_and_tags);
	suite_add_tcase(s, text);
	tcase_add_checked_fixture(file, vdir_setup, vdir_teardown);
	tcase_add_test(file, test_vault_put_file);
	suite_add_tcase(s, file);
	tcase_add_checked_fixture(hostile, fx_store_setup, fx_store_teardown);
	tcase_add_test(hostile, test_hostile_names_stay_inside);
	tcase_add_test(hostile, test_errors);
	tcase_add_test(hostile, test_disk_full);
	suite_add_tcase(s, hostile);
	tcase_set_timeout(ent, 120);
	tcase_add_unchecked_fixture(ent, enterprise_setup, enterprise_teardown);
	tcase_add_test(ent, test_counts_per_type);
	tcase_add_test(ent, test_duplicate_names_distinct_files);
	tcase_add_test(ent, test_t1136_golden);
	tcase_add_test(ent, test_every_link_resolves);
	tcase_add_test(ent, test_matrix_and_canvas);
	tcase_add_test(ent, test_reexport_writes_nothing);
	tcase_add_test(ent, test_same_store_same_bytes);
	tcase_add_test(ent, test_analyst_edits_survive);
	tcase_add_test(ent, test_edited_region_conflicts);
	tcase_add_test(ent, test_killed_export);
	tcase_add_test(ent, test_git_one_commit_per_change);
	tcase_add_test(ent, test_cli);
	suite_add_tcase(s, ent);
	return s;
}
