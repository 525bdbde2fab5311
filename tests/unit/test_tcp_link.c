/*
 * test_tcp_link.c - the tcp and udp device types under the real link
 * layer: a client link and a server template in the same daemon talk
 * over 127.0.0.1, and LCP (ppp/lcp.c) negotiates through the devices'
 * framing (async HDLC with the negotiated ACCM on TCP, bare datagrams on
 * UDP) up to Opened on both ends; closing the client terminates both
 * (surface spec 10.3, 10.4, 10.7; RFC 1662).
 *
 * Progress is read from the daemon's own log lines through log_set_hook,
 * the way the integration tests grep them.  The loop runs once per test,
 * stepped from a 2 ms timer (tests/unit/steps.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/event.h"
#include "core/log.h"
#include "core/msg.h"
#include "ctl/command.h"
#include "link/devices.h"
#include "ppp/link.h"
#include "steps.h"

/* ---- captured log ---- */

static char	logbuf[1 << 18];
static size_t	loglen;

static void
log_capture(const char *line, unsigned len)
{
	if (loglen + len + 2 >= sizeof(logbuf))
		return;
	memcpy(logbuf + loglen, line, len);
	loglen += len;
	logbuf[loglen++] = '\n';
	logbuf[loglen] = '\0';
}

/* A run that did not finish shows what the daemon logged. */
static void
dump_log(void)
{
	fprintf(stderr, "---- log ----\n%s---- end ----\n", logbuf);
}

static bool
logged(const char *fmt, ...)
{
	char want[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	return strstr(logbuf, want) != NULL;
}

/* ---- fixture ---- */

static char		out[8192];
static size_t		outlen;
static struct cmd_ctx	ctx;
static uint64_t		saved_mask;

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

static void
cmd(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	rc = cmd_do_line(&ctx, line);
	if (rc != CMD_OK)
		fail_msg("\"%s\" failed (%d): %s", line, rc, out);
}

static int
setup(void **state)
{
	(void)state;
	loglen = 0;
	logbuf[0] = '\0';
	saved_mask = g_log_mask;
	g_log_mask |= LG_PHYS | LG_LINK | LG_LCP | LG_FSM;
	log_set_hook(log_capture);
	steps_on_fail = dump_log;
	cmd_ctx_init(&ctx, PRIV_ADMIN, capture, NULL);
	if (event_init() < 0)
		return -1;
	event_set_idle(msg_dispatch);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	link_shutdown_all();
	while (msg_dispatch())
		;
	event_set_idle(NULL);
	event_fini();
	log_set_hook(NULL);
	g_log_mask = saved_mask;
	return 0;
}

static uint16_t
free_port(int type)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, type, 0);
	uint16_t port;

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* ---- the scenario, for either type ---- */

static const char	*ty;		/* "tcp" or "udp" */
static const char	*TY;		/* "TCP" or "UDP" */
static uint16_t		 port;
static struct link	*cl;		/* the client link */

static bool
s_listening(void)
{
	if (!logged("%s: waiting for connection on 127.0.0.1 %u", TY, port))
		return false;
	link_open(cl, "Manual");
	return true;
}

/* The server side's link name, from "[S-n] Accepting ..." in the log. */
static bool
server_name(char *buf, size_t len)
{
	char want[64];
	const char *p, *b;

	snprintf(want, sizeof(want), "] Accepting %s connection from", TY);
	p = strstr(logbuf, want);
	if (p == NULL)
		return false;
	for (b = p; b > logbuf && b[-1] != '['; b--)
		;
	if ((size_t)(p - b) >= len)
		return false;
	memcpy(buf, b, (size_t)(p - b));
	buf[p - b] = '\0';
	return true;
}

static bool
lcp_opened(const char *name)
{
	return logged("[%s] LCP: state change Ack-Sent --> Opened", name) ||
	    logged("[%s] LCP: state change Ack-Rcvd --> Opened", name);
}

static char sname[LINK_MAX_NAME];

static bool
s_opened(void)
{
	if (!server_name(sname, sizeof(sname)) || !lcp_opened("C1") ||
	    !lcp_opened(sname))
		return false;
	/* an instance of the template took the call */
	assert_int_equal(strncmp(sname, "S-", 2), 0);
	assert_true(logged("[C1] Link: UP event"));
	assert_true(logged("[%s] Link: UP event", sname));
	return true;
}

/*
 * Neither end has a bundle to join ("No bundle specified"), so both
 * terminate LCP and hang up; the server's instance is destroyed and the
 * client ends up DOWN.
 */
static bool
s_ended(void)
{
	if (!logged("[%s] Link: destroyed", sname) ||
	    !logged("[C1] Link: DOWN event") || cl->state != PHYS_STATE_DOWN)
		return false;
	/* whichever end got there first terminated, the other acked */
	assert_true((logged("[%s] LCP: SendTerminateReq", sname) &&
	    logged("[C1] LCP: rec'd Terminate Request")) ||
	    (logged("[C1] LCP: SendTerminateReq") &&
	    logged("[%s] LCP: rec'd Terminate Request", sname)));
	return true;
}

static void
scenario(uint32_t ms)
{
	static step_fn *const s[] = { s_listening, s_opened, s_ended };

	cl = NULL;
	sname[0] = '\0';
	cmd("create link template S %s", ty);
	cmd("set %s self 127.0.0.1 %u", ty, port);
	cmd("set link enable incoming");
	cmd("create link static C1 %s", ty);
	cmd("set %s peer 127.0.0.1 %u", ty, port);
	cmd("set link max-redial -1");
	cl = link_find("C1");
	assert_non_null(cl);
	run_steps(s, (int)(sizeof(s) / sizeof(s[0])), ms);
}

static void
test_tcp_lcp(void **state)
{
	(void)state;
	ty = "tcp";
	TY = "TCP";
	port = free_port(SOCK_STREAM);
	scenario(10000);
	/* the server hung up: the client saw the connection go */
	assert_true(logged("[C1] TCP: connection closed by peer") ||
	    logged("[C1] TCP: closing connection"));
}

static void
test_udp_lcp(void **state)
{
	(void)state;
	ty = "udp";
	TY = "UDP";
	port = free_port(SOCK_DGRAM);
	scenario(10000);
	/* no connection state on UDP: the client closed after LCP */
	assert_true(logged("[C1] UDP: closing"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tcp_lcp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_udp_lcp, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
