"""The report's section by counter and officer ("Theo quầy và cán bộ"):
figures per one-stop counter and per officer (the key that issued the
tickets: by Bearer key, by a browser signed in with it, or not known for
`hailong ticket`) against an independent recount from `hailong export`
and the tickets this test issued; rows under the minimum hidden; the
section shown to the unit's own viewer (key and session), a viewer of a
unit above and an admin, and to nobody else (a province-wide viewer, a
viewer of another unit); every period kind; CSV and XLSX."""

import csv
import io
import re
import sys

import hl
from hl import (Server, add_key, assert_html, assert_status, json_of, run,
                test, valid_procedure)
_ours = len(hl._tests)
from test_report import wilson  # noqa: E402
del hl._tests[_ours:]		# its tests run in their own file

UNIT = "92-VD01"		# a ward of 92, the root
ABOVE = "92"
OTHER = "92-VD02"
SECTION = "Theo quầy và cán bộ"


def close(a, b):
    if a is None or b is None:
        return a is b
    return abs(a - b) < 0.006


def bearer(k):
    return {"Authorization": "Bearer " + k}


def key_ids(data):
    """{name: id} from `hailong key list`."""
    out = hl.cli_ok("key", "list", "--data", data)
    ids = {}
    for line in out.splitlines():
        cells = line.split("\t")
        if len(cells) >= 2 and re.fullmatch(r"[0-9a-f]{12}", cells[0]):
            for c in cells[1:]:
                ids.setdefault(c, cells[0])
    return ids


def sign_in(s, key, nxt):
    st, h, _ = s.post_form("/signin", [("key", key), ("next", nxt)])
    assert st == 303, st
    return h["set-cookie"].split(";")[0]


def session_issue(s, cookie, proc, counter):
    """A ticket issued from the counter page's session."""
    st, _, page = s.get("/counter", {"Cookie": cookie})
    assert st == 200, st
    m = re.search(rb'name="csrf-token" content="([0-9a-f]{32})"', page)
    assert m, page[:400]
    r = s.http("POST", "/api/v1/tickets",
               {"procedure": proc, "unit": UNIT, "counter": counter},
               {"Cookie": cookie, "X-CSRF-Token": m.group(1).decode()})
    return json_of(*assert_status(r, 201, "session issue"))


def answer(s, t, level):
    page = assert_html(s.get("/s/" + t["token"]), 200, "survey")
    assert_status(s.post_form("/s/" + t["token"],
                              hl.full_answer(page, level)), 200, "answer")


class Fixture:
    """Tickets at UNIT: officer A (key) at counter 1, officer B (key) at
    counter 2, A again from a signed-in browser at counter 2, and the
    command line (no officer) at counter 1; some answered."""

    def __init__(self):
        s = self.s = Server().start()
        hl._started.remove(s)
        d = s.data
        self.keys = {
            "a": add_key(d, "counter", "Cán bộ A", UNIT),
            "b": add_key(d, "counter", "Cán bộ B", UNIT),
            "viewer": add_key(d, "viewer", "xem-phuong", UNIT),
            "above": add_key(d, "viewer", "xem-thanh-pho", ABOVE),
            "province": add_key(d, "viewer", "xem-tinh"),
            "other": add_key(d, "viewer", "xem-phuong-khac", OTHER),
            "admin": add_key(d, "admin", "quan-tri"),
            "head": add_key(d, "head", "truong-phuong", UNIT),
            "head-other": add_key(d, "head", "truong-phuong-khac", OTHER),
        }
        self.ids = key_ids(d)
        proc = valid_procedure(s)["code"]
        self.issued = {}	# ("c", counter) / ("o", id or None) -> n
        plan = [("a", "1", [5, 5, 4, 2, None, 1]),
                ("b", "2", [5, 3, None]),
                ("a-session", "2", [4]),
                ("cli", "1", [5, None])]
        cookie = sign_in(s, self.keys["a"], "/counter")
        for who, counter, levels in plan:
            officer = None if who == "cli" else self.ids[
                "Cán bộ B" if who == "b" else "Cán bộ A"]
            for lv in levels:
                if who == "cli":
                    out = hl.cli_ok("ticket", "--data", d, "--procedure",
                                    proc, "--unit", UNIT, "--counter",
                                    counter)
                    t = {"token": hl.parse_fields(out)["token"]}
                elif who == "a-session":
                    t = session_issue(s, cookie, proc, counter)
                else:
                    t = json_of(*assert_status(hl.issue(
                        s, self.keys[who], unit=UNIT, procedure=proc,
                        counter=counter), 201, "issue"))
                for k in (("c", counter), ("o", officer)):
                    self.issued[k] = self.issued.get(k, 0) + 1
                if lv is not None:
                    answer(s, t, lv)
        self.rows = s.export()

    def get(self, who, path):
        return self.s.get(path, bearer(self.keys[who]))

    def report(self, who, query):
        return json_of(*assert_status(self.get(
            who, "/api/v1/reports?" + query), 200, query))


_fx = None


def fixture():
    global _fx
    if _fx is None:
        _fx = Fixture()
    return _fx


def recount(fx):
    """Per counter and per officer, from the export's answered tickets."""
    by = {}
    for r in fx.rows:
        if r["ticket_unit"] != UNIT:
            continue
        for k in (("c", r["counter"]), ("o", r["officer"])):
            d = by.setdefault(k, {"answered": 0, "n": 0, "s": 0, "susp": 0,
                                  "name": None})
            d["answered"] += 1
            if r["suspect"]:
                d["susp"] += 1
            elif r["overall"]:
                d["n"] += 1
                d["s"] += r["overall"] >= 4
            if k[0] == "o":
                d["name"] = r["officer_name"]
    return by


def check(fx, rep, minimum):
    by = recount(fx)
    assert {("c", c["counter"]) for c in rep["counters"]} == {
        k for k in fx.issued if k[0] == "c"}, rep["counters"]
    assert {("o", o["officer"]) for o in rep["officers"]} == {
        k for k in fx.issued if k[0] == "o"}, rep["officers"]
    for row in rep["counters"] + rep["officers"]:
        k = ("c", row["counter"]) if "counter" in row else (
            "o", row["officer"])
        d = by[k]
        issued = fx.issued[k]
        if k[0] == "c":
            assert row["unit"] == UNIT, row
        else:
            assert row["name"] == (d["name"] or "không rõ"), (row, d)
        if d["n"] < minimum:
            assert row["too_few"] is True, (k, row)
            for f in ("responses", "satisfied", "percent", "ci_low",
                      "ci_high", "issued", "issued_answered",
                      "response_rate", "suspect"):
                assert row[f] is None, (k, f, row)
            continue
        assert row["too_few"] is False, (k, row)
        assert row["responses"] == d["n"], (k, row, d)
        assert row["satisfied"] == d["s"], (k, row, d)
        assert row["suspect"] == d["susp"], (k, row, d)
        assert close(row["percent"], 100.0 * d["s"] / d["n"]), (k, row)
        lo, hi = wilson(d["s"], d["n"])
        assert close(row["ci_low"], lo) and close(row["ci_high"], hi), (
            k, row, lo, hi)
        assert row["issued"] == issued, (k, row, issued)
        assert row["issued_answered"] == d["answered"], (k, row, d)
        assert close(row["response_rate"], 100.0 * d["answered"] / issued)


@test
def figures_match_recount():
    fx = fixture()
    ids = fx.ids
    # Who issued what, as the export tells it.
    answered = [r for r in fx.rows if r["ticket_unit"] == UNIT]
    assert len(answered) == 9, answered
    assert {r["officer"] for r in answered} == {
        ids["Cán bộ A"], ids["Cán bộ B"], None}, answered
    assert {r["officer_name"] for r in answered} == {
        "Cán bộ A", "Cán bộ B", None}, answered
    # Officer A: 6 by key at counter 1, 1 by session at counter 2.
    assert fx.issued[("o", ids["Cán bộ A"])] == 7
    rep = fx.report("admin", "unit=%s&min=1" % UNIT)
    check(fx, rep, 1)
    a = [o for o in rep["officers"] if o["officer"] == ids["Cán bộ A"]][0]
    assert a["responses"] == 6 and a["satisfied"] == 4, a
    assert a["issued"] == 7 and a["issued_answered"] == 6, a
    unknown = [o for o in rep["officers"] if o["officer"] is None]
    assert unknown and unknown[0]["name"] == "không rõ", rep["officers"]
    assert unknown[0]["issued"] == 2 and unknown[0]["responses"] == 1
    # The unknown officer is listed last; counters by code.
    assert rep["officers"][-1]["officer"] is None, rep["officers"]
    assert [c["counter"] for c in rep["counters"]] == ["1", "2"]
    assert "counters" in rep["definitions"], rep["definitions"]
    rc, out, err = hl.verify(fx.s.data)
    assert rc == 0, (out, err)


@test
def under_the_minimum_no_figure():
    fx = fixture()
    # B has 2 answers, the command line's 1: hidden at min 3.
    rep = fx.report("admin", "unit=%s&min=3" % UNIT)
    check(fx, rep, 3)
    hidden = [o for o in rep["officers"] if o["too_few"]]
    assert {o["officer"] for o in hidden} == {fx.ids["Cán bộ B"], None}
    # Every row hidden at the default minimum (30).
    rep = fx.report("admin", "unit=%s" % UNIT)
    assert rep["min_responses"] == 30
    check(fx, rep, 30)
    assert all(r["too_few"] for r in rep["counters"] + rep["officers"])
    # The page names the hidden rows and shows no figure for them.
    st, _, page = fx.get("admin", "/reports?unit=%s&min=3" % UNIT)
    text = hl.page_text(page)
    assert st == 200 and SECTION in text, st
    sec = text[text.index('<section id="desks">'):]
    sec = sec[:sec.index("</section>")]
    row_b = [tr for tr in sec.split("<tr>") if "Cán bộ B" in tr]
    assert row_b and "Quá ít phiếu" in row_b[0], row_b
    assert "%" not in row_b[0], row_b[0]
    row_a = [tr for tr in sec.split("<tr>") if "Cán bộ A" in tr][0]
    assert "Quá ít phiếu" not in row_a and "66,7 %" in row_a, row_a


def has_section(fx, who, query, cookie=None, ours=True):
    """(JSON, page, CSV) each with the section or not; all must agree.
    ours: a report of UNIT's officers, named in it when shown."""
    h = {"Cookie": cookie} if cookie else bearer(fx.keys[who])
    j = json_of(*assert_status(fx.s.get("/api/v1/reports?" + query, h),
                               200, who))
    st, _, page = fx.s.get("/reports?" + query, h)
    assert st == 200, (who, st)
    st, _, body = fx.s.get("/reports.csv?" + query, h)
    assert st == 200, (who, st)
    flags = ("counters" in j, "officers" in j,
             SECTION in hl.page_text(page), SECTION in body.decode("utf-8"))
    assert len(set(flags)) == 1, (who, query, flags)
    if flags[0]:
        assert ("Cán bộ A" in hl.page_text(page)) == ours, who
    else:
        assert "Cán bộ A" not in hl.page_text(page) and \
            "Cán bộ A" not in body.decode("utf-8"), who
        assert "counters" not in j["definitions"], who
    return flags[0]


@test
def who_sees_the_section():
    fx = fixture()
    q = "unit=%s&min=1" % UNIT
    # The unit's own viewer (its report by default), by key and session.
    assert has_section(fx, "viewer", q)
    assert has_section(fx, "viewer", "min=1")
    cookie = sign_in(fx.s, fx.keys["viewer"], "/reports")
    assert has_section(fx, None, q, cookie)
    # A viewer of the unit above: its own report and the unit's.
    assert has_section(fx, "above", q)
    assert has_section(fx, "above", "min=1")
    # An admin, for a unit's report only.
    assert has_section(fx, "admin", q)
    assert not has_section(fx, "admin", "min=1")
    # A province-wide viewer: never.
    assert not has_section(fx, "province", q)
    assert not has_section(fx, "province", "min=1")
    # A viewer of another unit: not this unit's, and its own has none of
    # these officers.
    assert_status(fx.get("other", "/api/v1/reports?" + q), 403, "other")
    assert has_section(fx, "other", "min=1", ours=False)
    rep = fx.report("other", "min=1")
    assert rep["counters"] == [] and rep["officers"] == [], rep
    # The unit's head, by key and session; another unit's head: 403 for
    # this unit, and its own report has none of these officers.
    assert has_section(fx, "head", q)
    st, h, _ = fx.s.post_form("/signin", [("key", fx.keys["head"])])
    assert st == 303 and h["location"].endswith("/followups"), (st, h)
    cookie = h["set-cookie"].split(";")[0]
    assert has_section(fx, None, q, cookie)
    assert_status(fx.get("head-other", "/api/v1/reports?" + q), 403,
                  "head-other")
    assert has_section(fx, "head-other", "min=1", ours=False)
    # The counter keys cannot read reports at all.
    assert fx.get("a", "/api/v1/reports?" + q)[0] in (401, 403)


@test
def a_head_needs_a_unit():
    d = fixture().s.data
    rc, _, err = hl.cli("key", "add", "--data", d, "--role", "head",
                        "--name", "truong")
    assert rc == 2 and "--unit is required" in err, (rc, err)
    assert "truong\t" not in hl.cli_ok("key", "list", "--data", d)


@test
def every_period_sums_the_months():
    fx = fixture()
    month = fx.report("admin", "unit=%s&min=1" % UNIT)
    m = month["month"]
    y, mo = int(m[:4]), int(m[5:])
    for period in (m, "%04d-Q%d" % (y, (mo - 1) // 3 + 1), "%04d" % y,
                   "%04d-%02d..%s" % ((y - 1, mo, m) if mo < 12 else
                                      (y, 1, m))):
        rep = fx.report("admin", "unit=%s&min=1&period=%s" % (UNIT, period))
        assert rep["counters"] == month["counters"], period
        assert rep["officers"] == month["officers"], period
        check(fx, rep, 1)
    # A period before any ticket: rows absent, the section still there.
    rep = fx.report("admin", "unit=%s&min=1&period=%04d" % (UNIT, y - 2))
    assert rep["counters"] == [] and rep["officers"] == [], rep
    # The monthly path too.
    rep = fx.report("admin", "unit=%s&min=1&month=%s" % (UNIT, m))
    assert rep["officers"] == month["officers"]


@test
def csv_and_xlsx_tables():
    fx = fixture()
    st, _, body = fx.get("admin", "/reports.csv?unit=%s&min=3" % UNIT)
    assert st == 200
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    i = [k for k, l in enumerate(lines) if l and l[0].startswith(SECTION)]
    assert len(i) == 1, i
    head = lines[i[0] + 1]
    rows = []
    for l in lines[i[0] + 2:]:
        if not l or not l[0]:
            break
        rows.append(dict(zip(head, l)))
    assert len(rows) == 2 + 3, rows
    kinds = [r["Loại"] for r in rows]
    assert kinds == ["Quầy"] * 2 + ["Cán bộ"] * 3, kinds
    b = [r for r in rows if r["Tên"] == "Cán bộ B"][0]
    assert b["Quá ít phiếu (không nêu số liệu)"] == "có", b
    assert b["Số phiếu trả lời"] == "" and b["Tỷ lệ hài lòng (%)"] == "", b
    a = [r for r in rows if r["Tên"] == "Cán bộ A"][0]
    assert a["Số phiếu trả lời"] == "6" and a["Phiếu đã phát"] == "7", a
    assert a["Quầy, hoặc mã khóa của cán bộ"] == fx.ids["Cán bộ A"], a
    # XLSX: a sheet of its own, for those who see the section only.
    try:
        import openpyxl
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        import openpyxl
    for who, want in (("admin", True), ("province", False)):
        st, _, body = fx.get(who, "/reports.xlsx?unit=%s&min=3" % UNIT)
        if st == 503:
            return		# libxlsxwriter absent: tested elsewhere
        assert st == 200, st
        wb = openpyxl.load_workbook(io.BytesIO(body))
        assert ("Quầy và cán bộ" in wb.sheetnames) == want, wb.sheetnames


if __name__ == "__main__":
    try:
        run()
    finally:
        if _fx is not None:
            _fx.s.kill()
            import shutil
            shutil.rmtree(_fx.s.root, ignore_errors=True)
