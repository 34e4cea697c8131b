/*
 * crypto.h: the only door to mbedTLS. A CTR-DRBG seeded from the OS,
 * SHA-256, HMAC-SHA256 and a constant-time compare.
 * Every function is thread-safe once crypto_init() has returned.
 */
#ifndef CRYPTO_H
#define CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_HASH_LEN	32

/* Seeds the DRBG from the OS; -1 when it cannot (the caller fatal()s). */
int	 crypto_init(void);
/* Fills buf with len random bytes; aborts if the DRBG fails. */
void	 crypto_random(void *buf, size_t len);
void	 crypto_sha256(const void *msg, size_t len,
	    uint8_t out[CRYPTO_HASH_LEN]);
void	 crypto_hmac_sha256(const uint8_t *key, size_t keylen,
	    const void *msg, size_t len, uint8_t out[CRYPTO_HASH_LEN]);
/* HMAC-SHA1: for RFC 6238's one-time codes only (totp.c). */
#define CRYPTO_SHA1_LEN	20
void	 crypto_hmac_sha1(const uint8_t *key, size_t keylen,
	    const void *msg, size_t len, uint8_t out[CRYPTO_SHA1_LEN]);
/*
 * A key's HMAC-SHA256 with its padded key blocks hashed once: each tag
 * then costs two compressions less. crypto_hmac_create() copies the key;
 * crypto_hmac_free() zeroizes, NULL is fine. Thread-safe to run.
 */
struct crypto_hmac;
struct crypto_hmac *crypto_hmac_create(const uint8_t *key, size_t keylen);
void	 crypto_hmac_free(struct crypto_hmac *);
void	 crypto_hmac_run(const struct crypto_hmac *, const void *msg,
	    size_t len, uint8_t out[CRYPTO_HASH_LEN]);
/* 1 when equal; time depends on len only. */
int	 crypto_equal(const void *a, const void *b, size_t len);
/* Overwrites buf with zeros in a way the compiler keeps. */
void	 crypto_zero(void *buf, size_t len);

/*
 * AES-256-GCM: seals len bytes of pt into ct (the same length) with a
 * tag of CRYPTO_GCM_TAG_LEN, bound to aad; opens them again, checking
 * the tag. The iv (CRYPTO_GCM_IV_LEN) must never repeat under one key:
 * take it from crypto_random(). 0, or -1 (a wrong tag, a failure).
 */
#define CRYPTO_GCM_KEY_LEN	32
#define CRYPTO_GCM_IV_LEN	12
#define CRYPTO_GCM_TAG_LEN	16
int	 crypto_gcm_seal(const uint8_t key[CRYPTO_GCM_KEY_LEN],
	    const uint8_t iv[CRYPTO_GCM_IV_LEN], const void *aad,
	    size_t aadlen, const void *pt, size_t len, uint8_t *ct,
	    uint8_t tag[CRYPTO_GCM_TAG_LEN]);
int	 crypto_gcm_open(const uint8_t key[CRYPTO_GCM_KEY_LEN],
	    const uint8_t iv[CRYPTO_GCM_IV_LEN], const void *aad,
	    size_t aadlen, const uint8_t *ct, size_t len,
	    const uint8_t tag[CRYPTO_GCM_TAG_LEN], void *pt);

#endif
