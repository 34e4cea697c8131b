/*
 * h_signin.c: the sign-in and sign-out of browsers (a key, or a user's
 * name and password, turned into a session cookie), and the sign-in page
 * a browser gets instead of a page its session may not see.
 * Traps: "next" after a sign-in is a local path only, never another site;
 * a right key is never refused for others' failures from its address; the
 * pages' sign-out forms send their CSRF token as a form field, since a
 * plain form cannot set the header that http.c checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "backoff.h"
#include "crypto.h"
#include "h.h"
#include "password.h"
#include "session.h"
#include "totp.h"
#include "tpl.h"
#include "util.h"

#define H_NEXT_MAX	512
#define H_KEY_MAX	128

/* 1 when s is a path of this site: "/..." but not "//" or "/\". */
static int
h_next_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > H_NEXT_MAX || s[0] != '/')
		return (0);
	if (len > 1 && (s[1] == '/' || s[1] == '\\'))
		return (0);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f
		    || s[i] == '\\')
			return (0);
	return (1);
}

/* error: H_ERR_* (which form was wrong). */
#define H_ERR_KEY	1
#define H_ERR_PASSWORD	2
#define H_ERR_CODE	3	/* a one-time code missing, wrong or used */

static void
h_signin_render_wait(struct req *r, unsigned status, const char *next,
    int error, int64_t wait, const char *name)
{
	const struct tpl *tp = page_tpl(r->app->sch->pg, "signin");
	json_t		*ctx;

	ctx = json_pack("{s:s,s:b,s:b,s:b}", "next",
	    next != NULL && h_next_ok(next, strlen(next)) ? next : "",
	    "error", error == H_ERR_KEY, "pwerror", error == H_ERR_PASSWORD,
	    "forbidden", status == 403);
	if (ctx != NULL && error == H_ERR_CODE)
		json_object_set_new(ctx, "codeerror", json_true());
	if (ctx != NULL && wait > 0)
		json_object_set_new(ctx, "wait", json_integer(wait));
	/* The name typed stays in its field (a valid name only). */
	if (ctx != NULL && name != NULL && user_name_ok(name, strlen(name)))
		json_object_set_new(ctx, "name", json_string(name));
	buf_reset(&r->out);
	if (tp == NULL || tpl_render(tp, ctx, &r->out) == -1) {
		json_decref(ctx);
		buf_reset(&r->out);
		r->out.overflow = 0;
		http_fail(r, 500, "cannot show the sign-in page");
		return;
	}
	json_decref(ctx);
	r->no_store = 1;
	http_reply(r, status, "text/html; charset=utf-8");
}

static void
h_signin_render(struct req *r, unsigned status, const char *next,
    int error)
{
	h_signin_render_wait(r, status, next, error, 0, NULL);
}

void
h_signin_page(struct req *r, unsigned status)
{
	char	 next[H_NEXT_MAX + 1], q[HTTP_QUERY_ARG_MAX * 4];

	q[0] = '\0';
	http_query_add(r, q, sizeof(q), "month");
	http_query_add(r, q, sizeof(q), "unit");
	http_query_add(r, q, sizeof(q), "sector");
	http_query_add(r, q, sizeof(q), "sort");
	if (snprintf(next, sizeof(next), "%s%s%s", r->url, q[0] ? "?" : "",
	    q) >= (int)sizeof(next))
		strlcpy(next, "/reports/monthly", sizeof(next));
	h_signin_render(r, status, next, 0);
}

void
h_signin_show(struct req *r)
{
	h_signin_render(r, 200, http_arg(r, "next"), 0);
}

/* The session's cookie, then back to next or the page of the role. */
static void
h_signin_done(struct req *r, const char *id, int role, const char *next)
{
	char	 base[APP_URL_MAX + 1];

	app_base_url(r->app, base, sizeof(base));
	snprintf(r->cookie, sizeof(r->cookie), "%s=%s; Path=/; HttpOnly; "
	    "SameSite=Strict; Max-Age=%d%s", SESSION_COOKIE, id, SESSION_TTL,
	    strncmp(base, "https:", 6) == 0 || r->https ? "; Secure" : "");
	/* Without a page to go back to: the page of the role's job. */
	http_redirect(r, 303, next != NULL && next[0] != '\0' &&
	    h_next_ok(next, strlen(next)) ? next : role == ROLE_ADMIN ?
	    "/admin" : role == ROLE_HEAD ? "/followups" :
	    role == ROLE_VIEWER ? "/reports/monthly" : "/counter");
}

/* A user's session, then on to next. */
static void
h_signin_user(struct req *r, const struct user *u, const char *next)
{
	struct session	 ses;
	char		 id[SESSION_ID_LEN + 1];

	switch (session_create_user(r->app->sessions, u->role, u->unit,
	    u->name, u->gen, id, &ses)) {
	case 0:
		break;
	case 1:
		r->retry_after = SESSION_SIGNIN_WINDOW;
		http_fail(r, 429, "too many sign-ins with this name; wait and "
		    "try again");
		return;
	default:
		http_fail(r, 503, "too many sessions; try again");
		return;
	}
	h_signin_done(r, id, u->role, next);
}

/* A one-time code missing, wrong or used: a failure like a password's. */
static void
h_signin_code_failed(struct req *r, const char *name, const char *next)
{
	backoff_fail(r->app->backoff, name, strlen(name),
	    (int64_t)(mono_usec() / 1000));
	if (!http_auth_blocked(r, LIMIT_SIGNIN)) {
		http_auth_failed(r, LIMIT_SIGNIN);
		h_signin_render_wait(r, 401, next, H_ERR_CODE, 0, name);
	}
}

/* After the writer took the code's step (once: a replay conflicts). */
static void
h_signin_code_taken(struct req *r)
{
	struct user	*u = &r->op.u.user.u;
	const char	*next = r->sf.comment;

	if (r->op.rc != HL_OK || (u->flags & USER_DISABLED) != 0)
		h_signin_code_failed(r, u->name, next);
	else {
		backoff_clear(r->app->backoff, u->name, strlen(u->name));
		h_signin_user(r, u, next);
	}
	crypto_zero(u, sizeof(*u));
}

/*
 * The one-time code of a user whose password was right: checked against
 * its secret, then its step taken through the writer. 0 when submitted,
 * -1 when it failed here (the reply is set).
 */
static int
h_signin_code(struct req *r, const struct user *u, const char *code,
    size_t codelen, const char *next)
{
	uint8_t	 secret[TOTP_SECRET_LEN];
	int64_t	 step = -1;

	if (code != NULL && codelen > 0 && totp_open(store_keyring(
	    r->app->st), u->name, u->totp, sizeof(u->totp), secret) == 0) {
		step = totp_match(secret, now_sec(), code, codelen,
		    u->totp_step);
		crypto_zero(secret, sizeof(secret));
	}
	if (step < 0) {
		h_signin_code_failed(r, u->name, next);
		return (-1);
	}
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_USER;
	r->op.u.user.mode = WOP_USER_TOTP_USE;
	strlcpy(r->op.u.user.u.name, u->name, sizeof(r->op.u.user.u.name));
	r->op.u.user.u.totp_step = (uint64_t)step;
	/* next waits in the request's scratch for the continuation. */
	strlcpy(r->sf.comment, next != NULL && h_next_ok(next, strlen(next)) ?
	    next : "", sizeof(r->sf.comment));
	http_submit(r, h_signin_code_taken);
	return (0);
}

/*
 * A name and a password. An unknown name, a disabled user and a wrong
 * password take the same path and time (password_check() hashes a dummy
 * for an unknown name) and get the same page. A name that failed
 * BACKOFF_FREE times in a row waits longer after each failure. A user
 * with one-time codes on also needs code: missing, wrong or used, it
 * counts as a failure.
 */
static void
h_signin_password(struct req *r, const char *name, size_t namelen,
    const char *pw, size_t pwlen, const char *code, size_t codelen,
    const char *next)
{
	struct user	 u;
	int64_t		 wait, now = (int64_t)(mono_usec() / 1000);
	int		 found = 0, ok;

	if (name == NULL || pw == NULL || namelen == 0 || pwlen == 0)
		goto bad;
	if ((wait = backoff_wait(r->app->backoff, name, namelen, now)) > 0) {
		wait = (wait + 999) / 1000;	/* whole seconds, up */
		r->retry_after = (unsigned)wait;
		h_signin_render_wait(r, 429, next, 0, wait, name);
		return;
	}
	if (user_name_ok(name, namelen) &&
	    store_user_get(r->app->st, name, &u) == HL_OK)
		found = 1;
	ok = password_check(found ? &u : NULL, pw, pwlen) && found &&
	    (u.flags & USER_DISABLED) == 0;
	if (!ok) {
		backoff_fail(r->app->backoff, name, namelen, now);
		goto bad;
	}
	if ((u.flags & USER_TOTP) != 0) {
		(void)h_signin_code(r, &u, code, codelen, next);
		goto out;
	}
	backoff_clear(r->app->backoff, name, namelen);
	h_signin_user(r, &u, next);
	goto out;
bad:
	if (!http_auth_blocked(r, LIMIT_SIGNIN)) {
		http_auth_failed(r, LIMIT_SIGNIN);
		h_signin_render_wait(r, 401, next, H_ERR_PASSWORD, 0, name);
	}
out:
	crypto_zero(&u, sizeof(u));
}

void
h_signin_post(struct req *r)
{
	struct form	 f;
	struct apikey	 k;
	struct session	 ses;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	const char	*key = NULL, *next = NULL, *name = NULL, *pw = NULL;
	const char	*code = NULL;
	char		 why[128], id[SESSION_ID_LEN + 1];
	size_t		 i, keylen = 0, namelen = 0, pwlen = 0, codelen = 0;

	if (form_parse(r->body.data != NULL ? r->body.data : "", r->body.len,
	    &f, why, sizeof(why)) != HL_OK) {
		http_fail(r, 400, why);
		return;
	}
	for (i = 0; i < f.n; i++) {
		if (strcmp(f.f[i].name, "key") == 0 && key == NULL) {
			key = f.f[i].value;
			keylen = f.f[i].len;
		} else if (strcmp(f.f[i].name, "next") == 0 && next == NULL)
			next = f.f[i].value;
		else if (strcmp(f.f[i].name, "name") == 0 && name == NULL) {
			name = f.f[i].value;
			namelen = f.f[i].len;
		} else if (strcmp(f.f[i].name, "password") == 0 &&
		    pw == NULL) {
			pw = f.f[i].value;
			pwlen = f.f[i].len;
		} else if (strcmp(f.f[i].name, "code") == 0 && code == NULL) {
			code = f.f[i].value;
			codelen = f.f[i].len;
		} else {
			form_clear(&f);
			http_fail(r, 400, "unknown or repeated field");
			return;
		}
	}
	if (name != NULL || pw != NULL || codelen > 0) {
		if (key != NULL) {
			form_clear(&f);
			http_fail(r, 400, "sign in with a key, or with a name "
			    "and a password, not both");
			return;
		}
		h_signin_password(r, name, namelen, pw, pwlen, code, codelen,
		    next);
		form_clear(&f);
		return;
	}
	/* Spaces around a pasted key are not part of it. */
	while (key != NULL && keylen > 0 && (*key == ' ' || *key == '\t')) {
		key++;
		keylen--;
	}
	while (key != NULL && keylen > 0 && (key[keylen - 1] == ' ' ||
	    key[keylen - 1] == '\t' || key[keylen - 1] == '\n' ||
	    key[keylen - 1] == '\r'))
		keylen--;
	if (key == NULL || keylen == 0 || keylen > H_KEY_MAX)
		goto bad;
	crypto_sha256(key, keylen, hash);
	if (store_key_get(r->app->st, hash, &k) != HL_OK ||
	    (k.role & (ROLE_VIEWER | ROLE_ADMIN | ROLE_COUNTER |
	    ROLE_HEAD)) == 0)
		goto bad;
	switch (session_create(r->app->sessions, k.role, k.unit, hash,
	    k.name, id, &ses)) {
	case 0:
		break;
	case 1:
		form_clear(&f);
		r->retry_after = SESSION_SIGNIN_WINDOW;
		http_fail(r, 429, "too many sign-ins with this key; wait and "
		    "try again");
		return;
	default:
		form_clear(&f);
		http_fail(r, 503, "too many sessions; try again");
		return;
	}
	h_signin_done(r, id, k.role, next);
	form_clear(&f);
	return;
bad:
	/* Only now: a right key is never refused for others' failures. */
	if (http_auth_blocked(r, LIMIT_SIGNIN)) {
		form_clear(&f);
		return;
	}
	http_auth_failed(r, LIMIT_SIGNIN);
	h_signin_render(r, 401, next, H_ERR_KEY);
	form_clear(&f);
}

void
h_signout(struct req *r)
{
	struct form	 f;
	struct session	 ses;
	const char	*cookie, *tok = NULL;
	char		 why[128], base[APP_URL_MAX + 1];
	size_t		 i, toklen = 0;

	if (form_parse(r->body.data != NULL ? r->body.data : "", r->body.len,
	    &f, why, sizeof(why)) != HL_OK) {
		http_fail(r, 400, why);
		return;
	}
	for (i = 0; i < f.n; i++)
		if (strcmp(f.f[i].name, "csrf") == 0 && tok == NULL) {
			tok = f.f[i].value;
			toklen = f.f[i].len;
		}
	if (tok == NULL && (tok = http_header(r, "X-CSRF-Token")) != NULL)
		toklen = strlen(tok);
	cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
	    SESSION_COOKIE);
	if (cookie != NULL && session_get(r->app->sessions, cookie,
	    strlen(cookie), &ses) == 0) {
		if (tok == NULL || toklen != SESSION_CSRF_LEN ||
		    !crypto_equal(tok, ses.csrf, SESSION_CSRF_LEN)) {
			form_clear(&f);
			http_fail(r, 403, "missing or wrong CSRF token");
			return;
		}
		session_end(r->app->sessions, cookie, strlen(cookie));
	}
	form_clear(&f);
	app_base_url(r->app, base, sizeof(base));
	snprintf(r->cookie, sizeof(r->cookie), "%s=; Path=/; HttpOnly; "
	    "SameSite=Strict; Max-Age=0%s", SESSION_COOKIE,
	    strncmp(base, "https:", 6) == 0 || r->https ? "; Secure" : "");
	http_redirect(r, 303, "/signin");
}
