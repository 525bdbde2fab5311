/*
 * fuzz_http.c - libFuzzer target for the web interface's request path in
 * src/ctl/http.c: head framing, request parsing, and then everything the
 * server does with a parsed request (Basic credentials, query splitting,
 * URL decoding, and HTML / JSON escaping of the decoded commands).
 *
 * Checks beyond "no crash": slices stay inside the input, a head length
 * never exceeds the input, escaped output has exactly the announced
 * length, and decoding never yields more bytes than it consumed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_slice(struct http_slice s, const char *buf, size_t len)
{
	if (s.p == NULL)
		return;
	/* the only slice allowed outside the input is the static "/" */
	if (s.len == 1 && s.p[0] == '/' && (s.p < buf || s.p >= buf + len))
		return;
	if (s.p < buf || s.p + s.len > buf + len)
		abort();
}

static void
check_escapes(const char *s, size_t n)
{
	char *out;
	size_t need;

	need = http_html_escape(s, n, NULL, 0);
	if (need > n * 5)
		abort();
	out = malloc(need + 1);
	if (out == NULL)
		return;
	if (http_html_escape(s, n, out, need + 1) != need ||
	    strlen(out) > need)
		abort();
	free(out);

	need = http_json_escape(s, n, NULL, 0);
	if (need > n * 6)
		abort();
	out = malloc(need + 1);
	if (out == NULL)
		return;
	if (http_json_escape(s, n, out, need + 1) != need)
		abort();
	free(out);

	need = http_url_encode(s, n, NULL, 0);
	if (need > n * 3)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct http_request req;
	struct http_slice part;
	char user[64], pass[64], *dec;
	unsigned char raw[256];
	size_t hl, len, pos = 0;
	ssize_t dl;

	if (size > 4 * HTTP_MAX_HEAD)
		return 0;
	hl = http_head_length(buf, size);
	if (hl > size)
		abort();
	len = hl != 0 ? hl : size;
	if (http_parse_request(buf, len, &req) != 0)
		return 0;
	check_slice(req.method, buf, len);
	check_slice(req.target, buf, len);
	check_slice(req.path, buf, len);
	check_slice(req.query, buf, len);
	check_slice(req.authorization, buf, len);
	check_slice(req.host, buf, len);

	if (req.authorization.p != NULL)
		(void)http_basic_auth(req.authorization.p,
		    req.authorization.len, user, sizeof(user), pass,
		    sizeof(pass));
	if (req.host.p != NULL)
		(void)http_base64_decode(req.host.p, req.host.len, raw,
		    sizeof(raw));
	if (req.query.p == NULL)
		return 0;
	dec = malloc(req.query.len + 1);
	if (dec == NULL)
		return 0;
	while (http_query_next(req.query.p, req.query.len, &pos, &part)) {
		check_slice(part, req.query.p, req.query.len);
		if (part.len == 0)
			abort();
		dl = http_url_decode(part.p, part.len, dec, req.query.len + 1,
		    true);
		if (dl < 0)
			continue;
		if ((size_t)dl > part.len || strlen(dec) != (size_t)dl)
			abort();
		check_escapes(dec, (size_t)dl);
	}
	free(dec);
	return 0;
}
