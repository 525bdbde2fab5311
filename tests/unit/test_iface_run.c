/*
 * test_iface_run.c - the interface layer at run time (ppp/iface_run.c)
 * against a real kernel, in a forked child with a network namespace of
 * its own: a bundle made with `create bundle` gets its ngN TUN; the NCP
 * notifications (iface_ip_up/down, iface_ipv6_up/down) must install and
 * remove addresses, routes, proxy-ARP, MTU and description in the order
 * of surface spec 9.1 and run the up/down scripts with exactly mpd5's
 * arguments; idle and session timeouts close the bundle; a failing
 * up-script fails the NCP; dial-on-demand configures `set iface addrs`,
 * dials on qualifying traffic and returns after the session; `set iface
 * name` renames the device.
 *
 * Needs root; without it every test is skipped.  The MTU rule is also
 * tested as a pure function.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/event.h"
#include "core/fdclose.h"
#include "core/log.h"
#include "core/msg.h"
#include "core/proc.h"
#include "core/util.h"
#include "ctl/command.h"
#include "ppp/bund.h"
#include "ppp/iface.h"
#include "ppp/link.h"
#include "sys/netif.h"

static bool ns_ok;
static char dir[64];
static char logbuf[16384];
static size_t loglen;
static struct cmd_ctx ctx;
static char out[8192];
static struct bund *b;
static int lan_fd = -1;

/* ---- plumbing ---- */

static void
log_hook(const char *line, unsigned len)
{
	if (loglen + len + 2 >= sizeof(logbuf))
		return;
	memcpy(logbuf + loglen, line, len);
	loglen += len;
	logbuf[loglen++] = '\n';
	logbuf[loglen] = '\0';
}

static void
sink(void *arg, const char *buf, size_t len)
{
	size_t n = strlen(out);

	(void)arg;
	if (n + len >= sizeof(out))
		len = sizeof(out) - 1 - n;
	memcpy(out + n, buf, len);
	out[n + len] = '\0';
}

static void
cmd(const char *line)
{
	char buf[512];

	out[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", line);
	if (cmd_do_line(&ctx, buf) != 0)
		fail_msg("command failed: %s: %s", line, out);
}

static void
write_file(const char *name, const char *body, int mode)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(body, f);
	fclose(f);
	assert_int_equal(chmod(path, (mode_t)mode), 0);
}

/* Contents of dir/name, or NULL when it does not exist yet. */
static char *
read_out(const char *name)
{
	static char buf[2048];
	char path[128];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool
logged(const char *s)
{
	return strstr(logbuf, s) != NULL;
}

/*
 * The scripts print their arguments one per line into <name>-<proto>.out
 * (written whole, then renamed, so a reader never sees half of it).
 */
static const char args_script[] =
    "#!/bin/sh\n"
    "f=\"$(dirname \"$0\")/$(basename \"$0\" .sh)-$2\"\n"
    "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$f.tmp\"\n"
    "mv \"$f.tmp\" \"$f.out\"\n";

/*
 * One event_loop() per test (its stop flag stays set until
 * event_fini()), so a test is a list of steps run from a poll timer:
 * each step returns true when it is finished.
 */
typedef bool step_fn(void);
static step_fn **steps;
static int nstep;
static struct timer poll_t, guard_t;

static void
poll_cb(void *arg)
{
	(void)arg;
	(void)msg_dispatch();
	while (steps[nstep] != NULL && steps[nstep]())
		nstep++;
	if (steps[nstep] == NULL) {
		event_stop();
		return;
	}
	timer_start(&poll_t);
}

static void
guard_cb(void *arg)
{
	(void)arg;
	event_stop();
}

static void
run_steps(step_fn **list, uint32_t ms)
{
	steps = list;
	nstep = 0;
	timer_init(&poll_t, "poll", 20, poll_cb, NULL);
	timer_init(&guard_t, "guard", ms, guard_cb, NULL);
	timer_start(&poll_t);
	timer_start(&guard_t);
	event_loop();
	timer_stop(&poll_t);
	timer_stop(&guard_t);
	if (steps[nstep] != NULL)
		fail_msg("step %d did not finish; log:\n%s", nstep, logbuf);
}

/* ---- kernel state ---- */

static struct u_addr
ip(const char *s)
{
	struct u_addr a;

	assert_int_equal(u_addr_parse(s, AF_UNSPEC, &a), 0);
	return a;
}

struct q {
	int		ifindex;
	struct u_addr	addr;
	unsigned	len;
	int		n, other;
	char		peer[64];
};

static bool
same(const struct u_addr *x, const struct u_addr *y)
{
	return x->family == y->family && memcmp(&x->u, &y->u,
	    x->family == AF_INET ? 4 : 16) == 0;
}

static int
addr_cb(void *arg, const uint8_t *msg, size_t len)
{
	struct q *q = arg;
	struct netif_addr a;

	if (netif_parse_addr(msg, len, &a) < 0 || a.ifindex != q->ifindex ||
	    a.family != q->addr.family)
		return 0;
	/* IPv6 addresses without a peer come with IFA_ADDRESS only */
	if (a.local.family == AF_UNSPEC)
		a.local = a.address;
	if (same(&a.local, &q->addr)) {
		q->n++;
		q->len = a.prefixlen;
		u_addr_print(&a.address, q->peer, sizeof(q->peer));
	} else {
		q->other++;
	}
	return 0;
}

static int
ifidx(void)
{
	return netif_ifindex(b->iface.ifname);
}

/* "local peer/len" of addr on the bundle's interface, "" if absent. */
static const char *
addr_of(const char *addr)
{
	static char buf[128];
	struct q q;

	memset(&q, 0, sizeof(q));
	q.ifindex = ifidx();
	q.addr = ip(addr);
	assert_int_equal(netif_dump(RTM_GETADDR, q.addr.family, 0, addr_cb,
	    &q), 0);
	if (q.n == 0)
		return "";
	snprintf(buf, sizeof(buf), "%s %s/%u", addr, q.peer, q.len);
	return buf;
}

static int
other_addrs(const char *addr)
{
	struct q q;

	memset(&q, 0, sizeof(q));
	q.ifindex = ifidx();
	q.addr = ip(addr);
	assert_int_equal(netif_dump(RTM_GETADDR, q.addr.family, 0, addr_cb,
	    &q), 0);
	return q.other;
}

static int
route_cb(void *arg, const uint8_t *msg, size_t len)
{
	struct q *q = arg;
	struct netif_route r;

	if (netif_parse_route(msg, len, &r) < 0 || r.oif != q->ifindex ||
	    r.table != RT_TABLE_MAIN || r.dst_len != q->len)
		return 0;
	if (q->len == 0 || same(&r.dst, &q->addr))
		q->n++;
	return 0;
}

/* Routes to dst/len through the bundle's interface. */
static int
routes(const char *dst, unsigned len)
{
	struct q q;

	memset(&q, 0, sizeof(q));
	q.ifindex = ifidx();
	q.addr = ip(dst);
	q.len = len;
	assert_int_equal(netif_dump(RTM_GETROUTE, q.addr.family, 0, route_cb,
	    &q), 0);
	return q.n;
}

static int
neigh_cb(void *arg, const uint8_t *msg, size_t len)
{
	struct q *q = arg;
	struct netif_neigh n;

	if (netif_parse_neigh(msg, len, &n) == 0 &&
	    n.ifindex == q->ifindex && same(&n.dst, &q->addr) &&
	    (n.flags & NTF_PROXY))
		q->n++;
	return 0;
}

static int
proxies(int ifindex, const char *addr)
{
	struct q q;

	memset(&q, 0, sizeof(q));
	q.ifindex = ifindex;
	q.addr = ip(addr);
	assert_int_equal(netif_dump(RTM_GETNEIGH, AF_INET, NTF_PROXY, neigh_cb,
	    &q), 0);
	return q.n;
}

static struct netif_link
link_state(void)
{
	struct netif_link l;

	assert_int_equal(netif_link_get(ifidx(), &l), 0);
	return l;
}

/* A TAP interface stands for the Ethernet LAN of proxy-ARP. */
static int
make_lan(const char *name, const char *addr, unsigned width)
{
	struct ifreq ifr;
	struct u_addr a = ip(addr);
	int idx;

	lan_fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	assert_true(lan_fd >= 0);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	util_strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	assert_int_equal(ioctl(lan_fd, TUNSETIFF, &ifr), 0);
	idx = netif_ifindex(name);
	assert_int_equal(netif_addr_add(idx, &a, NULL, width, 0), 0);
	assert_int_equal(netif_set_up(idx, true), 0);
	return idx;
}

static void
set_session_addrs(const char *self, const char *peer)
{
	assert_int_equal(u_range_parse(self, AF_INET, &b->iface.self_addr),
	    0);
	b->iface.peer_addr = ip(peer);
}

/* ---- fixtures ---- */

static void
rm_out(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static int
setup(void **state)
{
	char line[256];

	(void)state;
	if (!ns_ok)
		return 0;
	logbuf[0] = '\0';
	loglen = 0;
	assert_int_equal(event_init(), 0);
	cmd_ctx_init(&ctx, PRIV_ADMIN, sink, NULL);
	cmd("create bundle B1");
	b = bund_find("B1");
	assert_non_null(b);
	assert_non_null(b->dp);
	assert_true(ifidx() > 0);
	write_file("up.sh", args_script, 0755);
	write_file("down.sh", args_script, 0755);
	rm_out("up-inet.out");
	rm_out("down-inet.out");
	rm_out("up-inet6.out");
	rm_out("down-inet6.out");
	snprintf(line, sizeof(line), "set iface up-script %s/up.sh", dir);
	cmd(line);
	snprintf(line, sizeof(line), "set iface down-script %s/down.sh", dir);
	cmd(line);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (!ns_ok)
		return 0;
	bund_shutdown_all();
	link_shutdown_all();
	msg_fini();
	proc_shutdown();
	event_fini();
	fd_close_drain();	/* TUN devices go in the closer threads */
	if (lan_fd >= 0)
		close(lan_fd);
	lan_fd = -1;
	/* the interface goes with its bundle */
	assert_int_equal(netif_ifindex("ng0"), 0);
	return 0;
}

#define NEED_NS()							\
	do {								\
		if (!ns_ok)						\
			skip();						\
	} while (0)

/* ---- the tests ---- */

static bool
step_up_script(void)
{
	return read_out("up-inet.out") != NULL;
}

static bool
step_down(void)
{
	iface_ip_down(b);
	return true;
}

static bool
step_down_script(void)
{
	return read_out("down-inet.out") != NULL;
}

static void
test_ipv4_up_down(void **state)
{
	static step_fn *list[] = { step_up_script, step_down,
	    step_down_script, NULL };
	struct netif_link l;
	int lan;

	(void)state;
	NEED_NS();
	lan = make_lan("lan0", "10.0.0.254", 24);
	cmd("set iface route 10.9.0.0/16");
	cmd("set iface route default");
	cmd("set iface mtu 1400");
	cmd("set iface enable proxy-arp tcpmssfix");
	cmd("set iface description \"%I is %S at %a\"");
	set_session_addrs("10.0.0.1/32", "10.0.0.2");

	iface_ip_up(b);
	/* spec 9.1: address, proxy-ARP, routes, then the script */
	assert_true(b->iface.up);
	assert_false(b->iface.dod);
	assert_true(b->iface.ip_up);
	assert_int_equal(b->iface.mtu, 1400);
	l = link_state();
	assert_true(l.flags & IFF_UP);
	assert_int_equal(l.mtu, 1400);
	assert_string_equal(l.alias, "ng0 is UP at 10.0.0.1");
	assert_string_equal(addr_of("10.0.0.1"), "10.0.0.1 10.0.0.2/32");
	assert_int_equal(routes("10.9.0.0", 16), 1);
	assert_int_equal(routes("0.0.0.0", 0), 1);
	assert_int_equal(proxies(lan, "10.0.0.2"), 1);
	/* a second notification changes nothing */
	iface_ip_up(b);
	assert_int_equal(routes("10.9.0.0", 16), 1);

	run_steps(list, 10000);
	assert_string_equal(read_out("up-inet.out"),
	    "ng0\ninet\n10.0.0.1/32\n10.0.0.2\n-\n\n\n-\n-\n");
	assert_string_equal(read_out("down-inet.out"),
	    "ng0\ninet\n10.0.0.1/32\n10.0.0.2\n-\n-\n-\n");
	assert_true(logged("[B1] IFACE: Up event"));
	assert_true(logged("[B1] IFACE: Down event"));

	assert_false(b->iface.up);
	assert_false(b->iface.ip_up);
	assert_int_equal(routes("10.9.0.0", 16), 0);
	assert_int_equal(routes("0.0.0.0", 0), 0);
	assert_int_equal(proxies(lan, "10.0.0.2"), 0);
	assert_string_equal(addr_of("10.0.0.1"), "");
	l = link_state();
	assert_false(l.flags & IFF_UP);
	assert_string_equal(l.alias, "ng0 is DOWN at -");
}

static bool
step_v6_up_script(void)
{
	return read_out("up-inet6.out") != NULL;
}

static bool
step_v6_down(void)
{
	iface_ipv6_down(b);
	return true;
}

static bool
step_v6_down_script(void)
{
	return read_out("down-inet6.out") != NULL;
}

static void
test_forced_addrs_and_ipv6(void **state)
{
	static step_fn *list[] = { step_v6_up_script, step_v6_down,
	    step_v6_down_script, NULL };

	(void)state;
	NEED_NS();
	cmd("set iface addrs !10.1.1.1 !10.1.1.2");
	cmd("set iface route 2001:db8::/32");
	set_session_addrs("10.0.0.1/32", "10.0.0.2");
	iface_ip_up(b);
	assert_string_equal(addr_of("10.1.1.1"), "10.1.1.1 10.1.1.2/32");
	assert_string_equal(addr_of("10.0.0.1"), "");

	/* set iface addrs replaced the IPv4 pair; IPv6 from IPv6CP */
	b->iface.self_ipv6 = ip("fe80::1");
	b->iface.peer_ipv6 = ip("fe80::2");
	iface_ipv6_up(b);
	assert_true(b->iface.ipv6_up);
	assert_string_equal(addr_of("fe80::1"), "fe80::1 fe80::1/64");
	/* the kernel made no link-local of its own */
	assert_int_equal(other_addrs("fe80::1"), 0);
	assert_int_equal(routes("2001:db8::", 32), 1);

	run_steps(list, 10000);
	assert_string_equal(read_out("up-inet6.out"),
	    "ng0\ninet6\nfe80::1%ng0\nfe80::2%ng0\n-\n-\n-\n");
	assert_string_equal(read_out("down-inet6.out"),
	    "ng0\ninet6\nfe80::1%ng0\nfe80::2%ng0\n-\n-\n-\n");
	assert_string_equal(addr_of("fe80::1"), "");
	assert_int_equal(routes("2001:db8::", 32), 0);
	/* IPv4 still up: so is the interface */
	assert_true(b->iface.up);
	assert_true(link_state().flags & IFF_UP);
	iface_ip_down(b);
	assert_false(b->iface.up);
	assert_false(link_state().flags & IFF_UP);
}

static bool
step_idle(void)
{
	return logged("[B1] IFACE: Idle timeout");
}

static void
test_idle_timeout(void **state)
{
	static step_fn *list[] = { step_idle, NULL };
	uint64_t t0;

	(void)state;
	NEED_NS();
	cmd("set iface idle 1");
	set_session_addrs("10.0.0.1/32", "10.0.0.2");
	t0 = event_now_ms();
	iface_ip_up(b);
	run_steps(list, 5000);
	assert_true(event_now_ms() - t0 >= 1000);
	iface_ip_down(b);
}

static bool
step_session(void)
{
	return logged("[B1] IFACE: Session timeout");
}

static void
test_session_timeout(void **state)
{
	static step_fn *list[] = { step_session, NULL };
	uint64_t t0;

	(void)state;
	NEED_NS();
	cmd("set iface session 1");
	set_session_addrs("10.0.0.1/32", "10.0.0.2");
	t0 = event_now_ms();
	iface_ip_up(b);
	run_steps(list, 5000);
	assert_true(event_now_ms() - t0 >= 1000);
	iface_ip_down(b);
}

static bool
step_fail(void)
{
	return logged("[B1] IFACE: up-script failed with status 7, "
	    "closing IPCP");
}

static void
test_up_script_fails(void **state)
{
	static step_fn *list[] = { step_fail, NULL };

	(void)state;
	NEED_NS();
	write_file("up.sh", "#!/bin/sh\nexit 7\n", 0755);
	set_session_addrs("10.0.0.1/32", "10.0.0.2");
	iface_ip_up(b);
	run_steps(list, 5000);
	iface_ip_down(b);
}

/* ---- dial-on-demand ---- */

static bool
step_send(void)
{
	struct sockaddr_in sin;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(123);		/* NTP: does not qualify */
	sin.sin_addr.s_addr = htonl(0x0a090909);
	assert_int_equal(sendto(s, "n", 1, 0, (struct sockaddr *)&sin,
	    sizeof(sin)), 1);
	sin.sin_port = htons(53);
	assert_int_equal(sendto(s, "q", 1, 0, (struct sockaddr *)&sin,
	    sizeof(sin)), 1);
	close(s);
	return true;
}

static bool
step_triggered(void)
{
	return logged("[B1] IFACE: Outgoing IPv4 packet triggers demand "
	    "dial");
}

static void
test_dial_on_demand(void **state)
{
	static step_fn *list[] = { step_send, step_triggered, NULL };

	(void)state;
	NEED_NS();
	cmd("bundle B1");
	/* without on-demand `open iface` only complains */
	cmd("open iface");
	assert_true(logged("[B1] 'open iface' is useless without on-demand "
	    "enabled"));
	assert_false(b->iface.open);
	assert_false(b->iface.up);

	cmd("set iface enable on-demand");
	cmd("set iface addrs 10.5.0.1 10.5.0.2");
	cmd("set iface route default");
	cmd("open iface");
	assert_true(b->iface.open);
	assert_true(b->iface.up);
	assert_true(b->iface.dod);
	assert_string_equal(addr_of("10.5.0.1"), "10.5.0.1 10.5.0.2/32");
	assert_int_equal(routes("0.0.0.0", 0), 1);
	assert_true(link_state().flags & IFF_UP);
	cmd("show iface");
	assert_non_null(strstr(out, "\tStatus          : DoD\r\n"));

	run_steps(list, 5000);
	/* only one dial for the qualifying packet */
	assert_null(strstr(strstr(logbuf, "triggers demand") + 1,
	    "triggers demand"));

	/* the session comes up with other addresses: renumbered */
	set_session_addrs("10.0.0.1/32", "10.0.0.2");
	iface_ip_up(b);
	assert_false(b->iface.dod);
	assert_string_equal(addr_of("10.5.0.1"), "");
	assert_string_equal(addr_of("10.0.0.1"), "10.0.0.1 10.0.0.2/32");
	assert_int_equal(routes("0.0.0.0", 0), 1);

	/* and ends: back to demand state, interface still up */
	iface_ip_down(b);
	assert_true(b->iface.up);
	assert_true(b->iface.dod);
	assert_string_equal(addr_of("10.0.0.1"), "");
	assert_string_equal(addr_of("10.5.0.1"), "10.5.0.1 10.5.0.2/32");
	assert_int_equal(routes("0.0.0.0", 0), 1);

	cmd("close iface");
	assert_false(b->iface.open);
	assert_false(b->iface.up);
	assert_false(b->iface.dod);
	assert_string_equal(addr_of("10.5.0.1"), "");
	assert_false(link_state().flags & IFF_UP);
}

static void
test_rename(void **state)
{
	int idx;

	(void)state;
	NEED_NS();
	idx = ifidx();
	cmd("set iface name office0");
	assert_int_equal(netif_ifindex("office0"), idx);
	assert_int_equal(netif_ifindex("ng0"), 0);
	/* a name the kernel already uses: refused, the old name stays */
	cmd("set iface name lo");
	assert_string_equal(b->iface.ifname, "office0");
	assert_int_equal(netif_ifindex("office0"), idx);
	/* no name: back to ngN */
	cmd("set iface name");
	assert_int_equal(netif_ifindex("ng0"), idx);
	assert_string_equal(b->iface.ifname, "ng0");
}

/* Another device already called ng0: the bundle takes the next name. */
static void
test_name_taken(void **state)
{
	struct bund *b2;
	int fd;
	struct ifreq ifr;

	(void)state;
	NEED_NS();
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	util_strlcpy(ifr.ifr_name, "ng1", sizeof(ifr.ifr_name));
	assert_int_equal(ioctl(fd, TUNSETIFF, &ifr), 0);
	cmd("create bundle B2");
	b2 = bund_find("B2");
	assert_non_null(b2);
	assert_string_equal(b2->iface.ifname, "ng2");
	assert_true(netif_ifindex("ng2") > 0);
	close(fd);
}

static void
test_mtu_rule(void **state)
{
	(void)state;
	/* negotiated, capped by `set iface mtu` */
	assert_int_equal(iface_mtu_rule(1500, 1500, 0, 0), 1500);
	assert_int_equal(iface_mtu_rule(1492, 1500, 0, 0), 1492);
	assert_int_equal(iface_mtu_rule(1500, 1400, 0, 0), 1400);
	/* nothing negotiated: 1500 */
	assert_int_equal(iface_mtu_rule(0, 1500, 0, 0), 1500);
	assert_int_equal(iface_mtu_rule(0, 1300, 0, 0), 1300);
	/* override wins over negotiation and the maximum */
	assert_int_equal(iface_mtu_rule(1500, 1400, 1600, 0), 1600);
	assert_int_equal(iface_mtu_rule(1200, 1500, 1450, 0), 1450);
	/* AAA Framed-MTU caps */
	assert_int_equal(iface_mtu_rule(1500, 1500, 0, 1380), 1380);
	assert_int_equal(iface_mtu_rule(1500, 1500, 1450, 1380), 1380);
	assert_int_equal(iface_mtu_rule(1300, 1500, 0, 1380), 1300);
	/* what Linux accepts */
	assert_int_equal(iface_mtu_rule(0, 65536, 65536, 0), 65535);
	assert_int_equal(iface_mtu_rule(40, 1500, 0, 0), 68);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mtu_rule),
		cmocka_unit_test_setup_teardown(test_ipv4_up_down, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_forced_addrs_and_ipv6,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_timeout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_session_timeout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_up_script_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dial_on_demand, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_taken, setup,
		    teardown),
	};
	char rm[128];
	int status, rc;
	pid_t pid;

	snprintf(dir, sizeof(dir), "/tmp/mpd-test-iface.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		ns_ok = geteuid() == 0 && unshare(CLONE_NEWNET) == 0;
		if (!ns_ok)
			printf("test_iface_run: no network namespace (%s): "
			    "kernel tests skipped\n", geteuid() != 0 ?
			    "not root" : strerror(errno));
		else if (netif_set_up(netif_ifindex("lo"), true) < 0)
			ns_ok = false;
		log_set_hook(log_hook);
		g_log_mask |= LG_IFACE2;
		iface_layer_init();
		exit(cmocka_run_group_tests(tests, NULL, NULL));
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
	if (system(rm) != 0 && rc == 0)
		rc = 1;
	return rc;
}
