/*
 * devices.c - the registry of device types and the views common to all of
 * them: `show types`, `show device`, `show pptp`, `show l2tp` (surface spec
 * 5.6, 5.10, 10.7).
 *
 * g_phys_types[] is the only list of link types in the daemon; its order
 * is the order of `show types`.  The optional per-type operations are
 * reached through the phys_*() wrappers so callers never test for NULL.
 * The file also holds the small helpers that several device files share
 * (address printing in mpd5's style, peer parsing, the option verb leaf).
 */
#include "devices.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../core/mbuf.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "../ppp/link.h"

const struct phys_type *const g_phys_types[] = {
	&phys_modem,
	&phys_ng,
	&phys_tcp,
	&phys_udp,
	&phys_pptp,
	&phys_l2tp,
	&phys_pppoe,
	NULL,
};

/*
 * Look up a device type by its exact name ("pppoe").  Returns NULL when
 * no type has that name.  Pure; safe anywhere.
 */
const struct phys_type *
phys_type_find(const char *name)
{
	int i;

	for (i = 0; g_phys_types[i] != NULL; i++)
		if (strcmp(g_phys_types[i]->name, name) == 0)
			return g_phys_types[i];
	return NULL;
}

/*
 * Peer address / calling / called number of link l into buf (len bytes,
 * always terminated).  An empty string when the type has no such
 * operation or l has no type.
 */
void
phys_peer_addr(const struct link *l, char *buf, unsigned len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (l->type != NULL && l->type->peer_addr != NULL)
		l->type->peer_addr(l, buf, len);
}

void
phys_calling_num(const struct link *l, char *buf, unsigned len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (l->type != NULL && l->type->calling_num != NULL)
		l->type->calling_num(l, buf, len);
}

void
phys_called_num(const struct link *l, char *buf, unsigned len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (l->type != NULL && l->type->called_num != NULL)
		l->type->called_num(l, buf, len);
}

/* ---- connection operations ---- */

/*
 * phys_open(): start an outgoing call on l (or nothing for a call that is
 * already up).  Returns the type's result, or -1 when the type has no
 * connection support.  The outcome arrives later via link_phys_up() /
 * link_phys_down(); see each type for details.
 */
int
phys_open(struct link *l)
{
	if (l->type == NULL || l->type->open == NULL)
		return -1;
	return l->type->open(l);
}

/* phys_close(): hang up l; nothing when the type cannot. */
void
phys_close(struct link *l)
{
	if (l->type != NULL && l->type->close != NULL)
		l->type->close(l);
}

/*
 * phys_send(): transmit one PPP frame on l.  Consumes m in every case
 * (it is freed here when the type cannot send).  Returns 0 or -1.
 */
int
phys_send(struct link *l, struct mbuf *m)
{
	if (l->type == NULL || l->type->send == NULL) {
		mb_free(m);
		return -1;
	}
	return l->type->send(l, m);
}

/*
 * phys_listen(): start or stop accepting calls for l (a link or template
 * with `incoming` enabled).  -1 when the type takes no incoming calls.
 */
int
phys_listen(struct link *l, bool listen)
{
	if (l->type == NULL || l->type->listen == NULL)
		return -1;
	return l->type->listen(l, listen);
}

/* phys_shutdown(): free l's device runtime state (link destruction). */
void
phys_shutdown(struct link *l)
{
	if (l->type != NULL && l->type->shutdown != NULL)
		l->type->shutdown(l);
}

/*
 * Device MTU / MRU for LCP: the type's own answer when it has one, else
 * the type maximum; 0 without a type.
 */
int
phys_get_mtu(const struct link *l)
{
	if (l->type == NULL)
		return 0;
	if (l->type->get_mtu != NULL)
		return l->type->get_mtu(l);
	return l->type->mtu;
}

int
phys_get_mru(const struct link *l)
{
	if (l->type == NULL)
		return 0;
	if (l->type->get_mru != NULL)
		return l->type->get_mru(l);
	return l->type->mru;
}

/* Local outer address of l into buf (len bytes); "" when unknown. */
void
phys_self_addr(const struct link *l, char *buf, unsigned len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (l->type != NULL && l->type->self_addr != NULL)
		l->type->self_addr(l, buf, len);
}

void
phys_self_name(const struct link *l, char *buf, unsigned len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (l->type != NULL && l->type->self_name != NULL)
		l->type->self_name(l, buf, len);
}

void
phys_peer_name(const struct link *l, char *buf, unsigned len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (l->type != NULL && l->type->peer_name != NULL)
		l->type->peer_name(l, buf, len);
}

void
phys_peer_iface(const struct link *l, char *buf, unsigned len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (l->type != NULL && l->type->peer_iface != NULL)
		l->type->peer_iface(l, buf, len);
}

/* The link's kernel channel descriptor, or -1 (no such channel). */
int
phys_kernel_chan(const struct link *l)
{
	if (l->type == NULL || l->type->kernel_chan == NULL)
		return -1;
	return l->type->kernel_chan(l);
}

bool
phys_kernel_ok(const struct phys_type *t)
{
	if (t == NULL || t->kernel_chan == NULL)
		return false;
	return t->kernel_ok == NULL || t->kernel_ok();
}

/* kccp: the link's kernel channel is no longer wanted. */
void
phys_kernel_release(struct link *l)
{
	if (l->type != NULL && l->type->kernel_release != NULL)
		l->type->kernel_release(l);
}

/* ---- shared helpers ---- */

/*
 * mpd5's address text: IPv4/IPv6 literal, or "UNSPEC" for an address that
 * was never set.  Returns buf.
 */
char *
phys_addr_print(const struct u_addr *a, char *buf, size_t len)
{
	if (a->family == AF_INET || a->family == AF_INET6)
		return u_addr_print(a, buf, len);
	snprintf(buf, len, "UNSPEC");
	return buf;
}

/*
 * Parse a peer specification.  Literals (with an optional width) are
 * taken as they are; anything else is looked up as a host name and the
 * first address found becomes a host range.  The lookup blocks, which is
 * acceptable only because this runs while reading the configuration (the
 * `resolve-once` option of the device types re-resolves at connect time
 * later, in the connection code).
 */
int
phys_parse_peer(const char *s, struct u_range *r)
{
	struct addrinfo hints, *res = NULL;
	int rc = -1;

	if (u_range_parse(s, AF_UNSPEC, r) == 0)
		return 0;
	if (s[0] == '\0' || strchr(s, '/') != NULL)
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(s, NULL, &hints, &res) != 0 || res == NULL)
		return -1;
	memset(r, 0, sizeof(*r));
	if (res->ai_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)res->ai_addr;

		r->addr.family = AF_INET;
		r->addr.u.ip4 = sin->sin_addr;
		r->width = 32;
		rc = 0;
	} else if (res->ai_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)res->ai_addr;

		r->addr.family = AF_INET6;
		r->addr.u.ip6 = sin6->sin6_addr;
		r->width = 128;
		rc = 0;
	}
	freeaddrinfo(res);
	return rc;
}

/*
 * enable/disable leaf for the device families.  arg is a struct
 * opt_cmd_arg whose getter returns the option set of the current link's
 * device settings.  Unlike opt_cmd(), no words at all is not a usage
 * error: mpd5's device handlers simply do nothing then.
 */
int
phys_opt_cmd(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	const struct opt_cmd_arg *oa = arg;
	const struct opt_def *defs = NULL;
	struct opt_set *set;

	set = oa->get(ctx, &defs);
	if (set == NULL || defs == NULL)
		return CMD_ERR_CONTEXT;
	opt_apply(set, defs, oa->verb, ac, av);
	return CMD_OK;
}

void *
phys_conf_of(struct cmd_ctx *ctx, const struct phys_type *t)
{
	if (ctx->lnk == NULL || ctx->lnk->type != t)
		return NULL;
	return ctx->lnk->dev_conf;
}

void *
phys_conf_copy(const void *src, size_t size)
{
	void *c = mem_alloc("phys", size);

	memcpy(c, src, size);
	return c;
}

void
phys_conf_free(void *conf)
{
	mem_free(conf);
}

int
phys_sockaddr(const struct u_addr *a, uint16_t port, int dflt_family,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	int family = a->family != AF_UNSPEC ? a->family : dflt_family;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		if (a->family == AF_INET)
			sin->sin_addr = a->u.ip4;
		else
			sin->sin_addr.s_addr = htonl(INADDR_ANY);
		return (int)sizeof(*sin);
	}
	if (family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		if (a->family == AF_INET6)
			sin6->sin6_addr = a->u.ip6;
		else
			sin6->sin6_addr = in6addr_any;
		return (int)sizeof(*sin6);
	}
	return 0;
}

void
phys_sockaddr_parse(const struct sockaddr_storage *ss, struct u_addr *a,
    uint16_t *port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

	memset(a, 0, sizeof(*a));
	*port = 0;
	if (ss->ss_family == AF_INET) {
		a->family = AF_INET;
		a->u.ip4 = sin->sin_addr;
		*port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		*port = ntohs(sin6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			a->family = AF_INET;
			memcpy(&a->u.ip4, &sin6->sin6_addr.s6_addr[12], 4);
		} else {
			a->family = AF_INET6;
			a->u.ip6 = sin6->sin6_addr;
		}
	}
}

bool
phys_addr_equal(const struct u_addr *a, const struct u_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->u.ip4.s_addr == b->u.ip4.s_addr;
	if (a->family == AF_INET6)
		return memcmp(&a->u.ip6, &b->u.ip6, sizeof(a->u.ip6)) == 0;
	return true;
}

bool
phys_peer_allowed(const struct u_range *r, uint16_t rport,
    const struct u_addr *a, uint16_t port)
{
	if (rport != 0 && rport != port)
		return false;
	if (r->addr.family == AF_UNSPEC)
		return true;
	return u_range_contains(r, a);
}

/* ---- views ---- */

/*
 * `show types`: the supported device types, one per line, in registry
 * order (spec 5.10).
 */
int
phys_cmd_show_types(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	int i;

	(void)ac;
	(void)av;
	(void)a;
	cmd_printf(ctx, "\tName\t\tDescription\n");
	cmd_printf(ctx, "\t----\t\t-----------\n");
	for (i = 0; g_phys_types[i] != NULL; i++)
		cmd_printf(ctx, "\t%s\t\t%s\n", g_phys_types[i]->name,
		    g_phys_types[i]->descr);
	return CMD_OK;
}

/*
 * `show device`: the common header for the current link, then the type's
 * own block (spec 5.6).  Needs a current link (admit rule).
 */
int
phys_cmd_show_device(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct link *l = ctx->lnk;
	struct timespec now;

	(void)ac;
	(void)av;
	(void)a;
	if (l == NULL)
		return CMD_ERR_CONTEXT;
	cmd_printf(ctx, "Device '%s' (%s)\n", l->name,
	    l->tmpl ? "template" : "instance");
	cmd_printf(ctx, "\tType         : %s\n",
	    l->type != NULL ? l->type->name : "");
	if (!l->tmpl) {
		cmd_printf(ctx, "\tState        : %s\n",
		    link_phys_state_name(l->state));
		if (l->state == PHYS_STATE_UP && l->up_time != 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			cmd_printf(ctx, "\tSession time : %ld seconds\n",
			    (long)(now.tv_sec - l->up_time));
		}
	}
	if (l->type != NULL)
		l->type->show(ctx, l);
	return CMD_OK;
}
