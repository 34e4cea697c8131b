"""Kiosks in the admin console and API: an admin enrols a kiosk (a
one-time code and the kiosk page's #enrol= address, a QR code of it on
the page), the kiosk spends the code, reports its queue and app version,
and is listed; revoking it refuses its key. Every step is in the audit
log with before and after, the kiosk's own enrolment too. Hostile bodies
and who may do what: the right status, the reason, nothing changed."""

import html
import json
import re

from hl import (add_key, assert_status, cli_ok, json_of, run, Server, test,
                user_add, user_session)

PW = "kiosk admin pw 1"


def user(s, name, role, unit=None):
    user_add(s, name, role, unit, PW)


def session(s, name):
    return user_session(s, name, '/admin/kiosks', PW)[:2]


def kids_of(s):
    us = json_of(*s.get("/api/v1/units"))
    root = [u["code"] for u in us if u["parent"] is None][0]
    return root, sorted(u["code"] for u in us if u["parent"] == root)


def audit(s, admin, action):
    a = {"Authorization": "Bearer " + admin}
    j = json_of(*s.get("/api/v1/admin/audit?action=" + action, a))
    return j["entries"]


def kiosks(s, admin):
    return json_of(*s.get("/api/v1/admin/kiosks",
                          {"Authorization": "Bearer " + admin}))


def stored(s, admin):
    """What is stored of kiosks (not when each was last seen)."""
    k = kiosks(s, admin)
    for one in k["kiosks"]:
        del one["seen"]
    return k, len(audit(s, admin, "kiosk."))


@test
def enrol_list_report_and_revoke_through_the_api():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        a = {"Authorization": "Bearer " + admin}
        root, kids = kids_of(s)
        r = s.http("POST", "/api/v1/admin/kiosks",
                   {"unit": kids[0], "counter": "2", "name": "Ki-ốt quầy 2"},
                   a)
        got = json_of(*assert_status(r, 201, "enrol"))
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", got["code"]), got
        assert got["url"] == s.base + "/kiosk/#enrol=" + got["code"], got
        assert got["unit"] == kids[0] and got["counter"] == "2", got
        assert r[1].get("cache-control", "").startswith("no-store"), r[1]
        # Pending until the kiosk spends it; nothing of the code listed.
        k = kiosks(s, admin)
        assert k["kiosks"] == [] and len(k["pending"]) == 1, k
        assert got["code"] not in json.dumps(k)
        assert got["code"] not in s.read_stderr()
        add = audit(s, admin, "kiosk.add")
        assert len(add) == 1 and add[0]["before"] is None, add
        assert add[0]["after"]["kiosk"] == "Ki-ốt quầy 2", add
        assert got["code"] not in json.dumps(add)
        # The kiosk enrols with the code of the address.
        r = s.http("POST", "/api/v1/kiosk/enrol", {"code": got["code"]})
        key = json_of(*assert_status(r, 201, "kiosk enrol"))["key"]
        kh = {"Authorization": "Bearer " + key}
        enr = audit(s, admin, "kiosk.enrol")
        assert len(enr) == 1, enr
        assert enr[0]["who"] == "kiosk Ki-ốt quầy 2", enr
        assert enr[0]["role"] == "kiosk", enr
        assert enr[0]["before"]["kiosk"] == "Ki-ốt quầy 2", enr
        assert enr[0]["after"]["role"] == "kiosk", enr
        assert enr[0]["after"]["counter"] == "2", enr
        assert key not in json.dumps(enr)
        # Spent: the same code again is refused.
        assert s.http("POST", "/api/v1/kiosk/enrol",
                      {"code": got["code"]})[0] == 404
        # Its report, with its app's version.
        r = s.http("POST", "/api/v1/kiosk/status",
                   {"queued": 3, "refused": 1, "held": 0,
                    "app": "2026.12.1"}, kh)
        assert_status(r, 204, "status")
        k = kiosks(s, admin)
        assert k["pending"] == [] and len(k["kiosks"]) == 1, k
        one = k["kiosks"][0]
        assert one["name"] == "Ki-ốt quầy 2" and one["unit"] == kids[0], one
        assert one["counter"] == "2" and one["app"] == "2026.12.1", one
        assert one["report"]["queued"] == 3, one
        assert one["report"]["refused"] == 1, one
        assert one["seen"] is not None, one
        # A report without the version (an older app) is still taken.
        assert_status(s.http("POST", "/api/v1/kiosk/status",
                             {"queued": 0, "refused": 1}, kh), 204, "old")
        assert kiosks(s, admin)["kiosks"][0]["app"] is None
        # A bad version: refused, nothing stored.
        for bad, why in (({"queued": 0, "refused": 0, "app": 5}, "app:"),
                         ({"queued": 0, "refused": 0, "app": "x" * 33},
                          "app:"),
                         ({"queued": 0, "refused": 0, "app": "a\nb"},
                          "app:")):
            r = s.http("POST", "/api/v1/kiosk/status", bad, kh)
            assert r[0] == 422 and why in json_of(*r)["error"], (bad, r)
        assert kiosks(s, admin)["kiosks"][0]["report"]["queued"] == 0
        # The command's list shows the version too.
        # The last report came without a version.
        assert "\tapp -" in cli_ok("kiosk", "list", "--data", s.data)
        # Revoke: the kiosk is refused from then on.
        kid = one["id"]
        r = s.http("POST", "/api/v1/admin/kiosks/%s/revoke" % kid, None, a)
        assert json_of(*assert_status(r, 200, "revoke")) == {"revoked": kid}
        assert s.get("/api/v1/kiosk/next?wait=0", kh)[0] == 401
        assert s.http("POST", "/api/v1/kiosk/status",
                      {"queued": 0, "refused": 0}, kh)[0] == 401
        assert kiosks(s, admin)["kiosks"] == []
        rev = audit(s, admin, "kiosk.revoke")
        assert len(rev) == 1 and rev[0]["after"] is None, rev
        assert rev[0]["before"][0]["id"] == kid, rev
        # Again: no such kiosk.
        r = s.http("POST", "/api/v1/admin/kiosks/%s/revoke" % kid, None, a)
        assert r[0] == 404, r


@test
def hostile_enrolments_are_refused_and_store_nothing():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        root, kids = kids_of(s)
        local = add_key(s.data, "admin", "local adm", kids[0])
        a = {"Authorization": "Bearer " + admin}
        ok = {"unit": kids[0], "counter": "1", "name": "k"}
        cases = [
            (a, dict(ok, colour="red"), 422, 'unknown field "colour"'),
            (a, {"unit": kids[0], "counter": "1"}, 422, "name: required"),
            (a, {"counter": "1", "name": "k"}, 422, "unit: required"),
            (a, dict(ok, unit="NOPE"), 422, "unit: no unit NOPE"),
            (a, dict(ok, unit="bad code!"), 422, "unit: only"),
            (a, dict(ok, counter=""), 422, "counter: 1 to"),
            (a, dict(ok, counter="x" * 33), 422, "counter: 1 to"),
            (a, dict(ok, name="n" * 65), 422, "name: 1 to"),
            (a, dict(ok, name="a\u0007b"), 422, "name: control"),
            (a, dict(ok, name=7), 422, "name: must be a string"),
            (a, "[1]", 400, "not a JSON object"),
            (a, "{", 400, None),
            ({"Authorization": "Bearer " + local}, dict(ok, unit=kids[1]),
             403, "outside"),
        ]
        before = stored(s, admin)
        for hd, body, want, why in cases:
            h = dict(hd)
            h["Content-Type"] = "application/json"
            r = s.http("POST", "/api/v1/admin/kiosks", body if isinstance(
                body, str) else json.dumps(body), h)
            assert r[0] == want, (body, r)
            if why is not None:
                assert why in json_of(*r)["error"], (body, r)
        for bad in ("zzzzzzzzzzzz", "abc", "0" * 12):
            r = s.http("POST", "/api/v1/admin/kiosks/%s/revoke" % bad,
                       None, a)
            assert r[0] == 404, (bad, r)
        assert stored(s, admin) == before
        # A unit's admin sees only its subtree's kiosks and codes.
        for u in kids[:2]:
            assert_status(s.http("POST", "/api/v1/admin/kiosks",
                                 dict(ok, unit=u, name="k-" + u), a), 201,
                          "enrol " + u)
        lk = kiosks(s, local)
        assert [p["unit"] for p in lk["pending"]] == [kids[0]], lk
        # A retired unit gets no kiosk: 410 naming its successor, and the
        # console's page says so in words.
        r = s.http("POST", "/api/v1/admin/units/%s/retire" % kids[2],
                   {"date": "2025-07-01", "successor": kids[3]}, a)
        assert r[0] == 200, r
        before = stored(s, admin)
        r = s.http("POST", "/api/v1/admin/kiosks", dict(ok, unit=kids[2]), a)
        assert r[0] == 410 and kids[3] in json_of(*r)["error"], r
        user(s, "boss", "admin")
        cookie, csrf = session(s, "boss")
        st, _, page = s.post_form("/admin/kiosks", [
            ("csrf", csrf), ("name", "k"), ("unit", kids[2]),
            ("counter", "1")], {"Cookie": cookie})
        assert st == 410 and "đã giải thể từ 2025-07-01".encode() in page, \
            (st, page[-1200:])
        assert stored(s, admin) == before


@test
def who_may_use_the_kiosk_api():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        root, kids = kids_of(s)
        out = cli_ok("kiosk", "add", "--data", s.data, "--unit", kids[1],
                     "--counter", "1", "--name", "far")
        code = [l for l in out.splitlines() if l.startswith("code: ")][0][6:]
        key = json_of(*assert_status(s.http(
            "POST", "/api/v1/kiosk/enrol", {"code": code}), 201, "e"))["key"]
        kid = kiosks(s, admin)["kiosks"][0]["id"]
        local = add_key(s.data, "admin", "local adm", kids[0])
        user(s, "boss", "admin")
        cookie, csrf = session(s, "boss")
        others = [add_key(s.data, r, None, kids[0] if r != "viewer" else
                          None) for r in ("viewer", "counter", "head")]
        others.append(key)
        body = {"unit": kids[1], "counter": "9", "name": "new"}
        before = stored(s, admin)
        for method, path, b in (
                ("GET", "/api/v1/admin/kiosks", None),
                ("POST", "/api/v1/admin/kiosks", body),
                ("POST", "/api/v1/admin/kiosks/%s/revoke" % kid, None)):
            assert s.http(method, path, b)[0] == 401, path
            for k in others:
                assert s.http(method, path, b, {
                    "Authorization": "Bearer " + k})[0] == 403, (path, k)
            if method == "POST":
                st = s.http(method, path, b, {
                    "Authorization": "Bearer " + local})[0]
                assert st == 403, (path, st)
                # A session without its CSRF header.
                st = s.http(method, path, b, {"Cookie": cookie})[0]
                assert st == 403, (path, st)
        assert stored(s, admin) == before
        # With the header, the session works.
        r = s.http("POST", "/api/v1/admin/kiosks", body,
                   {"Cookie": cookie, "X-CSRF-Token": csrf})
        assert_status(r, 201, "session enrol")


@test
def the_console_page_shows_the_code_once_with_its_qr():
    with Server(base_url="https://hailong.example.vn") as s:
        admin = add_key(s.data, "admin", "adm")
        root, kids = kids_of(s)
        user(s, "boss", "admin")
        cookie, csrf = session(s, "boss")
        hd = {"Cookie": cookie}
        st, h, page = s.post_form("/admin/kiosks", [
            ("name", "Ki-ốt một cửa"), ("unit", kids[0]), ("counter", "4"),
            ("csrf", csrf)], hd)
        assert st == 200, st
        assert h.get("cache-control", "").startswith("no-store"), h
        text = html.unescape(page.decode("utf-8"))
        m = re.search(r'id="code">([0-9A-Z]{4}-[0-9A-Z]{4})<', text)
        assert m, text[-3000:]
        code = m.group(1)
        url = "https://hailong.example.vn/kiosk/#enrol=" + code
        assert 'href="%s"' % url in text, text[-3000:]
        assert "<svg" in text and 'role="img"' in text
        # Once: the list shows the pending code, never the code.
        st, _, page = s.get("/admin/kiosks", hd)
        text = html.unescape(page.decode("utf-8"))
        assert st == 200 and code not in text
        assert "Ki-ốt một cửa" in text and "Mã ghi danh chưa dùng" in text
        # The kiosk enrols; the list has it; revoke from the page.
        key = json_of(*assert_status(s.http(
            "POST", "/api/v1/kiosk/enrol", {"code": code}), 201, "e"))["key"]
        assert_status(s.http("POST", "/api/v1/kiosk/status", {
            "queued": 0, "refused": 2, "app": "2026.12.1"},
            {"Authorization": "Bearer " + key}), 204, "status")
        st, _, page = s.get("/admin/kiosks", hd)
        text = html.unescape(page.decode("utf-8"))
        assert "2026.12.1" in text and "cần kiểm tra" in text, text[-3000:]
        kid = kiosks(s, admin)["kiosks"][0]["id"]
        assert "/admin/kiosks/%s/revoke" % kid in text
        st, h, _ = s.post_form("/admin/kiosks/%s/revoke" % kid,
                               [("csrf", csrf)], hd)
        assert st == 303 and "revoked=" + kid in h["location"], (st, h)
        assert s.get("/api/v1/kiosk/next?wait=0", {
            "Authorization": "Bearer " + key})[0] == 401
        # Hostile forms: the reason on the page, nothing stored.
        before = stored(s, admin)
        for form, want, why in (
                ([("name", "x"), ("unit", "NOPE"), ("counter", "1")], 422,
                 "NOPE"),
                ([("name", ""), ("unit", kids[0]), ("counter", "1")], 422,
                 "name"),
                ([("name", "x"), ("unit", kids[0]), ("counter", "1"),
                  ("colour", "red")], 422, "colour"),
                ([("name", "x"), ("name", "y"), ("unit", kids[0]),
                  ("counter", "1")], 400, None)):
            st, _, page = s.post_form("/admin/kiosks",
                                      form + [("csrf", csrf)], hd)
            assert st == want, (form, st)
            if why is not None:
                text = html.unescape(page.decode("utf-8"))
                assert why in text and "Không lưu được" in text, form
        assert stored(s, admin) == before


if __name__ == "__main__":
    run()
