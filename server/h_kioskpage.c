/*
 * h_kioskpage.c: the admin console's kiosks page (/admin/kiosks, a part
 * of templates/admin.html): enrol a kiosk (its one-time code and a QR
 * code of the kiosk page's enrolment address, shown once), the list
 * with what each kiosk last reported, revoke. Through the same steps
 * and writer ops as the admin API (h_kioskadmin.c), with their audit
 * entries.
 * Traps: the code is in one page only (no-store), never stored or
 * logged; the QR keeps the address's case (the kiosk reads #enrol=).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crypto.h"
#include "enrol.h"
#include "h.h"
#include "json_in.h"
#include "qr.h"
#include "util.h"

#define KP_QR_MAX	(64u * 1024)	/* an SVG of a short address */

/* Each kiosk's report in words for the list. */
static void
kp_words(json_t *list)
{
	json_t		*k, *rep;
	size_t		 i;
	json_int_t	 refused, held;

	json_array_foreach(list, i, k) {
		rep = json_object_get(k, "report");
		if (json_is_null(json_object_get(k, "seen")))
			json_object_set_new(k, "seen", json_string("chưa"));
		if (json_is_null(json_object_get(k, "app")))
			json_object_set_new(k, "app", json_string("—"));
		if (!json_is_object(rep)) {
			json_object_set_new(k, "queued", json_string("—"));
			json_object_set_new(k, "refused", json_string("—"));
			continue;
		}
		refused = json_integer_value(json_object_get(rep, "refused"));
		held = json_integer_value(json_object_get(rep, "held"));
		json_object_set(k, "queued", json_object_get(rep, "queued"));
		json_object_set_new(k, "refused", json_integer(refused));
		if (held > 0)
			json_object_set_new(k, "held", json_integer(held));
		json_object_set_new(k, "check", json_boolean(refused > 0 ||
		    held > 0));
	}
}

static void
kp_page(struct req *r, unsigned status, json_t *form, const char *error,
    const char *done)
{
	json_t	*ctx, *k, *p;

	if (h_kiosks_collect(r, 1, &k, &p) == -1) {
		json_decref(form);
		http_fail(r, 500, "cannot read the kiosks");
		return;
	}
	kp_words(k);
	ctx = h_adminpage_ctx(r, "Ki-ốt đánh giá", "kiosks");
	json_object_set_new(ctx, "count", json_integer((json_int_t)
	    json_array_size(k)));
	json_object_set_new(ctx, "list", k);
	json_object_set_new(ctx, "haspending", json_boolean(
	    json_array_size(p) > 0));
	json_object_set_new(ctx, "pending", p);
	json_object_set_new(ctx, "parents", h_adminpage_units(r,
	    form != NULL ? json_string_value(json_object_get(form, "unit")) :
	    NULL));
	json_object_set_new(ctx, "form", form != NULL ? form : json_object());
	if (error != NULL)
		h_adminpage_error(ctx, error);
	if (done != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	h_adminpage_render(r, status, ctx);
}

void
h_admin_kiosks_page(struct req *r)
{
	const char	*v = http_arg(r, "revoked");
	char		 done[96];

	if (v != NULL && strlen(v) == KEY_ID_HEX) {
		snprintf(done, sizeof(done), "Đã thu hồi ki-ốt %s: ki-ốt "
		    "không gửi được đánh giá nữa.", v);
		kp_page(r, 200, NULL, NULL, done);
	} else
		kp_page(r, 200, NULL, NULL, NULL);
}

/* The code's page: shown once. */
static void
kp_added(struct req *r)
{
	const struct enrol	*e = &r->op.u.enrol.e;
	char			 url[CONFIG_URL_MAX + 64], exp[32];
	struct buf		 svg;
	json_t			*ctx;

	if (r->op.rc != HL_OK) {
		crypto_zero(r->sf.comment, ENROL_CODE_LEN + 1);
		kp_page(r, r->op.rc == HL_CONFLICT ? 409 :
		    http_rc_status(r->op.rc), NULL, r->op.rc == HL_CONFLICT ?
		    "mã vừa tạo đang được dùng; hãy gửi lại" :
		    "không lưu được mã ghi danh", NULL);
		return;
	}
	h_kiosk_enrol_url(r, r->sf.comment, url, sizeof(url));
	format_time_local(e->expires, exp);
	buf_init(&svg, KP_QR_MAX);
	ctx = h_adminpage_ctx(r, "Mã ghi danh ki-ốt", "kcode");
	json_object_set_new(ctx, "code", json_string(r->sf.comment));
	json_object_set_new(ctx, "url", json_string(url));
	json_object_set_new(ctx, "name", json_string(e->name));
	json_object_set_new(ctx, "kunit", json_string(e->unit));
	json_object_set_new(ctx, "counter", json_string(e->counter));
	json_object_set_new(ctx, "expires", json_string(exp));
	if (qr_svg_exact(url, &svg) == 0 && svg.data != NULL)
		json_object_set_new(ctx, "qr", json_string(svg.data));
	crypto_zero(r->sf.comment, ENROL_CODE_LEN + 1);
	crypto_zero(url, sizeof(url));
	buf_clear(&svg);
	h_adminpage_render(r, 200, ctx);
}

void
h_admin_kiosks_post(struct req *r)
{
	struct kiosk_add_req	 rq;
	json_t			*form;
	char			 why[256], *body;
	unsigned		 status;
	enum hl_rc		 rc;

	if ((form = h_adminpage_form(r, why, sizeof(why))) == NULL) {
		http_fail(r, 400, why);
		return;
	}
	body = json_dumps(form, JSON_COMPACT);
	rc = json_in_kiosk_add(body != NULL ? body : "", body != NULL ?
	    strlen(body) : 0, &rq, why, sizeof(why));
	free(body);
	if (rc != HL_OK) {
		kp_page(r, http_rc_status(rc), form, why, NULL);
		return;
	}
	if (h_kiosk_enrol_prepare(r, &rq, &status, why, sizeof(why)) == -1) {
		kp_page(r, status, form, why, NULL);
		return;
	}
	json_decref(form);
	http_submit(r, kp_added);
}

static void
kp_revoked(struct req *r)
{
	char	 loc[64], id[KEY_ID_HEX + 1];
	size_t	 i;

	if (r->op.rc != HL_OK) {
		kp_page(r, http_rc_status(r->op.rc), NULL,
		    r->op.rc == HL_NOT_FOUND ? "không có ki-ốt này" :
		    "không thu hồi được ki-ốt", NULL);
		return;
	}
	for (i = 0; i < KEY_ID_LEN; i++)
		snprintf(id + 2 * i, 3, "%02x", r->op.u.revoke.id[i]);
	snprintf(loc, sizeof(loc), "/admin/kiosks?revoked=%s", id);
	http_redirect(r, 303, loc);
}

void
h_admin_kiosk_revoke_post(struct req *r)
{
	char		 why[128];
	unsigned	 status;

	if (h_kiosk_revoke_prepare(r, &status, why, sizeof(why)) == -1) {
		http_fail(r, status, why);
		return;
	}
	http_submit(r, kp_revoked);
}
