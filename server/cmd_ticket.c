/*
 * cmd_ticket.c: hailong ticket — issue a ticket without a server, for a
 * counter whose network is down or for a first try.
 * Trap: the flags are turned into the API's JSON body and go through the
 * same parser, checks and writer op as POST /api/v1/tickets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app.h"
#include "cmd.h"
#include "util.h"

static int ticket_run(int, char **);

const struct cmd cmd_ticket = {
	"ticket", "issue a survey ticket for a completed procedure",
	"usage: hailong ticket --data DIR --procedure CODE --unit CODE "
	    "[--sector S]\n"
	    "         [--case REF] [--counter ID] [--handling-unit CODE] "
	    "[--base-url URL]\n"
	    "       hailong ticket --data DIR --service CODE --unit CODE "
	    "[--survey ID] ...\n"
	    "\n"
	    "Issues a ticket as POST /api/v1/tickets does (a service survey's\n"
	    "with --service, a code of schema/services.csv) and prints its\n"
	    "token, short code, survey URL and expiry. The same unit and case\n"
	    "again give the same ticket. Safe while the server runs on DIR.\n",
	ticket_run
};

static int
ticket_run(int argc, char **argv)
{
	const char	*data = NULL, *proc = NULL, *unit = NULL, *sector = NULL;
	const char	*caseref = NULL, *counter = NULL, *hunit = NULL;
	const char	*base = NULL, *file = NULL, *survey = NULL;
	const char	*service = NULL;
	const struct flag flags[] = {
		{ "data", &data }, { "procedure", &proc }, { "unit", &unit },
		{ "sector", &sector }, { "case", &caseref },
		{ "counter", &counter }, { "handling-unit", &hunit },
		{ "base-url", &base }, { "config", &file },
		{ "survey", &survey }, { "service", &service }, { NULL, NULL }
	};
	struct config		 cfg;
	struct app		 a;
	struct ticket_req	 rq;
	struct wop		 op;
	json_t			*o;
	char			*body;
	char			 why[512], token[TOKEN_LEN + 1];
	char			 code[CODE_LEN + 1], url[APP_URL_MAX + 1];
	char			 exp[32];
	enum hl_rc		 rc;

	cmd_flags(&cmd_ticket, argc, argv, flags);
	if ((proc == NULL && service == NULL) || unit == NULL)
		cmd_usage_error(&cmd_ticket, "--procedure (or --service) and "
		    "--unit are required");
	cmd_config(&cmd_ticket, &cfg, file, data, NULL, base);

	o = json_object();
	if (proc != NULL)
		json_object_set_new(o, "procedure", json_string(proc));
	json_object_set_new(o, "unit", json_string(unit));
	if (survey != NULL)
		json_object_set_new(o, "survey", json_string(survey));
	if (service != NULL)
		json_object_set_new(o, "service", json_string(service));
	if (sector != NULL)
		json_object_set_new(o, "sector", json_string(sector));
	if (caseref != NULL)
		json_object_set_new(o, "case", json_string(caseref));
	if (counter != NULL)
		json_object_set_new(o, "counter", json_string(counter));
	if (hunit != NULL)
		json_object_set_new(o, "handling_unit", json_string(hunit));
	body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (body == NULL)
		cmd_usage_error(&cmd_ticket, "flags are not valid UTF-8");
	rc = json_in_ticket(body, strlen(body), &rq, why, sizeof(why));
	free(body);
	if (rc != HL_OK)
		cmd_usage_error(&cmd_ticket, "%s", why);

	if (app_open(&a, &cfg, APP_STORE | APP_WRITER | APP_SCHEMA |
	    APP_CREATE, why, sizeof(why)) == -1)
		fatal("%s", why);
	if (app_ticket_prepare(&a, &rq, NULL, NULL, &op, why,
	    sizeof(why)) != HL_OK) {
		app_close(&a);
		cmd_usage_error(&cmd_ticket, "%s", why);
	}
	if ((rc = writer_run(a.w, &op)) != HL_OK) {
		app_close(&a);
		fatal("cannot store the ticket (%s)", rc == HL_FULL ?
		    "disk full" : "storage error");
	}
	app_ticket_refs(&a, &op.u.ticket.t, token, code, url);
	format_time(op.u.ticket.t.expires, exp);
	printf("token: %s\ncode: %s\nurl: %s\nexpires_at: %s\ncreated: %s\n",
	    token, code, url, exp, op.u.ticket.created ? "yes" : "no");
	app_close(&a);
	return (0);
}
