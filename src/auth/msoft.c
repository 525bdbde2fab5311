/*
 * msoft.c - MS-CHAP crypto and MPPE key derivation through OpenSSL 3.
 *
 * RFC 2433 (MS-CHAPv1: NT response = DES of the challenge under the NT
 * password hash), RFC 2759 sections 8.1-8.7 (MS-CHAPv2 NT response and
 * authenticator response), RFC 3079 sections 2.4, 3.4 and 7.3 (MPPE
 * master, start and session keys).  MD4 and DES come from the "legacy"
 * provider; the digests and cipher are fetched once in msoft_init() and
 * then used read-only, which OpenSSL allows from any thread.
 */
#include "msoft.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/provider.h>

static OSSL_PROVIDER	*prov_legacy;
static OSSL_PROVIDER	*prov_default;
static EVP_MD		*md_md4;
static EVP_MD		*md_md5;
static EVP_MD		*md_sha1;
static EVP_CIPHER	*cipher_des;
static bool		 msoft_ready;

/* RFC 2759 8.7 */
static const char auth_magic1[] = "Magic server to client signing constant";
static const char auth_magic2[] =
    "Pad to make it do more than one iteration";
/* RFC 3079 3.4 */
static const char key_magic1[] = "This is the MPPE Master Key";
static const char key_magic2[] = "On the client side, this is the send key; "
    "on the server side, it is the receive key.";
static const char key_magic3[] = "On the client side, this is the receive "
    "key; on the server side, it is the send key.";

int
msoft_init(void)
{
	if (msoft_ready)
		return 0;
	/*
	 * Loading "legacy" explicitly turns off the implicit default
	 * provider, so load "default" too (MD5, SHA-1).
	 */
	prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");
	prov_default = OSSL_PROVIDER_load(NULL, "default");
	md_md4 = EVP_MD_fetch(NULL, "MD4", NULL);
	md_md5 = EVP_MD_fetch(NULL, "MD5", NULL);
	md_sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	cipher_des = EVP_CIPHER_fetch(NULL, "DES-ECB", NULL);
	msoft_ready = true;
	return md_md4 != NULL && md_md5 != NULL && md_sha1 != NULL &&
	    cipher_des != NULL ? 0 : -1;
}

void
msoft_fini(void)
{
	if (!msoft_ready)
		return;
	EVP_MD_free(md_md4);
	EVP_MD_free(md_md5);
	EVP_MD_free(md_sha1);
	EVP_CIPHER_free(cipher_des);
	md_md4 = md_md5 = md_sha1 = NULL;
	cipher_des = NULL;
	if (prov_legacy != NULL)
		OSSL_PROVIDER_unload(prov_legacy);
	if (prov_default != NULL)
		OSSL_PROVIDER_unload(prov_default);
	prov_legacy = prov_default = NULL;
	msoft_ready = false;
}

/* Digest of n concatenated parts with md; out gets EVP_MD_get_size(). */
static int
digest_parts(const EVP_MD *md, const void *const *parts, const size_t *lens,
    int n, uint8_t *out, size_t outlen)
{
	EVP_MD_CTX *ctx;
	unsigned len = 0;
	int i, rc = -1;

	if (md == NULL || (ctx = EVP_MD_CTX_new()) == NULL)
		goto fail;
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1)
		goto fail_ctx;
	for (i = 0; i < n; i++)
		if (lens[i] > 0 &&
		    EVP_DigestUpdate(ctx, parts[i], lens[i]) != 1)
			goto fail_ctx;
	if (EVP_DigestFinal_ex(ctx, out, &len) != 1 || len != outlen)
		goto fail_ctx;
	rc = 0;
fail_ctx:
	EVP_MD_CTX_free(ctx);
fail:
	if (rc < 0)
		memset(out, 0, outlen);
	return rc;
}

int
msoft_md5v(const void *const *parts, const size_t *lens, int n,
    uint8_t out[16])
{
	msoft_init();
	return digest_parts(md_md5, parts, lens, n, out, 16);
}

int
msoft_md5(const void *data, size_t len, uint8_t out[16])
{
	const void *p[1] = { data };
	size_t l[1] = { len };

	return msoft_md5v(p, l, 1, out);
}

int
msoft_sha1v(const void *const *parts, const size_t *lens, int n,
    uint8_t out[20])
{
	msoft_init();
	return digest_parts(md_sha1, parts, lens, n, out, 20);
}

int
msoft_md4(const void *data, size_t len, uint8_t out[16])
{
	const void *p[1] = { data };
	size_t l[1] = { len };

	msoft_init();
	return digest_parts(md_md4, p, l, 1, out, 16);
}

int
msoft_nt_password_hash(const char *password, uint8_t hash[16])
{
	uint8_t uni[2 * MSOFT_MAX_PASSWORD];
	size_t i, n = strnlen(password, MSOFT_MAX_PASSWORD);
	int rc;

	/* Each 8-bit character becomes one little-endian UTF-16 unit. */
	for (i = 0; i < n; i++) {
		uni[2 * i] = (uint8_t)password[i];
		uni[2 * i + 1] = 0;
	}
	rc = msoft_md4(uni, 2 * n, hash);
	memset(uni, 0, sizeof(uni));
	return rc;
}

int
msoft_hash_nt_password_hash(const uint8_t hash[16], uint8_t out[16])
{
	return msoft_md4(hash, 16, out);
}

int
msoft_challenge_hash(const uint8_t peer_chal[16], const uint8_t auth_chal[16],
    const char *user, uint8_t out[8])
{
	const void *p[3] = { peer_chal, auth_chal, user };
	size_t l[3] = { 16, 16, strlen(user) };
	uint8_t digest[20];
	int rc;

	rc = msoft_sha1v(p, l, 3, digest);
	memcpy(out, digest, 8);
	return rc;
}

/*
 * Spread 7 key bytes over 8 (RFC 2759 8.6 DesEncrypt): each output byte
 * carries 7 key bits in its top bits; the low (parity) bit is left 0,
 * DES ignores it.
 */
static void
des_key_expand(const uint8_t in[7], uint8_t out[8])
{
	int i;

	out[0] = in[0] & 0xfe;
	for (i = 1; i < 7; i++)
		out[i] = (uint8_t)(((in[i - 1] << (8 - i)) |
		    (in[i] >> i)) & 0xfe);
	out[7] = (uint8_t)(in[6] << 1);
}

static int
des_encrypt(const uint8_t clear[8], const uint8_t key7[7], uint8_t out[8])
{
	EVP_CIPHER_CTX *ctx;
	uint8_t key[8];
	int n = 0, rc = -1;

	msoft_init();
	des_key_expand(key7, key);
	if (cipher_des == NULL || (ctx = EVP_CIPHER_CTX_new()) == NULL)
		goto fail;
	if (EVP_EncryptInit_ex(ctx, cipher_des, NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_EncryptUpdate(ctx, out, &n, clear, 8) != 1 || n != 8)
		goto fail_ctx;
	rc = 0;
fail_ctx:
	EVP_CIPHER_CTX_free(ctx);
fail:
	memset(key, 0, sizeof(key));
	if (rc < 0)
		memset(out, 0, 8);
	return rc;
}

int
msoft_challenge_response(const uint8_t chal[8], const uint8_t hash[16],
    uint8_t resp[24])
{
	uint8_t z[21];
	int rc = 0;

	memset(z, 0, sizeof(z));
	memcpy(z, hash, 16);
	rc |= des_encrypt(chal, z, resp);
	rc |= des_encrypt(chal, z + 7, resp + 8);
	rc |= des_encrypt(chal, z + 14, resp + 16);
	memset(z, 0, sizeof(z));
	if (rc != 0)
		memset(resp, 0, 24);
	return rc != 0 ? -1 : 0;
}

int
msoft_generate_nt_response(const uint8_t auth_chal[16],
    const uint8_t peer_chal[16], const char *user, const uint8_t nt_hash[16],
    uint8_t resp[24])
{
	uint8_t chal[8];

	if (msoft_challenge_hash(peer_chal, auth_chal, user, chal) < 0) {
		memset(resp, 0, 24);
		return -1;
	}
	return msoft_challenge_response(chal, nt_hash, resp);
}

int
msoft_generate_auth_response(const uint8_t nt_hash[16],
    const uint8_t nt_resp[24], const uint8_t peer_chal[16],
    const uint8_t auth_chal[16], const char *user, uint8_t out[20])
{
	uint8_t hh[16], digest[20], chal[8];
	const void *p1[3] = { hh, nt_resp, auth_magic1 };
	size_t l1[3] = { 16, 24, sizeof(auth_magic1) - 1 };
	const void *p2[3] = { digest, chal, auth_magic2 };
	size_t l2[3] = { 20, 8, sizeof(auth_magic2) - 1 };
	int rc = 0;

	rc |= msoft_hash_nt_password_hash(nt_hash, hh);
	rc |= msoft_sha1v(p1, l1, 3, digest);
	rc |= msoft_challenge_hash(peer_chal, auth_chal, user, chal);
	rc |= msoft_sha1v(p2, l2, 3, out);
	memset(hh, 0, sizeof(hh));
	if (rc != 0)
		memset(out, 0, 20);
	return rc != 0 ? -1 : 0;
}

void
msoft_auth_response_string(const uint8_t resp[20], char out[43])
{
	static const char hex[] = "0123456789ABCDEF";
	int i;

	out[0] = 'S';
	out[1] = '=';
	for (i = 0; i < 20; i++) {
		out[2 + 2 * i] = hex[resp[i] >> 4];
		out[3 + 2 * i] = hex[resp[i] & 0x0f];
	}
	out[42] = '\0';
}

int
msoft_get_master_key(const uint8_t nt_hash_hash[16], const uint8_t nt_resp[24],
    uint8_t master[16])
{
	const void *p[3] = { nt_hash_hash, nt_resp, key_magic1 };
	size_t l[3] = { 16, 24, sizeof(key_magic1) - 1 };
	uint8_t digest[20];
	int rc;

	rc = msoft_sha1v(p, l, 3, digest);
	memcpy(master, digest, 16);
	memset(digest, 0, sizeof(digest));
	return rc;
}

int
msoft_get_asymmetric_start_key(const uint8_t master[16], uint8_t *key,
    size_t keylen, bool send, bool server)
{
	static const uint8_t pad1[40] = { 0 };
	static const uint8_t pad2[40] = {
		0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
		0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
		0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
		0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
	};
	/* The server sends with Magic3, the client with Magic2. */
	const char *magic = send == server ? key_magic3 : key_magic2;
	const void *p[4] = { master, pad1, magic, pad2 };
	size_t l[4] = { 16, 40, 84, 40 };
	uint8_t digest[20];
	int rc;

	if (keylen > 16)
		keylen = 16;
	rc = msoft_sha1v(p, l, 4, digest);
	memcpy(key, digest, keylen);
	memset(digest, 0, sizeof(digest));
	return rc;
}

int
msoft_v1_start_key(const uint8_t chal[8], const uint8_t nt_hash_hash[16],
    uint8_t key[16])
{
	const void *p[3] = { nt_hash_hash, nt_hash_hash, chal };
	size_t l[3] = { 16, 16, 8 };
	uint8_t digest[20];
	int rc;

	rc = msoft_sha1v(p, l, 3, digest);
	memcpy(key, digest, 16);
	memset(digest, 0, sizeof(digest));
	return rc;
}

int
msoft_get_new_key_from_sha(const uint8_t *start, const uint8_t *session,
    size_t keylen, uint8_t *out)
{
	static const uint8_t pad1[40] = { 0 };
	uint8_t pad2[40], digest[20];
	const void *p[4] = { start, pad1, session, pad2 };
	size_t l[4];
	int rc;

	if (keylen > 16)
		keylen = 16;
	memset(pad2, 0xf2, sizeof(pad2));
	l[0] = keylen;
	l[1] = 40;
	l[2] = keylen;
	l[3] = 40;
	rc = msoft_sha1v(p, l, 4, digest);
	memcpy(out, digest, keylen);
	memset(digest, 0, sizeof(digest));
	return rc;
}

int
msoft_chap_md5(uint8_t id, const char *secret, const uint8_t *chal,
    size_t chal_len, uint8_t out[16])
{
	const void *p[3] = { &id, secret, chal };
	size_t l[3] = { 1, strlen(secret), chal_len };

	return msoft_md5v(p, l, 3, out);
}

const char *
msoft_user_part(const char *name)
{
	const char *s = strrchr(name, '\\');

	return s != NULL ? s + 1 : name;
}
