/*
 * h_accesspage.c: who may use hailong, in the admin console
 * (templates/admin.html): the keys page (create, the secret shown once,
 * revoke) and the users page (add, a new password, disable), through
 * the same writer ops and checks as the commands and the admin API, in
 * h_adminpage.c's frame.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "adminword.h"
#include "crypto.h"
#include "h.h"
#include "keyseen.h"
#include "password.h"
#include "token.h"
#include "util.h"

/* ---- keys */

struct ap_keys {
	struct req	*r;
	json_t		*list;
	size_t		 n;
	/* revoke: the key looked for */
	const uint8_t	*want;
	int		 found;
	struct apikey	 key;
};

static int
ap_key_one(const uint8_t *hash, const struct apikey *k, void *arg)
{
	struct ap_keys	*q = arg;
	char		 id[KEY_ID_HEX + 1], created[32], used[32];
	int64_t		 at;

	if (q->want != NULL) {
		if (memcmp(hash, q->want, KEY_ID_LEN) == 0) {
			q->found = 1;
			q->key = *k;
		}
		return (0);
	}
	if (k->role == ROLE_KIOSK || !h_admin_may(q->r, k->unit))
		return (0);
	apikey_id_hex(hash, id);
	format_time_local(k->created, created);
	if ((at = keyseen_last(q->r->app->keyseen, hash)) != 0)
		format_time_local(at, used);
	else
		strlcpy(used, "—", sizeof(used));
	json_array_append_new(q->list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}",
	    "id", id, "name", k->name, "role", adminword_role(role_name(
	    (enum role)k->role)), "unit", k->unit[0] != '\0' ? k->unit : "mọi đơn vị", "created",
	    created, "used", used));
	q->n++;
	return (0);
}

static void
ap_keys_page(struct req *r, unsigned status, json_t *form, const char *error,
    const char *done)
{
	struct ap_keys	 q;
	json_t		*ctx = h_adminpage_ctx(r, "Khóa truy cập", "keys");

	memset(&q, 0, sizeof(q));
	q.r = r;
	q.list = json_array();
	if (store_each_key(r->app->st, ap_key_one, &q) != 0) {
		json_decref(q.list);
		json_decref(ctx);
		json_decref(form);
		http_fail(r, 500, "cannot read the keys");
		return;
	}
	json_object_set_new(ctx, "list", q.list);
	json_object_set_new(ctx, "count", json_integer((json_int_t)q.n));
	json_object_set_new(ctx, "parents", h_adminpage_units(r, NULL));
	json_object_set_new(ctx, "form", form != NULL ? form : json_object());
	if (error != NULL)
		h_adminpage_error(ctx, error);
	if (done != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	h_adminpage_render(r, status, ctx);
}

void
h_admin_keys_page(struct req *r)
{
	const char	*v = http_arg(r, "revoked");
	char		 done[96];

	if (v != NULL && strlen(v) == KEY_ID_HEX) {
		snprintf(done, sizeof(done), "Đã thu hồi khóa %s.", v);
		ap_keys_page(r, 200, NULL, NULL, done);
	} else
		ap_keys_page(r, 200, NULL, NULL, NULL);
}

/*
 * The role and unit a unit-limited admin may give; 0, or -1 with the
 * status (422, 403 outside its subtree) and why.
 */
static int
ap_role_unit(struct req *r, const char *role, const char *unit, int *rolep,
    unsigned *status, char *why, size_t whylen)
{
	int	 ro = role_parse(role);

	*status = 422;
	if (ro != ROLE_COUNTER && ro != ROLE_VIEWER && ro != ROLE_HEAD &&
	    ro != ROLE_ADMIN) {
		snprintf(why, whylen, "role: want counter, viewer, head or "
		    "admin");
		return (-1);
	}
	if (unit[0] != '\0' && catalog_unit(r->app->cat, unit,
	    strlen(unit)) == NULL) {
		snprintf(why, whylen, "unit: no unit %s", unit);
		return (-1);
	}
	if (ro == ROLE_HEAD && unit[0] == '\0') {
		snprintf(why, whylen, "unit: the head of a unit needs one");
		return (-1);
	}
	if (!h_admin_may(r, unit)) {
		snprintf(why, whylen, "unit: outside the units you may "
		    "change");
		*status = 403;
		return (-1);
	}
	*rolep = ro;
	return (0);
}

static void
ap_key_added(struct req *r)
{
	json_t	*ctx;
	char	 id[KEY_ID_HEX + 1];
	char	*secret = r->sf.comment;

	if (r->op.rc != HL_OK) {
		crypto_zero(secret, KEY_SECRET_LEN + 1);
		ap_keys_page(r, http_rc_status(r->op.rc), NULL,
		    "cannot store the key", NULL);
		return;
	}
	apikey_id_hex(r->op.u.key.hash, id);
	ctx = h_adminpage_ctx(r, "Khóa mới", "secret");
	json_object_set_new(ctx, "secret", json_string(secret));
	json_object_set_new(ctx, "id", json_string(id));
	json_object_set_new(ctx, "name", json_string(r->op.u.key.key.name));
	json_object_set_new(ctx, "role", json_string(adminword_role(
	    role_name((enum role)r->op.u.key.key.role))));
	if (r->op.u.key.key.unit[0] != '\0')
		json_object_set_new(ctx, "kunit",
		    json_string(r->op.u.key.key.unit));
	crypto_zero(secret, KEY_SECRET_LEN + 1);
	h_adminpage_render(r, 200, ctx);
}

void
h_admin_keys_post(struct req *r)
{
	json_t		*form;
	const char	*name, *unit;
	char		 why[256];
	unsigned	 status;
	int		 role;
	size_t		 n;

	if ((form = h_adminpage_form(r, why, sizeof(why))) == NULL) {
		http_fail(r, 400, why);
		return;
	}
	name = h_adminpage_str(form, "name");
	unit = h_adminpage_str(form, "unit");
	n = strlen(name);
	if (n == 0 || n > KEY_NAME_MAX || !utf8_valid(name, n)) {
		ap_keys_page(r, 422, form, "name: 1 to 64 bytes of text", NULL);
		return;
	}
	if (ap_role_unit(r, h_adminpage_str(form, "role"), unit, &role, &status, why,
	    sizeof(why)) == -1) {
		ap_keys_page(r, status, form, why, NULL);
		return;
	}
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_KEY;
	r->op.u.key.key.role = (uint8_t)role;
	r->op.u.key.key.created = now_sec();
	strlcpy(r->op.u.key.key.name, name, sizeof(r->op.u.key.key.name));
	strlcpy(r->op.u.key.key.unit, unit, sizeof(r->op.u.key.key.unit));
	h_admin_actor(r, &r->op.by);
	json_decref(form);
	/* The secret waits in the request's scratch until the page. */
	_Static_assert(sizeof(r->sf.comment) > KEY_SECRET_LEN, "room");
	key_secret_new(r->sf.comment, r->op.u.key.hash);
	http_submit(r, ap_key_added);
}

static void
ap_key_revoked(struct req *r)
{
	char	 loc[64], id[KEY_ID_HEX + 1];
	size_t	 i;

	if (r->op.rc != HL_OK) {
		ap_keys_page(r, http_rc_status(r->op.rc), NULL,
		    r->op.rc == HL_NOT_FOUND ? "no such key" :
		    "cannot revoke the key", NULL);
		return;
	}
	for (i = 0; i < KEY_ID_LEN; i++)
		snprintf(id + 2 * i, 3, "%02x", r->op.u.revoke.id[i]);
	snprintf(loc, sizeof(loc), "/admin/keys?revoked=%s", id);
	http_redirect(r, 303, loc);
}

void
h_admin_key_revoke(struct req *r)
{
	struct ap_keys	 q;
	uint8_t		 want[KEY_ID_LEN];
	size_t		 i;
	int		 hi, lo;

	if (r->arglen != KEY_ID_HEX) {
		http_fail(r, 404, "no such key");
		return;
	}
	for (i = 0; i < KEY_ID_LEN; i++) {
		if ((hi = hex_digit(r->arg[2 * i])) < 0 ||
		    (lo = hex_digit(r->arg[2 * i + 1])) < 0) {
			http_fail(r, 404, "no such key");
			return;
		}
		want[i] = (uint8_t)(hi << 4 | lo);
	}
	memset(&q, 0, sizeof(q));
	q.r = r;
	q.want = want;
	if (store_each_key(r->app->st, ap_key_one, &q) != 0) {
		http_fail(r, 500, "cannot read the keys");
		return;
	}
	if (!q.found || q.key.role == ROLE_KIOSK) {
		http_fail(r, 404, "no such key");
		return;
	}
	if (!h_admin_may(r, q.key.unit)) {
		http_fail(r, 403, "this key is outside your units");
		return;
	}
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_REVOKE;
	memcpy(r->op.u.revoke.id, want, KEY_ID_LEN);
	r->op.u.revoke.idlen = KEY_ID_LEN;
	r->op.u.revoke.role = ROLE_COUNTER | ROLE_VIEWER | ROLE_ADMIN |
	    ROLE_HEAD;
	h_admin_actor(r, &r->op.by);
	http_submit(r, ap_key_revoked);
}

/* ---- users */

struct ap_users {
	struct req	*r;
	json_t		*list;
	size_t		 n;
};

static int
ap_user_one(const struct user *u, void *arg)
{
	struct ap_users	*q = arg;
	char		 changed[32];

	if (!h_admin_may(q->r, u->unit))
		return (0);
	format_time_local(u->changed, changed);
	json_array_append_new(q->list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,"
	    "s:b}", "name", u->name, "role", adminword_role(role_name(
	    (enum role)u->role)),
	    "unit", u->unit[0] != '\0' ? u->unit : "mọi đơn vị", "state",
	    (u->flags & USER_DISABLED) != 0 ? "đã khóa" : "đang dùng",
	    "changed", changed, "enabled", (u->flags & USER_DISABLED) == 0,
	    "totp", (u->flags & USER_TOTP) != 0));
	/* One's own codes are turned off by another admin only. */
	if ((u->flags & USER_TOTP) != 0 && (strncmp(q->r->who, "user ", 5) !=
	    0 || strcmp(q->r->who + 5, u->name) != 0))
		json_object_set_new(json_array_get(q->list, json_array_size(
		    q->list) - 1), "totpoff", json_true());
	q->n++;
	return (0);
}

static void
ap_users_page(struct req *r, unsigned status, json_t *form,
    const char *error, const char *done)
{
	struct ap_users	 q;
	json_t		*ctx = h_adminpage_ctx(r, "Người dùng", "users");

	memset(&q, 0, sizeof(q));
	q.r = r;
	q.list = json_array();
	if (store_each_user(r->app->st, ap_user_one, &q) != 0) {
		json_decref(q.list);
		json_decref(ctx);
		json_decref(form);
		http_fail(r, 500, "cannot read the users");
		return;
	}
	json_object_set_new(ctx, "list", q.list);
	json_object_set_new(ctx, "count", json_integer((json_int_t)q.n));
	json_object_set_new(ctx, "parents", h_adminpage_units(r, NULL));
	if (form != NULL) {
		/* Never a password back into a page. */
		json_object_del(form, "password");
		json_object_del(form, "password2");
	}
	json_object_set_new(ctx, "form", form != NULL ? form : json_object());
	if (error != NULL)
		h_adminpage_error(ctx, error);
	if (done != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	h_adminpage_render(r, status, ctx);
}

void
h_admin_users_page(struct req *r)
{
	const char	*v = http_arg(r, "saved"), *d = http_arg(r, "disabled");
	char		 done[128];

	done[0] = '\0';
	if (v != NULL && user_name_ok(v, strlen(v)))
		snprintf(done, sizeof(done), "Đã lưu người dùng %s.", v);
	else if (d != NULL && user_name_ok(d, strlen(d)))
		snprintf(done, sizeof(done), "Đã khóa tài khoản %s.", d);
	else if ((d = http_arg(r, "totpoff")) != NULL &&
	    user_name_ok(d, strlen(d)))
		snprintf(done, sizeof(done), "Đã tắt xác thực hai bước của %s.",
		    d);
	ap_users_page(r, 200, NULL, NULL, done[0] != '\0' ? done : NULL);
}

static void
ap_user_done(struct req *r)
{
	char	 loc[128];

	if (r->op.rc != HL_OK) {
		ap_users_page(r, http_rc_status(r->op.rc), NULL,
		    r->op.rc == HL_CONFLICT ? "name: taken" :
		    r->op.rc == HL_NOT_FOUND ? "no such user" :
		    "cannot store the user", NULL);
		return;
	}
	snprintf(loc, sizeof(loc), "/admin/users?%s=%s",
	    r->op.u.user.mode == WOP_USER_DISABLE ? "disabled" : "saved",
	    r->op.u.user.u.name);
	http_redirect(r, 303, loc);
}

void
h_admin_users_post(struct req *r)
{
	struct user	 cur;
	json_t		*form;
	const char	*name, *pw, *pw2;
	char		 why[256];
	unsigned	 status = 422;
	int		 role = 0, exists;

	if ((form = h_adminpage_form(r, why, sizeof(why))) == NULL) {
		http_fail(r, 400, why);
		return;
	}
	name = h_adminpage_str(form, "name");
	pw = h_adminpage_str(form, "password");
	pw2 = h_adminpage_str(form, "password2");
	memset(&r->op, 0, sizeof(r->op));
	if (!user_name_ok(name, strlen(name))) {
		snprintf(why, sizeof(why), "name: 1 to %d of a-z A-Z 0-9 . _ "
		    "- @", USER_NAME_MAX);
		goto bad;
	}
	if (strcmp(pw, pw2) != 0) {
		snprintf(why, sizeof(why), "password: the two differ");
		goto bad;
	}
	exists = store_user_get(r->app->st, name, &cur) == HL_OK;
	if (exists && !h_admin_may(r, cur.unit)) {
		crypto_zero(&cur, sizeof(cur));
		snprintf(why, sizeof(why), "name: a user outside your units");
		status = 403;
		goto bad;
	}
	crypto_zero(&cur, sizeof(cur));
	if (!exists && ap_role_unit(r, h_adminpage_str(form, "role"),
	    h_adminpage_str(form, "unit"), &role, &status, why, sizeof(why)) == -1)
		goto bad;
	if (password_set(&r->op.u.user.u, pw, strlen(pw), why,
	    sizeof(why)) == -1)
		goto bad;
	r->op.kind = WOP_USER;
	r->op.u.user.mode = exists ? WOP_USER_PASSWD : WOP_USER_ADD;
	strlcpy(r->op.u.user.u.name, name, sizeof(r->op.u.user.u.name));
	if (!exists) {
		r->op.u.user.u.role = (uint8_t)role;
		strlcpy(r->op.u.user.u.unit, h_adminpage_str(form, "unit"),
		    sizeof(r->op.u.user.u.unit));
	}
	h_admin_actor(r, &r->op.by);
	json_decref(form);
	http_submit(r, ap_user_done);
	return;
bad:
	crypto_zero(&r->op.u.user, sizeof(r->op.u.user));
	ap_users_page(r, status, form, why, NULL);
}

void
h_admin_user_disable(struct req *r)
{
	struct user	 u;
	char		 name[USER_NAME_MAX + 1];

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
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_USER;
	r->op.u.user.mode = WOP_USER_DISABLE;
	strlcpy(r->op.u.user.u.name, name, sizeof(r->op.u.user.u.name));
	h_admin_actor(r, &r->op.by);
	http_submit(r, ap_user_done);
}
