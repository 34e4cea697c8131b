/*
 * page.h: the HTML pages a citizen or a clerk sees, rendered from
 * templates/ with texts from the survey, the catalogue and
 * templates/strings.ini (the interface words in vi, en, km).
 * Every page is one self-contained document (CSS inline, no script
 * needed, no external asset).
 */
#ifndef PAGE_H
#define PAGE_H

#include <jansson.h>

#include "buf.h"
#include "catalog.h"
#include "hl.h"
#include "model.h"
#include "survey.h"

#define PAGE_MAX	(256u * 1024)
#define PAGE_ACCEPT_LANG_MAX	1024	/* longer headers are ignored */
#define PAGE_ACCEPT_ITEMS_MAX	32	/* Accept-Language items read */
#define PAGE_STRINGS_MAX	(64u * 1024)	/* strings.ini */
#define PAGE_STRINGS_KEY_MAX	63
#define PAGE_CODE_SHOWN		16	/* characters of a typed code shown back */

struct pages;
struct tpl;

/*
 * Loads templates from tpl_dir and its strings.ini; 0 or -1 with why.
 * catp: where the catalogue in use is (the app's, swapped while a
 * server runs), read at every lookup.
 */
int	 page_init(struct pages **, const char *tpl_dir,
	    const struct surveys *, struct catalog *_Atomic *catp,
	    char *why, size_t whylen);
void	 page_free(struct pages *);

/*
 * A template compiled by page_init (any of templates/, e.g. "report",
 * "signin", "counter"), or NULL; lives as long as the pages.
 */
const struct tpl *page_tpl(const struct pages *, const char *name);

/*
 * One interface text of strings.ini in lang ("" when key is unknown);
 * borrowed, lives as long as the pages. E.g. "home_code_error".
 */
const char *page_text(const struct pages *, enum lang, const char *key);

/*
 * The texts of nkeys keys of strings.ini in lang, as a new JSON object
 * {key: text} (the caller's: json_decref), or NULL with why when a key is
 * not there.
 */
json_t	*page_strings(const struct pages *, enum lang,
	    const char *const *keys, size_t nkeys, char *why, size_t whylen);

/*
 * Language of a page: ?lang= when given and known, else the first known
 * language of an Accept-Language header (q-values respected), else
 * Vietnamese. Both arguments untrusted, may be NULL.
 */
enum lang page_lang(const char *query_lang, const char *accept_language);

/*
 * The survey of ticket t reached through token, in lang. action is the
 * form's target path. error, when not NULL, is shown above the form
 * (a reason from survey_check(), already in lang) and prev, when not
 * NULL, pre-fills the answers given. skip, when not NULL, is a question
 * not asked (app_ticket_ask()); stage, the stage of its dossier the
 * ticket asks at, picks the survey's intro for it when it has one.
 */
int	 page_survey(const struct pages *, struct buf *out,
	    const struct ticket *t, const char *token, enum lang lang,
	    const char *error, const struct answer *prev, size_t nprev,
	    const char *comment, const char *skip, int stage);

enum page_msg {
	MSG_THANKS,		/* 200 after an answer */
	MSG_ANSWERED,		/* 409 */
	MSG_EXPIRED,		/* 410 */
	MSG_NOT_FOUND,		/* 404: unknown or forged token */
	MSG_BAD_REQUEST,	/* 400/413/415/422 on a form */
	MSG_UNAVAILABLE,	/* 503 */
	MSG_ERROR		/* 500 */
};
int	 page_message(const struct pages *, struct buf *out, enum lang,
	    enum page_msg);

/*
 * The thank-you page after an answer to ticket t with overall level
 * overall. At SURVEY_LOW_LEVEL or below it adds a next step: the hotline
 * of the ticket's unit (or of its nearest parent that has one, from
 * units.csv) and how to complain through the national portal.
 */
int	 page_thanks(const struct pages *, struct buf *out, enum lang,
	    const struct ticket *t, int overall, json_t *followup);
/*
 * The page of a ticket answered before (status 409). followup, when not
 * NULL, is the follow-up part of both pages (templates/followup.html:
 * the form to file a complaint, or what was filed and the unit's
 * answer); h_followup.c builds it.
 */
int	 page_answered(const struct pages *, struct buf *out, enum lang,
	    const struct ticket *t, json_t *followup);
/* The same page just after a complaint or request was filed: thanked,
 * not told the ticket was used. */
int	 page_filed(const struct pages *, struct buf *out, enum lang,
	    const struct ticket *t, json_t *followup);

/*
 * The receipt slip for roll paper width_mm (PAGE_SLIP_58 or PAGE_SLIP_80)
 * wide: QR (inline SVG of url), the short address "<site>/c" and the
 * code under it, procedure, unit, issue and expiry dates, the
 * instructions in Vietnamese and one line in Khmer. The page is as long
 * as its content (an estimate from the texts' lengths, on the generous
 * side), so that a roll printer cuts under it. Returns 0, or -1 (width
 * or render).
 */
#define PAGE_SLIP_58	58
#define PAGE_SLIP_80	80
int	 page_slip(const struct pages *, struct buf *out,
	    const struct ticket *t, const char *url, const char *code,
	    const char *qr_svg, int width_mm);
/* The slip's page height in mm for these texts (what page_slip uses). */
int	 page_slip_height(int width_mm, const char *procedure,
	    const char *unit, const char *site);

/*
 * The start page: the agency (the unit tree's root) and its hotline, what
 * hailong is and a box to type a receipt's code. error, when not NULL, is
 * shown above the box; code (untrusted, may be NULL) is what was typed:
 * its letters, digits, '-' and spaces, at most PAGE_CODE_SHOWN of them,
 * are put back in the box and kept by the language switch.
 */
int	 page_home(const struct pages *, struct buf *out, enum lang,
	    const char *error, const char *code);

#endif
