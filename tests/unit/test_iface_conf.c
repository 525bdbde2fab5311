/*
 * test_iface_conf.c - `set iface` parsing, defaults, deep copy for
 * template instances, description templates and the exact `show iface`
 * layout (surface spec 4.4.2 and 5.2).
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
#include "ppp/iface.h"

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
	outlen = 0;
	out[0] = '\0';
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
 * Run "set iface <line>" against iface_set_cmds: the first word selects
 * the entry by exact first word of its template.  Words are split at
 * single spaces; '_' stands for a space inside a word.
 */
static int
run(const char *line)
{
	char buf[256], *av[16], *p, *q;
	const struct cmdtab *c;
	size_t n;
	int ac = 0;

	util_strlcpy(buf, line, sizeof(buf));
	for (p = strtok_r(buf, " ", &q); p != NULL && ac < 16;
	    p = strtok_r(NULL, " ", &q)) {
		for (char *x = p; *x != '\0'; x++)
			if (*x == '_')
				*x = ' ';
		av[ac++] = p;
	}
	assert_true(ac >= 1);
	n = strlen(av[0]);
	for (c = iface_set_cmds; c->name != NULL; c++)
		if (strncmp(c->name, av[0], n) == 0 &&
		    (c->name[n] == ' ' || c->name[n] == '\0'))
			break;
	assert_non_null(c->name);
	ctx.errmsg[0] = '\0';
	return c->func(&ctx, ac - 1, av + 1, c->arg);
}

static void
test_defaults(void **state)
{
	const struct iface_conf *c = &bund.iface_conf;

	(void)state;
	assert_string_equal(c->name, "");
	assert_null(c->descr);
	assert_int_equal(c->max_mtu, 1500);
	assert_int_equal(c->mtu_override, 0);
	assert_int_equal(c->idle_timeout, 0);
	assert_int_equal(c->session_timeout, 0);
	assert_null(c->routes);
	assert_int_equal(c->options.enable, 0);
}

static void
test_mtu(void **state)
{
	const struct iface_conf *c = &bund.iface_conf;

	(void)state;
	assert_int_equal(run("mtu 295"), CMD_ERR_OTHER);
	assert_string_equal(ctx.errmsg, "Invalid interface mtu 295");
	assert_int_equal(run("mtu 65537"), CMD_ERR_OTHER);
	assert_int_equal(run("mtu 296"), CMD_OK);
	assert_int_equal(c->max_mtu, 296);
	assert_int_equal(run("mtu 65536"), CMD_OK);
	assert_int_equal(c->max_mtu, 65536);
	assert_int_equal(run("mtu 1400 override"), CMD_OK);
	assert_int_equal(c->mtu_override, 1400);
	assert_int_equal(c->max_mtu, 65536);
	assert_int_equal(run("mtu 0 override"), CMD_OK);
	assert_int_equal(c->mtu_override, 0);
	assert_int_equal(run("mtu 0"), CMD_ERR_OTHER);
	assert_int_equal(run("mtu 1400 force"), CMD_ERR_OTHER);
	assert_string_equal(ctx.errmsg, "Invalid keyword force");
	assert_int_equal(run("mtu"), CMD_ERR_USAGE);
}

static void
test_addrs_routes(void **state)
{
	const struct iface_conf *c = &bund.iface_conf;
	char buf[64];

	(void)state;
	assert_int_equal(run("addrs 10.0.0.1 10.0.0.2"), CMD_OK);
	assert_string_equal(u_range_print(&c->self_addr, buf, sizeof(buf)),
	    "10.0.0.1/32");
	assert_false(c->self_addr_force);
	assert_int_equal(run("addrs !10.0.0.1/24 !10.0.0.2"), CMD_OK);
	assert_true(c->self_addr_force);
	assert_true(c->peer_addr_force);
	assert_int_equal(run("addrs 10.0.0.1 fe80::1"), CMD_ERR_OTHER);
	assert_string_equal(ctx.errmsg,
	    "Addresses must be from the same protocol family");
	assert_int_equal(run("addrs foo 10.0.0.1"), CMD_ERR_OTHER);
	assert_string_equal(ctx.errmsg, "Bad IP address \"foo\"");
	assert_int_equal(run("addrs 10.0.0.1"), CMD_ERR_USAGE);
	assert_int_equal(run("addrs fe80::1 fe80::2"), CMD_OK);
	assert_int_equal(c->self_ipv6.family, AF_INET6);

	assert_int_equal(run("route default"), CMD_OK);
	assert_int_equal(run("route 192.168.0.0/16"), CMD_OK);
	assert_int_equal(run("route nope"), CMD_ERR_OTHER);
	assert_string_equal(ctx.errmsg, "Bad route dest address \"nope\"");
	/* Newest first. */
	assert_string_equal(u_range_print(&c->routes->dest, buf, sizeof(buf)),
	    "192.168.0.0/16");
	assert_string_equal(u_range_print(&c->routes->next->dest, buf,
	    sizeof(buf)), "0.0.0.0/0");
}

static void
test_name(void **state)
{
	(void)state;
	assert_int_equal(run("name ng5"), CMD_ERR_OTHER);
	assert_string_equal(ctx.errmsg, "This interface name is reserved");
	assert_int_equal(run("name ng"), CMD_OK);	/* only for templates */
	assert_int_equal(run("name 0123456789abcdef"), CMD_ERR_OTHER);
	assert_string_equal(ctx.errmsg,
	    "Interface name too long, >15 characters");
	assert_int_equal(run("name 0123456789abcde"), CMD_OK);
	assert_int_equal(run("name ppp-out"), CMD_OK);
	assert_string_equal(bund.iface_conf.name, "ppp-out");
	assert_string_equal(bund.iface.ifname, "ppp-out");
	assert_int_equal(run("name"), CMD_OK);
	assert_string_equal(bund.iface_conf.name, "");
	assert_string_equal(bund.iface.ifname, "ng0");

	bund.tmpl = true;
	assert_int_equal(run("name ng"), CMD_ERR_OTHER);
	assert_int_equal(run("name 0123456789ab"), CMD_ERR_OTHER);
	assert_string_equal(ctx.errmsg,
	    "Interface name too long, >11 characters");
	assert_int_equal(run("name 0123456789a"), CMD_OK);
	assert_int_equal(run("name web"), CMD_OK);
	/* A template's name does not touch the (absent) interface. */
	assert_string_equal(bund.iface.ifname, "ng0");
}

static void
test_group_scripts_timeouts(void **state)
{
	const struct iface_conf *c = &bund.iface_conf;

	(void)state;
	assert_int_equal(run("group vpn1"), CMD_ERR_OTHER);
	assert_int_equal(run("group vpn"), CMD_OK);
	assert_string_equal(c->group, "vpn");
	assert_int_equal(run("group"), CMD_OK);
	assert_string_equal(c->group, "");
	assert_int_equal(run("up-script /etc/up.sh"), CMD_OK);
	assert_int_equal(run("down-script /etc/down.sh"), CMD_OK);
	assert_string_equal(c->up_script, "/etc/up.sh");
	assert_string_equal(c->down_script, "/etc/down.sh");
	assert_int_equal(run("up-script"), CMD_OK);
	assert_null(c->up_script);
	assert_int_equal(run("up-script a b"), CMD_ERR_USAGE);
	assert_int_equal(run("idle 1800"), CMD_OK);
	assert_int_equal(run("session 86400"), CMD_OK);
	assert_int_equal(c->idle_timeout, 1800);
	assert_int_equal(c->session_timeout, 86400);
	assert_int_equal(run("idle"), CMD_ERR_USAGE);
}

static void
test_copy_inst_free(void **state)
{
	struct iface_conf copy;

	(void)state;
	assert_int_equal(run("description %I_up"), CMD_OK);
	assert_int_equal(run("up-script /x"), CMD_OK);
	assert_int_equal(run("route 10.0.0.0/8"), CMD_OK);
	assert_int_equal(run("route 10.1.0.0/16"), CMD_OK);
	assert_int_equal(run("name web"), CMD_OK);
	iface_conf_copy(&copy, &bund.iface_conf);
	assert_ptr_not_equal(copy.descr, bund.iface_conf.descr);
	assert_string_equal(copy.descr, "%I up");
	assert_ptr_not_equal(copy.up_script, bund.iface_conf.up_script);
	assert_null(copy.down_script);
	assert_ptr_not_equal(copy.routes, bund.iface_conf.routes);
	assert_int_equal(copy.routes->dest.width, 16);
	assert_int_equal(copy.routes->next->dest.width, 8);
	assert_null(copy.routes->next->next);
	iface_conf_inst(&copy, 12);
	assert_string_equal(copy.name, "web12");
	iface_conf_free(&copy);
	assert_null(copy.descr);
	assert_null(copy.routes);
	iface_conf_free(&copy);		/* idempotent */

	bund.iface_conf.name[0] = '\0';
	iface_conf_copy(&copy, &bund.iface_conf);
	iface_conf_inst(&copy, 3);
	assert_string_equal(copy.name, "");
	iface_conf_free(&copy);
}

static void
test_descr_expand(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(iface_descr_expand(&bund, "%I-%S-%% %U %l %z",
	    buf, sizeof(buf)), "ng0-DOWN-% - - %z");
	bund.iface.up = true;
	bund.iface.dod = true;
	util_strlcpy(bund.peer_authname, "bob", sizeof(bund.peer_authname));
	assert_string_equal(iface_descr_expand(&bund, "%S %U%", buf,
	    sizeof(buf)), "DoD bob%");
	assert_string_equal(iface_descr_expand(&bund, "%I%I%I", buf, 5),
	    "ng0n");
}

static void
test_show_default(void **state)
{
	(void)state;
	assert_int_equal(iface_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	assert_string_equal(out,
	    "Interface configuration:\r\n"
	    "\tName            : \r\n"
	    "\tDescription     : \"<none>\"\r\n"
	    "\tGroup           : \r\n"
	    "\tMaximum MTU     : 1500 bytes\r\n"
	    "\tMTU override    : 0 bytes\r\n"
	    "\tIdle timeout    : 0 seconds\r\n"
	    "\tSession timeout : 0 seconds\r\n"
	    "\tEvent scripts\r\n"
	    "\t  up-script     : \"<none>\"\r\n"
	    "\t  down-script   : \"<none>\"\r\n"
	    "Interface options:\r\n"
	    "\ton-demand \tdisable\r\n"
	    "\tproxy-arp \tdisable\r\n"
	    "\tkeep-timeout\tdisable\r\n"
	    "\ttcpmssfix \tdisable\r\n"
	    "\ttee       \tdisable\r\n"
	    "\tnat       \tdisable\r\n"
	    "\tnetflow-in\tdisable\r\n"
	    "\tnetflow-out\tdisable\r\n"
	    "\tnetflow-once\tdisable\r\n"
	    "\tipacct    \tdisable\r\n"
	    "Interface status:\r\n"
	    "\tAdmin status    : CLOSED\r\n"
	    "\tStatus          : DOWN\r\n"
	    "\tName            : ng0\r\n"
	    "\tDescription     : \"<none>\"\r\n");
}

static void
test_show_configured(void **state)
{
	const char *p;

	(void)state;
	assert_int_equal(run("addrs !10.0.0.1 10.0.0.2"), CMD_OK);
	assert_int_equal(run("addrs fe80::1 !fe80::2"), CMD_OK);
	assert_int_equal(run("route default"), CMD_OK);
	assert_int_equal(run("description <%I>"), CMD_OK);
	assert_int_equal(run("enable tcpmss proxy"), CMD_OK);
	assert_int_equal(run("up-script /u"), CMD_OK);
	assert_int_equal(iface_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	assert_non_null(strstr(out,
	    "\tDescription     : \"<ng0>\"\r\n\tGroup           : \r\n"));
	assert_non_null(strstr(out,
	    "\tSession timeout : 0 seconds\r\n"
	    "\tIP Addresses    : !10.0.0.1/32 -> 10.0.0.2\r\n"
	    "\tIPv6 Addresses  : fe80::1%ng0 -> !fe80::2%ng0\r\n"
	    "\tEvent scripts\r\n"
	    "\t  up-script     : \"/u\"\r\n"));
	assert_non_null(strstr(out, "\tproxy-arp \tenable\r\n"));
	assert_non_null(strstr(out, "\ttcpmssfix \tenable\r\n"));
	p = strstr(out, "Static routes via peer:\r\n\t0.0.0.0/0\r\n"
	    "Interface status:\r\n");
	assert_non_null(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mtu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addrs_routes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_scripts_timeouts,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_inst_free, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_descr_expand, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_show_default, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_show_configured, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
