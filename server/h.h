/*
 * h.h: the request handlers, one family per file: h_ticket.c (tickets,
 * QR codes, slips), h_survey.c (the citizen's survey, short codes, home),
 * h_meta.c (units, procedures, health).
 */
#ifndef H_H
#define H_H

#include "http.h"

/* /healthz answers 503 when the data directory has less free space. */
#define HEALTH_FREE_MIN		(4u * 1024 * 1024)

/*
 * The ticket named by the request's path token. HL_NOT_FOUND alike for a
 * malformed, forged or unknown token (no database read for the first
 * two); HL_ERROR when the store fails.
 */
enum hl_rc h_ticket_lookup(struct req *, struct ticket *);

void	 h_ticket_issue(struct req *);
void	 h_ticket_qr_svg(struct req *);
void	 h_ticket_qr_png(struct req *);
void	 h_ticket_slip(struct req *);
void	 h_survey_show(struct req *);
void	 h_survey_answer(struct req *);
void	 h_code(struct req *);
void	 h_home(struct req *);
void	 h_units(struct req *);
void	 h_procedures(struct req *);
void	 h_services(struct req *);
void	 h_healthz(struct req *);
/* h_metrics.c: GET /metrics (Prometheus) for loopback and [metrics]. */
void	 h_metrics(struct req *);

/* h_dossier.c: POST /api/v1/dossiers, the one-stop software's events. */
void	 h_dossier_event(struct req *);

/* h_evaluation.c: GET /api/v1/evaluations, for the national system. */
void	 h_evaluations(struct req *);
/*
 * h_followup.c: the citizen's follow-up: POST /s/<token>/followup, and
 * the page of an answered ticket t (409) with what was filed, the
 * unit's answer, or the form to file.
 */
void	 h_followup_file(struct req *);
void	 h_followup_answered(struct req *, const struct ticket *t);
struct fu_form;
json_t	*h_followup_part(struct req *, const struct ticket *t, int sent,
	    const struct fu_form *);

/* h_inbox.c: the unit head's inbox, an item's page, the API. */
void	 h_inbox_page(struct req *);
void	 h_item_page(struct req *);
void	 h_followups_list(struct req *);
void	 h_followup_get(struct req *);
void	 h_followup_reply(struct req *);

/* h_report.c: monthly reports. */
void	 h_report_html(struct req *);
void	 h_report_json(struct req *);
void	 h_report_csv(struct req *);
void	 h_report_xlsx(struct req *);
/* h_signin.c: sign-in and sign-out of browsers. */
/* h_admin.c: the admin API. */
void	 h_admin_audit(struct req *);
void	 h_admin_audit_csv(struct req *);
void	 h_admin_users(struct req *);
/* h_catalog.c: units and procedures changed while serving. */
void	 h_admin_units(struct req *);
void	 h_admin_unit_add(struct req *);
void	 h_admin_unit_change(struct req *);
void	 h_admin_procs(struct req *);
void	 h_admin_proc_add(struct req *);
void	 h_admin_proc_change(struct req *);
/*
 * h_survey_admin.c: GET /api/v1/admin/surveys, GET|POST
 * /api/v1/admin/surveys/<id>; and the steps the console's pages share:
 * the survey of an id in a set, a draft checked and r->op filled to
 * store it (*sp, the draft as loaded, the caller's; 0, or -1 with the
 * status and why in Vietnamese), the swap after the writer (0 or -1),
 * the op's memory freed (after the writer, or when not submitted).
 */
void	 h_admin_surveys(struct req *);
void	 h_admin_survey(struct req *);
void	 h_admin_survey_publish(struct req *);
const struct survey *h_survey_admin_find(const struct schema *,
	    const char *id, size_t len);
int	 h_survey_admin_prepare(struct req *, const struct survey *cur,
	    const json_t *draft, struct survey **sp, unsigned *status,
	    char *why, size_t whylen);
int	 h_survey_admin_commit(struct req *, unsigned *status, char *why,
	    size_t whylen);
void	 h_survey_admin_free(struct req *);
/*
 * h_targets.c: GET|PUT /api/v1/admin/indicators, GET|POST
 * /admin/indicators: the indicators' and sectors' targets.
 */
void	 h_admin_targets(struct req *);
void	 h_admin_target_put(struct req *);
void	 h_admin_targets_page(struct req *);
void	 h_admin_targets_post(struct req *);
/* h_surveypage.c: /admin/surveys, /admin/surveys/<id> (GET, POST). */
void	 h_admin_surveys_page(struct req *);
void	 h_admin_survey_page(struct req *);
void	 h_admin_survey_post(struct req *);
/*
 * A unit or procedure row checked against the catalogue in use and as a
 * whole new one, r->op filled to store it (with its actor): 0, or -1
 * with the status and why. After the writer: h_catalog_commit() swaps
 * the catalogue in; 0, or -1 with the status and why.
 */
int	 h_catalog_prepare(struct req *, const struct catrow *, int replace,
	    unsigned *status, char *why, size_t whylen);
int	 h_catalog_commit(struct req *, unsigned *status, char *why,
	    size_t whylen);
/*
 * The audit entries the request's filters (action, who, from, to,
 * limit, before) pick, newest first, as audit_entry_json() objects
 * (*entries, the caller's) and the cursor of the next page ("" none).
 * 0, or -1 with the reply set (400 naming the bad filter).
 */
int	 h_admin_audit_collect(struct req *, struct json_t **entries,
	    char *next, size_t nextlen);
/* h_adminpage.c: the /admin pages. */
void	 h_admin_home(struct req *);
void	 h_admin_units_page(struct req *);
void	 h_admin_units_post(struct req *);
void	 h_admin_unit_page(struct req *);
void	 h_admin_unit_post(struct req *);
void	 h_admin_keys_page(struct req *);
void	 h_admin_keys_post(struct req *);
void	 h_admin_key_revoke(struct req *);
void	 h_admin_users_page(struct req *);
void	 h_admin_users_post(struct req *);
void	 h_admin_user_disable(struct req *);
void	 h_admin_audit_page(struct req *);
/* For the admin pages of other files: the context of a page of part
 * (ap_ctx), rendering it (consumes ctx), a refusal's words, the units of
 * r's subtree as options (sel selected), a form's fields but csrf as a
 * JSON object (NULL with why when repeated or malformed). */
struct json_t	*h_adminpage_ctx(struct req *, const char *title,
		    const char *part);
void		 h_adminpage_render(struct req *, unsigned status,
		    struct json_t *ctx);
void		 h_adminpage_error(struct json_t *ctx, const char *why);
/* A refused /admin page (http_fail() for the console): the console's
 * frame, a title for status and why in Vietnamese, a way back. */
void		 h_adminpage_fail(struct req *, unsigned status,
		    const char *why);
struct json_t	*h_adminpage_units(struct req *, const char *sel);
struct json_t	*h_adminpage_form(struct req *, char *why, size_t whylen);
const char	*h_adminpage_str(struct json_t *, const char *key);
/* h_kioskadmin.c: kiosks in the admin API. */
void	 h_admin_kiosks(struct req *);
void	 h_admin_kiosk_add(struct req *);
void	 h_admin_kiosk_revoke(struct req *);
/*
 * The kiosks and pending codes of r's subtree as JSON arrays (the
 * caller's), times local for a page or ISO 8601 UTC: 0, or -1 when the
 * store cannot be read.
 */
int	 h_kiosks_collect(struct req *, int local, struct json_t **kiosks,
	    struct json_t **pending);
/*
 * r->op filled to store a new enrolment code for rq (with its actor),
 * the code itself in r->sf.comment until the reply (zero it there): 0,
 * or -1 with the status (422, 403 outside r's subtree) and why.
 */
struct kiosk_add_req;
int	 h_kiosk_enrol_prepare(struct req *, const struct kiosk_add_req *rq,
	    unsigned *status, char *why, size_t whylen);
/* The kiosk page's address with #enrol=code on the public base URL. */
void	 h_kiosk_enrol_url(struct req *, const char *code, char *out,
	    size_t outlen);
/*
 * r->op filled to revoke the kiosk whose key id is r->arg (hex): 0, or
 * -1 with the status (404 no such kiosk, 403 outside r's subtree) and
 * why.
 */
int	 h_kiosk_revoke_prepare(struct req *, unsigned *status, char *why,
	    size_t whylen);
/* h_totppage.c: an admin's one-time codes in the console. */
void	 h_admin_account_page(struct req *);
void	 h_admin_totp_new(struct req *);
void	 h_admin_totp_confirm(struct req *);
void	 h_admin_user_totp_off(struct req *);
/* h_kioskpage.c: /admin/kiosks. */
void	 h_admin_kiosks_page(struct req *);
void	 h_admin_kiosks_post(struct req *);
void	 h_admin_kiosk_revoke_post(struct req *);
/* h_procpage.c: the procedures page and withdrawals. */
void	 h_admin_procs_page(struct req *);
void	 h_admin_procs_post(struct req *);
void	 h_admin_proc_page(struct req *);
void	 h_admin_proc_post(struct req *);
void	 h_admin_proc_withdraw_post(struct req *);
void	 h_admin_proc_withdraw(struct req *);
/* h_unitimport.c: the unit list imported from CSV. */
void	 h_admin_units_import_page(struct req *);
void	 h_admin_units_import_post(struct req *);
void	 h_admin_units_import(struct req *);
void	 h_admin_procs_import_page(struct req *);
void	 h_admin_procs_import_post(struct req *);
void	 h_admin_procs_import(struct req *);
/* The unit page of the path's unit again, with a refusal. */
void	 h_admin_unit_page_error(struct req *, unsigned status,
	    const char *why);
/* h_unitretire.c: retiring a unit (API and console). */
void	 h_admin_unit_retire(struct req *);
void	 h_admin_unit_retire_post(struct req *);
/*
 * The unit page's retirement part for u: {"retired": {...}} when it is,
 * {"retire": {"successors", "today"}} when r may retire it, else {}.
 */
struct json_t *h_unitretire_ctx(struct req *, const struct unit *u);
/* Who r is, for the audit log. */
void	 h_admin_actor(const struct req *, struct actor *);
/* 1 when r (its unit) may see or change things of unit. */
int	 h_admin_may(const struct req *, const char *unit);
void	 h_signin_show(struct req *);
void	 h_signin_post(struct req *);
void	 h_signout(struct req *);

/*
 * h_kiosk.c: the kiosk's files, enrolment, pairing, its answers and its
 * queue reports.
 *
 * Dating: a kiosk answer is dated by the server's clock minus "waited",
 * the seconds it spent in the kiosk's queue; the kiosk's own clock
 * (answered_at) dates nothing. The server remembers, per kiosk key and in
 * memory, the kiosk's last contact (any request with its key, the long
 * poll included). An online kiosk asks again within KIOSK_SILENCE_SEC
 * of its last request, or of the end of its long poll (which it asks
 * again at once); a longer silence is an outage, and [last contact,
 * reconnection] the kiosk's latest outage window. (A network lost while
 * a long poll is parked is seen only when the poll was due to end.) A wait of at most WAIT_SLACK_SEC is taken as
 * given; a longer one must date the answer inside the latest outage
 * window (from WAIT_SLACK_SEC before its start, so that an answer whose
 * first send failed still fits), else it claims a time when the kiosk
 * was online and is not taken: the answer is dated at its arrival, and
 * a walk-in is flagged suspect. A kiosk the server has no record of
 * (after a restart, or a new key) gets one back-window of ANSWER_AGE_MAX
 * before its first contact. A ticket answer is never dated before its
 * ticket's issue. An answer dated in a closed month (util.h,
 * month_closes()) is refused with 422.
 *
 * The walk-in guard (per kiosk, in memory, on those server dates): a
 * walk-in not at least WALKIN_GAP_SEC after the kiosk's previous stored
 * one (so strictly in queue order, at most one per WALKIN_GAP_SEC also
 * when a queue is sent after an outage) is ignored; a walk-in whose
 * overall rating is that of WALKIN_BURST - 1 others stored within
 * WALKIN_BURST_SEC before it is stored flagged suspect, whatever other
 * ratings came between them: the guard keeps, for each rating, the
 * dates of the last WALKIN_BURST - 1 walk-ins that gave it. Walk-ins have no
 * procedure: stored under the kiosk's unit with the sector WALKIN_SECTOR
 * (none), they count in the unit's totals and in no sector
 * (response_agg_sector()).
 */
#define WALKIN_GAP_SEC		4
#define WALKIN_BURST		5
#define WALKIN_BURST_SEC	60
#define WALKIN_SECTOR		""
#define KIOSK_GUARD_MAX		1024	/* kiosks remembered */
#define KIOSK_SILENCE_SEC	5	/* past a request's due: an outage */
#define WAIT_SLACK_SEC		10
#define ANSWER_AGE_MAX		(7 * 86400)
void	 h_kiosk_static(struct req *);
void	 h_survey_def(struct req *);
void	 h_kiosk_enrol(struct req *);
void	 h_kiosk_next(struct req *);
void	 h_responses_post(struct req *);
void	 h_kiosk_status(struct req *);

/* h_counter.c: the counter page and the ESC/POS slip. */
void	 h_counter_page(struct req *);
void	 h_ticket_escpos(struct req *);

/*
 * What the handlers keep in memory while a server runs (sessions, the
 * kiosks' pairing and guards, the catalogue as JSON), in struct app:
 * made by whoever serves, before the first request, and freed after the
 * last; h_state_stop() first releases the kiosks' long polls.
 */
int	 h_state_init(struct app *);
void	 h_state_stop(struct app *);
void	 h_state_free(struct app *);
/* h_kiosk.c and h_meta.c: their parts of it. */
struct kiosk_guards *h_kiosk_guards_new(void);
void	 h_kiosk_guards_free(struct kiosk_guards *);
int	 h_meta_render(const struct app *, const struct catalog *,
	    char **units, char **procs, char **services);
/*
 * Loads the catalogue again (schema/ and the store's rows), checks it,
 * and makes it the one in use with its JSON; the old one is freed when
 * no request can hold it (catswap.h). Changes are serialised, and each
 * reads the store after the one before it: the last swap holds every
 * committed row. 0, or -1 with why (the one in use stays).
 */
int	 h_state_catalog_reload(struct app *, char *why, size_t whylen);
/*
 * The same for the surveys and indicators (schema/'s files, the newest
 * stored version of each survey over its file) and what is compiled
 * from them (pages, the kiosk's definitions). 0, or -1 with why
 * ("path:line: reason"; the ones in use stay).
 */
int	 h_state_schema_reload(struct app *, char *why, size_t whylen);

/*
 * A page asking for a key, for a browser that reached a page it needs to
 * be signed in for (status 401) or whose key's role may not see it (403).
 */
void	 h_signin_page(struct req *, unsigned status);

#endif
