/* web/cgi.h: the CGI request (RFC 3875): strict parsing of the method,
 * PATH_INFO and QUERY_STRING, and routing to the pages of attackkb.cgi. */
#ifndef WEB_CGI_H
#define WEB_CGI_H

#include <stdbool.h>
#include <stddef.h>

/* The meta-variables the page reads. Tests fill it by hand; the CGI's main()
 * fills it with cgi_env_from_getenv(). NULL means "not set". Borrowed. */
typedef struct {
	const char *request_method;    /* REQUEST_METHOD */
	const char *script_name;       /* SCRIPT_NAME: "" when mounted at / */
	const char *path_info;         /* PATH_INFO, already %-decoded */
	const char *query_string;      /* QUERY_STRING, still %-encoded */
	const char *if_none_match;     /* HTTP_IF_NONE_MATCH */
	const char *if_modified_since; /* HTTP_IF_MODIFIED_SINCE */
	const char *db_path;           /* ATTACKKB_DB: the store to open */
} cgi_env;

/* One decoded query-string pair. */
typedef struct {
	char *name;  /* decoded: valid UTF-8, no NUL */
	char *value; /* decoded likewise; "" when the pair had no '=' */
} cgi_pair;

/* A request that passed every check of cgi_request_parse(). Read-only for
 * callers; released with cgi_request_free(). */
typedef struct {
	bool head;               /* HEAD: send the headers of GET, no body */
	char *script_name;       /* SCRIPT_NAME without a trailing '/' ("" at
				    the root); prefix of every link built */
	char *path;              /* normalised PATH_INFO: "/" or "/a/b"; no
				    empty, "." or ".." segment, no final '/' */
	cgi_pair *params;        /* in query-string order */
	size_t nparams;          /* at most KB_MAX_PARAMS */
	char *if_none_match;     /* raw header value, or NULL */
	char *if_modified_since; /* raw header value, or NULL */
} cgi_request;

/* Fill env from getenv(). The pointers borrow the process environment. */
void cgi_env_from_getenv(cgi_env *env);

/* Check and decode the request described by env into *out (the caller frees
 * it with cgi_request_free()). On rejection *out is NULL, *status holds the
 * HTTP status to send and kb_error_last() a plain reason that never quotes
 * request bytes, so it can be shown as is:
 * - 405: a method other than GET or HEAD (send "Allow: GET, HEAD");
 * - 414: QUERY_STRING over KB_MAX_QUERY_STRING or PATH_INFO over
 *   KB_MAX_PATH_INFO bytes;
 * - 400: in the query string, a bad escape (%ZZ, %4), %00, a raw control
 *   byte, a name or value that is not well-formed UTF-8 once decoded
 *   (overlong forms, surrogates), more than KB_MAX_PARAMS pairs; in
 *   PATH_INFO, a "." or ".." segment, a backslash, a '%' (PATH_INFO comes
 *   decoded, so a '%' means a double encoding), a control byte, bad UTF-8,
 *   or no leading '/'.
 * On success *status is 200. '+' decodes to a space, empty pairs ("a&&b")
 * are skipped. Returns 0, KB_EPARSE (400, 405) or KB_ELIMIT (400, 414). */
int cgi_request_parse(cgi_request **out, int *status, const cgi_env *env);

/* Release a request; NULL is fine. */
void cgi_request_free(cgi_request *req);

/* The decoded value of the first parameter called name, or NULL when there
 * is none. Borrowed from req. */
const char *cgi_param(const cgi_request *req, const char *name);

/* The pages of attackkb.cgi. */
typedef enum {
	CGI_ROUTE_HOME,     /* /                  */
	CGI_ROUTE_SEARCH,   /* /search            ?q=... */
	CGI_ROUTE_OBJECT,   /* /object/<ATT&CK ID> */
	CGI_ROUTE_MATRIX,   /* /matrix/<domain>   */
	CGI_ROUTE_COVERAGE, /* /coverage/<domain> */
	CGI_ROUTE_STYLE,    /* /static/style.css  */
} cgi_route_kind;

#define CGI_ID_MAX 16 /* bytes of a canonical ATT&CK ID, NUL included: the
		       size kb_is_attack_id() writes into */

/* Where a path leads. */
typedef struct {
	cgi_route_kind kind;
	char arg[24]; /* OBJECT: canonical ID ("T1136.001"); MATRIX, COVERAGE:
			 STIX domain ("enterprise-attack"); otherwise "" */
} cgi_route_match;

/* Match a normalised path (cgi_request.path) against the routes. IDs and
 * domains match case-insensitively and come out canonical. Returns 0, or
 * KB_ENOTFOUND (send 404) for anything else. */
int cgi_route(cgi_route_match *out, const char *path);

/* The STIX domain for "enterprise", "mobile", "ics" or their "-attack"
 * forms, in any case: a static string, or NULL when s is none of them. */
const char *cgi_domain(const char *s);

#endif
