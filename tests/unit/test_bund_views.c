/*
 * test_bund_views.c - the bundle-context `set` families (bundle, ipcp,
 * ipv6cp, ccp, mppc, ecp, nat) and the exact text of `show bundle`,
 * `show ipcp`, `show ipv6cp`, `show ccp`, `show mppc`, `show ecp` and
 * `show nat` for a freshly created bundle (surface spec 4.4, 5.3, 5.9).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/util.h"
#include "ctl/command.h"
#include "ppp/bund.h"
#include "ppp/ccp.h"
#include "ppp/ipcp.h"
#include "ppp/nat.h"

static char out[8192];
static size_t outlen;
static struct cmd_ctx ctx;
static struct bund bund;

static void
sink(void *arg, const char *buf, size_t len)
{
	(void)arg;
	if (outlen + len >= sizeof(out))
		len = sizeof(out) - 1 - outlen;
	memcpy(out + outlen, buf, len);
	outlen += len;
	out[outlen] = '\0';
}

static void
clear_out(void)
{
	outlen = 0;
	out[0] = '\0';
}

static int
setup(void **state)
{
	(void)state;
	memset(&bund, 0, sizeof(bund));
	util_strlcpy(bund.name, "B1", sizeof(bund.name));
	util_strlcpy(bund.iface.ngname, "ng0", sizeof(bund.iface.ngname));
	util_strlcpy(bund.iface.ifname, "ng0", sizeof(bund.iface.ifname));
	bund_conf_defaults(&bund);
	cmd_ctx_init(&ctx, PRIV_ADMIN, sink, NULL);
	ctx.bund = &bund;
	clear_out();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	iface_conf_free(&bund.iface_conf);
	nat_conf_free(&bund.nat_conf);
	return 0;
}

/*
 * Run "<line>" against table t: the first word selects the entry by the
 * first word of its template; words are split at single spaces.
 */
static int
run(const struct cmdtab *t, const char *line)
{
	char buf[256], *av[32], *p, *q;
	const struct cmdtab *c;
	size_t n;
	int ac = 0;

	util_strlcpy(buf, line, sizeof(buf));
	for (p = strtok_r(buf, " ", &q); p != NULL && ac < 32;
	    p = strtok_r(NULL, " ", &q))
		av[ac++] = p;
	assert_true(ac >= 1);
	n = strlen(av[0]);
	for (c = t; c->name != NULL; c++)
		if (strncmp(c->name, av[0], n) == 0 &&
		    (c->name[n] == ' ' || c->name[n] == '\0'))
			break;
	assert_non_null(c->name);
	ctx.errmsg[0] = '\0';
	return c->func(&ctx, ac - 1, av + 1, c->arg);
}

static void
test_bundle_set(void **state)
{
	(void)state;
	assert_int_equal(bund.conf.period, 60);
	assert_int_equal(bund.conf.lowat, 20);
	assert_int_equal(bund.conf.hiwat, 80);
	assert_int_equal(bund.conf.min_con, 30);
	assert_int_equal(bund.conf.min_dis, 90);
	assert_int_equal(bund.conf.fsm_timeout, 2);
	assert_int_equal(run(bund_set_cmds, "period 30"), CMD_OK);
	assert_int_equal(run(bund_set_cmds, "lowat 10"), CMD_OK);
	assert_int_equal(run(bund_set_cmds, "hiwat 90"), CMD_OK);
	assert_int_equal(run(bund_set_cmds, "min-con 5"), CMD_OK);
	assert_int_equal(run(bund_set_cmds, "min-dis 6"), CMD_OK);
	assert_int_equal(bund.conf.period, 30);
	assert_int_equal(bund.conf.lowat, 10);
	assert_int_equal(bund.conf.hiwat, 90);
	assert_int_equal(bund.conf.min_con, 5);
	assert_int_equal(bund.conf.min_dis, 6);
	assert_int_equal(run(bund_set_cmds, "period"), CMD_ERR_USAGE);
	assert_int_equal(run(bund_set_cmds, "fsm-timeout 11"), CMD_ERR_OTHER);
	assert_int_equal(run(bund_set_cmds, "fsm-timeout 0"), CMD_ERR_OTHER);
	assert_int_equal(run(bund_set_cmds, "fsm-timeout 10"), CMD_OK);
	assert_int_equal(bund.conf.fsm_timeout, 10);
	assert_int_equal(run(bund_set_cmds, "links L1 L2"), CMD_OK);
	assert_int_equal(bund.conf.nlinks, 2);
	assert_string_equal(bund.conf.links[1], "L2");
	assert_int_equal(run(bund_set_cmds, "links a b c d e f g h i j k l "
	    "m n o p q"), CMD_ERR_USAGE);
	assert_int_equal(run(bund_set_cmds, "links L3"), CMD_OK);
	assert_int_equal(bund.conf.nlinks, 1);
	assert_string_equal(bund.conf.links[1], "");
	assert_int_equal(run(bund_set_cmds, "enable compression ipv6cp"),
	    CMD_OK);
	assert_int_equal(run(bund_set_cmds, "disable ipcp"), CMD_OK);
	assert_true(opt_enabled(&bund.conf.options, BUND_OPT_COMPRESSION));
	assert_true(opt_enabled(&bund.conf.options, BUND_OPT_IPV6CP));
	assert_false(opt_enabled(&bund.conf.options, BUND_OPT_IPCP));
}

static void
test_show_bundle(void **state)
{
	(void)state;
	assert_int_equal(run(bund_set_cmds, "links L1 L2"), CMD_OK);
	assert_int_equal(bund_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	assert_string_equal(out,
	    "Bundle 'B1':\r\n"
	    "\tLinks          : \r\n"
	    "\tStatus         : CLOSED\r\n"
	    "\tMultiSession Id: \r\n"
	    "\tTotal bandwidth: 0 bits/sec\r\n"
	    "\tAvail bandwidth: 0 bits/sec\r\n"
	    "\tPeer authname  : \"\"\r\n"
	    "Configuration:\r\n"
	    "\tDesc. template : <none>\r\n"
	    "\tDescription    : <none>\r\n"
	    "\tRetry timeout  : 2 seconds\r\n"
	    "\tBW-manage:\r\n"
	    "\t  Period       : 60 seconds\r\n"
	    "\t  Low mark     : 20%\r\n"
	    "\t  High mark    : 80%\r\n"
	    "\t  Min conn     : 30 seconds\r\n"
	    "\t  Min disc     : 90 seconds\r\n"
	    "\t  Links        : L1 L2 \r\n"
	    "Bundle level options:\r\n"
	    "\tipcp      \tenable\r\n"
	    "\tipv6cp    \tdisable\r\n"
	    "\tcompression\tdisable\r\n"
	    "\tencryption\tdisable\r\n"
	    "\tcrypt-reqd\tdisable\r\n"
	    "\tbw-manage \tdisable\r\n"
	    "\tround-robin\tdisable\r\n"
	    "Multilink PPP:\r\n"
	    "\tStatus         : Inactive\r\n"
	    "Traffic stats:\r\n"
	    "\tInput octets   : 0\r\n"
	    "\tInput frames   : 0\r\n"
	    "\tOutput octets  : 0\r\n"
	    "\tOutput frames  : 0\r\n"
	    "\tBad protocols  : 0\r\n"
	    "\tRunts          : 0\r\n"
	    "\tDup fragments  : 0\r\n"
	    "\tDrop fragments : 0\r\n");

	/* Templates: marked, no traffic stats. */
	clear_out();
	bund.tmpl = true;
	assert_int_equal(bund_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	assert_non_null(strstr(out, "Bundle 'B1' (template):\r\n"));
	assert_null(strstr(out, "Traffic stats:"));
	assert_int_equal(bund_cmd_show(&ctx, 2, NULL, NULL), CMD_ERR_USAGE);
}

static void
test_ipcp(void **state)
{
	(void)state;
	assert_int_equal(run(ipcp_set_cmds, "ranges 10.0.0.1/32"),
	    CMD_ERR_USAGE);
	assert_int_equal(run(ipcp_set_cmds, "ranges 10.0.0.1/32 ippool"),
	    CMD_ERR_USAGE);
	assert_int_equal(run(ipcp_set_cmds, "ranges x 10.0.0.0/24"),
	    CMD_ERR_USAGE);
	assert_int_equal(run(ipcp_set_cmds, "ranges 10.0.0.1/32 10.0.0.0/24 "
	    "x"), CMD_ERR_USAGE);
	assert_int_equal(run(ipcp_set_cmds, "dns 1.1.1.1 8.8.8.8"), CMD_OK);
	assert_int_equal(run(ipcp_set_cmds, "nbns 10.0.0.9"), CMD_OK);
	assert_int_equal(run(ipcp_set_cmds, "dns bad"), CMD_ERR_OTHER);
	assert_string_equal(ctx.errmsg, "Bad IP address \"bad\"");
	assert_int_equal(run(ipcp_set_cmds, "enable req-pri-dns"), CMD_OK);
	assert_int_equal(run(ipcp_set_cmds, "deny vjcomp"), CMD_OK);
	assert_int_equal(ipcp_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	assert_string_equal(out,
	    "[B1] IPCP [Initial]\r\n"
	    "Allowed IP address ranges:\r\n"
	    "\tSelf: UNSPEC\r\n"
	    "\tPeer: UNSPEC\r\n"
	    "IPCP Options:\r\n"
	    "\t\t\tSelf\t\tPeer\r\n"
	    "\tvjcomp    \tenable\t\tdeny\r\n"
	    "\treq-pri-dns\tenable\r\n"
	    "\treq-sec-dns\tdisable\r\n"
	    "\treq-pri-nbns\tdisable\r\n"
	    "\treq-sec-nbns\tdisable\r\n"
	    "\tpretend-ip\tdisable\r\n"
	    "Current addressing:\r\n"
	    "\tSelf: 0.0.0.0\r\n"
	    "\tPeer: 0.0.0.0\r\n"
	    "Compression:\r\n"
	    "\tSelf: None\r\n"
	    "\tPeer: None\r\n"
	    "Server info we give to peer:\r\n"
	    "DNS servers :         1.1.1.1          8.8.8.8\r\n"
	    "NBNS servers:        10.0.0.9          0.0.0.0\r\n"
	    "Server info peer gave to us:\r\n"
	    "DNS servers :         0.0.0.0          0.0.0.0\r\n"
	    "NBNS servers:         0.0.0.0          0.0.0.0\r\n"
	    "VJ Compression:\r\n"
	    "\tOut comp : 0\r\n"
	    "\tOut total: 0\r\n"
	    "\tMissed   : 0\r\n"
	    "\tSearched : 0\r\n"
	    "\tIn comp  : 0\r\n"
	    "\tIn uncomp: 0\r\n"
	    "\tIn error : 0\r\n"
	    "\tIn tossed: 0\r\n");

	clear_out();
	assert_int_equal(run(ipcp_set_cmds, "ranges 10.0.0.1/32 ippool pool1"),
	    CMD_OK);
	assert_int_equal(ipcp_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	assert_non_null(strstr(out, "\tSelf: 10.0.0.1/32\r\n"
	    "\tPeer: ippool pool1\r\n"));
	clear_out();
	/* The self pool is labelled "Peer" as in mpd5 (spec 13 #5). */
	assert_int_equal(run(ipcp_set_cmds, "ranges ippool a 10.1.0.0/16"),
	    CMD_OK);
	assert_int_equal(ipcp_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	assert_non_null(strstr(out, "\tPeer: ippool a\r\n"
	    "\tPeer: 10.1.0.0/16\r\n"));
	/* Only the primary: the secondary is cleared. */
	assert_int_equal(run(ipcp_set_cmds, "dns 9.9.9.9"), CMD_OK);
	assert_int_equal(bund.ipcp_conf.dns[1].s_addr, 0);
}

static void
test_ipv6cp(void **state)
{
	(void)state;
	assert_int_equal(run(ipv6cp_set_cmds, "enable foo"), CMD_OK);
	assert_int_equal(ipv6cp_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	assert_string_equal(out,
	    "[B1] IPV6CP [Initial]\r\n"
	    "Interface identificators:\r\n"
	    "\tSelf: 0000:0000:0000:0000\r\n"
	    "\tPeer: 0000:0000:0000:0000\r\n"
	    "IPV6CP Options:\r\n");
}

static void
test_ccp_ecp(void **state)
{
	(void)state;
	assert_int_equal(run(ccp_set_cmds, "yes mppc"), CMD_OK);
	assert_int_equal(run(mppc_set_cmds, "yes e128"), CMD_OK);
	assert_int_equal(run(mppc_set_cmds, "enable policy"), CMD_OK);
	assert_int_equal(ccp_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	assert_string_equal(out,
	    "[B1] CCP [Initial]\r\n"
	    "Enabled protocols:\r\n"
	    "\t\t\tSelf\t\tPeer\r\n"
	    "\tmppc      \tenable\t\taccept\r\n"
	    "\tdeflate   \tdisable\t\tdeny\r\n"
	    "\tpred1     \tdisable\t\tdeny\r\n"
	    "MPPC options:\r\n"
	    "\t\t\tSelf\t\tPeer\r\n"
	    "\tcompress  \tdisable\t\tdeny\r\n"
	    "\te40       \tdisable\t\tdeny\r\n"
	    "\te56       \tdisable\t\tdeny\r\n"
	    "\te128      \tenable\t\taccept\r\n"
	    "\tstateless \tdisable\t\tdeny\r\n"
	    "\tpolicy    \tenable\r\n"
	    "Outgoing compression:\r\n"
	    "\tProto\t: none ()\r\n"
	    "\tResets\t: 0\r\n"
	    "Incoming decompression:\r\n"
	    "\tProto\t: none ()\r\n"
	    "\tResets\t: 0\r\n");
	clear_out();
	assert_int_equal(mppc_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	assert_true(strncmp(out, "MPPC options:\r\n\t\t\tSelf\t\tPeer\r\n",
	    30) == 0);

	clear_out();
	assert_int_equal(run(ecp_set_cmds, "key"), CMD_ERR_USAGE);
	assert_int_equal(run(ecp_set_cmds, "key secret"), CMD_OK);
	assert_string_equal(bund.ecp_conf.key, "secret");
	assert_int_equal(run(ecp_set_cmds, "accept dese-old"), CMD_OK);
	assert_int_equal(ecp_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	assert_string_equal(out,
	    "[B1] ECP [Initial]\r\n"
	    "Enabled protocols:\r\n"
	    "\t\t\tSelf\t\tPeer\r\n"
	    "\tdese-bis  \tdisable\t\tdeny\r\n"
	    "\tdese-old  \tdisable\t\taccept\r\n"
	    "Outgoing encryption:\r\n"
	    "\tProto\t: none\r\n"
	    "\tResets\t: 0\r\n"
	    "Incoming decryption:\r\n"
	    "\tProto\t: none\r\n"
	    "\tResets\t: 0\r\n");
}

static void
test_nat(void **state)
{
	struct nat_conf copy;
	int i;

	(void)state;
	assert_int_equal(nat_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	assert_string_equal(out,
	    "NAT configuration:\r\n"
	    "\tAlias addresses : UNSPEC\r\n"
	    "\tTarget addresses: UNSPEC\r\n"
	    "Redirect ports:\r\n"
	    "Redirect address:\r\n"
	    "Redirect proto:\r\n"
	    "NAT options:\r\n"
	    "\tlog       \tdisable\r\n"
	    "\tincoming  \tenable\r\n"
	    "\tsame-ports\tenable\r\n"
	    "\tunreg-only\tdisable\r\n");

	assert_int_equal(run(nat_set_cmds, "address 1.2.3.4"), CMD_OK);
	assert_int_equal(run(nat_set_cmds, "target 10.0.0.2"), CMD_OK);
	assert_int_equal(run(nat_set_cmds, "address ::1"), CMD_ERR_OTHER);
	assert_int_equal(run(nat_set_cmds, "red-port tcp 1.2.3.4 80 "
	    "10.0.0.5 8080"), CMD_OK);
	assert_int_equal(run(nat_set_cmds, "red-port udp 1.2.3.4 53 "
	    "10.0.0.5 53 9.9.9.9 1053"), CMD_OK);
	assert_int_equal(run(nat_set_cmds, "red-port icmp 1.2.3.4 1 "
	    "10.0.0.5 1"), CMD_ERR_OTHER);
	assert_string_equal(ctx.errmsg, "bad PROTO name \"icmp\"");
	assert_int_equal(run(nat_set_cmds, "red-port tcp 1.2.3.4 0 "
	    "10.0.0.5 1"), CMD_ERR_OTHER);
	assert_string_equal(ctx.errmsg, "Incorrect alias port number \"0\"");
	assert_int_equal(run(nat_set_cmds, "red-port tcp 1.2.3.4 1"),
	    CMD_ERR_USAGE);
	assert_int_equal(run(nat_set_cmds, "red-addr 1.2.3.5 10.0.0.6"),
	    CMD_OK);
	assert_int_equal(run(nat_set_cmds, "red-proto gre 1.2.3.4 10.0.0.7"),
	    CMD_OK);
	assert_int_equal(run(nat_set_cmds, "red-proto nosuch 1.2.3.4 "
	    "10.0.0.7"), CMD_ERR_OTHER);
	assert_int_equal(run(nat_set_cmds, "disable incoming"), CMD_OK);

	clear_out();
	assert_int_equal(nat_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	assert_string_equal(out,
	    "NAT configuration:\r\n"
	    "\tAlias addresses : 1.2.3.4\r\n"
	    "\tTarget addresses: 10.0.0.2\r\n"
	    "Redirect ports:\r\n"
	    "\ttcp 1.2.3.4:80 10.0.0.5:8080 0.0.0.0:0 (inactive)\r\n"
	    "\tudp 1.2.3.4:53 10.0.0.5:53 9.9.9.9:1053 (inactive)\r\n"
	    "Redirect address:\r\n"
	    "\t1.2.3.5 10.0.0.6 (inactive)\r\n"
	    "Redirect proto:\r\n"
	    "\tgre 1.2.3.4 10.0.0.7 0.0.0.0 (inactive)\r\n"
	    "NAT options:\r\n"
	    "\tlog       \tdisable\r\n"
	    "\tincoming  \tdisable\r\n"
	    "\tsame-ports\tenable\r\n"
	    "\tunreg-only\tdisable\r\n");

	/* Deep copy for template instances. */
	nat_conf_copy(&copy, &bund.nat_conf);
	assert_ptr_not_equal(copy.rules, bund.nat_conf.rules);
	nat_conf_free(&copy);

	/* unset needs the identical rule. */
	assert_int_equal(run(nat_unset_cmds, "red-port tcp 1.2.3.4 80 "
	    "10.0.0.5 8081"), CMD_ERR_OTHER);
	assert_string_equal(ctx.errmsg, "Rule not found");
	assert_int_equal(run(nat_unset_cmds, "red-port tcp 1.2.3.4 80 "
	    "10.0.0.5 8080"), CMD_OK);
	assert_int_equal(run(nat_unset_cmds, "red-addr 1.2.3.5 10.0.0.6"),
	    CMD_OK);
	assert_int_equal(run(nat_unset_cmds, "red-addr 1.2.3.5 10.0.0.6"),
	    CMD_ERR_OTHER);
	assert_int_equal(run(nat_unset_cmds, "red-proto gre 1.2.3.4 10.0.0.7"),
	    CMD_OK);
	clear_out();
	assert_int_equal(nat_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	assert_non_null(strstr(out, "Redirect ports:\r\n"
	    "\tudp 1.2.3.4:53 10.0.0.5:53 9.9.9.9:1053 (inactive)\r\n"
	    "Redirect address:\r\nRedirect proto:\r\nNAT options:\r\n"));

	/* Table limits. */
	for (i = 0; i < 8; i++)
		assert_int_equal(run(nat_set_cmds, "red-addr 1.1.1.1 2.2.2.2"),
		    CMD_OK);
	assert_int_equal(run(nat_set_cmds, "red-addr 1.1.1.1 2.2.2.2"),
	    CMD_ERR_OTHER);
	assert_string_equal(ctx.errmsg,
	    "max number of redirect-addr \"8\" reached");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bundle_set, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_show_bundle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ipcp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6cp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ccp_ecp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nat, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
