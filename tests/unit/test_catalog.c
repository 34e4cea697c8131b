/*
 * test_catalog.c: the shipped schema/ (sectors.ini, units.csv,
 * procedures.csv, synonyms.csv) loads and its lookups work on pointer + length; every
 * kind of broken file is refused naming the file and the right line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "catalog.h"
#include "fold.h"
#include "survey.h"
#include "util.h"

#define SHIPPED	HL_SRCDIR "/schema"

static char	 dir[64];

#define SECTORS \
	"; test sectors\n" \
	"[overall]\n" \
	"name.vi = Tất cả\nname.en = All\nname.km = គ្រប់វិស័យ\n" \
	"target.2025 = 90\ntarget.2030 = 95\n" \
	"[sector land]\n" \
	"name.vi = Đất đai\nname.en = Land\nname.km = ដីធ្លី\n" \
	"target.2025 = 85\ntarget.2030 = 90\n" \
	"[sector other]\n" \
	"name.vi = Khác\nname.en = Other\nname.km = ផ្សេងៗ\n" \
	"target.2025 = 92.5\n"
#define UHEAD	"code,parent,kind,name_vi,name_en,name_km\n"
#define UNITS \
	UHEAD \
	"P,,province,Tỉnh,Province,\n" \
	"D1,P,district,Huyện 1,District 1,ស្រុក ១\n" \
	"C1,D1,commune,Xã 1,Commune 1,\n" \
	"C2,P,ward,Phường 2,Ward 2,\n"
#define UHOT	"code,parent,kind,name_vi,name_en,name_km,hotline\n" \
	"P,,province,Tỉnh,Province,,+84 292 (3) 830-000\n"
#define URET	"code,parent,kind,name_vi,name_en,name_km,hotline,retired," \
	"successor\n" \
	"P,,province,Tỉnh,Province,,,,\n" \
	"C1,P,commune,Xã 1,Commune 1,,,,\n"
#define PHEAD	"code,sector,name_vi,name_en,name_km\n"
#define PHEAD_W	"code,sector,name_vi,name_en,name_km,withdrawn\n"
#define PROCS \
	PHEAD \
	"1.000002,land,Thủ tục B,Procedure B,\n" \
	"1.000001,other,\"Thủ tục A, một\",\"Procedure \"\"A\"\"\",នីតិវិធី\n"

static char *
fpath(const char *name)
{
	static char	 p[128];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return (p);
}

static void
put(const char *name, const char *text, size_t len)
{
	FILE	*f;

	assert_non_null(f = fopen(fpath(name), "wb"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
put_all(const char *sectors, const char *units, const char *procs)
{
	put("sectors.ini", sectors, strlen(sectors));
	put("units.csv", units, strlen(units));
	put("procedures.csv", procs, strlen(procs));
}

static int
setup(void **state)
{
	(void)state;
	strlcpy(dir, "/tmp/hl-catalog-XXXXXX", sizeof(dir));
	return (mkdtemp(dir) == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	(void)state;
	unlink(fpath("sectors.ini"));
	unlink(fpath("units.csv"));
	unlink(fpath("procedures.csv"));
	unlink(fpath("synonyms.csv"));
	return (rmdir(dir));
}

static int
line_of(const char *text, const char *needle)
{
	const char	*p = strstr(text, needle), *q;
	int		 line = 1;

	assert_non_null(p);
	for (q = text; q < p; q++)
		line += *q == '\n';
	return (line);
}

/* The files as written must be refused: "dir/file:line: ...reason". */
static void
refused_line(const char *file, int line, const char *reason)
{
	struct catalog	*c = (struct catalog *)1;
	char		 why[512] = "", want[256];

	assert_int_equal(catalog_load(dir, &c, why, sizeof(why)), -1);
	assert_null(c);
	if (line > 0)
		snprintf(want, sizeof(want), "%s:%d: ", fpath(file), line);
	else
		snprintf(want, sizeof(want), "%s: ", fpath(file));
	if (strncmp(why, want, strlen(want)) != 0 ||
	    strstr(why, reason) == NULL)
		fail_msg("got \"%s\", want \"%s...%s\"", why, want, reason);
}

static void
bad_sectors(const char *text, const char *at, const char *reason)
{
	put_all(text, UNITS, PROCS);
	refused_line("sectors.ini", at == NULL ? 0 : line_of(text, at),
	    reason);
}

static void
bad_units(const char *text, const char *at, const char *reason)
{
	put_all(SECTORS, text, PROCS);
	refused_line("units.csv", at == NULL ? 0 : line_of(text, at), reason);
}

static void
bad_procs(const char *text, const char *at, const char *reason)
{
	put_all(SECTORS, UNITS, text);
	refused_line("procedures.csv", at == NULL ? 0 : line_of(text, at),
	    reason);
}

static struct catalog *
loaded(void)
{
	struct catalog	*c = NULL;
	char		 why[512] = "";

	if (catalog_load(dir, &c, why, sizeof(why)) != 0)
		fail_msg("refused: %s", why);
	assert_non_null(c);
	return (c);
}

static void
test_shipped(void **state)
{
	struct catalog		*c = NULL;
	const struct sector	*s;
	const struct unit	*u, *root = NULL;
	const struct procedure	*p;
	char			 why[512] = "";
	size_t			 i;
	int			 l;

	(void)state;
	if (catalog_load(SHIPPED, &c, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	/* the overall targets and six sectors, in file order */
	assert_string_equal(c->overall.code, "overall");
	assert_int_equal(c->overall.ntargets, 2);
	assert_int_equal(c->overall.targets[0].year, 2025);
	assert_true(c->overall.targets[0].percent == 90.0);
	assert_int_equal(c->overall.targets[1].year, 2030);
	assert_true(c->overall.targets[1].percent == 95.0);
	assert_int_equal(c->nsectors, 6);
	assert_string_equal(c->sectors[0].code, "land");
	s = catalog_sector(c, "otherwise", 5);
	assert_non_null(s);
	assert_string_equal(s->code, "other");
	assert_true(s->targets[0].percent == 90.0);
	assert_true(s->targets[1].percent == 95.0);
	/* Health procedures: item (14)'s general targets, not item (16)'s. */
	s = catalog_sector(c, "health", 6);
	assert_non_null(s);
	assert_true(s->targets[0].percent == 90.0);
	assert_string_equal(s->name.s[LANG_VI], "Y tế");
	s = catalog_sector(c, "land", 4);
	assert_non_null(s);
	assert_true(s->targets[0].percent == 85.0);
	assert_null(catalog_sector(c, "overall", 7));
	assert_null(catalog_sector(c, "lan", 3));
	assert_null(catalog_sector(c, "", 0));
	for (i = 0; i < c->nsectors; i++)
		for (l = 0; l < LANG_COUNT; l++)
			assert_non_null(c->sectors[i].name.s[l]);

	/* one root, sorted units, names in every language */
	assert_true(c->nunits >= 8);
	for (i = 0; i < c->nunits; i++) {
		u = &c->units[i];
		if (i > 0)
			assert_true(strcmp(c->units[i - 1].code, u->code) < 0);
		if (u->parent[0] == '\0') {
			assert_null(root);
			root = u;
			assert_int_equal(u->depth, 0);
		} else
			assert_int_equal(u->depth, 1);
		for (l = 0; l < LANG_COUNT; l++)
			assert_non_null(u->name.s[l]);
	}
	assert_non_null(root);
	u = catalog_unit(c, "92", 2);
	assert_ptr_equal(u, root);
	assert_string_equal(u->name.s[LANG_VI], "Thành phố Cần Thơ");
	/* every shipped unit has a Khmer name of its own */
	for (i = 0; i < c->nunits; i++)
		assert_string_not_equal(c->units[i].name.s[LANG_KM],
		    c->units[i].name.s[LANG_VI]);

	/* procedures: the one in the API examples, sorted */
	assert_true(c->nprocs >= 15);
	p = catalog_procedure(c, "1.004227\"}", 8);
	assert_non_null(p);
	assert_string_equal(p->sector, "land");
	for (i = 0; i < c->nprocs; i++) {
		if (i > 0)
			assert_true(strcmp(c->procs[i - 1].code,
			    c->procs[i].code) < 0);
		assert_non_null(catalog_sector(c, c->procs[i].sector,
		    strlen(c->procs[i].sector)));
		assert_string_not_equal(c->procs[i].name.s[LANG_KM],
		    c->procs[i].name.s[LANG_VI]);
	}
	assert_null(catalog_procedure(c, "1.00422", 7));
	assert_null(catalog_procedure(c, "1.0042270", 9));
	catalog_free(c);
	catalog_free(NULL);
}

static void
test_small(void **state)
{
	struct catalog		*c;
	const struct unit	*u;
	const struct procedure	*p;
	const char		*codes[] = { "C1", "C2", "D1", "P" };
	size_t			 i;

	(void)state;
	/* BOM (Excel), comments, CRLF, spaces around fields */
	put_all("\xef\xbb\xbf" SECTORS,
	    "\xef\xbb\xbf# units of a test province\r\n" UHEAD
	    "# the root\r\n"
	    " P , , province ,Tỉnh,Province,\r\n"
	    "D1,P,district,Huyện 1,District 1,ស្រុក ១\r\n"
	    "\r\n"
	    "C1,D1,commune,Xã 1,Commune 1,\r\n"
	    "C2,P,ward,Phường 2,Ward 2,\n", PROCS);
	c = loaded();
	assert_int_equal(c->nsectors, 2);
	assert_true(c->sectors[1].targets[0].percent == 92.5);
	assert_int_equal(c->nunits, 4);
	for (i = 0; i < 4; i++) {
		u = catalog_unit(c, codes[i], strlen(codes[i]));
		assert_non_null(u);
		assert_string_equal(u->code, codes[i]);
	}
	/* any number of levels: province -> district -> commune */
	u = catalog_unit(c, "C1", 2);
	assert_int_equal(u->depth, 2);
	assert_string_equal(u->parent, "D1");
	assert_string_equal(u->kind, "commune");
	assert_string_equal(u->name.s[LANG_KM], "Xã 1");
	assert_int_equal(catalog_unit(c, "D1", 2)->depth, 1);
	assert_string_equal(catalog_unit(c, "D1", 2)->name.s[LANG_KM],
	    "ស្រុក ១");
	assert_int_equal(catalog_unit(c, "C2", 2)->depth, 1);
	u = catalog_unit(c, "P", 1);
	assert_int_equal(u->depth, 0);
	assert_string_equal(u->parent, "");
	assert_string_equal(u->kind, "province");
	assert_null(catalog_unit(c, "C", 1));
	assert_null(catalog_unit(c, "C12", 3));
	assert_null(catalog_unit(c, "", 0));
	/* quoted fields: comma, doubled quote */
	p = catalog_procedure(c, "1.000001", 8);
	assert_non_null(p);
	assert_string_equal(p->sector, "other");
	assert_string_equal(p->name.s[LANG_VI], "Thủ tục A, một");
	assert_string_equal(p->name.s[LANG_EN], "Procedure \"A\"");
	assert_string_equal(p->name.s[LANG_KM], "នីតិវិធី");
	p = catalog_procedure(c, "1.000002", 8);
	assert_string_equal(p->name.s[LANG_KM], "Thủ tục B");
	catalog_free(c);
}

static void
test_bad_sectors(void **state)
{
	(void)state;
	bad_sectors("[overall]\nname.vi = A\nname.en = A\ntarget.2025 = 90\n"
	    "[sector land]\nname.vi = Đất\nname.en = L\nname.km = ដី\n"
	    "target.2025 = 85\n", "[overall]", "[overall] name.km missing");
	bad_sectors(SECTORS "[sector x]\nname.vi = X\nname.km = X\n"
	    "target.2025 = 1\n", "[sector x]", "name.en missing");
	bad_sectors(SECTORS "[sector x]\n" "name.vi = X\nname.en = X\n"
	    "name.km = X\n", "[sector x]", "at least one target");
	bad_sectors("[sector land]\nname.vi = Đất\nname.en = L\n"
	    "name.km = ដី\ntarget.2025 = 85\n", NULL, "no [overall]");
	bad_sectors(SECTORS "[sector x]\ntarget.2025 = 101\n",
	    "target.2025 = 101", "percent from 0 to 100");
	bad_sectors(SECTORS "[sector x]\ntarget.2025 = -1\n",
	    "target.2025 = -1", "percent");
	bad_sectors(SECTORS "[sector x]\ntarget.2025 = ninety\n",
	    "ninety", "percent");
	bad_sectors(SECTORS "[sector x]\ntarget.2025 = 90.125\n",
	    "90.125", "two decimals");
	bad_sectors(SECTORS "[sector x]\ntarget.1999 = 90\n",
	    "target.1999", "year must be");
	bad_sectors(SECTORS "[sector x]\ntarget.25 = 90\n",
	    "target.25", "year must be");
	bad_sectors(SECTORS "[sector x]\ntarget.2030 = 90\n"
	    "target.2024 = 85\n", "target.2024", "years must ascend");
	bad_sectors(SECTORS "[sector x]\ntarget.2021 = 1\ntarget.2022 = 1\n"
	    "target.2023 = 1\ntarget.2024 = 1\ntarget.2026 = 1\n",
	    "target.2026", "more than 4 targets");
	bad_sectors(SECTORS "[sector x]\ntarget.2021 = 1\nname.vi = X\n"
	    "target.2021 = 2\n", "target.2021 = 2", "given twice");
	bad_sectors(SECTORS "[sector x]\ncolour = red\n", "colour",
	    "unknown key colour");
	bad_sectors(SECTORS "[sector x]\nname.fr = X\n", "name.fr",
	    "unknown key");
	bad_sectors(SECTORS "[sectors x]\n", "[sectors x]",
	    "unknown section");
	bad_sectors(SECTORS "[sector Land]\n", "[sector Land]",
	    "sector code");
	bad_sectors(SECTORS "[sector overall]\n", "[sector overall]",
	    "sector code");
	put_all(SECTORS "[sector land]\n", UNITS, PROCS);
	refused_line("sectors.ini", line_of(SECTORS "[sector land]\n",
	    "target.2025 = 92.5") + 1, "[sector land] given twice (first at "
	    "line 8)");
	bad_sectors(SECTORS "[sector x]\nname.vi = \xff\n", "name.vi = \xff",
	    "UTF-8");
	bad_sectors("[overall]\nname.vi = A\nname.en = A\nname.km = A\n"
	    "target.2025 = 90\n", NULL, "no [sector CODE]");
}

static void
test_bad_units(void **state)
{
	(void)state;
	/* missing language */
	bad_units(UHEAD "P,,province,Tỉnh,,\n", "P,", "name_en");
	bad_units(UHEAD "P,,province,,Province,\n", "P,", "name_vi");
	/* duplicate code: the later line, naming the first */
	bad_units(UNITS "D1,P,district,Huyện 1 bis,District 1 bis,\n",
	    "D1,P,district,Huyện 1 bis", "duplicate code D1 (first at line "
	    "3)");
	/* unknown parent */
	bad_units(UNITS "C3,D9,commune,Xã 3,Commune 3,\n", "C3,",
	    "unknown parent D9");
	/* a cycle (no row of it is the root): the first row of it */
	bad_units(UNITS "X1,X2,commune,X1,X1,\nX2,X3,commune,X2,X2,\n"
	    "X3,X1,commune,X3,X3,\n", "X1,", "cycle");
	bad_units(UNITS "Z,Z,commune,Z,Z,\n", "Z,Z", "Z is in a cycle");
	/* two roots, or none */
	bad_units(UNITS "Q,,province,Tỉnh Q,Province Q,\n", "Q,",
	    "second root Q (the root is P, line 2)");
	bad_units(UHEAD "A,B,ward,A,A,\nB,A,ward,B,B,\n", NULL,
	    "no root unit");
	/* header */
	bad_units("code,parent,kind,name_vi,name_en\nP,,p,T,P\n", "code",
	    "header row must be code,parent,kind,name_vi,name_en,name_km");
	bad_units("# comment\ncode,parent,type,name_vi,name_en,name_km\n",
	    "code", "header row");
	bad_units("P,,province,Tỉnh,Province,\n", "P,", "header row");
	bad_units("", NULL, "no header row");
	/* field count, codes, kind */
	bad_units(UNITS "C3,P,ward,Xã 3,Commune 3\n", "C3", "5 fields, "
	    "expected 6");
	bad_units(UNITS "C3,P,ward,Xã 3,Commune 3,,\n", "C3", "7 fields");
	bad_units(UNITS "C 3,P,ward,Xã 3,Commune 3,\n", "C 3", "code must");
	/* the optional hotline column: a telephone number or empty */
	bad_units(UHOT "C3,P,ward,Xã 3,Commune 3,,12\n", "C3",
	    "hotline must");
	bad_units(UHOT "C3,P,ward,Xã 3,Commune 3,,call 1022\n", "C3",
	    "hotline must");
	bad_units(UHOT "C3,P,ward,Xã 3,Commune 3,\n", "C3",
	    "6 fields, expected 7");
	bad_units("code,parent,kind,name_vi,name_en,name_km,phone\n", "code",
	    "header row must be code,parent,kind,name_vi,name_en,name_km"
	    "[,hotline[,retired[,successor]]]");
	/* retired units: a day and a successor, which is another unit, not
	 * below it, with a chain of successors that ends; nothing active
	 * below a retired unit */
	bad_units(URET "C3,P,ward,X,X,,,2025-07-01\n", "C3",
	    "8 fields, expected 9");
	bad_units(URET "C3,P,ward,X,X,,,2025-07-01,\n", "C3",
	    "needs its successor");
	bad_units(URET "C3,P,ward,X,X,,,,C1\n", "C3", "retired must");
	bad_units(URET "C3,P,ward,X,X,,,2025-02-30,C1\n", "C3",
	    "retired must");
	bad_units(URET "C3,P,ward,X,X,,,01/07/2025,C1\n", "C3",
	    "retired must");
	bad_units(URET "C3,P,ward,X,X,,,2025-07-01,C3\n", "C3",
	    "own successor");
	bad_units(URET "C3,P,ward,X,X,,,2025-07-01,C9\n", "C3",
	    "unknown successor C9");
	bad_units(URET "C3,P,ward,X,X,,,2025-07-01,C4\n"
	    "C4,C3,ward,Y,Y,,,2025-07-01,C1\n", "C3", "is below");
	bad_units(URET "C3,P,ward,X,X,,,2025-07-01,C4\n"
	    "C4,P,ward,Y,Y,,,2025-07-01,C3\n", "C3", "cycle of successors");
	bad_units(URET "C3,P,ward,X,X,,,2025-07-01,C1\n"
	    "C4,C3,ward,Y,Y,,,,\n", "C4", "active below C3");
	bad_units(UNITS "C3,P/1,ward,Xã 3,Commune 3,\n", "C3", "parent must");
	bad_units(UNITS "C3,P,,Xã 3,Commune 3,\n", "C3", "kind must");
	bad_units(UNITS "C3,P,administrative_ward,Xã 3,Commune 3,\n", "C3",
	    "kind must");
	/* bad UTF-8, in a name and in a code */
	bad_units(UNITS "C3,P,ward,X\xe3 3,Commune 3,\n", "C3",
	    "not valid UTF-8");
	bad_units(UNITS "C3,P,ward,\"X\xc3\",Commune 3,\n", "C3", "UTF-8");
	/* quoting */
	bad_units(UNITS "C3,P,ward,Xã \"3\",Commune 3,\n", "C3",
	    "bad quoting");
	bad_units(UNITS "C3,P,ward,\"Xã 3,Commune 3,\n", "C3",
	    "quoted field not closed");
	/* a quoted line break does not shift later lines */
	bad_units(UNITS "C3,P,ward,\"Xã\n3\",\"Commune\n\n3\",\n"
	    "C4,P,ward,Xã 4,,\n", "C4", "name_en");
	/* a '#' inside a quoted field is text, not a comment */
	bad_units(UNITS "C3,P,ward,\"Xã\n# 3\",Commune 3,\nC5,P,ward,X,,\n",
	    "C5", "name_en");
}

static void
test_bad_procs(void **state)
{
	(void)state;
	/* the optional withdrawn column: empty or a day */
	bad_procs(PHEAD_W "1.1,land,A,A,,2025-02-30\n", "1.1",
	    "withdrawn must");
	bad_procs(PHEAD_W "1.1,land,A,A,,soon\n", "1.1", "withdrawn must");
	bad_procs(PROCS "1.000003,health,Y tế,Health,\n", "1.000003",
	    "unknown sector health");
	bad_procs(PROCS "1.000003,,Y tế,Health,\n", "1.000003",
	    "unknown sector");
	bad_procs(PROCS "1.000001,land,Trùng,Duplicate,\n",
	    "1.000001,land", "duplicate code 1.000001 (first at line 3)");
	bad_procs(PROCS "1.000003,land,,Nameless,\n", "1.000003", "name_vi");
	bad_procs(PROCS "1.000003,land,Không tên,,\n", "1.000003",
	    "name_en");
	bad_procs("code,sector,name\n", "code", "header row must be "
	    "code,sector,name_vi,name_en,name_km");
	bad_procs(PROCS "1.000003,land,T\xc0\x80,T,\n", "1.000003", "UTF-8");
	bad_procs(PROCS "1.0000031234567890123456789012345,land,T,T,\n",
	    "1.0000031", "code must");
}

/* hotline: the column may be there; every unit then has one or "". */
static void
test_hotline(void **state)
{
	struct catalog		*c = NULL;
	const struct unit	*u;
	char			 why[512];

	(void)state;
	put_all(SECTORS, UHOT "C1,P,commune,Xã 1,Commune 1,,\n", PROCS);
	assert_int_equal(catalog_load(dir, &c, why, sizeof(why)), 0);
	assert_non_null(u = catalog_root(c));
	assert_string_equal(u->code, "P");
	assert_string_equal(u->hotline, "+84 292 (3) 830-000");
	assert_non_null(u = catalog_unit(c, "C1", 2));
	assert_string_equal(u->hotline, "");
	catalog_free(c);
	put_all(SECTORS, UNITS, PROCS);
	assert_int_equal(catalog_load(dir, &c, why, sizeof(why)), 0);
	assert_string_equal(catalog_root(c)->hotline, "");
	catalog_free(c);
}

/* A -> B -> C, B retiring later: the current unit at each time. */
static void
test_retired_chain(void **state)
{
	struct catalog		*c = NULL;
	const struct unit	*a, *b;
	char			 why[512];
	int64_t			 t1, t2;

	(void)state;
	put_all(SECTORS, URET "A,P,commune,A,A,,,2025-07-01,B\n"
	    "B,P,commune,B,B,,,2026-01-01,C1\n", PROCS);
	assert_int_equal(catalog_load(dir, &c, why, sizeof(why)), 0);
	assert_int_equal(parse_date("2025-07-01", &t1), 0);
	assert_int_equal(parse_date("2026-01-01", &t2), 0);
	assert_non_null(a = catalog_unit(c, "A", 1));
	assert_non_null(b = catalog_unit(c, "B", 1));
	assert_int_equal(catalog_unit_retired(a, t1 - 1), 0);
	assert_int_equal(catalog_unit_retired(a, t1), 1);
	assert_ptr_equal(catalog_unit_current(c, a, t1 - 1), a);
	assert_ptr_equal(catalog_unit_current(c, a, t1), b);
	assert_string_equal(catalog_unit_current(c, a, t2)->code, "C1");
	assert_string_equal(catalog_unit_current(c, b, t2)->code, "C1");
	catalog_free(c);
}

static void
test_missing_files(void **state)
{
	struct catalog	*c = (struct catalog *)1;
	char		 why[512] = "";

	(void)state;
	put_all(SECTORS, UNITS, PROCS);
	unlink(fpath("procedures.csv"));
	assert_int_equal(catalog_load(dir, &c, why, sizeof(why)), -1);
	assert_null(c);
	assert_non_null(strstr(why, "procedures.csv: "));
	unlink(fpath("sectors.ini"));
	assert_int_equal(catalog_load(dir, &c, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "sectors.ini: "));
}

static void
test_fold(void **state)
{
	char	*f;

	(void)state;
	f = fold_text("Cấp GCN, QSDĐ  (lần đầu)", strlen("Cấp GCN, QSDĐ  "
	    "(lần đầu)"));
	assert_string_equal(f, "cap gcn qsdd lan dau");
	free(f);
	/* Decomposed marks (NFD) fold alike; Khmer is a gap. */
	f = fold_text("Đa\xcc\x86\xcc\x81ng ក x", strlen("Đa\xcc\x86\xcc\x81ng "
	    "ក x"));
	assert_string_equal(f, "dang x");
	free(f);
	f = fold_text("", 0);
	assert_string_equal(f, "");
	free(f);
}

#define SHEAD	"abbr,words\n"
#define PROCS_SYN \
	PHEAD \
	"1.1,land,Cấp đổi Giấy chứng nhận quyền sử dụng đất,Certificate,\n" \
	"1.2,other,Điều chỉnh GPXD,Permit,\n" \
	"1.3,other,Đăng ký khai sinh,Birth,\n"

static int
has_alias(const struct procedure *p, const char *a)
{
	size_t	 i;

	for (i = 0; i < p->naliases; i++)
		if (strcmp(p->aliases[i], a) == 0)
			return (1);
	return (0);
}

static void
test_synonyms(void **state)
{
	struct catalog		*c;
	const struct procedure	*p;
	const char		*syn = SHEAD "# comment\n"
				    "GCN,giay chung nhan\n"
				    "QSDĐ,quyền sử dụng đất\n"
				    "GPXD,giấy phép xây dựng\n"
				    "KS,khai\n"
				    "gcn,Giấy chứng nhận quyền\n";

	(void)state;
	/* No synonyms.csv: no aliases. */
	put_all(SECTORS, UNITS, PROCS_SYN);
	c = loaded();
	assert_int_equal(c->nsyns, 0);
	assert_int_equal(catalog_procedure(c, "1.1", 3)->naliases, 0);
	catalog_free(c);

	put("synonyms.csv", syn, strlen(syn));
	c = loaded();
	assert_int_equal(c->nsyns, 5);
	p = catalog_procedure(c, "1.1", 3);
	/* Words without diacritics find a name with them; once each. */
	assert_true(has_alias(p, "GCN"));
	assert_true(has_alias(p, "QSDĐ"));
	assert_true(has_alias(p, "gcn"));
	assert_false(has_alias(p, "GPXD"));
	/* The other way: an abbreviation in the name gives its words. */
	p = catalog_procedure(c, "1.2", 3);
	assert_true(has_alias(p, "giấy phép xây dựng"));
	assert_int_equal(p->naliases, 1);
	/* Whole words: "khai" is a word of "khai sinh"; "kha" would not be. */
	p = catalog_procedure(c, "1.3", 3);
	assert_true(has_alias(p, "KS"));
	catalog_free(c);
	/* The shipped list: GPXD finds the building permits. */
	c = NULL;
	assert_int_equal(catalog_load(SHIPPED, &c, NULL, 0), 0);
	assert_true(has_alias(catalog_procedure(c, "9.000201", 8), "GPXD"));
	assert_true(has_alias(catalog_procedure(c, "9.000102", 8), "GCN"));
	catalog_free(c);
}

static void
bad_syns(const char *text, const char *at, const char *reason)
{
	put_all(SECTORS, UNITS, PROCS);
	put("synonyms.csv", text, strlen(text));
	refused_line("synonyms.csv", at == NULL ? 0 : line_of(text, at),
	    reason);
}

static void
test_bad_synonyms(void **state)
{
	(void)state;
	bad_syns("abbr,meaning\nGCN,x\n", "abbr", "header row must be "
	    "abbr,words");
	bad_syns(SHEAD "GCN,giấy chứng nhận\nGP XD,giấy phép\n", "GP XD",
	    "letters and digits only");
	bad_syns(SHEAD "GCN,giấy chứng nhận\n,giấy phép\n", ",giấy phép",
	    "abbr must be 1 to");
	bad_syns(SHEAD "GCN,\n", "GCN", "words must be");
	bad_syns(SHEAD "GCN,...\n", "GCN", "words must be");
	bad_syns(SHEAD "GCN,gcn\n", "GCN", "words must be");
	bad_syns(SHEAD "GCN,giấy chứng nhận\nX,y\ngcn,Giay Chung Nhan\n",
	    "gcn,Giay", "the same abbr and words as line 2");
	bad_syns(SHEAD "GCN,a,b\n", "GCN", "3 fields, expected 2");
	bad_syns(SHEAD "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456,x\n", "ABCD",
	    "abbr must be 1 to 32 bytes");
	bad_syns(SHEAD "GCN,\"giấy\n", "GCN", "quoted field not closed");
	bad_syns(SHEAD "GCN,gi\xff\n", "GCN", "not valid UTF-8");
	unlink(fpath("synonyms.csv"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_bad_sectors),
		cmocka_unit_test(test_bad_units),
		cmocka_unit_test(test_bad_procs),
		cmocka_unit_test(test_hotline),
		cmocka_unit_test(test_retired_chain),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_synonyms),
		cmocka_unit_test(test_bad_synonyms),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
