#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "tpl.h"

/*
 * test_tpl.c: the template compiler and renderer on real strings and a
 * real directory: every tag kind, escaping, the context stack, and every
 * malformed input the compiler rejects (with its line), plus the render
 * limits that keep hostile templates bounded.
 */

/* Renders src (named "t") against the JSON text ctx into a string. */
static char *
render(const char *src, const char *ctxs, int *rcp)
{
	struct tplset	*ts;
	struct buf	 b;
	json_t		*ctx = NULL;
	char		 why[256];
	int		 rc;

	ts = tpl_load_mem("t", src, strlen(src), why, sizeof(why));
	if (ts == NULL)
		fail_msg("compile failed: %s", why);
	if (ctxs != NULL) {
		ctx = json_loads(ctxs, 0, NULL);
		assert_non_null(ctx);
	}
	buf_init(&b, BUF_MAX_DEFAULT);
	rc = tpl_render(tpl_get(ts, "t"), ctx, &b);
	if (rcp != NULL)
		*rcp = rc;
	else
		assert_int_equal(rc, 0);
	json_decref(ctx);
	tpl_free(ts);
	return (buf_steal(&b, NULL));
}

static void
expect(const char *src, const char *ctx, const char *want)
{
	char	*got = render(src, ctx, NULL);

	assert_string_equal(got, want);
	free(got);
}

/* Compiling src must fail with exactly why_want. */
static void
expect_error(const char *src, const char *why_want)
{
	struct tplset	*ts;
	char		 why[256] = "";

	ts = tpl_load_mem("t.html", src, strlen(src), why, sizeof(why));
	assert_null(ts);
	assert_string_equal(why, why_want);
}

static void
t_variables(void **state)
{
	(void)state;
	expect("Hello {{name}}!", "{\"name\": \"Hà Nội\"}", "Hello Hà Nội!");
	expect("{{ name }}", "{\"name\": \"x\"}", "x");
	expect("[{{missing}}]", "{}", "[]");
	expect("{{n}} {{r}}", "{\"n\": -42, \"r\": 1.5}", "-42 1.5");
	expect("[{{b}}{{z}}{{o}}{{a}}]",
	    "{\"b\": true, \"z\": null, \"o\": {}, \"a\": [1]}", "[]");
	expect("no tags at all", "{}", "no tags at all");
	expect("", "{}", "");
	expect("a{{! a comment {{ with braces }}b", "{}", "ab");
	expect("x {{v}}", NULL, "x ");
	/* A lone brace or closing braces are plain text. */
	expect("{ } }} {x}", "{}", "{ } }} {x}");
}

static void
t_escaping(void **state)
{
	(void)state;
	expect("{{v}}", "{\"v\": \"<a href='x'>&\\\"</a>\"}",
	    "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
	expect("{{{v}}}", "{\"v\": \"<b>&'\\\"\"}", "<b>&'\"");
	expect("{{&v}}", "{\"v\": \"<b>\"}", "<b>");
	expect("{{v}}", "{\"v\": \"<script>alert(1)</script>\"}",
	    "&lt;script&gt;alert(1)&lt;/script&gt;");
}

static void
t_sections(void **state)
{
	(void)state;
	/* Arrays: once per item, the item on top of the stack. */
	expect("{{#xs}}<{{.}}>{{/xs}}", "{\"xs\": [\"a\", \"b\", 3]}",
	    "<a><b><3>");
	expect("{{#xs}}{{n}},{{/xs}}", "{\"xs\": [{\"n\": 1}, {\"n\": 2}]}",
	    "1,2,");
	expect("[{{#xs}}x{{/xs}}]", "{\"xs\": []}", "[]");
	/* Objects: pushed once. */
	expect("{{#o}}{{a}}{{/o}}", "{\"o\": {\"a\": \"in\"}}", "in");
	/* Scalars. */
	expect("[{{#b}}yes{{/b}}]", "{\"b\": true}", "[yes]");
	expect("[{{#b}}yes{{/b}}]", "{\"b\": false}", "[]");
	expect("[{{#b}}yes{{/b}}]", "{\"b\": null}", "[]");
	expect("[{{#b}}yes{{/b}}]", "{}", "[]");
	expect("[{{#s}}{{.}}{{/s}}]", "{\"s\": \"str\"}", "[str]");
	expect("[{{#s}}x{{/s}}]", "{\"s\": \"\"}", "[]");
	expect("[{{#n}}{{.}}{{/n}}]", "{\"n\": 7}", "[7]");
	expect("[{{#n}}x{{/n}}]", "{\"n\": 0}", "[]");
	/* Nested arrays. */
	expect("{{#rows}}{{#cols}}{{.}}{{/cols}};{{/rows}}",
	    "{\"rows\": [{\"cols\": [1, 2]}, {\"cols\": [3]}]}", "12;3;");
}

static void
t_inverted(void **state)
{
	(void)state;
	expect("[{{^b}}no{{/b}}]", "{}", "[no]");
	expect("[{{^b}}no{{/b}}]", "{\"b\": false}", "[no]");
	expect("[{{^b}}no{{/b}}]", "{\"b\": []}", "[no]");
	expect("[{{^b}}no{{/b}}]", "{\"b\": \"\"}", "[no]");
	expect("[{{^b}}no{{/b}}]", "{\"b\": true}", "[]");
	expect("[{{^b}}no{{/b}}]", "{\"b\": [1]}", "[]");
	expect("{{#b}}y{{/b}}{{^b}}n{{/b}}", "{\"b\": true}", "y");
}

static void
t_dotted_and_stack(void **state)
{
	(void)state;
	expect("{{a.b.c}}", "{\"a\": {\"b\": {\"c\": \"deep\"}}}", "deep");
	expect("[{{a.x.c}}]", "{\"a\": {\"b\": {\"c\": \"deep\"}}}", "[]");
	expect("[{{a.b.c}}]", "{\"a\": {\"b\": \"str\"}}", "[]");
	expect("{{#a.b}}{{c}}{{/a.b}}", "{\"a\": {\"b\": {\"c\": 1}}}", "1");
	/* Innermost context first, then outwards. */
	expect("{{#items}}{{name}}/{{label}} {{/items}}",
	    "{\"label\": \"outer\", \"name\": \"root\","
	    " \"items\": [{\"name\": \"i1\"},"
	    " {\"name\": \"i2\", \"label\": \"own\"}]}",
	    "i1/outer i2/own ");
	/* A dotted name's first part is found outwards too. */
	expect("{{#xs}}{{t.word}}{{.}} {{/xs}}",
	    "{\"t\": {\"word\": \"w\"}, \"xs\": [1, 2]}", "w1 w2 ");
	/* The innermost first part wins, even without the rest. */
	expect("{{#o}}{{t.word}}{{/o}}",
	    "{\"t\": {\"word\": \"w\"}, \"o\": {\"t\": 5}}", "");
}

static void
t_errors(void **state)
{
	char	 deep[1024];
	size_t	 i, n;

	(void)state;
	expect_error("a\nb\n{{x", "t.html:3: unterminated {{ tag");
	expect_error("\n{{{x}}", "t.html:2: unterminated {{{ tag");
	expect_error("{{}}", "t.html:1: empty tag");
	expect_error("\n\n{{#  }}{{/}}", "t.html:3: empty tag");
	expect_error("{{a b}}", "t.html:1: bad name in tag 'a b'");
	expect_error("{{a..b}}", "t.html:1: bad name in tag 'a..b'");
	expect_error("{{.a}}", "t.html:1: bad name in tag '.a'");
	expect_error("{{<x>}}", "t.html:1: bad name in tag '<x>'");
	expect_error("{{>a.b}}", "t.html:1: bad name in tag 'a.b'");
	expect_error("x\n{{/a}}", "t.html:2: {{/a}} closes no section");
	expect_error("{{#a}}\n\n{{/b}}",
	    "t.html:3: {{/b}} does not close the section opened at line 1");
	expect_error("{{#a}}{{#b}}{{/a}}{{/b}}",
	    "t.html:1: {{/a}} does not close the section opened at line 1");
	expect_error("ok\n{{#a}}\n{{^b}}{{/b}}",
	    "t.html:2: section 'a' is never closed");
	expect_error("{{=<% %>=}}",
	    "t.html:1: delimiter changes are not supported");
	expect_error("{{>nope}}\n", "t.html:1: unknown partial 'nope'");
	/* A tag spanning lines: the next tag's line counts them. */
	expect_error("{{! one\ntwo }}\n{{", "t.html:3: unterminated {{ tag");

	/* Nesting: TPL_DEPTH_MAX compiles, one more does not. */
	for (n = 0, i = 0; i < TPL_DEPTH_MAX; i++)
		n += snprintf(deep + n, sizeof(deep) - n, "{{#a}}");
	for (i = 0; i < TPL_DEPTH_MAX; i++)
		n += snprintf(deep + n, sizeof(deep) - n, "{{/a}}");
	{
		char	*got = render(deep, "{\"a\": true}", NULL);

		assert_string_equal(got, "");
		free(got);
	}
	for (n = 0, i = 0; i <= TPL_DEPTH_MAX; i++)
		n += snprintf(deep + n, sizeof(deep) - n, "{{#a}}\n");
	expect_error(deep, "t.html:17: sections nested deeper than 16");
}

static void
t_too_big(void **state)
{
	struct tplset	*ts;
	char		*big, why[128];

	(void)state;
	big = calloc(1, TPL_FILE_MAX + 2);
	assert_non_null(big);
	memset(big, 'x', TPL_FILE_MAX + 1);
	ts = tpl_load_mem("big", big, TPL_FILE_MAX + 1, why, sizeof(why));
	assert_null(ts);
	assert_non_null(strstr(why, "larger than"));
	ts = tpl_load_mem("big", big, TPL_FILE_MAX, why, sizeof(why));
	assert_non_null(ts);
	tpl_free(ts);
	free(big);
}

static void
t_render_limits(void **state)
{
	struct tplset	*ts;
	struct buf	 b;
	json_t		*ctx;
	char		 why[128];
	const char	*rec = "x{{>t}}";
	const char	*fan = "{{>t}}{{>t}}{{>t}}{{>t}}{{>t}}{{>t}}{{>t}}";
	const char	*loop = "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{.}}"
			    "{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}";
	size_t		 i;

	(void)state;
	/* A partial calling itself stops at the depth limit. */
	ts = tpl_load_mem("t", rec, strlen(rec), why, sizeof(why));
	assert_non_null(ts);
	buf_init(&b, BUF_MAX_DEFAULT);
	assert_int_equal(tpl_render(tpl_get(ts, "t"), NULL, &b), -1);
	assert_true(b.len <= TPL_DEPTH_MAX + 1);
	buf_clear(&b);
	tpl_free(ts);

	/* 7^16 calls without output: stopped by the step budget. */
	ts = tpl_load_mem("t", fan, strlen(fan), why, sizeof(why));
	assert_non_null(ts);
	assert_int_equal(tpl_render(tpl_get(ts, "t"), NULL, &b), -1);
	buf_clear(&b);
	tpl_free(ts);

	/* 200^5 iterations over one array: stopped too. */
	ctx = json_object();
	json_object_set_new(ctx, "a", json_array());
	for (i = 0; i < 200; i++)
		json_array_append_new(json_object_get(ctx, "a"),
		    json_integer(1));
	ts = tpl_load_mem("t", loop, strlen(loop), why, sizeof(why));
	assert_non_null(ts);
	assert_int_equal(tpl_render(tpl_get(ts, "t"), ctx, &b), -1);
	buf_clear(&b);
	tpl_free(ts);
	json_decref(ctx);

	/* The buffer's cap. */
	ts = tpl_load_mem("t", "0123456789{{v}}", 15, why, sizeof(why));
	assert_non_null(ts);
	ctx = json_pack("{s:s}", "v", "<<<<");
	buf_init(&b, 12);
	assert_int_equal(tpl_render(tpl_get(ts, "t"), ctx, &b), -1);
	assert_true(b.overflow);
	buf_clear(&b);
	buf_init(&b, 30);
	assert_int_equal(tpl_render(tpl_get(ts, "t"), ctx, &b), 0);
	assert_string_equal(b.data, "0123456789&lt;&lt;&lt;&lt;");
	buf_clear(&b);
	json_decref(ctx);
	assert_null(tpl_get(ts, "other"));
	assert_int_equal(tpl_render(NULL, NULL, &b), -1);
	tpl_free(ts);
	tpl_free(NULL);
}

static void
write_file(const char *dir, const char *name, const char *s)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(s, f) >= 0, 1);
	fclose(f);
}

static void
rm_dir(const char *dir)
{
	char	 cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
t_directory(void **state)
{
	char		 dir[] = "/tmp/hl-tpl-XXXXXX", why[512];
	struct tplset	*ts;
	struct buf	 b;
	json_t		*ctx;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "page.html",
	    "<h1>{{title}}</h1>{{#items}}{{>item}}{{/items}}{{>foot}}");
	write_file(dir, "item.html", "<li>{{name}}</li>");
	write_file(dir, "foot.html", "<p>{{title}}</p>");
	write_file(dir, "strings.ini", "[vi]\nnot = a template\n");
	write_file(dir, ".hidden.html", "{{");
	assert_int_equal(tpl_load(dir, &ts, why, sizeof(why)), 0);
	assert_non_null(tpl_get(ts, "page"));
	assert_non_null(tpl_get(ts, "item"));
	assert_null(tpl_get(ts, "strings"));
	assert_null(tpl_get(ts, "page.html"));
	ctx = json_pack("{s:s,s:[{s:s},{s:s}]}", "title", "T&C",
	    "items", "name", "a", "name", "<b>");
	buf_init(&b, BUF_MAX_DEFAULT);
	assert_int_equal(tpl_render(tpl_get(ts, "page"), ctx, &b), 0);
	assert_string_equal(b.data, "<h1>T&amp;C</h1><li>a</li>"
	    "<li>&lt;b&gt;</li><p>T&amp;C</p>");
	buf_clear(&b);
	json_decref(ctx);
	tpl_free(ts);

	/* An unknown partial in one file fails the whole load. */
	write_file(dir, "foot.html", "<p>\n{{>missing}}</p>");
	assert_int_equal(tpl_load(dir, &ts, why, sizeof(why)), -1);
	assert_null(ts);
	assert_non_null(strstr(why, "/foot.html:2: unknown partial "
	    "'missing'"));

	/* A syntax error names the file and line. */
	write_file(dir, "foot.html", "<p>\n\n{{#x}}</p>");
	assert_int_equal(tpl_load(dir, &ts, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "/foot.html:3: section 'x' is never "
	    "closed"));

	/* A file name that cannot be a partial's name. */
	write_file(dir, "foot.html", "ok");
	write_file(dir, "a b.html", "ok");
	assert_int_equal(tpl_load(dir, &ts, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "a b.html"));
	rm_dir(dir);

	assert_int_equal(tpl_load(dir, &ts, why, sizeof(why)), -1);
	assert_non_null(strstr(why, dir));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_variables),
		cmocka_unit_test(t_escaping),
		cmocka_unit_test(t_sections),
		cmocka_unit_test(t_inverted),
		cmocka_unit_test(t_dotted_and_stack),
		cmocka_unit_test(t_errors),
		cmocka_unit_test(t_too_big),
		cmocka_unit_test(t_render_limits),
		cmocka_unit_test(t_directory),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
