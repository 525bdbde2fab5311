/*
 * radsrv.c - the dynamic-authorization (DAE) server settings of RFC 5176
 * (RFC 3576): `set radsrv ...` and `show radsrv` (surface spec 4.3.5,
 * 5.10, 9.5).
 *
 * `set radsrv open` binds the UDP socket at once, so a busy port is
 * reported when the configuration is read; serving Disconnect-Request and
 * CoA-Request on it arrives with the AAA work.  Both request types are
 * enabled by default.  Peer secrets are never printed.
 */
#include "radsrv.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/log.h"
#include "../core/mem.h"

#define RADSRV_DEFAULT_PORT	3799
#define RADSRV_MAX_HOSTNAME	255
#define RADSRV_MAX_SECRET	127

struct radsrv_conf g_radsrv = {
	.addr = { .family = AF_INET },
	.port = RADSRV_DEFAULT_PORT,
	.options = { .enable = 1u << RADSRV_OPT_DISCONNECT |
	    1u << RADSRV_OPT_COA },
	.fd = -1,
};

/* mpd5's order: disconnect first. */
static const struct opt_def radsrv_opts[] = {
	{ "disconnect", RADSRV_OPT_DISCONNECT, false },
	{ "coa", RADSRV_OPT_COA, false },
	{ NULL, 0, false },
};

/*
 * Bind the server socket to the configured address.  Failures are logged
 * and leave the server closed; the command itself still succeeds, as in
 * mpd5.
 */
static void
radsrv_open(void)
{
	struct radsrv_conf *w = &g_radsrv;
	struct sockaddr_storage ss;
	socklen_t sl;
	char buf[INET6_ADDRSTRLEN];
	int one = 1;

	u_addr_print(&w->addr, buf, sizeof(buf));
	if (w->fd >= 0) {
		log_msg(LG_ERR, "radsrv: radsrv already running");
		return;
	}
	memset(&ss, 0, sizeof(ss));
	if (w->addr.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = w->addr.u.ip6;
		s6->sin6_port = htons(w->port);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr = w->addr.u.ip4;
		s4->sin_port = htons(w->port);
		sl = sizeof(*s4);
	}
	w->fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (w->fd < 0) {
		log_perr(LG_ERR, "radsrv: socket");
		return;
	}
	(void)setsockopt(w->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(w->fd, (struct sockaddr *)&ss, sl) < 0) {
		log_perr(LG_ERR, "radsrv: can't bind to %s %d", buf,
		    (int)w->port);
		close(w->fd);
		w->fd = -1;
		return;
	}
	log_msg(LG_ERR, "radsrv: listening on %s %d", buf, (int)w->port);
	radsrv_run_start();
}

static void
radsrv_close(void)
{
	if (g_radsrv.fd < 0) {
		log_msg(LG_ERR, "radsrv: radsrv is not running");
		return;
	}
	radsrv_run_stop();
	close(g_radsrv.fd);
	g_radsrv.fd = -1;
	log_msg(LG_ERR, "radsrv: stop listening");
}

/* Daemon exit: close the socket and free the peer list.  Idempotent. */
void
radsrv_shutdown(void)
{
	struct radsrv_peer *p, *next;

	if (g_radsrv.fd >= 0) {
		radsrv_run_stop();
		close(g_radsrv.fd);
		g_radsrv.fd = -1;
	}
	for (p = g_radsrv.peers; p != NULL; p = next) {
		next = p->next;
		mem_free(p->host);
		mem_free(p->secret);
		mem_free(p);
	}
	g_radsrv.peers = NULL;
}

/* `set radsrv open` / `set radsrv close`; arg true = open. */
static int
radsrv_set_open(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	const bool *open = arg;

	if (*open)
		radsrv_open();
	else
		radsrv_close();
	return CMD_OK;
}

/* `set radsrv self {ip} [{port}]`: applies at the next open. */
static int
radsrv_set_self(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct u_addr a;
	long port;

	if (ac < 1 || ac > 2)
		return CMD_ERR_USAGE;
	if (u_addr_parse(av[0], AF_INET, &a) < 0)
		return cmd_error(ctx, "Bogus IP address given %s", av[0]);
	if (ac == 2) {
		port = strtol(av[1], NULL, 10);
		if (port < 1 || port > 65535)
			return cmd_error(ctx, "Bogus port given %s", av[1]);
		g_radsrv.port = (uint16_t)port;
	}
	g_radsrv.addr = a;
	return CMD_OK;
}

/* `set radsrv peer {ip} {secret}`: add an allowed client (newest first). */
static int
radsrv_set_peer(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	const struct radsrv_peer *t;
	struct radsrv_peer *p;
	int count = 0;

	if (ac != 2)
		return CMD_ERR_USAGE;
	for (t = g_radsrv.peers; t != NULL; t = t->next)
		count++;
	if (count > RADSRV_MAX_PEERS)
		return cmd_error(ctx, "cannot configure more than %d peers",
		    RADSRV_MAX_PEERS);
	if (strlen(av[0]) > RADSRV_MAX_HOSTNAME)
		return cmd_error(ctx, "Hostname too long. > 255 char.");
	if (strlen(av[1]) > RADSRV_MAX_SECRET)
		return cmd_error(ctx, "Shared Secret too long. > 127 char.");
	p = mem_alloc("radius", sizeof(*p));
	p->host = mem_strdup("radius", av[0]);
	p->secret = mem_strdup("radius", av[1]);
	p->next = g_radsrv.peers;
	g_radsrv.peers = p;
	return CMD_OK;
}

/* enable/disable: no words is accepted silently, as in mpd5. */
static int
radsrv_set_opt(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	const int *verb = arg;

	opt_apply(&g_radsrv.options, radsrv_opts, *verb, ac, av);
	return CMD_OK;
}

static const bool radsrv_arg_open = true;
static const bool radsrv_arg_close = false;
static const int radsrv_arg_enable = OPT_ENABLE;
static const int radsrv_arg_disable = OPT_DISABLE;

const struct cmdtab radsrv_set_cmds[] = {
	{ .name = "open", .desc = "Open the radsrv",
	  .func = radsrv_set_open, .priv = PRIV_ADMIN,
	  .arg = &radsrv_arg_open },
	{ .name = "close", .desc = "Close the radsrv",
	  .func = radsrv_set_open, .priv = PRIV_ADMIN,
	  .arg = &radsrv_arg_close },
	{ .name = "self {ip} [{port}]", .desc = "Set radsrv ip and port",
	  .func = radsrv_set_self, .priv = PRIV_ADMIN },
	{ .name = "peer {ip} {secret}", .desc = "Set peer ip and secret",
	  .func = radsrv_set_peer, .priv = PRIV_ADMIN },
	{ .name = "enable [opt ...]", .desc = "Enable radsrv option",
	  .func = radsrv_set_opt, .priv = PRIV_ADMIN,
	  .arg = &radsrv_arg_enable },
	{ .name = "disable [opt ...]", .desc = "Disable radsrv option",
	  .func = radsrv_set_opt, .priv = PRIV_ADMIN,
	  .arg = &radsrv_arg_disable },
	{ .name = NULL },
};

/* `show radsrv` (spec 5.10). */
int
radsrv_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct radsrv_peer *p;
	struct radsrv_stats st;
	char buf[INET6_ADDRSTRLEN];

	cmd_printf(ctx, "Radsrv configuration:\n");
	cmd_printf(ctx, "\tState         : %s\n",
	    g_radsrv.fd >= 0 ? "OPENED" : "CLOSED");
	cmd_printf(ctx, "\tSelf          : %s %d\n",
	    u_addr_print(&g_radsrv.addr, buf, sizeof(buf)),
	    (int)g_radsrv.port);
	cmd_printf(ctx, "\tPeer:\n");
	for (p = g_radsrv.peers; p != NULL; p = p->next)
		cmd_printf(ctx, "\t  %s ********\n", p->host);
	cmd_printf(ctx, "Radsrv options:\n");
	opt_show(ctx, &g_radsrv.options, radsrv_opts);
	/* not in mpd5: what the server saw */
	radsrv_stats_get(&st);
	cmd_printf(ctx, "Radsrv statistics:\n");
	cmd_printf(ctx, "\tReceived      : %lu\n", st.received);
	cmd_printf(ctx, "\tUnknown peer  : %lu\n", st.unknown_peer);
	cmd_printf(ctx, "\tMalformed     : %lu\n", st.malformed);
	cmd_printf(ctx, "\tBad authentic.: %lu\n", st.bad_authenticator);
	cmd_printf(ctx, "\tACKs sent     : %lu\n", st.acks);
	cmd_printf(ctx, "\tNAKs sent     : %lu\n", st.naks);
	return CMD_OK;
}
