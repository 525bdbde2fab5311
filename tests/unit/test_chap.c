/*
 * test_chap.c - the authentication crypto against published vectors
 * (the .hex files in tests/vectors): CHAP-MD5 (RFC 1994), MS-CHAPv1 (RFC 2433 B.2),
 * MS-CHAPv2 (RFC 2759 9.2) and the MPPE keys (RFC 3079 3.5), plus the
 * MS-CHAP value layouts built from them.
 *
 * The CHAP-MD5 digest was cross-checked with Python:
 *   hashlib.md5(b"\x01" + b"sepp" + bytes.fromhex("102DB5DF085D3041"))
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "auth/auth_proto.h"
#include "auth/msoft.h"

#define MAXV	64

struct vec {
	char	name[32];
	uint8_t	val[MAXV];
	size_t	len;
};

static struct vec vecs[64];
static int nvecs;

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read "name HEX" lines (# comments) from tests/vectors/<file>. */
static void
load(const char *file)
{
	const char *dir = getenv("MPD_TEST_VECTORS");
	char path[512], line[512], hex[256];
	FILE *f;

	nvecs = 0;
	snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir :
	    "tests/vectors", file);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("can't open %s (run from the source tree)", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		struct vec *v = &vecs[nvecs];
		size_t i;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%31s %255s", v->name, hex) != 2)
			continue;
		v->len = strlen(hex) / 2;
		assert_true(v->len <= MAXV);
		for (i = 0; i < v->len; i++) {
			int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

			assert_true(hi >= 0 && lo >= 0);
			v->val[i] = (uint8_t)(hi << 4 | lo);
		}
		nvecs++;
	}
	fclose(f);
}

static const uint8_t *
vec(const char *name, size_t len)
{
	int i;

	for (i = 0; i < nvecs; i++)
		if (strcmp(vecs[i].name, name) == 0) {
			assert_int_equal(vecs[i].len, len);
			return vecs[i].val;
		}
	fail_msg("vector %s missing", name);
	return NULL;
}

/* A vector holding text, as a C string. */
static const char *
vstr(const char *name, char *buf, size_t size)
{
	int i;

	for (i = 0; i < nvecs; i++)
		if (strcmp(vecs[i].name, name) == 0) {
			assert_true(vecs[i].len < size);
			memcpy(buf, vecs[i].val, vecs[i].len);
			buf[vecs[i].len] = '\0';
			return buf;
		}
	fail_msg("vector %s missing", name);
	return NULL;
}

static void
test_chap_md5(void **state)
{
	uint8_t out[16];
	char secret[32];

	(void)state;
	load("chap_md5.hex");
	assert_int_equal(msoft_chap_md5(vec("id", 1)[0],
	    vstr("secret", secret, sizeof(secret)), vec("challenge", 8), 8,
	    out), 0);
	assert_memory_equal(out, vec("response", 16), 16);
	/* the identifier takes part */
	assert_int_equal(msoft_chap_md5(2, secret, vec("challenge", 8), 8,
	    out), 0);
	assert_memory_not_equal(out, vec("response", 16), 16);
}

static void
test_mschap_v1(void **state)
{
	uint8_t hash[16], resp[24], value[49], key[16];
	struct mschap_v1_resp r;
	char pw[32];

	(void)state;
	load("mschapv1.hex");
	assert_int_equal(msoft_nt_password_hash(vstr("password", pw,
	    sizeof(pw)), hash), 0);
	assert_memory_equal(hash, vec("nt_hash", 16), 16);
	assert_int_equal(msoft_challenge_response(vec("challenge", 8), hash,
	    resp), 0);
	assert_memory_equal(resp, vec("nt_response", 24), 24);

	/* the 49-byte Response value around it (RFC 2433 3) */
	mschap_v1_build_resp(value, resp);
	assert_int_equal(mschap_v1_parse_resp(value, 49, &r), 0);
	assert_int_equal(r.use_nt, 1);
	assert_memory_equal(r.nt, vec("nt_response", 24), 24);
	assert_int_equal(mschap_v1_parse_resp(value, 48, &r), -1);

	/* RFC 3079 2.4 start key */
	assert_int_equal(msoft_v1_start_key(vec("challenge", 8),
	    vec("v1_hash_hash", 16), key), 0);
	assert_memory_equal(key, vec("v1_start_key", 16), 16);
}

static void
test_mschap_v2(void **state)
{
	uint8_t hash[16], hh[16], chal[8], resp[24], ar[20], value[49];
	uint8_t parsed[20];
	struct mschap_v2_resp r;
	char user[16], pw[32], s[43], msg[64];

	(void)state;
	load("mschapv2.hex");
	vstr("user", user, sizeof(user));
	vstr("password", pw, sizeof(pw));

	assert_int_equal(msoft_challenge_hash(vec("peer_challenge", 16),
	    vec("auth_challenge", 16), user, chal), 0);
	assert_memory_equal(chal, vec("challenge", 8), 8);
	assert_int_equal(msoft_nt_password_hash(pw, hash), 0);
	assert_memory_equal(hash, vec("nt_hash", 16), 16);
	assert_int_equal(msoft_hash_nt_password_hash(hash, hh), 0);
	assert_memory_equal(hh, vec("nt_hash_hash", 16), 16);
	assert_int_equal(msoft_generate_nt_response(vec("auth_challenge", 16),
	    vec("peer_challenge", 16), user, hash, resp), 0);
	assert_memory_equal(resp, vec("nt_response", 24), 24);
	assert_int_equal(msoft_generate_auth_response(hash, resp,
	    vec("peer_challenge", 16), vec("auth_challenge", 16), user, ar),
	    0);
	assert_memory_equal(ar, vec("auth_response", 20), 20);
	msoft_auth_response_string(ar, s);
	assert_string_equal(s, "S=407A5589115FD0D6209F510FE9C04566932CDA56");

	/* the Success message parses back, with or without " M=" */
	assert_int_equal(mschap_v2_parse_success((const uint8_t *)s,
	    strlen(s), parsed), 0);
	assert_memory_equal(parsed, ar, 20);
	snprintf(msg, sizeof(msg), "%s M=Welcome", s);
	assert_int_equal(mschap_v2_parse_success((const uint8_t *)msg,
	    strlen(msg), parsed), 0);
	assert_memory_equal(parsed, ar, 20);
	/* lower-case hex is fine, a short or bad one is not */
	msg[5] = 'a';
	msg[4] = '7';
	assert_int_equal(mschap_v2_parse_success((const uint8_t *)msg, 42,
	    parsed), 0);
	assert_int_equal(mschap_v2_parse_success((const uint8_t *)s, 41,
	    parsed), -1);
	msg[10] = 'x';
	assert_int_equal(mschap_v2_parse_success((const uint8_t *)msg, 42,
	    parsed), -1);
	assert_int_equal(mschap_v2_parse_success((const uint8_t *)"S=",
	    2, parsed), -1);

	/* the Response value (RFC 2759 4) */
	mschap_v2_build_resp(value, vec("peer_challenge", 16), resp);
	assert_int_equal(mschap_v2_parse_resp(value, 49, &r), 0);
	assert_memory_equal(r.peer_chal, vec("peer_challenge", 16), 16);
	assert_memory_equal(r.nt, resp, 24);
	assert_int_equal(r.flags, 0);
	assert_int_equal(mschap_v2_parse_resp(value, 50, &r), -1);

	/* a domain prefix does not take part in the hash */
	assert_string_equal(msoft_user_part("CORP\\User"), "User");
	assert_string_equal(msoft_user_part("a\\b\\User"), "User");
	assert_string_equal(msoft_user_part("User"), "User");
}

static void
test_mppe_keys(void **state)
{
	uint8_t master[16], send[16], recv[16], sess[16], k8[8];

	(void)state;
	load("mschapv2.hex");
	assert_int_equal(msoft_get_master_key(vec("nt_hash_hash", 16),
	    vec("nt_response", 24), master), 0);
	load("mppe.hex");
	assert_memory_equal(master, vec("master_key", 16), 16);

	/* server: send with Magic3, receive with Magic2 */
	assert_int_equal(msoft_get_asymmetric_start_key(master, send, 16,
	    true, true), 0);
	assert_memory_equal(send, vec("server_send_start_128", 16), 16);
	assert_int_equal(msoft_get_asymmetric_start_key(master, recv, 16,
	    false, true), 0);
	assert_memory_equal(recv, vec("server_recv_start_128", 16), 16);
	/* client: the mirror image */
	assert_int_equal(msoft_get_asymmetric_start_key(master, sess, 16,
	    false, false), 0);
	assert_memory_equal(sess, send, 16);
	assert_int_equal(msoft_get_asymmetric_start_key(master, sess, 16,
	    true, false), 0);
	assert_memory_equal(sess, recv, 16);

	/* the first session key is GetNewKeyFromSHA(start, start) */
	assert_int_equal(msoft_get_new_key_from_sha(send, send, 16, sess), 0);
	assert_memory_equal(sess, vec("send_session_128", 16), 16);
	/* 40-bit: 8-byte start key; the salted first 3 bytes are not ours */
	assert_int_equal(msoft_get_asymmetric_start_key(master, k8, 8, true,
	    true), 0);
	assert_memory_equal(k8, vec("server_send_start_128", 16), 8);
	assert_int_equal(msoft_get_new_key_from_sha(k8, k8, 8, k8), 0);
	assert_memory_equal(k8 + 3, vec("send_session_40", 8) + 3, 5);
}

static void
test_nt_hash_edges(void **state)
{
	static const uint8_t empty[16] = {
		0x31, 0xd6, 0xcf, 0xe0, 0xd1, 0x6a, 0xe9, 0x31,
		0xb7, 0x3c, 0x59, 0xd7, 0xe0, 0xc0, 0x89, 0xc0,
	};
	uint8_t h[16], h2[16];
	char longpw[400];

	(void)state;
	/* MD4 of nothing: the well-known hash of an empty password */
	assert_int_equal(msoft_nt_password_hash("", h), 0);
	assert_memory_equal(h, empty, 16);
	/* only the first 256 characters count (RFC 2759) */
	memset(longpw, 'x', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	assert_int_equal(msoft_nt_password_hash(longpw, h), 0);
	longpw[256] = '\0';
	assert_int_equal(msoft_nt_password_hash(longpw, h2), 0);
	assert_memory_equal(h, h2, 16);
}

static int
setup(void **state)
{
	(void)state;
	return msoft_init();
}

static int
teardown(void **state)
{
	(void)state;
	msoft_fini();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chap_md5),
		cmocka_unit_test(test_mschap_v1),
		cmocka_unit_test(test_mschap_v2),
		cmocka_unit_test(test_mppe_keys),
		cmocka_unit_test(test_nt_hash_edges),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
