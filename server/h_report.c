/*
 * h_report.c: the monthly report as HTML, JSON, CSV and XLSX, and the
 * sign-in and sign-out of browsers (a viewer key turned into a session
 * cookie).
 * Traps: a key limited to a unit sees that unit's subtree only; "next"
 * after a sign-in is a local path only, never another site; the page's
 * sign-out form sends its CSRF token as a form field, since a plain form
 * cannot set the header that http.c checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "crypto.h"
#include "h.h"
#include "report.h"
#include "session.h"
#include "tpl.h"
#include "util.h"

#define H_NEXT_MAX	512
#define H_QUERY_MAX	256
#define H_KEY_MAX	128

static const char *const h_xlsx_type =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/* 1 when unit code u lies in the subtree of code top. */
static int
h_in_subtree(const struct catalog *cat, const char *u, const char *top)
{
	const struct unit	*x;
	int			 guard = 0;

	x = catalog_unit(cat, u, strnlen(u, UNIT_CODE_MAX + 1));
	while (x != NULL && guard++ < 1000) {
		if (strcmp(x->code, top) == 0)
			return (1);
		if (x->parent[0] == '\0')
			break;
		x = catalog_unit(cat, x->parent, strlen(x->parent));
	}
	return (0);
}

/*
 * Builds the report the query asks for. Returns 0, or -1 after replying
 * with the error.
 */
static int
h_report_build(struct req *r, struct report *rep)
{
	struct report_opts	 o;
	const char		*month, *unit, *sector, *min;
	char			 why[128];
	long long		 v;
	enum hl_rc		 rc;

	memset(&o, 0, sizeof(o));
	month = http_arg(r, "month");
	unit = http_arg(r, "unit");
	sector = http_arg(r, "sector");
	min = http_arg(r, "min");
	if (month == NULL || month[0] == '\0')
		o.month = month_of(now_sec());
	else if ((o.month = report_month_parse(month, strlen(month))) == 0) {
		http_fail(r, 400, "month: want YYYY-MM");
		return (-1);
	}
	if (min != NULL && min[0] != '\0') {
		if (parse_num(min, strlen(min), 1, REPORT_MIN_MAX, &v) == -1) {
			http_fail(r, 400, "min: want a number of answers");
			return (-1);
		}
		o.min_responses = (uint64_t)v;
	}
	if (unit != NULL && unit[0] == '\0')
		unit = NULL;
	if (r->unit[0] != '\0') {
		if (unit == NULL)
			unit = r->unit;
		else if (!h_in_subtree(r->app->cat, unit, r->unit)) {
			http_fail(r, 403, "this key may see its own unit only");
			return (-1);
		}
	}
	o.unit = unit;
	o.sector = sector;
	rc = report_build(rep, r->app->st, r->app->cat, r->app->sv, &o, why,
	    sizeof(why));
	if (rc == HL_INVALID) {
		http_fail(r, 400, why);
		return (-1);
	}
	if (rc != HL_OK) {
		http_fail(r, 500, "cannot read the report's figures");
		return (-1);
	}
	/* A report may pass the page cap: it has its own. */
	r->out.max = REPORT_OUT_MAX;
	r->no_store = 1;
	return (0);
}

void
h_report_json(struct req *r)
{
	struct report	 rep;
	int		 rc;

	if (h_report_build(r, &rep) == -1)
		return;
	buf_reset(&r->out);
	rc = report_json_text(&rep, 0, &r->out);
	report_free(&rep);
	if (rc == -1) {
		http_fail(r, 500, "cannot render the report");
		return;
	}
	http_reply(r, 200, "application/json");
}

void
h_report_csv(struct req *r)
{
	struct report	 rep;

	if (h_report_build(r, &rep) == -1)
		return;
	buf_reset(&r->out);
	if (report_csv(&rep, &r->out) == -1) {
		report_free(&rep);
		http_fail(r, 500, "cannot render the report");
		return;
	}
	report_free(&rep);
	http_reply(r, 200, "text/csv; charset=utf-8");
}

void
h_report_xlsx(struct req *r)
{
	struct report	 rep;
	const char	*tmp = getenv("TMPDIR");
	char		 why[512];

	if (report_xlsx_ready(why, sizeof(why)) == -1) {
		log_warn("XLSX report unavailable: %s", why);
		http_fail(r, 503, "XLSX reports are unavailable on this "
		    "server (libxlsxwriter cannot be loaded); CSV and JSON "
		    "still work");
		return;
	}
	if (h_report_build(r, &rep) == -1)
		return;
	buf_reset(&r->out);
	if (report_xlsx_buf(&rep, tmp != NULL && tmp[0] == '/' ? tmp : "/tmp",
	    &r->out) == -1) {
		report_free(&rep);
		http_fail(r, 500, "cannot render the report");
		return;
	}
	report_free(&rep);
	http_reply(r, 200, h_xlsx_type);
}

/* Appends "&name=value" (URL-encoded) when the argument is set. */
static void
h_query_add(struct req *r, char *q, size_t qlen, const char *name)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const char		*v = http_arg(r, name);
	char			 enc[H_QUERY_MAX];
	size_t			 i, n = 0;

	if (v == NULL || v[0] == '\0')
		return;
	for (i = 0; v[i] != '\0' && n + 4 < sizeof(enc); i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.') {
			enc[n++] = (char)c;
			continue;
		}
		enc[n++] = '%';
		enc[n++] = hex[c >> 4];
		enc[n++] = hex[c & 15];
	}
	enc[n] = '\0';
	strlcat(q, q[0] == '\0' ? "" : "&", qlen);
	strlcat(q, name, qlen);
	strlcat(q, "=", qlen);
	strlcat(q, enc, qlen);
}

static void
h_tpl_dir(struct req *r, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/templates", r->app->share);
}

void
h_report_html(struct req *r)
{
	struct report	 rep;
	struct session	 ses;
	const char	*cookie, *sort;
	json_t		*extra;
	char		 qs[H_QUERY_MAX];
	char		 q[H_QUERY_MAX * 4];

	if (h_report_build(r, &rep) == -1)
		return;
	q[0] = '\0';
	h_query_add(r, q, sizeof(q), "month");
	h_query_add(r, q, sizeof(q), "unit");
	h_query_add(r, q, sizeof(q), "sector");
	h_query_add(r, q, sizeof(q), "min");
	qs[0] = '\0';
	h_query_add(r, qs, sizeof(qs), "sort");
	extra = json_pack("{s:s,s:s}", "query", q, "sort_query", qs);
	sort = http_arg(r, "sort");
	if (sort != NULL && (strcmp(sort, "code") == 0 ||
	    strcmp(sort, "responses") == 0))
		json_object_set_new(extra, "sort", json_string(sort));
	cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
	    SESSION_COOKIE);
	if (r->via_session && cookie != NULL &&
	    session_get(cookie, strlen(cookie), &ses) == 0)
		json_object_set_new(extra, "csrf", json_string(ses.csrf));
	buf_reset(&r->out);
	if (report_html(&rep, page_tpl(r->app->pg, "report"), extra,
	    &r->out) == -1) {
		json_decref(extra);
		report_free(&rep);
		buf_reset(&r->out);
		r->out.overflow = 0;
		http_fail(r, 500, "cannot render the report");
		return;
	}
	json_decref(extra);
	report_free(&rep);
	http_reply(r, 200, "text/html; charset=utf-8");
}

/* 1 when s is a path of this site: "/..." but not "//" or "/\". */
static int
h_next_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > H_NEXT_MAX || s[0] != '/')
		return (0);
	if (len > 1 && (s[1] == '/' || s[1] == '\\'))
		return (0);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f
		    || s[i] == '\\')
			return (0);
	return (1);
}

static void
h_signin_render(struct req *r, unsigned status, const char *next,
    int error)
{
	struct tplset	*ts = NULL;
	const struct tpl *tp;
	json_t		*ctx;
	char		 dir[PATH_MAX + 16], why[256];

	h_tpl_dir(r, dir, sizeof(dir));
	ctx = json_pack("{s:s,s:b,s:b}", "next",
	    next != NULL && h_next_ok(next, strlen(next)) ? next : "",
	    "error", error, "forbidden", status == 403);
	buf_reset(&r->out);
	if (tpl_load(dir, &ts, why, sizeof(why)) == -1 ||
	    (tp = tpl_get(ts, "signin")) == NULL ||
	    tpl_render(tp, ctx, &r->out) == -1) {
		json_decref(ctx);
		tpl_free(ts);
		buf_reset(&r->out);
		r->out.overflow = 0;
		http_fail(r, 500, "cannot show the sign-in page");
		return;
	}
	json_decref(ctx);
	tpl_free(ts);
	r->no_store = 1;
	http_reply(r, status, "text/html; charset=utf-8");
}

void
h_signin_page(struct req *r, unsigned status)
{
	char	 next[H_NEXT_MAX + 1], q[H_QUERY_MAX * 4];

	q[0] = '\0';
	h_query_add(r, q, sizeof(q), "month");
	h_query_add(r, q, sizeof(q), "unit");
	h_query_add(r, q, sizeof(q), "sector");
	h_query_add(r, q, sizeof(q), "sort");
	if (snprintf(next, sizeof(next), "%s%s%s", r->url, q[0] ? "?" : "",
	    q) >= (int)sizeof(next))
		strlcpy(next, "/reports/monthly", sizeof(next));
	h_signin_render(r, status, next, 0);
}

void
h_signin_show(struct req *r)
{
	h_signin_render(r, 200, http_arg(r, "next"), 0);
}

void
h_signin_post(struct req *r)
{
	struct form	 f;
	struct apikey	 k;
	struct session	 ses;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	const char	*key = NULL, *next = NULL;
	char		 why[128], id[SESSION_ID_LEN + 1];
	char		 base[APP_URL_MAX + 1];
	size_t		 i, keylen = 0;

	if (form_parse(r->body.data != NULL ? r->body.data : "", r->body.len,
	    &f, why, sizeof(why)) != HL_OK) {
		http_fail(r, 400, why);
		return;
	}
	for (i = 0; i < f.n; i++) {
		if (strcmp(f.f[i].name, "key") == 0 && key == NULL) {
			key = f.f[i].value;
			keylen = f.f[i].len;
		} else if (strcmp(f.f[i].name, "next") == 0 && next == NULL)
			next = f.f[i].value;
		else {
			form_clear(&f);
			http_fail(r, 400, "unknown or repeated field");
			return;
		}
	}
	/* Spaces around a pasted key are not part of it. */
	while (key != NULL && keylen > 0 && (*key == ' ' || *key == '\t')) {
		key++;
		keylen--;
	}
	while (key != NULL && keylen > 0 && (key[keylen - 1] == ' ' ||
	    key[keylen - 1] == '\t' || key[keylen - 1] == '\n' ||
	    key[keylen - 1] == '\r'))
		keylen--;
	if (key == NULL || keylen == 0 || keylen > H_KEY_MAX)
		goto bad;
	crypto_sha256(key, keylen, hash);
	if (store_key_get(r->app->st, hash, &k) != HL_OK ||
	    (k.role & (ROLE_VIEWER | ROLE_ADMIN | ROLE_COUNTER)) == 0)
		goto bad;
	switch (session_create(k.role, k.unit, hash, k.name, id, &ses)) {
	case 0:
		break;
	case 1:
		form_clear(&f);
		r->retry_after = SESSION_SIGNIN_WINDOW;
		http_fail(r, 429, "too many sign-ins with this key; wait and "
		    "try again");
		return;
	default:
		form_clear(&f);
		http_fail(r, 503, "too many sessions; try again");
		return;
	}
	app_base_url(r->app, base, sizeof(base));
	snprintf(r->cookie, sizeof(r->cookie), "%s=%s; Path=/; HttpOnly; "
	    "SameSite=Strict; Max-Age=%d%s", SESSION_COOKIE, id, SESSION_TTL,
	    strncmp(base, "https:", 6) == 0 || r->https ? "; Secure" : "");
	/* Without a page to go back to: the page of the key's job. */
	http_redirect(r, 303, next != NULL && next[0] != '\0' &&
	    h_next_ok(next, strlen(next)) ? next :
	    (k.role & (ROLE_VIEWER | ROLE_ADMIN)) != 0 ? "/reports/monthly" :
	    "/counter");
	form_clear(&f);
	return;
bad:
	/* Only now: a right key is never refused for others' failures. */
	if (http_auth_blocked(r, LIMIT_SIGNIN)) {
		form_clear(&f);
		return;
	}
	http_auth_failed(r, LIMIT_SIGNIN);
	h_signin_render(r, 401, next, 1);
	form_clear(&f);
}

void
h_signout(struct req *r)
{
	struct form	 f;
	struct session	 ses;
	const char	*cookie, *tok = NULL;
	char		 why[128], base[APP_URL_MAX + 1];
	size_t		 i, toklen = 0;

	if (form_parse(r->body.data != NULL ? r->body.data : "", r->body.len,
	    &f, why, sizeof(why)) != HL_OK) {
		http_fail(r, 400, why);
		return;
	}
	for (i = 0; i < f.n; i++)
		if (strcmp(f.f[i].name, "csrf") == 0 && tok == NULL) {
			tok = f.f[i].value;
			toklen = f.f[i].len;
		}
	if (tok == NULL && (tok = http_header(r, "X-CSRF-Token")) != NULL)
		toklen = strlen(tok);
	cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
	    SESSION_COOKIE);
	if (cookie != NULL && session_get(cookie, strlen(cookie), &ses) == 0) {
		if (tok == NULL || toklen != SESSION_CSRF_LEN ||
		    !crypto_equal(tok, ses.csrf, SESSION_CSRF_LEN)) {
			form_clear(&f);
			http_fail(r, 403, "missing or wrong CSRF token");
			return;
		}
		session_end(cookie, strlen(cookie));
	}
	form_clear(&f);
	app_base_url(r->app, base, sizeof(base));
	snprintf(r->cookie, sizeof(r->cookie), "%s=; Path=/; HttpOnly; "
	    "SameSite=Strict; Max-Age=0%s", SESSION_COOKIE,
	    strncmp(base, "https:", 6) == 0 || r->https ? "; Secure" : "");
	http_redirect(r, 303, "/signin");
}
