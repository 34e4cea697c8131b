/*
 * h_ticket.c: issuing tickets over the API, and a ticket's QR code and
 * receipt slip.
 * Trap: a ticket's token is its capability; the QR and slip routes need
 * no key, and answer 404 alike for a forged and an unknown token.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "h.h"
#include "pair.h"
#include "qr.h"
#include "session.h"
#include "util.h"

enum hl_rc
h_ticket_lookup(struct req *r, struct ticket *t)
{
	uint8_t		 id[TICKET_ID_LEN];

	if (token_verify(store_keyring(r->app->st), r->arg, r->arglen,
	    id) == -1)
		return (HL_NOT_FOUND);
	return (store_ticket_get(r->app->st, id, t));
}

static int
h_ticket_found(struct req *r, struct ticket *t)
{
	switch (h_ticket_lookup(r, t)) {
	case HL_OK:
		return (1);
	case HL_NOT_FOUND:
		http_fail(r, 404, "no such ticket");
		return (0);
	default:
		http_fail(r, 500, "cannot read the ticket");
		return (0);
	}
}

static void
h_ticket_issued(struct req *r)
{
	const struct ticket	*t = &r->op.u.ticket.t;
	char			 token[TOKEN_LEN + 1], code[CODE_LEN + 1];
	char			 url[APP_URL_MAX + 1], exp[32];
	json_t			*o;
	char			*s;

	if (r->op.rc != HL_OK) {
		http_fail_rc(r, r->op.rc);
		return;
	}
	/* A kiosk waiting at this counter gets the ticket. */
	pair_ticket_issued(r->app->pair, t);
	app_ticket_refs(r->app, t, token, code, url);
	format_time(t->expires, exp);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s*}", "token", token,
	    "url", url, "code", code, "expires_at", exp, "survey",
	    ticket_survey(t), "service", t->service[0] != '\0' ?
	    t->service : NULL);
	if (o == NULL || (s = json_dumps(o, JSON_COMPACT)) == NULL) {
		json_decref(o);
		http_fail(r, 500, "internal error");
		return;
	}
	http_reply_json(r, r->op.u.ticket.created ? 201 : 200, s);
	free(s);
	json_decref(o);
}

void
h_ticket_issue(struct req *r)
{
	struct ticket_req	 rq;
	struct session		 ses;
	enum hl_rc		 rc;
	const uint8_t		*key = NULL;
	const char		*name = NULL, *cookie;
	char			 why[400];

	if ((rc = json_in_ticket(r->body.data != NULL ? r->body.data : "",
	    r->body.len, &rq, why, sizeof(why))) != HL_OK) {
		http_fail_why(r, rc, why);
		return;
	}
	/*
	 * Before anything is looked up: a key limited to a unit learns
	 * nothing of other units' cases, known or not.
	 */
	if (r->unit[0] != '\0' &&
	    !catalog_in_subtree(r->app->cat, rq.unit, r->unit)) {
		http_fail(r, 403, "unit: outside this key's units");
		return;
	}
	if (r->unit[0] != '\0' && rq.handling_unit[0] != '\0' &&
	    !r->app->cfg.handling_anywhere &&
	    !catalog_in_subtree(r->app->cat, rq.handling_unit, r->unit)) {
		http_fail(r, 403, "handling_unit: outside this key's units "
		    "(handling_anywhere = yes under [tickets] allows it)");
		return;
	}
	/* Its officer: the key, or the key a browser signed in with. */
	if (r->has_key) {
		key = r->key_hash;
		name = r->key_name;
	} else if (r->via_session && (cookie = MHD_lookup_connection_value(
	    r->conn, MHD_COOKIE_KIND, SESSION_COOKIE)) != NULL &&
	    session_get(r->app->sessions, cookie, strlen(cookie),
	    &ses) == 0) {
		key = ses.key;
		name = ses.name;
	}
	if ((rc = app_ticket_prepare(r->app, &rq, key, name, &r->op, why,
	    sizeof(why))) != HL_OK) {
		http_fail(r, rc == HL_GONE ? 410 : 422, why);
		return;
	}
	r->op.u.ticket.offer = 1;	/* kept for the kiosk, see pair.c */
	http_submit(r, h_ticket_issued);
}

void
h_ticket_qr_svg(struct req *r)
{
	struct ticket	 t;
	char		 token[TOKEN_LEN + 1], code[CODE_LEN + 1];
	char		 url[APP_URL_MAX + 1];

	if (!h_ticket_found(r, &t))
		return;
	app_ticket_refs(r->app, &t, token, code, url);
	buf_reset(&r->out);
	if (qr_svg(url, &r->out) == -1) {
		http_fail(r, 500, "cannot draw the QR code");
		return;
	}
	http_reply(r, 200, "image/svg+xml");
}

void
h_ticket_qr_png(struct req *r)
{
	struct ticket	 t;
	char		 token[TOKEN_LEN + 1], code[CODE_LEN + 1];
	char		 url[APP_URL_MAX + 1];
	const char	*s = http_arg(r, "scale");
	long long	 scale = QR_SCALE_DEFAULT;

	if (s != NULL && parse_num(s, strlen(s), QR_SCALE_MIN, QR_SCALE_MAX,
	    &scale) == -1) {
		http_fail(r, 400, "scale: want a whole number from 1 to 40");
		return;
	}
	if (!h_ticket_found(r, &t))
		return;
	app_ticket_refs(r->app, &t, token, code, url);
	buf_reset(&r->out);
	if (qr_png(url, (int)scale, &r->out) == -1) {
		http_fail(r, 500, "cannot draw the QR code");
		return;
	}
	http_reply(r, 200, "image/png");
}

/*
 * The ticket's slip as a page for roll paper, ?width=58|80 (default 80):
 * the page is that wide and as long as the slip.
 */
void
h_ticket_slip(struct req *r)
{
	struct ticket	 t;
	struct buf	 svg;
	const char	*w = http_arg(r, "width");
	char		 token[TOKEN_LEN + 1], code[CODE_LEN + 1];
	char		 url[APP_URL_MAX + 1];
	int		 width = PAGE_SLIP_80;

	if (w != NULL && strcmp(w, "58") == 0)
		width = PAGE_SLIP_58;
	else if (w != NULL && strcmp(w, "80") != 0) {
		http_fail(r, 400, "width: want 58 or 80");
		return;
	}
	if (!h_ticket_found(r, &t))
		return;
	app_ticket_refs(r->app, &t, token, code, url);
	buf_init(&svg, PAGE_MAX);
	buf_reset(&r->out);
	if (qr_svg(url, &svg) == -1 || page_slip(r->app->sch->pg, &r->out, &t,
	    url, code, svg.data, width) == -1) {
		buf_clear(&svg);
		http_fail(r, 500, "cannot render the slip");
		return;
	}
	buf_clear(&svg);
	r->no_store = 1;
	http_reply(r, 200, "text/html; charset=utf-8");
}
