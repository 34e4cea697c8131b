/*
 * tls.h: the TLS certificate in use (tls.c).
 */
#ifndef TLS_H
#define TLS_H

#include <stddef.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

/*
 * Loads the chain at cert and the key at key and makes them the ones in
 * use (the old ones kept until tls_cred_clear()). 0, or -1 with why: a
 * file not read, not PEM, or a key that does not match.
 */
int	 tls_cred_set(const char *cert, const char *key, char *why,
	    size_t whylen);
void	 tls_cred_clear(void);	/* at the stop: every one freed */
/* MHD_OPTION_HTTPS_CERT_CALLBACK: the certificate in use. */
int	 tls_cert_cb(gnutls_session_t, const gnutls_datum_t *req_ca_dn,
	    int nreqs, const gnutls_pk_algorithm_t *pk_algos,
	    int pk_algos_length, gnutls_pcert_st **pcert,
	    unsigned int *pcert_length, gnutls_privkey_t *privkey);

#endif
