"""Decision 766's ratio in the report (decision_766): a known set of
dossiers (with and without due dates, late, refused, withdrawn, still
open), tickets at every stage answered at every level, ticket answers
without a dossier and kiosk walk-ins (never dossiers), complaints filed
by citizens after answering (a follow-up, counted once per dossier), a
unit with no dossiers; the figures against a recomputation from the data set, in
JSON, HTML, CSV and XLSX. A refused dossier's ticket answered on a
phone counts under its stage."""

import io
import json
import sys
import time

from hl import (Server, add_key, assert_html, assert_status, cli_ok,
                json_of, new_ticket, run, test, valid_procedure)

H = 3600
DAY = 86400
TZ = 7 * H


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S+07:00", time.gmtime(t + TZ))


def month_of(t):
    return time.strftime("%Y-%m", time.gmtime(t + TZ))


def event(s, case, unit, ev, at, due=None, handling=None):
    body = {"case": case, "unit": unit, "event": ev, "at": iso(at),
            "procedure": valid_procedure(s)["code"]}
    if due is not None:
        body["due"] = iso(due)
    if handling is not None:
        body["handling_unit"] = handling
    r = s.http("POST", "/api/v1/dossiers", json.dumps(body).encode(),
               {"Content-Type": "application/json",
                "Authorization": "Bearer " + s.key})
    assert r[0] in (200, 201), (case, ev, r[0], r[2][:200])


def answer(s, unit, level, case=None, stage=None, complain=False):
    f = {"unit": unit}
    if case is not None:
        f["case"] = case
    if stage is not None:
        f["stage"] = stage
    t = new_ticket(s, **f)
    if level is not None:
        assert_status(s.post_form(t["path"], [("overall", str(level))]),
                      200, "answer %r" % (f,))
    if complain:
        # The citizen files a complaint after answering (a follow-up).
        assert_status(s.post_form(t["path"] + "/followup", [
            ("kind", "complaint"), ("text", "Hồ sơ bị giữ lâu")]), 200,
            "complaint %r" % (f,))
    return t


def walkins(s, unit, n):
    out = cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                 "--counter", "5", "--name", "k-%d" % time.monotonic_ns())
    code = [l for l in out.splitlines() if l.startswith("code: ")][0][6:]
    r = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
    key = json_of(*assert_status(r, 201, "enrol"))["key"]
    now = int(time.time())
    for i in range(n):
        r = s.http("POST", "/api/v1/responses", json.dumps({
            "idempotency_key": "walkin-%d-%d" % (i, now),
            "answers": {"overall": 1 + i % 2},
            "waited": 60 - 10 * i}).encode(),
            {"Content-Type": "application/json",
             "Authorization": "Bearer " + key})
        assert_status(r, 201, "walk-in")


def world(s):
    """Builds the data set; returns the dossiers as the test knows them:
    [{unit, month, counted, late, dissatisfied, outcome, stages}]."""
    units = [u["code"] for u in s.units() if u.get("parent")]
    a, b, c = units[0], units[1], units[2]
    now = int(time.time())
    settle = now - 120		# outcomes in the last two minutes
    old = now - 20 * DAY
    ds = []

    def d(case, unit, count_unit, outcome, at, due, answers, late,
          handling=None, supplement=None, complain=()):
        event(s, case, unit, "received", old, due, handling)
        if supplement is not None:
            event(s, case, unit, "supplement_requested", supplement)
        if outcome is not None:
            event(s, case, unit, outcome, at)
        for stage, level in answers:
            answer(s, unit, level, case, stage, stage in complain)
        dis = any(lv is not None and lv <= 2 for _, lv in answers)
        if outcome in ("returned", "refused"):
            month = month_of(at)
        elif outcome is None and due is not None and due < now:
            month = month_of(due)
        else:
            month = None
        ds.append({"case": case, "unit": count_unit, "month": month,
                   "late": late, "dissatisfied": dis,
                   "complaint": bool(complain),
                   "outcome": outcome or "open", "answers": answers})

    # Unit a.
    # Satisfied, on time, but its citizen complained: subtracted.
    d("D1", a, a, "returned", settle, now + 9 * DAY, [("returned", 5)],
      False, complain=("returned",))
    d("D2", a, a, "returned", settle + 1, old + 5 * DAY,
      [("returned", 5)], True)
    d("D3", a, a, "returned", settle + 2, None, [("returned", 1)], False)
    # Refused; its ticket at the refusal, answered on a phone at 2.
    d("D4", a, a, "refused", settle + 3, old + 2 * DAY, [("refused", 2)],
      False)
    # Late, rated 1 and complained about: subtracted once.
    d("D5", a, a, "returned", settle + 4, old + 5 * DAY,
      [("returned", 1)], True, complain=("returned",))
    # Open past its due date (due a minute ago): late; unanswered ticket.
    d("D6", a, a, None, None, now - 60, [("received", None)], True)
    # Open, not due yet: not counted, even rated 1.
    d("D7", a, a, None, None, now + 5 * DAY, [("received", 1)], False)
    # Withdrawn: not counted, even rated 1.
    d("D8", a, a, "withdrawn", settle + 5, None, [("returned", 1)], False)
    # Answered at the receipt (3) and not at the result.
    d("D9", a, a, "returned", settle + 6, now + 9 * DAY,
      [("received", 3), ("returned", None)], False,
      supplement=old + DAY)
    # Satisfied at a request for documents, dissatisfied at receipt.
    d("D10", a, a, "returned", settle + 7, now + 9 * DAY,
      [("supplement", 4), ("received", 2)], False, supplement=old + DAY)
    # Received at a, decided by b: b's.
    d("D11", a, b, "returned", settle + 8, now + 9 * DAY,
      [("returned", 5)], False, handling=b)
    d("D12", b, b, "returned", settle + 9, now + 9 * DAY, [], False)
    # Not dossiers: a ticket without a case rated 1 at a, every answer
    # at c (no dossiers there), walk-ins at a rated 1-2.
    answer(s, a, 1)
    for lv in (1, 2, 5):
        answer(s, c, lv)
    walkins(s, a, 5)
    return a, b, c, ds


def expected(ds, month, units=None):
    rows = [x for x in ds if x["month"] == month and
            (units is None or x["unit"] in units)]
    n = len(rows)
    dis = sum(x["dissatisfied"] for x in rows)
    late = sum(x["late"] for x in rows)
    cpl = sum(x["complaint"] for x in rows)
    against = sum(x["dissatisfied"] or x["late"] or x["complaint"]
                  for x in rows)
    return {"dossiers": n, "dissatisfied": dis, "late": late,
            "complaints": cpl, "against": against,
            "returned": sum(x["outcome"] == "returned" for x in rows),
            "refused": sum(x["outcome"] == "refused" for x in rows),
            "open_late": sum(x["outcome"] == "open" for x in rows),
            "ratio": None if n == 0 else round((n - against) / n, 4)}


def check(got, want, what):
    for k, v in want.items():
        assert got[k] == v, (what, k, got[k], v)


def report(s, key, fmt="", extra=""):
    path = {"": "/api/v1/reports", "csv": "/api/v1/reports.csv",
            "xlsx": "/api/v1/reports.xlsx", "html": "/reports"}[fmt]
    return s.get(path + "?period=" + extra,
                 {"Authorization": "Bearer " + key})


def openpyxl():
    try:
        import openpyxl as o
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        import openpyxl as o
    return o


@test
def ratio_against_recount():
    with Server() as s:
        viewer = add_key(s.data, "viewer")
        a, b, c, ds = world(s)
        month = month_of(int(time.time()) - 120)
        months = {x["month"] for x in ds if x["month"]}
        assert months == {month}, months	# the data set's month
        rep = json_of(*assert_status(report(s, viewer, "", month), 200,
                                     "report"))
        assert "national_percent" not in rep["overall"], rep["overall"]
        d = rep["decision_766"]
        want = expected(ds, month)
        check(d, want, "province")
        assert want == {"dossiers": 10, "dissatisfied": 4, "late": 3,
                        "complaints": 2, "against": 7, "returned": 8,
                        "refused": 1, "open_late": 1, "ratio": 0.3}, want
        assert d["percent"] == 30.0, d
        assert d["complaints_recorded"] is True, d
        assert "follow-up" in d["definitions"]["complaints"]
        # Per unit: a, b; c has none (not listed).
        byu = {u["unit"]: u for u in d["units"]}
        check(byu[a], expected(ds, month, {a}), "unit a")
        check(byu[b], expected(ds, month, {b}), "unit b")
        assert c not in byu, byu.keys()
        # Stages of the counted dossiers: the refusal's ticket under
        # "refused", answered and dissatisfied.
        st = {x["stage"]: x for x in d["stages"]}
        assert st["refused"] == {"stage": "refused", "name": "Khi từ chối",
                                 "tickets": 1, "answered": 1,
                                 "dissatisfied": 1}, st
        assert st["received"]["tickets"] == 3, st	# D6, D9, D10
        assert st["received"]["answered"] == 2, st
        assert st["received"]["dissatisfied"] == 1, st
        assert st["supplement"]["answered"] == 1, st
        assert st["returned"]["tickets"] == 6, st	# not D8's
        assert st["returned"]["answered"] == 5, st
        # A report of unit a's subtree; one of c: no dossiers, null.
        r = json_of(*report(s, viewer, "", month + "&unit=" + a))
        check(r["decision_766"], expected(ds, month, {a}), "scope a")
        r = json_of(*report(s, viewer, "", month + "&unit=" + c))
        assert r["decision_766"]["dossiers"] == 0
        assert r["decision_766"]["ratio"] is None
        assert r["overall"]["responses"] == 3	# c's answers are there
        # The month before: none.
        prev = "%04d-%02d" % ((int(month[:4]) * 12 + int(month[5:]) - 2)
                              // 12, (int(month[5:]) - 2) % 12 + 1)
        r = json_of(*report(s, viewer, "", prev))
        assert r["decision_766"]["dossiers"] == 0
        assert r["decision_766"]["ratio"] is None
        # The same figures in the page, the CSV and the XLSX.
        page = assert_html(report(s, viewer, "html", month), 200, "page")
        i = page.index("Tỷ lệ theo QĐ 766: <b>")
        assert page[i:i + 40].startswith("Tỷ lệ theo QĐ 766: <b>30"), (
            page[i:i + 80])
        assert "10 hồ sơ" in page[i:i + 80], page[i:i + 80]
        csv = report(s, viewer, "csv", month)[2].decode("utf-8-sig")
        assert "Tỷ lệ hài lòng theo Quyết định 766/QĐ-TTg" in csv
        line = [l for l in csv.split("\r\n")
                if l.startswith(",Tổng (phạm vi báo cáo)")][0]
        assert line.split(",")[2:10] == ["10", "8", "1", "1", "4", "2",
                                         "3", "7"], line
        wb = openpyxl().load_workbook(io.BytesIO(
            report(s, viewer, "xlsx", month)[2]))
        ws = wb["QĐ 766"]
        rows = list(ws.iter_rows(values_only=True))
        total = [r for r in rows if r[1] == "Tổng (phạm vi báo cáo)"][0]
        assert total[2] == 10 and total[9] == 7, total
        assert abs(total[10] - 0.3) < 1e-4, total


@test
def ten_tickets_and_five_walkins():
    """The case the old figure got wrong: 10 dossiers all rated 5 and
    five walk-ins rated 1-2 is 100%, not 50%; a month with no dossiers
    is null, not 100%."""
    with Server() as s:
        viewer = add_key(s.data, "viewer")
        unit = [u["code"] for u in s.units() if u.get("parent")][0]
        now = int(time.time())
        for i in range(10):
            case = "TEN-%d" % i
            event(s, case, unit, "received", now - 5 * DAY, now + DAY)
            event(s, case, unit, "returned", now - 100 + i)
            answer(s, unit, 5, case)
        walkins(s, unit, 5)
        month = month_of(now - 100)
        r = json_of(*report(s, viewer, "", month))
        d = r["decision_766"]
        assert d["dossiers"] == 10 and d["against"] == 0, d
        assert d["ratio"] == 1.0 and d["percent"] == 100.0, d
        assert r["walkin"]["responses"] + r["walkin"]["suspect"] == 5, (
            r["walkin"])


run()
