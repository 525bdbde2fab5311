/*
 * test_link_conf.c - unit tests for link configuration (ppp/link_cmd.c):
 * the option verbs of `set link` (enable/disable/accept/deny/yes/no, the
 * `chap` alias, prefix and ambiguous option names), mpd5's defaults, the
 * MTU/MRU/MRRU bounds, max-children on templates and the incoming-call
 * action list (surface spec 4.0.1, 4.2, 4.5.1).
 *
 * The handlers are called straight from link_set_cmds, the way the command
 * engine calls them after matching, on a link built here rather than with
 * `create link` (no global link table is involved).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "ctl/command.h"
#include "link/devices.h"
#include "ppp/link.h"

/* ---- fixture ---- */

static char		out[16384];
static size_t		outlen;

static void
capture(void *arg, const char *buf, size_t len)
{
	(void)arg;
	if (outlen + len >= sizeof(out))
		len = sizeof(out) - outlen - 1;
	memcpy(out + outlen, buf, len);
	outlen += len;
	out[outlen] = '\0';
}

struct fixture {
	struct link	l;
	struct cmd_ctx	ctx;
};

static void
fixture_type(struct fixture *f, const struct phys_type *t)
{
	if (f->l.dev_conf != NULL)
		f->l.type->conf_free(f->l.dev_conf);
	f->l.type = t;
	f->l.dev_conf = t->conf_new();
	link_conf_defaults(&f->l);
}

static int
setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	snprintf(f->l.name, sizeof(f->l.name), "L1");
	fixture_type(f, &phys_pppoe);
	auth_conf_defaults(&f->l.auth);
	cmd_ctx_init(&f->ctx, PRIV_ADMIN, capture, NULL);
	f->ctx.lnk = &f->l;
	out[0] = '\0';
	outlen = 0;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	link_actions_free(f->l.actions);
	/* `enable incoming` makes the device listen: release its state */
	phys_shutdown(&f->l);
	f->l.type->conf_free(f->l.dev_conf);
	test_free(f);
	return 0;
}

/* Find the entry of menu whose first word is word. */
static const struct cmdtab *
entry(const struct cmdtab *menu, const char *word)
{
	size_t n = strlen(word);

	for (; menu->name != NULL; menu++)
		if (strncmp(menu->name, word, n) == 0 &&
		    (menu->name[n] == ' ' || menu->name[n] == '\0'))
			return menu;
	fail_msg("no entry \"%s\"", word);
	return NULL;
}

/*
 * Run `set link <words...>` (NULL-terminated) through the handler that
 * the engine would pick; "action" descends into its submenu.
 */
static int
set_link(struct fixture *f, const char *word, ...)
{
	const struct cmdtab *c = entry(link_set_cmds, word);
	char *av[16];
	int ac = 0;
	va_list ap;

	va_start(ap, word);
	if (c->submenu != NULL)
		c = entry(c->submenu, va_arg(ap, const char *));
	while (ac < 16 && (av[ac] = va_arg(ap, char *)) != NULL)
		ac++;
	va_end(ap);
	f->ctx.errmsg[0] = '\0';
	return c->func(&f->ctx, ac, av, c->arg);
}

#define EN(f, o)	opt_enabled(&(f)->l.conf.options, (o))
#define AC(f, o)	opt_accepted(&(f)->l.conf.options, (o))

/* ---- defaults ---- */

static void
test_defaults(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(f->l.conf.mru, 1500);
	assert_int_equal(f->l.conf.mtu, 1500);
	assert_int_equal(f->l.conf.mrru, 2048);
	assert_int_equal(f->l.conf.accmap, 0x000a0000);
	assert_int_equal(f->l.conf.bandwidth, 64000);
	assert_int_equal(f->l.conf.latency, 2000);
	assert_int_equal(f->l.conf.fsm_timeout, 2);
	assert_int_equal(f->l.conf.max_redial, -1);
	assert_int_equal(f->l.conf.redial_delay, 1);
	assert_int_equal(f->l.conf.max_children, 10000);
	assert_int_equal(f->l.conf.echo_int, 5);
	assert_int_equal(f->l.conf.echo_max, 40);

	/* auth protocols: we require none, the peer may ask all but MSv1 */
	assert_false(EN(f, LINK_OPT_PAP));
	assert_true(AC(f, LINK_OPT_PAP));
	assert_true(AC(f, LINK_OPT_CHAP_MD5));
	assert_false(AC(f, LINK_OPT_CHAP_MSV1));
	assert_true(AC(f, LINK_OPT_CHAP_MSV2));
	assert_true(AC(f, LINK_OPT_EAP));
	assert_true(EN(f, LINK_OPT_ACFCOMP) && AC(f, LINK_OPT_ACFCOMP));
	assert_true(EN(f, LINK_OPT_PROTOCOMP) && AC(f, LINK_OPT_PROTOCOMP));
	assert_true(EN(f, LINK_OPT_MAGICNUM));
	assert_true(EN(f, LINK_OPT_CHECK_MAGIC));
	assert_true(EN(f, LINK_OPT_SHORTSEQ) && AC(f, LINK_OPT_SHORTSEQ));
	assert_false(EN(f, LINK_OPT_INCOMING));
	assert_false(EN(f, LINK_OPT_MULTILINK));
	assert_false(EN(f, LINK_OPT_PASSIVE));
}

static void
test_defaults_modem(void **state)
{
	struct fixture *f = *state;

	fixture_type(f, &phys_modem);
	assert_int_equal(f->l.conf.bandwidth, 28800);
	assert_int_equal(f->l.conf.latency, 10000);
}

static void
test_auth_defaults(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(f->l.auth.timeout, 40);
	assert_true(opt_enabled(&f->l.auth.options, AUTH_OPT_INTERNAL));
	assert_true(opt_enabled(&f->l.auth.options, AUTH_OPT_ACCT_MANDATORY));
	assert_false(opt_enabled(&f->l.auth.options, AUTH_OPT_RADIUS_AUTH));
}

/* ---- option verbs ---- */

static void
test_enable_chap_expands(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_link(f, "enable", "chap", NULL), CMD_OK);
	assert_true(EN(f, LINK_OPT_CHAP_MD5));
	assert_true(EN(f, LINK_OPT_CHAP_MSV1));
	assert_true(EN(f, LINK_OPT_CHAP_MSV2));
	assert_false(EN(f, LINK_OPT_PAP));
	/* enable leaves the peer side alone */
	assert_false(AC(f, LINK_OPT_CHAP_MSV1));
}

static void
test_accept_deny_chap(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_link(f, "accept", "chap", NULL), CMD_OK);
	assert_true(AC(f, LINK_OPT_CHAP_MSV1));
	/* the alias is case-insensitive, and mixes with other names */
	assert_int_equal(set_link(f, "deny", "CHAP", "pap", NULL), CMD_OK);
	assert_false(AC(f, LINK_OPT_CHAP_MD5));
	assert_false(AC(f, LINK_OPT_CHAP_MSV1));
	assert_false(AC(f, LINK_OPT_CHAP_MSV2));
	assert_false(AC(f, LINK_OPT_PAP));
	assert_true(AC(f, LINK_OPT_EAP));
}

static void
test_yes_no(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_link(f, "yes", "pap", "multilink", NULL),
	    CMD_OK);
	assert_true(EN(f, LINK_OPT_PAP) && AC(f, LINK_OPT_PAP));
	assert_true(EN(f, LINK_OPT_MULTILINK));
	assert_int_equal(set_link(f, "no", "pap", "acfcomp", NULL), CMD_OK);
	assert_false(EN(f, LINK_OPT_PAP) || AC(f, LINK_OPT_PAP));
	assert_false(EN(f, LINK_OPT_ACFCOMP) || AC(f, LINK_OPT_ACFCOMP));
	/* no on a non-peered option only disables */
	assert_int_equal(set_link(f, "no", "multilink", NULL), CMD_OK);
	assert_false(EN(f, LINK_OPT_MULTILINK));
}

static void
test_disable_keeps_accept(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_link(f, "disable", "protocomp", NULL), CMD_OK);
	assert_false(EN(f, LINK_OPT_PROTOCOMP));
	assert_true(AC(f, LINK_OPT_PROTOCOMP));
}

static void
test_accept_not_applicable(void **state)
{
	struct fixture *f = *state;
	struct opt_set before = f->l.conf.options;

	/* incoming has no peer side: accept is refused (logged), no change */
	assert_int_equal(set_link(f, "accept", "incoming", NULL), CMD_OK);
	assert_memory_equal(&before, &f->l.conf.options, sizeof(before));
	assert_false(EN(f, LINK_OPT_INCOMING));
	/* yes on it just enables */
	assert_int_equal(set_link(f, "yes", "incoming", NULL), CMD_OK);
	assert_true(EN(f, LINK_OPT_INCOMING));
}

static void
test_prefix_names(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_link(f, "enable", "mult", NULL), CMD_OK);
	assert_true(EN(f, LINK_OPT_MULTILINK));
	assert_int_equal(set_link(f, "disable", "PROTO", NULL), CMD_OK);
	assert_false(EN(f, LINK_OPT_PROTOCOMP));
	assert_int_equal(set_link(f, "enable", "keep-ms", "time", NULL),
	    CMD_OK);
	assert_true(EN(f, LINK_OPT_KEEP_MS_DOMAIN));
	assert_true(EN(f, LINK_OPT_TIME_REMAIN));
}

static void
test_ambiguous_and_unknown_names(void **state)
{
	struct fixture *f = *state;
	struct opt_set before = f->l.conf.options;

	/* "p" fits pap, protocomp, passive, peer-as-calling */
	assert_int_equal(set_link(f, "enable", "p", NULL), CMD_OK);
	/* "chap-" is not the alias and fits all three variants */
	assert_int_equal(set_link(f, "enable", "chap-", NULL), CMD_OK);
	assert_int_equal(set_link(f, "enable", "bogus", NULL), CMD_OK);
	assert_int_equal(set_link(f, "enable", "", NULL), CMD_OK);
	assert_memory_equal(&before, &f->l.conf.options, sizeof(before));
	/* a bad name does not stop the good ones */
	assert_int_equal(set_link(f, "enable", "bogus", "passive", NULL),
	    CMD_OK);
	assert_true(EN(f, LINK_OPT_PASSIVE));
}

static void
test_verb_without_names(void **state)
{
	struct fixture *f = *state;
	struct opt_set before = f->l.conf.options;

	assert_int_equal(set_link(f, "enable", NULL), CMD_OK);
	assert_memory_equal(&before, &f->l.conf.options, sizeof(before));
}

/* ---- numbers and bounds ---- */

static void
test_mtu_bounds(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_link(f, "mtu", "295", NULL), CMD_ERR_OTHER);
	assert_string_equal(f->ctx.errmsg, "min MTU is 296");
	assert_int_equal(set_link(f, "mtu", "296", NULL), CMD_OK);
	assert_int_equal(f->l.conf.mtu, 296);
	assert_int_equal(set_link(f, "mtu", "1493", NULL), CMD_ERR_OTHER);
	assert_string_equal(f->ctx.errmsg,
	    "max MTU on type \"pppoe\" links is 1492");
	assert_int_equal(f->l.conf.mtu, 296);
	assert_int_equal(set_link(f, "mtu", "1492", NULL), CMD_OK);
	assert_int_equal(f->l.conf.mtu, 1492);
	/* mpd5 reads numbers with atoi: garbage is 0, below the minimum */
	assert_int_equal(set_link(f, "mtu", "abc", NULL), CMD_ERR_OTHER);
	assert_string_equal(f->ctx.errmsg, "min MTU is 296");
	assert_int_equal(set_link(f, "mtu", NULL), CMD_ERR_USAGE);
	assert_int_equal(set_link(f, "mtu", "1400", "1", NULL),
	    CMD_ERR_USAGE);
}

static void
test_mru_bounds_per_type(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_link(f, "mru", "200", NULL), CMD_ERR_OTHER);
	assert_string_equal(f->ctx.errmsg, "min MRU is 296");
	fixture_type(f, &phys_tcp);
	assert_int_equal(set_link(f, "mru", "2048", NULL), CMD_OK);
	assert_int_equal(f->l.conf.mru, 2048);
	assert_int_equal(set_link(f, "mru", "2049", NULL), CMD_ERR_OTHER);
	assert_string_equal(f->ctx.errmsg,
	    "max MRU on type \"tcp\" links is 2048");
	fixture_type(f, &phys_pptp);
	assert_int_equal(set_link(f, "mtu", "1533", NULL), CMD_ERR_OTHER);
	assert_string_equal(f->ctx.errmsg,
	    "max MTU on type \"pptp\" links is 1532");
	fixture_type(f, &phys_l2tp);
	assert_int_equal(set_link(f, "mtu", "1600", NULL), CMD_OK);
}

static void
test_mrru_bounds(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_link(f, "mrru", "295", NULL), CMD_ERR_OTHER);
	assert_string_equal(f->ctx.errmsg, "min MRRU is 296");
	assert_int_equal(set_link(f, "mrru", "4097", NULL), CMD_ERR_OTHER);
	assert_string_equal(f->ctx.errmsg, "max MRRU is 4096");
	assert_int_equal(set_link(f, "mrru", "1600", NULL), CMD_OK);
	assert_int_equal(f->l.conf.mrru, 1600);
}

static void
test_other_numbers(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_link(f, "fsm-timeout", "11", NULL),
	    CMD_ERR_OTHER);
	assert_string_equal(f->ctx.errmsg, "incorrect fsm-timeout value 11");
	assert_int_equal(set_link(f, "redial-delay", "0", NULL), CMD_OK);
	assert_int_equal(f->l.conf.redial_delay, 1);
	assert_int_equal(set_link(f, "max-redial", "0", NULL), CMD_OK);
	assert_int_equal(f->l.conf.max_redial, 0);
	assert_int_equal(set_link(f, "bandwidth", "0", NULL), CMD_ERR_OTHER);
	assert_string_equal(f->ctx.errmsg, "[L1] Bandwidth must be positive");
	assert_int_equal(set_link(f, "bandwidth", "9999999", NULL), CMD_OK);
	assert_int_equal(f->l.conf.bandwidth, 4800000);
	assert_int_equal(set_link(f, "accmap", "0x0", NULL), CMD_OK);
	assert_int_equal(f->l.conf.accmap, 0);
	assert_int_equal(set_link(f, "accmap", "ffffffff", NULL), CMD_OK);
	assert_int_equal(f->l.conf.accmap, 0xffffffffu);
	assert_int_equal(set_link(f, "keep-alive", "0", "0", NULL), CMD_OK);
	assert_int_equal(f->l.conf.echo_int, 0);
	assert_int_equal(set_link(f, "keep-alive", "10", NULL),
	    CMD_ERR_USAGE);
}

static void
test_max_children_templates_only(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_link(f, "max-children", "5", NULL),
	    CMD_ERR_OTHER);
	assert_string_equal(f->ctx.errmsg, "applicable only to templates");
	f->l.tmpl = true;
	assert_int_equal(set_link(f, "max-children", "5", NULL), CMD_OK);
	assert_int_equal(f->l.conf.max_children, 5);
	assert_int_equal(set_link(f, "max-children", "100001", NULL),
	    CMD_ERR_OTHER);
	assert_string_equal(f->ctx.errmsg, "incorrect value 100001");
	assert_int_equal(f->l.conf.max_children, 5);
}

/* ---- actions ---- */

static void
test_actions(void **state)
{
	struct fixture *f = *state;
	struct link_action *copy;

	assert_int_equal(set_link(f, "action", "bundle", "B1", "^a", NULL),
	    CMD_OK);
	assert_int_equal(set_link(f, "action", "forward", "T", "", NULL),
	    CMD_OK);
	assert_int_equal(set_link(f, "action", "drop", NULL), CMD_OK);
	assert_int_equal(set_link(f, "action", "bundle", "B2", "(", NULL),
	    CMD_ERR_OTHER);
	assert_string_equal(f->ctx.errmsg, "regexp \"(\" compilation error");
	assert_int_equal(set_link(f, "action", "bundle", NULL),
	    CMD_ERR_USAGE);

	/* appended in order; an empty regex means "everything" */
	assert_non_null(f->l.actions);
	assert_int_equal(f->l.actions->type, LINK_ACTION_BUNDLE);
	assert_string_equal(f->l.actions->arg, "B1");
	assert_string_equal(f->l.actions->regex, "^a");
	assert_int_equal(f->l.actions->next->type, LINK_ACTION_FORWARD);
	assert_null(f->l.actions->next->regex);
	assert_int_equal(f->l.actions->next->next->type, LINK_ACTION_DROP);
	assert_null(f->l.actions->next->next->next);

	copy = link_actions_dup(f->l.actions);
	assert_ptr_not_equal(copy, f->l.actions);
	assert_string_equal(copy->regex, "^a");
	assert_ptr_not_equal(copy->regex, f->l.actions->regex);
	link_actions_free(copy);

	assert_int_equal(set_link(f, "action", "clear", NULL), CMD_OK);
	assert_null(f->l.actions);
}

/* ---- show link ---- */

static void
test_show_link(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_link(f, "enable", "chap", NULL), CMD_OK);
	assert_int_equal(link_cmd_show(&f->ctx, 0, NULL, NULL), CMD_OK);
	assert_non_null(strstr(out, "Link L1:\r\nConfiguration:\r\n"
	    "\tDevice type    : pppoe\r\n"
	    "\tMRU            : 1500 bytes\r\n"
	    "\tMRRU           : 2048 bytes\r\n"
	    "\tCtrl char map  : 0x000a0000 bytes\r\n"
	    "\tRetry timeout  : 2 seconds\r\n"
	    "\tMax redial     : no redial\r\n"
	    "\tBandwidth      : 64000 bits/sec\r\n"
	    "\tLatency        : 2000 usec\r\n"
	    "\tKeep-alive     : every 5 secs, timeout 40\r\n"
	    "\tIdent string   : \"\"\r\n"
	    "Link incoming actions:\r\n"
	    "Link level options:\r\n"
	    "\t\t\tSelf\t\tPeer\r\n"
	    "\tincoming  \tdisable\r\n"
	    "\tpap       \tdisable\t\taccept\r\n"
	    "\tchap-md5  \tenable\t\taccept\r\n"
	    "\tchap-msv1 \tenable\t\tdeny\r\n"));
	assert_non_null(strstr(out, "\tremove-tee\tdisable\r\n"
	    "Link state:\r\n\tState          : DOWN\r\n"));
	assert_null(strstr(out, "Max children"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_defaults_modem, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_auth_defaults, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enable_chap_expands,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_deny_chap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_yes_no, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disable_keeps_accept,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_not_applicable,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefix_names, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_ambiguous_and_unknown_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verb_without_names,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_mtu_bounds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mru_bounds_per_type,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_mrru_bounds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_other_numbers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_max_children_templates_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_actions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_show_link, setup,
		    teardown),
	};

	/* log_open() is never called: the option warnings go nowhere */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
