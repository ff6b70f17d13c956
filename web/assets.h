/* web/assets.h: files compiled into attackkb.cgi. The definitions are
 * generated into build/gen/assets.c by scripts/embed-text.sh. */
#ifndef WEB_ASSETS_H
#define WEB_ASSETS_H

/* web/style.css, NUL-terminated. */
extern const char assets_style_css[];

#endif
