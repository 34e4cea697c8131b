/*
 * h_dossier.c: the events of the one-stop software (POST
 * /api/v1/dossiers): a dossier received, more documents asked for,
 * refused, returned, withdrawn.
 * Trap: the case number is hashed under the key ring's current key the
 * moment it is read, as issuing a ticket does, and goes no further: not
 * to the writer, the log or a reply.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "crypto.h"
#include "h.h"
#include "record.h"
#include "util.h"

static void
h_dossier_done(struct req *r)
{
	const struct dossier	*d = &r->op.u.dossier.d;
	char			 rec[32], due[32], set[32];
	json_t			*o;
	char			*s;

	if (r->op.rc == HL_INVALID) {
		http_fail(r, 422, r->op.u.dossier.why[0] != '\0' ?
		    r->op.u.dossier.why : "the dossier cannot be stored");
		return;
	}
	if (r->op.rc != HL_OK) {
		http_fail_rc(r, r->op.rc);
		return;
	}
	if (d->received != 0)
		format_time(d->received, rec);
	if (d->due != 0)
		format_time(d->due, due);
	if (d->settled != 0)
		format_time(d->settled, set);
	o = json_pack("{s:s, s:b, s:b, s:s?, s:s?, s:s?, s:s}",
	    "state", dossier_state(d),
	    "late", dossier_late(d, now_sec()),
	    "repeated", !r->op.u.dossier.changed,
	    "received_at", d->received != 0 ? rec : NULL,
	    "due_at", d->due != 0 ? due : NULL,
	    "settled_at", d->settled != 0 ? set : NULL,
	    "unit", dossier_count_unit(d));
	if (o == NULL || (s = json_dumps(o, JSON_COMPACT)) == NULL) {
		json_decref(o);
		http_fail(r, 500, "internal error");
		return;
	}
	http_reply_json(r, r->op.u.dossier.created ? 201 : 200, s);
	free(s);
	json_decref(o);
}

void
h_dossier_event(struct req *r)
{
	struct dossier_req	 rq;
	struct wop		*op = &r->op;
	uint8_t			 hash[32];
	enum hl_rc		 rc;
	int64_t			 now = now_sec();
	char			 why[200];

	rc = json_in_dossier(r->body.data != NULL ? r->body.data : "",
	    r->body.len, &rq, why, sizeof(why));
	if (rc != HL_OK) {
		http_fail_why(r, rc, why);
		goto out;
	}
	/* As for tickets: a unit's key learns nothing of other units. */
	if (r->unit[0] != '\0' &&
	    !catalog_in_subtree(r->app->cat, rq.ev.unit, r->unit)) {
		http_fail(r, 403, "unit: outside this key's units");
		goto out;
	}
	if (r->unit[0] != '\0' && rq.ev.handling_unit[0] != '\0' &&
	    !r->app->cfg.handling_anywhere &&
	    !catalog_in_subtree(r->app->cat, rq.ev.handling_unit, r->unit)) {
		http_fail(r, 403, "handling_unit: outside this key's units "
		    "(handling_anywhere = yes under [tickets] allows it)");
		goto out;
	}
	if (catalog_unit(r->app->cat, rq.ev.unit,
	    strlen(rq.ev.unit)) == NULL) {
		http_fail(r, 422, "unit: not in the unit list");
		goto out;
	}
	if (rq.ev.handling_unit[0] != '\0' && catalog_unit(r->app->cat,
	    rq.ev.handling_unit, strlen(rq.ev.handling_unit)) == NULL) {
		http_fail(r, 422, "handling_unit: not in the unit list");
		goto out;
	}
	if (rq.ev.at < DOSSIER_TIME_MIN || rq.ev.at > now + DOSSIER_SKEW_MAX) {
		http_fail(r, 422, "at: in the future, or before 2000");
		goto out;
	}
	token_case_hash(store_keyring(r->app->st), rq.ev.unit, rq.caseref,
	    rq.case_len, hash);
	memset(op, 0, sizeof(*op));
	op->kind = WOP_DOSSIER;
	op->u.dossier.ev = rq.ev;
	record_case_key(rq.ev.unit, hash, op->u.dossier.key);
	crypto_zero(hash, sizeof(hash));
	crypto_zero(&rq, sizeof(rq));
	http_submit(r, h_dossier_done);
	return;
out:
	crypto_zero(&rq, sizeof(rq));
}
