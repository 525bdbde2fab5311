/*
 * msoft.h - Microsoft authentication crypto: MS-CHAPv1 (RFC 2433),
 * MS-CHAPv2 (RFC 2759) and the MPPE key derivation of RFC 3079, plus the
 * MD5 and SHA-1 digests the authentication code needs.
 *
 * Everything here is pure computation over caller buffers (no I/O, no
 * daemon state), so it is usable from worker threads once msoft_init()
 * has run on the main thread.  MD4 and DES live in OpenSSL 3's "legacy"
 * provider; msoft_init() loads it together with "default" (loading any
 * provider explicitly disables the implicit default one).
 *
 * Functions returning int give 0 on success and -1 when the crypto
 * library refused (provider missing); outputs are then zeroed.
 */
#ifndef MPD_AUTH_MSOFT_H
#define MPD_AUTH_MSOFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MSOFT_NT_HASH_LEN	16	/* NtPasswordHash */
#define MSOFT_CHAL_V1_LEN	8	/* MS-CHAPv1 challenge */
#define MSOFT_CHAL_V2_LEN	16	/* MS-CHAPv2 challenges */
#define MSOFT_NT_RESP_LEN	24	/* NT-Response */
#define MSOFT_AUTH_RESP_LEN	20	/* AuthenticatorResponse (binary) */
#define MSOFT_MAX_PASSWORD	256	/* unicode chars (RFC 2759) */

/*
 * Load the OpenSSL providers and fetch the digests/ciphers once.  Called
 * from main() at startup; the other functions call it lazily when it was
 * not (unit tests).  Returns 0 or -1.  Not thread-safe: call it on the
 * main thread before workers use this module.
 */
int	msoft_init(void);
/* Release what msoft_init() loaded (daemon exit).  Idempotent. */
void	msoft_fini(void);

/* Plain digests (OpenSSL EVP).  out: 16 bytes for MD5/MD4, 20 for SHA-1. */
int	msoft_md5(const void *data, size_t len, uint8_t out[16]);
int	msoft_md5v(const void *const *parts, const size_t *lens, int n,
	    uint8_t out[16]);
int	msoft_sha1v(const void *const *parts, const size_t *lens, int n,
	    uint8_t out[20]);
int	msoft_md4(const void *data, size_t len, uint8_t out[16]);

/*
 * NtPasswordHash (RFC 2759 8.3): MD4 of the password in UTF-16LE.  The
 * password is taken as 8-bit characters (each byte becomes one 16-bit
 * unit), as mpd5 and pppd do; at most MSOFT_MAX_PASSWORD are used.
 */
int	msoft_nt_password_hash(const char *password, uint8_t hash[16]);
/* HashNtPasswordHash (RFC 2759 8.4): MD4 of the 16-byte hash. */
int	msoft_hash_nt_password_hash(const uint8_t hash[16], uint8_t out[16]);
/*
 * ChallengeHash (RFC 2759 8.2): first 8 bytes of SHA1(PeerChallenge |
 * AuthenticatorChallenge | UserName).  user is used as given (callers
 * strip a "DOMAIN\" prefix first, see msoft_user_part()).
 */
int	msoft_challenge_hash(const uint8_t peer_chal[16],
	    const uint8_t auth_chal[16], const char *user, uint8_t out[8]);
/*
 * ChallengeResponse (RFC 2759 8.5): DES-encrypt the 8-byte challenge with
 * the three 7-byte parts of the zero-padded 21-byte hash.  This is also
 * the MS-CHAPv1 NT response (RFC 2433 A.5 NtChallengeResponse).
 */
int	msoft_challenge_response(const uint8_t chal[8], const uint8_t hash[16],
	    uint8_t resp[24]);
/* GenerateNTResponse (RFC 2759 8.1) from the NT password hash. */
int	msoft_generate_nt_response(const uint8_t auth_chal[16],
	    const uint8_t peer_chal[16], const char *user,
	    const uint8_t nt_hash[16], uint8_t resp[24]);
/* GenerateAuthenticatorResponse (RFC 2759 8.7), 20 binary bytes. */
int	msoft_generate_auth_response(const uint8_t nt_hash[16],
	    const uint8_t nt_resp[24], const uint8_t peer_chal[16],
	    const uint8_t auth_chal[16], const char *user, uint8_t out[20]);
/* "S=" + 40 upper-case hex digits of an authenticator response. */
void	msoft_auth_response_string(const uint8_t resp[20], char out[43]);

/* RFC 3079 3.4 GetMasterKey. */
int	msoft_get_master_key(const uint8_t nt_hash_hash[16],
	    const uint8_t nt_resp[24], uint8_t master[16]);
/*
 * RFC 3079 3.4 GetAsymmetricStartKey: keylen 8 or 16 bytes.  send: the
 * key for the sending direction; server: we are the authenticator.
 */
int	msoft_get_asymmetric_start_key(const uint8_t master[16], uint8_t *key,
	    size_t keylen, bool send, bool server);
/* RFC 3079 2.4 Get_Start_Key for MS-CHAPv1 (128-bit, both directions). */
int	msoft_v1_start_key(const uint8_t chal[8],
	    const uint8_t nt_hash_hash[16], uint8_t key[16]);
/*
 * RFC 3079 7.3 GetNewKeyFromSHA: the first keylen bytes of
 * SHA1(start | pad1 | session | pad2), keylen <= 16.
 */
int	msoft_get_new_key_from_sha(const uint8_t *start, const uint8_t *session,
	    size_t keylen, uint8_t *out);

/*
 * CHAP MD5 response (RFC 1994 2 and 4.1, also EAP-MD5): MD5 over the
 * Identifier, the secret and the challenge.  (Here with the other
 * authentication digests, though not a Microsoft algorithm.)
 */
int	msoft_chap_md5(uint8_t id, const char *secret, const uint8_t *chal,
	    size_t chal_len, uint8_t out[16]);

/* The user part of an MS-CHAP name: what follows the last '\', if any. */
const char *msoft_user_part(const char *name);

#endif /* MPD_AUTH_MSOFT_H */
