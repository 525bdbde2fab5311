/*
 * fuzz_l2tpnl.c - libFuzzer target for the parser of the kernel's
 * generic netlink answers (sys/l2tpnl.c: acks, errors, the "l2tp"
 * family id of CTRL_CMD_GETFAMILY).
 *
 * The input is a 4-byte sequence number (host order) followed by one
 * datagram as read from the netlink socket.  The parser must stay inside
 * the datagram, and what it reports must be consistent: nothing on a
 * malformed datagram, an errno in 1..4095 for an error, a non-zero id
 * for a family.  The request builders are run on the same numbers and
 * must produce aligned messages whose length field is their size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sys/l2tpnl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_req(const uint8_t *b, size_t n)
{
	uint32_t len;

	if (n == 0)
		abort();
	memcpy(&len, b, 4);
	if (len != n || n % 4 != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct l2tpnl_reply r;
	struct l2tpnl_sess s;
	uint8_t b[128];
	uint32_t seq;
	int rc;

	if (size < 4)
		return 0;
	memcpy(&seq, data, 4);
	rc = l2tpnl_parse(data + 4, size - 4, seq, &r);
	switch (r.kind) {
	case L2TPNL_NONE:
		break;
	case L2TPNL_ACK:
		if (rc != 0 || r.error != 0)
			abort();
		break;
	case L2TPNL_ERROR:
		if (rc != 0 || r.error <= 0 || r.error > 4095)
			abort();
		break;
	case L2TPNL_FAMILY:
		if (rc != 0 || r.family == 0)
			abort();
		break;
	default:
		abort();
	}
	if (rc < 0 && r.kind != L2TPNL_NONE)
		abort();

	memset(&s, 0, sizeof(s));
	s.tid = (uint16_t)seq;
	s.ptid = (uint16_t)(seq >> 16);
	s.sid = (uint16_t)~seq;
	s.psid = (uint16_t)(seq >> 8);
	s.send_seq = seq & 1;
	s.lns_mode = seq & 2;
	check_req(b, l2tpnl_req_family(b, sizeof(b), seq));
	check_req(b, l2tpnl_req_tunnel_create(b, sizeof(b), s.ptid, seq,
	    s.tid, s.ptid, (int)(seq & 0xffff)));
	check_req(b, l2tpnl_req_session_create(b, sizeof(b), s.ptid, seq, &s));
	check_req(b, l2tpnl_req_session_delete(b, sizeof(b), s.ptid, seq,
	    s.tid, s.sid));
	check_req(b, l2tpnl_req_tunnel_delete(b, sizeof(b), s.ptid, seq,
	    s.tid));
	return 0;
}
