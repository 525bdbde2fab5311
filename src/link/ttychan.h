/*
 * ttychan.h - the kernel channel of the tcp and udp device types: a pty
 * whose slave is in line discipline N_PPP (sys/ttyppp.h), relayed to and
 * from the call's socket in the event loop.
 *
 * While a call has one, every PPP frame of the link goes through the
 * channel's /dev/ppp descriptor (LCP and authentication read and written
 * here; everything else too until the kernel data plane connects the
 * channel to its unit, dp/kernel.c), and the kernel's ppp_async does the
 * RFC 1662 framing.  The relay between the pty master and the socket:
 *
 *  - stream (tcp, async HDLC on the wire): a plain byte copy each way
 *    through a bounded buffer; a full buffer stops reading its source
 *    (the socket's TCP window, or the pty and so the kernel's transmit
 *    queue, takes the back-pressure): no byte is ever dropped and the
 *    loop never blocks;
 *  - datagram (udp, one frame per datagram, no FCS): the pty's byte
 *    stream is decoded (link/hdlc.c) into one datagram per good frame;
 *    a datagram is encoded onto the pty, or dropped (counted) when the
 *    buffer toward the pty has no room: datagrams may be lost anyway.
 *
 * Callbacks may end the call: after link_phys_input() or the owner's
 * down callback this module touches nothing of the channel.
 */
#ifndef MPD_LINK_TTYCHAN_H
#define MPD_LINK_TTYCHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct link;
struct mbuf;
struct ttychan;

/*
 * The stream relay ended (EOF or an error on the socket or the pty);
 * why is a phrase for the log.  The owner closes the call (and with it
 * the channel).
 */
typedef void ttychan_down_fn(void *arg, const char *why);

/*
 * A kernel channel for l's call on sock (not owned: the caller closes it
 * after ttychan_close()).  tag prefixes the log lines ("TCP"); dgram
 * selects the datagram relay; mru is the device's largest frame.  The
 * stream relay reads sock itself (the owner must not); the datagram
 * owner keeps reading its socket and passes each datagram to
 * ttychan_dgram_input().  NULL (logged) when the kernel refuses: the
 * call then stays in user space.
 */
struct ttychan *ttychan_open(struct link *l, const char *tag, int sock,
		    bool dgram, int mru, ttychan_down_fn *down, void *arg);

/*
 * Unregister, push out what the pty already holds (best effort, never
 * waiting), close the channel and the pty, free tc.  NULL is harmless.
 */
void	ttychan_close(struct ttychan *tc);

/* A PPP frame from the link layer to the channel; consumes m.  0 / -1. */
int	ttychan_send(struct ttychan *tc, struct mbuf *m);

/* A datagram from the peer (datagram relay): onto the pty. */
void	ttychan_dgram_input(struct ttychan *tc, const uint8_t *p, size_t len);

/*
 * The channel's /dev/ppp descriptor (the kernel_chan op), with the
 * channel's ACCMs, flags and MRU brought in line with LCP first.
 */
int	ttychan_fd(struct ttychan *tc);

/* Tests: the kernel ttychan_open() and the LCP sync use (NULL: libc). */
struct ttyppp_sys;
void	ttychan_set_sys(const struct ttyppp_sys *s);

#endif /* MPD_LINK_TTYCHAN_H */
