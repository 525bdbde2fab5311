/*
 * bund_run.c - the session life cycle of a bundle: links joining and
 * leaving (surface spec 10.3 stage 3, 10.5), the NCPs opened with the
 * first link and closed with the last, and the bundle-level data path
 * (RFC 1661 section 2: Network-Layer Protocol phase).
 *
 *  - bund_join(): a link reached the Network phase.  Its bundle comes
 *    from the AAA action "bundle X" or the first matching link action
 *    (`set link action bundle X [regex]`, POSIX extended regex on the
 *    peer's auth name); a template bundle is instantiated, a real one is
 *    joined.  Multilink (RFC 1990) joins by discriminator are prepared
 *    (bund_mp_find) and refused unless MP was negotiated on both sides.
 *    The first link sets the multi-session id "<unix time mod 10^7>-<name>"
 *    and opens IPCP / IPv6CP as the bundle options say.
 *  - bund_leave(): the last link closes the NCPs; a bundle that is not
 *    static is destroyed.
 *  - bund_input() / bund_output() / bund_xmit(): NCP packets to their
 *    automata, IP / IPv6 / VJ frames between the link and the data plane
 *    (dp/dp.h), Protocol-Reject for what the bundle does not speak.
 *
 *  - CCP (`compression`) and ECP (`encryption`) open with the NCPs; their
 *    data path is two calls, ccp_output() before bund_xmit() and
 *    ccp_input_data() ahead of the protocol dispatch (ppp/ccp_run.c).
 *
 * All functions run on the event-loop thread.
 */
#include "bund.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../auth/auth.h"
#include "../core/event.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../ctl/ctl.h"
#include "../dp/dp.h"
#include "../link/devices.h"
#include "bund_local.h"
#include "ecp.h"
#include "iface.h"
#include "ipv6cp.h"
#include "bod.h"
#include "link.h"
#include "mp.h"
#include "proto.h"
#include "vj.h"

/* mpd5 never reports less than this as the bundle's bandwidth. */
#define BUND_MIN_TOT_BW		9600

/* Slot of l in b->links, or -1. */
static int
bund_slot_of(const struct bund *b, const struct link *l)
{
	int k;

	if (b == NULL)
		return -1;
	for (k = 0; k < MAX_LINKS_PER_BUND; k++)
		if (b->links[k] == l)
			return k;
	return -1;
}

static bool
bund_is_joined(const struct bund *b, int k)
{
	return k >= 0 && (b->joined & (1u << k)) != 0;
}

/* The peer's name for action matching and `show bundle`. */
static const char *
bund_peer_name(const struct link *l, const struct auth_data *ad)
{
	if (ad != NULL && ad->authname[0] != '\0')
		return ad->authname;
	return l->peer_authname;
}

/* "Status update" after a link joined or left (mpd5's BundReasses). */
static void
bund_reassess(struct bund *b)
{
	unsigned long bw = 0;
	int k;

	for (k = 0; k < MAX_LINKS_PER_BUND; k++)
		if (b->links[k] != NULL && bund_is_joined(b, k))
			bw += (unsigned long)b->links[k]->conf.bandwidth;
	if (bw < BUND_MIN_TOT_BW)
		bw = BUND_MIN_TOT_BW;
	log_msg(LG_BUND, "[%s] Bundle: Status update: up %d link%s, total "
	    "bandwidth %lu bps", b->name, b->n_up, b->n_up == 1 ? "" : "s",
	    bw);
}

/*
 * Stage 3 of the incoming-call actions (spec 10.3): the first rule whose
 * regex matches login (or that has none) decides.  Returns 1 with *name
 * set for a `bundle` rule, -1 for `drop`, 0 when no bundle is named.
 */
static int
bund_match_action(const struct link *l, const char *login, const char **name)
{
	const struct link_action *a;
	regex_t re;
	int rc;

	if (l->actions == NULL) {
		log_msg(LG_LINK, "[%s] Link: No actions defined", l->name);
		return 0;
	}
	for (a = l->actions; a != NULL; a = a->next) {
		if (a->regex == NULL || a->regex[0] == '\0')
			break;
		if (regcomp(&re, a->regex, REG_EXTENDED | REG_NOSUB) != 0) {
			log_msg(LG_ERR, "[%s] Link: bad action regex \"%s\"",
			    l->name, a->regex);
			continue;
		}
		rc = regexec(&re, login, 0, NULL, 0);
		regfree(&re);
		if (rc == 0)
			break;
	}
	if (a == NULL)
		return 0;
	if (a->type == LINK_ACTION_DROP) {
		log_msg(LG_LINK, "[%s] Link: Matched action 'drop'", l->name);
		return -1;
	}
	if (a->type != LINK_ACTION_BUNDLE)
		return 0;
	log_msg(LG_LINK, "[%s] Link: Matched action 'bundle \"%s\" \"%s\"'",
	    l->name, a->arg, a->regex != NULL ? a->regex : "");
	*name = a->arg;
	return 1;
}

/* Multilink negotiated in both directions on l (RFC 1990 MRRU). */
static bool
bund_link_mp(const struct link *l)
{
	return l->lcp.peer.multilink && l->lcp.want.multilink;
}

static bool
bund_discrim_equal(const struct lcp_discrim *a, const struct lcp_discrim *b)
{
	return a->class == b->class && a->len == b->len &&
	    memcmp(a->bytes, b->bytes, a->len < sizeof(a->bytes) ?
	    a->len : sizeof(a->bytes)) == 0;
}

/*
 * An MP link first looks for a bundle of the same peer: same endpoint
 * discriminator and auth name (spec 10.3 stage 3, 11.7).
 */
static struct bund *
bund_mp_find(const struct link *l, const char *login)
{
	struct bund *b;
	int i;

	if (!bund_link_mp(l))
		return NULL;
	for (i = 1; i < g_nbunds; i++) {
		b = g_bunds[i];
		if (b != NULL && !b->tmpl && !b->dying && b->peer_mrru != 0 &&
		    bund_discrim_equal(&l->lcp.peer.discrim,
		    &b->peer_discrim) && strcmp(login, b->peer_authname) == 0)
			return b;
	}
	return NULL;
}

/* A further link may join an up bundle only as an MP link of its peer. */
static const char *
bund_join_check(const struct bund *b, const struct link *l,
    const char *login)
{
	if (b->n_up == 0)
		return NULL;
	if (b->peer_mrru == 0 || !bund_link_mp(l))
		return "without multilink negotiated";
	if (!bund_discrim_equal(&l->lcp.peer.discrim, &b->peer_discrim) ||
	    strcmp(login, b->peer_authname) != 0)
		return "with different peer discriminator/authname";
	return NULL;
}

/* The join failed: log as mpd5 does and close the link. */
static void
bund_join_fail(struct link *l, const char *reason)
{
	log_msg(LG_LINK | LG_BUND, "[%s] link did not validate in bundle",
	    l->name);
	link_close(l, reason);
}

/* Open the NCPs for a new session (mpd5's BundNcpsOpen + BundNcpsUp). */
static void
bund_ncps_open(struct bund *b, const struct auth_data *ad)
{
	const struct opt_set *o = &b->conf.options;

	b->ncps_open = true;
	b->ncp_started = 0;
	if (opt_enabled(o, BUND_OPT_IPCP)) {
		ipcp_init(b);
		ipcp_set_aaa(b, ad);
		ipcp_open(b);
	}
	if (opt_enabled(o, BUND_OPT_IPV6CP)) {
		ipv6cp_init(b);
		ipv6cp_open(b);
	}
	if (opt_enabled(o, BUND_OPT_COMPRESSION) ||
	    opt_enabled(o, BUND_OPT_CRYPT_REQD)) {
		ccp_init(b);		/* crypt-reqd keeps its state there */
		ccp_set_aaa(b, ad);
	}
	if (opt_enabled(o, BUND_OPT_COMPRESSION))
		ccp_open(b);
	if (opt_enabled(o, BUND_OPT_ENCRYPTION)) {
		ecp_init(b);
		ecp_open(b);
	}
	if (opt_enabled(o, BUND_OPT_IPCP))
		ipcp_up(b);
	if (opt_enabled(o, BUND_OPT_IPV6CP))
		ipv6cp_up(b);
	if (opt_enabled(o, BUND_OPT_COMPRESSION))
		ccp_up(b);
	ecp_up(b);
	ccp_check_crypt(b);	/* crypt-reqd with nothing to negotiate */
}

/* Close the NCPs at the end of a session (BundNcpsClose + Down). */
static void
bund_ncps_close(struct bund *b)
{
	if (!b->ncps_open)
		return;
	/* Their This-Layer-Finished must not close the links again. */
	b->leaving = true;
	ipcp_close(b);
	ipv6cp_close(b);
	ccp_close(b);
	ecp_close(b);
	ipcp_down(b);
	ipv6cp_down(b);
	ccp_down(b);
	ecp_down(b);
	b->leaving = false;
	b->ncps_open = false;
	b->ncp_started = 0;
}

void
bund_join(struct link *l)
{
	const struct auth_data *ad = auth_result(l);
	const char *login = bund_peer_name(l, ad);
	const char *name = NULL, *why;
	struct bund *b = l->bund, *bt;
	bool created = false;
	int k, rc;

	if (b == NULL) {
		b = bund_mp_find(l, login);
		if (b == NULL) {
			if (ad != NULL &&
			    strncmp(ad->action, "bundle ", 7) == 0) {
				name = ad->action + 7;
				rc = 1;
			} else
				rc = bund_match_action(l, login, &name);
			if (rc < 0) {
				log_msg(LG_BUND, "[%s] Drop link", l->name);
				bund_join_fail(l, "Dropped by link action");
				return;
			}
			if (rc == 0) {
				log_msg(LG_BUND, "[%s] No bundle specified",
				    l->name);
				bund_join_fail(l, "No bundle specified");
				return;
			}
			bt = bund_find(name);
			if (bt == NULL || bt->dying) {
				log_msg(LG_BUND, "[%s] Bundle \"%s\" not found.",
				    l->name, name);
				bund_join_fail(l, "Bundle not found");
				return;
			}
			if (bt->tmpl) {
				log_msg(LG_BUND, "[%s] Creating new bundle "
				    "using template \"%s\".", l->name, name);
				b = bund_inst(bt, NULL, false);
				created = true;
			} else
				b = bt;
		}
		if ((why = bund_join_check(b, l, login)) != NULL) {
			log_msg(LG_BUND, "[%s] Can't join bundle %s %s.",
			    l->name, b->name, why);
			bund_join_fail(l, "Multilink failure");
			return;
		}
		k = bund_slot_of(b, NULL);
		if (k < 0) {
			log_msg(LG_BUND, "[%s] No more than %d links per "
			    "bundle allowed. Can't join bundle.", l->name,
			    MAX_LINKS_PER_BUND);
			if (created)
				bund_destroy(b);
			bund_join_fail(l, "Multilink failure");
			return;
		}
		b->links[k] = l;
		b->n_links++;
		l->bund = b;
	}
	k = bund_slot_of(b, l);
	if (k < 0 || bund_is_joined(b, k))
		return;

	if (b->n_up == 0)	/* a static bundle may move to the kernel */
		iface_dp_promote(b, l);
	log_msg(LG_LINK, "[%s] Link: Join bundle \"%s\"", l->name, b->name);
	b->open = true;		/* an incoming call opens its bundle */
	b->joined |= 1u << k;
	b->n_up++;
	if (b->n_up == 1) {
		b->up_time = event_now_sec();
		b->first_link = l;
		util_strlcpy(b->peer_authname, login,
		    sizeof(b->peer_authname));
		if (bund_link_mp(l)) {
			b->peer_mrru = l->lcp.peer.mrru;
			b->peer_discrim = l->lcp.peer.discrim;
		} else
			b->peer_mrru = 0;
		snprintf(b->msession_id, sizeof(b->msession_id), "%d-%s",
		    (int)(time(NULL) % 10000000), b->name);
		memset(&b->stats, 0, sizeof(b->stats));
		mp_bund_start(b, l);
		bod_start(b);
	}
	mp_bund_link(b, k, true);
	if (b->dp != NULL && b->dp->link != NULL)	/* kernel MP */
		b->dp->link(b, phys_kernel_chan(l), true);
	bund_reassess(b);
	if (b->n_up == 1)
		bund_ncps_open(b, ad);
}

void
bund_leave(struct link *l)
{
	struct bund *b = l->bund;
	int k = bund_slot_of(b, l);

	/* Only a joined link leaves; attached-but-idle links stay. */
	if (k < 0 || !bund_is_joined(b, k))
		return;
	log_msg(LG_LINK, "[%s] Link: Leave bundle \"%s\"", l->name, b->name);
	b->joined &= ~(1u << k);
	b->n_up--;
	mp_bund_link(b, k, false);
	if (b->dp != NULL && b->dp->link != NULL)	/* kernel MP */
		b->dp->link(b, phys_kernel_chan(l), false);
	b->links[k] = NULL;
	b->n_links--;
	l->bund = NULL;
	if (b->first_link == l)
		b->first_link = NULL;
	bund_reassess(b);
	if (b->n_up > 0)
		return;

	/* The last link is gone: end the session. */
	bund_ncps_close(b);
	mp_bund_stop(b);
	bod_stop(b);
	b->msession_id[0] = '\0';
	b->peer_authname[0] = '\0';
	b->peer_mrru = 0;
	b->first_link = NULL;
	if (bod_reopen(b))		/* bw-manage: links again in 3-4 s */
		return;
	b->open = false;
	if (!b->stay)
		bund_destroy(b);
}

void
bund_ncp_start(struct bund *b, enum bund_ncp ncp)
{
	b->ncp_started |= 1u << ncp;
}

void
bund_ncp_finish(struct bund *b, enum bund_ncp ncp)
{
	b->ncp_started &= ~(1u << ncp);
	if (b->ncp_started != 0 || b->leaving || b->n_up == 0 || b->dying)
		return;
	/*
	 * Nothing left to carry.  The links are closed from the message
	 * queue: this runs inside an NCP automaton, which must not see the
	 * bundle torn down under it.
	 */
	log_msg(LG_BUND, "[%s] Bundle: No NCPs left. Closing links...",
	    b->name);
	msg_send(&b->port, MSG_CLOSE, b);
}

/* ---- data path ---- */

/* First joined link; the single-link transmit choice until MP. */
static struct link *
bund_xmit_link(const struct bund *b)
{
	int k;

	for (k = 0; k < MAX_LINKS_PER_BUND; k++)
		if (b->links[k] != NULL && bund_is_joined(b, k))
			return b->links[k];
	return NULL;
}

int
bund_xmit(struct bund *b, uint16_t proto, struct mbuf *m)
{
	struct link *l = bund_xmit_link(b);

	if (l == NULL) {
		mb_free(m);
		return -1;
	}
	b->stats.out_frames++;
	b->stats.out_octets += m->len;
	/* kernel data plane: through the unit (CCP in the kernel, kccp) */
	if (b->dp != NULL && b->dp->xmit != NULL && b->dp_state != NULL &&
	    b->dp->xmit(b, proto, m) == 0)
		return 0;
	/*
	 * RFC 1990: fragments over links.  A kernel data plane numbers its
	 * own fragments: ours would interleave with its sequence, so NCP
	 * frames go whole on one link, as RFC 1990 allows.
	 */
	if (mp_bund_active(b) && b->dp != &dp_kernel)
		return mp_bund_xmit(b, proto, m);
	return link_xmit(l, proto, m);
}

int
bund_fsm_output(struct fsm *f, const uint8_t *pkt, size_t len)
{
	return bund_xmit(f->owner, f->type->proto, mb_copy(pkt, len));
}

/* Hand an IP/IPv6 datagram to the host through the data plane. */
static void
bund_deliver(struct bund *b, struct mbuf *m)
{
	if (b->dp != NULL && b->dp->deliver != NULL)
		b->dp->deliver(b, m);
	else
		mb_free(m);
}

/* Rebuild a VJ frame into a datagram and deliver it. */
static void
bund_vj_input(struct bund *b, uint16_t proto, struct mbuf *m)
{
	struct ipcp_state *st = b->ipcp;
	struct mbuf *n;
	struct vj_out o;
	uint8_t *p;

	if (vj_uncompress(&st->vjd, proto == PROTO_VJCOMP ? VJ_TYPE_COMP :
	    VJ_TYPE_UNCOMP, m->data, m->len, &o) < 0) {
		log_msg(LG_IPCP2, "[%s] IPCP: bad VJ frame dropped", b->name);
		mb_free(m);
		return;
	}
	if (o.hdr_len <= o.skip) {
		/* Uncompressed-TCP: same length, header rewritten in place. */
		mb_trim_head(m, o.skip - o.hdr_len);
		memcpy(m->data, o.hdr, o.hdr_len);
		bund_deliver(b, m);
		return;
	}
	n = mb_alloc(o.hdr_len + m->len - o.skip);
	p = mb_append(n, o.hdr_len + m->len - o.skip);
	memcpy(p, o.hdr, o.hdr_len);
	memcpy(p + o.hdr_len, m->data + o.skip, m->len - o.skip);
	mb_free(m);
	bund_deliver(b, n);
}

void
bund_input(struct link *l, uint16_t proto, struct mbuf *m)
{
	struct bund *b = l->bund;
	const struct opt_set *o;

	if (!bund_is_joined(b, bund_slot_of(b, l))) {
		/* Not in the Network phase of a bundle yet: discard. */
		mb_free(m);
		return;
	}
	if (proto == PROTO_MP) {
		/* RFC 1990 fragments: counted once reassembled (mp.c). */
		mp_bund_input(b, l, m);
		return;
	}
	o = &b->conf.options;
	b->stats.in_frames++;
	b->stats.in_octets += m->len;
	/* decrypt / decompress, and drop what CCP/ECP policy forbids */
	if (proto < 0x4000 && proto != PROTO_MP &&
	    (m = ccp_input_data(b, &proto, m)) == NULL)
		return;
	switch (proto) {
	case PROTO_CCP:
		if (!opt_enabled(o, BUND_OPT_COMPRESSION) || b->ccp == NULL)
			goto reject;
		ccp_input(b, m->data, m->len);
		break;
	case PROTO_ECP:
		if (!opt_enabled(o, BUND_OPT_ENCRYPTION) || b->ecp == NULL)
			goto reject;
		ecp_input(b, m->data, m->len);
		break;
	case PROTO_IPCP:
		if (!opt_enabled(o, BUND_OPT_IPCP) || b->ipcp == NULL)
			goto reject;
		ipcp_input(b, m->data, m->len);
		break;
	case PROTO_IPV6CP:
		if (!opt_enabled(o, BUND_OPT_IPV6CP) || b->ipv6cp == NULL)
			goto reject;
		ipv6cp_input(b, m->data, m->len);
		break;
	case PROTO_IP:
		/* RFC 1661 3.4: data of a closed NCP is silently dropped. */
		if (!ipcp_opened(b))
			break;
		bund_deliver(b, m);
		return;
	case PROTO_IPV6:
		if (!ipv6cp_opened(b))
			break;
		bund_deliver(b, m);
		return;
	case PROTO_VJCOMP:
	case PROTO_VJUNCOMP:
		if (!ipcp_opened(b) || !b->ipcp->vj_in)
			break;
		bund_vj_input(b, proto, m);
		return;
	default:
		goto reject;
	}
	mb_free(m);
	return;

reject:
	b->stats.bad_protos++;
	log_msg(LG_BUND2, "[%s] Bundle: rejecting protocol %s", b->name,
	    proto_name(proto));
	lcp_send_protorej(l, proto, m->data, m->len);
	mb_free(m);
}

void
bund_output(struct bund *b, struct mbuf *m)
{
	struct ipcp_state *st = b->ipcp;
	uint16_t proto;
	struct vj_out o;
	enum vj_type t;

	if (m->len == 0)
		goto drop;
	switch (m->data[0] >> 4) {
	case 4:
		if (!ipcp_opened(b))
			goto drop;
		proto = PROTO_IP;
		if (st->vj_out) {
			t = vj_compress(&st->vjc, m->data, m->len, &o);
			if (t != VJ_TYPE_IP) {
				/* The new header is never longer: in place. */
				mb_trim_head(m, o.skip - o.hdr_len);
				memcpy(m->data, o.hdr, o.hdr_len);
				proto = t == VJ_TYPE_COMP ? PROTO_VJCOMP :
				    PROTO_VJUNCOMP;
			}
		}
		break;
	case 6:
		if (!ipv6cp_opened(b))
			goto drop;
		proto = PROTO_IPV6;
		break;
	default:
		goto drop;
	}
	/* compress / encrypt as CCP and ECP say */
	if ((m = ccp_output(b, &proto, m)) != NULL)
		(void)bund_xmit(b, proto, m);
	return;
drop:
	mb_free(m);
}

/* ---- opening and closing ---- */

void
bund_close(struct bund *b, const char *reason)
{
	struct link *snap[MAX_LINKS_PER_BUND];
	int k;

	b->open = false;
	/* Closing a link may make it leave (and free the bundle later). */
	memcpy(snap, b->links, sizeof(snap));
	for (k = 0; k < MAX_LINKS_PER_BUND; k++) {
		if (snap[k] == NULL)
			continue;
		log_msg(LG_BUND, "[%s] Bundle: closing link \"%s\"...", b->name,
		    snap[k]->name);
		link_close(snap[k], reason);
	}
}

/*
 * Open link slot k: an attached link, or the k-th `set bundle links`
 * entry (a template is instantiated).  Spec 13 #19: a link attached this
 * way gets max-redial -1.
 */
void
bund_open_link(struct bund *b, int k, const char *reason)
{
	struct link *l = b->links[k], *lt;

	if (l == NULL) {
		if (k >= b->conf.nlinks || b->conf.links[k][0] == '\0')
			return;
		lt = link_find(b->conf.links[k]);
		if (lt == NULL) {
			log_msg(LG_BUND, "[%s] Bund: Link \"%s\" not found",
			    b->name, b->conf.links[k]);
			return;
		}
		if (!lt->tmpl && (lt->bund != NULL || lt->rep != NULL ||
		    lt->state != PHYS_STATE_DOWN)) {
			log_msg(LG_BUND, "[%s] Bund: Link \"%s\" is busy",
			    b->name, b->conf.links[k]);
			return;
		}
		l = lt->tmpl ? link_inst(lt, NULL, false) : lt;
		if (l == NULL) {
			log_msg(LG_BUND, "[%s] Bund: Link \"%s\" creation "
			    "error", b->name, b->conf.links[k]);
			return;
		}
		b->links[k] = l;
		b->n_links++;
		l->bund = b;
		l->conf.max_redial = -1;
	}
	log_msg(LG_BUND, "[%s] opening link \"%s\"...", b->name, l->name);
	link_open(l, reason);
}

/* Open one link (bw-manage) or all of them (mpd5's BundOpenLinks). */
static void
bund_open_links(struct bund *b)
{
	int k;

	for (k = 0; k < MAX_LINKS_PER_BUND; k++) {
		if (opt_enabled(&b->conf.options, BUND_OPT_BWMANAGE)) {
			if (b->n_links != 0)
				return;
			if (b->links[k] != NULL || (k < b->conf.nlinks &&
			    b->conf.links[k][0] != '\0')) {
				bund_open_link(b, k, "Bundle opened");
				return;
			}
			continue;
		}
		bund_open_link(b, k, "Bundle opened");
	}
}

void
bund_run_msg(struct bund *b, int type)
{
	if (b->dying)
		return;
	log_msg(LG_BUND, "[%s] Bundle: %s event in state %s", b->name,
	    msg_name(type), b->open ? "OPENED" : "CLOSED");
	bod_reopen_cancel(b);
	switch (type) {
	case MSG_OPEN:
		b->open = true;
		bund_open_links(b);
		break;
	case MSG_CLOSE:
		bund_close(b, b->n_up > 0 && b->ncp_started == 0 ?
		    "No NCPs left" : "Bundle closed");
		break;
	default:
		break;
	}
}

void
bund_run_free(struct bund *b)
{
	ipcp_fini(b);
	ipv6cp_fini(b);
	mp_bund_stop(b);
	bod_free(b);
	ccp_fini(b);
	ecp_fini(b);
}

/* `open bund` / `close bund` */
static int
bund_layer_bund(struct cmd_ctx *ctx, bool open)
{
	msg_send(&ctx->bund->port, open ? MSG_OPEN : MSG_CLOSE, ctx->bund);
	return CMD_OK;
}

/* `open ipcp` / `close ipcp`: administrative events of the automaton. */
static int
bund_layer_ipcp(struct cmd_ctx *ctx, bool open)
{
	struct bund *b = ctx->bund;

	ipcp_init(b);
	if (open)
		ipcp_open(b);
	else
		ipcp_close(b);
	return CMD_OK;
}

static int
bund_layer_ipv6cp(struct cmd_ctx *ctx, bool open)
{
	struct bund *b = ctx->bund;

	ipv6cp_init(b);
	if (open)
		ipv6cp_open(b);
	else
		ipv6cp_close(b);
	return CMD_OK;
}

/* `open ccp` / `close ccp` and the same for ECP. */
static int
bund_layer_ccp(struct cmd_ctx *ctx, bool open)
{
	struct bund *b = ctx->bund;

	ccp_init(b);
	if (open)
		ccp_open(b);
	else
		ccp_close(b);
	return CMD_OK;
}

static int
bund_layer_ecp(struct cmd_ctx *ctx, bool open)
{
	struct bund *b = ctx->bund;

	ecp_init(b);
	if (open)
		ecp_open(b);
	else
		ecp_close(b);
	return CMD_OK;
}

/*
 * The peer Protocol-Rejected one of our bundle protocols (RFC 1661 5.7):
 * that automaton stops (RXJ-); with no NCP left the links close.
 */
static void
bund_protorej(struct link *l, uint16_t proto)
{
	struct bund *b = l->bund;

	if (!bund_is_joined(b, bund_slot_of(b, l)))
		return;
	if (proto == PROTO_IPCP && b->ipcp != NULL) {
		fsm_protorej(&b->ipcp->fsm);
		b->ipcp_state = b->ipcp->fsm.state;
	} else if (proto == PROTO_IPV6CP && b->ipv6cp != NULL) {
		fsm_protorej(&b->ipv6cp->fsm);
		b->ipv6cp_state = b->ipv6cp->fsm.state;
	} else if (proto == PROTO_CCP)
		ccp_protorej(b);
	else if (proto == PROTO_ECP)
		ecp_protorej(b);
}

void
bund_layers_init(void)
{
	proto_set_reject_hook(bund_protorej);
	ctl_set_layer_hook("bund", bund_layer_bund);
	ctl_set_layer_hook("ipcp", bund_layer_ipcp);
	ctl_set_layer_hook("ipv6cp", bund_layer_ipv6cp);
	ctl_set_layer_hook("ccp", bund_layer_ccp);
	ctl_set_layer_hook("ecp", bund_layer_ecp);
}
