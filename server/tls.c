/*
 * tls.c: the server's TLS certificate chain and key (PEM files), loaded
 * at start and again on SIGHUP, handed to GnuTLS per handshake; a
 * replaced one is kept until the stop, since handshakes under way may
 * still hold it.
 * Trap: GnuTLS's certificate callback takes no argument of ours, so the
 * certificate in use is the one process-wide pointer here, under its
 * mutex. The key is zeroized when read.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

#include "crypto.h"
#include "tls.h"
#include "util.h"

#define TLS_PEM_MAX	(64u * 1024)
#define TLS_CHAIN_MAX	8	/* certificates in tls_cert */

/* A certificate chain and its key, as GnuTLS hands them out. */
struct tls_cred {
	gnutls_pcert_st		 pcert[TLS_CHAIN_MAX];
	unsigned		 n;
	gnutls_privkey_t	 key;
	struct tls_cred	*older;	/* replaced ones, freed at the stop */
};

static pthread_mutex_t	 tls_cred_mu = PTHREAD_MUTEX_INITIALIZER;
static struct tls_cred	*tls_cred_now;

/* Reads a PEM file whole; NULL with why. */
static char *
tls_pem(const char *path, char *why, size_t whylen)
{
	FILE	*f;
	char	*p;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	p = xmalloc(TLS_PEM_MAX + 1);
	n = fread(p, 1, TLS_PEM_MAX + 1, f);
	fclose(f);
	p[n < TLS_PEM_MAX ? n : TLS_PEM_MAX] = '\0';
	if (n == 0 || n > TLS_PEM_MAX || strstr(p, "-----BEGIN") == NULL) {
		snprintf(why, whylen, "%s: not a PEM file of at most %u bytes",
		    path, TLS_PEM_MAX);
		free(p);
		return (NULL);
	}
	return (p);
}

static void
tls_cred_free(struct tls_cred *c)
{
	struct tls_cred	*o;
	unsigned		 i;

	for (; c != NULL; c = o) {
		o = c->older;
		for (i = 0; i < c->n; i++)
			gnutls_pcert_deinit(&c->pcert[i]);
		if (c->key != NULL)
			gnutls_privkey_deinit(c->key);
		free(c);
	}
}

/* 1 when the chain's first certificate is the key's. */
static int
tls_cred_match(struct tls_cred *c)
{
	gnutls_pubkey_t	 pub = NULL;
	gnutls_datum_t	 a = { NULL, 0 }, b = { NULL, 0 };
	int		 ok = 0;

	if (gnutls_pubkey_init(&pub) < 0)
		return (0);
	if (gnutls_pubkey_import_privkey(pub, c->key, 0, 0) >= 0 &&
	    gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &a) >= 0 &&
	    gnutls_pubkey_export2(c->pcert[0].pubkey, GNUTLS_X509_FMT_DER,
	    &b) >= 0)
		ok = a.size == b.size && memcmp(a.data, b.data, a.size) == 0;
	gnutls_free(a.data);
	gnutls_free(b.data);
	gnutls_pubkey_deinit(pub);
	return (ok);
}

/* Reads a certificate chain and its key (PEM files); NULL with why. */
static struct tls_cred *
tls_cred_load(const char *certpath, const char *keypath, char *why,
    size_t whylen)
{
	struct tls_cred	*c = NULL;
	char			*cert = NULL, *key = NULL;
	gnutls_datum_t		 d;
	int			 e;

	if ((cert = tls_pem(certpath, why, whylen)) == NULL ||
	    (key = tls_pem(keypath, why, whylen)) == NULL)
		goto out;
	c = xcalloc(1, sizeof(*c));
	c->n = TLS_CHAIN_MAX;
	d.data = (unsigned char *)cert;
	d.size = (unsigned)strlen(cert);
	if ((e = gnutls_pcert_list_import_x509_raw(c->pcert, &c->n, &d,
	    GNUTLS_X509_FMT_PEM, 0)) < 0 || c->n == 0) {
		c->n = 0;
		snprintf(why, whylen, "%s: %s", certpath, e < 0 ?
		    gnutls_strerror(e) : "no certificate");
		goto fail;
	}
	d.data = (unsigned char *)key;
	d.size = (unsigned)strlen(key);
	if ((e = gnutls_privkey_init(&c->key)) < 0 ||
	    (e = gnutls_privkey_import_x509_raw(c->key, &d,
	    GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		snprintf(why, whylen, "%s: %s", keypath, gnutls_strerror(e));
		goto fail;
	}
	if (!tls_cred_match(c)) {
		snprintf(why, whylen, "%s is not the key of %s", keypath,
		    certpath);
		goto fail;
	}
	goto out;
fail:
	tls_cred_free(c);
	c = NULL;
out:
	free(cert);
	if (key != NULL)
		crypto_zero(key, strlen(key));
	free(key);
	return (c);
}

/* GnuTLS asks for our certificate during a handshake. */
int
tls_cert_cb(gnutls_session_t s, const gnutls_datum_t *req_ca_dn,
    int nreqs, const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
    gnutls_pcert_st **pcert, unsigned int *pcert_length,
    gnutls_privkey_t *privkey)
{
	struct tls_cred	*c;

	(void)s;
	(void)req_ca_dn;
	(void)nreqs;
	(void)pk_algos;
	(void)pk_algos_length;
	pthread_mutex_lock(&tls_cred_mu);
	c = tls_cred_now;
	pthread_mutex_unlock(&tls_cred_mu);
	if (c == NULL)
		return (-1);
	*pcert = c->pcert;
	*pcert_length = c->n;
	*privkey = c->key;
	return (0);
}

int
tls_cred_set(const char *cert, const char *key, char *why, size_t whylen)
{
	struct tls_cred	*c;

	if ((c = tls_cred_load(cert, key, why, whylen)) == NULL)
		return (-1);
	pthread_mutex_lock(&tls_cred_mu);
	c->older = tls_cred_now;
	tls_cred_now = c;
	pthread_mutex_unlock(&tls_cred_mu);
	return (0);
}

void
tls_cred_clear(void)
{
	pthread_mutex_lock(&tls_cred_mu);
	tls_cred_free(tls_cred_now);
	tls_cred_now = NULL;
	pthread_mutex_unlock(&tls_cred_mu);
}
