/*
 * httpc.c: one POST to an http:// or https:// URL (httpc.h). The socket
 * is non-blocking and every step waits with poll() until one deadline;
 * over https GnuTLS reads and writes it, the same waits between its
 * tries (gnutls_record_get_direction() says which way it waits).
 * Trap: the name given to GnuTLS for the certificate check is the URL's
 * host as written; an address ("127.0.0.1") is checked against the
 * certificate's IP addresses, and sent as no server name (SNI carries
 * names only).
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "httpc.h"
#include "util.h"

struct httpc_tls {
	gnutls_certificate_credentials_t cred;
};

/* A URL taken apart. */
struct httpc_url {
	int	 tls;
	char	 host[256];
	char	 port[6];
	char	 path[2048];
};

/* One connection: the socket and, over https, its session. */
struct httpc_conn {
	int			 fd;
	gnutls_session_t	 s;	/* NULL over http */
	uint64_t		 deadline;	/* mono ms */
};

int
httpc_tls_new(struct httpc_tls **tp, const char *ca_file, char *why,
    size_t whylen)
{
	struct httpc_tls	*t;
	int			 rc;

	*tp = NULL;
	t = xcalloc(1, sizeof(*t));
	if (gnutls_certificate_allocate_credentials(&t->cred) < 0) {
		free(t);
		snprintf(why, whylen, "cannot make TLS credentials");
		return (-1);
	}
	if (ca_file != NULL && ca_file[0] != '\0')
		rc = gnutls_certificate_set_x509_trust_file(t->cred, ca_file,
		    GNUTLS_X509_FMT_PEM);
	else
		rc = gnutls_certificate_set_x509_system_trust(t->cred);
	if (rc <= 0) {
		if (ca_file != NULL && ca_file[0] != '\0')
			snprintf(why, whylen, "%s: %s", ca_file, rc == 0 ?
			    "no PEM certificate in it" : gnutls_strerror(rc));
		else
			snprintf(why, whylen, "the system's certificate "
			    "authorities: %s", rc == 0 ? "none found" :
			    gnutls_strerror(rc));
		gnutls_certificate_free_credentials(t->cred);
		free(t);
		return (-1);
	}
	*tp = t;
	return (0);
}

void
httpc_tls_free(struct httpc_tls *t)
{
	if (t == NULL)
		return;
	gnutls_certificate_free_credentials(t->cred);
	free(t);
}

static int
httpc_url_parse(const char *url, struct httpc_url *u, char *why,
    size_t whylen)
{
	const char	*h, *end, *slash, *colon = NULL;
	size_t		 hl, i, n = strlen(url);
	long		 port;
	char		*ep;

	memset(u, 0, sizeof(*u));
	for (i = 0; i < n; i++)
		if ((unsigned char)url[i] <= ' ' ||
		    (unsigned char)url[i] >= 0x7f) {
			snprintf(why, whylen, "no spaces or control "
			    "characters");
			return (-1);
		}
	if (strncmp(url, "https://", 8) == 0) {
		u->tls = 1;
		h = url + 8;
	} else if (strncmp(url, "http://", 7) == 0)
		h = url + 7;
	else {
		snprintf(why, whylen, "want http://host[:port]/path or "
		    "https://host[:port]/path");
		return (-1);
	}
	slash = strchr(h, '/');
	end = slash != NULL ? slash : h + strlen(h);
	if (slash != NULL && strlen(slash) >= sizeof(u->path)) {
		snprintf(why, whylen, "path too long");
		return (-1);
	}
	strlcpy(u->path, slash != NULL ? slash : "/", sizeof(u->path));
	if (*h == '[') {		/* [IPv6] */
		const char *rb = memchr(h, ']', (size_t)(end - h));

		if (rb == NULL || (rb + 1 != end && rb[1] != ':')) {
			snprintf(why, whylen, "bad IPv6 address");
			return (-1);
		}
		colon = rb + 1 != end ? rb + 1 : NULL;
		h++;
		hl = (size_t)(rb - h);
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
		hl = (size_t)((colon != NULL ? colon : end) - h);
	}
	if (hl == 0 || hl >= sizeof(u->host)) {
		snprintf(why, whylen, "bad host");
		return (-1);
	}
	memcpy(u->host, h, hl);
	u->host[hl] = '\0';
	if (colon == NULL) {
		strlcpy(u->port, u->tls ? "443" : "80", sizeof(u->port));
		return (0);
	}
	errno = 0;
	port = strtol(colon + 1, &ep, 10);
	if (ep != end || colon + 1 == end || errno != 0 || port < 1 ||
	    port > 65535) {
		snprintf(why, whylen, "bad port");
		return (-1);
	}
	snprintf(u->port, sizeof(u->port), "%ld", port);
	return (0);
}

int
httpc_url_check(const char *url, char *why, size_t whylen)
{
	struct httpc_url	 u;

	return (httpc_url_parse(url, &u, why, whylen));
}

/* Waits for fd to be ready for ev until the deadline (mono ms). */
static int
httpc_wait(int fd, short ev, uint64_t deadline)
{
	struct pollfd	 p = { fd, ev, 0 };
	uint64_t	 now = mono_usec() / 1000;
	int		 rc;

	if (now >= deadline)
		return (-1);
	do
		rc = poll(&p, 1, (int)(deadline - now));
	while (rc == -1 && errno == EINTR);
	return (rc == 1 ? 0 : -1);
}

static int
httpc_connect(const struct httpc_url *u, struct httpc_conn *c, char *why,
    size_t whylen)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	socklen_t	 elen;
	int		 err;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((err = getaddrinfo(u->host, u->port, &hints, &res)) != 0) {
		snprintf(why, whylen, "%.64s: %s", u->host, gai_strerror(err));
		return (-1);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((c->fd = socket(ai->ai_family, ai->ai_socktype |
		    SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol)) == -1)
			continue;
		elen = sizeof(err);
		if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS && httpc_wait(c->fd, POLLOUT,
		    c->deadline) == 0 && getsockopt(c->fd, SOL_SOCKET,
		    SO_ERROR, &err, &elen) == 0 && err == 0))
			break;
		close(c->fd);
		c->fd = -1;
	}
	freeaddrinfo(res);
	if (c->fd == -1) {
		snprintf(why, whylen, "cannot connect to %.64s:%s", u->host,
		    u->port);
		return (-1);
	}
	return (0);
}

/* Waits for the way GnuTLS's last call wanted to go. */
static int
httpc_tls_wait(struct httpc_conn *c)
{
	return (httpc_wait(c->fd, gnutls_record_get_direction(c->s) ?
	    POLLOUT : POLLIN, c->deadline));
}

static int
httpc_handshake(const struct httpc_url *u, struct httpc_tls *tls,
    struct httpc_conn *c, char *why, size_t whylen)
{
	unsigned char	 addr[16];
	gnutls_datum_t	 msg;
	unsigned	 status;
	int		 rc, isaddr;

	if (tls == NULL) {
		snprintf(why, whylen, "https without TLS credentials");
		return (-1);
	}
	if (gnutls_init(&c->s, GNUTLS_CLIENT | GNUTLS_NONBLOCK) < 0) {
		c->s = NULL;
		snprintf(why, whylen, "cannot start TLS");
		return (-1);
	}
	isaddr = inet_pton(AF_INET, u->host, addr) == 1 ||
	    inet_pton(AF_INET6, u->host, addr) == 1;
	if ((!isaddr && gnutls_server_name_set(c->s, GNUTLS_NAME_DNS,
	    u->host, strlen(u->host)) < 0) ||
	    gnutls_set_default_priority(c->s) < 0 ||
	    gnutls_credentials_set(c->s, GNUTLS_CRD_CERTIFICATE,
	    tls->cred) < 0) {
		snprintf(why, whylen, "cannot set up TLS");
		return (-1);
	}
	gnutls_session_set_verify_cert(c->s, u->host, 0);
	gnutls_transport_set_int(c->s, c->fd);
	while ((rc = gnutls_handshake(c->s)) < 0) {
		if (gnutls_error_is_fatal(rc)) {
			if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR &&
			    (status = gnutls_session_get_verify_cert_status(
			    c->s)) != 0 &&
			    gnutls_certificate_verification_status_print(
			    status, GNUTLS_CRT_X509, &msg, 0) == 0) {
				snprintf(why, whylen, "certificate of %.64s "
				    "refused: %s", u->host, msg.data);
				gnutls_free(msg.data);
			} else
				snprintf(why, whylen, "TLS with %.64s: %s",
				    u->host, gnutls_strerror(rc));
			return (-1);
		}
		if (httpc_tls_wait(c) == -1) {
			snprintf(why, whylen, "TLS with %.64s: timed out",
			    u->host);
			return (-1);
		}
	}
	return (0);
}

/* Sends all of p; -1 with why. */
static int
httpc_send(struct httpc_conn *c, const char *p, size_t len, char *why,
    size_t whylen)
{
	ssize_t	 n;

	while (len > 0) {
		if (c->s != NULL) {
			n = gnutls_record_send(c->s, p, len);
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
				if (httpc_tls_wait(c) == -1)
					goto slow;
				continue;
			}
			if (n < 0) {
				snprintf(why, whylen, "send: %s",
				    gnutls_strerror((int)n));
				return (-1);
			}
		} else {
			if (httpc_wait(c->fd, POLLOUT, c->deadline) == -1)
				goto slow;
			n = send(c->fd, p, len, MSG_NOSIGNAL);
			if (n == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0) {
				snprintf(why, whylen, "send: %s",
				    strerror(errno));
				return (-1);
			}
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
slow:
	snprintf(why, whylen, "timed out sending");
	return (-1);
}

/* Reads some bytes into p: their number, 0 at the end, -1 with why. */
static ssize_t
httpc_recv(struct httpc_conn *c, char *p, size_t len, int timeout_ms,
    char *why, size_t whylen)
{
	ssize_t	 n;

	for (;;) {
		if (c->s != NULL) {
			n = gnutls_record_recv(c->s, p, len);
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
				if (httpc_tls_wait(c) == -1)
					break;
				continue;
			}
			if (n == GNUTLS_E_PREMATURE_TERMINATION)
				return (0);
			if (n < 0) {
				snprintf(why, whylen, "receive: %s",
				    gnutls_strerror((int)n));
				return (-1);
			}
			return (n);
		}
		if (httpc_wait(c->fd, POLLIN, c->deadline) == -1)
			break;
		n = recv(c->fd, p, len, 0);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n == -1) {
			snprintf(why, whylen, "receive: %s", strerror(errno));
			return (-1);
		}
		return (n);
	}
	snprintf(why, whylen, "no answer within %d ms", timeout_ms);
	return (-1);
}

int
httpc_post(const char *url, const char *headers, const char *body,
    size_t len, struct httpc_tls *tls, int timeout_ms, char *why,
    size_t whylen)
{
	struct httpc_url	 u;
	struct httpc_conn	 c = { -1, NULL, 0 };
	char			*head = NULL, resp[256];
	size_t			 got = 0;
	ssize_t			 n;
	int			 hn, status = 0;

	c.deadline = mono_usec() / 1000 + (uint64_t)timeout_ms;
	if (httpc_url_parse(url, &u, why, whylen) == -1 ||
	    httpc_connect(&u, &c, why, whylen) == -1)
		return (0);
	if (u.tls && httpc_handshake(&u, tls, &c, why, whylen) == -1)
		goto out;
	hn = asprintf(&head, "POST %s HTTP/1.1\r\nHost: %s%s%s%s%s\r\n"
	    "User-Agent: hailong\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n%sConnection: close\r\n\r\n", u.path,
	    strchr(u.host, ':') != NULL ? "[" : "", u.host,
	    strchr(u.host, ':') != NULL ? "]" : "",
	    strcmp(u.port, u.tls ? "443" : "80") != 0 ? ":" : "",
	    strcmp(u.port, u.tls ? "443" : "80") != 0 ? u.port : "", len,
	    headers);
	if (hn < 0) {
		head = NULL;
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	if (httpc_send(&c, head, (size_t)hn, why, whylen) == -1 ||
	    httpc_send(&c, body, len, why, whylen) == -1)
		goto out;
	/* The status line is all we need. */
	while (got < sizeof(resp) - 1 && memchr(resp, '\n', got) == NULL) {
		if ((n = httpc_recv(&c, resp + got, sizeof(resp) - 1 - got,
		    timeout_ms, why, whylen)) == -1)
			goto out;
		if (n == 0) {
			snprintf(why, whylen, "connection closed");
			goto out;
		}
		got += (size_t)n;
	}
	resp[got] = '\0';
	if (strncmp(resp, "HTTP/1.", 7) != 0 || got < 12 ||
	    sscanf(resp + 9, "%3d", &status) != 1) {
		status = 0;
		snprintf(why, whylen, "not an HTTP answer");
		goto out;
	}
	snprintf(why, whylen, "status %d", status);
out:
	free(head);
	if (c.s != NULL) {
		if (status != 0)
			(void)gnutls_bye(c.s, GNUTLS_SHUT_WR);
		gnutls_deinit(c.s);
	}
	close(c.fd);
	return (status);
}
