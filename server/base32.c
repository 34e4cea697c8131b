#include "base32.h"

static const char	 b32_upper[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static const char	 b32_lower[] = "0123456789abcdefghjkmnpqrstvwxyz";

/* Crockford values of 'A'..'Z'; -1: U. */
static const signed char b32_letter[26] = {
	10, 11, 12, 13, 14, 15, 16, 17, 1, 18, 19, 1, 20,
	21, 0, 22, 23, 24, 25, 26, -1, 27, 28, 29, 30, 31
};

int
b32_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'z')
		c = c - 'a' + 'A';
	if (c < 'A' || c > 'Z')
		return (-1);
	return (b32_letter[c - 'A']);
}

char
b32_sym(int v)
{
	return (b32_upper[v & 31]);
}

void
b32_encode(const uint8_t *in, size_t nsym, char *out, int lower)
{
	const char	*alpha = lower ? b32_lower : b32_upper;
	size_t		 i, bit, j;
	int		 v;

	for (i = 0; i < nsym; i++) {
		v = 0;
		for (j = 0; j < 5; j++) {
			bit = i * 5 + j;
			v = (v << 1) | ((in[bit / 8] >> (7 - bit % 8)) & 1);
		}
		out[i] = alpha[v];
	}
}

void
b32_put(uint8_t *out, size_t i, int v)
{
	size_t	 bit, j;

	for (j = 0; j < 5; j++) {
		bit = i * 5 + j;
		if (v & (0x10 >> j))
			out[bit / 8] |= 0x80 >> (bit % 8);
	}
}
