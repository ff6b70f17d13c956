/* web/html.h: escaping for the HTML contexts the pages write into, URL
 * component encoding for links, and the frame every page shares. */
#ifndef WEB_HTML_H
#define WEB_HTML_H

#include "kb/strbuf.h"

/* Append s to sb escaped for HTML text (between tags): & < > " ' become
 * &amp; &lt; &gt; &quot; &#39; (quotes too, so that text misused inside a
 * quoted attribute still cannot break out). Bytes that are not well-formed
 * UTF-8 and control characters other than tab, LF and CR become U+FFFD. */
void html_escape_text(strbuf *sb, const char *s);

/* Append s to sb escaped for a double- or single-quoted attribute value:
 * as html_escape_text(), plus ` = and tab, LF, CR as &#96; &#61; &#9;
 * &#10; &#13;. Never use it for an unquoted attribute, nor for a URL
 * attribute whose scheme comes from outside (see html_encode_url()). */
void html_escape_attr(strbuf *sb, const char *s);

/* Append s to sb percent-encoded as one URL path segment or query value:
 * everything but A-Z a-z 0-9 - . _ ~ becomes %XX (upper-case hex; a space
 * is %20). The result holds no character special to HTML, a URL or an HTTP
 * header, so it can go into href="...", a query string or a Location. */
void html_encode_url(strbuf *sb, const char *s);

/* Open a page: doctype, head (title "TITLE - attackkb", viewport, the
 * stylesheet at BASE/static/style.css) and the site header with a search
 * form, then <main>. base is cgi_request.script_name ("" at the root); both
 * strings are escaped here. */
void html_page_begin(strbuf *sb, const char *base, const char *title);

/* Close what html_page_begin() opened, with a footer. */
void html_page_end(strbuf *sb);

#endif
