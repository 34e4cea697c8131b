"""Reports of a period: a month, a quarter, a year and a range of whole
months through GET /api/v1/reports?period=, each checked against an
independent recount from `hailong export` (the sum of the period's
months); the CSV, XLSX and HTML naming the period; the period parser's
400s and their messages; the monthly paths unchanged; provisional until
7 days after the period's end (libfaketime moves the command's clock)."""

import io
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hl  # noqa: E402
from hl import (Server, add_key, assert_html, assert_json_error,  # noqa
                assert_status, json_of, run, test)
_ours = len(hl._tests)
from test_report import (check_row, load_targets, load_units,  # noqa
                         recount)
from test_clock import libfaketime, preload  # noqa: E402
del hl._tests[_ours:]		# their tests run in their own files

TZ_OFFSET = 7 * 3600
MONTHS = 15
WANT = "period: want YYYY-MM, YYYY-Qn, YYYY or YYYY-MM..YYYY-MM"


def month_now():
    return time.strftime("%Y-%m", time.gmtime(time.time() + TZ_OFFSET))


def madd(m, d):
    i = int(m[:4]) * 12 + int(m[5:]) - 1 + d
    return "%04d-%02d" % (i // 12, i % 12 + 1)


def months_of(a, b):
    out = [a]
    while out[-1] != b:
        out.append(madd(out[-1], 1))
    return out


def openpyxl():
    try:
        import openpyxl as o
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        import openpyxl as o
    return o


class Fixture:
    def __init__(self):
        self.srv = Server().start()
        hl._started.remove(self.srv)	# shared by the tests here
        self.viewer = add_key(self.srv.data, "viewer")
        hl.cli_ok("dev-fill", "--data", self.srv.data, "--answers", "4000",
                  "--months", str(MONTHS), "--seed", "11", timeout=240)
        self.rows = self.srv.export()
        self.now = month_now()

    def get(self, path):
        return self.srv.get(path, {"Authorization": "Bearer " + self.viewer})

    def json(self, path):
        return json_of(*assert_status(self.get(path), 200, path))


_fx = None


def fixture():
    global _fx
    if _fx is None:
        _fx = Fixture()
    return _fx


def periods(now):
    """One of each kind, with its months and label."""
    pm = madd(now, -1)
    y, mo = int(pm[:4]), int(pm[5:])
    q = (mo - 1) // 3 + 1
    qf = "%04d-%02d" % (y, (q - 1) * 3 + 1)
    roman = ["I", "II", "III", "IV"]
    a, b = madd(now, -13), madd(now, -1)
    return [
        ("month", pm, months_of(pm, pm), "Tháng %02d/%04d" % (mo, y)),
        ("quarter", "%04d-Q%d" % (y, q), months_of(qf, madd(qf, 2)),
         "Quý %s/%04d" % (roman[q - 1], y)),
        ("year", now[:4], months_of(now[:4] + "-01", now[:4] + "-12"),
         "Năm " + now[:4]),
        ("range", a + ".." + b, months_of(a, b), "Tháng %s/%s–%s/%s" % (
            a[5:], a[:4], b[5:], b[:4])),
    ]


def in_force(targets, year):
    ys = sorted(targets)
    k = ys[0]
    for y in ys:
        if y <= year:
            k = y
    return k


def recount_period(rows, months, parent):
    ms = set(months)
    return recount([dict(r, month="P") for r in rows if r["month"] in ms],
                   "P", parent)


@test
def period_kinds_match_recount():
    fx = fixture()
    targets, order = load_targets()
    parent = load_units()
    for kind, code, months, label in periods(fx.now):
        rep = fx.json("/api/v1/reports?period=" + code)
        what = code
        p = rep["period"]
        assert p["kind"] == kind and p["code"] == code, (what, p)
        assert p["from"] == months[0] and p["to"] == months[-1], (what, p)
        assert p["label"] == label, (what, p["label"], label)
        assert ("month" in rep) == (kind == "month"), what
        now = recount_period(fx.rows, months, parent)
        prev = recount_period(fx.rows, months_of(
            madd(months[0], -len(months)), madd(months[0], -1)), parent)
        assert rep["previous_period"]["to"] == madd(months[0], -1)
        assert [r["sector"] for r in rep["sectors"]] == order
        year = int(months[-1][:4])
        check_row(rep["overall"], now.get(("overall", "")),
                  targets["overall"], None, what + " overall")
        assert rep["overall"]["verdict_year"] == in_force(
            targets["overall"], year), (what, rep["overall"])
        assert rep["overall"]["prev_responses"] == prev.get(
            ("overall", ""), {"n": 0})["n"], what
        for row in rep["sectors"]:
            sec = row["sector"]
            check_row(row, now.get(("sector", sec)), targets[sec], None,
                      what + " " + sec)
            assert row["prev_responses"] == prev.get(
                ("sector", sec), {"n": 0})["n"], (what, sec)
        seen = set()
        for row in rep["units"]:
            seen.add(row["unit"])
            check_row(row, now.get(("unit", row["unit"])),
                      targets["overall"], None, what + " " + row["unit"])
        assert seen == set(parent), what
        # Channels and aspect questions over the whole period.
        ch = now[("overall", "")]["ch"]
        assert rep["channels"]["qr"] == ch.get("qr", 0), what
        assert rep["channels"]["kiosk_walkin"] == ch.get("kiosk-walkin", 0)
        for q in rep["questions"]:
            cnt = {}
            for r in fx.rows:
                v = r.get(q["question"])
                if r["month"] not in months or not v:
                    continue
                for o in v if isinstance(v, list) else [v]:
                    cnt[o] = cnt.get(o, 0) + 1
            for o in q["options"]:
                assert o["count"] == cnt.get(o["option"], 0), (
                    what, q["question"], o, cnt)
        # The trend: the period's own months for a year or a range,
        # twelve to its end otherwise; a year's quarters add up.
        tr = [t for t in rep["trend"] if t["sector"] == "overall"][0]
        tm = [m["month"] for m in tr["months"]]
        if kind in ("year", "range"):
            assert tm == months, (what, tm)
        else:
            assert tm == months_of(madd(months[-1], -11), months[-1])
        for m in tr["months"]:
            d = recount_period(fx.rows, [m["month"]], parent)
            assert m["responses"] == d.get(("overall", ""), {"n": 0})["n"]
        if kind == "year":
            qs = tr["quarters"]
            assert [x["label"] for x in qs] == [
                "Quý %s/%s" % (r, code) for r in ("I", "II", "III", "IV")]
            assert sum(x["responses"] for x in qs) == \
                rep["overall"]["responses"], what
            for k, x in enumerate(qs):
                d = recount_period(fx.rows, months[k * 3:k * 3 + 3], parent)
                assert x["responses"] == d.get(("overall", ""),
                                               {"n": 0})["n"], (what, x)
        else:
            assert "quarters" not in tr, what
        # Comments: every one of the period (fewer than the limit here).
        want = sorted(r["comment"] for r in fx.rows
                      if r["month"] in months and r["comment"])
        assert len(want) < 200, len(want)
        got = rep["comments"]["items"]
        assert sorted(i["text"] for i in got) == want, what
        # Month by month from the period's end.
        ms = [i["time"][:7] for i in got]
        assert ms == sorted(ms, reverse=True), what
        # The command line agrees.
        cj = json.loads(hl.cli_ok("report", "--data", fx.srv.data,
                                  "--period", code, "--format", "json"))
        assert cj["overall"] == rep["overall"] and \
            cj["period"] == rep["period"], what
    # A range across two years is judged by the later year's targets.
    rep = fx.json("/api/v1/reports?period=" + periods(fx.now)[3][1])
    assert "later year" in rep["definitions"]["period"]


@test
def period_files_and_page_name_it():
    fx = fixture()
    year = fx.now[:4]
    rep = fx.json("/api/v1/reports?period=" + year)
    st, hd, body = fx.get("/reports.csv?period=" + year)
    assert st == 200 and hd["content-type"].startswith("text/csv"), st
    text = body[3:].decode("utf-8")
    first = text.split("\r\n")[0]
    assert first.startswith("Báo cáo mức độ hài lòng,Năm %s,Từ tháng,"
                            "%s-01,Đến tháng,%s-12," % (year, year, year)), \
        first
    assert "Thay đổi so với năm trước (điểm %)" in text
    assert "Xu hướng theo quý" in text
    assert "Ghi chú\r\nKỳ báo cáo,Năm %s\r\n" % year in text
    assert "Số liệu tạm thời - chốt ngày %s/01/%d" % (
        "08", int(year) + 1) in text, text[-400:]
    lines = text.split("\r\n")
    i = [k for k, l in enumerate(lines) if l.startswith("Mã lĩnh vực")][0]
    for k, row in enumerate([rep["overall"]] + rep["sectors"]):
        cells = lines[i + 1 + k].split(",")
        assert cells[0] == row["sector"] and int(cells[2]) == \
            row["responses"], (cells, row)
    for path in ("/reports.xlsx", "/api/v1/reports.xlsx"):
        st, hd, body = fx.get(path + "?period=" + year)
        assert st == 200, (path, st)
        wb = openpyxl().load_workbook(io.BytesIO(body))
        assert "Theo quý" in wb.sheetnames, wb.sheetnames
        ws = wb["Lĩnh vực"]
        head = [c.value for c in ws[1]]
        assert ws.cell(row=2, column=head.index("Số phiếu trả lời") + 1
                       ).value == rep["overall"]["responses"]
        notes = {r[0].value: r[1].value for r in wb["Ghi chú"].iter_rows()}
        assert notes["Kỳ báo cáo"] == "Năm " + year, notes
        assert notes["Số liệu"].startswith("Số liệu tạm thời - chốt ngày"), \
            notes
    st, hd, body = fx.get("/api/v1/reports.csv?period=" + year)
    assert st == 200 and body.startswith(hl.BOM)
    # The page: its title, the banner, the quarters, the choices.
    page = assert_html(fx.get("/reports?period=" + year), 200, "page")
    assert "Báo cáo mức độ hài lòng — Năm %s" % year in page
    assert ("Số liệu tạm thời - chốt ngày 08/01/%d" % (int(year) + 1)) in \
        page
    assert 'id="quarters"' in page and "Quý IV/%s" % year in page
    ytd = "%s-01..%s" % (fx.now[:4], fx.now)
    assert 'href="/reports?period=%s" id="ytd">Từ đầu năm</a>' % ytd in page
    for code in (fx.now, "%s-Q%d" % (year, (int(fx.now[5:]) - 1) // 3 + 1),
                 year):
        assert 'href="/reports?period=%s"' % code in page, code
    assert 'href="/reports.xlsx?period=%s"' % year in page
    assert "NaN" not in page and "<script" not in page
    page = assert_html(fx.get("/reports?period=" + ytd), 200, "ytd")
    assert "Tháng 01–%s/%s" % (fx.now[5:], year) in page or \
        fx.now.endswith("-01"), page[:400]


@test
def period_parser_rejects():
    fx = fixture()
    nxt = madd(fx.now, 1)
    bad = {
        "2026-13": WANT, "2026-Q5": WANT, "2026-Q0": WANT, "26": WANT,
        "2026-1": WANT, "2026-01..": WANT, "2026-01...2026-02": WANT,
        "%202026": WANT, "2026%00": WANT, "x" * 300: WANT,
        "2026-01..2026-1": WANT, "1969": WANT, "N%C4%83m": WANT,
        "%2B2026": WANT, "2026-01%2F2026-02": WANT,
        madd(fx.now, -1) + ".." + madd(fx.now, -2):
            "period: a range must be ascending: the earlier month first",
        madd(fx.now, -36) + ".." + fx.now:
            "period: a range is at most 36 months",
        madd(fx.now, -2) + ".." + nxt:
            "period: a range may not end after this month",
        nxt: "period: it begins after this month",
        str(int(fx.now[:4]) + 1): "period: it begins after this month",
    }
    for p, msg in bad.items():
        for path in ("/api/v1/reports", "/api/v1/reports.csv",
                     "/api/v1/reports/monthly"):
            o = assert_json_error(fx.get(path + "?period=" + p), 400, p)
            assert o["error"] == msg, (p, o["error"], msg)
        # The page's error never echoes the input.
        st, hd, body = fx.get("/reports?period=" + p)
        assert st == 400 and b"xxxxxxxxxx" not in body, (p, st)
    # 35 months back to this month is 36 months: fine.
    assert_status(fx.get("/api/v1/reports?period=%s..%s" % (
        madd(fx.now, -35), fx.now)), 200, "36 months")
    o = assert_json_error(fx.get("/api/v1/reports?period=%s&month=%s" % (
        fx.now, fx.now)), 400)
    assert o["error"] == "period: give period or month, not both", o
    rc, out, err = hl.cli("report", "--data", fx.srv.data, "--period",
                          "2026-Q9", "--format", "json")
    assert rc == 2 and WANT in err, (rc, err)


@test
def monthly_paths_unchanged():
    fx = fixture()
    pm = madd(fx.now, -1)
    a = fx.json("/api/v1/reports/monthly?month=" + pm)
    b = fx.json("/api/v1/reports?period=" + pm)
    assert a["month"] == pm and a["previous_month"] == madd(pm, -1)
    for x in (a, b):
        x.pop("build_ms")
    assert a == b
    c = fx.json("/api/v1/reports?month=" + pm)
    c.pop("build_ms")
    assert c == a
    d = fx.json("/api/v1/reports/monthly")
    assert d["month"] == fx.now and d["period"]["kind"] == "month"
    page = assert_html(fx.get("/reports/monthly?month=" + pm), 200)
    assert 'href="/reports/monthly?month=%s"' % madd(pm, -1) in page
    assert 'href="/reports/monthly.xlsx?month=%s"' % pm in page
    assert 'action="/reports/monthly"' in page
    st, hd, body = fx.get("/reports/monthly.csv?month=" + pm)
    assert body[3:].decode("utf-8").startswith(
        "Báo cáo mức độ hài lòng,Tháng %s,Đơn vị,tất cả," % pm)
    for bad in ("2001-13", "x"):
        o = assert_json_error(fx.get("/api/v1/reports/monthly?month=" +
                                     bad), 400)
        assert o["error"] == "month: want YYYY-MM", o


def report_at(data, period, utc):
    """`hailong report --period` with the clock at utc (libfaketime)."""
    env = hl._env()
    env.update({"LD_PRELOAD": preload(), "FAKETIME": "%+d" % int(
        utc - time.time()), "FAKETIME_DONT_FAKE_MONOTONIC": "1"})
    p = subprocess.run([hl.HAILONG, "report", "--data", data, "--period",
                        period, "--format", "json", "--comments", "no"],
                       capture_output=True, timeout=60, env=env,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr.decode()
    return json.loads(p.stdout)


@test
def provisional_until_seven_days_after():
    fx = fixture()
    assert libfaketime(), "libfaketime not installed (apt-get install " \
        "faketime)"
    import calendar
    pm = madd(fx.now, -2)
    nx = madd(pm, 1)
    # Final from the 8th of the next month, 00:00 +07:00.
    final = calendar.timegm((int(nx[:4]), int(nx[5:]), 8, 0, 0, 0)) - \
        TZ_OFFSET
    for per in (pm, "%s..%s" % (madd(pm, -2), pm)):
        r = report_at(fx.srv.data, per, final - 3600)
        assert r["provisional"] is True, (per, r["provisional"])
        assert r["final_on"] == "%s-08" % nx, r["final_on"]
        r = report_at(fx.srv.data, per, final + 60)
        assert r["provisional"] is False and r["final_on"] == nx + "-08"
    # Through the server: this month is provisional, an old one is not.
    a = fx.json("/api/v1/reports?period=" + madd(fx.now, -3))
    assert a["provisional"] is False, a["final_on"]
    b = fx.json("/api/v1/reports?period=" + fx.now)
    assert b["provisional"] is True
    page = assert_html(fx.get("/reports?period=" + madd(fx.now, -3)), 200)
    assert "Số liệu tạm thời" not in page
    st, hd, body = fx.get("/reports.csv?period=" + madd(fx.now, -3))
    assert "Số liệu đã chốt ngày" in body.decode("utf-8")


if __name__ == "__main__":
    try:
        run()
    finally:
        if _fx is not None:
            _fx.srv.kill()
            import shutil
            shutil.rmtree(_fx.srv.root, ignore_errors=True)
