/*
 * defs.h - project-wide constants shared by every layer.
 *
 * Only compile-time constants live here; there are no types and no
 * prototypes, so every other header can include it without pulling in
 * anything else.
 */
#ifndef MPD_CORE_DEFS_H
#define MPD_CORE_DEFS_H

#define MPD_PROG		"mpd5"
#define MPD_VERSION		"5.9"
#define MPD_VERSION_STRING	"5.9 (mpd5 for Linux)"
#define MPD_BANNER		"Multi-link PPP daemon for FreeBSD"
#define MPD_VENDOR		"FreeBSD MPD"

#ifndef MPD_CONFDIR
#define MPD_CONFDIR		"/usr/local/etc/mpd5"
#endif
#define MPD_PIDFILE		"/var/run/mpd.pid"
#define MPD_CONF_FILE		"mpd.conf"
#define MPD_SECRET_FILE		"mpd.secret"
#define MPD_SCRIPT_FILE		"mpd.script"
#define MPD_SYSLOG_IDENT	"mpd"
#define MPD_PAM_SERVICE		"mpd"

/* Exit codes (sysexits.h values, section 1.5 of the surface spec). */
#define EX_MPD_OK		0
#define EX_MPD_USAGE		64
#define EX_MPD_UNAVAILABLE	69
#define EX_MPD_SOFTWARE		70
#define EX_MPD_CONFIG		78

/* Configuration limits (section 2.1). */
#define CONF_MAX_LINE		1000
#define CONF_MAX_ARGS		50
#define CONF_MAX_DEPTH		20
#define CONSOLE_MAX_LINE	400

/* Object name limits (section 4.1). */
#define LINK_MAX_NAME		16
#define BUND_MAX_NAME		16
#define TMPL_MAX_NAME		10
#define IFACE_MAX_NAME		16

#define MAX_LINKS_PER_BUND	16
#define DEFAULT_MAX_CHILDREN	10000

#endif /* MPD_CORE_DEFS_H */
