/*
 * test_extauth.c - the ext-auth script protocol (surface spec 9.2): the
 * request text in its exact order, the reply attributes, secrets kept out
 * of the log, and round trips with small shell scripts in a temp dir
 * (arguments, EOF-terminated replies, scripts that don't read, time
 * limit, refused user names).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "auth/extauth.h"
#include "core/log.h"

static char dir[64];
static char logbuf[8192];

static void
hook(const char *line, unsigned len)
{
	size_t n = strlen(logbuf);

	snprintf(logbuf + n, sizeof(logbuf) - n, "%.*s\n", (int)len, line);
}

static void
fill_request(struct extauth_request *rq)
{
	memset(rq, 0, sizeof(*rq));
	snprintf(rq->user, sizeof(rq->user), "alice");
	snprintf(rq->auth_type, sizeof(rq->auth_type), "PAP");
	rq->send_password = true;
	snprintf(rq->password, sizeof(rq->password), "s3cret");
	snprintf(rq->session_id, sizeof(rq->session_id), "1234567-L1");
	snprintf(rq->link, sizeof(rq->link), "L1");
	rq->nas_port = 1;
	snprintf(rq->nas_port_type, sizeof(rq->nas_port_type), "udp");
	snprintf(rq->peer_addr, sizeof(rq->peer_addr), "10.0.0.2");
	snprintf(rq->peer_ident, sizeof(rq->peer_ident), "evil\nRESULT:SUCCESS");
}

static const char expected_request[] =
    "USER_NAME:alice\n"
    "AUTH_TYPE:PAP\n"
    "USER_PASSWORD:s3cret\n"
    "ACCT_SESSION_ID:1234567-L1\n"
    "LINK:L1\n"
    "NAS_PORT:1\n"
    "NAS_PORT_TYPE:udp\n"
    "CALLING_STATION_ID:\n"
    "CALLED_STATION_ID:\n"
    "SELF_NAME:\n"
    "PEER_NAME:\n"
    "SELF_ADDR:\n"
    "PEER_ADDR:10.0.0.2\n"
    "PEER_PORT:\n"
    "PEER_MAC_ADDR:\n"
    "PEER_IFACE:\n"
    "PEER_IDENT:evil\n"
    "\n";

static void
test_request(void **state)
{
	struct extauth_request rq;
	char buf[2048];
	size_t n;

	(void)state;
	fill_request(&rq);
	n = extauth_build_request(&rq, buf, sizeof(buf));
	assert_int_equal(n, strlen(expected_request));
	assert_string_equal(buf, expected_request);
	/* no password line for CHAP */
	rq.send_password = false;
	n = extauth_build_request(&rq, buf, sizeof(buf));
	assert_null(strstr(buf, "USER_PASSWORD"));
	assert_int_equal(n, strlen(buf));
	/* too small a buffer: 0, nothing half written */
	assert_int_equal(extauth_build_request(&rq, buf, 40), 0);
	assert_int_equal(buf[0], '\0');
}

static void
test_reply(void **state)
{
	char text[] =
	    "RESULT:UNDEF\n"
	    "USER_NAME:bob\n"
	    "USER_PASSWORD:topsecret\n"
	    "USER_NT_HASH:44EBBA8D5312B8D611474411F56989AE\n"
	    "USER_LM_HASH:1234\n"
	    "FRAMED_IP_ADDRESS:10.1.2.3\n"
	    "PRIMARY_DNS_SERVER:8.8.8.8\n"
	    "SECONDARY_DNS_SERVER:8.8.4.4\n"
	    "PRIMARY_NBNS_SERVER:10.0.0.1\n"
	    "FRAMED_ROUTE:192.168.0.0/16\n"
	    "FRAMED_ROUTE:192.168.0.0/16\n"
	    "FRAMED_ROUTE:bogus\n"
	    "FRAMED_IPV6_ROUTE:2001:db8::/32\n"
	    "SESSION_TIMEOUT:3600\n"
	    "IDLE_TIMEOUT:300\n"
	    "ACCT_INTERIM_INTERVAL:60\n"
	    "ACCT_INTERIM_LIM_RECV:1000\n"
	    "FRAMED_MTU:1400\n"
	    "FRAMED_COMPRESSION:1\n"
	    "FRAMED_POOL:pool1\n"
	    "REPLY_MESSAGE:Hello: you\n"
	    "MS_CHAP_ERROR:E=691 R=0 M=no\n"
	    "MPD_ACTION:bundle B\n"
	    "MPD_IFACE_NAME:ppp-bob\n"
	    "MPD_IFACE_DESCR:Bob's line\n"
	    "MPD_IFACE_GROUP:users\n"
	    "MPD_RULE:1=deny\n"
	    "FOO_BAR:1\n"
	    "\n"
	    "RESULT:SUCCESS\n";
	struct extauth_reply rp;
	char a[64];

	(void)state;
	memset(&rp, 0, sizeof(rp));
	logbuf[0] = '\0';
	g_log_mask |= LG_AUTH2;
	log_set_hook(hook);
	extauth_parse_reply(text, &rp, "L1");
	log_set_hook(NULL);
	g_log_mask &= ~LG_AUTH2;

	/* the reply ended at the empty line */
	assert_int_equal(rp.result, EXTAUTH_UNDEF);
	assert_true(rp.have_user);
	assert_string_equal(rp.user, "bob");
	assert_true(rp.have_password);
	assert_string_equal(rp.password, "topsecret");
	assert_true(rp.have_nt_hash);
	assert_int_equal(rp.nt_hash[0], 0x44);
	assert_int_equal(rp.nt_hash[15], 0xae);
	assert_false(rp.have_lm_hash);
	assert_true(rp.data.have_range);
	assert_string_equal(u_range_print(&rp.data.range, a, sizeof(a)),
	    "10.1.2.3/32");
	assert_string_equal(inet_ntop(AF_INET, &rp.data.dns[0], a, sizeof(a)),
	    "8.8.8.8");
	assert_string_equal(inet_ntop(AF_INET, &rp.data.dns[1], a, sizeof(a)),
	    "8.8.4.4");
	assert_string_equal(inet_ntop(AF_INET, &rp.data.nbns[0], a,
	    sizeof(a)), "10.0.0.1");
	assert_int_equal(rp.data.nroutes, 2);
	assert_string_equal(u_range_print(&rp.data.routes[0], a, sizeof(a)),
	    "192.168.0.0/16");
	assert_string_equal(u_range_print(&rp.data.routes[1], a, sizeof(a)),
	    "2001:db8::/32");
	assert_int_equal(rp.data.session_timeout, 3600);
	assert_int_equal(rp.data.idle_timeout, 300);
	assert_int_equal(rp.data.acct_update, 60);
	assert_int_equal(rp.data.acct_update_lim_recv, 1000);
	assert_int_equal(rp.data.mtu, 1400);
	assert_true(rp.data.vjcomp);
	assert_string_equal(rp.data.pool, "pool1");
	assert_true(rp.have_reply_message);
	/* only the first colon splits */
	assert_string_equal(rp.data.reply_message, "Hello: you");
	assert_string_equal(rp.mschap_error, "E=691 R=0 M=no");
	assert_string_equal(rp.data.action, "bundle B");
	assert_string_equal(rp.data.iface_name, "ppp-bob");
	assert_string_equal(rp.data.iface_descr, "Bob's line");
	assert_string_equal(rp.data.iface_group, "users");

	/* logs: unknown attribute, duplicates, and no secret in clear */
	assert_non_null(strstr(logbuf, "[L1] Ext-auth: Unknown attr:'FOO_BAR'"));
	assert_non_null(strstr(logbuf, "[L1] Ext-auth: Duplicate route"));
	assert_non_null(strstr(logbuf,
	    "[L1] Ext-auth: FRAMED_ROUTE: Bad route \"bogus\""));
	assert_non_null(strstr(logbuf,
	    "[L1] Ext-auth: Incorrect USER_LM_HASH length"));
	assert_non_null(strstr(logbuf,
	    "[L1] Ext-auth: attr:'USER_PASSWORD', value:'XXX'"));
	assert_non_null(strstr(logbuf,
	    "[L1] Ext-auth: attr:'SESSION_TIMEOUT', value:'3600'"));
	assert_null(strstr(logbuf, "topsecret"));
	assert_null(strstr(logbuf, "44EBBA8D"));

	/* RESULT words */
	{
		char t1[] = "RESULT:SUCCESS\n", t2[] = "RESULT:success\n";
		char t3[] = "USER_NAME:x";

		memset(&rp, 0, sizeof(rp));
		extauth_parse_reply(t1, &rp, "L1");
		assert_int_equal(rp.result, EXTAUTH_SUCCESS);
		extauth_parse_reply(t2, &rp, "L1");
		assert_int_equal(rp.result, EXTAUTH_FAIL);
		/* no RESULT at all: a failure, last line without newline */
		memset(&rp, 0, sizeof(rp));
		extauth_parse_reply(t3, &rp, "L1");
		assert_int_equal(rp.result, EXTAUTH_FAIL);
		assert_string_equal(rp.user, "x");
	}
}

/* Write an executable script into the temp dir; returns its path. */
static const char *
script(const char *name, const char *body)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	chmod(path, 0755);
	return path;
}

static void
test_run_roundtrip(void **state)
{
	struct extauth_request rq;
	struct extauth_reply rp;
	char body[1024], path[128], got[2048], cmd[160];
	const char *s;
	FILE *f;
	size_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/request.out", dir);
	snprintf(body, sizeof(body),
	    "echo \"$#:$1\" > %s.args\n"
	    "while IFS= read -r line; do\n"
	    "  printf '%%s\\n' \"$line\" >> %s\n"
	    "  [ -z \"$line\" ] && break\n"
	    "done\n"
	    "echo RESULT:SUCCESS\n"
	    "echo FRAMED_IP_ADDRESS:10.9.9.9/32\n"
	    "echo\n"
	    "echo RESULT:FAIL\n", path, path);
	s = script("auth.sh", body);
	fill_request(&rq);
	assert_int_equal(extauth_run(s, &rq, 5000, &rp, "L1"), 0);
	assert_int_equal(rp.result, EXTAUTH_SUCCESS);
	assert_true(rp.data.have_range);

	/* the script got the request byte for byte, and one argument */
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	assert_string_equal(got, expected_request);
	snprintf(cmd, sizeof(cmd), "%s.args", path);
	f = fopen(cmd, "r");
	assert_non_null(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	assert_string_equal(got, "1:alice\n");
}

static void
test_run_eof_and_deaf(void **state)
{
	struct extauth_request rq;
	struct extauth_reply rp;
	const char *s;

	(void)state;
	fill_request(&rq);
	/* reply ends with EOF, no empty line; stdin never read */
	s = script("eof.sh", "printf 'RESULT:UNDEF\\nUSER_PASSWORD:pw'\n");
	assert_int_equal(extauth_run(s, &rq, 5000, &rp, "L1"), 0);
	assert_int_equal(rp.result, EXTAUTH_UNDEF);
	assert_string_equal(rp.password, "pw");
	/* says nothing: a failure, not an error */
	s = script("mute.sh", "exit 0\n");
	assert_int_equal(extauth_run(s, &rq, 5000, &rp, "L1"), 0);
	assert_int_equal(rp.result, EXTAUTH_FAIL);
	/* a script that can't run at all */
	assert_int_equal(extauth_run("/nonexistent/x", &rq, 5000, &rp, "L1"),
	    0);
	assert_int_equal(rp.result, EXTAUTH_FAIL);
}

static void
test_run_timeout(void **state)
{
	struct extauth_request rq;
	struct extauth_reply rp;
	struct timespec t0, t1;
	const char *s;
	long ms;

	(void)state;
	fill_request(&rq);
	s = script("slow.sh", "sleep 30 &\nsleep 30\necho RESULT:SUCCESS\n");
	logbuf[0] = '\0';
	log_set_hook(hook);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(extauth_run(s, &rq, 300, &rp, "L1"), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_set_hook(NULL);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) /
	    1000000;
	/* not before the limit, and without waiting for the 30 s sleeps */
	assert_true(ms >= 250 && ms < 20000);
	assert_int_equal(rp.result, EXTAUTH_FAIL);
	assert_non_null(strstr(logbuf, "[L1] Ext-auth: script timed out"));
	assert_non_null(strstr(logbuf, "[L1] Ext-auth: Invoking auth program: '"));
}

static void
test_run_refused(void **state)
{
	struct extauth_request rq;
	struct extauth_reply rp;

	(void)state;
	fill_request(&rq);
	logbuf[0] = '\0';
	log_set_hook(hook);
	snprintf(rq.user, sizeof(rq.user), "o'brien");
	assert_int_equal(extauth_run("/bin/true", &rq, 1000, &rp, "L1"), -1);
	snprintf(rq.user, sizeof(rq.user), "a\nb");
	assert_int_equal(extauth_run("/bin/true", &rq, 1000, &rp, "L1"), -1);
	snprintf(rq.user, sizeof(rq.user), "alice");
	assert_int_equal(extauth_run("", &rq, 1000, &rp, "L1"), -1);
	log_set_hook(NULL);
	assert_non_null(strstr(logbuf,
	    "[L1] Ext-auth: Denied character in USER_NAME!"));
	assert_non_null(strstr(logbuf, "[L1] Ext-auth: Script not specified!"));
}

static int
setup(void **state)
{
	(void)state;
	/*
	 * As in the daemon (main.c): a script that exits without reading
	 * its request must give EPIPE, not kill the test with SIGPIPE.
	 */
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "/tmp/mpd-extauth-XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_run_roundtrip),
		cmocka_unit_test(test_run_eof_and_deaf),
		cmocka_unit_test(test_run_timeout),
		cmocka_unit_test(test_run_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
