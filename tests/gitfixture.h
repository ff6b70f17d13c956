/* tests/gitfixture.h: git repositories built with libgit2 from the
 * synthetic releases in tests/fixtures/diff/ (laid out as mitre/cti and
 * as attack-stix-data), and broken ones. */
#ifndef TESTS_GITFIXTURE_H
#define TESTS_GITFIXTURE_H

/* The repositories, under one temporary folder (gf_dir). */
struct gitfixture {
	char *dir;       /* the temporary folder */
	char *cti;       /* mitre/cti layout, a work tree: tags ATT&CK-v6.3
			    (enterprise + pre-attack), ATT&CK-v9.0
			    (annotated), ATT&CK-v10.0 (HEAD); bundle files
			    and one file per object */
	char *bare;      /* a bare repository holding cti's objects and refs */
	char *stixdata;  /* attack-stix-data layout: one commit holding
			    enterprise-attack-9.0.json, -10.0.json,
			    enterprise-attack.json and ics-attack-18.1.json */
	char *objonly;   /* per-object trees only, no tag: enterprise 10.0
			    (nothing tells its release) and ICS (its
			    x-mitre-collection says 18.1) */
	char *broken;    /* per-object trees: tag ATT&CK-v11.0 with GF_ALPHA's
			    file truncated, ATT&CK-v12.0 (HEAD) with a
			    number for its name */
	char *corrupt;   /* tag ATT&CK-v9.0 whose bundle blob is garbage */
	char *shallow;   /* cti with the 6.3 commit missing, as a shallow
			    clone has it */
	char *nodata;    /* one commit holding a README only */
	char *notrepo;   /* a plain folder */
};

/* T1001 Alpha of the fixtures. */
#define GF_ALPHA "attack-pattern--563fb795-6166-595e-b0be-91e321ab22a0"

/* Build every repository (about a second). */
void gitfixture_build(struct gitfixture *gf);
/* Remove them all. */
void gitfixture_free(struct gitfixture *gf);

/* The fixture file tests/fixtures/diff/NAME, relative to tests/. */
#define DIFF_FIXTURE(name) "fixtures/diff/" name

#endif
