/*
 * totp.c: RFC 6238 one-time codes, their secrets shown and sealed
 * (totp.h).
 * Traps: the base32 here is RFC 4648's (what authenticator apps read),
 * not the Crockford alphabet of tokens (base32.c); a secret opened for a
 * check is zeroed by the caller as soon as the check is done.
 */
#include <stdio.h>
#include <string.h>

#include "totp.h"
#include "util.h"

#define TOTP_VERSION	1

uint32_t
totp_hotp(const uint8_t *key, size_t keylen, uint64_t counter, int digits)
{
	uint8_t		 msg[8], mac[CRYPTO_SHA1_LEN];
	uint32_t	 bin, mod = 1;
	int		 i, off;

	for (i = 7; i >= 0; i--) {
		msg[i] = (uint8_t)(counter & 0xff);
		counter >>= 8;
	}
	crypto_hmac_sha1(key, keylen, msg, sizeof(msg), mac);
	off = mac[CRYPTO_SHA1_LEN - 1] & 0x0f;
	bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
	    (uint32_t)mac[off + 2] << 8 | (uint32_t)mac[off + 3];
	for (i = 0; i < digits; i++)
		mod *= 10;
	crypto_zero(mac, sizeof(mac));
	return (bin % mod);
}

uint64_t
totp_step(int64_t t)
{
	return (t < 0 ? 0 : (uint64_t)t / TOTP_PERIOD);
}

int64_t
totp_match(const uint8_t secret[TOTP_SECRET_LEN], int64_t now,
    const char *s, size_t len, uint64_t last)
{
	uint64_t	 step = totp_step(now), st;
	uint32_t	 want = 0;
	int64_t		 found = -1;
	size_t		 i;
	int		 d;

	if (len != TOTP_DIGITS)
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		want = want * 10 + (uint32_t)(s[i] - '0');
	}
	/* Every step of the window is computed: the same work whatever
	 * the code. */
	for (d = -TOTP_SKEW; d <= TOTP_SKEW; d++) {
		if (d < 0 && step < (uint64_t)-d)
			continue;
		st = step + (uint64_t)(int64_t)d;
		if (totp_hotp(secret, TOTP_SECRET_LEN, st, TOTP_DIGITS) ==
		    want && st > last && found == -1)
			found = (int64_t)st;
	}
	return (found);
}

void
totp_new(uint8_t secret[TOTP_SECRET_LEN])
{
	crypto_random(secret, TOTP_SECRET_LEN);
}

void
totp_base32(const uint8_t secret[TOTP_SECRET_LEN], char out[TOTP_B32_LEN + 1])
{
	static const char	 abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	uint32_t		 acc = 0;
	size_t			 i, n = 0;
	int			 bits = 0;

	for (i = 0; i < TOTP_SECRET_LEN; i++) {
		acc = acc << 8 | secret[i];
		bits += 8;
		while (bits >= 5) {
			out[n++] = abc[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[n++] = abc[(acc << (5 - bits)) & 31];
	out[n] = '\0';
}

int
totp_uri(const char *name, const uint8_t secret[TOTP_SECRET_LEN],
    char out[TOTP_URI_MAX + 1])
{
	char	 b32[TOTP_B32_LEN + 1], label[3 * 64 + 1];
	size_t	 i, n = 0;
	int	 rc;

	/* A user's name is a-z A-Z 0-9 . _ - @: only @ is escaped. */
	for (i = 0; name[i] != '\0' && n + 3 < sizeof(label); i++) {
		if (name[i] == '@') {
			memcpy(label + n, "%40", 3);
			n += 3;
		} else
			label[n++] = name[i];
	}
	label[n] = '\0';
	totp_base32(secret, b32);
	rc = snprintf(out, TOTP_URI_MAX + 1, "otpauth://totp/%s:%s?secret=%s"
	    "&issuer=%s&algorithm=SHA1&digits=%d&period=%d", TOTP_ISSUER,
	    label, b32, TOTP_ISSUER, TOTP_DIGITS, TOTP_PERIOD);
	crypto_zero(b32, sizeof(b32));
	if (rc < 0 || rc > TOTP_URI_MAX) {
		crypto_zero(out, TOTP_URI_MAX + 1);
		return (-1);
	}
	return (0);
}

/* The AES key of ring key i. */
static void
totp_key(const struct keyring *kr, size_t i, uint8_t key[CRYPTO_GCM_KEY_LEN])
{
	static const char	 label[] = "hailong totp v1";

	crypto_hmac_sha256(kr->key[i], KEY_LEN, label, sizeof(label) - 1,
	    key);
}

/* Bound to the version and the user's name. */
static size_t
totp_aad(const char *name, uint8_t aad[2 + 64])
{
	size_t	 n = strnlen(name, 64);

	aad[0] = TOTP_VERSION;
	aad[1] = (uint8_t)n;
	memcpy(aad + 2, name, n);
	return (2 + n);
}

int
totp_seal(const struct keyring *kr, const char *name,
    const uint8_t secret[TOTP_SECRET_LEN], uint8_t out[TOTP_SEALED_LEN])
{
	uint8_t	 key[CRYPTO_GCM_KEY_LEN], aad[2 + 64];
	size_t	 alen;
	int	 rc = -1;

	if (kr->n == 0)
		return (-1);
	totp_key(kr, kr->current, key);
	alen = totp_aad(name, aad);
	out[0] = TOTP_VERSION;
	out[1] = kr->kid[kr->current];
	crypto_random(out + 2, CRYPTO_GCM_IV_LEN);
	if (crypto_gcm_seal(key, out + 2, aad, alen, secret, TOTP_SECRET_LEN,
	    out + 2 + CRYPTO_GCM_IV_LEN + CRYPTO_GCM_TAG_LEN,
	    out + 2 + CRYPTO_GCM_IV_LEN) == 0)
		rc = 0;
	crypto_zero(key, sizeof(key));
	return (rc);
}

int
totp_open(const struct keyring *kr, const char *name, const uint8_t *in,
    size_t len, uint8_t secret[TOTP_SECRET_LEN])
{
	uint8_t	 key[CRYPTO_GCM_KEY_LEN], aad[2 + 64];
	size_t	 i, alen, hdr = 2 + CRYPTO_GCM_IV_LEN + CRYPTO_GCM_TAG_LEN;
	int	 rc = -1;

	if (len != TOTP_SEALED_LEN || in[0] != TOTP_VERSION)
		return (-1);
	for (i = 0; i < kr->n; i++)
		if (kr->kid[i] == in[1])
			break;
	if (i == kr->n)
		return (-1);
	totp_key(kr, i, key);
	alen = totp_aad(name, aad);
	if (crypto_gcm_open(key, in + 2, aad, alen, in + hdr,
	    TOTP_SECRET_LEN, in + 2 + CRYPTO_GCM_IV_LEN, secret) == 0)
		rc = 0;
	else
		crypto_zero(secret, TOTP_SECRET_LEN);
	crypto_zero(key, sizeof(key));
	return (rc);
}
