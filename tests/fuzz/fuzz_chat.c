/*
 * fuzz_chat.c - libFuzzer target for the modem chat script interpreter
 * (link/chat.c): both the script text and the bytes from the port are
 * fuzzer-controlled.
 *
 * Input: "<label>\n<script text>\0<port input>".  The first byte of the
 * port input picks the chunk size, so matches and lines are split
 * everywhere; when a script ends (done() is only ever called from
 * chat_input() here, timers never run) it is started again, at most a
 * few times.  The interpreter must never crash, leak or loop: a script
 * that never waits is cut off by its own step limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "link/chat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	struct chat	*c;
	const char	*text;
	size_t		 tlen;
	char		 label[64];
	int		 restarts;
	size_t		 written;
};

static int
fz_write(void *arg, const void *buf, size_t len)
{
	struct fz *f = arg;

	(void)buf;
	f->written += len;
	/* a port that fails after a while */
	return f->written > 100000 ? -1 : 0;
}

static int
fz_speed(void *arg, int baud)
{
	(void)arg;
	return baud % 7 == 0 ? -1 : 0;
}

static void
fz_done(void *arg, bool ok)
{
	struct fz *f = arg;

	(void)ok;
	if (f->restarts-- > 0)
		(void)chat_start_text(f->c, "fuzz", f->text, f->tlen,
		    f->label);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct chat_io io = {
		.write = fz_write,
		.set_speed = fz_speed,
		.done = fz_done,
	};
	const uint8_t *nl, *nul, *in;
	struct fz f;
	size_t llen, inlen, chunk, off, n;

	if (size > 8192)
		return 0;
	g_log_mask = 0;
	nl = memchr(data, '\n', size);
	if (nl == NULL)
		return 0;
	llen = (size_t)(nl - data);
	if (llen >= sizeof(f.label))
		return 0;
	memset(&f, 0, sizeof(f));
	memcpy(f.label, data, llen);
	f.label[llen] = '\0';
	f.text = (const char *)nl + 1;
	nul = memchr(nl + 1, '\0', size - llen - 1);
	f.tlen = nul != NULL ? (size_t)(nul - (nl + 1)) : size - llen - 1;
	in = nul != NULL ? nul + 1 : data + size;
	inlen = (size_t)(data + size - in);
	f.restarts = 3;
	f.c = chat_new("L0", &io, &f);
	(void)chat_var_set(f.c, "Telephone", "5551234");
	(void)chat_var_set(f.c, "modemDevice", "/dev/ttyS0");
	if (chat_start_text(f.c, "fuzz", f.text, f.tlen, f.label) == 0 &&
	    inlen > 0) {
		chunk = (size_t)in[0] % 17 + 1;
		for (off = 1; off < inlen; off += n) {
			n = inlen - off < chunk ? inlen - off : chunk;
			chat_input(f.c, in + off, n);
		}
		(void)chat_var_get(f.c, "ConnectionSpeed");
		chat_abort(f.c);
	}
	chat_free(f.c);
	return 0;
}
