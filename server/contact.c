/*
 * contact.c: call-back numbers, checked and sealed (contact.h).
 * Trap: the AES key is derived from a ring key, never the ring key
 * itself, which also signs tokens: one key, one job.
 */
#include <string.h>

#include "contact.h"
#include "record.h"
#include "util.h"

#define CONTACT_VERSION	1

int
contact_phone(const char *s, size_t len, char out[CONTACT_PHONE_MAX + 1])
{
	size_t	 i, n = 0, digits = 0;
	char	 c;

	out[0] = '\0';
	if (len > CONTACT_TYPED_MAX)
		return (-1);
	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == ' ' || c == '.' || c == '-' || c == '(' || c == ')')
			continue;
		if (c == '+' && n == 0) {
			out[n++] = c;
			continue;
		}
		if (c < '0' || c > '9' || n >= CONTACT_PHONE_MAX)
			return (-1);
		out[n++] = c;
		digits++;
	}
	out[n] = '\0';
	if (digits < CONTACT_DIGITS_MIN || digits > CONTACT_DIGITS_MAX) {
		out[0] = '\0';
		return (-1);
	}
	return (0);
}

/* The AES key of ring key i. */
static void
contact_key(const struct keyring *kr, size_t i,
    uint8_t key[CRYPTO_GCM_KEY_LEN])
{
	static const char	 label[] = "hailong contact v1";

	crypto_hmac_sha256(kr->key[i], KEY_LEN, label, sizeof(label) - 1,
	    key);
}

static void
contact_aad(uint64_t id, uint8_t aad[9])
{
	aad[0] = CONTACT_VERSION;
	be64_put(aad + 1, id);
}

size_t
contact_seal(const struct keyring *kr, uint64_t id, const char *phone,
    uint8_t out[CONTACT_SEALED_MAX])
{
	uint8_t	 key[CRYPTO_GCM_KEY_LEN], aad[9];
	size_t	 n = strnlen(phone, CONTACT_PHONE_MAX + 1);
	size_t	 ret = 0;

	if (kr->n == 0 || n == 0 || n > CONTACT_PHONE_MAX)
		return (0);
	contact_key(kr, kr->current, key);
	contact_aad(id, aad);
	out[0] = CONTACT_VERSION;
	out[1] = kr->kid[kr->current];
	crypto_random(out + 2, CRYPTO_GCM_IV_LEN);
	if (crypto_gcm_seal(key, out + 2, aad, sizeof(aad), phone, n,
	    out + 2 + CRYPTO_GCM_IV_LEN + CRYPTO_GCM_TAG_LEN,
	    out + 2 + CRYPTO_GCM_IV_LEN) == 0)
		ret = 2 + CRYPTO_GCM_IV_LEN + CRYPTO_GCM_TAG_LEN + n;
	crypto_zero(key, sizeof(key));
	return (ret);
}

int
contact_open(const struct keyring *kr, uint64_t id, const uint8_t *in,
    size_t len, char out[CONTACT_PHONE_MAX + 1])
{
	uint8_t	 key[CRYPTO_GCM_KEY_LEN], aad[9];
	size_t	 i, n, hdr = 2 + CRYPTO_GCM_IV_LEN + CRYPTO_GCM_TAG_LEN;
	int	 rc = -1;

	out[0] = '\0';
	if (len <= hdr || len > CONTACT_SEALED_MAX ||
	    in[0] != CONTACT_VERSION)
		return (-1);
	for (i = 0; i < kr->n; i++)
		if (kr->kid[i] == in[1])
			break;
	if (i == kr->n)
		return (-1);
	n = len - hdr;
	contact_key(kr, i, key);
	contact_aad(id, aad);
	if (crypto_gcm_open(key, in + 2, aad, sizeof(aad), in + hdr, n,
	    in + 2 + CRYPTO_GCM_IV_LEN, out) == 0) {
		out[n] = '\0';
		rc = 0;
	}
	crypto_zero(key, sizeof(key));
	return (rc);
}
