"""Monthly report, what a reader of the files and the page relies on:
kiosk walk-ins counted in their unit's totals and in no sector (and
`verify` agreeing), text that a spreadsheet could run neutralised in
every CSV and XLSX (report and export, from the survey page and the
kiosk), headers whole, booleans as words, the province as the total and
not ranked, no link to a month that has not begun."""

import io
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hl  # noqa: E402
from hl import (Server, add_key, assert_html, assert_status,  # noqa: E402
                cli_ok, export_csv, json_of, run, test, valid_unit)

TZ_OFFSET = 7 * 3600

# Each starts a formula for some spreadsheet: ASCII, TAB, CR, full-width.
FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1",
            "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20SUM(A1)"]


def openpyxl():
    try:
        import openpyxl as o
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        import openpyxl as o
    return o


def month_now():
    return time.strftime("%Y-%m", time.gmtime(time.time() + TZ_OFFSET))


def enrol(s, unit):
    out = cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                 "--counter", "5", "--name", "k-%d" % time.monotonic_ns())
    code = [l for l in out.splitlines() if l.startswith("code: ")][0][6:]
    r = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
    assert_status(r, 201, "enrol")
    return json_of(*r)["key"]


def kiosk_post(s, key, body):
    h = {"Content-Type": "application/json",
         "Authorization": "Bearer " + key}
    return s.http("POST", "/api/v1/responses", json.dumps(body).encode(),
                  h)


def report(s, key, fmt="", extra=""):
    path = {"": "/api/v1/reports/monthly", "csv": "/reports/monthly.csv",
            "xlsx": "/api/v1/reports/monthly.xlsx",
            "html": "/reports/monthly"}[fmt]
    return s.get(path + "?month=" + month_now() + extra,
                 {"Authorization": "Bearer " + key})


def answer_ticket(s, unit, sector, level, comment=None):
    t = hl.new_ticket(s, unit=unit, sector=sector)
    pairs = [("overall", str(level))]
    if comment is not None:
        pairs.append(("comment", comment))
    assert_status(s.post_form(t["path"], pairs), 200, "answer")


class World:
    """A server with ticket answers in "other" and six kiosk walk-ins at
    one unit, some comments a spreadsheet could run."""

    def __init__(self):
        self.srv = Server().start()
        hl._started.remove(self.srv)
        s = self.srv
        self.viewer = add_key(s.data, "viewer")
        self.unit = valid_unit(s)["code"]
        # Nine ticket answers in "other": 8 satisfied (88.9%).
        for i in range(9):
            answer_ticket(s, self.unit, "other", 5 if i < 8 else 2,
                          FORMULAS[i] if i < 4 else None)
        key = enrol(s, self.unit)
        now = int(time.time())
        # Six walk-ins, all unsatisfied (1 and 2 in turn: five alike
        # within a minute would be suspect, out of the figures), queued
        # 10 s apart (the gap is 4 s) by a kiosk sending its queue on its
        # first contact; the kiosk path keeps TAB and CR at the start of
        # a comment.
        for i in range(6):
            c = FORMULAS[4 + i]
            r = kiosk_post(s, key, {
                "idempotency_key": "walkin-%d-%d" % (i, now),
                "answers": {"overall": 1 + i % 2},
                "comment": c, "waited": 300 - 10 * i})
            b = json_of(*assert_status(r, 201, "walk-in %d" % i))
            assert b["status"] == "stored", b
        self.rows = s.export()
        got = sorted(r["comment"] for r in self.rows if r["comment"])
        assert got == sorted(FORMULAS), got


_w = None


def world():
    global _w
    if _w is None:
        _w = World()
    return _w


@test
def walkins_count_in_unit_not_in_sector():
    w = world()
    rep = json_of(*report(w.srv, w.viewer))
    other = [x for x in rep["sectors"] if x["sector"] == "other"][0]
    assert other["responses"] == 9 and other["satisfied"] == 8, other
    assert all(x["responses"] == 0 for x in rep["sectors"]
               if x["sector"] != "other"), rep["sectors"]
    assert rep["overall"]["responses"] == 15, rep["overall"]
    assert rep["overall"]["satisfied"] == 8
    assert rep["walkin"]["responses"] == 6, rep["walkin"]
    assert rep["walkin"]["targets"] == [], rep["walkin"]
    assert "walkin" in rep["definitions"]
    u = [x for x in rep["units"] if x["unit"] == w.unit][0]
    assert u["responses"] == 15, u
    assert rep["channels"]["kiosk_walkin"] == 6
    # Export: a walk-in has no sector.
    wk = [r for r in w.rows if r["channel"] == "kiosk-walkin"]
    assert len(wk) == 6 and all(r["sector"] == "" for r in wk), wk
    # A report of one sector leaves walk-ins out.
    r2 = json_of(*report(w.srv, w.viewer, extra="&sector=other"))
    assert r2["overall"]["responses"] == 9, r2["overall"]
    assert all(c["sector"] == "other" for c in r2["comments"]["items"])
    # The page says where they are.
    page = assert_html(report(w.srv, w.viewer, "html"), 200)
    assert "Khách vãng lai tại ki-ốt" in page
    assert "không tính vào lĩnh vực nào" in page
    rc, out, err = hl.verify(w.srv.data)
    assert rc == 0, out + err


@test
def formulas_neutralised_everywhere():
    w = world()
    st, hd, body = report(w.srv, w.viewer, "csv")
    assert st == 200
    text = body[3:].decode("utf-8")
    for f in FORMULAS:
        quoted = '"\'' + f.replace('"', '""') + '"'
        assert ("'" + f) in text, ("report csv", f)
        # Never a bare formula at the start of a cell.
        assert (",%s" % f) not in text and ("\r\n%s" % f) not in text, f
        if f[0] in "\t\r":
            assert quoted in text, ("TAB/CR cell quoted", f)
    raw = export_csv(w.srv.data)[3:].decode("utf-8")
    for f in FORMULAS:
        assert ("'" + f) in raw, ("export csv", f)
        assert (",%s" % f) not in raw, ("export csv bare", f)
    st, hd, body = report(w.srv, w.viewer, "xlsx")
    assert st == 200, st
    wb = openpyxl().load_workbook(io.BytesIO(body))
    ws = wb["Góp ý"]
    col = [c.value for c in ws[1]].index("Góp ý") + 1
    cells = [ws.cell(row=k, column=col) for k in range(2, ws.max_row + 1)]
    # A CR is written _x000D_ (OOXML's escape; Excel reads a CR back,
    # this openpyxl leaves the escape as it is).
    got = sorted(c.value.replace("_x000D_", "\r") for c in cells)
    assert got == sorted("'" + f for f in FORMULAS), got
    assert all(c.data_type == "s" for c in cells)


@test
def headers_whole_and_booleans_as_words():
    w = world()
    st, hd, body = report(w.srv, w.viewer, "csv")
    lines = body[3:].decode("utf-8").split("\r\n")
    head = [l for l in lines if l.startswith("Mã lĩnh vực")][0]
    nat = "Tỷ lệ phản hồi (%)"
    assert head.endswith(nat), head
    assert "766" not in head, head
    wb = openpyxl().load_workbook(io.BytesIO(report(w.srv, w.viewer,
                                                    "xlsx")[2]))
    for name in ("Lĩnh vực", "Đơn vị"):
        ws = wb[name]
        heads = [c.value for c in ws[1]]
        assert heads[-1] == nat, (name, heads[-1])
        k = heads.index("Quá ít phiếu để xếp hạng")
        vals = {ws.cell(row=r, column=k + 1).value
                for r in range(2, ws.max_row + 1)}
        assert vals and vals <= {"có", "không"}, (name, vals)
    # Every header of every sheet is one of the CSV's, whole.
    text = body[3:].decode("utf-8")
    for ws in wb.worksheets:
        if ws.title == "Ghi chú":
            continue
        for c in ws[1]:
            assert c.value in text, (ws.title, c.value)
    # The CSV's own booleans.
    i = lines.index(head)
    cells = lines[i + 1].split(",")
    hs = head.split(",")
    assert cells[hs.index("Quá ít phiếu để xếp hạng")] in ("có", "không")
    raw = export_csv(w.srv.data)[3:].decode("utf-8")
    sus = {l.rsplit(",", 1)[-1] for l in raw.split("\r\n")[1:] if l}
    assert sus <= {"có", "không"} and sus, sus


@test
def province_is_the_total_and_no_future_link():
    w = world()
    rep = json_of(*report(w.srv, w.viewer))
    top = rep["units"][0]
    assert top["parent"] is None and top["total"] is True, top
    assert top["rank"] is None, top
    assert all(not u["total"] for u in rep["units"][1:])
    page = assert_html(report(w.srv, w.viewer, "html"), 200)
    m = month_now()
    y, mo = int(m[:4]), int(m[5:])
    nxt = "%04d-%02d" % ((y, mo + 1) if mo < 12 else (y + 1, 1))
    prv = "%04d-%02d" % ((y, mo - 1) if mo > 1 else (y - 1, 12))
    assert "month=" + nxt not in page, "link to a future month"
    assert "month=" + prv in page
    # The month before links forward to this one.
    st, hd, body = w.srv.get("/reports/monthly?month=" + prv,
                             {"Authorization": "Bearer " + w.viewer})
    assert ("month=" + m) in body.decode("utf-8")


if __name__ == "__main__":
    try:
        run()
    finally:
        if _w is not None:
            _w.srv.kill()
            import shutil
            shutil.rmtree(_w.srv.root, ignore_errors=True)
