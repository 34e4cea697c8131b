"""Evaluations for the national evaluation system: GET
/api/v1/evaluations and `hailong export --format evaluations` give one
record per answer through a ticket linked to a dossier (every stage),
none for walk-ins or tickets without a case, the layout of
docs/EVALUATIONS.md, in JSON lines and CSV alike; keys, units and
periods checked."""

import csv
import io
import json
import os
import re
import time

from hl import (SRCDIR, Server, add_key, assert_json_error, assert_status,
                cli, cli_ok, new_ticket, run, test, valid_procedure)

H = 3600
DAY = 86400


def month_of(t):
    return time.strftime("%Y-%m", time.gmtime(t + 7 * H))


def event(s, case, unit, ev, at, due=None, handling=None):
    body = {"case": case, "unit": unit, "event": ev, "at": at,
            "procedure": valid_procedure(s)["code"]}
    if due is not None:
        body["due"] = due
    if handling is not None:
        body["handling_unit"] = handling
    r = s.http("POST", "/api/v1/dossiers", body,
               {"Authorization": "Bearer " + s.key})
    assert r[0] in (200, 201), r


def answer(s, level, **fields):
    t = new_ticket(s, **fields)
    assert_status(s.post_form(t["path"], [("overall", str(level))]), 200,
                  "answer")
    return t


def doc_columns():
    """The columns docs/EVALUATIONS.md lists, in order."""
    with open(os.path.join(SRCDIR, "docs", "EVALUATIONS.md"),
              encoding="utf-8") as f:
        text = f.read()
    cols = []
    for line in text.splitlines():
        m = re.match(r"^\| (`[a-z_]+`(?:, `[a-z_]+`)*) \|", line)
        if m:
            cols += re.findall(r"`([a-z_]+)`", m.group(1))
    return cols


def get(s, key, query):
    return s.get("/api/v1/evaluations?" + query,
                 {"Authorization": "Bearer " + key})


@test
def records_of_dossiers_only():
    with Server() as s:
        units = [u["code"] for u in s.units() if u.get("parent")]
        a, b = units[0], units[1]
        now = int(time.time())
        month = month_of(now)
        event(s, "EV-1", a, "received", now - 3 * DAY, now - DAY)
        event(s, "EV-1", a, "returned", now - 60)
        t1 = answer(s, 5, unit=a, case="EV-1")
        t2 = answer(s, 2, unit=a, case="EV-1", stage="received")
        # A dossier handled by b: b's, with no events of its own yet for
        # the second ticket.
        event(s, "EV-2", a, "refused", now - 50, handling=b)
        t3 = answer(s, 1, unit=a, case="EV-2", stage="refused")
        t4 = answer(s, 4, unit=b, case="EV-3")
        # Not evaluations of a dossier: no case; unanswered.
        answer(s, 1, unit=a)
        new_ticket(s, unit=a, case="EV-4")
        viewer = add_key(s.data, "viewer")
        r = get(s, viewer, "period=" + month)
        assert_status(r, 200, "jsonl")
        assert r[1]["content-type"] == "application/x-ndjson", r[1]
        rows = [json.loads(l) for l in r[2].decode().splitlines()]
        assert [x["ticket_code"] for x in rows] == [
            t["code"] for t in (t1, t2, t3, t4)], rows
        cols = doc_columns()
        assert cols[:3] == ["dossier", "agency", "receiving_unit"], cols
        assert len(cols) == 20, cols
        qs = ["on_time", "visits", "courtesy", "unofficial_payment",
              "clarity", "agency_service", "reasons"]
        for x in rows:
            assert list(x) == cols + qs, (list(x), cols)
            assert re.match(r"^[0-9a-f]{64}$", x["dossier"]), x
            assert "comment" not in x, x
        r1, r2, r3, r4 = rows
        assert r1["dossier"] == r2["dossier"] != r3["dossier"], rows
        assert (r1["stage"], r2["stage"], r3["stage"]) == (
            "returned", "received", "refused"), rows
        assert r1["overall"] == 5 and r2["overall"] == 2, rows
        assert r1["late"] is True and r1["dossier_state"] == "returned"
        assert r1["on_time"] == "late", r1	# from the dates
        assert r1["agency"] == a and r3["agency"] == b, rows
        assert r3["receiving_unit"] == a and r3["dossier_state"] == \
            "refused", r3
        assert r4["dossier_state"] is None and r4["late"] is None, r4
        assert r4["agency"] == b, r4
        # CSV: the same records, the same columns.
        r = get(s, viewer, "format=csv&period=" + month)
        assert_status(r, 200, "csv")
        text = r[2].decode("utf-8")
        assert text.startswith("\ufeff"), text[:10]
        crows = list(csv.DictReader(io.StringIO(text[1:])))
        assert [x["ticket_code"] for x in crows] == [
            x["ticket_code"] for x in rows]
        head = text[1:].split("\r\n")[0].split(",")
        assert head == cols + qs, head
        assert crows[0]["late"] == "có" and crows[0]["overall"] == "5"
        assert crows[3]["dossier_state"] == "", crows[3]
        # The command writes the same bytes.
        out = cli_ok("export", "--data", s.data, "--format",
                     "evaluations", "--period", month, "--as", "csv")
        assert out == text, (out[:300], text[:300])
        out = cli_ok("export", "--data", s.data, "--format",
                     "evaluations", "--period", month)
        assert [json.loads(l) for l in out.splitlines()] == rows
        # One unit's subtree; the month before has none.
        r = get(s, viewer, "period=%s&unit=%s" % (month, b))
        assert [json.loads(l)["agency"] for l in
                r[2].decode().splitlines()] == [b, b]
        prev = "%04d-%02d" % ((int(month[:4]) * 12 + int(month[5:]) - 2)
                              // 12, (int(month[5:]) - 2) % 12 + 1)
        assert get(s, viewer, "period=" + prev)[2] == b""


@test
def who_and_what_is_refused():
    with Server() as s:
        units = [u["code"] for u in s.units() if u.get("parent")]
        month = month_of(time.time())
        viewer = add_key(s.data, "viewer")
        assert_status(get(s, s.key, "period=" + month), 403, "counter")
        assert_status(s.get("/api/v1/evaluations?period=" + month), 401,
                      "no key")
        assert_status(get(s, add_key(s.data, "admin"), "period=" + month),
                      200, "admin")
        for q, why in (("", "period: required"),
                       ("period=2026-13", "period"),
                       ("period=2999-01", "period"),
                       ("period=%s&format=xml" % month, "format: want"),
                       ("period=%s&unit=NOPE" % month, "unit: no such")):
            err = assert_json_error(get(s, viewer, q), 400, q)["error"]
            assert why in err, (q, err)
        limited = add_key(s.data, "viewer", unit=units[0])
        r = get(s, limited, "period=%s&unit=%s" % (month, units[1]))
        assert_json_error(r, 403, "other unit")
        rc, _, err = cli("export", "--data", s.data, "--format",
                         "evaluations")
        assert rc != 0 and "--period" in err, err
        rc, _, err = cli("export", "--data", s.data, "--format",
                         "evaluations", "--period", month, "--as", "xml")
        assert rc != 0 and "--as" in err, err
        rc, _, err = cli("export", "--data", s.data, "--format", "csv",
                         "--period", month)
        assert rc != 0 and "--period" in err, err


run()
