"""Kiosk answers dated by the server: a kiosk sends how long each answer
waited in its queue, never a time of its own that counts. Stuffed walk-ins
(300 in a row, waits chosen to claim spaced times) are stored at most at
the physical rate, in queue order, never in a month already closed; a wait
that claims a time when the kiosk was online is not taken; the burst guard
counts a whole minute; permanent refusals are logged by kiosk name; a
kiosk's queue report is stored and shown by `hailong kiosk list`; bad
waits and bad reports change nothing. The server runs under libfaketime
(as in test_clock.py) so that weeks pass in seconds."""

import datetime
import json
import time

from fakeclock import faked_server, local
from hl import (Server, assert_json_error, assert_status, cli_ok, json_of,
                new_ticket, run, test, valid_unit, verify)

GAP = 4			# WALKIN_GAP_SEC
SLACK = 10		# WAIT_SLACK_SEC


def enrol(s, unit, counter):
    name = "kiosk-%s-%d" % (counter, time.monotonic_ns())
    out = cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                 "--counter", counter, "--name", name)
    code = out.splitlines()[-2][6:]
    r = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
    assert_status(r, 201, "enrol")
    return name, json_of(*r)["key"]


def auth(key, ctype=True):
    h = {"Authorization": "Bearer " + key}
    if ctype:
        h["Content-Type"] = "application/json"
    return h


_n = [0]


def answer(key, s, overall, waited=None, token=None, **extra):
    _n[0] += 1
    b = {"idempotency_key": "kt-%d-%d" % (_n[0], time.monotonic_ns()),
         "answers": {"overall": overall}}
    if waited is not None:
        b["waited"] = waited
    if token:
        b["token"] = token
    b.update(extra)
    return s.http("POST", "/api/v1/responses", json.dumps(b).encode(),
                  auth(key))


def poll(s, key):
    assert_status(s.get("/api/v1/kiosk/next?wait=1", auth(key, False)),
                  204, "poll")


def report(s, key, queued=0, refused=0):
    r = s.http("POST", "/api/v1/kiosk/status", json.dumps(
        {"queued": queued, "refused": refused}).encode(), auth(key))
    assert r[0] == 204, r


def stamp(row):
    return datetime.datetime.fromisoformat(row["answered_at"]).timestamp()


def assert_spaced(rows, what):
    ts = [stamp(r) for r in rows]
    for a, b in zip(ts, ts[1:]):
        assert b - a >= GAP, "%s: stored %s then %s, closer than %d s" % (
            what, a, b, GAP)


@test
def stuffed_while_online():
    """300 walk-ins in a row whose waits claim spaced times at which the
    kiosk was polling: not taken; at most one stored, dated now and
    suspect."""
    s, clock = faked_server()
    with s:
        unit = valid_unit(s)["code"]
        name, key = enrol(s, unit, "1")
        t0 = local(2027, 1, 20, 10, 0)
        clock.set(t0)
        poll(s, key)
        r = answer(key, s, 4, waited=0)
        assert json_of(*assert_status(r, 201, "first"))["suspect"] is False
        for k in range(1, 61):		# online: a request every 5 s
            clock.set(t0 + 5 * k)
            report(s, key)
        before = len(s.export())
        t_end = t0 + 300
        for i in range(300):
            # Claims t0 + 1 ... t0 + 300, one second apart (the kiosk's
            # clock or its waits are the attacker's).
            w = int(clock.now() - (t0 + 1 + i))
            r = answer(key, s, 5, waited=max(w, 0),
                       answered_at=t0 + 1 + i)
            assert r[0] in (200, 201), (i, r[0], r[2][:200])
        rows = s.export()[before:]
        real = time.time() + clock.offset - t_end
        assert len(rows) <= 1 + (real + SLACK) // GAP, (
            "%d stored in %.1f s" % (len(rows), real))
        for x in rows:
            assert stamp(x) >= t_end - SLACK, (
                "a claimed online time was taken: %s" % x["answered_at"])
        assert rows and rows[0]["suspect"], "the first stored: %r" % rows
        assert_spaced(rows, "online burst")
        print("  %d of 300 stored" % len(rows))
        rc, out, err = verify(s.data)
        assert rc == 0, out + err


@test
def queued_after_outage_and_closed_month():
    """A kiosk silent for 11 days sends 300 walk-ins claimed 2 s apart
    across a month end; the earlier month closed 7 days after its end:
    those are refused (422, logged), never stored; the rest are stored at
    most one per 4 s, in order, inside the outage; a ticket answer is
    never dated before its ticket."""
    s, clock = faked_server()
    with s:
        unit = valid_unit(s)["code"]
        name, key = enrol(s, unit, "2")
        t1 = local(2027, 2, 27, 12, 0)
        clock.set(t1)
        poll(s, key)
        assert_status(answer(key, s, 3, waited=0), 201, "before")
        t2 = local(2027, 3, 10, 12, 0)	# February closed on March 8
        clock.set(t2)
        base = local(2027, 2, 28, 23, 55)
        before = len(s.export())
        refused = stored = 0
        for i in range(300):
            w = int(clock.now() - (base + 2 * i))
            r = answer(key, s, 5, waited=w)
            if r[0] == 422:
                assert "closed" in json_of(*r)["error"], r[2]
                refused += 1
            else:
                assert r[0] in (200, 201), (i, r[0], r[2][:200])
                stored += r[0] == 201
        rows = s.export()[before:]
        march = local(2027, 3, 1, 0, 0)
        assert refused == sum(1 for i in range(300) if base + 2 * i < march)
        assert all(x["month"] == "2027-03" for x in rows), [
            x["answered_at"] for x in rows if x["month"] != "2027-03"]
        assert len(rows) == stored
        span = base + 2 * 299 - march
        assert 1 <= len(rows) <= span // GAP + 1, len(rows)
        assert_spaced(rows, "after the outage")
        for x in rows:
            assert march - 2 <= stamp(x) <= base + 600, x["answered_at"]
        # Five 5s within a minute: suspect from the fifth on.
        assert sum(1 for x in rows if not x["suspect"]) <= 4, rows[:6]
        # Every refusal is on stderr with the kiosk's name, no content.
        log = s.read_stderr()
        lines = [ln for ln in log.splitlines()
                 if "kiosk %s: answer refused (422)" % name in ln]
        assert len(lines) == refused, (len(lines), refused)
        assert all("closed" in ln for ln in lines), lines[:3]
        # A ticket answer that claims to be older than its ticket.
        counter = s.key
        t = new_ticket(s, key=counter, unit=unit, counter="2")
        r = answer(key, s, 4, waited=3600, token=t["token"])
        assert_status(r, 201, "ticket answer")
        row = [x for x in s.export() if x["ticket_code"] == t["code"]][0]
        assert abs(stamp(row) - clock.now()) <= SLACK, row["answered_at"]
        rc, out, err = verify(s.data)
        assert rc == 0, out + err
        print("  %d refused (closed month), %d stored" % (refused,
                                                          len(rows)))


@test
def burst_counts_the_whole_minute():
    """Eight 5s in 50 s with a 4 after every second one: the fifth 5 and
    those after it are suspect (the guard once kept only four)."""
    with Server() as s:
        unit = valid_unit(s)["code"]
        _, key = enrol(s, unit, "3")
        seq = [5, 5, 4, 5, 5, 4, 5, 5, 4, 5, 5]
        got = []
        for i, lv in enumerate(seq):
            # A new kiosk: its back-window takes waits of up to 7 days.
            r = answer(key, s, lv, waited=600 - 5 * i)
            got.append((lv, json_of(*assert_status(r, 201, "%d" % i))[
                "suspect"]))
        fives = [f for lv, f in got if lv == 5]
        fours = [f for lv, f in got if lv == 4]
        assert fives == [False] * 4 + [True] * 4, got
        assert fours == [False] * 3, got


@test
def burst_per_rating_whatever_between():
    """Eight 5s in 55 s with a 4 after every second one: five alike
    within 60 s whatever lies between, so the fifth 5 and those after it
    are suspect, the 4s never. At a person's pace (a 5 every 16 s, or
    ratings that change) nothing is flagged."""
    with Server() as s:
        unit = valid_unit(s)["code"]
        _, key = enrol(s, unit, "5")
        seq = [5, 5, 4, 5, 5, 4, 5, 5, 4, 5, 5, 4]
        got = []
        for i, lv in enumerate(seq):
            # 5 s apart by server time: the eighth 5 55 s after the first.
            r = answer(key, s, lv, waited=600 - 5 * i)
            got.append((lv, json_of(*assert_status(r, 201, "%d" % i))[
                "suspect"]))
        fives = [f for lv, f in got if lv == 5]
        fours = [f for lv, f in got if lv == 4]
        assert fives == [False] * 4 + [True] * 4, got
        assert fours == [False] * 4, got
        # Normal pacing at another kiosk: never flagged.
        _, key2 = enrol(s, unit, "6")
        calm = []
        for i in range(8):
            r = answer(key2, s, 5, waited=900 - 16 * i)
            calm.append(json_of(*assert_status(r, 201, "calm %d" % i))[
                "suspect"])
        for i, lv in enumerate([5, 4, 5, 3, 5, 4, 2, 4, 3, 5]):
            r = answer(key2, s, lv, waited=600 - 5 * i)
            calm.append(json_of(*assert_status(r, 201, "mixed %d" % i))[
                "suspect"])
        assert not any(calm), calm
        rows = s.export()
        assert sum(1 for x in rows if x["suspect"]) == 4, rows
        rc, out, err = verify(s.data)
        assert rc == 0, out + err


@test
def status_report_and_bad_bodies():
    with Server() as s:
        unit = valid_unit(s)["code"]
        name, key = enrol(s, unit, "4")
        out = cli_ok("kiosk", "list", "--data", s.data)
        line = [ln for ln in out.splitlines() if "\t%s\t" % name in ln][0]
        assert "no report yet" in line, line
        st = s.http("POST", "/api/v1/kiosk/status",
                    json.dumps({"queued": 2, "refused": 3, "held": 1}),
                    auth(key))
        assert st[0] == 204, st
        out = cli_ok("kiosk", "list", "--data", s.data)
        line = [ln for ln in out.splitlines() if "\t%s\t" % name in ln][0]
        for want in ("queued 2", "refused 3", "held 1", "CHECK"):
            assert want in line, (want, line)
        assert "kiosk %s: 3 answer(s) refused" % name in s.read_stderr()
        bad = [(b"{", 400), (b"[]", 400), (b'{"queued":1}', 422),
               (b'{"queued":-1,"refused":0}', 422),
               (b'{"queued":"2","refused":0}', 422),
               (b'{"queued":1.5,"refused":0}', 422),
               (b'{"queued":true,"refused":0}', 422),
               (b'{"queued":10000001,"refused":0}', 422),
               (b'{"queued":1,"refused":0,"x":1}', 422),
               (b'{"queued":1,"refused":0,"refused":1}', 400)]
        for body, want in bad:
            assert_json_error(s.http("POST", "/api/v1/kiosk/status", body,
                                     auth(key)), want, body)
        assert_json_error(s.http("POST", "/api/v1/kiosk/status",
                                 b'{"queued":0,"refused":0}',
                                 {"Content-Type": "application/json"}),
                          401, "no key")
        assert_json_error(s.http("POST", "/api/v1/kiosk/status",
                                 b'{"queued":0,"refused":0}', auth(s.key)),
                          403, "counter key")
        out2 = cli_ok("kiosk", "list", "--data", s.data)
        assert out2 == out, "a bad report changed the record"
        # Waits: wrong types, negative, huge: 400/422, nothing stored.
        for w, want in ((-1, 422), (1.5, 422), ("5", 422), (None, 0),
                        (40 * 86400 + 1, 422), (2 ** 62, 422)):
            if w is None:
                continue
            r = answer(key, s, 5, waited=w)
            assert_json_error(r, want, "waited %r" % (w,))
        r = s.http("POST", "/api/v1/responses", b'{"idempotency_key":'
                   b'"aaaaaaaaaaaaaaaaaa","answers":{"overall":5},'
                   b'"waited":1e999}', auth(key))
        assert r[0] in (400, 422), r
        assert s.export() == [], "a bad wait stored something"
        assert "kiosk %s: answer refused (422): waited" % name in \
            s.read_stderr()
        # Revoked: its record goes, the report is refused.
        cli_ok("kiosk", "revoke", "--data", s.data, "--name", name)
        assert_json_error(s.http("POST", "/api/v1/kiosk/status",
                                 b'{"queued":0,"refused":0}', auth(key)),
                          401, "revoked")


if __name__ == "__main__":
    run()
