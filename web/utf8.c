/* web/utf8.c: strict UTF-8 validation, following the table of well-formed
 * byte sequences in RFC 3629 section 4 (Unicode 15, table 3-7). */
#include "web/utf8.h"

size_t utf8_seq_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len;

	if (n == 0)
		return 0;
	if (u[0] < 0x80)
		return 1;
	if (u[0] >= 0xC2 && u[0] <= 0xDF) {
		len = 2;
	} else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
		len = 3;
		if (u[0] == 0xE0)
			lo = 0xA0; /* below is overlong */
		else if (u[0] == 0xED)
			hi = 0x9F; /* above is a surrogate */
	} else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
		len = 4;
		if (u[0] == 0xF0)
			lo = 0x90; /* below is overlong */
		else if (u[0] == 0xF4)
			hi = 0x8F; /* above is past U+10FFFF */
	} else {
		return 0; /* 80..C1 (continuation, overlong lead), F5..FF */
	}
	if (n < len || u[1] < lo || u[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (u[i] < 0x80 || u[i] > 0xBF)
			return 0;
	return len;
}

bool utf8_valid(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		k = utf8_seq_len(s + i, n - i);
		if (k == 0)
			return false;
		i += k;
	}
	return true;
}
