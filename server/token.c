#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base32.h"
#include "crypto.h"
#include "token.h"
#include "util.h"

/*
 * token.c: ticket tokens (Crockford base32 of id | kid | tag), the short
 * typed code, case hashes and the server key ring file.
 * Trap: tokens are untrusted bytes with a length, never strings; the tag
 * is compared in constant time, and key material is zeroized on every
 * path, including the file buffer and failed loads.
 */

void
key_secret_new(char out[KEY_SECRET_LEN + 1], uint8_t hash[32])
{
	uint8_t	 raw[KEY_SECRET_BYTES];
	size_t	 n = sizeof(KEY_PREFIX) - 1;

	crypto_random(raw, sizeof(raw));
	memcpy(out, KEY_PREFIX, n);
	b32_encode(raw, KEY_SECRET_BYTES * 8 / 5, out + n, B32_LOWER);
	out[KEY_SECRET_LEN] = '\0';
	crypto_zero(raw, sizeof(raw));
	crypto_sha256(out, KEY_SECRET_LEN, hash);
}

static int
keyring_find(const struct keyring *kr, uint8_t kid)
{
	size_t	 i;

	for (i = 0; i < kr->n; i++)
		if (kr->kid[i] == kid)
			return ((int)i);
	return (-1);
}

static void
token_tag(const struct keyring *kr, size_t k,
    const uint8_t id[TICKET_ID_LEN], uint8_t kid,
    uint8_t tag[CRYPTO_HASH_LEN])
{
	uint8_t	 msg[1 + TICKET_ID_LEN + 1];

	msg[0] = 't';
	memcpy(msg + 1, id, TICKET_ID_LEN);
	msg[1 + TICKET_ID_LEN] = kid;
	/* Every survey visit checks a tag: the keyed state is made once. */
	if (kr->hk[k] != NULL)
		crypto_hmac_run(kr->hk[k], msg, sizeof(msg), tag);
	else
		crypto_hmac_sha256(kr->key[k], KEY_LEN, msg, sizeof(msg), tag);
}

void
token_encode(const struct keyring *kr, uint8_t kid,
    const uint8_t id[TICKET_ID_LEN], char out[TOKEN_LEN + 1])
{
	uint8_t	 raw[TOKEN_RAW_LEN], tag[CRYPTO_HASH_LEN];
	int	 k;

	if ((k = keyring_find(kr, kid)) == -1)
		abort();	/* the caller picks kid from the ring */
	token_tag(kr, (size_t)k, id, kid, tag);
	memcpy(raw, id, TICKET_ID_LEN);
	raw[TICKET_ID_LEN] = kid;
	memcpy(raw + TICKET_ID_LEN + 1, tag, TOKEN_TAG_LEN);
	b32_encode(raw, TOKEN_LEN, out, B32_UPPER);
	out[TOKEN_LEN] = '\0';
}

int
token_verify(const struct keyring *kr, const char *s, size_t len,
    uint8_t id[TICKET_ID_LEN])
{
	uint8_t		 raw[TOKEN_RAW_LEN], tag[CRYPTO_HASH_LEN];
	uint32_t	 acc = 0;
	size_t		 i, o = 0;
	int		 v, k, bits = 0;

	if (s == NULL || len != TOKEN_LEN)
		return (-1);
	/* Every survey visit decodes one: 5 bits in, whole bytes out. */
	for (i = 0; i < TOKEN_LEN; i++) {
		if ((v = b32_val((unsigned char)s[i])) == -1)
			return (-1);
		acc = (acc << 5 | (uint32_t)v) & 0x1fff;
		if ((bits += 5) >= 8) {
			bits -= 8;
			raw[o++] = (uint8_t)(acc >> bits);
		}
	}
	if ((k = keyring_find(kr, raw[TICKET_ID_LEN])) == -1)
		return (-1);
	token_tag(kr, (size_t)k, raw, raw[TICKET_ID_LEN], tag);
	if (!crypto_equal(tag, raw + TICKET_ID_LEN + 1, TOKEN_TAG_LEN))
		return (-1);
	memcpy(id, raw, TICKET_ID_LEN);
	return (0);
}

int
token_canon(const char *s, size_t len, char out[TOKEN_LEN + 1])
{
	size_t	 i;
	int	 v;

	if (s == NULL || len != TOKEN_LEN)
		return (-1);
	for (i = 0; i < TOKEN_LEN; i++) {
		if ((v = b32_val((unsigned char)s[i])) == -1)
			return (-1);
		out[i] = b32_sym(v);
	}
	out[TOKEN_LEN] = '\0';
	return (0);
}

void
token_code(const uint8_t id[TICKET_ID_LEN], char out[CODE_LEN + 1])
{
	char	 sym[CODE_CHARS];

	b32_encode(id, CODE_CHARS, sym, B32_UPPER);
	memcpy(out, sym, CODE_CHARS / 2);
	out[CODE_CHARS / 2] = '-';
	memcpy(out + CODE_CHARS / 2 + 1, sym + CODE_CHARS / 2, CODE_CHARS / 2);
	out[CODE_LEN] = '\0';
}

int
token_code_parse(const char *s, size_t len, uint8_t prefix[CODE_PREFIX_LEN])
{
	uint8_t	 p[CODE_PREFIX_LEN];
	size_t	 i, n = 0;
	int	 v;

	if (s == NULL)
		return (-1);
	memset(p, 0, sizeof(p));
	for (i = 0; i < len; i++) {
		if (s[i] == '-' || s[i] == ' ')
			continue;
		if (n == CODE_CHARS || (v = b32_val((unsigned char)s[i])) == -1)
			return (-1);
		b32_put(p, n++, v);
	}
	if (n != CODE_CHARS)
		return (-1);
	memcpy(prefix, p, CODE_PREFIX_LEN);
	return (0);
}

void
token_case_hash(const struct keyring *kr, const char *unit,
    const char *caseref, size_t caselen, uint8_t out[32])
{
	size_t	 ulen = strlen(unit), mlen = ulen + 1 + caselen;
	uint8_t	*msg;

	msg = xmalloc(mlen);
	memcpy(msg, unit, ulen);
	msg[ulen] = '\0';
	if (caselen > 0)
		memcpy(msg + ulen + 1, caseref, caselen);
	crypto_hmac_sha256(kr->key[kr->current], KEY_LEN, msg, mlen, out);
	crypto_zero(msg, mlen);
	free(msg);
}

void
keyring_clear(struct keyring *kr)
{
	size_t	 i;

	for (i = 0; i < KEYRING_MAX; i++)
		crypto_hmac_free(kr->hk[i]);
	crypto_zero(kr, sizeof(*kr));
}

static int
hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/* Parses one "<kid> <64 hex>" line s[0..len) into the ring. */
static const char *
keyring_line(struct keyring *kr, const char *s, size_t len)
{
	const char	*sp, *hex;
	long long	 kid;
	size_t		 i;
	int		 hi, lo;

	if ((sp = memchr(s, ' ', len)) == NULL)
		return ("expected \"<kid> <64 hex digits>\"");
	if (parse_num(s, (size_t)(sp - s), 0, 255, &kid) == -1)
		return ("key id must be a number from 0 to 255");
	hex = sp + 1;
	if ((size_t)(s + len - hex) != KEY_LEN * 2)
		return ("key must be 64 lowercase hex digits");
	for (i = 0; i < KEY_LEN; i++) {
		hi = hex_val(hex[2 * i]);
		lo = hex_val(hex[2 * i + 1]);
		if (hi == -1 || lo == -1)
			return ("key must be 64 lowercase hex digits");
		kr->key[kr->n][i] = (uint8_t)(hi << 4 | lo);
	}
	if (keyring_find(kr, (uint8_t)kid) != -1)
		return ("duplicate key id");
	kr->kid[kr->n++] = (uint8_t)kid;
	return (NULL);
}

/* Creates path with one fresh key; the ring holds it on success. */
static int
keyring_create(const char *path, struct keyring *kr, char *why,
    size_t whylen)
{
	static const char	 head[] =
	    "# hailong key ring: \"<kid> <64 hex>\" per line;\n"
	    "# the last line signs new tokens\n";
	char			 text[sizeof(head) + 8 + KEY_LEN * 2];
	size_t			 i, len, off;
	ssize_t			 w;
	int			 fd, n, rc = -1;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	kr->n = 1;
	kr->kid[0] = 1;
	kr->current = 0;
	crypto_random(kr->key[0], KEY_LEN);
	n = snprintf(text, sizeof(text), "%s%u ", head, kr->kid[0]);
	len = (size_t)n;
	for (i = 0; i < KEY_LEN; i++) {
		text[len++] = "0123456789abcdef"[kr->key[0][i] >> 4];
		text[len++] = "0123456789abcdef"[kr->key[0][i] & 15];
	}
	text[len++] = '\n';
	for (off = 0; off < len; off += (size_t)w) {
		if ((w = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			goto out;
		}
	}
	if (fsync(fd) == -1)
		goto out;
	kr->hk[0] = crypto_hmac_create(kr->key[0], KEY_LEN);
	rc = 0;
out:
	if (rc == -1) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		unlink(path);
	}
	close(fd);
	crypto_zero(text, sizeof(text));
	return (rc);
}

int
keyring_load(const char *path, struct keyring *kr, char *why, size_t whylen)
{
	struct stat	 st;
	char		*data = NULL, *s, *nl;
	const char	*err;
	size_t		 len = 0, left, ll, line = 0;
	ssize_t		 r;
	int		 fd, rc = -1;

	memset(kr, 0, sizeof(*kr));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return (keyring_create(path, kr, why, whylen));
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s: not a regular file", path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(why, whylen, "%s: mode must be 0600", path);
		goto out;
	}
	data = xmalloc(KEYRING_FILE_MAX + 1);
	while (len <= KEYRING_FILE_MAX) {
		r = read(fd, data + len, KEYRING_FILE_MAX + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(why, whylen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > KEYRING_FILE_MAX) {
		snprintf(why, whylen, "%s: larger than %d bytes", path,
		    KEYRING_FILE_MAX);
		goto out;
	}
	for (s = data, left = len; left > 0; s += ll + 1, left -= ll + 1) {
		line++;
		nl = memchr(s, '\n', left);
		ll = nl != NULL ? (size_t)(nl - s) : left;
		if (ll == 0 || s[0] == '#') {
			if (nl == NULL)
				break;
			continue;
		}
		err = kr->n == KEYRING_MAX ? "too many keys" :
		    keyring_line(kr, s, ll);
		if (err != NULL) {
			snprintf(why, whylen, "%s:%zu: %s", path, line, err);
			goto out;
		}
		if (nl == NULL)
			break;
	}
	if (kr->n == 0) {
		snprintf(why, whylen, "%s: no key", path);
		goto out;
	}
	kr->current = kr->n - 1;
	for (line = 0; line < kr->n; line++)
		kr->hk[line] = crypto_hmac_create(kr->key[line], KEY_LEN);
	rc = 0;
out:
	if (data != NULL) {
		crypto_zero(data, KEYRING_FILE_MAX + 1);
		free(data);
	}
	if (rc == -1)
		keyring_clear(kr);
	close(fd);
	return (rc);
}
