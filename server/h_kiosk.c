/*
 * h_kiosk.c: what a kiosk asks of the server: the survey's definition,
 * its enrolment, the next ticket of its counter (a long poll), and its
 * answers, paired with a ticket or walk-in.
 * Traps: a parked long poll is woken from another thread, which only
 * fills r->op and unparks; the reply is made by the continuation. A
 * retried answer (same idempotency key) must get the first outcome even
 * while the first is still with the writer, so the walk-in guard lets
 * the retry of its last walk-in through and the writer decides. A
 * kiosk's contact is noted when a request arrives, never when a parked
 * poll ends: a kiosk that lost its network during a poll was not in
 * contact until the poll timed out.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crypto.h"
#include "enrol.h"
#include "h.h"
#include "pair.h"
#include "record.h"
#include "retire.h"
#include "util.h"

/* What the server remembers of a kiosk key (h.h): contact, walk-ins. */
struct kiosk_guard {
	uint8_t		 key[32];
	uint64_t	 touched;
	int64_t		 contact;		/* last request, server time */
	int64_t		 until;			/* next request due by then */
	int64_t		 win_from;		/* the latest outage window */
	int64_t		 win_to;
	int64_t		 last;			/* last stored walk-in's date */
	char		 idem[IDEM_KEY_MAX + 1];	/* last walk-in's */
	/*
	 * Per overall rating (level - 1), the server dates of its last
	 * WALKIN_BURST - 1 walk-ins, a ring from next[]; INT64_MIN when
	 * none.
	 */
	int64_t		 recent[SURVEY_LEVELS][WALKIN_BURST - 1];
	size_t		 next[SURVEY_LEVELS];
	int		 reported;		/* queue report below is known */
	uint32_t	 queued, refused, held;
	char		 app[KIOSK_APP_MAX + 1];
};


/* Every kiosk key's record, the oldest touched replaced when full. */
struct kiosk_guards {
	pthread_mutex_t		 mu;	/* guards everything below */
	struct kiosk_guard	*tab;	/* KIOSK_GUARD_MAX */
	size_t			 n;
	uint64_t		 clock;
};

struct kiosk_guards *
h_kiosk_guards_new(void)
{
	struct kiosk_guards	*kg = xcalloc(1, sizeof(*kg));

	pthread_mutex_init(&kg->mu, NULL);
	kg->tab = xcalloc(KIOSK_GUARD_MAX, sizeof(*kg->tab));
	return (kg);
}

void
h_kiosk_guards_free(struct kiosk_guards *kg)
{
	if (kg == NULL)
		return;
	pthread_mutex_destroy(&kg->mu);
	free(kg->tab);
	free(kg);
}

static void	 h_kiosk_contact(struct kiosk_guards *, const uint8_t key[32],
		    int64_t hold);

/*
 * Rendered with the surveys in use (kiosk_def.c, again at each swap):
 * the survey named by ?survey=, else the one of the key's unit (a kiosk
 * gets its unit's), else the procedure survey.
 */
void
h_survey_def(struct req *r)
{
	const struct schema	*sch = r->app->sch;
	const struct survey	*sv;
	const char		*id = http_arg(r, "survey");
	size_t			 i;

	if (http_auth_optional(r) == -1)
		return;
	if (id == NULL) {
		sv = app_unit_survey(r->app, r->unit);
		id = sv->id;
	}
	/* By id: the set read here, whatever was swapped meanwhile. */
	for (i = 0; i < sch->surveys.n; i++)
		if (surveys_find(&sch->surveys, id, strlen(id)) ==
		    sch->surveys.s[i]) {
			http_reply_json(r, 200, sch->kiosk_def[i]);
			return;
		}
	http_fail(r, 404, "no such survey");
}

/* 0, or -1 with the reply set (400/413/422). */
static int
h_kiosk_parse_rc(struct req *r, enum hl_rc rc, const char *why)
{
	if (rc == HL_OK)
		return (0);
	http_fail_why(r, rc, why);
	return (-1);
}

/* The unit as {"code", "name": {...}}. */
static json_t *
h_kiosk_unit(struct req *r, const char *code)
{
	const struct unit	*u;

	u = catalog_unit(r->app->cat, code, strlen(code));
	return (json_pack("{s:s, s:o}", "code", code, "name", u != NULL ?
	    text_json(&u->name, NULL) : text_json(NULL, code)));
}

static void
h_kiosk_json(struct req *r, unsigned status, json_t *o)
{
	char	*s;

	if (o == NULL || (s = json_dumps(o, JSON_COMPACT)) == NULL) {
		json_decref(o);
		http_fail(r, 500, "internal error");
		return;
	}
	http_reply_json(r, status, s);
	r->no_store = 1;
	free(s);
	json_decref(o);
}

static void
h_kiosk_enrolled(struct req *r)
{
	const struct apikey	*k = &r->op.u.enrol.key;
	char			 secret[KEY_SECRET_LEN + 1];

	switch (r->op.rc) {
	case HL_OK:
		break;
	case HL_NOT_FOUND:
		http_auth_failed(r, LIMIT_CODE);
		http_fail(r, 404, "unknown, used or expired enrolment code");
		goto out;
	case HL_FULL:
		http_fail(r, 503, "storage full; try again later");
		goto out;
	default:
		http_fail(r, 500, "cannot enrol the kiosk");
		goto out;
	}
	/* The handler left the secret in the spent body buffer. */
	strlcpy(secret, r->body.data, sizeof(secret));
	h_kiosk_json(r, 201, json_pack("{s:s, s:s, s:o, s:s}", "key", secret,
	    "name", k->name, "unit", h_kiosk_unit(r, k->unit), "counter",
	    k->counter));
	crypto_zero(secret, sizeof(secret));
out:
	if (r->body.data != NULL)
		crypto_zero(r->body.data, r->body.len);
}

void
h_kiosk_enrol(struct req *r)
{
	struct enrol_req	 rq;
	char			 secret[KEY_SECRET_LEN + 1], why[200];

	if (http_auth_blocked(r, LIMIT_CODE))
		return;
	if (h_kiosk_parse_rc(r, json_in_enrol(r->body.data != NULL ?
	    r->body.data : "", r->body.len, &rq, why, sizeof(why)), why) == -1)
		return;
	memset(&r->op, 0, sizeof(r->op));
	if (enrol_code_hash(rq.code, rq.len, r->op.u.enrol.e.hash) == -1) {
		http_fail(r, 422, "code: want XXXX-XXXX");
		return;
	}
	key_secret_new(secret, r->op.u.enrol.key_hash);
	r->op.kind = WOP_ENROL;
	r->op.u.enrol.created = now_sec();
	/* The body is parsed: it keeps the secret for the continuation. */
	buf_reset(&r->body);
	if (buf_addstr(&r->body, secret) == -1) {
		crypto_zero(secret, sizeof(secret));
		http_fail(r, 500, "internal error");
		return;
	}
	crypto_zero(secret, sizeof(secret));
	http_submit(r, h_kiosk_enrolled);
}

static void
h_kiosk_nothing(struct req *r)
{
	buf_reset(&r->out);
	r->no_store = 1;
	http_reply(r, 204, "application/json");
}

/*
 * A ticket at a stage of its dossier: its stage, the survey's words for
 * it, and "skip" naming the on-time question when the kiosk must not ask
 * it (before the result, or when the dossier's dates answer it: the
 * server stores what they say, as for a phone).
 */
static json_t *
h_kiosk_stage(struct req *r, const struct ticket *t, json_t *o)
{
	const struct survey	*sv = app_ticket_survey_of(r->app, t);
	int			 stage = STAGE_RETURNED;

	if (sv == NULL)
		return (o);
	if (app_ticket_ask(r->app, sv, t, &stage) != 0)
		json_object_set_new(o, "skip", json_pack("[s]", ON_TIME_Q));
	if (stage < 0 || stage >= STAGE_COUNT)
		stage = STAGE_RETURNED;
	json_object_set_new(o, "stage", json_string(dossier_stage_name(
	    stage)));
	if (stage != STAGE_RETURNED && sv->intro_stage[stage].s[LANG_VI] !=
	    NULL)
		json_object_set_new(o, "stage_intro", text_json(
		    &sv->intro_stage[stage], NULL));
	return (o);
}

/* The ticket of a pairing as the kiosk gets it. */
static void
h_kiosk_ticket(struct req *r, const struct ticket *t)
{
	const struct procedure	*p;
	const struct service	*v;
	char			 token[TOKEN_LEN + 1], exp[32];

	/* A ticket of another survey than the kiosk asks: not shown here
	 * (answered on a phone). */
	if (app_ticket_survey_of(r->app, t) != app_unit_survey(r->app,
	    r->unit)) {
		h_kiosk_nothing(r);
		return;
	}
	token_encode(store_keyring(r->app->st), t->kid, t->id, token);
	format_time(t->expires, exp);
	/* A service survey's ticket: its service in the procedure's place. */
	if (t->service[0] != '\0') {
		v = catalog_service(r->app->cat, t->service,
		    strlen(t->service));
		h_kiosk_json(r, 200, h_kiosk_stage(r, t, json_pack(
		    "{s:s, s:{s:s, s:o}, s:o, s:s, s:s, s:s}", "token", token,
		    "procedure", "code", t->service, "name", v != NULL ?
		    text_json(&v->name, NULL) : text_json(NULL, t->service),
		    "unit", h_kiosk_unit(r, t->unit), "expires_at", exp,
		    "survey", ticket_survey(t), "service", t->service)));
		return;
	}
	p = catalog_procedure(r->app->cat, t->procedure,
	    strlen(t->procedure));
	h_kiosk_json(r, 200, h_kiosk_stage(r, t, json_pack(
	    "{s:s, s:{s:s, s:o}, s:o, s:s, s:s}",
	    "token", token, "procedure", "code", t->procedure, "name",
	    p != NULL ? text_json(&p->name, NULL) :
	    text_json(NULL, t->procedure), "unit", h_kiosk_unit(r, t->unit),
	    "expires_at", exp, "survey", ticket_survey(t))));
}

static void
h_kiosk_next_cont(struct req *r)
{
	if (r->op.rc == HL_OK)
		h_kiosk_ticket(r, &r->op.u.ticket.t);
	else
		h_kiosk_nothing(r);
}

static int
h_kiosk_park(void *arg)
{
	struct req	*r = arg;

	http_park(r, h_kiosk_next_cont);
	return (r->submitted ? 0 : -1);
}

/* Another thread: fill in, unpark, touch r no more. */
static void
h_kiosk_wake(void *arg, const struct ticket *t)
{
	struct req	*r = arg;

	if (t != NULL) {
		r->op.u.ticket.t = *t;
		r->op.rc = HL_OK;
	} else
		r->op.rc = HL_NOT_FOUND;
	http_unpark(r);
}

void
h_kiosk_next(struct req *r)
{
	const char	*w = http_arg(r, "wait"), *seen = http_arg(r, "seen");
	uint8_t		 id[TICKET_ID_LEN];
	struct ticket	 t;
	long long	 wait = PAIR_WAIT_DEFAULT;
	int		 has_seen = 0;
	char		 why[400];

	if (w != NULL && parse_num(w, strlen(w), PAIR_WAIT_MIN, PAIR_WAIT_MAX,
	    &wait) == -1) {
		http_fail(r, 400, "wait: want a whole number from 1 to 30");
		return;
	}
	if (r->unit[0] == '\0' || r->counter[0] == '\0') {
		http_fail(r, 422, "this key has no unit and counter; enrol "
		    "the kiosk with hailong kiosk add");
		return;
	}
	if (retire_refused(r->app->cat, r->unit, now_sec(), why,
	    sizeof(why))) {
		http_fail(r, 410, why);
		return;
	}
	h_kiosk_contact(r->app->guards, r->key_hash, wait);
	/* A token that does not verify matches no ticket anyway. */
	if (seen != NULL && token_verify(store_keyring(r->app->st), seen,
	    strlen(seen), id) == 0)
		has_seen = 1;
	memset(&r->op, 0, sizeof(r->op));
	switch (pair_next(r->app->pair, r->unit, r->counter,
	    has_seen ? id : NULL, (int)wait, h_kiosk_park, h_kiosk_wake, r,
	    &t)) {
	case 1:
		h_kiosk_ticket(r, &t);
		return;
	case 0:
		return;		/* parked */
	default:
		if (!r->submitted && r->state != RS_DONE)
			h_kiosk_nothing(r);
		return;
	}
}

static void
h_responses_reply(struct req *r, unsigned status, enum channel c, int flags)
{
	char	 s[128];

	snprintf(s, sizeof(s), "{\"status\":\"stored\",\"channel\":\"%s\","
	    "\"suspect\":%s}", channel_name(c),
	    (flags & RESPONSE_SUSPECT) ? "true" : "false");
	http_reply_json(r, status, s);
	r->no_store = 1;
}

static void
h_responses_stored(struct req *r)
{
	const struct response	*rs = &r->op.u.answer.r;

	crypto_zero(r->op.u.answer.fu_phone, sizeof(r->op.u.answer.fu_phone));
	if (r->op.rc != HL_OK) {
		/* Answered on the phone first: the kiosk may stop offering it. */
		if (r->op.rc == HL_CONFLICT)
			pair_ticket_answered(r->app->pair, rs->ticket);
		if (r->op.rc != HL_FULL && r->op.rc != HL_ERROR)
			log_warn("kiosk %s: answer refused: %s", r->key_name,
			    r->op.rc == HL_CONFLICT ? "already answered" :
			    r->op.rc == HL_GONE ? "ticket expired" :
			    "not storable");
		http_fail_rc(r, r->op.rc);
		return;
	}
	if (rs->has_ticket)
		pair_ticket_answered(r->app->pair, rs->ticket);
	h_responses_reply(r, r->op.u.answer.duplicate ? 200 : 201,
	    (enum channel)rs->channel, rs->flags);
}

/* Answers of rq as levels into rs; HL_OK or HL_INVALID with why. */
static enum hl_rc
h_responses_levels(const struct survey *sv, const struct response_req *rq,
    struct response *rs, char *why, size_t whylen)
{
	const struct survey_question	*q;
	size_t				 i;
	int				 level;

	if (1 + rq->nchoices + rq->nreasons > RESPONSE_ANSWERS_MAX) {
		snprintf(why, whylen, "answers: too many");
		return (HL_INVALID);
	}
	rs->nanswers = 0;
	strlcpy(rs->answers[0].q, sv->overall->id, sizeof(rs->answers[0].q));
	rs->answers[0].level = (uint8_t)rq->overall;
	rs->nanswers = 1;
	for (i = 0; i < rq->nchoices; i++) {
		q = survey_question(sv, rq->choices[i].q,
		    strlen(rq->choices[i].q));
		if (q == NULL || q->kind != QK_CHOICE) {
			snprintf(why, whylen, "answers.%s: not a question of "
			    "this survey", rq->choices[i].q);
			return (HL_INVALID);
		}
		if ((level = survey_option_level(q, rq->choices[i].option,
		    strlen(rq->choices[i].option))) == 0) {
			snprintf(why, whylen, "answers.%s: unknown option",
			    q->id);
			return (HL_INVALID);
		}
		strlcpy(rs->answers[rs->nanswers].q, q->id,
		    sizeof(rs->answers[0].q));
		rs->answers[rs->nanswers++].level = (uint8_t)level;
	}
	if (rq->nreasons > 0 && sv->reasons == NULL) {
		snprintf(why, whylen, "answers.reasons: this survey has none");
		return (HL_INVALID);
	}
	for (i = 0; i < rq->nreasons; i++) {
		if ((level = survey_option_level(sv->reasons, rq->reasons[i],
		    strlen(rq->reasons[i]))) == 0) {
			snprintf(why, whylen, "answers.reasons: unknown "
			    "option");
			return (HL_INVALID);
		}
		strlcpy(rs->answers[rs->nanswers].q, sv->reasons->id,
		    sizeof(rs->answers[0].q));
		rs->answers[rs->nanswers++].level = (uint8_t)level;
	}
	return (survey_check(sv, rs->answers, rs->nanswers, why, whylen));
}

/* The record of key, a new one when none; the guards' lock held. */
static struct kiosk_guard *
h_guard_find(struct kiosk_guards *kg, const uint8_t key[32], int64_t now)
{
	struct kiosk_guard	*g;
	size_t			 i, j, oldest = 0;

	for (i = 0; i < kg->n; i++) {
		if (memcmp(kg->tab[i].key, key, 32) == 0) {
			kg->tab[i].touched = ++kg->clock;
			return (&kg->tab[i]);
		}
		if (kg->tab[i].touched < kg->tab[oldest].touched)
			oldest = i;
	}
	g = kg->n < KIOSK_GUARD_MAX ? &kg->tab[kg->n++] : &kg->tab[oldest];
	memset(g, 0, sizeof(*g));
	memcpy(g->key, key, 32);
	g->last = INT64_MIN;
	for (i = 0; i < SURVEY_LEVELS; i++)
		for (j = 0; j < WALKIN_BURST - 1; j++)
			g->recent[i][j] = INT64_MIN;
	/* No record: one back-window of the age limit. */
	g->contact = now;
	g->until = now + KIOSK_SILENCE_SEC;
	g->win_from = now - ANSWER_AGE_MAX;
	g->win_to = now;
	g->touched = ++kg->clock;
	return (g);
}

/*
 * A request of the kiosk arrived at now; a long poll holds it for hold
 * seconds, after which the kiosk asks again at once. The guards' lock
 * held.
 */
static struct kiosk_guard *
h_guard_contact(struct kiosk_guards *kg, const uint8_t key[32], int64_t now,
    int64_t hold)
{
	struct kiosk_guard	*g = h_guard_find(kg, key, now);

	if (now > g->until) {
		g->win_from = g->contact;
		g->win_to = now;
	}
	if (now > g->contact)
		g->contact = now;
	if (now + hold + KIOSK_SILENCE_SEC > g->until)
		g->until = now + hold + KIOSK_SILENCE_SEC;
	return (g);
}

static void
h_kiosk_contact(struct kiosk_guards *kg, const uint8_t key[32], int64_t hold)
{
	pthread_mutex_lock(&kg->mu);
	h_guard_contact(kg, key, now_sec(), hold);
	pthread_mutex_unlock(&kg->mu);
}

/*
 * The date of an answer that waited in the kiosk's queue, by the server's
 * clock (h.h); *fits is 0 when the wait was not taken. The guards' lock
 * held.
 */
static int64_t
h_guard_date(const struct kiosk_guard *g, int64_t now, int64_t waited,
    int *fits)
{
	int64_t	 t = now - waited;

	*fits = 1;
	if (waited <= WAIT_SLACK_SEC)
		return (t);
	if (t >= g->win_from - WAIT_SLACK_SEC && t <= g->win_to)
		return (t);
	*fits = 0;
	return (now);
}

/*
 * The walk-in guard on the answer's server date: -1 to ignore the rating,
 * else 0 with *suspect. The retry of the kiosk's last walk-in passes:
 * the writer dedups it. The guards' lock held.
 */
static int
h_guard_walkin(struct kiosk_guard *g, const struct response_req *rq,
    int64_t at, int *suspect)
{
	int64_t	*d;
	size_t	 i, same = 0, lv;

	*suspect = 0;
	if (strcmp(g->idem, rq->idem) == 0)
		return (0);
	if (g->last != INT64_MIN && at < g->last + WALKIN_GAP_SEC)
		return (-1);
	g->last = at;
	strlcpy(g->idem, rq->idem, sizeof(g->idem));
	if (rq->overall < 1 || rq->overall > SURVEY_LEVELS)
		return (0);		/* json_in checked it */
	lv = (size_t)rq->overall - 1;
	d = g->recent[lv];
	/* Dates only increase: the rating's last ones, others between. */
	for (i = 0; i < WALKIN_BURST - 1; i++)
		if (d[i] != INT64_MIN && at - d[i] <= WALKIN_BURST_SEC)
			same++;
	if (same + 1 >= WALKIN_BURST)
		*suspect = 1;
	d[g->next[lv]] = at;
	g->next[lv] = (g->next[lv] + 1) % (WALKIN_BURST - 1);
	return (0);
}

/* Refuses a kiosk's answer for good, and says so on stderr. */
static void
h_kiosk_refuse(struct req *r, unsigned status, const char *why)
{
	log_warn("kiosk %s: answer refused (%u): %s", r->key_name, status,
	    why);
	http_fail(r, status, why);
}

void
h_responses_post(struct req *r)
{
	struct response_req	*rq;
	struct response		*rs = &r->op.u.answer.r;
	const struct survey	*sv;
	struct kiosk_guard	*g;
	struct ticket		 t;
	struct idem		 im;
	uint8_t			 ih[32];
	char			 why[400];
	int64_t			 now = now_sec(), closes, issued = 0;
	int			 suspect = 0, fits, ignored = 0, ask, stage;
	enum hl_rc		 rc;

	rq = xmalloc(sizeof(*rq));
	rc = json_in_response(r->body.data != NULL ? r->body.data : "",
	    r->body.len, rq, why, sizeof(why));
	if (rc != HL_OK) {
		h_kiosk_refuse(r, http_rc_status(rc), why);
		goto out;
	}
	if (!r->has_key) {
		http_fail(r, 401, "a kiosk key is needed");
		goto out;
	}
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_ANSWER;
	/* A kiosk asks its unit's survey (GET /api/v1/survey). */
	sv = app_unit_survey(r->app, r->unit);
	if (h_responses_levels(sv, rq, rs, why, sizeof(why)) !=
	    HL_OK) {
		h_kiosk_refuse(r, 422, why);
		goto out;
	}

	/* A retry whose first answer is stored: its outcome, no write. */
	record_idem_key(r->key_hash, rq->idem, rq->idem_len, ih);
	switch (store_idem_get(r->app->st, ih, &im)) {
	case HL_OK:
		h_kiosk_contact(r->app->guards, r->key_hash, 0);
		h_responses_reply(r, 200, (enum channel)im.channel, im.flags);
		goto out;
	case HL_NOT_FOUND:
		break;
	default:
		http_fail(r, 500, "cannot read the store");
		goto out;
	}

	if (rq->has_token) {
		if (token_verify(store_keyring(r->app->st), rq->token,
		    rq->token_len, rs->ticket) == -1) {
			h_kiosk_refuse(r, 404, "no such ticket");
			goto out;
		}
		if ((rc = store_ticket_get(r->app->st, rs->ticket, &t)) !=
		    HL_OK) {
			if (rc == HL_NOT_FOUND)
				h_kiosk_refuse(r, 404, "no such ticket");
			else
				http_fail(r, 500, "cannot read the ticket");
			goto out;
		}
		/* A kiosk answers only the tickets of its unit's subtree. */
		if (r->unit[0] != '\0' &&
		    !catalog_in_subtree(r->app->cat, t.unit, r->unit)) {
			h_kiosk_refuse(r, 403, "this ticket belongs to another "
			    "unit's counters");
			goto out;
		}
		if (t.state == TICKET_ANSWERED) {
			pair_ticket_answered(r->app->pair, t.id);
			h_kiosk_refuse(r, 409, "already answered");
			goto out;
		}
		if (app_ticket_survey_of(r->app, &t) != sv) {
			snprintf(why, sizeof(why), "this ticket is of survey "
			    "%s, this kiosk asks survey %s", ticket_survey(&t),
			    sv->id);
			h_kiosk_refuse(r, 422, why);
			goto out;
		}
		if (t.state != TICKET_OPEN || now > t.expires) {
			h_kiosk_refuse(r, 410, "this ticket has expired");
			goto out;
		}
		rs->has_ticket = 1;
		rs->channel = CHANNEL_KIOSK;
		issued = t.issued;
		/* As on the phone: the dossier's dates answer "on time?",
		 * and before the result it is no question. */
		if ((ask = app_ticket_ask(r->app, sv, &t, &stage)) != 0)
			app_on_time_fill(sv, ask, rs->answers, &rs->nanswers);
	} else {
		if (r->unit[0] == '\0') {
			h_kiosk_refuse(r, 422, "this key has no unit; enrol "
			    "the kiosk with hailong kiosk add");
			goto out;
		}
		if (retire_refused(r->app->cat, r->unit, now, why,
		    sizeof(why))) {
			h_kiosk_refuse(r, 410, why);
			goto out;
		}
		rs->channel = CHANNEL_WALKIN;
		strlcpy(rs->sector, WALKIN_SECTOR, sizeof(rs->sector));
		/* A service survey's walk-ins count under its own mark. */
		if (!survey_is_procedure(sv->id))
			survey_sector(sv, rs->sector);
		strlcpy(rs->unit, r->unit, sizeof(rs->unit));
	}

	/* Dated by the server's clock, checked, guarded: one lock. */
	pthread_mutex_lock(&r->app->guards->mu);
	g = h_guard_contact(r->app->guards, r->key_hash, now, 0);
	rs->answered = h_guard_date(g, now, rq->waited, &fits);
	if (rs->has_ticket && rs->answered < issued)
		rs->answered = issued;
	closes = month_closes(month_of(rs->answered));
	if (closes == -1 || now >= closes) {
		pthread_mutex_unlock(&r->app->guards->mu);
		snprintf(why, sizeof(why), "waited: the answer's month "
		    "(%06u) is closed", (unsigned)month_of(rs->answered));
		h_kiosk_refuse(r, 422, why);
		goto out;
	}
	if (!rs->has_ticket) {
		if (h_guard_walkin(g, rq, rs->answered, &suspect) == -1)
			ignored = 1;
		else if (suspect || !fits)
			rs->flags |= RESPONSE_SUSPECT;
	}
	pthread_mutex_unlock(&r->app->guards->mu);
	if (ignored) {
		http_reply_json(r, 200, "{\"status\":\"ignored\"}");
		r->no_store = 1;
		goto out;
	}
	app_answer_prepare(r->app, sv, rs, rs->channel, rq->lang >= 0 ?
	    (enum lang)rq->lang : LANG_VI, rq->comment, rq->comment_len);
	/* A low rating with a comment reaches the head, unless suspect. */
	app_answer_followup(sv, &r->op);
	r->op.u.answer.notify = app_webhooks_on(r->app);
	if (rs->flags & RESPONSE_SUSPECT)
		r->op.u.answer.followup = 0;
	/* A complaint filed at the last screen: the writer seals the
	 * number, under the response's key. */
	if (rq->has_followup) {
		r->op.u.answer.filed = 1;
		r->op.u.answer.fu_kind = (uint8_t)rq->fu_kind;
		memcpy(r->op.u.answer.fu_text, rq->fu_text,
		    rq->fu_text_len + 1);
		r->op.u.answer.fu_text_len = rq->fu_text_len;
		strlcpy(r->op.u.answer.fu_phone, rq->fu_phone,
		    sizeof(r->op.u.answer.fu_phone));
	}
	r->op.u.answer.has_idem = 1;
	memcpy(r->op.u.answer.idem, ih, sizeof(ih));
	http_submit(r, h_responses_stored);
out:
	if (rq != NULL)
		crypto_zero(rq, sizeof(*rq));
	free(rq);
}

static void
h_kiosk_status_done(struct req *r)
{
	struct kiosk_guard	*g;

	switch (r->op.rc) {
	case HL_OK:
		pthread_mutex_lock(&r->app->guards->mu);
		g = h_guard_find(r->app->guards, r->key_hash, now_sec());
		g->reported = 1;
		g->queued = r->op.u.kstatus.queued;
		g->refused = r->op.u.kstatus.refused;
		g->held = r->op.u.kstatus.held;
		strlcpy(g->app, r->op.u.kstatus.app, sizeof(g->app));
		pthread_mutex_unlock(&r->app->guards->mu);
		break;
	case HL_NOT_FOUND:
		http_fail(r, 401, "this kiosk key is revoked");
		return;
	default:
		http_fail_rc(r, r->op.rc);
		return;
	}
	buf_reset(&r->out);
	r->no_store = 1;
	http_reply(r, 204, "application/json");
}

void
h_kiosk_status(struct req *r)
{
	struct kiosk_status_req	 rq;
	struct kiosk_guard	*g;
	char			 why[200];
	int			 same;

	if (h_kiosk_parse_rc(r, json_in_kiosk_status(r->body.data != NULL ?
	    r->body.data : "", r->body.len, &rq, why, sizeof(why)), why) == -1)
		return;
	if (!r->has_key) {
		http_fail(r, 401, "a kiosk key is needed");
		return;
	}
	pthread_mutex_lock(&r->app->guards->mu);
	g = h_guard_contact(r->app->guards, r->key_hash, now_sec(), 0);
	same = g->reported && g->queued == (uint32_t)rq.queued &&
	    g->refused == (uint32_t)rq.refused && g->held == (uint32_t)rq.held &&
	    strcmp(g->app, rq.app) == 0;
	pthread_mutex_unlock(&r->app->guards->mu);
	if (same) {		/* nothing new: no write */
		h_kiosk_nothing(r);
		return;
	}
	if (rq.refused > 0 || rq.held > 0)
		log_warn("kiosk %s: %lld answer(s) refused, %lld held from an "
		    "earlier enrolment, %lld queued", r->key_name,
		    (long long)rq.refused, (long long)rq.held,
		    (long long)rq.queued);
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_KIOSK_STATUS;
	memcpy(r->op.u.kstatus.hash, r->key_hash, 32);
	r->op.u.kstatus.at = now_sec();
	r->op.u.kstatus.queued = (uint32_t)rq.queued;
	r->op.u.kstatus.refused = (uint32_t)rq.refused;
	r->op.u.kstatus.held = (uint32_t)rq.held;
	strlcpy(r->op.u.kstatus.app, rq.app, sizeof(r->op.u.kstatus.app));
	http_submit(r, h_kiosk_status_done);
}
