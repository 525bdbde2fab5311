/*
 * test_ipcp.c - IPCP (RFC 1332, RFC 1877) and IPv6CP (RFC 5072) option
 * codecs driven through their fsm_type callbacks on a bundle that is not
 * connected to anything: Ack/Nak/Reject decisions for address ranges,
 * pools and the AAA priority order of surface spec 4.4.3, DNS/NBNS
 * answers, VJ negotiation, Configure-Request contents, Nak/Reject
 * handling of our own requests and malformed options.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "auth/ippool.h"
#include "core/util.h"
#include "ctl/command.h"
#include "ppp/bund.h"
#include "ppp/ipcp.h"
#include "ppp/ipv6cp.h"
#include "ppp/proto.h"

static struct bund bund;
static struct fsm_decode dec;

static void
sink(void *arg, const char *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
}

static int
setup(void **state)
{
	(void)state;
	memset(&bund, 0, sizeof(bund));
	util_strlcpy(bund.name, "B1", sizeof(bund.name));
	bund_conf_defaults(&bund);
	ipcp_init(&bund);
	ipv6cp_init(&bund);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ipcp_fini(&bund);
	ipv6cp_fini(&bund);
	iface_conf_free(&bund.iface_conf);
	nat_conf_free(&bund.nat_conf);
	ippool_shutdown();
	return 0;
}

static struct fsm *
ipcp_f(void)
{
	return &bund.ipcp->fsm;
}

static void
set_ranges(const char *self, const char *peer)
{
	struct ipcp_conf *c = &bund.ipcp_conf;

	assert_int_equal(u_range_parse(self, AF_INET, &c->self_range), 0);
	assert_int_equal(u_range_parse(peer, AF_INET, &c->peer_range), 0);
}

static void
add_pool(const char *pool, const char *first, const char *last)
{
	struct cmd_ctx ctx;
	char *av[3];

	cmd_ctx_init(&ctx, PRIV_ADMIN, sink, NULL);
	av[0] = (char *)(uintptr_t)pool;
	av[1] = (char *)(uintptr_t)first;
	av[2] = (char *)(uintptr_t)last;
	assert_int_equal(ippool_set_cmds[0].func(&ctx, 3, av,
	    ippool_set_cmds[0].arg), CMD_OK);
}

static void
configure(void)
{
	ipcp_fsm_type.configure(ipcp_f());
}

/* Decode a peer's Configure-Request into the global reply lists. */
static void
request(const uint8_t *opts, size_t len)
{
	memset(&dec, 0, sizeof(dec));
	ipcp_fsm_type.decode_config(ipcp_f(), opts, len, FSM_MODE_REQ, &dec);
}

/* One IP-Address style option (type, 4-byte address). */
static size_t
addr_opt(uint8_t *buf, uint8_t type, const char *addr)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, addr, &a), 1);
	buf[0] = type;
	buf[1] = 6;
	memcpy(buf + 2, &a.s_addr, 4);
	return 6;
}

/* The address carried by the option at list[off]. */
static const char *
opt_addr(const uint8_t *list, size_t off)
{
	static char buf[INET_ADDRSTRLEN];
	struct in_addr a;

	memcpy(&a.s_addr, list + off + 2, 4);
	return inet_ntop(AF_INET, &a, buf, sizeof(buf));
}

/* Peer asks for addr: expect ack (1), nak with want (2) or reject (3). */
static void
expect_addr(const char *addr, int verdict, const char *want)
{
	uint8_t o[6];

	addr_opt(o, IPCP_TY_IPADDR, addr);
	request(o, sizeof(o));
	switch (verdict) {
	case 1:
		assert_int_equal(dec.acklen, 6);
		assert_int_equal(dec.naklen + dec.rejlen, 0);
		assert_memory_equal(dec.ack, o, 6);
		break;
	case 2:
		assert_int_equal(dec.naklen, 6);
		assert_int_equal(dec.acklen + dec.rejlen, 0);
		assert_string_equal(opt_addr(dec.nak, 0), want);
		break;
	default:
		assert_int_equal(dec.rejlen, 6);
		assert_int_equal(dec.acklen + dec.naklen, 0);
		break;
	}
}

static const char *
ntoa(struct in_addr a)
{
	static char buf[INET_ADDRSTRLEN];

	return inet_ntop(AF_INET, &a, buf, sizeof(buf));
}

/* ---- addresses ---- */

static void
test_ranges(void **state)
{
	(void)state;
	set_ranges("10.0.0.1/32", "10.0.0.2/32");
	configure();
	assert_string_equal(ntoa(bund.ipcp->want_addr), "10.0.0.1");
	expect_addr("10.0.0.2", 1, NULL);
	expect_addr("0.0.0.0", 2, "10.0.0.2");
	expect_addr("10.0.0.9", 2, "10.0.0.2");

	/* A range: anything inside is fine, 0 gets the range's address. */
	set_ranges("10.0.0.1/32", "10.5.0.100/24");
	configure();
	expect_addr("10.5.0.55", 1, NULL);
	assert_string_equal(ntoa(bund.ipcp->peer_addr), "10.5.0.55");
	expect_addr("10.6.0.55", 2, "10.5.0.55");

	/* pretend-ip: whatever the peer insists on. */
	set_ranges("10.0.0.1/32", "10.0.0.2/32");
	bund.ipcp_conf.options.enable |= 1u << IPCP_OPT_PRETEND_IP;
	configure();
	expect_addr("10.0.0.9", 1, NULL);
}

static void
test_unset_peer_range(void **state)
{
	(void)state;
	/* Peer "any": any non-zero address, nothing to offer for 0. */
	assert_int_equal(u_range_parse("10.0.0.1/32", AF_INET,
	    &bund.ipcp_conf.self_range), 0);
	configure();
	expect_addr("172.16.1.1", 1, NULL);
	configure();
	expect_addr("0.0.0.0", 2, "0.0.0.0");
}

static void
test_pools(void **state)
{
	int used, size;

	(void)state;
	add_pool("P", "10.1.0.1", "10.1.0.5");
	add_pool("S", "10.2.0.1", "10.2.0.1");
	util_strlcpy(bund.ipcp_conf.peer_pool, "P",
	    sizeof(bund.ipcp_conf.peer_pool));
	util_strlcpy(bund.ipcp_conf.self_pool, "S",
	    sizeof(bund.ipcp_conf.self_pool));
	configure();
	assert_string_equal(ntoa(bund.ipcp->want_addr), "10.2.0.1");
	assert_string_equal(ntoa(bund.ipcp->peer_addr), "10.1.0.1");
	expect_addr("0.0.0.0", 2, "10.1.0.1");
	expect_addr("10.1.0.2", 2, "10.1.0.1");	/* pool address is /32 */
	expect_addr("10.1.0.1", 1, NULL);
	assert_int_equal(ippool_stat("P", &used, &size), 0);
	assert_int_equal(used, 1);

	/* A new negotiation returns and retakes the same addresses. */
	configure();
	assert_int_equal(ippool_stat("P", &used, &size), 0);
	assert_int_equal(used, 1);
	assert_string_equal(ntoa(bund.ipcp->peer_addr), "10.1.0.1");

	/* Down gives them back. */
	ipcp_down(&bund);
	assert_int_equal(ippool_stat("P", &used, &size), 0);
	assert_int_equal(used, 0);
	assert_int_equal(ippool_stat("S", &used, &size), 0);
	assert_int_equal(used, 0);

	/* An exhausted pool leaves nothing acceptable. */
	{
		struct in_addr a;
		int i;

		for (i = 0; i < 5; i++)
			assert_int_equal(ippool_get("P", &a), 0);
	}
	configure();
	assert_string_equal(ntoa(bund.ipcp->peer_addr), "0.0.0.0");
	expect_addr("10.1.0.3", 2, "0.0.0.0");
	ipcp_down(&bund);
	assert_int_equal(ippool_stat("P", &used, &size), 0);
	assert_int_equal(used, 5);
}

static void
test_aaa_priority(void **state)
{
	struct auth_data ad;
	int used, size;

	(void)state;
	add_pool("CONF", "10.3.0.1", "10.3.0.9");
	add_pool("AAA", "10.4.0.1", "10.4.0.9");
	set_ranges("10.0.0.1/32", "10.0.0.2/32");
	util_strlcpy(bund.ipcp_conf.peer_pool, "CONF",
	    sizeof(bund.ipcp_conf.peer_pool));

	/* AAA address beats AAA pool beats ranges ippool beats ranges. */
	memset(&ad, 0, sizeof(ad));
	ad.have_range = true;
	assert_int_equal(u_range_parse("192.168.5.5/32", AF_INET, &ad.range),
	    0);
	util_strlcpy(ad.pool, "AAA", sizeof(ad.pool));
	ipcp_set_aaa(&bund, &ad);
	configure();
	assert_string_equal(ntoa(bund.ipcp->peer_addr), "192.168.5.5");
	expect_addr("0.0.0.0", 2, "192.168.5.5");
	assert_int_equal(ippool_stat("AAA", &used, &size), 0);
	assert_int_equal(used, 0);

	ad.have_range = false;
	ipcp_set_aaa(&bund, &ad);
	configure();
	assert_string_equal(ntoa(bund.ipcp->peer_addr), "10.4.0.1");
	assert_int_equal(ippool_stat("AAA", &used, &size), 0);
	assert_int_equal(used, 1);

	ipcp_set_aaa(&bund, NULL);
	configure();
	assert_string_equal(ntoa(bund.ipcp->peer_addr), "10.3.0.1");
	assert_int_equal(ippool_stat("AAA", &used, &size), 0);
	assert_int_equal(used, 0);

	bund.ipcp_conf.peer_pool[0] = '\0';
	configure();
	assert_string_equal(ntoa(bund.ipcp->peer_addr), "10.0.0.2");

	/* Framed-IP-Address 255.255.255.255: the peer chooses. */
	ad.have_range = true;
	ad.pool[0] = '\0';
	assert_int_equal(u_range_parse("255.255.255.255", AF_INET, &ad.range),
	    0);
	ipcp_set_aaa(&bund, &ad);
	configure();
	expect_addr("77.77.77.77", 1, NULL);
	/* 255.255.255.254: the NAS chooses from its configuration. */
	assert_int_equal(u_range_parse("255.255.255.254", AF_INET, &ad.range),
	    0);
	ipcp_set_aaa(&bund, &ad);
	configure();
	expect_addr("77.77.77.77", 2, "10.0.0.2");
	/* An AAA range with a width. */
	assert_int_equal(u_range_parse("10.9.0.0/16", AF_INET, &ad.range), 0);
	ipcp_set_aaa(&bund, &ad);
	configure();
	expect_addr("10.9.3.4", 1, NULL);
	expect_addr("10.8.3.4", 2, "10.9.3.4");
	ipcp_down(&bund);
}

/* ---- DNS / NBNS ---- */

static void
test_servers(void **state)
{
	struct auth_data ad;
	uint8_t o[24];
	size_t n;

	(void)state;
	set_ranges("10.0.0.1/32", "10.0.0.2/32");
	assert_int_equal(inet_pton(AF_INET, "1.1.1.1",
	    &bund.ipcp_conf.dns[0]), 1);
	assert_int_equal(inet_pton(AF_INET, "2.2.2.2",
	    &bund.ipcp_conf.dns[1]), 1);
	configure();

	/* Requests for ours are Nak'd with them; without one: Reject. */
	n = addr_opt(o, IPCP_TY_PRIDNS, "0.0.0.0");
	n += addr_opt(o + n, IPCP_TY_SECDNS, "0.0.0.0");
	n += addr_opt(o + n, IPCP_TY_PRINBNS, "0.0.0.0");
	n += addr_opt(o + n, IPCP_TY_SECNBNS, "0.0.0.0");
	request(o, n);
	assert_int_equal(dec.naklen, 12);
	assert_int_equal(dec.nak[0], IPCP_TY_PRIDNS);
	assert_string_equal(opt_addr(dec.nak, 0), "1.1.1.1");
	assert_int_equal(dec.nak[6], IPCP_TY_SECDNS);
	assert_string_equal(opt_addr(dec.nak, 6), "2.2.2.2");
	assert_int_equal(dec.rejlen, 12);
	assert_memory_equal(dec.rej, o + 12, 12);

	/* The values we gave are acknowledged. */
	n = addr_opt(o, IPCP_TY_PRIDNS, "1.1.1.1");
	n += addr_opt(o + n, IPCP_TY_SECDNS, "2.2.2.2");
	request(o, n);
	assert_int_equal(dec.acklen, 12);
	assert_int_equal(dec.naklen + dec.rejlen, 0);
	/* A wrong guess is corrected. */
	n = addr_opt(o, IPCP_TY_PRIDNS, "3.3.3.3");
	request(o, n);
	assert_int_equal(dec.naklen, 6);
	assert_string_equal(opt_addr(dec.nak, 0), "1.1.1.1");

	/* AAA values override per slot. */
	memset(&ad, 0, sizeof(ad));
	assert_int_equal(inet_pton(AF_INET, "9.9.9.9", &ad.dns[0]), 1);
	assert_int_equal(inet_pton(AF_INET, "8.8.4.4", &ad.nbns[1]), 1);
	ipcp_set_aaa(&bund, &ad);
	configure();
	n = addr_opt(o, IPCP_TY_PRIDNS, "0.0.0.0");
	n += addr_opt(o + n, IPCP_TY_SECDNS, "0.0.0.0");
	n += addr_opt(o + n, IPCP_TY_SECNBNS, "0.0.0.0");
	request(o, n);
	assert_int_equal(dec.naklen, 18);
	assert_string_equal(opt_addr(dec.nak, 0), "9.9.9.9");
	assert_string_equal(opt_addr(dec.nak, 6), "2.2.2.2");
	assert_string_equal(opt_addr(dec.nak, 12), "8.8.4.4");
	assert_int_equal(dec.rejlen, 0);
}

/* ---- what we send, and the peer's answers to it ---- */

static size_t
build(uint8_t *buf)
{
	return ipcp_fsm_type.build_config(ipcp_f(), buf, FSM_MAX_PACKET);
}

static void
test_build_and_replies(void **state)
{
	static const uint8_t vj[6] = { 2, 6, 0x00, 0x2d, 15, 0 };
	uint8_t buf[FSM_MAX_PACKET], o[12];
	size_t n;

	(void)state;
	set_ranges("10.0.0.1/0", "10.0.0.2/32");
	bund.ipcp_conf.options.enable |= 1u << IPCP_OPT_REQ_PRI_DNS;
	configure();
	n = build(buf);
	assert_int_equal(n, 18);
	assert_int_equal(buf[0], IPCP_TY_IPADDR);
	assert_string_equal(opt_addr(buf, 0), "10.0.0.1");
	assert_memory_equal(buf + 6, vj, 6);
	assert_int_equal(buf[12], IPCP_TY_PRIDNS);
	assert_string_equal(opt_addr(buf, 12), "0.0.0.0");

	/* Nak: the peer suggests our address (width 0: any) and its DNS. */
	n = addr_opt(o, IPCP_TY_IPADDR, "192.0.2.7");
	n += addr_opt(o + n, IPCP_TY_PRIDNS, "192.0.2.53");
	ipcp_fsm_type.decode_config(ipcp_f(), o, n, FSM_MODE_NAK, NULL);
	assert_string_equal(ntoa(bund.ipcp->want_addr), "192.0.2.7");
	assert_string_equal(ntoa(bund.ipcp->want_dns[0]), "192.0.2.53");
	n = build(buf);
	assert_string_equal(opt_addr(buf, 0), "192.0.2.7");
	assert_string_equal(opt_addr(buf, 12), "192.0.2.53");

	/* Reject of VJ and DNS: they are not asked again. */
	memcpy(o, vj, 6);
	addr_opt(o + 6, IPCP_TY_PRIDNS, "192.0.2.53");
	ipcp_fsm_type.decode_config(ipcp_f(), o, 12, FSM_MODE_REJ, NULL);
	n = build(buf);
	assert_int_equal(n, 6);
	assert_int_equal(buf[0], IPCP_TY_IPADDR);

	/* A /32 self range does not move. */
	set_ranges("10.0.0.1/32", "10.0.0.2/32");
	configure();
	addr_opt(o, IPCP_TY_IPADDR, "192.0.2.7");
	ipcp_fsm_type.decode_config(ipcp_f(), o, 6, FSM_MODE_NAK, NULL);
	assert_string_equal(ntoa(bund.ipcp->want_addr), "10.0.0.1");

	/* Self 0.0.0.0/0: ask the peer; a Reject still leaves us asking. */
	set_ranges("0.0.0.0/0", "10.0.0.2/32");
	configure();
	addr_opt(o, IPCP_TY_IPADDR, "0.0.0.0");
	ipcp_fsm_type.decode_config(ipcp_f(), o, 6, FSM_MODE_REJ, NULL);
	n = build(buf);
	assert_int_equal(buf[0], IPCP_TY_IPADDR);
	assert_string_equal(opt_addr(buf, 0), "0.0.0.0");

	/* vjcomp disabled: not requested. */
	bund.ipcp_conf.options.enable &= ~(1u << IPCP_OPT_VJCOMP);
	bund.ipcp_conf.options.enable &= ~(1u << IPCP_OPT_REQ_PRI_DNS);
	set_ranges("10.0.0.1/32", "10.0.0.2/32");
	configure();
	assert_int_equal(build(buf), 6);
	/* ... unless AAA asks for it. */
	{
		struct auth_data ad;

		memset(&ad, 0, sizeof(ad));
		ad.vjcomp = true;
		ipcp_set_aaa(&bund, &ad);
		configure();
		assert_int_equal(build(buf), 12);
	}
}

static void
test_vj_option(void **state)
{
	uint8_t o[6] = { 2, 6, 0x00, 0x2d, 15, 1 };

	(void)state;
	set_ranges("10.0.0.1/32", "10.0.0.2/32");
	configure();
	request(o, 6);
	assert_int_equal(dec.acklen, 6);
	assert_int_equal(bund.ipcp->peer_comp.proto, PROTO_VJCOMP);
	assert_int_equal(bund.ipcp->peer_comp.maxchan, 15);
	assert_int_equal(bund.ipcp->peer_comp.compcid, 1);

	o[4] = 3;			/* 4 slots: fine */
	request(o, 6);
	assert_int_equal(dec.acklen, 6);
	o[4] = 40;			/* more slots than we keep */
	request(o, 6);
	assert_int_equal(dec.naklen, 6);
	assert_int_equal(dec.nak[4], 15);
	assert_int_equal(dec.nak[5], 0);
	o[4] = 15;
	o[3] = 0x37;			/* not VJ */
	request(o, 6);
	assert_int_equal(dec.naklen, 6);
	assert_int_equal(dec.nak[3], 0x2d);

	/* deny vjcomp: rejected. */
	o[3] = 0x2d;
	bund.ipcp_conf.options.accept &= ~(1u << IPCP_OPT_VJCOMP);
	request(o, 6);
	assert_int_equal(dec.rejlen, 6);

	/* The peer's Nak adjusts our slot count within limits. */
	configure();
	o[4] = 7;
	ipcp_fsm_type.decode_config(ipcp_f(), o, 6, FSM_MODE_NAK, NULL);
	assert_int_equal(bund.ipcp->want_comp.maxchan, 7);
	o[4] = 200;
	ipcp_fsm_type.decode_config(ipcp_f(), o, 6, FSM_MODE_NAK, NULL);
	assert_int_equal(bund.ipcp->want_comp.maxchan, 7);
}

static void
test_malformed(void **state)
{
	/* IP-Addresses, Mobile-IPv4, unknown, short IP-Address. */
	static const uint8_t bad[] = {
		1, 10, 10, 0, 0, 1, 10, 0, 0, 2,
		4, 6, 1, 2, 3, 4,
		200, 3, 0,
		3, 4, 10, 0,
	};
	uint8_t o[64];
	size_t n;

	(void)state;
	set_ranges("10.0.0.1/32", "10.0.0.2/32");
	configure();
	request(bad, sizeof(bad));
	assert_int_equal(dec.rejlen, sizeof(bad));
	assert_memory_equal(dec.rej, bad, sizeof(bad));
	assert_int_equal(dec.acklen + dec.naklen, 0);

	/* Framing errors: the good part is answered, the tail ignored. */
	n = addr_opt(o, IPCP_TY_IPADDR, "10.0.0.2");
	o[n] = IPCP_TY_PRIDNS;
	o[n + 1] = 40;			/* longer than what is left */
	o[n + 2] = 1;
	request(o, n + 3);
	assert_int_equal(dec.acklen, 6);
	assert_int_equal(dec.naklen + dec.rejlen, 0);
	o[n + 1] = 0;			/* zero length */
	request(o, n + 2);
	assert_int_equal(dec.acklen, 6);
	request(o, n + 1);		/* one lone byte */
	assert_int_equal(dec.acklen, 6);

	/* Duplicates are each answered. */
	n = addr_opt(o, IPCP_TY_IPADDR, "10.0.0.2");
	n += addr_opt(o + n, IPCP_TY_IPADDR, "10.0.0.3");
	request(o, n);
	assert_int_equal(dec.acklen, 6);
	assert_int_equal(dec.naklen, 6);

	/* Nak/Reject/NOP of garbage change nothing harmful. */
	ipcp_fsm_type.decode_config(ipcp_f(), bad, sizeof(bad), FSM_MODE_NAK,
	    NULL);
	ipcp_fsm_type.decode_config(ipcp_f(), bad, sizeof(bad), FSM_MODE_REJ,
	    NULL);
	ipcp_fsm_type.decode_config(ipcp_f(), bad, sizeof(bad), FSM_MODE_NOP,
	    NULL);
	assert_string_equal(ntoa(bund.ipcp->want_addr), "10.0.0.1");
}

/* ---- IPv6CP ---- */

static void
v6_request(const uint8_t *opts, size_t len)
{
	memset(&dec, 0, sizeof(dec));
	ipv6cp_fsm_type.decode_config(&bund.ipv6cp->fsm, opts, len,
	    FSM_MODE_REQ, &dec);
}

static void
test_ipv6cp(void **state)
{
	static const uint8_t zero[8];
	uint8_t o[16], buf[64];
	struct ipv6cp_state *st = bund.ipv6cp;
	size_t n;

	(void)state;
	ipv6cp_fsm_type.configure(&st->fsm);
	assert_memory_not_equal(st->my_id, zero, 8);
	n = ipv6cp_fsm_type.build_config(&st->fsm, buf, sizeof(buf));
	assert_int_equal(n, 10);
	assert_int_equal(buf[0], IPV6CP_TY_INTIDENT);
	assert_memory_equal(buf + 2, st->my_id, 8);

	/* Zero: we propose one. */
	o[0] = IPV6CP_TY_INTIDENT;
	o[1] = 10;
	memset(o + 2, 0, 8);
	v6_request(o, 10);
	assert_int_equal(dec.naklen, 10);
	assert_memory_not_equal(dec.nak + 2, zero, 8);
	assert_memory_not_equal(dec.nak + 2, st->my_id, 8);
	/* Same as ours: a different one is proposed. */
	memcpy(o + 2, st->my_id, 8);
	v6_request(o, 10);
	assert_int_equal(dec.naklen, 10);
	assert_memory_not_equal(dec.nak + 2, st->my_id, 8);
	/* Anything else is taken. */
	memcpy(o + 2, "\x02\x11\x22\xff\xfe\x33\x44\x55", 8);
	v6_request(o, 10);
	assert_int_equal(dec.acklen, 10);
	assert_memory_equal(st->his_id, o + 2, 8);

	/* Compression, unknown and bad lengths are rejected. */
	n = 0;
	o[n++] = IPV6CP_TY_COMPPROTO;
	o[n++] = 4;
	o[n++] = 0x00;
	o[n++] = 0x4f;
	o[n++] = 77;
	o[n++] = 2;
	o[n++] = IPV6CP_TY_INTIDENT;
	o[n++] = 6;
	o[n++] = 1;
	o[n++] = 2;
	o[n++] = 3;
	o[n++] = 4;
	v6_request(o, n);
	assert_int_equal(dec.rejlen, n);
	assert_int_equal(dec.acklen + dec.naklen, 0);

	/* The peer's Nak gives us an identifier; a Reject stops asking. */
	o[0] = IPV6CP_TY_INTIDENT;
	o[1] = 10;
	memcpy(o + 2, "\x00\x00\x00\x00\x00\x00\x00\x09", 8);
	ipv6cp_fsm_type.decode_config(&st->fsm, o, 10, FSM_MODE_NAK, NULL);
	assert_memory_equal(st->my_id, o + 2, 8);
	ipv6cp_fsm_type.decode_config(&st->fsm, o, 10, FSM_MODE_REJ, NULL);
	assert_int_equal(ipv6cp_fsm_type.build_config(&st->fsm, buf,
	    sizeof(buf)), 0);
}

static void
test_random_id(void **state)
{
	uint8_t a[8], b[8];
	int i;

	(void)state;
	for (i = 0; i < 64; i++) {
		ipv6cp_random_id(a, NULL);
		ipv6cp_random_id(b, a);
		assert_memory_not_equal(a, b, 8);
		assert_int_equal(a[0] & 0x02, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unset_peer_range, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pools, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aaa_priority, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_servers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_and_replies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_vj_option, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ipv6cp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_id, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
