/*
 * extauth.c - the ext-auth script protocol (surface spec 9.2).
 *
 * mpd5 uses popen(..., "r+"), which Linux lacks; here the script is
 * started with posix_spawn() (safe from a worker thread) under /bin/sh -c
 * with one pipe for its stdin and one for its stdout, in its own process
 * group so a timeout can kill whatever it started.  The request is
 * written and the reply read with poll() against one deadline; the child
 * is always reaped before returning.
 */
#include "extauth.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../core/log.h"
#include "../core/util.h"
#include "../core/worker.h"

extern char **environ;

#define EXTAUTH_POLL_SLICE_MS	100

/* Append "NAME:value\n" with value cut at the first line break. */
static void
put_attr(char *buf, size_t cap, size_t *o, bool *overflow, const char *name,
    const char *val)
{
	size_t vl = strcspn(val, "\r\n");
	int n;

	if (*overflow)
		return;
	n = snprintf(buf + *o, cap - *o, "%s:%.*s\n", name, (int)vl, val);
	if (n < 0 || (size_t)n >= cap - *o) {
		*overflow = true;
		return;
	}
	*o += (size_t)n;
}

size_t
extauth_build_request(const struct extauth_request *rq, char *buf, size_t cap)
{
	char port[16];
	bool overflow = false;
	size_t o = 0;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	snprintf(port, sizeof(port), "%d", rq->nas_port);
	put_attr(buf, cap, &o, &overflow, "USER_NAME", rq->user);
	put_attr(buf, cap, &o, &overflow, "AUTH_TYPE", rq->auth_type);
	if (rq->send_password)
		put_attr(buf, cap, &o, &overflow, "USER_PASSWORD",
		    rq->password);
	put_attr(buf, cap, &o, &overflow, "ACCT_SESSION_ID", rq->session_id);
	put_attr(buf, cap, &o, &overflow, "LINK", rq->link);
	put_attr(buf, cap, &o, &overflow, "NAS_PORT", port);
	put_attr(buf, cap, &o, &overflow, "NAS_PORT_TYPE", rq->nas_port_type);
	put_attr(buf, cap, &o, &overflow, "CALLING_STATION_ID", rq->calling);
	put_attr(buf, cap, &o, &overflow, "CALLED_STATION_ID", rq->called);
	put_attr(buf, cap, &o, &overflow, "SELF_NAME", rq->self_name);
	put_attr(buf, cap, &o, &overflow, "PEER_NAME", rq->peer_name);
	put_attr(buf, cap, &o, &overflow, "SELF_ADDR", rq->self_addr);
	put_attr(buf, cap, &o, &overflow, "PEER_ADDR", rq->peer_addr);
	put_attr(buf, cap, &o, &overflow, "PEER_PORT", rq->peer_port);
	put_attr(buf, cap, &o, &overflow, "PEER_MAC_ADDR", rq->peer_mac);
	put_attr(buf, cap, &o, &overflow, "PEER_IFACE", rq->peer_iface);
	put_attr(buf, cap, &o, &overflow, "PEER_IDENT", rq->peer_ident);
	if (overflow || o + 1 >= cap) {
		memset(buf, 0, cap);
		return 0;
	}
	buf[o++] = '\n';	/* the empty line ends the request */
	buf[o] = '\0';
	return o;
}

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
parse_hash16(const char *val, uint8_t out[16])
{
	int i, hi, lo;

	if (strlen(val) != 32)
		return -1;
	for (i = 0; i < 16; i++) {
		hi = hex_nibble(val[2 * i]);
		lo = hex_nibble(val[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			memset(out, 0, 16);
			return -1;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static void
add_route(struct auth_data *d, const char *val, int family, const char *attr,
    const char *lnk)
{
	struct u_range r;
	char a[64], b[64];
	int i;

	if (u_range_parse(val, family, &r) < 0) {
		log_msg(LG_AUTH, "[%s] Ext-auth: %s: Bad route \"%s\"", lnk,
		    attr, val);
		return;
	}
	for (i = 0; i < d->nroutes; i++) {
		if (strcmp(u_range_print(&r, a, sizeof(a)),
		    u_range_print(&d->routes[i], b, sizeof(b))) == 0) {
			log_msg(LG_AUTH, "[%s] Ext-auth: Duplicate route", lnk);
			return;
		}
	}
	if (d->nroutes >= AUTH_MAX_ROUTES) {
		log_msg(LG_AUTH, "[%s] Ext-auth: too many routes", lnk);
		return;
	}
	d->routes[d->nroutes++] = r;
}

static bool
is_secret_attr(const char *attr)
{
	return strcmp(attr, "USER_PASSWORD") == 0 ||
	    strcmp(attr, "USER_NT_HASH") == 0 ||
	    strcmp(attr, "USER_LM_HASH") == 0;
}

void
extauth_parse_line(char *line, struct extauth_reply *rp, const char *lnk)
{
	struct auth_data *d = &rp->data;
	char *attr = line, *val = strchr(line, ':');

	if (val != NULL)
		*val++ = '\0';
	else
		val = line + strlen(line);

	/* Never log secrets, not even at auth2. */
	if (is_secret_attr(attr))
		log_msg(LG_AUTH2, "[%s] Ext-auth: attr:'%s', value:'XXX'", lnk,
		    attr);
	else
		log_msg(LG_AUTH2, "[%s] Ext-auth: attr:'%s', value:'%s'", lnk,
		    attr, val);

	if (strcmp(attr, "RESULT") == 0) {
		if (strcmp(val, "SUCCESS") == 0)
			rp->result = EXTAUTH_SUCCESS;
		else if (strcmp(val, "UNDEF") == 0)
			rp->result = EXTAUTH_UNDEF;
		else
			rp->result = EXTAUTH_FAIL;
	} else if (strcmp(attr, "USER_NAME") == 0) {
		util_strlcpy(rp->user, val, sizeof(rp->user));
		rp->have_user = true;
	} else if (strcmp(attr, "USER_PASSWORD") == 0) {
		util_strlcpy(rp->password, val, sizeof(rp->password));
		rp->have_password = true;
	} else if (strcmp(attr, "USER_NT_HASH") == 0) {
		if (parse_hash16(val, rp->nt_hash) < 0)
			log_msg(LG_AUTH,
			    "[%s] Ext-auth: Incorrect USER_NT_HASH length",
			    lnk);
		else
			rp->have_nt_hash = true;
	} else if (strcmp(attr, "USER_LM_HASH") == 0) {
		if (parse_hash16(val, rp->lm_hash) < 0)
			log_msg(LG_AUTH,
			    "[%s] Ext-auth: Incorrect USER_LM_HASH length",
			    lnk);
		else
			rp->have_lm_hash = true;
	} else if (strcmp(attr, "FRAMED_IP_ADDRESS") == 0) {
		d->have_range = u_range_parse(val, AF_INET, &d->range) == 0;
	} else if (strcmp(attr, "PRIMARY_DNS_SERVER") == 0) {
		inet_pton(AF_INET, val, &d->dns[0]);
	} else if (strcmp(attr, "SECONDARY_DNS_SERVER") == 0) {
		inet_pton(AF_INET, val, &d->dns[1]);
	} else if (strcmp(attr, "PRIMARY_NBNS_SERVER") == 0) {
		inet_pton(AF_INET, val, &d->nbns[0]);
	} else if (strcmp(attr, "SECONDARY_NBNS_SERVER") == 0) {
		inet_pton(AF_INET, val, &d->nbns[1]);
	} else if (strcmp(attr, "FRAMED_ROUTE") == 0) {
		add_route(d, val, AF_INET, attr, lnk);
	} else if (strcmp(attr, "FRAMED_IPV6_ROUTE") == 0) {
		add_route(d, val, AF_INET6, attr, lnk);
	} else if (strcmp(attr, "SESSION_TIMEOUT") == 0) {
		d->session_timeout = atoi(val);
	} else if (strcmp(attr, "IDLE_TIMEOUT") == 0) {
		d->idle_timeout = atoi(val);
	} else if (strcmp(attr, "ACCT_INTERIM_INTERVAL") == 0) {
		d->acct_update = atoi(val);
	} else if (strcmp(attr, "ACCT_INTERIM_LIM_RECV") == 0) {
		d->acct_update_lim_recv = strtoull(val, NULL, 10);
	} else if (strcmp(attr, "ACCT_INTERIM_LIM_XMIT") == 0) {
		d->acct_update_lim_xmit = strtoull(val, NULL, 10);
	} else if (strcmp(attr, "FRAMED_MTU") == 0) {
		d->mtu = atoi(val);
	} else if (strcmp(attr, "FRAMED_COMPRESSION") == 0) {
		if (atoi(val) == 1)
			d->vjcomp = true;
	} else if (strcmp(attr, "FRAMED_POOL") == 0) {
		util_strlcpy(d->pool, val, sizeof(d->pool));
	} else if (strcmp(attr, "REPLY_MESSAGE") == 0) {
		util_strlcpy(d->reply_message, val, sizeof(d->reply_message));
		rp->have_reply_message = true;
	} else if (strcmp(attr, "MS_CHAP_ERROR") == 0) {
		util_strlcpy(rp->mschap_error, val, sizeof(rp->mschap_error));
	} else if (strcmp(attr, "MPD_ACTION") == 0) {
		util_strlcpy(d->action, val, sizeof(d->action));
	} else if (strcmp(attr, "MPD_IFACE_NAME") == 0) {
		util_strlcpy(d->iface_name, val, sizeof(d->iface_name));
	} else if (strcmp(attr, "MPD_IFACE_DESCR") == 0) {
		util_strlcpy(d->iface_descr, val, sizeof(d->iface_descr));
	} else if (strcmp(attr, "MPD_IFACE_GROUP") == 0) {
		util_strlcpy(d->iface_group, val, sizeof(d->iface_group));
	} else if (strcmp(attr, "MPD_RULE") == 0 ||
	    strcmp(attr, "MPD_PIPE") == 0 || strcmp(attr, "MPD_QUEUE") == 0 ||
	    strcmp(attr, "MPD_TABLE") == 0 ||
	    strcmp(attr, "MPD_TABLE_STATIC") == 0 ||
	    strcmp(attr, "MPD_FILTER") == 0 || strcmp(attr, "MPD_LIMIT") == 0) {
		/* ipfw / ng_bpf ACLs: not available on Linux (spec 9.4). */
		log_msg(LG_ERR, "[%s] Ext-auth: Dropping MPD vendor specific "
		    "attribute: '%s'", lnk, attr);
	} else {
		log_msg(LG_ERR, "[%s] Ext-auth: Unknown attr:'%s'", lnk, attr);
	}
}

void
extauth_parse_reply(char *text, struct extauth_reply *rp, const char *lnk)
{
	char *line = text, *nl;

	while (line != NULL && *line != '\0') {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		/* tolerate CRLF scripts */
		if (*line != '\0' && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (*line == '\0')
			break;		/* empty line: end of the reply */
		extauth_parse_line(line, rp, lnk);
		line = nl != NULL ? nl + 1 : NULL;
	}
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* True once buf holds a complete reply (an empty line was read). */
static bool
reply_complete(const char *buf, size_t len)
{
	size_t i;

	if (len > 0 && buf[0] == '\n')
		return true;
	for (i = 1; i < len; i++)
		if (buf[i] == '\n' && (buf[i - 1] == '\n' ||
		    (buf[i - 1] == '\r' && i >= 2 && buf[i - 2] == '\n')))
			return true;
	return false;
}

static pid_t
spawn_script(const char *command, int in_fd, int out_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	char *argv[] = { "sh", "-c", NULL, NULL };
	pid_t pid = -1;

	argv[2] = (char *)(uintptr_t)command;
	sigemptyset(&none);
	sigfillset(&all);
	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	if (posix_spawnattr_init(&at) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_adddup2(&fa, in_fd, STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	/*
	 * Worker threads block every signal and the daemon ignores SIGPIPE:
	 * give the script a clean signal state and its own process group.
	 */
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	if (posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ) != 0)
		pid = -1;
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

/* Wait for pid until deadline (ms), then kill its group and reap it. */
static void
reap_child(pid_t pid, uint64_t deadline)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid || (r < 0 && errno != EINTR))
			return;
		if (now_ms() >= deadline || worker_should_stop())
			break;
		nanosleep(&ts, NULL);
	}
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

int
extauth_run(const char *script, const struct extauth_request *rq,
    unsigned timeout_ms, struct extauth_reply *rp, const char *lnk)
{
	char req[4096], *reply;
	size_t req_len;
	int n;

	memset(rp, 0, sizeof(*rp));
	rp->result = EXTAUTH_FAIL;
	if (script == NULL || script[0] == '\0') {
		log_msg(LG_ERR, "[%s] Ext-auth: Script not specified!", lnk);
		return -1;
	}
	req_len = extauth_build_request(rq, req, sizeof(req));
	if (req_len == 0) {
		log_msg(LG_ERR, "[%s] Ext-auth: request too long", lnk);
		return -1;
	}
	reply = malloc(EXTAUTH_MAX_REPLY + 1);
	if (reply == NULL)
		return -1;
	n = extauth_exchange(script, rq->user, req, req_len, timeout_ms,
	    reply, "auth", lnk);
	memset(req, 0, sizeof(req));
	if (n >= 0)
		extauth_parse_reply(reply, rp, lnk);
	memset(reply, 0, EXTAUTH_MAX_REPLY + 1);
	free(reply);
	return n >= 0 ? 0 : -1;
}

int
extauth_exchange(const char *script, const char *user, const char *req,
    size_t req_len, unsigned timeout_ms, char *reply, const char *what,
    const char *lnk)
{
	char command[512];
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	size_t req_off = 0, rep_len = 0;
	bool done = false, timed_out = false;
	uint64_t deadline;
	pid_t pid;
	int rc = -1;

	reply[0] = '\0';
	if (strpbrk(user, "'\n\r") != NULL) {
		log_msg(LG_ERR, "[%s] Ext-%s: Denied character in USER_NAME!",
		    lnk, what);
		return -1;
	}
	if ((size_t)snprintf(command, sizeof(command), "%s '%s'", script,
	    user) >= sizeof(command)) {
		log_msg(LG_ERR, "[%s] Ext-%s: command too long", lnk, what);
		return -1;
	}
	log_msg(LG_AUTH, "[%s] Ext-%s: Invoking %s program: '%s'", lnk,
	    what, what, command);
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		log_perr(LG_ERR, "[%s] Ext-%s: pipe", lnk, what);
		goto fail;
	}
	pid = spawn_script(command, in[0], out[1]);
	if (pid < 0) {
		log_perr(LG_ERR, "[%s] Ext-%s: can't run the script", lnk,
		    what);
		goto fail;
	}
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	fcntl(out[0], F_SETFL, O_NONBLOCK);

	deadline = now_ms() + timeout_ms;
	while (!done) {
		struct pollfd p[2];
		uint64_t now = now_ms();
		int np = 0, wait_ms;
		ssize_t n;

		if (now >= deadline) {
			timed_out = true;
			break;
		}
		if (worker_should_stop())
			break;
		wait_ms = (int)(deadline - now);
		if (wait_ms > EXTAUTH_POLL_SLICE_MS)
			wait_ms = EXTAUTH_POLL_SLICE_MS;
		p[np].fd = out[0];
		p[np++].events = POLLIN;
		if (in[1] >= 0) {
			p[np].fd = in[1];
			p[np++].events = POLLOUT;
		}
		if (poll(p, (nfds_t)np, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (in[1] >= 0 && (p[1].revents & (POLLOUT | POLLERR |
		    POLLHUP))) {
			n = write(in[1], req + req_off, req_len - req_off);
			if (n > 0)
				req_off += (size_t)n;
			/*
			 * All sent, or the script stopped reading (EPIPE):
			 * close its stdin either way.
			 */
			if (req_off == req_len || (n < 0 && errno != EAGAIN &&
			    errno != EINTR)) {
				close(in[1]);
				in[1] = -1;
			}
		}
		if (p[0].revents & (POLLIN | POLLERR | POLLHUP)) {
			n = read(out[0], reply + rep_len,
			    EXTAUTH_MAX_REPLY - rep_len);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0)
				done = true;		/* EOF */
			else {
				rep_len += (size_t)n;
				reply[rep_len] = '\0';
				if (reply_complete(reply, rep_len) ||
				    rep_len == EXTAUTH_MAX_REPLY)
					done = true;
			}
		}
	}
	if (in[1] >= 0)
		close(in[1]);
	close(out[0]);
	in[1] = out[0] = -1;
	reap_child(pid, done ? now_ms() + EXTAUTH_EXIT_GRACE_MS : 0);
	if (!done) {
		if (timed_out)
			log_msg(LG_AUTH, "[%s] Ext-%s: script timed out", lnk,
			    what);
		else
			log_msg(LG_AUTH2, "[%s] Ext-%s: cancelled", lnk, what);
		goto fail;
	}
	reply[rep_len] = '\0';
	rc = (int)rep_len;
fail:
	if (in[0] >= 0)
		close(in[0]);
	if (in[1] >= 0)
		close(in[1]);
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	return rc;
}
