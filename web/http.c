/* web/http.c: CGI response headers and bodies. Header values are checked
 * one by one before anything is written, which is what makes header
 * injection impossible whatever the pages pass in. */
#include "web/http.h"
#include "kb/error.h"
#include "web/html.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
				   "Thu", "Fri", "Sat"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
				     "May", "Jun", "Jul", "Aug",
				     "Sep", "Oct", "Nov", "Dec"};

const char *http_status_text(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 301:
		return "Moved Permanently";
	case 303:
		return "See Other";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 414:
		return "URI Too Long";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	default:
		return "Unknown";
	}
}

/* Printable ASCII only: no CR, LF, NUL, other controls, nor obs-text. */
static bool value_safe(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v > 0x7e)
			return false;
	return true;
}

static bool location_safe(const char *v)
{
	if (!value_safe(v) || strchr(v, ' '))
		return false;
	if (v[0] == '/')
		return v[1] != '/' && v[1] != '\\'; /* "//host": elsewhere */
	return strncmp(v, "https://", 8) == 0 || strncmp(v, "http://", 7) == 0;
}

static bool etag_safe(const char *v)
{
	size_t n;

	if (strncmp(v, "W/", 2) == 0)
		v += 2;
	n = strlen(v);
	return value_safe(v) && n >= 2 && v[0] == '"' && v[n - 1] == '"' &&
	       !memchr(v + 1, '"', n - 2);
}

static bool response_safe(const http_response *r)
{
	return (!r->content_type || value_safe(r->content_type)) &&
	       (!r->cache_control || value_safe(r->cache_control)) &&
	       (!r->etag || etag_safe(r->etag)) &&
	       (!r->location || location_safe(r->location)) &&
	       (!r->allow || value_safe(r->allow));
}

static void put_status(strbuf *out, int status)
{
	strbuf_printf(out, "Status: %d %s\r\n", status,
		      http_status_text(status));
}

static void put_security(strbuf *out)
{
	strbuf_puts(out, "Content-Security-Policy: " HTTP_CSP "\r\n"
			 "X-Content-Type-Options: nosniff\r\n"
			 "Referrer-Policy: no-referrer\r\n");
}

static void put_validators(strbuf *out, const http_response *r)
{
	char date[HTTP_DATE_MAX];

	if (r->etag)
		strbuf_printf(out, "ETag: %s\r\n", r->etag);
	if (r->last_modified) {
		http_date(date, r->last_modified);
		strbuf_printf(out, "Last-Modified: %s\r\n", date);
	}
}

/* Write resp, already checked. */
static void put_response(strbuf *out, const http_response *r, bool head,
			 const char *body, size_t len)
{
	put_status(out, r->status ? r->status : 200);
	strbuf_printf(out, "Content-Type: %s\r\n",
		      r->content_type ? r->content_type
				      : "text/html; charset=utf-8");
	strbuf_printf(out, "Content-Length: %zu\r\n", len);
	strbuf_printf(out, "Cache-Control: %s\r\n",
		      r->cache_control ? r->cache_control : "no-cache");
	put_validators(out, r);
	if (r->location)
		strbuf_printf(out, "Location: %s\r\n", r->location);
	if (r->allow)
		strbuf_printf(out, "Allow: %s\r\n", r->allow);
	if (r->retry_after > 0)
		strbuf_printf(out, "Retry-After: %d\r\n", r->retry_after);
	put_security(out);
	strbuf_puts(out, "\r\n");
	if (!head)
		strbuf_put(out, body, len);
}

int http_respond(strbuf *out, const http_response *resp,
		 const cgi_request *req, const char *body, size_t len)
{
	int status = resp->status ? resp->status : 200;
	bool head = req && req->head;

	if (!response_safe(resp)) {
		http_error(out, 500, "The page built an invalid header.", head);
		return kb_error_set(KB_EPARSE, "http: unsafe header value "
					       "refused");
	}
	if (status == 200 && req &&
	    http_is_fresh(req, resp->etag, resp->last_modified)) {
		put_status(out, 304);
		strbuf_printf(out, "Cache-Control: %s\r\n",
			      resp->cache_control ? resp->cache_control
						  : "no-cache");
		put_validators(out, resp);
		put_security(out);
		strbuf_puts(out, "\r\n");
		return 0;
	}
	put_response(out, resp, head, body, len);
	return 0;
}

void http_error(strbuf *out, int status, const char *message, bool head)
{
	http_response r = HTTP_RESPONSE_INIT;
	strbuf body = STRBUF_INIT;
	char title[64];

	snprintf(title, sizeof(title), "%d %s", status,
		 http_status_text(status));
	strbuf_puts(&body, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			   "<meta charset=\"utf-8\">\n<title>");
	strbuf_puts(&body, title);
	strbuf_puts(&body, "</title>\n</head>\n<body>\n<h1>");
	strbuf_puts(&body, title);
	strbuf_puts(&body, "</h1>\n<p>");
	html_escape_text(&body, message ? message : "");
	strbuf_puts(&body, "</p>\n</body>\n</html>\n");
	r.status = status;
	r.cache_control = "no-store";
	if (status == 405)
		r.allow = HTTP_ALLOW;
	if (status == 503)
		r.retry_after = 10;
	put_response(out, &r, head, body.ptr, body.len);
	strbuf_free(&body);
}

void http_unavailable(strbuf *out, const char *message, bool head)
{
	http_error(out, 503, message, head);
}

int http_redirect(strbuf *out, const char *location, bool head)
{
	static const char body[] = "See Other\n";
	http_response r = HTTP_RESPONSE_INIT;

	r.status = 303;
	r.content_type = "text/plain; charset=utf-8";
	r.location = location;
	if (!response_safe(&r)) {
		http_error(out, 500, "Refused an unsafe redirect target.",
			   head);
		return kb_error_set(KB_EPARSE, "http: unsafe Location refused");
	}
	put_response(out, &r, head, body, sizeof(body) - 1);
	return 0;
}

/* Does one If-None-Match list match etag (weak comparison)? */
static bool etag_listed(const char *list, const char *etag)
{
	const char *p = list, *end;
	size_t n;

	if (strncmp(etag, "W/", 2) == 0)
		etag += 2;
	n = strlen(etag);
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			return false;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p != '"' || !(end = strchr(p + 1, '"')))
			return false; /* malformed: match nothing */
		if ((size_t)(end + 1 - p) == n && memcmp(p, etag, n) == 0)
			return true;
		p = end + 1;
	}
}

bool http_is_fresh(const cgi_request *req, const char *etag,
		   time_t last_modified)
{
	time_t since;

	if (req->if_none_match)
		return etag && etag_listed(req->if_none_match, etag);
	if (req->if_modified_since && last_modified &&
	    http_date_parse(&since, req->if_modified_since) == 0)
		return last_modified <= since;
	return false;
}

void http_etag(char out[HTTP_ETAG_MAX], const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3u;
	}
	snprintf(out, HTTP_ETAG_MAX, "\"%016" PRIx64 "\"", h);
}

void http_date(char out[HTTP_DATE_MAX], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, HTTP_DATE_MAX, "%s, %02d %s %04d %02d:%02d:%02d GMT",
		 days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int http_date_parse(time_t *out, const char *s)
{
	char wday[4], mon[4], gmt[4];
	struct tm tm = {0};
	int day, year, h, m, sec, used = 0, k;

	*out = 0;
	if (strlen(s) != 29 ||
	    sscanf(s, "%3s, %2d %3s %4d %2d:%2d:%2d %3s%n", wday, &day, mon,
		   &year, &h, &m, &sec, gmt, &used) != 8 ||
	    used != 29 || strcmp(gmt, "GMT") != 0)
		return kb_error_set(KB_EPARSE, "http: not an IMF-fixdate");
	for (k = 0; k < 12 && strcmp(mon, months[k]) != 0; k++)
		;
	if (k == 12 || day < 1 || day > 31 || year < 1970 || h > 23 ||
	    m > 59 || sec > 60 || h < 0 || m < 0 || sec < 0)
		return kb_error_set(KB_EPARSE, "http: not an IMF-fixdate");
	tm.tm_mday = day;
	tm.tm_mon = k;
	tm.tm_year = year - 1900;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	*out = timegm(&tm);
	return 0;
}
