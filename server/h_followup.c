/*
 * h_followup.c: the citizen's side of follow-ups: the part of the thanks
 * page and of an answered ticket's page (/s/<token>, which /c?code=
 * leads to) that offers to file a complaint or a request, or shows what
 * was filed and the unit's answer; and POST /s/<token>/followup, which
 * files it with an optional call-back number, kept only with the tick
 * of consent and sealed before it reaches the writer (contact.h).
 * Trap: the number typed is put back in the form when something else is
 * wrong (the citizen's own page, no-store), and never anywhere else: not
 * in logs, not in the item.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "contact.h"
#include "followup.h"
#include "h.h"
#include "util.h"

/* What the form had, to show it again with what is wrong. */
struct fu_form {
	const char	*text;
	const char	*phone;
	int		 consent;
	int		 request;
	int		 e_text, e_long, e_phone, e_consent;
};

/* The canonical token of the request's path (verified already). */
static void
h_followup_token(struct req *r, const struct ticket *t,
    char token[TOKEN_LEN + 1])
{
	if (token_canon(r->arg, r->arglen, token) == -1)
		token_encode(store_keyring(r->app->st), t->kid, t->id, token);
}

static void
h_followup_set(json_t *o, const char *key, const char *s, size_t len)
{
	json_t	*v;

	if ((v = json_stringn(s, len)) != NULL)
		json_object_set_new(o, key, v);
}

json_t *
h_followup_part(struct req *r, const struct ticket *t, int sent,
    const struct fu_form *ff)
{
	struct followup	*f;
	json_t		*o, *item, *form;
	char		 token[TOKEN_LEN + 1], action[TOKEN_LEN + 32];
	int		 has = 0;

	o = json_object();
	f = xmalloc(sizeof(*f));
	if (t->state == TICKET_ANSWERED && t->response != 0 &&
	    store_followup_get(r->app->st, t->response, f) == HL_OK)
		has = 1;
	if (has && (f->filed || f->answer_len > 0)) {
		item = json_object();
		h_followup_set(item, "text", f->text, f->text_len);
		if (f->answer_len > 0)
			h_followup_set(item, "answer", f->answer,
			    f->answer_len);
		else	/* not the page's: none yet */
			json_object_set_new(item, "answer", json_false());
		json_object_set_new(item, "open",
		    json_boolean(f->state == FOLLOWUP_OPEN));
		json_object_set_new(item, "answered",
		    json_boolean(f->state == FOLLOWUP_ANSWERED));
		json_object_set_new(item, "closed",
		    json_boolean(f->state == FOLLOWUP_CLOSED));
		json_object_set_new(item, "request",
		    json_boolean(f->kind == FOLLOWUP_REQUEST));
		json_object_set_new(o, "item", item);
	}
	json_object_set_new(o, "sent", json_boolean(sent));
	if (!has || !f->filed) {
		h_followup_token(r, t, token);
		snprintf(action, sizeof(action), "/s/%s/followup?lang=%s",
		    token, lang_code(r->lang));
		/* Every name the form reads, set: a name left out would be
		 * looked up in the page around it (its "text", "error"). */
		form = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, "
		    "s:b, s:b}", "action", action, "text", "", "phone", "",
		    "consent", 0, "request", 0, "error", 0, "e_text", 0,
		    "e_long", 0, "e_phone", 0, "e_consent", 0);
		if (ff != NULL) {
			if (ff->text != NULL)
				h_followup_set(form, "text", ff->text,
				    strlen(ff->text));
			if (ff->phone != NULL)
				h_followup_set(form, "phone", ff->phone,
				    strlen(ff->phone));
			json_object_set_new(form, "consent",
			    json_boolean(ff->consent));
			json_object_set_new(form, "request",
			    json_boolean(ff->request));
			json_object_set_new(form, "error", json_boolean(
			    ff->e_text || ff->e_long || ff->e_phone ||
			    ff->e_consent));
			json_object_set_new(form, "e_text",
			    json_boolean(ff->e_text));
			json_object_set_new(form, "e_long",
			    json_boolean(ff->e_long));
			json_object_set_new(form, "e_phone",
			    json_boolean(ff->e_phone));
			json_object_set_new(form, "e_consent",
			    json_boolean(ff->e_consent));
		}
		json_object_set_new(o, "form", form);
	}
	free(f);
	return (o);
}

/* The page of answered ticket t, with status. */
static void
h_followup_reply_page(struct req *r, const struct ticket *t, unsigned status,
    int sent, const struct fu_form *ff)
{
	json_t	*fu;

	fu = h_followup_part(r, t, sent, ff);
	buf_reset(&r->out);
	if ((sent ? page_filed : page_answered)(r->app->sch->pg, &r->out,
	    r->lang, t, fu) == -1) {
		json_decref(fu);
		http_fail(r, 500, "cannot render the page");
		return;
	}
	json_decref(fu);
	r->no_store = 1;
	http_reply(r, status, "text/html; charset=utf-8");
}

void
h_followup_answered(struct req *r, const struct ticket *t)
{
	h_followup_reply_page(r, t, 409, 0, NULL);
}

static void
h_followup_filed(struct req *r)
{
	struct ticket	 t;

	if (r->op.rc == HL_CONFLICT || r->op.rc == HL_OK) {
		if (h_ticket_lookup(r, &t) != HL_OK) {
			http_fail(r, 500, "cannot read the ticket");
			return;
		}
		h_followup_reply_page(r, &t, r->op.rc == HL_OK ? 200 : 409,
		    r->op.rc == HL_OK, NULL);
		return;
	}
	http_fail_rc(r, r->op.rc);
}

/* The overall level of the response with key id, 0 when unknown. */
static uint8_t
h_followup_level(struct req *r, const struct ticket *t, uint64_t id)
{
	const struct survey	*sv = app_ticket_survey_of(r->app, t);
	struct response		*rs;
	uint8_t			 level = 0;
	size_t			 i;

	rs = xmalloc(sizeof(*rs));
	if (store_response_get(r->app->st, id, rs) == HL_OK)
		for (i = 0; i < rs->nanswers; i++)
			if (strcmp(rs->answers[i].q, sv->overall->id) == 0)
				level = rs->answers[i].level;
	free(rs);
	return (level);
}

void
h_followup_file(struct req *r)
{
	struct ticket	 t;
	struct form	 f;
	struct fu_form	 ff;
	const char	*text = NULL, *phone = NULL, *kind = NULL;
	const char	*consent = NULL;
	char		 why[200], ph[CONTACT_PHONE_MAX + 1];
	size_t		 i, textlen = 0, phonelen = 0;
	enum hl_rc	 rc;

	r->lang = page_lang(http_arg(r, "lang"),
	    http_header(r, "Accept-Language"));
	switch (h_ticket_lookup(r, &t)) {
	case HL_OK:
		break;
	case HL_NOT_FOUND:
		http_fail(r, 404, "no such survey");
		return;
	default:
		http_fail(r, 500, "cannot read the ticket");
		return;
	}
	if (t.state != TICKET_ANSWERED || t.response == 0) {
		/* The survey first: a complaint is about an answer. */
		http_fail(r, 422, "answer the survey first");
		return;
	}
	rc = form_parse(r->body.data != NULL ? r->body.data : "", r->body.len,
	    &f, why, sizeof(why));
	if (rc != HL_OK) {
		http_fail(r, rc == HL_TOO_BIG ? 413 : 400, why);
		return;
	}
	for (i = 0; i < f.n; i++) {
		const char	**dst = NULL;

		if (strcmp(f.f[i].name, "text") == 0)
			dst = &text;
		else if (strcmp(f.f[i].name, "phone") == 0)
			dst = &phone;
		else if (strcmp(f.f[i].name, "kind") == 0)
			dst = &kind;
		else if (strcmp(f.f[i].name, "consent") == 0)
			dst = &consent;
		else if (strcmp(f.f[i].name, "lang") == 0)
			continue;
		if (dst == NULL || *dst != NULL) {
			form_clear(&f);
			http_fail(r, 400, dst == NULL ? "unknown field" :
			    "repeated field");
			return;
		}
		*dst = f.f[i].value;
		if (dst == &text)
			textlen = f.f[i].len;
		if (dst == &phone)
			phonelen = f.f[i].len;
	}
	if (kind != NULL && strcmp(kind, "complaint") != 0 &&
	    strcmp(kind, "request") != 0) {
		form_clear(&f);
		http_fail(r, 422, "kind: complaint or request");
		return;
	}
	memset(&ff, 0, sizeof(ff));
	ff.text = text;
	ff.phone = phone;
	ff.consent = consent != NULL && strcmp(consent, "yes") == 0;
	ff.request = kind != NULL && strcmp(kind, "request") == 0;
	rc = followup_text_check(text != NULL ? text : "", textlen, 0, why,
	    sizeof(why));
	ff.e_text = rc == HL_INVALID;
	ff.e_long = rc == HL_TOO_BIG;
	ph[0] = '\0';
	if (phonelen > 0) {
		size_t	 j;

		/* Spaces alone are no number. */
		for (j = 0; j < phonelen && phone[j] == ' '; j++)
			continue;
		if (j < phonelen) {
			if (contact_phone(phone, phonelen, ph) == -1)
				ff.e_phone = 1;
			else if (!ff.consent)
				ff.e_consent = 1;
		}
	}
	if (ff.e_text || ff.e_long || ff.e_phone || ff.e_consent) {
		h_followup_reply_page(r, &t, 422, 0, &ff);
		form_clear(&f);
		crypto_zero(ph, sizeof(ph));
		return;
	}
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_FOLLOWUP_FILE;
	r->op.u.fu.id = t.response;
	r->op.u.fu.has_ticket = 1;
	memcpy(r->op.u.fu.ticket, t.id, TICKET_ID_LEN);
	r->op.u.fu.origin = FOLLOWUP_PHONE;
	r->op.u.fu.notify = app_webhooks_on(r->app);
	r->op.u.fu.kind = ff.request ? FOLLOWUP_REQUEST : FOLLOWUP_COMPLAINT;
	r->op.u.fu.level = h_followup_level(r, &t, t.response);
	memcpy(r->op.u.fu.text, text, textlen);
	r->op.u.fu.text[textlen] = '\0';
	r->op.u.fu.text_len = textlen;
	if (ph[0] != '\0' && (r->op.u.fu.contact_len = contact_seal(
	    store_keyring(r->app->st), t.response, ph,
	    r->op.u.fu.contact)) == 0) {
		form_clear(&f);
		crypto_zero(ph, sizeof(ph));
		http_fail(r, 500, "cannot seal the contact");
		return;
	}
	crypto_zero(ph, sizeof(ph));
	form_clear(&f);
	http_submit(r, h_followup_filed);
}
