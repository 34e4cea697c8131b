/*
 * app.h: everything a running server or a command works with, opened
 * once: settings, the store and its writer, the survey, the catalogue,
 * the pages. And the domain steps the HTTP API and the commands share,
 * so that both take the same path (checks, then one writer op).
 */
#ifndef APP_H
#define APP_H

#include <limits.h>

#include "catalog.h"
#include "indicators.h"
#include "config.h"
#include "json_in.h"
#include "page.h"
#include "schema.h"
#include "store.h"
#include "survey.h"
#include "workdays.h"
#include "writer.h"

#define APP_URL_MAX	(CONFIG_URL_MAX + 4 + TOKEN_LEN)

struct webhook;

struct req;

struct app {
	struct config	 cfg;
	char		 share[PATH_MAX];	/* templates/, schema/ */
	struct store	*st;
	struct writer	*w;
	/*
	 * The surveys and indicators in use, with their pages and kiosk
	 * definitions (schema.c): swapped whole like the catalogue (SIGHUP,
	 * a survey published), the old set freed the same way.
	 */
	struct schema *_Atomic sch;
	/*
	 * The catalogue in use. While a server runs an admin's change or
	 * SIGHUP swaps it (h_state.c); the old one is freed once no
	 * request that began before the swap is left (catswap.c), so a
	 * handler may use what it read until its request completes.
	 */
	struct catalog *_Atomic cat;
	struct workdays	 wd;		/* schema/daysoff.csv */
	/* While a server runs (h_state.c): each with its own lock. */
	struct sessions	*sessions;
	struct backoff	*backoff;	/* password failures per name */
	struct pair	*pair;
	struct kiosk_guards *guards;
	/* Rendered from cat, swapped with it. */
	char *_Atomic	 units_json;	/* GET /api/v1/units */
	char *_Atomic	 procs_json;	/* GET /api/v1/procedures */
	char *_Atomic	 services_json;	/* GET /api/v1/services */
	struct catswap	*swap;		/* the catalogues replaced */
	struct keyseen	*keyseen;	/* keys' last use */
	/*
	 * The refusal page of the staff's pages (h_adminpage.c), set while
	 * serving: http_fail() renders a refused /admin or /reports page
	 * with it instead of the citizens' message page.
	 */
	void		(*admin_fail)(struct req *, unsigned status,
			    const char *why);
	struct webhook	*wh;		/* the outbox's sender, or NULL */
};

enum app_parts {
	APP_STORE = 1,		/* the data directory, read */
	APP_WRITER = 2,		/* and its writer */
	APP_SCHEMA = 4,		/* survey and catalogue */
	APP_PAGES = 8,		/* templates, the kiosk's survey definition */
	APP_CREATE = 16		/* create the data directory */
};

/*
 * Opens the parts asked for. Returns 0, or -1 with a reason for people
 * in why (file, line, what). app_close() is safe on a half-open app.
 */
int	 app_open(struct app *, const struct config *, int parts,
	    char *why, size_t whylen);
void	 app_close(struct app *);
/*
 * A new catalogue: schema/'s files with the units and procedures the
 * store holds over them (an admin's changes). 0, or -1 with why.
 */
int	 app_catalog_load(const struct app *, struct catalog **, char *why,
	    size_t whylen);
/*
 * A new set of surveys and indicators: schema/'s files with the newest
 * stored version of each survey over its file, checked against the
 * catalogue in use; with pages when the one in use has them. 0, or -1
 * with why.
 */
int	 app_schema_load(const struct app *, struct schema **, char *why,
	    size_t whylen);
/*
 * The same with draft (a survey's next version, not stored) over its
 * stored versions and file, with pages: what the console previews.
 */
int	 app_schema_preview(const struct app *, const struct survey_row *draft,
	    struct schema **, char *why, size_t whylen);
/* Tells the writer the survey and indicator ids of the set in use. */
void	 app_writer_ids(struct app *);
/*
 * Checks a new catalogue against what was loaded with the old one (the
 * services' surveys, the indicators' sectors). 0, or -1 with why.
 */
int	 app_catalog_check(const struct app *, const struct catalog *,
	    char *why, size_t whylen);

/*
 * Checks a ticket request against the catalogue and fills op with a new
 * ticket (random id, current key, issue and expiry times), issued by the
 * API key whose hash is key and whose name is key_name (its officer),
 * or by no known officer when key is NULL (the command line). Returns
 * HL_OK or HL_INVALID with why.
 */
enum hl_rc app_ticket_prepare(struct app *, const struct ticket_req *,
	    const uint8_t *key, const char *key_name, struct wop *op,
	    char *why, size_t whylen);
/*
 * What a ticket's dossier says of its survey: *stage, the stage it asks
 * at (STAGE_RETURNED without a link). "Was it on time?" (the question
 * ON_TIME_Q of sv, when sv has it): returns its option's level (1-based,
 * "yes" or "late") when the dossier was returned and its due date is
 * known, so it is filled and not asked; -1 at the other stages
 * (received, supplement, refused: no result yet to be on time), when it
 * is neither asked nor answered; 0 when it is asked.
 */
#define ON_TIME_Q	"on_time"
int	 app_ticket_ask(const struct app *, const struct survey *sv,
	    const struct ticket *t, int *stage);
/*
 * Drops from a[0..*n) any answer to ON_TIME_Q that was sent and, with a
 * level > 0 (app_ticket_ask()), puts that one in.
 */
void	 app_on_time_fill(const struct survey *sv, int level,
	    struct answer *a, size_t *n);
/*
 * What every channel's answer holds alike, filled the same way for the
 * phone and the kiosk: the channel, the survey and its version, the
 * language and the comment (cut to what a response holds). The caller
 * sets the ticket or unit, the time and the answers.
 */
void	 app_answer_prepare(const struct app *, const struct survey *,
	    struct response *, enum channel, enum lang, const char *comment,
	    size_t comment_len);
/*
 * Marks op (a WOP_ANSWER whose answers and comment are set) to open a
 * follow-up item when its overall level is at or below SURVEY_LOW_LEVEL
 * and it has a comment: the phone's and the kiosk's rule alike.
 */
void	 app_answer_followup(const struct survey *, struct wop *op);
/* 1 when follow-ups' events go to a webhook ([webhook] url or unit). */
int	 app_webhooks_on(const struct app *);
/*
 * The survey a ticket's answers go to (the procedure survey for a ticket
 * of a survey no longer loaded), and the one a unit's kiosk asks
 * walk-ins (by its kind).
 */
const struct survey *app_ticket_survey_of(const struct app *,
	    const struct ticket *);
const struct survey *app_unit_survey(const struct app *, const char *unit);
/* Token, short code and survey URL of a stored ticket. */
void	 app_ticket_refs(const struct app *, const struct ticket *,
	    char token[TOKEN_LEN + 1], char code[CODE_LEN + 1],
	    char url[APP_URL_MAX + 1]);
/* The public base URL: the configured one, or http://host:port. */
void	 app_base_url(const struct app *, char *out, size_t outlen);

#endif
