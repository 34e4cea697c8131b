/*
 * h.h: the request handlers, one family per file: h_ticket.c (tickets,
 * QR codes, slips), h_survey.c (the citizen's survey, short codes, home),
 * h_meta.c (units, procedures, health).
 */
#ifndef H_H
#define H_H

#include "http.h"

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

#endif
