/* tests/check_vault.c: the vault file layer end to end in a temporary
 * folder: first export, unchanged re-export, analyst edits kept, conflicts,
 * foreign files, stale notes and prune, interruption, errors. */
#include "export/vault.h"
#include "export/vaultfile.h"
#include "export/vaultnote.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"
#include "tests.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const owned[] = {"aliases", "tags", "attack_id", NULL};

#define BEGIN VAULTNOTE_BEGIN "\n"
#define END VAULTNOTE_END "\n"
#define NOTE_A "Techniques/T1136 Create Account.md"
#define NOTE_B "Techniques/T1078 Valid Accounts.md"
#define NOTE_C "Groups/G0007 APT28.md"
#define CONFLICT_A "Techniques/T1136 Create Account.attackkb-new.md"

static char *dir; /* the vault of the current test */

static void setup(void)
{
	dir = test_tmpdir();
}

static void teardown(void)
{
	test_rmtree(dir);
	free(dir);
	dir = NULL;
}

static char *vpath(const char *rel)
{
	return fsutil_path_join(dir, rel);
}

/* The text of a vault file (caller frees). */
static char *slurp(const char *rel)
{
	char *p = vpath(rel), *t = test_slurp(p, NULL);

	free(p);
	return t;
}

/* Write a vault file as an analyst would (creating its folder). */
static void spit(const char *rel, const char *text)
{
	char *p = vpath(rel), *slash = strrchr(p, '/');

	*slash = '\0';
	ck_assert_int_eq(fsutil_mkdir_p(p), 0);
	*slash = '/';
	ck_assert_int_eq(fsutil_write_atomic(p, text, strlen(text)), 0);
	free(p);
}

static bool exists(const char *rel)
{
	char *p = vpath(rel);
	struct stat st;
	bool ok = lstat(p, &st) == 0;

	free(p);
	return ok;
}

/* Inode and modification time: a rewrite (temp + rename) changes both. */
struct ident {
	ino_t ino;
	struct timespec mtime;
};

static struct ident ident(const char *rel)
{
	char *p = vpath(rel);
	struct stat st;

	ck_assert_int_eq(stat(p, &st), 0);
	free(p);
	return (struct ident){st.st_ino, st.st_mtim};
}

static void assert_untouched(struct ident a, const char *rel)
{
	struct ident b = ident(rel);

	ck_assert_msg(a.ino == b.ino && a.mtime.tv_sec == b.mtime.tv_sec &&
			  a.mtime.tv_nsec == b.mtime.tv_nsec,
		      "%s was rewritten", rel);
}

/* Files left over by atomic writes anywhere in the vault. */
static int count_temp_files(void)
{
	char *out;
	int n;

	ck_assert_int_eq(test_run(&out,
				  "find '%s' -name '.attackkb-tmp-*' | "
				  "wc -l",
				  dir),
			 0);
	n = atoi(out);
	free(out);
	return n;
}

static vault *open_vault(bool prune)
{
	vault_opts o = VAULT_OPTS_INIT;
	vault *v;

	o.owned_keys = owned;
	o.prune = prune;
	o.sync = false;
	ck_assert_msg(vault_open(&v, dir, &o) == 0, "%s", kb_error_last());
	return v;
}

static void put(vault *v, const char *rel, const char *fm, const char *body)
{
	ck_assert_msg(vault_put_note(v, rel, fm, body) == 0, "%s: %s", rel,
		      kb_error_last());
}

/* Finish and close; the caller frees the report. */
static vault_report finish(vault *v)
{
	vault_report r;

	ck_assert_msg(vault_finish(v, &r) == 0, "%s", kb_error_last());
	vault_close(v);
	return r;
}

/* The report item for path (must exist). */
static const vault_item *item(const vault_report *r, const char *path)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->items[i].path, path) == 0)
			return &r->items[i];
	ck_abort_msg("no report item for %s", path);
	return NULL;
}

static void assert_summary(const vault_report *r, const char *want)
{
	char *s = vault_report_summary(r);

	ck_assert_str_eq(s, want);
	free(s);
}

/* Export the three standard notes; version selects the generated text. */
static vault_report export3(int version, bool prune)
{
	vault *v = open_vault(prune);
	char fm[128], body[128];

	snprintf(fm, sizeof(fm), "attack_id: T1136\ntags:\n  - v%d\n", version);
	snprintf(body, sizeof(body), "# Create Account\n\nVersion %d.\n",
		 version);
	put(v, NOTE_A, fm, body);
	put(v, NOTE_B, "attack_id: T1078\n", "# Valid Accounts\n");
	put(v, NOTE_C, NULL, "# APT28\n");
	return finish(v);
}

#define NOTE_A_V1                                                              \
	"---\nattack_id: T1136\ntags:\n  - v1\n---\n" BEGIN                    \
	"# Create Account\n\nVersion 1.\n" END

START_TEST(test_first_export)
{
	vault_report r = export3(1, false);
	char *a = slurp(NOTE_A), *b = slurp(NOTE_B), *c = slurp(NOTE_C);
	char *m = slurp(".attackkb/manifest"), want[1024];
	vaultnote_hashes h;

	ck_assert_str_eq(a, NOTE_A_V1);
	ck_assert_str_eq(b, "---\nattack_id: T1078\n---\n" BEGIN
			    "# Valid Accounts\n" END);
	ck_assert_str_eq(c, BEGIN "# APT28\n" END);
	ck_assert_uint_eq(r.count[VAULT_ADDED], 3);
	ck_assert_uint_eq(r.n, 3);
	ck_assert(r.manifest_written);
	assert_summary(&r, "3 added");
	/* The manifest, byte for byte: sorted by path. */
	ck_assert_int_eq(vaultnote_hashes_of(&h, a, strlen(a), owned), 0);
	ck_assert(strstr(m, "# attackkb vault manifest 1\n") == m);
	snprintf(want, sizeof(want),
		 "n %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " " NOTE_A "\n",
		 vaultnote_hash(a, strlen(a)), h.region, h.props);
	ck_assert_msg(strstr(m, want) != NULL, "%s", m);
	ck_assert(strstr(m, " " NOTE_C "\n") < strstr(m, " " NOTE_B "\n"));
	ck_assert(strstr(m, " " NOTE_B "\n") < strstr(m, " " NOTE_A "\n"));
	ck_assert_int_eq(count_temp_files(), 0);
	ck_assert(!exists(".attackkb/journal"));
	free(a);
	free(b);
	free(c);
	free(m);
	vault_report_free(&r);
}
END_TEST

START_TEST(test_reexport_unchanged_writes_nothing)
{
	vault_report r = export3(1, false);
	struct ident a, b, c, m;

	vault_report_free(&r);
	a = ident(NOTE_A);
	b = ident(NOTE_B);
	c = ident(NOTE_C);
	m = ident(".attackkb/manifest");
	usleep(20000); /* a rewrite now would show in the mtime */
	{
		vault *v = open_vault(false);

		put(v, NOTE_C, NULL, "# APT28\n");
		ck_assert(!exists(".attackkb/journal"));
		vault_close(v);
	}
	r = export3(1, false);
	ck_assert_uint_eq(r.count[VAULT_UNCHANGED], 3);
	ck_assert(!r.manifest_written);
	assert_summary(&r, "3 unchanged");
	assert_untouched(a, NOTE_A);
	assert_untouched(b, NOTE_B);
	assert_untouched(c, NOTE_C);
	assert_untouched(m, ".attackkb/manifest");
	ck_assert(!exists(".attackkb/journal"));
	vault_report_free(&r);
}
END_TEST

START_TEST(test_analyst_edits_outside_are_kept)
{
	vault_report r = export3(1, false);
	/* A property of their own, text above and below the region, no final
	 * newline. */
	const char *edited = "---\nattack_id: T1136\nstatus: reviewed\n"
			     "tags:\n  - v1\nseen_in:\n  - IR-2024-07\n---\n"
			     "## Triage\nSeen twice.\n\n" BEGIN
			     "# Create Account\n\nVersion 1.\n" END
			     "\n## Hunting\n- query: `net user /add`";
	const char *want = "---\nattack_id: T1136\nstatus: reviewed\n"
			   "tags:\n  - v2\nseen_in:\n  - IR-2024-07\n---\n"
			   "## Triage\nSeen twice.\n\n" BEGIN
			   "# Create Account\n\nVersion 2.\n" END
			   "\n## Hunting\n- query: `net user /add`";
	char *a;

	vault_report_free(&r);
	spit(NOTE_A, edited);
	/* Same generated text: nothing to do, the analyst's file stays. */
	r = export3(1, false);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_UNCHANGED);
	vault_report_free(&r);
	r = export3(2, false);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_CHANGED);
	ck_assert_uint_eq(r.count[VAULT_CHANGED], 1);
	a = slurp(NOTE_A);
	ck_assert_str_eq(a, want);
	free(a);
	vault_report_free(&r);
	/* And again with v3: the manifest tracked what v2 wrote. */
	r = export3(3, false);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_CHANGED);
	a = slurp(NOTE_A);
	ck_assert(strstr(a, "## Triage\nSeen twice.\n\n" BEGIN) != NULL);
	ck_assert(strstr(a, "Version 3.\n" END "\n## Hunting\n- query: "
			    "`net user /add`") != NULL);
	free(a);
	vault_report_free(&r);
	ck_assert_int_eq(count_temp_files(), 0);
}
END_TEST

START_TEST(test_crlf_conversion_is_not_an_edit)
{
	vault_report r = export3(1, false);
	const char *crlf =
	    "---\r\nattack_id: T1136\r\ntags:\r\n  - "
	    "v1\r\n---\r\n" VAULTNOTE_BEGIN "\r\n# Create Account\r\n\r\n"
	    "Version 1.\r\n" VAULTNOTE_END "\r\n";
	struct ident id;
	char *a;

	vault_report_free(&r);
	spit(NOTE_A, crlf);
	id = ident(NOTE_A);
	r = export3(1, false);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_UNCHANGED);
	assert_untouched(id, NOTE_A);
	vault_report_free(&r);
	r = export3(2, false);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_CHANGED);
	a = slurp(NOTE_A);
	ck_assert_str_eq(a, "---\r\nattack_id: T1136\r\ntags:\r\n  - v2\r\n"
			    "---\r\n" VAULTNOTE_BEGIN "\r\n# Create Account\r\n"
			    "\r\nVersion 2.\r\n" VAULTNOTE_END "\r\n");
	free(a);
	vault_report_free(&r);
}
END_TEST

#define NOTE_A_EDITED                                                          \
	"---\nattack_id: T1136\ntags:\n  - v1\n---\nmine\n" BEGIN              \
	"# Create Account\n\nVersion 1, fixed by me.\n" END
#define CONFLICT_A_V2                                                          \
	"---\nattack_id: T1136\ntags:\n  - v2\n---\nmine\n" BEGIN              \
	"# Create Account\n\nVersion 2.\n" END

START_TEST(test_edit_inside_region_conflicts)
{
	vault_report r = export3(1, false);
	const vault_item *it;
	struct ident id, cid;
	char *a, *c, *m;

	vault_report_free(&r);
	spit(NOTE_A, NOTE_A_EDITED);
	id = ident(NOTE_A);
	r = export3(2, false);
	it = item(&r, NOTE_A);
	ck_assert_int_eq(it->status, VAULT_CONFLICT);
	ck_assert_str_eq(it->conflict_path, CONFLICT_A);
	ck_assert_str_eq(it->detail, "generated region edited");
	ck_assert_uint_eq(r.count[VAULT_CONFLICT], 1);
	ck_assert_uint_eq(r.count[VAULT_UNCHANGED], 2);
	assert_summary(&r, "2 unchanged, 1 conflict");
	vault_report_free(&r);
	/* The note is untouched; the new version sits beside it. */
	assert_untouched(id, NOTE_A);
	a = slurp(NOTE_A);
	ck_assert_str_eq(a, NOTE_A_EDITED);
	c = slurp(CONFLICT_A);
	ck_assert_str_eq(c, CONFLICT_A_V2);
	m = slurp(".attackkb/manifest");
	ck_assert(strstr(m, "\nC ") && strstr(m, " " CONFLICT_A "\n"));
	free(a);
	free(c);
	free(m);

	/* Again: still a conflict, nothing rewritten, not even the
	 * journal. */
	cid = ident(CONFLICT_A);
	{
		vault *v = open_vault(false);

		put(v, NOTE_A, "attack_id: T1136\ntags:\n  - v2\n",
		    "# Create Account\n\nVersion 2.\n");
		ck_assert(!exists(".attackkb/journal"));
		vault_close(v);
	}
	r = export3(2, false);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_CONFLICT);
	assert_untouched(id, NOTE_A);
	assert_untouched(cid, CONFLICT_A);
	ck_assert(!r.manifest_written);
	vault_report_free(&r);

	/* The analyst takes the new version: the conflict is over. */
	{
		char *from = vpath(CONFLICT_A), *to = vpath(NOTE_A);

		ck_assert_int_eq(rename(from, to), 0);
		free(from);
		free(to);
	}
	r = export3(2, false);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_UNCHANGED);
	ck_assert(r.manifest_written);
	vault_report_free(&r);
	m = slurp(".attackkb/manifest");
	ck_assert(strstr(m, CONFLICT_A) == NULL);
	free(m);
	/* And later versions splice normally again, keeping "mine". */
	r = export3(3, false);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_CHANGED);
	a = slurp(NOTE_A);
	ck_assert(strstr(a, "---\nmine\n" BEGIN "# Create Account\n\n"
			    "Version 3.\n" END) != NULL);
	free(a);
	vault_report_free(&r);
}
END_TEST

START_TEST(test_conflict_file_removed_when_over)
{
	vault_report r = export3(1, false);
	const char *edited = "---\nattack_id: T1136\ntags:\n  - v1\n---\n" BEGIN
			     "# Create Account\n\nVersion 1!\n" END;
	char *c;

	vault_report_free(&r);
	spit(NOTE_A, edited);
	r = export3(2, false);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_CONFLICT);
	vault_report_free(&r);
	/* Pure generated text: the conflict file is a fresh v2 note. */
	c = slurp(CONFLICT_A);
	ck_assert_str_eq(c, "---\nattack_id: T1136\ntags:\n  - v2\n---\n" BEGIN
			    "# Create Account\n\nVersion 2.\n" END);
	free(c);
	/* The analyst undoes the edit: the note updates, and the unedited
	 * conflict file, holding only generated text, goes. */
	spit(NOTE_A, NOTE_A_V1);
	r = export3(2, false);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_CHANGED);
	ck_assert_int_eq(item(&r, CONFLICT_A)->status, VAULT_REMOVED);
	ck_assert(!exists(CONFLICT_A));
	vault_report_free(&r);
}
END_TEST

START_TEST(test_property_edit_and_broken_markers_conflict)
{
	vault_report r = export3(1, false);
	const char *props =
	    "---\nattack_id: T1136\ntags:\n  - v1\n  - mine\n"
	    "---\n" BEGIN "# Create Account\n\nVersion 1.\n" END;
	const char *nomark = "---\nattack_id: T1136\ntags:\n  - v1\n---\n"
			     "# Create Account\n\nVersion 1.\n";
	const vault_item *it;
	char *c;

	vault_report_free(&r);
	spit(NOTE_A, props);
	spit(NOTE_B, nomark);
	r = export3(2, false);
	it = item(&r, NOTE_A);
	ck_assert_int_eq(it->status, VAULT_CONFLICT);
	ck_assert_str_eq(it->detail, "generated properties edited");
	it = item(&r, NOTE_B);
	ck_assert_int_eq(it->status, VAULT_CONFLICT);
	ck_assert_str_eq(it->detail, "no attackkb region markers");
	vault_report_free(&r);
	c = slurp(NOTE_A);
	ck_assert_str_eq(c, props);
	free(c);
	c = slurp(NOTE_B);
	ck_assert_str_eq(c, nomark);
	free(c);
	/* Markers gone: the new version is a fresh note. */
	c = slurp("Techniques/T1078 Valid Accounts.attackkb-new.md");
	ck_assert_str_eq(c, "---\nattack_id: T1078\n---\n" BEGIN
			    "# Valid Accounts\n" END);
	free(c);
}
END_TEST

START_TEST(test_conflict_file_edited_or_foreign_is_left)
{
	vault_report r = export3(1, false);
	const vault_item *it;
	struct ident cid;
	char *c;

	vault_report_free(&r);
	spit(NOTE_A, NOTE_A_EDITED);
	r = export3(2, false);
	vault_report_free(&r);
	/* The analyst works in the conflict file. */
	spit(CONFLICT_A, "my merge in progress\n");
	cid = ident(CONFLICT_A);
	r = export3(3, false);
	it = item(&r, NOTE_A);
	ck_assert_int_eq(it->status, VAULT_CONFLICT);
	ck_assert(strstr(it->detail, "was edited: left as it is") != NULL);
	assert_untouched(cid, CONFLICT_A);
	vault_report_free(&r);
	/* A conflict name held by a foreign file is not written either. */
	spit(NOTE_B, "---\nattack_id: T1078\n---\n" BEGIN "x\n" END);
	spit("Techniques/T1078 Valid Accounts.attackkb-new.md", "theirs\n");
	r = export3(3, false);
	it = item(&r, NOTE_B);
	ck_assert_int_eq(it->status, VAULT_CONFLICT);
	ck_assert_ptr_null(it->conflict_path);
	ck_assert(strstr(it->detail, "is not attackkb's") != NULL);
	vault_report_free(&r);
	c = slurp("Techniques/T1078 Valid Accounts.attackkb-new.md");
	ck_assert_str_eq(c, "theirs\n");
	free(c);
}
END_TEST

START_TEST(test_foreign_file_is_never_touched)
{
	const char *theirs = "# My own Create Account note\n";
	struct ident id;
	vault_report r;
	char *a, *m;

	ck_assert_int_eq(fsutil_mkdir_p(dir), 0);
	spit("Techniques/.keep", "");
	spit(NOTE_A, theirs);
	id = ident(NOTE_A);
	r = export3(1, false);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_FOREIGN);
	ck_assert_str_eq(item(&r, NOTE_A)->detail,
			 "not written by attackkb: left alone");
	ck_assert_uint_eq(r.count[VAULT_ADDED], 2);
	assert_summary(&r, "2 added, 1 foreign");
	vault_report_free(&r);
	assert_untouched(id, NOTE_A);
	a = slurp(NOTE_A);
	ck_assert_str_eq(a, theirs);
	free(a);
	m = slurp(".attackkb/manifest");
	ck_assert(strstr(m, NOTE_A) == NULL);
	free(m);
	ck_assert(!exists(CONFLICT_A));
	/* Still foreign next time, even with prune. */
	r = export3(2, true);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_FOREIGN);
	vault_report_free(&r);
	assert_untouched(id, NOTE_A);
}
END_TEST

START_TEST(test_foreign_case_variant_and_folder)
{
	struct ident id;
	vault_report r;
	vault *v;

	spit("Techniques/t1136 create account.md", "mine\n");
	id = ident("Techniques/t1136 create account.md");
	ck_assert_int_eq(fsutil_mkdir_p(dir), 0);
	{
		char *p = vpath(NOTE_B);

		ck_assert_int_eq(mkdir(p, 0755), 0); /* a folder in the way */
		free(p);
	}
	v = open_vault(false);
	put(v, NOTE_A, NULL, "a");
	put(v, NOTE_B, NULL, "b");
	r = finish(v);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_FOREIGN);
	ck_assert(strstr(item(&r, NOTE_A)->detail, "differs only in case"));
	ck_assert_int_eq(item(&r, NOTE_B)->status, VAULT_FOREIGN);
	ck_assert_str_eq(item(&r, NOTE_B)->detail,
			 "not a regular file: left alone");
	ck_assert(!exists(NOTE_A));
	assert_untouched(id, "Techniques/t1136 create account.md");
	vault_report_free(&r);
}
END_TEST

START_TEST(test_own_note_renamed_by_case)
{
	vault_report r;
	vault *v = open_vault(false);
	char *a;

	put(v, "Techniques/T1136 Create account.md", NULL, "old\n");
	r = finish(v);
	vault_report_free(&r);
	spit("Techniques/notes.md", "unrelated\n");
	v = open_vault(false);
	put(v, NOTE_A, NULL, "new\n");
	r = finish(v);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_CHANGED);
	ck_assert_str_eq(item(&r, NOTE_A)->detail,
			 "renamed from 'Techniques/T1136 Create account.md'");
	ck_assert_uint_eq(r.n, 1); /* the old name is not stale */
	vault_report_free(&r);
	ck_assert(!exists("Techniques/T1136 Create account.md"));
	a = slurp(NOTE_A);
	ck_assert_str_eq(a, BEGIN "new\n" END);
	free(a);
	a = slurp(".attackkb/manifest");
	ck_assert(strstr(a, "Create account") == NULL);
	free(a);
}
END_TEST

START_TEST(test_adopt_identical_file)
{
	vault_report r;

	spit(NOTE_A, NOTE_A_V1);
	r = export3(1, false);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_ADOPTED);
	vault_report_free(&r);
	r = export3(2, false);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_CHANGED);
	vault_report_free(&r);
}
END_TEST

START_TEST(test_stale_and_prune)
{
	vault_report r = export3(1, false);
	vault *v;
	char *b;

	vault_report_free(&r);
	/* NOTE_B gets analyst text below the region. */
	b = slurp(NOTE_B);
	b = xrealloc(b, strlen(b) + 16);
	strcat(b, "my notes\n");
	spit(NOTE_B, b);
	free(b);
	/* Without prune: B and C are stale, kept. */
	v = open_vault(false);
	put(v, NOTE_A, "attack_id: T1136\ntags:\n  - v1\n",
	    "# Create Account\n\nVersion 1.\n");
	r = finish(v);
	ck_assert_int_eq(item(&r, NOTE_B)->status, VAULT_STALE);
	ck_assert_int_eq(item(&r, NOTE_C)->status, VAULT_STALE);
	assert_summary(&r, "1 unchanged, 2 stale");
	ck_assert(!r.manifest_written);
	vault_report_free(&r);
	ck_assert(exists(NOTE_B) && exists(NOTE_C));
	/* With prune: only the unedited generated note goes. */
	v = open_vault(true);
	put(v, NOTE_A, "attack_id: T1136\ntags:\n  - v1\n",
	    "# Create Account\n\nVersion 1.\n");
	r = finish(v);
	ck_assert_int_eq(item(&r, NOTE_B)->status, VAULT_STALE);
	ck_assert_str_eq(item(&r, NOTE_B)->detail,
			 "object no longer exported; edited: kept");
	ck_assert_int_eq(item(&r, NOTE_C)->status, VAULT_REMOVED);
	vault_report_free(&r);
	ck_assert(exists(NOTE_B));
	ck_assert(!exists(NOTE_C));
	b = slurp(".attackkb/manifest");
	ck_assert(strstr(b, NOTE_C) == NULL && strstr(b, NOTE_B) != NULL);
	free(b);
}
END_TEST

START_TEST(test_prune_keeps_spliced_analyst_text)
{
	vault_report r = export3(1, false);
	vault *v;
	char *a;

	vault_report_free(&r);
	/* Analyst text above; v2 splices around it (kind N). */
	spit(NOTE_A, "---\nattack_id: T1136\ntags:\n  - v1\n---\nmine\n" BEGIN
		     "# Create Account\n\nVersion 1.\n" END);
	r = export3(2, false);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_CHANGED);
	vault_report_free(&r);
	/* Unchanged since attackkb wrote it, but it holds the analyst's
	 * line: prune must keep it. */
	v = open_vault(true);
	r = finish(v);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_STALE);
	ck_assert_int_eq(item(&r, NOTE_C)->status, VAULT_REMOVED);
	vault_report_free(&r);
	a = slurp(NOTE_A);
	ck_assert(strncmp(a,
			  "---\nattack_id: T1136\ntags:\n  - v2\n---\nmine\n",
			  40) == 0);
	free(a);
}
END_TEST

START_TEST(test_interrupted_export_is_recovered)
{
	vault *v = open_vault(false);
	vault_report r;
	char *j;

	put(v, NOTE_A, "attack_id: T1136\n", "a\n");
	put(v, NOTE_B, NULL, "b\n");
	/* The export dies (an error, or kill -9) before vault_finish(). */
	vault_close(v);
	ck_assert(!exists(".attackkb/manifest"));
	j = slurp(".attackkb/journal");
	ck_assert(strstr(j, " " NOTE_A "\n") && strstr(j, " " NOTE_B "\n"));
	free(j);
	ck_assert_int_eq(count_temp_files(), 0);
	/* The next run, even with different generated text, knows both. */
	v = open_vault(false);
	put(v, NOTE_A, "attack_id: T1136\n", "a2\n");
	put(v, NOTE_B, NULL, "b\n");
	r = finish(v);
	ck_assert_int_eq(item(&r, NOTE_A)->status, VAULT_CHANGED);
	ck_assert_int_eq(item(&r, NOTE_B)->status, VAULT_UNCHANGED);
	ck_assert(r.manifest_written);
	vault_report_free(&r);
	ck_assert(!exists(".attackkb/journal"));
	/* A journal line cut short by a crash is ignored. */
	spit(".attackkb/journal", "n 0123");
	v = open_vault(false);
	put(v, NOTE_B, NULL, "b\n");
	r = finish(v);
	ck_assert_int_eq(item(&r, NOTE_B)->status, VAULT_UNCHANGED);
	vault_report_free(&r);
	/* A leftover temp file from a killed write is not a note. */
	spit("Techniques/.attackkb-tmp-99999-0", "half a no");
	r = export3(1, false);
	ck_assert_uint_eq(r.count[VAULT_FOREIGN], 0);
	vault_report_free(&r);
}
END_TEST

/* Note i of the kill test, in version ver (caller frees both). */
static void kill_note(char **rel, char **body, int i, int ver)
{
	strbuf sb = STRBUF_INIT;

	*rel = xasprintf("Techniques/T%04d Note.md", i);
	for (int k = 0; k < 600; k++)
		strbuf_printf(&sb, "v%d line %d of note %d\n", ver, k, i);
	*body = strbuf_detach(&sb);
}

static void export_kill_notes(int ver, bool sync)
{
	vault_opts o = VAULT_OPTS_INIT;
	vault_report r;
	vault *v;

	o.sync = sync;
	ck_assert_int_eq(vault_open(&v, dir, &o), 0);
	for (int i = 0; i < 100; i++) {
		char *rel, *body;

		kill_note(&rel, &body, i, ver);
		ck_assert_int_eq(vault_put_note(v, rel, NULL, body), 0);
		free(rel);
		free(body);
	}
	ck_assert_int_eq(vault_finish(v, &r), 0);
	ck_assert_uint_eq(r.count[VAULT_CONFLICT] + r.count[VAULT_FOREIGN], 0);
	vault_report_free(&r);
	vault_close(v);
}

START_TEST(test_kill_during_export)
{
	struct timespec pause = {0, 0};
	vault_report r;
	vault *v;
	pid_t pid;

	export_kill_notes(1, false);
	for (int round = 0; round < 4; round++) {
		int ver = 2 + round;

		/* Kill an export to version ver at some point. */
		if ((pid = fork()) == 0) {
			export_kill_notes(ver, true);
			_exit(0);
		}
		ck_assert_int_ge(pid, 0);
		pause.tv_nsec = 2000000L * (round * 3 + 1);
		nanosleep(&pause, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		/* Every note is whole: the old or the new version. */
		for (int i = 0; i < 100; i++) {
			char *rel, *rel2, *body, *prev, *text, *want_old;
			char *want_new;

			kill_note(&rel, &body, i, ver);
			kill_note(&rel2, &prev, i, ver - 1);
			free(rel2);
			text = slurp(rel);
			want_old = vaultnote_render(NULL, prev);
			want_new = vaultnote_render(NULL, body);
			ck_assert_msg(strcmp(text, want_old) == 0 ||
					  strcmp(text, want_new) == 0,
				      "%s is neither old nor new", rel);
			free(want_old);
			free(want_new);
			free(text);
			free(prev);
			free(body);
			free(rel);
		}
		/* The next full export finishes the job without conflicts. */
		export_kill_notes(ver, false);
	}
	v = open_vault(false);
	r = finish(v);
	ck_assert_uint_eq(r.count[VAULT_STALE], 100);
	ck_assert_uint_eq(r.count[VAULT_CONFLICT] + r.count[VAULT_FOREIGN], 0);
	vault_report_free(&r);
}
END_TEST

START_TEST(test_disk_full_leaves_old_note)
{
	vault_report r = export3(1, false);
	struct rlimit old, lim;
	strbuf big = STRBUF_INIT;
	vault *v;
	char *a;
	int rc;

	vault_report_free(&r);
	for (int i = 0; i < 4096; i++)
		strbuf_puts(&big, "A long generated line of text.\n");
	/* Simulate a full disk: writes past 64 KiB fail (EFBIG). */
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 65536;
	signal(SIGXFSZ, SIG_IGN);
	v = open_vault(false);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = vault_put_note(v, NOTE_A, "attack_id: T1136\n", big.ptr);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	ck_assert_int_eq(rc, KB_EIO);
	ck_assert(strstr(kb_error_last(), "T1136 Create Account.md") != NULL);
	vault_close(v);
	a = slurp(NOTE_A);
	ck_assert_str_eq(a, NOTE_A_V1);
	free(a);
	ck_assert_int_eq(count_temp_files(), 0);
	strbuf_free(&big);
}
END_TEST

START_TEST(test_open_errors)
{
	char *file = vpath("plain-file"), *sub = vpath("sub");
	vault_opts o = VAULT_OPTS_INIT;
	vault *v, *w;

	ck_assert_int_eq(vault_open(&v, "", &o), KB_EUSAGE);
	spit("plain-file", "x");
	ck_assert_int_eq(vault_open(&v, file, &o), KB_EIO);
	ck_assert_ptr_null(v);
	ck_assert(strstr(kb_error_last(), "not a directory") != NULL);
	/* Another export running on the same vault. */
	ck_assert_int_eq(vault_open(&v, sub, &o), 0);
	ck_assert_int_eq(vault_open(&w, sub, &o), KB_EEXISTS);
	vault_close(v);
	ck_assert_int_eq(vault_open(&w, sub, &o), 0);
	vault_close(w);
	/* A damaged manifest is an error, not an empty one. */
	spit("sub/.attackkb/manifest", "# attackkb vault manifest 1\n"
				       "n 12 34 56 x.md\n");
	ck_assert_int_eq(vault_open(&v, sub, &o), KB_EPARSE);
	ck_assert(strstr(kb_error_last(), "manifest:2:") != NULL);
	spit("sub/.attackkb/manifest", "# attackkb vault manifest 2\n");
	ck_assert_int_eq(vault_open(&v, sub, &o), KB_EPARSE);
	/* A path escaping the vault is refused. */
	spit("sub/.attackkb/manifest",
	     "n 0000000000000000 0000000000000000 0000000000000000 ../x.md\n");
	ck_assert_int_eq(vault_open(&v, sub, &o), KB_EPARSE);
	free(file);
	free(sub);
}
END_TEST

START_TEST(test_not_writable)
{
	vault_opts o = VAULT_OPTS_INIT;
	vault_report r;
	char *sub, *a;
	vault *v;

	if (geteuid() == 0)
		return; /* root writes anyway: nothing to test */
	sub = vpath("ro");
	ck_assert_int_eq(fsutil_mkdir_p(sub), 0);
	ck_assert_int_eq(chmod(sub, 0555), 0);
	ck_assert_int_eq(vault_open(&v, sub, &o), KB_EIO);
	ck_assert(strstr(kb_error_last(), "not writable") != NULL);
	ck_assert_int_eq(chmod(sub, 0755), 0);
	/* A folder inside the vault turning read-only mid-way. */
	r = export3(1, false);
	vault_report_free(&r);
	a = vpath("Techniques");
	ck_assert_int_eq(chmod(a, 0555), 0);
	v = open_vault(false);
	ck_assert_int_eq(vault_put_note(v, NOTE_A, "attack_id: T1136\n", "z"),
			 KB_EIO);
	vault_close(v);
	ck_assert_int_eq(chmod(a, 0755), 0);
	free(a);
	a = slurp(NOTE_A);
	ck_assert_str_eq(a, NOTE_A_V1);
	free(a);
	free(sub);
}
END_TEST

START_TEST(test_bad_arguments)
{
	vault *v = open_vault(false);
	static const char *const bad[] = {
	    "../x.md", "/abs.md",           "a/../x.md", "a//x.md",
	    "x.txt",   ".hidden/x.md",      "a/.x.md",   "CON.md",
	    "a:b.md",  "x.attackkb-new.md", "dir/",      "",
	    "a\nb.md", "nul/x.md",
	};
	vault_report r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(vault_put_note(v, bad[i], NULL, "x") == KB_EUSAGE,
			      "accepted %s", bad[i]);
	ck_assert_int_eq(vault_put_note(v, "a.md", "mine: 1\n", "x"),
			 KB_EUSAGE);
	ck_assert(strstr(kb_error_last(), "a.md: ") == kb_error_last());
	ck_assert_int_eq(vault_put_note(v, "a.md", NULL, "%% attackkb:end %%"),
			 KB_EUSAGE);
	put(v, "a.md", NULL, "x");
	ck_assert_int_eq(vault_put_note(v, "A.MD", NULL, "x"), KB_EUSAGE);
	ck_assert_int_eq(vault_put_note(v, "a.md", NULL, "x"), KB_EUSAGE);
	r = finish(v);
	ck_assert_uint_eq(r.n, 1);
	vault_report_free(&r);
}
END_TEST

START_TEST(test_dry_run_writes_nothing)
{
	vault_opts o = VAULT_OPTS_INIT;
	char *sub = vpath("new-vault");
	vault_report r;
	vault *v;

	o.owned_keys = owned;
	o.dry_run = true;
	ck_assert_int_eq(vault_open(&v, sub, &o), 0);
	ck_assert_int_eq(vault_put_note(v, NOTE_A, "tags: [a]\n", "x"), 0);
	ck_assert_int_eq(vault_finish(v, &r), 0);
	vault_close(v);
	ck_assert_uint_eq(r.count[VAULT_ADDED], 1);
	ck_assert(!r.manifest_written);
	vault_report_free(&r);
	ck_assert(!exists("new-vault"));
	free(sub);
}
END_TEST

START_TEST(test_long_utf8_names)
{
	strbuf name = STRBUF_INIT;
	vault_report r;
	vault *v;
	char *c;

	/* A 255-byte name; its conflict name is 255 bytes too. */
	strbuf_puts(&name, "T1 ");
	while (name.len < 239 - 2)
		strbuf_puts(&name, "\xc3\xa9");
	strbuf_puts(&name, ".md");
	ck_assert_uint_le(name.len, 242);
	v = open_vault(false);
	put(v, name.ptr, NULL, "a\n");
	r = finish(v);
	vault_report_free(&r);
	c = slurp(name.ptr);
	spit(name.ptr, "---\n---\n" BEGIN "edited\n" END);
	free(c);
	v = open_vault(false);
	put(v, name.ptr, NULL, "b\n");
	r = finish(v);
	ck_assert_int_eq(r.items[0].status, VAULT_CONFLICT);
	ck_assert_ptr_nonnull(r.items[0].conflict_path);
	ck_assert(exists(r.items[0].conflict_path));
	vault_report_free(&r);
	strbuf_free(&name);
}
END_TEST

START_TEST(test_clashing_names_give_distinct_files)
{
	/* Names that clash after case folding or replacement, devices,
	 * traversal, controls, a 300-byte name: one file each. */
	static const char *const obj[][2] = {
		{"T1", "Create Account"},   {"T1", "create account"},
		{"T1", "CREATE ACCOUNT"},   {"T1", "a/b"},
		{"T1", "a:b"},		    {"T1", "a\\b"},
		{"T1", "a|b"},		    {"T1", "a#b"},
		{NULL, "CON"},		    {NULL, "con.md"},
		{NULL, "LPT1"},		    {NULL, "../../etc/passwd"},
		{NULL, ".."},		    {NULL, "..."},
		{"T2", "tab\there\x01"},   {"T2", "tab here"},
		{"T2", "dots. . ."},	    {"T2", "dots"},
	};
	size_t n = sizeof(obj) / sizeof(obj[0]);
	vaultfile_names *set = vaultfile_names_new();
	strbuf big = STRBUF_INIT;
	vault_report r;
	vault *v;
	char key[32], *out;

	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "k%02zu", i);
		ck_assert_int_eq(vaultfile_names_add(set, key, obj[i][0],
						     obj[i][1]),
				 0);
	}
	while (big.len < 300)
		strbuf_puts(&big, "\xe2\x82\xac"); /* U+20AC, 3 bytes */
	ck_assert_int_eq(vaultfile_names_add(set, "k98", "T3", big.ptr), 0);
	ck_assert_int_eq(vaultfile_names_add(set, "k99", "T3", big.ptr), 0);
	vaultfile_names_resolve(set);
	v = open_vault(false);
	for (size_t i = 0; i <= n + 1; i++) {
		char *rel;

		snprintf(key, sizeof(key), "k%02zu", i < n ? i : 98 + i - n);
		rel = xasprintf("Notes/%s", vaultfile_names_get(set, key));
		put(v, rel, NULL, key);
		free(rel);
	}
	r = finish(v);
	ck_assert_uint_eq(r.count[VAULT_ADDED], n + 2);
	vault_report_free(&r);
	/* As many files as objects, also on a case-insensitive system. */
	ck_assert_int_eq(test_run(&out, "ls '%s/Notes' | tr A-Z a-z | sort -u "
					"| wc -l",
				  dir),
			 0);
	ck_assert_int_eq(atoi(out), (int)n + 2);
	free(out);
	vaultfile_names_free(set);
	strbuf_free(&big);
}
END_TEST

Suite *vault_suite(void)
{
	Suite *s = suite_create("vault");
	TCase *tc = tcase_create("export");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_first_export);
	tcase_add_test(tc, test_reexport_unchanged_writes_nothing);
	tcase_add_test(tc, test_analyst_edits_outside_are_kept);
	tcase_add_test(tc, test_crlf_conversion_is_not_an_edit);
	tcase_add_test(tc, test_edit_inside_region_conflicts);
	tcase_add_test(tc, test_conflict_file_removed_when_over);
	tcase_add_test(tc, test_property_edit_and_broken_markers_conflict);
	tcase_add_test(tc, test_conflict_file_edited_or_foreign_is_left);
	tcase_add_test(tc, test_foreign_file_is_never_touched);
	tcase_add_test(tc, test_foreign_case_variant_and_folder);
	tcase_add_test(tc, test_own_note_renamed_by_case);
	tcase_add_test(tc, test_adopt_identical_file);
	tcase_add_test(tc, test_stale_and_prune);
	tcase_add_test(tc, test_prune_keeps_spliced_analyst_text);
	tcase_add_test(tc, test_interrupted_export_is_recovered);
	tcase_add_test(tc, test_kill_during_export);
	tcase_add_test(tc, test_disk_full_leaves_old_note);
	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_not_writable);
	tcase_add_test(tc, test_bad_arguments);
	tcase_add_test(tc, test_dry_run_writes_nothing);
	tcase_add_test(tc, test_long_utf8_names);
	tcase_add_test(tc, test_clashing_names_give_distinct_files);
	suite_add_tcase(s, tc);
	return s;
}
