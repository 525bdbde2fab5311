/*
 * fsm.c - the generic PPP option negotiation automaton of RFC 1661
 * section 4, shared by LCP, IPCP, IPv6CP, CCP and ECP.
 *
 * The automaton owns the states, the restart timer and counters, packet
 * framing, identifier matching, Code-Reject and the Max-Failure rule; the
 * protocol (struct fsm_type) owns the option codecs and the layer
 * actions.  It performs no I/O of its own: packets go out through the
 * owner's output hook and time is the restart timer of core/event.h, so
 * tests drive it with a fake wire and call the timer callback themselves.
 *
 * RFC 1661 4.1, the state transition table.  Events: Up, Down (lower
 * layer), Open, Close (administrative), TO+/TO- (restart timer with the
 * counter above/at zero), RCR+/RCR- (good/bad Configure-Request), RCA,
 * RCN (Configure-Nak or -Reject), RTR, RTA (Terminate-Request/-Ack), RUC
 * (unknown code), RXJ+/RXJ- (permitted/catastrophic Code- or Protocol-
 * Reject), RXR (Echo/Discard).  Actions: tlu/tld/tls/tlf (This-Layer-Up/
 * Down/Started/Finished), irc/zrc (initialize/zero restart count), scr
 * sca scn str sta scj ser (send Configure-Request, -Ack, -Nak/-Reject,
 * Terminate-Request, -Ack, Code-Reject, Echo-Reply).  "/N" is the next
 * state; r = restart option, p = passive option, x = crossed connection.
 *
 *       | 0 Initial 1 Starting 2 Closed   3 Stopped      4 Closing 5 Stopping
 *  -----+--------------------------------------------------------------------
 *  Up   |   2       irc,scr/6    -          -              -         -
 *  Down |   -          -         0        tls/1            0         1
 *  Open | tls/1        1      irc,scr/6    3r              5r        5r
 *  Close|   0        tlf/0       2          2              4         4
 *  TO+  |   -          -         -          -            str/4     str/5
 *  TO-  |   -          -         -          -            tlf/2     tlf/3
 *  RCR+ |   -          -       sta/2  irc,scr,sca/8        4         5
 *  RCR- |   -          -       sta/2  irc,scr,scn/6        4         5
 *  RCA  |   -          -       sta/2      sta/3            4         5
 *  RCN  |   -          -       sta/2      sta/3            4         5
 *  RTR  |   -          -       sta/2      sta/3          sta/4     sta/5
 *  RTA  |   -          -         2          3            tlf/2     tlf/3
 *  RUC  |   -          -       scj/2      scj/3          scj/4     scj/5
 *  RXJ+ |   -          -         2          3              4         5
 *  RXJ- |   -          -       tlf/2      tlf/3          tlf/2     tlf/3
 *  RXR  |   -          -         2          3              4         5
 *
 *       | 6 Req-Sent  7 Ack-Rcvd  8 Ack-Sent   9 Opened
 *  -----+-----------------------------------------------
 *  Up   |    -           -           -            -
 *  Down |    1           1           1          tld/1
 *  Open |    6           7           8            9r
 *  Close| irc,str/4   irc,str/4   irc,str/4   tld,irc,str/4
 *  TO+  |  scr/6       scr/6       scr/8          -
 *  TO-  |  tlf/3p      tlf/3p      tlf/3p         -
 *  RCR+ |  sca/8     sca,tlu/9     sca/8    tld,scr,sca/8
 *  RCR- |  scn/6       scn/7       scn/6    tld,scr,scn/6
 *  RCA  |  irc/7       scr/6x    irc,tlu/9    tld,scr/6x
 *  RCN  | irc,scr/6    scr/6x    irc,scr/8    tld,scr/6x
 *  RTR  |  sta/6       sta/6       sta/6    tld,zrc,sta/5
 *  RTA  |    6           6           8        tld,scr/6
 *  RUC  |  scj/6       scj/7       scj/8        scj/9
 *  RXJ+ |    6           6           8            9
 *  RXJ- |  tlf/3       tlf/3       tlf/3    tld,irc,str/5
 *  RXR  |    6           7           8          ser/9
 *
 * Where this automaton departs from the table, on purpose (the first
 * five are mpd5's; the rest are ours and are marked "Departure" in the
 * code as well):
 *  - Open in Closed and RCR in Stopped also signal tls, so the lower
 *    layer is (re)opened whatever path led here ("missing in RFC 1661"
 *    in mpd5).  Down in Closing signals tlf before going to Initial.
 *  - The restart option ("r") is not implemented: Open in Stopped,
 *    Stopping, Closing->Stopping and Opened does not bounce the link.
 *  - TO- and every other failure while negotiating (RXJ-, Max-Failure,
 *    loop-back) go through fsm_failure(): Stopped, and tlf unless the
 *    passive option is set, after which the layer waits in Stopped for
 *    the peer's Configure-Request (RFC 1661 4.6 "passive").
 *  - Down and Close from a negotiating state also call unconfigure, so
 *    no half-negotiated value survives into the next negotiation.
 *  - Configure-Requests we send without getting them acknowledged are
 *    budgeted by Max-Configure (f->config, reset by a valid RCA): when
 *    a Nak/Reject would make us send one more, the negotiation "is not
 *    converging" and fails.  The RFC would loop as long as the peer
 *    keeps answering.
 *  - Max-Failure (RFC 1661 4.6) counts the Naks we send without an Ack;
 *    at zero, Naks are turned into Rejects of the same options, as the
 *    RFC says (Rejects themselves do not count).  In addition, after
 *    three times Max-Failure Naks and Rejects without an Ack the
 *    negotiation fails, so a peer insisting on rejected options cannot
 *    loop forever.
 *  - Terminate-Ack carries the identifier of the packet it answers
 *    (RFC 1661 5.5); mpd5 used a fresh one.  Code-Reject carries the
 *    whole rejected packet from its Code field (RFC 1661 5.6), truncated
 *    to the peer's MRU.
 *  - A Configure-Ack must repeat our last request exactly (RFC 1661
 *    5.2); one that does not is dropped like a wrong identifier.
 *  - Configure packets whose option list is malformed (an option length
 *    below 2 or past the end) are dropped and counted, not answered.
 *  - Callbacks run after the state change and after the packets of the
 *    transition were sent, so a layer action that feeds a new event
 *    into the automaton (closing the link from This-Layer-Up, say)
 *    finds a consistent state.
 */
#include "fsm.h"

#include <stdio.h>
#include <string.h>

#include "../core/log.h"

/* Log with the mpd5 prefix "[owner] PROTO: ". */
#define FSM_LOG(f, cls, fmt, ...)					\
	log_msg((cls), "[%s] %s: " fmt, (f)->owner_name,		\
	    (f)->type->name, ##__VA_ARGS__)

static void	fsm_timeout(void *arg);

/* Log classes: negotiation (LG_FSM or the protocol's) and details. */
static uint64_t
fsm_log1(const struct fsm *f)
{
	return LG_FSM | f->type->log;
}

static uint64_t
fsm_log2(const struct fsm *f)
{
	return LG_FSM | f->type->log2;
}

/* ---- names ---- */

/* Name of a state as `show` prints it; static strings. */
const char *
fsm_state_name(enum fsm_state st)
{
	switch (st) {
	case FSM_ST_INITIAL:
		return "Initial";
	case FSM_ST_STARTING:
		return "Starting";
	case FSM_ST_CLOSED:
		return "Closed";
	case FSM_ST_STOPPED:
		return "Stopped";
	case FSM_ST_CLOSING:
		return "Closing";
	case FSM_ST_STOPPING:
		return "Stopping";
	case FSM_ST_REQSENT:
		return "Req-Sent";
	case FSM_ST_ACKRCVD:
		return "Ack-Rcvd";
	case FSM_ST_ACKSENT:
		return "Ack-Sent";
	case FSM_ST_OPENED:
		return "Opened";
	}
	return "???";
}

/* Name of a packet code for logs; static strings. */
const char *
fsm_code_name(uint8_t code)
{
	static const char *const names[] = {
		"Vendor Packet", "Configure Request", "Configure Ack",
		"Configure Nak", "Configure Reject", "Terminate Request",
		"Terminate Ack", "Code Reject", "Protocol Reject",
		"Echo Request", "Echo Reply", "Discard Request", "Ident",
		"Time Remain", "Reset Request", "Reset Ack",
	};

	if (code < sizeof(names) / sizeof(names[0]))
		return names[code];
	return "UNKNOWN";
}

/* Why a layer failed, in mpd5's words; static strings. */
const char *
fsm_fail_str(enum fsm_fail why)
{
	switch (why) {
	case FSM_FAIL_NEGOT_FAILURE:
		return "parameter negotiation failed";
	case FSM_FAIL_RECD_BADMAGIC:
		return "received an invalid magic number";
	case FSM_FAIL_RECD_CODEREJ:
		return "received fatal code reject";
	case FSM_FAIL_RECD_PROTOREJ:
		return "received fatal protocol reject";
	case FSM_FAIL_WAS_OPENED_TIMEOUT:
		return "no response to configure requests";
	case FSM_FAIL_RECD_TERMREQ:
		return "terminated by peer";
	case FSM_FAIL_WAS_PROTREJ:
		return "protocol was rejected by peer";
	case FSM_FAIL_ECHO_TIMEOUT:
		return "peer not responding to echo requests";
	case FSM_FAIL_LOOPBACK:
		return "loop-back detected";
	}
	return "unknown reason";
}

/* ---- option lists ---- */

/* Step over one option of a list (see fsm.h); pure. */
int
fsm_opt_next(const uint8_t **p, size_t *left, const uint8_t **opt,
    size_t *optlen)
{
	size_t olen;

	if (*left == 0)
		return 0;
	if (*left < 2)
		return -1;
	olen = (*p)[1];
	if (olen < 2 || olen > *left)
		return -1;
	*opt = *p;
	*optlen = olen;
	*p += olen;
	*left -= olen;
	return 1;
}

/* Whole option list well formed?  Pure. */
bool
fsm_opts_valid(const uint8_t *opts, size_t len)
{
	const uint8_t *opt;
	size_t olen;
	int rc;

	while ((rc = fsm_opt_next(&opts, &len, &opt, &olen)) == 1)
		;
	return rc == 0;
}

bool
fsm_opt_bogus(struct fsm *f, const uint8_t *opts, size_t len)
{
	if (len >= 2 && opts[1] >= 2 && opts[1] <= len)
		return false;
	log_msg(f->type->log, "[%s]   bogus option, %zu bytes ignored",
	    f->owner_name, len);
	f->rx_bad++;
	return true;
}

static void
fsm_list_add(uint8_t *list, size_t *used, const uint8_t *opt, size_t len)
{
	if (len > FSM_MAX_PACKET - *used)
		return;
	memcpy(list + *used, opt, len);
	*used += len;
}

/* Append an option to the Ack list of d (no-op when full). */
void
fsm_ack(struct fsm_decode *d, const uint8_t *opt, size_t len)
{
	fsm_list_add(d->ack, &d->acklen, opt, len);
}

/* Append an option to the Nak list of d (no-op when full). */
void
fsm_nak(struct fsm_decode *d, const uint8_t *opt, size_t len)
{
	fsm_list_add(d->nak, &d->naklen, opt, len);
}

/* Append an option to the Reject list of d (no-op when full). */
void
fsm_rej(struct fsm_decode *d, const uint8_t *opt, size_t len)
{
	fsm_list_add(d->rej, &d->rejlen, opt, len);
}

/*
 * Max-Failure reached: every option we would Nak is rejected instead.
 * The Reject is rebuilt from the request so that the options appear
 * unmodified and in their original order (RFC 1661 5.4).
 */
static void
fsm_nak_to_rej(struct fsm_decode *d, const uint8_t *opts, size_t len)
{
	bool mark[256];
	const uint8_t *p, *opt;
	size_t left, olen;

	memset(mark, 0, sizeof(mark));
	p = d->rej;
	left = d->rejlen;
	while (fsm_opt_next(&p, &left, &opt, &olen) == 1)
		mark[opt[0]] = true;
	p = d->nak;
	left = d->naklen;
	while (fsm_opt_next(&p, &left, &opt, &olen) == 1)
		mark[opt[0]] = true;
	d->rejlen = 0;
	d->naklen = 0;
	while (fsm_opt_next(&opts, &len, &opt, &olen) == 1)
		if (mark[opt[0]])
			fsm_rej(d, opt, olen);
}

/* ---- output ---- */

/* Largest packet the peer takes (code through data). */
static size_t
fsm_max_packet(const struct fsm *f)
{
	if (f->peer_mru >= 4 && f->peer_mru < FSM_MAX_PACKET)
		return f->peer_mru;
	return FSM_MAX_PACKET;
}

/*
 * Frame code/id/data (truncated to the peer's MRU) and hand it
 * to the owner's output hook.  Borrows data.
 */
void
fsm_send(struct fsm *f, uint8_t code, uint8_t id, const void *data,
    size_t len)
{
	uint8_t pkt[FSM_MAX_PACKET];
	size_t max = fsm_max_packet(f) - 4;

	if (len > max)
		len = max;
	pkt[0] = code;
	pkt[1] = id;
	pkt[2] = (uint8_t)((len + 4) >> 8);
	pkt[3] = (uint8_t)(len + 4);
	if (len > 0)
		memcpy(pkt + 4, data, len);
	if (f->output != NULL)
		f->output(f, pkt, len + 4);
}

/* ---- state changes and layer actions ---- */

/*
 * The only place f->state changes: log, stop the restart timer in the
 * states that do not use it, tell the protocol.
 */
static void
fsm_new_state(struct fsm *f, enum fsm_state st)
{
	enum fsm_state old = f->state;

	log_msg(fsm_log2(f), "[%s] %s: state change %s --> %s",
	    f->owner_name, f->type->name, fsm_state_name(old),
	    fsm_state_name(st));
	f->state = st;
	switch (st) {
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
	case FSM_ST_CLOSED:
	case FSM_ST_STOPPED:
	case FSM_ST_OPENED:
		timer_stop(&f->timer);
		break;
	case FSM_ST_CLOSING:
	case FSM_ST_STOPPING:
	case FSM_ST_REQSENT:
	case FSM_ST_ACKRCVD:
	case FSM_ST_ACKSENT:
		break;
	}
	if (f->type->new_state != NULL)
		f->type->new_state(f, old, st);
}

static void
fsm_tlu(struct fsm *f)
{
	FSM_LOG(f, fsm_log2(f), "LayerUp");
	if (f->type->layer_up != NULL)
		f->type->layer_up(f);
}

static void
fsm_tld(struct fsm *f)
{
	FSM_LOG(f, fsm_log2(f), "LayerDown");
	if (f->type->layer_down != NULL)
		f->type->layer_down(f);
}

static void
fsm_tls(struct fsm *f)
{
	FSM_LOG(f, fsm_log2(f), "LayerStart");
	if (f->type->layer_start != NULL)
		f->type->layer_start(f);
}

static void
fsm_tlf(struct fsm *f)
{
	FSM_LOG(f, fsm_log2(f), "LayerFinish");
	if (f->type->layer_finish != NULL)
		f->type->layer_finish(f);
}

static void
fsm_unconfigure(struct fsm *f)
{
	if (f->type->unconfigure != NULL)
		f->type->unconfigure(f);
}

/* irc / zrc: (re)arm the restart timer with the current timeout. */
static void
fsm_irc(struct fsm *f, int value)
{
	int secs = f->timeout > 0 ? f->timeout : 1;

	timer_init(&f->timer, f->type->name, (uint32_t)secs * 1000u,
	    fsm_timeout, f);
	f->restart = value;
}

/* Start of a negotiation: counters of 4.6 and our Conf-Req budget. */
static void
fsm_start_negotiation(struct fsm *f)
{
	fsm_irc(f, f->max_configure);
	f->failure = f->max_failure;
	f->unacked = 0;
	f->config = f->max_configure;
}

static void
fsm_decode(struct fsm *f, const uint8_t *opts, size_t len,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	if (f->type->decode_config != NULL)
		f->type->decode_config(f, opts, len, mode, d);
}

/* scr */
static void
fsm_scr(struct fsm *f)
{
	uint8_t opts[FSM_MAX_PACKET - 4];
	size_t len = 0;

	if (f->type->build_config != NULL)
		len = f->type->build_config(f, opts, sizeof(opts));
	if (len > sizeof(opts))
		len = 0;
	f->reqid = f->lastid++;
	FSM_LOG(f, fsm_log1(f), "SendConfigReq #%d", f->reqid);
	fsm_decode(f, opts, len, FSM_MODE_NOP, NULL);
	fsm_send(f, FSM_CODE_CONFIGREQ, f->reqid, opts, len);
	timer_start(&f->timer);
	f->restart--;
	f->config--;
}

/* str */
static void
fsm_str(struct fsm *f)
{
	uint8_t id = f->lastid++;

	FSM_LOG(f, fsm_log1(f), "SendTerminateReq #%d", id);
	fsm_send(f, FSM_CODE_TERMREQ, id, NULL, 0);
	timer_start(&f->timer);
	f->restart--;
}

/* sta: answers the packet with identifier id. */
static void
fsm_sta(struct fsm *f, uint8_t id)
{
	FSM_LOG(f, fsm_log1(f), "SendTerminateAck #%d", id);
	fsm_send(f, FSM_CODE_TERMACK, id, NULL, 0);
}

/* sca / scn (Nak or Reject) */
static void
fsm_send_reply(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *opts,
    size_t len)
{
	FSM_LOG(f, fsm_log1(f), "SendConfig%s #%d",
	    code == FSM_CODE_CONFIGACK ? "Ack" :
	    code == FSM_CODE_CONFIGNAK ? "Nak" : "Rej", id);
	fsm_decode(f, opts, len, FSM_MODE_NOP, NULL);
	fsm_send(f, code, id, opts, len);
}

/* scj: pkt is the whole rejected packet, from its Code field. */
static void
fsm_scj(struct fsm *f, const uint8_t *pkt, size_t len)
{
	uint8_t id = f->lastid++;

	FSM_LOG(f, fsm_log1(f), "SendCodeRej #%d", id);
	f->rx_unknown++;
	fsm_send(f, FSM_CODE_CODEREJ, id, pkt, len);
}

/* ---- public events ---- */

/* Reset f to Initial with the RFC defaults; no timer running. */
void
fsm_init(struct fsm *f, const struct fsm_type *t, void *owner,
    const char *owner_name, fsm_output_fn *output, int timeout)
{
	memset(f, 0, sizeof(*f));
	f->type = t;
	f->owner = owner;
	f->owner_name = owner_name;
	f->output = output;
	f->state = FSM_ST_INITIAL;
	f->reqid = 0;
	f->lastid = 1;
	f->max_configure = FSM_DEF_MAX_CONFIGURE;
	f->max_terminate = FSM_DEF_MAX_TERMINATE;
	f->max_failure = FSM_DEF_MAX_FAILURE;
	f->timeout = timeout;
}

/* Stop the restart timer (owner destruction); idempotent. */
void
fsm_stop(struct fsm *f)
{
	timer_stop(&f->timer);
}

/* Open event (administrative). */
void
fsm_open(struct fsm *f)
{
	FSM_LOG(f, fsm_log2(f), "Open event");
	switch (f->state) {
	case FSM_ST_INITIAL:
		fsm_new_state(f, FSM_ST_STARTING);
		fsm_tls(f);
		break;
	case FSM_ST_CLOSED:
		f->type->configure(f);
		fsm_new_state(f, FSM_ST_REQSENT);
		fsm_start_negotiation(f);
		fsm_scr(f);
		/* mpd5: tls here too, missing in RFC 1661. */
		fsm_tls(f);
		break;
	case FSM_ST_CLOSING:
		/* 5r without the restart option */
		fsm_new_state(f, FSM_ST_STOPPING);
		break;
	case FSM_ST_STARTING:
	case FSM_ST_STOPPED:
	case FSM_ST_STOPPING:
	case FSM_ST_REQSENT:
	case FSM_ST_ACKRCVD:
	case FSM_ST_ACKSENT:
	case FSM_ST_OPENED:
		break;
	}
}

/* Close event (administrative). */
void
fsm_close(struct fsm *f)
{
	FSM_LOG(f, fsm_log2(f), "Close event");
	switch (f->state) {
	case FSM_ST_STARTING:
		fsm_new_state(f, FSM_ST_INITIAL);
		fsm_tlf(f);
		break;
	case FSM_ST_STOPPED:
		fsm_new_state(f, FSM_ST_CLOSED);
		break;
	case FSM_ST_STOPPING:
		fsm_new_state(f, FSM_ST_CLOSING);
		break;
	case FSM_ST_OPENED:
		fsm_new_state(f, FSM_ST_CLOSING);
		fsm_irc(f, f->max_terminate);
		fsm_str(f);
		fsm_tld(f);
		fsm_unconfigure(f);
		break;
	case FSM_ST_REQSENT:
	case FSM_ST_ACKRCVD:
	case FSM_ST_ACKSENT:
		fsm_new_state(f, FSM_ST_CLOSING);
		fsm_irc(f, f->max_terminate);
		fsm_str(f);
		fsm_unconfigure(f);
		break;
	case FSM_ST_INITIAL:
	case FSM_ST_CLOSED:
	case FSM_ST_CLOSING:
		break;
	}
}

/* Up event (lower layer ready). */
void
fsm_up(struct fsm *f)
{
	FSM_LOG(f, fsm_log2(f), "Up event");
	switch (f->state) {
	case FSM_ST_INITIAL:
		fsm_new_state(f, FSM_ST_CLOSED);
		break;
	case FSM_ST_STARTING:
		f->type->configure(f);
		fsm_new_state(f, FSM_ST_REQSENT);
		fsm_start_negotiation(f);
		fsm_scr(f);
		break;
	case FSM_ST_CLOSED:
	case FSM_ST_STOPPED:
	case FSM_ST_CLOSING:
	case FSM_ST_STOPPING:
	case FSM_ST_REQSENT:
	case FSM_ST_ACKRCVD:
	case FSM_ST_ACKSENT:
	case FSM_ST_OPENED:
		FSM_LOG(f, fsm_log2(f), "Oops, UP at %s",
		    fsm_state_name(f->state));
		break;
	}
}

/* Down event (lower layer gone). */
void
fsm_down(struct fsm *f)
{
	FSM_LOG(f, fsm_log2(f), "Down event");
	switch (f->state) {
	case FSM_ST_CLOSING:
		fsm_new_state(f, FSM_ST_INITIAL);
		/* mpd5: tlf here, missing in RFC 1661. */
		fsm_tlf(f);
		break;
	case FSM_ST_CLOSED:
		fsm_new_state(f, FSM_ST_INITIAL);
		break;
	case FSM_ST_STOPPED:
		fsm_new_state(f, FSM_ST_STARTING);
		fsm_tls(f);
		break;
	case FSM_ST_STOPPING:
	case FSM_ST_REQSENT:
	case FSM_ST_ACKRCVD:
	case FSM_ST_ACKSENT:
		fsm_new_state(f, FSM_ST_STARTING);
		fsm_unconfigure(f);
		break;
	case FSM_ST_OPENED:
		fsm_new_state(f, FSM_ST_STARTING);
		fsm_tld(f);
		fsm_unconfigure(f);
		break;
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
		break;
	}
}

/* RXJ- style shutdown after the protocol was told why. */
void
fsm_failure(struct fsm *f, enum fsm_fail why)
{
	FSM_LOG(f, fsm_log1(f), "%s", fsm_fail_str(why));
	if (f->type->failure != NULL)
		f->type->failure(f, why);
	switch (f->state) {
	case FSM_ST_CLOSING:
		fsm_new_state(f, FSM_ST_CLOSED);
		fsm_tlf(f);
		break;
	case FSM_ST_CLOSED:
		fsm_tlf(f);
		break;
	case FSM_ST_STOPPING:
		fsm_new_state(f, FSM_ST_STOPPED);
		fsm_tlf(f);
		break;
	case FSM_ST_REQSENT:
	case FSM_ST_ACKRCVD:
	case FSM_ST_ACKSENT:
		fsm_new_state(f, FSM_ST_STOPPED);
		fsm_unconfigure(f);
		if (!f->passive)
			fsm_tlf(f);
		break;
	case FSM_ST_OPENED:
		/*
		 * The peer is alive but hostile or broken: terminate the
		 * whole layer rather than renegotiate (mpd5).
		 */
		fsm_new_state(f, FSM_ST_STOPPING);
		fsm_irc(f, f->max_terminate);
		fsm_str(f);
		fsm_tld(f);
		fsm_unconfigure(f);
		break;
	case FSM_ST_STOPPED:
		if (!f->passive)
			fsm_tlf(f);
		break;
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
		break;
	}
}

/* The peer rejected this protocol: RXJ-. */
void
fsm_protorej(struct fsm *f)
{
	fsm_failure(f, FSM_FAIL_WAS_PROTREJ);
}

/* Restart timer expiry: TO+ or TO-. */
static void
fsm_timeout(void *arg)
{
	struct fsm *f = arg;

	if (f->restart > 0) {
		switch (f->state) {
		case FSM_ST_CLOSING:
		case FSM_ST_STOPPING:
			fsm_str(f);
			break;
		case FSM_ST_REQSENT:
		case FSM_ST_ACKSENT:
			fsm_scr(f);
			break;
		case FSM_ST_ACKRCVD:
			fsm_new_state(f, FSM_ST_REQSENT);
			fsm_scr(f);
			break;
		case FSM_ST_INITIAL:
		case FSM_ST_STARTING:
		case FSM_ST_CLOSED:
		case FSM_ST_STOPPED:
		case FSM_ST_OPENED:
			break;
		}
		return;
	}
	switch (f->state) {
	case FSM_ST_CLOSING:
		fsm_new_state(f, FSM_ST_CLOSED);
		fsm_tlf(f);
		break;
	case FSM_ST_STOPPING:
		fsm_new_state(f, FSM_ST_STOPPED);
		fsm_tlf(f);
		break;
	case FSM_ST_REQSENT:
	case FSM_ST_ACKRCVD:
	case FSM_ST_ACKSENT:
		fsm_failure(f, FSM_FAIL_NEGOT_FAILURE);
		break;
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
	case FSM_ST_CLOSED:
	case FSM_ST_STOPPED:
	case FSM_ST_OPENED:
		break;
	}
}

/* ---- received packets: one handler per code ---- */

/* The option framing of a Configure-* packet; logs and counts. */
static bool
fsm_check_opts(struct fsm *f, const uint8_t *opts, size_t len)
{
	if (fsm_opts_valid(opts, len))
		return true;
	FSM_LOG(f, fsm_log1(f), "malformed option list, packet dropped");
	f->rx_bad++;
	return false;
}

/* RCR+ / RCR- */
static void
fsm_recv_configreq(struct fsm *f, uint8_t id, const uint8_t *opts,
    size_t len)
{
	struct fsm_decode d;
	enum fsm_state old = f->state;
	bool acked;

	switch (f->state) {
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
		FSM_LOG(f, fsm_log2(f), "Oops, RCR in %s",
		    fsm_state_name(f->state));
		return;
	case FSM_ST_CLOSED:
		fsm_sta(f, id);
		return;
	case FSM_ST_CLOSING:
	case FSM_ST_STOPPING:
		return;
	case FSM_ST_STOPPED:
	case FSM_ST_REQSENT:
	case FSM_ST_ACKRCVD:
	case FSM_ST_ACKSENT:
	case FSM_ST_OPENED:
		break;
	}
	if (!fsm_check_opts(f, opts, len))
		return;
	if (f->state == FSM_ST_STOPPED) {
		/* a new negotiation: fresh values and counters */
		f->type->configure(f);
		fsm_start_negotiation(f);
	}

	d.acklen = d.naklen = d.rejlen = 0;
	d.fail = false;
	d.fail_why = FSM_FAIL_NEGOT_FAILURE;
	fsm_decode(f, opts, len, FSM_MODE_REQ, &d);
	if (d.fail) {
		fsm_failure(f, d.fail_why);
		return;
	}
	acked = d.naklen == 0 && d.rejlen == 0;

	/*
	 * Max-Failure counts Naks since our last Ack; exhausted, Naks become
	 * Rejects.  Departure (see top): too many Naks and Rejects without
	 * an Ack and the negotiation fails.
	 */
	if (!acked) {
		if (f->unacked >= 3 * f->max_failure) {
			FSM_LOG(f, fsm_log1(f), "not converging");
			fsm_failure(f, FSM_FAIL_NEGOT_FAILURE);
			return;
		}
		if (f->failure <= 0 && d.naklen > 0)
			fsm_nak_to_rej(&d, opts, len);
	}

	/* The state change first, then the packets (RFC order), then tld. */
	switch (old) {
	case FSM_ST_STOPPED:
		fsm_new_state(f, acked ? FSM_ST_ACKSENT : FSM_ST_REQSENT);
		fsm_scr(f);
		break;
	case FSM_ST_OPENED:
		fsm_new_state(f, acked ? FSM_ST_ACKSENT : FSM_ST_REQSENT);
		fsm_scr(f);
		break;
	case FSM_ST_REQSENT:
		if (acked)
			fsm_new_state(f, FSM_ST_ACKSENT);
		break;
	case FSM_ST_ACKRCVD:
		if (acked)
			fsm_new_state(f, FSM_ST_OPENED);
		break;
	case FSM_ST_ACKSENT:
		if (!acked)
			fsm_new_state(f, FSM_ST_REQSENT);
		break;
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
	case FSM_ST_CLOSED:
	case FSM_ST_CLOSING:
	case FSM_ST_STOPPING:
		break;
	}
	if (acked) {
		fsm_send_reply(f, FSM_CODE_CONFIGACK, id, d.ack, d.acklen);
		f->failure = f->max_failure;
		f->unacked = 0;
	} else if (d.rejlen > 0) {
		fsm_send_reply(f, FSM_CODE_CONFIGREJ, id, d.rej, d.rejlen);
		f->unacked++;
	} else {
		fsm_send_reply(f, FSM_CODE_CONFIGNAK, id, d.nak, d.naklen);
		f->failure--;
		f->unacked++;
	}

	switch (old) {
	case FSM_ST_STOPPED:
		/* mpd5: tls here, missing in RFC 1661. */
		fsm_tls(f);
		break;
	case FSM_ST_OPENED:
		fsm_tld(f);
		break;
	case FSM_ST_ACKRCVD:
		if (acked)
			fsm_tlu(f);
		break;
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
	case FSM_ST_CLOSED:
	case FSM_ST_CLOSING:
	case FSM_ST_STOPPING:
	case FSM_ST_REQSENT:
	case FSM_ST_ACKSENT:
		break;
	}
}

/* Replies to our Configure-Request must carry its identifier. */
static bool
fsm_check_id(struct fsm *f, uint8_t id)
{
	if (id == f->reqid)
		return true;
	log_msg(fsm_log1(f), "[%s]   Wrong id#, expecting %d", f->owner_name,
	    f->reqid);
	return false;
}

/* Does an Ack repeat our current request exactly (RFC 1661 5.2)? */
static bool
fsm_ack_matches(struct fsm *f, const uint8_t *opts, size_t len)
{
	uint8_t want[FSM_MAX_PACKET - 4];
	size_t wlen = 0;

	if (f->type->build_config != NULL)
		wlen = f->type->build_config(f, want, sizeof(want));
	if (wlen == len && (len == 0 || memcmp(want, opts, len) == 0))
		return true;
	FSM_LOG(f, fsm_log1(f), "Configure-Ack does not match our request, "
	    "dropped");
	f->rx_bad++;
	return false;
}

/* RCA */
static void
fsm_recv_configack(struct fsm *f, uint8_t id, const uint8_t *opts,
    size_t len)
{
	if (!fsm_check_id(f, id))
		return;
	switch (f->state) {
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
		FSM_LOG(f, fsm_log2(f), "Oops, RCA in %s",
		    fsm_state_name(f->state));
		return;
	case FSM_ST_CLOSED:
	case FSM_ST_STOPPED:
		fsm_sta(f, id);
		return;
	case FSM_ST_CLOSING:
	case FSM_ST_STOPPING:
		return;
	case FSM_ST_REQSENT:
	case FSM_ST_ACKRCVD:
	case FSM_ST_ACKSENT:
	case FSM_ST_OPENED:
		break;
	}
	if (!fsm_check_opts(f, opts, len) || !fsm_ack_matches(f, opts, len))
		return;
	fsm_decode(f, opts, len, FSM_MODE_NOP, NULL);

	switch (f->state) {
	case FSM_ST_REQSENT:
		fsm_new_state(f, FSM_ST_ACKRCVD);
		fsm_irc(f, f->max_configure);
		f->config = f->max_configure;
		/* The timer keeps running in Ack-Rcvd (TO+ there is scr/6). */
		timer_start(&f->timer);
		if (f->type->recv_ack != NULL)
			f->type->recv_ack(f);
		break;
	case FSM_ST_ACKRCVD:
		/* crossed connection */
		fsm_new_state(f, FSM_ST_REQSENT);
		fsm_scr(f);
		break;
	case FSM_ST_ACKSENT:
		fsm_new_state(f, FSM_ST_OPENED);
		fsm_irc(f, f->max_configure);
		f->config = f->max_configure;
		if (f->type->recv_ack != NULL)
			f->type->recv_ack(f);
		fsm_tlu(f);
		break;
	case FSM_ST_OPENED:
		fsm_new_state(f, FSM_ST_REQSENT);
		fsm_scr(f);
		fsm_tld(f);
		break;
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
	case FSM_ST_CLOSED:
	case FSM_ST_STOPPED:
	case FSM_ST_CLOSING:
	case FSM_ST_STOPPING:
		break;
	}
}

/* RCN: Configure-Nak and Configure-Reject. */
static void
fsm_recv_confignak(struct fsm *f, uint8_t code, uint8_t id,
    const uint8_t *opts, size_t len)
{
	if (!fsm_check_id(f, id))
		return;
	switch (f->state) {
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
		FSM_LOG(f, fsm_log2(f), "Oops, RCN in %s",
		    fsm_state_name(f->state));
		return;
	case FSM_ST_CLOSED:
	case FSM_ST_STOPPED:
		fsm_sta(f, id);
		return;
	case FSM_ST_CLOSING:
	case FSM_ST_STOPPING:
		return;
	case FSM_ST_REQSENT:
	case FSM_ST_ACKRCVD:
	case FSM_ST_ACKSENT:
	case FSM_ST_OPENED:
		break;
	}
	if (!fsm_check_opts(f, opts, len))
		return;
	fsm_decode(f, opts, len,
	    code == FSM_CODE_CONFIGNAK ? FSM_MODE_NAK : FSM_MODE_REJ, NULL);

	/* Departure (see top): the Conf-Req budget of Max-Configure. */
	if (f->config <= 0) {
		FSM_LOG(f, fsm_log1(f), "not converging");
		fsm_failure(f, FSM_FAIL_NEGOT_FAILURE);
		return;
	}

	switch (f->state) {
	case FSM_ST_REQSENT:
	case FSM_ST_ACKSENT:
		fsm_irc(f, f->max_configure);
		fsm_scr(f);
		break;
	case FSM_ST_ACKRCVD:
		/* crossed connection */
		fsm_new_state(f, FSM_ST_REQSENT);
		fsm_scr(f);
		break;
	case FSM_ST_OPENED:
		fsm_new_state(f, FSM_ST_REQSENT);
		fsm_scr(f);
		fsm_tld(f);
		break;
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
	case FSM_ST_CLOSED:
	case FSM_ST_STOPPED:
	case FSM_ST_CLOSING:
	case FSM_ST_STOPPING:
		break;
	}
}

/* RTR */
static void
fsm_recv_termreq(struct fsm *f, uint8_t id)
{
	switch (f->state) {
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
		FSM_LOG(f, fsm_log2(f), "Oops, RTR in %s",
		    fsm_state_name(f->state));
		return;
	case FSM_ST_CLOSED:
	case FSM_ST_STOPPED:
	case FSM_ST_CLOSING:
	case FSM_ST_STOPPING:
	case FSM_ST_REQSENT:
	case FSM_ST_ACKRCVD:
	case FSM_ST_ACKSENT:
	case FSM_ST_OPENED:
		break;
	}
	/* Let the protocol record who ended the session (mpd5). */
	if (f->type->failure != NULL)
		f->type->failure(f, FSM_FAIL_RECD_TERMREQ);
	switch (f->state) {
	case FSM_ST_CLOSED:
	case FSM_ST_STOPPED:
	case FSM_ST_CLOSING:
	case FSM_ST_STOPPING:
	case FSM_ST_REQSENT:
		fsm_sta(f, id);
		break;
	case FSM_ST_ACKRCVD:
	case FSM_ST_ACKSENT:
		fsm_new_state(f, FSM_ST_REQSENT);
		fsm_sta(f, id);
		break;
	case FSM_ST_OPENED:
		fsm_new_state(f, FSM_ST_STOPPING);
		/* zrc: wait one restart period for the peer to hang up */
		fsm_irc(f, 0);
		timer_start(&f->timer);
		fsm_sta(f, id);
		fsm_tld(f);
		fsm_unconfigure(f);
		break;
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
		break;
	}
}

/* RTA */
static void
fsm_recv_termack(struct fsm *f)
{
	switch (f->state) {
	case FSM_ST_CLOSING:
		fsm_new_state(f, FSM_ST_CLOSED);
		fsm_tlf(f);
		break;
	case FSM_ST_STOPPING:
		fsm_new_state(f, FSM_ST_STOPPED);
		fsm_tlf(f);
		break;
	case FSM_ST_ACKRCVD:
		fsm_new_state(f, FSM_ST_REQSENT);
		break;
	case FSM_ST_OPENED:
		fsm_new_state(f, FSM_ST_REQSENT);
		fsm_scr(f);
		fsm_tld(f);
		break;
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
	case FSM_ST_CLOSED:
	case FSM_ST_STOPPED:
	case FSM_ST_REQSENT:
	case FSM_ST_ACKSENT:
		break;
	}
}

/* RXJ+ */
static void
fsm_rxj_plus(struct fsm *f)
{
	switch (f->state) {
	case FSM_ST_ACKRCVD:
		fsm_new_state(f, FSM_ST_REQSENT);
		break;
	case FSM_ST_INITIAL:
	case FSM_ST_STARTING:
	case FSM_ST_CLOSED:
	case FSM_ST_STOPPED:
	case FSM_ST_CLOSING:
	case FSM_ST_STOPPING:
	case FSM_ST_REQSENT:
	case FSM_ST_ACKSENT:
	case FSM_ST_OPENED:
		break;
	}
}

/* Is a Code-Reject of this code catastrophic (RXJ-)?  mpd5's list. */
static bool
fsm_code_essential(uint8_t code)
{
	switch (code) {
	case FSM_CODE_CONFIGREQ:
	case FSM_CODE_CONFIGACK:
	case FSM_CODE_CONFIGNAK:
	case FSM_CODE_CONFIGREJ:
	case FSM_CODE_TERMREQ:
	case FSM_CODE_TERMACK:
	case FSM_CODE_CODEREJ:
	case FSM_CODE_PROTOREJ:
	case FSM_CODE_ECHOREQ:
	case FSM_CODE_ECHOREP:
	case FSM_CODE_RESETREQ:
	case FSM_CODE_RESETACK:
		return true;
	default:
		/* Vendor, Discard, Ident, Time-Remaining and unknown ones */
		return false;
	}
}

/* RXJ from Code-Reject */
static void
fsm_recv_coderej(struct fsm *f, const uint8_t *data, size_t len)
{
	if (len < 1) {
		FSM_LOG(f, fsm_log1(f), "short Code-Reject, dropped");
		f->rx_bad++;
		return;
	}
	FSM_LOG(f, fsm_log1(f), "code %s was rejected",
	    fsm_code_name(data[0]));
	if (fsm_code_essential(data[0]))
		fsm_failure(f, FSM_FAIL_RECD_CODEREJ);
	else
		fsm_rxj_plus(f);
}

/*
 * RXJ from Protocol-Reject (link-level protocols only).  Rejecting this
 * very protocol is catastrophic; any other protocol is the protocol's
 * business (LCP turns it off), which makes the event RXJ+ here.
 */
static void
fsm_recv_protorej(struct fsm *f, uint8_t id, const uint8_t *data,
    size_t len)
{
	uint16_t proto;

	if (len < 2) {
		FSM_LOG(f, fsm_log1(f), "short Protocol-Reject, dropped");
		f->rx_bad++;
		return;
	}
	proto = (uint16_t)(data[0] << 8 | data[1]);
	if (proto == f->type->proto) {
		fsm_failure(f, FSM_FAIL_RECD_PROTOREJ);
		return;
	}
	if (f->type->recv_code != NULL)
		(void)f->type->recv_code(f, FSM_CODE_PROTOREJ, id, data, len);
	fsm_rxj_plus(f);
}

/*
 * One received packet from its Code field; borrows pkt.  Runts,
 * bad lengths and malformed option lists are dropped and counted.
 */
void
fsm_input(struct fsm *f, const uint8_t *pkt, size_t len)
{
	const uint8_t *data;
	uint8_t code, id;
	size_t plen, dlen;
	uint64_t cls;

	if (len < 4) {
		FSM_LOG(f, fsm_log1(f), "runt packet: %zu bytes", len);
		f->rx_bad++;
		return;
	}
	code = pkt[0];
	id = pkt[1];
	plen = (size_t)pkt[2] << 8 | pkt[3];
	if (plen < 4 || plen > len) {
		FSM_LOG(f, fsm_log1(f), "bad length: says %zu, rec'd %zu",
		    plen, len);
		f->rx_bad++;
		return;
	}
	/* Bytes beyond the length field are padding (RFC 1661 5). */
	data = pkt + 4;
	dlen = plen - 4;

	if (code >= 32 || (f->type->codes & FSM_CODE_BIT(code)) == 0) {
		/* RUC */
		FSM_LOG(f, fsm_log1(f), "unknown code %d", code);
		if (f->state != FSM_ST_INITIAL && f->state != FSM_ST_STARTING)
			fsm_scj(f, pkt, plen);
		return;
	}

	if (code == FSM_CODE_ECHOREQ || code == FSM_CODE_ECHOREP)
		cls = LG_ECHO;
	else if (code == FSM_CODE_RESETREQ || code == FSM_CODE_RESETACK)
		cls = fsm_log2(f);
	else
		cls = fsm_log1(f);
	log_msg(cls, "[%s] %s: rec'd %s #%d (%s)", f->owner_name,
	    f->type->name, fsm_code_name(code), id, fsm_state_name(f->state));

	switch (code) {
	case FSM_CODE_CONFIGREQ:
		fsm_recv_configreq(f, id, data, dlen);
		break;
	case FSM_CODE_CONFIGACK:
		fsm_recv_configack(f, id, data, dlen);
		break;
	case FSM_CODE_CONFIGNAK:
	case FSM_CODE_CONFIGREJ:
		fsm_recv_confignak(f, code, id, data, dlen);
		break;
	case FSM_CODE_TERMREQ:
		fsm_recv_termreq(f, id);
		break;
	case FSM_CODE_TERMACK:
		fsm_recv_termack(f);
		break;
	case FSM_CODE_CODEREJ:
		fsm_recv_coderej(f, data, dlen);
		break;
	case FSM_CODE_PROTOREJ:
		fsm_recv_protorej(f, id, data, dlen);
		break;
	default:
		/* The protocol's own codes (Echo, Ident, Reset, ...). */
		if (f->type->recv_code == NULL ||
		    !f->type->recv_code(f, code, id, data, dlen)) {
			if (f->state != FSM_ST_INITIAL &&
			    f->state != FSM_ST_STARTING)
				fsm_scj(f, pkt, plen);
		}
		break;
	}
}
