/*
 * test_totp.c: one-time codes: RFC 6238's SHA1 test vectors (8 digits,
 * and their last 6 as the server asks), a step either side accepted and
 * no further, a step used refused, typed codes that are not 6 digits
 * refused; the base32 and otpauth:// forms of a secret (RFC 4648's test
 * strings); the sealed secret not in its bytes, opened only for its user
 * and its ring key.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "crypto.h"
#include "totp.h"

static const uint8_t	 rfc[TOTP_SECRET_LEN] = "12345678901234567890";

static void
test_rfc6238_vectors(void **state)
{
	static const struct {
		int64_t		 t;
		uint32_t	 code;
	} v[] = {
		{ 59, 94287082 },
		{ 1111111109, 7081804 },
		{ 1111111111, 14050471 },
		{ 1234567890, 89005924 },
		{ 2000000000, 69279037 },
		{ 20000000000LL, 65353130 },
	};
	char		 s[16];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(totp_hotp(rfc, sizeof(rfc),
		    totp_step(v[i].t), 8), v[i].code);
		assert_int_equal(totp_hotp(rfc, sizeof(rfc),
		    totp_step(v[i].t), 6), v[i].code % 1000000);
		snprintf(s, sizeof(s), "%06u", v[i].code % 1000000);
		assert_int_equal(totp_match(rfc, v[i].t, s, 6, 0),
		    (int64_t)totp_step(v[i].t));
	}
	/* RFC 4226's HOTP vectors, counters 0 and 9. */
	assert_int_equal(totp_hotp(rfc, sizeof(rfc), 0, 6), 755224);
	assert_int_equal(totp_hotp(rfc, sizeof(rfc), 9, 6), 520489);
}

static void
test_window_and_reuse(void **state)
{
	int64_t		 t = 1234567890;	/* step 41152263, 0 s into it */
	uint64_t	 st = totp_step(t);
	char		 prev[8], cur[8], next[8], far[8];

	(void)state;
	snprintf(prev, sizeof(prev), "%06u", totp_hotp(rfc, 20, st - 1, 6));
	snprintf(cur, sizeof(cur), "%06u", totp_hotp(rfc, 20, st, 6));
	snprintf(next, sizeof(next), "%06u", totp_hotp(rfc, 20, st + 1, 6));
	snprintf(far, sizeof(far), "%06u", totp_hotp(rfc, 20, st + 2, 6));
	assert_int_equal(totp_match(rfc, t, prev, 6, 0), (int64_t)st - 1);
	assert_int_equal(totp_match(rfc, t, cur, 6, 0), (int64_t)st);
	assert_int_equal(totp_match(rfc, t, next, 6, 0), (int64_t)st + 1);
	assert_int_equal(totp_match(rfc, t, far, 6, 0), -1);
	assert_int_equal(totp_match(rfc, t + 60, prev, 6, 0), -1);
	/* Used once: that step and any before it are refused. */
	assert_int_equal(totp_match(rfc, t, cur, 6, st), -1);
	assert_int_equal(totp_match(rfc, t, prev, 6, st), -1);
	assert_int_equal(totp_match(rfc, t, next, 6, st), (int64_t)st + 1);
	/* Not six digits. */
	assert_int_equal(totp_match(rfc, t, cur, 5, 0), -1);
	assert_int_equal(totp_match(rfc, t, "12345a", 6, 0), -1);
	assert_int_equal(totp_match(rfc, t, " 12345", 6, 0), -1);
	assert_int_equal(totp_match(rfc, t, "", 0, 0), -1);
	assert_int_equal(totp_match(rfc, t, "0050471", 7, 0), -1);
}

static void
test_base32_and_uri(void **state)
{
	char	 b32[TOTP_B32_LEN + 1], uri[TOTP_URI_MAX + 1];

	(void)state;
	totp_base32(rfc, b32);
	assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	assert_int_equal(totp_uri("an@b.vn", rfc, uri), 0);
	assert_string_equal(uri, "otpauth://totp/hailong:an%40b.vn?secret="
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=hailong&algorithm=SHA1"
	    "&digits=6&period=30");
}

static void
ring(struct keyring *kr, uint8_t kid, uint8_t fill)
{
	memset(kr, 0, sizeof(*kr));
	kr->n = 1;
	kr->kid[0] = kid;
	memset(kr->key[0], fill, KEY_LEN);
}

static void
test_seal_open(void **state)
{
	struct keyring	 kr, other;
	uint8_t		 b[TOTP_SEALED_LEN], out[TOTP_SECRET_LEN];

	(void)state;
	ring(&kr, 2, 0x42);
	assert_int_equal(totp_seal(&kr, "boss", rfc, b), 0);
	assert_null(memmem(b, sizeof(b), rfc, 8));
	assert_int_equal(totp_open(&kr, "boss", b, sizeof(b), out), 0);
	assert_memory_equal(out, rfc, sizeof(rfc));
	assert_int_equal(totp_open(&kr, "boss2", b, sizeof(b), out), -1);
	assert_int_equal(totp_open(&kr, "boss", b, sizeof(b) - 1, out), -1);
	ring(&other, 2, 0x43);
	assert_int_equal(totp_open(&other, "boss", b, sizeof(b), out), -1);
	ring(&other, 3, 0x42);
	assert_int_equal(totp_open(&other, "boss", b, sizeof(b), out), -1);
	b[sizeof(b) - 1] ^= 1;
	assert_int_equal(totp_open(&kr, "boss", b, sizeof(b), out), -1);
	kr.n = 0;
	assert_int_equal(totp_seal(&kr, "boss", rfc, b), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors),
		cmocka_unit_test(test_window_and_reuse),
		cmocka_unit_test(test_base32_and_uri),
		cmocka_unit_test(test_seal_open),
	};

	if (crypto_init() == -1)
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
