/*
 * lcp.c - LCP on a link: the LCP automaton type, link phases, keep-alive
 * echoes, Identification, Time-Remaining and Protocol-Reject (RFC 1661
 * 3, 5.7-5.9; RFC 1570 2.2-2.3; surface spec 4.5.1, 11.2).
 *
 * The option codec is lcp_opts.c; this file binds it to a struct link.
 * Phases follow RFC 1661 3 and mpd5: Dead (Initial/Starting), Establish
 * (negotiating), Authenticate (LCP opened; auth_start() when either side
 * asked for an authentication protocol), Network (lcp_auth_done()
 * success, or no authentication: bund_join()), Terminate (Closing/
 * Stopping).  Leaving Opened stops authentication and leaves the bundle.
 *
 * Keep-alive (mpd5): every `keep-alive secs` LCP looks whether any frame
 * arrived since the previous tick; after one silent interval it sends an
 * Echo-Request, and when `max` seconds passed without any frame the link
 * fails with down reason "Echo timeout".
 */
#include "lcp.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../auth/acct.h"
#include "../auth/auth.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../link/devices.h"
#include "bund.h"
#include "link.h"
#include "proto.h"

#define LCP_CODES	(FSM_CODES_BASIC | FSM_CODE_BIT(FSM_CODE_PROTOREJ) | \
			 FSM_CODE_BIT(FSM_CODE_ECHOREQ) |		\
			 FSM_CODE_BIT(FSM_CODE_ECHOREP) |		\
			 FSM_CODE_BIT(FSM_CODE_DISCREQ) |		\
			 FSM_CODE_BIT(FSM_CODE_IDENT) |			\
			 FSM_CODE_BIT(FSM_CODE_TIMEREM))

static void	lcp_configure(struct fsm *f);
static size_t	lcp_build(struct fsm *f, uint8_t *buf, size_t len);
static void	lcp_decode(struct fsm *f, const uint8_t *opts, size_t len,
		    enum fsm_decode_mode mode, struct fsm_decode *d);
static void	lcp_layer_up(struct fsm *f);
static void	lcp_layer_down(struct fsm *f);
static void	lcp_layer_start(struct fsm *f);
static void	lcp_layer_finish(struct fsm *f);
static void	lcp_failure(struct fsm *f, enum fsm_fail why);
static bool	lcp_recv_code(struct fsm *f, uint8_t code, uint8_t id,
		    const uint8_t *data, size_t len);
static void	lcp_new_state(struct fsm *f, enum fsm_state old,
		    enum fsm_state st);
static int	lcp_output(struct fsm *f, const uint8_t *pkt, size_t len);
static void	lcp_echo_timeout(void *arg);

static const struct fsm_type lcp_fsm_type = {
	.name = "LCP",
	.proto = PROTO_LCP,
	.codes = LCP_CODES,
	.log = LG_LCP,
	.log2 = LG_LCP2,
	.link_level = true,
	.configure = lcp_configure,
	.build_config = lcp_build,
	.decode_config = lcp_decode,
	.layer_up = lcp_layer_up,
	.layer_down = lcp_layer_down,
	.layer_start = lcp_layer_start,
	.layer_finish = lcp_layer_finish,
	.failure = lcp_failure,
	.recv_code = lcp_recv_code,
	.new_state = lcp_new_state,
};

static struct link *
lcp_link(struct fsm *f)
{
	return f->owner;
}

static void
lcp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- life cycle ---- */

/* Zero l->lcp and prepare its automaton and echo timer. */
void
lcp_init(struct link *l)
{
	struct lcp *lcp = &l->lcp;

	memset(lcp, 0, sizeof(*lcp));
	fsm_init(&lcp->fsm, &lcp_fsm_type, l, l->name, lcp_output,
	    l->conf.fsm_timeout);
	timer_init(&lcp->echo_timer, "LCP echo", 1000, lcp_echo_timeout, l);
	lcp->phase = PHASE_DEAD;
	lcp->echo_id = 1;
}

/* Stop LCP's timers; l may be freed afterwards. */
void
lcp_fini(struct link *l)
{
	fsm_stop(&l->lcp.fsm);
	timer_stop(&l->lcp.echo_timer);
}

/* Administrative Open of LCP. */
void
lcp_open(struct link *l)
{
	fsm_open(&l->lcp.fsm);
}

/* Administrative Close of LCP. */
void
lcp_close(struct link *l)
{
	fsm_close(&l->lcp.fsm);
}

/* The device is up: LCP's lower layer Up. */
void
lcp_up(struct link *l)
{
	fsm_up(&l->lcp.fsm);
}

/* The device is down: LCP's lower layer Down. */
void
lcp_down(struct link *l)
{
	fsm_down(&l->lcp.fsm);
}

/* An LCP packet (after the protocol field); borrows pkt. */
void
lcp_input(struct link *l, const uint8_t *pkt, size_t len)
{
	fsm_input(&l->lcp.fsm, pkt, len);
}

static int
lcp_output(struct fsm *f, const uint8_t *pkt, size_t len)
{
	return link_xmit(lcp_link(f), PROTO_LCP, mb_copy(pkt, len));
}

/* ---- phases ---- */

static void
lcp_new_phase(struct link *l, enum link_phase ph)
{
	struct lcp *lcp = &l->lcp;

	if (lcp->phase == ph)
		return;
	log_msg(LG_LCP2, "[%s] LCP: phase shift %s --> %s", l->name,
	    lcp_phase_name(lcp->phase), lcp_phase_name(ph));
	lcp->phase = ph;
}

/* The phase that goes with a state outside Opened. */
static enum link_phase
lcp_state_phase(enum fsm_state st, enum link_phase cur)
{
	switch (st) {
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
		return PHASE_DEAD;
	case FSM_ST_CLOSING:
	case FSM_ST_STOPPING:
		return PHASE_TERMINATE;
	case FSM_ST_CLOSED:
	case FSM_ST_STOPPED:
	case FSM_ST_REQSENT:
	case FSM_ST_ACKRCVD:
	case FSM_ST_ACKSENT:
		return PHASE_ESTABLISH;
	case FSM_ST_OPENED:
		break;
	}
	return cur;
}

static void
lcp_new_state(struct fsm *f, enum fsm_state old, enum fsm_state st)
{
	struct link *l = lcp_link(f);

	/*
	 * Leaving Opened, the phase changes in lcp_layer_down(), which
	 * still has to know whether the link was in Network phase.
	 */
	if (old != FSM_ST_OPENED)
		lcp_new_phase(l, lcp_state_phase(st, l->lcp.phase));
	link_lcp_state(l, st);
}

/* Time-Remaining (RFC 1570 2.3): magic, seconds. */
static void
lcp_send_time_remaining(struct link *l, uint32_t secs)
{
	struct lcp *lcp = &l->lcp;
	uint8_t buf[8];
	uint8_t id = lcp->echo_id++;

	lcp_put32(buf, lcp->fsm.state == FSM_ST_OPENED ? lcp->want.magic : 0);
	lcp_put32(buf + 4, secs);
	log_msg(LG_FSM | LG_LCP, "[%s] LCP: SendTimeRemaining #%d", l->name,
	    id);
	log_msg(LG_FSM | LG_LCP, "[%s]   %u seconds remain", l->name, secs);
	fsm_send(&lcp->fsm, FSM_CODE_TIMEREM, id, buf, sizeof(buf));
}

/* Identification (RFC 1570 2.2): magic, text (with its NUL, as mpd5). */
static void
lcp_send_ident(struct link *l, const char *ident)
{
	struct lcp *lcp = &l->lcp;
	uint8_t buf[4 + sizeof(l->conf.ident)];
	size_t n = strnlen(ident, sizeof(l->conf.ident) - 1);
	uint8_t id = lcp->echo_id++;

	lcp_put32(buf, lcp->fsm.state == FSM_ST_OPENED ? lcp->want.magic : 0);
	memcpy(buf + 4, ident, n);
	buf[4 + n] = '\0';
	log_msg(LG_FSM | LG_LCP, "[%s] LCP: SendIdent #%d", l->name, id);
	log_msg(LG_FSM | LG_LCP, "[%s]   MESG: %s", l->name, ident);
	fsm_send(&lcp->fsm, FSM_CODE_IDENT, id, buf, 4 + n + 1);
}

/* Authentication done or not needed: Network phase, join a bundle. */
static void
lcp_enter_network(struct link *l)
{
	const struct auth_data *ad;

	lcp_new_phase(l, PHASE_NETWORK);
	if (opt_enabled(&l->conf.options, LINK_OPT_TIME_REMAIN)) {
		ad = auth_result(l);
		if (ad != NULL && ad->session_timeout > 0)
			lcp_send_time_remaining(l,
			    (uint32_t)ad->session_timeout);
	}
	/* A connection that got this far resets the redial count (mpd5). */
	l->num_redial = 0;
	bund_join(l);
	/* radius: a link joining a bundle that is already up (multilink) */
	if (l->bund != NULL && l->bund->iface.up && !l->bund->iface.dod &&
	    l->lcp.phase == PHASE_NETWORK)
		acct_link_up(l);
}

/* End of the Authenticate phase (see lcp.h). */
void
lcp_auth_done(struct link *l, bool success, const char *reason)
{
	char buf[sizeof(l->down_reason)];

	if (l->lcp.fsm.state != FSM_ST_OPENED ||
	    l->lcp.phase != PHASE_AUTHENTICATE)
		return;
	log_msg(LG_AUTH | LG_LCP, "[%s] LCP: authorization %s", l->name,
	    success ? "successful" : "failed");
	if (success) {
		lcp_enter_network(l);
		return;
	}
	if (reason != NULL && reason[0] != '\0')
		snprintf(buf, sizeof(buf), "Login failed:%s", reason);
	else
		snprintf(buf, sizeof(buf), "Login failed");
	link_set_down_reason(l, buf);
	fsm_failure(&l->lcp.fsm, FSM_FAIL_NEGOT_FAILURE);
}

/* ---- automaton callbacks ---- */

/* Our endpoint discriminator: first Ethernet MAC, else IPv4, else magic. */
static const struct lcp_discrim *
lcp_self_discrim(void)
{
	static struct lcp_discrim self;
	static bool done;
	struct ifaddrs *ifa, *i;
	const struct sockaddr_ll *sll;
	const struct sockaddr_in *sin;
	uint32_t m;
	int k;

	if (done)
		return &self;
	done = true;
	if (getifaddrs(&ifa) == 0) {
		for (i = ifa; i != NULL && self.len == 0; i = i->ifa_next) {
			if (i->ifa_addr == NULL ||
			    i->ifa_addr->sa_family != AF_PACKET ||
			    (i->ifa_flags & IFF_LOOPBACK) != 0)
				continue;
			sll = (const struct sockaddr_ll *)(const void *)
			    i->ifa_addr;
			if (sll->sll_hatype != ARPHRD_ETHER ||
			    sll->sll_halen != 6)
				continue;
			for (k = 0; k < 6 && sll->sll_addr[k] == 0; k++)
				;
			if (k == 6)
				continue;
			self.class = LCP_DISC_MAC;
			self.len = 6;
			memcpy(self.bytes, sll->sll_addr, 6);
		}
		for (i = ifa; i != NULL && self.len == 0; i = i->ifa_next) {
			if (i->ifa_addr == NULL ||
			    i->ifa_addr->sa_family != AF_INET ||
			    (i->ifa_flags & IFF_LOOPBACK) != 0)
				continue;
			sin = (const struct sockaddr_in *)(const void *)
			    i->ifa_addr;
			self.class = LCP_DISC_IP;
			self.len = 4;
			memcpy(self.bytes, &sin->sin_addr, 4);
		}
		freeifaddrs(ifa);
	}
	if (self.len == 0) {
		self.class = LCP_DISC_MAGIC;
		self.len = 16;
		for (k = 0; k < 16; k += 4) {
			m = lcp_new_magic();
			memcpy(self.bytes + k, &m, 4);
		}
	}
	return &self;
}

static void
lcp_configure(struct fsm *f)
{
	struct link *l = lcp_link(f);
	struct lcp *lcp = &l->lcp;
	struct lcp_conf *c = &lcp->conf;
	int dev;

	memset(c, 0, sizeof(*c));
	c->enable = l->conf.options.enable;
	c->accept = l->conf.options.accept;
	if (l->type != NULL && l->type->no_acfc) {
		/* PPPoE (RFC 2516 7): neither asked for nor accepted */
		c->enable &= ~(1u << LINK_OPT_ACFCOMP);
		c->accept &= ~(1u << LINK_OPT_ACFCOMP);
	}
	dev = phys_get_mru(l);
	if (dev <= 0)
		dev = l->type != NULL ? l->type->mru : LCP_DEFAULT_MRU;
	if (dev > 0xffff)
		dev = 0xffff;
	c->dev_mru = (uint16_t)dev;
	c->mru = (uint16_t)(l->conf.mru < dev ? l->conf.mru : dev);
	c->mtu = (uint16_t)l->conf.mtu;
	c->mrru = (uint16_t)l->conf.mrru;
	c->accmap = l->conf.accmap;
	c->async = l->type != NULL && !l->type->synchronous;
	c->originated = l->originated;
	if (opt_enabled(&l->conf.options, LINK_OPT_MULTILINK))
		c->discrim = *lcp_self_discrim();

	f->timeout = l->conf.fsm_timeout;
	f->passive = opt_enabled(&l->conf.options, LINK_OPT_PASSIVE);
	f->peer_mru = 0;
	lcp_opts_reset(lcp);
	/*
	 * kccp: a link on a kernel channel does not ask for PFC: ppp_generic
	 * does not hand 1-byte protocol fields to the unit (pppd's
	 * rp-pppoe plugin refuses PFC for the same reason).
	 */
	if (phys_kernel_chan(l) >= 0)
		lcp->want.pfcomp = false;
	l->peer_ident[0] = '\0';
}

static size_t
lcp_build(struct fsm *f, uint8_t *buf, size_t len)
{
	return lcp_opts_build(&lcp_link(f)->lcp, buf, len);
}

static void
lcp_decode(struct fsm *f, const uint8_t *opts, size_t len,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	lcp_opts_decode(&lcp_link(f)->lcp, opts, len, mode, d);
}

static void
lcp_layer_up(struct fsm *f)
{
	struct link *l = lcp_link(f);
	struct lcp *lcp = &l->lcp;

	/* Our packets must fit the peer's MRU from now on. */
	f->peer_mru = lcp->peer.mru;
	lcp_new_phase(l, PHASE_AUTHENTICATE);
	lcp->echo_mark = lcp->rx_frames;
	lcp->echo_outstanding = 0;
	if (l->conf.echo_int > 0) {
		timer_init(&lcp->echo_timer, "LCP echo",
		    (uint32_t)l->conf.echo_int * 1000u, lcp_echo_timeout, l);
		timer_start(&lcp->echo_timer);
	}
	if (l->conf.ident[0] != '\0')
		lcp_send_ident(l, l->conf.ident);
	if (lcp->want.auth != LCP_AUTH_NONE || lcp->peer.auth != LCP_AUTH_NONE)
		auth_start(l);
	else
		lcp_enter_network(l);
}

static void
lcp_layer_down(struct fsm *f)
{
	struct link *l = lcp_link(f);
	struct lcp *lcp = &l->lcp;
	enum link_phase was = lcp->phase;

	timer_stop(&lcp->echo_timer);
	if (was == PHASE_NETWORK)
		acct_link_down(l);	/* radius: Stop, before auth data goes */
	lcp_new_phase(l, lcp_state_phase(f->state, PHASE_ESTABLISH));
	auth_stop(l);
	if (was == PHASE_NETWORK)
		bund_leave(l);
}

static void
lcp_layer_start(struct fsm *f)
{
	link_lcp_start(lcp_link(f));
}

static void
lcp_layer_finish(struct fsm *f)
{
	struct link *l = lcp_link(f);

	auth_stop(l);
	link_lcp_finish(l);
}

/* Record why the link goes down, in mpd5's words. */
static void
lcp_failure(struct fsm *f, enum fsm_fail why)
{
	struct link *l = lcp_link(f);
	char buf[sizeof(l->down_reason)];

	switch (why) {
	case FSM_FAIL_RECD_TERMREQ:
		link_set_down_reason(l, "Peer disconnect");
		return;
	case FSM_FAIL_ECHO_TIMEOUT:
		snprintf(buf, sizeof(buf), "Echo timeout:PPP layer LCP "
		    "failed: %s", fsm_fail_str(why));
		break;
	case FSM_FAIL_NEGOT_FAILURE:
	case FSM_FAIL_RECD_BADMAGIC:
	case FSM_FAIL_RECD_CODEREJ:
	case FSM_FAIL_RECD_PROTOREJ:
	case FSM_FAIL_WAS_OPENED_TIMEOUT:
	case FSM_FAIL_WAS_PROTREJ:
	case FSM_FAIL_LOOPBACK:
		snprintf(buf, sizeof(buf), "Protocol error:PPP layer LCP "
		    "failed: %s", fsm_fail_str(why));
		break;
	default:
		return;
	}
	link_set_down_reason(l, buf);
}

/*
 * mpd5's check of the Magic-Number in Echo, Discard, Ident and
 * Time-Remaining: with check-magic, a non-zero value other than the
 * peer's negotiated one is fatal.  Returns false after failing.
 */
static bool
lcp_check_magic(struct link *l, const uint8_t *data, size_t len)
{
	struct lcp *lcp = &l->lcp;
	uint32_t magic;

	if (lcp_get_magic(data, len, &magic) < 0)
		return true;
	if (opt_enabled(&l->conf.options, LINK_OPT_CHECK_MAGIC) &&
	    magic != 0 && magic != lcp->peer.magic) {
		log_msg(LG_LCP, "[%s] LCP: magic number is wrong: 0x%08x != "
		    "0x%08x", l->name, magic, lcp->peer.magic);
		fsm_failure(&lcp->fsm, FSM_FAIL_RECD_BADMAGIC);
		return false;
	}
	return true;
}

static bool
lcp_recv_code(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data,
    size_t len)
{
	struct link *l = lcp_link(f);
	struct lcp *lcp = &l->lcp;
	uint8_t buf[FSM_MAX_PACKET];
	uint32_t secs;
	uint16_t proto;
	char msg[128];

	switch (code) {
	case FSM_CODE_PROTOREJ:
		/* the automaton checked len >= 2 */
		proto = (uint16_t)(data[0] << 8 | data[1]);
		log_msg(LG_LCP, "[%s] LCP: protocol %s was rejected", l->name,
		    proto_name(proto));
		proto_rejected(l, proto);
		return true;
	case FSM_CODE_ECHOREQ:
		if (len < 4) {
			f->rx_bad++;
			return true;
		}
		if (!lcp_check_magic(l, data, len) ||
		    f->state != FSM_ST_OPENED)
			return true;
		if (len > sizeof(buf))
			len = sizeof(buf);
		memcpy(buf, data, len);
		lcp_put32(buf, lcp->want.magic);
		log_msg(LG_ECHO, "[%s] LCP: SendEchoRep #%d", l->name, id);
		fsm_send(f, FSM_CODE_ECHOREP, id, buf, len);
		return true;
	case FSM_CODE_ECHOREP:
	case FSM_CODE_DISCREQ:
		(void)lcp_check_magic(l, data, len);
		return true;
	case FSM_CODE_IDENT:
		if (!lcp_check_magic(l, data, len) || len <= 4)
			return true;
		msg[0] = '\0';
		lcp_text_append(msg, sizeof(msg), data + 4, len - 4);
		log_msg(LG_LCP, "[%s]   MESG: %s", l->name, msg);
		lcp_text_append(l->peer_ident, sizeof(l->peer_ident),
		    data + 4, len - 4);
		return true;
	case FSM_CODE_TIMEREM:
		if (!lcp_check_magic(l, data, len) || len < 8)
			return true;
		if (lcp_get_magic(data + 4, len - 4, &secs) == 0)
			log_msg(LG_LCP, "[%s]   %u seconds remain", l->name,
			    secs);
		if (len > 8) {
			msg[0] = '\0';
			lcp_text_append(msg, sizeof(msg), data + 8, len - 8);
			log_msg(LG_LCP, "[%s]   MESG: %s", l->name, msg);
		}
		return true;
	default:
		return false;
	}
}

/* ---- keep-alive ---- */

static void
lcp_echo_timeout(void *arg)
{
	struct link *l = arg;
	struct lcp *lcp = &l->lcp;
	uint8_t buf[4];
	uint8_t id;

	if (lcp->fsm.state != FSM_ST_OPENED || l->conf.echo_int <= 0)
		return;
	if (lcp->rx_frames != lcp->echo_mark) {
		lcp->echo_mark = lcp->rx_frames;
		lcp->echo_outstanding = 0;
	} else
		lcp->echo_outstanding++;

	if (lcp->echo_outstanding >= 2) {
		log_msg(LG_ECHO | LG_LCP, "[%s] LCP: no reply to %u echo "
		    "request(s)", l->name, lcp->echo_outstanding - 1);
		if ((long)lcp->echo_outstanding * l->conf.echo_int >=
		    l->conf.echo_max) {
			fsm_failure(&lcp->fsm, FSM_FAIL_ECHO_TIMEOUT);
			return;
		}
	}
	if (lcp->echo_outstanding >= 1) {
		id = lcp->echo_id++;
		lcp_put32(buf, lcp->want.magic);
		log_msg(LG_ECHO, "[%s] LCP: SendEchoReq #%d", l->name, id);
		fsm_send(&lcp->fsm, FSM_CODE_ECHOREQ, id, buf, sizeof(buf));
	}
	timer_start(&lcp->echo_timer);
}

/* ---- Protocol-Reject ---- */

/* Protocol-Reject for proto while opened (see lcp.h). */
void
lcp_send_protorej(struct link *l, uint16_t proto, const uint8_t *data,
    size_t len)
{
	struct fsm *f = &l->lcp.fsm;
	uint8_t buf[FSM_MAX_PACKET];
	uint8_t id;

	if (f->state != FSM_ST_OPENED)
		return;
	buf[0] = (uint8_t)(proto >> 8);
	buf[1] = (uint8_t)proto;
	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	if (len > 0)
		memcpy(buf + 2, data, len);
	id = f->lastid++;
	log_msg(LG_LCP, "[%s] LCP: SendProtoRej #%d", l->name, id);
	/* fsm_send truncates to the peer's MRU (RFC 1661 5.7) */
	fsm_send(f, FSM_CODE_PROTOREJ, id, buf, len + 2);
}
