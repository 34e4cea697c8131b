/*
 * totp.h: an admin's second factor, RFC 6238 one-time codes: 6 digits,
 * a 30-second step, HMAC-SHA1 (RFC 4226's truncation), a step either
 * side of the server's accepted, each step at most once (the caller
 * keeps the last step used). The 20-byte secret is shown once, as an
 * otpauth:// URI (for a QR code) and as RFC 4648 base32 text, and
 * stored sealed with AES-256-GCM under a key derived from the key ring,
 * bound to the user's name (as contact.c seals numbers).
 */
#ifndef TOTP_H
#define TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "token.h"

#define TOTP_SECRET_LEN	20
#define TOTP_DIGITS	6
#define TOTP_PERIOD	30	/* seconds per step */
#define TOTP_SKEW	1	/* steps accepted either side */
#define TOTP_B32_LEN	32	/* base32 characters of a secret */
#define TOTP_URI_MAX	256
#define TOTP_ISSUER	"hailong"
/* version, key id, iv, tag, the secret. */
#define TOTP_SEALED_LEN	(1 + 1 + CRYPTO_GCM_IV_LEN + CRYPTO_GCM_TAG_LEN + \
	    TOTP_SECRET_LEN)

/* RFC 4226's HOTP of counter under key, digits (6 to 8) long. */
uint32_t totp_hotp(const uint8_t *key, size_t keylen, uint64_t counter,
	    int digits);
/* The step of time t (seconds since 1970). */
uint64_t totp_step(int64_t t);
/*
 * A typed code s[0..len) (untrusted: exactly TOTP_DIGITS digits) checked
 * against secret at time now: the step it is for (within TOTP_SKEW of
 * now's) when that step is after last (0: none used yet), else -1 (not
 * a code, a wrong code, a code used already).
 */
int64_t	 totp_match(const uint8_t secret[TOTP_SECRET_LEN], int64_t now,
	    const char *s, size_t len, uint64_t last);
/* A fresh random secret. */
void	 totp_new(uint8_t secret[TOTP_SECRET_LEN]);
/* The secret as RFC 4648 base32 (no padding) and a NUL. */
void	 totp_base32(const uint8_t secret[TOTP_SECRET_LEN],
	    char out[TOTP_B32_LEN + 1]);
/* otpauth://totp/ISSUER:name?secret=...: 0, or -1 when it does not fit. */
int	 totp_uri(const char *name, const uint8_t secret[TOTP_SECRET_LEN],
	    char out[TOTP_URI_MAX + 1]);
/* Seals secret for the user name into out; 0, or -1 (no ring key). */
int	 totp_seal(const struct keyring *, const char *name,
	    const uint8_t secret[TOTP_SECRET_LEN], uint8_t out[TOTP_SEALED_LEN]);
/* Opens what totp_seal() wrote for name; 0, or -1 (wrong key or name,
 * damaged). */
int	 totp_open(const struct keyring *, const char *name, const uint8_t *in,
	    size_t len, uint8_t secret[TOTP_SECRET_LEN]);

#endif
