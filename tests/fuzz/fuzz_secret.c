/*
 * fuzz_secret.c - libFuzzer target for the mpd.secret line parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secret_entry e;
	char *buf;

	if (size > 4096)
		return 0;
	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (secret_parse_line(buf, &e) == 1)
		(void)secret_matches(&e, "user");
	free(buf);
	return 0;
}
