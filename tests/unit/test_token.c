/* test_token.c: crypto primitives, tokens, codes, case hashes, key ring. */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "token.h"

static const char	 crock[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

struct fx {
	char		 dir[64];
	char		 path[128];
	struct keyring	 kr;
};

static int
setup(void **state)
{
	struct fx	*fx;
	char		 why[256];

	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	assert_int_equal(crypto_init(), 0);
	strcpy(fx->dir, "/tmp/hl-token-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/server.key", fx->dir);
	assert_int_equal(keyring_load(fx->path, &fx->kr, why, sizeof(why)),
	    0);
	*state = fx;
	return (0);
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;
	char		 cmd[160];

	keyring_clear(&fx->kr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return (0);
}

static uint8_t
cur_kid(const struct keyring *kr)
{
	return (kr->kid[kr->current]);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int	 fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	assert_true(fd != -1);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
test_crypto(void **state)
{
	static const uint8_t	 abc_sha[CRYPTO_HASH_LEN] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
		0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad };
	/* RFC 4231 test case 2. */
	static const uint8_t	 hmac2[CRYPTO_HASH_LEN] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e,
		0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
		0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
		0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43 };
	uint8_t			 h[CRYPTO_HASH_LEN], a[2000], b[2000];
	uint8_t			 z[16] = { 1, 2, 3 }, zero[16] = { 0 };

	(void)state;
	crypto_sha256("abc", 3, h);
	assert_memory_equal(h, abc_sha, sizeof(h));
	crypto_hmac_sha256((const uint8_t *)"Jefe", 4,
	    "what do ya want for nothing?", 28, h);
	assert_memory_equal(h, hmac2, sizeof(h));
	/* The precomputed HMAC is the same function, any key length. */
	{
		struct crypto_hmac	*hk;
		uint8_t			 h2[CRYPTO_HASH_LEN], key[100];
		size_t			 kl;

		hk = crypto_hmac_create((const uint8_t *)"Jefe", 4);
		crypto_hmac_run(hk, "what do ya want for nothing?", 28, h2);
		assert_memory_equal(h2, hmac2, sizeof(h2));
		crypto_hmac_free(hk);
		for (kl = 0; kl <= sizeof(key); kl += 7) {
			crypto_random(key, sizeof(key));
			crypto_random(a, 300);
			crypto_hmac_sha256(key, kl, a, kl * 3, h);
			hk = crypto_hmac_create(key, kl);
			crypto_hmac_run(hk, a, kl * 3, h2);
			crypto_hmac_run(hk, a, kl * 3, h2);	/* reusable */
			assert_memory_equal(h, h2, sizeof(h));
			crypto_hmac_free(hk);
		}
		crypto_hmac_free(NULL);
	}

	/* More than one DRBG request, two calls differ. */
	crypto_random(a, sizeof(a));
	crypto_random(b, sizeof(b));
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a + 1500, zero, sizeof(zero));

	assert_int_equal(crypto_equal(a, a, sizeof(a)), 1);
	memcpy(b, a, sizeof(a));
	b[1999] ^= 0x80;
	assert_int_equal(crypto_equal(a, b, sizeof(a)), 0);
	assert_int_equal(crypto_equal(a, b, 1999), 1);
	assert_int_equal(crypto_equal(a, b, 0), 1);

	crypto_zero(z, sizeof(z));
	assert_memory_equal(z, zero, sizeof(z));
}

static void
test_roundtrip(void **state)
{
	struct fx	*fx = *state;
	uint8_t		 id[TICKET_ID_LEN], got[TICKET_ID_LEN];
	char		 tok[TOKEN_LEN + 1], low[TOKEN_LEN + 1];
	char		 canon[TOKEN_LEN + 1];
	size_t		 i;
	int		 n;

	for (n = 0; n < 200; n++) {
		crypto_random(id, sizeof(id));
		token_encode(&fx->kr, cur_kid(&fx->kr), id, tok);
		assert_int_equal(strlen(tok), TOKEN_LEN);
		assert_int_equal(strspn(tok, crock), TOKEN_LEN);
		memset(got, 0, sizeof(got));
		assert_int_equal(token_verify(&fx->kr, tok, TOKEN_LEN, got), 0);
		assert_memory_equal(got, id, sizeof(id));

		/* Any case, and the look-alikes a person might type. */
		for (i = 0; i < TOKEN_LEN; i++) {
			low[i] = (char)tolower((unsigned char)tok[i]);
			if (tok[i] == '1')
				low[i] = i % 2 ? 'I' : 'l';
			else if (tok[i] == '0')
				low[i] = i % 2 ? 'O' : 'o';
		}
		low[TOKEN_LEN] = '\0';
		memset(got, 0, sizeof(got));
		assert_int_equal(token_verify(&fx->kr, low, TOKEN_LEN, got), 0);
		assert_memory_equal(got, id, sizeof(id));
		/* Spelt back as token_encode() spells it. */
		memset(canon, 'x', sizeof(canon));
		assert_int_equal(token_canon(low, TOKEN_LEN, canon), 0);
		assert_string_equal(canon, tok);
	}
	low[3] = 'U';
	assert_int_equal(token_canon(low, TOKEN_LEN, canon), -1);
	low[3] = '-';
	assert_int_equal(token_canon(low, TOKEN_LEN, canon), -1);
	assert_int_equal(token_canon(tok, TOKEN_LEN - 1, canon), -1);
	assert_int_equal(token_canon(NULL, 0, canon), -1);

	/* Only the first len bytes count. */
	token_encode(&fx->kr, cur_kid(&fx->kr), id, tok);
	memcpy(low, tok, sizeof(low));
	assert_int_equal(token_verify(&fx->kr, low, TOKEN_LEN - 1, got), -1);
	assert_int_equal(token_verify(&fx->kr, NULL, 0, got), -1);
}

/* Packs raw bytes into the token alphabet, as token_encode() does. */
static void
pack(const uint8_t raw[TOKEN_RAW_LEN], char out[TOKEN_LEN + 1])
{
	size_t	 i, j, bit;
	int	 v;

	for (i = 0; i < TOKEN_LEN; i++) {
		for (v = 0, j = 0; j < 5; j++) {
			bit = i * 5 + j;
			v = v << 1 | ((raw[bit / 8] >> (7 - bit % 8)) & 1);
		}
		out[i] = crock[v];
	}
	out[TOKEN_LEN] = '\0';
}

static void
unpack(const char *tok, uint8_t raw[TOKEN_RAW_LEN])
{
	size_t	 i, j, bit;
	int	 v;

	memset(raw, 0, TOKEN_RAW_LEN);
	for (i = 0; i < TOKEN_LEN; i++) {
		v = (int)(strchr(crock, tok[i]) - crock);
		for (j = 0; j < 5; j++) {
			bit = i * 5 + j;
			if (v & (0x10 >> j))
				raw[bit / 8] |= 0x80 >> (bit % 8);
		}
	}
}

static void
test_bitflips(void **state)
{
	struct fx	*fx = *state;
	uint8_t		 id[TICKET_ID_LEN], got[TICKET_ID_LEN];
	uint8_t		 raw[TOKEN_RAW_LEN], bad[TOKEN_RAW_LEN];
	char		 tok[TOKEN_LEN + 1], t2[TOKEN_LEN + 1];
	size_t		 bit;

	crypto_random(id, sizeof(id));
	token_encode(&fx->kr, cur_kid(&fx->kr), id, tok);
	unpack(tok, raw);
	assert_memory_equal(raw, id, TICKET_ID_LEN);
	assert_int_equal(raw[TICKET_ID_LEN], cur_kid(&fx->kr));
	pack(raw, t2);
	assert_string_equal(t2, tok);
	for (bit = 0; bit < TOKEN_RAW_LEN * 8; bit++) {
		memcpy(bad, raw, sizeof(raw));
		bad[bit / 8] ^= 0x80 >> (bit % 8);
		pack(bad, t2);
		assert_int_equal(token_verify(&fx->kr, t2, TOKEN_LEN, got), -1);
	}
}

static void
test_substitutions(void **state)
{
	struct fx	*fx = *state;
	uint8_t		 id[TICKET_ID_LEN], got[TICKET_ID_LEN];
	char		 tok[TOKEN_LEN + 1], t2[TOKEN_LEN + 1];
	size_t		 i;
	int		 c;

	crypto_random(id, sizeof(id));
	token_encode(&fx->kr, cur_kid(&fx->kr), id, tok);
	for (i = 0; i < TOKEN_LEN; i++) {
		for (c = 0; c < 256; c++) {
			memcpy(t2, tok, sizeof(t2));
			t2[i] = (char)c;
			/* Skip the same symbol in another spelling. */
			if (toupper(c) == tok[i] ||
			    (tok[i] == '1' && strchr("IiLl", c) && c) ||
			    (tok[i] == '0' && strchr("Oo", c) && c))
				continue;
			assert_int_equal(token_verify(&fx->kr, t2, TOKEN_LEN,
			    got), -1);
		}
	}
}

static void
test_lengths(void **state)
{
	struct fx	*fx = *state;
	uint8_t		 id[TICKET_ID_LEN], got[TICKET_ID_LEN], r[64];
	char		 s[65], *heap;
	size_t		 len, i;
	int		 n;

	for (n = 0; n < 20; n++) {
		for (len = 0; len <= 64; len++) {
			crypto_random(r, sizeof(r));
			for (i = 0; i < len; i++)
				s[i] = crock[r[i] & 31];
			/* Exact size: ASan catches a read past len. */
			heap = malloc(len > 0 ? len : 1);
			assert_non_null(heap);
			memcpy(heap, s, len);
			assert_int_equal(token_verify(&fx->kr, heap, len, got),
			    -1);
			free(heap);
		}
	}
	/* A valid token inside a longer string is still the wrong length. */
	crypto_random(id, sizeof(id));
	token_encode(&fx->kr, cur_kid(&fx->kr), id, s);
	s[TOKEN_LEN] = 'A';
	assert_int_equal(token_verify(&fx->kr, s, TOKEN_LEN + 1, got), -1);
	assert_int_equal(token_verify(&fx->kr, s, TOKEN_LEN, got), 0);
	heap = malloc(TOKEN_LEN);
	assert_non_null(heap);
	memcpy(heap, s, TOKEN_LEN);
	assert_int_equal(token_verify(&fx->kr, heap, TOKEN_LEN, got), 0);
	free(heap);
}

static void
test_unknown_kid(void **state)
{
	struct fx	*fx = *state;
	struct keyring	 two;
	uint8_t		 id[TICKET_ID_LEN], got[TICKET_ID_LEN];
	char		 tok[TOKEN_LEN + 1];

	/* Same key bytes under another kid: the kid is checked, not just
	 * the tag. */
	memset(&two, 0, sizeof(two));
	two.n = 1;
	two.kid[0] = (uint8_t)(cur_kid(&fx->kr) + 1);
	memcpy(two.key[0], fx->kr.key[fx->kr.current], KEY_LEN);
	crypto_random(id, sizeof(id));
	token_encode(&two, two.kid[0], id, tok);
	assert_int_equal(token_verify(&two, tok, TOKEN_LEN, got), 0);
	assert_int_equal(token_verify(&fx->kr, tok, TOKEN_LEN, got), -1);

	/* Same kid, another key: the tag fails. */
	two.kid[0] = cur_kid(&fx->kr);
	two.key[0][0] ^= 1;
	token_encode(&two, two.kid[0], id, tok);
	assert_int_equal(token_verify(&fx->kr, tok, TOKEN_LEN, got), -1);
	keyring_clear(&two);
}

static void
test_keyring_file(void **state)
{
	struct fx	*fx = *state;
	struct keyring	 again;
	struct stat	 st;
	uint8_t		 id[TICKET_ID_LEN], got[TICKET_ID_LEN];
	char		 tok[TOKEN_LEN + 1], t2[TOKEN_LEN + 1], why[256];
	size_t		 i;

	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(fx->kr.n, 1);
	assert_int_equal(fx->kr.current, 0);

	assert_int_equal(keyring_load(fx->path, &again, why, sizeof(why)), 0);
	assert_int_equal(again.n, 1);
	assert_int_equal(again.kid[0], fx->kr.kid[0]);
	assert_memory_equal(again.key[0], fx->kr.key[0], KEY_LEN);
	crypto_random(id, sizeof(id));
	token_encode(&fx->kr, cur_kid(&fx->kr), id, tok);
	token_encode(&again, cur_kid(&again), id, t2);
	assert_string_equal(tok, t2);
	assert_int_equal(token_verify(&again, tok, TOKEN_LEN, got), 0);
	assert_memory_equal(got, id, sizeof(id));

	keyring_clear(&again);
	for (i = 0; i < sizeof(again); i++)
		assert_int_equal(((uint8_t *)&again)[i], 0);
}

static void
test_keyring_rotation(void **state)
{
	struct fx	*fx = *state;
	struct keyring	 kr;
	uint8_t		 id[TICKET_ID_LEN], got[TICKET_ID_LEN];
	char		 path[160], tok[TOKEN_LEN + 1], why[256];
	char		 text[512];

	snprintf(path, sizeof(path), "%s/ring", fx->dir);
	snprintf(text, sizeof(text),
	    "# comment\n"
	    "7 %s\n"
	    "\n"
	    "200 %s",	/* no final newline */
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
	    "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");
	write_file(path, text, 0600);
	assert_int_equal(keyring_load(path, &kr, why, sizeof(why)), 0);
	assert_int_equal(kr.n, 2);
	assert_int_equal(kr.kid[0], 7);
	assert_int_equal(kr.kid[1], 200);
	assert_int_equal(kr.current, 1);
	assert_int_equal(kr.key[0][1], 0x11);
	assert_int_equal(kr.key[1][0], 0xff);

	/* Tokens under the old key still verify. */
	crypto_random(id, sizeof(id));
	token_encode(&kr, 7, id, tok);
	assert_int_equal(token_verify(&kr, tok, TOKEN_LEN, got), 0);
	assert_memory_equal(got, id, sizeof(id));
	keyring_clear(&kr);
}

static void
expect_bad(const char *path, const char *text, mode_t mode, const char *want)
{
	struct keyring	 kr;
	char		 why[256];
	size_t		 i;

	write_file(path, text, mode);
	memset(why, 0, sizeof(why));
	assert_int_equal(keyring_load(path, &kr, why, sizeof(why)), -1);
	if (strstr(why, want) == NULL)
		fail_msg("why \"%s\" lacks \"%s\"", why, want);
	for (i = 0; i < sizeof(kr); i++)
		assert_int_equal(((uint8_t *)&kr)[i], 0);
}

static void
test_keyring_bad(void **state)
{
	struct fx	*fx = *state;
	char		 path[160], want[200], text[512];
	char		 big[(KEYRING_MAX + 1) * 80];
	const char	*k = "00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff";
	const char	*K = "00112233445566778899AABBCCDDEEFF"
	    "00112233445566778899AABBCCDDEEFF";
	int		 i;

	snprintf(path, sizeof(path), "%s/server.key", fx->dir);

	snprintf(text, sizeof(text), "1 %s\n", k);
	expect_bad(path, text, 0640, "server.key: mode must be 0600");
	expect_bad(path, text, 0604, "server.key: mode must be 0600");

	snprintf(text, sizeof(text), "# c\n1 %s\n2 %.63s\n", k, k);
	snprintf(want, sizeof(want), "%s:3: key must be", path);
	expect_bad(path, text, 0600, want);

	snprintf(text, sizeof(text), "1 %s\n2 %.63sg\n", k, k);
	snprintf(want, sizeof(want), "%s:2: key must be", path);
	expect_bad(path, text, 0600, want);

	snprintf(text, sizeof(text), "1 %s\n", K);
	snprintf(want, sizeof(want), "%s:1: key must be", path);
	expect_bad(path, text, 0600, want);

	snprintf(text, sizeof(text), "1 %s0\n", k);
	expect_bad(path, text, 0600, want);

	snprintf(text, sizeof(text), "1  %s\n", k);
	expect_bad(path, text, 0600, want);

	snprintf(text, sizeof(text), "1 %s\r\n", k);
	expect_bad(path, text, 0600, want);

	snprintf(text, sizeof(text), "256 %s\n", k);
	snprintf(want, sizeof(want), "%s:1: key id", path);
	expect_bad(path, text, 0600, want);

	snprintf(text, sizeof(text), "\n\n-1 %s\n", k);
	snprintf(want, sizeof(want), "%s:3: key id", path);
	expect_bad(path, text, 0600, want);

	snprintf(text, sizeof(text), "x %s\n", k);
	snprintf(want, sizeof(want), "%s:1: key id", path);
	expect_bad(path, text, 0600, want);

	snprintf(text, sizeof(text), "%s\n", k);
	snprintf(want, sizeof(want), "%s:1: expected", path);
	expect_bad(path, text, 0600, want);

	snprintf(text, sizeof(text), "4 %s\n4 %s\n", k, k);
	snprintf(want, sizeof(want), "%s:2: duplicate", path);
	expect_bad(path, text, 0600, want);

	expect_bad(path, "# only a comment\n", 0600, "no key");
	expect_bad(path, "", 0600, "no key");

	big[0] = '\0';
	for (i = 0; i <= KEYRING_MAX; i++)
		snprintf(big + strlen(big), sizeof(big) - strlen(big),
		    "%d %s\n", i, k);
	snprintf(want, sizeof(want), "%s:%d: too many keys", path,
	    KEYRING_MAX + 1);
	expect_bad(path, big, 0600, want);
	unlink(path);
}

static void
test_code(void **state)
{
	uint8_t		 id[TICKET_ID_LEN], p[CODE_PREFIX_LEN];
	char		 code[CODE_LEN + 1], t[64];
	size_t		 i;
	int		 n;

	(void)state;
	for (n = 0; n < 200; n++) {
		crypto_random(id, sizeof(id));
		token_code(id, code);
		assert_int_equal(strlen(code), CODE_LEN);
		assert_int_equal(code[5], '-');
		assert_int_equal(strspn(code, crock), 5);
		assert_int_equal(strspn(code + 6, crock), 5);
		memset(p, 0xaa, sizeof(p));
		assert_int_equal(token_code_parse(code, CODE_LEN, p), 0);
		assert_memory_equal(p, id, 6);
		assert_int_equal(p[6], id[6] & 0xc0);

		/* Lower case, spaces, no dash. */
		for (i = 0; i < 10; i++) {
			t[2 * i] = (char)tolower(
			    (unsigned char)code[i < 5 ? i : i + 1]);
			t[2 * i + 1] = ' ';
		}
		memset(p, 0, sizeof(p));
		assert_int_equal(token_code_parse(t, 20, p), 0);
		assert_memory_equal(p, id, 6);
		assert_int_equal(p[6], id[6] & 0xc0);
	}
	memset(id, 0, sizeof(id));
	id[0] = 0x08;	/* first 5 bits 00001 */
	token_code(id, code);
	assert_string_equal(code, "10000-00000");
	assert_int_equal(token_code_parse("lOoO0-0o0O0", 11, p), 0);
	assert_memory_equal(p, id, CODE_PREFIX_LEN);
	assert_int_equal(token_code_parse("I0000 00000", 11, p), 0);
	assert_memory_equal(p, id, CODE_PREFIX_LEN);

	assert_int_equal(token_code_parse("ABCDE-FGHJ", 10, p), -1);
	assert_int_equal(token_code_parse("ABCDE-FGHJKM", 12, p), -1);
	assert_int_equal(token_code_parse("ABCDE-FGHJU", 11, p), -1);
	assert_int_equal(token_code_parse("ABCDE_FGHJK", 11, p), -1);
	assert_int_equal(token_code_parse("ABCDE-FGHJK", 10, p), -1);
	assert_int_equal(token_code_parse("", 0, p), -1);
	assert_int_equal(token_code_parse("----------", 10, p), -1);
	assert_int_equal(token_code_parse("ABCDE\0FGHJK", 11, p), -1);
	assert_int_equal(token_code_parse("ABCDEFGHJK", 10, p), 0);
}

static void
test_case_hash(void **state)
{
	struct fx	*fx = *state;
	struct keyring	 other;
	uint8_t		 a[32], b[32];

	token_case_hash(&fx->kr, "UBND-X", "HS-001", 6, a);
	token_case_hash(&fx->kr, "UBND-X", "HS-001", 6, b);
	assert_memory_equal(a, b, 32);
	token_case_hash(&fx->kr, "UBND-Y", "HS-001", 6, b);
	assert_memory_not_equal(a, b, 32);
	token_case_hash(&fx->kr, "UBND-X", "HS-002", 6, b);
	assert_memory_not_equal(a, b, 32);
	token_case_hash(&fx->kr, "UBND-X", "HS-0012", 6, b);
	assert_memory_equal(a, b, 32);	/* only caselen bytes count */
	/* The NUL separates unit from case: no shifting across it. */
	token_case_hash(&fx->kr, "UBND-XH", "S-001", 5, b);
	assert_memory_not_equal(a, b, 32);
	token_case_hash(&fx->kr, "UBND-X", "", 0, b);
	assert_memory_not_equal(a, b, 32);

	other = fx->kr;
	memset(other.hk, 0, sizeof(other.hk));	/* fx->kr owns them */
	other.key[other.current][31] ^= 1;
	token_case_hash(&other, "UBND-X", "HS-001", 6, b);
	assert_memory_not_equal(a, b, 32);
	keyring_clear(&other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crypto),
		cmocka_unit_test_setup_teardown(test_roundtrip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bitflips, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_substitutions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lengths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_kid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keyring_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keyring_rotation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keyring_bad, setup,
		    teardown),
		cmocka_unit_test(test_code),
		cmocka_unit_test_setup_teardown(test_case_hash, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
