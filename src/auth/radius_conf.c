/*
 * radius_conf.c - per-link RADIUS client settings: `set radius ...`,
 * `unset radius server ...` and `show radius` (surface spec 4.5.3, 5.8).
 *
 * Only configuration lives here.  The client (RFC 2865 authentication,
 * RFC 2866 accounting, RFC 3579 Message-Authenticator) arrives with the
 * AAA work and reads struct radius_conf (radius.h).  Secrets are never
 * printed.
 */
#include "radius.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../core/mem.h"
#include "acct.h"
#include "auth.h"
#include "../ppp/link.h"

#define RADIUS_DEFAULT_TIMEOUT	5
#define RADIUS_DEFAULT_RETRIES	3
#define RADIUS_AUTH_PORT	1812
#define RADIUS_ACCT_PORT	1813
#define RADIUS_MAX_HOSTNAME	256	/* MAXHOSTNAMELEN */
#define RADIUS_MAX_SECRET	127
#define RADIUS_MAX_ATTR_LEN	253

static const struct opt_def radius_opts[] = {
	{ "message-authentic", RADIUS_OPT_MESSAGE_AUTHENTIC, false },
	{ NULL, 0, false },
};

/* New settings with mpd5's defaults; the caller (the link) owns them. */
struct radius_conf *
radius_conf_new(void)
{
	struct radius_conf *c = mem_alloc("radius", sizeof(*c));

	c->timeout = RADIUS_DEFAULT_TIMEOUT;
	c->retries = RADIUS_DEFAULT_RETRIES;
	return c;
}

static void
radius_server_free(struct radius_server *s)
{
	mem_free(s->host);
	mem_free(s->secret);
	mem_free(s);
}

/* Deep copy (servers, strings) for a template instance. */
struct radius_conf *
radius_conf_dup(const struct radius_conf *src)
{
	struct radius_conf *c = mem_alloc("radius", sizeof(*c));
	const struct radius_server *s;
	struct radius_server **tail = &c->servers;

	*c = *src;
	c->servers = NULL;
	for (s = src->servers; s != NULL; s = s->next) {
		*tail = mem_alloc("radius", sizeof(**tail));
		(*tail)->host = mem_strdup("radius", s->host);
		(*tail)->secret = mem_strdup("radius", s->secret);
		(*tail)->auth_port = s->auth_port;
		(*tail)->acct_port = s->acct_port;
		tail = &(*tail)->next;
	}
	c->identifier = mem_strdup("radius", src->identifier);
	c->config = mem_strdup("radius", src->config);
	return c;
}

/* Free c and everything it owns; NULL is fine. */
void
radius_conf_free(struct radius_conf *c)
{
	struct radius_server *s, *next;

	if (c == NULL)
		return;
	for (s = c->servers; s != NULL; s = next) {
		next = s->next;
		radius_server_free(s);
	}
	mem_free(c->identifier);
	mem_free(c->config);
	mem_free(c);
}

/*
 * The NAS-IP-Address given to `set radius me`: an IPv4 literal, the first
 * IPv4 address of a local interface, or a host name (looked up now, while
 * reading the configuration).  Returns 0 or -1.
 */
static int
radius_parse_me(const char *s, struct in_addr *out)
{
	struct ifaddrs *ifs, *ifa;
	struct addrinfo hints, *res;
	int rc = -1;

	if (inet_pton(AF_INET, s, out) == 1)
		return 0;
	if (getifaddrs(&ifs) == 0) {
		for (ifa = ifs; ifa != NULL; ifa = ifa->ifa_next) {
			if (ifa->ifa_addr == NULL ||
			    ifa->ifa_addr->sa_family != AF_INET ||
			    strcmp(ifa->ifa_name, s) != 0)
				continue;
			*out = ((const struct sockaddr_in *)
			    (const void *)ifa->ifa_addr)->sin_addr;
			rc = 0;
			break;
		}
		freeifaddrs(ifs);
		if (rc == 0)
			return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	if (s[0] == '\0' || getaddrinfo(s, NULL, &hints, &res) != 0)
		return -1;
	*out = ((const struct sockaddr_in *)(const void *)res->ai_addr)->
	    sin_addr;
	freeaddrinfo(res);
	return 0;
}

/* `set radius server {name} {secret} [{auth port}] [{acct port}]` */
static int
radius_set_server(struct cmd_ctx *ctx, struct radius_conf *c, int ac,
    char **av)
{
	const struct radius_server *t;
	struct radius_server *s;
	int auth_port = RADIUS_AUTH_PORT, acct_port = RADIUS_ACCT_PORT;
	int count = 0;

	if (ac < 2 || ac > 4)
		return CMD_ERR_USAGE;
	for (t = c->servers; t != NULL; t = t->next)
		count++;
	if (count > RADIUS_MAX_SERVERS)
		return cmd_error(ctx, "cannot configure more than %d servers",
		    RADIUS_MAX_SERVERS);
	if (strlen(av[0]) > RADIUS_MAX_HOSTNAME)
		return cmd_error(ctx, "Hostname too long. > %d char.",
		    RADIUS_MAX_HOSTNAME);
	if (strlen(av[1]) > RADIUS_MAX_SECRET)
		return cmd_error(ctx, "Shared Secret too long. > 127 char.");
	if (ac > 2) {
		auth_port = atoi(av[2]);
		if (auth_port < 0 || auth_port >= 65535)
			return cmd_error(ctx,
			    "Auth Port number too high. > 65535");
	}
	if (ac > 3) {
		acct_port = atoi(av[3]);
		if (acct_port < 0 || acct_port >= 65535)
			return cmd_error(ctx,
			    "Acct Port number too high > 65535");
	}
	if (auth_port == 0 && acct_port == 0)
		return cmd_error(ctx, "At least one port must be specified.");
	s = mem_alloc("radius", sizeof(*s));
	s->host = mem_strdup("radius", av[0]);
	s->secret = mem_strdup("radius", av[1]);
	s->auth_port = (uint16_t)auth_port;
	s->acct_port = (uint16_t)acct_port;
	/* newest first: mpd5 tries the most recently added server first */
	s->next = c->servers;
	c->servers = s;
	return CMD_OK;
}

enum radius_set {
	RADIUS_SET_SERVER, RADIUS_SET_SRC_ADDR, RADIUS_SET_ME,
	RADIUS_SET_V6ME, RADIUS_SET_IDENTIFIER, RADIUS_SET_TIMEOUT,
	RADIUS_SET_RETRIES, RADIUS_SET_CONFIG,
};

/* The value settings of `set radius`; each needs at least one word. */
static int
radius_set(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	const enum radius_set *which = arg;
	struct radius_conf *c;
	struct u_addr a;
	int val;

	if (ctx->lnk == NULL || ctx->lnk->radius == NULL)
		return CMD_ERR_CONTEXT;
	c = ctx->lnk->radius;
	if (ac == 0)
		return CMD_ERR_USAGE;
	switch (*which) {
	case RADIUS_SET_SERVER:
		return radius_set_server(ctx, c, ac, av);
	case RADIUS_SET_SRC_ADDR:
		if (u_addr_parse(av[0], AF_INET, &a) < 0)
			return cmd_error(ctx, "Bad Src address '%s'.", av[0]);
		c->src_addr = a;
		break;
	case RADIUS_SET_ME:
		if (radius_parse_me(av[0], &c->me) < 0)
			return cmd_error(ctx, "Bad NAS address '%s'.", av[0]);
		break;
	case RADIUS_SET_V6ME:
		if (u_addr_parse(av[0], AF_INET6, &a) < 0)
			return cmd_error(ctx, "Bad NAS address '%s'.", av[0]);
		c->v6me = a;
		break;
	case RADIUS_SET_IDENTIFIER:
		if (strlen(av[0]) > RADIUS_MAX_ATTR_LEN)
			return cmd_error(ctx, "RADIUS: Identifier too long.");
		mem_free(c->identifier);
		/* "" goes back to the host name */
		c->identifier = av[0][0] != '\0' ?
		    mem_strdup("radius", av[0]) : NULL;
		break;
	case RADIUS_SET_TIMEOUT:
		val = atoi(av[0]);
		if (val <= 0)
			return cmd_error(ctx, "Timeout must be positive.");
		c->timeout = val;
		break;
	case RADIUS_SET_RETRIES:
		val = atoi(av[0]);
		if (val <= 0)
			return cmd_error(ctx, "Retries must be positive.");
		c->retries = val;
		break;
	case RADIUS_SET_CONFIG:
		if (strlen(av[0]) > PATH_MAX)
			return cmd_error(ctx,
			    "RADIUS: Config file name too long.");
		mem_free(c->config);
		c->config = mem_strdup("radius", av[0]);
		break;
	}
	return CMD_OK;
}

static struct opt_set *
radius_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	*defs = radius_opts;
	if (ctx->lnk == NULL || ctx->lnk->radius == NULL)
		return NULL;
	return &ctx->lnk->radius->options;
}

static const enum radius_set radius_arg_server = RADIUS_SET_SERVER;
static const enum radius_set radius_arg_src_addr = RADIUS_SET_SRC_ADDR;
static const enum radius_set radius_arg_me = RADIUS_SET_ME;
static const enum radius_set radius_arg_v6me = RADIUS_SET_V6ME;
static const enum radius_set radius_arg_identifier = RADIUS_SET_IDENTIFIER;
static const enum radius_set radius_arg_timeout = RADIUS_SET_TIMEOUT;
static const enum radius_set radius_arg_retries = RADIUS_SET_RETRIES;
static const enum radius_set radius_arg_config = RADIUS_SET_CONFIG;
static const struct opt_cmd_arg radius_arg_enable = { OPT_ENABLE,
	radius_opt_get };
static const struct opt_cmd_arg radius_arg_disable = { OPT_DISABLE,
	radius_opt_get };

const struct cmdtab radius_set_cmds[] = {
	{ .name = "server {name} {secret} [{auth port}] [{acct port}]",
	  .desc = "Set radius server parameters", .func = radius_set,
	  .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &radius_arg_server },
	{ .name = "src-addr {ip}", .desc = "Set source address for request",
	  .func = radius_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &radius_arg_src_addr },
	{ .name = "me {ip}", .desc = "Set NAS IP address",
	  .func = radius_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &radius_arg_me },
	{ .name = "v6me {ip}", .desc = "Set NAS IPv6 address",
	  .func = radius_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &radius_arg_v6me },
	{ .name = "identifier {name}", .desc = "Set NAS identifier string",
	  .func = radius_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &radius_arg_identifier },
	{ .name = "timeout {seconds}", .desc = "Set timeout in seconds",
	  .func = radius_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &radius_arg_timeout },
	{ .name = "retries {# retries}", .desc = "set number of retries",
	  .func = radius_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &radius_arg_retries },
	{ .name = "config {path to radius.conf}",
	  .desc = "set path to config file for libradius",
	  .func = radius_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &radius_arg_config },
	{ .name = "enable [opt ...]", .desc = "Enable option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &radius_arg_enable },
	{ .name = "disable [opt ...]", .desc = "Disable option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &radius_arg_disable },
	{ .name = NULL },
};

/*
 * `unset radius server {name} [{auth port} [{acct port}]]`: remove every
 * server with that name (and those ports, when given).  Removing nothing
 * is not an error.
 */
static int
radius_unset_server(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct radius_server **pp, *s;
	struct radius_conf *c;

	if (ctx->lnk == NULL || ctx->lnk->radius == NULL)
		return CMD_ERR_CONTEXT;
	c = ctx->lnk->radius;
	if (ac < 1 || ac > 3)
		return CMD_ERR_USAGE;
	for (pp = &c->servers; (s = *pp) != NULL;) {
		if (strcmp(s->host, av[0]) != 0 ||
		    (ac > 1 && atoi(av[1]) != s->auth_port) ||
		    (ac > 2 && atoi(av[2]) != s->acct_port)) {
			pp = &s->next;
			continue;
		}
		*pp = s->next;
		radius_server_free(s);
	}
	return CMD_OK;
}

const struct cmdtab radius_unset_cmds[] = {
	{ .name = "server {name} [{auth port}] [{acct port}]",
	  .desc = "Unset (remove) radius server",
	  .func = radius_unset_server, .admit = cmd_admit_link,
	  .priv = PRIV_ADMIN },
	{ .name = NULL },
};

static const char *
radius_hex(const uint8_t *b, size_t n, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < n && 2 * i + 2 < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
	return buf;
}

/*
 * `show radius`: settings of the current link, then the RADIUS data of
 * its session (spec 5.8).  The session data is filled in by the client
 * later; until then it shows the initial values.
 */
int
radius_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct radius_conf *c;
	const struct radius_server *s;
	const struct auth_data *d;
	struct radius_stats st;
	char buf[INET6_ADDRSTRLEN], hex[2 * 253 + 1];
	int i = 1;

	if (ctx->lnk == NULL || ctx->lnk->radius == NULL)
		return CMD_ERR_CONTEXT;
	c = ctx->lnk->radius;
	cmd_printf(ctx, "Configuration:\n");
	cmd_printf(ctx, "\tTimeout      : %d\n", c->timeout);
	cmd_printf(ctx, "\tRetries      : %d\n", c->retries);
	cmd_printf(ctx, "\tConfig-file  : %s\n",
	    c->config != NULL ? c->config : "none");
	cmd_printf(ctx, "\tSrc address  : %s\n",
	    u_addr_print(&c->src_addr, buf, sizeof(buf)));
	cmd_printf(ctx, "\tMe (NAS-IP)  : %s\n",
	    inet_ntop(AF_INET, &c->me, buf, sizeof(buf)));
	/* an unset IPv6 address prints as mpd5 prints it */
	cmd_printf(ctx, "\tv6Me (NAS-IP): %s\n", c->v6me.family == AF_INET6 ?
	    u_addr_print(&c->v6me, buf, sizeof(buf)) : "UNSPEC");
	cmd_printf(ctx, "\tIdentifier   : %s\n",
	    c->identifier != NULL ? c->identifier : "");
	for (s = c->servers; s != NULL; s = s->next, i++) {
		cmd_printf(ctx,
		    "\t---------------  Radius Server %d ---------------\n", i);
		cmd_printf(ctx, "\thostname   : %s\n", s->host);
		cmd_printf(ctx, "\tsecret     : *********\n");
		cmd_printf(ctx, "\tauth port  : %d\n", s->auth_port);
		cmd_printf(ctx, "\tacct port  : %d\n", s->acct_port);
	}
	cmd_printf(ctx, "RADIUS options\n");
	opt_show(ctx, &c->options, radius_opts);
	d = auth_result(ctx->lnk);
	cmd_printf(ctx, "Data:\n");
	cmd_printf(ctx, "\tAuthenticated  : %s\n", d->radius_auth ? "yes" :
	    "no");
	cmd_printf(ctx, "\tState          : 0x%s\n",
	    radius_hex(d->state, d->state_len, hex, sizeof(hex)));
	cmd_printf(ctx, "\tClass          : 0x%s\n",
	    radius_hex(d->class_, d->class_len, hex, sizeof(hex)));
	cmd_printf(ctx, "\tFilter Id      : %s\n", d->filter_id);
	/* not in mpd5: the client's counters (all links) */
	radius_stats_get(&st);
	cmd_printf(ctx, "Statistics:\n");
	cmd_printf(ctx, "\tRequests       : %lu\n", st.requests);
	cmd_printf(ctx, "\tRetransmits    : %lu\n", st.retransmits);
	cmd_printf(ctx, "\tTimeouts       : %lu\n", st.timeouts);
	cmd_printf(ctx, "\tReplies        : %lu\n", st.replies);
	cmd_printf(ctx, "\tBad authentic. : %lu\n", st.bad_authenticator);
	cmd_printf(ctx, "\tMalformed      : %lu\n", st.malformed);
	cmd_printf(ctx, "\tWrong id       : %lu\n", st.bad_id);
	cmd_printf(ctx, "\tWrong code     : %lu\n", st.bad_code);
	cmd_printf(ctx, "\tAcct spooled   : %lu\n", st.acct_spooled);
	cmd_printf(ctx, "\tAcct delivered : %lu\n", st.acct_delivered);
	cmd_printf(ctx, "\tAcct waiting   : %u\n", acct_spool_len());
	return CMD_OK;
}
