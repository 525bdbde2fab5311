/*
 * fuzz_tty_lock.c - libFuzzer target for the lock file parser of
 * sys/tty.c (tty_lock_parse(): the pid in a /var/lock/LCK..<device>
 * file, which any local process may have written).  The result must be
 * -1 or a positive pid, and for ASCII input equal to what strtol reads.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sys/tty.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[64];
	pid_t pid = tty_lock_parse(data, size);

	if (pid == 0 || pid < -1)
		abort();
	if (pid > 0 && size != sizeof(int32_t) && size < sizeof(buf)) {
		memcpy(buf, data, size);
		buf[size] = '\0';
		if (strtol(buf, NULL, 10) != (long)pid)
			abort();
	}
	return 0;
}
