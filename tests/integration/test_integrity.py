"""Keys that cannot reach beyond their job: a counter key limited to a
unit issues and looks up only inside its subtree; strangers' failures
never lock out a valid key, a sign-in or another kind of attempt; a
forged X-Forwarded-For counts for nothing unless a trusted proxy sent it;
one key cannot flood the session table; every role's key can be revoked
and is refused at once; bodies framed two ways or declared too large are
refused before they are read."""
import json
import re
import socket
import time

import hl
from hl import Server, add_key, assert_status, issue, test

ROOT = "92"
UNIT_A = "92-VD01"
UNIT_B = "92-VD02"


def bearer(key):
    return {"Authorization": "Bearer " + key}


def kiosk_at(s, unit, counter="1", name="k"):
    out = hl.cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                    "--counter", counter, "--name", name)
    code = re.search(r"^code: (\S+)$", out, re.M).group(1)
    st, _, b = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
    assert st == 201, (st, b)
    return json.loads(b)["key"]


@test
def counter_key_stays_in_its_unit():
    with Server() as s:
        a_key = add_key(s.data, "counter", unit=UNIT_A)
        # Another unit's ticket with a known case, issued by the one-stop
        # software's unlimited key.
        assert_status(issue(s, s.key, unit=UNIT_B, case="B-0001"), 201)
        known = issue(s, a_key, unit=UNIT_B, case="B-0001")
        unknown = issue(s, a_key, unit=UNIT_B, case="B-9999")
        nocase = issue(s, a_key, unit=UNIT_B)
        parent = issue(s, a_key, unit=ROOT)
        for what, r in (("known case", known), ("unknown case", unknown),
                        ("no case", nocase), ("the parent", parent)):
            assert r[0] == 403, (what, r[0], r[2][:200])
            assert b"token" not in r[2], (what, r[2])
        # Known and unknown cases cannot be told apart.
        assert known[2] == unknown[2], (known[2], unknown[2])
        # Its own unit: issued, and the same case again is the same ticket.
        r1 = issue(s, a_key, unit=UNIT_A, case="A-1")
        assert_status(r1, 201)
        r2 = issue(s, a_key, unit=UNIT_A, case="A-1")
        assert_status(r2, 200)
        assert json.loads(r1[2])["token"] == json.loads(r2[2])["token"]
        # A handling unit outside the key's units is refused by default.
        r = issue(s, a_key, unit=UNIT_A, handling_unit=UNIT_B, case="A-2")
        assert r[0] == 403, r
        assert b"handling_unit" in r[2], r[2]
        assert_status(issue(s, a_key, unit=UNIT_A, handling_unit=UNIT_A,
                            case="A-3"), 201)
        # Nothing was stored for the refused ones.
        rows = hl.export_json(s.data)
        assert rows == [] or all(r.get("unit") != UNIT_B for r in rows)


@test
def refused_tickets_never_reach_other_kiosks():
    with Server() as s:
        kb = kiosk_at(s, UNIT_B, "1", "kiosk-b")
        a_key = add_key(s.data, "counter", unit=UNIT_A)
        r = issue(s, a_key, unit=UNIT_B, counter="1")
        assert r[0] == 403, r
        st, _, b = s.http("GET", "/api/v1/kiosk/next?wait=1", None,
                          bearer(kb))
        assert st == 204, (st, b)


@test
def kiosk_answers_only_its_units_tickets():
    with Server() as s:
        kb = kiosk_at(s, UNIT_B, "1", "kiosk-b")
        t = hl.new_ticket(s, unit=UNIT_A)
        body = {"idempotency_key": "k-other-unit-0001", "token": t["token"],
                "answers": {"overall": 1}}
        st, _, b = s.http("POST", "/api/v1/responses", body, bearer(kb))
        assert st == 403, (st, b)
        # Still open: the citizen can answer it on the phone.
        assert s.get(t["path"])[0] == 200
        assert hl.export_json(s.data) == []
        # Its own unit's ticket is answered.
        t2 = hl.new_ticket(s, unit=UNIT_B)
        body = {"idempotency_key": "k-own-unit-00001", "token": t2["token"],
                "answers": {"overall": 5}}
        st, _, b = s.http("POST", "/api/v1/responses", body, bearer(kb))
        assert st == 201, (st, b)


@test
def handling_anywhere_when_the_province_allows_it():
    cfg = "[tickets]\nhandling_anywhere = yes\n"
    with Server(config=cfg) as s:
        a_key = add_key(s.data, "counter", unit=UNIT_A)
        assert_status(issue(s, a_key, unit=UNIT_A, handling_unit=UNIT_B),
                      201)
        # Handling only: the receiving unit must still be the key's.
        assert issue(s, a_key, unit=UNIT_B, handling_unit=UNIT_A)[0] == 403
    for bad in ("maybe", "1", ""):
        rc, _, err = hl.cli("serve", "--listen", "127.0.0.1:0", "--data",
                            "/nonexistent", "--config",
                            write_config("[tickets]\nhandling_anywhere = "
                                         "%s\n" % bad))
        assert rc != 0 and "handling_anywhere" in err, (bad, rc, err)


def write_config(text):
    import tempfile
    fd, path = tempfile.mkstemp(suffix=".ini")
    with open(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def wrong_codes(s, n, headers=None):
    for i in range(n):
        st, _, _ = s.http("GET", "/c?code=ZZZZZ-ZZZ%02d" % i, None, headers)
        if st == 429:
            return i
    return n


@test
def strangers_cannot_lock_out_valid_keys():
    with Server() as s:
        viewer = add_key(s.data, "viewer")
        assert wrong_codes(s, 12) == 10
        assert s.get("/c?code=ZZZZZ-ZZZZZ")[0] == 429
        # Every valid credential from the same address is served.
        assert_status(issue(s, s.key), 201)
        assert s.get("/api/v1/reports/monthly", bearer(viewer))[0] == 200
        st, h, _ = s.post_form("/signin", [("key", viewer),
                                           ("next", "/reports/monthly")])
        assert st == 303, st
        # Wrong keys are counted apart from codes: still 401, not 429.
        assert issue(s, "hl_wrong")[0] == 401
        # Ten wrong keys: further wrong keys 429, the right one served.
        for i in range(10):
            issue(s, "hl_wrong%d" % i)
        assert issue(s, "hl_wrongagain")[0] == 429
        assert_status(issue(s, s.key), 201)
        # Stale session cookies (a restart) are no attempts at all.
        for i in range(30):
            st, _, _ = s.get("/reports/monthly",
                             {"Cookie": "hl_session=%064x" % i})
            assert st == 401, st
        st, _, _ = s.post_form("/signin", [("key", "nope"),
                                           ("next", "/reports/monthly")])
        assert st == 401, st


@test
def forged_forwarded_for_changes_nothing():
    # No trusted proxy: X-Forwarded-For is the client's own words.
    with Server() as s:
        for i in range(10):
            st, _, _ = s.get("/c?code=ZZZZZ-ZZZ%02d" % i,
                             {"X-Forwarded-For": "198.51.100.%d" % i})
            assert st in (400, 404), st
        st, _, _ = s.get("/c?code=ZZZZZ-ZZZZZ",
                         {"X-Forwarded-For": "198.51.100.200"})
        assert st == 429, st
    # A trusted proxy elsewhere: our peer is not it, its header is ignored.
    with Server(config="[server]\ntrusted_proxies = 10.9.9.9\n") as s:
        for i in range(10):
            s.get("/c?code=ZZZZZ-ZZZ%02d" % i,
                  {"X-Forwarded-For": "198.51.100.%d" % i})
        assert s.get("/c?code=ZZZZZ-ZZZZZ",
                     {"X-Forwarded-For": "198.51.100.77"})[0] == 429


@test
def behind_a_trusted_proxy_limits_are_per_citizen():
    cfg = "[server]\ntrusted_proxies = 127.0.0.1, 10.0.0.0/8\n"
    with Server(config=cfg) as s:
        a = {"X-Forwarded-For": "203.0.113.5"}
        # The proxy appends the real client: the right-most untrusted.
        b = {"X-Forwarded-For": "198.51.100.1, 203.0.113.6, 10.1.2.3"}
        assert wrong_codes(s, 11, a) == 10
        assert s.get("/c?code=ZZZZZ-ZZZZZ", a)[0] == 429
        # Another citizen behind the same proxy is not held back.
        assert s.get("/c?code=ZZZZZ-ZZZZZ", b)[0] == 404
        # Whatever a citizen writes on the left is theirs, not others'.
        c = {"X-Forwarded-For": "203.0.113.5, 203.0.113.7"}
        assert s.get("/c?code=ZZZZZ-ZZZZZ", c)[0] == 404
        # Garbage in the header: the proxy's own address is the client.
        st, _, _ = s.get("/c?code=ZZZZZ-ZZZZZ",
                         {"X-Forwarded-For": "not-an-address"})
        assert st == 404, st
        # X-Forwarded-Proto from the proxy marks the cookie Secure.
        viewer = add_key(s.data, "viewer")
        st, h, _ = s.post_form("/signin", [("key", viewer), ("next", "/")],
                               {"X-Forwarded-Proto": "https"})
        assert st == 303 and "Secure" in h["set-cookie"], h
    for bad in ("10.0.0.0/33", "300.1.1.1", "example.org", "::1/129"):
        rc, _, err = hl.cli("serve", "--listen", "127.0.0.1:0", "--data",
                            "/nonexistent", "--config",
                            write_config("[server]\ntrusted_proxies = "
                                         "%s\n" % bad))
        assert rc != 0 and "trusted_proxies" in err, (bad, err)


@test
def one_key_cannot_flood_the_sessions():
    with Server() as s:
        viewer = add_key(s.data, "viewer")
        st, h, _ = s.post_form("/signin", [("key", viewer), ("next", "/")])
        assert st == 303, st
        cookie = h["set-cookie"].split(";")[0]
        counter = add_key(s.data, "counter")
        codes = []
        for i in range(60):
            st, h, _ = s.post_form("/signin", [("key", counter),
                                               ("next", "/counter")])
            codes.append(st)
        assert codes.count(303) == 30, codes
        assert set(codes[30:]) == {429}, codes
        # The viewer stays signed in.
        st, _, b = s.get("/reports/monthly", {"Cookie": cookie})
        assert st == 200, (st, b[:200])


@test
def every_role_can_be_revoked():
    with Server() as s:
        keys = {r: add_key(s.data, r, name="leak-" + r)
                for r in ("counter", "viewer", "admin")}
        st, h, _ = s.post_form("/signin", [("key", keys["viewer"]),
                                           ("next", "/")])
        cookie = h["set-cookie"].split(";")[0]
        assert s.get("/reports/monthly", {"Cookie": cookie})[0] == 200
        assert_status(issue(s, keys["counter"]), 201)
        out = hl.cli_ok("key", "list", "--data", s.data)
        assert "leak-admin" in out and "admin" in out, out
        admin_id = [l.split("\t")[0] for l in out.splitlines()
                    if "leak-admin" in l][0]
        assert re.fullmatch(r"[0-9a-f]{12}", admin_id), admin_id
        # By name, while the server runs: refused at once.
        hl.cli_ok("key", "revoke", "--data", s.data, "--name", "leak-counter")
        assert issue(s, keys["counter"])[0] == 401
        hl.cli_ok("key", "revoke", "--data", s.data, "--name", "leak-viewer")
        assert s.get("/api/v1/reports/monthly",
                     bearer(keys["viewer"]))[0] == 401
        # Its browser session ends with it.
        assert s.get("/reports/monthly", {"Cookie": cookie})[0] == 401
        # By id.
        assert s.get("/api/v1/reports/monthly",
                     bearer(keys["admin"]))[0] == 200
        hl.cli_ok("key", "revoke", "--data", s.data, "--id", admin_id)
        assert s.get("/api/v1/reports/monthly",
                     bearer(keys["admin"]))[0] == 401
        # The one-stop software's key is untouched.
        assert_status(issue(s, s.key), 201)
        # Nothing matched, bad ids, no selector: exit 1 or 2, nothing gone.
        assert hl.cli("key", "revoke", "--data", s.data, "--name",
                      "nobody")[0] == 1
        for args in (["--id", "xyz"], ["--id", "0" * 11], []):
            assert hl.cli("key", "revoke", "--data", s.data,
                          *args)[0] != 0, args
        assert_status(issue(s, s.key), 201)


def raw(port, data, wait=5.0):
    """Sends data; returns (everything read until the server closes or
    wait passes, whether it closed)."""
    with socket.create_connection(("127.0.0.1", port), wait) as sk:
        try:
            sk.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        got, closed, end = b"", False, time.monotonic() + wait
        sk.settimeout(0.5)
        while time.monotonic() < end:
            try:
                c = sk.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                closed = True
                break
            if not c:
                closed = True
                break
            got += c
        return got, closed


@test
def smuggling_and_oversized_bodies():
    with Server() as s:
        body = b'{"procedure": "x", "unit": "y"}'
        req = (b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\n"
               b"Authorization: Bearer " + s.key.encode() + b"\r\n"
               b"Content-Type: application/json\r\n"
               b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n"
               % len(body) + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
               b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        got, closed = raw(s.port, req)
        assert got.startswith(b"HTTP/1.1 400"), got[:100]
        assert closed, "the connection stayed open"
        assert got.count(b"HTTP/1.1") == 1, got
        # 50 MB declared on a 16 KiB route: 413 before any body is sent.
        req = (b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\n"
               b"Authorization: Bearer " + s.key.encode() + b"\r\n"
               b"Content-Type: application/json\r\n"
               b"Content-Length: 52428800\r\n\r\n")
        t0 = time.monotonic()
        got, closed = raw(s.port, req, wait=3.0)
        assert got.startswith(b"HTTP/1.1 413"), got[:100]
        assert closed and time.monotonic() - t0 < 2.5
        # The server is fine afterwards.
        assert s.get("/healthz")[0] == 200


if __name__ == "__main__":
    hl.run()
