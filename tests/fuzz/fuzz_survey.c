#include <string.h>

#include "survey.h"
#include "util.h"
#include "fuzz.h"

/*
 * fuzz_survey.c: a survey definition through survey_load_mem() (the same
 * precheck, inih run and validation as survey_load() on a file); a
 * survey that loads is then looked up and checked against answers made
 * from its own questions.
 * Trap: a loaded survey promises every text in every language; the
 * target reads them all so that a NULL one is caught here.
 */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return (0);
}

static void
fuzz_text(const struct text *t)
{
	int	 l;

	for (l = 0; l < LANG_COUNT; l++)
		FUZZ_CHECK(t->s[l] != NULL && strlen(t->s[l]) <=
		    SURVEY_TEXT_MAX);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct survey			*s = NULL;
	const struct survey_question	*q;
	struct answer			 a[RESPONSE_ANSWERS_MAX];
	char				 why[256];
	size_t				 i, j, n = 0;

	if (survey_load_mem("fuzz.ini", (const char *)data, size, &s, why,
	    sizeof(why)) == -1) {
		FUZZ_CHECK(s == NULL);
		FUZZ_CHECK(memchr(why, '\0', sizeof(why)) != NULL);
		return (0);
	}
	FUZZ_CHECK(s->nquestions >= 1 &&
	    s->nquestions <= SURVEY_QUESTIONS_MAX);
	FUZZ_CHECK(s->overall == &s->questions[0]);
	FUZZ_CHECK(s->overall->kind == QK_SCALE);
	FUZZ_CHECK(s->overall->noptions == SURVEY_LEVELS);
	fuzz_text(&s->title);
	fuzz_text(&s->intro);
	fuzz_text(&s->comment_prompt);
	fuzz_text(&s->thanks);
	for (i = 0; i < s->nquestions; i++) {
		q = &s->questions[i];
		fuzz_text(&q->text);
		FUZZ_CHECK(q->noptions >= 1 &&
		    q->noptions <= SURVEY_OPTIONS_MAX);
		FUZZ_CHECK(survey_question(s, q->id, strlen(q->id)) == q);
		for (j = 0; j < q->noptions; j++) {
			fuzz_text(&q->options[j].label);
			FUZZ_CHECK(survey_option_level(q, q->options[j].id,
			    strlen(q->options[j].id)) == (int)j + 1);
		}
		if (n < RESPONSE_ANSWERS_MAX) {
			strlcpy(a[n].q, q->id, sizeof(a[n].q));
			a[n++].level = q == s->overall ? 1 :
			    (uint8_t)q->noptions;
		}
	}
	(void)survey_check(s, a, n, why, sizeof(why));
	survey_free(s);
	return (0);
}
