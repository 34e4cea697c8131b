#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "page.h"
#include "store.h"
#include "survey.h"
#include "util.h"

/*
 * test_page.c: the pages rendered from the real templates/, the real
 * schema/survey.ini and the real catalogue: contents, escaping of what a
 * citizen typed, the size budget of the survey page in every language,
 * strings.ini's checks, and the Accept-Language parser.
 */

#define TEMPLATES	HL_SRCDIR "/templates"
#define PAGE_BUDGET	20480	/* the survey page on a slow phone */

static struct surveys	 svs;
static struct survey	*sv;	/* svs.s[0], the procedure survey */
static struct catalog	*cat;
static struct catalog *_Atomic catref;	/* where pages read it */
static struct pages	*pages;

static int
setup(void **state)
{
	char	 why[512];

	(void)state;
	if (surveys_load(HL_SRCDIR "/schema", &svs, why,
	    sizeof(why)) == -1) {
		fprintf(stderr, "surveys_load: %s\n", why);
		return (-1);
	}
	sv = svs.s[0];
	if (catalog_load(HL_SRCDIR "/schema", &cat, why, sizeof(why)) == -1) {
		fprintf(stderr, "catalog_load: %s\n", why);
		return (-1);
	}
	catref = cat;
	if (page_init(&pages, TEMPLATES, &svs, &catref, why, sizeof(why)) ==
	    -1) {
		fprintf(stderr, "page_init: %s\n", why);
		return (-1);
	}
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	page_free(pages);
	catalog_free(cat);
	surveys_clear(&svs);
	return (0);
}

/* s as it must appear in HTML (escaped). */
static char *
html(const char *s)
{
	struct buf	 b;

	buf_init(&b, BUF_MAX_DEFAULT);
	assert_int_equal(buf_add_html(&b, s, strlen(s)), 0);
	return (buf_steal(&b, NULL));
}

static void
assert_has(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("page lacks \"%s\"", needle);
}

static void
assert_has_html(const char *hay, const char *text)
{
	char	*e = html(text);

	assert_has(hay, e);
	free(e);
}

/* A ticket for the catalogue's first procedure at its deepest unit. */
static void
ticket_of(struct ticket *t)
{
	size_t	 i, u = 0;

	memset(t, 0, sizeof(*t));
	assert_true(cat->nprocs > 0 && cat->nunits > 0);
	for (i = 0; i < cat->nunits; i++)
		if (cat->units[i].depth > cat->units[u].depth)
			u = i;
	snprintf(t->procedure, sizeof(t->procedure), "%s",
	    cat->procs[0].code);
	snprintf(t->unit, sizeof(t->unit), "%s", cat->units[u].code);
	snprintf(t->sector, sizeof(t->sector), "%s", cat->procs[0].sector);
	t->issued = 1767225600;		/* 2026-01-01T00:00:00Z */
	t->expires = t->issued + 30 * 86400;
}

static const char *
name_in(const struct text *x, enum lang l)
{
	return (x->s[l] != NULL && x->s[l][0] != '\0' ? x->s[l] :
	    x->s[LANG_VI]);
}

static const struct unit *
unit_of(const struct ticket *t)
{
	return (catalog_unit(cat, t->unit, strlen(t->unit)));
}

static void
t_lang(void **state)
{
	char	 big[PAGE_ACCEPT_LANG_MAX + 64], many[512];
	size_t	 i;

	(void)state;
	assert_int_equal(page_lang(NULL, NULL), LANG_VI);
	assert_int_equal(page_lang("en", NULL), LANG_EN);
	assert_int_equal(page_lang("km", "en"), LANG_KM);
	assert_int_equal(page_lang("vi", "km"), LANG_VI);
	assert_int_equal(page_lang("fr", "km"), LANG_KM);
	assert_int_equal(page_lang("", "en"), LANG_EN);
	assert_int_equal(page_lang("english", "km"), LANG_KM);
	assert_int_equal(page_lang(NULL, "km-KH,km;q=0.9,en;q=0.5"),
	    LANG_KM);
	assert_int_equal(page_lang(NULL, "fr, en;q=0.1"), LANG_EN);
	assert_int_equal(page_lang(NULL, "en;q=0, vi"), LANG_VI);
	assert_int_equal(page_lang(NULL, "en;q=0.5, km;q=0.8"), LANG_KM);
	assert_int_equal(page_lang(NULL, "vi;q=0.001,en;q=0.002"), LANG_EN);
	assert_int_equal(page_lang(NULL, "EN-us"), LANG_EN);
	assert_int_equal(page_lang(NULL, " en-GB ; q=1.000 "), LANG_EN);
	assert_int_equal(page_lang(NULL, "en;level=1;q=0.4,km;q=0.3"),
	    LANG_EN);
	/* Malformed q-values drop their item. */
	assert_int_equal(page_lang(NULL, "en;q=1.5"), LANG_VI);
	assert_int_equal(page_lang(NULL, "en;q=abc,km;q=0.2"), LANG_KM);
	assert_int_equal(page_lang(NULL, "en;q=0.1234"), LANG_VI);
	assert_int_equal(page_lang(NULL, "en;q="), LANG_VI);
	/* Garbage. */
	assert_int_equal(page_lang(NULL, ""), LANG_VI);
	assert_int_equal(page_lang(NULL, "*"), LANG_VI);
	assert_int_equal(page_lang(NULL, ",,,;;;==q"), LANG_VI);
	assert_int_equal(page_lang(NULL, "\x01\xff\xfe;q=0.5"), LANG_VI);
	assert_int_equal(page_lang(NULL, "english"), LANG_VI);
	assert_int_equal(page_lang(NULL, "e"), LANG_VI);
	assert_int_equal(page_lang(NULL, "-en"), LANG_VI);
	/* Bounded: an over-long header is ignored, items after the cap too. */
	memset(big, ' ', sizeof(big));
	memcpy(big + sizeof(big) - 3, "en", 3);
	assert_int_equal(page_lang(NULL, big), LANG_VI);
	many[0] = '\0';
	for (i = 0; i < PAGE_ACCEPT_ITEMS_MAX; i++)
		strcat(many, "fr,");
	strcat(many, "en");
	assert_int_equal(page_lang(NULL, many), LANG_VI);
	memmove(many, many + 3, strlen(many + 3) + 1);
	assert_int_equal(page_lang(NULL, many), LANG_EN);
}

static void
t_survey_page(void **state)
{
	struct ticket	 t;
	struct buf	 b;
	const struct survey_question *q = sv->overall;
	const struct procedure *pr;
	char		 want[128];
	int		 l, level;

	(void)state;
	ticket_of(&t);
	pr = catalog_procedure(cat, t.procedure, strlen(t.procedure));
	assert_non_null(pr);
	assert_non_null(unit_of(&t));
	for (l = 0; l < LANG_COUNT; l++) {
		buf_init(&b, PAGE_MAX);
		assert_int_equal(page_survey(pages, &b, &t, "TOKEN-1", l, NULL,
		    NULL, 0, NULL, NULL, STAGE_RETURNED), 0);
		if (b.len >= PAGE_BUDGET)
			fail_msg("survey page in %s: %zu bytes", lang_code(l),
			    b.len);
		snprintf(want, sizeof(want), "<html lang=\"%s\">",
		    lang_code(l));
		assert_has(b.data, want);
		assert_has(b.data, "action=\"/s/TOKEN-1\"");
		assert_has(b.data, "method=\"post\"");
		snprintf(want, sizeof(want), "name=\"lang\" value=\"%s\"",
		    lang_code(l));
		assert_has(b.data, want);
		assert_has_html(b.data, name_in(&pr->name, l));
		assert_has_html(b.data, name_in(&unit_of(&t)->name, l));
		assert_has_html(b.data, name_in(&sv->title, l));
		/* The language switch, each name in its own script. */
		assert_has(b.data, "href=\"?lang=vi\"");
		assert_has(b.data, "href=\"?lang=en\"");
		assert_has(b.data, "href=\"?lang=km\"");
		assert_has(b.data, "Tiếng Việt");
		assert_has(b.data, "English");
		assert_has(b.data, "ភាសាខ្មែរ");
		for (level = 1; level <= SURVEY_LEVELS; level++) {
			snprintf(want, sizeof(want), "name=\"overall\" "
			    "value=\"%d\"", level);
			assert_has(b.data, want);
			assert_has_html(b.data,
			    name_in(&q->options[level - 1].label, l));
		}
		if (sv->reasons != NULL) {
			assert_has(b.data,
			    "type=\"checkbox\" name=\"reasons\"");
			assert_has_html(b.data, name_in(&sv->reasons->text, l));
		}
		assert_has(b.data, "name=\"comment\" maxlength=\"1000\"");
		assert_has(b.data, "type=\"submit\"");
		assert_null(strstr(b.data, "role=\"alert\""));
		assert_null(strstr(b.data, " checked"));
		assert_null(strstr(b.data, "<script"));
		/* The page is pieced from a pre-rendered one: no marker left. */
		assert_null(memchr(b.data, '\x01', b.len));
		buf_clear(&b);
	}

	/* Vietnamese: the scale's words and the submit button. */
	buf_init(&b, PAGE_MAX);
	assert_int_equal(page_survey(pages, &b, &t, "T", LANG_VI, NULL, NULL,
	    0, NULL, NULL, STAGE_RETURNED), 0);
	for (level = 1; level <= SURVEY_LEVELS; level++)
		assert_has_html(b.data, q->options[level - 1].label.s[LANG_VI]);
	assert_has(b.data, "Rất hài lòng");
	assert_has(b.data, "Gửi đánh giá");
	/* Highest level first. */
	assert_true(strstr(b.data, "value=\"5\"") <
	    strstr(b.data, "value=\"1\""));
	buf_clear(&b);
}

static void
t_survey_prefill(void **state)
{
	struct ticket	 t;
	struct buf	 b;
	struct answer	 prev[3];
	const struct survey_question *q = NULL;
	char		 want[128];
	size_t		 i, n = 0;

	(void)state;
	ticket_of(&t);
	memset(prev, 0, sizeof(prev));
	snprintf(prev[n].q, sizeof(prev[n].q), "%s", SURVEY_OVERALL);
	prev[n++].level = 2;
	if (sv->reasons != NULL) {
		snprintf(prev[n].q, sizeof(prev[n].q), "%s", sv->reasons->id);
		prev[n++].level = 1;
	}
	for (i = 0; i < sv->nquestions; i++)
		if (sv->questions[i].kind == QK_CHOICE) {
			q = &sv->questions[i];
			snprintf(prev[n].q, sizeof(prev[n].q), "%s", q->id);
			prev[n++].level = (uint8_t)q->noptions;
			break;
		}
	buf_init(&b, PAGE_MAX);
	assert_int_equal(page_survey(pages, &b, &t, "TOK", LANG_EN,
	    "Please choose <b>one</b> level", prev, n,
	    "<script>alert('x')</script> & \"more\"", NULL,
	    STAGE_RETURNED), 0);
	assert_has(b.data, "role=\"alert\"");
	assert_has(b.data, "Please choose &lt;b&gt;one&lt;/b&gt; level");
	assert_has(b.data, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
	    " &amp; &quot;more&quot;</textarea>");
	assert_null(strstr(b.data, "<script"));
	assert_null(strstr(b.data, "<b>one"));
	assert_has(b.data, "name=\"overall\" value=\"2\" checked");
	assert_null(strstr(b.data, "name=\"overall\" value=\"1\" checked"));
	if (sv->reasons != NULL) {
		snprintf(want, sizeof(want), "name=\"reasons\" value=\"%s\" "
		    "checked", sv->reasons->options[0].id);
		assert_has(b.data, want);
	}
	if (q != NULL) {
		snprintf(want, sizeof(want), "name=\"%s\" value=\"%s\" checked",
		    q->id, q->options[q->noptions - 1].id);
		assert_has(b.data, want);
	}
	/* The alert comes before the form. */
	assert_true(strstr(b.data, "role=\"alert\"") <
	    strstr(b.data, "<form"));
	buf_clear(&b);

	/* Invalid UTF-8 from the wire is dropped, not rendered. */
	buf_init(&b, PAGE_MAX);
	assert_int_equal(page_survey(pages, &b, &t, "TOK", LANG_VI, "",
	    NULL, 0, "bad \xff\xfe bytes", NULL, STAGE_RETURNED), 0);
	assert_null(strstr(b.data, "bad "));
	assert_has(b.data, "role=\"alert\"");
	buf_clear(&b);
}

static void
t_survey_unknown_codes(void **state)
{
	struct ticket	 t;
	struct buf	 b;

	(void)state;
	ticket_of(&t);
	snprintf(t.procedure, sizeof(t.procedure), "9.999999");
	snprintf(t.unit, sizeof(t.unit), "no-such<unit>");
	buf_init(&b, PAGE_MAX);
	assert_int_equal(page_survey(pages, &b, &t, "T", LANG_KM, NULL, NULL,
	    0, NULL, NULL, STAGE_RETURNED), 0);
	assert_has(b.data, "9.999999");
	assert_has(b.data, "no-such&lt;unit&gt;");
	buf_clear(&b);

	/* A buffer too small fails the render. */
	buf_init(&b, 1024);
	assert_int_equal(page_survey(pages, &b, &t, "T", LANG_VI, NULL, NULL,
	    0, NULL, NULL, STAGE_RETURNED), -1);
	assert_true(b.overflow);
	buf_clear(&b);
}

static void
t_messages(void **state)
{
	static const char *const keys[] = { "thanks", "answered", "expired",
	    "not_found", "bad_request", "unavailable", "error" };
	struct buf	 b;
	char		 key[64], want[64], *first[LANG_COUNT];
	int		 l, m;

	(void)state;
	for (l = 0; l < LANG_COUNT; l++) {
		for (m = MSG_THANKS; m <= MSG_ERROR; m++) {
			buf_init(&b, PAGE_MAX);
			assert_int_equal(page_message(pages, &b, l, m), 0);
			snprintf(want, sizeof(want), "<html lang=\"%s\">",
			    lang_code(l));
			assert_has(b.data, want);
			snprintf(key, sizeof(key), "msg_%s_title", keys[m]);
			assert_true(page_text(pages, l, key)[0] != '\0');
			assert_has_html(b.data, page_text(pages, l, key));
			if (m != MSG_THANKS) {
				snprintf(key, sizeof(key), "msg_%s_text",
				    keys[m]);
				assert_has_html(b.data,
				    page_text(pages, l, key));
			}
			if (m == MSG_THANKS)
				first[l] = buf_steal(&b, NULL);
			buf_clear(&b);
		}
	}
	/* Really translated. */
	assert_string_not_equal(first[LANG_VI], first[LANG_EN]);
	assert_string_not_equal(first[LANG_EN], first[LANG_KM]);
	for (l = 0; l < LANG_COUNT; l++)
		free(first[l]);
	assert_string_equal(page_text(pages, LANG_VI, "submit"),
	    "Gửi đánh giá");
	assert_string_equal(page_text(pages, LANG_EN, "no_such_key"), "");
	assert_string_equal(page_text(pages, LANG_EN, "home_code_label"),
	    "Enter the code on your receipt");
}

/* Some keys of strings.ini as JSON; an unknown key fails with its name. */
static void
t_strings(void **state)
{
	static const char *const keys[] = { "submit", "optional" };
	static const char *const bad[] = { "submit", "no_such_key" };
	json_t	*o;
	char	 why[200];

	(void)state;
	o = page_strings(pages, LANG_KM, keys, 2, why, sizeof(why));
	assert_non_null(o);
	assert_int_equal(json_object_size(o), 2);
	assert_string_equal(json_string_value(json_object_get(o, "optional")),
	    page_text(pages, LANG_KM, "optional"));
	assert_string_equal(json_string_value(json_object_get(o, "submit")),
	    page_text(pages, LANG_KM, "submit"));
	json_decref(o);
	why[0] = '\0';
	assert_null(page_strings(pages, LANG_EN, bad, 2, why, sizeof(why)));
	assert_non_null(strstr(why, "[en]: key 'no_such_key' is missing"));
}

static void
t_slip(void **state)
{
	struct ticket	 t;
	struct buf	 b;
	const char	*svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" "
			    "viewBox=\"0 0 29 29\"><path d=\"M0 0h7v7H0z\"/>"
			    "</svg>";

	(void)state;
	ticket_of(&t);
	buf_init(&b, PAGE_MAX);
	assert_int_equal(page_slip(pages, &b, &t,
	    "http://127.0.0.1:8080/s/AbC123", "ABCDE-FGHJK", svg, 58), 0);
	assert_has(b.data, "ABCDE-FGHJK");
	assert_has(b.data, svg);
	/* The full address only in the QR: the short one in the text. */
	assert_null(strstr(b.data, "/s/AbC123"));
	assert_has(b.data, "127.0.0.1:8080/c<");
	assert_has(b.data, "@page{size:58mm ");
	assert_has(b.data, "48mm");
	assert_has(b.data, "Ông/Bà");
	assert_null(strstr(b.data, "bạn"));
	assert_has(b.data, "lang=\"km\">សូមលោកអ្នក");
	assert_has_html(b.data, name_in(&catalog_procedure(cat, t.procedure,
	    strlen(t.procedure))->name, LANG_VI));
	assert_has_html(b.data, unit_of(&t)->name.s[LANG_VI]);
	assert_has(b.data, "/2026");
	assert_has(b.data, "Hạn đánh giá");
	assert_null(strstr(b.data, "<script"));
	buf_reset(&b);
	assert_int_equal(page_slip(pages, &b, &t,
	    "https://hl.example.vn/s/AbC123", "ABCDE-FGHJK", svg, 80), 0);
	assert_has(b.data, "@page{size:80mm ");
	assert_has(b.data, ">hl.example.vn/c<");
	buf_reset(&b);
	assert_int_equal(page_slip(pages, &b, &t,
	    "https://hl.example.vn/s/AbC123", "ABCDE-FGHJK", svg, 57), -1);
	buf_clear(&b);
}

/* A longer name makes a longer page, and no page nears A4's 297 mm. */
static void
t_slip_height(void **state)
{
	char	 longname[600];
	int	 a, b, c;

	(void)state;
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	a = page_slip_height(58, "Đăng ký khai sinh", "Phường Cái Khế",
	    "hl.example.vn/c");
	b = page_slip_height(58, longname, "Phường Cái Khế",
	    "hl.example.vn/c");
	c = page_slip_height(80, "Đăng ký khai sinh", "Phường Cái Khế",
	    "hl.example.vn/c");
	assert_true(a > 80 && a < 200);
	assert_true(b > a + 50);
	assert_true(c > 80 && c < 200);
}

static void
t_home(void **state)
{
	struct buf	 b;
	int		 l;

	(void)state;
	for (l = 0; l < LANG_COUNT; l++) {
		buf_init(&b, PAGE_MAX);
		assert_int_equal(page_home(pages, &b, l, NULL, NULL), 0);
		assert_has(b.data, "action=\"/c\"");
		assert_has(b.data, "method=\"get\"");
		assert_has(b.data, "name=\"code\"");
		assert_has(b.data, "href=\"?lang=km\"");
		assert_has_html(b.data, page_text(pages, l, "home_intro"));
		assert_null(strstr(b.data, "role=\"alert\""));
		buf_clear(&b);
	}
	buf_init(&b, PAGE_MAX);
	assert_int_equal(page_home(pages, &b, LANG_EN,
	    "Code <i>not</i> found", NULL), 0);
	assert_has(b.data, "role=\"alert\"");
	assert_has(b.data, "Code &lt;i&gt;not&lt;/i&gt; found");
	assert_has(b.data, "Enter the code on your receipt");
	buf_clear(&b);
	/* The code typed comes back, only its letters, digits and '-'. */
	buf_init(&b, PAGE_MAX);
	assert_int_equal(page_home(pages, &b, LANG_KM, "x",
	    "AB<\"x>-12 3"), 0);
	assert_has(b.data, "value=\"ABx-12 3\"");
	assert_has(b.data, "href=\"/?code=ABx-12+3&amp;lang=vi\"");
	assert_null(strstr(b.data, "<\"x"));
	buf_clear(&b);
}

/* A copy of templates/ with strings.ini replaced (NULL: kept). */
static void
make_dir(char *dir, const char *strings, const char *drop)
{
	char	 cmd[1024];
	FILE	*f;

	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp '%s'/*.html '%s'/strings.ini '%s'",
	    TEMPLATES, TEMPLATES, dir);
	assert_int_equal(system(cmd), 0);
	if (drop != NULL) {
		snprintf(cmd, sizeof(cmd), "rm '%s/%s'", dir, drop);
		assert_int_equal(system(cmd), 0);
	}
	if (strings != NULL) {
		snprintf(cmd, sizeof(cmd), "%s/strings.ini", dir);
		assert_non_null(f = fopen(cmd, "w"));
		fputs(strings, f);
		fclose(f);
	}
}

static void
rm_dir(const char *dir)
{
	char	 cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* page_init on a copy must fail with a reason containing want. */
static void
init_fails(const char *strings, const char *drop, const char *want)
{
	char		 dir[] = "/tmp/hl-page-XXXXXX", why[512] = "";
	struct pages	*p = NULL;

	make_dir(dir, strings, drop);
	assert_int_equal(page_init(&p, dir, &svs, &catref, why,
	    sizeof(why)), -1);
	assert_null(p);
	if (strstr(why, want) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", why, want);
	rm_dir(dir);
}

static void
t_init_errors(void **state)
{
	char		 dir[] = "/tmp/hl-page-XXXXXX", why[512];
	char		 dir2[] = "/tmp/hl-page-XXXXXX", line[400], cmd[700];
	struct pages	*p = NULL;

	(void)state;
	/* The real files, copied, load. */
	make_dir(dir, NULL, NULL);
	assert_int_equal(page_init(&p, dir, &svs, &catref, why,
	    sizeof(why)), 0);
	page_free(p);
	rm_dir(dir);

	assert_int_equal(page_init(&p, "/nonexistent/templates", &svs, &catref,
	    why, sizeof(why)), -1);
	assert_null(p);
	init_fails(NULL, "slip.html", "no template slip.html");
	init_fails(NULL, "home.html", "no template home.html");
	init_fails(NULL, "style.html", "unknown partial 'style'");
	init_fails(NULL, "strings.ini", "strings.ini: No such file");
	init_fails("[vi]\na = x\nb = y\n[en]\na = x\nb = y\n[km]\na = z\n",
	    NULL, "strings.ini:3: [vi]: key 'b' is missing in [km]");
	init_fails("[vi]\na = x\n[en]\na = x\nc = y\n[km]\na = z\n",
	    NULL, "strings.ini:5: [en]: key 'c' is missing in [vi]");
	init_fails("[vi]\na = x\n[en]\na = x\n", NULL,
	    "strings.ini:2: [vi]: key 'a' is missing in [km]");
	init_fails("[vi]\na = x\n[en]\na = x\n[km]\na = x\n", NULL,
	    "strings.ini: [vi]: key 'lang_name' is missing");
	init_fails("[vi]\na = x\na = y\n", NULL,
	    "strings.ini:3: [vi]: key 'a' given twice");
	init_fails("[vi]\na = x\n[fr]\na = x\n", NULL,
	    "strings.ini:4: [fr]: sections are vi, en and km");
	init_fails("[VI]\na = x\n", NULL, "strings.ini:2: [VI]: sections");
	init_fails("a = x\n", NULL, "strings.ini:1: []: sections");
	init_fails("[vi]\nA-b = x\n", NULL, "strings.ini:2: [vi]: bad key");
	init_fails("[vi]\na =\n", NULL, "strings.ini:2: [vi]: key 'a' is "
	    "empty");
	init_fails("[vi]\n\njust text\n", NULL, "strings.ini:3: syntax error");
	init_fails("[vi\n", NULL, "strings.ini:1: syntax error");
	init_fails("[vi]\na = x ; cut here\n", NULL,
	    "strings.ini:2: ';' after a blank");
	init_fails("[vi]\na = \xc3\x28\n", NULL, "not UTF-8");
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	memcpy(line, "[vi]\na = ", 9);
	init_fails(line, NULL, "strings.ini:2: line longer than");

	/* A continued line joins with one space. */
	make_dir(dir2, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "sed -i 's/^submit = Gửi đánh giá$/"
	    "submit = Gửi\\n\\tđánh giá/' '%s/strings.ini'", dir2);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(page_init(&p, dir2, &svs, &catref, why,
	    sizeof(why)), 0);
	assert_string_equal(page_text(p, LANG_VI, "submit"), "Gửi đánh giá");
	page_free(p);
	rm_dir(dir2);
	page_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_lang),
		cmocka_unit_test(t_survey_page),
		cmocka_unit_test(t_survey_prefill),
		cmocka_unit_test(t_survey_unknown_codes),
		cmocka_unit_test(t_messages),
		cmocka_unit_test(t_strings),
		cmocka_unit_test(t_slip),
		cmocka_unit_test(t_slip_height),
		cmocka_unit_test(t_home),
		cmocka_unit_test(t_init_errors),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
