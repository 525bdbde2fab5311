/*
 * mem.c - typed allocator feeding `show mem`.
 *
 * Each block carries a small header that records its tag and size, so the
 * per-tag counters can be kept exact on free and realloc.  Tags are string
 * literals; they are looked up first by pointer and then by content, so two
 * literals with the same text share a row.
 */
#include "mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "../ctl/command.h"

#define MEM_MAX_TAGS	128
#define MEM_MAGIC	0x6d706435u

struct mem_tag {
	const char	*name;
	size_t		 count;
	size_t		 bytes;
};

struct mem_hdr {
	uint32_t	 magic;
	uint32_t	 tag;		/* index into tags[] */
	size_t		 size;
	/* keep the payload 16-byte aligned */
	uint64_t	 pad;
};

static struct mem_tag	tags[MEM_MAX_TAGS];
static unsigned		ntags;

static unsigned
mem_tag_index(const char *name)
{
	unsigned i;

	for (i = 0; i < ntags; i++)
		if (tags[i].name == name)
			return i;
	for (i = 0; i < ntags; i++)
		if (strcmp(tags[i].name, name) == 0)
			return i;
	if (ntags == MEM_MAX_TAGS)
		return MEM_MAX_TAGS - 1;	/* last row collects overflow */
	tags[ntags].name = name;
	return ntags++;
}

static struct mem_hdr *
mem_hdr_of(void *p)
{
	struct mem_hdr *h = (struct mem_hdr *)p - 1;

	if (h->magic != MEM_MAGIC)
		fatal("mem: bad block %p", p);
	return h;
}

void *
mem_alloc(const char *tag, size_t n)
{
	struct mem_hdr *h;
	unsigned t;

	if (n > SIZE_MAX - sizeof(*h))
		fatal("mem: allocation of %zu bytes for %s", n, tag);
	h = calloc(1, sizeof(*h) + n);
	if (h == NULL)
		fatal("mem: out of memory (%zu bytes for %s)", n, tag);
	t = mem_tag_index(tag);
	h->magic = MEM_MAGIC;
	h->tag = t;
	h->size = n;
	tags[t].count++;
	tags[t].bytes += n;
	return h + 1;
}

void *
mem_realloc(const char *tag, void *p, size_t n)
{
	struct mem_hdr *h, *nh;
	size_t old;

	if (p == NULL)
		return mem_alloc(tag, n);
	h = mem_hdr_of(p);
	old = h->size;
	if (n > SIZE_MAX - sizeof(*h))
		fatal("mem: allocation of %zu bytes for %s", n, tag);
	nh = realloc(h, sizeof(*nh) + n);
	if (nh == NULL)
		fatal("mem: out of memory (%zu bytes for %s)", n, tag);
	if (n > old)
		memset((char *)(nh + 1) + old, 0, n - old);
	tags[nh->tag].bytes += n;
	tags[nh->tag].bytes -= old;
	nh->size = n;
	return nh + 1;
}

void
mem_free(void *p)
{
	struct mem_hdr *h;

	if (p == NULL)
		return;
	h = mem_hdr_of(p);
	tags[h->tag].count--;
	tags[h->tag].bytes -= h->size;
	h->magic = 0;
	free(h);
}

char *
mem_strdup(const char *tag, const char *s)
{
	size_t n;
	char *d;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	d = mem_alloc(tag, n);
	memcpy(d, s, n);
	return d;
}

void
mem_totals(size_t *count, size_t *bytes)
{
	size_t c = 0, b = 0;
	unsigned i;

	for (i = 0; i < ntags; i++) {
		c += tags[i].count;
		b += tags[i].bytes;
	}
	*count = c;
	*bytes = b;
}

int
mem_show(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	size_t c, b;
	unsigned i;

	(void)av;
	(void)arg;
	if (ac != 0)
		return CMD_ERR_USAGE;
	cmd_printf(ctx, "   %-28s %10s %10s\n", "Type", "Count", "Total");
	for (i = 0; i < ntags; i++) {
		if (tags[i].count == 0)
			continue;
		cmd_printf(ctx, "   %-28s %10zu %10zu\n", tags[i].name,
		    tags[i].count, tags[i].bytes);
	}
	mem_totals(&c, &b);
	cmd_printf(ctx, "   %-28s %10zu %10zu\n", "Totals", c, b);
	return 0;
}
