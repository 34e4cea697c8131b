/*
 * route.c: the route table and its matcher.
 * Trap: the QR code carries the survey URL in upper case, so "/S/..." is
 * a route as well as "/s/...".
 */
#include <string.h>

#include "h.h"
#include "route.h"
#include "store.h"
#include "unitimport.h"
#include "util.h"

/* Who reads reports: a unit-limited key or session sees its subtree. */
#define R_READ	(ROLE_VIEWER | ROLE_ADMIN | ROLE_HEAD)
/* Who handles follow-ups (followup.h says which items). */
#define R_FU	(ROLE_HEAD | ROLE_ADMIN)

static const struct route routes[] = {
	{ "GET", "/", ROLE_NONE, 0, CT_NONE, h_home, NULL },
	{ "GET", "/c", ROLE_NONE, 0, CT_NONE, h_code, NULL },
	{ "GET", "/s/*", ROLE_NONE, 0, CT_NONE, h_survey_show, NULL },
	{ "POST", "/s/*", ROLE_NONE, FORM_BODY_MAX, CT_FORM,
	    h_survey_answer, NULL },
	{ "POST", "/s/*/followup", ROLE_NONE, FORM_BODY_MAX, CT_FORM,
	    h_followup_file, NULL },
	{ "GET", "/followups", R_FU, 0, CT_NONE, h_inbox_page,
	    h_signin_page },
	{ "GET", "/followups/*", R_FU, 0, CT_NONE, h_item_page,
	    h_signin_page },
	{ "GET", "/api/v1/followups", R_FU, 0, CT_NONE, h_followups_list,
	    NULL },
	{ "GET", "/api/v1/followups/*", R_FU, 0, CT_NONE, h_followup_get,
	    NULL },
	{ "POST", "/api/v1/followups/*/reply", R_FU, API_BODY_MAX, CT_JSON,
	    h_followup_reply, NULL },
	{ "GET", "/S/*", ROLE_NONE, 0, CT_NONE, h_survey_show, NULL },
	{ "POST", "/S/*", ROLE_NONE, FORM_BODY_MAX, CT_FORM,
	    h_survey_answer, NULL },
	{ "POST", "/api/v1/tickets", ROLE_COUNTER | ROLE_ADMIN, API_BODY_MAX,
	    CT_JSON, h_ticket_issue, NULL },
	{ "POST", "/api/v1/dossiers", ROLE_COUNTER | ROLE_ADMIN, API_BODY_MAX,
	    CT_JSON, h_dossier_event, NULL },
	{ "GET", "/api/v1/tickets/*/qr.svg", ROLE_NONE, 0, CT_NONE,
	    h_ticket_qr_svg, NULL },
	{ "GET", "/api/v1/tickets/*/qr.png", ROLE_NONE, 0, CT_NONE,
	    h_ticket_qr_png, NULL },
	{ "GET", "/api/v1/tickets/*/slip", ROLE_NONE, 0, CT_NONE,
	    h_ticket_slip, NULL },
	{ "GET", "/api/v1/units", ROLE_NONE, 0, CT_NONE, h_units, NULL },
	{ "GET", "/api/v1/procedures", ROLE_NONE, 0, CT_NONE, h_procedures,
	    NULL },
	{ "GET", "/api/v1/services", ROLE_NONE, 0, CT_NONE, h_services,
	    NULL },
	{ "GET", "/healthz", ROLE_NONE, 0, CT_NONE, h_healthz, NULL },
	/* Open on loopback; else [metrics] allow (h_metrics checks). */
	{ "GET", "/metrics", ROLE_NONE, 0, CT_NONE, h_metrics, NULL },
	{ "GET", "/api/v1/tickets/*/slip.escpos", ROLE_NONE, 0, CT_NONE,
	    h_ticket_escpos, NULL },
	{ "GET", "/reports/monthly", R_READ, 0, CT_NONE,
	    h_report_html, h_signin_page },
	{ "GET", "/reports/monthly.csv", R_READ, 0, CT_NONE,
	    h_report_csv, h_signin_page },
	{ "GET", "/reports/monthly.xlsx", R_READ, 0,
	    CT_NONE, h_report_xlsx, h_signin_page },
	{ "GET", "/api/v1/reports/monthly", R_READ, 0,
	    CT_NONE, h_report_json, NULL },
	{ "GET", "/api/v1/reports/monthly.csv", R_READ, 0,
	    CT_NONE, h_report_csv, NULL },
	{ "GET", "/api/v1/reports/monthly.xlsx", R_READ, 0,
	    CT_NONE, h_report_xlsx, NULL },
	{ "GET", "/reports", R_READ, 0, CT_NONE,
	    h_report_html, h_signin_page },
	{ "GET", "/reports.csv", R_READ, 0, CT_NONE,
	    h_report_csv, h_signin_page },
	{ "GET", "/reports.xlsx", R_READ, 0, CT_NONE,
	    h_report_xlsx, h_signin_page },
	{ "GET", "/api/v1/reports", R_READ, 0, CT_NONE,
	    h_report_json, NULL },
	{ "GET", "/api/v1/reports.csv", R_READ, 0, CT_NONE,
	    h_report_csv, NULL },
	{ "GET", "/api/v1/reports.xlsx", R_READ, 0, CT_NONE,
	    h_report_xlsx, NULL },
	{ "GET", "/api/v1/admin/audit", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_audit, NULL },
	{ "GET", "/api/v1/admin/audit.csv", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_audit_csv, NULL },
	{ "GET", "/api/v1/admin/users", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_users, NULL },
	{ "GET", "/api/v1/admin/units", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_units, NULL },
	{ "POST", "/api/v1/admin/units", ROLE_ADMIN, API_BODY_MAX, CT_JSON,
	    h_admin_unit_add, NULL },
	{ "POST", "/api/v1/admin/units/import", ROLE_ADMIN, UIMPORT_BODY_MAX,
	    CT_NONE, h_admin_units_import, NULL },
	{ "POST", "/api/v1/admin/units/*/retire", ROLE_ADMIN, API_BODY_MAX,
	    CT_JSON, h_admin_unit_retire, NULL },
	{ "PUT", "/api/v1/admin/units/*", ROLE_ADMIN, API_BODY_MAX, CT_JSON,
	    h_admin_unit_change, NULL },
	{ "GET", "/api/v1/admin/procedures", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_procs, NULL },
	{ "POST", "/api/v1/admin/procedures", ROLE_ADMIN, API_BODY_MAX,
	    CT_JSON, h_admin_proc_add, NULL },
	{ "POST", "/api/v1/admin/procedures/import", ROLE_ADMIN,
	    UIMPORT_BODY_MAX, CT_NONE, h_admin_procs_import, NULL },
	{ "POST", "/api/v1/admin/procedures/*/withdraw", ROLE_ADMIN,
	    API_BODY_MAX, CT_JSON, h_admin_proc_withdraw, NULL },
	{ "PUT", "/api/v1/admin/procedures/*", ROLE_ADMIN, API_BODY_MAX,
	    CT_JSON, h_admin_proc_change, NULL },
	{ "GET", "/api/v1/admin/surveys", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_surveys, NULL },
	{ "GET", "/api/v1/admin/surveys/*", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_survey, NULL },
	{ "POST", "/api/v1/admin/surveys/*", ROLE_ADMIN, SURVEY_BODY_MAX,
	    CT_JSON, h_admin_survey_publish, NULL },
	{ "GET", "/admin/surveys", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_surveys_page, h_signin_page },
	{ "GET", "/admin/surveys/*", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_survey_page, h_signin_page },
	{ "POST", "/admin/surveys/*", ROLE_ADMIN, SURVEY_BODY_MAX, CT_FORM,
	    h_admin_survey_post, h_signin_page },
	{ "GET", "/api/v1/admin/indicators", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_targets, NULL },
	{ "PUT", "/api/v1/admin/indicators", ROLE_ADMIN, API_BODY_MAX,
	    CT_JSON, h_admin_target_put, NULL },
	{ "GET", "/admin/indicators", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_targets_page, h_signin_page },
	{ "POST", "/admin/indicators", ROLE_ADMIN, FORM_BODY_MAX, CT_FORM,
	    h_admin_targets_post, h_signin_page },
	{ "GET", "/admin", ROLE_ADMIN, 0, CT_NONE, h_admin_home,
	    h_signin_page },
	{ "GET", "/admin/units", ROLE_ADMIN, 0, CT_NONE, h_admin_units_page,
	    h_signin_page },
	{ "POST", "/admin/units", ROLE_ADMIN, FORM_BODY_MAX, CT_FORM,
	    h_admin_units_post, h_signin_page },
	{ "GET", "/admin/units/import", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_units_import_page, h_signin_page },
	{ "POST", "/admin/units/import", ROLE_ADMIN, UIMPORT_BODY_MAX,
	    CT_MULTIPART, h_admin_units_import_post, h_signin_page },
	{ "GET", "/admin/units/*", ROLE_ADMIN, 0, CT_NONE, h_admin_unit_page,
	    h_signin_page },
	{ "POST", "/admin/units/*/retire", ROLE_ADMIN, FORM_BODY_MAX, CT_FORM,
	    h_admin_unit_retire_post, h_signin_page },
	{ "POST", "/admin/units/*", ROLE_ADMIN, FORM_BODY_MAX, CT_FORM,
	    h_admin_unit_post, h_signin_page },
	{ "GET", "/admin/procedures", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_procs_page, h_signin_page },
	{ "POST", "/admin/procedures", ROLE_ADMIN, FORM_BODY_MAX, CT_FORM,
	    h_admin_procs_post, h_signin_page },
	{ "GET", "/admin/procedures/import", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_procs_import_page, h_signin_page },
	{ "POST", "/admin/procedures/import", ROLE_ADMIN, UIMPORT_BODY_MAX,
	    CT_MULTIPART, h_admin_procs_import_post, h_signin_page },
	{ "GET", "/admin/procedures/*", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_proc_page, h_signin_page },
	{ "POST", "/admin/procedures/*/withdraw", ROLE_ADMIN, FORM_BODY_MAX,
	    CT_FORM, h_admin_proc_withdraw_post, h_signin_page },
	{ "POST", "/admin/procedures/*", ROLE_ADMIN, FORM_BODY_MAX, CT_FORM,
	    h_admin_proc_post, h_signin_page },
	{ "GET", "/admin/keys", ROLE_ADMIN, 0, CT_NONE, h_admin_keys_page,
	    h_signin_page },
	{ "POST", "/admin/keys", ROLE_ADMIN, FORM_BODY_MAX, CT_FORM,
	    h_admin_keys_post, h_signin_page },
	{ "POST", "/admin/keys/*/revoke", ROLE_ADMIN, FORM_BODY_MAX, CT_FORM,
	    h_admin_key_revoke, h_signin_page },
	{ "GET", "/admin/users", ROLE_ADMIN, 0, CT_NONE, h_admin_users_page,
	    h_signin_page },
	{ "POST", "/admin/users", ROLE_ADMIN, FORM_BODY_MAX, CT_FORM,
	    h_admin_users_post, h_signin_page },
	{ "POST", "/admin/users/*/disable", ROLE_ADMIN, FORM_BODY_MAX, CT_FORM,
	    h_admin_user_disable, h_signin_page },
	{ "GET", "/api/v1/admin/kiosks", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_kiosks, NULL },
	{ "POST", "/api/v1/admin/kiosks", ROLE_ADMIN, API_BODY_MAX, CT_JSON,
	    h_admin_kiosk_add, NULL },
	{ "POST", "/api/v1/admin/kiosks/*/revoke", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_kiosk_revoke, NULL },
	{ "GET", "/admin/kiosks", ROLE_ADMIN, 0, CT_NONE, h_admin_kiosks_page,
	    h_signin_page },
	{ "POST", "/admin/kiosks", ROLE_ADMIN, FORM_BODY_MAX, CT_FORM,
	    h_admin_kiosks_post, h_signin_page },
	{ "POST", "/admin/kiosks/*/revoke", ROLE_ADMIN, FORM_BODY_MAX, CT_FORM,
	    h_admin_kiosk_revoke_post, h_signin_page },
	{ "GET", "/admin/account", ROLE_ADMIN, 0, CT_NONE,
	    h_admin_account_page, h_signin_page },
	{ "POST", "/admin/account/totp", ROLE_ADMIN, FORM_BODY_MAX, CT_FORM,
	    h_admin_totp_new, h_signin_page },
	{ "POST", "/admin/account/totp/confirm", ROLE_ADMIN, FORM_BODY_MAX,
	    CT_FORM, h_admin_totp_confirm, h_signin_page },
	{ "POST", "/admin/users/*/totp-off", ROLE_ADMIN, FORM_BODY_MAX,
	    CT_FORM, h_admin_user_totp_off, h_signin_page },
	{ "GET", "/admin/audit", ROLE_ADMIN, 0, CT_NONE, h_admin_audit_page,
	    h_signin_page },
	{ "GET", "/api/v1/evaluations", ROLE_VIEWER | ROLE_ADMIN, 0, CT_NONE,
	    h_evaluations, NULL },
	{ "GET", "/signin", ROLE_NONE, 0, CT_NONE, h_signin_show, NULL },
	{ "POST", "/signin", ROLE_NONE, FORM_BODY_MAX, CT_FORM,
	    h_signin_post, NULL },
	{ "POST", "/signout", ROLE_NONE, FORM_BODY_MAX, CT_FORM, h_signout,
	    NULL },
	{ "GET", "/counter", ROLE_COUNTER | ROLE_ADMIN, 0, CT_NONE,
	    h_counter_page, h_signin_page },
	{ "GET", "/kiosk/", ROLE_NONE, 0, CT_NONE, h_kiosk_static, NULL },
	{ "GET", "/kiosk/*", ROLE_NONE, 0, CT_NONE, h_kiosk_static, NULL },
	{ "POST", "/api/v1/kiosk/enrol", ROLE_NONE, API_BODY_MAX, CT_JSON,
	    h_kiosk_enrol, NULL },
	{ "GET", "/api/v1/kiosk/next", ROLE_KIOSK, 0, CT_NONE, h_kiosk_next,
	    NULL },
	{ "GET", "/api/v1/survey", ROLE_NONE, 0, CT_NONE, h_survey_def, NULL },
	{ "POST", "/api/v1/responses", ROLE_KIOSK, API_BODY_MAX, CT_JSON,
	    h_responses_post, NULL },
	{ "POST", "/api/v1/kiosk/status", ROLE_KIOSK, API_BODY_MAX, CT_JSON,
	    h_kiosk_status, NULL },
};

static int
route_match(const char *pat, const char *url, const char **arg,
    size_t *arglen)
{
	const char	*seg;

	while (*pat != '\0') {
		if (*pat == '*') {
			seg = url;
			while (*url != '\0' && *url != '/')
				url++;
			if (url == seg)
				return (0);
			*arg = seg;
			*arglen = (size_t)(url - seg);
			pat++;
			continue;
		}
		if (*pat != *url)
			return (0);
		pat++;
		url++;
	}
	return (*url == '\0');
}

const struct route *
route_find(const char *method, const char *url, const char **arg,
    size_t *arglen, char *allow, size_t allowlen)
{
	size_t		 i;
	const char	*m = strcmp(method, "HEAD") == 0 ? "GET" : method;

	*arg = NULL;
	*arglen = 0;
	if (allowlen > 0)
		allow[0] = '\0';
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (route_match(routes[i].path, url, arg, arglen) &&
		    strcmp(routes[i].method, m) == 0)
			return (&routes[i]);
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!route_match(routes[i].path, url, arg, arglen) ||
		    strstr(allow, routes[i].method) != NULL)
			continue;
		if (allow[0] != '\0')
			strlcat(allow, ", ", allowlen);
		strlcat(allow, routes[i].method, allowlen);
		if (strcmp(routes[i].method, "GET") == 0)
			strlcat(allow, ", HEAD", allowlen);
	}
	*arg = NULL;
	*arglen = 0;
	return (NULL);
}

size_t
route_count(void)
{
	return (sizeof(routes) / sizeof(routes[0]));
}

size_t
route_index(const struct route *rt)
{
	return (rt == NULL ? route_count() : (size_t)(rt - routes));
}

const struct route *
route_at(size_t i)
{
	return (i < route_count() ? &routes[i] : NULL);
}
