"""Kiosks: enrolment codes, revocation, pairing with the counter (long
poll), answers with and without a ticket, idempotency under concurrency,
the walk-in guard, every bad body, dating by the wait, the ESC/POS
slip."""

import json
import threading
import time

from hl import (Server, assert_json_error, assert_status, cli, cli_ok,
                full_answer, json_of, new_ticket, run, test, valid_procedure,
                valid_unit, verify)

TZ_OFFSET = 7 * 3600	# Asia/Ho_Chi_Minh, no summer time


def kiosk_add(s, unit, counter="3", name=None):
    name = name or "kiosk-%d" % time.monotonic_ns()
    out = cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                 "--counter", counter, "--name", name)
    lines = out.splitlines()
    assert lines[-2].startswith("code: "), out
    assert lines[-1].startswith("url: ") and "/kiosk/#enrol=" in lines[-1], out
    code = lines[-2][6:]
    assert lines[-1].endswith(code), out
    return name, code


def enrol(s, unit, counter="3", name=None):
    """A new kiosk; returns (name, key)."""
    name, code = kiosk_add(s, unit, counter, name)
    r = s.http("POST", "/api/v1/kiosk/enrol", {"code": code.lower()})
    assert_status(r, 201, "enrol")
    b = json_of(*r, what="enrol")
    assert b["name"] == name and b["counter"] == counter, b
    assert b["unit"]["code"] == unit and b["unit"]["name"]["vi"], b
    return name, b["key"]


def auth(key):
    return {"Authorization": "Bearer " + key}


def post_answer(s, key, body):
    h = {"Content-Type": "application/json"}
    h.update(auth(key))
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return s.http("POST", "/api/v1/responses", data, h)


def idem(tag):
    return ("k-%s-%d" % (tag, time.monotonic_ns()))[:64].ljust(16, "x")


def answer(overall=5, token=None, tag="a", **extra):
    b = {"idempotency_key": idem(tag), "answers": {"overall": overall}}
    if token:
        b["token"] = token
    b.update(extra)
    return b


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def month_local(t):
    return time.strftime("%Y-%m", time.gmtime(t + TZ_OFFSET))


def assert_verify(s):
    rc, out, err = verify(s.data)
    assert rc == 0, "verify: rc %d\n%s%s" % (rc, out, err)


@test
def enrol_once_and_revoke():
    with Server() as s:
        unit = valid_unit(s)["code"]
        name, code = kiosk_add(s, unit, "7")
        out = cli_ok("kiosk", "list", "--data", s.data)
        assert "pending\t" + name in out, out
        r = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
        assert_status(r, 201, "enrol")
        key = json_of(*r)["key"]
        # Single use.
        assert_json_error(s.http("POST", "/api/v1/kiosk/enrol",
                                 {"code": code}), 404, "second use")
        assert_json_error(s.http("POST", "/api/v1/kiosk/enrol",
                                 {"code": "ZZZZ-ZZZZ"}), 404, "unknown")
        assert_json_error(s.http("POST", "/api/v1/kiosk/enrol",
                                 {"code": "not a code!"}), 422, "bad code")
        assert_json_error(s.http("POST", "/api/v1/kiosk/enrol",
                                 {"code": 5}), 422, "number")
        assert_json_error(s.http("POST", "/api/v1/kiosk/enrol",
                                 {"code": code, "x": 1}), 422, "unknown key")
        assert_json_error(s.http("POST", "/api/v1/kiosk/enrol", b"{",
                                 {"Content-Type": "application/json"}),
                          400, "not JSON")
        out = cli_ok("kiosk", "list", "--data", s.data)
        assert "kiosk\t" + name in out and "pending\t" + name not in out, out
        r = s.get("/api/v1/kiosk/next?wait=1", auth(key))
        assert_status(r, 204, "next before revoke")
        # Revoked while the server runs: 401 on every kiosk request.
        cli_ok("kiosk", "revoke", "--data", s.data, "--name", name)
        assert_json_error(s.get("/api/v1/kiosk/next?wait=1", auth(key)), 401,
                          "next after revoke")
        assert_json_error(post_answer(s, key, answer()), 401,
                          "answer after revoke")
        rc, _, _ = cli("kiosk", "revoke", "--data", s.data, "--name", name)
        assert rc == 1, "revoking nothing: rc %d" % rc
        assert_verify(s)


@test
def survey_definition():
    with Server() as s:
        d = s.api_json("/api/v1/survey")
        for k in ("id", "version", "title", "intro", "comment_prompt",
                  "thanks", "levels", "questions"):
            assert k in d, k
        assert [l["value"] for l in d["levels"]] == [1, 2, 3, 4, 5], d
        assert all(set(l["label"]) == {"vi", "en", "km"}
                   for l in d["levels"]), d["levels"]
        assert d["questions"] and all(q["options"] for q in d["questions"])
        assert all(q["id"] not in ("overall", "reasons")
                   for q in d["questions"])
        assert d["reasons"] is None or d["reasons"]["id"] == "reasons"


@test
def pairing():
    with Server() as s:
        unit = valid_unit(s)["code"]
        _, key = enrol(s, unit, "3")
        _, other = enrol(s, unit, "4")
        got = {}

        def wait():
            got["r"] = s.get("/api/v1/kiosk/next?wait=10", auth(key))
            got["t"] = time.monotonic()

        th = threading.Thread(target=wait)
        th.start()
        time.sleep(0.5)
        t0 = time.monotonic()
        t = new_ticket(s, unit=unit, counter="3")
        th.join(5)
        assert not th.is_alive(), "the waiting kiosk got nothing"
        lat = got["t"] - t0
        print("pairing latency %.3f s" % lat)
        assert lat < 1.0, "pairing took %.3f s" % lat
        assert_status(got["r"], 200, "paired")
        b = json_of(*got["r"])
        assert b["token"] == t["token"], (b, t)
        assert b["unit"]["code"] == unit and b["procedure"]["code"], b
        assert b["expires_at"] == t["expires_at"], b
        # At once while it is pending; not for another counter.
        r = s.get("/api/v1/kiosk/next?wait=1", auth(key))
        assert json_of(*assert_status(r, 200, "again"))["token"] == t["token"]
        t0 = time.monotonic()
        assert_status(s.get("/api/v1/kiosk/next?wait=1", auth(other)), 204,
                      "other counter")
        assert time.monotonic() - t0 >= 0.9, "204 before the wait"
        # seen is honoured.
        assert_status(s.get("/api/v1/kiosk/next?wait=1&seen=" + t["token"],
                            auth(key)), 204, "seen")
        assert_status(s.get("/api/v1/kiosk/next?wait=0", auth(key)), 400,
                      "wait 0")
        assert_status(s.get("/api/v1/kiosk/next?wait=31", auth(key)), 400,
                      "wait 31")
        # Answered: pending no more.
        r = post_answer(s, key, answer(4, t["token"]))
        assert_status(r, 201, "answer")
        assert_status(s.get("/api/v1/kiosk/next?wait=1", auth(key)), 204,
                      "after answer")
        # A ticket issued without a counter is offered to nobody.
        new_ticket(s, unit=unit)
        assert_status(s.get("/api/v1/kiosk/next?wait=1", auth(key)), 204,
                      "no counter")
        # A waiter is released when the server stops.
        th = threading.Thread(target=wait)
        th.start()
        time.sleep(0.3)
        t0 = time.monotonic()
        s.stop()
        th.join(10)
        assert not th.is_alive() and time.monotonic() - t0 < 5
        assert got["r"][0] in (204, 503), got["r"]


@test
def kiosk_then_phone_and_back():
    with Server() as s:
        unit = valid_unit(s)["code"]
        _, key = enrol(s, unit)
        t = new_ticket(s, unit=unit)
        r = post_answer(s, key, answer(5, t["token"], "kp",
                                       comment="Tốt lắm", lang="km"))
        b = json_of(*assert_status(r, 201, "kiosk"))
        assert b == {"status": "stored", "channel": "kiosk",
                     "suspect": False}, b
        assert_status(s.get(t["path"]), 409, "phone page after kiosk")
        # The other way round.
        t2 = new_ticket(s, unit=unit)
        page = s.get(t2["path"])[2].decode()
        assert_status(s.post_form(t2["path"], full_answer(page, 4)), 200,
                      "phone")
        assert_json_error(post_answer(s, key, answer(4, t2["token"])), 409,
                          "kiosk after phone")
        rows = s.export()
        assert len(rows) == 2, rows
        k = [x for x in rows if x["channel"] == "kiosk"][0]
        assert k["ticket_code"] == t["code"] and k["lang"] == "km", k
        assert k["comment"] == "Tốt lắm" and k["overall"] == 5, k
        assert_verify(s)


@test
def idempotent_concurrent():
    with Server() as s:
        unit = valid_unit(s)["code"]
        _, key = enrol(s, unit)
        body = answer(3, None, "same")
        res = [None] * 20

        def one(i):
            res[i] = post_answer(s, key, body)

        ths = [threading.Thread(target=one, args=(i,)) for i in range(20)]
        for th in ths:
            th.start()
        for th in ths:
            th.join(20)
        sts = sorted(r[0] for r in res)
        assert set(sts) <= {200, 201}, sts
        assert sts.count(201) == 1, sts
        bodies = {r[2] for r in res}
        assert len(bodies) == 1, bodies
        assert json.loads(bodies.pop())["channel"] == "kiosk-walkin"
        assert len(s.export()) == 1
        # Paired: a retry after success is 200, never 409.
        t = new_ticket(s, unit=unit)
        b = answer(2, t["token"], "tk")
        assert_status(post_answer(s, key, b), 201, "first")
        assert_status(post_answer(s, key, b), 200, "retry")
        assert len(s.export()) == 2
        assert_verify(s)


@test
def walkin_guard():
    with Server() as s:
        unit = valid_unit(s)["code"]
        _, key = enrol(s, unit)
        now = int(time.time())
        r = post_answer(s, key, answer(4, None, "w1", waited=0))
        assert json_of(*assert_status(r, 201, "w1"))["status"] == "stored"
        # The kiosk's clock says 100 s later: the server's says now.
        r = post_answer(s, key, answer(4, None, "w2", waited=0,
                                       answered_at=now + 100))
        assert json_of(*assert_status(r, 200, "w2")) == {"status": "ignored"}
        assert len(s.export()) == 1
        # A burst of identical ratings: the fifth is suspect. A new kiosk
        # has a back-window, so the waits date them 5 s apart.
        _, key2 = enrol(s, unit, "9")
        flags = []
        for i in range(5):
            r = post_answer(s, key2, answer(1, None, "b%d" % i,
                                            waited=300 - 5 * i))
            b = json_of(*assert_status(r, 201, "burst %d" % i))
            flags.append(b["suspect"])
        assert flags == [False, False, False, False, True], flags
        rows = s.export()
        assert len(rows) == 6, rows
        assert sum(1 for x in rows if x["suspect"]) == 1, rows
        w = [x for x in rows if x["channel"] == "kiosk-walkin"]
        assert len(w) == 6 and all(x["unit"] == unit and
                                   x["sector"] == "" for x in w), w
        assert_verify(s)


@test
def bad_bodies():
    with Server() as s:
        unit = valid_unit(s)["code"]
        _, key = enrol(s, unit)
        t = new_ticket(s, unit=unit)
        good = answer(5, t["token"])
        now = int(time.time())
        before = s.export()

        def with_(**kw):
            b = json.loads(json.dumps(good))
            b["idempotency_key"] = idem("bad")
            for k, v in kw.items():
                if v is None:
                    b.pop(k, None)
                else:
                    b[k] = v
            return b

        cases = [
            (b"{", 400), (b"[]", 400), (b"\"x\"", 400),
            (b'{"idempotency_key":"aaaaaaaaaaaaaaaa","idempotency_key":'
             b'"bbbbbbbbbbbbbbbb","answers":{"overall":5}}', 400),
            (b"[" * 20 + b"]" * 20, 400),
            (with_(idempotency_key=None), 422),
            (with_(idempotency_key="short"), 422),
            (with_(idempotency_key="x" * 65), 422),
            (with_(idempotency_key="bad key with spaces"), 422),
            (with_(answers=None), 422),
            (with_(answers=[]), 422),
            (with_(answers={}), 422),
            (with_(answers={"overall": 6}), 422),
            (with_(answers={"overall": 0}), 422),
            (with_(answers={"overall": "5"}), 422),
            (with_(answers={"overall": 4.5}), 422),
            (with_(answers={"overall": 5, "nope": "yes"}), 422),
            (with_(answers={"overall": 5, "on_time": "nope"}), 422),
            (with_(answers={"overall": 5, "on_time": 1}), 422),
            (with_(answers={"overall": 5, "reasons": ["slow"]}), 422),
            (with_(answers={"overall": 1, "reasons": "slow"}), 422),
            (with_(answers={"overall": 1, "reasons": ["zzz"]}), 422),
            (with_(extra=1), 422),
            (with_(comment="x" * 1001), 422),
            (with_(comment=5), 422),
            (with_(lang="fr"), 422),
            (with_(answered_at="yesterday"), 422),
            (with_(answered_at="2025-01-01T10:00:00"), 422),
            (with_(waited=-1), 422),
            (with_(waited=1.5), 422),
            (with_(waited="10"), 422),
            (with_(waited=True), 422),
            (with_(waited=[10]), 422),
            (with_(waited=40 * 86400 + 1), 422),
            (with_(waited=10 ** 15), 422),
            (json.dumps(with_(waited=0))[:-1].encode() + b', "waited": 1}',
             400),
            (with_(token="not a token"), 422),
            (with_(token="0" * 32), 404),
            (with_(token=5), 422),
            (json.dumps(with_(comment="y" * 17000)).encode(), 413),
        ]
        for body, want in cases:
            r = post_answer(s, key, body)
            assert_json_error(r, want, "body %r" % body[:80] if isinstance(
                body, bytes) else "body %r" % (body,))
        h = {"Content-Type": "text/plain"}
        h.update(auth(key))
        assert_status(s.http("POST", "/api/v1/responses",
                             json.dumps(good).encode(), h), 415, "ctype")
        r = s.http("POST", "/api/v1/responses", json.dumps(good).encode(),
                   {"Content-Type": "application/json"})
        assert_json_error(r, 401, "no key")
        r = s.http("POST", "/api/v1/responses", json.dumps(good).encode(),
                   dict(auth(s.key), **{"Content-Type": "application/json"}))
        assert_json_error(r, 403, "counter key")
        assert s.export() == before, "a bad body changed the export"
        assert_status(post_answer(s, key, good), 201, "good after bad")
        assert_verify(s)


@test
def month_from_the_wait():
    with Server() as s:
        unit = valid_unit(s)["code"]
        _, key = enrol(s, unit)
        now = int(time.time())
        t3 = now - 3 * 86400
        want = []
        # The last minute of the previous month, when within 6 days (sent
        # first: a kiosk's queue is sent in order).
        lt = time.gmtime(now + TZ_OFFSET)
        start = int(time.mktime((lt.tm_year, lt.tm_mon, 1, 0, 0, 0, 0, 0,
                                 0))) - time.timezone - TZ_OFFSET
        if now - start < 6 * 86400:
            prev = start - 60
            r = post_answer(s, key, answer(4, None, "m2",
                                           waited=int(time.time()) - prev))
            assert_status(r, 201, "end of the previous month")
            want.append(month_local(prev))
            assert want[-1] != month_local(now), want
        # The kiosk's clock is a year off: it does not matter.
        r = post_answer(s, key, answer(4, None, "m1", waited=3 * 86400,
                                       answered_at=iso(now - 365 * 86400)))
        assert_status(r, 201, "3 days ago")
        want.append(month_local(t3))
        rows = s.export()
        assert sorted(x["month"] for x in rows) == sorted(want), (rows, want)
        assert_verify(s)


@test
def escpos_slip():
    with Server() as s:
        t = new_ticket(s, procedure=valid_procedure(s)["code"])
        for q in ("", "?width=58", "?width=80", "?text=ascii"):
            st, hd, body = s.get("/api/v1/tickets/%s/slip.escpos%s" % (
                t["token"], q))
            assert st == 200, (q, st, body[:100])
            assert hd["content-type"] == "application/octet-stream", hd
            assert body.startswith(b"\x1b@"), body[:10]
            assert b"\x1d(k" in body, "no GS ( k"
            assert t["url"].encode() in body, "URL not in the QR data"
            assert t["code"].encode() in body, "no short code"
            assert body.endswith(b"\x1dVB\x00"), body[-10:]
            if q == "?text=ascii":
                assert all(b < 0x80 for b in body.split(b"\x1d!")[0][5:]), \
                    "non-ASCII text in ascii mode"
        assert_status(s.get("/api/v1/tickets/%s/slip.escpos?width=57" %
                            t["token"]), 400, "width 57")
        assert_status(s.get("/api/v1/tickets/%s/slip.escpos" % ("0" * 32)),
                      404, "forged")


run()
