/*
 * modem.c - the "modem" device type: PPP in async HDLC-like framing
 * (RFC 1662) over a serial line, with chat scripts (link/chat.h) to dial
 * and answer.
 *
 * Provides `set modem device|speed|script|idle-script|var|watch`, the
 * modem block of `show device` (surface spec 3.2, 4.6.5, 5.6) and the
 * calls (spec 10.3, 10.4):
 *  - outgoing (`open`): the port is locked (UUCP lock file, sys/tty.h),
 *    opened raw and non-blocking at `speed` with the modem lines ignored
 *    (CLOCAL), and the connect script (`set modem script`) runs on it
 *    from <confdir>/mpd.script; an empty script is a null-modem line,
 *    connected at once.  On success the device is UP;
 *  - incoming (`set link enable incoming` and an idle script): while the
 *    link is down the port stays open running the idle script; when it
 *    succeeds, $IdleResult "answer" takes the call on this link (READY,
 *    then UP) and "ringback" opens the link, which hangs up and dials
 *    with the connect script.  As in mpd5, without an idle script an
 *    incoming modem link does nothing until opened (both ends of a null
 *    modem cable are simply opened);
 *  - data: on the tun data plane the frames are HDLC-framed here
 *    (link/hdlc.c): every control octet escaped until LCP is opened,
 *    then the peer's ACCM; what the port does not take is queued up to
 *    MODEM_TXQ_MAX bytes, beyond which whole frames are dropped and
 *    counted.  When the kernel data plane is usable, the port itself
 *    takes line discipline N_PPP: its ppp_async channel is the link's
 *    kernel channel (frames through the channel's /dev/ppp descriptor,
 *    the ACCMs LCP negotiated set with PPPIOCSASYNCMAP/PPPIOCSRASYNCMAP);
 *  - `set modem watch`: once connected, the modem lines are polled every
 *    second (TIOCMIWAIT would block); losing CD (or DSR) ends the call.
 *    Ports without modem lines (ptys) are not watched (logged once);
 *  - hang-up: DTR is dropped (output speed 0) and the port closed and
 *    unlocked; the port is not reopened within MODEM_MIN_CLOSE seconds
 *    (the modem needs DTR low for a while to notice).
 *
 * Device states (l->state): DOWN -> CONNECTING -> UP for an outgoing
 * call, DOWN (idle script) -> READY -> UP for an answered one.  Every way
 * out of a state other than DOWN is reported once with link_phys_down():
 * "Connection failed" (port or script failed), "Dropped" (the line or a
 * modem signal went away), "Manual" (phys_close()).
 */
#include "devices.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../core/event.h"
#include "../core/fdclose.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "../ctl/conf.h"
#include "../dp/dp.h"
#include "../ppp/link.h"
#include "../ppp/proto.h"
#include "../sys/pppdev.h"
#include "../sys/tty.h"
#include "../sys/ttyppp.h"
#include "chat.h"
#include "hdlc.h"
#include "txq.h"

#define MODEM_MTU		1600
#define MODEM_DEFAULT_SPEED	115200
/* Largest frame taken or sent: MRU plus address, control and protocol. */
#define MODEM_FRAME_MAX		(MODEM_MTU + 4)
#define MODEM_TXQ_MAX		(16 * 1024)	/* queued bytes */
#define MODEM_READ_CHUNK	2048
#define MODEM_READS_PER_EVENT	8
#define MODEM_MIN_CLOSE		3000		/* ms with DTR down */
#define MODEM_CHECK_INTERVAL	1000		/* ms between pin polls */
#define MODEM_SCRIPT_FILE	"mpd.script"
#define MODEM_IDLE_ANSWER	"answer"
#define MODEM_IDLE_RINGBACK	"ringback"

/* Lines whose loss drops the link (`set modem watch`). */
#define MODEM_WATCH_CD		0x1
#define MODEM_WATCH_DSR		0x2

/* One preset chat variable ("$name" -> value); owned by the conf. */
struct modem_var {
	char			*name;
	char			*value;
	struct modem_var	*next;
};

/* Per-link settings (link->dev_conf); owned by the link. */
struct modem_conf {
	char			 device[64];	/* tty path */
	int			 speed;		/* port speed, baud */
	char			 conn_script[64];
	char			 idle_script[64];
	unsigned		 watch;		/* MODEM_WATCH_* */
	struct modem_var	*vars;		/* in the order first set */
};

/* The port speeds mpd5 accepts. */
static const int modem_speeds[] = {
	50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600,
	19200, 38400, 7200, 14400, 28800, 57600, 76800, 115200, 230400,
	460800, 614400, 921600, 1228800, 1843200, 2000000, 3000000,
};

static void	modem_speed_changed(struct link *l);
static void	modem_var_changed(struct link *l, const char *name,
		    const char *value);
static void	modem_update_later(struct link *l);

static void *
modem_conf_new(void)
{
	struct modem_conf *c = mem_alloc("phys", sizeof(*c));

	c->speed = MODEM_DEFAULT_SPEED;
	c->watch = MODEM_WATCH_CD;
	return c;
}

static void *
modem_conf_dup(const void *src)
{
	const struct modem_conf *s = src;
	struct modem_conf *c = mem_alloc("phys", sizeof(*c));
	const struct modem_var *v;
	struct modem_var **tail = &c->vars;

	memcpy(c, s, sizeof(*c));
	c->vars = NULL;
	for (v = s->vars; v != NULL; v = v->next) {
		*tail = mem_alloc("phys", sizeof(**tail));
		(*tail)->name = mem_strdup("phys", v->name);
		(*tail)->value = mem_strdup("phys", v->value);
		tail = &(*tail)->next;
	}
	return c;
}

static void
modem_conf_free(void *conf)
{
	struct modem_conf *c = conf;
	struct modem_var *v, *next;

	if (c == NULL)
		return;
	for (v = c->vars; v != NULL; v = next) {
		next = v->next;
		mem_free(v->name);
		mem_free(v->value);
		mem_free(v);
	}
	mem_free(c);
}

static struct modem_conf *
modem_conf_of(struct cmd_ctx *ctx)
{
	if (ctx->lnk == NULL || ctx->lnk->type != &phys_modem)
		return NULL;
	return ctx->lnk->dev_conf;
}

/*
 * `set modem device {name}`.  As in mpd5, a wrong number of words is
 * silently ignored rather than a usage error.
 */
static int
modem_set_device(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct modem_conf *c = modem_conf_of(ctx);

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac == 1)
		util_strlcpy(c->device, av[0], sizeof(c->device));
	return CMD_OK;
}

/* `set modem speed {port-speed}` */
static int
modem_set_speed(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct modem_conf *c = modem_conf_of(ctx);
	unsigned i;
	int baud;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 1)
		return CMD_ERR_USAGE;
	baud = atoi(av[0]);
	for (i = 0; i < sizeof(modem_speeds) / sizeof(*modem_speeds); i++) {
		if (modem_speeds[i] == baud) {
			c->speed = baud;
			modem_speed_changed(ctx->lnk);
			return CMD_OK;
		}
	}
	return cmd_error(ctx, "invalid speed '%s'", av[0]);
}

/*
 * `set modem script|idle-script {label}`; arg says which.  One word is
 * required even though the template shows it optional ("" clears it),
 * which is mpd5's behaviour (spec 13 #21).
 */
static int
modem_set_script(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct modem_conf *c = modem_conf_of(ctx);
	const bool *idle = arg;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 1)
		return CMD_ERR_USAGE;
	if (*idle) {
		util_strlcpy(c->idle_script, av[0], sizeof(c->idle_script));
		modem_update_later(ctx->lnk);
	} else
		util_strlcpy(c->conn_script, av[0], sizeof(c->conn_script));
	return CMD_OK;
}

/* `set modem var ${var} {string}`: preset (or replace) a chat variable. */
static int
modem_set_var(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct modem_conf *c = modem_conf_of(ctx);
	struct modem_var *v, **tail;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 2)
		return CMD_ERR_USAGE;
	for (tail = &c->vars; (v = *tail) != NULL; tail = &v->next) {
		if (strcmp(v->name, av[0]) == 0) {
			mem_free(v->value);
			v->value = mem_strdup("phys", av[1]);
			modem_var_changed(ctx->lnk, av[0], av[1]);
			return CMD_OK;
		}
	}
	v = mem_alloc("phys", sizeof(*v));
	v->name = mem_strdup("phys", av[0]);
	v->value = mem_strdup("phys", av[1]);
	*tail = v;
	modem_var_changed(ctx->lnk, av[0], av[1]);
	return CMD_OK;
}

/*
 * `set modem watch [+|-cd] [+|-dsr]`: each word adds (no sign or '+') or
 * removes ('-') a line; unknown names are reported and skipped.
 */
static int
modem_set_watch(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct modem_conf *c = modem_conf_of(ctx);
	const char *w;
	unsigned bit;
	bool add;
	int i;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	for (i = 0; i < ac; i++) {
		w = av[i];
		add = true;
		if (*w == '+') {
			w++;
		} else if (*w == '-') {
			add = false;
			w++;
		}
		if (strcasecmp(w, "cd") == 0) {
			bit = MODEM_WATCH_CD;
		} else if (strcasecmp(w, "dsr") == 0) {
			bit = MODEM_WATCH_DSR;
		} else {
			cmd_printf(ctx, "[%s] modem signal \"%s\" is unknown\n",
			    ctx->lnk->name, w);
			continue;
		}
		if (add)
			c->watch |= bit;
		else
			c->watch &= ~bit;
	}
	return CMD_OK;
}

static const bool modem_arg_conn = false;
static const bool modem_arg_idle = true;

const struct cmdtab modem_set_cmds[] = {
	{ .name = "device {name}", .desc = "Set modem device",
	  .func = modem_set_device, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "speed {port-speed}", .desc = "Set modem speed",
	  .func = modem_set_speed, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "script [{label}]", .desc = "Set connect script",
	  .func = modem_set_script, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &modem_arg_conn },
	{ .name = "idle-script [{label}]", .desc = "Set idle script",
	  .func = modem_set_script, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &modem_arg_idle },
	{ .name = "var ${var} {string}", .desc = "Set script variable",
	  .func = modem_set_var, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "watch [+|-cd] [+|-dsr]", .desc = "Set signals to monitor",
	  .func = modem_set_watch, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = NULL },
};

/* ---- runtime state ---- */

/*
 * Per-link runtime (link->dev_state), created on first use and freed by
 * phys_shutdown().
 */
struct modem_state {
	struct link		*l;
	int			 fd;		/* the port, or -1 */
	char			 locked[64];	/* device whose lock we hold */
	unsigned		 gen;		/* port generation */
	bool			 opened;	/* a call is wanted (open) */
	bool			 originated;	/* we dialled this call */
	bool			 connected;	/* PPP runs on the port */
	bool			 idle_run;	/* the chat is the idle script */
	bool			 pins_ok;	/* TIOCMGET works on the port */
	uint64_t		 last_closed;	/* event_now_ms() of hang-up */
	struct chat		*chat;
	struct event		 ev_read;
	struct event		 ev_chan;	/* kernel channel frames */
	struct timer		 start_timer;	/* deferred (re)start */
	struct timer		 check_timer;	/* modem line poll */
	struct timer		 up_timer;	/* report up from the loop */
	struct timer		 fail_timer;	/* report failure from the loop */
	/* user-space async HDLC */
	struct hdlc_decoder	 dec;
	uint8_t			 rxbuf[HDLC_DECODER_BUF(MODEM_FRAME_MAX)];
	struct txq		 txq;
	uint64_t		 sync_octets, sync_frames, sync_overflows;
	uint64_t		 tx_drops;
	/* kernel channel: the port in N_PPP */
	int			 chfd;
	int			 chan;
	bool			 applied, applied_opened;
};

static void	modem_read_event(int type, void *arg);
static void	modem_chan_event(int type, void *arg);
static void	modem_start(void *arg);
static void	modem_check(void *arg);
static void	modem_up_report(void *arg);
static void	modem_fail_report(void *arg);
static int	modem_chat_write(void *arg, const void *buf, size_t len);
static int	modem_chat_speed(void *arg, int baud);
static void	modem_chat_done(void *arg, bool ok);

static const struct chat_io modem_chat_io = {
	.write		= modem_chat_write,
	.set_speed	= modem_chat_speed,
	.done		= modem_chat_done,
};

/* Preset a chat variable; name may carry its '$'. */
static void
modem_chat_preset(struct modem_state *st, const char *name,
    const char *value)
{
	if (st->chat == NULL)
		return;
	if (*name == '$')
		name++;
	if (chat_var_set(st->chat, name, value) < 0)
		log_msg(LG_ERR, "[%s] MODEM: bad script variable name \"%s\"",
		    st->l->name, name);
}

static void
modem_preset_baud(struct modem_state *st)
{
	const struct modem_conf *c = st->l->dev_conf;
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", c->speed);
	modem_chat_preset(st, "Baudrate", buf);
}

static struct modem_state *
modem_state_get(struct link *l)
{
	struct modem_state *st = l->dev_state;
	const struct modem_conf *c = l->dev_conf;
	const struct modem_var *v;

	if (st != NULL)
		return st;
	st = mem_alloc("phys", sizeof(*st));
	st->l = l;
	st->fd = -1;
	st->chfd = -1;
	st->chan = -1;
	hdlc_decoder_init(&st->dec, st->rxbuf, sizeof(st->rxbuf));
	txq_init(&st->txq, false, MODEM_TXQ_MAX);
	timer_init(&st->start_timer, "ModemStart", 0, modem_start, st);
	timer_init(&st->check_timer, "ModemCheck", MODEM_CHECK_INTERVAL,
	    modem_check, st);
	timer_init(&st->up_timer, "ModemUp", 0, modem_up_report, st);
	timer_init(&st->fail_timer, "ModemOpenFail", 0, modem_fail_report,
	    st);
	st->chat = chat_new(l->name, &modem_chat_io, st);
	if (st->chat == NULL)
		log_msg(LG_ERR, "[%s] MODEM: can't create the chat interpreter",
		    l->name);
	modem_preset_baud(st);
	for (v = c->vars; v != NULL; v = v->next)
		modem_chat_preset(st, v->name, v->value);
	l->dev_state = st;
	return st;
}

/* `set modem speed`: $Baudrate follows. */
static void
modem_speed_changed(struct link *l)
{
	if (l->dev_state != NULL)
		modem_preset_baud(l->dev_state);
}

/* `set modem var`: the running interpreter sees it too. */
static void
modem_var_changed(struct link *l, const char *name, const char *value)
{
	if (l->dev_state != NULL)
		modem_chat_preset(l->dev_state, name, value);
}

/* Whether the link waits for calls: `incoming` and an idle script. */
static bool
modem_wants_idle(const struct modem_state *st)
{
	const struct link *l = st->l;
	const struct modem_conf *c = l->dev_conf;

	return c->idle_script[0] != '\0' && !l->dying &&
	    opt_enabled(&l->conf.options, LINK_OPT_INCOMING);
}

/* ---- the port ---- */

/* Lock and open the configured port; -1 (logged) on failure. */
static int
modem_port_open(struct modem_state *st)
{
	struct link *l = st->l;
	const struct modem_conf *c = l->dev_conf;
	pid_t owner = 0;

	if (c->device[0] == '\0') {
		log_msg(LG_ERR, "[%s] MODEM: no device specified", l->name);
		return -1;
	}
	if (tty_lock(TTY_LOCK_DIR, c->device, getpid(), &owner) < 0) {
		if (errno == EBUSY && owner > 0)
			log_msg(LG_ERR, "[%s] MODEM: %s is locked by process "
			    "%d", l->name, c->device, (int)owner);
		else
			log_perr(LG_ERR, "[%s] MODEM: can't lock %s", l->name,
			    c->device);
		return -1;
	}
	util_strlcpy(st->locked, c->device, sizeof(st->locked));
	st->fd = tty_open(c->device, c->speed);
	if (st->fd < 0) {
		log_perr(LG_ERR, "[%s] MODEM: can't open %s at %d baud",
		    l->name, c->device, c->speed);
		tty_unlock(TTY_LOCK_DIR, st->locked, getpid());
		st->locked[0] = '\0';
		return -1;
	}
	st->gen++;
	if (event_register(&st->ev_read, EV_READ, st->fd, EVF_RECURRING,
	    modem_read_event, st) < 0) {
		log_perr(LG_ERR, "[%s] MODEM: can't register %s", l->name,
		    c->device);
		close(st->fd);
		st->fd = -1;
		tty_unlock(TTY_LOCK_DIR, st->locked, getpid());
		st->locked[0] = '\0';
		return -1;
	}
	hdlc_decoder_reset(&st->dec);
	log_msg(LG_PHYS2, "[%s] MODEM: %s open at %d baud", l->name,
	    c->device, c->speed);
	return 0;
}

/* Leave N_PPP (the channel descriptor goes first). */
static void
modem_chan_close(struct modem_state *st)
{
	event_unregister(&st->ev_chan);
	if (st->chfd >= 0)
		fd_close_async(st->chfd);
	st->chfd = -1;
	st->chan = -1;
	st->applied = false;
}

/*
 * Hang up and close the port: stop everything, drop DTR, close and
 * unlock.  opened says whether a call is still wanted afterwards; the
 * idle script or the dial restarts from modem_start() (after the DTR
 * hold time).  No report to the link.
 */
static void
modem_do_close(struct modem_state *st, bool opened)
{
	if (st->chat != NULL)
		chat_abort(st->chat);
	timer_stop(&st->check_timer);
	timer_stop(&st->start_timer);
	timer_stop(&st->up_timer);
	event_unregister(&st->ev_read);
	modem_chan_close(st);
	if (st->fd >= 0) {
		log_msg(LG_PHYS2, "[%s] MODEM: hanging up %s", st->l->name,
		    st->locked);
		tty_hangup(st->fd);
		/* the last close may wait for the output to drain */
		fd_close_async(st->fd);
		st->fd = -1;
		st->last_closed = event_now_ms();
		st->gen++;
	}
	if (st->locked[0] != '\0')
		tty_unlock(TTY_LOCK_DIR, st->locked, getpid());
	st->locked[0] = '\0';
	txq_reset(&st->txq);
	hdlc_decoder_reset(&st->dec);
	st->connected = false;
	st->idle_run = false;
	st->opened = opened;
	timer_stop(&st->start_timer);
	timer_init(&st->start_timer, "ModemStart", 0, modem_start, st);
	if (opened || modem_wants_idle(st))
		timer_start(&st->start_timer);
}

/* The call is over (or never came up): report it to the link. */
static void
modem_down(struct modem_state *st, const char *reason)
{
	struct link *l = st->l;
	bool was = l->state != PHYS_STATE_DOWN;

	timer_stop(&st->fail_timer);
	modem_do_close(st, false);
	l->state = PHYS_STATE_DOWN;
	if (was)
		link_phys_down(l, reason);
}

/* ---- starting: dial, or run the idle script ---- */

/* Run label of mpd.script; -1 (logged) when it can't start. */
static int
modem_run_script(struct modem_state *st, const char *label, bool idle)
{
	struct link *l = st->l;
	const struct modem_conf *c = l->dev_conf;
	char path[PATH_MAX];

	if (st->chat == NULL)
		return -1;
	conf_path(MODEM_SCRIPT_FILE, path, sizeof(path));
	modem_chat_preset(st, "modemDevice", c->device);
	modem_chat_preset(st, "Login", l->auth.authname);
	if (l->auth.password[0] != '\0')
		modem_chat_preset(st, "Password", l->auth.password);
	if (idle)
		modem_chat_preset(st, "IdleResult", "<unknown>");
	st->idle_run = idle;
	if (chat_start(st->chat, path, label) < 0) {
		log_msg(LG_ERR, "[%s] MODEM: can't run script \"%s\" of %s",
		    l->name, label, path);
		st->idle_run = false;
		return -1;
	}
	return 0;
}

/*
 * Open the port and dial (a call is wanted), or run the idle script
 * (incoming).  Waits for the DTR hold time after a hang-up.  Failures
 * of a wanted call are reported; of the idle script, retried later.
 */
static void
modem_start(void *arg)
{
	struct modem_state *st = arg;
	struct link *l = st->l;
	const struct modem_conf *c = l->dev_conf;
	uint64_t now = event_now_ms();

	timer_stop(&st->start_timer);
	if (st->fd >= 0 || (!st->opened && !modem_wants_idle(st)))
		return;
	if (st->last_closed != 0 && now - st->last_closed < MODEM_MIN_CLOSE) {
		timer_init(&st->start_timer, "ModemStart",
		    (uint32_t)(MODEM_MIN_CLOSE - (now - st->last_closed)),
		    modem_start, st);
		timer_start(&st->start_timer);
		return;
	}
	if (modem_port_open(st) < 0)
		goto fail;
	if (!st->opened) {
		if (modem_run_script(st, c->idle_script, true) < 0)
			goto fail;
		return;
	}
	st->originated = true;
	if (c->conn_script[0] == '\0') {
		/* no chat: a null-modem line, connected at once */
		timer_start(&st->up_timer);
		return;
	}
	if (modem_run_script(st, c->conn_script, false) < 0)
		goto fail;
	return;
fail:
	if (st->opened) {
		/* reported from the loop: open may be on the stack */
		modem_do_close(st, false);
		timer_start(&st->fail_timer);
		return;
	}
	/* the idle script: try again after the hold time */
	modem_do_close(st, false);
}

/* ---- connected ---- */

/*
 * Bring the channel's maps, flags and MRU in line with LCP when its
 * state (opened or not) changed since the last time.
 */
static void
modem_chan_sync(struct modem_state *st)
{
	const struct lcp *lcp = &st->l->lcp;
	struct ttyppp_neg n;

	if (st->chfd < 0)
		return;
	memset(&n, 0, sizeof(n));
	n.opened = lcp->fsm.state == FSM_ST_OPENED;
	if (st->applied && st->applied_opened == n.opened)
		return;
	if (n.opened) {
		n.pfc_tx = lcp->peer.pfcomp;
		n.acfc_tx = lcp->peer.acfcomp;
		n.xaccm = lcp->peer.accmap;
		n.raccm = lcp->want.accmap;
		n.mru = lcp->want.mru;
	}
	if (ttyppp_apply(&pppdev_kernel_real, st->chfd, &n) < 0) {
		log_perr(LG_PHYS, "[%s] MODEM: can't set kernel channel %d",
		    st->l->name, st->chan);
		return;
	}
	st->applied = true;
	st->applied_opened = n.opened;
	if (n.opened)
		log_msg(LG_PHYS2, "[%s] MODEM: kernel channel %d: accm 0x%08x "
		    "rx 0x%08x%s%s mru %u", st->l->name, st->chan, n.xaccm,
		    n.raccm, n.pfc_tx ? " pfc" : "", n.acfc_tx ? " acfc" : "",
		    n.mru);
}

/* Put the port in N_PPP; false (logged) leaves it in user space. */
static bool
modem_chan_open(struct modem_state *st)
{
	struct link *l = st->l;

	if (tty_ppp_attach(st->fd, MODEM_MTU, &st->chfd, &st->chan) < 0) {
		log_perr(LG_PHYS, "[%s] MODEM: call stays in user space: no "
		    "N_PPP channel", l->name);
		st->chfd = st->chan = -1;
		return false;
	}
	if (event_register(&st->ev_chan, EV_READ, st->chfd, EVF_RECURRING,
	    modem_chan_event, st) < 0) {
		log_perr(LG_PHYS, "[%s] MODEM: call stays in user space: "
		    "channel %d", l->name, st->chan);
		modem_chan_close(st);
		return false;
	}
	/* ppp_async reads the port now */
	event_unregister(&st->ev_read);
	modem_chan_sync(st);
	log_msg(LG_PHYS2, "[%s] MODEM: call on kernel channel %d (N_PPP)",
	    l->name, st->chan);
	return true;
}

/* The line is up: PPP starts on it. */
static void
modem_connected(struct modem_state *st)
{
	struct link *l = st->l;
	const struct modem_conf *c = l->dev_conf;
	const char *cspeed;
	unsigned pins;
	long bw;

	if (st->chat != NULL &&
	    (cspeed = chat_var_get(st->chat, "ConnectionSpeed")) != NULL &&
	    (bw = strtol(cspeed, NULL, 10)) > 0 && bw <= INT_MAX)
		l->conf.bandwidth = (int)bw;
	hdlc_decoder_reset(&st->dec);
	st->connected = true;
	st->opened = true;
	/* from now on a real modem's carrier matters */
	if (c->watch & MODEM_WATCH_CD)
		(void)tty_set_clocal(st->fd, false);
	st->pins_ok = tty_pins(st->fd, &pins) == 0;
	if (c->watch != 0) {
		if (st->pins_ok)
			timer_start(&st->check_timer);
		else
			log_msg(LG_PHYS2, "[%s] MODEM: %s has no modem lines: "
			    "not watched", l->name, c->device);
	}
	if (dp_kernel_usable())
		(void)modem_chan_open(st);
	l->state = PHYS_STATE_UP;
	link_phys_up(l);
}

/* An outgoing call without a script: up, reported from the loop. */
static void
modem_up_report(void *arg)
{
	struct modem_state *st = arg;

	log_msg(LG_PHYS, "[%s] MODEM: no connect script: line up",
	    st->l->name);
	modem_connected(st);
}

static void
modem_fail_report(void *arg)
{
	modem_down(arg, "Connection failed");
}

/* Poll the modem lines being watched. */
static void
modem_check(void *arg)
{
	struct modem_state *st = arg;
	const struct modem_conf *c = st->l->dev_conf;
	unsigned pins;

	if (tty_pins(st->fd, &pins) < 0) {
		log_perr(LG_ERR, "[%s] MODEM: can't ioctl(TIOCMGET) %s",
		    st->l->name, c->device);
		modem_down(st, "Dropped");
		return;
	}
	if ((c->watch & MODEM_WATCH_CD) && !(pins & TTY_PIN_CD)) {
		log_msg(LG_PHYS, "[%s] MODEM: carrier detect (CD) signal lost",
		    st->l->name);
		modem_down(st, "Dropped");
		return;
	}
	if ((c->watch & MODEM_WATCH_DSR) && !(pins & TTY_PIN_DSR)) {
		log_msg(LG_PHYS, "[%s] MODEM: data-set ready (DSR) signal "
		    "lost", st->l->name);
		modem_down(st, "Dropped");
		return;
	}
	timer_start(&st->check_timer);
}

/* ---- chat ---- */

static int
modem_chat_write(void *arg, const void *buf, size_t len)
{
	struct modem_state *st = arg;
	const uint8_t *p = buf;
	ssize_t w;

	/* chat output is short: what the port does not take now is lost */
	while (len > 0 && st->fd >= 0) {
		w = write(st->fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_perr(LG_PHYS, "[%s] MODEM: write to %s",
			    st->l->name, st->locked);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return st->fd >= 0 ? 0 : -1;
}

static int
modem_chat_speed(void *arg, int baud)
{
	struct modem_state *st = arg;

	if (st->fd < 0 || tty_set_speed(st->fd, baud) < 0) {
		log_msg(LG_ERR, "[%s] MODEM: can't set speed %d", st->l->name,
		    baud);
		return -1;
	}
	return 0;
}

/* The idle script ended: answer, ring back, or wait again. */
static void
modem_idle_done(struct modem_state *st, bool ok)
{
	struct link *l = st->l;
	const char *res;

	if (!ok) {
		modem_do_close(st, false);
		return;
	}
	res = chat_var_get(st->chat, "IdleResult");
	if (res == NULL) {
		log_msg(LG_ERR, "[%s] MODEM: idle script succeeded, but "
		    "$IdleResult not defined", l->name);
		modem_do_close(st, false);
		return;
	}
	log_msg(LG_PHYS, "[%s] MODEM: idle script succeeded, action=%s",
	    l->name, res);
	if (strcasecmp(res, MODEM_IDLE_ANSWER) == 0) {
		log_msg(LG_PHYS, "[%s] MODEM: opening link in %s mode",
		    l->name, "answer");
		if (link_incoming(l) != l) {
			modem_do_close(st, false);
			return;
		}
		st->originated = false;
		l->state = PHYS_STATE_READY;
		modem_connected(st);
	} else if (strcasecmp(res, MODEM_IDLE_RINGBACK) == 0) {
		log_msg(LG_PHYS, "[%s] MODEM: opening link in %s mode",
		    l->name, "ringback");
		/* the link's open comes back here: hang up and dial */
		link_open(l, "Ringback");
	} else {
		log_msg(LG_ERR, "[%s] MODEM: idle script succeeded, but action "
		    "\"%s\" unknown", l->name, res);
		modem_do_close(st, false);
	}
}

static void
modem_chat_done(void *arg, bool ok)
{
	struct modem_state *st = arg;
	char why[100];
	const char *msg;

	if (st->idle_run) {
		st->idle_run = false;
		modem_idle_done(st, ok);
		return;
	}
	log_msg(LG_PHYS, "[%s] MODEM: chat script %s", st->l->name,
	    ok ? "succeeded" : "failed");
	if (!ok) {
		/* as mpd5: "Error" with the script's last `log` text */
		msg = chat_last_log(st->chat);
		snprintf(why, sizeof(why), "Error%s%s", msg != NULL ? ":" : "",
		    msg != NULL ? msg : "");
		modem_down(st, why);
		return;
	}
	modem_connected(st);
}

/* ---- data ---- */

/* A frame to the kernel channel (protocol field first); consumes m. */
static int
modem_chan_send(struct modem_state *st, struct mbuf *m)
{
	uint8_t out[MODEM_FRAME_MAX + 1];
	size_t n = 0;
	ssize_t w;

	modem_chan_sync(st);
	if (m->len <= MODEM_FRAME_MAX)
		n = ttyppp_chan_frame(m->data, m->len, out);
	mb_free(m);
	if (n == 0) {
		st->tx_drops++;
		return -1;
	}
	do
		w = write(st->chfd, out, n);
	while (w < 0 && errno == EINTR);
	if (w < 0) {
		st->tx_drops++;
		log_perr(LG_PHYS2, "[%s] MODEM: kernel channel %d write",
		    st->l->name, st->chan);
		return -1;
	}
	return 0;
}

/*
 * send: one PPP frame, HDLC-framed onto the port (or to the kernel
 * channel).  A frame is sent whole or dropped whole (counted); once part
 * of it is written the rest is queued.  Consumes m.
 */
static int
modem_send(struct link *l, struct mbuf *m)
{
	struct modem_state *st = l->dev_state;
	uint8_t out[HDLC_ENCODED_MAX(MODEM_FRAME_MAX)];
	size_t n;

	if (st == NULL || st->fd < 0 || !st->connected ||
	    m->len > MODEM_FRAME_MAX) {
		if (st != NULL) {
			st->tx_drops++;
			if (m->len > MODEM_FRAME_MAX)
				st->sync_overflows++;
		}
		mb_free(m);
		return -1;
	}
	if (st->chfd >= 0)
		return modem_chan_send(st, m);
	st->sync_octets += m->len;
	n = hdlc_encode(m->data, m->len, hdlc_frame_accm(
	    l->lcp.fsm.state == FSM_ST_OPENED, l->lcp.peer.accmap, m->data,
	    m->len), out, sizeof(out));
	mb_free(m);
	if (txq_write(&st->txq, st->fd, out, n) < 0) {
		st->tx_drops++;
		if (errno == ENOBUFS)
			log_msg(LG_PHYS2, "[%s] MODEM: send queue full, frame "
			    "dropped", l->name);
		return -1;
	}
	st->sync_frames++;
	return 0;
}

/* Bytes from the port: to the chat, or frames to the link. */
static void
modem_read_event(int type, void *arg)
{
	struct modem_state *st = arg;
	struct link *l = st->l;
	uint8_t buf[MODEM_READ_CHUNK];
	const uint8_t *frame;
	size_t off, used, flen, start;
	unsigned gen = st->gen;
	ssize_t r;
	int i;

	(void)type;
	for (i = 0; i < MODEM_READS_PER_EVENT; i++) {
		r = read(st->fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			/* EOF or EIO: the other end hung up */
			log_msg(LG_PHYS, "[%s] MODEM: %s: %s", l->name,
			    st->locked, r == 0 ? "end of file" :
			    strerror(errno));
			if (st->opened || l->state != PHYS_STATE_DOWN)
				modem_down(st, "Dropped");
			else
				modem_do_close(st, false);
			return;
		}
		start = 0;
		if (!st->connected) {
			if (st->chat == NULL || !chat_active(st->chat))
				continue;	/* nobody listens: dropped */
			start = chat_input_used(st->chat, buf, (size_t)r);
			if (st->gen != gen)
				return;
			if (!st->connected)
				continue;
			/*
			 * The script ended on CONNECT: what followed it in
			 * this read is the peer's PPP.  Bytes read before
			 * the port went to N_PPP are lost (LCP resends).
			 */
			if (st->chfd >= 0)
				return;
		}
		for (off = start; off < (size_t)r; off += used) {
			used = hdlc_decode(&st->dec, buf + off,
			    (size_t)r - off, &frame, &flen);
			if (frame == NULL)
				continue;
			link_phys_input(l, mb_copy(frame, flen));
			if (st->gen != gen || !st->connected)
				return;
		}
		if ((size_t)r < sizeof(buf))
			return;
	}
}

/*
 * A frame from the kernel channel (LCP, authentication; everything while
 * the channel is not connected to a unit).  One per wake-up.
 */
static void
modem_chan_event(int type, void *arg)
{
	struct modem_state *st = arg;
	struct mbuf *m;
	ssize_t r;

	(void)type;
	m = mb_alloc(MODEM_FRAME_MAX + 4);
	do
		r = read(st->chfd, m->data, MODEM_FRAME_MAX + 4);
	while (r < 0 && errno == EINTR);
	if (r <= 0) {
		mb_free(m);
		if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
			/* the channel is gone: the port hung up */
			log_msg(LG_PHYS, "[%s] MODEM: kernel channel %d closed",
			    st->l->name, st->chan);
			modem_down(st, "Dropped");
		}
		return;
	}
	m->len = (size_t)r;
	link_phys_input(st->l, m);
}

/* ---- device operations ---- */

/*
 * open: dial.  While the idle script runs the port is hung up first
 * (ringback, or an `open` meanwhile).  Always 0: the outcome is reported
 * from the event loop.
 */
static int
modem_open(struct link *l)
{
	struct modem_state *st = modem_state_get(l);

	if (l->state != PHYS_STATE_DOWN || st->opened)
		return 0;
	l->state = PHYS_STATE_CONNECTING;
	if (st->fd >= 0) {
		modem_do_close(st, true);
		return 0;
	}
	st->opened = true;
	modem_start(st);
	return 0;
}

/*
 * close: hang up.  When the device was not DOWN, link_phys_down(l,
 * "Manual") is called before this returns; a DOWN device stays silent
 * (the idle script, if any, starts again).
 */
static void
modem_close(struct link *l)
{
	struct modem_state *st = l->dev_state;

	if (st == NULL)
		return;
	if (!st->opened && l->state == PHYS_STATE_DOWN)
		return;
	if (l->state != PHYS_STATE_DOWN)
		log_msg(LG_PHYS, "[%s] MODEM: closing %s", l->name,
		    st->locked[0] ? st->locked : "port");
	modem_down(st, "Manual");
}

/* Start or stop the idle script to follow the settings (from the loop). */
static void
modem_update(void *arg)
{
	struct modem_state *st = arg;

	if (st->opened || st->l->state != PHYS_STATE_DOWN)
		return;
	if (st->fd >= 0 && !modem_wants_idle(st))
		modem_do_close(st, false);
	else if (st->fd < 0 && modem_wants_idle(st))
		modem_start(st);
}

static void
modem_update_later(struct link *l)
{
	struct modem_state *st;

	if (l == NULL || l->tmpl || l->type != &phys_modem)
		return;
	st = modem_state_get(l);
	if (st->opened || timer_running(&st->start_timer))
		return;
	timer_init(&st->start_timer, "ModemUpdate", 0, modem_update, st);
	timer_start(&st->start_timer);
}

/*
 * listen: with an idle script, wait for calls on the port (the script
 * decides); without one there is nothing to do, as in mpd5.  Deferred
 * to the event loop, so the order of the settings does not matter.
 */
static int
modem_listen(struct link *l, bool listen)
{
	(void)listen;
	modem_update_later(l);
	return 0;
}

/* shutdown: the link is being freed; drop everything, report nothing. */
static void
modem_shutdown(struct link *l)
{
	struct modem_state *st = l->dev_state;

	if (st == NULL)
		return;
	modem_do_close(st, false);
	timer_stop(&st->start_timer);
	timer_stop(&st->fail_timer);
	chat_free(st->chat);
	mem_free(st);
	l->dev_state = NULL;
}

/* kernel_chan: the port's /dev/ppp channel descriptor, or -1. */
static int
modem_kernel_chan(const struct link *l)
{
	struct modem_state *st = l->dev_state;

	if (st == NULL || st->chfd < 0)
		return -1;
	modem_chan_sync(st);
	return st->chfd;
}

/* The chat's view of the call, for `show` and AAA. */
static void
modem_chat_var(const struct link *l, const char *name, char *buf,
    unsigned len)
{
	const struct modem_state *st = l->dev_state;
	const char *v = NULL;

	if (st != NULL && st->chat != NULL)
		v = chat_var_get(st->chat, name);
	util_strlcpy(buf, v != NULL ? v : "", len);
}

static void
modem_calling_num(const struct link *l, char *buf, unsigned len)
{
	modem_chat_var(l, "CallingID", buf, len);
}

static void
modem_called_num(const struct link *l, char *buf, unsigned len)
{
	modem_chat_var(l, "CalledID", buf, len);
}

/* The port is the peer-facing interface (NAS-Port-Id). */
static void
modem_peer_iface(const struct link *l, char *buf, unsigned len)
{
	const struct modem_conf *c = l->dev_conf;

	util_strlcpy(buf, c->device, len);
}

/* The modem block of `show device` (spec 5.6). */
static void
modem_show(struct cmd_ctx *ctx, const struct link *l)
{
	const struct modem_conf *c = l->dev_conf;
	const struct modem_state *st = l->dev_state;
	const char *v;

	cmd_printf(ctx, "Modem info:\n");
	cmd_printf(ctx, "\tDevice       : %s\n", c->device);
	cmd_printf(ctx, "\tPort speed   : %d baud\n", c->speed);
	cmd_printf(ctx, "\tConn. script : \"%s\"\n", c->conn_script);
	cmd_printf(ctx, "\tIdle script  : \"%s\"\n", c->idle_script);
	cmd_printf(ctx, "\tPins to watch: %s%s\n",
	    (c->watch & MODEM_WATCH_CD) ? "CD " : "",
	    (c->watch & MODEM_WATCH_DSR) ? "DSR" : "");
	cmd_printf(ctx, "Modem status:\n");
	if (l->state == PHYS_STATE_DOWN || st == NULL)
		return;
	cmd_printf(ctx, "\tOpened       : %s\n", st->opened ? "YES" : "NO");
	cmd_printf(ctx, "\tIncoming     : %s\n",
	    st->originated ? "NO" : "YES");
	if (st->chat != NULL) {
		if ((v = chat_var_get(st->chat, "ConnectionSpeed")) != NULL)
			cmd_printf(ctx, "\tConnect speed: %s baud\n", v);
		if ((v = chat_var_get(st->chat, "CallingID")) != NULL)
			cmd_printf(ctx, "\tCalling      : %s\n", v);
		if ((v = chat_var_get(st->chat, "CalledID")) != NULL)
			cmd_printf(ctx, "\tCalled       : %s\n", v);
	}
	/* the kernel's ppp_async keeps no statistics we can read */
	if (l->state != PHYS_STATE_UP || st->chfd >= 0)
		return;
	cmd_printf(ctx, "Async stats:\n");
	cmd_printf(ctx, "\t       syncOctets: %8llu\n",
	    (unsigned long long)st->sync_octets);
	cmd_printf(ctx, "\t       syncFrames: %8llu\n",
	    (unsigned long long)st->sync_frames);
	cmd_printf(ctx, "\t    syncOverflows: %8llu\n",
	    (unsigned long long)st->sync_overflows);
	cmd_printf(ctx, "\t      asyncOctets: %8llu\n",
	    (unsigned long long)st->dec.stats.octets);
	cmd_printf(ctx, "\t      asyncFrames: %8llu\n",
	    (unsigned long long)st->dec.stats.frames);
	cmd_printf(ctx, "\t       asyncRunts: %8llu\n",
	    (unsigned long long)st->dec.stats.runts);
	cmd_printf(ctx, "\t   asyncOverflows: %8llu\n",
	    (unsigned long long)st->dec.stats.overflows);
	cmd_printf(ctx, "\tasyncBadCheckSums: %8llu\n",
	    (unsigned long long)st->dec.stats.bad_fcs);
}

const struct phys_type phys_modem = {
	.name		= "modem",
	.descr		= "Serial port modem",
	.mtu		= MODEM_MTU,
	.mru		= MODEM_MTU,
	.tmpl		= false,
	.synchronous	= false,
	.dflt_bandwidth	= 28800,	/* a ~33.6k modem */
	.dflt_latency	= 10000,	/* 10 ms */
	.cmds		= modem_set_cmds,
	.conf_new	= modem_conf_new,
	.conf_dup	= modem_conf_dup,
	.conf_free	= modem_conf_free,
	.show		= modem_show,
	.calling_num	= modem_calling_num,
	.called_num	= modem_called_num,
	.peer_iface	= modem_peer_iface,
	.open		= modem_open,
	.close		= modem_close,
	.send		= modem_send,
	.listen		= modem_listen,
	.shutdown	= modem_shutdown,
	.kernel_chan	= modem_kernel_chan,
};
