/*
 * ecp.h - the Encryption Control Protocol of a bundle (RFC 1968) with
 * DESE-bis (RFC 2419) and DESE (RFC 1969), and its data path.
 */
#ifndef MPD_PPP_ECP_H
#define MPD_PPP_ECP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm.h"

struct bund;
struct mbuf;
struct dese_dir;

/*
 * ECP runtime of a bundle (b->ecp), owned by the bundle: ecp_init()
 * creates it for a session, ecp_fini() frees it.
 */
struct ecp_state {
	struct fsm	 fsm;
	struct bund	*bund;
	uint32_t	 peer_reject;	/* our types rejected (bit per type) */
	uint8_t		 my_nonce[8];	/* in our request: we receive */
	int		 peer_type;	/* the peer's acked request */
	uint8_t		 peer_nonce[8];
	int		 xmit_type, recv_type;
	struct dese_dir	*xmit, *recv;
	unsigned	 resets_in, resets_out;
	unsigned	 rx_bad;
};

extern const struct fsm_type ecp_fsm_type;

void	ecp_init(struct bund *b);
void	ecp_fini(struct bund *b);
void	ecp_open(struct bund *b);
void	ecp_close(struct bund *b);
void	ecp_up(struct bund *b);
void	ecp_down(struct bund *b);
void	ecp_input(struct bund *b, const uint8_t *pkt, size_t len);
void	ecp_protorej(struct bund *b);

/* True while ECP is Opened with an algorithm for that direction. */
bool	ecp_xmit_active(const struct bund *b);
bool	ecp_recv_active(const struct bund *b);
/* Both directions encrypted. */
bool	ecp_encrypted(const struct bund *b);
int	ecp_mtu_overhead(const struct bund *b);
/*
 * Encrypt a frame to protocol 0x0053 / decrypt a 0x0053 frame; consume m,
 * return the new frame with *proto updated, or NULL (dropped).
 */
struct mbuf *ecp_output(struct bund *b, uint16_t *proto, struct mbuf *m);
struct mbuf *ecp_input_data(struct bund *b, uint16_t *proto,
	    struct mbuf *m);
/* "DESE-bis" / "DESE" / "none" for show. */
const char *ecp_type_name(int type);

#endif /* MPD_PPP_ECP_H */
