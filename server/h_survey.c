/*
 * h_survey.c: what the citizen sees: the survey of a ticket and its
 * answer, the short code typed from a receipt, the start page.
 * Trap: a forged or unknown token gets the same 404 and no write; the
 * state checks before the write are for the page only, the writer checks
 * again inside the transaction (two phones, one ticket). The page shows
 * the reasons to everyone ("if you were not satisfied"): reasons sent
 * with a rating above SURVEY_LOW_LEVEL are dropped, the rating is kept.
 */
#include <stdio.h>
#include <string.h>

#include "form.h"
#include "h.h"
#include "pair.h"
#include "util.h"

static void
h_survey_lang(struct req *r)
{
	r->lang = page_lang(http_arg(r, "lang"),
	    http_header(r, "Accept-Language"));
}

/* 1 when the ticket may be answered; otherwise the reply is set. */
static int
h_survey_open(struct req *r, struct ticket *t)
{
	switch (h_ticket_lookup(r, t)) {
	case HL_OK:
		break;
	case HL_NOT_FOUND:
		http_fail(r, 404, "no such survey");
		return (0);
	default:
		http_fail(r, 500, "cannot read the ticket");
		return (0);
	}
	if (t->state == TICKET_ANSWERED) {
		/* What was filed and the unit's answer, or the form. */
		h_followup_answered(r, t);
		return (0);
	}
	if (t->state != TICKET_OPEN || now_sec() > t->expires) {
		http_fail(r, 410, "this survey has expired");
		return (0);
	}
	return (1);
}

void
h_survey_show(struct req *r)
{
	struct ticket	 t;
	char		 token[TOKEN_LEN + 1];
	int		 ask, stage;

	h_survey_lang(r);
	if (!h_survey_open(r, &t))
		return;
	/* The token in the path has been verified: spelt, not signed again. */
	if (token_canon(r->arg, r->arglen, token) == -1)
		token_encode(store_keyring(r->app->st), t.kid, t.id, token);
	ask = app_ticket_ask(r->app, app_ticket_survey_of(r->app, &t), &t,
	    &stage);
	buf_reset(&r->out);
	if (page_survey(r->app->sch->pg, &r->out, &t, token, r->lang, NULL,
	    NULL, 0, NULL, ask != 0 ? ON_TIME_Q : NULL, stage) == -1) {
		http_fail(r, 500, "cannot render the survey");
		return;
	}
	r->no_store = 1;
	http_reply(r, 200, "text/html; charset=utf-8");
}

/* The overall level of answers a[0..n), 0 when none. */
static int
h_survey_overall(const struct survey *sv, const struct answer *a, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strncmp(a[i].q, sv->overall->id, sizeof(a[i].q)) == 0)
			return (a[i].level);
	return (0);
}

static void
h_survey_stored(struct req *r)
{
	const struct response	*rs = &r->op.u.answer.r;
	struct ticket		 t;
	json_t			*fu = NULL;
	int			 overall, rc;

	if (r->op.rc != HL_OK) {
		http_fail_rc(r, r->op.rc);
		return;
	}
	pair_ticket_answered(r->app->pair, rs->ticket);
	overall = h_survey_overall(r->app->sch->sv, rs->answers, rs->nanswers);
	/* A low rating gets the unit's contact: the ticket says which;
	 * every rating, the form to file a complaint or a request. */
	memset(&t, 0, sizeof(t));
	if (h_ticket_lookup(r, &t) != HL_OK) {
		memset(&t, 0, sizeof(t));
		t.unit[0] = '\0';
	} else
		fu = h_followup_part(r, &t, 0, NULL);
	/* The thanks of the survey answered. */
	strlcpy(t.survey, rs->survey, sizeof(t.survey));
	buf_reset(&r->out);
	rc = page_thanks(r->app->sch->pg, &r->out, r->lang, &t, overall, fu);
	json_decref(fu);
	if (rc == -1) {
		http_fail(r, 500, "cannot render the page");
		return;
	}
	r->no_store = 1;
	http_reply(r, 200, "text/html; charset=utf-8");
}

/* The form again, with what was sent and a reason (strings.ini key). */
static void
h_survey_again(struct req *r, const struct ticket *t, const char *key)
{
	char	 token[TOKEN_LEN + 1];
	int	 ask, stage;

	token_encode(store_keyring(r->app->st), t->kid, t->id, token);
	ask = app_ticket_ask(r->app, app_ticket_survey_of(r->app, t), t,
	    &stage);
	buf_reset(&r->out);
	if (page_survey(r->app->sch->pg, &r->out, t, token, r->lang,
	    page_text(r->app->sch->pg, r->lang, key), r->sf.answers,
	    r->sf.nanswers, r->sf.comment, ask != 0 ? ON_TIME_Q : NULL,
	    stage) == -1) {
		http_fail(r, 500, "cannot render the survey");
		return;
	}
	r->no_store = 1;
	http_reply(r, 422, "text/html; charset=utf-8");
}

void
h_survey_answer(struct req *r)
{
	struct ticket		 t;
	struct form		 f;
	struct response		*rs = &r->op.u.answer.r;
	const struct survey	*sv;
	const char		*key;
	char			 why[200];
	enum hl_rc		 rc;
	int			 on_time, stage;

	h_survey_lang(r);
	if (!h_survey_open(r, &t))
		return;
	sv = app_ticket_survey_of(r->app, &t);
	/*
	 * The body fits (the HTTP layer answers 413 past FORM_BODY_MAX): a
	 * field over its own limit is a wrong value, and the form comes
	 * back (422) like any other.
	 */
	memset(&r->sf, 0, sizeof(r->sf));
	r->sf.lang = -1;
	rc = form_parse(r->body.data != NULL ? r->body.data : "", r->body.len,
	    &f, why, sizeof(why));
	if (rc == HL_TOO_BIG) {
		/* Only the comment can be that long from the page. */
		h_survey_again(r, &t, "form_error_comment");
		return;
	}
	if (rc != HL_OK) {
		http_fail(r, 400, why);
		return;
	}
	rc = form_survey(&f, sv, &r->sf, why, sizeof(why));
	form_clear(&f);
	if (r->sf.lang >= 0 && http_arg(r, "lang") == NULL)
		r->lang = (enum lang)r->sf.lang;
	survey_keep_asked(sv, r->sf.answers, &r->sf.nanswers);
	if (rc != HL_OK || survey_check(sv, r->sf.answers, r->sf.nanswers,
	    why, sizeof(why)) != HL_OK) {
		/* Name what is wrong in the page's words. */
		if (rc == HL_TOO_BIG)
			key = "form_error_comment";
		else if (h_survey_overall(sv, r->sf.answers,
		    r->sf.nanswers) == 0)
			key = "form_error";
		else
			key = "form_error_invalid";
		h_survey_again(r, &t, key);
		return;
	}

	/* On time or not: the dossier's dates say it, when they can; at
	 * a stage before the result it is not a question. */
	if ((on_time = app_ticket_ask(r->app, sv, &t, &stage)) != 0)
		app_on_time_fill(sv, on_time, r->sf.answers, &r->sf.nanswers);

	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_ANSWER;
	rs->has_ticket = 1;
	memcpy(rs->ticket, t.id, sizeof(rs->ticket));
	rs->answered = now_sec();
	rs->nanswers = r->sf.nanswers;
	memcpy(rs->answers, r->sf.answers,
	    r->sf.nanswers * sizeof(rs->answers[0]));
	app_answer_prepare(r->app, sv, rs, CHANNEL_QR, r->lang, r->sf.comment,
	    r->sf.comment_len);
	app_answer_followup(sv, &r->op);
	r->op.u.answer.notify = app_webhooks_on(r->app);
	http_submit(r, h_survey_stored);
}

/*
 * Why a typed code cannot be a code (strings.ini key): too short, too
 * long, or a character that no code has. Spaces and '-' are ignored as
 * token_code_parse() does.
 */
static const char *
h_code_why(const char *code)
{
	size_t	 i, n = 0;
	int	 bad = 0;
	char	 c;

	for (i = 0; code != NULL && code[i] != '\0' && i <= 4 * CODE_LEN;
	    i++) {
		c = code[i];
		if (c == '-' || c == ' ')
			continue;
		n++;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9')))
			bad = 1;
	}
	if (bad)
		return ("home_code_bad");
	if (n < CODE_CHARS)
		return ("home_code_short");
	if (n > CODE_CHARS)
		return ("home_code_long");
	return ("home_code_bad");	/* a letter no code uses */
}

/* The start page with the code typed, a reason, and status. */
static void
h_code_again(struct req *r, const char *code, const char *key,
    unsigned status)
{
	buf_reset(&r->out);
	if (page_home(r->app->sch->pg, &r->out, r->lang,
	    page_text(r->app->sch->pg, r->lang, key), code) == -1) {
		http_fail(r, 500, "cannot render the page");
		return;
	}
	r->no_store = 1;
	http_reply(r, status, "text/html; charset=utf-8");
}

void
h_code(struct req *r)
{
	const char	*code = http_arg(r, "code");
	uint8_t		 prefix[CODE_PREFIX_LEN];
	struct ticket	 t;
	char		 token[TOKEN_LEN + 1], loc[TOKEN_LEN + 8];
	enum hl_rc	 rc;

	h_survey_lang(r);
	/* The short address printed on the slip: the box to type it in. */
	if (code == NULL) {
		h_home(r);
		return;
	}
	if (http_auth_blocked(r, LIMIT_CODE))
		return;
	if (strlen(code) > 2 * CODE_LEN ||
	    token_code_parse(code, strlen(code), prefix) == -1) {
		h_code_again(r, code, h_code_why(code), 400);
		return;
	}
	if ((rc = store_ticket_by_code(r->app->st, prefix, &t)) != HL_OK) {
		if (rc != HL_NOT_FOUND) {
			http_fail(r, 500, "no such code");
			return;
		}
		http_auth_failed(r, LIMIT_CODE);
		h_code_again(r, code, "home_code_error", 404);
		return;
	}
	token_encode(store_keyring(r->app->st), t.kid, t.id, token);
	snprintf(loc, sizeof(loc), "/s/%s", token);
	http_redirect(r, 303, loc);
}

void
h_home(struct req *r)
{
	h_survey_lang(r);
	buf_reset(&r->out);
	/* ?code= comes from the language switch of a page that kept it. */
	if (page_home(r->app->sch->pg, &r->out, r->lang, NULL,
	    http_arg(r, "code")) == -1) {
		http_fail(r, 500, "cannot render the page");
		return;
	}
	http_reply(r, 200, "text/html; charset=utf-8");
}
