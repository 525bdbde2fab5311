/*
 * dese.h - the PPP DES Encryption Protocol: DESE (RFC 1969, ECP option 1)
 * and DESE-bis (RFC 2419, ECP option 3), DES-CBC through OpenSSL's legacy
 * provider (loaded by msoft_init()).  One direction per struct; pure
 * apart from the OpenSSL context it owns.
 *
 * Frame (after PPP protocol 0x0053): 2-byte sequence number, then the
 * CBC ciphertext of the protocol field (1 byte when PFC-compressible),
 * the data and the padding to a multiple of 8.  Each frame's chaining
 * value is the DES encryption of the negotiated nonce with the sequence
 * number XORed into its last two bytes, so frames decrypt independently
 * of loss.  Both variants pad self-describingly (1, 2, ... n; RFC 1570),
 * always at least one byte, and the receiver removes the padding: RFC
 * 1969's zero padding cannot be told from data, which breaks compressed
 * frames inside (the "padding issues" DESE-bis fixed).
 */
#ifndef MPD_PPP_DESE_H
#define MPD_PPP_DESE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DESE_TY_OLD		1	/* ECP option types */
#define DESE_TY_BIS		3
#define DESE_OVHD		(2 + 8)	/* sequence + worst-case padding */

struct dese_stats {
	uint64_t	frames, octets_in, octets_out, errors;
};

struct dese_dir {
	void		*ctx;		/* EVP_CIPHER_CTX (CBC) */
	void		*ecb;		/* EVP_CIPHER_CTX (ECB), for IVs */
	bool		 bis;
	bool		 tx;
	uint8_t		 nonce[8];
	uint16_t	 seq;
	struct dese_stats st;
};

/*
 * Key (8 bytes) and nonce (8 bytes) for one direction.  Returns 0, or -1
 * when DES is unavailable (no legacy provider).
 */
int	dese_dir_init(struct dese_dir *d, const uint8_t key[8],
	    const uint8_t nonce[8], bool bis, bool tx);
void	dese_dir_fini(struct dese_dir *d);
/* Encrypt proto + data into out; frame length or -1. */
int	dese_encode(struct dese_dir *d, uint16_t proto, const uint8_t *data,
	    size_t len, uint8_t *out, size_t outmax);
/* Decrypt a frame into *proto and out; 0 or -1 (malformed).  Checked. */
int	dese_decode(struct dese_dir *d, const uint8_t *in, size_t len,
	    uint16_t *proto, uint8_t *out, size_t outmax, size_t *olen);
/* The 8-byte DES key derived from `set ecp key` text (MD5, first 8). */
void	dese_key_from_string(const char *s, uint8_t key[8]);

#endif /* MPD_PPP_DESE_H */
