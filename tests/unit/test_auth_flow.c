/*
 * test_auth_flow.c - the authentication runtime end to end: two links
 * wired back to back through auth_set_hooks() (a fake wire on the event
 * loop), with a real mpd.secret and real worker threads.  Covers PAP,
 * CHAP-MD5, MS-CHAPv1, MS-CHAPv2 (keys and the authenticator response
 * check), EAP-MD5, wrong passwords and unknown users with their log
 * lines, retransmission, the phase timeout, ext-auth, max-logins and
 * malformed packets.  Secrets must never reach the log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "auth/auth_local.h"
#include "auth/eap.h"
#include "core/event.h"
#include "core/global.h"
#include "core/log.h"
#include "core/mbuf.h"
#include "core/mem.h"
#include "core/worker.h"
#include "ctl/command.h"
#include "ppp/link.h"
#include "ppp/proto.h"

#define LOGMAX	(64 * 1024)

static char dir[64];
static char logbuf[LOGMAX];
static struct link la, lb;	/* "L1" dials, "L2" answers */
static struct timer guard, wire_timer, stop_timer;

/* the fake wire */
struct frame {
	struct link	*to;
	uint16_t	 proto;
	size_t		 len;
	uint8_t		 data[1500];
};
static struct frame wire[64];
static int nwire;
static int drop_from_a, drop_from_b;	/* frames to lose */
static bool tamper_success;		/* corrupt B's CHAP Success */
static bool delay_a;			/* A's frames arrive 1.5 s late */
static struct frame slow[64];
static int nslow;
static struct timer slow_timer;

/* results */
static int ndone;
static bool ok_a, ok_b, done_a, done_b;
static char reason_b[64];

static void
hook(const char *line, unsigned len)
{
	size_t n = strlen(logbuf);

	snprintf(logbuf + n, sizeof(logbuf) - n, "%.*s\n", (int)len, line);
}

static void
wire_deliver(void *arg)
{
	struct frame f[64];
	int i, n = nwire;

	(void)arg;
	memcpy(f, wire, sizeof(f[0]) * (size_t)n);
	nwire = 0;
	for (i = 0; i < n; i++)
		auth_input(f[i].to, f[i].proto, f[i].data, f[i].len);
}

/* The frames A sent 1.5 s ago reach B now. */
static void
slow_deliver(void *arg)
{
	struct frame f[64];
	int i, n = nslow;

	(void)arg;
	memcpy(f, slow, sizeof(f[0]) * (size_t)n);
	nslow = 0;
	for (i = 0; i < n; i++)
		auth_input(f[i].to, f[i].proto, f[i].data, f[i].len);
}

static int
xmit(struct link *l, uint16_t proto, struct mbuf *m)
{
	struct frame *f;

	if ((l == &la && drop_from_a > 0) || (l == &lb && drop_from_b > 0)) {
		if (l == &la)
			drop_from_a--;
		else
			drop_from_b--;
		mb_free(m);
		return 0;
	}
	if (l == &la && delay_a) {
		assert_true(nslow < 64);
		f = &slow[nslow++];
		f->to = &lb;
		f->proto = proto;
		f->len = m->len;
		memcpy(f->data, m->data, m->len);
		mb_free(m);
		if (!timer_running(&slow_timer))
			timer_start(&slow_timer);
		return 0;
	}
	assert_true(nwire < 64);
	f = &wire[nwire++];
	f->to = l == &la ? &lb : &la;
	f->proto = proto;
	f->len = m->len;
	memcpy(f->data, m->data, m->len);
	if (tamper_success && l == &lb && proto == PROTO_CHAP &&
	    f->data[0] == CHAP_SUCCESS && f->len > 10)
		f->data[8] ^= 1;	/* one hex digit of S= */
	mb_free(m);
	if (!timer_running(&wire_timer))
		timer_start(&wire_timer);
	return 0;
}

static void
done(struct link *l, bool success, const char *reason)
{
	if (l == &la) {
		done_a = true;
		ok_a = success;
	} else {
		done_b = true;
		ok_b = success;
		snprintf(reason_b, sizeof(reason_b), "%s", reason ? reason :
		    "");
	}
	/* what LCP does: Network phase, or the link goes down */
	if (success)
		l->lcp.phase = PHASE_NETWORK;
	else {
		l->lcp.phase = PHASE_DEAD;
		auth_stop(l);
	}
	/* a failure takes both links down: stop once the wire is quiet */
	if (++ndone == 2)
		event_stop();
	else if (!success)
		timer_start(&stop_timer);
}

static void
stop_fired(void *arg)
{
	(void)arg;
	event_stop();
}

static void
guard_fired(void *arg)
{
	(void)arg;
	fail_msg("authentication did not finish; log:\n%s", logbuf);
}

static void
link_setup(struct link *l, const char *name, int id)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->id = id;
	l->conf.fsm_timeout = 1;
	auth_conf_defaults(&l->auth);
	l->eap = eap_conf_new();
	l->lcp.phase = PHASE_AUTHENTICATE;
	auth_set_hooks(l, xmit, done);
}

static void
write_file(const char *name, const char *text, int mode)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

static size_t mem_count0;

static int
setup(void **state)
{
	size_t bytes;

	(void)state;
	logbuf[0] = '\0';
	nwire = ndone = 0;
	drop_from_a = drop_from_b = 0;
	tamper_success = false;
	delay_a = false;
	nslow = 0;
	done_a = done_b = ok_a = ok_b = false;
	reason_b[0] = '\0';
	mem_totals(&mem_count0, &bytes);
	if (event_init() < 0)
		return -1;
	timer_init(&wire_timer, "wire", 1, wire_deliver, NULL);
	timer_init(&slow_timer, "slow wire", 1500, slow_deliver, NULL);
	timer_init(&guard, "guard", 8000, guard_fired, NULL);
	timer_init(&stop_timer, "stop", 50, stop_fired, NULL);
	log_set_hook(hook);
	link_setup(&la, "L1", 1);
	link_setup(&lb, "L2", 2);
	la.originated = true;
	/* L1 logs in as alice; L2 as bob (password from mpd.secret) */
	snprintf(la.auth.authname, sizeof(la.auth.authname), "alice");
	snprintf(la.auth.password, sizeof(la.auth.password), "alicepw");
	snprintf(lb.auth.authname, sizeof(lb.auth.authname), "bob");
	return 0;
}

static int
teardown(void **state)
{
	size_t count, bytes;

	(void)state;
	auth_fini(&la);
	auth_fini(&lb);
	eap_conf_free(la.eap);
	eap_conf_free(lb.eap);
	timer_stop(&guard);
	timer_stop(&wire_timer);
	timer_stop(&slow_timer);
	timer_stop(&stop_timer);
	worker_shutdown();
	event_fini();
	log_set_hook(NULL);
	g_auth_max_logins = 0;
	/* nothing of ours is left allocated */
	mem_totals(&count, &bytes);
	assert_int_equal(count, mem_count0);
	/* and no secret was ever logged */
	assert_null(strstr(logbuf, "alicepw"));
	assert_null(strstr(logbuf, "bobpw"));
	return 0;
}

/* L1 authenticates to L2 with a; L2 to L1 with b; run to the end. */
static void
run(enum lcp_auth a, enum lcp_auth b)
{
	la.lcp.peer.auth = a;
	lb.lcp.want.auth = a;
	lb.lcp.peer.auth = b;
	la.lcp.want.auth = b;
	timer_start(&guard);
	auth_start(&la);
	auth_start(&lb);
	if (ndone < 2)
		event_loop();
	timer_stop(&guard);
}

static void
expect_log(const char *s)
{
	if (strstr(logbuf, s) == NULL)
		fail_msg("log line missing: %s\nlog:\n%s", s, logbuf);
}

static void
test_pap_both(void **state)
{
	const struct auth_data *d;
	char buf[64];

	(void)state;
	run(LCP_AUTH_PAP, LCP_AUTH_PAP);
	assert_true(ok_a);
	assert_true(ok_b);
	d = auth_result(&lb);
	assert_string_equal(d->authname, "alice");
	assert_string_equal(lb.peer_authname, "alice");
	assert_true(d->have_range);
	assert_string_equal(u_range_print(&d->range, buf, sizeof(buf)),
	    "10.0.0.5/32");
	assert_string_equal(auth_result(&la)->authname, "bob");
	expect_log("[L1] LCP: auth: peer wants PAP, I want PAP");
	expect_log("[L1] PAP: using authname \"alice\"");
	expect_log("[L1] PAP: sending REQUEST #1 len: 18");
	expect_log("[L2] PAP: rec'd REQUEST #1 len: 18");
	expect_log("[L2]   Name: \"alice\"");
	expect_log("[L2] AUTH: Trying INTERNAL");
	expect_log("[L2] AUTH: INTERNAL returned: undefined");
	expect_log("[L2] PAP: Auth return status: undefined");
	expect_log("[L2] PAP: Response is valid");
	expect_log("[L2] PAP: Reply message: Welcome");
	expect_log("[L2] PAP: sending ACK #1 len: 12");
	expect_log("[L1] PAP: rec'd ACK #1 len: 12");
	expect_log("[L1]   MESG: Welcome");
}

static void
test_pap_wrong_password(void **state)
{
	(void)state;
	snprintf(la.auth.password, sizeof(la.auth.password), "wrong");
	run(LCP_AUTH_PAP, LCP_AUTH_NONE);
	assert_false(ok_b);
	assert_false(ok_a);
	assert_string_equal(reason_b, "PPP authorization failed.");
	expect_log("[L2] AUTH: INTERNAL returned: undefined");
	expect_log("[L2] PAP: Invalid response");
	expect_log("[L2] PAP: Reply message: Login incorrect");
	expect_log("[L2] PAP: sending NAK #1");
	expect_log("[L1]   MESG: Login incorrect");
	assert_null(strstr(logbuf, "wrong"));
}

static void
test_pap_unknown_user(void **state)
{
	(void)state;
	snprintf(la.auth.authname, sizeof(la.auth.authname), "mallory");
	run(LCP_AUTH_PAP, LCP_AUTH_NONE);
	assert_false(ok_b);
	expect_log("[L2] AUTH: User \"mallory\" not found in secret file");
	expect_log("[L2] AUTH: INTERNAL returned: failed");
	expect_log("[L2] AUTH: ran out of backends");
	expect_log("[L2] PAP: Auth return status: failed");
	assert_null(strstr(logbuf, "PAP: Invalid response"));
}

static void
test_pap_retransmit(void **state)
{
	(void)state;
	drop_from_a = 1;	/* the first Request is lost */
	run(LCP_AUTH_PAP, LCP_AUTH_NONE);
	assert_true(ok_a);
	assert_true(ok_b);
	expect_log("[L1] PAP: sending REQUEST #2");
	expect_log("[L2] PAP: rec'd REQUEST #2");
}

static void
test_chap_md5_both(void **state)
{
	(void)state;
	run(LCP_AUTH_CHAP_MD5, LCP_AUTH_CHAP_MD5);
	assert_true(ok_a);
	assert_true(ok_b);
	assert_string_equal(auth_result(&lb)->authname, "alice");
	assert_string_equal(auth_result(&la)->authname, "bob");
	assert_false(auth_result(&lb)->mppe_keys);
	expect_log("[L1] LCP: auth: peer wants CHAP, I want CHAP");
	expect_log("[L2] CHAP: sending CHALLENGE #1 len: 24");
	expect_log("[L1] CHAP: rec'd CHALLENGE #1 len: 24");
	expect_log("[L1]   Name: \"bob\"");
	expect_log("[L1] CHAP: Using authname \"alice\"");
	expect_log("[L1] CHAP: sending RESPONSE #1 len: 26");
	expect_log("[L2] CHAP: Response is valid");
	expect_log("[L2] CHAP: sending SUCCESS #1 len: 11");
	/* L2 answers L1's challenge with bob's password from mpd.secret */
	expect_log("[L2] CHAP: Using authname \"bob\"");
}

static void
test_chap_retransmit(void **state)
{
	(void)state;
	drop_from_b = 1;	/* the first Challenge is lost */
	run(LCP_AUTH_CHAP_MD5, LCP_AUTH_NONE);
	assert_true(ok_a);
	assert_true(ok_b);
	expect_log("[L2] CHAP: sending CHALLENGE #2");
	expect_log("[L1] CHAP: sending RESPONSE #2");
}

/*
 * A's Response #1 is slow: B retransmits its Challenge as #2, A answers
 * that too, and B's Success #1 crosses A's Response #2 (A ignores a
 * Success for an older Response).  B must send the result again with
 * #2, or A waits forever.
 */
static void
test_chap_success_crosses_response(void **state)
{
	(void)state;
	delay_a = true;
	run(LCP_AUTH_CHAP_MD5, LCP_AUTH_NONE);
	assert_true(ok_a);
	assert_true(ok_b);
	expect_log("[L2] CHAP: sending CHALLENGE #2");
	expect_log("[L1] CHAP: sending RESPONSE #2");
	expect_log("[L1] CHAP: #1 does not match our response #2, ignored");
	expect_log("[L2] CHAP: retransmitting result");
}

static void
test_chap_md5_wrong(void **state)
{
	(void)state;
	snprintf(la.auth.password, sizeof(la.auth.password), "nope");
	run(LCP_AUTH_CHAP_MD5, LCP_AUTH_NONE);
	assert_false(ok_b);
	assert_false(ok_a);
	expect_log("[L2] CHAP: Invalid response");
	expect_log("[L2] CHAP: Reply message: Login incorrect");
	expect_log("[L2] CHAP: sending FAILURE #1");
	expect_log("[L1] CHAP: rec'd FAILURE #1");
}

static void
test_mschap_v1(void **state)
{
	const struct auth_data *a, *b;

	(void)state;
	run(LCP_AUTH_CHAP_MSV1, LCP_AUTH_NONE);
	assert_true(ok_a);
	assert_true(ok_b);
	a = auth_result(&la);
	b = auth_result(&lb);
	assert_true(a->mppe_keys);
	assert_true(b->mppe_keys);
	assert_memory_equal(a->mppe_send_key, b->mppe_recv_key, 16);
	assert_memory_equal(a->ms_nt_hash_hash, b->ms_nt_hash_hash, 16);
	expect_log("[L2] CHAP: sending CHALLENGE #1 len: 16");
	expect_log("[L1] CHAP: sending RESPONSE #1 len: 59");
}

static void
test_mschap_v2(void **state)
{
	const struct auth_data *a, *b;

	(void)state;
	run(LCP_AUTH_CHAP_MSV2, LCP_AUTH_CHAP_MSV2);
	assert_true(ok_a);
	assert_true(ok_b);
	a = auth_result(&la);
	b = auth_result(&lb);
	assert_true(a->mppe_keys);
	assert_true(b->mppe_keys);
	/*
	 * L1 dialled: its keys are those of its own login; L2 answered:
	 * the keys of the peer's login to it - the same login, so each
	 * side's send key is the other's receive key.
	 */
	assert_memory_equal(a->mppe_send_key, b->mppe_recv_key, 16);
	assert_memory_equal(a->mppe_recv_key, b->mppe_send_key, 16);
	assert_memory_not_equal(a->mppe_send_key, a->mppe_recv_key, 16);
	expect_log("[L2] CHAP: sending SUCCESS #1 len: 46");
	expect_log("[L2] CHAP: Reply message: S=");
	expect_log("[L1]   MESG: S=");
}

static void
test_mschap_v2_domain(void **state)
{
	(void)state;
	snprintf(la.auth.authname, sizeof(la.auth.authname), "CORP\\alice");
	run(LCP_AUTH_CHAP_MSV2, LCP_AUTH_NONE);
	assert_true(ok_b);
	assert_true(ok_a);
	expect_log("[L2]   Name: \"CORP\\alice\"");
	assert_string_equal(auth_result(&lb)->authname, "alice");
}

static void
test_mschap_v2_keep_domain(void **state)
{
	(void)state;
	snprintf(la.auth.authname, sizeof(la.auth.authname), "CORP\\alice");
	lb.conf.options.enable |= 1u << LINK_OPT_KEEP_MS_DOMAIN;
	run(LCP_AUTH_CHAP_MSV2, LCP_AUTH_NONE);
	/* "CORP\alice" is not in mpd.secret */
	assert_false(ok_b);
	expect_log("[L2] AUTH: User \"CORP\\alice\" not found in secret file");
	expect_log("[L2] CHAP: Reply message: E=691 R=0 C=");
	expect_log(" V=3 M=Login incorrect");
}

static void
test_mschap_v2_bad_authenticator(void **state)
{
	(void)state;
	tamper_success = true;
	run(LCP_AUTH_CHAP_MSV2, LCP_AUTH_NONE);
	assert_true(ok_b);
	assert_false(ok_a);
	expect_log("[L1] CHAP: Invalid authenticator response from the peer");
}

static void
test_eap_md5(void **state)
{
	(void)state;
	lb.eap->options.enable |= 1u << EAP_OPT_MD5;
	run(LCP_AUTH_EAP, LCP_AUTH_NONE);
	assert_true(ok_b);
	assert_true(ok_a);
	assert_string_equal(lb.auth_st->srv.eap_identity, "alice");
	expect_log("[L2] EAP: sending REQUEST #1 len: 5, type: Identity");
	expect_log("[L1] EAP: rec'd REQUEST #1 len: 5, type: Identity");
	expect_log("[L1] EAP: sending RESPONSE #1 len: 10, type: Identity");
	expect_log("[L2] EAP: Identity:alice");
	expect_log("[L2] EAP: sending REQUEST #2 len: 25, type: MD5 Challenge");
	expect_log("[L2] CHAP: Response is valid");
	expect_log("[L2] EAP: sending SUCCESS #2 len: 4");
}

static void
test_eap_no_method(void **state)
{
	(void)state;
	/* md5 is accepted by default but not enabled */
	run(LCP_AUTH_EAP, LCP_AUTH_NONE);
	assert_false(ok_b);
	expect_log("[L2] EAP: ran out of EAP Types");
}

static void
test_eap_peer_refuses_md5(void **state)
{
	(void)state;
	lb.eap->options.enable |= 1u << EAP_OPT_MD5;
	la.eap->options.accept &= ~(1u << EAP_OPT_MD5);
	run(LCP_AUTH_EAP, LCP_AUTH_NONE);
	assert_false(ok_a);
	expect_log("[L1] EAP: Type MD5 Challenge not acceptable");
	expect_log("[L1] EAP: ran out of EAP Types");
}

static void
test_timeout(void **state)
{
	(void)state;
	lb.auth.timeout = 1;
	/* L2 wants CHAP but L1 thinks nothing was agreed: it never answers */
	lb.lcp.want.auth = LCP_AUTH_CHAP_MD5;
	la.lcp.peer.auth = LCP_AUTH_NONE;
	timer_start(&guard);
	auth_start(&la);
	auth_start(&lb);
	event_loop();
	timer_stop(&guard);
	assert_true(ok_a);
	assert_false(ok_b);
	assert_string_equal(reason_b, "PPP authorization failed.");
	expect_log("[L1] CHAP: CHALLENGE not expected");
	expect_log("[L2] LCP: authorization timer expired");
}

static void
test_extauth(void **state)
{
	const struct auth_data *d;
	char path[128], buf[64];

	(void)state;
	write_file("ext.sh", "#!/bin/sh\ncat >/dev/null &\n"
	    "[ \"$1\" = alice ] || { echo RESULT:FAIL; exit 0; }\n"
	    "echo RESULT:UNDEF\necho USER_PASSWORD:alicepw\n"
	    "echo FRAMED_IP_ADDRESS:10.7.7.7\necho FRAMED_POOL:pool9\n"
	    "echo REPLY_MESSAGE:hi there\necho\n", 0755);
	snprintf(path, sizeof(path), "%s/ext.sh", dir);
	snprintf(lb.auth.extauth_script, sizeof(lb.auth.extauth_script),
	    "%s", path);
	lb.auth.options.enable |= 1u << AUTH_OPT_EXT_AUTH;
	lb.auth.options.enable &= ~(1u << AUTH_OPT_INTERNAL);
	run(LCP_AUTH_CHAP_MD5, LCP_AUTH_NONE);
	assert_true(ok_b);
	d = auth_result(&lb);
	assert_string_equal(u_range_print(&d->range, buf, sizeof(buf)),
	    "10.7.7.7/32");
	assert_string_equal(d->pool, "pool9");
	expect_log("[L2] AUTH: Trying EXTERNAL");
	expect_log("[L2] Ext-auth: Invoking auth program: '");
	expect_log("[L2] AUTH: EXTERNAL returned: undefined");
	expect_log("[L2] CHAP: Reply message: hi there");
	assert_null(strstr(logbuf, "Trying INTERNAL"));
}

static void
test_extauth_fail_then_internal(void **state)
{
	char path[128];

	(void)state;
	write_file("no.sh", "#!/bin/sh\necho RESULT:FAIL\necho MPD_FOO:1\n"
	    "echo\n", 0755);
	snprintf(path, sizeof(path), "%s/no.sh", dir);
	snprintf(lb.auth.extauth_script, sizeof(lb.auth.extauth_script),
	    "%s", path);
	lb.auth.options.enable |= 1u << AUTH_OPT_EXT_AUTH;
	lb.auth.options.enable |= 1u << AUTH_OPT_RADIUS_AUTH;
	run(LCP_AUTH_PAP, LCP_AUTH_NONE);
	/* mpd5's chain: a failing script falls through to mpd.secret */
	assert_true(ok_b);
	expect_log("[L2] AUTH: EXTERNAL returned: failed");
	expect_log("[L2] Ext-auth: Unknown attr:'MPD_FOO'");
	expect_log("[L2] AUTH: Trying RADIUS");
	/* no server configured: RADIUS errs and the chain goes on */
	expect_log("[L2] RADIUS: no servers configured");
	expect_log("[L2] AUTH: RADIUS returned error");
	expect_log("[L2] AUTH: Trying INTERNAL");
}

static void
test_extauth_drop(void **state)
{
	char path[128];

	(void)state;
	write_file("drop.sh", "#!/bin/sh\necho RESULT:SUCCESS\n"
	    "echo MPD_ACTION:drop\necho\n", 0755);
	snprintf(path, sizeof(path), "%s/drop.sh", dir);
	snprintf(lb.auth.extauth_script, sizeof(lb.auth.extauth_script),
	    "%s", path);
	lb.auth.options.enable |= 1u << AUTH_OPT_EXT_AUTH;
	run(LCP_AUTH_PAP, LCP_AUTH_NONE);
	assert_false(ok_b);
}

static void
test_max_logins(void **state)
{
	struct link other, *links[3], **saved = g_links;
	int saved_n = g_nlinks;

	(void)state;
	memset(&other, 0, sizeof(other));
	other.lcp.phase = PHASE_NETWORK;
	snprintf(other.peer_authname, sizeof(other.peer_authname), "ALICE");
	links[0] = NULL;
	links[1] = &other;
	links[2] = NULL;
	g_links = links;
	g_nlinks = 3;
	g_auth_max_logins = 1;
	g_auth_max_logins_ci = 1;
	run(LCP_AUTH_PAP, LCP_AUTH_NONE);
	g_links = saved;
	g_nlinks = saved_n;
	g_auth_max_logins_ci = 0;
	assert_false(ok_b);
	expect_log("[L2] AUTH: Name: \"alice\" max. number of logins "
	    "exceeded");
	expect_log("[L2] AUTH: AuthPreCheck failed for \"alice\"");
}

static void
test_empty_name(void **state)
{
	(void)state;
	la.auth.authname[0] = '\0';
	run(LCP_AUTH_PAP, LCP_AUTH_NONE);
	assert_false(ok_b);
	expect_log("[L2] AUTH: We don't accept empty usernames");
}

static void
test_bad_packets(void **state)
{
	static const uint8_t bad_pap[] = { 1, 1, 0, 8, 9, 'a', 'b', 'c' };
	static const uint8_t runt[] = { 1, 1, 0 };
	static const uint8_t liar[] = { 1, 1, 0, 40, 1, 'a' };

	(void)state;
	lb.lcp.want.auth = LCP_AUTH_PAP;
	la.lcp.phase = PHASE_AUTHENTICATE;
	auth_start(&lb);
	auth_input(&lb, PROTO_PAP, runt, sizeof(runt));
	expect_log("[L2] AUTH: rec'd runt packet: 3 bytes");
	auth_input(&lb, PROTO_PAP, liar, sizeof(liar));
	expect_log("[L2] AUTH: rec'd packet with bad length");
	auth_input(&lb, PROTO_CHAP, (const uint8_t *)"\x09\x01\x00\x04", 4);
	expect_log("[L2] CHAP: unknown code 9");
	auth_input(&lb, PROTO_CHAP, (const uint8_t *)"\x03\x01\x00\x04", 4);
	expect_log("[L2] CHAP: Not expected, but that's OK");
	auth_input(&lb, PROTO_EAP, (const uint8_t *)"\x01\x01\x00\x04", 4);
	expect_log("[L2] EAP: rec'd runt packet");
	assert_true(lb.auth_st->running);
	/* a malformed Request is refused */
	auth_input(&lb, PROTO_PAP, bad_pap, sizeof(bad_pap));
	expect_log("[L2] PAP: Bad PAP packet");
	expect_log("[L2] PAP: sending NAK #1");
	assert_true(done_b);
	assert_false(ok_b);
	/* and once down, packets are stray */
	auth_input(&lb, PROTO_PAP, bad_pap, sizeof(bad_pap));
	expect_log("[L2] AUTH: rec'd stray packet");
	nwire = 0;
}

static char showbuf[4096];

static void
show_write(void *arg, const char *buf, size_t len)
{
	size_t n = strlen(showbuf);

	(void)arg;
	snprintf(showbuf + n, sizeof(showbuf) - n, "%.*s", (int)len, buf);
}

static void
test_show_auth_data(void **state)
{
	struct cmd_ctx ctx;
	const char *data;

	(void)state;
	run(LCP_AUTH_PAP, LCP_AUTH_NONE);
	assert_true(ok_b);
	assert_string_equal(auth_result(&lb)->authname, "alice");
	/* `show auth` prints the session's AAA data (spec 5.7) */
	showbuf[0] = '\0';
	cmd_ctx_init(&ctx, PRIV_ADMIN, show_write, NULL);
	ctx.lnk = &lb;
	assert_int_equal(auth_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	data = strstr(showbuf, "Auth Data\r\n");
	assert_non_null(data);
	assert_string_equal(data,
	    "Auth Data\r\n"
	    "\tPeer authname   : alice\r\n"
	    "\tInterface name  : \r\n"
	    "\tInterface descr.: \"<none>\"\r\n"
	    "\tInterface group : \r\n"
	    "\tIP range        : 10.0.0.5/32\r\n"
	    "\tIP pool         : \r\n"
	    "\tDNS             : 0.0.0.0 0.0.0.0\r\n"
	    "\tNBNS            : 0.0.0.0 0.0.0.0\r\n"
	    "\tVJ Compression  : no\r\n"
	    "\tMTU             : 0\r\n"
	    "\tSession-Timeout : 0\r\n"
	    "\tIdle-Timeout    : 0\r\n"
	    "\tAcct-Update     : 0\r\n"
	    "\tRoutes          :\r\n"
	    "\tIPFW rules      :\r\n"
	    "\tIPFW pipes      :\r\n"
	    "\tIPFW queues     :\r\n"
	    "\tIPFW tables     :\r\n"
	    "\tTraffic filters :\r\n"
	    "\tTraffic limits  :\r\n"
	    "\tMS-Domain       : \r\n"
	    "\tMPPE Types      : Not available\r\n"
	    "\tMPPE Policy     : no encryption required\r\n"
	    "\tMPPE Keys       : no\r\n");
	/* the result goes with the link */
	auth_stop(&lb);
	assert_string_equal(auth_result(&lb)->authname, "");
	assert_false(auth_result(&lb)->have_range);
}

static int
group_setup(void **state)
{
	char secret[512];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mpd-authflow-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(secret, sizeof(secret),
	    "# test users\n"
	    "alice\talicepw\t10.0.0.5\n"
	    "bob\t\"bobpw\"\n");
	write_file("mpd.secret", secret, 0600);
	g_global.confdir = dir;
	return 0;
}

static int
group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pap_both),
		T(test_pap_wrong_password),
		T(test_pap_unknown_user),
		T(test_pap_retransmit),
		T(test_chap_md5_both),
		T(test_chap_retransmit),
	T(test_chap_success_crosses_response),
		T(test_chap_md5_wrong),
		T(test_mschap_v1),
		T(test_mschap_v2),
		T(test_mschap_v2_domain),
		T(test_mschap_v2_keep_domain),
		T(test_mschap_v2_bad_authenticator),
		T(test_eap_md5),
		T(test_eap_no_method),
		T(test_eap_peer_refuses_md5),
		T(test_timeout),
		T(test_extauth),
		T(test_extauth_fail_then_internal),
		T(test_extauth_drop),
		T(test_max_logins),
		T(test_empty_name),
		T(test_bad_packets),
		T(test_show_auth_data),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
