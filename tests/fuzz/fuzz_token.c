#include <ctype.h>
#include <string.h>

#include "token.h"
#include "fuzz.h"

/*
 * fuzz_token.c: untrusted tokens and typed codes through token_verify()
 * and token_code_parse(), against a key ring made in memory; a token that
 * verifies must be the one token_encode() makes for its id and key, and a
 * code that parses must print and parse back to the same prefix. The
 * first bytes of every input also make a token that must verify, in
 * upper and lower case.
 * Trap: the keys are fixed, so seeds holding valid tokens stay valid.
 */

static struct keyring	 kr;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t	 i, j;

	(void)argc;
	(void)argv;
	memset(&kr, 0, sizeof(kr));
	kr.n = 3;
	for (i = 0; i < kr.n; i++) {
		kr.kid[i] = (uint8_t)(1 + i * 7);	/* 1, 8, 15 */
		for (j = 0; j < KEY_LEN; j++)
			kr.key[i][j] = (uint8_t)(i * 31 + j);
	}
	kr.current = kr.n - 1;
	return (0);
}

/* The canonical form of a token that decoded: upper case, look-alikes. */
static void
token_norm(const char *s, char out[TOKEN_LEN + 1])
{
	size_t	 i;
	int	 c;

	for (i = 0; i < TOKEN_LEN; i++) {
		c = toupper((unsigned char)s[i]);
		if (c == 'I' || c == 'L')
			c = '1';
		else if (c == 'O')
			c = '0';
		out[i] = (char)c;
	}
	out[TOKEN_LEN] = '\0';
}

static void
fuzz_verify(const char *s, size_t n)
{
	uint8_t	 id[TICKET_ID_LEN];
	char	 norm[TOKEN_LEN + 1], tok[TOKEN_LEN + 1];
	size_t	 i;
	int	 ok = 0;

	if (token_verify(&kr, s, n, id) == -1)
		return;
	FUZZ_CHECK(n == TOKEN_LEN);
	token_norm(s, norm);
	for (i = 0; i < kr.n; i++) {
		token_encode(&kr, kr.kid[i], id, tok);
		if (strcmp(tok, norm) == 0)
			ok = 1;
	}
	FUZZ_CHECK(ok);
}

static void
fuzz_code(const char *s, size_t n)
{
	uint8_t	 prefix[CODE_PREFIX_LEN], back[CODE_PREFIX_LEN];
	uint8_t	 id[TICKET_ID_LEN];
	char	 code[CODE_LEN + 1];

	if (token_code_parse(s, n, prefix) == -1)
		return;
	/* CODE_BITS = 50: the last prefix byte keeps its top 2 bits. */
	FUZZ_CHECK((prefix[CODE_PREFIX_LEN - 1] & 0x3f) == 0);
	memset(id, 0, sizeof(id));
	memcpy(id, prefix, CODE_PREFIX_LEN);
	token_code(id, code);
	FUZZ_CHECK(strlen(code) == CODE_LEN && code[CODE_CHARS / 2] == '-');
	FUZZ_CHECK(token_code_parse(code, CODE_LEN, back) == 0);
	FUZZ_CHECK(memcmp(prefix, back, CODE_PREFIX_LEN) == 0);
}

static void
fuzz_roundtrip(const uint8_t *data, size_t size)
{
	uint8_t	 id[TICKET_ID_LEN], got[TICKET_ID_LEN];
	char	 tok[TOKEN_LEN + 1];
	size_t	 i;

	if (size < TICKET_ID_LEN + 1)
		return;
	memcpy(id, data, TICKET_ID_LEN);
	token_encode(&kr, kr.kid[data[TICKET_ID_LEN] % kr.n], id, tok);
	FUZZ_CHECK(strlen(tok) == TOKEN_LEN);
	FUZZ_CHECK(token_verify(&kr, tok, TOKEN_LEN, got) == 0);
	FUZZ_CHECK(memcmp(id, got, TICKET_ID_LEN) == 0);
	for (i = 0; i < TOKEN_LEN; i++)
		tok[i] = (char)tolower((unsigned char)tok[i]);
	FUZZ_CHECK(token_verify(&kr, tok, TOKEN_LEN, got) == 0);
	FUZZ_CHECK(memcmp(id, got, TICKET_ID_LEN) == 0);
	FUZZ_CHECK(token_verify(&kr, tok, TOKEN_LEN - 1, got) == -1);
	/* One symbol changed: the tag must no longer match. */
	tok[0] = tok[0] == '0' ? '2' : '0';
	FUZZ_CHECK(token_verify(&kr, tok, TOKEN_LEN, got) == -1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_verify((const char *)data, size);
	fuzz_code((const char *)data, size);
	fuzz_roundtrip(data, size);
	return (0);
}
