/*
 * pppdev.h - Linux ppp_generic (/dev/ppp) and PPPoX requests for the
 * kernel data plane (DESIGN.md 2; Documentation/networking/ppp_generic
 * of the Linux tree; RFC 1661 6.5/6.6 for the compression flags, RFC 1990
 * for the multilink ones, RFC 2516 for the PPPoE session address).
 *
 * Two halves, like sys/netif:
 *
 *  - pure functions: the ppp_generic flag words derived from what LCP
 *    negotiated, the PPPoE connect address, the backend policy inputs;
 *    no system calls, so unit tests compare them field by field;
 *  - run-time calls that go through a struct pppdev_kernel (open, close,
 *    ioctl, socket, connect).  pppdev_kernel_real is libc; unit tests pass
 *    a fake kernel that records the requests and fails chosen ones.
 *
 * Every run-time call returns 0 or -1 with errno set, and on failure
 * leaves no descriptor open.
 */
#ifndef MPD_SYS_PPPDEV_H
#define MPD_SYS_PPPDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <net/if.h>		/* glibc first: linux/libc-compat.h */
#include <netinet/in.h>		/* then skips what if_pppox.h repeats */
#include <linux/if_pppox.h>

/* The kernel as this module sees it (tests substitute a fake). */
struct pppdev_kernel {
	int	(*open)(const char *path, int flags);
	int	(*close)(int fd);
	int	(*ioctl)(int fd, unsigned long req, void *arg);
	int	(*socket)(int domain, int type, int proto);
	int	(*connect)(int fd, const struct sockaddr *sa, socklen_t len);
	/* PPTP block: PX_PROTO_PPTP sockets are bound (local call id) */
	int	(*bind)(int fd, const struct sockaddr *sa, socklen_t len);
};

extern const struct pppdev_kernel pppdev_kernel_real;

/* What LCP (and the MP options) negotiated for one link/bundle. */
struct pppdev_neg {
	bool		pfc_tx;		/* peer accepted Protocol-Field-Compr. */
	bool		acfc_tx;	/* peer accepted Addr/Ctrl-Field-Compr. */
	bool		multilink;	/* MRRU negotiated (RFC 1990) */
	bool		shortseq_rx;	/* we receive 12-bit sequence numbers */
	bool		shortseq_tx;	/* the peer wants 12-bit numbers */
	bool		vj_rx;		/* VJ compressed TCP/IP accepted */
	uint16_t	mru;		/* our MRU (receive) */
	uint16_t	mrru;		/* our MRRU when multilink */
	uint32_t	accm;		/* async control character map (tty) */
};

/*
 * The PPPIOCSFLAGS word of a unit: multilink and its sequence formats;
 * VJ input refused unless negotiated.
 */
uint32_t	pppdev_unit_flags(const struct pppdev_neg *n);

/*
 * The PPPIOCSFLAGS word of an async (tty, N_PPP) channel: the header
 * compressions the peer accepted for our output.  PPPoE channels have
 * no flags (RFC 2516 7 forbids ACFC; PFC is in the PPP frame).
 */
uint32_t	pppdev_async_flags(const struct pppdev_neg *n);

/*
 * Fill *sa with the address a PX_PROTO_OE socket connects to: session
 * id sid (1..0xfffe, RFC 2516 4), peer MAC, local device name.  Returns
 * 0, or -1 (EINVAL) for a reserved session id or an empty/too long name.
 */
int		pppdev_pppoe_addr(struct sockaddr_pppox *sa, uint16_t sid,
		    const uint8_t mac[6], const char *dev);

/* ---- run-time calls ---- */

/*
 * Whether /dev/ppp opens read-write: 0, or -1 with errno (ENOENT when
 * the node is missing, ENXIO/ENODEV without ppp_generic).
 */
int	pppdev_probe(const struct pppdev_kernel *k);

/*
 * A new unit (interface pppN): *fd is the unit's /dev/ppp descriptor
 * (closing it destroys the unit), *unit its number (want = -1: any).
 * pppdev_unit_new_named() makes it under its final name instead:
 * create(name, fd) asks the kernel for a link of kind "ppp" on a fresh
 * descriptor (netif_ppp_create(), Linux 4.7+), which spares the rename
 * and the RCU grace period each rename waits for; -1 with errno when
 * the kernel refuses (the caller falls back to pppdev_unit_new()).
 */
int	pppdev_unit_new_named(const struct pppdev_kernel *k, const char *name,
	    int (*create)(const char *name, int fd), int *fd, int *unit);
int	pppdev_unit_new(const struct pppdev_kernel *k, int want, int *fd,
	    int *unit);

/*
 * A PPPoE channel: a PX_PROTO_OE socket connected to (sid, mac, dev);
 * *sock keeps the session (closing it ends the channel), *chan is the
 * channel index for pppdev_chan_attach().
 */
int	pppdev_pppoe_open(const struct pppdev_kernel *k, uint16_t sid,
	    const uint8_t mac[6], const char *dev, int *sock, int *chan);

/* A /dev/ppp descriptor attached to channel chan (control frames). */
int	pppdev_chan_attach(const struct pppdev_kernel *k, int chan, int *fd);

/* Connect the channel of chfd to unit (PPPIOCCONNECT) / disconnect. */
int	pppdev_chan_connect(const struct pppdev_kernel *k, int chfd, int unit);
int	pppdev_chan_disconnect(const struct pppdev_kernel *k, int chfd);

/* PPPIOCSMRU, PPPIOCSMRRU, PPPIOCSFLAGS, PPPIOCSASYNCMAP on fd. */
int	pppdev_set_mru(const struct pppdev_kernel *k, int fd, int mru);
int	pppdev_set_mrru(const struct pppdev_kernel *k, int fd, int mrru);
int	pppdev_set_flags(const struct pppdev_kernel *k, int fd, uint32_t fl);
int	pppdev_set_accm(const struct pppdev_kernel *k, int fd, uint32_t accm);

/*
 * VJ state of a unit (PPPIOCSMAXCID, RFC 1144): rx_slots / tx_slots
 * connection slots (1..255) for decompression / compression.  ppp_generic
 * decompresses VJ frames only once this is set.
 */
int	pppdev_set_vj_slots(const struct pppdev_kernel *k, int fd, int rx_slots,
	    int tx_slots);

/*
 * Network-protocol mode of a unit (PPPIOCSNPMODE): pass (true) lets the
 * kernel move packets of that PPP protocol (0x0021 IP, 0x0057 IPv6);
 * false queues them to the unit descriptor.
 */
int	pppdev_set_npmode(const struct pppdev_kernel *k, int fd, int proto,
	    bool pass);

/* Seconds since the last data packet each way (PPPIOCGIDLE). */
int	pppdev_idle(const struct pppdev_kernel *k, int fd, long *xmit,
	    long *recv);

/* ---- PPTP (PX_PROTO_PPTP, RFC 2637 4; drivers/net/ppp/pptp.c) ---- */

/*
 * Fill *sa with a PX_PROTO_PPTP address: a call id (host byte order, as
 * the kernel keeps it) and an IPv4 address (network order; not
 * INADDR_ANY: the kernel routes to it and matches packets on it).
 * Returns 0, or -1 (EINVAL).
 */
int	pppdev_pptp_addr(struct sockaddr_pppox *sa, uint16_t call_id,
	    struct in_addr addr);

/*
 * A PPTP channel: a PX_PROTO_PPTP socket bound to (our call id cid, our
 * address self) and connected to (the peer's call id pcid, its address
 * peer).  The kernel then builds and parses the call's enhanced GRE
 * (sequence and acknowledgement numbers of its own) and claims GRE
 * packets whose key is cid from peer.  *sock keeps the call (closing it
 * ends the channel), *chan is the channel index for pppdev_chan_attach().
 * cid 0 is refused (EINVAL): bound, it asks the kernel to pick a call
 * id, which the control connection has already announced.  EBUSY: cid is
 * in use by another PX_PROTO_PPTP socket of this kernel (call ids are
 * global to the kernel, not per network namespace).
 */
int	pppdev_pptp_open(const struct pppdev_kernel *k, uint16_t cid,
	    struct in_addr self, uint16_t pcid, struct in_addr peer, int *sock,
	    int *chan);

/* ---- multilink (RFC 1990) on one unit ---- */

/*
 * The unit's flag word cur with its multilink bits (SC_MULTILINK,
 * SC_MP_SHORTSEQ for 12-bit numbers received, SC_MP_XSHORTSEQ for 12-bit
 * numbers sent) replaced by those pppdev_unit_flags() derives from n;
 * every other bit of cur (CCP, VJ, debug) is kept.
 */
uint32_t	pppdev_mp_flags(uint32_t cur, const struct pppdev_neg *n);

/*
 * Set up unit fd for a multilink bundle (or back to single link when
 * !n->multilink): PPPIOCSMRRU with n->mrru (multilink only), then
 * PPPIOCGFLAGS / PPPIOCSFLAGS with pppdev_mp_flags().  Done before the
 * channels are connected, so the kernel parses the MP header of the
 * first frame.  0, or -1 with errno (EINVAL: MRRU out of range).
 */
int	pppdev_mp_setup(const struct pppdev_kernel *k, int fd,
	    const struct pppdev_neg *n);


/* ---- CCP in the kernel (kccp): ppp_mppe / ppp_deflate ---- */

/* Longest option PPPIOCSCOMPRESS takes (ppp_generic's buffer). */
#define PPPDEV_CCP_OPT_MAX	32

/*
 * The PPPIOCSCOMPRESS option of MPPE: the CCP option as negotiated
 * (type 18, length 6, the 32 bits of RFC 3078 2.2 in network order)
 * followed by the 16-byte master key of that direction (send key for
 * the compressor, receive key for the decompressor), which ppp_mppe
 * requires (length exactly 22).  Returns 22, or 0 when buf is short.
 */
size_t	pppdev_ccp_mppe_opt(uint8_t *buf, size_t len, uint32_t bits,
	    const uint8_t key[16]);

/*
 * The PPPIOCSCOMPRESS option of Deflate (RFC 1979): type (26, or 24 for
 * the draft number), length 4, window/method byte, check byte 0.  The
 * kernel takes windows of 2^9..2^15 only.  Returns 4, or 0 when buf is
 * short, the type is not a Deflate type or wbits is out of range.
 */
size_t	pppdev_ccp_deflate_opt(uint8_t *buf, size_t len, int type,
	    int wbits);

/*
 * Allocate the unit's compressor (transmit) or decompressor from opt
 * (PPPIOCSCOMPRESS, struct ppp_option_data).  The kernel loads the
 * module named after the option type and starts using it only when a
 * CCP Configure-Ack passes through the unit (ppp_generic).  EINVAL for
 * an option longer than PPPDEV_CCP_OPT_MAX or shorter than 2.
 */
int	pppdev_set_compress(const struct pppdev_kernel *k, int fd,
	    const uint8_t *opt, size_t len, bool transmit);

/*
 * The CCP bits of a unit's flags: SC_CCP_OPEN (CCP is negotiating or
 * up: Configure-Acks passing the unit start the compressors) and
 * SC_CCP_UP (CCP opened).  Read-modify-write (PPPIOCGFLAGS then
 * PPPIOCSFLAGS) so the other flags stay.  Clearing SC_CCP_OPEN frees
 * the unit's compressors.
 */
uint32_t pppdev_ccp_flag_word(uint32_t cur, bool open, bool up);
int	pppdev_ccp_flags(const struct pppdev_kernel *k, int fd, bool open,
	    bool up);

#endif /* MPD_SYS_PPPDEV_H */
