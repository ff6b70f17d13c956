/* web/html.c: HTML escaping, URL encoding and the page frame. Every string
 * that reaches a page goes through one of the three escapers. */
#include "web/html.h"
#include "web/utf8.h"

#include <stdbool.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* The replacement for one ASCII byte, or NULL to copy it. */
static const char *entity(unsigned char c, bool attr)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	case '`':
		return attr ? "&#96;" : NULL;
	case '=':
		return attr ? "&#61;" : NULL;
	case '\t':
		return attr ? "&#9;" : NULL;
	case '\n':
		return attr ? "&#10;" : NULL;
	case '\r':
		return attr ? "&#13;" : NULL;
	default:
		return c < 0x20 || c == 0x7f ? REPLACEMENT : NULL;
	}
}

static void escape(strbuf *sb, const char *s, bool attr)
{
	size_t n = strlen(s), i = 0, k;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;

		k = utf8_seq_len(s + i, n - i);
		if (k == 0) {
			strbuf_puts(sb, REPLACEMENT);
			i++;
			continue;
		}
		if (k > 1) {
			strbuf_put(sb, s + i, k);
			i += k;
			continue;
		}
		rep = entity(c, attr);
		if (rep)
			strbuf_puts(sb, rep);
		else
			strbuf_putc(sb, c);
		i++;
	}
}

void html_escape_text(strbuf *sb, const char *s)
{
	escape(sb, s, false);
}

void html_escape_attr(strbuf *sb, const char *s)
{
	escape(sb, s, true);
}

void html_encode_url(strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			strbuf_putc(sb, c);
		} else {
			strbuf_putc(sb, '%');
			strbuf_putc(sb, hex[c >> 4]);
			strbuf_putc(sb, hex[c & 15]);
		}
	}
}

void html_page_begin(strbuf *sb, const char *base, const char *title)
{
	static const char *const domains[] = {"enterprise", "mobile", "ics"};

	strbuf_puts(sb, "<!DOCTYPE html>\n"
			"<html lang=\"en\">\n"
			"<head>\n"
			"<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" "
			"content=\"width=device-width, initial-scale=1\">\n"
			"<title>");
	html_escape_text(sb, title);
	strbuf_puts(sb, " - attackkb</title>\n"
			"<link rel=\"stylesheet\" href=\"");
	html_escape_attr(sb, base);
	strbuf_puts(sb, "/static/style.css\">\n"
			"</head>\n"
			"<body>\n"
			"<header class=\"site\">\n<a class=\"brand\" href=\"");
	html_escape_attr(sb, base);
	strbuf_puts(sb, "/\">attackkb</a>\n<nav>");
	for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
		strbuf_puts(sb, "<a href=\"");
		html_escape_attr(sb, base);
		strbuf_printf(sb, "/matrix/%s\">%s</a> ", domains[i],
			      domains[i]);
	}
	strbuf_puts(sb, "</nav>\n<form class=\"search\" role=\"search\" "
			"method=\"get\" action=\"");
	html_escape_attr(sb, base);
	strbuf_puts(sb, "/search\">\n"
			"<input type=\"search\" name=\"q\" "
			"aria-label=\"Search ATT&amp;CK\" "
			"placeholder=\"T1136, create account, APT29...\">\n"
			"<button type=\"submit\">Search</button>\n"
			"</form>\n"
			"</header>\n"
			"<main>\n");
}

void html_page_end(strbuf *sb)
{
	strbuf_puts(sb, "</main>\n"
			"<footer class=\"site\">\n"
			"<p>Data: MITRE ATT&amp;CK&reg;, used under the "
			"ATT&amp;CK terms of use. Served by attackkb.</p>\n"
			"</footer>\n"
			"</body>\n"
			"</html>\n");
}
