"""Who may do what: every protected route without credentials and with
each wrong role, rate limits on guessing, browser sessions and CSRF, and
the headers every response carries."""
import json
import re

import hl
from hl import Server, add_key, assert_status, new_ticket, test

# (method, path, roles that may, content type, body)
ROUTES = [
    ("POST", "/api/v1/tickets", {"counter", "admin"}, "application/json",
     None),
    ("GET", "/api/v1/reports/monthly", {"viewer", "admin"}, None, None),
    ("GET", "/api/v1/reports/monthly.csv", {"viewer", "admin"}, None, None),
    ("GET", "/api/v1/reports/monthly.xlsx", {"viewer", "admin"}, None, None),
    ("GET", "/api/v1/kiosk/next?wait=1", {"kiosk"}, None, None),
    ("POST", "/api/v1/responses", {"kiosk"}, "application/json",
     b'{"idempotency_key": "abcdefghijklmnop", "answers": {"overall": 5}}'),
]
ROLES = ["counter", "viewer", "admin", "kiosk"]


def kiosk_key(s):
    out = hl.cli_ok("kiosk", "add", "--data", s.data, "--unit",
                    hl.valid_unit(s)["code"], "--counter", "1", "--name",
                    "k1")
    code = re.search(r"^code: (\S+)$", out, re.M).group(1)
    st, _, body = s.http("POST", "/api/v1/kiosk/enrol",
                         json.dumps({"code": code}).encode(),
                         {"Content-Type": "application/json"})
    assert st == 201, (st, body)
    return json.loads(body)["key"]


@test
def roles_are_enforced():
    with Server() as s:
        keys = {r: add_key(s.data, r) for r in ROLES if r != "kiosk"}
        keys["kiosk"] = kiosk_key(s)
        proc = hl.valid_procedure(s)["code"]
        unit = hl.valid_unit(s)["code"]
        for method, path, may, ctype, body in ROUTES:
            if path == "/api/v1/tickets":
                body = json.dumps({"procedure": proc, "unit": unit}).encode()
            base = {"Content-Type": ctype} if ctype else {}
            st, h, b = s.http(method, path, body, base)
            assert st == 401, "%s %s without a key: %d" % (method, path, st)
            assert json.loads(b)["error"], path
            for role in ROLES:
                hd = dict(base, Authorization="Bearer " + keys[role])
                st, h, b = s.http(method, path, body, hd)
                if role in may:
                    assert st < 400 or st == 422, "%s %s as %s: %d %r" % (
                        method, path, role, st, b[:200])
                else:
                    assert st == 403, "%s %s as %s: %d" % (method, path,
                                                           role, st)
                    assert set(json.loads(b)) == {"error"}, b[:200]
        # Browser pages: a sign-in page, never the data.
        for path in ("/reports/monthly", "/counter"):
            st, h, b = s.get(path)
            assert st == 401 and b"<form" in b, (path, st)
            assert b"satisfied" not in b.lower() or b"name=\"key\"" in b


@test
def guessing_keys_is_limited():
    with Server() as s:
        good = s.key
        for i in range(hl_fails()):
            st = hl.issue(s, "hl_wrong%02d" % i)[0]
            assert st == 401, (i, st)
        st, h, b = hl.issue(s, "hl_wrong-again")
        assert st == 429, st
        assert int(h["retry-after"]) > 0, h
        # A valid key from the same address is still served: a
        # stranger's failures never lock out the counters.
        assert hl.issue(s, good)[0] == 201
    with Server() as s:
        for i in range(hl_fails()):
            st, _, _ = s.post_form("/signin", [("key", "nope%d" % i),
                                               ("next", "/reports/monthly")])
            assert st == 401, st
        st, h, _ = s.post_form("/signin", [("key", "nope"),
                                           ("next", "/reports/monthly")])
        assert st == 429 and "retry-after" in h, st


def hl_fails():
    return 10	# LIMIT_FAILS_MAX in server/limit.h


@test
def sessions_and_csrf():
    with Server() as s:
        ck = add_key(s.data, "counter")
        st, h, _ = s.post_form("/signin", [("key", ck), ("next", "/counter")])
        assert st == 303 and h["location"] == "/counter", (st, h)
        cookie = h["set-cookie"]
        for attr in ("HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="):
            assert attr in cookie, cookie
        assert "Secure" not in cookie, "Secure on plain HTTP: " + cookie
        sid = cookie.split(";")[0]
        st, _, page = s.get("/counter", {"Cookie": sid})
        assert st == 200, st
        csrf = re.search(rb'name="csrf-token" content="([0-9a-f]+)"',
                         page).group(1).decode()
        body = json.dumps({"procedure": hl.valid_procedure(s)["code"],
                           "unit": hl.valid_unit(s)["code"]}).encode()
        hd = {"Content-Type": "application/json", "Cookie": sid}
        st = s.http("POST", "/api/v1/tickets", body, hd)[0]
        assert st == 403, "cookie POST without CSRF token: %d" % st
        st = s.http("POST", "/api/v1/tickets", body,
                    dict(hd, **{"X-CSRF-Token": "0" * 32}))[0]
        assert st == 403, "wrong CSRF token: %d" % st
        st = s.http("POST", "/api/v1/tickets", body,
                    dict(hd, **{"X-CSRF-Token": csrf}))[0]
        assert st == 201, "right CSRF token: %d" % st
        # Only local paths are followed after a sign-in.
        for nxt in ("https://evil.example/", "//evil.example/", "/\\evil"):
            st, h, _ = s.post_form("/signin", [("key", ck), ("next", nxt)])
            assert st == 303 and h["location"].startswith("/") and \
                not h["location"].startswith("//") and \
                "evil" not in h["location"], (nxt, h.get("location"))
        # Without a page to go back to: the page of the key's job.
        vk = add_key(s.data, "viewer")
        for key, where in ((ck, "/counter"), (vk, "/reports/monthly")):
            for form in ([("key", key)], [("key", key), ("next", "")]):
                st, h, _ = s.post_form("/signin", form)
                assert st == 303 and h["location"] == where, (
                    form[1:], st, h.get("location"))


@test
def headers_on_every_response():
    with Server() as s:
        t = new_ticket(s)
        paths = ["/", t["path"], "/api/v1/units", "/healthz", "/nope",
                 "/api/v1/nope", "/api/v1/tickets/%s/slip" % t["token"],
                 "/kiosk/", "/signin", "/s/" + "A" * 32]
        for p in paths:
            st, h, _ = s.get(p)
            csp = h.get("content-security-policy", "")
            assert "frame-ancestors 'none'" in csp, (p, csp)
            assert "'unsafe-inline'" not in csp.split("script-src")[-1] \
                .split(";")[0] if "script-src" in csp else True, (p, csp)
            assert h.get("x-content-type-options") == "nosniff", p
            assert h.get("referrer-policy") == "no-referrer", p


if __name__ == "__main__":
    hl.run()
