#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/gcm.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include "crypto.h"
#include "util.h"

/*
 * crypto.c: the process's one CTR-DRBG and the hash primitives; the only
 * file that includes mbedTLS.
 * Trap: the DRBG is not thread-safe by itself, every use holds crypto_mtx;
 * a DRBG that fails aborts the process rather than hand out weak bytes.
 */

static pthread_mutex_t		 crypto_mtx = PTHREAD_MUTEX_INITIALIZER;
static mbedtls_entropy_context	 crypto_entropy;
static mbedtls_ctr_drbg_context	 crypto_drbg;
static int			 crypto_ready;

/* Called with crypto_mtx held. */
static int
crypto_seed(void)
{
	static const unsigned char	 pers[] = "hailong drbg";

	if (crypto_ready)
		return (0);
	mbedtls_entropy_init(&crypto_entropy);
	mbedtls_ctr_drbg_init(&crypto_drbg);
	if (mbedtls_ctr_drbg_seed(&crypto_drbg, mbedtls_entropy_func,
	    &crypto_entropy, pers, sizeof(pers) - 1) != 0) {
		mbedtls_ctr_drbg_free(&crypto_drbg);
		mbedtls_entropy_free(&crypto_entropy);
		return (-1);
	}
	crypto_ready = 1;
	return (0);
}

int
crypto_init(void)
{
	int	 rc;

	pthread_mutex_lock(&crypto_mtx);
	rc = crypto_seed();
	pthread_mutex_unlock(&crypto_mtx);
	return (rc);
}

void
crypto_random(void *buf, size_t len)
{
	unsigned char	*p = buf;
	size_t		 n;

	pthread_mutex_lock(&crypto_mtx);
	if (crypto_seed() != 0)
		abort();
	while (len > 0) {
		n = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ?
		    len : MBEDTLS_CTR_DRBG_MAX_REQUEST;
		if (mbedtls_ctr_drbg_random(&crypto_drbg, p, n) != 0)
			abort();
		p += n;
		len -= n;
	}
	pthread_mutex_unlock(&crypto_mtx);
}

void
crypto_sha256(const void *msg, size_t len, uint8_t out[CRYPTO_HASH_LEN])
{
	const mbedtls_md_info_t	*md;

	md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	if (md == NULL || mbedtls_md(md, msg, len, out) != 0)
		abort();
}

void
crypto_hmac_sha256(const uint8_t *key, size_t keylen, const void *msg,
    size_t len, uint8_t out[CRYPTO_HASH_LEN])
{
	const mbedtls_md_info_t	*md;

	md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	if (md == NULL || mbedtls_md_hmac(md, key, keylen, msg, len, out) != 0)
		abort();
}

void
crypto_hmac_sha1(const uint8_t *key, size_t keylen, const void *msg,
    size_t len, uint8_t out[CRYPTO_SHA1_LEN])
{
	const mbedtls_md_info_t	*md;

	md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
	if (md == NULL || mbedtls_md_hmac(md, key, keylen, msg, len, out) != 0)
		abort();
}

struct crypto_hmac {
	mbedtls_sha256_context	 inner;	/* after key ^ ipad */
	mbedtls_sha256_context	 outer;	/* after key ^ opad */
};

struct crypto_hmac *
crypto_hmac_create(const uint8_t *key, size_t keylen)
{
	struct crypto_hmac	*h;
	uint8_t			 k[64], pad[64];
	size_t			 i;

	memset(k, 0, sizeof(k));
	if (keylen > sizeof(k))
		crypto_sha256(key, keylen, k);
	else
		memcpy(k, key, keylen);
	h = xcalloc(1, sizeof(*h));
	mbedtls_sha256_init(&h->inner);
	mbedtls_sha256_init(&h->outer);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x36;
	if (mbedtls_sha256_starts_ret(&h->inner, 0) != 0 ||
	    mbedtls_sha256_update_ret(&h->inner, pad, sizeof(pad)) != 0)
		abort();
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x5c;
	if (mbedtls_sha256_starts_ret(&h->outer, 0) != 0 ||
	    mbedtls_sha256_update_ret(&h->outer, pad, sizeof(pad)) != 0)
		abort();
	mbedtls_platform_zeroize(k, sizeof(k));
	mbedtls_platform_zeroize(pad, sizeof(pad));
	return (h);
}

void
crypto_hmac_free(struct crypto_hmac *h)
{
	if (h == NULL)
		return;
	mbedtls_sha256_free(&h->inner);
	mbedtls_sha256_free(&h->outer);
	mbedtls_platform_zeroize(h, sizeof(*h));
	free(h);
}

void
crypto_hmac_run(const struct crypto_hmac *h, const void *msg, size_t len,
    uint8_t out[CRYPTO_HASH_LEN])
{
	mbedtls_sha256_context	 c;
	uint8_t			 in[CRYPTO_HASH_LEN];

	mbedtls_sha256_init(&c);
	mbedtls_sha256_clone(&c, &h->inner);
	if (mbedtls_sha256_update_ret(&c, msg, len) != 0 ||
	    mbedtls_sha256_finish_ret(&c, in) != 0)
		abort();
	mbedtls_sha256_clone(&c, &h->outer);
	if (mbedtls_sha256_update_ret(&c, in, sizeof(in)) != 0 ||
	    mbedtls_sha256_finish_ret(&c, out) != 0)
		abort();
	mbedtls_sha256_free(&c);
	mbedtls_platform_zeroize(in, sizeof(in));
}

int
crypto_equal(const void *a, const void *b, size_t len)
{
	const volatile unsigned char	*x = a, *y = b;
	volatile unsigned char		 d = 0;
	size_t				 i;

	for (i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return (d == 0);
}

void
crypto_zero(void *buf, size_t len)
{
	mbedtls_platform_zeroize(buf, len);
}

int
crypto_gcm_seal(const uint8_t key[CRYPTO_GCM_KEY_LEN],
    const uint8_t iv[CRYPTO_GCM_IV_LEN], const void *aad, size_t aadlen,
    const void *pt, size_t len, uint8_t *ct,
    uint8_t tag[CRYPTO_GCM_TAG_LEN])
{
	mbedtls_gcm_context	 g;
	int			 rc = -1;

	mbedtls_gcm_init(&g);
	if (mbedtls_gcm_setkey(&g, MBEDTLS_CIPHER_ID_AES, key,
	    CRYPTO_GCM_KEY_LEN * 8) != 0)
		goto out;
	if (mbedtls_gcm_crypt_and_tag(&g, MBEDTLS_GCM_ENCRYPT, len, iv,
	    CRYPTO_GCM_IV_LEN, aad, aadlen, pt, ct, CRYPTO_GCM_TAG_LEN,
	    tag) != 0)
		goto out;
	rc = 0;
out:
	mbedtls_gcm_free(&g);
	return (rc);
}

int
crypto_gcm_open(const uint8_t key[CRYPTO_GCM_KEY_LEN],
    const uint8_t iv[CRYPTO_GCM_IV_LEN], const void *aad, size_t aadlen,
    const uint8_t *ct, size_t len, const uint8_t tag[CRYPTO_GCM_TAG_LEN],
    void *pt)
{
	mbedtls_gcm_context	 g;
	int			 rc = -1;

	mbedtls_gcm_init(&g);
	if (mbedtls_gcm_setkey(&g, MBEDTLS_CIPHER_ID_AES, key,
	    CRYPTO_GCM_KEY_LEN * 8) != 0)
		goto out;
	if (mbedtls_gcm_auth_decrypt(&g, len, iv, CRYPTO_GCM_IV_LEN, aad,
	    aadlen, tag, CRYPTO_GCM_TAG_LEN, ct, pt) != 0) {
		crypto_zero(pt, len);
		goto out;
	}
	rc = 0;
out:
	mbedtls_gcm_free(&g);
	return (rc);
}
