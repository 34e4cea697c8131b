/*
 * app.c: opening the parts of hailong in order, finding its data files,
 * and the ticket issuing step shared by the API and the command line.
 * Trap: the share directory is the source tree when the binary runs from
 * its build tree, the installed data directory otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "catswap.h"
#include "crypto.h"
#include "kiosk_def.h"
#include "retire.h"
#include "util.h"

static int
app_is_share(const char *dir)
{
	char		 p[PATH_MAX];
	struct stat	 sb;

	if (snprintf(p, sizeof(p), "%s/schema/survey.ini", dir) >=
	    (int)sizeof(p))
		return (0);
	return (stat(p, &sb) == 0);
}

static int
app_find_share(struct app *a, char *why, size_t whylen)
{
	char	 exe[PATH_MAX], dir[PATH_MAX];
	ssize_t	 n;

	if (a->cfg.share[0] != '\0') {
		if (!app_is_share(a->cfg.share)) {
			snprintf(why, whylen, "%s: no schema/survey.ini there",
			    a->cfg.share);
			return (-1);
		}
		strlcpy(a->share, a->cfg.share, sizeof(a->share));
		return (0);
	}
	/* Run from the build tree: use the source tree's files. */
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		if (realpath(HL_BUILDDIR "/server", dir) != NULL &&
		    strncmp(exe, dir, strlen(dir)) == 0 &&
		    exe[strlen(dir)] == '/' && app_is_share(HL_SRCDIR)) {
			strlcpy(a->share, HL_SRCDIR, sizeof(a->share));
			return (0);
		}
	}
	if (app_is_share(HL_DATADIR)) {
		strlcpy(a->share, HL_DATADIR, sizeof(a->share));
		return (0);
	}
	snprintf(why, whylen, "cannot find templates and schema (looked in "
	    "%s); set share = DIR in the config", HL_DATADIR);
	return (-1);
}

/* Every service belongs to a service survey. */
static int
app_services_check(const struct surveys *set, const struct catalog *cat,
    const char *dir, char *why, size_t whylen)
{
	const struct service	*v;
	const struct survey	*s;
	char			 p[PATH_MAX + 64];
	size_t			 i;

	for (i = 0; i < cat->nservices; i++) {
		v = &cat->services[i];
		s = surveys_find(set, v->survey, strlen(v->survey));
		if (s == NULL || s == set->s[0]) {
			snprintf(p, sizeof(p), "%s/services.csv", dir);
			why_at(why, whylen, p, v->line, "survey %s: not a "
			    "service survey (a schema/survey-*.ini's id)",
			    v->survey);
			return (-1);
		}
	}
	return (0);
}

static uint32_t	 app_classify(const struct response *, void *);

void
app_writer_ids(struct app *a)
{
	const struct schema	*sch = a->sch;

	if (a->w == NULL || sch == NULL)
		return;
	writer_surveys(a->w, sch->survey_ids, sch->surveys.n);
	if (sch->ind != NULL && a->cat != NULL)
		writer_classify(a->w, app_classify, a, sch->ind_ids,
		    sch->ind->n);
}

int
app_catalog_load(const struct app *a, struct catalog **cp, char *why,
    size_t whylen)
{
	struct catrow		*rows = NULL;
	struct target_row	*ts = NULL;
	char			 p[PATH_MAX + 32];
	size_t			 n = 0, nt = 0;
	int			 rc;

	*cp = NULL;
	if (a->st != NULL && store_catrows(a->st, &rows, &n, NULL) == -1) {
		snprintf(why, whylen, "%s: cannot read the stored units and "
		    "procedures", a->cfg.data);
		return (-1);
	}
	snprintf(p, sizeof(p), "%s/schema", a->share);
	rc = catalog_load_rows(p, rows, n, cp, why, whylen);
	free(rows);
	/* The targets admins set, over sectors.ini's. */
	if (rc == 0 && a->st != NULL) {
		if (store_target_rows(a->st, &ts, &nt) == -1) {
			snprintf(why, whylen, "%s: cannot read the stored "
			    "targets", a->cfg.data);
			catalog_free(*cp);
			*cp = NULL;
			return (-1);
		}
		catalog_targets_apply(*cp, ts, nt);
		free(ts);
	}
	return (rc);
}

/* app_schema_load() with draft (NULL: none) over the stored ones. */
static int
app_schema_with(const struct app *a, const struct schema_override *draft,
    int pages, struct schema **sp, char *why, size_t whylen)
{
	struct schema		*sch = NULL;
	struct survey_row	*rows = NULL;
	struct target_row	*ts = NULL;
	struct schema_override	 ov[SURVEYS_MAX + 1];
	char			 p[PATH_MAX + 32];
	size_t			 i, j, n = 0, nt = 0;
	int			 rc;

	if (a->st != NULL && store_survey_rows(a->st, NULL, 1, &rows,
	    &n) == -1) {
		snprintf(why, whylen, "%s: cannot read the stored surveys",
		    a->cfg.data);
		return (-1);
	}
	for (i = j = 0; i < n && j < SURVEYS_MAX; i++) {
		if (draft != NULL && strcmp(rows[i].id, draft->id) == 0)
			continue;
		strlcpy(ov[j].id, rows[i].id, sizeof(ov[j].id));
		ov[j].version = rows[i].version;
		ov[j].text = rows[i].text;
		ov[j].len = rows[i].len;
		j++;
	}
	if (draft != NULL)
		ov[j++] = *draft;
	rc = schema_load(a->share, (struct catalog *_Atomic *)&a->cat, ov,
	    j, pages, &sch, why, whylen);
	store_survey_rows_free(rows, n);
	if (rc == -1)
		return (-1);
	/* The targets admins set, over indicators.ini's. */
	if (a->st != NULL) {
		if (store_target_rows(a->st, &ts, &nt) == -1) {
			snprintf(why, whylen, "%s: cannot read the stored "
			    "targets", a->cfg.data);
			schema_free(sch);
			return (-1);
		}
		indicators_targets_apply(sch->ind, ts, nt);
		free(ts);
	}
	snprintf(p, sizeof(p), "%s/schema", a->share);
	if (app_services_check(&sch->surveys, a->cat, p, why, whylen) == -1) {
		schema_free(sch);
		return (-1);
	}
	*sp = sch;
	return (0);
}

int
app_schema_load(const struct app *a, struct schema **sp, char *why,
    size_t whylen)
{
	return (app_schema_with(a, NULL, a->sch == NULL || a->sch->pg != NULL,
	    sp, why, whylen));
}

int
app_schema_preview(const struct app *a, const struct survey_row *draft,
    struct schema **sp, char *why, size_t whylen)
{
	struct schema_override	 ov;

	memset(&ov, 0, sizeof(ov));
	strlcpy(ov.id, draft->id, sizeof(ov.id));
	ov.version = draft->version;
	ov.text = draft->text;
	ov.len = draft->len;
	return (app_schema_with(a, &ov, 1, sp, why, whylen));
}

int
app_catalog_check(const struct app *a, const struct catalog *cat,
    char *why, size_t whylen)
{
	struct indicators	*ind = NULL;
	const struct schema	*sch = a->sch;
	char			 p[PATH_MAX + 32];

	snprintf(p, sizeof(p), "%s/schema", a->share);
	if (app_services_check(&sch->surveys, cat, p, why, whylen) == -1)
		return (-1);
	snprintf(p, sizeof(p), "%s/schema/indicators.ini", a->share);
	if (indicators_load(p, &sch->surveys, cat, &ind, why, whylen) == -1)
		return (-1);
	indicators_free(ind);
	return (0);
}

int
app_open(struct app *a, const struct config *cfg, int parts, char *why,
    size_t whylen)
{
	struct catalog	*cat;
	struct schema	*sch;
	char		 p[PATH_MAX + 32], sub[256];

	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	if (crypto_init() == -1) {
		snprintf(why, whylen, "cannot seed the random generator");
		return (-1);
	}
	if ((parts & (APP_SCHEMA | APP_PAGES)) &&
	    app_find_share(a, why, whylen) == -1)
		return (-1);
	if (parts & (APP_SCHEMA | APP_PAGES)) {
		snprintf(p, sizeof(p), "%s/schema", a->share);
		if (catalog_load(p, &cat, why, whylen) == -1)
			return (-1);
		a->cat = cat;
		if (schema_load(a->share, &a->cat, NULL, 0,
		    (parts & APP_PAGES) != 0, &sch, why, whylen) == -1)
			return (-1);
		a->sch = sch;
		if (app_services_check(&sch->surveys, cat, p, why,
		    whylen) == -1)
			return (-1);
		snprintf(p, sizeof(p), "%s/schema/daysoff.csv", a->share);
		if (workdays_load(p, &a->wd, why, whylen) == -1)
			return (-1);
	}
	if (parts & (APP_STORE | APP_WRITER)) {
		if (a->cfg.map_size > 0)
			store_set_initial_map(a->cfg.map_size);
		if (store_open(&a->st, a->cfg.data, (parts & APP_CREATE) != 0,
		    NULL, sub, sizeof(sub)) == -1) {
			snprintf(why, whylen, "%s", sub);
			return (-1);
		}
	}
	/* The units, procedures and surveys admins changed, over the
	 * files'. */
	if ((parts & (APP_SCHEMA | APP_PAGES)) && a->st != NULL) {
		if (app_catalog_load(a, &cat, why, whylen) == -1)
			return (-1);
		catalog_free(a->cat);
		a->cat = cat;
		if (app_schema_load(a, &sch, why, whylen) == -1)
			return (-1);
		schema_free(a->sch);
		a->sch = sch;
	}
	if (parts & APP_WRITER) {
		if (writer_start(&a->w, a->st, a->cfg.max_batch) == -1) {
			snprintf(why, whylen, "cannot start the writer");
			return (-1);
		}
		app_writer_ids(a);
		writer_contact_keep(a->w, (int64_t)a->cfg.contact_days * 86400);
		if (parts & APP_SCHEMA)
			writer_followup_rules(a->w, &a->wd, a->cfg.answer_days,
			    app_webhooks_on(a));
	}
	return (0);
}

/*
 * The indicators an answer counts toward (writer_classify): those of its
 * sector (a service survey's answers carry their survey's mark) and its
 * unit's kind whose question it answers.
 */
static uint32_t
app_classify(const struct response *r, void *arg)
{
	const struct app	*a = arg;
	const struct indicators	*set;
	const struct indicator	*ind;
	const struct unit	*u;
	char			 kind[UNIT_KIND_MAX + 1] = "";
	uint64_t		 epoch = 0;
	uint32_t		 bits = 0;
	size_t			 i, j;

	/* The writer's thread holds the catalogue as a request does. */
	if (a->swap != NULL)
		epoch = catswap_enter(a->swap);
	set = a->sch->ind;
	if ((u = catalog_unit(a->cat, r->unit, strlen(r->unit))) != NULL)
		strlcpy(kind, u->kind, sizeof(kind));
	for (i = 0; set != NULL && i < set->n && i < 32; i++) {
		ind = &set->ind[i];
		if (!indicators_counts(ind, r->sector, kind))
			continue;
		for (j = 0; j < r->nanswers; j++)
			if (strcmp(r->answers[j].q, ind->question) == 0)
				break;
		if (j < r->nanswers)
			bits |= UINT32_C(1) << i;
	}
	if (a->swap != NULL)
		catswap_leave(a->swap, epoch);
	return (bits);
}

void
app_close(struct app *a)
{
	if (a->w != NULL)
		writer_stop(a->w);
	if (a->st != NULL)
		store_close(a->st);
	schema_free(a->sch);
	if (a->cat != NULL)
		catalog_free(a->cat);
	memset(a, 0, sizeof(*a));
}

const struct survey *
app_ticket_survey_of(const struct app *a, const struct ticket *t)
{
	const struct survey	*s;
	const char		*id = ticket_survey(t);
	const struct schema	*sch = a->sch;

	s = surveys_find(&sch->surveys, id, strlen(id));
	return (s != NULL ? s : sch->sv);
}

const struct survey *
app_unit_survey(const struct app *a, const char *unit)
{
	const struct unit	*u;

	u = catalog_unit(a->cat, unit, strlen(unit));
	return (surveys_for_kind(&a->sch->surveys, u != NULL ? u->kind : NULL));
}

int
app_ticket_ask(const struct app *a, const struct survey *sv,
    const struct ticket *t, int *stage)
{
	const struct survey_question	*q;
	struct dossier			 d;
	enum hl_rc			 rc;

	rc = store_ticket_dossier(a->st, t->id, stage, &d);
	if ((q = survey_question(sv, ON_TIME_Q, strlen(ON_TIME_Q))) == NULL ||
	    q->kind != QK_CHOICE)
		return (0);
	if (*stage != STAGE_RETURNED)
		return (-1);
	if (rc != HL_OK || d.outcome != DOSSIER_RETURNED || d.due == 0)
		return (0);
	return (d.settled <= d.due ? survey_option_level(q, "yes", 3) :
	    survey_option_level(q, "late", 4));
}

void
app_on_time_fill(const struct survey *sv, int level, struct answer *a,
    size_t *n)
{
	size_t	 i, j;

	(void)sv;
	for (i = j = 0; i < *n; i++)
		if (strcmp(a[i].q, ON_TIME_Q) != 0)
			a[j++] = a[i];
	*n = j;
	if (level <= 0 || *n >= RESPONSE_ANSWERS_MAX)
		return;
	strlcpy(a[*n].q, ON_TIME_Q, sizeof(a[*n].q));
	a[*n].level = (uint8_t)level;
	(*n)++;
}

void
app_answer_prepare(const struct app *a, const struct survey *sv,
    struct response *rs, enum channel ch, enum lang l, const char *comment,
    size_t comment_len)
{
	(void)a;
	rs->channel = ch;
	strlcpy(rs->survey, sv->id, sizeof(rs->survey));
	rs->survey_version = sv->version;
	strlcpy(rs->lang, lang_code(l), sizeof(rs->lang));
	if (comment_len >= sizeof(rs->comment))
		comment_len = sizeof(rs->comment) - 1;
	rs->comment_len = comment_len;
	memcpy(rs->comment, comment, comment_len);
	rs->comment[comment_len] = '\0';
}

int
app_webhooks_on(const struct app *a)
{
	return (a->cfg.webhook_url[0] != '\0' || a->cfg.nwebhooks > 0);
}

void
app_answer_followup(const struct survey *sv, struct wop *op)
{
	const struct response	*rs = &op->u.answer.r;
	size_t			 i;

	op->u.answer.level = 0;
	for (i = 0; i < rs->nanswers; i++)
		if (strcmp(rs->answers[i].q, sv->overall->id) == 0)
			op->u.answer.level = rs->answers[i].level;
	op->u.answer.followup = op->u.answer.level >= 1 &&
	    op->u.answer.level <= SURVEY_LOW_LEVEL && rs->comment_len > 0;
}

/*
 * The survey of a ticket request: the one named; else a service's; else
 * the procedure survey when a procedure is named; else the one of the
 * counting unit's kind. NULL with why for an unknown survey.
 */
static const struct survey *
app_ticket_survey(const struct app *a, const struct ticket_req *rq,
    char *why, size_t whylen)
{
	const struct survey	*s;
	const struct service	*sv;
	const struct unit	*u;
	const char		*cu;

	if (rq->survey[0] != '\0') {
		if ((s = surveys_find(&a->sch->surveys, rq->survey,
		    strlen(rq->survey))) == NULL)
			snprintf(why, whylen, "survey: unknown survey (one of "
			    "GET /api/v1/survey's)");
		return (s);
	}
	if (rq->service[0] != '\0' && (sv = catalog_service(a->cat,
	    rq->service, strlen(rq->service))) != NULL &&
	    (s = surveys_find(&a->sch->surveys, sv->survey,
	    strlen(sv->survey))) != NULL)
		return (s);
	if (rq->procedure[0] != '\0')
		return (a->sch->sv);
	cu = rq->handling_unit[0] != '\0' ? rq->handling_unit : rq->unit;
	u = catalog_unit(a->cat, cu, strlen(cu));
	return (surveys_for_kind(&a->sch->surveys, u != NULL ? u->kind : NULL));
}

enum hl_rc
app_ticket_prepare(struct app *a, const struct ticket_req *rq,
    const uint8_t *key, const char *key_name, struct wop *op, char *why,
    size_t whylen)
{
	const struct procedure	*pr;
	const struct service	*sv = NULL;
	const struct survey	*s;
	const struct keyring	*kr = store_keyring(a->st);
	struct ticket		*t = &op->u.ticket.t;
	const char		*sector;
	char			 mark[SECTOR_CODE_MAX + 1];
	int			 stage = STAGE_RETURNED;

	if (catalog_unit(a->cat, rq->unit, strlen(rq->unit)) == NULL) {
		snprintf(why, whylen, "unit: not in the unit list");
		return (HL_INVALID);
	}
	if (rq->handling_unit[0] != '\0' && catalog_unit(a->cat,
	    rq->handling_unit, strlen(rq->handling_unit)) == NULL) {
		snprintf(why, whylen, "handling_unit: not in the unit list");
		return (HL_INVALID);
	}
	/* A retired unit takes no new ticket: its successor does. */
	if (retire_refused(a->cat, rq->unit, now_sec(), why, whylen) ||
	    (rq->handling_unit[0] != '\0' && retire_refused(a->cat,
	    rq->handling_unit, now_sec(), why, whylen)))
		return (HL_GONE);
	if ((s = app_ticket_survey(a, rq, why, whylen)) == NULL)
		return (HL_INVALID);
	if (!survey_is_procedure(s->id)) {
		/* A service survey's: a service, no procedure or sector. */
		if (rq->procedure[0] != '\0' || rq->sector[0] != '\0') {
			snprintf(why, whylen, "%s: a ticket of survey %s "
			    "names a service, not a procedure or a sector",
			    rq->procedure[0] != '\0' ? "procedure" : "sector",
			    s->id);
			return (HL_INVALID);
		}
		if (rq->service[0] == '\0') {
			snprintf(why, whylen, "service: required for survey "
			    "%s (a code of GET /api/v1/services)", s->id);
			return (HL_INVALID);
		}
		if ((sv = catalog_service(a->cat, rq->service,
		    strlen(rq->service))) == NULL) {
			snprintf(why, whylen, "service: not in the services "
			    "list");
			return (HL_INVALID);
		}
		if (strcmp(sv->survey, s->id) != 0) {
			snprintf(why, whylen, "service: a service of survey "
			    "%s, not of %s", sv->survey, s->id);
			return (HL_INVALID);
		}
		survey_sector(s, mark);
		sector = mark;
	} else {
		if (rq->service[0] != '\0') {
			snprintf(why, whylen, "service: a ticket of survey %s "
			    "names a procedure, not a service",
			    SURVEY_PROCEDURE);
			return (HL_INVALID);
		}
		if (rq->procedure[0] == '\0') {
			snprintf(why, whylen, "procedure: required for survey "
			    "%s", SURVEY_PROCEDURE);
			return (HL_INVALID);
		}
		pr = catalog_procedure(a->cat, rq->procedure,
		    strlen(rq->procedure));
		/* A withdrawn procedure: its old answers stay, no new one. */
		if (pr != NULL && catalog_proc_withdrawn(pr, now_sec())) {
			snprintf(why, whylen, "procedure %s (%s) was withdrawn "
			    "on %s: no new tickets for it", pr->code,
			    pr->name.s[LANG_VI], pr->withdrawn);
			return (HL_GONE);
		}
		if (rq->sector[0] != '\0') {
			if (catalog_sector(a->cat, rq->sector,
			    strlen(rq->sector)) == NULL) {
				snprintf(why, whylen, "sector: unknown sector");
				return (HL_INVALID);
			}
			sector = rq->sector;
		} else if (pr != NULL)
			sector = pr->sector;
		else {
			snprintf(why, whylen, "sector: required, the "
			    "procedure is not in the catalogue");
			return (HL_INVALID);
		}
	}

	if (rq->stage[0] != '\0') {
		if ((stage = dossier_stage_parse(rq->stage,
		    strlen(rq->stage))) == -1) {
			snprintf(why, whylen, "stage: one of received, "
			    "supplement, refused, returned");
			return (HL_INVALID);
		}
		if (!rq->has_case) {
			snprintf(why, whylen, "stage: needs the case (a "
			    "ticket at a stage asks about that case's "
			    "dossier)");
			return (HL_INVALID);
		}
		if (!survey_is_procedure(s->id)) {
			snprintf(why, whylen, "stage: only for tickets of "
			    "survey %s", SURVEY_PROCEDURE);
			return (HL_INVALID);
		}
	}

	memset(op, 0, sizeof(*op));
	op->kind = WOP_TICKET;
	op->u.ticket.stage = stage;
	crypto_random(t->id, sizeof(t->id));
	t->kid = kr->kid[kr->current];
	t->state = TICKET_OPEN;
	t->issued = now_sec();
	t->expires = t->issued + a->cfg.ticket_ttl;
	strlcpy(t->procedure, rq->procedure, sizeof(t->procedure));
	strlcpy(t->sector, sector, sizeof(t->sector));
	strlcpy(t->unit, rq->unit, sizeof(t->unit));
	if (strcmp(rq->handling_unit, rq->unit) != 0)
		strlcpy(t->handling_unit, rq->handling_unit,
		    sizeof(t->handling_unit));
	strlcpy(t->counter, rq->counter, sizeof(t->counter));
	if (key != NULL) {
		apikey_id_hex(key, t->officer);
		strlcpy(t->officer_name, key_name, sizeof(t->officer_name));
	}
	strlcpy(t->survey, s->id, sizeof(t->survey));
	if (sv != NULL)
		strlcpy(t->service, sv->code, sizeof(t->service));
	if (rq->has_case) {
		op->u.ticket.has_case = 1;
		token_case_hash(kr, rq->unit, rq->caseref, rq->case_len,
		    op->u.ticket.case_hash);
	}
	return (HL_OK);
}

void
app_base_url(const struct app *a, char *out, size_t outlen)
{
	const char	*scheme = a->cfg.tls_cert[0] != '\0' ? "https" : "http";

	if (a->cfg.base_url[0] != '\0')
		snprintf(out, outlen, "%s", a->cfg.base_url);
	else if (strchr(a->cfg.host, ':') != NULL)
		snprintf(out, outlen, "%s://[%s]:%u", scheme, a->cfg.host,
		    a->cfg.port);
	else
		snprintf(out, outlen, "%s://%s:%u", scheme, a->cfg.host,
		    a->cfg.port);
}

void
app_ticket_refs(const struct app *a, const struct ticket *t,
    char token[TOKEN_LEN + 1], char code[CODE_LEN + 1],
    char url[APP_URL_MAX + 1])
{
	char	 base[CONFIG_URL_MAX + 1];

	token_encode(store_keyring(a->st), t->kid, t->id, token);
	token_code(t->id, code);
	app_base_url(a, base, sizeof(base));
	snprintf(url, APP_URL_MAX + 1, "%s/s/%s", base, token);
}
