/*
 * test_command.c - the command engine (surface spec 4.0): prefix
 * matching, ambiguity, privileges, admit (context) rules, the exact
 * error texts, help output and context selection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/event.h"
#include "core/msg.h"
#include "core/util.h"
#include "ctl/command.h"
#include "ppp/bund.h"
#include "ppp/link.h"

static char out[16384];
static size_t outlen;

static void
sink(void *arg, const char *buf, size_t len)
{
	(void)arg;
	if (outlen + len >= sizeof(out))
		len = sizeof(out) - outlen - 1;
	memcpy(out + outlen, buf, len);
	outlen += len;
	out[outlen] = '\0';
}

static int
run(struct cmd_ctx *ctx, const char *line)
{
	outlen = 0;
	out[0] = '\0';
	return cmd_do_line(ctx, line);
}

static int
setup(void **state)
{
	(void)state;
	return event_init();
}

static int
teardown(void **state)
{
	(void)state;
	link_shutdown_all();
	bund_shutdown_all();
	msg_fini();
	event_fini();
	return 0;
}

static void
test_unknown_ambiguous(void **state)
{
	struct cmd_ctx ctx;

	(void)state;
	cmd_ctx_init(&ctx, PRIV_ADMIN, sink, NULL);
	assert_int_equal(run(&ctx, "foo bar"), CMD_ERR_UNKNOWN);
	assert_string_equal(out, "Unknown command: 'foo bar'. Try \"help\".\r\n");
	assert_int_equal(run(&ctx, "s"), CMD_ERR_AMBIG);
	assert_string_equal(out, "Ambiguous command: 's'. Try \"help\".\r\n");
	/* "sh" is both show and shutdown */
	assert_int_equal(run(&ctx, "sh version"), CMD_ERR_AMBIG);
	/* unique prefixes work at every level */
	assert_int_equal(run(&ctx, "sho ver"), CMD_OK);
	assert_non_null(strstr(out, "MPD version: "));
	assert_int_equal(run(&ctx, "show bogus"), CMD_ERR_UNKNOWN);
	assert_string_equal(out,
	    "Unknown command: 'show bogus'. Try \"help\".\r\n");
	/* a word longer than the name does not match */
	assert_int_equal(run(&ctx, "showx"), CMD_ERR_UNKNOWN);
}

static void
test_usage_and_unfinished(void **state)
{
	struct cmd_ctx ctx;

	(void)state;
	cmd_ctx_init(&ctx, PRIV_ADMIN, sink, NULL);
	assert_int_equal(run(&ctx, "set console self"), CMD_ERR_USAGE);
	assert_string_equal(out, "Usage: set console self {ip} [{port}]\r\n");
	assert_int_equal(run(&ctx, "show"), CMD_ERR_UNFIN);
	assert_non_null(strstr(out, "Commands available under \"show\":\r\n"));
	assert_int_equal(run(&ctx, "set global max-children x"),
	    CMD_ERR_OTHER);
	assert_non_null(strstr(out, "Error in 'set global max-children x': "));
}

static void
test_privileges(void **state)
{
	struct cmd_ctx ctx;

	(void)state;
	cmd_ctx_init(&ctx, PRIV_USER, sink, NULL);
	/* commands above the privilege are invisible */
	assert_int_equal(run(&ctx, "create bundle x"), CMD_ERR_UNKNOWN);
	assert_int_equal(run(&ctx, "open"), CMD_ERR_UNKNOWN);
	assert_int_equal(run(&ctx, "log"), CMD_ERR_UNKNOWN);
	assert_int_equal(run(&ctx, "set web open"), CMD_ERR_UNKNOWN);
	/* ... but show, help and own console logging are allowed */
	assert_int_equal(run(&ctx, "show types"), CMD_OK);
	assert_int_equal(run(&ctx, "help"), CMD_OK);
	assert_null(strstr(out, "create"));
	assert_non_null(strstr(out, "Available commands:\r\n"));
	/* operators may open and close, not create */
	ctx.priv = PRIV_OPERATOR;
	assert_int_equal(run(&ctx, "open"), CMD_ERR_CONTEXT);
	assert_int_equal(run(&ctx, "create link L pppoe"), CMD_ERR_UNKNOWN);
}

static void
test_context_rules(void **state)
{
	struct cmd_ctx ctx;
	char prompt[64];

	(void)state;
	cmd_ctx_init(&ctx, PRIV_ADMIN, sink, NULL);
	assert_int_equal(run(&ctx, "set link mtu 1400"), CMD_ERR_CONTEXT);
	assert_string_equal(out, "Incorrect context for: 'set link mtu 1400'\r\n");
	assert_int_equal(run(&ctx, "show iface"), CMD_ERR_CONTEXT);
	assert_int_equal(run(&ctx, "create bundle B1"), CMD_OK);
	assert_string_equal(cmd_prompt(&ctx, prompt, sizeof(prompt)),
	    "[B1] ");
	assert_int_equal(run(&ctx, "set iface idle 30"), CMD_OK);
	/* create bundle cleared the link context */
	assert_int_equal(run(&ctx, "set link mtu 1400"), CMD_ERR_CONTEXT);
	assert_int_equal(run(&ctx, "create link L1 udp"), CMD_OK);
	assert_string_equal(cmd_prompt(&ctx, prompt, sizeof(prompt)),
	    "[L1] ");
	/* create link cleared the bundle */
	assert_int_equal(run(&ctx, "set iface idle 30"), CMD_ERR_CONTEXT);
	assert_int_equal(run(&ctx, "set link mtu 1400"), CMD_OK);
	/* device menus only on links of that type */
	assert_int_equal(run(&ctx, "set pppoe service x"), CMD_ERR_CONTEXT);
	assert_int_equal(run(&ctx, "set udp self 127.0.0.1 4000"), CMD_OK);
	/* selecting an unknown object clears the context */
	assert_int_equal(run(&ctx, "link nosuch"), CMD_ERR_OTHER);
	assert_string_equal(cmd_prompt(&ctx, prompt, sizeof(prompt)), "[] ");
	assert_int_equal(run(&ctx, "bundle B1"), CMD_OK);
	assert_string_equal(cmd_prompt(&ctx, prompt, sizeof(prompt)),
	    "[B1] ");
	assert_int_equal(run(&ctx, "link [1]"), CMD_OK);
	assert_string_equal(cmd_prompt(&ctx, prompt, sizeof(prompt)),
	    "[L1] ");
}

static void
test_templates_and_destroy(void **state)
{
	struct cmd_ctx ctx;
	char prompt[64];

	(void)state;
	cmd_ctx_init(&ctx, PRIV_ADMIN, sink, NULL);
	assert_int_equal(run(&ctx, "create link template T pppoe"), CMD_OK);
	assert_int_equal(run(&ctx, "create link template T2 T"), CMD_OK);
	assert_int_equal(run(&ctx, "create link I T2"), CMD_OK);
	assert_int_equal(run(&ctx, "create link template M modem"),
	    CMD_ERR_OTHER);
	assert_non_null(strstr(out, "does not support templating"));
	assert_int_equal(run(&ctx, "create link pppoe pppoe"), CMD_ERR_OTHER);
	assert_int_equal(run(&ctx, "create link I udp"), CMD_ERR_OTHER);
	assert_int_equal(run(&ctx, "create link thisnameiswaytoolong udp"),
	    CMD_ERR_OTHER);
	/* a template with instances can't go */
	assert_int_equal(run(&ctx, "destroy link T2"), CMD_ERR_OTHER);
	assert_int_equal(run(&ctx, "link I"), CMD_OK);
	assert_int_equal(run(&ctx, "destroy link"), CMD_OK);
	/* the destroyed link vanished from the context */
	assert_string_equal(cmd_prompt(&ctx, prompt, sizeof(prompt)), "[] ");
	assert_int_equal(run(&ctx, "destroy link T2"), CMD_OK);
	assert_int_equal(run(&ctx, "create bundle template BT"), CMD_OK);
	assert_int_equal(run(&ctx, "create bundle static BS BT"), CMD_OK);
	assert_int_equal(run(&ctx, "bundle"), CMD_OK);
	assert_non_null(strstr(out, "Defined bundles:\r\n\tBT"));
}

static void
test_select_by_value(void **state)
{
	struct cmd_ctx ctx;
	char prompt[64], want[64];
	struct bund *b;

	(void)state;
	cmd_ctx_init(&ctx, PRIV_ADMIN, sink, NULL);
	assert_int_equal(run(&ctx, "create bundle B7"), CMD_OK);
	b = ctx.bund;
	assert_int_equal(run(&ctx, "create link L7 udp"), CMD_OK);
	assert_int_equal(run(&ctx, "iface"), CMD_OK);
	snprintf(want, sizeof(want), "\t%s\tB7\r\n", b->iface.ifname);
	assert_non_null(strstr(out, "Present ifaces:\r\n"));
	assert_non_null(strstr(out, want));
	assert_int_equal(run(&ctx, "iface nosuch0"), CMD_ERR_OTHER);
	assert_string_equal(out,
	    "Error in 'iface nosuch0': iface \"nosuch0\" is not found\r\n");
	assert_string_equal(cmd_prompt(&ctx, prompt, sizeof(prompt)), "[] ");
	snprintf(want, sizeof(want), "iface %s", b->iface.ifname);
	assert_int_equal(run(&ctx, want), CMD_OK);
	assert_string_equal(cmd_prompt(&ctx, prompt, sizeof(prompt)),
	    "[B7] ");
	/* values of live sessions */
	util_strlcpy(b->msession_id, "123-B7", sizeof(b->msession_id));
	util_strlcpy(link_find("L7")->session_id, "123-L7",
	    sizeof(link_find("L7")->session_id));
	util_strlcpy(link_find("L7")->peer_authname, "Alice",
	    sizeof(link_find("L7")->peer_authname));
	assert_int_equal(run(&ctx, "session"), CMD_OK);
	assert_string_equal(out, "Present sessions:\r\n\t123-L7\r\n");
	assert_int_equal(run(&ctx, "session 123-L7"), CMD_OK);
	assert_string_equal(cmd_prompt(&ctx, prompt, sizeof(prompt)),
	    "[L7] ");
	assert_int_equal(run(&ctx, "msession 123-B7"), CMD_OK);
	assert_string_equal(cmd_prompt(&ctx, prompt, sizeof(prompt)),
	    "[B7] ");
	assert_int_equal(run(&ctx, "authname alice"), CMD_ERR_OTHER);
	assert_int_equal(run(&ctx, "authname alice CI"), CMD_OK);
	assert_string_equal(cmd_prompt(&ctx, prompt, sizeof(prompt)),
	    "[L7] ");
	assert_int_equal(run(&ctx, "authname alice XX"), CMD_ERR_USAGE);
	assert_int_equal(run(&ctx, "authname"), CMD_OK);
	assert_string_equal(out, "Present users:\r\n\tAlice\r\n");
}

static void
test_help_format(void **state)
{
	struct cmd_ctx ctx;

	(void)state;
	cmd_ctx_init(&ctx, PRIV_ADMIN, sink, NULL);
	assert_int_equal(run(&ctx, "help"), CMD_OK);
	assert_true(strncmp(out, "Available commands:\r\n authname : ",
	    33) == 0);
	assert_int_equal(run(&ctx, "help set console"), CMD_OK);
	assert_non_null(strstr(out, "Commands available under \"set console\""));
	assert_int_equal(run(&ctx, "help set console self"), CMD_OK);
	assert_string_equal(out, "Usage: set console self {ip} [{port}]\r\n");
	assert_int_equal(run(&ctx, "help nosuch"), CMD_OK);
	assert_non_null(strstr(out, "Unknown command"));
}

static void
test_completion(void **state)
{
	struct cmd_ctx ctx;
	char buf[128];

	(void)state;
	cmd_ctx_init(&ctx, PRIV_ADMIN, sink, NULL);
	assert_int_equal(cmd_complete(&ctx, "sho", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "show ");
	assert_int_equal(cmd_complete(&ctx, "show ver", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "show version ");
	assert_true(cmd_complete(&ctx, "s", buf, sizeof(buf)) > 1);
	assert_int_equal(cmd_complete(&ctx, "xyz", buf, sizeof(buf)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unknown_ambiguous, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_usage_and_unfinished,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_privileges, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_context_rules, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_templates_and_destroy,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_select_by_value, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_help_format, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_completion, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
