/*
 * httpc.h: a small HTTP/1.1 client, the webhooks' only one: one POST of
 * a body to an http:// or https:// URL and the status line of the
 * answer, within a deadline. https goes through GnuTLS: the receiver's
 * certificate is checked against the system's authorities (or those of
 * a CA file) and against the URL's host name or address.
 */
#ifndef HTTPC_H
#define HTTPC_H

#include <stddef.h>

struct httpc_tls;

/*
 * The trust of https URLs: the PEM certificates of ca_file, or the
 * system's authorities when ca_file is NULL or "". 0, or -1 with why.
 */
int	 httpc_tls_new(struct httpc_tls **, const char *ca_file, char *why,
	    size_t whylen);
void	 httpc_tls_free(struct httpc_tls *);	/* NULL is fine */

/*
 * 0 when url is http[s]://host[:port][/path] with a port of 1..65535,
 * printable without spaces; -1 with why.
 */
int	 httpc_url_check(const char *url, char *why, size_t whylen);

/*
 * POSTs body (Content-Type: application/json) to url with the extra
 * header lines of headers (each ending "\r\n", may be ""). Returns the
 * answer's HTTP status, or 0 when there is none (cannot connect,
 * refused certificate, too slow, not HTTP); why says what happened, for
 * the log. tls may be NULL when url is http://.
 */
int	 httpc_post(const char *url, const char *headers, const char *body,
	    size_t len, struct httpc_tls *tls, int timeout_ms, char *why,
	    size_t whylen);

#endif
