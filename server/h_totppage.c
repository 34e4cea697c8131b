/*
 * h_totppage.c: an admin's one-time codes in the console (a part of
 * templates/admin.html): /admin/account shows whether they are on and
 * turns them on (a new secret shown once as a QR code of its otpauth://
 * URI and as base32 text, in use only after a right code is typed);
 * another admin turns them off from the users page. Through the writer
 * with an audit entry that says on, new or off, never the secret.
 * Traps: the secret page is no-store and the secret is zeroed after
 * rendering; a session's own codes cannot be turned off from that
 * session (a stolen session must not drop the second factor).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "crypto.h"
#include "h.h"
#include "qr.h"
#include "session.h"
#include "totp.h"
#include "util.h"

#define TP_QR_MAX	(64u * 1024)

/* The user of r's session into name; 0, or -1 for a key's session. */
static int
tp_user(struct req *r, char name[USER_NAME_MAX + 1])
{
	struct session	 ses;
	const char	*id;

	name[0] = '\0';
	if (!r->via_session || (id = MHD_lookup_connection_value(r->conn,
	    MHD_COOKIE_KIND, SESSION_COOKIE)) == NULL ||
	    session_get(r->app->sessions, id, strlen(id), &ses) != 0 ||
	    ses.user[0] == '\0')
		return (-1);
	strlcpy(name, ses.user, USER_NAME_MAX + 1);
	crypto_zero(&ses, sizeof(ses));
	return (0);
}

static void
tp_page(struct req *r, unsigned status, const char *error, const char *done)
{
	struct user	 u;
	char		 name[USER_NAME_MAX + 1];
	json_t		*ctx;

	ctx = h_adminpage_ctx(r, "Tài khoản", "account");
	if (tp_user(r, name) == -1)
		json_object_set_new(ctx, "keysession", json_true());
	else if (store_user_get(r->app->st, name, &u) == HL_OK) {
		json_object_set_new(ctx, "uname", json_string(name));
		json_object_set_new(ctx, (u.flags & USER_TOTP) != 0 ?
		    "totpon" : "totpoff", json_true());
		crypto_zero(&u, sizeof(u));
	}
	if (error != NULL)
		h_adminpage_error(ctx, error);
	if (done != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	h_adminpage_render(r, status, ctx);
}

void
h_admin_account_page(struct req *r)
{
	tp_page(r, 200, NULL, http_arg(r, "on") != NULL ?
	    "Đã bật xác thực hai bước: từ lần đăng nhập sau, cần nhập mã 6 số "
	    "sau mật khẩu." : NULL);
}

/*
 * The new secret's page: its QR code, its text, the code's form; with
 * error, shown again after a wrong code (the same secret: nothing to
 * scan again).
 */
static void
tp_new_page(struct req *r, const char *name, const uint8_t *secret,
    unsigned status, const char *error)
{
	char		 uri[TOTP_URI_MAX + 1], b32[TOTP_B32_LEN + 1];
	struct buf	 svg;
	json_t		*ctx;

	ctx = h_adminpage_ctx(r, "Bật xác thực hai bước", "totpnew");
	buf_init(&svg, TP_QR_MAX);
	if (totp_uri(name, secret, uri) == 0 &&
	    qr_svg_exact(uri, &svg) == 0 && svg.data != NULL)
		json_object_set_new(ctx, "qr", json_string(svg.data));
	totp_base32(secret, b32);
	json_object_set_new(ctx, "b32", json_string(b32));
	json_object_set_new(ctx, "uname", json_string(name));
	if (error != NULL)
		h_adminpage_error(ctx, error);
	crypto_zero(uri, sizeof(uri));
	crypto_zero(b32, sizeof(b32));
	if (svg.data != NULL)
		crypto_zero(svg.data, svg.len);
	buf_clear(&svg);
	h_adminpage_render(r, status, ctx);
}

static void
tp_new_done(struct req *r)
{
	uint8_t		*secret = (uint8_t *)r->sf.comment;

	if (r->op.rc != HL_OK) {
		crypto_zero(secret, TOTP_SECRET_LEN);
		tp_page(r, r->op.rc == HL_CONFLICT ? 409 :
		    http_rc_status(r->op.rc), r->op.rc == HL_CONFLICT ?
		    "xác thực hai bước đang bật" :
		    "không lưu được khóa bí mật", NULL);
		return;
	}
	tp_new_page(r, r->op.u.user.u.name, secret, 200, NULL);
	crypto_zero(secret, TOTP_SECRET_LEN);
}

void
h_admin_totp_new(struct req *r)
{
	uint8_t		*secret = (uint8_t *)r->sf.comment;
	struct user	 u;
	char		 name[USER_NAME_MAX + 1];

	if (tp_user(r, name) == -1) {
		tp_page(r, 403, "chỉ người dùng đăng nhập bằng mật khẩu mới bật "
		    "được xác thực hai bước", NULL);
		return;
	}
	if (store_user_get(r->app->st, name, &u) != HL_OK) {
		tp_page(r, 404, "không có người dùng này", NULL);
		return;
	}
	if (u.role != ROLE_ADMIN || (u.flags & USER_TOTP) != 0) {
		crypto_zero(&u, sizeof(u));
		tp_page(r, 409, "xác thực hai bước đang bật", NULL);
		return;
	}
	crypto_zero(&u, sizeof(u));
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_USER;
	r->op.u.user.mode = WOP_USER_TOTP_NEW;
	strlcpy(r->op.u.user.u.name, name, sizeof(r->op.u.user.u.name));
	h_admin_actor(r, &r->op.by);
	/* The secret waits in the request's scratch until its page. */
	_Static_assert(sizeof(r->sf.comment) >= TOTP_SECRET_LEN, "room");
	totp_new(secret);
	if (totp_seal(store_keyring(r->app->st), name, secret,
	    r->op.u.user.u.totp) == -1) {
		crypto_zero(secret, TOTP_SECRET_LEN);
		tp_page(r, 500, "không lưu được khóa bí mật", NULL);
		return;
	}
	http_submit(r, tp_new_done);
}

static void
tp_confirmed(struct req *r)
{
	if (r->op.rc != HL_OK) {
		tp_page(r, r->op.rc == HL_CONFLICT ? 409 :
		    http_rc_status(r->op.rc), "mã đã dùng hoặc khóa bí mật đã "
		    "đổi; hãy tạo lại", NULL);
		return;
	}
	http_redirect(r, 303, "/admin/account?on=1");
}

void
h_admin_totp_confirm(struct req *r)
{
	struct user	 u;
	json_t		*form;
	uint8_t		 secret[TOTP_SECRET_LEN];
	char		 name[USER_NAME_MAX + 1], why[128];
	const char	*code;
	int64_t		 step = -1;
	int		 fresh;

	if ((form = h_adminpage_form(r, why, sizeof(why))) == NULL) {
		http_fail(r, 400, why);
		return;
	}
	if (tp_user(r, name) == -1 ||
	    store_user_get(r->app->st, name, &u) != HL_OK) {
		json_decref(form);
		tp_page(r, 403, "chỉ người dùng đăng nhập bằng mật khẩu mới bật "
		    "được xác thực hai bước", NULL);
		return;
	}
	code = json_string_value(json_object_get(form, "code"));
	fresh = (u.flags & USER_TOTP_NEW) != 0;
	if (fresh && totp_open(store_keyring(r->app->st), name, u.totp,
	    sizeof(u.totp), secret) == 0) {
		if (code != NULL)
			step = totp_match(secret, now_sec(), code,
			    strlen(code), u.totp_step);
		/* A wrong code: the same secret's page again, to retype
		 * (the app already holds it). */
		if (step < 0) {
			json_decref(form);
			crypto_zero(&u, sizeof(u));
			tp_new_page(r, name, secret, 422, "mã không đúng: nhập "
			    "6 số đang hiện trong ứng dụng (mã đổi sau mỗi 30 "
			    "giây)");
			crypto_zero(secret, sizeof(secret));
			return;
		}
		crypto_zero(secret, sizeof(secret));
	}
	json_decref(form);
	if (step < 0) {
		crypto_zero(&u, sizeof(u));
		tp_page(r, 422, !fresh ?
		    "chưa có khóa bí mật mới; bấm \"Bật xác thực hai bước\"" :
		    "mã không đúng: nhập 6 số đang hiện trong ứng dụng, hoặc "
		    "tạo khóa mới", NULL);
		return;
	}
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_USER;
	r->op.u.user.mode = WOP_USER_TOTP_ON;
	strlcpy(r->op.u.user.u.name, name, sizeof(r->op.u.user.u.name));
	memcpy(r->op.u.user.u.totp, u.totp, sizeof(u.totp));
	r->op.u.user.u.totp_step = (uint64_t)step;
	crypto_zero(&u, sizeof(u));
	h_admin_actor(r, &r->op.by);
	http_submit(r, tp_confirmed);
}

static void
tp_off_done(struct req *r)
{
	char	 loc[128];

	if (r->op.rc != HL_OK) {
		http_fail(r, r->op.rc == HL_CONFLICT ? 409 :
		    http_rc_status(r->op.rc), r->op.rc == HL_CONFLICT ?
		    "this user has no one-time codes" : "cannot store the user");
		return;
	}
	snprintf(loc, sizeof(loc), "/admin/users?totpoff=%s",
	    r->op.u.user.u.name);
	http_redirect(r, 303, loc);
}

void
h_admin_user_totp_off(struct req *r)
{
	struct user	 u;
	char		 name[USER_NAME_MAX + 1], self[USER_NAME_MAX + 1];

	if (r->arglen == 0 || r->arglen > USER_NAME_MAX) {
		http_fail(r, 404, "no such user");
		return;
	}
	memcpy(name, r->arg, r->arglen);
	name[r->arglen] = '\0';
	if (store_user_get(r->app->st, name, &u) != HL_OK) {
		http_fail(r, 404, "no such user");
		return;
	}
	if (!h_admin_may(r, u.unit)) {
		crypto_zero(&u, sizeof(u));
		http_fail(r, 403, "this user is outside your units");
		return;
	}
	crypto_zero(&u, sizeof(u));
	if (tp_user(r, self) == 0 && strcmp(self, name) == 0) {
		http_fail(r, 403, "another admin turns your one-time codes "
		    "off");
		return;
	}
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_USER;
	r->op.u.user.mode = WOP_USER_TOTP_OFF;
	strlcpy(r->op.u.user.u.name, name, sizeof(r->op.u.user.u.name));
	h_admin_actor(r, &r->op.by);
	http_submit(r, tp_off_done);
}
