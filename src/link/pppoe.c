/*
 * pppoe.c - the "pppoe" device type: PPP over Ethernet, client and access
 * concentrator (RFC 2516; RFC 4638 PPP-Max-Payload; DSL-Forum TR-101
 * Agent-Circuit-Id / Agent-Remote-Id).
 *
 * Provides `set pppoe iface|service|acname|max-payload|mac-format`, the
 * PPPoE block of `show device` (surface spec 4.6.1, 5.6) and the calls
 * (spec 10.3, 10.4).  The wire codec is pppoe_proto.c.
 *
 * Why AF_PACKET and not libpcap: the kernel already filters by ethertype
 * when a packet socket is bound to 0x8863 / 0x8864 on one interface, so
 * no BPF program is needed; a plain socket lets us set SO_RCVBUFFORCE
 * (a discovery flood must not push session frames out), skip our own
 * transmissions (PACKET_IGNORE_OUTGOING / PACKET_OUTGOING), and receive
 * each session frame straight into the mbuf that goes up the stack and
 * send from the mbuf's headroom with one send() - no ring copy and no
 * callback indirection.  libpcap would add a dependency and a copy and
 * gives nothing we use here.
 *
 * Runtime: one pair of packet sockets (discovery, session) per Ethernet
 * interface, shared by every link on it and refcounted; sessions are
 * found by (session id, peer MAC) in a per-interface hash.
 *  - server: links and templates with `incoming` enabled and an `iface`
 *    listen there.  A PADI whose Service-Name matches `service` ("*" or
 *    "" = any) gets a PADO with AC-Name, Service-Name, a stateless
 *    AC-Cookie (HMAC of the peer MAC and Host-Uniq with a per-daemon
 *    random key) and the echoed Host-Uniq / Relay-Session-Id.  A PADR is
 *    only looked at when its cookie verifies, so a forged PADR costs one
 *    HMAC and allocates nothing; then a session id and a link (through
 *    link_incoming(), max-children applies) are taken and PADS is sent.
 *  - client: `open` sends PADI (Host-Uniq = link id + a per-call
 *    generation), takes the first PADO matching the service and the
 *    optional "AC-Name\Service" choice, sends PADR, waits for PADS,
 *    retrying PADI/PADR; the whole thing gives up after 9 s.
 *  - PADT both ways ends a session; close sends one.
 *  - protection: global and per-MAC token buckets for PADI and PADR and a
 *    cap on half-open sessions (no LCP Opened yet); what is over the
 *    limits is dropped and counted, never queued.
 */
#include "devices.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "../core/event.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "../dp/dp.h"
#include "../ppp/link.h"
#include "../sys/pppdev.h"
#include "pppoe_proto.h"

#define PPPOE_MTU		1492	/* Ethernet 1500 minus PPPoE overhead */
#define PPPOE_MAX_PAYLOAD	1510	/* ETHER_MAX_LEN 1518 - 8 (RFC 4638) */
#define PPPOE_DEFAULT_HOOK	"orphans"

/* Calling-Station-Id MAC styles (`set pppoe mac-format`). */
enum pppoe_mac_format {
	PPPOE_MAC_UNFORMATTED,		/* aabbccddeeff */
	PPPOE_MAC_UNIX_LIKE,		/* aa:bb:cc:dd:ee:ff */
	PPPOE_MAC_CISCO_LIKE,		/* aabb.ccdd.eeff */
	PPPOE_MAC_IETF,			/* aa-bb-cc-dd-ee-ff */
};

static const char *const pppoe_mac_names[] = {
	"unformatted", "unix-like", "cisco-like", "ietf",
};

static void	pppoe_listen_schedule(void);

/* Per-link settings (link->dev_conf); owned by the link. */
struct pppoe_conf {
	char		iface[IFNAMSIZ];	/* Ethernet interface */
	char		node[IFNAMSIZ + 2];	/* mpd5's node path "<if>:" */
	char		hook[32];		/* ng_ether hook (kept for show) */
	char		service[64];		/* Service-Name; "*" = any */
	char		acname[64];		/* AC-Name; "" = host name */
	unsigned	max_payload;		/* RFC 4638; 0 = off */
	enum pppoe_mac_format mac_format;
};

static void *
pppoe_conf_new(void)
{
	struct pppoe_conf *c = mem_alloc("phys", sizeof(*c));

	util_strlcpy(c->iface, "undefined", sizeof(c->iface));
	util_strlcpy(c->node, "undefined:", sizeof(c->node));
	util_strlcpy(c->hook, "undefined", sizeof(c->hook));
	util_strlcpy(c->service, "*", sizeof(c->service));
	c->mac_format = PPPOE_MAC_UNFORMATTED;
	return c;
}

static void *
pppoe_conf_dup(const void *src)
{
	struct pppoe_conf *c = mem_alloc("phys", sizeof(*c));

	memcpy(c, src, sizeof(*c));
	return c;
}

static void
pppoe_conf_free(void *conf)
{
	mem_free(conf);
}

/* The current link's settings; the admit rule guarantees the type. */
static struct pppoe_conf *
pppoe_conf_of(struct cmd_ctx *ctx)
{
	if (ctx->lnk == NULL || ctx->lnk->type != &phys_pppoe)
		return NULL;
	return ctx->lnk->dev_conf;
}

/* `set pppoe iface {name} [{hook}]` */
static int
pppoe_set_iface(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct pppoe_conf *c = pppoe_conf_of(ctx);
	char *p;

	(void)arg;
	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac < 1 || ac > 2)
		return CMD_ERR_USAGE;
	if (av[0][0] == '\0' || strlen(av[0]) >= sizeof(c->iface))
		return cmd_error(ctx, "Interface name \"%s\" is invalid",
		    av[0]);
	util_strlcpy(c->iface, av[0], sizeof(c->iface));
	/*
	 * mpd5 names the node after the interface; VLAN interfaces
	 * ("em0.100") carry characters a node path may not contain.
	 */
	snprintf(c->node, sizeof(c->node), "%s:", av[0]);
	for (p = c->node; p[1] != '\0'; p++)
		if (*p == '.' || *p == ':')
			*p = '_';
	util_strlcpy(c->hook, ac == 2 ? av[1] : PPPOE_DEFAULT_HOOK,
	    sizeof(c->hook));
	pppoe_listen_schedule();	/* a listener may move */
	return CMD_OK;
}

/* `set pppoe service {name}` */
static int
pppoe_set_service(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct pppoe_conf *c = pppoe_conf_of(ctx);

	(void)arg;
	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 1)
		return CMD_ERR_USAGE;
	util_strlcpy(c->service, av[0], sizeof(c->service));
	return CMD_OK;
}

/* `set pppoe acname {name}` */
static int
pppoe_set_acname(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct pppoe_conf *c = pppoe_conf_of(ctx);

	(void)arg;
	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 1)
		return CMD_ERR_USAGE;
	util_strlcpy(c->acname, av[0], sizeof(c->acname));
	return CMD_OK;
}

/* `set pppoe max-payload {size}`: 1492..1510 (RFC 4638). */
static int
pppoe_set_max_payload(struct cmd_ctx *ctx, int ac, char **av,
    const void *arg)
{
	struct pppoe_conf *c = pppoe_conf_of(ctx);
	int v;

	(void)arg;
	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 1)
		return CMD_ERR_USAGE;
	v = atoi(av[0]);
	if (v < PPPOE_MTU || v > PPPOE_MAX_PAYLOAD)
		return cmd_error(ctx, "PPP-Max-Payload value \"%s\"", av[0]);
	c->max_payload = (unsigned)v;
	return CMD_OK;
}

/* `set pppoe mac-format {format}` */
static int
pppoe_set_mac_format(struct cmd_ctx *ctx, int ac, char **av,
    const void *arg)
{
	struct pppoe_conf *c = pppoe_conf_of(ctx);
	unsigned i;

	(void)arg;
	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 1)
		return CMD_ERR_USAGE;
	for (i = 0; i < sizeof(pppoe_mac_names) / sizeof(*pppoe_mac_names);
	    i++) {
		if (strcasecmp(av[0], pppoe_mac_names[i]) == 0) {
			c->mac_format = (enum pppoe_mac_format)i;
			return CMD_OK;
		}
	}
	return cmd_error(ctx, "Incorrect PPPoE mac-format \"%s\"", av[0]);
}

const struct cmdtab pppoe_set_cmds[] = {
	{ .name = "iface {name} [{hook}]",
	  .desc = "Set ethernet interface to use",
	  .func = pppoe_set_iface, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "service {name}", .desc = "Set PPPoE session name",
	  .func = pppoe_set_service, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "acname {name}",
	  .desc = "Set PPPoE access concentrator name",
	  .func = pppoe_set_acname, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "max-payload {size}", .desc = "Set PPP-Max-Payload tag",
	  .func = pppoe_set_max_payload, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "mac-format {format}",
	  .desc = "Set RADIUS attribute 31 MAC format",
	  .func = pppoe_set_mac_format, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = NULL },
};

/* ---- runtime ---- */

#define PPPOE_FRAME_MAX		2048	/* receive buffer (jumbo: truncated) */
#define PPPOE_HASH_SIZE		1024	/* session hash buckets per iface */
#define PPPOE_CONNECT_MS	9000	/* client: give up discovery */
#define PPPOE_RETRY_MS		1000	/* client: first PADI/PADR retry */
#define PPPOE_SESS_READS	64	/* session frames per wake-up */
#define PPPOE_DISC_READS	32	/* discovery frames per wake-up */
#define PPPOE_RCVBUF		(4 * 1024 * 1024)
/* Discovery rate limits: tokens per second and burst. */
#define PPPOE_GLOBAL_RATE	5000
#define PPPOE_GLOBAL_BURST	5000
#define PPPOE_MAC_RATE		10
#define PPPOE_MAC_BURST		20
#define PPPOE_MACTB_SIZE	256	/* per-MAC buckets (overwritten) */
#define PPPOE_HALF_OPEN_MAX	2048	/* sessions not yet LCP Opened */
#define PPPOE_HO_HASH_SIZE	256	/* half-open sessions by AC-Cookie */
#define PPPOE_HU_LEN		8	/* our Host-Uniq: link id + gen */
#define PPPOE_BLOB_MAX		64	/* cookie / relay id kept */

static const uint8_t pppoe_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Token bucket; tokens in thousandths. */
struct pppoe_tb {
	uint64_t	last_ms;
	uint64_t	milli;
	bool		init;
};

struct pppoe_mac_tb {
	uint8_t		mac[6];
	struct pppoe_tb	padi, padr;
};

struct pppoe_state;

/* One Ethernet interface in use (shared, refcounted). */
struct pppoe_if {
	char			 name[IFNAMSIZ];
	int			 ifindex;
	int			 mtu;
	uint8_t			 mac[6];
	int			 fd_disc, fd_sess;
	struct event		 ev_disc, ev_sess;
	int			 refs;
	uint16_t		 next_sid;
	unsigned		 nsessions, half_open;
	unsigned		 user_sess;	/* sessions not in the kernel */
	bool			 sess_muted;	/* fd_sess drops everything */
	struct pppoe_state	*listeners;	/* server links / templates */
	struct pppoe_state	*hash[PPPOE_HASH_SIZE];
	/* half-open server sessions by the AC-Cookie of their PADR */
	struct pppoe_state	*ho_hash[PPPOE_HO_HASH_SIZE];
	struct pppoe_tb		 padi_tb, padr_tb;
	struct pppoe_mac_tb	 mactb[PPPOE_MACTB_SIZE];
	/* counters */
	uint64_t		 rx_disc, rx_sess, rx_bad, rx_nosess;
	uint64_t		 drop_rate, drop_cookie, drop_half_open;
	uint64_t		 padr_repeat;
	uint64_t		 tx_err;
	struct pppoe_if		*next;
};

enum pppoe_cstate {
	PPPOE_CS_IDLE = 0,
	PPPOE_CS_PADI_SENT,
	PPPOE_CS_PADR_SENT,
	PPPOE_CS_SESSION,
};

/* Per-link runtime (link->dev_state); freed by phys_shutdown(). */
struct pppoe_state {
	struct link		*l;
	struct pppoe_if		*pif;		/* the call's interface */
	struct pppoe_if		*lpif;		/* where we listen */
	struct pppoe_state	*lnext;		/* lpif->listeners */
	struct pppoe_state	*hnext;		/* pif->hash chain */
	struct pppoe_state	*honext;	/* pif->ho_hash chain */
	bool			 want_listen;
	bool			 in_hash;
	bool			 incoming;
	bool			 opened;
	bool			 half_open;
	bool			 report_fail;	/* report_timer says down */
	enum pppoe_cstate	 cst;
	uint16_t		 sid;
	uint8_t			 peer[6];
	uint32_t		 gen;		/* client Host-Uniq part */
	uint8_t			 cookie[PPPOE_BLOB_MAX];
	uint16_t		 cookie_len;
	bool			 has_cookie;
	uint8_t			 relay[PPPOE_BLOB_MAX];
	uint16_t		 relay_len;
	bool			 has_relay;
	char			 service[64];	/* real Service-Name */
	bool			 mp_ok;		/* PPP-Max-Payload agreed */
	uint16_t		 mp;
	char			 circuit_id[64];
	char			 remote_id[64];
	unsigned		 retry_ms;
	struct timer		 retry_timer;
	struct timer		 conn_timer;
	struct timer		 report_timer;
	uint64_t		 tx_frames, tx_drops, rx_frames;
	/* kernel channel (AF_PPPOX session socket + its /dev/ppp fd) */
	int			 ksock, kchan;
	struct event		 ev_chan;
	bool			 user_counted;	/* in pif->user_sess */
};

static struct pppoe_if	*pppoe_ifs;
static uint8_t		 pppoe_key[PPPOE_COOKIE_KEYLEN];
static bool		 pppoe_key_set;
static struct timer	 pppoe_sync_timer;

static void	pppoe_disc_event(int type, void *arg);
static void	pppoe_sess_event(int type, void *arg);
static void	pppoe_retry(void *arg);
static void	pppoe_conn_timeout(void *arg);
static void	pppoe_report(void *arg);
static void	pppoe_chan_open(struct pppoe_state *st);
static void	pppoe_chan_close(struct pppoe_state *st);

/* ---- helpers ---- */

static bool
tb_take(struct pppoe_tb *tb, uint64_t now, unsigned rate, unsigned burst)
{
	uint64_t el, cap = (uint64_t)burst * 1000;

	if (!tb->init) {
		tb->init = true;
		tb->milli = cap;
		tb->last_ms = now;
	}
	el = now - tb->last_ms;
	tb->last_ms = now;
	if (el > 1000000)
		el = 1000000;
	tb->milli += el * rate;
	if (tb->milli > cap)
		tb->milli = cap;
	if (tb->milli < 1000)
		return false;
	tb->milli -= 1000;
	return true;
}

/* Per-MAC bucket slot (overwritten on a collision: bounded memory). */
static struct pppoe_mac_tb *
pppoe_mac_slot(struct pppoe_if *pif, const uint8_t mac[6])
{
	unsigned h = 0, i;
	struct pppoe_mac_tb *s;

	for (i = 0; i < 6; i++)
		h = h * 31 + mac[i];
	s = &pif->mactb[h % PPPOE_MACTB_SIZE];
	if (memcmp(s->mac, mac, 6) != 0) {
		memset(s, 0, sizeof(*s));
		memcpy(s->mac, mac, 6);
	}
	return s;
}

/* PADI (padr false) or PADR admission: global and per-MAC buckets. */
static bool
pppoe_admit(struct pppoe_if *pif, const uint8_t mac[6], bool padr)
{
	uint64_t now = event_now_ms();
	struct pppoe_mac_tb *s = pppoe_mac_slot(pif, mac);

	if (!tb_take(padr ? &s->padr : &s->padi, now, PPPOE_MAC_RATE,
	    PPPOE_MAC_BURST) ||
	    !tb_take(padr ? &pif->padr_tb : &pif->padi_tb, now,
	    PPPOE_GLOBAL_RATE, PPPOE_GLOBAL_BURST)) {
		pif->drop_rate++;
		return false;
	}
	return true;
}

static void
pppoe_mac_print(const uint8_t m[6], enum pppoe_mac_format f, char *buf,
    size_t len)
{
	switch (f) {
	case PPPOE_MAC_UNIX_LIKE:
		snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
		    m[2], m[3], m[4], m[5]);
		break;
	case PPPOE_MAC_CISCO_LIKE:
		snprintf(buf, len, "%02x%02x.%02x%02x.%02x%02x", m[0], m[1],
		    m[2], m[3], m[4], m[5]);
		break;
	case PPPOE_MAC_IETF:
		snprintf(buf, len, "%02x-%02x-%02x-%02x-%02x-%02x", m[0], m[1],
		    m[2], m[3], m[4], m[5]);
		break;
	case PPPOE_MAC_UNFORMATTED:
	default:
		snprintf(buf, len, "%02x%02x%02x%02x%02x%02x", m[0], m[1],
		    m[2], m[3], m[4], m[5]);
		break;
	}
}

/* A tag value as a printable C string (non-printables become '?'). */
static void
pppoe_blob_str(const struct pppoe_blob *b, char *buf, size_t len)
{
	size_t i, n;

	if (len == 0)
		return;
	n = b->present ? b->len : 0;
	if (n > len - 1)
		n = len - 1;
	for (i = 0; i < n; i++)
		buf[i] = (b->p[i] >= 0x20 && b->p[i] < 0x7f) ?
		    (char)b->p[i] : '?';
	buf[n] = '\0';
}

static bool
pppoe_blob_eq(const struct pppoe_blob *b, const char *s)
{
	size_t n = strlen(s);

	return b->present && b->len == n && memcmp(b->p, s, n) == 0;
}

static void
pppoe_key_init(void)
{
	if (pppoe_key_set)
		return;
	if (RAND_bytes(pppoe_key, sizeof(pppoe_key)) != 1)
		fatal("PPPoE: can't get random bytes for the cookie key");
	pppoe_key_set = true;
}

static uint32_t
pppoe_bucket_now(void)
{
	return (uint32_t)(event_now_sec() / PPPOE_COOKIE_BUCKET);
}

/* ---- interfaces ---- */

/*
 * While every session of pif is on a kernel channel, the session packet
 * socket gets a filter that accepts nothing: the kernel's copies of the
 * sessions' data frames never wake the daemon.  Removed as soon as one
 * session stays in user space.
 */
static void
pppoe_sess_mute(struct pppoe_if *pif, bool mute)
{
	struct sock_filter none = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &none };
	int dummy = 0;

	if (pif->fd_sess < 0 || pif->sess_muted == mute)
		return;
	if (mute ? setsockopt(pif->fd_sess, SOL_SOCKET, SO_ATTACH_FILTER,
	    &prog, sizeof(prog)) : setsockopt(pif->fd_sess, SOL_SOCKET,
	    SO_DETACH_FILTER, &dummy, sizeof(dummy))) {
		log_perr(LG_PHYS2, "PPPoE: %s: session socket filter",
		    pif->name);
		return;
	}
	pif->sess_muted = mute;
}

static int
pppoe_packet_socket(struct pppoe_if *pif, uint16_t proto)
{
	struct sockaddr_ll sll;
	int fd, on = 1, sz = PPPOE_RCVBUF;

	/* Protocol 0 until bound: no frames from other interfaces. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
#ifdef PACKET_IGNORE_OUTGOING
	(void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &on,
	    sizeof(on));
#else
	(void)on;
#endif
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(proto);
	sll.sll_ifindex = pif->ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
pppoe_if_free(struct pppoe_if *pif)
{
	event_unregister(&pif->ev_disc);
	event_unregister(&pif->ev_sess);
	if (pif->fd_disc >= 0)
		close(pif->fd_disc);
	if (pif->fd_sess >= 0)
		close(pif->fd_sess);
	mem_free(pif);
}

/* The interface name, opened on first use; NULL (logged) on failure. */
static struct pppoe_if *
pppoe_if_get(const char *lname, const char *name)
{
	struct pppoe_if *pif;
	struct ifreq ifr;
	int s;

	for (pif = pppoe_ifs; pif != NULL; pif = pif->next)
		if (strcmp(pif->name, name) == 0) {
			pif->refs++;
			return pif;
		}
	pppoe_key_init();
	pif = mem_alloc("phys", sizeof(*pif));
	pif->fd_disc = pif->fd_sess = -1;
	util_strlcpy(pif->name, name, sizeof(pif->name));
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		goto fail;
	memset(&ifr, 0, sizeof(ifr));
	util_strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	if (ioctl(s, SIOCGIFINDEX, &ifr) < 0) {
		close(s);
		goto fail;
	}
	pif->ifindex = ifr.ifr_ifindex;
	if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0) {
		close(s);
		goto fail;
	}
	memcpy(pif->mac, ifr.ifr_hwaddr.sa_data, 6);
	pif->mtu = ioctl(s, SIOCGIFMTU, &ifr) < 0 ? 1500 : ifr.ifr_mtu;
	close(s);
	pif->fd_disc = pppoe_packet_socket(pif, PPPOE_ETH_DISC);
	pif->fd_sess = pppoe_packet_socket(pif, PPPOE_ETH_SESS);
	if (pif->fd_disc < 0 || pif->fd_sess < 0)
		goto fail;
	if (event_register(&pif->ev_disc, EV_READ, pif->fd_disc,
	    EVF_RECURRING, pppoe_disc_event, pif) < 0 ||
	    event_register(&pif->ev_sess, EV_READ, pif->fd_sess,
	    EVF_RECURRING, pppoe_sess_event, pif) < 0)
		goto fail;
	pif->next_sid = (uint16_t)(1 + (unsigned)(event_now_ms() % 0xfff0));
	if (dp_kernel_usable())
		pppoe_sess_mute(pif, true);
	pif->refs = 1;
	pif->next = pppoe_ifs;
	pppoe_ifs = pif;
	log_msg(LG_PHYS, "PPPoE: using interface %s", name);
	return pif;
fail:
	log_perr(LG_ERR, "[%s] PPPoE: can't use interface \"%s\"", lname,
	    name);
	pppoe_if_free(pif);
	return NULL;
}

static void
pppoe_if_put(struct pppoe_if *pif)
{
	struct pppoe_if **pp;

	if (pif == NULL || --pif->refs > 0)
		return;
	for (pp = &pppoe_ifs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == pif) {
			*pp = pif->next;
			break;
		}
	log_msg(LG_PHYS, "PPPoE: releasing interface %s", pif->name);
	pppoe_if_free(pif);
}

/* By session id only: a server id is checked for reuse in one chain. */
static unsigned
pppoe_hash(uint16_t sid)
{
	return (unsigned)sid % PPPOE_HASH_SIZE;
}

static struct pppoe_state *
pppoe_find(struct pppoe_if *pif, uint16_t sid, const uint8_t mac[6])
{
	struct pppoe_state *st;

	for (st = pif->hash[pppoe_hash(sid)]; st != NULL; st = st->hnext)
		if (st->sid == sid && memcmp(st->peer, mac, 6) == 0)
			return st;
	return NULL;
}

static bool
pppoe_sid_used(const struct pppoe_if *pif, uint16_t sid)
{
	const struct pppoe_state *st;

	/* Server ids are unique per interface whatever the peer. */
	for (st = pif->hash[pppoe_hash(sid)]; st != NULL; st = st->hnext)
		if (st->sid == sid)
			return true;
	return false;
}

/* A free server session id, or 0. */
static uint16_t
pppoe_sid_alloc(struct pppoe_if *pif)
{
	unsigned tries;
	uint16_t sid;

	for (tries = 0; tries < 0xfffe; tries++) {
		sid = pif->next_sid++;
		if (pif->next_sid == 0 || pif->next_sid == 0xffff)
			pif->next_sid = 1;
		if (sid == 0 || sid == 0xffff)
			continue;
		if (!pppoe_sid_used(pif, sid))
			return sid;
	}
	return 0;
}

static void
pppoe_hash_add(struct pppoe_state *st)
{
	unsigned h = pppoe_hash(st->sid);

	st->hnext = st->pif->hash[h];
	st->pif->hash[h] = st;
	st->in_hash = true;
	st->pif->nsessions++;
}

static void
pppoe_hash_del(struct pppoe_state *st)
{
	struct pppoe_state **pp;

	if (!st->in_hash)
		return;
	for (pp = &st->pif->hash[pppoe_hash(st->sid)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == st) {
			*pp = st->hnext;
			break;
		}
	st->in_hash = false;
	st->pif->nsessions--;
}

/* Half-open server sessions, found again by the cookie of their PADR. */
static unsigned
pppoe_ho_hash(const uint8_t *cookie)
{
	/* bytes 0-3 are the time bucket, the keyed hash follows */
	return (cookie[4] | (unsigned)cookie[5] << 8) % PPPOE_HO_HASH_SIZE;
}

/* st (server side, cookie kept) becomes half-open on its interface. */
static void
pppoe_half_open_begin(struct pppoe_state *st)
{
	unsigned h = pppoe_ho_hash(st->cookie);

	st->honext = st->pif->ho_hash[h];
	st->pif->ho_hash[h] = st;
	st->half_open = true;
	st->pif->half_open++;
}

/* st is no longer half-open (LCP opened, or the call is gone). */
static void
pppoe_half_open_end(struct pppoe_state *st)
{
	struct pppoe_state **pp;

	if (!st->half_open || st->pif == NULL)
		return;
	for (pp = &st->pif->ho_hash[pppoe_ho_hash(st->cookie)]; *pp != NULL;
	    pp = &(*pp)->honext)
		if (*pp == st) {
			*pp = st->honext;
			break;
		}
	st->honext = NULL;
	st->half_open = false;
	st->pif->half_open--;
}

/*
 * The half-open session that a PADR with this (verified) cookie from mac
 * created already, or NULL: a client that missed our PADS repeats its
 * PADR (RFC 2516 5.3), and gets the same session again.
 */
static struct pppoe_state *
pppoe_half_open_find(struct pppoe_if *pif, const uint8_t mac[6],
    const uint8_t *cookie, size_t len)
{
	struct pppoe_state *st;

	if (len != PPPOE_COOKIE_LEN)
		return NULL;
	for (st = pif->ho_hash[pppoe_ho_hash(cookie)]; st != NULL;
	    st = st->honext)
		if (memcmp(st->peer, mac, 6) == 0 &&
		    memcmp(st->cookie, cookie, PPPOE_COOKIE_LEN) == 0)
			return st;
	return NULL;
}

/* ---- sending ---- */

static void
pppoe_eth_hdr(uint8_t *p, const uint8_t dst[6], const uint8_t src[6],
    uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	p[12] = (uint8_t)(type >> 8);
	p[13] = (uint8_t)type;
}

/* Send a built discovery frame (Ethernet header included). */
static void
pppoe_disc_send(struct pppoe_if *pif, const uint8_t *frame, size_t len)
{
	char nbuf[16];

	log_dump(LG_PHYS3, pppoe_code_name(frame[PPPOE_ETH_HLEN + 1], nbuf,
	    sizeof(nbuf)), frame, len);
	if (send(pif->fd_disc, frame, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		pif->tx_err++;
}

/* Start a discovery frame to dst: Ethernet header + PPPoE header. */
static void
pppoe_disc_start(struct pppoe_builder *b, uint8_t *buf, size_t cap,
    const struct pppoe_if *pif, const uint8_t dst[6], uint8_t code,
    uint16_t sid)
{
	pppoe_eth_hdr(buf, dst, pif->mac, PPPOE_ETH_DISC);
	pppoe_build_init(b, buf + PPPOE_ETH_HLEN, cap - PPPOE_ETH_HLEN, code,
	    sid);
}

static void
pppoe_disc_finish(struct pppoe_if *pif, struct pppoe_builder *b,
    uint8_t *buf)
{
	size_t n = pppoe_build_finish(b);

	if (n == 0) {
		pif->tx_err++;
		return;
	}
	pppoe_disc_send(pif, buf, n + PPPOE_ETH_HLEN);
}

static void
pppoe_send_padt(struct pppoe_state *st)
{
	uint8_t buf[128];
	struct pppoe_builder b;

	if (st->pif == NULL || st->sid == 0)
		return;
	pppoe_disc_start(&b, buf, sizeof(buf), st->pif, st->peer,
	    PPPOE_CODE_PADT, st->sid);
	if (st->has_relay)
		pppoe_build_tag(&b, PPPOE_TAG_RELAY_SID, st->relay,
		    st->relay_len);
	pppoe_disc_finish(st->pif, &b, buf);
	log_msg(LG_PHYS, "[%s] PPPoE: sent PADT for session 0x%04x",
	    st->l->name, st->sid);
}

/* ---- state ---- */

static struct pppoe_state *
pppoe_state_get(struct link *l)
{
	struct pppoe_state *st = l->dev_state;

	if (st != NULL)
		return st;
	st = mem_alloc("phys", sizeof(*st));
	st->l = l;
	st->ksock = st->kchan = -1;
	timer_init(&st->retry_timer, "PPPoE-retry", PPPOE_RETRY_MS,
	    pppoe_retry, st);
	timer_init(&st->conn_timer, "PPPoE-connect", PPPOE_CONNECT_MS,
	    pppoe_conn_timeout, st);
	timer_init(&st->report_timer, "PPPoE-open", 0, pppoe_report, st);
	l->dev_state = st;
	return st;
}

/* Forget the call (not the listen); send PADT when padt. */
static void
pppoe_drop_call(struct pppoe_state *st, bool padt)
{
	timer_stop(&st->retry_timer);
	timer_stop(&st->conn_timer);
	timer_stop(&st->report_timer);
	pppoe_chan_close(st);
	if (st->user_counted && st->pif != NULL) {
		st->user_counted = false;
		if (--st->pif->user_sess == 0 && dp_kernel_usable())
			pppoe_sess_mute(st->pif, true);
	}
	if (padt && st->cst == PPPOE_CS_SESSION)
		pppoe_send_padt(st);
	pppoe_hash_del(st);
	pppoe_half_open_end(st);
	st->half_open = false;
	pppoe_if_put(st->pif);
	st->pif = NULL;
	st->cst = PPPOE_CS_IDLE;
	st->sid = 0;
	st->opened = false;
	st->incoming = false;
	st->has_cookie = st->has_relay = false;
	st->mp_ok = false;
	st->mp = 0;
	st->service[0] = '\0';
	st->circuit_id[0] = st->remote_id[0] = '\0';
	memset(st->peer, 0, sizeof(st->peer));
}

/* Back to DOWN; link_phys_down() unless the device was DOWN already. */
static void
pppoe_down(struct pppoe_state *st, bool padt, const char *reason)
{
	struct link *l = st->l;
	bool was_down = l->state == PHYS_STATE_DOWN;

	pppoe_drop_call(st, padt);
	l->state = PHYS_STATE_DOWN;
	if (!was_down)
		link_phys_down(l, reason);
}

/* ---- client ---- */

/* Split "AC-Name\Service" of `set pppoe service`. */
static void
pppoe_client_target(const struct pppoe_conf *c, char *ac, size_t alen,
    const char **svc)
{
	const char *bs = strchr(c->service, '\\');

	ac[0] = '\0';
	*svc = c->service;
	if (bs == NULL)
		return;
	snprintf(ac, alen, "%.*s", (int)(bs - c->service), c->service);
	*svc = bs + 1;
}

static void
pppoe_host_uniq(const struct pppoe_state *st, uint8_t hu[PPPOE_HU_LEN])
{
	uint32_t id = (uint32_t)st->l->id;

	hu[0] = (uint8_t)(id >> 24);
	hu[1] = (uint8_t)(id >> 16);
	hu[2] = (uint8_t)(id >> 8);
	hu[3] = (uint8_t)id;
	hu[4] = (uint8_t)(st->gen >> 24);
	hu[5] = (uint8_t)(st->gen >> 16);
	hu[6] = (uint8_t)(st->gen >> 8);
	hu[7] = (uint8_t)st->gen;
}

/* The client link a PADO/PADS is for (by Host-Uniq), or NULL. */
static struct pppoe_state *
pppoe_client_of(struct pppoe_if *pif, const struct pppoe_disc *d)
{
	const uint8_t *p = d->host_uniq.p;
	struct pppoe_state *st;
	uint32_t id, gen;
	struct link *l;

	if (!d->host_uniq.present || d->host_uniq.len != PPPOE_HU_LEN)
		return NULL;
	id = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	gen = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
	    (uint32_t)p[6] << 8 | p[7];
	if (id == 0 || id >= (uint32_t)g_nlinks)
		return NULL;
	l = g_links[id];
	if (l == NULL || l->type != &phys_pppoe ||
	    (st = l->dev_state) == NULL || st->pif != pif || st->gen != gen ||
	    st->incoming)
		return NULL;
	return st;
}

static void
pppoe_send_padi(struct pppoe_state *st)
{
	const struct pppoe_conf *c = st->l->dev_conf;
	uint8_t buf[256], hu[PPPOE_HU_LEN];
	struct pppoe_builder b;
	const char *svc;
	char ac[64];

	pppoe_client_target(c, ac, sizeof(ac), &svc);
	pppoe_host_uniq(st, hu);
	pppoe_disc_start(&b, buf, sizeof(buf), st->pif, pppoe_bcast,
	    PPPOE_CODE_PADI, 0);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE, svc, strlen(svc));
	pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, hu, sizeof(hu));
	if (c->max_payload > 0)
		pppoe_build_u16_tag(&b, PPPOE_TAG_MAX_PAYLOAD,
		    (uint16_t)c->max_payload);
	pppoe_disc_finish(st->pif, &b, buf);
	log_msg(LG_PHYS2, "[%s] PPPoE: sent PADI on %s", st->l->name,
	    st->pif->name);
}

static void
pppoe_send_padr(struct pppoe_state *st)
{
	const struct pppoe_conf *c = st->l->dev_conf;
	uint8_t buf[512], hu[PPPOE_HU_LEN];
	struct pppoe_builder b;

	pppoe_host_uniq(st, hu);
	pppoe_disc_start(&b, buf, sizeof(buf), st->pif, st->peer,
	    PPPOE_CODE_PADR, 0);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE, st->service,
	    strlen(st->service));
	pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, hu, sizeof(hu));
	if (st->has_cookie)
		pppoe_build_tag(&b, PPPOE_TAG_AC_COOKIE, st->cookie,
		    st->cookie_len);
	if (st->has_relay)
		pppoe_build_tag(&b, PPPOE_TAG_RELAY_SID, st->relay,
		    st->relay_len);
	if (c->max_payload > 0)
		pppoe_build_u16_tag(&b, PPPOE_TAG_MAX_PAYLOAD,
		    (uint16_t)c->max_payload);
	pppoe_disc_finish(st->pif, &b, buf);
	log_msg(LG_PHYS2, "[%s] PPPoE: sent PADR", st->l->name);
}

static void
pppoe_retry(void *arg)
{
	struct pppoe_state *st = arg;

	if (st->cst == PPPOE_CS_PADI_SENT)
		pppoe_send_padi(st);
	else if (st->cst == PPPOE_CS_PADR_SENT)
		pppoe_send_padr(st);
	else
		return;
	if (st->retry_ms < 4000)
		st->retry_ms *= 2;
	st->retry_timer.ms = st->retry_ms;
	timer_start(&st->retry_timer);
}

static void
pppoe_conn_timeout(void *arg)
{
	struct pppoe_state *st = arg;

	log_msg(LG_PHYS, "[%s] PPPoE connection timeout after %d seconds",
	    st->l->name, PPPOE_CONNECT_MS / 1000);
	pppoe_down(st, false, "Connection failed");
}

/* The deferred failure of pppoe_open(). */
static void
pppoe_report(void *arg)
{
	struct pppoe_state *st = arg;

	if (st->report_fail)
		pppoe_down(st, false, "Connection failed");
}

static void
pppoe_copy_blob(const struct pppoe_blob *b, uint8_t *dst, uint16_t *dlen,
    bool *has)
{
	*has = b->present && b->len <= PPPOE_BLOB_MAX;
	*dlen = *has ? b->len : 0;
	if (*has && b->len > 0)
		memcpy(dst, b->p, b->len);
}

static void
pppoe_log_errors(const struct link *l, const struct pppoe_disc *d)
{
	char buf[128];

	if (d->sn_error.present) {
		pppoe_blob_str(&d->sn_error, buf, sizeof(buf));
		log_msg(LG_PHYS, "[%s] PPPoE: Service-Name-Error: %s",
		    l->name, buf);
	}
	if (d->ac_error.present) {
		pppoe_blob_str(&d->ac_error, buf, sizeof(buf));
		log_msg(LG_PHYS, "[%s] PPPoE: AC-System-Error: %s", l->name,
		    buf);
	}
	if (d->gen_error.present) {
		pppoe_blob_str(&d->gen_error, buf, sizeof(buf));
		log_msg(LG_PHYS, "[%s] PPPoE: Generic-Error: %s", l->name,
		    buf);
	}
}

static void
pppoe_rx_pado(struct pppoe_if *pif, const uint8_t src[6],
    const struct pppoe_disc *d)
{
	struct pppoe_state *st = pppoe_client_of(pif, d);
	const struct pppoe_conf *c;
	const char *svc;
	char ac[64], name[64], mbuf[20];
	unsigned i;
	bool ok;

	if (st == NULL || st->cst != PPPOE_CS_PADI_SENT)
		return;
	c = st->l->dev_conf;
	pppoe_client_target(c, ac, sizeof(ac), &svc);
	pppoe_blob_str(&d->ac_name, name, sizeof(name));
	pppoe_mac_print(src, PPPOE_MAC_UNIX_LIKE, mbuf, sizeof(mbuf));
	if (d->sn_error.present || d->ac_error.present ||
	    d->gen_error.present) {
		pppoe_log_errors(st->l, d);
		return;
	}
	if (ac[0] != '\0' && !pppoe_blob_eq(&d->ac_name, ac)) {
		log_msg(LG_PHYS2, "[%s] PPPoE: ignoring PADO from AC \"%s\" "
		    "(%s)", st->l->name, name, mbuf);
		return;
	}
	ok = svc[0] == '\0' || d->nservices == 0;
	for (i = 0; !ok && i < d->nservices; i++)
		ok = pppoe_blob_eq(&d->service[i], svc);
	if (!ok) {
		log_msg(LG_PHYS2, "[%s] PPPoE: PADO from %s lacks service "
		    "\"%s\"", st->l->name, mbuf, svc);
		return;
	}
	log_msg(LG_PHYS, "[%s] PPPoE: PADO from AC \"%s\" (%s)", st->l->name,
	    name, mbuf);
	memcpy(st->peer, src, 6);
	util_strlcpy(st->service, svc, sizeof(st->service));
	pppoe_copy_blob(&d->cookie, st->cookie, &st->cookie_len,
	    &st->has_cookie);
	pppoe_copy_blob(&d->relay_sid, st->relay, &st->relay_len,
	    &st->has_relay);
	st->cst = PPPOE_CS_PADR_SENT;
	pppoe_send_padr(st);
	st->retry_ms = PPPOE_RETRY_MS;
	st->retry_timer.ms = st->retry_ms;
	timer_start(&st->retry_timer);
}

static void
pppoe_rx_pads(struct pppoe_if *pif, const uint8_t src[6],
    const struct pppoe_disc *d)
{
	struct pppoe_state *st = pppoe_client_of(pif, d);
	const struct pppoe_conf *c;
	struct link *l;
	char mbuf[20];

	if (st == NULL || st->cst != PPPOE_CS_PADR_SENT ||
	    memcmp(src, st->peer, 6) != 0)
		return;
	l = st->l;
	c = l->dev_conf;
	if (d->session == 0 || d->session == 0xffff) {
		pppoe_log_errors(l, d);
		log_msg(LG_PHYS, "[%s] PPPoE: session refused by the AC",
		    l->name);
		pppoe_down(st, false, "Connection failed");
		return;
	}
	if (pppoe_find(pif, d->session, src) != NULL) {
		log_msg(LG_ERR, "[%s] PPPoE: duplicate session 0x%04x",
		    l->name, d->session);
		pppoe_down(st, false, "Connection failed");
		return;
	}
	timer_stop(&st->retry_timer);
	timer_stop(&st->conn_timer);
	st->sid = d->session;
	st->cst = PPPOE_CS_SESSION;
	if (c->max_payload > 0 && d->has_max_payload &&
	    d->max_payload >= PPPOE_MTU) {
		st->mp_ok = true;
		st->mp = d->max_payload < c->max_payload ? d->max_payload :
		    (uint16_t)c->max_payload;
	}
	pppoe_hash_add(st);
	pppoe_mac_print(src, PPPOE_MAC_UNIX_LIKE, mbuf, sizeof(mbuf));
	log_msg(LG_PHYS, "[%s] PPPoE: connected to %s, session 0x%04x",
	    l->name, mbuf, st->sid);
	pppoe_chan_open(st);
	l->state = PHYS_STATE_UP;
	link_phys_up(l);
}

/*
 * open: outgoing call (PADI).  A link that is not DOWN is left alone.
 * Returns 0 and reports the outcome from the event loop; -1 for a
 * template.
 */
static int
pppoe_open(struct link *l)
{
	const struct pppoe_conf *c = l->dev_conf;
	struct pppoe_state *st;

	if (l->tmpl)
		return -1;
	st = pppoe_state_get(l);
	if (l->state != PHYS_STATE_DOWN)
		return 0;
	l->state = PHYS_STATE_CONNECTING;
	st->incoming = false;
	st->opened = true;
	st->report_fail = true;
	if (strcmp(c->iface, "undefined") == 0) {
		log_msg(LG_ERR, "[%s] PPPoE: interface is not set", l->name);
		timer_start(&st->report_timer);
		return 0;
	}
	st->pif = pppoe_if_get(l->name, c->iface);
	if (st->pif == NULL) {
		timer_start(&st->report_timer);
		return 0;
	}
	st->report_fail = false;
	if (RAND_bytes((uint8_t *)&st->gen, sizeof(st->gen)) != 1)
		st->gen = (uint32_t)event_now_ms();
	log_msg(LG_PHYS, "[%s] PPPoE: connecting on %s, service \"%s\"",
	    l->name, c->iface, c->service);
	st->cst = PPPOE_CS_PADI_SENT;
	pppoe_send_padi(st);
	st->retry_ms = PPPOE_RETRY_MS;
	st->retry_timer.ms = st->retry_ms;
	timer_start(&st->retry_timer);
	timer_start(&st->conn_timer);
	return 0;
}

/* close: PADT when in session; "Manual" reported when not DOWN. */
static void
pppoe_close(struct link *l)
{
	struct pppoe_state *st = l->dev_state;

	if (st == NULL)
		return;
	if (l->state != PHYS_STATE_DOWN)
		log_msg(LG_PHYS, "[%s] PPPoE: closing", l->name);
	pppoe_down(st, true, "Manual");
}

/* ---- server ---- */

/* Does listener conf c serve the requested service (blob)? */
static bool
pppoe_service_ok(const struct pppoe_conf *c, const struct pppoe_blob *req)
{
	if (strcmp(c->service, "*") == 0 || c->service[0] == '\0')
		return true;
	/* An empty request means "any service" (RFC 2516 5.1). */
	if (!req->present || req->len == 0)
		return true;
	return pppoe_blob_eq(req, c->service);
}

/* The first listener on pif able to take a call for service req. */
static struct pppoe_state *
pppoe_pick(struct pppoe_if *pif, const struct pppoe_blob *req)
{
	struct pppoe_state *st;
	struct link *l;

	for (st = pif->listeners; st != NULL; st = st->lnext) {
		l = st->l;
		if (l->dying ||
		    !opt_enabled(&l->conf.options, LINK_OPT_INCOMING) ||
		    (!l->tmpl && l->state != PHYS_STATE_DOWN))
			continue;
		if (pppoe_service_ok(l->dev_conf, req))
			return st;
	}
	return NULL;
}

/* The Service-Name a listener answers with. */
static void
pppoe_service_answer(const struct pppoe_conf *c, const struct pppoe_blob *req,
    char *buf, size_t len)
{
	if (req->present && req->len > 0)
		pppoe_blob_str(req, buf, len);
	else if (strcmp(c->service, "*") != 0)
		util_strlcpy(buf, c->service, len);
	else
		buf[0] = '\0';
}

static const char *
pppoe_acname(const struct pppoe_conf *c, char *buf, size_t len)
{
	if (c->acname[0] != '\0')
		return c->acname;
	if (gethostname(buf, len) < 0)
		util_strlcpy(buf, "mpd", len);
	buf[len - 1] = '\0';
	return buf;
}

static void
pppoe_rx_padi(struct pppoe_if *pif, const uint8_t src[6],
    const struct pppoe_disc *d)
{
	const struct pppoe_blob *req;
	struct pppoe_state *st;
	uint8_t buf[1024], cookie[PPPOE_COOKIE_LEN];
	struct pppoe_builder b;
	char svc[64], host[64], mbuf[20];
	const char *acn;

	if (pif->listeners == NULL)
		return;
	/*
	 * RFC 2516 5.1: a PADI carries exactly one Service-Name tag (empty
	 * for "any service"); one without is malformed and dropped.
	 */
	if (d->nservices != 1) {
		pif->rx_bad++;
		log_msg(LG_PHYS2, "PPPoE: PADI with %u Service-Name tags "
		    "dropped", d->nservices);
		return;
	}
	req = &d->service[0];
	if (!pppoe_admit(pif, src, false))
		return;
	pppoe_mac_print(src, PPPOE_MAC_UNIX_LIKE, mbuf, sizeof(mbuf));
	st = pppoe_pick(pif, req);
	if (st == NULL) {
		pppoe_blob_str(req, svc, sizeof(svc));
		log_msg(LG_PHYS2, "PPPoE: no link for PADI from %s, service "
		    "\"%s\"", mbuf, svc);
		return;
	}
	pppoe_service_answer(st->l->dev_conf, req, svc, sizeof(svc));
	acn = pppoe_acname(st->l->dev_conf, host, sizeof(host));
	pppoe_cookie_make(pppoe_key, src,
	    d->host_uniq.present ? d->host_uniq.p : NULL,
	    d->host_uniq.present ? d->host_uniq.len : 0, pppoe_bucket_now(),
	    cookie);
	pppoe_disc_start(&b, buf, sizeof(buf), pif, src, PPPOE_CODE_PADO, 0);
	pppoe_build_tag(&b, PPPOE_TAG_AC_NAME, acn, strlen(acn));
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE, svc, strlen(svc));
	pppoe_build_tag(&b, PPPOE_TAG_AC_COOKIE, cookie, sizeof(cookie));
	if (d->host_uniq.present)
		pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, d->host_uniq.p,
		    d->host_uniq.len);
	if (d->relay_sid.present)
		pppoe_build_tag(&b, PPPOE_TAG_RELAY_SID, d->relay_sid.p,
		    d->relay_sid.len);
	if (d->has_max_payload && d->max_payload + 8 <= pif->mtu)
		pppoe_build_u16_tag(&b, PPPOE_TAG_MAX_PAYLOAD,
		    d->max_payload);
	pppoe_disc_finish(pif, &b, buf);
	log_msg(LG_PHYS2, "[%s] PPPoE: PADI from %s, service \"%s\": "
	    "sent PADO", st->l->name, mbuf, svc);
}

/* PADS refusing a PADR (session id 0 with an error tag). */
static void
pppoe_send_pads_error(struct pppoe_if *pif, const uint8_t dst[6],
    const struct pppoe_disc *d, uint16_t tag, const char *msg)
{
	uint8_t buf[512];
	struct pppoe_builder b;

	pppoe_disc_start(&b, buf, sizeof(buf), pif, dst, PPPOE_CODE_PADS, 0);
	if (d->nservices > 0)
		pppoe_build_tag(&b, PPPOE_TAG_SERVICE, d->service[0].p,
		    d->service[0].len);
	if (d->host_uniq.present)
		pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, d->host_uniq.p,
		    d->host_uniq.len);
	if (d->relay_sid.present)
		pppoe_build_tag(&b, PPPOE_TAG_RELAY_SID, d->relay_sid.p,
		    d->relay_sid.len);
	pppoe_build_tag(&b, tag, msg, strlen(msg));
	pppoe_disc_finish(pif, &b, buf);
}

/* PADS accepting the PADR d for the server session st. */
static void
pppoe_send_pads(struct pppoe_state *st, const struct pppoe_disc *d)
{
	uint8_t buf[1024];
	struct pppoe_builder b;

	pppoe_disc_start(&b, buf, sizeof(buf), st->pif, st->peer,
	    PPPOE_CODE_PADS, st->sid);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE, st->service,
	    strlen(st->service));
	if (d->host_uniq.present)
		pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, d->host_uniq.p,
		    d->host_uniq.len);
	if (d->relay_sid.present)
		pppoe_build_tag(&b, PPPOE_TAG_RELAY_SID, d->relay_sid.p,
		    d->relay_sid.len);
	if (st->mp_ok)
		pppoe_build_u16_tag(&b, PPPOE_TAG_MAX_PAYLOAD, st->mp);
	pppoe_disc_finish(st->pif, &b, buf);
}

static void
pppoe_rx_padr(struct pppoe_if *pif, const uint8_t src[6],
    const struct pppoe_disc *d)
{
	struct pppoe_blob none = { NULL, 0, false };
	const struct pppoe_blob *req = d->nservices > 0 ? &d->service[0] :
	    &none;
	struct pppoe_state *lst, *st;
	struct link *t, *l;
	char mbuf[20];
	uint16_t sid;

	if (pif->listeners == NULL)
		return;
	if (!pppoe_admit(pif, src, true))
		return;
	if (!d->cookie.present || !pppoe_cookie_check(pppoe_key, src,
	    d->host_uniq.present ? d->host_uniq.p : NULL,
	    d->host_uniq.present ? d->host_uniq.len : 0, pppoe_bucket_now(),
	    d->cookie.p, d->cookie.len)) {
		pif->drop_cookie++;
		return;
	}
	pppoe_mac_print(src, PPPOE_MAC_UNIX_LIKE, mbuf, sizeof(mbuf));
	st = pppoe_half_open_find(pif, src, d->cookie.p, d->cookie.len);
	if (st != NULL) {
		/* our PADS was lost: the same session again, not a new one */
		pif->padr_repeat++;
		pppoe_send_pads(st, d);
		log_msg(LG_PHYS2, "[%s] PPPoE: repeated PADR from %s, PADS "
		    "for session 0x%04x sent again", st->l->name, mbuf,
		    st->sid);
		return;
	}
	if (pif->half_open >= PPPOE_HALF_OPEN_MAX) {
		pif->drop_half_open++;
		log_msg(LG_PHYS2, "PPPoE: too many half-open sessions, PADR "
		    "from %s dropped", mbuf);
		return;
	}
	lst = pppoe_pick(pif, req);
	if (lst == NULL) {
		log_msg(LG_PHYS, "PPPoE: no link for PADR from %s", mbuf);
		pppoe_send_pads_error(pif, src, d, PPPOE_TAG_SN_ERROR,
		    "Service not available");
		return;
	}
	t = lst->l;
	sid = pppoe_sid_alloc(pif);
	if (sid == 0) {
		pppoe_send_pads_error(pif, src, d, PPPOE_TAG_AC_ERROR,
		    "No free session");
		return;
	}
	log_msg(LG_PHYS, "[%s] PPPoE: incoming call from %s on %s", t->name,
	    mbuf, pif->name);
	l = link_incoming(t);
	if (l == NULL) {
		log_msg(LG_PHYS, "[%s] PPPoE: call from %s refused", t->name,
		    mbuf);
		pppoe_send_pads_error(pif, src, d, PPPOE_TAG_AC_ERROR,
		    "Too many sessions");
		return;
	}
	st = pppoe_state_get(l);
	if (st->pif != NULL || l->state != PHYS_STATE_DOWN) {
		log_msg(LG_ERR, "[%s] PPPoE: link busy, call from %s refused",
		    l->name, mbuf);
		pppoe_send_pads_error(pif, src, d, PPPOE_TAG_AC_ERROR,
		    "Link busy");
		return;
	}
	pif->refs++;
	st->pif = pif;
	st->incoming = true;
	st->opened = false;
	st->sid = sid;
	memcpy(st->peer, src, 6);
	st->cst = PPPOE_CS_SESSION;
	pppoe_service_answer(l->dev_conf, req, st->service,
	    sizeof(st->service));
	pppoe_copy_blob(&d->relay_sid, st->relay, &st->relay_len,
	    &st->has_relay);
	pppoe_blob_str(&d->circuit_id, st->circuit_id,
	    sizeof(st->circuit_id));
	pppoe_blob_str(&d->remote_id, st->remote_id, sizeof(st->remote_id));
	if (d->has_max_payload && d->max_payload >= PPPOE_MTU &&
	    d->max_payload + 8 <= pif->mtu) {
		st->mp_ok = true;
		st->mp = d->max_payload;
	}
	pppoe_hash_add(st);
	memcpy(st->cookie, d->cookie.p, PPPOE_COOKIE_LEN);
	pppoe_half_open_begin(st);
	pppoe_send_pads(st, d);
	log_msg(LG_PHYS, "[%s] PPPoE: accepting call from %s, session "
	    "0x%04x", l->name, mbuf, sid);
	pppoe_chan_open(st);
	l->state = PHYS_STATE_UP;
	link_phys_up(l);
}

static void
pppoe_rx_padt(struct pppoe_if *pif, const uint8_t src[6],
    const struct pppoe_disc *d)
{
	struct pppoe_state *st = pppoe_find(pif, d->session, src);

	if (st == NULL) {
		pif->rx_nosess++;
		return;
	}
	log_msg(LG_PHYS, "[%s] PPPoE: received PADT for session 0x%04x",
	    st->l->name, d->session);
	pppoe_log_errors(st->l, d);
	/* The session is gone under the link: mpd5 records "Dropped". */
	pppoe_down(st, false, "Dropped");
}

/* One received discovery frame (Ethernet header included). */
static void
pppoe_disc_input(struct pppoe_if *pif, const uint8_t *p, size_t len)
{
	struct pppoe_disc d;
	const uint8_t *dst = p, *src = p + 6;
	bool bcast;
	int rc;

	pif->rx_disc++;
	if (len < PPPOE_ETH_HLEN || (src[0] & 1) != 0) {
		pif->rx_bad++;
		return;
	}
	bcast = memcmp(dst, pppoe_bcast, 6) == 0;
	if (!bcast && memcmp(dst, pif->mac, 6) != 0)
		return;
	rc = pppoe_disc_parse(p + PPPOE_ETH_HLEN, len - PPPOE_ETH_HLEN, &d);
	if (rc != PPPOE_OK) {
		pif->rx_bad++;
		log_msg(LG_PHYS3, "PPPoE: bad discovery frame on %s (%d)",
		    pif->name, rc);
		return;
	}
	log_dump(LG_PHYS3, "PPPoE rx", p, len);
	/* Only PADI may be broadcast; the others are unicast. */
	if (bcast != (d.code == PPPOE_CODE_PADI)) {
		pif->rx_bad++;
		return;
	}
	switch (d.code) {
	case PPPOE_CODE_PADI:
		if (d.session == 0)
			pppoe_rx_padi(pif, src, &d);
		break;
	case PPPOE_CODE_PADO:
		if (d.session == 0)
			pppoe_rx_pado(pif, src, &d);
		break;
	case PPPOE_CODE_PADR:
		if (d.session == 0)
			pppoe_rx_padr(pif, src, &d);
		break;
	case PPPOE_CODE_PADS:
		pppoe_rx_pads(pif, src, &d);
		break;
	case PPPOE_CODE_PADT:
		pppoe_rx_padt(pif, src, &d);
		break;
	default:
		pif->rx_bad++;
		break;
	}
}

static void
pppoe_disc_event(int type, void *arg)
{
	struct pppoe_if *pif = arg;
	uint8_t buf[PPPOE_FRAME_MAX];
	struct sockaddr_ll sll;
	socklen_t slen;
	ssize_t r;
	int i;

	(void)type;
	pif->refs++;		/* a handler may drop the last user */
	for (i = 0; i < PPPOE_DISC_READS; i++) {
		slen = sizeof(sll);
		r = recvfrom(pif->fd_disc, buf, sizeof(buf),
		    MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&sll, &slen);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (sll.sll_pkttype == PACKET_OUTGOING ||
		    sll.sll_pkttype == PACKET_OTHERHOST)
			continue;
		if ((size_t)r > sizeof(buf)) {
			pif->rx_bad++;
			continue;
		}
		pppoe_disc_input(pif, buf, (size_t)r);
	}
	pppoe_if_put(pif);
}

/* One session frame in m (Ethernet header included); consumes m. */
static void
pppoe_sess_input(struct pppoe_if *pif, struct mbuf *m)
{
	struct pppoe_state *st;
	struct link *l;
	uint16_t sid, plen;

	pif->rx_sess++;
	if (m->len < PPPOE_ETH_HLEN ||
	    memcmp(m->data, pif->mac, 6) != 0 ||
	    pppoe_sess_parse(m->data + PPPOE_ETH_HLEN,
	    m->len - PPPOE_ETH_HLEN, &sid, &plen) != PPPOE_OK) {
		pif->rx_bad++;
		goto drop;
	}
	st = pppoe_find(pif, sid, m->data + 6);
	if (st == NULL && plen >= 2 && m->len >= PPPOE_ETH_HLEN +
	    PPPOE_HLEN + 2 && m->data[PPPOE_ETH_HLEN + PPPOE_HLEN] == 0xc0 &&
	    m->data[PPPOE_ETH_HLEN + PPPOE_HLEN + 1] == 0x21) {
		/*
		 * An AC sends its first LCP frame right after the PADS, and
		 * the two arrive on different sockets: the PADS may still be
		 * waiting in the discovery socket.  Read it first instead of
		 * dropping the LCP frame and waiting for the peer's retry.
		 */
		pppoe_disc_event(EV_READ, pif);
		st = pppoe_find(pif, sid, m->data + 6);
	}
	if (st == NULL || (l = st->l)->state != PHYS_STATE_UP || plen == 0) {
		pif->rx_nosess++;
		goto drop;
	}
	if (st->half_open && l->lcp_state == FSM_ST_OPENED)
		pppoe_half_open_end(st);
	if (st->kchan >= 0) {
		/* a copy: the kernel's channel has the session */
		mb_free(m);
		return;
	}
	mb_trim_head(m, PPPOE_ETH_HLEN + PPPOE_HLEN);
	m->len = plen;		/* drop Ethernet padding */
	st->rx_frames++;
	link_phys_input(l, m);
	return;
drop:
	mb_free(m);
}

static void
pppoe_sess_event(int type, void *arg)
{
	struct pppoe_if *pif = arg;
	struct sockaddr_ll sll;
	socklen_t slen;
	struct mbuf *m;
	ssize_t r;
	int i;

	(void)type;
	pif->refs++;		/* a handler may drop the last user */
	for (i = 0; i < PPPOE_SESS_READS; i++) {
		m = mb_alloc(PPPOE_FRAME_MAX);
		slen = sizeof(sll);
		r = recvfrom(pif->fd_sess, m->data, PPPOE_FRAME_MAX,
		    MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&sll, &slen);
		if (r < 0) {
			mb_free(m);
			if (errno == EINTR)
				continue;
			break;
		}
		if (sll.sll_pkttype == PACKET_OUTGOING ||
		    sll.sll_pkttype == PACKET_OTHERHOST ||
		    (size_t)r > PPPOE_FRAME_MAX) {
			mb_free(m);
			continue;
		}
		m->len = (size_t)r;
		pppoe_sess_input(pif, m);
	}
	pppoe_if_put(pif);
}

/*
 * send: Ethernet + PPPoE session headers go into m's headroom (a copy
 * only when the headroom is short).  Consumes m.
 */
static int
pppoe_send(struct link *l, struct mbuf *m)
{
	struct pppoe_state *st = l->dev_state;
	struct mbuf *n;
	uint8_t *h;
	size_t plen;

	/* No address/control field inside PPPoE (RFC 2516 section 7). */
	if (m->len >= 2 && m->data[0] == 0xff && m->data[1] == 0x03)
		mb_trim_head(m, 2);
	plen = m->len;
	if (st == NULL || st->pif == NULL || st->cst != PPPOE_CS_SESSION ||
	    l->state != PHYS_STATE_UP || plen > PPPOE_PAYLOAD_MAX) {
		if (st != NULL)
			st->tx_drops++;
		mb_free(m);
		return -1;
	}
	if (st->kchan >= 0) {
		/* the kernel adds the Ethernet and PPPoE headers */
		if (write(st->kchan, m->data, m->len) < 0) {
			st->tx_drops++;
			mb_free(m);
			return -1;
		}
		st->tx_frames++;
		mb_free(m);
		return 0;
	}
	h = mb_prepend(m, PPPOE_ETH_HLEN + PPPOE_HLEN);
	if (h == NULL) {
		n = mb_alloc(plen);
		memcpy(n->data, m->data, plen);
		n->len = plen;
		mb_free(m);
		m = n;
		h = mb_prepend(m, PPPOE_ETH_HLEN + PPPOE_HLEN);
	}
	pppoe_eth_hdr(h, st->peer, st->pif->mac, PPPOE_ETH_SESS);
	pppoe_sess_build(h + PPPOE_ETH_HLEN, st->sid, (uint16_t)plen);
	if (send(st->pif->fd_sess, m->data, m->len,
	    MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		st->tx_drops++;
		mb_free(m);
		return -1;
	}
	st->tx_frames++;
	mb_free(m);
	return 0;
}

/* ---- kernel channel ---- */

/*
 * When the kernel data plane can be used (dp_kernel_usable()), a session
 * is also a PX_PROTO_OE socket: the kernel then claims the session's
 * frames (our packet socket still sees copies, dropped in
 * pppoe_sess_input) and hands the ones it does not forward itself to
 * the channel's /dev/ppp descriptor, protocol field first.  Until the
 * channel is connected to a unit (dp/kernel.c) that is every frame; the
 * tun backend works the same over it.  Failure leaves the session on
 * the packet socket.
 */
static void
pppoe_chan_read(int type, void *arg)
{
	struct pppoe_state *st = arg;
	struct mbuf *m;
	ssize_t r;

	(void)type;
	if (st->kchan < 0)
		return;
	/* one frame per wakeup: the input may end the call */
	m = mb_alloc(PPPOE_FRAME_MAX);
	do {
		r = read(st->kchan, m->data, PPPOE_FRAME_MAX);
	} while (r < 0 && errno == EINTR);
	if (r == 0) {
		/* channel gone (the interface went away): end the call */
		mb_free(m);
		log_msg(LG_PHYS, "[%s] PPPoE: kernel channel of session 0x%04x "
		    "closed", st->l->name, st->sid);
		pppoe_down(st, false, "Dropped");
		return;
	}
	if (r < 0) {
		mb_free(m);
		return;
	}
	m->len = (size_t)r;
	st->rx_frames++;
	link_phys_input(st->l, m);
}

/* A session on the packet socket: unmute it. */
static void
pppoe_user_session(struct pppoe_state *st)
{
	if (st->pif == NULL || st->user_counted)
		return;
	st->user_counted = true;
	st->pif->user_sess++;
	pppoe_sess_mute(st->pif, false);
}

static void
pppoe_chan_open(struct pppoe_state *st)
{
	int chan;

	if (st->pif == NULL)
		return;
	if (!dp_kernel_usable()) {
		pppoe_user_session(st);
		return;
	}
	if (pppdev_pppoe_open(&pppdev_kernel_real, st->sid, st->peer,
	    st->pif->name, &st->ksock, &chan) < 0) {
		log_perr(LG_PHYS2, "[%s] PPPoE: session 0x%04x stays in user "
		    "space: AF_PPPOX", st->l->name, st->sid);
		st->ksock = -1;
		pppoe_user_session(st);
		return;
	}
	if (pppdev_chan_attach(&pppdev_kernel_real, chan, &st->kchan) < 0 ||
	    event_register(&st->ev_chan, EV_READ, st->kchan, EVF_RECURRING,
	    pppoe_chan_read, st) < 0) {
		log_perr(LG_PHYS2, "[%s] PPPoE: session 0x%04x stays in user "
		    "space: channel %d", st->l->name, st->sid, chan);
		pppoe_chan_close(st);
		pppoe_user_session(st);
		return;
	}
	log_msg(LG_PHYS2, "[%s] PPPoE: session 0x%04x on kernel channel %d",
	    st->l->name, st->sid, chan);
}

static void
pppoe_chan_close(struct pppoe_state *st)
{
	event_unregister(&st->ev_chan);
	if (st->kchan >= 0)
		close(st->kchan);
	if (st->ksock >= 0)
		close(st->ksock);
	st->kchan = st->ksock = -1;
}

/* The kernel channel's /dev/ppp descriptor, or -1. */
static int
pppoe_kernel_chan(const struct link *l)
{
	const struct pppoe_state *st = l->dev_state;

	return st != NULL ? st->kchan : -1;
}

/*
 * kccp: the session's bundle moved to the tun backend: close the PPPoX
 * socket and its channel, the session goes on over the packet socket.
 */
static void
pppoe_kernel_release(struct link *l)
{
	struct pppoe_state *st = l->dev_state;

	if (st == NULL || st->kchan < 0)
		return;
	pppoe_chan_close(st);
	pppoe_user_session(st);
	log_msg(LG_PHYS2, "[%s] PPPoE: session 0x%04x back in user space",
	    l->name, st->sid);
}

/* ---- listening ---- */

static void
pppoe_unlisten(struct pppoe_state *st)
{
	struct pppoe_state **pp;

	if (st->lpif == NULL)
		return;
	for (pp = &st->lpif->listeners; *pp != NULL; pp = &(*pp)->lnext)
		if (*pp == st) {
			*pp = st->lnext;
			break;
		}
	st->lnext = NULL;
	log_msg(LG_PHYS, "[%s] PPPoE: stop listening on %s", st->l->name,
	    st->lpif->name);
	pppoe_if_put(st->lpif);
	st->lpif = NULL;
}

/* Bring the listeners in line with the settings (from the loop). */
static void
pppoe_listen_sync(void *arg)
{
	struct pppoe_state *st, **pp;
	const struct pppoe_conf *c;
	struct link *l;
	bool want;
	int i;

	(void)arg;
	for (i = 1; i < g_nlinks; i++) {
		l = g_links[i];
		if (l == NULL || l->type != &phys_pppoe ||
		    (st = l->dev_state) == NULL)
			continue;
		c = l->dev_conf;
		want = st->want_listen && !l->dying &&
		    opt_enabled(&l->conf.options, LINK_OPT_INCOMING) &&
		    strcmp(c->iface, "undefined") != 0;
		if (st->lpif != NULL &&
		    (!want || strcmp(st->lpif->name, c->iface) != 0))
			pppoe_unlisten(st);
		if (!want || st->lpif != NULL)
			continue;
		st->lpif = pppoe_if_get(l->name, c->iface);
		if (st->lpif == NULL)
			continue;
		/* append: the configuration order decides the pick */
		for (pp = &st->lpif->listeners; *pp != NULL;
		    pp = &(*pp)->lnext)
			;
		*pp = st;
		st->lnext = NULL;
		log_msg(LG_PHYS, "[%s] PPPoE: listening on %s for service "
		    "\"%s\"", l->name, c->iface, c->service);
	}
}

static void
pppoe_listen_schedule(void)
{
	if (pppoe_sync_timer.cb == NULL)
		timer_init(&pppoe_sync_timer, "PppoeListenUpdate", 0,
		    pppoe_listen_sync, NULL);
	timer_start(&pppoe_sync_timer);
}

/* listen: record the wish; the sockets follow from the loop.  0. */
static int
pppoe_listen(struct link *l, bool listen)
{
	struct pppoe_state *st;

	if (!listen && l->dev_state == NULL)
		return 0;
	st = pppoe_state_get(l);
	st->want_listen = listen;
	pppoe_listen_schedule();
	return 0;
}

/* shutdown: the link is being freed; PADT to a live peer, no report. */
static void
pppoe_shutdown(struct link *l)
{
	struct pppoe_state *st = l->dev_state;

	if (st == NULL)
		return;
	pppoe_drop_call(st, true);
	pppoe_unlisten(st);
	mem_free(st);
	l->dev_state = NULL;
}

/* ---- views ---- */

static int
pppoe_get_mtu(const struct link *l)
{
	const struct pppoe_state *st = l->dev_state;

	return st != NULL && st->mp_ok ? st->mp : PPPOE_MTU;
}

static void
pppoe_peer_addr(const struct link *l, char *buf, unsigned len)
{
	const struct pppoe_state *st = l->dev_state;

	if (st != NULL && st->pif != NULL && l->state != PHYS_STATE_DOWN &&
	    st->cst >= PPPOE_CS_PADR_SENT)
		pppoe_mac_print(st->peer, PPPOE_MAC_UNIX_LIKE, buf, len);
}

static void
pppoe_self_addr(const struct link *l, char *buf, unsigned len)
{
	const struct pppoe_state *st = l->dev_state;

	if (st != NULL && st->pif != NULL)
		pppoe_mac_print(st->pif->mac, PPPOE_MAC_UNIX_LIKE, buf, len);
}

/* Calling-Station-Id: the client's MAC, per mac-format. */
static void
pppoe_calling_num(const struct link *l, char *buf, unsigned len)
{
	const struct pppoe_conf *c = l->dev_conf;
	const struct pppoe_state *st = l->dev_state;

	if (st == NULL || st->pif == NULL)
		return;
	pppoe_mac_print(st->incoming ? st->peer : st->pif->mac,
	    c->mac_format, buf, len);
}

/* Called-Station-Id: the AC's MAC, per mac-format. */
static void
pppoe_called_num(const struct link *l, char *buf, unsigned len)
{
	const struct pppoe_conf *c = l->dev_conf;
	const struct pppoe_state *st = l->dev_state;

	if (st == NULL || st->pif == NULL || st->cst < PPPOE_CS_PADR_SENT)
		return;
	pppoe_mac_print(st->incoming ? st->pif->mac : st->peer,
	    c->mac_format, buf, len);
}

/* AAA: the relay's Agent-Circuit-Id / Agent-Remote-Id, the interface. */
static void
pppoe_self_name(const struct link *l, char *buf, unsigned len)
{
	const struct pppoe_state *st = l->dev_state;

	if (st != NULL)
		snprintf(buf, len, "%s", st->circuit_id);
}

static void
pppoe_peer_name(const struct link *l, char *buf, unsigned len)
{
	const struct pppoe_state *st = l->dev_state;

	if (st != NULL)
		snprintf(buf, len, "%s", st->remote_id);
}

static void
pppoe_peer_iface(const struct link *l, char *buf, unsigned len)
{
	const struct pppoe_conf *c = l->dev_conf;

	if (c != NULL)
		snprintf(buf, len, "%s", c->iface);
}

/* The PPPoE block of `show device` (spec 5.6). */
static void
pppoe_show(struct cmd_ctx *ctx, const struct link *l)
{
	const struct pppoe_conf *c = l->dev_conf;
	const struct pppoe_state *st = l->dev_state;
	char buf[32];

	cmd_printf(ctx, "PPPoE configuration:\n");
	cmd_printf(ctx, "\tIface Name   : %s\n", c->iface);
	cmd_printf(ctx, "\tIface Node   : %s\n", c->node);
	cmd_printf(ctx, "\tIface Hook   : %s\n", c->hook);
	cmd_printf(ctx, "\tSession      : %s\n", c->service);
	cmd_printf(ctx, "\tMax-Payload  : %u\n", c->max_payload);
	cmd_printf(ctx, "\tMAC format   : %s\n",
	    pppoe_mac_names[c->mac_format]);
	cmd_printf(ctx, "PPPoE status:\n");
	if (l->state == PHYS_STATE_DOWN || st == NULL)
		return;
	buf[0] = '\0';
	pppoe_peer_addr(l, buf, sizeof(buf));
	cmd_printf(ctx, "\tOpened       : %s\n", st->opened ? "YES" : "NO");
	cmd_printf(ctx, "\tIncoming     : %s\n", st->incoming ? "YES" : "NO");
	cmd_printf(ctx, "\tCurrent peer : %s\n", buf);
	cmd_printf(ctx, "\tSession      : %s\n", st->service);
	cmd_printf(ctx, "\tMax-Payload  : %s\n", st->mp_ok ? "YES" : "NO");
	cmd_printf(ctx, "\tCircuit-ID   : %s\n", st->circuit_id);
	cmd_printf(ctx, "\tRemote-ID    : %s\n", st->remote_id);
}

const struct phys_type phys_pppoe = {
	.name		= "pppoe",
	.descr		= "PPP over Ethernet",
	.mtu		= PPPOE_MTU,
	.mru		= PPPOE_MTU,
	.tmpl		= true,
	.synchronous	= true,
	.no_acfc	= true,
	.dflt_bandwidth	= 64000,
	.dflt_latency	= 2000,
	.cmds		= pppoe_set_cmds,
	.conf_new	= pppoe_conf_new,
	.conf_dup	= pppoe_conf_dup,
	.conf_free	= pppoe_conf_free,
	.show		= pppoe_show,
	.peer_addr	= pppoe_peer_addr,
	.calling_num	= pppoe_calling_num,
	.called_num	= pppoe_called_num,
	.open		= pppoe_open,
	.close		= pppoe_close,
	.send		= pppoe_send,
	.listen		= pppoe_listen,
	.shutdown	= pppoe_shutdown,
	.get_mtu	= pppoe_get_mtu,
	.get_mru	= pppoe_get_mtu,
	.self_addr	= pppoe_self_addr,
	.self_name	= pppoe_self_name,	/* radius helper: AAA */
	.peer_name	= pppoe_peer_name,
	.peer_iface	= pppoe_peer_iface,
	.kernel_chan	= pppoe_kernel_chan,
	.kernel_release	= pppoe_kernel_release,
};
