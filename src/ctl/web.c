/*
 * web.c - the web interface: `set web`, `show web` and a small HTTP/1.0
 * server on the event loop (surface spec 4.3.4, 5.10 and 7).
 *
 * Pages: `/` (status table), `/cmd?c1&c2` (commands run in one console
 * context, output in a <pre>), `/bincmd?c1&c2` (raw output plus a
 * "RESULT: <code> <errmsg>" line per command, the machine API), `/json`
 * (summary of links, bundles and repeaters), `/mpd.css`.  Access uses HTTP
 * Basic authentication (RFC 7617, realm "Access Restricted") against the
 * `set user` table; the user's level is the command privilege.  With
 * `set web disable auth` every request runs at privilege 0.
 *
 * The server is single-threaded and never blocks: the listener and the
 * connections are non-blocking and driven by the event loop.  One request
 * per connection, answered with "Connection: close".  Limits: a request
 * head of HTTP_MAX_HEAD bytes, WEB_READ_TIMEOUT_MS to receive it, no
 * request body, WEB_MAX_CONNS connections at once (beyond that a new
 * connection gets a 503 and is closed), WEB_MAX_BODY bytes of response
 * and WEB_MAX_CMD_OUT bytes of command output per request.
 *
 * Lifetime: a connection is never freed inside one of its own callbacks.
 * web_conn_close() unregisters it and closes the socket; the memory is
 * reclaimed by a module timer (web_reap) or by web_shutdown().
 *
 * Request parsing, URL decoding, base64 and escaping are the pure
 * functions of http.c.
 */
#include "web.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../core/defs.h"
#include "../core/event.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "../link/devices.h"
#include "../ppp/bund.h"
#include "../ppp/fsm.h"
#include "../ppp/link.h"
#include "../ppp/rep.h"
#include "console.h"
#include "http.h"

#define WEB_DEFAULT_PORT	5006
#define WEB_MAX_CONNS		256
#define WEB_BACKLOG		128
#define WEB_READ_TIMEOUT_MS	10000	/* whole request head */
#define WEB_WRITE_TIMEOUT_MS	30000	/* without any progress */
#define WEB_LINGER_MS		2000	/* drain after our FIN */
#define WEB_LINGER_MAX		65536	/* bytes drained at most */
#define WEB_ACCEPT_BATCH	64
#define WEB_ACCEPT_BACKOFF_MS	1000	/* after EMFILE and friends */
#define WEB_MAX_BODY		(16u << 20)
#define WEB_MAX_CMD_OUT		(1u << 20)
#define WEB_MAX_CMDS		50
#define WEB_MAX_USER		256

#define WEB_TITLE	"Multi-link PPP Daemon for FreeBSD"
#define WEB_REALM	"Access Restricted"

enum web_opt {
	WEB_OPT_AUTH,
};

/* A growable byte buffer with a hard size limit. */
struct wbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
	bool	 truncated;	/* something did not fit under max */
};

enum web_conn_state {
	WEB_CONN_READING,	/* collecting the request head */
	WEB_CONN_WRITING,	/* sending head + body */
	WEB_CONN_LINGER,	/* FIN sent, draining until the peer closes */
	WEB_CONN_DEAD,		/* closed, waiting to be freed */
};

/*
 * One client connection.  Owned by the module list web.conns; freed only
 * by web_reap() or web_shutdown(), never in its own callbacks.
 */
struct web_conn {
	struct web_conn		*next, *prev;
	int			 fd;
	enum web_conn_state	 state;
	struct event		 ev_rd;
	struct event		 ev_wr;
	struct timer		 tmo;
	char			 peer[INET_ADDRSTRLEN];
	char			 in[HTTP_MAX_HEAD];
	size_t			 in_len;
	size_t			 drained;
	struct wbuf		 head;		/* status line + headers */
	struct wbuf		 body;
	size_t			 sent;		/* of head + body */
};

/* Per-request command output sink (struct cmd_ctx write hook). */
struct web_sink {
	struct wbuf	*b;
	bool		 html;
	size_t		 used;
	bool		 truncated;
};

static const struct opt_def web_opts[] = {
	{ .name = "auth", .bit = WEB_OPT_AUTH },
	{ .name = NULL },
};

static struct {
	uint32_t	 addr;		/* host order */
	uint16_t	 port;
	struct opt_set	 options;
	int		 fd;		/* listener, -1 when closed */
	struct event	 ev;
	struct timer	 backoff;
	struct timer	 reaper;
	struct web_conn	*conns;
	unsigned	 nconns;	/* not yet DEAD */
} web = {
	.addr = INADDR_LOOPBACK,
	.port = WEB_DEFAULT_PORT,
	.options = { .enable = 1u << WEB_OPT_AUTH },
	.fd = -1,
};

static void	web_conn_read(int type, void *arg);
static void	web_conn_write(int type, void *arg);
static void	web_conn_timeout(void *arg);
static void	web_accept(int type, void *arg);
static void	web_reap(void *arg);

/* ---- buffers ---- */

static void
wbuf_init(struct wbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

static void
wbuf_free(struct wbuf *b)
{
	mem_free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Make room for n more bytes (plus a NUL); false when over the limit. */
static bool
wbuf_reserve(struct wbuf *b, size_t n)
{
	size_t need, ncap;

	if (n > b->max || b->len > b->max - n) {
		b->truncated = true;
		return false;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return true;
	ncap = b->cap ? b->cap : 1024;
	while (ncap < need)
		ncap *= 2;
	b->p = mem_realloc("web", b->p, ncap);
	b->cap = ncap;
	return true;
}

static void
wbuf_add(struct wbuf *b, const char *s, size_t n)
{
	if (n == 0 || !wbuf_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
wbuf_str(struct wbuf *b, const char *s)
{
	wbuf_add(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
wbuf_printf(struct wbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0 || !wbuf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Append text HTML-escaped. */
static void
wbuf_html(struct wbuf *b, const char *s, size_t n)
{
	size_t need = http_html_escape(s, n, NULL, 0);

	if (need == 0 || !wbuf_reserve(b, need))
		return;
	http_html_escape(s, n, b->p + b->len, need + 1);
	b->len += need;
}

/* Append a NUL-terminated string HTML-escaped, "&nbsp;" when empty. */
static void
wbuf_cell(struct wbuf *b, const char *s)
{
	if (s == NULL || *s == '\0')
		wbuf_str(b, "&nbsp;");
	else
		wbuf_html(b, s, strlen(s));
}

/* Append a string percent-encoded for a URL (safe in HTML as is). */
static void
wbuf_url(struct wbuf *b, const char *s)
{
	size_t n = strlen(s), need = http_url_encode(s, n, NULL, 0);

	if (need == 0 || !wbuf_reserve(b, need))
		return;
	http_url_encode(s, n, b->p + b->len, need + 1);
	b->len += need;
}

/* Append a JSON string value with its quotes. */
static void
wbuf_json(struct wbuf *b, const char *s)
{
	size_t n = strlen(s), need = http_json_escape(s, n, NULL, 0);

	wbuf_add(b, "\"", 1);
	if (need > 0 && wbuf_reserve(b, need)) {
		http_json_escape(s, n, b->p + b->len, need + 1);
		b->len += need;
	}
	wbuf_add(b, "\"", 1);
}

/* ---- object views shared by the status page and JSON ---- */

static const char *
fsm_class(enum fsm_state st)
{
	if (st == FSM_ST_OPENED)
		return "g";
	if (st == FSM_ST_INITIAL)
		return "r";
	return "y";
}

static const char *
phys_class(enum phys_state st)
{
	if (st == PHYS_STATE_UP)
		return "g";
	if (st == PHYS_STATE_DOWN)
		return "r";
	return "y";
}

static const char *
link_type_name(const struct link *l)
{
	return l->type != NULL && l->type->name != NULL ? l->type->name : "";
}

/*
 * Direction of the current call: > 0 we originated it, < 0 the peer did,
 * 0 unknown.  The device layer does not expose the originator yet, so
 * this answers "unknown" (no arrow, no calling/called swap).
 */
static int
link_originate(const struct link *l)
{
	(void)l;
	return 0;
}

/* Peer IPCP address of the link's bundle, "" when none. */
static void
link_ipcp_peer(const struct link *l, char *buf, size_t len)
{
	buf[0] = '\0';
	if (l->bund != NULL)
		inet_ntop(AF_INET, &l->bund->ipcp_peer, buf, (socklen_t)len);
}

/* Bundle IPCP peer address for the status page: blank when unset. */
static void
link_ipcp_peer_cell(const struct link *l, char *buf, size_t len)
{
	buf[0] = '\0';
	if (l->bund != NULL && l->state != PHYS_STATE_DOWN &&
	    l->bund->ipcp_peer.s_addr != 0)
		inet_ntop(AF_INET, &l->bund->ipcp_peer, buf, (socklen_t)len);
}

/* ---- status page ---- */

static void
page_begin(struct wbuf *b)
{
	wbuf_str(b, "<!DOCTYPE html>\n<html>\n<head>\n"
	    "<title>" WEB_TITLE " (mpd)</title>\n"
	    "<link rel=\"stylesheet\" href=\"/mpd.css\" type=\"text/css\">\n"
	    "</head>\n<body>\n<h1>" WEB_TITLE "</h1>\n");
}

static void
page_end(struct wbuf *b)
{
	wbuf_str(b, "</body>\n</html>\n");
}

/* <td> opening with optional rowspan / colspan and a class. */
static void
td_open(struct wbuf *b, int rowspan, int colspan, const char *cls)
{
	wbuf_str(b, "<td");
	if (rowspan > 1)
		wbuf_printf(b, " rowspan=\"%d\"", rowspan);
	if (colspan > 1)
		wbuf_printf(b, " colspan=\"%d\"", colspan);
	if (cls != NULL)
		wbuf_printf(b, " class=\"%s\"", cls);
	wbuf_str(b, ">");
}

/* A cell linking to "/cmd?<ctx>%20<name>&show%20<what>". */
static void
td_link(struct wbuf *b, int rowspan, const char *cls, const char *ctx,
    const char *name, const char *what, const char *text)
{
	td_open(b, rowspan, 1, cls);
	wbuf_printf(b, "<a href=\"/cmd?%s%%20", ctx);
	wbuf_url(b, name);
	wbuf_printf(b, "&amp;show%%20%s\">", what);
	wbuf_cell(b, text);
	wbuf_str(b, "</a></td>\n");
}

static void
td_text(struct wbuf *b, const char *cls, const char *text)
{
	td_open(b, 1, 1, cls);
	wbuf_cell(b, text);
	wbuf_str(b, "</td>\n");
}

static void
td_blank(struct wbuf *b, int n)
{
	while (n-- > 0)
		wbuf_str(b, "<td>&nbsp;</td>\n");
}

/* The [Open] / [Close] cell of the State column. */
static void
td_state(struct wbuf *b, const struct link *l)
{
	wbuf_str(b, "<td>");
	if (l->tmpl) {
		wbuf_str(b, "&nbsp;");
	} else {
		if (l->state != PHYS_STATE_UP) {
			wbuf_str(b, "<a href=\"/cmd?link%20");
			wbuf_url(b, l->name);
			wbuf_str(b, "&amp;open\">[Open]</a>");
		}
		if (l->state != PHYS_STATE_UP && l->state != PHYS_STATE_DOWN)
			wbuf_str(b, " ");
		if (l->state != PHYS_STATE_DOWN) {
			wbuf_str(b, "<a href=\"/cmd?link%20");
			wbuf_url(b, l->name);
			wbuf_str(b, "&amp;close\">[Close]</a>");
		}
	}
	wbuf_str(b, "</td>\n");
}

#define WEB_LINK_COLS	10	/* Link .. called, without State */

/* The link part of a row (columns 8-17, plus State when priv > 0). */
static void
status_link_cells(struct wbuf *b, const struct link *l, bool rep, int priv)
{
	const char *pc = l->tmpl ? "d" : phys_class(l->state);
	const char *lc = l->tmpl ? "d" : fsm_class(l->lcp_state);
	char peer[128], ip[INET_ADDRSTRLEN], calling[128], called[128];
	int orig = link_originate(l);

	phys_peer_addr(l, peer, sizeof(peer));
	link_ipcp_peer_cell(l, ip, sizeof(ip));
	phys_calling_num(l, calling, sizeof(calling));
	phys_called_num(l, called, sizeof(called));

	td_link(b, 1, pc, "link", l->name, "link", l->name);
	if (rep) {
		td_text(b, pc, "");
		td_text(b, pc, "");
	} else {
		td_link(b, 1, lc, "link", l->name, "lcp",
		    fsm_state_name(l->lcp_state));
		td_link(b, 1, lc, "link", l->name, "auth", l->peer_authname);
	}
	td_link(b, 1, pc, "link", l->name, "device", link_type_name(l));
	td_link(b, 1, pc, "link", l->name, "device",
	    link_phys_state_name(l->state));
	td_text(b, pc, peer);
	td_text(b, pc, ip);
	td_text(b, pc, calling);
	td_open(b, 1, 1, pc);
	wbuf_str(b, orig < 0 ? "&lt;=" : orig > 0 ? "=&gt;" : "&nbsp;");
	wbuf_str(b, "</td>\n");
	td_text(b, pc, called);
	if (priv > 0)
		td_state(b, l);
}

static void
status_blank_link(struct wbuf *b, int priv)
{
	td_blank(b, WEB_LINK_COLS + (priv > 0 ? 1 : 0));
}

static void
status_bundle(struct wbuf *b, const struct bund *bu, int priv)
{
	const struct link *first = NULL;
	int rows = 0, i;
	const char *bc = bu->tmpl ? "d" : (bu->open ? "g" : "r");
	const char *ic = bu->tmpl ? "d" : (bu->iface.up ? "g" : "r");

	for (i = 0; i < bu->n_links && i < MAX_LINKS_PER_BUND; i++) {
		if (bu->links[i] == NULL)
			continue;
		if (first == NULL)
			first = bu->links[i];
		rows++;
	}
	if (rows == 0)
		rows = 1;
	wbuf_str(b, "<tr>\n");
	td_link(b, rows, bc, "bund", bu->name, "bund", bu->name);
	td_link(b, rows, ic, "bund", bu->name, "iface", bu->iface.ifname);
	td_link(b, rows, ic, "bund", bu->name, "iface",
	    bu->iface.up ? "Up" : "Down");
	td_link(b, rows, bu->tmpl ? "d" : fsm_class(bu->ipcp_state), "bund",
	    bu->name, "ipcp", fsm_state_name(bu->ipcp_state));
	td_link(b, rows, bu->tmpl ? "d" : fsm_class(bu->ipv6cp_state), "bund",
	    bu->name, "ipv6cp", fsm_state_name(bu->ipv6cp_state));
	td_link(b, rows, bu->tmpl ? "d" : fsm_class(bu->ccp_state), "bund",
	    bu->name, "ccp", fsm_state_name(bu->ccp_state));
	td_link(b, rows, bu->tmpl ? "d" : fsm_class(bu->ecp_state), "bund",
	    bu->name, "ecp", fsm_state_name(bu->ecp_state));
	if (first == NULL) {
		status_blank_link(b, priv);
		wbuf_str(b, "</tr>\n");
		return;
	}
	status_link_cells(b, first, false, priv);
	wbuf_str(b, "</tr>\n");
	for (i = 0; i < bu->n_links && i < MAX_LINKS_PER_BUND; i++) {
		if (bu->links[i] == NULL || bu->links[i] == first)
			continue;
		wbuf_str(b, "<tr>\n");
		status_link_cells(b, bu->links[i], false, priv);
		wbuf_str(b, "</tr>\n");
	}
}

static void
status_repeater(struct wbuf *b, const struct rep *r, int priv)
{
	int rows = 0, i, up = 0;
	bool row_open = true;
	const char *cls;

	for (i = 0; i < 2; i++) {
		if (r->links[i] == NULL)
			continue;
		rows++;
		up += r->links[i]->state == PHYS_STATE_UP;
	}
	cls = up == 0 ? "r" : (up == rows ? "g" : "y");
	wbuf_str(b, "<tr>\n");
	td_open(b, rows > 1 ? rows : 1, 6, NULL);
	wbuf_str(b, "Repeater</td>\n");
	td_link(b, rows > 1 ? rows : 1, cls, "rep", r->name, "repeater",
	    r->name);
	for (i = 0; i < 2; i++) {
		if (r->links[i] == NULL)
			continue;
		if (!row_open)
			wbuf_str(b, "<tr>\n");
		status_link_cells(b, r->links[i], true, priv);
		wbuf_str(b, "</tr>\n");
		row_open = false;
	}
	if (row_open) {
		status_blank_link(b, priv);
		wbuf_str(b, "</tr>\n");
	}
}

static void
page_status(struct wbuf *b, int priv)
{
	int i;

	page_begin(b);
	wbuf_str(b, "<h2>Current status summary</h2>\n<table>\n<thead>\n<tr>"
	    "<th>Bund</th><th colspan=\"2\">Iface</th><th>IPCP</th>"
	    "<th>IPV6CP</th><th>CCP</th><th>ECP</th><th>Link</th>"
	    "<th>LCP</th><th>User</th><th colspan=\"2\">Device</th>"
	    "<th>Peer</th><th>IP</th><th>&nbsp;</th><th>&nbsp;</th>"
	    "<th>&nbsp;</th>");
	if (priv > 0)
		wbuf_str(b, "<th>State</th>");
	wbuf_str(b, "</tr>\n</thead>\n<tbody>\n");
	/* Unbundled links (templates too) first, with the bundle part blank. */
	for (i = 1; i < g_nlinks; i++) {
		const struct link *l = g_links[i];

		if (l == NULL || l->bund != NULL || l->rep != NULL)
			continue;
		wbuf_str(b, "<tr>\n");
		td_blank(b, 7);
		status_link_cells(b, l, false, priv);
		wbuf_str(b, "</tr>\n");
	}
	for (i = 1; i < g_nbunds; i++)
		if (g_bunds[i] != NULL)
			status_bundle(b, g_bunds[i], priv);
	for (i = 1; i < g_nreps; i++)
		if (g_reps[i] != NULL)
			status_repeater(b, g_reps[i], priv);
	wbuf_str(b, "</tbody>\n</table>\n");
	page_end(b);
}

/* ---- JSON ---- */

/*
 * One link object.  with_lcp: "lcp" and "auth" fields (not for repeater
 * links); with_ipcp: "ipcp_ip" after "peer_ip" (links of bundles and
 * repeaters).  Addresses appear only while the device is not DOWN.
 */
static void
json_link(struct wbuf *b, const struct link *l, bool with_lcp, bool with_ipcp)
{
	char peer[128], ip[INET_ADDRSTRLEN], calling[128], called[128];

	phys_calling_num(l, calling, sizeof(calling));
	phys_called_num(l, called, sizeof(called));
	wbuf_str(b, "{\"link\":");
	wbuf_json(b, l->name);
	if (with_lcp) {
		wbuf_str(b, ",\"lcp\":");
		wbuf_json(b, fsm_state_name(l->lcp_state));
		wbuf_str(b, ",\"auth\":");
		wbuf_json(b, l->peer_authname);
	}
	wbuf_str(b, ",\"type\":");
	wbuf_json(b, link_type_name(l));
	wbuf_str(b, ",\"state\":");
	wbuf_json(b, link_phys_state_name(l->state));
	if (l->state != PHYS_STATE_DOWN) {
		phys_peer_addr(l, peer, sizeof(peer));
		wbuf_str(b, ",\"peer_ip\":");
		wbuf_json(b, peer);
		if (with_ipcp) {
			link_ipcp_peer(l, ip, sizeof(ip));
			wbuf_str(b, ",\"ipcp_ip\":");
			wbuf_json(b, ip[0] != '\0' ? ip : "0.0.0.0");
		}
	}
	/* mpd5 reports the numbers swapped for calls we originated. */
	wbuf_str(b, ",\"calling_num\":");
	wbuf_json(b, link_originate(l) > 0 ? called : calling);
	wbuf_str(b, ",\"called_num\":");
	wbuf_json(b, link_originate(l) > 0 ? calling : called);
	wbuf_str(b, "}");
}

static void
page_json(struct wbuf *b)
{
	const char *sep = "";
	int i, j;

	wbuf_str(b, "{\"links\":[");
	for (i = 1; i < g_nlinks; i++) {
		const struct link *l = g_links[i];

		if (l == NULL || l->bund != NULL || l->rep != NULL)
			continue;
		wbuf_printf(b, "%s\n", sep);
		json_link(b, l, true, false);
		sep = ",";
	}
	wbuf_str(b, "\n],\n\"bundles\":[");
	sep = "";
	for (i = 1; i < g_nbunds; i++) {
		const struct bund *bu = g_bunds[i];
		const char *lsep = "";

		if (bu == NULL)
			continue;
		wbuf_printf(b, "%s\n{\"bundle\":", sep);
		wbuf_json(b, bu->name);
		wbuf_str(b, ",\"iface\":");
		wbuf_json(b, bu->iface.ifname);
		wbuf_str(b, ",\"state\":");
		wbuf_json(b, bu->iface.up ? "Up" : "Down");
		wbuf_str(b, ",\"ipcp\":");
		wbuf_json(b, fsm_state_name(bu->ipcp_state));
		wbuf_str(b, ",\"ipv6cp\":");
		wbuf_json(b, fsm_state_name(bu->ipv6cp_state));
		wbuf_str(b, ",\"ccp\":");
		wbuf_json(b, fsm_state_name(bu->ccp_state));
		wbuf_str(b, ",\"ecp\":");
		wbuf_json(b, fsm_state_name(bu->ecp_state));
		wbuf_str(b, ",\"links\":[");
		for (j = 0; j < bu->n_links && j < MAX_LINKS_PER_BUND; j++) {
			if (bu->links[j] == NULL)
				continue;
			wbuf_printf(b, "%s\n", lsep);
			json_link(b, bu->links[j], true, true);
			lsep = ",";
		}
		wbuf_str(b, "]}");
		sep = ",";
	}
	wbuf_str(b, "\n],\n\"repeaters\":[");
	sep = "";
	for (i = 1; i < g_nreps; i++) {
		const struct rep *r = g_reps[i];
		const char *lsep = "";

		if (r == NULL)
			continue;
		wbuf_printf(b, "%s\n{\"repeater\":", sep);
		wbuf_json(b, r->name);
		wbuf_str(b, ",\"links\":[");
		for (j = 0; j < 2; j++) {
			if (r->links[j] == NULL)
				continue;
			wbuf_printf(b, "%s\n", lsep);
			json_link(b, r->links[j], false, true);
			lsep = ",";
		}
		wbuf_str(b, "]}");
		sep = ",";
	}
	wbuf_str(b, "\n]}\n");
}

/* ---- commands (/cmd and /bincmd) ---- */

static void
web_sink_write(void *arg, const char *buf, size_t len)
{
	struct web_sink *s = arg;

	if (len > WEB_MAX_CMD_OUT - s->used) {
		s->truncated = true;
		len = WEB_MAX_CMD_OUT - s->used;
	}
	s->used += len;
	if (s->html)
		wbuf_html(s->b, buf, len);
	else
		wbuf_add(s->b, buf, len);
}

/*
 * Run the '&'-separated commands of query in one context.  bin selects
 * the /bincmd format (raw output, RESULT lines, no error texts);
 * otherwise each command is echoed after the prompt and the output is
 * HTML-escaped for the <pre> of /cmd.
 */
static void
web_run_cmds(struct wbuf *b, struct http_slice query, int priv,
    const char *user, bool bin)
{
	struct web_sink sink = { .b = b, .html = !bin };
	struct cmd_ctx ctx;
	struct http_slice part;
	char *line = NULL, *words = NULL, *av[CONF_MAX_ARGS];
	char prompt[LINK_MAX_NAME + 8];
	size_t pos = 0;
	ssize_t dl;
	int ncmds = 0, ac, rc;

	if (query.p == NULL || query.len == 0)
		return;
	cmd_ctx_init(&ctx, priv, web_sink_write, &sink);
	ctx.user = user;
	ctx.no_errtext = bin;
	line = mem_alloc("web", query.len + 1);
	words = mem_alloc("web", query.len + 1);
	while (ncmds < WEB_MAX_CMDS &&
	    http_query_next(query.p, query.len, &pos, &part)) {
		ncmds++;
		cmd_prompt(&ctx, prompt, sizeof(prompt));
		dl = http_url_decode(part.p, part.len, line, query.len + 1,
		    true);
		if (dl < 0) {
			/* only a %00 gets here: no command can contain it */
			if (bin)
				wbuf_str(b, "RESULT: -7 Invalid URL encoding\n");
			else
				wbuf_str(b, "Invalid URL encoding\r\n");
			continue;
		}
		if (!bin)
			cmd_printf(&ctx, "%s%s\n", prompt, line);
		/* audit, like the console's "[ctx] CONSOLE: user: cmd" */
		if (user != NULL)
			log_msg(LG_CONSOLE, "%sWEB: %s: %s", prompt, user,
			    line);
		else
			log_msg(LG_CONSOLE, "%sWEB: %s", prompt, line);
		memcpy(words, line, (size_t)dl + 1);
		ac = util_tokenize(words, av, CONF_MAX_ARGS);
		if (ac < 0) {
			rc = cmd_error(&ctx, "too many arguments");
			if (!bin)
				cmd_printf(&ctx, "Error in '%s': %s\n", line,
				    ctx.errmsg);
		} else {
			rc = cmd_do(&ctx, ac, av);
		}
		if (bin)
			wbuf_printf(b, "RESULT: %d %s\n", rc,
			    rc == CMD_ERR_OTHER ? ctx.errmsg : "");
	}
	if (sink.truncated)
		log_msg(LG_ERR, "WEB: command output truncated at %u bytes",
		    WEB_MAX_CMD_OUT);
	mem_free(line);
	mem_free(words);
}

static void
page_cmd(struct wbuf *b, struct http_slice query, int priv, const char *user)
{
	page_begin(b);
	wbuf_str(b, "<p><a href=\"/\">Back</a></p>\n<pre>");
	web_run_cmds(b, query, priv, user, false);
	wbuf_str(b, "</pre>\n<p><a href=\"/\">Back</a></p>\n");
	page_end(b);
}

static const char web_css[] =
    "body { font-family: sans-serif; }\n"
    "table { border-collapse: collapse; }\n"
    "th { background-color: #d0d0d0; }\n"
    "th, td { border: 1px solid #808080; padding: 2px 6px; }\n"
    "a { color: inherit; }\n"
    ".r { background-color: #ffc0c0; }\n"
    ".y { background-color: #ffffb0; }\n"
    ".g { background-color: #c0ffc0; }\n"
    ".d { background-color: #e0e0e0; color: #606060; }\n";

/* ---- connections ---- */

/* Status line and headers for a body already in c->body. */
#define WEB_HDR_NOCACHE		0x01
#define WEB_HDR_AUTH		0x02

static void
web_set_head(struct web_conn *c, int status, const char *ctype,
    unsigned flags, bool head_only)
{
	wbuf_printf(&c->head, "HTTP/1.0 %d %s\r\n", status,
	    http_reason(status));
	wbuf_str(&c->head, "Server: mpd web server\r\n");
	if (flags & WEB_HDR_AUTH)
		wbuf_str(&c->head,
		    "WWW-Authenticate: Basic realm=\"" WEB_REALM "\"\r\n");
	if (flags & WEB_HDR_NOCACHE)
		wbuf_str(&c->head, "Pragma: no-cache\r\n"
		    "Cache-Control: no-cache, must-revalidate\r\n");
	if (ctype != NULL)
		wbuf_printf(&c->head, "Content-Type: %s\r\n", ctype);
	wbuf_printf(&c->head, "Content-Length: %zu\r\n", c->body.len);
	wbuf_str(&c->head, "Connection: close\r\n\r\n");
	if (head_only)
		c->body.len = 0;
}

static void
web_set_error(struct web_conn *c, int status, unsigned flags, bool head_only)
{
	c->body.len = 0;
	wbuf_printf(&c->body, "<html><head><title>%d %s</title></head>"
	    "<body><h1>%d %s</h1></body></html>\n", status,
	    http_reason(status), status, http_reason(status));
	web_set_head(c, status, "text/html", flags, head_only);
}

/*
 * Close the socket and retire the connection.  Safe from the
 * connection's own callbacks: the memory is freed later by web_reap().
 */
static void
web_conn_close(struct web_conn *c)
{
	if (c->state == WEB_CONN_DEAD)
		return;
	event_unregister(&c->ev_rd);
	event_unregister(&c->ev_wr);
	timer_stop(&c->tmo);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	wbuf_free(&c->head);
	wbuf_free(&c->body);
	c->state = WEB_CONN_DEAD;
	web.nconns--;
	if (web.reaper.cb == NULL)
		timer_init(&web.reaper, "web reaper", 0, web_reap, NULL);
	if (!timer_running(&web.reaper))
		timer_start(&web.reaper);
}

static void
web_conn_free(struct web_conn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		web.conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	mem_free(c);
}

/* Module timer: free every retired connection. */
static void
web_reap(void *arg)
{
	struct web_conn *c, *next;

	(void)arg;
	for (c = web.conns; c != NULL; c = next) {
		next = c->next;
		if (c->state == WEB_CONN_DEAD)
			web_conn_free(c);
	}
}

/* Response sent: half-close and drain the peer until it closes. */
static void
web_conn_linger(struct web_conn *c)
{
	event_unregister(&c->ev_wr);
	wbuf_free(&c->head);
	wbuf_free(&c->body);
	c->state = WEB_CONN_LINGER;
	/*
	 * Closing with unread input would make the kernel send a reset that
	 * can destroy the response still in flight; so shut down our side
	 * and read until the client closes (or the linger time runs out).
	 */
	if (shutdown(c->fd, SHUT_WR) < 0 ||
	    event_register(&c->ev_rd, EV_READ, c->fd, EVF_RECURRING,
	    web_conn_read, c) < 0) {
		web_conn_close(c);
		return;
	}
	timer_init(&c->tmo, "web linger", WEB_LINGER_MS, web_conn_timeout, c);
	timer_start(&c->tmo);
}

/* Push as much of head + body as the socket takes. */
static void
web_conn_flush(struct web_conn *c)
{
	for (;;) {
		struct iovec iov[2];
		struct msghdr mh;
		size_t total = c->head.len + c->body.len, off = c->sent;
		int n = 0;
		ssize_t w;

		if (off >= total) {
			web_conn_linger(c);
			return;
		}
		if (off < c->head.len) {
			iov[n].iov_base = c->head.p + off;
			iov[n++].iov_len = c->head.len - off;
			off = 0;
		} else {
			off -= c->head.len;
		}
		if (c->body.len > off) {
			iov[n].iov_base = c->body.p + off;
			iov[n++].iov_len = c->body.len - off;
		}
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = (size_t)n;
		w = sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			web_conn_close(c);
			return;
		}
		c->sent += (size_t)w;
		/* progress: the write timeout counts from the last one */
		timer_start(&c->tmo);
	}
	if (!event_is_registered(&c->ev_wr) &&
	    event_register(&c->ev_wr, EV_WRITE, c->fd, EVF_RECURRING,
	    web_conn_write, c) < 0)
		web_conn_close(c);
}

/* Switch to writing the prepared response. */
static void
web_conn_respond(struct web_conn *c)
{
	event_unregister(&c->ev_rd);
	c->state = WEB_CONN_WRITING;
	c->sent = 0;
	timer_init(&c->tmo, "web write", WEB_WRITE_TIMEOUT_MS,
	    web_conn_timeout, c);
	timer_start(&c->tmo);
	web_conn_flush(c);
}

/*
 * Check the credentials of req.  Returns true with *priv and user set
 * when access is granted.
 */
static bool
web_auth(const struct web_conn *c, const struct http_request *req,
    int *priv, char *user, size_t usz)
{
	char pass[WEB_MAX_USER];
	bool ok;

	user[0] = '\0';
	if (!opt_enabled(&web.options, WEB_OPT_AUTH)) {
		*priv = PRIV_USER;
		return true;
	}
	if (req->authorization.p == NULL)
		return false;
	if (http_basic_auth(req->authorization.p, req->authorization.len,
	    user, usz, pass, sizeof(pass)) < 0) {
		user[0] = '\0';
		log_msg(LG_CONSOLE, "WEB: Bad Authorization header from %s",
		    c->peer);
		return false;
	}
	ok = console_user_check(user, pass, priv);
	explicit_bzero(pass, sizeof(pass));
	if (!ok) {
		log_msg(LG_CONSOLE, "WEB: Failed login attempt from %s",
		    c->peer);
		user[0] = '\0';
	}
	return ok;
}

/* Build the answer to the request head in c->in[0..hl). */
static void
web_handle(struct web_conn *c, size_t hl)
{
	struct http_request req;
	char user[WEB_MAX_USER];
	int rc, priv = PRIV_USER;
	bool head_only;

	wbuf_init(&c->head, 4096);
	wbuf_init(&c->body, WEB_MAX_BODY);
	rc = http_parse_request(c->in, hl, &req);
	if (rc != 0) {
		web_set_error(c, rc, 0, false);
		goto send;
	}
	head_only = http_slice_eq(req.method, "HEAD");
	if (!head_only && !http_slice_eq(req.method, "GET")) {
		web_set_error(c, 501, 0, false);
		goto send;
	}
	if (req.content_length > 0 || req.chunked) {
		web_set_error(c, 413, 0, head_only);
		goto send;
	}
	if (!web_auth(c, &req, &priv, user, sizeof(user))) {
		web_set_error(c, 401, WEB_HDR_AUTH, head_only);
		goto send;
	}
	if (http_slice_eq(req.path, "/")) {
		page_status(&c->body, priv);
		web_set_head(c, 200, "text/html", 0, head_only);
	} else if (http_slice_eq(req.path, "/cmd")) {
		page_cmd(&c->body, req.query, priv,
		    user[0] != '\0' ? user : NULL);
		web_set_head(c, 200, "text/html", 0, head_only);
	} else if (http_slice_eq(req.path, "/bincmd")) {
		web_run_cmds(&c->body, req.query, priv,
		    user[0] != '\0' ? user : NULL, true);
		web_set_head(c, 200, "text/plain", WEB_HDR_NOCACHE, head_only);
	} else if (http_slice_eq(req.path, "/json")) {
		page_json(&c->body);
		web_set_head(c, 200, "text/plain", WEB_HDR_NOCACHE, head_only);
	} else if (http_slice_eq(req.path, "/mpd.css")) {
		wbuf_add(&c->body, web_css, sizeof(web_css) - 1);
		web_set_head(c, 200, "text/css", 0, head_only);
	} else {
		web_set_error(c, 404, 0, head_only);
	}
	if (c->body.truncated)
		log_msg(LG_ERR, "WEB: response truncated at %u bytes",
		    WEB_MAX_BODY);
send:
	web_conn_respond(c);
}

/* Request phase: collect the head, then answer. */
static void
web_conn_read_head(struct web_conn *c)
{
	size_t old = c->in_len, from, hl;
	ssize_t n;

	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len,
	    MSG_DONTWAIT);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			web_conn_close(c);
		return;
	}
	if (n == 0) {
		web_conn_close(c);	/* gave up before a full request */
		return;
	}
	c->in_len += (size_t)n;
	/* Rescan only the new bytes plus the 3 that may start the end. */
	from = old > 3 ? old - 3 : 0;
	hl = http_head_length(c->in + from, c->in_len - from);
	if (hl != 0) {
		web_handle(c, from + hl);
		return;
	}
	if (c->in_len == sizeof(c->in)) {
		wbuf_init(&c->head, 4096);
		wbuf_init(&c->body, 4096);
		web_set_error(c, 431, 0, false);
		web_conn_respond(c);
	}
}

static void
web_conn_read(int type, void *arg)
{
	struct web_conn *c = arg;
	char junk[4096];
	ssize_t n;

	(void)type;
	switch (c->state) {
	case WEB_CONN_READING:
		web_conn_read_head(c);
		return;
	case WEB_CONN_LINGER:
		n = recv(c->fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			return;
		if (n > 0)
			c->drained += (size_t)n;
		if (n <= 0 || c->drained > WEB_LINGER_MAX)
			web_conn_close(c);
		return;
	case WEB_CONN_WRITING:
	case WEB_CONN_DEAD:
		return;
	}
}

static void
web_conn_write(int type, void *arg)
{
	struct web_conn *c = arg;

	(void)type;
	if (c->state == WEB_CONN_WRITING)
		web_conn_flush(c);
}

static void
web_conn_timeout(void *arg)
{
	struct web_conn *c = arg;

	if (c->state == WEB_CONN_READING)
		log_msg(LG_CONSOLE, "WEB: request timeout from %s", c->peer);
	web_conn_close(c);
}

static void
web_conn_create(int fd, const struct sockaddr_in *sa)
{
	struct web_conn *c = mem_alloc("web", sizeof(*c));

	c->fd = fd;
	c->state = WEB_CONN_READING;
	inet_ntop(AF_INET, &sa->sin_addr, c->peer, sizeof(c->peer));
	c->next = web.conns;
	if (web.conns != NULL)
		web.conns->prev = c;
	web.conns = c;
	web.nconns++;
	timer_init(&c->tmo, "web request", WEB_READ_TIMEOUT_MS,
	    web_conn_timeout, c);
	timer_start(&c->tmo);
	if (event_register(&c->ev_rd, EV_READ, fd, EVF_RECURRING,
	    web_conn_read, c) < 0) {
		log_perr(LG_ERR, "WEB: can't register connection");
		web_conn_close(c);
	}
}

/* Over the connection limit: a best-effort 503, then close. */
static void
web_refuse(int fd)
{
	static const char msg[] =
	    "HTTP/1.0 503 Service Unavailable\r\n"
	    "Server: mpd web server\r\n"
	    "Content-Length: 0\r\n"
	    "Connection: close\r\n\r\n";

	(void)send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

static void
web_backoff_done(void *arg)
{
	(void)arg;
	if (web.fd >= 0 && !event_is_registered(&web.ev) &&
	    event_register(&web.ev, EV_READ, web.fd, EVF_RECURRING,
	    web_accept, NULL) < 0)
		log_perr(LG_ERR, "WEB: can't register listener");
}

static void
web_accept(int type, void *arg)
{
	struct sockaddr_in sa;
	socklen_t salen;
	int i, fd;

	(void)type;
	(void)arg;
	for (i = 0; i < WEB_ACCEPT_BATCH; i++) {
		salen = sizeof(sa);
		memset(&sa, 0, sizeof(sa));
		fd = accept4(web.fd, (struct sockaddr *)&sa, &salen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EPROTO)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			log_perr(LG_ERR, "WEB: accept");
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/* level-triggered: pause instead of spinning */
				event_unregister(&web.ev);
				timer_init(&web.backoff, "web backoff",
				    WEB_ACCEPT_BACKOFF_MS, web_backoff_done,
				    NULL);
				timer_start(&web.backoff);
			}
			return;
		}
		if (web.nconns >= WEB_MAX_CONNS) {
			web_refuse(fd);
			continue;
		}
		web_conn_create(fd, &sa);
	}
}

/* ---- listener ---- */

static int
web_open(struct cmd_ctx *ctx)
{
	struct sockaddr_in sa;
	char ip[INET_ADDRSTRLEN];
	int fd = -1, on = 1, err;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(web.addr);
	sa.sin_port = htons(web.port);
	inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, WEB_BACKLOG) < 0)
		goto fail;
	if (event_register(&web.ev, EV_READ, fd, EVF_RECURRING, web_accept,
	    NULL) < 0)
		goto fail;
	web.fd = fd;
	log_msg(LG_CONSOLE, "WEB: listening on %s %u", ip, web.port);
	return CMD_OK;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	log_printf(LG_ERR, "WEB: can't listen on %s %u: %s", ip, web.port,
	    strerror(err));
	return cmd_error(ctx, "can't listen on %s %u: %s", ip, web.port,
	    strerror(err));
}

/* Stop accepting; open connections finish on their own. */
static void
web_close_listener(void)
{
	event_unregister(&web.ev);
	timer_stop(&web.backoff);
	if (web.fd >= 0)
		close(web.fd);
	web.fd = -1;
}

void
web_shutdown(void)
{
	struct web_conn *c;

	web_close_listener();
	for (c = web.conns; c != NULL; c = c->next)
		web_conn_close(c);
	while (web.conns != NULL)
		web_conn_free(web.conns);
	timer_stop(&web.reaper);
	web.nconns = 0;
}

/* ---- set web / show web ---- */

static int
web_cmd_self(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	struct u_addr ua;
	uint16_t port = WEB_DEFAULT_PORT;

	(void)a;
	if (ac < 1 || ac > 2)
		return CMD_ERR_USAGE;
	if (u_addr_parse(av[0], AF_INET, &ua) < 0)
		return cmd_error(ctx, "Bogus IP address: %s", av[0]);
	if (ac == 2 && util_parse_port(av[1], false, &port) < 0)
		return cmd_error(ctx, "Bogus port: %s", av[1]);
	/* takes effect on the next `set web open` */
	web.addr = ntohl(ua.u.ip4.s_addr);
	web.port = port;
	return CMD_OK;
}

static int
web_cmd_open(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	(void)av;
	(void)a;
	if (ac != 0)
		return CMD_ERR_USAGE;
	if (web.fd >= 0)
		return cmd_error(ctx, "web is already running");
	return web_open(ctx);
}

static int
web_cmd_close(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	(void)av;
	(void)a;
	if (ac != 0)
		return CMD_ERR_USAGE;
	if (web.fd < 0)
		return cmd_error(ctx, "web is not running");
	web_close_listener();
	log_msg(LG_CONSOLE, "WEB: closed");
	return CMD_OK;
}

static struct opt_set *
web_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	(void)ctx;
	*defs = web_opts;
	return &web.options;
}

static const struct opt_cmd_arg web_enable_arg = {
	.verb = OPT_ENABLE, .get = web_opt_get,
};
static const struct opt_cmd_arg web_disable_arg = {
	.verb = OPT_DISABLE, .get = web_opt_get,
};

const struct cmdtab web_set_cmds[] = {
	{ .name = "self {ip} [{port}]", .desc = "Set web ip and port",
	  .func = web_cmd_self, .priv = PRIV_ADMIN },
	{ .name = "open", .desc = "Web open", .func = web_cmd_open,
	  .priv = PRIV_ADMIN },
	{ .name = "close", .desc = "Web close", .func = web_cmd_close,
	  .priv = PRIV_ADMIN },
	{ .name = "enable [opt ...]", .desc = "Web enable option",
	  .func = opt_cmd, .priv = PRIV_ADMIN, .arg = &web_enable_arg },
	{ .name = "disable [opt ...]", .desc = "Web disable option",
	  .func = opt_cmd, .priv = PRIV_ADMIN, .arg = &web_disable_arg },
	{ .name = NULL },
};

int
web_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	struct in_addr in;
	char ip[INET_ADDRSTRLEN];

	(void)ac;
	(void)av;
	(void)a;
	in.s_addr = htonl(web.addr);
	inet_ntop(AF_INET, &in, ip, sizeof(ip));
	cmd_printf(ctx, "Web configuration:\n");
	cmd_printf(ctx, "\tState         : %s\n",
	    web.fd >= 0 ? "OPENED" : "CLOSED");
	cmd_printf(ctx, "\tIP-Address    : %s\n", ip);
	cmd_printf(ctx, "\tPort          : %u\n", web.port);
	cmd_printf(ctx, "Web options:\n");
	opt_show(ctx, &web.options, web_opts);
	return CMD_OK;
}
