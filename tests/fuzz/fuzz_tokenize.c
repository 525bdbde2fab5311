/*
 * fuzz_tokenize.c - libFuzzer target for mpd5's line tokenizer and the
 * mpd.conf line classifiers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cfgfile.h"
#include "core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *av[50], lbl[64];
	int ac, i;

	if (size > 4096)
		return 0;
	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	(void)cfg_is_skip(buf);
	(void)cfg_label(buf, lbl, sizeof(lbl));
	ac = util_tokenize(buf, av, 50);
	for (i = 0; i < ac; i++)
		(void)strlen(av[i]);
	free(buf);
	return 0;
}
