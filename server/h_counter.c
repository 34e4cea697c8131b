/*
 * h_counter.c: the ticket slip as ESC/POS bytes for thermal receipt
 * printers (the counter page itself is h_counterpage.c).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "escpos.h"
#include "h.h"
#include "util.h"


/*
 * The ticket's slip for a thermal printer: ESC/POS bytes, ?width=58|80
 * (default 80), ?text=ascii for a printer without Vietnamese.
 */
void
h_ticket_escpos(struct req *r)
{
	const char		*w = http_arg(r, "width"), *tx = http_arg(r,
				    "text");
	const struct procedure	*p;
	const struct unit	*u;
	struct escpos_slip	 sl;
	struct ticket		 t;
	struct tm		 tm;
	time_t			 when;
	char			 token[TOKEN_LEN + 1], code[CODE_LEN + 1];
	char			 url[APP_URL_MAX + 1];
	char			 base[CONFIG_URL_MAX + 1];
	char			 date[64], how[CONFIG_URL_MAX + 128];

	memset(&sl, 0, sizeof(sl));
	sl.width = ESCPOS_WIDTH_DEFAULT;
	if (w != NULL && strcmp(w, "58") == 0)
		sl.width = ESCPOS_WIDTH_58;
	else if (w != NULL && strcmp(w, "80") != 0) {
		http_fail(r, 400, "width: want 58 or 80");
		return;
	}
	if (tx != NULL && strcmp(tx, "ascii") == 0)
		sl.text = ESCPOS_ASCII;
	else if (tx != NULL && strcmp(tx, "vi") != 0) {
		http_fail(r, 400, "text: want ascii or vi");
		return;
	}
	switch (h_ticket_lookup(r, &t)) {
	case HL_OK:
		break;
	case HL_NOT_FOUND:
		http_fail(r, 404, "no such ticket");
		return;
	default:
		http_fail(r, 500, "cannot read the ticket");
		return;
	}
	app_ticket_refs(r->app, &t, token, code, url);
	app_base_url(r->app, base, sizeof(base));
	p = catalog_procedure(r->app->cat, t.procedure, strlen(t.procedure));
	u = catalog_unit(r->app->cat, t.unit, strlen(t.unit));
	when = (time_t)t.issued;
	if (localtime_r(&when, &tm) == NULL ||
	    strftime(date, sizeof(date), "%d/%m/%Y %H:%M", &tm) == 0)
		strlcpy(date, "", sizeof(date));
	snprintf(how, sizeof(how), "Quét mã QR bằng điện thoại, hoặc vào "
	    "%s/c và nhập mã trên để đánh giá.", base);
	sl.url = url;
	sl.code = code;
	sl.title = "ĐÁNH GIÁ SỰ HÀI LÒNG";
	sl.procedure = p != NULL ? p->name.s[LANG_VI] : t.procedure;
	sl.unit = u != NULL ? u->name.s[LANG_VI] : t.unit;
	sl.date = date;
	sl.instruction = how;
	buf_reset(&r->out);
	if (escpos_slip(&r->out, &sl) == -1) {
		http_fail(r, 500, "cannot render the slip");
		return;
	}
	r->no_store = 1;
	http_reply(r, 200, "application/octet-stream");
}
