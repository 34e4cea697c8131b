/*
 * h_kioskadmin.c: kiosks in the admin API (GET|POST /api/v1/admin/kiosks,
 * POST /api/v1/admin/kiosks/<id>/revoke) and the steps the /admin/kiosks
 * page shares with it: the list (unit, counter, last seen, the kiosk's
 * last report, its app's version), an enrolment code made and stored
 * with its audit entry, a kiosk's keys revoked with theirs.
 * Traps: the code is shown once, kept only as its hash, never logged;
 * a unit-limited admin sees, enrols and revokes only its subtree's
 * kiosks; a pending code is listed without anything of its hash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "crypto.h"
#include "enrol.h"
#include "h.h"
#include "json_in.h"
#include "keyseen.h"
#include "retire.h"
#include "util.h"

struct hk_list {
	struct req	*r;
	json_t		*kiosks;
	json_t		*pending;
	/* revoke: the key looked for */
	const uint8_t	*want;
	int		 found;
	struct apikey	 key;
	int		 local;		/* times for a page, else ISO */
};

static void
hk_time(const struct hk_list *q, int64_t t, char out[32])
{
	if (q->local)
		format_time_local(t, out);
	else
		format_time(t, out);
}

static const char *
hk_unit_name(struct req *r, const char *code)
{
	const struct unit	*u;

	if ((u = catalog_unit(r->app->cat, code, strlen(code))) == NULL)
		return (code);
	return (u->name.s[LANG_VI]);
}

static int
hk_key_one(const uint8_t *hash, const struct apikey *k, void *arg)
{
	struct hk_list	*q = arg;
	char		 id[KEY_ID_HEX + 1], created[32], seen[32], rep[32];
	int64_t		 at;
	json_t		*o;

	if (k->role != ROLE_KIOSK)
		return (0);
	if (q->want != NULL) {
		if (memcmp(hash, q->want, KEY_ID_LEN) == 0) {
			q->found = 1;
			q->key = *k;
		}
		return (0);
	}
	if (!h_admin_may(q->r, k->unit))
		return (0);
	apikey_id_hex(hash, id);
	hk_time(q, k->created, created);
	/* Seen: its last request since the start, or its stored report. */
	at = keyseen_last(q->r->app->keyseen, hash);
	if (k->status_at > at)
		at = k->status_at;
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "id", id, "name", k->name,
	    "unit", k->unit, "unit_name", hk_unit_name(q->r, k->unit),
	    "counter", k->counter, "enrolled", created);
	if (at != 0) {
		hk_time(q, at, seen);
		json_object_set_new(o, "seen", json_string(seen));
	} else
		json_object_set_new(o, "seen", json_null());
	if (k->status_at != 0) {
		hk_time(q, k->status_at, rep);
		json_object_set_new(o, "report", json_pack("{s:s,s:i,s:i,s:i}",
		    "at", rep, "queued", (json_int_t)k->queued, "refused",
		    (json_int_t)k->refused, "held", (json_int_t)k->held));
	} else
		json_object_set_new(o, "report", json_null());
	json_object_set_new(o, "app", k->app[0] != '\0' ?
	    json_string(k->app) : json_null());
	json_array_append_new(q->kiosks, o);
	return (0);
}

static int
hk_code_one(const struct enrol *e, void *arg)
{
	struct hk_list	*q = arg;
	char		 exp[32];

	if (!h_admin_may(q->r, e->unit))
		return (0);
	hk_time(q, e->expires, exp);
	json_array_append_new(q->pending, json_pack("{s:s,s:s,s:s,s:s,s:s,"
	    "s:b}", "name", e->name, "unit", e->unit, "unit_name",
	    hk_unit_name(q->r, e->unit), "counter", e->counter, "expires",
	    exp, "expired", e->expires < now_sec()));
	return (0);
}

int
h_kiosks_collect(struct req *r, int local, json_t **kiosks, json_t **pending)
{
	struct hk_list	 q;

	memset(&q, 0, sizeof(q));
	q.r = r;
	q.local = local;
	q.kiosks = json_array();
	q.pending = json_array();
	if (store_each_key(r->app->st, hk_key_one, &q) != 0 ||
	    store_each_enrol(r->app->st, hk_code_one, &q) != 0) {
		json_decref(q.kiosks);
		json_decref(q.pending);
		return (-1);
	}
	*kiosks = q.kiosks;
	*pending = q.pending;
	return (0);
}

int
h_kiosk_enrol_prepare(struct req *r, const struct kiosk_add_req *rq,
    unsigned *status, char *why, size_t whylen)
{
	*status = 422;
	if (catalog_unit(r->app->cat, rq->unit, strlen(rq->unit)) == NULL) {
		snprintf(why, whylen, "unit: no unit %s", rq->unit);
		return (-1);
	}
	if (!h_admin_may(r, rq->unit)) {
		snprintf(why, whylen, "unit: outside the units you may "
		    "change");
		*status = 403;
		return (-1);
	}
	/* A retired unit's kiosk would be refused at its first word. */
	if (retire_refused(r->app->cat, rq->unit, now_sec(), why, whylen)) {
		*status = 410;
		return (-1);
	}
	if (!utf8_valid(rq->counter, strlen(rq->counter))) {
		snprintf(why, whylen, "counter: not UTF-8 text");
		return (-1);
	}
	if (!utf8_valid(rq->name, strlen(rq->name))) {
		snprintf(why, whylen, "name: not UTF-8 text");
		return (-1);
	}
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_ENROL_ADD;
	h_admin_actor(r, &r->op.by);
	/* The code waits in the request's scratch until the reply. */
	_Static_assert(sizeof(r->sf.comment) > ENROL_CODE_LEN, "room");
	enrol_code_new(r->sf.comment);
	if (enrol_code_hash(r->sf.comment, strlen(r->sf.comment),
	    r->op.u.enrol.e.hash) == -1) {
		snprintf(why, whylen, "cannot make a code");
		*status = 500;
		return (-1);
	}
	r->op.u.enrol.e.created = now_sec();
	r->op.u.enrol.e.expires = r->op.u.enrol.e.created + ENROL_TTL;
	strlcpy(r->op.u.enrol.e.name, rq->name, sizeof(r->op.u.enrol.e.name));
	strlcpy(r->op.u.enrol.e.unit, rq->unit, sizeof(r->op.u.enrol.e.unit));
	strlcpy(r->op.u.enrol.e.counter, rq->counter,
	    sizeof(r->op.u.enrol.e.counter));
	return (0);
}

void
h_kiosk_enrol_url(struct req *r, const char *code, char *out, size_t outlen)
{
	char	 base[CONFIG_URL_MAX + 1];

	app_base_url(r->app, base, sizeof(base));
	if (snprintf(out, outlen, "%s/kiosk/#enrol=%.*s", base,
	    ENROL_CODE_LEN, code) >= (int)outlen)
		out[0] = '\0';	/* cannot happen: out holds a base URL */
}

int
h_kiosk_revoke_prepare(struct req *r, unsigned *status, char *why,
    size_t whylen)
{
	struct hk_list	 q;
	uint8_t		 want[KEY_ID_LEN];
	size_t		 i;
	int		 hi, lo;

	*status = 404;
	snprintf(why, whylen, "no such kiosk");
	if (r->arglen != KEY_ID_HEX)
		return (-1);
	for (i = 0; i < KEY_ID_LEN; i++) {
		if ((hi = hex_digit(r->arg[2 * i])) < 0 ||
		    (lo = hex_digit(r->arg[2 * i + 1])) < 0)
			return (-1);
		want[i] = (uint8_t)(hi << 4 | lo);
	}
	memset(&q, 0, sizeof(q));
	q.r = r;
	q.want = want;
	if (store_each_key(r->app->st, hk_key_one, &q) != 0) {
		*status = 500;
		snprintf(why, whylen, "cannot read the kiosks");
		return (-1);
	}
	if (!q.found)
		return (-1);
	if (!h_admin_may(r, q.key.unit)) {
		*status = 403;
		snprintf(why, whylen, "this kiosk is outside your units");
		return (-1);
	}
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_REVOKE;
	memcpy(r->op.u.revoke.id, want, KEY_ID_LEN);
	r->op.u.revoke.idlen = KEY_ID_LEN;
	r->op.u.revoke.role = ROLE_KIOSK;
	h_admin_actor(r, &r->op.by);
	return (0);
}

/* ---- the JSON API */

void
h_admin_kiosks(struct req *r)
{
	json_t	*k, *p, *o;
	char	*s;

	if (h_kiosks_collect(r, 0, &k, &p) == -1) {
		http_fail(r, 500, "cannot read the kiosks");
		return;
	}
	o = json_pack("{s:o,s:o}", "kiosks", k, "pending", p);
	s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (s == NULL) {
		http_fail(r, 500, "cannot render the kiosks");
		return;
	}
	r->no_store = 1;
	http_reply_json(r, 200, s);
	free(s);
}

static void
hk_added(struct req *r)
{
	const struct enrol	*e = &r->op.u.enrol.e;
	char			 url[CONFIG_URL_MAX + 64], exp[32], *s;
	json_t			*o;

	if (r->op.rc != HL_OK) {
		crypto_zero(r->sf.comment, ENROL_CODE_LEN + 1);
		if (r->op.rc == HL_CONFLICT)
			http_fail(r, 409, "the code made is in use; send "
			    "again");
		else
			http_fail_rc(r, r->op.rc);
		return;
	}
	h_kiosk_enrol_url(r, r->sf.comment, url, sizeof(url));
	format_time(e->expires, exp);
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "code", r->sf.comment,
	    "url", url, "name", e->name, "unit", e->unit, "counter",
	    e->counter, "expires", exp);
	crypto_zero(r->sf.comment, ENROL_CODE_LEN + 1);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	crypto_zero(url, sizeof(url));
	if (s == NULL) {
		http_fail(r, 500, "cannot render the code");
		return;
	}
	r->no_store = 1;
	http_reply_json(r, 201, s);
	crypto_zero(s, strlen(s));
	free(s);
}

void
h_admin_kiosk_add(struct req *r)
{
	struct kiosk_add_req	 rq;
	char			 why[256];
	unsigned		 status;
	enum hl_rc		 rc;

	if ((rc = json_in_kiosk_add(r->body.data != NULL ? r->body.data :
	    "", r->body.len, &rq, why, sizeof(why))) != HL_OK) {
		http_fail(r, http_rc_status(rc), why);
		return;
	}
	if (h_kiosk_enrol_prepare(r, &rq, &status, why, sizeof(why)) == -1) {
		http_fail(r, status, why);
		return;
	}
	http_submit(r, hk_added);
}

static void
hk_revoked(struct req *r)
{
	char	 s[96], id[KEY_ID_HEX + 1];
	size_t	 i;

	if (r->op.rc != HL_OK) {
		if (r->op.rc == HL_NOT_FOUND)
			http_fail(r, 404, "no such kiosk");
		else
			http_fail_rc(r, r->op.rc);
		return;
	}
	for (i = 0; i < KEY_ID_LEN; i++)
		snprintf(id + 2 * i, 3, "%02x", r->op.u.revoke.id[i]);
	snprintf(s, sizeof(s), "{\"revoked\":\"%s\"}", id);
	r->no_store = 1;
	http_reply_json(r, 200, s);
}

void
h_admin_kiosk_revoke(struct req *r)
{
	char		 why[128];
	unsigned	 status;

	if (h_kiosk_revoke_prepare(r, &status, why, sizeof(why)) == -1) {
		http_fail(r, status, why);
		return;
	}
	http_submit(r, hk_revoked);
}
