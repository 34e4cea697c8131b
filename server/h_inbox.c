/*
 * h_inbox.c: the unit head's side of follow-ups: the inbox page
 * (GET /followups), an item's page (GET /followups/<id>, answered by
 * kiosk/followups.js through the API), and the API: GET
 * /api/v1/followups?state=, GET /api/v1/followups/<id>, POST
 * /api/v1/followups/<id>/reply. Who sees what is followup.h's rule; an
 * item another unit's head may not see is "not found" (404), never
 * shown. The call-back number is opened only for the head of the
 * handling unit and admins, on one item's page or GET, never in lists.
 * Trap: the pages carry the session's CSRF token for the script: never
 * cached (no-store).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "contact.h"
#include "followup.h"
#include "h.h"
#include "session.h"
#include "tpl.h"
#include "util.h"

#define INBOX_MAX	500	/* items listed at once, worst first */

/* One listed item: the record and what the reader is shown. */
struct inbox_row {
	struct followup		*f;
	struct followup_view	 v;
};

struct inbox {
	struct req		*r;
	int			 state;	/* -1 any, FOLLOWUP_STATES overdue */
	int64_t			 now;
	struct inbox_row	*rows;
	size_t			 n;
	size_t			 total;	/* matching, listed or not */
};

#define INBOX_OVERDUE	FOLLOWUP_STATES

/* Parses an item id (16 hex digits) from s[0..len). 0 or -1. */
static int
inbox_id_parse(const char *s, size_t len, uint64_t *id)
{
	size_t	 i;
	int	 d;

	*id = 0;
	if (len != 16)
		return (-1);
	for (i = 0; i < len; i++) {
		if ((d = hex_digit(s[i])) == -1)
			return (-1);
		*id = *id << 4 | (uint64_t)d;
	}
	return (0);
}

static void
inbox_id_fmt(uint64_t id, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)id);
}

/* Worst first: overdue, then the lowest rating, then the oldest. */
static int
inbox_cmp(const void *a, const void *b)
{
	const struct inbox_row	*x = a, *y = b;
	int			 lx = x->f->level ? x->f->level : 9;
	int			 ly = y->f->level ? y->f->level : 9;

	if (x->v.overdue != y->v.overdue)
		return (y->v.overdue - x->v.overdue);
	if (lx != ly)
		return (lx - ly);
	if (x->f->created != y->f->created)
		return (x->f->created < y->f->created ? -1 : 1);
	return (x->f->id < y->f->id ? -1 : x->f->id > y->f->id);
}

static int
inbox_pick(const struct followup *f, void *arg)
{
	struct inbox		*ib = arg;
	struct req		*r = ib->r;
	struct followup_view	 v;

	followup_view(&r->app->wd, r->app->cfg.answer_days, f, ib->now, &v);
	if (!followup_visible(r->app->cat, f, r->role, r->unit, &v))
		return (0);
	if (ib->state == INBOX_OVERDUE ? !v.overdue :
	    ib->state >= 0 && f->state != ib->state)
		return (0);
	ib->total++;
	if (ib->n == INBOX_MAX) {
		/* Keep the worst: replace the best of those kept. */
		size_t	 i, best = 0;
		struct inbox_row nr = { (struct followup *)f, v };

		for (i = 1; i < ib->n; i++)
			if (inbox_cmp(&ib->rows[i], &ib->rows[best]) > 0)
				best = i;
		if (inbox_cmp(&nr, &ib->rows[best]) >= 0)
			return (0);
		*ib->rows[best].f = *f;
		ib->rows[best].v = v;
		return (0);
	}
	ib->rows[ib->n].f = xmalloc(sizeof(*f));
	*ib->rows[ib->n].f = *f;
	ib->rows[ib->n].v = v;
	ib->n++;
	return (0);
}

static void
inbox_free(struct inbox *ib)
{
	size_t	 i;

	for (i = 0; i < ib->n; i++)
		free(ib->rows[i].f);
	free(ib->rows);
}

/* The answers of the item's response, labelled in Vietnamese. */
static json_t *
inbox_answers(struct req *r, uint64_t id)
{
	const struct survey		*sv;
	const struct survey_question	*q;
	struct response			*rs;
	json_t				*a, *o;
	const char			*label;
	size_t				 i;
	int				 idx;

	a = json_array();
	rs = xmalloc(sizeof(*rs));
	if (store_response_get(r->app->st, id, rs) != HL_OK)
		goto out;
	if ((sv = surveys_find(&r->app->sch->surveys, rs->survey,
	    strlen(rs->survey))) == NULL && survey_is_procedure(rs->survey))
		sv = r->app->sch->sv;
	for (i = 0; i < rs->nanswers; i++) {
		o = json_object();
		json_object_set_new(o, "question", json_string(rs->answers[i].q));
		json_object_set_new(o, "level",
		    json_integer(rs->answers[i].level));
		label = NULL;
		q = sv != NULL ? survey_question(sv, rs->answers[i].q,
		    strlen(rs->answers[i].q)) : NULL;
		if (q != NULL) {
			json_object_set_new(o, "question_text",
			    json_string(q->text.s[LANG_VI]));
			idx = q == sv->overall ? survey_overall_index(sv,
			    rs->answers[i].level) : rs->answers[i].level - 1;
			if (idx >= 0 && (size_t)idx < q->noptions)
				label = q->options[idx].label.s[LANG_VI];
		}
		if (label != NULL)
			json_object_set_new(o, "answer", json_string(label));
		json_array_append_new(a, o);
	}
out:
	free(rs);
	return (a);
}

static void
inbox_set_time(json_t *o, const char *key, int64_t t)
{
	char	 b[32];

	if (t == 0) {
		json_object_set_new(o, key, json_null());
		return;
	}
	format_time(t, b);
	json_object_set_new(o, key, json_string(b));
}

static void
inbox_set_text(json_t *o, const char *key, const char *s, size_t len)
{
	json_t	*v;

	if ((v = json_stringn(s, len)) != NULL)
		json_object_set_new(o, key, v);
}

/* An item as JSON: the API's and the pages' context alike. */
static json_t *
inbox_item_json(struct req *r, const struct followup *f,
    const struct followup_view *v, int64_t now)
{
	const struct unit	*u;
	const struct procedure	*p;
	json_t			*o;
	char			 id[17], local[32];
	int64_t			 age = now - f->created;

	o = json_object();
	inbox_id_fmt(f->id, id);
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "state",
	    json_string(followup_state_name(f->state)));
	json_object_set_new(o, "overdue", json_boolean(v->overdue));
	json_object_set_new(o, "escalated", json_boolean(v->escalated));
	json_object_set_new(o, "origin",
	    json_string(followup_origin_name(f->origin)));
	json_object_set_new(o, "kind",
	    json_string(followup_kind_name(f->kind)));
	json_object_set_new(o, "filed", json_boolean(f->filed));
	inbox_set_time(o, "created", f->created);
	inbox_set_time(o, "deadline", v->deadline);
	inbox_set_time(o, "answered_at", f->answered_at);
	inbox_set_time(o, "closed_at", f->closed_at);
	json_object_set_new(o, "age_hours",
	    json_integer(age > 0 ? age / 3600 : 0));
	json_object_set_new(o, "rating", f->level > 0 ?
	    json_integer(f->level) : json_null());
	json_object_set_new(o, "unit", json_string(f->unit));
	if ((u = catalog_unit(r->app->cat, f->unit, strlen(f->unit))) != NULL)
		json_object_set_new(o, "unit_name",
		    json_string(u->name.s[LANG_VI]));
	json_object_set_new(o, "procedure", json_string(f->procedure));
	if (f->procedure[0] != '\0' && (p = catalog_procedure(r->app->cat,
	    f->procedure, strlen(f->procedure))) != NULL)
		json_object_set_new(o, "procedure_name",
		    json_string(p->name.s[LANG_VI]));
	json_object_set_new(o, "has_contact", json_boolean(f->has_contact));
	inbox_set_text(o, "text", f->text, f->text_len);
	if (f->answer_len > 0)
		inbox_set_text(o, "answer", f->answer, f->answer_len);
	json_object_set_new(o, "answers", inbox_answers(r, f->id));
	/* For the pages: the words, the local times. */
	format_time_local(f->created, local);
	json_object_set_new(o, "created_local", json_string(local));
	if (v->deadline != 0) {
		/* The deadline is the end of a day: that day's date (its
		 * midnight would read as the next day). */
		format_time_local(v->deadline - 1, local);
		local[10] = '\0';
		json_object_set_new(o, "deadline_local", json_string(local));
	}
	json_object_set_new(o, "age_days", json_integer(age > 0 ?
	    age / 86400 : 0));
	json_object_set_new(o, "age_rest_hours", json_integer(age > 0 ?
	    age % 86400 / 3600 : 0));
	json_object_set_new(o, "is_open",
	    json_boolean(f->state == FOLLOWUP_OPEN));
	json_object_set_new(o, "is_answered",
	    json_boolean(f->state == FOLLOWUP_ANSWERED));
	json_object_set_new(o, "is_closed",
	    json_boolean(f->state == FOLLOWUP_CLOSED));
	json_object_set_new(o, "is_request",
	    json_boolean(f->kind == FOLLOWUP_REQUEST));
	return (o);
}

static int
inbox_event(const struct followup_event *ev, void *arg)
{
	json_t		*a = arg, *o;
	const char	*name;
	char		 local[32];

	o = json_object();
	inbox_set_time(o, "at", ev->at);
	json_object_set_new(o, "action",
	    json_string(followup_action_name(ev->action)));
	json_object_set_new(o, "state",
	    json_string(followup_state_name(ev->state)));
	json_object_set_new(o, "who", json_string(ev->who));
	inbox_set_text(o, "text", ev->text, ev->text_len);
	/* For the page: the local time, the words, the key's name only
	 * (who is "<key id> <name>"). */
	format_time_local(ev->at, local);
	json_object_set_new(o, "at_local", json_string(local));
	json_object_set_new(o, "a_opened",
	    json_boolean(ev->action == FOLLOWUP_EV_OPENED));
	json_object_set_new(o, "a_filed",
	    json_boolean(ev->action == FOLLOWUP_EV_FILED));
	json_object_set_new(o, "a_reply",
	    json_boolean(ev->action == FOLLOWUP_EV_REPLY));
	json_object_set_new(o, "a_deleted",
	    json_boolean(ev->action == FOLLOWUP_EV_CONTACT_DELETED));
	json_object_set_new(o, "a_overdue",
	    json_boolean(ev->action == FOLLOWUP_EV_OVERDUE));
	json_object_set_new(o, "s_open",
	    json_boolean(ev->state == FOLLOWUP_OPEN));
	json_object_set_new(o, "s_answered",
	    json_boolean(ev->state == FOLLOWUP_ANSWERED));
	json_object_set_new(o, "s_closed",
	    json_boolean(ev->state == FOLLOWUP_CLOSED));
	name = strchr(ev->who, ' ');
	json_object_set_new(o, "who_name", json_string(name != NULL ?
	    name + 1 : ev->who));
	json_array_append_new(a, o);
	return (0);
}

/* The state asked for by ?state=; -2 when it is no state. */
static int
inbox_state_arg(struct req *r)
{
	const char	*s = http_arg(r, "state");

	if (s == NULL || *s == '\0')
		return (FOLLOWUP_OPEN);
	if (strcmp(s, "all") == 0)
		return (-1);
	if (strcmp(s, "overdue") == 0)
		return (INBOX_OVERDUE);
	return (followup_state_parse(s) == -1 ? -2 : followup_state_parse(s));
}

/* Fills ib with the reader's items in state, worst first; 0 or -1. */
static int
inbox_collect(struct req *r, struct inbox *ib, int state)
{
	memset(ib, 0, sizeof(*ib));
	ib->r = r;
	ib->state = state;
	ib->now = now_sec();
	ib->rows = xcalloc(INBOX_MAX, sizeof(*ib->rows));
	if (store_each_followup(r->app->st, inbox_pick, ib) != 0) {
		inbox_free(ib);
		return (-1);
	}
	qsort(ib->rows, ib->n, sizeof(*ib->rows), inbox_cmp);
	return (0);
}

void
h_followups_list(struct req *r)
{
	struct inbox	 ib;
	json_t		*o, *a;
	char		*s;
	size_t		 i;
	int		 state;

	if ((state = inbox_state_arg(r)) == -2) {
		http_fail(r, 422, "state: want open, answered, closed, "
		    "overdue or all");
		return;
	}
	if (inbox_collect(r, &ib, state) == -1) {
		http_fail(r, 500, "cannot read the follow-ups");
		return;
	}
	a = json_array();
	for (i = 0; i < ib.n; i++)
		json_array_append_new(a, inbox_item_json(r, ib.rows[i].f,
		    &ib.rows[i].v, ib.now));
	o = json_object();
	json_object_set_new(o, "count", json_integer((json_int_t)ib.total));
	json_object_set_new(o, "items", a);
	inbox_free(&ib);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	r->no_store = 1;
	http_reply_json(r, 200, s != NULL ? s : "{}");
	free(s);
}

/*
 * The item of the path's id that the reader may see into f and v; 1, or
 * 0 with the reply set (404 alike for a malformed id, an unknown item
 * and another unit's).
 */
static int
inbox_item_get(struct req *r, struct followup *f, struct followup_view *v)
{
	uint64_t	 id;
	enum hl_rc	 rc;

	if (inbox_id_parse(r->arg, r->arglen, &id) == -1) {
		http_fail(r, 404, "no such follow-up");
		return (0);
	}
	if ((rc = store_followup_get(r->app->st, id, f)) != HL_OK) {
		if (rc == HL_NOT_FOUND)
			http_fail(r, 404, "no such follow-up");
		else
			http_fail(r, 500, "cannot read the follow-up");
		return (0);
	}
	followup_view(&r->app->wd, r->app->cfg.answer_days, f, now_sec(), v);
	if (!followup_visible(r->app->cat, f, r->role, r->unit, v)) {
		http_fail(r, 404, "no such follow-up");
		return (0);
	}
	return (1);
}

/* One item in full: its history and, for whom it is meant, the
 * call-back number. */
static json_t *
inbox_item_full(struct req *r, const struct followup *f,
    const struct followup_view *v)
{
	json_t		*o, *h;
	uint8_t		 sealed[CONTACT_SEALED_MAX];
	char		 phone[CONTACT_PHONE_MAX + 1];
	size_t		 n;

	o = inbox_item_json(r, f, v, now_sec());
	h = json_array();
	if (store_each_followup_event(r->app->st, f->id, inbox_event, h) != 0) {
		json_decref(h);
		json_decref(o);
		return (NULL);
	}
	json_object_set_new(o, "history", h);
	/* Not for the parent's head of an escalated item. */
	if (f->has_contact && !v->escalated &&
	    store_contact_get(r->app->st, f->id, sealed, sizeof(sealed),
	    &n) == HL_OK && contact_open(store_keyring(r->app->st), f->id,
	    sealed, n, phone) == 0) {
		json_object_set_new(o, "contact", json_string(phone));
		crypto_zero(phone, sizeof(phone));
	}
	return (o);
}

void
h_followup_get(struct req *r)
{
	struct followup		*f;
	struct followup_view	 v;
	json_t			*o;
	char			*s;

	f = xmalloc(sizeof(*f));
	if (!inbox_item_get(r, f, &v))
		goto out;
	if ((o = inbox_item_full(r, f, &v)) == NULL) {
		http_fail(r, 500, "cannot read the history");
		goto out;
	}
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	r->no_store = 1;
	http_reply_json(r, 200, s != NULL ? s : "{}");
	free(s);
out:
	free(f);
}

static void
h_followup_replied(struct req *r)
{
	struct followup		*f;
	struct followup_view	 v;
	json_t			*o;
	char			*s;

	if (r->op.rc != HL_OK) {
		switch (r->op.rc) {
		case HL_CONFLICT:
			http_fail(r, 409, "this follow-up is closed");
			break;
		case HL_INVALID:
			http_fail(r, 422, "state: answered needs a text");
			break;
		default:
			http_fail_rc(r, r->op.rc);
		}
		return;
	}
	f = xmalloc(sizeof(*f));
	if (store_followup_get(r->app->st, r->op.u.fu.id, f) != HL_OK) {
		free(f);
		http_fail(r, 500, "cannot read the follow-up");
		return;
	}
	followup_view(&r->app->wd, r->app->cfg.answer_days, f, now_sec(), &v);
	(void)followup_visible(r->app->cat, f, r->role, r->unit, &v);
	o = inbox_item_json(r, f, &v, now_sec());
	free(f);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	r->no_store = 1;
	http_reply_json(r, 200, s != NULL ? s : "{}");
	free(s);
}

/* Who is writing: the key's id and name, of a Bearer key or of the key
 * a browser signed in with. */
static void
inbox_who(struct req *r, char who[FOLLOWUP_WHO_MAX + 1])
{
	struct session	 ses;
	const char	*cookie;
	char		 id[KEY_ID_HEX + 1];

	who[0] = '\0';
	if (r->has_key) {
		apikey_id_hex(r->key_hash, id);
		snprintf(who, FOLLOWUP_WHO_MAX + 1, "%s %s", id, r->key_name);
	} else if (r->via_session && (cookie = MHD_lookup_connection_value(
	    r->conn, MHD_COOKIE_KIND, SESSION_COOKIE)) != NULL &&
	    session_get(r->app->sessions, cookie, strlen(cookie),
	    &ses) == 0) {
		apikey_id_hex(ses.key, id);
		snprintf(who, FOLLOWUP_WHO_MAX + 1, "%s %s", id, ses.name);
	}
}

void
h_followup_reply(struct req *r)
{
	struct followup		*f;
	struct followup_view	 v;
	struct followup_reply_req *rq;
	char			 why[200];
	enum hl_rc		 rc;

	f = xmalloc(sizeof(*f));
	rq = xmalloc(sizeof(*rq));
	/* The path is "<id>/reply": the id is the first segment. */
	if (!inbox_item_get(r, f, &v))
		goto out;
	rc = json_in_followup_reply(r->body.data != NULL ? r->body.data : "",
	    r->body.len, rq, why, sizeof(why));
	/* A text given must say something; none keeps the last answer. */
	if (rc == HL_OK)
		rc = followup_text_check(rq->text, rq->text_len,
		    rq->text_len == 0, why, sizeof(why));
	if (rc != HL_OK) {
		http_fail_why(r, rc == HL_TOO_BIG ? HL_INVALID : rc, why);
		goto out;
	}
	if (f->state == FOLLOWUP_CLOSED) {
		http_fail(r, 409, "this follow-up is closed");
		goto out;
	}
	if (rq->state == FOLLOWUP_ANSWERED && rq->text_len == 0 &&
	    f->answer_len == 0) {
		http_fail(r, 422, "text: an answer is needed to set answered");
		goto out;
	}
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_FOLLOWUP_REPLY;
	r->op.u.fu.id = f->id;
	r->op.u.fu.state = (uint8_t)rq->state;
	r->op.u.fu.notify = app_webhooks_on(r->app);
	memcpy(r->op.u.fu.text, rq->text, rq->text_len);
	r->op.u.fu.text[rq->text_len] = '\0';
	r->op.u.fu.text_len = rq->text_len;
	inbox_who(r, r->op.u.fu.who);
	http_submit(r, h_followup_replied);
out:
	free(rq);
	free(f);
}

/* The session's CSRF token and name for the pages, when signed in. */
static void
inbox_page_ctx(struct req *r, json_t *ctx)
{
	struct session	 ses;
	const char	*id;
	const struct unit *u;

	json_object_set_new(ctx, "unit", json_string(r->unit));
	if ((u = catalog_unit(r->app->cat, r->unit, strlen(r->unit))) != NULL)
		json_object_set_new(ctx, "unit_name",
		    json_string(u->name.s[LANG_VI]));
	if (r->via_session && (id = MHD_lookup_connection_value(r->conn,
	    MHD_COOKIE_KIND, SESSION_COOKIE)) != NULL &&
	    session_get(r->app->sessions, id, strlen(id), &ses) == 0) {
		json_object_set_new(ctx, "csrf", json_string(ses.csrf));
		json_object_set_new(ctx, "who", json_string(ses.name));
	} else if (r->has_key)
		json_object_set_new(ctx, "who", json_string(r->key_name));
}

static void
inbox_render(struct req *r, const char *name, json_t *ctx)
{
	const struct tpl	*t;

	if ((t = page_tpl(r->app->sch->pg, name)) == NULL) {
		json_decref(ctx);
		http_fail(r, 500, "cannot load the page");
		return;
	}
	buf_reset(&r->out);
	if (tpl_render(t, ctx, &r->out) == -1) {
		json_decref(ctx);
		buf_reset(&r->out);
		http_fail(r, 500, "cannot render the page");
		return;
	}
	json_decref(ctx);
	r->scripts = 1;
	r->no_store = 1;
	http_reply(r, 200, "text/html; charset=utf-8");
}

void
h_inbox_page(struct req *r)
{
	struct inbox	 ib;
	json_t		*ctx, *a;
	size_t		 i;
	int		 state;

	if ((state = inbox_state_arg(r)) == -2)
		state = FOLLOWUP_OPEN;
	if (inbox_collect(r, &ib, state) == -1) {
		http_fail(r, 500, "cannot read the follow-ups");
		return;
	}
	ctx = json_object();
	inbox_page_ctx(r, ctx);
	a = json_array();
	for (i = 0; i < ib.n; i++)
		json_array_append_new(a, inbox_item_json(r, ib.rows[i].f,
		    &ib.rows[i].v, ib.now));
	json_object_set_new(ctx, "items", a);
	json_object_set_new(ctx, "has_items", json_boolean(ib.n > 0));
	json_object_set_new(ctx, "count", json_integer((json_int_t)ib.total));
	json_object_set_new(ctx, "shown", json_integer((json_int_t)ib.n));
	json_object_set_new(ctx, "s_open", json_boolean(state ==
	    FOLLOWUP_OPEN));
	json_object_set_new(ctx, "s_overdue", json_boolean(state ==
	    INBOX_OVERDUE));
	json_object_set_new(ctx, "s_answered", json_boolean(state ==
	    FOLLOWUP_ANSWERED));
	json_object_set_new(ctx, "s_closed", json_boolean(state ==
	    FOLLOWUP_CLOSED));
	json_object_set_new(ctx, "s_all", json_boolean(state == -1));
	inbox_free(&ib);
	inbox_render(r, "inbox", ctx);
}

void
h_item_page(struct req *r)
{
	struct followup		*f;
	struct followup_view	 v;
	json_t			*ctx, *o;

	f = xmalloc(sizeof(*f));
	if (!inbox_item_get(r, f, &v))
		goto out;
	if ((o = inbox_item_full(r, f, &v)) == NULL) {
		http_fail(r, 500, "cannot read the history");
		goto out;
	}
	ctx = json_object();
	inbox_page_ctx(r, ctx);
	json_object_set_new(ctx, "item", o);
	inbox_render(r, "item", ctx);
out:
	free(f);
}
