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
void	 h_healthz(struct req *);

/* h_report.c: monthly reports; sign-in and sign-out of browsers. */
void	 h_report_html(struct req *);
void	 h_report_json(struct req *);
void	 h_report_csv(struct req *);
void	 h_report_xlsx(struct req *);
void	 h_signin_show(struct req *);
void	 h_signin_post(struct req *);
void	 h_signout(struct req *);

/*
 * h_kiosk.c: the kiosk's files, enrolment, pairing, its answers.
 * The walk-in guard (per kiosk, in memory): a walk-in rating less than
 * WALKIN_GAP_SEC (by answered_at) from the kiosk's previous one is
 * ignored; the WALKIN_BURST-th identical overall rating within
 * WALKIN_BURST_SEC is stored flagged suspect. Walk-ins have no
 * procedure: stored with the sector WALKIN_SECTOR (none), they count in
 * the kiosk's unit's totals and in no sector (response_agg_sector()).
 * answered_at may lie
 * ANSWER_SLACK_SEC in the future and ANSWER_AGE_MAX in the past.
 */
#define WALKIN_GAP_SEC		4
#define WALKIN_BURST		5
#define WALKIN_BURST_SEC	60
#define WALKIN_SECTOR		""
#define KIOSK_GUARD_MAX		1024	/* kiosks remembered */
#define ANSWER_SLACK_SEC	60
#define ANSWER_AGE_MAX		(7 * 86400)
#define KIOSK_SECRET_BYTES	20
void	 h_kiosk_static(struct req *);
void	 h_survey_def(struct req *);
void	 h_kiosk_enrol(struct req *);
void	 h_kiosk_next(struct req *);
void	 h_responses_post(struct req *);

/* h_counter.c: the counter page and the ESC/POS slip. */
void	 h_counter_page(struct req *);
void	 h_ticket_escpos(struct req *);

/*
 * A page asking for a key, for a browser that reached a page it needs to
 * be signed in for (status 401) or whose key's role may not see it (403).
 */
void	 h_signin_page(struct req *, unsigned status);

#endif
