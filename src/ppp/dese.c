/*
 * dese.c - DESE (RFC 1969) and DESE-bis (RFC 2419) frame codec over
 * OpenSSL DES-CBC (see dese.h for the frame layout and chaining value).
 */
#include "dese.h"

#include <openssl/evp.h>
#include <string.h>

#include "../auth/msoft.h"
#include "proto.h"

#define DESE_MAX	8192

static EVP_CIPHER_CTX *
dese_ctx(const char *alg, const uint8_t key[8], bool enc)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, alg, NULL);
	EVP_CIPHER_CTX *x = NULL;

	if (c == NULL)
		return NULL;
	x = EVP_CIPHER_CTX_new();
	if (x == NULL || EVP_CipherInit_ex(x, c, NULL, key, NULL,
	    enc ? 1 : 0) != 1) {
		EVP_CIPHER_CTX_free(x);
		x = NULL;
	} else
		EVP_CIPHER_CTX_set_padding(x, 0);
	EVP_CIPHER_free(c);
	return x;
}

int
dese_dir_init(struct dese_dir *d, const uint8_t key[8],
    const uint8_t nonce[8], bool bis, bool tx)
{
	memset(d, 0, sizeof(*d));
	if (msoft_init() < 0)
		return -1;
	d->bis = bis;
	d->tx = tx;
	memcpy(d->nonce, nonce, 8);
	d->ctx = dese_ctx("DES-CBC", key, tx);
	d->ecb = dese_ctx("DES-ECB", key, true);
	if (d->ctx == NULL || d->ecb == NULL) {
		dese_dir_fini(d);
		return -1;
	}
	return 0;
}

void
dese_dir_fini(struct dese_dir *d)
{
	EVP_CIPHER_CTX_free(d->ctx);
	EVP_CIPHER_CTX_free(d->ecb);
	d->ctx = NULL;
	d->ecb = NULL;
}

/* Chaining value of frame seq: E(nonce ^ seq). */
static int
dese_iv(struct dese_dir *d, uint16_t seq, uint8_t iv[8])
{
	uint8_t blk[8];
	int n = 0;

	memcpy(blk, d->nonce, 8);
	blk[6] ^= (uint8_t)(seq >> 8);
	blk[7] ^= (uint8_t)seq;
	if (EVP_CipherInit_ex(d->ecb, NULL, NULL, NULL, NULL, 1) != 1 ||
	    EVP_CipherUpdate(d->ecb, iv, &n, blk, 8) != 1 || n != 8)
		return -1;
	return 0;
}

static int
dese_run(struct dese_dir *d, const uint8_t iv[8], const uint8_t *in,
    size_t len, uint8_t *out)
{
	int n = 0;

	if (EVP_CipherInit_ex(d->ctx, NULL, NULL, NULL, iv, -1) != 1 ||
	    EVP_CipherUpdate(d->ctx, out, &n, in, (int)len) != 1 ||
	    (size_t)n != len)
		return -1;
	return 0;
}

int
dese_encode(struct dese_dir *d, uint16_t proto, const uint8_t *data,
    size_t len, uint8_t *out, size_t outmax)
{
	uint8_t plain[DESE_MAX + 16], iv[8];
	size_t plen, pad, i;

	if (d->ctx == NULL || len + 2 + 8 > DESE_MAX)
		return -1;
	plen = proto_field_put(plain, proto);
	memcpy(plain + plen, data, len);
	plen += len;
	pad = 8 - plen % 8;		/* 1..8: always self-describing */
	for (i = 0; i < pad; i++)
		plain[plen + i] = (uint8_t)(i + 1);
	plen += pad;
	if (plen + 2 > outmax || dese_iv(d, d->seq, iv) < 0 ||
	    dese_run(d, iv, plain, plen, out + 2) < 0) {
		d->st.errors++;
		return -1;
	}
	out[0] = (uint8_t)(d->seq >> 8);
	out[1] = (uint8_t)d->seq;
	d->seq++;
	d->st.frames++;
	d->st.octets_in += len;
	d->st.octets_out += plen + 2;
	return (int)(plen + 2);
}

int
dese_decode(struct dese_dir *d, const uint8_t *in, size_t len,
    uint16_t *proto, uint8_t *out, size_t outmax, size_t *olen)
{
	uint8_t plain[DESE_MAX], iv[8];
	size_t clen, hl, pad, i;
	uint16_t seq;

	if (d->ctx == NULL || len < 2 + 8 || (len - 2) % 8 != 0 ||
	    len - 2 > sizeof(plain))
		goto bad;
	seq = (uint16_t)(in[0] << 8 | in[1]);
	clen = len - 2;
	if (dese_iv(d, seq, iv) < 0 || dese_run(d, iv, in + 2, clen,
	    plain) < 0)
		goto bad;
	{
		pad = plain[clen - 1];
		if (pad >= 1 && pad <= 8 && pad < clen) {
			for (i = 0; i < pad; i++)
				if (plain[clen - pad + i] != i + 1)
					break;
			if (i == pad)
				clen -= pad;
		}
	}
	hl = proto_field_get(plain, clen, proto);
	if (hl == 0)
		goto bad;
	if (clen - hl > outmax)
		goto bad;
	memcpy(out, plain + hl, clen - hl);
	*olen = clen - hl;
	d->seq = (uint16_t)(seq + 1);
	d->st.frames++;
	d->st.octets_in += len;
	d->st.octets_out += *olen;
	return 0;
bad:
	d->st.errors++;
	return -1;
}

void
dese_key_from_string(const char *s, uint8_t key[8])
{
	uint8_t h[16];

	(void)msoft_md5(s, strlen(s), h);
	memcpy(key, h, 8);
	memset(h, 0, sizeof(h));
}
