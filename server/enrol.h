/*
 * enrol.h: kiosk enrolment codes. A code is ENROL_CODE_CHARS Crockford
 * base32 characters (base32.h), shown as XXXX-XXXX; the store keeps only
 * the SHA-256 of its canonical form (struct enrol in model.h).
 */
#ifndef ENROL_H
#define ENROL_H

#include <stddef.h>
#include <stdint.h>

#define ENROL_CODE_CHARS	8
#define ENROL_CODE_LEN		9	/* with the dash in the middle */

/*
 * Parses a typed enrolment code s[0..len) (untrusted; any case, dashes
 * and spaces ignored, I and L read as 1, O as 0) and hashes its
 * canonical form. Returns 0, or -1 when it is not a code.
 */
int	 enrol_code_hash(const char *s, size_t len, uint8_t out[32]);
/* A fresh random code, "XXXX-XXXX" and a NUL. */
void	 enrol_code_new(char out[ENROL_CODE_LEN + 1]);

#endif
