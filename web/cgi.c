/* web/cgi.c: CGI request parsing. Everything outside GET/HEAD, the length
 * limits and strict percent-decoding to well-formed UTF-8 is refused before
 * any page sees it. */
#include "web/cgi.h"
#include "kb/attackid.h"
#include "kb/describe.h"
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/xalloc.h"
#include "web/utf8.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Conditional request headers longer than this are ignored, not refused. */
#define MAX_HEADER_VALUE 1024

void cgi_env_from_getenv(cgi_env *env)
{
	env->request_method = getenv("REQUEST_METHOD");
	env->script_name = getenv("SCRIPT_NAME");
	env->path_info = getenv("PATH_INFO");
	env->query_string = getenv("QUERY_STRING");
	env->if_none_match = getenv("HTTP_IF_NONE_MATCH");
	env->if_modified_since = getenv("HTTP_IF_MODIFIED_SINCE");
	env->db_path = getenv("ATTACKKB_DB");
}

static bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static int hex_value(char ch)
{
	unsigned char c = (unsigned char)ch;

	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The message never quotes the request, only says where. */
static int bad_query(const char *what, size_t at)
{
	return kb_error_set(KB_EPARSE, "query string: %s at byte %zu", what,
			    at);
}

/* Decode n bytes of one name or value (at offset pos of the query string,
 * for the message) into a new string in *out. */
static int decode_component(char **out, const char *s, size_t n, size_t pos)
{
	char *buf = xmalloc(n + 1);
	size_t i, j = 0;
	int hi, lo, error = 0;

	*out = NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '+') {
			buf[j++] = ' ';
		} else if (s[i] == '%') {
			if (i + 2 >= n || (hi = hex_value(s[i + 1])) < 0 ||
			    (lo = hex_value(s[i + 2])) < 0) {
				error = bad_query("invalid percent-escape",
						  pos + i);
				goto done;
			}
			if (hi == 0 && lo == 0) {
				error = bad_query("%00 (NUL)", pos + i);
				goto done;
			}
			buf[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			buf[j++] = s[i];
		}
	}
	buf[j] = '\0';
	if (!utf8_valid(buf, j)) {
		error = bad_query("not well-formed UTF-8 once decoded, pair",
				  pos);
		goto done;
	}
	*out = buf;
	buf = NULL;
done:
	free(buf);
	return error;
}

/* Split the query string into decoded pairs. */
static int parse_query(cgi_request *req, const char *qs)
{
	size_t pos = 0, len = strlen(qs), end, eq;
	cgi_pair *pair;
	int error;

	for (size_t i = 0; i < len; i++)
		if (is_ctl((unsigned char)qs[i]))
			return bad_query("control byte", i);
	while (pos < len) {
		end = pos;
		while (end < len && qs[end] != '&')
			end++;
		if (end == pos) { /* "a&&b", leading or trailing '&' */
			pos++;
			continue;
		}
		if (req->nparams == KB_MAX_PARAMS)
			return kb_error_set(KB_ELIMIT,
					    "query string: more than %d "
					    "parameters",
					    KB_MAX_PARAMS);
		eq = pos;
		while (eq < end && qs[eq] != '=')
			eq++;
		req->params = xreallocarray(req->params, req->nparams + 1,
					    sizeof(*req->params));
		pair = &req->params[req->nparams];
		pair->name = pair->value = NULL;
		req->nparams++;
		error = decode_component(&pair->name, qs + pos, eq - pos, pos);
		if (error < 0)
			return error;
		if (eq < end)
			error = decode_component(&pair->value, qs + eq + 1,
						 end - eq - 1, eq + 1);
		else
			pair->value = xstrdup("");
		if (error < 0)
			return error;
		pos = end + 1;
	}
	return 0;
}

/* Normalise PATH_INFO into req->path: collapse "//", drop a trailing '/',
 * refuse what no link of ours produces (see cgi.h). */
static int parse_path(cgi_request *req, const char *pi)
{
	size_t len, i = 0, seg;
	char *out;
	size_t o = 0;

	if (!pi || !*pi) {
		req->path = xstrdup("/");
		return 0;
	}
	len = strlen(pi);
	if (pi[0] != '/')
		return kb_error_set(KB_EPARSE, "path: does not start with '/'");
	if (!utf8_valid(pi, len))
		return kb_error_set(KB_EPARSE, "path: not well-formed UTF-8");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)pi[i];

		if (is_ctl(c))
			return kb_error_set(KB_EPARSE, "path: control byte");
		if (c == '\\')
			return kb_error_set(KB_EPARSE, "path: backslash");
		if (c == '%')
			return kb_error_set(KB_EPARSE,
					    "path: '%%' (double encoding)");
	}
	out = xmalloc(len + 2);
	i = 0;
	while (i < len) {
		while (i < len && pi[i] == '/')
			i++;
		seg = i;
		while (i < len && pi[i] != '/')
			i++;
		if (i == seg)
			break;
		if ((i - seg == 1 && pi[seg] == '.') ||
		    (i - seg == 2 && pi[seg] == '.' && pi[seg + 1] == '.')) {
			free(out);
			return kb_error_set(KB_EPARSE,
					    "path: '.' or '..' segment");
		}
		out[o++] = '/';
		memcpy(out + o, pi + seg, i - seg);
		o += i - seg;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	req->path = out;
	return 0;
}

/* A copy of a conditional header, or NULL when absent or unusable. */
static char *copy_header(const char *v)
{
	size_t n;

	if (!v)
		return NULL;
	n = strnlen(v, MAX_HEADER_VALUE + 1);
	if (n > MAX_HEADER_VALUE)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (is_ctl((unsigned char)v[i]))
			return NULL;
	return xstrdup(v);
}

int cgi_request_parse(cgi_request **out, int *status, const cgi_env *env)
{
	cgi_request *req = NULL;
	const char *m = env->request_method;
	size_t n;
	int error = 0;

	*out = NULL;
	*status = 400;
	if (!m || (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0)) {
		*status = 405;
		error = kb_error_set(KB_EPARSE,
				     "method not allowed: only GET and HEAD");
		goto done;
	}
	if (env->query_string &&
	    strnlen(env->query_string, KB_MAX_QUERY_STRING + 1) >
		    KB_MAX_QUERY_STRING) {
		*status = 414;
		error = kb_error_set(KB_ELIMIT,
				     "query string longer than %u bytes",
				     (unsigned)KB_MAX_QUERY_STRING);
		goto done;
	}
	if (env->path_info && strnlen(env->path_info, KB_MAX_PATH_INFO + 1) >
				      KB_MAX_PATH_INFO) {
		*status = 414;
		error = kb_error_set(KB_ELIMIT, "path longer than %u bytes",
				     (unsigned)KB_MAX_PATH_INFO);
		goto done;
	}
	req = xcalloc(1, sizeof(*req));
	req->head = strcmp(m, "HEAD") == 0;
	req->script_name = xstrdup(env->script_name ? env->script_name : "");
	n = strlen(req->script_name);
	while (n > 0 && req->script_name[n - 1] == '/')
		req->script_name[--n] = '\0';
	error = parse_path(req, env->path_info);
	if (error < 0)
		goto done;
	if (env->query_string) {
		error = parse_query(req, env->query_string);
		if (error < 0)
			goto done;
	}
	req->if_none_match = copy_header(env->if_none_match);
	req->if_modified_since = copy_header(env->if_modified_since);
	*status = 200;
	*out = req;
	req = NULL;
done:
	cgi_request_free(req);
	return error;
}

void cgi_request_free(cgi_request *req)
{
	if (!req)
		return;
	for (size_t i = 0; i < req->nparams; i++) {
		free(req->params[i].name);
		free(req->params[i].value);
	}
	free(req->params);
	free(req->script_name);
	free(req->path);
	free(req->if_none_match);
	free(req->if_modified_since);
	free(req);
}

const char *cgi_param(const cgi_request *req, const char *name)
{
	for (size_t i = 0; i < req->nparams; i++)
		if (strcmp(req->params[i].name, name) == 0)
			return req->params[i].value;
	return NULL;
}

const char *cgi_domain(const char *s)
{
	static const char *const domains[] = {
		"enterprise-attack",
		"mobile-attack",
		"ics-attack",
	};

	for (size_t k = 0; k < sizeof(domains) / sizeof(domains[0]); k++) {
		size_t n = strlen(domains[k]) - strlen("-attack");

		if (strcasecmp(s, domains[k]) == 0 ||
		    (strlen(s) == n && strncasecmp(s, domains[k], n) == 0))
			return domains[k];
	}
	return NULL;
}

/* If path is prefix + one more segment, return that segment. */
static const char *tail_after(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(path, prefix, n) != 0 || path[n] == '\0' ||
	    strchr(path + n, '/'))
		return NULL;
	return path + n;
}

int cgi_route(cgi_route_match *out, const char *path)
{
	const char *arg, *domain;

	out->arg[0] = '\0';
	if (strcmp(path, "/") == 0) {
		out->kind = CGI_ROUTE_HOME;
		return 0;
	}
	if (strcmp(path, "/search") == 0) {
		out->kind = CGI_ROUTE_SEARCH;
		return 0;
	}
	if (strcmp(path, "/static/style.css") == 0) {
		out->kind = CGI_ROUTE_STYLE;
		return 0;
	}
	if ((arg = tail_after(path, "/object/"))) {
		out->kind = CGI_ROUTE_OBJECT;
		if (strlen(arg) < CGI_ID_MAX && kb_is_attack_id(arg, out->arg))
			return 0;
	} else if ((arg = tail_after(path, "/matrix/")) ||
		   (arg = tail_after(path, "/coverage/"))) {
		out->kind = path[1] == 'm' ? CGI_ROUTE_MATRIX
					   : CGI_ROUTE_COVERAGE;
		if ((domain = cgi_domain(arg))) {
			strcpy(out->arg, domain);
			return 0;
		}
	}
	out->arg[0] = '\0';
	return kb_error_set(KB_ENOTFOUND, "no such page");
}
