"""Monthly report: figures of the JSON report against an independent
recount from `hailong export`, the CSV and the XLSX (read with openpyxl)
against the JSON, access (keys, sign-in, session cookie, CSRF on
sign-out), escaping of comments, months without data."""

import csv
import datetime
import html
import io
import math
import os
import random
import re
import sys
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hl  # noqa: E402
from hl import test, run, Server, add_key, assert_status, assert_html  # noqa

Z = 1.959963984540054
TICKETS = 1200
ANSWERED = 900

WEIRD = [
    '<script>alert("x")</script> & \'quote\'',
    "a" * 300,
    "\u202eevil\u202c \u200f\u0645\u0631\u062d\u0628\u0627\u200f",
    "សូមអរគុណ ការបម្រើល្អណាស់",
    "Rất tốt, cảm ơn cán bộ",
]


# The options of the procedure survey's question on how the office served
# (item 15 of the resolution), levels 1 to 5.
AGENCY = ["very_dissatisfied", "dissatisfied", "neutral", "satisfied",
          "very_satisfied"]


def schema_path(*p):
    return os.path.join(hl.SRCDIR, "schema", *p)


def load_targets():
    """sectors.ini: {code: {year: percent}}, 'overall' included."""
    out, cur = {}, None
    order = []
    with open(schema_path("sectors.ini"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            m = re.match(r"^\[(overall|sector (\w+))\]$", line)
            if m:
                cur = m.group(2) or "overall"
                out[cur] = {}
                if cur != "overall":
                    order.append(cur)
                continue
            m = re.match(r"^target\.(\d{4})\s*=\s*([\d.]+)$", line)
            if m and cur:
                out[cur][int(m.group(1))] = float(m.group(2))
    return out, order


def load_units():
    parent = {}
    with open(schema_path("units.csv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("code,"):
                continue
            cells = line.rstrip("\n").split(",")
            if len(cells) >= 2 and cells[0]:
                parent[cells[0]] = cells[1]
    return parent


def wilson(s, n):
    p = s / n
    d = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / d
    h = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / d
    return (0.0 if s == 0 else c - h) * 100, (1.0 if s == n else c + h) * 100


def p_reach(s, n, t):
    """P(X >= t), X ~ Beta(s + 1/2, n - s + 1/2), by Simpson's rule on a
    substitution that removes the endpoint singularities."""
    a, b = s + 0.5, n - s + 0.5
    lb = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    # x = sin^2(u): dx = 2 sin u cos u du, pdf x^(a-1)(1-x)^(b-1).
    u0, u1 = math.asin(math.sqrt(t)), math.pi / 2
    m = 20000

    def f(u):
        su, cu = math.sin(u), math.cos(u)
        if su <= 0 or cu <= 0:
            return 0.0
        return 2 * math.exp((2 * a - 1) * math.log(su) +
                            (2 * b - 1) * math.log(cu) - lb)
    h = (u1 - u0) / m
    tot = f(u0) + f(u1)
    for i in range(1, m):
        tot += f(u0 + i * h) * (4 if i % 2 else 2)
    return min(1.0, max(0.0, tot * h / 3))


def status(s, n, t):
    if n == 0:
        return "no_data"
    lo, hi = wilson(s, n)
    if lo + 1e-7 >= t:
        return "met"
    if hi + 1e-7 < t:
        return "not_met"
    return "inconclusive"


def close(a, b, tol=0.011):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol


def prev_month(m):
    y, mo = int(m[:4]), int(m[5:])
    return "%04d-%02d" % ((y, mo - 1) if mo > 1 else (y - 1, 12))


def this_month():
    # The province's zone is the store's default, Asia/Ho_Chi_Minh (+7).
    now = datetime.datetime.utcnow() + datetime.timedelta(hours=7)
    return now.strftime("%Y-%m")


class Fixture:
    """A server with tickets and answers of this month through HTTP and
    synthetic ones of the three months before through dev-fill."""

    def __init__(self):
        self.srv = Server().start()
        # Shared by every test here: not stopped between them.
        hl._started.remove(self.srv)
        self.viewer = add_key(self.srv.data, "viewer")
        self.admin = add_key(self.srv.data, "admin")
        self.issued = {}        # (sector, unit) -> tickets this month
        self.month = this_month()
        self.comments = []

    def fill(self):
        s = self.srv
        rnd = random.Random(7)
        targets, order = load_targets()
        units = [u["code"] for u in s.units() if u.get("parent")]
        procs = s.procedures()
        jobs = []
        for i in range(TICKETS):
            sec = order[i % len(order)] if i % 7 else "land"
            unit = units[(i * 5 + i // 3) % len(units)]
            proc = procs[i % len(procs)]["code"]
            jobs.append((i, sec, unit, proc))

        def one(job):
            i, sec, unit, proc = job
            r = hl.issue(s, s.key, procedure=proc, unit=unit, sector=sec)
            assert r[0] == 201, r
            t = hl.json_of(*r)
            return (i, sec, unit, t["token"])
        with ThreadPoolExecutor(16) as ex:
            tickets = list(ex.map(one, jobs))
        for _, sec, unit, _t in tickets:
            self.issued[(sec, unit)] = self.issued.get((sec, unit), 0) + 1
        answers = []
        for i, sec, unit, tok in tickets[:ANSWERED]:
            # Skewed by unit so that the ranking means something.
            w = (hash(unit) % 5) / 10.0
            lv = rnd.choices([1, 2, 3, 4, 5],
                             [1, 1 + w * 4, 2, 6, 10 - w * 10])[0]
            pairs = [("overall", str(lv)),
                     ("on_time", rnd.choice(["yes", "late"]))]
            if i % 3:
                pairs.append(("agency_service", AGENCY[
                    min(4, max(0, lv - 1 + rnd.choice([-1, 0, 0, 1])))]))
            if lv <= 2:
                pairs.append(("reasons", "slow"))
            if i % 40 == 0:
                c = WEIRD[(i // 40) % len(WEIRD)]
                pairs.append(("comment", c))
            answers.append((tok, pairs))

        def ans(a):
            tok, pairs = a
            r = s.post_form("/s/" + tok, pairs)
            if r[0] == 422 and any(k == "reasons" for k, _ in pairs):
                r = s.post_form("/s/" + tok,
                                [p for p in pairs if p[0] != "reasons"])
            assert r[0] == 200, (r[0], r[2][:300])
        with ThreadPoolExecutor(16) as ex:
            list(ex.map(ans, answers))
        self.walkin_burst(units[3 % len(units)])
        # Three earlier months, through the writer in another process.
        # (Slow under the sanitizers: some 20 s for 3,000.)
        hl.cli_ok("dev-fill", "--data", s.data, "--answers", "3000",
                  "--months", "3", "--end", prev_month(self.month),
                  "--seed", "3", timeout=240)

    def walkin_burst(self, unit):
        """Eight walk-ins rated 1, 5 s apart at a new kiosk (dated by
        their waits, minutes ago): from the fifth on they are stored
        suspect, out of the headline figures."""
        s = self.srv
        out = hl.cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                        "--counter", "9", "--name", "report-kiosk")
        code = out.splitlines()[-2][6:]
        r = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
        assert r[0] == 201, r
        key = hl.json_of(*r)["key"]
        flags = []
        for i in range(8):
            b = {"idempotency_key": "report-burst-%06d" % i,
                 "waited": 600 - 5 * i, "answers": {"overall": 1}}
            r = s.http("POST", "/api/v1/responses",
                       __import__("json").dumps(b).encode(),
                       {"Authorization": "Bearer " + key,
                        "Content-Type": "application/json"})
            assert r[0] == 201, r
            flags.append(hl.json_of(*r)["suspect"])
        assert flags == [False] * 4 + [True] * 4, flags

    def get(self, path, key=None):
        return s_get(self.srv, path, key or self.viewer)


def s_get(srv, path, key):
    h = {"Authorization": "Bearer " + key} if key else {}
    return srv.get(path, h)


def recount(rows, month, parent):
    """Figures of one month from the export rows, by sector and unit."""
    by = {}

    def add(key, r):
        d = by.setdefault(key, {"n": 0, "s": 0, "u": 0, "tick": 0,
                                "ch": {}, "susp": 0, "sn": 0, "ss": 0})
        # Answers of suspect responses: beside the figures, not in them.
        if r["overall"] and r["suspect"]:
            d["sn"] += 1
            d["ss"] += r["overall"] >= 4
        elif r["overall"]:
            d["n"] += 1
            d["s"] += r["overall"] >= 4
            d["u"] += r["overall"] <= 2
        d["ch"][r["channel"]] = d["ch"].get(r["channel"], 0) + 1
        d["tick"] += r["channel"] in ("qr", "kiosk")
        d["susp"] += bool(r["suspect"])
    for r in rows:
        if r["month"] != month:
            continue
        add(("sector", r["sector"]), r)
        add(("overall", ""), r)
        u = r["unit"]
        while u:
            add(("unit", u), r)
            u = parent.get(u, "")
    return by


def check_row(row, d, targets, issued, what):
    n, s = d["n"] if d else 0, d["s"] if d else 0
    assert row["responses"] == n, (what, row["responses"], n)
    assert row["satisfied"] == s, (what, row["satisfied"], s)
    sn, ss = d["sn"] if d else 0, d["ss"] if d else 0
    assert row["suspect"] == sn, (what, row["suspect"], sn)
    assert row["responses_with_suspect"] == n + sn, what
    assert row["satisfied_with_suspect"] == s + ss, what
    assert close(row["percent_with_suspect"],
                 100.0 * (s + ss) / (n + sn) if n + sn else None), (
        what, row["percent_with_suspect"])
    if n == 0:
        for k in ("percent", "ci_low", "ci_high", "delta"):
            assert row[k] is None, (what, k, row[k])
    else:
        assert close(row["percent"], 100.0 * s / n), (what, row["percent"])
        lo, hi = wilson(s, n)
        assert close(row["ci_low"], lo) and close(row["ci_high"], hi), (
            what, row["ci_low"], row["ci_high"], lo, hi)
    for y, t in targets.items():
        assert row["target_%d" % y] == t, (what, y)
        assert row["status_%d" % y] == status(s, n, t), (
            what, y, row["status_%d" % y], status(s, n, t), s, n)
        if n:
            assert close(row["p_%d" % y], p_reach(s, n, t / 100), 2e-3), (
                what, y, row["p_%d" % y], p_reach(s, n, t / 100))
    if issued is not None:
        assert row["issued"] == issued, (what, row["issued"], issued)
        # Every answer through a ticket here is to one of this month's
        # tickets: the cohort's answers (test_report_cohort.py has them
        # across a month's end).
        tick = d["tick"] if d else 0
        assert row["issued_answered"] == tick, (what, row["issued_answered"])
        if issued:
            assert close(row["response_rate"], 100.0 * tick / issued), what
        else:
            assert row["response_rate"] is None, what


_fx = None


def fixture():
    global _fx
    if _fx is None:
        _fx = Fixture()
        _fx.fill()
    return _fx


@test
def report_json_matches_recount():
    fx = fixture()
    targets, order = load_targets()
    parent = load_units()
    rows = fx.srv.export()
    st, hd, body = fx.get("/api/v1/reports/monthly?month=" + fx.month)
    assert st == 200, (st, body[:300])
    rep = hl.json_of(st, hd, body)
    assert rep["month"] == fx.month
    now = recount(rows, fx.month, parent)
    prev = recount(rows, prev_month(fx.month), parent)
    assert [r["sector"] for r in rep["sectors"]] == order
    tot_issued = sum(fx.issued.values())
    check_row(rep["overall"], now.get(("overall", "")), targets["overall"],
              tot_issued, "overall")
    assert now[("overall", "")]["sn"] == 4, now[("overall", "")]
    # dev-fill's months have suspect walk-ins too: left out as well.
    p = prev.get(("overall", ""))
    assert rep["overall"]["prev_responses"] == (p["n"] if p else 0), (
        rep["overall"]["prev_responses"], p)
    for row in rep["sectors"]:
        sec = row["sector"]
        iss = sum(v for (s, _u), v in fx.issued.items() if s == sec)
        d = now.get(("sector", sec))
        check_row(row, d, targets[sec], iss, sec)
        p = prev.get(("sector", sec))
        if d and d["n"] and p and p["n"]:
            assert close(row["delta"], 100.0 * d["s"] / d["n"] -
                         100.0 * p["s"] / p["n"]), (sec, row["delta"])
    # Units: every level rolled up; the province first, as the total,
    # never ranked; then each depth worst first among the ranked.
    assert rep["units"][0]["parent"] is None and rep["units"][0]["total"]
    assert rep["units"][0]["rank"] is None
    assert sum(1 for r in rep["units"] if r["rank"] == 1) <= len(
        set(r["depth"] for r in rep["units"]))
    seen = set()
    last = -1.0
    ranked_done = False
    for row in rep["units"][1:]:
        u = row["unit"]
        seen.add(u)
        iss = 0
        for (s, uu), v in fx.issued.items():
            x = uu
            while x:
                if x == u:
                    iss += v
                    break
                x = parent.get(x, "")
        check_row(row, now.get(("unit", u)), targets["overall"], iss, u)
        assert not row["total"], u
        if row["rank"] is not None:
            assert not ranked_done, "ranked unit after an unranked one"
            assert row["responses"] >= rep["min_responses"]
            assert row["percent"] >= last - 1e-9, (u, row["percent"], last)
            last = row["percent"]
        else:
            ranked_done = True
    seen.add(rep["units"][0]["unit"])
    assert seen == set(parent), (seen, set(parent))
    # Aspect questions and channels.
    q = [x for x in rep["questions"] if x["question"] == "on_time"][0]
    cnt = {}
    for r in rows:
        if r["month"] == fx.month and r.get("on_time"):
            cnt[r["on_time"]] = cnt.get(r["on_time"], 0) + 1
    for o in q["options"]:
        assert o["count"] == cnt.get(o["option"], 0), (o, cnt)
    ch = now[("overall", "")]["ch"]
    assert rep["channels"]["qr"] == ch.get("qr", 0)
    assert rep["channels"]["kiosk_paired"] == ch.get("kiosk", 0)
    assert rep["channels"]["kiosk_walkin"] == ch.get("kiosk-walkin", 0)
    assert rep["channels"]["suspect"] == now[("overall", "")]["susp"]
    # Trend: every month of the twelve.
    for tr in rep["trend"]:
        for m in tr["months"]:
            d = recount([r for r in rows if r["month"] == m["month"]],
                        m["month"], parent)
            key = ("overall", "") if tr["sector"] == "overall" else (
                "sector", tr["sector"])
            n = d.get(key, {"n": 0})["n"]
            assert m["responses"] == n, (tr["sector"], m, n)
    # Comments: this month's, newest first, the weird ones intact.
    items = rep["comments"]["items"]
    want = [r["comment"] for r in rows
            if r["month"] == fx.month and r["comment"]]
    assert sorted(i["text"] for i in items) == sorted(want[-200:])
    assert [i["time"] for i in items] == sorted(
        (i["time"] for i in items), reverse=True)
    for w in WEIRD:
        assert w in want, "comment lost: %r" % w[:40]
    # A scope: one unit's subtree, one sector.
    u = [x for x in parent if parent[x]][0]
    r2 = hl.json_of(*fx.get("/api/v1/reports/monthly?month=%s&unit=%s"
                            "&sector=land" % (fx.month, u)))
    d = recount([r for r in rows if r["sector"] == "land"], fx.month,
                parent).get(("unit", u))
    assert r2["overall"]["responses"] == (d["n"] if d else 0)
    assert [x["sector"] for x in r2["sectors"]] == ["land"]
    # The same figures from the command line.
    out = hl.cli_ok("report", "--data", fx.srv.data, "--month", fx.month,
                    "--format", "json")
    cj = __import__("json").loads(out)
    assert cj["overall"]["responses"] == rep["overall"]["responses"]
    assert cj["sectors"] == rep["sectors"]


@test
def report_csv_and_xlsx_match_json():
    fx = fixture()
    rep = hl.json_of(*fx.get("/api/v1/reports/monthly?month=" + fx.month))
    st, hd, body = fx.get("/reports/monthly.csv?month=" + fx.month)
    assert st == 200 and hd["content-type"].startswith("text/csv"), st
    assert body.startswith(hl.BOM)
    text = body[3:].decode("utf-8")
    assert "Đất đai" in text and "\r\n" in text
    # The sectors' block: one line per row, responses in column 3.
    lines = text.split("\r\n")
    i = [k for k, l in enumerate(lines) if l.startswith("Mã lĩnh vực")][0]
    for k, row in enumerate([rep["overall"]] + rep["sectors"]):
        cells = lines[i + 1 + k].split(",")
        assert cells[0] == row["sector"], (cells, row["sector"])
        assert int(cells[2]) == row["responses"]
    # The XLSX, through openpyxl (Debian's python3-openpyxl, also when
    # another python3 runs this file).
    try:
        import openpyxl
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        import openpyxl
    st, hd, body = fx.get("/api/v1/reports/monthly.xlsx?month=" + fx.month)
    assert st == 200, st
    assert hd["content-type"].startswith(
        "application/vnd.openxmlformats"), hd["content-type"]
    wb = openpyxl.load_workbook(io.BytesIO(body))
    assert "Lĩnh vực" in wb.sheetnames and "Đơn vị" in wb.sheetnames, (
        wb.sheetnames)
    ws = wb["Lĩnh vực"]
    assert ws.freeze_panes == "A2", ws.freeze_panes
    head = [c.value for c in ws[1]]
    col = {h: k for k, h in enumerate(head)}
    assert ws._charts, "no chart on the sectors sheet"
    for k, row in enumerate([rep["overall"]] + rep["sectors"]):
        cells = [c for c in ws[k + 2]]
        assert cells[col["Mã lĩnh vực"]].value == row["sector"]
        assert cells[col["Lĩnh vực"]].value == row["name"]
        assert cells[col["Số phiếu trả lời"]].value == row["responses"]
        p = cells[col["Tỷ lệ hài lòng (%)"]]
        if row["percent"] is None:
            assert p.value is None
        else:
            assert abs(p.value * 100 - row["percent"]) < 1e-6
            assert "%" in p.number_format, p.number_format
    ws = wb["Đơn vị"]
    head = [c.value for c in ws[1]]
    for k, row in enumerate(rep["units"]):
        cells = [c.value for c in ws[k + 2]]
        assert cells[head.index("Mã đơn vị")] == row["unit"]
        assert cells[head.index("Số phiếu trả lời")] == row["responses"]
    ws = wb["Góp ý"]
    col = [c.value for c in ws[1]].index("Góp ý") + 1
    texts = [ws.cell(row=k, column=col).value
             for k in range(2, ws.max_row + 1)]
    assert sorted(texts) == sorted(i["text"] for i in
                                   rep["comments"]["items"])
    # And the command line's file.
    out = os.path.join(fx.srv.root, "r.xlsx")
    hl.cli_ok("report", "--data", fx.srv.data, "--month", fx.month,
              "--format", "xlsx", "-o", out)
    wb2 = openpyxl.load_workbook(out)
    assert wb2["Lĩnh vực"]["C2"].value == rep["overall"]["responses"]


@test
def report_html_escapes_comments():
    fx = fixture()
    st, hd, body = fx.get("/reports/monthly?month=" + fx.month)
    page = assert_html((st, hd, body), 200, "report page")
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page, (
        "comment not escaped")
    assert "&#39;quote&#39;" in page or "&#x27;quote&#x27;" in page
    assert "a" * 300 in page
    assert "សូមអរគុណ" in page and "\u200f" in page
    assert "<svg" in page and "NaN" not in page
    assert "Tỷ lệ hài lòng theo Quyết định 766" in page
    csp = hd.get("content-security-policy", "")
    assert "script-src" not in csp or "'none'" in csp


@test
def suspect_shown_beside_in_every_rendering():
    """The fixture's four suspect walk-ins: out of the headline, their
    count and the rate with them beside it on the page, in the CSV and
    the XLSX, and said in each one's definitions."""
    fx = fixture()
    rep = hl.json_of(*fx.get("/api/v1/reports/monthly?month=" + fx.month))
    ov = rep["overall"]
    assert ov["suspect"] == 4 and ov["responses_with_suspect"] == (
        ov["responses"] + 4), ov
    for k in ("percent", "suspect", "percent_with_suspect",
              "response_rate"):
        assert k in rep["definitions"], k
    assert "left out" in rep["definitions"]["percent"]
    page = assert_html(fx.get("/reports/monthly?month=" + fx.month), 200)
    assert "Không tính 4 phiếu bị nghi ngờ; nếu tính cả:" in page
    assert "Phiếu bị nghi ngờ</b>" in page and "tính riêng)" not in page
    st, hd, body = fx.get("/reports/monthly.csv?month=" + fx.month)
    rows = list(__import__("csv").reader(io.StringIO(
        body[3:].decode("utf-8"), newline="")))
    i = [k for k, r in enumerate(rows) if r and r[0] == "Mã lĩnh vực"][0]
    col = rows[i].index("Phiếu bị nghi ngờ (không tính vào các số trên)")
    assert rows[i + 1][col] == "4", rows[i + 1]
    labels = [r[0] for r in rows if len(r) == 2]
    assert "Phiếu bị nghi ngờ" in labels and "Tỷ lệ phản hồi" in labels
    try:
        import openpyxl
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(fx.get(
        "/api/v1/reports/monthly.xlsx?month=" + fx.month)[2]))
    ws = wb["Lĩnh vực"]
    heads = [c.value for c in ws[1]]
    k = heads.index("Phiếu bị nghi ngờ (không tính vào các số trên)")
    assert ws.cell(row=2, column=k + 1).value == 4
    notes = [c.value for c in wb["Ghi chú"]["A"]]
    assert "Phiếu bị nghi ngờ" in notes and "Tỷ lệ phản hồi" in notes


@test
def report_empty_month_is_no_data():
    fx = fixture()
    rep = hl.json_of(*fx.get("/api/v1/reports/monthly?month=2001-01"))
    for row in [rep["overall"]] + rep["sectors"] + rep["units"]:
        assert row["responses"] == 0
        assert row["percent"] is None and row["ci_low"] is None
        assert all(t["status"] == "no_data" for t in row["targets"])
    st, hd, body = fx.get("/reports/monthly?month=2001-01")
    page = assert_html((st, hd, body), 200)
    assert "không có dữ liệu" in page and "NaN" not in page
    assert "0,0 %" not in page
    for bad in ("2001-13", "01-2001", "x", "2001-1"):
        hl.assert_json_error(fx.get("/api/v1/reports/monthly?month=" +
                                    bad), 400, bad)
    hl.assert_json_error(fx.get("/api/v1/reports/monthly?unit=nope"), 400)
    hl.assert_json_error(fx.get("/api/v1/reports/monthly?sector=nope"),
                         400)


@test
def report_access():
    fx = fixture()
    s = fx.srv
    p = "/api/v1/reports/monthly?month=" + fx.month
    hl.assert_json_error(s.get(p), 401, "no key")
    hl.assert_json_error(s_get(s, p, "wrong"), 401, "bad key")
    hl.assert_json_error(s_get(s, p, s.key), 403, "counter key")
    assert_status(s_get(s, p, fx.admin), 200, "admin")
    # A browser without a session: the sign-in page, 401.
    st, hd, body = s.get("/reports/monthly?month=" + fx.month)
    page = assert_html((st, hd, body), 401, "sign-in page")
    assert 'name="next"' in page and "/reports/monthly?month=" in page
    # Wrong key: 401 again, same page, no hint.
    r = s.post_form("/signin", [("key", "nope"), ("next", "/reports/"
                                                  "monthly")])
    assert_html(r, 401, "wrong key")
    # The viewer key: 303 to next with an HttpOnly Strict cookie.
    st, hd, body = s.post_form("/signin", [
        ("key", fx.viewer), ("next", "/reports/monthly?month=" + fx.month)])
    assert st == 303, (st, body[:200])
    assert hd["location"] == "/reports/monthly?month=" + fx.month
    ck = hd["set-cookie"]
    assert "HttpOnly" in ck and "SameSite=Strict" in ck, ck
    sid = ck.split(";")[0]
    page = assert_html(s.get("/reports/monthly?month=" + fx.month,
                             {"Cookie": sid}), 200, "with session")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    assert_status(s.get("/api/v1/reports/monthly.xlsx", {"Cookie": sid}),
                  200, "xlsx with session")
    # Elsewhere is never a target.
    for nxt in ("//evil.example/x", "https://evil.example/", "/\\evil",
                "javascript:alert(1)"):
        st, hd, _ = s.post_form("/signin", [("key", fx.viewer),
                                            ("next", nxt)])
        assert st == 303 and hd["location"] == "/reports/monthly", (
            nxt, hd.get("location"))
    # Sign-out needs the session's token.
    assert_status(s.post_form("/signout", [("csrf", "0" * 32)],
                              {"Cookie": sid}), 403, "bad csrf")
    st, hd, _ = s.post_form("/signout", [("csrf", csrf)], {"Cookie": sid})
    assert st == 303 and "Max-Age=0" in hd["set-cookie"]
    assert_html(s.get("/reports/monthly", {"Cookie": sid}), 401,
                "after sign-out")


def load_indicators():
    """indicators.ini: [{id, survey, question, levels, sectors, kinds,
    targets: {year: percent}}] in file order, and the resolution's name."""
    out, cur, name, last = [], None, None, None
    with open(schema_path("indicators.ini"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("\t") and cur is None and last == "vi":
                name += " " + line.strip()
                continue
            last = None
            m = re.match(r"^\[indicator (\w+)\]$", line)
            if m:
                cur = {"id": m.group(1), "targets": {}, "sectors": [],
                       "kinds": []}
                out.append(cur)
                continue
            if line.startswith("name.vi = ") and cur is None:
                name, last = line[len("name.vi = "):], "vi"
                continue
            m = re.match(r"^(\w+)(?:\.(\d{4}))? =\s*(.*)$", line)
            if not m or cur is None:
                continue
            k, y, v = m.groups()
            if k == "target":
                cur["targets"][int(y)] = float(v)
            elif k in ("survey", "question"):
                cur[k] = v
            elif k == "levels":
                cur[k] = [int(x) for x in v.split()]
            elif k in ("sectors", "kinds"):
                cur[k] = v.split()
    return out, name


def ind_level(r, question):
    """The level of a response's answer to question, or None."""
    v = r.get(question)
    if question == "overall" or v is None:
        return v
    return AGENCY.index(v) + 1 if question == "agency_service" else None


def ind_recount(rows, month, parent, ind, sector=None):
    """One indicator's (answers, satisfied) of month, by unit ("" for the
    whole province), from the export rows."""
    by = {}
    kind = load_kinds()
    for r in rows:
        if r["month"] != month or r["survey"] != ind["survey"]:
            continue
        if sector and r["sector"] != sector:
            continue
        if ind["sectors"] and r["sector"] not in ind["sectors"]:
            continue
        if ind["kinds"] and kind.get(r["unit"]) not in ind["kinds"]:
            continue
        lv = ind_level(r, ind["question"])
        if lv is None:
            continue
        # Suspect answers' overall ratings: out, as from every headline.
        if r["suspect"] and ind["question"] == "overall":
            continue
        keys = [""]
        u = r["unit"]
        while u:
            keys.append(u)
            u = parent.get(u, "")
        for k in keys:
            d = by.setdefault(k, [0, 0])
            d[0] += 1
            d[1] += lv in ind["levels"]
    return by


def load_kinds():
    kind = {}
    with open(schema_path("units.csv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("code,"):
                continue
            cells = line.rstrip("\n").split(",")
            if len(cells) >= 3 and cells[0]:
                kind[cells[0]] = cells[2]
    return kind


def in_force(targets, month):
    ys = sorted(targets)
    y = int(month[:4])
    k = ys[0]
    for t in ys:
        if t <= y:
            k = t
    return k, targets[k]


def check_ind(fig, n, s, ind, month, min_n, what):
    assert fig["id"] == ind["id"], (what, fig["id"])
    assert fig["responses"] == n and fig["satisfied"] == s, (
        what, fig["responses"], fig["satisfied"], n, s)
    assert fig["levels"] == ind["levels"], (what, fig["levels"])
    year, t = in_force(ind["targets"], month)
    assert fig["target"] == t and fig["target_year"] == year, (what, fig)
    assert fig["status"] == status(s, n, t), (what, fig["status"])
    assert fig["too_few"] == (n < min_n), what
    if n == 0:
        for k in ("percent", "ci_low", "ci_high", "p_target"):
            assert fig[k] is None, (what, k, fig[k])
        assert fig["verdict"] == "no_data", (what, fig["verdict"])
        return
    assert close(fig["percent"], 100.0 * s / n), (what, fig["percent"])
    lo, hi = wilson(s, n)
    assert close(fig["ci_low"], lo) and close(fig["ci_high"], hi), what
    assert close(fig["p_target"], p_reach(s, n, t / 100), 2e-3), (
        what, fig["p_target"], p_reach(s, n, t / 100))


@test
def report_indicators_match_recount():
    fx = fixture()
    parent = load_units()
    inds, resolution = load_indicators()
    assert [i["id"] for i in inds] == [
        "tthc", "tthc_land_construction_investment", "agency_service",
        "health_services", "education_services"]
    rows = fx.srv.export()
    assert sum(1 for r in rows if r.get("agency_service")) > 100
    for month in (fx.month, prev_month(fx.month)):
        rep = hl.json_of(*fx.get("/api/v1/reports/monthly?month=" + month))
        # Which set: the resolution's name, on every report.
        assert rep["indicator_set"]["name"] == resolution, (
            rep["indicator_set"], resolution)
        assert [i["id"] for i in rep["indicators"]] == [
            i["id"] for i in inds]
        mn = rep["min_responses"]
        counts = [ind_recount(rows, month, parent, i) for i in inds]
        for ind, fig, by in zip(inds, rep["indicators"], counts):
            n, s = by.get("", [0, 0])
            check_ind(fig, n, s, ind, month, mn, (month, ind["id"]))
            assert fig["item"].startswith("("), fig["item"]
        # tthc is the overall row; the land, construction and investment
        # sectors add up to their indicator.
        t = rep["indicators"][0]
        assert t["responses"] == rep["overall"]["responses"]
        assert t["satisfied"] == rep["overall"]["satisfied"]
        lci = rep["indicators"][1]
        secs = [r for r in rep["sectors"] if r["sector"] in (
            "land", "construction", "investment")]
        assert len(secs) == 3
        assert lci["responses"] == sum(r["responses"] for r in secs)
        assert lci["satisfied"] == sum(r["satisfied"] for r in secs)
        assert lci["sectors"] == ["land", "construction", "investment"]
        assert lci["target"] == 85 and t["target"] == 90
        # Item 16: its surveys collected, no answers here (this fixture
        # has procedure tickets only), never an error.
        for k in (3, 4):
            f = rep["indicators"][k]
            assert f["responses"] == 0 and f["collected"], f
            assert f["status"] == "no_data" and f["verdict"] == "no_data"
        # Agencies: the root first, as the total, never ranked; then each
        # depth worst first by the first indicator.
        ag = rep["agencies"]
        assert ag[0]["parent"] is None and ag[0]["total"], ag[0]
        assert ag[0]["rank"] is None
        assert all(f["rank"] is None for f in ag[0]["indicators"])
        assert sorted(a["unit"] for a in ag) == sorted(parent)
        assert all(not a["total"] for a in ag[1:])
        last, depth, ranked_done = -1.0, 0, False
        for a in ag:
            for ind, fig, by in zip(inds, a["indicators"], counts):
                n, s = by.get(a["unit"], [0, 0])
                check_ind(fig, n, s, ind, month, mn, (month, a["unit"],
                                                      ind["id"]))
            if a["total"]:
                continue
            assert a["depth"] >= depth
            if a["depth"] != depth:
                depth, last, ranked_done = a["depth"], -1.0, False
            f = a["indicators"][0]
            if a["rank"] is not None:
                assert not ranked_done, a["unit"]
                assert f["responses"] >= mn
                assert f["percent"] >= last - 1e-9, (a["unit"], last)
                last = f["percent"]
            else:
                ranked_done = True
    # A scope: one unit's subtree and one sector.
    u = [x for x in parent if parent[x]][0]
    r2 = hl.json_of(*fx.get("/api/v1/reports/monthly?month=%s&unit=%s"
                            "&sector=land" % (fx.month, u)))
    for ind, fig in zip(inds, r2["indicators"]):
        n, s = ind_recount(rows, fx.month, parent, ind, "land").get(
            u, [0, 0])
        check_ind(fig, n, s, ind, fx.month, r2["min_responses"],
                  ("scope", ind["id"]))
    assert r2["agencies"][0]["unit"] == u and r2["agencies"][0]["total"]
    assert r2["agencies"][0]["rank"] is None
    # The command line says the same; the counters still verify.
    cj = __import__("json").loads(hl.cli_ok(
        "report", "--data", fx.srv.data, "--month", fx.month,
        "--format", "json"))
    assert cj["indicators"] == rep_now(fx)["indicators"]
    rc, out, err = hl.verify(fx.srv.data)
    assert rc == 0 and "ok" in out, (rc, out, err)


def months_of(first, last):
    out, m = [], first
    while m <= last:
        out.append(m)
        y, mo = int(m[:4]), int(m[5:])
        m = "%04d-%02d" % (y + mo // 12, mo % 12 + 1)
    return out


@test
def report_indicators_over_periods():
    """A quarter, a year and a range: each indicator is the sum of its
    months' recounts, judged against the target of its last month's
    year; the root's figures and each agency's."""
    fx = fixture()
    parent = load_units()
    inds, _ = load_indicators()
    rows = fx.srv.export()
    y, mo = int(fx.month[:4]), int(fx.month[5:])
    q0 = "%04d-%02d" % (y, (mo - 1) // 3 * 3 + 1)
    periods = [
        ("%d-Q%d" % (y, (mo - 1) // 3 + 1), months_of(q0, fx.month)),
        ("%d" % y, months_of("%04d-01" % y, fx.month)),
        ("%s..%s" % (prev_month(fx.month), fx.month),
         [prev_month(fx.month), fx.month]),
    ]
    for code, months in periods:
        rep = hl.json_of(*fx.get("/api/v1/reports?period=" + code))
        mn = rep["min_responses"]
        for ind, fig in zip(inds, rep["indicators"]):
            by = {}
            for m in months:
                for k, (n, s) in ind_recount(rows, m, parent,
                                             ind).items():
                    d = by.setdefault(k, [0, 0])
                    d[0] += n
                    d[1] += s
            n, s = by.get("", [0, 0])
            check_ind(fig, n, s, ind, months[-1], mn, (code, ind["id"]))
            for a in rep["agencies"]:
                f = a["indicators"][inds.index(ind)]
                n, s = by.get(a["unit"], [0, 0])
                assert (f["responses"], f["satisfied"]) == (n, s), (
                    code, a["unit"], ind["id"], f["responses"], n)
        t = rep["indicators"][0]
        assert t["responses"] == rep["overall"]["responses"], code


@test
def report_indicators_in_html_csv_and_xlsx():
    fx = fixture()
    rep = rep_now(fx)
    name = rep["indicator_set"]["name"]
    page = assert_html(fx.get("/reports/monthly?month=" + fx.month), 200)
    assert "Chỉ tiêu của nghị quyết" in page and name in page
    first = page.index('id="indicators"')
    assert first < page.index('id="sectors"'), "indicators not first"
    for i in rep["indicators"]:
        assert 'data-indicator="%s"' % i["id"] in page, i["id"]
    for item in ("(14)", "(15)", "(16)"):
        assert item in page, item
    assert "Không có dữ liệu" in page, "item 16 without answers"
    units = re.findall(r'<tr data-unit="([^"]+)"', page)
    assert units == [a["unit"] for a in rep["agencies"]], units
    assert "NaN" not in page
    # CSV: one block of indicators, one of agencies.
    st, hd, body = fx.get("/reports/monthly.csv?month=" + fx.month)
    lines = body[3:].decode("utf-8").split("\r\n")
    k = [n for n, l in enumerate(lines) if l.startswith("Nghị quyết,")][0]
    head = next(csv.reader([lines[k]]))
    for n, ind in enumerate(rep["indicators"]):
        cells = next(csv.reader([lines[k + 1 + n]]))
        assert cells[0] == name
        assert cells[head.index("Mã chỉ tiêu")] == ind["id"]
        assert int(cells[head.index("Số phiếu trả lời")]) == \
            ind["responses"]
        assert cells[head.index("Mức tính là hài lòng")] == "4 5"
    # XLSX: the same figures, and the agencies' sheet, total first.
    try:
        import openpyxl
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        import openpyxl
    st, hd, body = fx.get("/api/v1/reports/monthly.xlsx?month=" + fx.month)
    wb = openpyxl.load_workbook(io.BytesIO(body))
    ws = wb["Chỉ tiêu NQ"]
    head = [c.value for c in ws[1]]
    for n, ind in enumerate(rep["indicators"]):
        row = [c.value for c in ws[n + 2]]
        assert row[head.index("Mã chỉ tiêu")] == ind["id"]
        assert row[head.index("Số phiếu trả lời")] == ind["responses"]
        p = row[head.index("Tỷ lệ hài lòng (%)")]
        assert (p is None) == (ind["percent"] is None)
        if p is not None:
            assert abs(p * 100 - ind["percent"]) < 1e-6
    ws = wb["Chỉ tiêu NQ theo đơn vị"]
    head = [c.value for c in ws[1]]
    want = [(a["unit"], f["id"], f["responses"]) for a in rep["agencies"]
            for f in a["indicators"]]
    got = [(r[head.index("Mã đơn vị")], r[head.index("Mã chỉ tiêu")],
            r[head.index("Số phiếu trả lời")])
           for r in ws.iter_rows(min_row=2, values_only=True)]
    assert got == want, (got[:6], want[:6])


def rep_now(fx):
    return hl.json_of(*fx.get("/api/v1/reports/monthly?month=" + fx.month))


@test
def report_header_names_its_scope_and_keeps_sign_out_apart():
    fx = fixture()
    root = [u for u in load_units_rows() if not u["parent"]][0]
    page = assert_html(fx.get("/reports/monthly?month=" + fx.month), 200)
    # The scope is the root unit's own name (a city here), never a
    # fixed word for a province.
    assert "Phạm vi: toàn bộ %s," % html.escape(root["name_vi"]) in page
    assert "toàn tỉnh" not in page.lower()
    unit = [u for u in load_units_rows() if u["parent"]][0]
    page2 = assert_html(fx.get("/reports/monthly?month=%s&unit=%s" % (
        fx.month, unit["code"])), 200)
    assert "Phạm vi: %s (%s)," % (html.escape(unit["name_vi"]),
                                   unit["code"]) in page2
    # The resolution's years are said once.
    rep = rep_now(fx)
    iset = rep["indicator_set"]
    line = re.search(r"<p class=\"small\">Theo (.*?)</p>", page).group(1)
    assert line.count(str(iset["from"])) == 1, line
    # The headline's verdict is against the all-sectors target: said,
    # since the indicators' table judges each against its own.
    assert 'id="headline-target-note"' in page and \
        "chỉ tiêu riêng của nó" in page
    # The previous month's link reads as people write a month.
    y, mo = int(fx.month[:4]), int(fx.month[5:])
    py, pm = (y, mo - 1) if mo > 1 else (y - 1, 12)
    assert "← Tháng %02d/%d</a>" % (pm, py) in page, page[:3000]
    # Sign-out is not among the downloads (a session's page has it).
    s = fx.srv
    st, hd, body = s.post_form("/signin", [("key", fx.viewer), (
        "next", "/reports/monthly")])
    sid = hd["set-cookie"].split(";")[0]
    page3 = assert_html(s.get("/reports/monthly?month=" + fx.month,
                              {"Cookie": sid}), 200, "session")
    nav = re.search(r'<nav class="nav noprint">(.*?)</nav>', page3,
                    re.S).group(1)
    assert "Tải XLSX" in nav and "signout" not in nav, nav
    assert 'class="signout noprint"' in page3

    # A refused report page says why in words, in the staff's frame: not
    # the citizens' page, no console sections for a viewer.
    for q, words in (("/reports?period=12/2026", "Kỳ: cần dạng 2026-11"),
                     ("/reports/monthly?month=2026-13", "Tháng: cần dạng"),
                     ("/reports/monthly?sector=nope", "không có lĩnh vực")):
        st, _, body = s.get(q, {"Cookie": sid})
        page = body.decode()
        assert st == 400 and words in page, (q, st, page[-800:])
        assert "mở lại phiếu" not in page, q
        assert 'aria-label="Mục quản trị"' not in page, q
        assert "Đăng xuất" in page and 'href="/reports/monthly"' in page
    # Downloads are named by their period (and unit), not "monthly.csv".
    st, hd, _ = s.get("/reports/monthly.csv?month=%s&unit=%s" % (
        fx.month, unit["code"]), {"Cookie": sid})
    assert st == 200 and hd["content-disposition"] == (
        'attachment; filename="bao-cao-%s-%s.csv"' % (fx.month,
                                                       unit["code"])), hd
    st, hd, _ = s.get("/reports.xlsx?period=%s" % fx.month[:4],
                      {"Cookie": sid})
    assert st == 200 and hd["content-disposition"] == (
        'attachment; filename="bao-cao-%s.xlsx"' % fx.month[:4]), hd

def load_units_rows():
    with open(schema_path("units.csv"), encoding="utf-8") as f:
        rows = [ln for ln in f if not ln.startswith("#")]
    return list(csv.DictReader(rows))


@test
def report_units_never_rank_the_root():
    fx = fixture()
    rep = rep_now(fx)
    root = [u for u in rep["units"] if u["parent"] is None]
    assert len(root) == 1 and root[0]["total"] and root[0]["rank"] is None
    assert rep["units"][0] is not None and rep["units"][0]["parent"] is None
    # Whatever the minimum, the root is never among its wards' ranks.
    for mn in (1, 5, 1000):
        r = hl.json_of(*fx.get("/api/v1/reports/monthly?month=%s"
                               "&min_responses=%d" % (fx.month, mn)))
        assert r["units"][0]["parent"] is None and r["units"][0]["total"]
        assert r["units"][0]["rank"] is None
        assert r["agencies"][0]["parent"] is None
        assert r["agencies"][0]["rank"] is None
        for a in r["units"][1:] + r["agencies"][1:]:
            assert a["parent"] is not None and not a["total"], a["unit"]


@test
def broken_indicators_file_stops_the_start():
    import shutil
    import tempfile
    cases = [
        (r"(?m)^question = agency_service$", "question = nope",
         "unknown question nope"),
        (r"(?m)^sectors = land construction investment$",
         "sectors = land farms", "unknown sector farms"),
        (r"(?m)^name\.km = .*\n(?=item = \(15\))", "",
         "[indicator agency_service] name.km missing"),
        (r"(?m)^levels = 4 5$", "levels = 4 9", "not a level"),
        (r"(?m)^target\.2030 = 95$", "target.2024 = 95",
         "years must ascend"),
        (r"(?m)^\[indicator agency_service\]$", "[indicator tthc]",
         "given twice"),
        (r"(?m)^kinds =$", "colour = red", "unknown key colour"),
    ]
    for pat, new, want in cases:
        share = tempfile.mkdtemp(prefix="hailong-share-")
        try:
            for d in ("schema", "templates"):
                shutil.copytree(os.path.join(hl.SRCDIR, d),
                                os.path.join(share, d))
            path = os.path.join(share, "schema", "indicators.ini")
            with open(path, encoding="utf-8") as f:
                text = f.read()
            text, k = re.subn(pat, new, text, count=1)
            assert k == 1, pat
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            line = None
            for no, ln in enumerate(text.split("\n"), 1):
                if new and ln == new:
                    line = no
                    break
            conf = os.path.join(share, "hailong.ini")
            with open(conf, "w", encoding="utf-8") as f:
                f.write("[server]\nshare = %s\n" % share)
            data = os.path.join(share, "data")
            os.mkdir(data)
            rc, _, err = hl.cli("serve", "--listen", "127.0.0.1:0",
                                "--data", data, "--config", conf)
            assert rc != 0, "started with %r" % new
            m = re.search(r"indicators\.ini:(\d+): (.*)$", err.strip())
            assert m and want in m.group(2), (want, err)
            if line is not None and "given twice" not in want and \
                    "missing" not in want:
                assert int(m.group(1)) == line, (want, m.group(1), line)
        finally:
            shutil.rmtree(share, ignore_errors=True)


if __name__ == "__main__":
    try:
        run()
    finally:
        if _fx is not None:
            _fx.srv.kill()
            import shutil
            shutil.rmtree(_fx.srv.root, ignore_errors=True)
