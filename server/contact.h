/*
 * contact.h: the one personal datum hailong keeps, a citizen's call-back
 * number given with an explicit tick of consent: checked and written in
 * one spelling, sealed with AES-256-GCM under a key derived from the key
 * ring's current key (its key id kept beside, so rotation leaves old
 * contacts readable), bound to the item's id so that a sealed number
 * moved to another item does not open. The store keeps the sealed bytes
 * only (table contacts); nothing else writes the number anywhere.
 */
#ifndef CONTACT_H
#define CONTACT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "token.h"

#define CONTACT_PHONE_MAX	16	/* '+' and up to 15 digits */
#define CONTACT_DIGITS_MIN	8
#define CONTACT_DIGITS_MAX	15
#define CONTACT_TYPED_MAX	32	/* bytes a person may type */
/* version, key id, iv, tag, the number. */
#define CONTACT_SEALED_MAX	(1 + 1 + CRYPTO_GCM_IV_LEN + \
	    CRYPTO_GCM_TAG_LEN + CONTACT_PHONE_MAX)

/*
 * A typed phone number s[0..len) (untrusted) in one spelling: digits
 * with a leading '+' when one was typed; spaces, dots, dashes and
 * brackets dropped. 0, or -1 (too short or long, another character).
 */
int	 contact_phone(const char *s, size_t len,
	    char out[CONTACT_PHONE_MAX + 1]);
/*
 * Seals phone for the item id into out (CONTACT_SEALED_MAX bytes);
 * returns the length, 0 on failure.
 */
size_t	 contact_seal(const struct keyring *, uint64_t id, const char *phone,
	    uint8_t out[CONTACT_SEALED_MAX]);
/* Opens what contact_seal() wrote for id. 0, or -1 (wrong key, id, a
 * damaged record). */
int	 contact_open(const struct keyring *, uint64_t id, const uint8_t *in,
	    size_t len, char out[CONTACT_PHONE_MAX + 1]);

#endif
