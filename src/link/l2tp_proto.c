/*
 * l2tp_proto.c - L2TPv2 wire codec (RFC 2661 3.1 header, 4.1 AVP format,
 * 4.3 hidden AVPs, 4.4 AVP values, 5.1.1 tunnel authentication).
 * Contracts are in l2tp_proto.h.
 */
#include "l2tp_proto.h"

#include <string.h>

#include "../auth/msoft.h"
#include "../core/bytes.h"

int
l2tp_hdr_parse(const uint8_t *p, size_t len, struct l2tp_hdr *h)
{
	size_t o = 2;
	uint16_t f;

	memset(h, 0, sizeof(*h));
	if (len < 6)
		return L2TP_E_SHORT;
	f = bytes_rd16(p);
	if ((f & L2TP_HDR_VER) != L2TP_VERSION)
		return L2TP_E_VERSION;
	h->ctrl = (f & L2TP_HDR_T) != 0;
	h->has_len = (f & L2TP_HDR_L) != 0;
	h->has_seq = (f & L2TP_HDR_S) != 0;
	h->prio = (f & L2TP_HDR_P) != 0;
	if (h->ctrl && (!h->has_len || !h->has_seq || (f & L2TP_HDR_O)))
		return L2TP_E_FLAGS;
	if (h->has_len) {
		h->length = bytes_rd16(p + o);
		o += 2;
	}
	if (len < o + 4)
		return L2TP_E_SHORT;
	h->tid = bytes_rd16(p + o);
	h->sid = bytes_rd16(p + o + 2);
	o += 4;
	if (h->has_seq) {
		if (len < o + 4)
			return L2TP_E_SHORT;
		h->ns = bytes_rd16(p + o);
		h->nr = bytes_rd16(p + o + 2);
		o += 4;
	}
	if (f & L2TP_HDR_O) {
		if (len < o + 2)
			return L2TP_E_SHORT;
		o += 2 + (size_t)bytes_rd16(p + o);
	}
	h->end = len;
	if (h->has_len) {
		if (h->length > len || h->length < o)
			return L2TP_E_LENGTH;
		h->end = h->length;
	}
	if (o > h->end)
		return L2TP_E_SHORT;
	h->off = o;
	return L2TP_OK;
}

size_t
l2tp_data_hdr(uint8_t *out, bool with_len, bool with_seq, uint16_t tid,
    uint16_t sid, uint16_t ns, uint16_t nr, size_t payload_len)
{
	uint16_t f = L2TP_VERSION;
	size_t o = 2, hlen;

	hlen = 6 + (with_len ? 2 : 0) + (with_seq ? 4 : 0);
	if (with_len) {
		f |= L2TP_HDR_L;
		bytes_wr16(out + o, (uint16_t)(hlen + payload_len));
		o += 2;
	}
	if (with_seq)
		f |= L2TP_HDR_S;
	bytes_wr16(out, f);
	bytes_wr16(out + o, tid);
	bytes_wr16(out + o + 2, sid);
	o += 4;
	if (with_seq) {
		bytes_wr16(out + o, ns);
		bytes_wr16(out + o + 2, nr);
		o += 4;
	}
	return o;
}

/* ---- hidden AVPs (RFC 2661 4.3) ---- */

/*
 * XOR data with the hiding chain: b1 = MD5(type, secret, RV), then
 * b(i) = MD5(secret, c(i-1)) where c is the hidden (ciphertext) block.
 * reveal selects whether data is ciphertext (true) or plaintext.
 */
static void
l2tp_hide_chain(uint16_t type, const char *secret, const uint8_t *rv,
    size_t rvlen, const uint8_t *in, uint8_t *out, size_t n, bool reveal)
{
	uint8_t tb[2], b[16];
	const uint8_t *prev = NULL;
	size_t i, j, k;

	bytes_wr16(tb, type);
	for (i = 0; i < n; i += 16) {
		if (i == 0) {
			const void *parts[3] = { tb, secret, rv };
			size_t lens[3] = { 2, strlen(secret), rvlen };

			(void)msoft_md5v(parts, lens, 3, b);
		} else {
			const void *parts[2] = { secret, prev };
			size_t lens[2] = { strlen(secret), 16 };

			(void)msoft_md5v(parts, lens, 2, b);
		}
		k = n - i < 16 ? n - i : 16;
		/* the chain continues from the ciphertext block */
		prev = reveal ? in + i : out + i;
		for (j = 0; j < k; j++)
			out[i + j] = in[i + j] ^ b[j];
	}
}

size_t
l2tp_hide(uint16_t type, const char *secret, const uint8_t *rv, size_t rvlen,
    const uint8_t *val, size_t vlen, size_t pad, uint8_t *out, size_t cap)
{
	uint8_t plain[1024];
	size_t n = 2 + vlen + pad;

	if (n > cap || n > sizeof(plain) || vlen > 0xffff)
		return 0;
	bytes_wr16(plain, (uint16_t)vlen);
	if (vlen > 0)
		memcpy(plain + 2, val, vlen);
	memset(plain + 2 + vlen, 0, pad);
	l2tp_hide_chain(type, secret, rv, rvlen, plain, out, n, false);
	return n;
}

int
l2tp_reveal(uint16_t type, const char *secret, const uint8_t *rv,
    size_t rvlen, const uint8_t *hid, size_t hlen, uint8_t *out, size_t cap)
{
	uint8_t plain[1024];
	size_t vlen;

	if (hlen < 2 || hlen > sizeof(plain))
		return -1;
	l2tp_hide_chain(type, secret, rv, rvlen, hid, plain, hlen, true);
	vlen = bytes_rd16(plain);
	if (vlen > hlen - 2 || vlen > cap)
		return -1;
	memcpy(out, plain + 2, vlen);
	return (int)vlen;
}

void
l2tp_chal_response(uint8_t msg_type, const char *secret, const uint8_t *chal,
    size_t chal_len, uint8_t out[16])
{
	const void *parts[3] = { &msg_type, secret, chal };
	size_t lens[3] = { 1, strlen(secret), chal_len };

	(void)msoft_md5v(parts, lens, 3, out);
}

/* ---- AVP list ---- */

/* Store one known AVP's value; L2TP_E_VALUE when malformed. */
static int
l2tp_avp_store(struct l2tp_msg *m, uint16_t type, const uint8_t *v, size_t n)
{
	struct l2tp_blob b = { v, n };

	switch (type) {
	case L2TP_AVP_MSG_TYPE:
		if (n != 2)
			return L2TP_E_VALUE;
		m->type = bytes_rd16(v);
		break;
	case L2TP_AVP_RESULT:
		if (n < 2)
			return L2TP_E_VALUE;
		m->result = bytes_rd16(v);
		if (n == 3)
			return L2TP_E_VALUE;
		if (n >= 4) {
			m->error = bytes_rd16(v + 2);
			m->errmsg.p = v + 4;
			m->errmsg.len = n - 4;
		}
		break;
	case L2TP_AVP_PROTO_VER:
		if (n != 2)
			return L2TP_E_VALUE;
		m->proto_ver = bytes_rd16(v);
		break;
	case L2TP_AVP_FRAMING_CAP:
	case L2TP_AVP_BEARER_CAP:
	case L2TP_AVP_SERIAL:
	case L2TP_AVP_MIN_BPS:
	case L2TP_AVP_MAX_BPS:
	case L2TP_AVP_BEARER_TYPE:
	case L2TP_AVP_FRAMING_TYPE:
	case L2TP_AVP_TX_SPEED:
	case L2TP_AVP_RX_SPEED:
		if (n != 4)
			return L2TP_E_VALUE;
		if (type == L2TP_AVP_FRAMING_CAP)
			m->framing_cap = bytes_rd32(v);
		else if (type == L2TP_AVP_BEARER_CAP)
			m->bearer_cap = bytes_rd32(v);
		else if (type == L2TP_AVP_SERIAL)
			m->serial = bytes_rd32(v);
		else if (type == L2TP_AVP_MIN_BPS)
			m->min_bps = bytes_rd32(v);
		else if (type == L2TP_AVP_MAX_BPS)
			m->max_bps = bytes_rd32(v);
		else if (type == L2TP_AVP_BEARER_TYPE)
			m->bearer_type = bytes_rd32(v);
		else if (type == L2TP_AVP_FRAMING_TYPE)
			m->framing_type = bytes_rd32(v);
		else if (type == L2TP_AVP_TX_SPEED)
			m->tx_speed = bytes_rd32(v);
		else
			m->rx_speed = bytes_rd32(v);
		break;
	case L2TP_AVP_TIE_BREAKER:
		if (n != 8)
			return L2TP_E_VALUE;
		memcpy(m->tie_breaker, v, 8);
		break;
	case L2TP_AVP_FIRMWARE:
		if (n != 2)
			return L2TP_E_VALUE;
		m->firmware = bytes_rd16(v);
		break;
	case L2TP_AVP_HOST_NAME:
		if (n == 0)
			return L2TP_E_VALUE;
		m->host_name = b;
		break;
	case L2TP_AVP_VENDOR_NAME:
		m->vendor_name = b;
		break;
	case L2TP_AVP_TUNNEL_ID:
	case L2TP_AVP_RWIN:
	case L2TP_AVP_SESSION_ID:
		if (n != 2)
			return L2TP_E_VALUE;
		if (type == L2TP_AVP_TUNNEL_ID)
			m->tunnel_id = bytes_rd16(v);
		else if (type == L2TP_AVP_RWIN)
			m->rwin = bytes_rd16(v);
		else
			m->session_id = bytes_rd16(v);
		break;
	case L2TP_AVP_CHALLENGE:
		if (n == 0)
			return L2TP_E_VALUE;
		m->challenge = b;
		break;
	case L2TP_AVP_CHAL_RESP:
		if (n != 16)
			return L2TP_E_VALUE;
		memcpy(m->chal_resp, v, 16);
		break;
	case L2TP_AVP_CALLED:
		m->called = b;
		break;
	case L2TP_AVP_CALLING:
		m->calling = b;
		break;
	case L2TP_AVP_SUB_ADDR:
		m->sub_addr = b;
		break;
	case L2TP_AVP_RANDOM:
		if (n == 0)
			return L2TP_E_VALUE;
		break;
	default:
		/* known to RFC 2661 but carried without interpretation */
		break;
	}
	if (type < 64)
		m->present |= 1ull << type;
	return L2TP_OK;
}

/* AVP types this codec knows (RFC 2661 4.4; 20 is unassigned). */
static bool
l2tp_avp_known(uint16_t type)
{
	return type <= L2TP_AVP_MAX_KNOWN && type != 20;
}

int
l2tp_msg_parse(const uint8_t *p, size_t len, const char *secret,
    struct l2tp_msg *m)
{
	const uint8_t *rv = NULL, *v;
	size_t rvlen = 0, o = 0, n;
	uint16_t f, vendor, type, alen;
	bool mand, first = true;
	int r, vl;

	memset(m, 0, offsetof(struct l2tp_msg, reveal));
	m->reveal_used = 0;
	if (secret == NULL)
		secret = "";
	while (o < len) {
		if (len - o < L2TP_AVP_HLEN)
			return L2TP_E_AVP;
		f = bytes_rd16(p + o);
		alen = f & L2TP_AVP_LEN;
		if (alen < L2TP_AVP_HLEN || alen > len - o)
			return L2TP_E_AVP;
		mand = (f & L2TP_AVP_M) != 0;
		vendor = bytes_rd16(p + o + 2);
		type = bytes_rd16(p + o + 4);
		v = p + o + L2TP_AVP_HLEN;
		n = alen - L2TP_AVP_HLEN;
		o += alen;
		if (first) {
			/* RFC 2661 4.4.1: first, never hidden, mandatory */
			if (vendor != 0 || type != L2TP_AVP_MSG_TYPE ||
			    (f & L2TP_AVP_H))
				return L2TP_E_MSGTYPE;
			first = false;
		}
		/* vendor AVPs, reserved bits or unknown types */
		if (vendor != 0 || (f & L2TP_AVP_RSVD) ||
		    !l2tp_avp_known(type)) {
			if (mand) {
				m->unknown_type = type;
				return L2TP_E_MANDATORY;
			}
			continue;
		}
		if (f & L2TP_AVP_H) {
			if (rv == NULL || secret[0] == '\0' ||
			    type == L2TP_AVP_RANDOM) {
				if (mand)
					return L2TP_E_HIDDEN;
				continue;
			}
			vl = l2tp_reveal(type, secret, rv, rvlen, v, n,
			    m->reveal + m->reveal_used,
			    sizeof(m->reveal) - m->reveal_used);
			if (vl < 0) {
				if (mand)
					return L2TP_E_HIDDEN;
				continue;
			}
			v = m->reveal + m->reveal_used;
			n = (size_t)vl;
			m->reveal_used += n;
			m->hidden_count++;
		}
		if (type == L2TP_AVP_RANDOM) {
			rv = v;
			rvlen = n;
		}
		r = l2tp_avp_store(m, type, v, n);
		if (r != L2TP_OK)
			return r;
	}
	return L2TP_OK;
}

/* ---- writer ---- */

void
l2tp_wr_init(struct l2tp_wr *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = L2TP_CTRL_HLEN;
	w->err = cap < L2TP_CTRL_HLEN;
}

/* Room for an AVP of value length n; its start or NULL (err set). */
static uint8_t *
l2tp_wr_room(struct l2tp_wr *w, uint16_t flags, uint16_t type, size_t n)
{
	uint8_t *p;

	if (w->err || n > L2TP_AVP_LEN - L2TP_AVP_HLEN ||
	    w->cap - w->len < L2TP_AVP_HLEN + n) {
		w->err = true;
		return NULL;
	}
	p = w->buf + w->len;
	bytes_wr16(p, (uint16_t)(flags | (L2TP_AVP_HLEN + n)));
	bytes_wr16(p + 2, 0);
	bytes_wr16(p + 4, type);
	w->len += L2TP_AVP_HLEN + n;
	return p + L2TP_AVP_HLEN;
}

void
l2tp_wr_avp(struct l2tp_wr *w, bool mandatory, uint16_t type,
    const void *val, size_t vlen)
{
	uint8_t *p = l2tp_wr_room(w, mandatory ? L2TP_AVP_M : 0, type, vlen);

	if (p != NULL && vlen > 0)
		memcpy(p, val, vlen);
}

void
l2tp_wr_u16(struct l2tp_wr *w, bool mandatory, uint16_t type, uint16_t v)
{
	uint8_t b[2];

	bytes_wr16(b, v);
	l2tp_wr_avp(w, mandatory, type, b, 2);
}

void
l2tp_wr_u32(struct l2tp_wr *w, bool mandatory, uint16_t type, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		(uint8_t)(v >> 8), (uint8_t)v };

	l2tp_wr_avp(w, mandatory, type, b, 4);
}

void
l2tp_wr_hidden(struct l2tp_wr *w, bool mandatory, uint16_t type,
    const void *val, size_t vlen, const char *secret, const uint8_t *rv,
    size_t rvlen)
{
	uint8_t h[1024];
	size_t n;
	uint8_t *p;

	n = l2tp_hide(type, secret, rv, rvlen, val, vlen, 0, h, sizeof(h));
	if (n == 0) {
		w->err = true;
		return;
	}
	p = l2tp_wr_room(w, (uint16_t)((mandatory ? L2TP_AVP_M : 0) |
	    L2TP_AVP_H), type, n);
	if (p != NULL)
		memcpy(p, h, n);
}

void
l2tp_wr_result(struct l2tp_wr *w, uint16_t result, uint16_t error,
    const char *msg)
{
	uint8_t b[4 + 128];
	size_t n = 2, ml = msg != NULL ? strlen(msg) : 0;

	if (ml > 128)
		ml = 128;
	bytes_wr16(b, result);
	if (error != 0 || ml > 0) {
		bytes_wr16(b + 2, error);
		if (ml > 0)
			memcpy(b + 4, msg, ml);
		n = 4 + ml;
	}
	l2tp_wr_avp(w, true, L2TP_AVP_RESULT, b, n);
}

size_t
l2tp_wr_finish(struct l2tp_wr *w, uint16_t tid, uint16_t sid, uint16_t ns,
    uint16_t nr)
{
	if (w->err || w->len > 0xffff)
		return 0;
	bytes_wr16(w->buf, L2TP_HDR_T | L2TP_HDR_L | L2TP_HDR_S | L2TP_VERSION);
	bytes_wr16(w->buf + 2, (uint16_t)w->len);
	bytes_wr16(w->buf + 4, tid);
	bytes_wr16(w->buf + 6, sid);
	bytes_wr16(w->buf + 8, ns);
	bytes_wr16(w->buf + 10, nr);
	return w->len;
}

const char *
l2tp_msg_name(uint16_t type)
{
	static const char *const names[] = {
		[L2TP_SCCRQ] = "SCCRQ", [L2TP_SCCRP] = "SCCRP",
		[L2TP_SCCCN] = "SCCCN", [L2TP_STOPCCN] = "StopCCN",
		[L2TP_HELLO] = "HELLO", [L2TP_OCRQ] = "OCRQ",
		[L2TP_OCRP] = "OCRP", [L2TP_OCCN] = "OCCN",
		[L2TP_ICRQ] = "ICRQ", [L2TP_ICRP] = "ICRP",
		[L2TP_ICCN] = "ICCN", [L2TP_CDN] = "CDN",
		[L2TP_WEN] = "WEN", [L2TP_SLI] = "SLI",
	};

	if (type == 0)
		return "ZLB";
	if (type < sizeof(names) / sizeof(names[0]) && names[type] != NULL)
		return names[type];
	return "UNKNOWN";
}
