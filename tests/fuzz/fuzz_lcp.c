/*
 * fuzz_lcp.c - libFuzzer target for the LCP automaton: arbitrary bytes
 * fed through fsm_input() into an LCP FSM (ppp/fsm.c with the option
 * codec of ppp/lcp_opts.c) in each state, with a fake wire that checks
 * every packet the automaton sends.
 *
 * The automaton is driven into a start state through real events; the
 * protocol type is a harness around the pure LCP codec (the link-bound
 * lcp.c needs a device and a bundle), and its Echo/Ident/Time-Remaining
 * handling uses the same parsing helpers as lcp.c.
 *
 * Input: byte 0 selects the start state (low nibble, mod 10) and the
 * settings (bit 4 async, bit 5 multilink, bit 6 authentication wanted,
 * bit 7 passive).  Then chunks follow, each introduced by a control
 * byte c:  c == 0xff fires the restart timer, c == 0xfe takes the next
 * byte as an administrative event (Up/Down/Open/Close);  otherwise the
 * next (c & 0x7f) bytes (0: all the rest) are one packet, whose
 * identifier is first set to our last request's when bit 7 of c is set
 * (so that Nak/Reject/Ack reach the decoder).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "ppp/fsm.h"
#include "ppp/lcp.h"
#include "ppp/link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lcp	fl;
static char		peer_ident[64];

/* The fake wire: every packet must be well formed and within bounds. */
static int
fz_output(struct fsm *f, const uint8_t *pkt, size_t len)
{
	(void)f;
	if (len < 4 || len > FSM_MAX_PACKET ||
	    (size_t)(pkt[2] << 8 | pkt[3]) != len)
		abort();
	if (pkt[0] >= FSM_CODE_CONFIGREQ && pkt[0] <= FSM_CODE_CONFIGREJ &&
	    !fsm_opts_valid(pkt + 4, len - 4))
		abort();
	return 0;
}

static void
fz_configure(struct fsm *f)
{
	(void)f;
	lcp_opts_reset(&fl);
	peer_ident[0] = '\0';
}

static size_t
fz_build(struct fsm *f, uint8_t *buf, size_t len)
{
	(void)f;
	return lcp_opts_build(&fl, buf, len);
}

static void
fz_decode(struct fsm *f, const uint8_t *opts, size_t len,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	(void)f;
	lcp_opts_decode(&fl, opts, len, mode, d);
}

static void
fz_layer_up(struct fsm *f)
{
	f->peer_mru = fl.peer.mru;
}

static bool
fz_recv_code(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data,
    size_t len)
{
	uint8_t buf[FSM_MAX_PACKET];
	uint32_t magic;

	switch (code) {
	case FSM_CODE_PROTOREJ:
		return true;
	case FSM_CODE_ECHOREQ:
		if (lcp_get_magic(data, len, &magic) < 0)
			return true;
		if (magic != 0 && magic != fl.peer.magic) {
			fsm_failure(f, FSM_FAIL_RECD_BADMAGIC);
			return true;
		}
		if (f->state == FSM_ST_OPENED && len <= sizeof(buf)) {
			memcpy(buf, data, len);
			fsm_send(f, FSM_CODE_ECHOREP, id, buf, len);
		}
		return true;
	case FSM_CODE_ECHOREP:
	case FSM_CODE_DISCREQ:
		return true;
	case FSM_CODE_IDENT:
		if (len > 4)
			lcp_text_append(peer_ident, sizeof(peer_ident),
			    data + 4, len - 4);
		return true;
	case FSM_CODE_TIMEREM:
		if (len >= 8)
			(void)lcp_get_magic(data + 4, len - 4, &magic);
		return true;
	default:
		return false;
	}
}

static const struct fsm_type fz_type = {
	.name = "LCP",
	.proto = 0xc021,
	.codes = FSM_CODES_BASIC | FSM_CODE_BIT(FSM_CODE_PROTOREJ) |
	    FSM_CODE_BIT(FSM_CODE_ECHOREQ) | FSM_CODE_BIT(FSM_CODE_ECHOREP) |
	    FSM_CODE_BIT(FSM_CODE_DISCREQ) | FSM_CODE_BIT(FSM_CODE_IDENT) |
	    FSM_CODE_BIT(FSM_CODE_TIMEREM),
	.log = LG_LCP,
	.log2 = LG_LCP2,
	.link_level = true,
	.configure = fz_configure,
	.build_config = fz_build,
	.decode_config = fz_decode,
	.layer_up = fz_layer_up,
	.recv_code = fz_recv_code,
};

static void
fz_fire(struct fsm *f)
{
	if (f->timer.cb == NULL)
		return;
	timer_stop(&f->timer);
	f->timer.cb(f->timer.arg);
}

/* An Ack of our current request, as a peer would send it. */
static void
fz_ack(struct fsm *f)
{
	uint8_t pkt[FSM_MAX_PACKET];
	size_t n = lcp_opts_build(&fl, pkt + 4, sizeof(pkt) - 4);

	pkt[0] = FSM_CODE_CONFIGACK;
	pkt[1] = f->reqid;
	pkt[2] = (uint8_t)((n + 4) >> 8);
	pkt[3] = (uint8_t)(n + 4);
	fsm_input(f, pkt, n + 4);
}

/* A plain request from the peer that we accept. */
static void
fz_peer_req(struct fsm *f)
{
	static const uint8_t pkt[] = { 1, 0x77, 0, 8, 1, 4, 0x05, 0xdc };

	fsm_input(f, pkt, sizeof(pkt));
}

static void
fz_drive(struct fsm *f, unsigned st)
{
	switch (st) {
	case FSM_ST_INITIAL:
		break;
	case FSM_ST_STARTING:
		fsm_open(f);
		break;
	case FSM_ST_CLOSED:
		fsm_up(f);
		break;
	case FSM_ST_STOPPED:
		fsm_open(f);
		fsm_up(f);
		f->restart = 0;
		fz_fire(f);
		break;
	case FSM_ST_CLOSING:
		fsm_open(f);
		fsm_up(f);
		fsm_close(f);
		break;
	case FSM_ST_STOPPING:
		fz_drive(f, FSM_ST_OPENED);
		fsm_input(f, (const uint8_t[]){ 5, 9, 0, 4 }, 4);
		break;
	case FSM_ST_REQSENT:
		fsm_open(f);
		fsm_up(f);
		break;
	case FSM_ST_ACKRCVD:
		fz_drive(f, FSM_ST_REQSENT);
		fz_ack(f);
		break;
	case FSM_ST_ACKSENT:
		fz_drive(f, FSM_ST_REQSENT);
		fz_peer_req(f);
		break;
	default:
		fz_drive(f, FSM_ST_ACKRCVD);
		fz_peer_req(f);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fsm *f = &fl.fsm;
	uint8_t *pkt;
	size_t i, n;
	uint8_t c;

	if (size < 1)
		return 0;
	g_log_mask = 0;
	memset(&fl, 0, sizeof(fl));
	fsm_init(f, &fz_type, NULL, "L1", fz_output, 2);
	fl.conf.enable = 1u << LINK_OPT_ACFCOMP | 1u << LINK_OPT_PROTOCOMP |
	    1u << LINK_OPT_MAGICNUM | 1u << LINK_OPT_SHORTSEQ;
	fl.conf.accept = 1u << LINK_OPT_PAP | 1u << LINK_OPT_CHAP_MD5 |
	    1u << LINK_OPT_CHAP_MSV2 | 1u << LINK_OPT_EAP |
	    1u << LINK_OPT_ACFCOMP | 1u << LINK_OPT_PROTOCOMP |
	    1u << LINK_OPT_SHORTSEQ;
	fl.conf.mru = 1500;
	fl.conf.mtu = 1500;
	fl.conf.dev_mru = 2048;
	fl.conf.mrru = 2048;
	fl.conf.accmap = 0x000a0000;
	fl.conf.async = (data[0] & 0x10) != 0;
	if (data[0] & 0x20) {
		fl.conf.enable |= 1u << LINK_OPT_MULTILINK;
		fl.conf.discrim.class = LCP_DISC_MAGIC;
		fl.conf.discrim.len = 4;
	}
	if (data[0] & 0x40)
		fl.conf.enable |= 1u << LINK_OPT_CHAP_MSV2 |
		    1u << LINK_OPT_PAP | 1u << LINK_OPT_EAP;
	f->passive = (data[0] & 0x80) != 0;
	fz_drive(f, (data[0] & 0x0f) % 10);

	for (i = 1; i < size;) {
		c = data[i++];
		if (c == 0xff) {
			fz_fire(f);
			continue;
		}
		if (c == 0xfe) {
			if (i >= size)
				break;
			switch (data[i++] & 3) {
			case 0:
				fsm_up(f);
				break;
			case 1:
				fsm_down(f);
				break;
			case 2:
				fsm_open(f);
				break;
			default:
				fsm_close(f);
				break;
			}
			continue;
		}
		n = c & 0x7f;
		if (n == 0 || n > size - i)
			n = size - i;
		if (n > FSM_MAX_PACKET)
			n = FSM_MAX_PACKET;
		/* an exact-size copy: any overread is a sanitizer error */
		pkt = malloc(n > 0 ? n : 1);
		if (pkt == NULL)
			break;
		memcpy(pkt, data + i, n);
		if ((c & 0x80) && n >= 2)
			pkt[1] = f->reqid;
		fsm_input(f, pkt, n);
		free(pkt);
		i += n;
	}
	fsm_stop(f);
	return 0;
}
