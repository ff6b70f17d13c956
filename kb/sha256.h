/* kb/sha256.h: SHA-256 (FIPS 180-4), to identify release files. None of
 * attackkb's libraries exposes one, so this is the one hand-written hash. */
#ifndef KB_SHA256_H
#define KB_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint32_t h[8];      /* chaining state */
	uint64_t len;       /* bytes hashed so far */
	unsigned char buf[64]; /* partial block */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
/* Use the processor's SHA instructions if it has them (the default), or
 * not (tests of the portable code). Returns whether they are used. */
bool sha256_hardware(int use);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
/* Finish and write the digest as 64 lowercase hex digits plus a NUL. */
void sha256_final_hex(sha256_ctx *c, char out[65]);

#endif
