/*
 * test_radius_proto.c - the RADIUS codec (auth/radius_proto.h): RFC 2865
 * 7.1's Access-Request / Access-Accept example (User-Password hiding and
 * the Response Authenticator), Message-Authenticator round trips (RFC
 * 3579 3.2), the RFC 2548 MS-MPPE key hiding, Accounting-Request and DAE
 * request authenticators (RFC 2866 3, RFC 5176 2.3), the reply parser's
 * attributes and the checks that refuse truncated, oversized and
 * misframed packets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "auth/acct.h"
#include "auth/extauth.h"
#include "auth/radius.h"
#include "auth/radius_proto.h"

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		sscanf(s, "%2x", &v);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* RFC 2865 7.1 */
static const char rfc_req[] =
    "01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb 98 f4 22 7a"
    "01 06 6e 65 6d 6f 02 12 0d be 70 8d 93 d4 13 ce 31 96 e4 3f"
    "78 2a 0a ee 04 06 c0 a8 01 10 05 06 00 00 00 03";
static const char rfc_acc[] =
    "02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf 9b 55 e0 b2"
    "06 06 00 00 00 01 0f 06 00 00 00 00 0e 06 c0 a8 01 03";
#define RFC_SECRET "xyzzy5461"

static void
test_rfc2865_example(void **state)
{
	uint8_t req[64], acc[64];
	size_t rl = unhex(rfc_req, req), al = unhex(rfc_acc, acc);
	struct rad_pkt p;
	struct in_addr a;
	struct rad_reply r;

	(void)state;
	/* build the same request: PAP hiding with the RFC's authenticator */
	rad_pkt_init(&p, RAD_ACCESS_REQUEST, 0, req + 4);
	rad_put_str(&p, RAD_USER_NAME, "nemo");
	assert_int_equal(rad_put_password(&p, RFC_SECRET, "arctangent"), 0);
	inet_pton(AF_INET, "192.168.1.16", &a);
	rad_put_addr(&p, RAD_NAS_IP_ADDRESS, a);
	rad_put_int(&p, RAD_NAS_PORT, 3);
	assert_int_equal(rad_finish_request(&p, RFC_SECRET), (int)rl);
	assert_memory_equal(p.buf, req, rl);
	/* the Accept verifies against that authenticator */
	assert_int_equal(rad_check(acc, al), (int)al);
	assert_int_equal(rad_verify_response(acc, al, req + 4, RFC_SECRET,
	    false), 0);
	assert_int_equal(rad_verify_response(acc, al, req + 4, "wrong",
	    false), -1);
	/* ... but not when a Message-Authenticator is required */
	assert_int_equal(rad_verify_response(acc, al, req + 4, RFC_SECRET,
	    true), -1);
	acc[25] ^= 1;
	assert_int_equal(rad_verify_response(acc, al, req + 4, RFC_SECRET,
	    false), -1);
	acc[25] ^= 1;
	assert_int_equal(rad_parse_reply(acc, al, RFC_SECRET, req + 4, &r), 0);
	assert_int_equal(r.code, RAD_ACCESS_ACCEPT);
	/* Service-Type (ignored), Login-Service and Login-TCP-Port unknown */
	assert_int_equal(r.unknown, 2);
}

static void
test_check_framing(void **state)
{
	uint8_t b[64];
	size_t n = unhex(rfc_acc, b);

	(void)state;
	assert_int_equal(rad_check(b, 19), -1);
	assert_int_equal(rad_check(b, n - 1), -1);	/* Length > datagram */
	assert_int_equal(rad_check(b, n), (int)n);
	b[n] = 0xaa;					/* padding ignored */
	assert_int_equal(rad_check(b, n + 1), (int)n);
	b[21] = 1;					/* attribute length 1 */
	assert_int_equal(rad_check(b, n), -1);
	b[21] = 0x30;					/* past the end */
	assert_int_equal(rad_check(b, n), -1);
	b[21] = 6;
	b[3] = 0x25;					/* splits an attribute */
	assert_int_equal(rad_check(b, n), -1);
	b[3] = 0x13;					/* Length < 20 */
	assert_int_equal(rad_check(b, n), -1);
}

static void
test_message_authenticator(void **state)
{
	static const uint8_t ra[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
	    12, 13, 14, 15, 16 };
	struct rad_pkt p, q;
	int n;

	(void)state;
	rad_pkt_init(&p, RAD_ACCESS_REQUEST, 7, ra);
	rad_put_str(&p, RAD_USER_NAME, "u");
	rad_put_msg_auth(&p);
	n = rad_finish_request(&p, "s3cret");
	assert_true(n > 0);
	/* the request's authenticator is kept; the MAC is not zero */
	assert_memory_equal(p.buf + 4, ra, 16);
	assert_memory_not_equal(p.buf + p.msg_auth_off,
	    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	/* a response with one verifies, a flipped MAC does not */
	rad_pkt_init(&q, RAD_ACCESS_ACCEPT, 7, NULL);
	rad_put_msg_auth(&q);
	n = rad_finish_response(&q, ra, "s3cret");
	assert_int_equal(rad_verify_response(q.buf, (size_t)n, ra, "s3cret",
	    true), 0);
	q.buf[q.msg_auth_off] ^= 0x80;
	assert_int_equal(rad_verify_response(q.buf, (size_t)n, ra, "s3cret",
	    false), -1);
}

static void
test_mppe_keys(void **state)
{
	static const uint8_t ra[16] = "0123456789abcdef";
	uint8_t key[16], enc[64], out[32];
	struct rad_pkt p;
	struct rad_reply r;
	int n, i;

	(void)state;
	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)(0xd5 ^ i);
	n = rad_mppe_key_encrypt(key, 16, 0x1234, "sec", ra, enc,
	    sizeof(enc));
	assert_int_equal(n, 34);		/* salt + 2 blocks */
	assert_int_equal(enc[0] & 0x80, 0x80);
	assert_int_equal(rad_mppe_key_decrypt(enc, (size_t)n, "sec", ra, out,
	    sizeof(out)), 16);
	assert_memory_equal(out, key, 16);
	/* wrong secret: the length octet comes out wrong (almost surely) */
	assert_true(rad_mppe_key_decrypt(enc, (size_t)n, "sex", ra, out,
	    sizeof(out)) != 16 || memcmp(out, key, 16) != 0);
	/* not a multiple of 16 / no salt bit */
	assert_int_equal(rad_mppe_key_decrypt(enc, 33, "sec", ra, out,
	    sizeof(out)), -1);
	enc[0] &= 0x7f;
	assert_int_equal(rad_mppe_key_decrypt(enc, 34, "sec", ra, out,
	    sizeof(out)), -1);
	enc[0] |= 0x80;
	/* both keys in an Accept reach the reply */
	rad_pkt_init(&p, RAD_ACCESS_ACCEPT, 1, NULL);
	rad_put_vsa(&p, RAD_VENDOR_MICROSOFT, RAD_MS_MPPE_SEND_KEY, enc, 34);
	rad_put_vsa(&p, RAD_VENDOR_MICROSOFT, RAD_MS_MPPE_RECV_KEY, enc, 34);
	rad_put_vsa(&p, RAD_VENDOR_MICROSOFT, RAD_MS_CHAP2_SUCCESS,
	    "\x01S=0123", 7);
	rad_put_vsa_int(&p, RAD_VENDOR_MICROSOFT,
	    RAD_MS_MPPE_ENCRYPTION_POLICY, 2);
	n = rad_finish_response(&p, ra, "sec");
	assert_int_equal(rad_parse_reply(p.buf, (size_t)n, "sec", ra, &r), 0);
	assert_true(r.have_mppe_keys);
	assert_memory_equal(r.mppe_send_key, key, 16);
	assert_string_equal(r.mschap2_success, "S=0123");
	assert_int_equal(r.mppe_policy, 2);
}

static void
test_reply_attributes(void **state)
{
	static const uint8_t ra[16];
	struct rad_pkt p;
	struct rad_reply r;
	struct in_addr a;
	int n;

	(void)state;
	rad_pkt_init(&p, RAD_ACCESS_ACCEPT, 9, NULL);
	inet_pton(AF_INET, "10.1.2.3", &a);
	rad_put_addr(&p, RAD_FRAMED_IP_ADDRESS, a);
	rad_put_str(&p, RAD_FRAMED_POOL, "pool1");
	rad_put_str(&p, RAD_FRAMED_ROUTE, "10.9.0.0/16 0.0.0.0 1");
	rad_put_str(&p, RAD_FRAMED_ROUTE, "10.9.0.0/16");	/* duplicate */
	rad_put_int(&p, RAD_FRAMED_MTU, 1400);
	rad_put_int(&p, RAD_SESSION_TIMEOUT, 3600);
	rad_put_int(&p, RAD_IDLE_TIMEOUT, 600);
	rad_put_int(&p, RAD_ACCT_INTERIM_INTERVAL, 60);
	rad_put_str(&p, RAD_FILTER_ID, "f1");
	rad_put(&p, RAD_CLASS, "\x01\x02", 2);
	rad_put_vsa_str(&p, RAD_VENDOR_MPD, RAD_MPD_IFACE_NAME, "ppp7");
	rad_put_vsa_str(&p, RAD_VENDOR_MPD, RAD_MPD_ACTION, "drop");
	rad_put(&p, RAD_FRAMED_MTU, "\x00\x00", 2);		/* bad size */
	n = rad_finish_response(&p, ra, "k");
	assert_int_equal(rad_parse_reply(p.buf, (size_t)n, "k", ra, &r), 0);
	assert_true(r.have_framed_ip);
	assert_int_equal(r.framed_ip.s_addr, a.s_addr);
	assert_string_equal(r.framed_pool, "pool1");
	assert_int_equal(r.nroutes, 1);
	assert_int_equal(r.routes[0].width, 16);
	assert_int_equal(r.framed_mtu, 1400);
	assert_int_equal(r.session_timeout, 3600);
	assert_int_equal(r.idle_timeout, 600);
	assert_int_equal(r.acct_interim, 60);
	assert_string_equal(r.filter_id, "f1");
	assert_int_equal(r.class_len, 2);
	assert_string_equal(r.mpd_iface_name, "ppp7");
	assert_string_equal(r.mpd_action, "drop");
}

static void
test_dae_requests(void **state)
{
	struct rad_pkt p;
	struct rad_dae_req q;
	int n;

	(void)state;
	rad_pkt_init(&p, RAD_COA_REQUEST, 42, NULL);
	rad_put_str(&p, RAD_USER_NAME, "foo");
	rad_put_str(&p, RAD_ACCT_SESSION_ID, "123-L-1");
	rad_put_vsa_str(&p, RAD_VENDOR_MPD, RAD_MPD_LINK, "L-1");
	rad_put_int(&p, RAD_SESSION_TIMEOUT, 30);
	rad_put(&p, RAD_STATE, "st", 2);
	rad_put_msg_auth(&p);
	n = rad_finish_request(&p, "dae");
	assert_true(n > 0);
	assert_int_equal(rad_verify_request(p.buf, (size_t)n, "dae"), 0);
	assert_int_equal(rad_verify_request(p.buf, (size_t)n, "other"), -1);
	assert_int_equal(rad_parse_dae(p.buf, (size_t)n, &q), 0);
	assert_int_equal(q.code, RAD_COA_REQUEST);
	assert_int_equal(q.id, 42);
	assert_int_equal(q.nmatch, 3);
	assert_string_equal(q.link, "L-1");
	assert_int_equal(q.session_timeout, 30);
	assert_int_equal(q.idle_timeout, -1);
	assert_true(q.have_msg_auth);
	assert_int_equal(q.state_len, 2);
	/* Accounting-Request authenticator (RFC 2866 3) */
	rad_pkt_init(&p, RAD_ACCOUNTING_REQUEST, 1, NULL);
	rad_put_int(&p, RAD_ACCT_STATUS_TYPE, RAD_ACCT_START);
	n = rad_finish_request(&p, "acct");
	assert_int_equal(rad_verify_request(p.buf, (size_t)n, "acct"), 0);
	/* an Access-Accept is not a DAE request; a NUL in a name refused */
	rad_pkt_init(&p, RAD_ACCESS_ACCEPT, 1, NULL);
	n = rad_finish_response(&p, p.buf + 4, "x");
	assert_int_equal(rad_parse_dae(p.buf, (size_t)n, &q), -1);
	rad_pkt_init(&p, RAD_DISCONNECT_REQUEST, 1, NULL);
	rad_put(&p, RAD_USER_NAME, "a\0b", 3);
	n = rad_finish_request(&p, "x");
	assert_int_equal(rad_parse_dae(p.buf, (size_t)n, &q), -1);
}

static void
test_builder_limits(void **state)
{
	static uint8_t big[600];
	struct rad_pkt p;
	int i;

	(void)state;
	rad_pkt_init(&p, RAD_ACCESS_REQUEST, 1, NULL);
	assert_int_equal(rad_put(&p, RAD_STATE, big, 254), -1);
	/* EAP-Message splits into 253-byte attributes (RFC 3579 3.1) */
	assert_int_equal(rad_put_split(&p, RAD_EAP_MESSAGE, big, 600), 0);
	assert_int_equal(p.len, 20 + 255 + 255 + 2 + 94);
	for (i = 0; i < 40 && !p.overflow; i++)
		(void)rad_put(&p, RAD_STATE, big, 253);
	assert_true(p.overflow);
	assert_int_equal(rad_finish_request(&p, "s"), -1);
	/* a 129-byte password is refused */
	rad_pkt_init(&p, RAD_ACCESS_REQUEST, 1, NULL);
	memset(big, 'a', 129);
	big[129] = '\0';
	assert_int_equal(rad_put_password(&p, "s", (char *)big), -1);
}

/* Acct-Terminate-Cause from the down reason (spec 9.3) */
static void
test_terminate_cause(void **state)
{
	(void)state;
	assert_int_equal(acct_terminate_cause(NULL), 10);
	assert_int_equal(acct_terminate_cause(""), 10);
	assert_int_equal(acct_terminate_cause("Manual"), 6);
	assert_int_equal(acct_terminate_cause("Peer disconnect"), 1);
	assert_int_equal(acct_terminate_cause("Admin shutdown"), 7);
	assert_int_equal(acct_terminate_cause("Fatal shutdown"), 11);
	assert_int_equal(acct_terminate_cause("Idle timeout"), 4);
	assert_int_equal(acct_terminate_cause("Session timeout"), 5);
	assert_int_equal(acct_terminate_cause("Dropped"), 2);
	assert_int_equal(acct_terminate_cause("Echo timeout"), 3);
	assert_int_equal(acct_terminate_cause("Protocol error"), 15);
	assert_int_equal(acct_terminate_cause("Login failed:x"), 17);
	assert_int_equal(acct_terminate_cause("Decreased demand"), 12);
	assert_int_equal(acct_terminate_cause("something else"), 8);
}

/* The attributes of every request (spec 9.3), for a PPPoE link */
static void
test_common_attributes(void **state)
{
	static struct radius_snap sn;
	static struct extauth_request x;
	struct rad_pkt p;
	struct rad_iter it;
	const uint8_t *v, *sv;
	size_t vl, svl;
	uint32_t vendor;
	uint8_t t, st;
	int seen = 0, n;

	(void)state;
	snprintf(sn.identifier, sizeof(sn.identifier), "nas1");
	inet_pton(AF_INET, "192.0.2.1", &sn.me);
	snprintf(x.session_id, sizeof(x.session_id), "123-L-1");
	snprintf(x.link, sizeof(x.link), "L-1");
	snprintf(x.nas_port_type, sizeof(x.nas_port_type), "pppoe");
	snprintf(x.calling, sizeof(x.calling), "00:11:22:33:44:55");
	snprintf(x.self_name, sizeof(x.self_name), "circuit 7");
	snprintf(x.peer_name, sizeof(x.peer_name), "remote 9");
	snprintf(x.peer_iface, sizeof(x.peer_iface), "eth1");
	x.nas_port = 1;
	rad_pkt_init(&p, RAD_ACCESS_REQUEST, 1, NULL);
	assert_int_equal(radius_put_common(&p, &sn, &x), 0);
	n = rad_finish_request(&p, "s");
	assert_true(n > 0);
	rad_iter_init(&it, p.buf, (size_t)n);
	while (rad_iter_next(&it, &t, &v, &vl) == 1) {
		switch (t) {
		case RAD_NAS_PORT_TYPE:
			assert_int_equal(v[3], 15);	/* Ethernet */
			seen |= 1;
			break;
		case RAD_TUNNEL_MEDIUM_TYPE:
			assert_int_equal(v[3], 6);	/* IEEE-802 */
			seen |= 2;
			break;
		case RAD_NAS_PORT_ID:
			assert_memory_equal(v, "eth1", 4);
			seen |= 4;
			break;
		case RAD_VENDOR_SPECIFIC:
			assert_int_equal(rad_vsa_parse(v, vl, &vendor, &st, &sv,
			    &svl), 0);
			if (vendor == RAD_VENDOR_DSL_FORUM &&
			    st == RAD_DSL_AGENT_CIRCUIT_ID) {
				assert_memory_equal(sv, "circuit 7", 9);
				seen |= 8;
			}
			if (vendor == RAD_VENDOR_DSL_FORUM &&
			    st == RAD_DSL_AGENT_REMOTE_ID)
				seen |= 16;
			if (vendor == RAD_VENDOR_MPD && st == RAD_MPD_LINK)
				seen |= 32;
			break;
		case RAD_NAS_IP_ADDRESS:
		case RAD_NAS_IDENTIFIER:
		case RAD_CALLING_STATION_ID:
			seen |= 64;
			break;
		case RAD_TUNNEL_TYPE:
			fail_msg("Tunnel-Type is only for PPTP/L2TP");
			break;
		default:
			break;
		}
	}
	assert_int_equal(seen, 127);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc2865_example),
		cmocka_unit_test(test_check_framing),
		cmocka_unit_test(test_message_authenticator),
		cmocka_unit_test(test_mppe_keys),
		cmocka_unit_test(test_reply_attributes),
		cmocka_unit_test(test_dae_requests),
		cmocka_unit_test(test_builder_limits),
		cmocka_unit_test(test_terminate_cause),
		cmocka_unit_test(test_common_attributes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
