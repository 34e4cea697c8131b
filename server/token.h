/*
 * token.h: ticket tokens and the server key ring.
 *
 * A token is TOKEN_LEN Crockford base32 characters of
 *   ticket id (TICKET_ID_LEN random bytes) | key id (1 byte) |
 *   HMAC-SHA256(key[kid], "t" | id | kid) truncated to TOKEN_TAG_LEN,
 * so a forged or mistyped token is rejected before any database read.
 * Decoding is case-insensitive (the QR code carries it in upper case) and
 * maps the look-alikes I, L to 1 and O to 0.
 *
 * The short code printed under the QR is the first CODE_BITS bits of the
 * ticket id in Crockford base32, shown as XXXXX-XXXXX; the store looks a
 * ticket up by that prefix.
 *
 * The key ring lives in <data>/server.key (mode 0600), one line per key:
 * "<kid> <64 hex chars>"; the last line is the key used for new tokens.
 */
#ifndef TOKEN_H
#define TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define TICKET_ID_LEN	10
#define TOKEN_TAG_LEN	9
#define TOKEN_RAW_LEN	(TICKET_ID_LEN + 1 + TOKEN_TAG_LEN)	/* 20 */
#define TOKEN_LEN	32	/* base32 characters of TOKEN_RAW_LEN bytes */
#define CODE_BITS	50
#define CODE_CHARS	10	/* base32 characters of CODE_BITS */
#define CODE_LEN	11	/* with the dash in the middle */
#define CODE_PREFIX_LEN	7	/* bytes of the id that hold CODE_BITS */
#define KEYRING_MAX	16
#define KEY_LEN		32
#define KEYRING_FILE_MAX 65536	/* bytes of server.key, comments included */
#define KEY_PREFIX	"hl_"
#define KEY_SECRET_BYTES 20	/* random bytes of an API key */
#define KEY_SECRET_LEN	(sizeof(KEY_PREFIX) - 1 + KEY_SECRET_BYTES * 8 / 5)

struct keyring {
	size_t	 n;
	uint8_t	 kid[KEYRING_MAX];
	uint8_t	 key[KEYRING_MAX][KEY_LEN];
	size_t	 current;	/* index of the key for new tokens */
	/* Keyed HMAC states made by keyring_load(); NULL: use key[] as is. */
	struct crypto_hmac *hk[KEYRING_MAX];
};

/*
 * Loads path, or creates it with one fresh key (mode 0600) when it does
 * not exist. Returns 0, or -1 with a reason (file, line, what) in why.
 */
int	 keyring_load(const char *path, struct keyring *,
	    char *why, size_t whylen);
void	 keyring_clear(struct keyring *);	/* zeroizes */

/*
 * A new API key (counter, viewer, admin or kiosk): KEY_PREFIX and
 * KEY_SECRET_BYTES random bytes in lower-case base32, and its SHA-256,
 * which is all the store keeps.
 */
void	 key_secret_new(char out[KEY_SECRET_LEN + 1], uint8_t hash[32]);

/* Writes TOKEN_LEN upper-case characters and a NUL to out. */
void	 token_encode(const struct keyring *, uint8_t kid,
	    const uint8_t id[TICKET_ID_LEN], char out[TOKEN_LEN + 1]);
/*
 * Checks s[0..len) (untrusted) and on success copies the ticket id to id.
 * Returns 0, or -1 for a wrong length or alphabet, an unknown key id or a
 * wrong tag (callers must not tell these apart to the client).
 */
int	 token_verify(const struct keyring *, const char *s, size_t len,
	    uint8_t id[TICKET_ID_LEN]);
/*
 * Writes the canonical spelling (what token_encode writes) of s[0..len),
 * a token token_verify accepted, without the HMAC: -1 if it is no token.
 */
int	 token_canon(const char *s, size_t len, char out[TOKEN_LEN + 1]);
/* Writes "XXXXX-XXXXX" and a NUL. */
void	 token_code(const uint8_t id[TICKET_ID_LEN], char out[CODE_LEN + 1]);
/*
 * Parses a typed code (untrusted; dashes and spaces ignored, any case)
 * into the first CODE_PREFIX_LEN bytes of an id, the bits past CODE_BITS
 * zero. Returns 0 or -1.
 */
int	 token_code_parse(const char *s, size_t len,
	    uint8_t prefix[CODE_PREFIX_LEN]);
/*
 * HMAC under the current key of unit | NUL | case reference: the case
 * number itself is never stored. Same inputs, same key ring: same hash.
 */
void	 token_case_hash(const struct keyring *, const char *unit,
	    const char *caseref, size_t caselen, uint8_t out[32]);

#endif
