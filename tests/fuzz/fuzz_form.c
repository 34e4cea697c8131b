#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "survey.h"
#include "util.h"
#include "fuzz.h"

/*
 * fuzz_form.c: a survey form body through form_parse(), form_survey()
 * against the real schema/survey.ini, then survey_check().
 * Trap: the survey is loaded once and must not be changed by any input.
 */

static struct survey	*sv;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 why[256];

	(void)argc;
	(void)argv;
	if (survey_load(HL_SRCDIR "/schema/survey.ini", &sv, why,
	    sizeof(why)) == -1) {
		fprintf(stderr, "survey_load: %s\n", why);
		exit(1);
	}
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form		 f;
	struct survey_form	*out;
	char			 why[256];
	enum hl_rc		 rc;
	size_t			 i;

	if (size > FORM_BODY_MAX)
		return (0);	/* the HTTP layer refuses it first */
	out = xmalloc(sizeof(*out));
	why[0] = '\0';
	if (form_parse((const char *)data, size, &f, why, sizeof(why)) !=
	    HL_OK) {
		FUZZ_CHECK(f.n == 0);
		FUZZ_CHECK(memchr(why, '\0', sizeof(why)) != NULL);
		goto out;
	}
	FUZZ_CHECK(f.n <= FORM_FIELDS_MAX);
	for (i = 0; i < f.n; i++) {
		FUZZ_CHECK(f.f[i].name[0] != '\0');
		FUZZ_CHECK(strlen(f.f[i].name) <= FORM_NAME_MAX);
		FUZZ_CHECK(f.f[i].len <= FORM_VALUE_MAX);
		FUZZ_CHECK(strlen(f.f[i].value) == f.f[i].len);
		FUZZ_CHECK(utf8_valid(f.f[i].value, f.f[i].len));
	}
	rc = form_survey(&f, sv, out, why, sizeof(why));
	FUZZ_CHECK(memchr(why, '\0', sizeof(why)) != NULL);
	if (rc == HL_OK || rc == HL_INVALID) {
		FUZZ_CHECK(out->nanswers <= RESPONSE_ANSWERS_MAX);
		FUZZ_CHECK(out->comment_len <= COMMENT_BYTES_MAX);
		FUZZ_CHECK(strlen(out->comment) == out->comment_len);
		FUZZ_CHECK(out->lang >= -1 && out->lang < LANG_COUNT);
		for (i = 0; i < out->nanswers; i++) {
			FUZZ_CHECK(survey_question(sv, out->answers[i].q,
			    strlen(out->answers[i].q)) != NULL);
			FUZZ_CHECK(out->answers[i].level >= 1);
		}
	}
	if (rc == HL_OK)
		(void)survey_check(sv, out->answers, out->nanswers, why,
		    sizeof(why));
	form_clear(&f);
out:
	free(out);
	return (0);
}
