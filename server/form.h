/*
 * form.h: application/x-www-form-urlencoded bodies into decoded fields,
 * and the survey form's fields into answers. A pure parser over a
 * complete body (the HTTP layer caps and collects it first), so that it
 * can be fuzzed alone.
 */
#ifndef FORM_H
#define FORM_H

#include <stddef.h>

#include "hl.h"
#include "survey.h"

#define FORM_BODY_MAX	(16u * 1024)
#define FORM_FIELDS_MAX	48
#define FORM_NAME_MAX	32
#define FORM_VALUE_MAX	COMMENT_BYTES_MAX

struct form_field {
	char	 name[FORM_NAME_MAX + 1];
	char	*value;		/* decoded, NUL-terminated, valid UTF-8 */
	size_t	 len;
};

struct form {
	size_t			 n;
	struct form_field	 f[FORM_FIELDS_MAX];
};

/*
 * Decodes body[0..len) ('+' is a space, %XX a byte) into f, in order.
 * Returns HL_OK; HL_MALFORMED for bad percent-encoding, a field without
 * a name, invalid UTF-8, NUL or control bytes (tab, CR, LF allowed in
 * values); HL_TOO_BIG for more than FORM_FIELDS_MAX fields, a name over
 * FORM_NAME_MAX or a value over FORM_VALUE_MAX bytes. why says which
 * field, without echoing its value. On success the caller must
 * form_clear(f); on failure f is already empty.
 */
enum hl_rc form_parse(const char *body, size_t len, struct form *f,
	    char *why, size_t whylen);
void	 form_clear(struct form *);

/* The survey form, decoded. */
struct survey_form {
	size_t		 nanswers;
	struct answer	 answers[RESPONSE_ANSWERS_MAX];
	size_t		 comment_len;
	char		 comment[COMMENT_BYTES_MAX + 1];
	int		 lang;		/* -1 when the form has none */
};

/*
 * Maps the fields of a survey form to answers of s: "overall" = 1..5;
 * a choice question's field = one of its option ids; "reasons" may repeat,
 * each an option id of the reasons question; "comment" at most
 * COMMENT_CHARS_MAX characters (empty = none); "lang" = vi|en|km. An
 * empty value means "not answered". Unknown fields, a repeated
 * single-choice field, an unknown option: HL_INVALID with why naming the
 * first such field; the other fields are still read into out, so that
 * the form can be shown again with what was sent. A comment over the
 * limit: HL_TOO_BIG, out empty. Does not check required answers:
 * survey_check() does.
 */
enum hl_rc form_survey(const struct form *f, const struct survey *s,
	    struct survey_form *out, char *why, size_t whylen);

#endif
