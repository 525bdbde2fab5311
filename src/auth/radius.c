/*
 * radius.c - the RADIUS client: exchanges with the configured servers
 * (RFC 2865 3 retransmission and failover, RFC 2866 accounting transport,
 * RFC 3579 3.2 Message-Authenticator) and the radius-auth backend (surface
 * spec 9.3): Access-Request for PAP, CHAP-MD5, MS-CHAPv1 and MS-CHAPv2
 * (RFC 2548), reply attributes into the AAA data, MPPE keys decrypted.
 *
 * Everything here but radius_snap_fill() runs in worker threads
 * (core/worker.h) and touches only its arguments and the atomic counters:
 * each request is one blocking exchange on its own connected UDP socket,
 * bounded by timeout x retries per server.  Datagrams that are not a
 * valid answer (short, malformed, wrong identifier or code, bad Response
 * Authenticator or Message-Authenticator) are dropped, counted and the
 * wait goes on, so a forged reply can't end a request.  See
 * doc/ARCHITECTURE.md for why this is not libradcli.
 */
#include "auth_local.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/log.h"
#include "../core/worker.h"
#include "../ppp/link.h"
#include "../ppp/proto.h"
#include "auth_proto.h"
#include "msoft.h"
#include "radius_proto.h"

static struct radius_stats rad_stats;

#define STAT_INC(f)	__atomic_add_fetch(&rad_stats.f, 1, __ATOMIC_RELAXED)

void
radius_stats_get(struct radius_stats *st)
{
	unsigned long *src = (unsigned long *)&rad_stats;
	unsigned long *dst = (unsigned long *)st;
	size_t i;

	for (i = 0; i < sizeof(*st) / sizeof(unsigned long); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}

void
radius_stats_acct(bool delivered)
{
	if (delivered)
		STAT_INC(acct_delivered);
	else
		STAT_INC(acct_spooled);
}

void
radius_snap_fill(struct radius_snap *s, const struct link *l)
{
	const struct radius_conf *c = l->radius;
	const struct radius_server *sv;

	memset(s, 0, sizeof(*s));
	s->timeout = 5;
	s->retries = 3;
	if (c == NULL)
		return;
	for (sv = c->servers; sv != NULL && s->nservers <
	    RADIUS_MAX_SERVERS + 1; sv = sv->next) {
		struct radius_snap_server *d = &s->servers[s->nservers++];

		util_strlcpy(d->host, sv->host, sizeof(d->host));
		util_strlcpy(d->secret, sv->secret, sizeof(d->secret));
		d->auth_port = sv->auth_port;
		d->acct_port = sv->acct_port;
	}
	s->timeout = c->timeout > 0 ? c->timeout : 5;
	s->retries = c->retries > 0 ? c->retries : 3;
	s->src_addr = c->src_addr;
	s->me = c->me;
	s->v6me = c->v6me;
	if (c->identifier != NULL && c->identifier[0] != '\0')
		util_strlcpy(s->identifier, c->identifier,
		    sizeof(s->identifier));
	else if (gethostname(s->identifier, sizeof(s->identifier)) != 0)
		s->identifier[0] = '\0';
	s->identifier[sizeof(s->identifier) - 1] = '\0';
	s->msg_auth = opt_enabled(&c->options, RADIUS_OPT_MESSAGE_AUTHENTIC);
	if (c->config != NULL)
		util_strlcpy(s->config, c->config, sizeof(s->config));
}

/* Next word of a radius.conf line ("quoted" with \" and \\), or NULL. */
static char *
rad_conf_word(char **pp)
{
	char *p = *pp, *w, *o;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return NULL;
	if (*p != '"') {
		w = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (*p != '\0')
			*p++ = '\0';
		*pp = p;
		return w;
	}
	w = o = ++p;
	while (*p != '\0' && *p != '"') {
		if (*p == '\\' && p[1] != '\0')
			p++;
		*o++ = *p++;
	}
	if (*p != '"')
		return NULL;		/* unterminated */
	*o = '\0';
	*pp = p + 1;
	return w;
}

/*
 * The servers of a radius.conf(5) file (`set radius config`) for code:
 * lines "auth|acct host[:port] secret [timeout [tries]]".  They come
 * before the `set radius server` ones, as with libradius.  Returns how
 * many were stored into out (at most cap); worker thread.
 */
static int
rad_read_config(const char *path, uint8_t code,
    struct radius_snap_server *out, int cap, const char *lnk)
{
	char line[1024], *p, *type, *host, *secret, *w, *colon;
	FILE *f;
	int n = 0, lineno = 0;
	long port;

	f = fopen(path, "re");
	if (f == NULL) {
		log_perr(LG_RADIUS, "[%s] RADIUS: can't open %s", lnk, path);
		return 0;
	}
	while (n < cap && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		p = line;
		if ((type = rad_conf_word(&p)) == NULL)
			continue;
		host = rad_conf_word(&p);
		secret = host != NULL ? rad_conf_word(&p) : NULL;
		if (secret == NULL || (strcmp(type, "auth") != 0 &&
		    strcmp(type, "acct") != 0)) {
			log_msg(LG_RADIUS, "[%s] RADIUS: %s:%d: bad line", lnk,
			    path, lineno);
			continue;
		}
		if ((strcmp(type, "auth") == 0) != (code == RAD_ACCESS_REQUEST))
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		port = code == RAD_ACCESS_REQUEST ? 1812 : 1813;
		if ((colon = strrchr(host, ':')) != NULL &&
		    strchr(host, ':') == colon) {
			*colon = '\0';
			if (util_parse_int(colon + 1, 1, 65535, &port) < 0)
				continue;
		}
		util_strlcpy(out[n].host, host, sizeof(out[n].host));
		util_strlcpy(out[n].secret, secret, sizeof(out[n].secret));
		if (code == RAD_ACCESS_REQUEST)
			out[n].auth_port = (uint16_t)port;
		else
			out[n].acct_port = (uint16_t)port;
		if ((w = rad_conf_word(&p)) != NULL) {
			out[n].timeout = atoi(w);
			if ((w = rad_conf_word(&p)) != NULL)
				out[n].tries = atoi(w);
		}
		n++;
	}
	memset(line, 0, sizeof(line));
	fclose(f);
	return n;
}

/* Connected UDP socket to host:port (from src when set), or -1. */
static int
rad_connect(const struct radius_snap *s, const char *host, uint16_t port)
{
	struct addrinfo hints, *res = NULL, *ai;
	char ports[8];
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = s->src_addr.family == AF_INET6 ? AF_INET6 :
	    s->src_addr.family == AF_INET ? AF_INET : AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	snprintf(ports, sizeof(ports), "%u", (unsigned)port);
	if (getaddrinfo(host, ports, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		if (s->src_addr.family == AF_INET &&
		    ai->ai_family == AF_INET) {
			struct sockaddr_in sin;

			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			sin.sin_addr = s->src_addr.u.ip4;
			(void)bind(fd, (struct sockaddr *)&sin, sizeof(sin));
		} else if (s->src_addr.family == AF_INET6 &&
		    ai->ai_family == AF_INET6) {
			struct sockaddr_in6 sin6;

			memset(&sin6, 0, sizeof(sin6));
			sin6.sin6_family = AF_INET6;
			sin6.sin6_addr = s->src_addr.u.ip6;
			(void)bind(fd, (struct sockaddr *)&sin6, sizeof(sin6));
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static bool
rad_code_answers(uint8_t req, uint8_t code)
{
	if (req == RAD_ACCESS_REQUEST)
		return code == RAD_ACCESS_ACCEPT || code == RAD_ACCESS_REJECT ||
		    code == RAD_ACCESS_CHALLENGE;
	return code == RAD_ACCOUNTING_RESPONSE;
}

/*
 * Wait up to ms for a valid answer to p on fd.  Returns 1 (ans filled),
 * 0 (timed out), -1 (socket error, e.g. ICMP port unreachable).
 */
static int
rad_wait(int fd, const struct rad_pkt *p, const char *secret, int ms,
    struct radius_answer *ans, const char *lnk, const char *host)
{
	uint64_t deadline = event_now_ms() + (uint64_t)ms;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t buf[RAD_MAX_PKT + 64];
	ssize_t n;
	int plen;

	for (;;) {
		uint64_t now = event_now_ms();
		int left = now >= deadline ? 0 : (int)(deadline - now);

		if (worker_should_stop())
			return 0;
		/* wake up now and then to notice a cancelled job */
		if (poll(&pfd, 1, left > 200 ? 200 : left) < 0 &&
		    errno != EINTR)
			return -1;
		if (!(pfd.revents & (POLLIN | POLLERR))) {
			if (left == 0)
				return 0;
			continue;
		}
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		plen = rad_check(buf, (size_t)n);
		if (plen < 0) {
			STAT_INC(malformed);
			log_msg(LG_RADIUS, "[%s] RADIUS: malformed reply from "
			    "%s ignored (%d bytes)", lnk, host, (int)n);
			continue;
		}
		if (buf[1] != p->buf[1]) {
			STAT_INC(bad_id);
			log_msg(LG_RADIUS, "[%s] RADIUS: reply from %s with "
			    "wrong id %d ignored", lnk, host, buf[1]);
			continue;
		}
		if (!rad_code_answers(p->buf[0], buf[0])) {
			STAT_INC(bad_code);
			log_msg(LG_RADIUS, "[%s] RADIUS: reply from %s with "
			    "unexpected code %d ignored", lnk, host, buf[0]);
			continue;
		}
		if (rad_verify_response(buf, (size_t)plen, p->buf + 4, secret,
		    p->reply_msg_auth) < 0) {
			STAT_INC(bad_authenticator);
			log_msg(LG_RADIUS, "[%s] RADIUS: reply from %s with "
			    "bad authenticator ignored", lnk, host);
			continue;
		}
		memcpy(ans->pkt, buf, (size_t)plen);
		ans->len = (size_t)plen;
		memcpy(ans->req_auth, p->buf + 4, 16);
		util_strlcpy(ans->secret, secret, sizeof(ans->secret));
		STAT_INC(replies);
		return 1;
	}
}

/*
 * Servers that let a whole request time out are skipped for
 * RAD_DEAD_MS by later requests, as long as another server of the list
 * is alive, so a dead primary doesn't cost every login timeout x retries
 * of a worker thread.  When every server is marked, all are tried.
 */
#define RAD_DEAD_MS	30000
#define RAD_DEAD_SLOTS	32

static struct {
	char		host[64];
	uint16_t	port;
	uint64_t	until;		/* monotonic ms */
} rad_dead[RAD_DEAD_SLOTS];
static pthread_mutex_t rad_dead_mtx = PTHREAD_MUTEX_INITIALIZER;

static bool
rad_is_dead(const char *host, uint16_t port)
{
	uint64_t now = event_now_ms();
	bool dead = false;
	int i;

	pthread_mutex_lock(&rad_dead_mtx);
	for (i = 0; i < RAD_DEAD_SLOTS; i++)
		if (rad_dead[i].port == port && rad_dead[i].until > now &&
		    strncmp(rad_dead[i].host, host, sizeof(rad_dead[i].host)) ==
		    0)
			dead = true;
	pthread_mutex_unlock(&rad_dead_mtx);
	return dead;
}

static void
rad_mark(const char *host, uint16_t port, bool dead)
{
	uint64_t now = event_now_ms();
	int i, slot = -1;

	pthread_mutex_lock(&rad_dead_mtx);
	for (i = 0; i < RAD_DEAD_SLOTS; i++) {
		if (rad_dead[i].port == port && strncmp(rad_dead[i].host,
		    host, sizeof(rad_dead[i].host)) == 0) {
			slot = i;
			break;
		}
		if (slot < 0 && rad_dead[i].until <= now)
			slot = i;
	}
	if (slot >= 0 && (dead || rad_dead[slot].port == port)) {
		util_strlcpy(rad_dead[slot].host, host,
		    sizeof(rad_dead[slot].host));
		rad_dead[slot].port = port;
		rad_dead[slot].until = dead ? now + RAD_DEAD_MS : 0;
	}
	pthread_mutex_unlock(&rad_dead_mtx);
}

/* Names for `log +radius2` (attributes mpd5 handles). */
static const char *
rad_attr_name(uint8_t t)
{
	static const struct {
		uint8_t		 t;
		const char	*name;
	} names[] = {
		{ 1, "User-Name" }, { 2, "User-Password" },
		{ 3, "CHAP-Password" }, { 4, "NAS-IP-Address" },
		{ 5, "NAS-Port" }, { 6, "Service-Type" },
		{ 7, "Framed-Protocol" }, { 8, "Framed-IP-Address" },
		{ 9, "Framed-IP-Netmask" }, { 11, "Filter-Id" },
		{ 12, "Framed-MTU" }, { 13, "Framed-Compression" },
		{ 18, "Reply-Message" }, { 22, "Framed-Route" },
		{ 24, "State" }, { 25, "Class" }, { 26, "Vendor-Specific" },
		{ 27, "Session-Timeout" }, { 28, "Idle-Timeout" },
		{ 30, "Called-Station-Id" }, { 31, "Calling-Station-Id" },
		{ 32, "NAS-Identifier" }, { 40, "Acct-Status-Type" },
		{ 44, "Acct-Session-Id" }, { 60, "CHAP-Challenge" },
		{ 61, "NAS-Port-Type" }, { 79, "EAP-Message" },
		{ 80, "Message-Authenticator" },
		{ 85, "Acct-Interim-Interval" }, { 87, "NAS-Port-Id" },
		{ 88, "Framed-Pool" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].t == t)
			return names[i].name;
	return "Attr";
}

/*
 * `log +radius2`: one line per attribute of pkt (dir "Put" or "Get");
 * hidden values (passwords, CHAP answers, MPPE keys) are never printed,
 * only their lengths.
 */
static void
rad_log_attrs(const char *lnk, const char *dir, const uint8_t *pkt,
    size_t len)
{
	struct rad_iter it;
	const uint8_t *v, *sv;
	char buf[80];
	size_t vl, svl, i;
	uint32_t vendor;
	uint8_t t, st;

	if (!log_on(LG_RADIUS2))
		return;
	rad_iter_init(&it, pkt, len);
	while (rad_iter_next(&it, &t, &v, &vl) == 1) {
		if (t == RAD_VENDOR_SPECIFIC &&
		    rad_vsa_parse(v, vl, &vendor, &st, &sv, &svl) == 0) {
			log_msg(LG_RADIUS2, "[%s] RADIUS: %s VSA %u/%u, len %u",
			    lnk, dir, (unsigned)vendor, st, (unsigned)svl);
			continue;
		}
		if (t == RAD_USER_PASSWORD || t == RAD_CHAP_PASSWORD ||
		    t == RAD_MESSAGE_AUTHENTIC || t == RAD_EAP_MESSAGE ||
		    t == RAD_STATE || t == RAD_CLASS) {
			log_msg(LG_RADIUS2, "[%s] RADIUS: %s %s (%d), len %u",
			    lnk, dir, rad_attr_name(t), t, (unsigned)vl);
			continue;
		}
		for (i = 0; i < vl && i < sizeof(buf) - 1; i++)
			buf[i] = v[i] >= 0x20 && v[i] < 0x7f ? (char)v[i] : '.';
		buf[i] = '\0';
		if (vl == 4 && (t == RAD_NAS_IP_ADDRESS ||
		    t == RAD_FRAMED_IP_ADDRESS || t == RAD_FRAMED_IP_NETMASK))
			inet_ntop(AF_INET, v, buf, sizeof(buf));
		else if (vl == 4 && (v[0] < 0x20 || v[1] < 0x20))
			snprintf(buf, sizeof(buf), "%u", (unsigned)v[0] << 24 |
			    (unsigned)v[1] << 16 | (unsigned)v[2] << 8 | v[3]);
		log_msg(LG_RADIUS2, "[%s] RADIUS: %s %s (%d): %s", lnk, dir,
		    rad_attr_name(t), t, buf);
	}
}

static uint8_t
rad_next_id(void)
{
	static unsigned id;

	return (uint8_t)__atomic_add_fetch(&id, 1, __ATOMIC_RELAXED);
}

int
radius_send(const struct radius_snap *s, uint8_t code, radius_build_fn *build,
    void *arg, struct radius_answer *ans, const char *lnk)
{
	static struct rad_pkt zero_pkt;
	struct rad_pkt *p;
	struct radius_snap_server *list;
	uint8_t auth[16];
	int i, try, fd, rc = -1, r, alive = 0, n = 0, cap;

	cap = 2 * (RADIUS_MAX_SERVERS + 1);
	p = malloc(sizeof(*p));
	list = calloc((size_t)cap, sizeof(*list));
	if (p == NULL || list == NULL) {
		free(p);
		free(list);
		return -1;
	}
	*p = zero_pkt;
	if (s->config[0] != '\0')
		n = rad_read_config(s->config, code, list, cap -
		    s->nservers, lnk);
	for (i = 0; i < s->nservers; i++)
		list[n++] = s->servers[i];
	/* are there live servers to prefer over those marked dead? */
	for (i = 0; i < n; i++) {
		const struct radius_snap_server *sv = &list[i];
		uint16_t port = code == RAD_ACCESS_REQUEST ? sv->auth_port :
		    sv->acct_port;

		if (port != 0 && !rad_is_dead(sv->host, port))
			alive++;
	}
	for (i = 0; i < n && rc < 0; i++) {
		const struct radius_snap_server *sv = &list[i];
		int tries = sv->tries > 0 ? sv->tries : s->retries;
		int tmo = sv->timeout > 0 ? sv->timeout : s->timeout;
		uint16_t port = code == RAD_ACCESS_REQUEST ? sv->auth_port :
		    sv->acct_port;

		if (port == 0)
			continue;
		if (alive > 0 && rad_is_dead(sv->host, port)) {
			log_msg(LG_RADIUS2, "[%s] RADIUS: skipping server %s %u "
			    "(not responding lately)", lnk, sv->host,
			    (unsigned)port);
			continue;
		}
		if (worker_should_stop())
			break;
		fd = rad_connect(s, sv->host, port);
		if (fd < 0) {
			log_msg(LG_RADIUS, "[%s] RADIUS: can't reach server "
			    "%s %u", lnk, sv->host, (unsigned)port);
			continue;
		}
		auth_random(auth, sizeof(auth));
		rad_pkt_init(p, code, rad_next_id(), auth);
		if (build(p, sv->secret, arg) < 0 ||
		    (code == RAD_ACCESS_REQUEST && s->msg_auth &&
		    p->msg_auth_off == 0 && rad_put_msg_auth(p) < 0) ||
		    rad_finish_request(p, sv->secret) < 0) {
			log_msg(LG_RADIUS, "[%s] RADIUS: request too large",
			    lnk);
			close(fd);
			break;
		}
		rad_log_attrs(lnk, "Put", p->buf, p->len);
		for (try = 0; try < tries && rc < 0; try++) {
			if (worker_should_stop())
				break;
			log_msg(LG_RADIUS2, "[%s] RADIUS: sending request #%d "
			    "to %s %u (try %d)", lnk, p->buf[1], sv->host,
			    (unsigned)port, try + 1);
			STAT_INC(requests);
			if (try > 0)
				STAT_INC(retransmits);
			if (send(fd, p->buf, p->len, 0) < 0) {
				/* e.g. ECONNREFUSED from an earlier ICMP */
				(void)poll(NULL, 0, 100);
				continue;
			}
			r = rad_wait(fd, p, sv->secret, tmo * 1000, ans, lnk,
			    sv->host);
			if (r > 0) {
				ans->server = i;
				rc = 0;
				rad_log_attrs(lnk, "Get", ans->pkt, ans->len);
			} else if (r < 0) {
				/* ICMP port unreachable: a lost try, with a
				 * short pause instead of the whole timeout */
				(void)poll(NULL, 0, 100);
			}
		}
		close(fd);
		if (!worker_should_stop())
			rad_mark(sv->host, port, rc < 0);
		if (rc < 0) {
			STAT_INC(timeouts);
			log_msg(LG_RADIUS, "[%s] RADIUS: server %s %u not "
			    "responding", lnk, sv->host, (unsigned)port);
		}
	}
	memset(p, 0, sizeof(*p));
	memset(list, 0, (size_t)cap * sizeof(*list));
	free(p);
	free(list);
	return rc;
}

/* ---- the radius-auth backend ---- */

static int
nas_port_type(const char *type)
{
	if (strcmp(type, "modem") == 0)
		return 0;		/* Async */
	if (strcmp(type, "ng") == 0)
		return 1;		/* Sync */
	if (strcmp(type, "pppoe") == 0)
		return 15;		/* Ethernet */
	return 5;			/* Virtual */
}

/*
 * The attributes every request carries (spec 9.3), from the snapshot
 * and the link data copied into an ext-auth request.
 */
int
radius_put_common(struct rad_pkt *p, const struct radius_snap *s,
    const struct extauth_request *x)
{
	const char *t = x->nas_port_type;

	if (s->identifier[0] != '\0')
		rad_put_str(p, RAD_NAS_IDENTIFIER, s->identifier);
	if (s->me.s_addr != 0)
		rad_put_addr(p, RAD_NAS_IP_ADDRESS, s->me);
	if (s->v6me.family == AF_INET6)
		rad_put(p, RAD_NAS_IPV6_ADDRESS, &s->v6me.u.ip6, 16);
	if (x->session_id[0] != '\0')
		rad_put_str(p, RAD_ACCT_SESSION_ID, x->session_id);
	rad_put_int(p, RAD_NAS_PORT, (uint32_t)x->nas_port);
	rad_put_int(p, RAD_NAS_PORT_TYPE, (uint32_t)nas_port_type(t));
	rad_put_int(p, RAD_SERVICE_TYPE, 2);		/* Framed */
	rad_put_int(p, RAD_FRAMED_PROTOCOL, 1);		/* PPP */
	if (x->calling[0] != '\0')
		rad_put_str(p, RAD_CALLING_STATION_ID, x->calling);
	if (x->called[0] != '\0')
		rad_put_str(p, RAD_CALLED_STATION_ID, x->called);
	if (x->peer_iface[0] != '\0')
		rad_put_str(p, RAD_NAS_PORT_ID, x->peer_iface);
	rad_put_vsa_str(p, RAD_VENDOR_MPD, RAD_MPD_LINK, x->link);
	if (x->peer_ident[0] != '\0')
		rad_put_vsa_str(p, RAD_VENDOR_MPD, RAD_MPD_PEER_IDENT,
		    x->peer_ident);
	if (strcmp(t, "pppoe") == 0) {
		/* the relay's tags (RFC 4679) */
		if (x->self_name[0] != '\0')
			rad_put_vsa_str(p, RAD_VENDOR_DSL_FORUM,
			    RAD_DSL_AGENT_CIRCUIT_ID, x->self_name);
		if (x->peer_name[0] != '\0')
			rad_put_vsa_str(p, RAD_VENDOR_DSL_FORUM,
			    RAD_DSL_AGENT_REMOTE_ID, x->peer_name);
	}
	if (strcmp(t, "pptp") == 0 || strcmp(t, "l2tp") == 0)
		rad_put_int(p, RAD_TUNNEL_TYPE, strcmp(t, "pptp") == 0 ?
		    1 : 3);
	if (strcmp(t, "pppoe") == 0)
		rad_put_int(p, RAD_TUNNEL_MEDIUM_TYPE, 6);
	else if (strcmp(t, "pptp") == 0 || strcmp(t, "l2tp") == 0 ||
	    strcmp(t, "tcp") == 0 || strcmp(t, "udp") == 0) {
		rad_put_int(p, RAD_TUNNEL_MEDIUM_TYPE,
		    strchr(x->peer_addr, ':') != NULL ? 2 : 1);
		/* the server end is the peer when we placed the call */
		if (x->self_addr[0] != '\0' && x->peer_addr[0] != '\0') {
			rad_put_str(p, RAD_TUNNEL_SERVER_ENDPOINT,
			    x->originated ? x->peer_addr : x->self_addr);
			rad_put_str(p, RAD_TUNNEL_CLIENT_ENDPOINT,
			    x->originated ? x->self_addr : x->peer_addr);
		}
		if (x->self_name[0] != '\0' && x->peer_name[0] != '\0') {
			rad_put_str(p, RAD_TUNNEL_SERVER_AUTH_ID,
			    x->originated ? x->peer_name : x->self_name);
			rad_put_str(p, RAD_TUNNEL_CLIENT_AUTH_ID,
			    x->originated ? x->self_name : x->peer_name);
		}
	}
	return p->overflow ? -1 : 0;
}

static int
rad_build_access(struct rad_pkt *p, const char *secret, void *arg)
{
	struct auth_req *r = arg;
	uint8_t v[64];

	rad_put_str(p, RAD_USER_NAME, r->authname);
	if (r->proto == PROTO_PAP) {
		if (rad_put_password(p, secret, r->ext.password) < 0)
			return -1;
	} else if (r->proto == PROTO_EAP && r->eap_len > 0) {
		rad_put_split(p, RAD_EAP_MESSAGE, r->eap, r->eap_len);
		rad_put_msg_auth(p);
		/* RFC 3579 3.2: answers with EAP-Message carry one too */
		p->reply_msg_auth = true;
	} else {
		switch (r->chap_alg) {
		case CHAP_ALG_MD5:
			if (r->value_len != 16)
				return -1;
			v[0] = r->chap_id;
			memcpy(v + 1, r->value, 16);
			rad_put(p, RAD_CHAP_PASSWORD, v, 17);
			rad_put(p, RAD_CHAP_CHALLENGE, r->chal, r->chal_len);
			break;
		case CHAP_ALG_MSV1:
		case CHAP_ALG_MSV2:
			if (r->value_len != CHAP_MS_VAL_LEN)
				return -1;
			rad_put_vsa(p, RAD_VENDOR_MICROSOFT,
			    RAD_MS_CHAP_CHALLENGE, r->chal, r->chal_len);
			/* ident, flags, then the value without its flags */
			v[0] = r->chap_id;
			v[1] = r->value[48];
			memcpy(v + 2, r->value, 48);
			rad_put_vsa(p, RAD_VENDOR_MICROSOFT,
			    r->chap_alg == CHAP_ALG_MSV1 ?
			    RAD_MS_CHAP_RESPONSE : RAD_MS_CHAP2_RESPONSE,
			    v, 50);
			break;
		default:
			return -1;
		}
	}
	if (r->data.state_len > 0)
		rad_put(p, RAD_STATE, r->data.state, r->data.state_len);
	return radius_put_common(p, r->rad, &r->ext);
}

/* Copy the reply's attributes into the AAA data (spec 9.3). */
static void
rad_apply_reply(struct auth_req *r, const struct rad_reply *y)
{
	struct auth_data *d = &r->data;
	int i;

	if (y->user_name[0] != '\0')
		util_strlcpy(d->authname, y->user_name, sizeof(d->authname));
	if (y->have_framed_ip) {
		uint32_t a = ntohl(y->framed_ip.s_addr);

		if (a != 0xffffffffu && a != 0xfffffffeu) {
			d->have_range = true;
			memset(&d->range, 0, sizeof(d->range));
			d->range.addr.family = AF_INET;
			d->range.addr.u.ip4 = y->framed_ip;
			d->range.width = 32;
		}
	}
	d->framed_netmask = y->framed_netmask;
	util_strlcpy(d->pool, y->framed_pool, sizeof(d->pool));
	for (i = 0; i < y->nroutes && i < AUTH_MAX_ROUTES; i++)
		d->routes[i] = y->routes[i];
	d->nroutes = i;
	d->mtu = y->framed_mtu;
	d->vjcomp = y->vjcomp;
	d->session_timeout = y->session_timeout;
	d->idle_timeout = y->idle_timeout;
	d->acct_update = y->acct_interim;
	util_strlcpy(d->filter_id, y->filter_id, sizeof(d->filter_id));
	if (y->reply_message[0] != '\0') {
		util_strlcpy(d->reply_message, y->reply_message,
		    sizeof(d->reply_message));
		r->have_reply_message = true;
	}
	memcpy(d->state, y->state, y->state_len);
	d->state_len = y->state_len;
	memcpy(d->class_, y->class_, y->class_len);
	d->class_len = y->class_len;
	memcpy(d->dns, y->dns, sizeof(d->dns));
	memcpy(d->nbns, y->nbns, sizeof(d->nbns));
	util_strlcpy(d->ms_domain, y->ms_domain, sizeof(d->ms_domain));
	d->mppe_policy = y->mppe_policy;
	d->mppe_types = y->mppe_types;
	util_strlcpy(d->action, y->mpd_action, sizeof(d->action));
	util_strlcpy(d->iface_name, y->mpd_iface_name, sizeof(d->iface_name));
	util_strlcpy(d->iface_descr, y->mpd_iface_descr,
	    sizeof(d->iface_descr));
	util_strlcpy(d->iface_group, y->mpd_iface_group,
	    sizeof(d->iface_group));
	if (y->have_mppe_keys) {
		memcpy(d->mppe_send_key, y->mppe_send_key, 16);
		memcpy(d->mppe_recv_key, y->mppe_recv_key, 16);
		d->mppe_keys = true;
	}
	if (y->have_mschap_mppe_keys) {
		memcpy(d->ms_lm_key, y->ms_lm_key, 8);
		memcpy(r->ms_nt_key, y->ms_nt_key, 16);
		r->have_ms_nt_key = true;
	}
	util_strlcpy(r->mschap_error, y->mschap_error,
	    sizeof(r->mschap_error));
	util_strlcpy(r->mschap2_success, y->mschap2_success,
	    sizeof(r->mschap2_success));
}

void
radius_backend(struct auth_req *r)
{
	struct radius_answer *ans;
	struct rad_reply *y;

	log_msg(LG_AUTH, "[%s] AUTH: Trying RADIUS", r->lnk);
	if (r->rad == NULL || (r->rad->nservers == 0 &&
	    r->rad->config[0] == '\0')) {
		log_msg(LG_RADIUS, "[%s] RADIUS: no servers configured",
		    r->lnk);
		log_msg(LG_AUTH, "[%s] AUTH: RADIUS returned error", r->lnk);
		return;
	}
	ans = malloc(sizeof(*ans));
	y = malloc(sizeof(*y));
	if (ans == NULL || y == NULL)
		goto out;
	log_msg(LG_RADIUS, "[%s] RADIUS: Rec'd request for user \"%s\"",
	    r->lnk, r->authname);
	if (radius_send(r->rad, RAD_ACCESS_REQUEST, rad_build_access, r, ans,
	    r->lnk) < 0) {
		log_msg(LG_RADIUS, "[%s] RADIUS: no server answered", r->lnk);
		log_msg(LG_AUTH, "[%s] AUTH: RADIUS returned error", r->lnk);
		goto out;
	}
	if (rad_parse_reply(ans->pkt, ans->len, ans->secret, ans->req_auth,
	    y) < 0) {
		log_msg(LG_AUTH, "[%s] AUTH: RADIUS returned error", r->lnk);
		goto out;
	}
	r->rad_code = y->code;
	if (r->proto == PROTO_EAP && r->eap_len > 0) {
		/* radius-proxy: the server's EAP packet goes to the peer */
		r->eap_len = y->eap_len <= sizeof(r->eap) ? y->eap_len : 0;
		memcpy(r->eap, y->eap, r->eap_len);
		if (r->eap_len == 0)
			r->eap_len = 1;		/* still a proxy answer */
		memcpy(r->data.state, y->state, y->state_len);
		r->data.state_len = y->state_len;
	}
	switch (y->code) {
	case RAD_ACCESS_ACCEPT:
		log_msg(LG_RADIUS, "[%s] RADIUS: rec'd RAD_ACCESS_ACCEPT for "
		    "user \"%s\"", r->lnk, r->authname);
		rad_apply_reply(r, y);
		r->data.radius_auth = true;
		r->status = AUTH_STATUS_SUCCESS;
		break;
	case RAD_ACCESS_REJECT:
		log_msg(LG_RADIUS, "[%s] RADIUS: rec'd RAD_ACCESS_REJECT for "
		    "user \"%s\"", r->lnk, r->authname);
		if (y->reply_message[0] != '\0') {
			util_strlcpy(r->data.reply_message, y->reply_message,
			    sizeof(r->data.reply_message));
			r->have_reply_message = true;
		}
		util_strlcpy(r->mschap_error, y->mschap_error,
		    sizeof(r->mschap_error));
		r->status = AUTH_STATUS_FAIL;
		r->why_fail = AUTH_FAIL_INVALID_LOGIN;
		break;
	default:
		log_msg(LG_RADIUS, "[%s] RADIUS: rec'd RAD_ACCESS_CHALLENGE "
		    "for user \"%s\"", r->lnk, r->authname);
		/* only EAP continues; a Challenge to PAP/CHAP fails */
		r->status = r->proto == PROTO_EAP ? AUTH_STATUS_UNDEF :
		    AUTH_STATUS_FAIL;
		r->why_fail = AUTH_FAIL_INVALID_LOGIN;
		break;
	}
	if (y->unknown > 0)
		log_msg(LG_RADIUS2, "[%s] RADIUS: %d attributes ignored",
		    r->lnk, y->unknown);
	log_msg(LG_AUTH, "[%s] AUTH: RADIUS returned: %s", r->lnk,
	    auth_status_text(r->status));
out:
	if (y != NULL)
		memset(y, 0, sizeof(*y));
	if (ans != NULL)
		memset(ans, 0, sizeof(*ans));
	free(y);
	free(ans);
}
