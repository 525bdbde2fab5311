/*
 * ippool.c - named IPv4 address pools.
 *
 * Provides `set ippool add <pool> <first> <last>` and `show ippool`
 * (surface spec 4.3.6 and 5.10), and the allocator IPCP uses when a peer
 * address comes from `set ipcp ranges ... ippool P` or an AAA Framed-Pool.
 *
 * A pool is created by the first `add` naming it.  Each `add` appends one
 * range of at most 65536 addresses; addresses already in the pool are
 * skipped.  The addresses of a pool are kept sorted, so handing out the
 * lowest free address is a scan from a "lowest possibly free" hint, and
 * returning one is a binary search.
 *
 * Pools are daemon-global and live until ippool_shutdown().  All functions
 * run on the event-loop thread only.
 */
#include "ippool.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/log.h"
#include "../core/mem.h"
#include "../core/util.h"

#define IPPOOL_MAX_RANGE	65536u

struct ippool {
	char		 name[IPPOOL_MAX_NAME];
	uint32_t	*addr;		/* host byte order, ascending */
	uint8_t		*used;		/* parallel to addr */
	int		 size;
	int		 nused;
	int		 hint;		/* no free slot below this index */
	struct ippool	*next;
};

/* Newest pool first: `show ippool` lists them in that order. */
static struct ippool *pools;

static struct ippool *
ippool_find(const char *name)
{
	struct ippool *p;

	for (p = pools; p != NULL; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

/* Index of a in p, or -1. */
static int
ippool_index(const struct ippool *p, uint32_t a)
{
	int lo = 0, hi = p->size - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (p->addr[mid] == a)
			return mid;
		if (p->addr[mid] < a)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * Merge the ascending range [first, first + count) into p, leaving out
 * the addresses it already holds.  Both inputs are sorted, so one merge
 * pass keeps the result sorted and carries the used flags along.
 */
static void
ippool_merge(struct ippool *p, uint32_t first, uint32_t count)
{
	uint32_t *na;
	uint8_t *nu;
	size_t cap = (size_t)p->size + count;
	uint64_t cur = first, end = (uint64_t)first + count;
	int i = 0, n = 0;

	na = mem_alloc("ippool", cap * sizeof(*na));
	nu = mem_alloc("ippool", cap * sizeof(*nu));
	while (i < p->size || cur < end) {
		if (cur >= end || (i < p->size && p->addr[i] <= cur)) {
			if (cur < end && p->addr[i] == cur)
				cur++;		/* duplicate: keep the old one */
			na[n] = p->addr[i];
			nu[n++] = p->used[i++];
		} else {
			na[n] = (uint32_t)cur++;
			nu[n++] = 0;
		}
	}
	mem_free(p->addr);
	mem_free(p->used);
	p->addr = na;
	p->used = nu;
	p->size = n;
	p->hint = 0;
}

/*
 * Add the range first..last to pool name, creating the pool when needed.
 * Returns 0, or -1 when the range holds more than 65536 addresses (or is
 * reversed); like mpd5 that case is logged and the pool is left unchanged.
 */
static int
ippool_add(const char *name, struct in_addr first, struct in_addr last)
{
	uint32_t a = ntohl(first.s_addr), b = ntohl(last.s_addr);
	uint64_t count = (uint64_t)b - a + 1;
	struct ippool *p;

	if (b < a || count > IPPOOL_MAX_RANGE) {
		log_msg(LG_ERR, "IPPOOL: Too big range: %lld",
		    (long long)((int64_t)b - (int64_t)a + 1));
		return -1;
	}
	p = ippool_find(name);
	if (p == NULL) {
		p = mem_alloc("ippool", sizeof(*p));
		util_strlcpy(p->name, name, sizeof(p->name));
		p->next = pools;
		pools = p;
	}
	ippool_merge(p, a, (uint32_t)count);
	return 0;
}

int
ippool_get(const char *pool, struct in_addr *out)
{
	struct ippool *p = ippool_find(pool);
	int i;

	if (p == NULL) {
		log_msg(LG_ERR, "IPPOOL: Pool '%s' not found", pool);
		return -1;
	}
	for (i = p->hint; i < p->size; i++) {
		if (!p->used[i]) {
			p->used[i] = 1;
			p->nused++;
			p->hint = i + 1;
			out->s_addr = htonl(p->addr[i]);
			return 0;
		}
	}
	p->hint = p->size;
	log_msg(LG_ERR, "IPPOOL: Pool '%s' is out of addresses", pool);
	return -1;
}

void
ippool_free(const char *pool, struct in_addr a)
{
	struct ippool *p = ippool_find(pool);
	char buf[INET_ADDRSTRLEN];
	int i;

	i = p != NULL ? ippool_index(p, ntohl(a.s_addr)) : -1;
	if (i < 0 || !p->used[i]) {
		inet_ntop(AF_INET, &a, buf, sizeof(buf));
		log_msg(LG_ERR, "IPPOOL: Address %s is not in use in pool '%s'",
		    buf, pool);
		return;
	}
	p->used[i] = 0;
	p->nused--;
	if (i < p->hint)
		p->hint = i;
}

int
ippool_stat(const char *pool, int *used, int *size)
{
	const struct ippool *p = ippool_find(pool);

	if (p == NULL)
		return -1;
	*used = p->nused;
	*size = p->size;
	return 0;
}

void
ippool_shutdown(void)
{
	struct ippool *p;

	while ((p = pools) != NULL) {
		pools = p->next;
		mem_free(p->addr);
		mem_free(p->used);
		mem_free(p);
	}
}

/* set ippool add {pool} {start} {end} */
static int
ippool_cmd_add(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct u_addr first, last;

	(void)ctx;
	(void)arg;
	/* mpd5 treats unparsable addresses as a usage error. */
	if (ac != 3 || u_addr_parse(av[1], AF_INET, &first) < 0 ||
	    u_addr_parse(av[2], AF_INET, &last) < 0)
		return CMD_ERR_USAGE;
	/* An oversized range is only logged; the command still succeeds. */
	(void)ippool_add(av[0], first.u.ip4, last.u.ip4);
	return CMD_OK;
}

const struct cmdtab ippool_set_cmds[] = {
	{ .name = "add {pool} {start} {end}",
	  .desc = "Add IP range to the pool", .func = ippool_cmd_add,
	  .priv = PRIV_ADMIN },
	{ .name = NULL },
};

int
ippool_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct ippool *p;

	(void)ac;
	(void)av;
	(void)a;
	cmd_printf(ctx, "Available IP pools:\n");
	for (p = pools; p != NULL; p = p->next)
		cmd_printf(ctx, "\t%s:\tused %4d of %4d\n", p->name, p->nused,
		    p->size);
	return CMD_OK;
}
