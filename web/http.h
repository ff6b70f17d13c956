/* web/http.h: CGI responses (RFC 3875 section 6) built into a strbuf: the
 * Status header, security headers, validators and 304, redirects, error
 * pages. Every header value is checked, so no request byte can split a
 * header: a value with CR, LF or any other control byte is never sent. */
#ifndef WEB_HTTP_H
#define WEB_HTTP_H

#include "kb/strbuf.h"
#include "web/cgi.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Headers sent with every response. */
#define HTTP_CSP "default-src 'self'"
#define HTTP_ALLOW "GET, HEAD"

#define HTTP_ETAG_MAX 24 /* bytes of an http_etag() result, NUL included */
#define HTTP_DATE_MAX 32 /* bytes of an http_date() result, NUL included */

/* What to send; fill it after HTTP_RESPONSE_INIT. Strings are borrowed. */
typedef struct {
	int status;                /* 0 means 200 */
	const char *content_type;  /* NULL: "text/html; charset=utf-8" */
	const char *cache_control; /* NULL: "no-cache" (revalidate each time) */
	const char *etag;          /* "\"...\"" or "W/\"...\"", or NULL */
	time_t last_modified;      /* 0: no Last-Modified */
	const char *location;      /* 3xx: "/path..." or "http(s)://...", or
				      NULL */
	const char *allow;         /* 405: methods, or NULL */
	int retry_after;           /* 503: seconds, or 0 for none */
} http_response;

#define HTTP_RESPONSE_INIT {0}

/* The reason phrase of a status code ("Not Found"); "Unknown" if unknown. */
const char *http_status_text(int status);

/* Append to out the whole CGI response: "Status: N Text", Content-Type,
 * Content-Length, Cache-Control, the validators, Location, Allow,
 * Retry-After, Content-Security-Policy, X-Content-Type-Options,
 * Referrer-Policy, a blank line, then body (len bytes) unless req is a HEAD
 * request. A 200 answer to a request whose If-None-Match or
 * If-Modified-Since shows it is fresh becomes "304 Not Modified" with no
 * body. req may be NULL (no conditional, not HEAD). Lines end in CRLF.
 * If any header value holds a control byte or a byte above 0x7E, or the
 * Location is not "/x", "http://" or "https://" (a "//host" would be an
 * open redirect), nothing of resp is sent: a 500 error page is appended
 * instead and KB_EPARSE is returned. Returns 0 or KB_EPARSE. */
int http_respond(strbuf *out, const http_response *resp,
		 const cgi_request *req, const char *body, size_t len);

/* Append an error response: status, then a small HTML page with the reason
 * phrase and message (escaped here, so it may quote anything). 405 adds
 * "Allow: GET, HEAD"; 503 adds "Retry-After". head: headers only. */
void http_error(strbuf *out, int status, const char *message, bool head);

/* Append "503 Service Unavailable" for a store that is missing, locked or
 * being rebuilt, with "Retry-After: 10" and the message (escaped). */
void http_unavailable(strbuf *out, const char *message, bool head);

/* Append "303 See Other" to location, which should be built with
 * html_encode_url() from anything a client sent. Returns 0, or KB_EPARSE
 * (and a 500 page instead) when location is not a safe header value. */
int http_redirect(strbuf *out, const char *location, bool head);

/* True when req's validators show that the client's copy of the resource
 * with this etag (or NULL) and last_modified (or 0) is current:
 * If-None-Match ("*" or a list, weak comparison) when present, otherwise
 * If-Modified-Since (IMF-fixdate) against last_modified. Pages may call it
 * before querying the store. */
bool http_is_fresh(const cgi_request *req, const char *etag,
		   time_t last_modified);

/* A strong entity tag for the bytes of data (64-bit FNV-1a, quoted), e.g.
 * "\"cbf29ce484222325\"". Hash whatever decides the page's bytes (store
 * identity, path, parameters) or the body itself. */
void http_etag(char out[HTTP_ETAG_MAX], const void *data, size_t len);

/* Format t as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), whatever
 * the locale. */
void http_date(char out[HTTP_DATE_MAX], time_t t);

/* Parse an IMF-fixdate into *out. Returns 0 or KB_EPARSE. */
int http_date_parse(time_t *out, const char *s);

#endif
