/*
 * http.h: the libmicrohttpd daemon and the life of one request: route,
 * body collection under a cap, authentication, content type, the
 * handler, and the response with the headers every page carries.
 *
 * A handler either replies at once (http_reply*) or hands a write to the
 * writer with http_submit(): the connection is suspended and the
 * continuation runs on an HTTP thread once the write is durable.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>

#include "app.h"
#include "buf.h"
#include "form.h"
#include "limit.h"
#include "writer.h"

#define HTTP_CONN_TIMEOUT	30	/* seconds idle before close */
#define HTTP_CONN_MEMORY	(16u * 1024)
#define HTTP_DRAIN_MAX		(1024u * 1024)	/* chunked body past its cap */
#define HTTP_LOCATION_MAX	(APP_URL_MAX + 16)

struct route;
struct conn;
struct MHD_Connection;

enum req_state {
	RS_NEW = 0,
	RS_SUSPENDED,
	RS_RESUMED,
	RS_DONE
};

struct http;

struct req {
	struct MHD_Connection	*conn;
	struct http		*http;
	struct app		*app;
	const struct route	*rt;
	const char		*url;		/* MHD's, for this request */
	const char		*method;	/* MHD's */
	uint64_t		 t0;		/* mono_usec() at arrival */
	unsigned		 sent_status;	/* 0: no reply queued */
	size_t			 sent_bytes;	/* of the body */
	const char		*arg;		/* the path's '*' segment */
	size_t			 arglen;
	int			 is_api;	/* JSON errors, not pages */
	int			 admin_failing;	/* in app->admin_fail */
	int			 too_big;
	size_t			 drained;	/* bytes past the cap */
	int			 bad_framing;	/* Content-Lengths differ */
	int			 close;		/* Connection: close after */
	/* The client: the peer, or whom a trusted proxy forwarded. */
	uint8_t			 addr[16];
	int			 https;		/* TLS, or a proxy's https */
	int			 client_counted; /* conn_client_enter() */
	struct conn		*cn;		/* the connection's caps */
	struct buf		 body;
	enum req_state		 state;
	int			 submitted;	/* handed to the writer */
	void			(*cont)(struct req *);
	/* The response. */
	unsigned		 status;
	const char		*ctype;
	struct buf		 out;
	char			 location[HTTP_LOCATION_MAX + 1];
	char			 cookie[256];	/* Set-Cookie, "" = none */
	/* A download's name (Content-Disposition), "" = none: only
	 * A-Z a-z 0-9 . _ - (set by the handler). */
	char			 filename[96];
	unsigned		 retry_after;	/* seconds; 0 = no header */
	int			 no_store;	/* Cache-Control: no-store */
	int			 scripts;	/* CSP allows script from 'self' */
	int			 frames;	/* and frames of 'self' */
	int			 framed;	/* may be framed by 'self' */
	/* Who asked: set before the handler runs. */
	int			 role;		/* ROLE_* of the key or session */
	int			 via_session;	/* authenticated by cookie */
	char			 unit[UNIT_CODE_MAX + 1];	/* key's unit */
	/* With a Bearer key: its hash, name and counter (kiosks). */
	int			 has_key;
	uint8_t			 key_hash[32];
	char			 key_name[KEY_NAME_MAX + 1];
	char			 counter[COUNTER_MAX + 1];
	uint64_t		 cat_epoch;	/* catswap_enter() */
	/* Who it is, for the audit log: "user NAME" or "key ID NAME". */
	char			 who[AUDIT_WHO_MAX + 1];
	/* Scratch for handlers. */
	enum lang		 lang;
	/*
	 * Big scratch (some 9 KB), not zeroed on arrival: most requests
	 * never touch it. A handler sets what it uses.
	 */
	struct wop		 op;
	struct survey_form	 sf;
};
#define REQ_ZEROED	offsetof(struct req, op)

struct http;

/* Starts the daemon on cfg's host and port; *port gets the bound port. */
int	 http_start(struct http **, struct app *, unsigned *port,
	    char *why, size_t whylen);
/*
 * Reads tls_cert and tls_key again (SIGHUP): new handshakes get the new
 * pair, open connections keep theirs. On failure the pair in use stays
 * and why says what is wrong. 0 or -1.
 */
int	 http_tls_reload(struct http *, char *why, size_t whylen);
/* Stops taking connections, finishes writes in flight, answers them. */
void	 http_stop(struct http *);

/* Replies; each sets the response that http.c queues. */
void	 http_reply(struct req *, unsigned status, const char *ctype);
void	 http_reply_json(struct req *, unsigned status, const char *json);
/* An error: JSON {"error": why} under /api/, else the message page. */
void	 http_fail(struct req *, unsigned status, const char *why);
/*
 * The one mapping of an outcome to an HTTP status: HL_OK 200, malformed
 * 400, not found 404, conflict (already answered) 409, gone (expired)
 * 410, too big 413, invalid 422, storage full 503, 500 otherwise.
 */
unsigned http_rc_status(enum hl_rc rc);
/* A failure (rc != HL_OK) with that status and why for the client. */
void	 http_fail_why(struct req *, enum hl_rc rc, const char *why);
/* The same with a generic why: for store reads and writes. */
void	 http_fail_rc(struct req *, enum hl_rc rc);
void	 http_redirect(struct req *, unsigned status, const char *location);
/* A query argument (decoded by MHD) or NULL; a request header or NULL. */
const char *http_arg(struct req *, const char *name);
/* Appends "&name=value" to q (value URL-encoded) when ?name= is set. */
#define HTTP_QUERY_ARG_MAX	256	/* bytes of one encoded value */
void	 http_query_add(struct req *, char *q, size_t qlen, const char *name);
const char *http_header(struct req *, const char *name);
/*
 * Guessing keys, sign-ins and codes (limit.h): http_auth_blocked()
 * replies 429 with Retry-After and returns 1 when the client's address
 * has too many failures of that kind; http_auth_failed() counts one.
 * Keys and sign-ins ask only after a credential failed: a valid one is
 * never refused for others' failures.
 */
int	 http_auth_blocked(struct req *, enum limit_kind);
void	 http_auth_failed(struct req *, enum limit_kind);
/*
 * On a route open to all: the key or session sent, if any, sets r->role
 * and r->unit as on a route with roles. Returns 0 (none sent, or a good
 * one), or -1 with the reply set (401 for a bad key, counted as one;
 * 429 when blocked).
 */
int	 http_auth_optional(struct req *);
/* Queues r->op with the writer; cont runs once it is durable. */
void	 http_submit(struct req *, void (*cont)(struct req *));
/*
 * Suspends the request (a long poll) until http_unpark(); cont then runs
 * on an HTTP thread and replies. When the server is stopping it replies
 * 503 at once and does not suspend: r->submitted tells. Whoever parks
 * must unpark, from any thread, exactly once, and touch nothing of r
 * afterwards; http_stop() calls pair_shutdown() first, which unparks
 * every waiter.
 */
void	 http_park(struct req *, void (*cont)(struct req *));
/* The server's figures (metrics.h) into r->out, with their type. */
void	 http_metrics(struct req *);
void	 http_unpark(struct req *);

#endif
