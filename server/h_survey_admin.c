/*
 * h_survey_admin.c: the surveys changed while the server runs, for the
 * admin API (GET /api/v1/admin/surveys, GET|POST .../surveys/<id>) and
 * the console's pages (h_surveypage.c): a draft is checked against the
 * version in use (survey_edit.c, then every rule of the file), stored
 * by the writer as the next version with its audit entry, and the
 * surveys in use are loaded again and swapped (h_state.c) before the
 * reply, so the next phone page and kiosk definition show it.
 * Traps: surveys are the whole province's: a unit-limited admin reads
 * them but may not change them. Two drafts of the same version: the
 * writer stores the first and refuses the second (409).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "h.h"
#include "survey_edit.h"
#include "util.h"

const struct survey *
h_survey_admin_find(const struct schema *sch, const char *id, size_t len)
{
	size_t	 i;

	for (i = 0; i < sch->surveys.n; i++)
		if (strlen(sch->surveys.s[i]->id) == len &&
		    memcmp(sch->surveys.s[i]->id, id, len) == 0)
			return (sch->surveys.s[i]);
	return (NULL);
}

void
h_survey_admin_free(struct req *r)
{
	free(r->op.u.survey.row.text);
	free((char *)r->op.u.survey.before);
	free((char *)r->op.u.survey.after);
	r->op.u.survey.row.text = NULL;
	r->op.u.survey.before = r->op.u.survey.after = NULL;
}

int
h_survey_admin_prepare(struct req *r, const struct survey *cur,
    const json_t *draft, struct survey **sp, unsigned *status, char *why,
    size_t whylen)
{
	struct survey	*d = NULL;
	json_t		*before, *after;
	char		*text;
	size_t		 len;
	enum hl_rc	 rc;

	*sp = NULL;
	if (r->unit[0] != '\0') {
		snprintf(why, whylen, "khảo sát là của cả tỉnh: quản trị của "
		    "một đơn vị không được sửa");
		*status = 403;
		return (-1);
	}
	rc = survey_edit_draft(cur, draft, &text, &len, &d, why, whylen);
	if (rc != HL_OK) {
		*status = rc == HL_CONFLICT ? 409 : 422;
		return (-1);
	}
	survey_edit_diff(cur, d, &before, &after);
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_SURVEY;
	strlcpy(r->op.u.survey.row.id, d->id, sizeof(r->op.u.survey.row.id));
	r->op.u.survey.row.version = d->version;
	r->op.u.survey.row.at = now_sec();
	strlcpy(r->op.u.survey.row.who, r->who,
	    sizeof(r->op.u.survey.row.who));
	r->op.u.survey.row.text = text;
	r->op.u.survey.row.len = len;
	r->op.u.survey.before = json_dumps(before, JSON_COMPACT);
	r->op.u.survey.after = json_dumps(after, JSON_COMPACT);
	json_decref(before);
	json_decref(after);
	h_admin_actor(r, &r->op.by);
	*sp = d;
	return (0);
}

int
h_survey_admin_commit(struct req *r, unsigned *status, char *why,
    size_t whylen)
{
	char	 w[512];

	if (r->op.rc == HL_CONFLICT) {
		snprintf(why, whylen, "phiên bản %u của khảo sát %s đã có "
		    "người đăng trước: hãy mở lại trang",
		    r->op.u.survey.row.version, r->op.u.survey.row.id);
		*status = 409;
		return (-1);
	}
	if (r->op.rc != HL_OK) {
		snprintf(why, whylen, "không lưu được");
		*status = http_rc_status(r->op.rc);
		return (-1);
	}
	if (h_state_schema_reload(r->app, w, sizeof(w)) == -1 ||
	    h_state_catalog_reload(r->app, w, sizeof(w)) == -1) {
		log_error("surveys not reloaded after survey %s version %u: "
		    "%s", r->op.u.survey.row.id, r->op.u.survey.row.version,
		    w);
		snprintf(why, whylen, "đã lưu, nhưng chưa dùng được; xem nhật "
		    "ký của máy chủ");
		*status = 500;
		return (-1);
	}
	return (0);
}

/* {"version", "at", "who"} of a stored version. */
static json_t *
h_survey_row_json(const struct survey_row *row)
{
	char	 at[32];

	format_time(row->at, at);
	return (json_pack("{s:i,s:s,s:s}", "version", (int)row->version,
	    "at", at, "who", row->who));
}

static void
h_survey_reply(struct req *r, unsigned status, json_t *o)
{
	char	*s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	if (s == NULL) {
		http_fail(r, 500, "cannot render the surveys");
		return;
	}
	r->no_store = 1;
	http_reply_json(r, status, s);
	free(s);
}

void
h_admin_surveys(struct req *r)
{
	const struct schema	*sch = r->app->sch;
	const struct survey	*s;
	struct survey_row	*rows = NULL;
	json_t			*a = json_array(), *o, *vs;
	size_t			 i, j, n = 0;

	if (store_survey_rows(r->app->st, NULL, 0, &rows, &n) == -1) {
		json_decref(a);
		http_fail(r, 500, "cannot read the stored surveys");
		return;
	}
	for (i = 0; i < sch->surveys.n; i++) {
		s = sch->surveys.s[i];
		vs = json_array();
		for (j = 0; j < n; j++)
			if (strcmp(rows[j].id, s->id) == 0)
				json_array_append_new(vs,
				    h_survey_row_json(&rows[j]));
		o = json_pack("{s:s,s:i,s:o,s:o}", "id", s->id, "version",
		    (int)s->version, "title", text_json(&s->title, NULL),
		    "versions", vs);
		json_array_append_new(a, o);
	}
	store_survey_rows_free(rows, n);
	h_survey_reply(r, 200, a);
}

void
h_admin_survey(struct req *r)
{
	const struct schema	*sch = r->app->sch;
	const struct survey	*cur;
	struct survey		*old;
	struct survey_row	*rows = NULL;
	json_t			*o, *vs, *v;
	char			 why[256];
	size_t			 j, n = 0;

	if ((cur = h_survey_admin_find(sch, r->arg, r->arglen)) == NULL) {
		http_fail(r, 404, "no such survey");
		return;
	}
	if (store_survey_rows(r->app->st, cur->id, 0, &rows, &n) == -1) {
		http_fail(r, 500, "cannot read the stored surveys");
		return;
	}
	vs = json_array();
	for (j = 0; j < n; j++) {
		v = h_survey_row_json(&rows[j]);
		if (survey_load_mem(cur->id, rows[j].text, rows[j].len, &old,
		    why, sizeof(why)) == 0) {
			json_object_set_new(v, "survey",
			    survey_edit_json(old));
			survey_free(old);
		}
		json_array_append_new(vs, v);
	}
	store_survey_rows_free(rows, n);
	o = json_pack("{s:s,s:i,s:o,s:o}", "id", cur->id, "version",
	    (int)cur->version, "current", survey_edit_json(cur), "versions",
	    vs);
	h_survey_reply(r, 200, o);
}

static void
h_admin_survey_done(struct req *r)
{
	const struct survey	*s;
	unsigned		 status;
	char			 why[512];

	if (h_survey_admin_commit(r, &status, why, sizeof(why)) == -1) {
		h_survey_admin_free(r);
		http_fail(r, status, why);
		return;
	}
	h_survey_admin_free(r);
	s = h_survey_admin_find(r->app->sch, r->arg, r->arglen);
	h_survey_reply(r, 201, s != NULL ? survey_edit_json(s) : NULL);
}

void
h_admin_survey_publish(struct req *r)
{
	const struct survey	*cur;
	struct survey		*d = NULL;
	json_t			*draft;
	json_error_t		 e;
	unsigned		 status;
	char			 why[512];

	if ((cur = h_survey_admin_find(r->app->sch, r->arg,
	    r->arglen)) == NULL) {
		http_fail(r, 404, "no such survey");
		return;
	}
	if (r->unit[0] != '\0') {
		http_fail(r, 403, "khảo sát là của cả tỉnh: quản trị của một "
		    "đơn vị không được sửa");
		return;
	}
	draft = json_loadb(r->body.data != NULL ? r->body.data : "",
	    r->body.len, JSON_REJECT_DUPLICATES, &e);
	if (draft == NULL) {
		http_fail(r, 400, "body: not JSON");
		return;
	}
	if (h_survey_admin_prepare(r, cur, draft, &d, &status, why,
	    sizeof(why)) == -1) {
		json_decref(draft);
		http_fail(r, status, why);
		return;
	}
	json_decref(draft);
	survey_free(d);
	http_submit(r, h_admin_survey_done);
}
