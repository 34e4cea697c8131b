/*
 * test_adminword.c: the console's words: kinds and roles by name (an
 * unknown one as it is), an audit entry's before and after as the fields
 * that changed (kinds, roles and times in words; a list of revoked keys
 * item by item), the checks' reasons said in Vietnamese with what was
 * typed kept, and a reason longer than the room cut, never overrun.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "adminword.h"

static void
test_words(void **state)
{
	(void)state;
	assert_string_equal(adminword_kind("ward"), "Phường");
	assert_string_equal(adminword_kind("commune"), "Xã");
	assert_string_equal(adminword_kind("lighthouse"), "lighthouse");
	assert_string_equal(adminword_role("head"), "Lãnh đạo đơn vị");
	assert_string_equal(adminword_role("operator"),
	    "Vận hành (dòng lệnh)");
	assert_string_equal(adminword_field("name_vi"), "Tên tiếng Việt");
	assert_string_equal(adminword_kind(NULL), "");
}

static const char *
field(json_t *c, size_t i, const char *k)
{
	return (json_string_value(json_object_get(json_array_get(c, i), k)));
}

static void
test_changes(void **state)
{
	json_t	*b, *a, *c;

	(void)state;
	b = json_pack("{s:s,s:s,s:s}", "code", "92-X", "kind", "commune",
	    "name_vi", "Xã A");
	a = json_pack("{s:s,s:s,s:s,s:s}", "code", "92-X", "kind", "ward",
	    "name_vi", "Phường A", "changed", "2026-12-07T23:30:05+07:00");
	c = adminword_changes(b, a);
	/* First what was changed (its code, the same on both sides). */
	assert_int_equal(json_array_size(c), 4);
	assert_string_equal(field(c, 0, "field"), "Mã");
	assert_string_equal(field(c, 0, "new"), "92-X");
	assert_true(json_is_true(json_object_get(json_array_get(c, 0),
	    "same")));
	assert_string_equal(field(c, 1, "field"), "Loại");
	assert_string_equal(field(c, 1, "old"), "Xã");
	assert_string_equal(field(c, 1, "new"), "Phường");
	assert_string_equal(field(c, 2, "old"), "Xã A");
	assert_string_equal(field(c, 3, "field"), "Đổi lúc");
	assert_string_equal(field(c, 3, "old"), "");
	assert_string_equal(field(c, 3, "new"), "07/12/2026 23:30");
	json_decref(c);
	/* A target: which one and which year, then the change. */
	json_decref(b);
	json_decref(a);
	b = json_pack("{s:s,s:s,s:i,s:f}", "kind", "indicator", "code", "tthc",
	    "year", 2026, "target", 90.0);
	a = json_pack("{s:s,s:s,s:i,s:f}", "kind", "indicator", "code", "tthc",
	    "year", 2026, "target", 92.5);
	c = adminword_changes(b, a);
	assert_int_equal(json_array_size(c), 3);
	assert_string_equal(field(c, 0, "new"), "tthc");
	assert_string_equal(field(c, 1, "field"), "Năm");
	assert_string_equal(field(c, 1, "new"), "2026");
	assert_string_equal(field(c, 2, "field"), "Chỉ tiêu (%)");
	json_decref(c);
	/* A revocation: before a list, after nothing. */
	json_decref(a);
	a = json_pack("[{s:s,s:s}]", "role", "counter", "name", "Quầy 1");
	c = adminword_changes(a, NULL);
	assert_int_equal(json_array_size(c), 2);
	assert_string_equal(field(c, 0, "old"), "Cán bộ một cửa (cấp phiếu)");
	assert_string_equal(field(c, 0, "new"), "");
	json_decref(c);
	c = adminword_changes(NULL, json_null());
	assert_int_equal(json_array_size(c), 0);
	json_decref(c);
	json_decref(a);
	json_decref(b);
}

static void
test_reasons(void **state)
{
	char	 out[200], tiny[12];

	(void)state;
	adminword_reason("parent: no unit NOPE", out, sizeof(out));
	assert_string_equal(out, "Thuộc đơn vị: không có đơn vị NOPE");
	adminword_reason("unknown field \"colour\"", out, sizeof(out));
	assert_string_equal(out, "trường không có trong biểu mẫu \"colour\"");
	adminword_reason("units.csv:12: unit 92-A is in a cycle of parents",
	    out, sizeof(out));
	assert_string_equal(out, "đơn vị 92-A nằm trong một vòng lặp đơn vị "
	    "cha");
	adminword_reason("name: 1 to 64 bytes of text", out, sizeof(out));
	assert_string_equal(out, "Tên: 1 đến 64 byte chữ");
	/* Not a phrase inside a word; an unknown rule stays. */
	adminword_reason("code: unitary, required-ish", out, sizeof(out));
	assert_string_equal(out, "Mã: unitary, required-ish");
	/* Cut short on a whole character ("ộ" is 3 bytes, "ơ" 2). */
	adminword_reason("parent: no unit NOPE", tiny, sizeof(tiny));
	assert_string_equal(tiny, "Thuộc đ");
	adminword_reason("parent: x", tiny, 6);
	assert_string_equal(tiny, "Thu");
	adminword_reason("", out, sizeof(out));
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_reasons),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
