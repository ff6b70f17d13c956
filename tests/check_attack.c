/* tests/check_attack.c: the command line end to end on the shipped
 * ATT&CK v18.1 bundles. Every expected number here was derived from the
 * bundles independently of attackkb (Python over the raw JSON). */
#include "tests.h"
#include "kb/describe.h"
#include "kb/error.h"
#include "kb/query.h"
#include "kb/store.h"
#include "kb/xalloc.h"

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DATA "../data/attack/"
#define BUNDLES                                                              \
	DATA "enterprise-attack-18.1.json.gz " DATA                          \
	     "mobile-attack-18.1.json.gz " DATA "ics-attack-18.1.json.gz"

static char *dir, *db, *bin;

static void shipped_setup(void)
{
	char *out;

	bin = getenv("ATTACKKB");
	ck_assert_msg(bin != NULL, "ATTACKKB is not set (make check)");
	dir = test_tmpdir();
	db = xasprintf("%s/attack.db", dir);
	ck_assert_int_eq(test_run(&out, "%s -q --db %s ingest " BUNDLES
					" 2>&1",
				  bin, db),
			 0);
	free(out);
}

static void shipped_teardown(void)
{
	test_rmtree(dir);
	free(dir);
	free(db);
}

/* Run attackkb with args on the shipped store; return stdout (caller
 * frees) and check the exit status. */
static char *akb(int want, const char *args)
{
	char *out;
	int rc = test_run(&out, "%s --db %s %s 2>/dev/null", bin, db, args);

	ck_assert_msg(rc == want, "attackkb %s: exit %d, want %d", args, rc,
		      want);
	return out;
}

static void expect(const char *args, const char *want)
{
	char *out = akb(0, args);

	ck_assert_str_eq(out, want);
	free(out);
}

START_TEST(test_counts_enterprise)
{
	expect("sql -f csv \"SELECT type, live, revoked, deprecated FROM "
	       "(SELECT type, sum(revoked = 0 AND deprecated = 0) live, "
	       "sum(revoked) revoked, sum(deprecated AND NOT revoked) "
	       "deprecated FROM attack_objects WHERE domain = "
	       "'enterprise-attack' GROUP BY type) ORDER BY type\"",
	       "type,live,revoked,deprecated\r\n"
	       "analytic,1739,0,0\r\n"
	       "campaign,52,0,0\r\n"
	       "data_component,106,0,3\r\n"
	       "data_source,0,0,38\r\n"
	       "detection_strategy,691,0,0\r\n"
	       "group,172,6,9\r\n"
	       "matrix,1,0,0\r\n"
	       "mitigation,44,0,224\r\n"
	       "software,784,2,1\r\n"
	       "subtechnique,475,3,1\r\n"
	       "tactic,14,0,0\r\n"
	       "technique,216,129,11\r\n");
}
END_TEST

START_TEST(test_relationship_counts_all_domains)
{
	expect("sql -f csv \"SELECT domain, (SELECT count(*) FROM uses u "
	       "WHERE u.domain = r.domain) AS uses, (SELECT count(*) FROM "
	       "mitigates m WHERE m.domain = r.domain) AS mitigates, (SELECT "
	       "count(*) FROM detects d WHERE d.domain = r.domain) AS detects, "
	       "(SELECT count(*) FROM technique_tactics t WHERE t.domain = "
	       "r.domain) AS tactics FROM current_release r ORDER BY domain\"",
	       "domain,uses,mitigates,detects,tactics\r\n"
	       "enterprise-attack,16017,1445,691,887\r\n"
	       "ics-attack,246,331,83,94\r\n"
	       "mobile-attack,1404,167,124,144\r\n");
	/* Analytics, live groups, software of mobile and ICS. */
	expect("sql -f csv \"SELECT domain, count(*) FROM analytics GROUP BY "
	       "domain ORDER BY 1\"",
	       "domain,count(*)\r\nenterprise-attack,1739\r\n"
	       "ics-attack,82\r\nmobile-attack,211\r\n");
}
END_TEST

START_TEST(test_show_t1136)
{
	char *out;

	/* Sections that cannot have rows here (no detection set, no note,
	 * no asset in enterprise) are skipped, and keep their columns. */
	out = akb(0, "show -f csv T1136");
	ck_assert(strstr(out, "\r\n# Team detections\r\nset,rule,title,via,"
			      "written,resolution,file,line\r\n\r\n"));
	ck_assert(strstr(out, "\r\n# Targeted assets\r\nid,name\r\n\r\n"));
	ck_assert(strstr(out, "\r\n# Analyst notes\r\nnote,how\r\n\r\n"));
	free(out);

	expect("query -f csv mitigations-for T1136",
	       "id,name,description,domain\r\n"
	       "M1026,Privileged Account Management,Limit the number of "
	       "accounts with permissions to create other accounts. Do not "
	       "allow domain administrator accounts to be used for day-to-day "
	       "operations that may expose them to potential adversaries on "
	       "unprivileged systems.,enterprise-attack\r\n"
	       "M1028,Operating System Configuration,Protect domain "
	       "controllers by ensuring proper security configuration for "
	       "critical servers.,enterprise-attack\r\n"
	       "M1030,Network Segmentation,Configure access controls and "
	       "firewalls to limit access to domain controllers and systems "
	       "used to create and manage accounts.,enterprise-attack\r\n"
	       "M1032,Multi-factor Authentication,Use multi-factor "
	       "authentication for user and privileged accounts.,"
	       "enterprise-attack\r\n");
	expect("query -f csv subtechniques-of t1136",
	       "id,name,domain\r\nT1136.001,Local Account,enterprise-attack\r\n"
	       "T1136.002,Domain Account,enterprise-attack\r\n"
	       "T1136.003,Cloud Account,enterprise-attack\r\n");
	/* The whole show, as Markdown: fields and each section's rows. */
	out = akb(0, "show -f md T1136");
	ck_assert(strncmp(out, "# T1136 Create Account\n", 23) == 0);
	ck_assert(strstr(out, "- **tactics**: Persistence\n"));
	ck_assert(strstr(out, "- **platforms**: Windows, IaaS, Linux, macOS, "
			      "Network Devices, Containers, SaaS, Office "
			      "Suite, Identity Provider, ESXi\n"));
	ck_assert(strstr(out, "## Sub-techniques\n\n| id | name |\n| --- | --- "
			      "|\n| T1136.001 | Local Account |\n| T1136.002 | "
			      "Domain Account |\n| T1136.003 | Cloud Account "
			      "|\n\n## Mitigations"));
	ck_assert(strstr(out, "| M1026 | Privileged Account Management |"));
	ck_assert(strstr(out, "| M1032 | Multi-factor Authentication |"));
	ck_assert(strstr(out, "## Procedure examples\n\n| id | type | name | "
			      "description |\n| --- | --- | --- | --- |\n| "
			      "G0119 | group | Indrik Spider |"));
	ck_assert(strstr(out, "| DET0583 | Detection Strategy for T1136 - "
			      "Create Account across platforms | AN1604 | "
			      "Windows | WinEventLog:Security (EventCode=4720); "
			      "WinEventLog:Sysmon (EventCode=1) |"));
	ck_assert(strstr(out, "## References"));
	free(out);
	/* By name, any case; and the JSON form. */
	out = akb(0, "show -f json 'create account'");
	ck_assert(strstr(out, "\"id\": \"T1136\""));
	ck_assert(strstr(out, "\"mitigations\": ["));
	free(out);
	/* A name shared by two techniques asks for the ID. */
	free(akb(1, "show 'Domain Account'"));
	free(akb(1, "show T9999"));
}
END_TEST

START_TEST(test_revoked_and_multi_domain)
{
	expect("sql -f csv \"SELECT attack_id, successor_id FROM successors "
	       "WHERE attack_id = 'T1066'\"",
	       "attack_id,successor_id\r\nT1066,T1027.005\r\n");
	/* T1066 is also the ID of a deprecated mitigation: show means the
	 * technique, and says where it went. */
	{
		char *out = akb(0, "show -f csv T1066");

		ck_assert(strstr(out, "type,technique\r\n"));
		ck_assert(strstr(out, "revoked,yes\r\n"));
		ck_assert(strstr(out, "revoked_by,T1027.005 Indicator Removal "
				      "from Tools\r\n"));
		free(out);
	}
	/* kb_successor (show, the web page) follows one chain as the view
	 * follows them all: the same successor for every ID of the view. */
	{
		kb_store *store;
		kb_rows *all, *one;

		ck_assert_int_eq(kb_store_open(&store, db, 0), 0);
		ck_assert_int_eq(kb_rows_query(&all, store,
					       "SELECT attack_id, domain, "
					       "successor_id FROM successors",
					       NULL, 0),
				 0);
		ck_assert_uint_ge(all->nrows, 100);
		for (size_t r = 0; r < all->nrows; r++) {
			ck_assert_int_eq(kb_successor(&one, store,
						      kb_rows_get(all, r, 0),
						      kb_rows_get(all, r, 1)),
					 0);
			ck_assert_uint_eq(one->nrows, 1);
			ck_assert_str_eq(kb_rows_get(one, 0, 0),
					 kb_rows_get(all, r, 2));
			kb_rows_free(one);
		}
		kb_rows_free(all);
		kb_store_close(store);
	}
	/* DC0032 is one stored object, in three domains. */
	expect("sql -f csv \"SELECT (SELECT count(*) FROM object WHERE "
	       "attack_id = 'DC0032') AS stored, group_concat(domain, ' ') AS "
	       "domains FROM (SELECT domain FROM attack_objects WHERE "
	       "attack_id = 'DC0032' ORDER BY domain)\"",
	       "stored,domains\r\n"
	       "1,enterprise-attack ics-attack mobile-attack\r\n");
}
END_TEST

START_TEST(test_search_ranking)
{
	char *out = akb(0, "search -f csv --limit 4 create account");

	ck_assert_msg(strstr(out, "\r\nT1136,Create Account,technique,"
				  "enterprise-attack,name,Create Account\r\n"
				  "T1136.001,Local Account,") != NULL,
		      "%s", out);
	ck_assert(strstr(out, "\r\nT1136.002,") && strstr(out, "\r\nT1136.003,"));
	free(out);
	out = akb(0, "search -f csv 1136");
	ck_assert(strncmp(out, "id,name,type,domain,match,snippet\r\nT1136,"
			       "Create Account,technique,enterprise-attack,id,",
			  70) == 0);
	ck_assert(strstr(out, "\r\nS1136,BFG Agonizer,software,"));
	free(out);
	/* A phrase, a prefix. */
	out = akb(0, "search -f csv --limit 2 '\"local account\"'");
	ck_assert_str_eq(out, "id,name,type,domain,match,snippet\r\n"
			      "T1087.001,Local Account,subtechnique,"
			      "enterprise-attack,name,Local Account\r\n"
			      "T1136.001,Local Account,subtechnique,"
			      "enterprise-attack,name,Local Account\r\n");
	free(out);
	out = akb(0, "search -f csv --limit 1 'mimika*'");
	ck_assert(strstr(out, "\r\nS0002,Mimikatz,software,enterprise-attack,"
			      "name,"));
	free(out);
	/* FTS syntax is text, never an error. */
	free(akb(0, "search '\"' '(' '*' AND - 'NEAR(' '{name}:' x"));
	free(akb(0, "search -f json ')))'"));
}
END_TEST

START_TEST(test_cli_contract)
{
	char *out;

	free(akb(2, "nosuchcommand"));
	free(akb(2, "show"));
	free(akb(2, "stats --format xml"));
	free(akb(0, "show --help"));
	free(akb(1, "sql 'DELETE FROM object'"));
	free(akb(1, "sql \"ATTACH '/tmp/x.db' AS x\""));
	free(akb(1, "--release 9.9 stats"));
	expect("--release 18.1 sql -f csv 'SELECT count(*) FROM techniques'",
	       "count(*)\r\n898\r\n"); /* 691 + 124 + 83, all domains */
	out = akb(0, "query --list");
	ck_assert(strstr(out, "mitigations-for TECHNIQUE\n"));
	ck_assert(strstr(out, "detections-for TECHNIQUE\n"));
	free(out);
	/* Messages go to stderr, data to stdout. */
	ck_assert_int_eq(test_run(&out, "%s --db %s show T9999 2>/dev/null",
				  bin, db),
			 1);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(test_not_a_store)
{
	char *out, *other = xasprintf("%s/other.db", dir);

	ck_assert_int_eq(test_run(&out, "rm -f %s && sqlite3 %s 'CREATE TABLE "
					"t(a)' && "
					"%s --db %s stats 2>&1",
				  other, other, bin, other),
			 1);
	ck_assert_msg(strstr(out, "other.db: not an attackkb store (a SQLite "
				  "database of something else)\n"),
		      "%s", out);
	free(out);
	/* A store written by a newer attackkb. */
	ck_assert_int_eq(test_run(&out, "cp %s %s && sqlite3 %s 'PRAGMA "
					"user_version = 99' && %s --db %s stats "
					"2>&1",
				  db, other, other, bin, other),
			 1);
	ck_assert_msg(strstr(out, "other.db: written by a newer attackkb "
				  "(store schema 99; this one reads up to 1)"),
		      "%s", out);
	free(out);
	free(other);
}
END_TEST

/* The ingest's last close checkpoints the log and truncates it, keeping
 * the files a read-only reader needs: a later command, the store's first
 * connection, then has no log to re-read (it was 90 MB here, 40 ms of
 * every command). */
START_TEST(test_ingest_leaves_empty_log)
{
	char *wal = xasprintf("%s-wal", db), *shm = xasprintf("%s-shm", db);
	struct stat st;

	ck_assert_int_eq(stat(wal, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(stat(shm, &st), 0);
	free(wal);
	free(shm);
}
END_TEST

/* Ingest the enterprise bundle into store, kill it after ms
 * milliseconds; its wait status. */
static int kill_ingest_after(const char *store, int ms)
{
	pid_t pid = fork();
	int status;

	ck_assert(pid >= 0);
	if (pid == 0) {
		execl(bin, bin, "-q", "--db", store, "ingest",
		      DATA "enterprise-attack-18.1.json.gz", (char *)NULL);
		_exit(127);
	}
	usleep((useconds_t)ms * 1000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}

/* Kill an ingest at different moments: the store must keep exactly what
 * it had (here: the mobile release) and stay sound. */
START_TEST(test_killed_ingest_leaves_store_intact)
{
	/* 20 moments, from opening the file to well into the writing. */
	static const int delays_ms[] = {10,   30,   60,   100,  150,
					210,  280,  360,  450,  550,
					660,  780,  910,  1050, 1200,
					1400, 1650, 1950, 2300, 2700};
	char *kdb = xasprintf("%s/killed.db", dir), *out;
	bool committed = false;

	ck_assert_int_eq(test_run(&out, "%s -q --db %s ingest " DATA
					"mobile-attack-18.1.json.gz 2>&1",
				  bin, kdb),
			 0);
	free(out);
	for (size_t i = 0; i < sizeof(delays_ms) / sizeof(*delays_ms); i++) {
		kill_ingest_after(kdb, delays_ms[i]);
		ck_assert_int_eq(test_run(&out, "%s --db %s sql -f csv 'PRAGMA "
						"integrity_check' 2>&1",
					  bin, kdb),
				 0);
		ck_assert_str_eq(out, "integrity_check\r\nok\r\n");
		free(out);
		/* Either the ingest had committed before the kill (then all
		 * of enterprise is there) or nothing of it is. */
		ck_assert_int_eq(test_run(&out, "%s --db %s sql -f csv "
						"\"SELECT group_concat(domain || "
						"' ' || (SELECT count(*) FROM "
						"member m WHERE m.release_id = "
						"r.id), ', ') AS d FROM (SELECT "
						"* FROM release ORDER BY domain) "
						"r\" 2>&1",
					  bin, kdb),
				 0);
		ck_assert_msg(strcmp(out, "d\r\nmobile-attack 2535\r\n") == 0 ||
				      strcmp(out, "d\r\n\"enterprise-attack "
						  "24771, mobile-attack "
						  "2535\"\r\n") == 0,
			      "after a kill at %d ms: %s", delays_ms[i], out);
		committed = strstr(out, "enterprise") != NULL;
		free(out);
		if (committed)
			break; /* it finished: later kills test nothing */
	}
	free(kdb);
}
END_TEST

/* A first ingest builds the store aside: killed at any moment, or
 * failing, it leaves no store at all (a killed one leaves its PATH.new-
 * file); done, the store is there whole, in WAL mode, with the files a
 * read-only reader needs. */
START_TEST(test_new_store_appears_whole)
{
	static const int delays_ms[] = {20, 80, 200, 400, 700, 1000};
	char *ndb = xasprintf("%s/new.db", dir), *out;

	for (size_t i = 0; i < sizeof(delays_ms) / sizeof(*delays_ms); i++) {
		if (WIFEXITED(kill_ingest_after(ndb, delays_ms[i])))
			break; /* it finished first */
		ck_assert_msg(access(ndb, F_OK) != 0,
			      "a store after a kill at %d ms", delays_ms[i]);
	}
	ck_assert_int_eq(test_run(NULL, "rm -f %s %s.new-*", ndb, ndb), 0);
	/* A failing first ingest: no store, no file left behind. */
	ck_assert_int_eq(test_run(&out, "printf '{\"type\": \"bundle\", "
					"\"objects\": [' >%s/cut.json && %s -q "
					"--db %s ingest " DATA
					"mobile-attack-18.1.json.gz %s/cut.json "
					"2>&1",
				  dir, bin, ndb, dir),
			 1);
	free(out);
	ck_assert_int_eq(test_run(&out, "ls %s* 2>&1", ndb), 2);
	free(out);
	ck_assert_int_eq(test_run(&out, "%s -q --db %s ingest " DATA
					"mobile-attack-18.1.json.gz && ls %s* && "
					"od -An -tu1 -j18 -N2 %s 2>&1",
				  bin, ndb, ndb, ndb),
			 0);
	{
		/* file format versions 2: WAL */
		char *want = xasprintf("%s\n%s-shm\n%s-wal\n   2   2\n", ndb,
				       ndb, ndb);

		ck_assert_str_eq(out, want);
		free(want);
	}
	free(out);
	free(ndb);
}
END_TEST

/* A store created by someone else while a new one was built is never
 * replaced: publishing fails and keeps the built store beside it. */
START_TEST(test_new_store_never_replaces)
{
	char *p = xasprintf("%s/race.db", dir), *out;
	kb_store *store;

	ck_assert_int_eq(kb_store_open(&store, p,
				       KB_STORE_WRITE | KB_STORE_CREATE |
					       KB_STORE_BUILD),
			 0);
	ck_assert_int_eq(test_run(NULL, "echo theirs >%s", p), 0);
	ck_assert_int_eq(kb_store_publish(store), KB_EIO);
	ck_assert_msg(strstr(kb_error_last(), "race.db: cannot create the "
					      "store (the new store is kept "
					      "as "),
		      "%s", kb_error_last());
	kb_store_close(store);
	ck_assert_int_eq(test_run(&out, "cat %s && ls %s.new-* | wc -l", p, p),
			 0);
	ck_assert_str_eq(out, "theirs\n1\n");
	free(out);
	free(p);
}
END_TEST

/* The full-text index of a new store is built on a thread and copied in
 * (kb/ftsbuild.c); a store that exists indexes each text directly. Both
 * give every enterprise object the same terms at the same places. */
START_TEST(test_built_index_is_direct_index)
{
	static const char vocab[] =
		"sqlite3 %s \"CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, "
		"search, 'instance'); SELECT o.stix_id, o.modified, v.term, "
		"v.col, v.offset FROM temp.v v JOIN object o ON o.id = v.doc "
		"JOIN member m ON m.object_id = o.id JOIN release r ON r.id = "
		"m.release_id AND r.domain = 'enterprise-attack' ORDER BY 1, 2, "
		"3, 4, 5\" | %s";
	char *built = xasprintf("%s/built.db", dir);
	char *direct = xasprintf("%s/direct.db", dir);
	char *a, *b;

	ck_assert_int_eq(test_run(NULL, "%s -q --db %s ingest " DATA
					"enterprise-attack-18.1.json.gz && %s -q "
					"--db %s ingest " DATA
					"ics-attack-18.1.json.gz && %s -q --db %s "
					"ingest " DATA
					"enterprise-attack-18.1.json.gz",
				  bin, built, bin, direct, bin, direct),
			 0);
	ck_assert_int_eq(test_run(&a, vocab, built, "wc -l"), 0);
	ck_assert_int_gt(atol(a), 800000);
	free(a);
	ck_assert_int_eq(test_run(&a, vocab, built, "md5sum"), 0);
	ck_assert_int_eq(test_run(&b, vocab, direct, "md5sum"), 0);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	free(built);
	free(direct);
}
END_TEST

/* A store an older attackkb made (here: no fingerprint, an index and a
 * view column missing) is brought up to date by the first command that
 * may write it, even one that only reads; opened read-only by the
 * library, it is refused with a message saying so. */
START_TEST(test_older_store_brought_up_to_date)
{
	char *p = xasprintf("%s/older.db", dir), *out;
	kb_store *store;

	ck_assert_int_eq(test_run(NULL, "%s -q --db %s ingest " DATA
					"mobile-attack-18.1.json.gz && sqlite3 %s "
					"\"DROP TABLE meta; DROP INDEX "
					"object_revoked_by; DROP VIEW analytics; "
					"CREATE VIEW analytics AS SELECT 1 AS "
					"attack_id\"",
				  bin, p, p),
			 0);
	ck_assert_int_eq(kb_store_open(&store, p, KB_STORE_READONLY),
			 KB_ESTALE);
	ck_assert_msg(strstr(kb_error_last(), "older.db: made by another "
					      "attackkb version: its views and "
					      "indexes need an update"),
		      "%s", kb_error_last());
	ck_assert_int_eq(test_run(&out, "%s --db %s sql -f csv \"SELECT "
					"(SELECT count(*) FROM analytics WHERE "
					"object_id IS NOT NULL) AS a, (SELECT "
					"count(*) FROM sqlite_master WHERE name "
					"= 'object_revoked_by') AS i, (SELECT "
					"count(*) FROM meta) AS m\"",
				  bin, p),
			 0);
	/* 211 analytic rows in mobile 18.1 (Python over the bundle) */
	ck_assert_str_eq(out, "a,i,m\r\n211,1,1\r\n");
	free(out);
	ck_assert_int_eq(kb_store_open(&store, p, KB_STORE_READONLY), 0);
	kb_store_close(store);
	free(p);
}
END_TEST

/* KB_MAX_RESULTS: a search ranks at most 1,000 hits, whatever --limit
 * asks (a huge one used to abort: out of memory sizing the page). */
START_TEST(test_search_results_limit)
{
	static const char *const limits[] = {"1000", "1001",
					     "1000000000000"};

	for (size_t i = 0; i < sizeof(limits) / sizeof(*limits); i++) {
		char *args = xasprintf("search --format json --limit %s the",
				       limits[i]);
		char *out = akb(0, args);
		size_t n = 0;

		for (const char *p = out; (p = strstr(p, "\n    \"id\": "));
		     p++)
			n++;
		ck_assert_msg(n == 1000, "--limit %s: %zu hits", limits[i], n);
		free(out);
		free(args);
	}
}
END_TEST

/* Reads served while an ingest runs see the old or the new release, never
 * a mix: a store holding mobile takes enterprise in one process while
 * this one keeps asking for counts (one statement) and for stats and
 * show (many statements each, one read transaction). */
START_TEST(test_reads_during_ingest_see_old_or_new)
{
	static const char *const reads[] = {
		"sql -f csv \"SELECT (SELECT group_concat(domain, ',') FROM "
		"release) AS d, (SELECT count(*) FROM member) AS m, (SELECT "
		"count(*) FROM object) AS o\"",
		"stats",
		"show G0096", /* APT41: mobile before, enterprise after */
	};
	enum { NREADS = sizeof(reads) / sizeof(*reads) };
	char *cdb = xasprintf("%s/concurrent.db", dir), *out;
	char *before[NREADS], *after[NREADS], *seen[400];
	size_t nseen = 0, nold = 0, nnew = 0;
	pid_t pid;
	int status;

	ck_assert_int_eq(test_run(&out, "%s -q --db %s ingest " DATA
					"mobile-attack-18.1.json.gz 2>&1",
				  bin, cdb),
			 0);
	free(out);
	for (int r = 0; r < NREADS; r++)
		ck_assert_int_eq(test_run(&before[r], "%s --db %s %s 2>&1", bin,
					  cdb, reads[r]),
				 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		execl(bin, bin, "-q", "--db", cdb, "ingest",
		      DATA "enterprise-attack-18.1.json.gz", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, WNOHANG) == 0 &&
	       nseen < sizeof(seen) / sizeof(*seen)) {
		int rc = test_run(&out, "%s --db %s %s 2>&1", bin, cdb,
				  reads[nseen % NREADS]);

		ck_assert_msg(rc == 0, "%s: %s", reads[nseen % NREADS], out);
		seen[nseen++] = out;
	}
	if (nseen == sizeof(seen) / sizeof(*seen))
		waitpid(pid, &status, 0);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	for (int r = 0; r < NREADS; r++)
		ck_assert_int_eq(test_run(&after[r], "%s --db %s %s 2>&1", bin,
					  cdb, reads[r]),
				 0);
	ck_assert_str_ne(before[0], after[0]);
	for (size_t i = 0; i < nseen; i++) {
		int r = (int)(i % NREADS);
		bool old = strcmp(seen[i], before[r]) == 0;
		bool new = strcmp(seen[i], after[r]) == 0;

		ck_assert_msg(old || new, "read %zu (%s) is neither:\n%s", i,
			      reads[r], seen[i]);
		nold += old;
		nnew += new && !old;
		free(seen[i]);
	}
	/* The ingest takes seconds: reads landed while it ran. */
	ck_assert_msg(nseen >= 3, "only %zu reads (%zu old, %zu new)", nseen,
		      nold, nnew);
	for (int r = 0; r < NREADS; r++) {
		free(before[r]);
		free(after[r]);
	}
	free(cdb);
}
END_TEST

Suite *attack_suite(void)
{
	Suite *s = suite_create("attack");
	TCase *tc = tcase_create("shipped v18.1");

	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, shipped_setup, shipped_teardown);
	tcase_add_test(tc, test_ingest_leaves_empty_log);
	tcase_add_test(tc, test_counts_enterprise);
	tcase_add_test(tc, test_relationship_counts_all_domains);
	tcase_add_test(tc, test_show_t1136);
	tcase_add_test(tc, test_revoked_and_multi_domain);
	tcase_add_test(tc, test_search_ranking);
	tcase_add_test(tc, test_search_results_limit);
	tcase_add_test(tc, test_cli_contract);
	tcase_add_test(tc, test_not_a_store);
	tcase_add_test(tc, test_killed_ingest_leaves_store_intact);
	tcase_add_test(tc, test_new_store_appears_whole);
	tcase_add_test(tc, test_new_store_never_replaces);
	tcase_add_test(tc, test_built_index_is_direct_index);
	tcase_add_test(tc, test_older_store_brought_up_to_date);
	tcase_add_test(tc, test_reads_during_ingest_see_old_or_new);
	suite_add_tcase(s, tc);
	return s;
}
