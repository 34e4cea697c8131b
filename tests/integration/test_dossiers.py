"""Dossier events of the one-stop software (POST /api/v1/dossiers): in
order, out of order, repeated and impossible sequences against the
dossier's state; hostile bodies; lateness derived from the dates, the
clock moved with libfaketime."""

import json
import time

from fakeclock import faked_server
from hl import (Server, add_key, assert_json_error, assert_status, cli_ok,
                issue, json_of, new_ticket, run, test, valid_procedure,
                valid_unit)

H = 3600
DAY = 86400


def iso(t):
    """UTC seconds as ISO 8601 in the province's zone (+07:00)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+07:00", time.gmtime(t + 7 * H))


def event(s, case, ev, at, due=None, key=None, **extra):
    body = {"case": case, "unit": valid_unit(s)["code"],
            "procedure": valid_procedure(s)["code"], "event": ev,
            "at": iso(at) if isinstance(at, (int, float)) else at}
    if due is not None:
        body["due"] = iso(due) if isinstance(due, (int, float)) else due
    for k, v in extra.items():
        if v is None:
            body.pop(k, None)
        else:
            body[k] = v
    return post(s, body, key if key is not None else s.key)


def post(s, body, key):
    h = {"Content-Type": "application/json"}
    if key:
        h["Authorization"] = "Bearer " + key
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return s.http("POST", "/api/v1/dossiers", data, h)


def ok(r, status, what):
    assert_status(r, status, what)
    return json_of(*r, what=what)


def state_of(s, case, ev, at, due=None):
    """The dossier as it is: a repeat of an event it has (200, repeated,
    nothing changed)."""
    d = ok(event(s, case, ev, at, due), 200, "repeat " + ev)
    assert d["repeated"] is True, d
    return d


@test
def in_order():
    with Server() as s:
        t0 = int(time.time()) - 10 * DAY
        d = ok(event(s, "HS-1", "received", t0, t0 + 15 * DAY), 201, "recv")
        assert d["state"] == "received" and d["late"] is False, d
        assert d["repeated"] is False, d
        assert d["received_at"] == iso(t0), d
        assert d["due_at"] == iso(t0 + 15 * DAY), d
        assert d["settled_at"] is None, d
        d = ok(event(s, "HS-1", "supplement_requested", t0 + DAY), 200,
               "supplement")
        assert d["state"] == "supplement_requested", d
        d = ok(event(s, "HS-1", "returned", t0 + 4 * DAY), 200, "returned")
        assert d["state"] == "returned" and d["late"] is False, d
        assert d["settled_at"] == iso(t0 + 4 * DAY), d
        # Returned after its due date: late.
        ok(event(s, "HS-2", "received", t0, t0 + 2 * DAY), 201, "recv 2")
        d = ok(event(s, "HS-2", "returned", t0 + 3 * DAY), 200, "ret 2")
        assert d["late"] is True, d
        # Refused past the due date: settled without a result, not late.
        ok(event(s, "HS-3", "received", t0, t0 + DAY), 201, "recv 3")
        d = ok(event(s, "HS-3", "refused", t0 + 2 * DAY), 200, "refused")
        assert d["state"] == "refused" and d["late"] is False, d
        # Withdrawn.
        ok(event(s, "HS-4", "received", t0), 201, "recv 4")
        d = ok(event(s, "HS-4", "withdrawn", t0 + DAY), 200, "withdrawn")
        assert d["state"] == "withdrawn" and d["due_at"] is None, d
        # Still open past its due date: late; without a due date: never.
        d = ok(event(s, "HS-5", "received", t0, t0 + DAY), 201, "recv 5")
        assert d["state"] == "received" and d["late"] is True, d
        d = ok(event(s, "HS-6", "received", t0), 201, "recv 6")
        assert d["late"] is False, d


@test
def out_of_order_and_repeated():
    with Server() as s:
        t0 = int(time.time()) - 20 * DAY
        # The result before the receipt: a dossier is made, then filled.
        d = ok(event(s, "OOO-1", "returned", t0 + 6 * DAY), 201, "ret")
        assert d["state"] == "returned" and d["received_at"] is None, d
        assert d["late"] is False, d		# no due date known yet
        d = ok(event(s, "OOO-1", "supplement_requested", t0 + 2 * DAY),
               200, "supplement late")
        assert d["state"] == "returned", d	# the outcome stays
        d = ok(event(s, "OOO-1", "received", t0, t0 + 5 * DAY), 200, "recv")
        assert d["state"] == "returned" and d["late"] is True, d
        assert d["received_at"] == iso(t0), d
        # Every event again, in another order: nothing changes.
        for ev, at, due in (("received", t0, t0 + 5 * DAY),
                            ("returned", t0 + 6 * DAY, None),
                            ("supplement_requested", t0 + 2 * DAY, None)):
            d = state_of(s, "OOO-1", ev, at, due)
            assert d["state"] == "returned" and d["late"] is True, d
        # Two requests for documents, the later one first.
        ok(event(s, "OOO-2", "supplement_requested", t0 + 3 * DAY), 201,
           "sup b")
        ok(event(s, "OOO-2", "supplement_requested", t0 + DAY), 200, "sup a")
        ok(event(s, "OOO-2", "received", t0), 200, "recv 2")
        d = state_of(s, "OOO-2", "supplement_requested", t0 + DAY)
        assert d["state"] == "supplement_requested", d
        # The same case at another unit is another dossier.
        other = [u for u in s.units() if u.get("parent")][1]["code"]
        d = ok(event(s, "OOO-2", "received", t0, unit=other), 201, "other")
        assert d["state"] == "received", d


@test
def impossible_sequences():
    with Server() as s:
        t0 = int(time.time()) - 20 * DAY
        ok(event(s, "BAD-1", "received", t0 + DAY, t0 + 9 * DAY), 201, "r")
        ok(event(s, "BAD-1", "supplement_requested", t0 + 2 * DAY), 200, "s")
        ok(event(s, "BAD-1", "returned", t0 + 4 * DAY), 200, "ret")
        bad = [
            (("received", t0 + 5 * DAY, t0 + 9 * DAY), "already received"),
            (("received", t0 + DAY, t0 + 8 * DAY), "already received"),
            (("returned", t0 + 5 * DAY, None), "already returned"),
            (("withdrawn", t0 + 5 * DAY, None), "already returned"),
            (("refused", t0 + 3 * DAY, None), "already returned"),
            (("supplement_requested", t0 + 5 * DAY, None), "already"),
            (("supplement_requested", t0, None), "before"),
        ]
        for (ev, at, due), why in bad:
            r = event(s, "BAD-1", ev, at, due)
            assert_json_error(r, 422, "%s at %s" % (ev, at))
            assert why in json_of(*r)["error"], (ev, json_of(*r))
            d = state_of(s, "BAD-1", "returned", t0 + 4 * DAY)
            assert d["state"] == "returned" and d["late"] is False, d
            assert d["received_at"] == iso(t0 + DAY), d
            assert d["due_at"] == iso(t0 + 9 * DAY), d
        # An outcome before the receipt, or before a request.
        ok(event(s, "BAD-2", "received", t0 + 3 * DAY), 201, "r2")
        r = event(s, "BAD-2", "refused", t0 + 2 * DAY)
        err = assert_json_error(r, 422)["error"]
        assert "before the dossier was received" in err, err
        ok(event(s, "BAD-3", "supplement_requested", t0 + 3 * DAY), 201, "s3")
        r = event(s, "BAD-3", "returned", t0 + 2 * DAY)
        assert_json_error(r, 422, "returned before a request")
        r = event(s, "BAD-3", "received", t0 + 4 * DAY)
        assert_json_error(r, 422, "received after a request")
        d = state_of(s, "BAD-3", "supplement_requested", t0 + 3 * DAY)
        assert d["received_at"] is None, d
        # A due date before receipt, or with another event.
        r = event(s, "BAD-4", "received", t0, t0 - DAY)
        assert "due" in assert_json_error(r, 422)["error"]
        r = event(s, "BAD-4", "returned", t0, t0 + DAY)
        assert "due" in assert_json_error(r, 422)["error"]
        # Another procedure for the same case.
        procs = [p["code"] for p in s.procedures() if p.get("sector")]
        r = event(s, "BAD-1", "returned", t0 + 4 * DAY, procedure=procs[1])
        assert "procedure" in assert_json_error(r, 422)["error"]
        # Nothing was stored for BAD-4: its first good event creates it.
        ok(event(s, "BAD-4", "received", t0), 201, "r4")


@test
def hostile_bodies():
    with Server() as s:
        now = int(time.time())
        case = "HOSTILE-CASE-77"
        unit = valid_unit(s)["code"]
        proc = valid_procedure(s)["code"]
        good = {"case": case, "unit": unit, "procedure": proc,
                "event": "received", "at": iso(now - H)}
        cases = [
            (b"{", 400, "not JSON"),
            (b"[]", 400, "not a JSON object"),
            (b'{"case": "a", "case": "b"}', 400, "duplicate"),
            (dict(good, extra=1), 422, "unknown field"),
            ({k: v for k, v in good.items() if k != "case"}, 422,
             "case: required"),
            ({k: v for k, v in good.items() if k != "at"}, 422,
             "at: required"),
            (dict(good, event="lost"), 422, "event: one of"),
            (dict(good, at="2026-11-02T10:00:00"), 422, "at: ISO 8601"),
            (dict(good, at="yesterday"), 422, "at: ISO 8601"),
            (dict(good, due=True), 422, "due: ISO 8601"),
            (dict(good, at=iso(now + 2 * DAY)), 422, "at: in the future"),
            (dict(good, at="1999-12-31T10:00:00+07:00"), 422, "before 2000"),
            (dict(good, unit="NO-SUCH-UNIT"), 422, "unit: not in"),
            (dict(good, handling_unit="NO-SUCH"), 422, "handling_unit"),
            (dict(good, unit="a b"), 422, "unit: only"),
            (dict(good, case="x" * 65), 422, "case: 1 to 64"),
            (dict(good, case=""), 422, "case: 1 to 64"),
            (dict(good, case="a\u0001b"), 422, "control characters"),
            (dict(good, case=5), 422, "case: must be a string"),
            (dict(good, procedure="p" * 33), 422, "procedure: 1 to 32"),
        ]
        for body, status, why in cases:
            r = post(s, body, s.key)
            assert_json_error(r, status, why)
            err = json_of(*r)["error"]
            assert why in err, (why, err)
            assert case not in err
        # Keys: none, a viewer's, a counter of another unit.
        assert_status(post(s, good, None), 401, "no key")
        assert_status(post(s, good, add_key(s.data, "viewer")), 403,
                      "viewer")
        other = [u for u in s.units() if u.get("parent")
                 and u["code"] != unit][0]["code"]
        k = add_key(s.data, "counter", unit=other)
        r = post(s, good, k)
        err = assert_json_error(r, 403)["error"]
        assert "outside this key's units" in err, err
        # None of them stored anything: the good event creates.
        ok(post(s, good, s.key), 201, "good")


@test
def tickets_at_stages():
    with Server() as s:
        unit = valid_unit(s)["code"]
        toks = {}
        for stage in ("received", "supplement", "refused", "returned"):
            t = new_ticket(s, case="STAGE-1", stage=stage)
            toks[stage] = t["token"]
            again = json_of(*assert_status(issue(
                s, s.key, case="STAGE-1", stage=stage), 200, "again"))
            assert again["token"] == t["token"], stage
        assert len(set(toks.values())) == 4, toks
        # No stage is the result's: the ticket of before stages.
        t = json_of(*assert_status(issue(s, s.key, case="STAGE-1"), 200,
                                   "no stage"))
        assert t["token"] == toks["returned"], t
        for fields, why in (
                ({"stage": "refused"}, "stage: needs the case"),
                ({"case": "X", "stage": "supplement_requested"},
                 "stage: at most"),
                ({"case": "X", "stage": "lost"}, "stage: one of"),
                ({"case": "X", "stage": ""}, "stage: must not be empty"),
                ({"case": "X", "stage": 3}, "stage: must be a string")):
            r = issue(s, s.key, **fields)
            err = assert_json_error(r, 422, repr(fields))["error"]
            assert why in err, (fields, err)
        svc = s.api_json("/api/v1/services")
        if svc:
            r = issue(s, s.key, procedure=None, unit=unit,
                      service=svc[0]["code"], case="X", stage="refused")
            err = assert_json_error(r, 422, "service")["error"]
            assert "stage: only for tickets of survey procedure" in err, err


ON_TIME_TEXT = "Hồ sơ có được trả kết quả đúng hẹn không?"


@test
def on_time_filled_from_dates():
    """A ticket whose dossier was returned with a due date is not asked
    "on time?": the dates answer it, whatever the form sends. Without
    the dates (no due date, not returned yet, no dossier) it is asked."""
    with Server() as s:
        now = int(time.time())
        cases = {"OT-ON": (now + DAY, "yes"), "OT-LATE": (now - DAY, "late"),
                 "OT-NODUE": (None, None), "OT-OPEN": (now + DAY, None)}
        for case, (due, _) in cases.items():
            ok(event(s, case, "received", now - 5 * DAY, due), 201, case)
            if case != "OT-OPEN":
                ok(event(s, case, "returned", now - 60), 200, case)
        cases["OT-NONE"] = (None, None)		# no events at all
        for case, (_, want) in cases.items():
            t = new_ticket(s, case=case)
            page = assert_status(s.get(t["path"]), 200, case)[2].decode()
            assert (ON_TIME_TEXT in page) == (want is None), case
            # The form claims the opposite of the dates.
            claim = "late" if want == "yes" else "yes"
            assert_status(s.post_form(t["path"], [
                ("overall", "4"), ("on_time", claim)]), 200, case)
            row = s.export()[-1]
            assert row["on_time"] == (want or claim), (case, row)


@test
def wording_fits_the_stage():
    with Server() as s:
        want = {"received": "Ông/Bà vừa nộp hồ sơ tại Bộ phận một cửa.",
                "supplement": "Hồ sơ của Ông/Bà cần bổ sung giấy tờ.",
                "refused": "Hồ sơ của Ông/Bà không được giải quyết.",
                "returned": None}
        for stage, text in want.items():
            t = new_ticket(s, case="WORD-1", stage=stage)
            page = assert_status(s.get(t["path"]), 200, stage)[2].decode()
            for other, words in want.items():
                if words is not None:
                    assert (words in page) == (other == stage), (stage,
                                                                 other)
            assert ('class="stage"' in page) == (stage != "returned")
            assert (ON_TIME_TEXT in page) == (stage == "returned"), stage
            en = s.get(t["path"] + "?lang=en")[2].decode()
            assert stage != "received" or "handed in your dossier" in en
            km = s.get(t["path"] + "?lang=km")[2].decode()
            assert stage != "refused" or "ត្រូវបានបដិសេធ" in km


@test
def on_time_filled_for_a_kiosk_too():
    with Server() as s:
        now = int(time.time())
        unit = valid_unit(s)["code"]
        ok(event(s, "KO-1", "received", now - 5 * DAY, now + DAY), 201, "r")
        ok(event(s, "KO-1", "returned", now - 60), 200, "ret")
        t1 = new_ticket(s, case="KO-1")
        t2 = new_ticket(s, case="KO-1", stage="received")
        out = cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                     "--counter", "3", "--name", "ko")
        code = [l for l in out.splitlines() if l.startswith("code: ")][0][6:]
        key = json_of(*assert_status(s.http(
            "POST", "/api/v1/kiosk/enrol", {"code": code}), 201, "enrol"))[
            "key"]
        for i, (t, want) in enumerate(((t1, "yes"), (t2, None))):
            r = s.http("POST", "/api/v1/responses", {
                "idempotency_key": "kiosk-on-time-%05d" % i,
                "token": t["token"],
                "answers": {"overall": 4, "on_time": "late"}},
                {"Authorization": "Bearer " + key})
            assert_status(r, 201, "kiosk %d" % i)
            row = [x for x in s.export() if x["ticket_code"] == t["code"]]
            assert row and row[0]["on_time"] == want, (i, row)


@test
def refused_ticket_answered_on_a_phone():
    with Server() as s:
        now = int(time.time())
        ok(event(s, "REF-1", "received", now - 3 * DAY, now + DAY), 201,
           "recv")
        ok(event(s, "REF-1", "refused", now - 60), 200, "refused")
        t = new_ticket(s, case="REF-1", stage="refused")
        page = assert_status(s.get(t["path"]), 200, "page")[2].decode()
        # Its stage's words; no result to be on time.
        assert "Hồ sơ của Ông/Bà không được giải quyết." in page, page
        assert ON_TIME_TEXT not in page
        assert_status(s.post_form(t["path"], [
            ("overall", "1"), ("on_time", "yes")]), 200, "answer")
        assert s.export()[-1]["on_time"] is None	# not a question
        viewer = add_key(s.data, "viewer")
        month = time.strftime("%Y-%m", time.gmtime(now - 60 + 7 * H))
        r = s.get("/api/v1/reports?period=" + month,
                  {"Authorization": "Bearer " + viewer})
        d = json_of(*assert_status(r, 200, "report"))["decision_766"]
        assert d["refused"] == 1 and d["dissatisfied"] == 1, d
        st = {x["stage"]: x for x in d["stages"]}
        assert st["refused"]["answered"] == 1, st
        assert st["refused"]["dissatisfied"] == 1, st
        assert st["returned"]["tickets"] == 0, st


@test
def late_from_dates_under_faked_clock():
    s, clock = faked_server()
    with s:
        t0 = int(clock.now())
        d = ok(event(s, "LATE-1", "received", t0 - H, t0 + 2 * DAY), 201,
               "recv")
        assert d["late"] is False, d
        ok(event(s, "LATE-2", "received", t0 - H, t0 + 2 * DAY), 201, "r2")
        ok(event(s, "LATE-3", "received", t0 - H, t0 + 2 * DAY), 201, "r3")
        # A day later, returned in time.
        clock.set(t0 + DAY)
        d = ok(event(s, "LATE-2", "returned", t0 + DAY - 60), 200, "in time")
        assert d["late"] is False, d
        # Past the due date: the open one is late, the returned one not.
        clock.set(t0 + 3 * DAY)
        d = state_of(s, "LATE-1", "received", t0 - H, t0 + 2 * DAY)
        assert d["late"] is True and d["state"] == "received", d
        d = state_of(s, "LATE-2", "returned", t0 + DAY - 60)
        assert d["late"] is False, d
        # Returned now, after its due date: late for good.
        d = ok(event(s, "LATE-3", "returned", t0 + 3 * DAY - 60), 200, "ret")
        assert d["late"] is True, d
        clock.set(t0 + 30 * DAY)
        d = state_of(s, "LATE-3", "returned", t0 + 3 * DAY - 60)
        assert d["late"] is True, d


run()
