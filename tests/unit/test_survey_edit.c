/*
 * test_survey_edit.c: every shipped survey, as JSON and back through a
 * draft, is written as a file that reads as the same survey (nothing
 * differs but the version); a draft that removes or reorders an option
 * or a question, lacks a language or a text, or has a word no line can
 * hold is refused with a reason; texts are trimmed and joined as the
 * file would read them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "survey_edit.h"
#include "util.h"

static struct surveys	 set;

static int
setup(void **state)
{
	char	 why[256];

	(void)state;
	if (surveys_load(HL_SRCDIR "/schema", &set, why, sizeof(why)) != 0) {
		fprintf(stderr, "%s\n", why);
		return (-1);
	}
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	surveys_clear(&set);
	return (0);
}

static enum hl_rc
draft(const struct survey *cur, json_t *j, struct survey **sp, char *why,
    size_t whylen)
{
	char		*text = NULL;
	size_t		 len;
	enum hl_rc	 rc;

	rc = survey_edit_draft(cur, j, &text, &len, sp, why, whylen);
	if (rc == HL_OK) {
		assert_non_null(text);
		assert_int_equal(strlen(text), len);
	} else
		assert_null(text);
	free(text);
	return (rc);
}

static void
test_round_trip(void **state)
{
	struct survey	*d;
	json_t		*j, *before, *after;
	char		 why[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < set.n; i++) {
		j = survey_edit_json(set.s[i]);
		assert_int_equal(draft(set.s[i], j, &d, why, sizeof(why)),
		    HL_OK);
		assert_int_equal(d->version, set.s[i]->version + 1);
		survey_edit_diff(set.s[i], d, &before, &after);
		assert_int_equal(json_object_size(json_object_get(before,
		    "texts")), 0);
		assert_int_equal(json_object_size(json_object_get(after,
		    "texts")), 0);
		json_decref(before);
		json_decref(after);
		survey_free(d);
		json_decref(j);
	}
}

static json_t *
question(json_t *j, size_t i)
{
	return (json_array_get(json_object_get(j, "questions"), i));
}

static void
test_edits(void **state)
{
	const struct survey	*cur = set.s[0];
	struct survey		*d;
	json_t			*j, *before, *after, *o, *opts;
	char			 why[256];

	(void)state;
	j = survey_edit_json(cur);
	json_object_set_new(json_object_get(json_object_get(j, "texts"),
	    "title"), "km", json_string("  ចំណងជើង\n  ថ្មី  "));
	opts = json_object_get(question(j, 1), "options");
	json_array_append_new(opts, json_pack("{s:s,s:{s:s,s:s,s:s}}", "id",
	    "new_opt", "text", "vi", "Mới", "en", "New", "km", "ថ្មី"));
	o = json_pack("{s:s,s:s,s:{s:s,s:s,s:s},s:[{s:s,s:{s:s,s:s,s:s}},"
	    "{s:s,s:{s:s,s:s,s:s}}]}", "id", "new_q", "kind", "choice", "text",
	    "vi", "Câu mới?", "en", "New?", "km", "ថ្មី?", "options", "id", "a",
	    "text", "vi", "A", "en", "A", "km", "A", "id", "b", "text", "vi",
	    "B", "en", "B", "km", "B");
	json_array_append_new(json_object_get(j, "questions"), o);
	assert_int_equal(draft(cur, j, &d, why, sizeof(why)), HL_OK);
	assert_string_equal(d->title.s[LANG_KM], "ចំណងជើង ថ្មី");
	assert_int_equal(d->nquestions, cur->nquestions + 1);
	assert_int_equal(d->questions[1].noptions,
	    cur->questions[1].noptions + 1);
	survey_edit_diff(cur, d, &before, &after);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(after, "texts"), "title.km")), "ចំណងជើង ថ្មី");
	assert_non_null(json_object_get(json_object_get(after, "texts"),
	    "question.new_q.text.vi"));
	assert_null(json_object_get(json_object_get(before, "texts"),
	    "question.new_q.text.vi"));
	json_decref(before);
	json_decref(after);
	survey_free(d);
	json_decref(j);
}

static void
refused(json_t *j, enum hl_rc want, const char *reason)
{
	struct survey	*d = NULL;
	char		 why[256] = "";

	assert_int_equal(draft(set.s[0], j, &d, why, sizeof(why)), want);
	assert_null(d);
	if (strstr(why, reason) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", why, reason);
	json_decref(j);
}

static void
test_hostile(void **state)
{
	const struct survey	*cur = set.s[0];
	json_t			*j, *opts;
	char			 big[2000];

	(void)state;
	/* An option removed, or two swapped. */
	j = survey_edit_json(cur);
	opts = json_object_get(question(j, 1), "options");
	json_array_remove(opts, json_array_size(opts) - 1);
	refused(j, HL_INVALID, "không được bỏ phương án");
	j = survey_edit_json(cur);
	opts = json_object_get(question(j, 1), "options");
	json_array_insert(opts, 0, json_array_get(opts, 1));
	json_array_remove(opts, 2);
	refused(j, HL_INVALID, "đổi chỗ phương án");
	/* A question removed, or two swapped. */
	j = survey_edit_json(cur);
	json_array_remove(json_object_get(j, "questions"), 1);
	refused(j, HL_INVALID, "không được bỏ câu hỏi");
	j = survey_edit_json(cur);
	opts = json_object_get(j, "questions");
	json_array_insert(opts, 1, json_array_get(opts, 2));
	json_array_remove(opts, 3);
	refused(j, HL_INVALID, "đổi chỗ câu hỏi");
	/* A language missing or empty. */
	j = survey_edit_json(cur);
	json_object_del(json_object_get(json_object_get(j, "texts"), "intro"),
	    "km");
	refused(j, HL_INVALID, "thiếu bản tiếng Khmer");
	j = survey_edit_json(cur);
	json_object_set_new(json_object_get(question(j, 0), "text"), "en",
	    json_string("   "));
	refused(j, HL_INVALID, "thiếu bản tiếng Anh");
	/* Too long, or a word no line holds. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	j = survey_edit_json(cur);
	json_object_set_new(json_object_get(json_object_get(j, "texts"),
	    "thanks"), "vi", json_string(big));
	refused(j, HL_INVALID, "dài quá");
	big[300] = '\0';
	j = survey_edit_json(cur);
	json_object_set_new(json_object_get(json_object_get(j, "texts"),
	    "thanks"), "vi", json_string(big));
	refused(j, HL_INVALID, "một từ quá dài");
	/* Bad ids, a second multi, a stale version. */
	j = survey_edit_json(cur);
	json_array_append_new(json_object_get(question(j, 1), "options"),
	    json_pack("{s:s,s:{s:s,s:s,s:s}}", "id", "Bad-Id", "text", "vi",
	    "x", "en", "x", "km", "x"));
	refused(j, HL_INVALID, "a-z, 0-9");
	j = survey_edit_json(cur);
	json_array_append_new(json_object_get(j, "questions"),
	    json_pack("{s:s,s:s,s:{s:s,s:s,s:s},s:[]}", "id", "more", "kind",
	    "multi", "text", "vi", "x", "en", "x", "km", "x", "options"));
	refused(j, HL_INVALID, "multi");
	j = survey_edit_json(cur);
	json_object_set_new(j, "version", json_integer(cur->version - 1));
	refused(j, HL_CONFLICT, "phiên bản hiện hành");
	j = survey_edit_json(cur);
	json_object_set_new(json_object_get(json_object_get(j, "texts"),
	    "title"), "vi", json_string("a ; b"));
	refused(j, HL_INVALID, "dấu ;");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_edits),
		cmocka_unit_test(test_hostile),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
