/* tests/web_fixture.h: one store of the shipped ATT&CK v18.1 bundles
 * (enterprise, mobile, ICS) for the web page's tests, built once per test
 * run by the first suite that asks and removed when the runner exits. */
#ifndef TESTS_WEB_FIXTURE_H
#define TESTS_WEB_FIXTURE_H

/* The store's path. Builds it with $ATTACKKB on the first call, which
 * should come from an unchecked fixture (the runner's own process), so
 * that every forked test sees the same store. Aborts the test on failure. */
const char *web_store(void);

/* The CGI binary beside $ATTACKKB ("...attackkb.cgi"), or with suffix
 * ".fcgi" the FastCGI one. Static storage. */
const char *web_binary(const char *suffix);

#endif
