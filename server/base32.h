#ifndef HL_BASE32_H
#define HL_BASE32_H

/*
 * Crockford base32, the one alphabet of every code a person reads or
 * types: ticket tokens and receipt codes, kiosk enrolment codes, key
 * secrets. Symbols are taken five bits at a time, most significant first.
 * Reading accepts either case and the look-alikes I, L (1) and O (0);
 * U is never written nor read, so no word is spelt.
 */

#include <stddef.h>
#include <stdint.h>

#define B32_UPPER	0
#define B32_LOWER	1

/* Writes the first nsym * 5 bits of in as nsym symbols (no NUL). */
void	 b32_encode(const uint8_t *in, size_t nsym, char *out, int lower);
/* Value 0..31 of one symbol, or -1. */
int	 b32_val(unsigned char c);
/* The upper-case symbol of value v (0..31). */
char	 b32_sym(int v);
/* Sets 5 bits at symbol position i of out (zeroed by the caller). */
void	 b32_put(uint8_t *out, size_t i, int v);

#endif
