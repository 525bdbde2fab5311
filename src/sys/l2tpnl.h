/*
 * l2tpnl.h - kernel L2TPv2 tunnels and sessions for the kernel data plane
 * (DESIGN.md 2): the "l2tp" generic netlink family (<linux/l2tp.h>,
 * Documentation/networking/l2tp.rst of the Linux tree) and the
 * PX_PROTO_OL2TP PPPoX socket (<linux/if_pppol2tp.h>) whose PPP channel
 * the kernel backend connects to a bundle's unit.
 *
 * The control connection stays ours (link/l2tp_ctrl.c): a kernel tunnel
 * is created on our connected UDP socket of the tunnel (L2TP_ATTR_FD), so
 * the kernel takes the data messages of the sessions it knows and still
 * hands every control message (T bit) and any other datagram up to that
 * socket.  Closing the UDP socket deletes the kernel tunnel with its
 * sessions; closing a session's PPPoX socket deletes the session: a
 * daemon killed with SIGKILL leaves nothing behind.
 *
 * Two halves, like sys/pppdev:
 *  - pure functions: the netlink requests built into a caller buffer
 *    (bounds-checked; struct nlmsghdr + struct genlmsghdr + attributes
 *    byte by byte) and the parser of the kernel's answers (acks, errors,
 *    the family id of CTRL_CMD_GETFAMILY), plus the PPPoX address;
 *  - run-time calls through a struct l2tpnl_kernel (tests pass a fake
 *    kernel).  Requests are answered synchronously by the kernel: one
 *    request, one recv (bounded by a receive timeout), no event loop.
 */
#ifndef MPD_SYS_L2TPNL_H
#define MPD_SYS_L2TPNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

#include "pppdev.h"

/* What one request for the kernel needs (the fake kernel fills it). */
struct l2tpnl_kernel {
	/* AF_NETLINK/NETLINK_GENERIC socket with a receive timeout. */
	int	(*nl_socket)(void);
	ssize_t	(*nl_send)(int fd, const void *buf, size_t len);
	ssize_t	(*nl_recv)(int fd, void *buf, size_t cap);
	/* PPPoX socket, connect, ioctl, /dev/ppp, close. */
	const struct pppdev_kernel *ppp;
};

extern const struct l2tpnl_kernel l2tpnl_kernel_real;

/* ---- pure: requests ---- */

/* One kernel session of a tunnel (L2TPv2 ids are 16 bits). */
struct l2tpnl_sess {
	uint16_t	tid, ptid;	/* our / the peer's tunnel id */
	uint16_t	sid, psid;	/* our / the peer's session id */
	bool		send_seq;	/* Ns/Nr in the data we send */
	bool		lns_mode;	/* the peer may not switch send_seq */
};

/*
 * Each builder writes one request with sequence number seq into
 * buf[0..cap) and returns its length, or 0 when cap is too small.
 * family is the id of the "l2tp" family (l2tpnl_parse()).
 *
 * l2tpnl_req_family: CTRL_CMD_GETFAMILY of "l2tp" (GENL_ID_CTRL).
 * l2tpnl_req_tunnel_create: L2TPv2 over UDP on our socket fd (CONN_ID,
 *   PEER_CONN_ID, PROTO_VERSION 2, ENCAP_TYPE UDP, FD), ack requested.
 * l2tpnl_req_tunnel_delete: CONN_ID.
 * l2tpnl_req_session_create: CONN_ID, SESSION_ID, PEER_SESSION_ID,
 *   PW_TYPE PPP, SEND_SEQ, RECV_SEQ 0 (data without Ns is accepted, as
 *   the user-space path does), LNS_MODE.
 * l2tpnl_req_session_delete: CONN_ID, SESSION_ID.
 */
size_t	l2tpnl_req_family(uint8_t *buf, size_t cap, uint32_t seq);
size_t	l2tpnl_req_tunnel_create(uint8_t *buf, size_t cap, uint16_t family,
	    uint32_t seq, uint16_t tid, uint16_t ptid, int fd);
size_t	l2tpnl_req_tunnel_delete(uint8_t *buf, size_t cap, uint16_t family,
	    uint32_t seq, uint16_t tid);
size_t	l2tpnl_req_session_create(uint8_t *buf, size_t cap, uint16_t family,
	    uint32_t seq, const struct l2tpnl_sess *s);
size_t	l2tpnl_req_session_delete(uint8_t *buf, size_t cap, uint16_t family,
	    uint32_t seq, uint16_t tid, uint16_t sid);

/* ---- pure: answers ---- */

enum l2tpnl_kind {
	L2TPNL_NONE = 0,	/* nothing answering seq in the datagram */
	L2TPNL_ACK,		/* NLMSG_ERROR with error 0 */
	L2TPNL_ERROR,		/* NLMSG_ERROR: error holds the errno */
	L2TPNL_FAMILY,		/* CTRL_CMD_NEWFAMILY: family holds the id */
};

struct l2tpnl_reply {
	enum l2tpnl_kind kind;
	int		 error;		/* positive errno (L2TPNL_ERROR) */
	uint16_t	 family;	/* L2TPNL_FAMILY */
};

/*
 * Parse one datagram p[0..len) read from the netlink socket: the first
 * message whose sequence number is seq and that acks, refuses or (for a
 * GETFAMILY) answers the request goes to *r.  Messages for other
 * sequence numbers (late answers, notifications) are skipped.  Returns 0
 * (r->kind says what was found, L2TPNL_NONE: read again), or -1 when the
 * datagram is malformed (a length past the end, a short error or family
 * message, a family answer without the id); r->kind is L2TPNL_NONE then.
 */
int	l2tpnl_parse(const uint8_t *p, size_t len, uint32_t seq,
	    struct l2tpnl_reply *r);

/*
 * The address a PX_PROTO_OL2TP socket connects to: session s of the
 * tunnel on UDP socket fd whose peer is peer (AF_INET or AF_INET6; the
 * IPv6 form for the latter).  Writes into out[0..cap) and returns the
 * length, or 0 (other family, cap too small).
 */
size_t	l2tpnl_pppox_addr(void *out, size_t cap, const struct l2tpnl_sess *s,
	    int fd, const struct sockaddr *peer);

/* ---- run-time ---- */

/* A netlink handle: the socket and the family id, opened on first use. */
struct l2tpnl {
	const struct l2tpnl_kernel *k;
	int		 fd;		/* -1 until the first request */
	uint16_t	 family;	/* 0 until resolved */
	uint32_t	 seq;
};

/* A closed handle on kernel k. */
void	l2tpnl_init(struct l2tpnl *nl, const struct l2tpnl_kernel *k);
/* Close the socket (the kernel objects are not touched). */
void	l2tpnl_close(struct l2tpnl *nl);

/*
 * Whether kernel L2TP sessions with PPP channels can be made: the "l2tp"
 * family resolves (l2tp_netlink) and a PX_PROTO_OL2TP socket opens
 * (l2tp_ppp; both load on demand).  0, or -1 with errno.
 */
int	l2tpnl_probe(struct l2tpnl *nl);

/*
 * Kernel tunnel s->tid (peer s->ptid) on our connected UDP socket fd.
 * 0, or -1 with errno (ENOENT: no "l2tp" family, no kernel L2TP; EEXIST:
 * the id is taken in this network namespace; EPERM ...).
 */
int	l2tpnl_tunnel_create(struct l2tpnl *nl, uint16_t tid, uint16_t ptid,
	    int fd);
/* Delete kernel tunnel tid and its sessions.  0 or -1 (errno). */
int	l2tpnl_tunnel_delete(struct l2tpnl *nl, uint16_t tid);

/*
 * Kernel session s (its tunnel created on UDP socket fd, peer address
 * peer) with its PPP channel: *sock is the connected PPPoX socket
 * (closing it deletes the session), *chfd the /dev/ppp descriptor of the
 * channel (PPPIOCATTCHAN done; the kernel backend connects it to a unit),
 * *chan its index.  0, or -1 with errno and nothing left open or created.
 */
int	l2tpnl_session_open(struct l2tpnl *nl, const struct l2tpnl_sess *s,
	    int fd, const struct sockaddr *peer, int *sock, int *chfd,
	    int *chan);
/*
 * Undo l2tpnl_session_open(): the channel descriptor and the PPPoX socket
 * closed (either may be -1), then the session deleted if the kernel still
 * has it.
 */
void	l2tpnl_session_close(struct l2tpnl *nl, uint16_t tid, uint16_t sid,
	    int sock, int chfd);

#endif /* MPD_SYS_L2TPNL_H */
