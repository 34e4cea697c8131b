/*
 * json_in.h: JSON request bodies (jansson) into fixed structs. Duplicate
 * keys, unknown keys, wrong types and over-long strings are rejected.
 */
#ifndef JSON_IN_H
#define JSON_IN_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "dossier.h"
#include "hl.h"
#include "contact.h"
#include "model.h"

#define JSON_BODY_MAX	(16u * 1024)
#define JSON_DEPTH_MAX	8

struct ticket_req {
	char	 procedure[PROC_CODE_MAX + 1];
	char	 unit[UNIT_CODE_MAX + 1];
	char	 handling_unit[UNIT_CODE_MAX + 1];	/* "" when absent */
	char	 sector[SECTOR_CODE_MAX + 1];		/* "" when absent */
	char	 counter[COUNTER_MAX + 1];		/* "" when absent */
	int	 has_case;
	size_t	 case_len;
	char	 caseref[CASE_MAX + 1];
	char	 survey[SURVEY_ID_MAX + 1];		/* "" when absent */
	char	 service[SERVICE_CODE_MAX + 1];		/* "" when absent */
	char	 stage[STAGE_NAME_MAX + 1];		/* "" when absent */
};

/*
 * {"procedure": s, "unit": s, "handling_unit": s?, "sector": s?,
 *  "case": s?, "counter": s or integer?, "survey": s?, "service": s?,
 *  "stage": s?}; stage is checked by app_ticket_prepare() (it needs a
 *  case).
 * procedure may be left out when survey or service is given (a service
 * survey's ticket: app_ticket_prepare() checks the rest).
 * Returns HL_OK; HL_MALFORMED (400) when the body is not a JSON object
 * (syntax, duplicate keys, nesting deeper than JSON_DEPTH_MAX);
 * HL_INVALID (422) for unknown keys, wrong types, missing procedure or
 * unit, empty or over-long values, control characters. why names the
 * field and the rule, never echoes the value.
 */
enum hl_rc json_in_ticket(const char *body, size_t len,
	    struct ticket_req *out, char *why, size_t whylen);

/* An event of the one-stop software (POST /api/v1/dossiers). */
struct dossier_req {
	struct dossier_ev ev;
	size_t	 case_len;
	char	 caseref[CASE_MAX + 1];
};

/*
 * {"case": s, "unit": s, "handling_unit": s?, "procedure": s,
 *  "event": s, "at": time, "due": time?}; times are ISO 8601 with a
 * zone or seconds since 1970, as answered_at. Errors as
 * json_in_ticket(); the event's sequence is checked by the writer
 * (dossier_event_apply()), the unit by the handler.
 */
enum hl_rc json_in_dossier(const char *body, size_t len,
	    struct dossier_req *out, char *why, size_t whylen);

/* {"code": s}: a kiosk's one-time enrolment code, as typed. */
#define ENROL_CODE_IN_MAX	32

struct enrol_req {
	char	 code[ENROL_CODE_IN_MAX + 1];
	size_t	 len;
};

/*
 * {"code": s}. HL_MALFORMED as json_in_ticket(); HL_INVALID for a
 * missing, empty, over-long or non-string code or another key.
 */
enum hl_rc json_in_enrol(const char *body, size_t len,
	    struct enrol_req *out, char *why, size_t whylen);

/* A kiosk's answer (POST /api/v1/responses). */
#define IDEM_KEY_MIN		16
#define IDEM_KEY_MAX		64
#define RESPONSE_TOKEN_MAX	64
#define RESPONSE_CHOICES_MAX	16	/* single-choice answers */
#define RESPONSE_REASONS_MAX	16
#define ANSWERED_AT_MAX		40	/* bytes of the ISO 8601 form */
#define RESPONSE_WAIT_MAX	(40 * 86400)	/* seconds in a kiosk's queue */

struct response_choice {
	char	 q[QUESTION_ID_MAX + 1];
	char	 option[QUESTION_ID_MAX + 1];
};

struct response_req {
	char			 idem[IDEM_KEY_MAX + 1];
	size_t			 idem_len;
	int			 has_token;
	char			 token[RESPONSE_TOKEN_MAX + 1];
	size_t			 token_len;
	int			 overall;		/* 1..5 */
	size_t			 nchoices;
	struct response_choice	 choices[RESPONSE_CHOICES_MAX];
	size_t			 nreasons;
	char			 reasons[RESPONSE_REASONS_MAX][QUESTION_ID_MAX + 1];
	size_t			 comment_len;		/* 0 when absent */
	char			 comment[COMMENT_BYTES_MAX + 1];
	int			 lang;			/* -1 when absent */
	int			 has_answered;
	int64_t			 answered;		/* seconds */
	int64_t			 waited;		/* 0 when absent */
	/* A complaint or request filed at the kiosk's last screen. */
	int			 has_followup;
	int			 fu_kind;		/* enum followup_kind */
	size_t			 fu_text_len;
	char			 fu_text[FOLLOWUP_TEXT_MAX + 1];
	char			 fu_phone[CONTACT_PHONE_MAX + 1]; /* "" none */
};

/*
 * {"idempotency_key": [A-Za-z0-9_-]{16,64}, "token": s?,
 *  "answers": {"overall": 1..5, "<question>": "<option>", ...,
 *  "reasons": ["<option>", ...]?}, "comment": s?, "lang": "vi|en|km"?,
 *  "answered_at": ISO 8601 with a zone (Z or +HH:MM) or unix seconds?,
 *  "waited": 0..RESPONSE_WAIT_MAX?, "followup": {"text": s, "kind":
 *  "complaint|request"?, "phone": s?, "consent": true?}?}. followup is a
 * complaint or request filed with the answer (text 1 to
 * FOLLOWUP_TEXT_CHARS characters; a phone number only with "consent":
 * true, in contact_phone()'s spelling). waited is the whole seconds the
 * answer spent in the kiosk's queue; answered_at is the kiosk's clock,
 * checked for its shape only (the server dates answers, h.h).
 * Only shapes and limits are checked here: question and option ids are
 * [a-z0-9_]{1,23} but matched against the survey by the caller. Returns
 * as json_in_ticket(); a reason is repeated or too many -> HL_INVALID.
 */
enum hl_rc json_in_response(const char *body, size_t len,
	    struct response_req *out, char *why, size_t whylen);

/* A kiosk's report of its queue (POST /api/v1/kiosk/status). */
#define KIOSK_COUNT_MAX		1000000

struct kiosk_status_req {
	int64_t	 queued;	/* answers waiting to be sent */
	int64_t	 refused;	/* answers the server refused for good */
	int64_t	 held;		/* answers of an earlier enrolment, kept */
	char	 app[KIOSK_APP_MAX + 1];	/* its app's version, or "" */
};

/* A kiosk to enrol (POST /api/v1/admin/kiosks). */
struct kiosk_add_req {
	char	 unit[UNIT_CODE_MAX + 1];
	char	 counter[COUNTER_MAX + 1];
	char	 name[KEY_NAME_MAX + 1];
};

/*
 * {"unit": s, "counter": s, "name": s}: unit a code, counter and name
 * text (no control characters), each required. Returns as
 * json_in_enrol().
 */
enum hl_rc json_in_kiosk_add(const char *body, size_t len,
	    struct kiosk_add_req *out, char *why, size_t whylen);

/*
 * {"queued": n, "refused": n, "held": n?, "app": s?}, each count a whole
 * number from 0 to KIOSK_COUNT_MAX, app the kiosk app's version (1 to
 * KIOSK_APP_MAX bytes of text). Returns as json_in_enrol().
 */
enum hl_rc json_in_kiosk_status(const char *body, size_t len,
	    struct kiosk_status_req *out, char *why, size_t whylen);

/*
 * A unit or procedure as a row of units.csv or procedures.csv in JSON
 * (POST /api/v1/admin/units, /procedures): type CATROW_UNIT takes
 * {"code", "parent", "kind", "name_vi", "name_en", "name_km"?,
 * "hotline"?}
 * ("parent" "" only for the root), CATROW_PROC {"code", "sector",
 * "name_vi", "name_en", "name_km"?}; every value a string, name_km ""
 * or absent for the Vietnamese name. Checks each field alone (lengths,
 * characters); the caller checks them against the catalogue. Returns as
 * json_in_enrol(); why names the field.
 */
enum hl_rc json_in_catrow(const char *body, size_t len, char type,
	    struct catrow *out, char *why, size_t whylen);
/*
 * A retirement: {"date": "YYYY-MM-DD", "successor": CODE}, both strings,
 * no other field; date into date[11], the code into successor[]
 * (UNIT_CODE_MAX + 1). The caller checks them against the catalogue.
 */
enum hl_rc json_in_retire(const char *body, size_t len, char *date,
	    char *successor, char *why, size_t whylen);
/* A head's reply to a follow-up item (POST /api/v1/followups/<id>/reply). */
struct followup_reply_req {
	int	 state;			/* enum followup_state */
	size_t	 text_len;
	char	 text[FOLLOWUP_TEXT_MAX + 1];
};

/*
 * {"text": s?, "state": "open|answered|closed"}: text at most
 * FOLLOWUP_TEXT_CHARS characters of UTF-8 without control characters
 * but tab, CR and LF (surrounding white space kept). Returns as
 * json_in_enrol(); HL_TOO_BIG for a text over its limit.
 */
enum hl_rc json_in_followup_reply(const char *body, size_t len,
	    struct followup_reply_req *out, char *why, size_t whylen);

/* ISO 8601 "YYYY-MM-DDTHH:MM[:SS[.f]](Z|+HH:MM|+HHMM)" to seconds; 0/-1. */
int	 json_in_time(const char *s, size_t len, int64_t *t);

#endif
