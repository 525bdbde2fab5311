/*
 * test_fsm.c - unit tests for the generic RFC 1661 automaton
 * (ppp/fsm.c).
 *
 * A fake protocol "TST" with a fake wire: every packet the automaton
 * sends and every layer action it signals is appended to a trace
 * ("scr sca tls ..."), and the restart timer is fired by calling its
 * callback.  The whole state x event table of RFC 1661 4.1 is walked:
 * for every (state, event) pair the automaton is driven into the state
 * through real events, the event is applied and the trace and the new
 * state are compared with the table below (which carries fsm.c's
 * documented departures).  Further tests cover the restart counters,
 * Max-Failure (Nak turned into Reject), the Configure-Request budget,
 * identifier and content matching, Code-Reject, Protocol-Reject,
 * malformed packets and the passive option.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/log.h"
#include "ppp/fsm.h"

/* ---- the fake protocol ---- */

#define TST_PROTO	0x8999
#define OPT_GOOD	1	/* acked by the decoder */
#define OPT_BAD		2	/* Nak'd by the decoder */
#define OPT_UGLY	3	/* rejected by the decoder */

static char		trace[4096];
static unsigned		nconfigure, nfail, nrecv_code;
static enum fsm_fail	last_fail;
static uint8_t		last_pkt[FSM_MAX_PACKET];
static size_t		last_len;
static unsigned		nsent[16];
static char		loglines[8192];

static void
tr(const char *tok)
{
	if (trace[0] != '\0')
		strncat(trace, " ", sizeof(trace) - strlen(trace) - 1);
	strncat(trace, tok, sizeof(trace) - strlen(trace) - 1);
}

static int
tst_output(struct fsm *f, const uint8_t *pkt, size_t len)
{
	char buf[8];

	(void)f;
	assert_true(len >= 4);
	assert_int_equal((size_t)(pkt[2] << 8 | pkt[3]), len);
	memcpy(last_pkt, pkt, len);
	last_len = len;
	if (pkt[0] < 16)
		nsent[pkt[0]]++;
	switch (pkt[0]) {
	case FSM_CODE_CONFIGREQ:
		tr("scr");
		break;
	case FSM_CODE_CONFIGACK:
		tr("sca");
		break;
	case FSM_CODE_CONFIGNAK:
		tr("scn");
		break;
	case FSM_CODE_CONFIGREJ:
		tr("rej");
		break;
	case FSM_CODE_TERMREQ:
		tr("str");
		break;
	case FSM_CODE_TERMACK:
		tr("sta");
		break;
	case FSM_CODE_CODEREJ:
		tr("scj");
		break;
	case FSM_CODE_ECHOREP:
		tr("ser");
		break;
	default:
		snprintf(buf, sizeof(buf), "c%d", pkt[0]);
		tr(buf);
		break;
	}
	return 0;
}

static void
tst_configure(struct fsm *f)
{
	(void)f;
	nconfigure++;
}

/* Our request: one OPT_GOOD option with a 2-byte value. */
static size_t
tst_build(struct fsm *f, uint8_t *buf, size_t len)
{
	(void)f;
	if (len < 4)
		return 0;
	buf[0] = OPT_GOOD;
	buf[1] = 4;
	buf[2] = 0x05;
	buf[3] = 0xdc;
	return 4;
}

static void
tst_decode(struct fsm *f, const uint8_t *opts, size_t len,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	const uint8_t *opt;
	size_t olen;
	uint8_t nak[4];

	(void)f;
	if (mode != FSM_MODE_REQ)
		return;
	while (fsm_opt_next(&opts, &len, &opt, &olen) == 1) {
		switch (opt[0]) {
		case OPT_GOOD:
			fsm_ack(d, opt, olen);
			break;
		case OPT_BAD:
			nak[0] = OPT_BAD;
			nak[1] = 4;
			nak[2] = 0x12;
			nak[3] = 0x34;
			fsm_nak(d, nak, 4);
			break;
		default:
			fsm_rej(d, opt, olen);
			break;
		}
	}
}

static void tst_up(struct fsm *f) { (void)f; tr("tlu"); }
static void tst_down(struct fsm *f) { (void)f; tr("tld"); }
static void tst_start(struct fsm *f) { (void)f; tr("tls"); }
static void tst_finish(struct fsm *f) { (void)f; tr("tlf"); }

static void
tst_failure(struct fsm *f, enum fsm_fail why)
{
	(void)f;
	nfail++;
	last_fail = why;
}

/* Echo-Request: answered with an Echo-Reply when opened (RXR). */
static bool
tst_recv_code(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data,
    size_t len)
{
	nrecv_code++;
	if (code != FSM_CODE_ECHOREQ)
		return code == FSM_CODE_PROTOREJ;
	if (f->state == FSM_ST_OPENED)
		fsm_send(f, FSM_CODE_ECHOREP, id, data, len);
	return true;
}

static const struct fsm_type tst_type = {
	.name = "TST",
	.proto = TST_PROTO,
	.codes = FSM_CODES_BASIC | FSM_CODE_BIT(FSM_CODE_PROTOREJ) |
	    FSM_CODE_BIT(FSM_CODE_ECHOREQ),
	.log = LG_LCP,
	.log2 = LG_LCP2,
	.link_level = true,
	.configure = tst_configure,
	.build_config = tst_build,
	.decode_config = tst_decode,
	.layer_up = tst_up,
	.layer_down = tst_down,
	.layer_start = tst_start,
	.layer_finish = tst_finish,
	.failure = tst_failure,
	.recv_code = tst_recv_code,
};

static void
log_capture(const char *line, unsigned len)
{
	size_t used = strlen(loglines);

	if (used + len + 2 < sizeof(loglines)) {
		memcpy(loglines + used, line, len);
		loglines[used + len] = '\n';
		loglines[used + len + 1] = '\0';
	}
}

/* ---- packets from the peer ---- */

static void
rx(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
	uint8_t pkt[FSM_MAX_PACKET];

	pkt[0] = code;
	pkt[1] = id;
	pkt[2] = (uint8_t)((len + 4) >> 8);
	pkt[3] = (uint8_t)(len + 4);
	if (len > 0)
		memcpy(pkt + 4, data, len);
	fsm_input(f, pkt, len + 4);
}

static const uint8_t opt_good[] = { OPT_GOOD, 4, 0x05, 0xdc };
static const uint8_t opt_bad[] = { OPT_BAD, 4, 0x00, 0x01 };

static void rx_rcr_good(struct fsm *f) { rx(f, 1, 0x40, opt_good, 4); }
static void rx_rcr_bad(struct fsm *f) { rx(f, 1, 0x41, opt_bad, 4); }
static void rx_rca(struct fsm *f) { rx(f, 2, f->reqid, opt_good, 4); }
static void rx_rcn(struct fsm *f) { rx(f, 3, f->reqid, opt_good, 4); }
static void rx_rtr(struct fsm *f) { rx(f, 5, 0x50, NULL, 0); }
static void rx_rta(struct fsm *f) { rx(f, 6, 0x51, NULL, 0); }

static void
fire(struct fsm *f)
{
	if (f->timer.cb == NULL)
		return;
	timer_stop(&f->timer);
	f->timer.cb(f->timer.arg);
}

/* ---- driving the automaton into a state through real events ---- */

static void
reset(struct fsm *f)
{
	fsm_stop(f);
	fsm_init(f, &tst_type, NULL, "T1", tst_output, 2);
	trace[0] = '\0';
	nconfigure = nfail = nrecv_code = 0;
	memset(nsent, 0, sizeof(nsent));
}

static void
drive(struct fsm *f, enum fsm_state st)
{
	reset(f);
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
		/* no answer at all: TO- */
		fsm_open(f);
		fsm_up(f);
		f->restart = 0;
		fire(f);
		break;
	case FSM_ST_CLOSING:
		fsm_open(f);
		fsm_up(f);
		fsm_close(f);
		break;
	case FSM_ST_STOPPING:
		drive(f, FSM_ST_OPENED);
		rx_rtr(f);
		break;
	case FSM_ST_REQSENT:
		fsm_open(f);
		fsm_up(f);
		break;
	case FSM_ST_ACKRCVD:
		drive(f, FSM_ST_REQSENT);
		rx_rca(f);
		break;
	case FSM_ST_ACKSENT:
		drive(f, FSM_ST_REQSENT);
		rx_rcr_good(f);
		break;
	case FSM_ST_OPENED:
		drive(f, FSM_ST_ACKRCVD);
		rx_rcr_good(f);
		break;
	}
	assert_int_equal(f->state, st);
	trace[0] = '\0';
	nfail = 0;
	memset(nsent, 0, sizeof(nsent));
}

enum ev {
	EV_UP, EV_DOWN, EV_OPEN, EV_CLOSE, EV_TOP, EV_TOM, EV_RCRP, EV_RCRM,
	EV_RCA, EV_RCN, EV_RTR, EV_RTA, EV_RUC, EV_RXJP, EV_RXJM, EV_RXR,
	EV_COUNT
};

static const char *const ev_names[EV_COUNT] = {
	"Up", "Down", "Open", "Close", "TO+", "TO-", "RCR+", "RCR-", "RCA",
	"RCN", "RTR", "RTA", "RUC", "RXJ+", "RXJ-", "RXR",
};

static void
apply(struct fsm *f, enum ev e)
{
	static const uint8_t rej_ident[] = { FSM_CODE_IDENT, 1, 0, 4 };
	static const uint8_t rej_req[] = { FSM_CODE_CONFIGREQ, 1, 0, 4 };
	static const uint8_t magic[] = { 0, 0, 0, 0 };

	switch (e) {
	case EV_UP:
		fsm_up(f);
		break;
	case EV_DOWN:
		fsm_down(f);
		break;
	case EV_OPEN:
		fsm_open(f);
		break;
	case EV_CLOSE:
		fsm_close(f);
		break;
	case EV_TOP:
		f->restart = 2;
		fire(f);
		break;
	case EV_TOM:
		f->restart = 0;
		fire(f);
		break;
	case EV_RCRP:
		rx_rcr_good(f);
		break;
	case EV_RCRM:
		rx_rcr_bad(f);
		break;
	case EV_RCA:
		rx_rca(f);
		break;
	case EV_RCN:
		rx_rcn(f);
		break;
	case EV_RTR:
		rx_rtr(f);
		break;
	case EV_RTA:
		rx_rta(f);
		break;
	case EV_RUC:
		rx(f, 20, 0x60, magic, 4);
		break;
	case EV_RXJP:
		rx(f, FSM_CODE_CODEREJ, 0x61, rej_ident, 4);
		break;
	case EV_RXJM:
		rx(f, FSM_CODE_CODEREJ, 0x62, rej_req, 4);
		break;
	case EV_RXR:
		rx(f, FSM_CODE_ECHOREQ, 0x63, magic, 4);
		break;
	case EV_COUNT:
		break;
	}
}

struct expect {
	enum fsm_state	 next;
	const char	*trace;
};

#define I	FSM_ST_INITIAL
#define S1	FSM_ST_STARTING
#define CD	FSM_ST_CLOSED
#define SD	FSM_ST_STOPPED
#define CG	FSM_ST_CLOSING
#define SG	FSM_ST_STOPPING
#define RS	FSM_ST_REQSENT
#define AR	FSM_ST_ACKRCVD
#define AS	FSM_ST_ACKSENT
#define OP	FSM_ST_OPENED

/*
 * RFC 1661 4.1 as fsm.c implements it.  Order in the trace: packets
 * sent, then layer actions (tlu/tld/tls/tlf); Departures: Open in Closed
 * and RCR in Stopped also tls, Down in Closing tlf, no restart option.
 */
static const struct expect table[10][EV_COUNT] = {
	[FSM_ST_INITIAL] = {
		{ CD, "" }, { I, "" }, { S1, "tls" }, { I, "" },
		{ I, "" }, { I, "" }, { I, "" }, { I, "" },
		{ I, "" }, { I, "" }, { I, "" }, { I, "" },
		{ I, "" }, { I, "" }, { I, "" }, { I, "" },
	},
	[FSM_ST_STARTING] = {
		{ RS, "scr" }, { S1, "" }, { S1, "" }, { I, "tlf" },
		{ S1, "" }, { S1, "" }, { S1, "" }, { S1, "" },
		{ S1, "" }, { S1, "" }, { S1, "" }, { S1, "" },
		{ S1, "" }, { S1, "" }, { S1, "" }, { S1, "" },
	},
	[FSM_ST_CLOSED] = {
		{ CD, "" }, { I, "" }, { RS, "scr tls" }, { CD, "" },
		{ CD, "" }, { CD, "" }, { CD, "sta" }, { CD, "sta" },
		{ CD, "sta" }, { CD, "sta" }, { CD, "sta" }, { CD, "" },
		{ CD, "scj" }, { CD, "" }, { CD, "tlf" }, { CD, "" },
	},
	[FSM_ST_STOPPED] = {
		{ SD, "" }, { S1, "tls" }, { SD, "" }, { CD, "" },
		{ SD, "" }, { SD, "" }, { AS, "scr sca tls" },
		{ RS, "scr scn tls" },
		{ SD, "sta" }, { SD, "sta" }, { SD, "sta" }, { SD, "" },
		{ SD, "scj" }, { SD, "" }, { SD, "tlf" }, { SD, "" },
	},
	[FSM_ST_CLOSING] = {
		{ CG, "" }, { I, "tlf" }, { SG, "" }, { CG, "" },
		{ CG, "str" }, { CD, "tlf" }, { CG, "" }, { CG, "" },
		{ CG, "" }, { CG, "" }, { CG, "sta" }, { CD, "tlf" },
		{ CG, "scj" }, { CG, "" }, { CD, "tlf" }, { CG, "" },
	},
	[FSM_ST_STOPPING] = {
		{ SG, "" }, { S1, "" }, { SG, "" }, { CG, "" },
		{ SG, "str" }, { SD, "tlf" }, { SG, "" }, { SG, "" },
		{ SG, "" }, { SG, "" }, { SG, "sta" }, { SD, "tlf" },
		{ SG, "scj" }, { SG, "" }, { SD, "tlf" }, { SG, "" },
	},
	[FSM_ST_REQSENT] = {
		{ RS, "" }, { S1, "" }, { RS, "" }, { CG, "str" },
		{ RS, "scr" }, { SD, "tlf" }, { AS, "sca" }, { RS, "scn" },
		{ AR, "" }, { RS, "scr" }, { RS, "sta" }, { RS, "" },
		{ RS, "scj" }, { RS, "" }, { SD, "tlf" }, { RS, "" },
	},
	[FSM_ST_ACKRCVD] = {
		{ AR, "" }, { S1, "" }, { AR, "" }, { CG, "str" },
		{ RS, "scr" }, { SD, "tlf" }, { OP, "sca tlu" }, { AR, "scn" },
		{ RS, "scr" }, { RS, "scr" }, { RS, "sta" }, { RS, "" },
		{ AR, "scj" }, { RS, "" }, { SD, "tlf" }, { AR, "" },
	},
	[FSM_ST_ACKSENT] = {
		{ AS, "" }, { S1, "" }, { AS, "" }, { CG, "str" },
		{ AS, "scr" }, { SD, "tlf" }, { AS, "sca" }, { RS, "scn" },
		{ OP, "tlu" }, { AS, "scr" }, { RS, "sta" }, { AS, "" },
		{ AS, "scj" }, { AS, "" }, { SD, "tlf" }, { AS, "" },
	},
	[FSM_ST_OPENED] = {
		{ OP, "" }, { S1, "tld" }, { OP, "" }, { CG, "str tld" },
		{ OP, "" }, { OP, "" }, { AS, "scr sca tld" },
		{ RS, "scr scn tld" },
		{ RS, "scr tld" }, { RS, "scr tld" }, { SG, "sta tld" },
		{ RS, "scr tld" },
		{ OP, "scj" }, { OP, "" }, { SG, "str tld" }, { OP, "ser" },
	},
};

static void
test_state_event_table(void **state)
{
	struct fsm f;
	int s, e;

	(void)state;
	memset(&f, 0, sizeof(f));
	for (s = FSM_ST_INITIAL; s <= FSM_ST_OPENED; s++)
		for (e = 0; e < EV_COUNT; e++) {
			drive(&f, (enum fsm_state)s);
			apply(&f, (enum ev)e);
			if (f.state != table[s][e].next ||
			    strcmp(trace, table[s][e].trace) != 0)
				fail_msg("%s + %s: got %s \"%s\", want %s "
				    "\"%s\"", fsm_state_name((enum fsm_state)s),
				    ev_names[e], fsm_state_name(f.state), trace,
				    fsm_state_name(table[s][e].next),
				    table[s][e].trace);
		}
	fsm_stop(&f);
}

/* irc / zrc values and the timer in the states that use it. */
static void
test_restart_counter_values(void **state)
{
	struct fsm f;

	(void)state;
	memset(&f, 0, sizeof(f));
	drive(&f, FSM_ST_REQSENT);
	assert_int_equal(f.restart, FSM_DEF_MAX_CONFIGURE - 1);
	assert_true(timer_running(&f.timer));
	rx_rca(&f);
	assert_int_equal(f.state, FSM_ST_ACKRCVD);
	assert_int_equal(f.restart, FSM_DEF_MAX_CONFIGURE);
	assert_true(timer_running(&f.timer));
	rx_rcr_good(&f);
	assert_int_equal(f.state, FSM_ST_OPENED);
	assert_false(timer_running(&f.timer));
	fsm_close(&f);
	assert_int_equal(f.restart, FSM_DEF_MAX_TERMINATE - 1);
	assert_true(timer_running(&f.timer));

	drive(&f, FSM_ST_OPENED);
	rx_rtr(&f);
	assert_int_equal(f.state, FSM_ST_STOPPING);
	assert_int_equal(f.restart, 0);		/* zrc */
	assert_true(timer_running(&f.timer));
	fire(&f);
	assert_int_equal(f.state, FSM_ST_STOPPED);
	assert_string_equal(trace, "sta tld tlf");
	fsm_stop(&f);
}

/* No answer: Max-Configure Conf-Reqs in all, then TO-. */
static void
test_restart_exhaustion(void **state)
{
	struct fsm f;
	int i;

	(void)state;
	memset(&f, 0, sizeof(f));
	reset(&f);
	fsm_open(&f);
	fsm_up(&f);
	for (i = 0; i < 50 && f.state == FSM_ST_REQSENT; i++)
		fire(&f);
	assert_int_equal(f.state, FSM_ST_STOPPED);
	assert_int_equal(nsent[FSM_CODE_CONFIGREQ], FSM_DEF_MAX_CONFIGURE);
	assert_int_equal(nfail, 1);
	assert_int_equal(last_fail, FSM_FAIL_NEGOT_FAILURE);
	assert_non_null(strstr(trace, "tlf"));

	/* Max-Terminate Term-Reqs, then Closed. */
	drive(&f, FSM_ST_OPENED);
	fsm_close(&f);
	for (i = 0; i < 50 && f.state == FSM_ST_CLOSING; i++)
		fire(&f);
	assert_int_equal(f.state, FSM_ST_CLOSED);
	assert_int_equal(nsent[FSM_CODE_TERMREQ], FSM_DEF_MAX_TERMINATE);
	assert_string_equal(trace, "str tld str tlf");
	fsm_stop(&f);
}

/*
 * Max-Failure: Naks until the counter is exhausted, then the same
 * options rejected unmodified (Rejects do not count toward Max-Failure),
 * then failure after three times Max-Failure answers without an Ack.
 * An Ack resets the count.
 */
static void
test_max_failure(void **state)
{
	static const uint8_t req[] = {
		OPT_GOOD, 4, 0x05, 0xdc, OPT_BAD, 4, 0x00, 0x01,
	};
	struct fsm f;
	int i;

	(void)state;
	memset(&f, 0, sizeof(f));
	drive(&f, FSM_ST_REQSENT);
	for (i = 0; i < FSM_DEF_MAX_FAILURE; i++) {
		rx(&f, 1, (uint8_t)i, req, sizeof(req));
		assert_int_equal(last_pkt[0], FSM_CODE_CONFIGNAK);
		/* the Nak carries the decoder's suggestion */
		assert_int_equal(last_len, 8);
		assert_int_equal(last_pkt[6], 0x12);
	}
	for (i = 0; i < 2 * FSM_DEF_MAX_FAILURE; i++) {
		rx(&f, 1, (uint8_t)(10 + i), req, sizeof(req));
		assert_int_equal(last_pkt[0], FSM_CODE_CONFIGREJ);
		assert_int_equal(last_pkt[1], 10 + i);
		assert_int_equal(last_len, 8);
		assert_memory_equal(last_pkt + 4, opt_bad, 4);
		assert_int_equal(f.state, FSM_ST_REQSENT);
	}
	last_len = 0;
	rx(&f, 1, 30, req, sizeof(req));
	assert_int_equal(last_len, 0);		/* no answer */
	assert_int_equal(f.state, FSM_ST_STOPPED);
	assert_int_equal(last_fail, FSM_FAIL_NEGOT_FAILURE);

	/* an Ack in between resets the count */
	drive(&f, FSM_ST_REQSENT);
	for (i = 0; i < FSM_DEF_MAX_FAILURE - 1; i++)
		rx_rcr_bad(&f);
	rx_rcr_good(&f);
	assert_int_equal(f.state, FSM_ST_ACKSENT);
	for (i = 0; i < FSM_DEF_MAX_FAILURE; i++) {
		rx_rcr_bad(&f);
		assert_int_equal(last_pkt[0], FSM_CODE_CONFIGNAK);
	}
	rx_rcr_bad(&f);
	assert_int_equal(last_pkt[0], FSM_CODE_CONFIGREJ);
	fsm_stop(&f);
}

/* A Reject takes precedence over Naks; options keep their order. */
static void
test_reject_order(void **state)
{
	static const uint8_t req[] = {
		OPT_UGLY, 3, 0xaa, OPT_BAD, 4, 0, 1, OPT_UGLY, 2,
	};
	struct fsm f;

	(void)state;
	memset(&f, 0, sizeof(f));
	drive(&f, FSM_ST_REQSENT);
	rx(&f, 1, 7, req, sizeof(req));
	assert_int_equal(last_pkt[0], FSM_CODE_CONFIGREJ);
	assert_int_equal(last_len, 4 + 5);
	assert_int_equal(last_pkt[4], OPT_UGLY);
	assert_int_equal(last_pkt[7], OPT_UGLY);

	/* after Max-Failure the Nak'd option joins, in request order */
	f.failure = 0;
	rx(&f, 1, 8, req, sizeof(req));
	assert_int_equal(last_pkt[0], FSM_CODE_CONFIGREJ);
	assert_int_equal(last_len, 4 + sizeof(req));
	assert_memory_equal(last_pkt + 4, req, sizeof(req));
	fsm_stop(&f);
}

/* Peer Naks forever: Max-Configure Conf-Reqs, then failure. */
static void
test_config_budget(void **state)
{
	struct fsm f;
	int i;

	(void)state;
	memset(&f, 0, sizeof(f));
	drive(&f, FSM_ST_REQSENT);
	for (i = 0; i < 50 && f.state == FSM_ST_REQSENT; i++)
		rx_rcn(&f);
	assert_int_equal(f.state, FSM_ST_STOPPED);
	assert_int_equal(nsent[FSM_CODE_CONFIGREQ],
	    FSM_DEF_MAX_CONFIGURE - 1);
	assert_int_equal(last_fail, FSM_FAIL_NEGOT_FAILURE);
	fsm_stop(&f);
}

/* Replies must match our last request: identifier and Ack contents. */
static void
test_id_and_ack_matching(void **state)
{
	static const uint8_t other[] = { OPT_GOOD, 4, 0x05, 0xdd };
	struct fsm f;
	uint8_t id;

	(void)state;
	memset(&f, 0, sizeof(f));
	drive(&f, FSM_ST_REQSENT);
	id = f.reqid;
	rx(&f, FSM_CODE_CONFIGACK, (uint8_t)(id + 1), opt_good, 4);
	rx(&f, FSM_CODE_CONFIGNAK, (uint8_t)(id - 1), opt_good, 4);
	rx(&f, FSM_CODE_CONFIGREJ, (uint8_t)(id + 7), opt_good, 4);
	assert_int_equal(f.state, FSM_ST_REQSENT);
	assert_string_equal(trace, "");
	rx(&f, FSM_CODE_CONFIGACK, id, other, 4);
	assert_int_equal(f.state, FSM_ST_REQSENT);
	assert_int_equal(f.rx_bad, 1);
	rx(&f, FSM_CODE_CONFIGACK, id, NULL, 0);
	assert_int_equal(f.state, FSM_ST_REQSENT);
	rx_rca(&f);
	assert_int_equal(f.state, FSM_ST_ACKRCVD);

	/* each Conf-Req has a new identifier */
	drive(&f, FSM_ST_REQSENT);
	id = f.reqid;
	fire(&f);
	assert_int_not_equal(f.reqid, id);
	assert_int_equal(last_pkt[1], f.reqid);
	/* Term-Ack answers with the request's identifier */
	rx_rtr(&f);
	assert_int_equal(last_pkt[0], FSM_CODE_TERMACK);
	assert_int_equal(last_pkt[1], 0x50);
	fsm_stop(&f);
}

/* Unknown codes: Code-Reject carrying the whole packet. */
static void
test_code_reject(void **state)
{
	static const uint8_t pkt[] = { 42, 9, 0, 7, 1, 2, 3, 0xee, 0xee };
	struct fsm f;

	(void)state;
	memset(&f, 0, sizeof(f));
	drive(&f, FSM_ST_OPENED);
	fsm_input(&f, pkt, sizeof(pkt));	/* 2 bytes of padding */
	assert_int_equal(last_pkt[0], FSM_CODE_CODEREJ);
	assert_int_equal(last_len, 4 + 7);
	assert_memory_equal(last_pkt + 4, pkt, 7);
	assert_int_equal(f.rx_unknown, 1);
	assert_int_equal(f.state, FSM_ST_OPENED);

	/* known to the automaton but not to this protocol: Code-Reject */
	rx(&f, FSM_CODE_IDENT, 3, NULL, 0);
	assert_int_equal(last_pkt[0], FSM_CODE_CODEREJ);
	/* a code the protocol lists but refuses (recv_code false) */
	rx(&f, FSM_CODE_PROTOREJ, 3, NULL, 0);	/* short: dropped */
	assert_int_equal(f.rx_bad, 1);

	/* Code-Reject of Echo is catastrophic (mpd5), of Ident not */
	drive(&f, FSM_ST_OPENED);
	rx(&f, FSM_CODE_CODEREJ, 1, (const uint8_t[]){ 9, 1, 0, 4 }, 4);
	assert_int_equal(f.state, FSM_ST_STOPPING);
	assert_int_equal(last_fail, FSM_FAIL_RECD_CODEREJ);
	drive(&f, FSM_ST_OPENED);
	rx(&f, FSM_CODE_CODEREJ, 1, (const uint8_t[]){ 13 }, 1);
	assert_int_equal(f.state, FSM_ST_OPENED);
	rx(&f, FSM_CODE_CODEREJ, 1, NULL, 0);	/* short: dropped */
	assert_int_equal(f.state, FSM_ST_OPENED);
	fsm_stop(&f);
}

/* Protocol-Reject: of ourselves RXJ-, of another protocol RXJ+. */
static void
test_protocol_reject(void **state)
{
	static const uint8_t self[] = { 0x89, 0x99, 0x01, 0x01 };
	static const uint8_t other[] = { 0x80, 0x21, 0x01, 0x01 };
	struct fsm f;

	(void)state;
	memset(&f, 0, sizeof(f));
	drive(&f, FSM_ST_ACKRCVD);
	rx(&f, FSM_CODE_PROTOREJ, 1, other, sizeof(other));
	assert_int_equal(nrecv_code, 1);
	assert_int_equal(f.state, FSM_ST_REQSENT);	/* RXJ+ */
	drive(&f, FSM_ST_OPENED);
	rx(&f, FSM_CODE_PROTOREJ, 2, other, sizeof(other));
	assert_int_equal(f.state, FSM_ST_OPENED);
	rx(&f, FSM_CODE_PROTOREJ, 3, self, sizeof(self));
	assert_int_equal(f.state, FSM_ST_STOPPING);
	assert_int_equal(last_fail, FSM_FAIL_RECD_PROTOREJ);
	drive(&f, FSM_ST_OPENED);
	fsm_protorej(&f);
	assert_int_equal(f.state, FSM_ST_STOPPING);
	assert_int_equal(last_fail, FSM_FAIL_WAS_PROTREJ);
	fsm_stop(&f);
}

/* Malformed packets are dropped and counted, never answered. */
static void
test_malformed(void **state)
{
	static const uint8_t runt[] = { 1, 1, 0 };
	static const uint8_t longer[] = { 1, 1, 0, 9, 1, 4, 0 };
	static const uint8_t shorter[] = { 1, 1, 0, 3 };
	static const uint8_t badopt[] = { 1, 1, 0, 7, 1, 4, 0 };
	static const uint8_t zeroopt[] = { 1, 1, 0, 6, 1, 0 };
	struct fsm f;

	(void)state;
	memset(&f, 0, sizeof(f));
	drive(&f, FSM_ST_REQSENT);
	fsm_input(&f, runt, sizeof(runt));
	fsm_input(&f, longer, sizeof(longer));
	fsm_input(&f, shorter, sizeof(shorter));
	fsm_input(&f, badopt, sizeof(badopt));
	fsm_input(&f, zeroopt, sizeof(zeroopt));
	fsm_input(&f, runt, 0);
	assert_int_equal(f.rx_bad, 6);
	assert_string_equal(trace, "");
	assert_int_equal(f.state, FSM_ST_REQSENT);

	assert_true(fsm_opts_valid(NULL, 0));
	assert_true(fsm_opts_valid(opt_good, 4));
	assert_false(fsm_opts_valid(opt_good, 3));
	assert_false(fsm_opts_valid((const uint8_t[]){ 1 }, 1));
	assert_false(fsm_opts_valid((const uint8_t[]){ 1, 1 }, 2));
	fsm_stop(&f);
}

/* Passive: a failed negotiation waits in Stopped, no tlf. */
static void
test_passive(void **state)
{
	struct fsm f;

	(void)state;
	memset(&f, 0, sizeof(f));
	drive(&f, FSM_ST_REQSENT);
	f.passive = true;
	f.restart = 0;
	fire(&f);
	assert_int_equal(f.state, FSM_ST_STOPPED);
	assert_string_equal(trace, "");
	/* the peer's request restarts the negotiation */
	rx_rcr_good(&f);
	assert_int_equal(f.state, FSM_ST_ACKSENT);
	assert_int_equal(nconfigure, 2);
	fsm_stop(&f);
}

/* Transitions are logged as "[name] PROTO: state change X --> Y". */
static void
test_log_lines(void **state)
{
	struct fsm f;

	(void)state;
	memset(&f, 0, sizeof(f));
	g_log_mask |= LG_FSM | LG_LCP;
	loglines[0] = '\0';
	log_set_hook(log_capture);
	drive(&f, FSM_ST_REQSENT);
	log_set_hook(NULL);
	assert_non_null(strstr(loglines,
	    "[T1] TST: state change Initial --> Starting\n"));
	assert_non_null(strstr(loglines,
	    "[T1] TST: state change Starting --> Req-Sent\n"));
	assert_non_null(strstr(loglines, "[T1] TST: SendConfigReq #1\n"));
	assert_string_equal(fsm_code_name(1), "Configure Request");
	assert_string_equal(fsm_code_name(200), "UNKNOWN");
	assert_string_equal(fsm_state_name(FSM_ST_ACKSENT), "Ack-Sent");
	fsm_stop(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_event_table),
		cmocka_unit_test(test_restart_counter_values),
		cmocka_unit_test(test_restart_exhaustion),
		cmocka_unit_test(test_max_failure),
		cmocka_unit_test(test_reject_order),
		cmocka_unit_test(test_config_budget),
		cmocka_unit_test(test_id_and_ack_matching),
		cmocka_unit_test(test_code_reject),
		cmocka_unit_test(test_protocol_reject),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_passive),
		cmocka_unit_test(test_log_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
