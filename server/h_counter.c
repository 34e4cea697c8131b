/*
 * h_counter.c: the ticket slip as ESC/POS bytes for thermal receipt
 * printers (the counter page itself is h_counterpage.c), with the texts
 * of the HTML slip (templates/strings.ini) but its Khmer line, which
 * code page 1258 cannot print.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "escpos.h"
#include "h.h"
#include "util.h"

/* "label: date" into out; out is "" when it does not fit. */
static void
h_counter_date(char *out, size_t outlen, const char *label,
    const char *fmt, const struct tm *tm)
{
	char	 d[32];
	int	 n;

	out[0] = '\0';
	if (strftime(d, sizeof(d), fmt, tm) == 0)
		return;
	n = snprintf(out, outlen, "%s: %s", label, d);
	if (n < 0 || (size_t)n >= outlen)
		out[0] = '\0';
}

/*
 * The ticket's slip for a thermal printer: ESC/POS bytes, ?width=58|80
 * (default 80), ?text=ascii for a printer without Vietnamese.
 */
void
h_ticket_escpos(struct req *r)
{
	const char		*w = http_arg(r, "width"), *tx = http_arg(r,
				    "text");
	const struct pages	*pg = r->app->sch->pg;
	const struct procedure	*p;
	const struct unit	*u;
	struct escpos_slip	 sl;
	struct ticket		 t;
	struct tm		 tm;
	time_t			 when;
	char			 token[TOKEN_LEN + 1], code[CODE_LEN + 1];
	char			 url[APP_URL_MAX + 1], site[APP_URL_MAX + 3];
	char			 base[CONFIG_URL_MAX + 1];
	char			 date[64], exp[64];
	char			 proc[CATALOG_NAME_MAX + 64];
	char			 unit[CATALOG_NAME_MAX + 64];
	const char		*b;

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
	/* The short address as the HTML slip prints it: no scheme. */
	b = base;
	if (strncmp(b, "https://", 8) == 0)
		b += 8;
	else if (strncmp(b, "http://", 7) == 0)
		b += 7;
	snprintf(site, sizeof(site), "%s/c", b);
	p = catalog_procedure(r->app->cat, t.procedure, strlen(t.procedure));
	u = catalog_unit(r->app->cat, t.unit, strlen(t.unit));
	snprintf(proc, sizeof(proc), "%s: %s", page_text(pg, LANG_VI,
	    "procedure"), p != NULL ? p->name.s[LANG_VI] : t.procedure);
	snprintf(unit, sizeof(unit), "%s: %s", page_text(pg, LANG_VI,
	    "unit"), u != NULL ? u->name.s[LANG_VI] : t.unit);
	when = (time_t)t.issued;
	date[0] = '\0';
	if (localtime_r(&when, &tm) != NULL)
		h_counter_date(date, sizeof(date), page_text(pg,
		    LANG_VI, "slip_issued"), "%d/%m/%Y %H:%M", &tm);
	when = (time_t)t.expires;
	exp[0] = '\0';
	if (localtime_r(&when, &tm) != NULL)
		h_counter_date(exp, sizeof(exp), page_text(pg,
		    LANG_VI, "slip_expires"), "%d/%m/%Y", &tm);
	sl.url = url;
	sl.code = code;
	sl.title = page_text(pg, LANG_VI, "slip_title");
	sl.instruction = page_text(pg, LANG_VI, "slip_instruction");
	sl.how = page_text(pg, LANG_VI, "slip_code");
	sl.site = site;
	sl.procedure = proc;
	sl.unit = unit;
	sl.date = date;
	sl.expires = exp;
	buf_reset(&r->out);
	if (escpos_slip(&r->out, &sl) == -1) {
		http_fail(r, 500, "cannot render the slip");
		return;
	}
	r->no_store = 1;
	http_reply(r, 200, "application/octet-stream");
}
