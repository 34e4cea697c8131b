/*
 * enrol.c: kiosk enrolment codes, typed by a person: parsed leniently
 * (base32.c reads I, L and O as digits), hashed in canonical form.
 * Trap: the hash is the record's key, so the canonical form must never
 * change.
 */
#include <stddef.h>
#include <stdint.h>

#include "base32.h"
#include "crypto.h"
#include "enrol.h"

int
enrol_code_hash(const char *s, size_t len, uint8_t out[32])
{
	char		 canon[ENROL_CODE_CHARS];
	size_t		 i, n = 0;
	int		 c, v;

	if (len > 2 * ENROL_CODE_LEN)
		return (-1);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '-' || c == ' ')
			continue;
		if ((v = b32_val((unsigned char)c)) == -1 ||
		    n == ENROL_CODE_CHARS)
			return (-1);
		canon[n++] = b32_sym(v);
	}
	if (n != ENROL_CODE_CHARS)
		return (-1);
	crypto_sha256(canon, n, out);
	return (0);
}

void
enrol_code_new(char out[ENROL_CODE_LEN + 1])
{
	uint8_t	 raw[ENROL_CODE_CHARS];
	size_t	 i, j = 0;

	crypto_random(raw, sizeof(raw));
	for (i = 0; i < ENROL_CODE_CHARS; i++) {
		if (i == ENROL_CODE_CHARS / 2)
			out[j++] = '-';
		out[j++] = b32_sym(raw[i]);
	}
	out[j] = '\0';
	crypto_zero(raw, sizeof(raw));
}
