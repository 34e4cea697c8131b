/*
 * http.c: the libmicrohttpd daemon (epoll thread pool, suspend/resume for
 * the group-committing writer) and the life of one request.
 * Traps (libmicrohttpd 0.9.75): a response queued in the first call of
 * the access handler closes a keep-alive connection, so every response
 * is queued on a later call; after MHD_resume_connection() the request
 * may be completed and freed at once, so the writer's callback touches
 * nothing of it after resuming.
 * TLS: the certificate is handed to GnuTLS per handshake by a callback
 * (it has no argument of ours: the pair in use is this file's one
 * process-wide pointer), so that SIGHUP swaps it while connections stay
 * open; a replaced pair lives on until the stop, for handshakes that
 * took it a moment before.
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include "conn.h"
#include "crypto.h"
#include "app.h"
#include "http.h"
#include "metrics.h"
#include "multipart.h"
#include "netaddr.h"
#include "route.h"
#include "catswap.h"
#include "keyseen.h"
#include "session.h"
#include "tls.h"
#include "util.h"

struct http {
	struct MHD_Daemon	*d;
	struct app		*app;
	struct limit		*limits;	/* failed attempts */
	struct conn_set		*conns;		/* caps and deadlines */
	/* Requests waiting for the writer; whether the server is stopping. */
	atomic_int		 inflight;
	atomic_int		 closing;
	/* GET /metrics: requests per route, kiosks seen; since when. */
	struct metrics_http	*metrics;
	const char		**route_methods;
	const char		**route_paths;
	int64_t			 started;
};

int
http_tls_reload(struct http *h, char *why, size_t whylen)
{
	if (h->app->cfg.tls_cert[0] == '\0') {
		snprintf(why, whylen, "no TLS certificate configured");
		return (-1);
	}
	return (tls_cred_set(h->app->cfg.tls_cert, h->app->cfg.tls_key, why,
	    whylen));
}

static const char *const csp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/* The console's survey page: its previews are frames of 'self'. */
static const char *const csp_frames =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "frame-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";
/* The kiosk page of such a preview: framed by 'self', sends nothing. */
static const char *const csp_scripts_framed =
    "default-src 'none'; script-src 'self'; connect-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'none'; frame-ancestors 'self'; base-uri 'none'";
/* Pages with a script of ours (kiosk, counter): files from 'self' only. */
static const char *const csp_scripts =
    "default-src 'none'; script-src 'self'; connect-src 'self'; "
    "worker-src 'self'; manifest-src 'self'; style-src 'self' "
    "'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

void
http_reply(struct req *r, unsigned status, const char *ctype)
{
	r->status = status;
	r->ctype = ctype;
	r->state = RS_DONE;
}

void
http_reply_json(struct req *r, unsigned status, const char *json)
{
	buf_reset(&r->out);
	if (buf_addstr(&r->out, json) == -1 || buf_addc(&r->out, '\n') == -1)
		status = 500;
	http_reply(r, status, "application/json");
}

static enum page_msg
http_msg_of(unsigned status)
{
	switch (status) {
	case 404:
		return (MSG_NOT_FOUND);
	case 409:
		return (MSG_ANSWERED);
	case 410:
		return (MSG_EXPIRED);
	case 503:
		return (MSG_UNAVAILABLE);
	case 500:
		return (MSG_ERROR);
	default:
		return (MSG_BAD_REQUEST);
	}
}

void
http_fail(struct req *r, unsigned status, const char *why)
{
	json_t	*o;
	char	*s;

	buf_reset(&r->out);
	if (r->is_api || r->app->sch->pg == NULL) {
		o = json_pack("{s:s}", "error", why);
		s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
		http_reply_json(r, status, s != NULL ? s :
		    "{\"error\":\"internal error\"}");
		free(s);
		json_decref(o);
		r->status = status;
		return;
	}
	/* The console's pages refuse in the console's frame and words. */
	if (r->app->admin_fail != NULL && !r->admin_failing &&
	    r->url != NULL && (strcmp(r->url, "/admin") == 0 ||
	    strncmp(r->url, "/admin/", 7) == 0 ||
	    strncmp(r->url, "/reports", 8) == 0)) {
		r->admin_failing = 1;
		r->app->admin_fail(r, status, why);
		return;
	}
	if (page_message(r->app->sch->pg, &r->out, r->lang,
	    http_msg_of(status)) == -1) {
		buf_reset(&r->out);
		buf_addstr(&r->out, "error\n");
		http_reply(r, status, "text/plain; charset=utf-8");
		return;
	}
	http_reply(r, status, "text/html; charset=utf-8");
	r->no_store = 1;
}

/* The peer's address of conn as 16 bytes (IPv4 mapped into IPv6). */
static void
http_peer(struct MHD_Connection *conn, uint8_t out[16])
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;

	memset(out, 0, 16);
	ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6)
		memcpy(out, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, 16);
}

/*
 * The request's client: the peer, or behind a trusted proxy the address
 * it forwarded; https from TLS or, from that proxy only, its
 * X-Forwarded-Proto. Returns 1 when a trusted proxy forwarded it.
 */
static int
http_client(struct req *r)
{
	const struct netaddr_list *tp = &r->app->cfg.proxies;
	const char	*proto;
	uint8_t		 peer[16];
	int		 fwd;

	http_peer(r->conn, peer);
	fwd = netaddr_client(tp, peer, http_header(r, "X-Forwarded-For"),
	    r->addr);
	r->https = r->app->cfg.tls_cert[0] != '\0';
	if (tp->n > 0 && netaddr_list_has(tp, peer) &&
	    (proto = http_header(r, "X-Forwarded-Proto")) != NULL)
		r->https = strcasecmp(proto, "https") == 0;
	return (fwd);
}

int
http_auth_blocked(struct req *r, enum limit_kind kind)
{
	int64_t		 left;

	if ((left = limit_blocked(r->http->limits, r->addr, kind, now_sec())) <= 0)
		return (0);
	r->retry_after = (unsigned)left;
	http_fail(r, 429, "too many failed attempts; wait and try again");
	return (1);
}

static int	 http_role(struct req *, int *);

int
http_auth_optional(struct req *r)
{
	int	 role, present;

	role = http_role(r, &present);
	if (role > 0) {
		r->role = role;
		return (0);
	}
	r->unit[0] = '\0';
	if (!present || role == -2)
		return (0);
	if (http_auth_blocked(r, LIMIT_KEY))
		return (-1);
	http_auth_failed(r, LIMIT_KEY);
	http_fail(r, 401, "unknown or revoked key");
	return (-1);
}

void
http_auth_failed(struct req *r, enum limit_kind kind)
{
	limit_fail(r->http->limits, r->addr, kind, now_sec());
}

unsigned
http_rc_status(enum hl_rc rc)
{
	switch (rc) {
	case HL_OK:
		return (200);
	case HL_MALFORMED:
		return (400);
	case HL_NOT_FOUND:
		return (404);
	case HL_CONFLICT:
		return (409);
	case HL_GONE:
		return (410);
	case HL_TOO_BIG:
		return (413);
	case HL_INVALID:
		return (422);
	case HL_FULL:
		return (503);
	default:
		return (500);
	}
}

void
http_fail_why(struct req *r, enum hl_rc rc, const char *why)
{
	http_fail(r, http_rc_status(rc), why);
}

void
http_fail_rc(struct req *r, enum hl_rc rc)
{
	static const struct {
		unsigned	 status;
		const char	*why;
	} msgs[] = {
		{ 400, "malformed request" },
		{ 404, "not found" },
		{ 409, "already answered" },
		{ 410, "expired" },
		{ 413, "too large" },
		{ 422, "invalid values" },
		{ 503, "storage full; try again later" },
	};
	unsigned	 status = http_rc_status(rc);
	size_t		 i;

	for (i = 0; i < sizeof(msgs) / sizeof(*msgs); i++)
		if (msgs[i].status == status) {
			http_fail(r, status, msgs[i].why);
			return;
		}
	http_fail(r, 500, "storage error");
}

void
http_redirect(struct req *r, unsigned status, const char *location)
{
	strlcpy(r->location, location, sizeof(r->location));
	buf_reset(&r->out);
	http_reply(r, status, "text/plain; charset=utf-8");
}

const char *
http_arg(struct req *r, const char *name)
{
	return (MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
	    name));
}

/* Appends "&name=value" (URL-encoded) when the argument is set. */
void
http_query_add(struct req *r, char *q, size_t qlen, const char *name)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const char		*v = http_arg(r, name);
	char			 enc[HTTP_QUERY_ARG_MAX];
	size_t			 i, n = 0;

	if (v == NULL || v[0] == '\0')
		return;
	for (i = 0; v[i] != '\0' && n + 4 < sizeof(enc); i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.') {
			enc[n++] = (char)c;
			continue;
		}
		enc[n++] = '%';
		enc[n++] = hex[c >> 4];
		enc[n++] = hex[c & 15];
	}
	enc[n] = '\0';
	strlcat(q, q[0] == '\0' ? "" : "&", qlen);
	strlcat(q, name, qlen);
	strlcat(q, "=", qlen);
	strlcat(q, enc, qlen);
}

const char *
http_header(struct req *r, const char *name)
{
	return (MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name));
}

static void
http_op_done(struct wop *op, void *arg)
{
	struct req		*r = arg;
	struct MHD_Connection	*conn = r->conn;

	(void)op;
	r->state = RS_RESUMED;
	/* r may be freed from here on. */
	MHD_resume_connection(conn);
}

void
http_submit(struct req *r, void (*cont)(struct req *))
{
	if (atomic_load(&r->http->closing)) {
		http_fail(r, 503, "the server is stopping; try again");
		return;
	}
	atomic_fetch_add(&r->http->inflight, 1);
	r->submitted = 1;
	r->cont = cont;
	r->state = RS_SUSPENDED;
	r->op.done = http_op_done;
	r->op.arg = r;
	MHD_suspend_connection(r->conn);
	writer_submit(r->app->w, &r->op);
}

void
http_park(struct req *r, void (*cont)(struct req *))
{
	if (atomic_load(&r->http->closing)) {
		http_fail(r, 503, "the server is stopping; try again");
		return;
	}
	atomic_fetch_add(&r->http->inflight, 1);
	r->submitted = 1;
	r->cont = cont;
	r->state = RS_SUSPENDED;
	/* A long poll holds no place of its client's. */
	if (r->client_counted) {
		conn_client_leave(r->http->conns, r->addr);
		r->client_counted = 0;
	}
	MHD_suspend_connection(r->conn);
}

void
http_unpark(struct req *r)
{
	struct MHD_Connection	*conn = r->conn;

	r->state = RS_RESUMED;
	/* r may be freed from here on. */
	MHD_resume_connection(conn);
}

/* Content-Type without parameters, compared case-insensitively. */
static int
http_ctype_is(struct req *r, const char *want)
{
	const char	*ct = http_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t		 n = strlen(want);

	if (ct == NULL || strncasecmp(ct, want, n) != 0)
		return (0);
	return (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/*
 * A plain form's CSRF token: the field csrf of an urlencoded body (a
 * form cannot set the header), copied into tok; NULL when there is none
 * of the right length. Tokens are hex: nothing to decode.
 */
static const char *
http_form_csrf(struct req *r, char tok[SESSION_CSRF_LEN + 1])
{
	const char	*b = r->body.data, *p;
	size_t		 len = r->body.len, i;

	if (b == NULL)
		return (NULL);
	for (i = 0; i + 5 <= len; i++) {
		if ((i != 0 && b[i - 1] != '&') || memcmp(b + i, "csrf=", 5))
			continue;
		p = b + i + 5;
		if ((size_t)(b + len - p) < SESSION_CSRF_LEN ||
		    (p + SESSION_CSRF_LEN < b + len &&
		    p[SESSION_CSRF_LEN] != '&'))
			return (NULL);
		memcpy(tok, p, SESSION_CSRF_LEN);
		tok[SESSION_CSRF_LEN] = '\0';
		return (tok);
	}
	return (NULL);
}

/* A form with a file: its part csrf, as http_form_csrf(). */
static const char *
http_multipart_csrf(struct req *r, char tok[SESSION_CSRF_LEN + 1])
{
	struct mpart		 parts[MULTIPART_PARTS_MAX];
	const struct mpart	*m;
	size_t			 n;

	if (r->body.data == NULL || multipart_parse(http_header(r,
	    MHD_HTTP_HEADER_CONTENT_TYPE), r->body.data, r->body.len, parts,
	    &n, NULL, 0) == -1 ||
	    (m = multipart_get(parts, n, "csrf")) == NULL ||
	    m->len != SESSION_CSRF_LEN)
		return (NULL);
	memcpy(tok, m->data, SESSION_CSRF_LEN);
	tok[SESSION_CSRF_LEN] = '\0';
	return (tok);
}

/*
 * The role of the request's Bearer key or, without one, of its session
 * cookie; 0 when none or a bad key, -1 for a write without its CSRF
 * token, -2 for a session that is over. *present: a credential was sent.
 */
static int
http_role(struct req *r, int *present)
{
	const char	*h = http_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	uint8_t		 hash[CRYPTO_HASH_LEN];
	struct apikey	 k;
	struct user	 u;
	struct session	 ses;
	char		 id[KEY_ID_HEX + 1], tok[SESSION_CSRF_LEN + 1];
	size_t		 n;

	*present = h != NULL;
	if (h == NULL) {
		h = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
		    SESSION_COOKIE);
		if (h == NULL)
			return (0);
		*present = 1;
		/* A stale cookie (a restart, an expiry) is no attempt. */
		if (session_get(r->app->sessions, h, strlen(h), &ses) == -1)
			return (-2);
		if (ses.user[0] != '\0') {
			/* A disabled user, a new password: it ends. */
			if (store_user_get(r->app->st, ses.user, &u) != HL_OK ||
			    (u.flags & USER_DISABLED) != 0 ||
			    u.gen != ses.gen || u.role != ses.role ||
			    strcmp(u.unit, ses.unit) != 0) {
				crypto_zero(&u, sizeof(u));
				session_end(r->app->sessions, h, strlen(h));
				return (-2);
			}
			crypto_zero(&u, sizeof(u));
			snprintf(r->who, sizeof(r->who), "user %s", ses.user);
		} else {
			/* A revoked key's sessions end with it. */
			if (store_key_get(r->app->st, ses.key, &k) != HL_OK) {
				session_end(r->app->sessions, h, strlen(h));
				return (-2);
			}
			apikey_id_hex(ses.key, id);
			snprintf(r->who, sizeof(r->who), "key %s %s", id,
			    k.name);
			keyseen_mark(r->app->keyseen, ses.key, now_sec());
		}
		r->via_session = 1;
		strlcpy(r->unit, ses.unit, sizeof(r->unit));
		/* A cookie rides along on any request: writes need CSRF. */
		if (strcmp(r->rt->method, "GET") != 0) {
			const char *t = http_header(r, "X-CSRF-Token");

			if (t == NULL && r->rt->ct == CT_FORM)
				t = http_form_csrf(r, tok);
			if (t == NULL && r->rt->ct == CT_MULTIPART)
				t = http_multipart_csrf(r, tok);
			if (t == NULL || strlen(t) != SESSION_CSRF_LEN ||
			    !crypto_equal(t, ses.csrf, SESSION_CSRF_LEN))
				return (-1);
		}
		return (ses.role);
	}
	if (strncasecmp(h, "Bearer ", 7) != 0)
		return (0);
	h += 7;
	while (*h == ' ')
		h++;
	if ((n = strlen(h)) == 0 || n > 128)
		return (0);
	crypto_sha256(h, n, hash);
	if (store_key_get(r->app->st, hash, &k) != HL_OK)
		return (0);
	strlcpy(r->unit, k.unit, sizeof(r->unit));
	r->has_key = 1;
	memcpy(r->key_hash, hash, sizeof(r->key_hash));
	strlcpy(r->key_name, k.name, sizeof(r->key_name));
	strlcpy(r->counter, k.counter, sizeof(r->counter));
	apikey_id_hex(hash, id);
	snprintf(r->who, sizeof(r->who), "key %s %s", id, k.name);
	keyseen_mark(r->app->keyseen, hash, now_sec());
	return (k.role);
}

static void
http_dispatch(struct req *r, const char *allow)
{
	const struct route	*rt = r->rt;
	int			 role, present;

	if (rt == NULL) {
		if (allow[0] != '\0') {
			http_fail(r, 405, "method not allowed on this path");
			return;
		}
		http_fail(r, 404, "no such path");
		return;
	}
	if (r->too_big) {
		http_fail(r, 413, "request body too large");
		return;
	}
	if (rt->roles != ROLE_NONE) {
		role = http_role(r, &present);
		/* Only a failed credential meets the failure limit. */
		if (role == 0 && present) {
			if (http_auth_blocked(r, LIMIT_KEY))
				return;
			http_auth_failed(r, LIMIT_KEY);
		}
		if (role == -2)
			role = 0;
		if (role == -1) {
			http_fail(r, 403, "missing or wrong X-CSRF-Token");
			return;
		}
		if (role == 0 && rt->denied != NULL) {
			rt->denied(r, 401);
			return;
		}
		if (role == 0) {
			http_fail(r, 401, present ? "unknown or revoked key" :
			    "missing Authorization: Bearer <key>");
			return;
		}
		if ((role & rt->roles) == 0 && rt->denied != NULL) {
			rt->denied(r, 403);
			return;
		}
		if ((role & rt->roles) == 0) {
			http_fail(r, 403, "this key's role may not do this");
			return;
		}
		r->role = role;
		if (role == ROLE_KIOSK && r->has_key)
			metrics_http_kiosk(r->http->metrics, r->key_hash,
			    now_sec());
	}
	if (rt->ct == CT_JSON && !http_ctype_is(r, "application/json")) {
		http_fail(r, 415, "Content-Type must be application/json");
		return;
	}
	if (rt->ct == CT_MULTIPART &&
	    !http_ctype_is(r, "multipart/form-data")) {
		http_fail(r, 415, "Content-Type must be multipart/form-data");
		return;
	}
	if (rt->ct == CT_FORM &&
	    !http_ctype_is(r, "application/x-www-form-urlencoded")) {
		http_fail(r, 415, "Content-Type must be "
		    "application/x-www-form-urlencoded");
		return;
	}
	rt->fn(r);
}

static enum MHD_Result
http_queue(struct req *r, const char *allow)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;
	size_t			 len;
	char			*data;

	if (r->state != RS_DONE)
		http_fail(r, 500, "internal error");
	if (r->out.overflow)
		http_fail(r, 500, "response too large");
	data = buf_steal(&r->out, &len);
	r->sent_status = r->status;
	r->sent_bytes = len;
	resp = MHD_create_response_from_buffer(len, data,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(data);
		return (MHD_NO);
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    r->ctype != NULL ? r->ctype : "text/plain; charset=utf-8");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy",
	    r->scripts ? (r->framed ? csp_scripts_framed : csp_scripts) :
	    r->frames ? csp_frames : csp);
	MHD_add_response_header(resp, "X-Frame-Options", r->framed ?
	    "SAMEORIGIN" : "DENY");
	if (r->no_store)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "no-store");
	if (r->bad_framing || r->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION,
		    "close");
	if (r->cookie[0] != '\0')
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
		    r->cookie);
	if (r->location[0] != '\0')
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
		    r->location);
	if (r->filename[0] != '\0' && r->status == 200) {
		char	 cd[128];

		snprintf(cd, sizeof(cd), "attachment; filename=\"%s\"",
		    r->filename);
		MHD_add_response_header(resp, "Content-Disposition", cd);
	}
	if (r->status == 405 && allow != NULL && allow[0] != '\0')
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	if (r->retry_after > 0) {
		char	 ra[16];

		snprintf(ra, sizeof(ra), "%u", r->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	if (r->status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer");
	ret = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	return (ret);
}

/*
 * Percent-decoding of paths and query values, in place. "%00" stays as it
 * is: a NUL would cut a C string short, and "/kiosk/kiosk.js%00.html"
 * must not become "/kiosk/kiosk.js". A bad escape stays as it is too.
 */
static size_t
http_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char	*w = s;
	const char *p = s;
	int	 hi, lo;

	(void)cls;
	(void)conn;
	while (*p != '\0') {
		if (p[0] == '%' && (hi = hex_digit(p[1])) >= 0 &&
		    (lo = hex_digit(p[2])) >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi << 4 | lo);
			p += 3;
		} else
			*w++ = *p++;
	}
	*w = '\0';
	return ((size_t)(w - s));
}

/* What the headers say of the body's framing. */
struct http_cl {
	int		 n;		/* Content-Length headers */
	const char	*first;
	int		 differ;
	int		 te;		/* Transfer-Encoding headers */
};

static enum MHD_Result
http_count_cl(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct http_cl	*c = cls;

	(void)kind;
	if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		c->te++;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) != 0)
		return (MHD_YES);
	if (c->n++ == 0)
		c->first = value;
	else if (strcmp(c->first, value) != 0)
		c->differ = 1;
	return (MHD_YES);
}

/* The connection's caps and deadlines (conn.h), or NULL. */
static struct conn *
http_conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return (ci != NULL ? ci->socket_context : NULL);
}

/*
 * The first call, with the headers in: checks that need no body. Returns
 * 0 to go on reading, or -1 with the reply set; it goes out at once and
 * the connection is closed, so a body refused is never read.
 */
static int
http_arrive(struct req *r, struct MHD_Connection *conn)
{
	struct http_cl	 cl = { 0, NULL, 0, 0 };
	long long	 len = 0;
	size_t		 cap = r->rt != NULL ? r->rt->body_max : 0;
	int		 fwd;

	fwd = http_client(r);
	MHD_get_connection_values(conn, MHD_HEADER_KIND, http_count_cl, &cl);
	/*
	 * Two lengths that differ, or a length beside chunked coding, frame
	 * the body two ways (request smuggling, RFC 9112 6.1).
	 */
	if (cl.te > 0 && cl.n > 0) {
		r->close = 1;
		http_fail(r, 400, "Transfer-Encoding and Content-Length "
		    "together");
		return (-1);
	}
	r->bad_framing = cl.differ;
	if (cl.n > 0 && !cl.differ &&
	    parse_num(cl.first, strlen(cl.first), 0, LLONG_MAX, &len) == 0 &&
	    r->rt != NULL && (unsigned long long)len > cap) {
		r->close = 1;	/* the body stays unread */
		http_fail(r, 413, "request body too large");
		return (-1);
	}
	if (fwd) {
		if (conn_client_enter(r->http->conns, r->addr) == -1) {
			r->close = 1;
			http_fail(r, 429, "too many requests at once from this "
			    "address");
			return (-1);
		}
		r->client_counted = 1;
	}
	conn_headers_done(r->cn, cl.te > 0 ? cap + 1 : (uint64_t)len);
	return (0);
}

static enum MHD_Result
http_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req_cls)
{
	struct req	*r = *req_cls;
	char		 allow[64];
	size_t		 cap;

	(void)version;
	if (r == NULL) {
		r = xmalloc(sizeof(*r));
		memset(r, 0, REQ_ZEROED);
		r->conn = conn;
		r->http = cls;
		r->app = r->http->app;
		/* Whatever of the catalogue it reads lives till it ends. */
		r->cat_epoch = catswap_enter(r->app->swap);
		r->url = url;
		r->method = method;
		r->t0 = mono_usec();
		r->lang = LANG_VI;
		r->is_api = strncmp(url, "/api/", 5) == 0;
		r->rt = route_find(method, url, &r->arg, &r->arglen, allow,
		    sizeof(allow));
		r->cn = http_conn_of(conn);
		cap = r->rt != NULL ? r->rt->body_max : 0;
		buf_init(&r->body, cap);
		buf_init(&r->out, PAGE_MAX);
		*req_cls = r;
		if (http_arrive(r, conn) == -1)
			return (http_queue(r, allow));
		return (MHD_YES);
	}
	if (*upload_size > 0) {
		/*
		 * Past the cap (a chunked body: its length was not known)
		 * the rest is read and dropped for the 413 at its end, up
		 * to HTTP_DRAIN_MAX; past that the connection is cut.
		 */
		if (!r->too_big && buf_add(&r->body, upload, *upload_size) ==
		    -1) {
			r->too_big = 1;
			r->close = 1;	/* after the 413 */
		}
		if (r->too_big && (r->drained += *upload_size) >
		    HTTP_DRAIN_MAX)
			return (MHD_NO);
		*upload_size = 0;
		return (MHD_YES);
	}
	switch (r->state) {
	case RS_SUSPENDED:
		return (MHD_YES);
	case RS_RESUMED:
		r->state = RS_NEW;
		r->cont(r);
		return (http_queue(r, NULL));
	case RS_DONE:
		return (MHD_YES);	/* answered early, being closed */
	default:
		break;
	}
	conn_busy(r->cn);
	route_find(method, url, &r->arg, &r->arglen, allow, sizeof(allow));
	if (r->bad_framing) {
		http_fail(r, 400, "conflicting Content-Length headers");
		return (http_queue(r, allow));
	}
	http_dispatch(r, allow);
	/* The writer may have resumed it already: r->state is its now. */
	if (r->submitted)
		return (MHD_YES);
	return (http_queue(r, allow));
}

/* The method as logged: one of HTTP's, never the client's bytes. */
static const char *
http_method_name(const char *m)
{
	static const char *const known[] = { "GET", "HEAD", "POST", "PUT",
	    "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT" };
	size_t	 i;

	for (i = 0; i < sizeof(known) / sizeof(*known); i++)
		if (strcmp(m, known[i]) == 0)
			return (known[i]);
	return ("other");
}

/*
 * The request's line: method, the route's pattern (never the path: it
 * may hold a token), status, microseconds from arrival to the end of
 * the reply, body bytes; the client's address only when the config asks.
 */
static void
http_log(struct req *r, uint64_t usec)
{
	char	 addr[NETADDR_TEXT_MAX + 16];

	if (!log_enabled(LOG_INFO))
		return;
	addr[0] = '\0';
	if (r->app->cfg.log_client_address) {
		memcpy(addr, " client=", 8);
		netaddr_format(r->addr, addr + 8, sizeof(addr) - 8);
	}
	log_kv(LOG_INFO, "msg=request method=%s route=%s status=%u us=%llu "
	    "bytes=%zu%s", http_method_name(r->method),
	    r->rt != NULL ? r->rt->path : "-", r->sent_status,
	    (unsigned long long)usec, r->sent_bytes, addr);
}

static void
http_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req	*r = *req_cls;

	(void)cls;
	(void)conn;
	if (r == NULL)
		return;
	if (r->sent_status != 0) {
		uint64_t	 us = mono_usec() - r->t0;

		metrics_http_request(r->http->metrics, route_index(r->rt),
		    r->sent_status, us);
		http_log(r, us);
	}
	/*
	 * A request handed to the writer (or parked) counts as in flight
	 * until its answer has gone out: a stop waits for it.
	 */
	if (r->submitted)
		atomic_fetch_sub(&r->http->inflight, 1);
	if (r->client_counted)
		conn_client_leave(r->http->conns, r->addr);
	/* Still open (kept alive): the next request's headers are due. */
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		conn_idle(r->cn);
	buf_clear(&r->body);
	buf_clear(&r->out);
	catswap_leave(r->app->swap, r->cat_epoch);
	free(r);
	*req_cls = NULL;
}

/* A connection opens (caps, header deadline) or closes. */
static void
http_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct http			*h = cls;
	const union MHD_ConnectionInfo	*ci;
	uint8_t				 peer[16];
	int				 fd;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		conn_close(*socket_context);
		*socket_context = NULL;
		return;
	}
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci == NULL)
		return;
	fd = ci->connect_fd;
	http_peer(conn, peer);
	*socket_context = conn_open(h->conns, fd, peer,
	    netaddr_list_has(&h->app->cfg.proxies, peer));
	/* Refused by a cap: it ends before a byte is read. */
	if (*socket_context == NULL)
		shutdown(fd, SHUT_RDWR);
}

/* libmicrohttpd's own messages, as warnings of the log. */
static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	 msg[LOG_LINE_MAX / 2];
	size_t	 n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	log_warn("libmicrohttpd: %s", msg);
}

/* Frees what http_start() made; the daemon is stopped or never ran. */
static void
http_free(struct http *h)
{
	if (h->conns != NULL)
		conn_set_free(h->conns);
	limit_free(h->limits);
	metrics_http_free(h->metrics);
	free(h->route_methods);
	free(h->route_paths);
	tls_cred_clear();
	free(h);
}

int
http_start(struct http **hp, struct app *a, unsigned *port, char *why,
    size_t whylen)
{
	struct http		*h;
	struct addrinfo		 hints, *res = NULL;
	char			 ps[8];
	const union MHD_DaemonInfo *info;
	unsigned		 threads = a->cfg.threads;
	unsigned		 flags;
	int			 e;

	if (threads == 0) {
		long	 n = sysconf(_SC_NPROCESSORS_ONLN);

		threads = n < 1 ? 1 : n > CONFIG_THREADS_MAX ?
		    CONFIG_THREADS_MAX : (unsigned)n;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	snprintf(ps, sizeof(ps), "%u", a->cfg.port);
	if ((e = getaddrinfo(a->cfg.host, ps, &hints, &res)) != 0) {
		snprintf(why, whylen, "listen %s: %s", a->cfg.host,
		    gai_strerror(e));
		return (-1);
	}
	h = xcalloc(1, sizeof(*h));
	h->app = a;
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (res->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (a->cfg.tls_cert[0] != '\0') {
		if (tls_cred_set(a->cfg.tls_cert, a->cfg.tls_key, why,
		    whylen) == -1) {
			freeaddrinfo(res);
			free(h);
			return (-1);
		}
		flags |= MHD_USE_TLS;
	}
	h->limits = limit_create();
	h->started = now_sec();
	h->route_methods = xcalloc(route_count(), sizeof(char *));
	h->route_paths = xcalloc(route_count(), sizeof(char *));
	for (e = 0; (size_t)e < route_count(); e++) {
		h->route_methods[e] = route_at((size_t)e)->method;
		h->route_paths[e] = route_at((size_t)e)->path;
	}
	h->metrics = metrics_http_create(route_count(), h->route_methods,
	    h->route_paths);
	if ((h->conns = conn_set_create()) == NULL) {
		snprintf(why, whylen, "cannot start the connection watchdog");
		freeaddrinfo(res);
		http_free(h);
		return (-1);
	}
	/* The logger first: libmicrohttpd warns about any option before. */
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, http_access, h,
	    MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, res->ai_addr,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_TOTAL_MAX,
	    MHD_OPTION_NOTIFY_CONNECTION, http_notify, h,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
	    MHD_OPTION_UNESCAPE_CALLBACK, http_unescape, NULL,
	    /* Last: without TLS the list ends here. */
	    (flags & MHD_USE_TLS) ? MHD_OPTION_HTTPS_CERT_CALLBACK :
	    MHD_OPTION_END, tls_cert_cb,
	    MHD_OPTION_END);
	freeaddrinfo(res);
	if (h->d == NULL) {
		snprintf(why, whylen, "cannot listen on %s:%u (in use, not"
		    " an address of this machine, or a bad TLS key?)",
		    a->cfg.host, a->cfg.port);
		http_free(h);
		return (-1);
	}
	info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info != NULL ? info->port : a->cfg.port;
	*hp = h;
	return (0);
}

void
http_stop(struct http *h)
{
	struct timespec	 ts = { 0, 5 * 1000 * 1000 };
	int		 i;

	if (h == NULL)
		return;
	/*
	 * Refuse new writes (503) and let the writes in flight commit and
	 * answer their clients before the threads go. The daemon is not
	 * quiesced: in 0.9.75 MHD_quiesce_daemon() races the pool threads,
	 * which take the listening socket out of their epoll sets too, and
	 * aborts when it loses. Reads are served until the stop.
	 */
	atomic_store(&h->closing, 1);
	/* Long polls are released by whoever paired them (pair_stop). */
	for (i = 0; i < 2000 && atomic_load(&h->inflight) > 0; i++)
		nanosleep(&ts, NULL);
	nanosleep(&ts, NULL);
	MHD_stop_daemon(h->d);
	http_free(h);
}

void
http_metrics(struct req *r)
{
	struct http		*h = r->http;
	struct writer_stats	 ws;
	int64_t			 now = now_sec();
	int			 rc;

	buf_reset(&r->out);
	writer_stats(r->app->w, &ws);
	rc = metrics_http_render(h->metrics, &r->out, now);
	rc |= metrics_writer_render(&ws, &r->out);
	rc |= metrics_process_render(&r->out, h->started, now,
	    store_dir(r->app->st));
	if (rc != 0) {
		http_fail(r, 500, "metrics too large");
		return;
	}
	http_reply(r, 200, METRICS_CONTENT_TYPE);
	r->no_store = 1;
}
