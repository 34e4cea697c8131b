"""The survey's own figures by stage in the report (by_stage): tickets
at every stage (received, supplement, refused, returned; a ticket
without a stage is returned) answered on phones and at a kiosk, kiosk
walk-ins apart, some of them suspect; the figures against an
independent recount of the stored answers (the export) in the JSON
(scope and units, a unit's report), the page, the CSV and the XLSX."""

import csv
import io
import json
import math
import re
import sys
import time

from hl import (Server, add_key, assert_html, assert_status, cli_ok,
                export_json, full_answer, json_of, new_ticket, parse_page,
                run, test, valid_procedure, verify)

STAGES = ["received", "supplement", "refused", "returned", "walkin"]
Z = 1.959963984540054
TZ = 7 * 3600


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S+07:00", time.gmtime(t + TZ))


def event(s, case, unit, ev, at, due=None):
    body = {"case": case, "unit": unit, "event": ev, "at": iso(at),
            "procedure": valid_procedure(s)["code"]}
    if due is not None:
        body["due"] = iso(due)
    r = s.http("POST", "/api/v1/dossiers", json.dumps(body).encode(),
               {"Content-Type": "application/json",
                "Authorization": "Bearer " + s.key})
    assert r[0] in (200, 201), (case, ev, r[0], r[2][:200])


def kiosk(s, unit):
    out = cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                 "--counter", "7", "--name", "k-%d" % time.monotonic_ns())
    code = [ln for ln in out.splitlines() if ln.startswith("code: ")][0][6:]
    r = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
    return json_of(*assert_status(r, 201, "enrol"))["key"]


_n = [0]


def kiosk_answer(s, key, overall, token=None, waited=None):
    _n[0] += 1
    b = {"idempotency_key": "st-%d-%d" % (_n[0], time.monotonic_ns()),
         "answers": {"overall": overall}}
    if token is not None:
        b["token"] = token
    if waited is not None:
        b["waited"] = waited
    r = s.http("POST", "/api/v1/responses", json.dumps(b).encode(),
               {"Content-Type": "application/json",
                "Authorization": "Bearer " + key})
    assert_status(r, 201, "kiosk answer")


def phone(s, unit, level, pick, stage=None, case=None):
    f = {"unit": unit}
    if case is not None:
        f["case"] = case
    if stage is not None:
        f["stage"] = stage
    t = new_ticket(s, **f)
    page = assert_html(s.get(t["path"]), 200, "survey page")
    pairs = full_answer(page, level, pick)
    if level <= 2:
        reasons = parse_page(page).choices.get("reasons", [])
        if reasons:
            pairs.append(("reasons", reasons[pick % len(reasons)]))
    assert_status(s.post_form(t["path"], pairs), 200, "answer")
    return t


def world(s):
    """The data set; returns {ticket code: stage}."""
    units = [u["code"] for u in s.units() if u.get("parent")]
    a, b = units[0], units[1]
    stage_of = {}
    now = int(time.time())
    # A refused dossier: its dates answer "on time?", the server keeps it.
    event(s, "REF-1", a, "received", now - 5 * 86400, now + 86400)
    event(s, "REF-1", a, "refused", now - 60)
    event(s, "A7", a, "received", now - 5 * 86400, now + 86400)
    event(s, "A7", a, "returned", now - 60)
    plan = [
        (a, "received", "A1", 5, 0), (a, "received", "A2", 4, 1),
        (a, "received", "A3", 2, 2), (a, "supplement", "A4", 3, 0),
        (a, "supplement", "A5", 5, 1), (a, "refused", "REF-1", 1, 2),
        (a, "refused", "A6", 2, 0), (a, "returned", "A7", 5, 1),
        (a, "returned", "A8", 4, 2), (a, None, None, 5, 0),
        (a, None, None, 1, 1), (b, "received", "B1", 5, 2),
        (b, "refused", "B2", 4, 0), (b, None, None, 3, 1),
    ]
    for unit, stage, case, level, pick in plan:
        t = phone(s, unit, level, pick, stage, case)
        stage_of[t["code"]] = stage or "returned"
    # At a kiosk: a request for documents and a receipt, then walk-ins
    # (the fast ones suspect).
    key = kiosk(s, a)
    for stage, case, level in (("supplement", "K1", 1),
                               ("received", "K2", 5)):
        t = new_ticket(s, unit=a, case=case, stage=stage, counter="7")
        kiosk_answer(s, key, level, token=t["token"])
        stage_of[t["code"]] = stage
    for i, lv in enumerate((5, 5, 5, 5, 5, 5, 1, 2)):
        kiosk_answer(s, key, lv, waited=3600 - 10 * i)
    return a, b, stage_of


def wilson(sat, n):
    if n == 0:
        return None, None
    p = sat / n
    den = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / den
    h = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / den
    return round((c - h) * 100, 2), round((c + h) * 100, 2)


def recount(rows, stage_of, units=None):
    """{stage: {responses, satisfied, suspect, levels, q: {(q, opt): n}}}
    from the export's rows."""
    out = {st: {"responses": 0, "satisfied": 0, "suspect": 0,
                "levels": [0] * 5, "q": {}} for st in STAGES}
    for r in rows:
        if units is not None and r["unit"] not in units:
            continue
        st = stage_of[r["ticket_code"]] if r["ticket_code"] else "walkin"
        o = out[st]
        for q, v in r.items():
            if q in ("on_time", "visits", "courtesy", "unofficial_payment",
                     "clarity", "agency_service") and v is not None:
                o["q"][(q, v)] = o["q"].get((q, v), 0) + 1
        for v in r.get("reasons") or []:
            o["q"][("reasons", v)] = o["q"].get(("reasons", v), 0) + 1
        if r["overall"] is None:
            continue
        if r["suspect"]:
            o["suspect"] += 1
            continue
        o["responses"] += 1
        o["levels"][r["overall"] - 1] += 1
        if r["overall"] >= 4:
            o["satisfied"] += 1
    return out


def check_fig(got, want, what):
    assert got["responses"] == want["responses"], (what, got, want)
    assert got["satisfied"] == want["satisfied"], (what, got, want)
    assert got["levels"] == want["levels"], (what, got, want)
    assert got["suspect"] == want["suspect"], (what, got, want)
    n, sat = want["responses"], want["satisfied"]
    if n == 0:
        assert got["percent"] is None and got["ci_low"] is None, (what, got)
        return
    assert abs(got["percent"] - 100.0 * sat / n) < 0.006, (what, got)
    lo, hi = wilson(sat, n)
    assert abs(got["ci_low"] - lo) < 0.011, (what, got, lo)
    assert abs(got["ci_high"] - hi) < 0.011, (what, got, hi)


def check_scope(rep, want, what):
    by = rep["overall"]["by_stage"]
    assert [x["stage"] for x in by] == STAGES, by
    for x in by:
        w = want[x["stage"]]
        check_fig(x, w, what + " " + x["stage"])
        got_q = {(q["question"], o["option"]): o["count"]
                 for q in x["questions"] for o in q["options"]
                 if o["count"]}
        assert got_q == w["q"], (what, x["stage"], got_q, w["q"])
    # The stages add up to the scope's own figures.
    assert sum(x["responses"] for x in by) == rep["overall"]["responses"], (
        what, rep["overall"]["responses"])
    assert sum(x["suspect"] for x in by) == rep["overall"]["suspect"], what


def get(s, key, path, period):
    return s.get(path + "?period=" + period,
                 {"Authorization": "Bearer " + key})


def openpyxl():
    try:
        import openpyxl as o
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        import openpyxl as o
    return o


@test
def stages_against_recount():
    with Server() as s:
        viewer = add_key(s.data, "viewer")
        a, b, stage_of = world(s)
        rows = export_json(s.data)
        assert len(rows) == 24, len(rows)
        month = rows[0]["month"]
        want = recount(rows, stage_of)
        # The data set has every stage, suspect walk-ins, and the
        # refusal's on-time answer filled from its dates.
        assert all(want[st]["responses"] > 0 for st in STAGES), want
        assert want["walkin"]["suspect"] > 0, want["walkin"]
        # Before the result nobody is asked "on time?"; a returned
        # dossier's dates answer it (A7, settled before its due date).
        assert not [k for k in want["refused"]["q"] if k[0] == "on_time"], (
            want["refused"]["q"])
        a7 = [r for r in rows if stage_of.get(r["ticket_code"]) ==
              "returned" and r["overall"] == 5 and r["unit"] == a and
              r["visits"] == "twice"]
        assert len(a7) == 1 and a7[0]["on_time"] == "yes", a7
        rep = json_of(*assert_status(get(s, viewer, "/api/v1/reports",
                                         month), 200, "report"))
        check_scope(rep, want, "province")
        assert "walk-in" in rep["definitions"]["by_stage"]
        for u in rep["units"]:
            if u["unit"] not in (a, b):
                continue
            w = recount(rows, stage_of, {u["unit"]})
            assert [x["stage"] for x in u["by_stage"]] == STAGES
            for x in u["by_stage"]:
                check_fig(x, w[x["stage"]], u["unit"] + " " + x["stage"])
        # A unit's report: its answers only.
        r = json_of(*get(s, viewer, "/api/v1/reports", month + "&unit=" + a))
        check_scope(r, recount(rows, stage_of, {a}), "scope a")
        r = json_of(*get(s, viewer, "/api/v1/reports", month + "&unit=" + b))
        check_scope(r, recount(rows, stage_of, {b}), "scope b")
        assert r["overall"]["by_stage"][4]["responses"] == 0

        # The page: a column per stage, its answers and its share.
        page = assert_html(get(s, viewer, "/reports", month), 200, "page")
        i = page.index('<table class="keep" id="stages">')
        table = page[i:page.index("</table>", i)]
        heads = re.findall(r"<th>([^<]*)</th>", table)
        assert heads[1:] == ["Tiếp nhận", "Bổ sung", "Từ chối",
                             "Trả kết quả", "Vãng lai"], heads
        cells = {}
        for tr in re.findall(r"<tr><td>([^<]*)</td>(.*?)</tr>", table, re.S):
            cells[tr[0]] = re.findall(r'<td class="n">([^<]*)</td>', tr[1])
        assert cells["Số trả lời"] == [str(want[st]["responses"])
                                       for st in STAGES], cells
        shares = cells["Hài lòng (%), khoảng tin cậy 95%"]
        for cell, st in zip(shares, STAGES):
            w = want[st]
            lo, hi = wilson(w["satisfied"], w["responses"])
            f = lambda x: ("%.1f" % x).replace(".", ",")
            assert cell == "%s (%s–%s)" % (
                f(100.0 * w["satisfied"] / w["responses"]), f(lo), f(hi)), (
                st, cell, lo, hi)
        assert 'id="stage-questions"' in page
        # The questions by stage (on screen): "on time" answered "yes".
        q = page[page.index('<table id="stage-questions">'):]
        q = q[:q.index("</table>")]
        yes = re.search(r"<td>Đúng hẹn</td>((?:<td class=\"n\">\d+</td>)+)", q)
        assert yes, q[:400]
        assert re.findall(r"\d+", yes.group(1)) == [
            str(want[st]["q"].get(("on_time", "yes"), 0))
            for st in STAGES], (yes.group(1), want)
        # CSV: the scope's rows and each unit's.
        text = get(s, viewer, "/api/v1/reports.csv", month)[2].decode(
            "utf-8-sig")
        assert "Mức độ hài lòng theo giai đoạn khảo sát" in text
        lines = list(csv.reader(io.StringIO(text)))
        tot = {ln[2]: ln for ln in lines
               if len(ln) >= 10 and ln[1] == "Tổng (phạm vi báo cáo)"
               and ln[2] in STAGES}
        assert sorted(tot) == sorted(STAGES), tot
        for st in STAGES:
            assert [int(tot[st][4]), int(tot[st][5]), int(tot[st][9])] == [
                want[st]["responses"], want[st]["satisfied"],
                want[st]["suspect"]], (st, tot[st])
        wa = recount(rows, stage_of, {a})
        ua = {ln[2]: ln for ln in lines if len(ln) >= 10 and ln[0] == a
              and ln[2] in STAGES}
        for st in STAGES:
            assert int(ua[st][4]) == wa[st]["responses"], (st, ua[st])

        # XLSX: the same, and the questions by stage.
        wb = openpyxl().load_workbook(io.BytesIO(
            get(s, viewer, "/api/v1/reports.xlsx", month)[2]))
        xr = list(wb["Theo giai đoạn"].iter_rows(values_only=True))
        xt = {r[2]: r for r in xr if r[1] == "Tổng (phạm vi báo cáo)"}
        for st in STAGES:
            w = want[st]
            assert (xt[st][4], xt[st][5]) == (w["responses"],
                                             w["satisfied"]), xt[st]
            assert abs(xt[st][6] - w["satisfied"] / w["responses"]) < 1e-4
        xq = list(wb["Câu hỏi theo giai đoạn"].iter_rows(values_only=True))
        got_q = {(r[0], r[2], r[4]): r[6] for r in xq
                 if r[0] in STAGES and r[6]}
        want_q = {(st, q, o): n for st in STAGES
                  for (q, o), n in want[st]["q"].items()}
        assert got_q == want_q, (got_q, want_q)

        rc, out, err = verify(s.data)
        assert rc == 0, out + err


run()
