"""Procedures on the admin console and API: the list with a search that
needs no diacritics, adding one, changing its sector, withdrawing it
from a day (POST /api/v1/admin/procedures/<code>/withdraw and the
page's form): from that day no new ticket for it (410 saying so), the
counter's list marks it, old answers keep it; who may do what."""

import json
import re
import urllib.parse

from hl import Server, add_key, issue, json_of, run, test

PAST = "2025-07-01"
PROC = "9.000101"       # "Đăng ký đất đai ..." in schema/procedures.csv


def procs(s):
    return {p["code"]: p for p in json_of(*s.get("/api/v1/procedures"))}


def state(s, admin):
    a = {"Authorization": "Bearer " + admin}
    return (json_of(*s.get("/api/v1/admin/procedures", a)),
            len(json_of(*s.get("/api/v1/admin/audit?limit=1000",
                               a))["entries"]))


def withdraw(s, key, code, body):
    hd = {"Content-Type": "application/json"}
    if key:
        hd["Authorization"] = "Bearer " + key
    return s.http("POST", "/api/v1/admin/procedures/%s/withdraw" % code,
                  body if isinstance(body, bytes) else
                  json.dumps(body).encode(), hd)


def signin(s, key):
    st, hd, _ = s.post_form("/signin", [("key", key)])
    assert st == 303, st
    cookie = hd["set-cookie"].split(";")[0]
    st, _, page = s.get("/admin/procedures", {"Cookie": cookie})
    m = re.search(rb'name="csrf" value="([0-9a-f]{32})"', page)
    return cookie, (m.group(1).decode() if m else None)


@test
def a_withdrawn_procedure_takes_no_ticket_and_keeps_its_answers():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        viewer = add_key(s.data, "viewer", "v")
        unit = [u for u in json_of(*s.get("/api/v1/units"))
                if u["parent"] and u["survey"] == "procedure"][0]["code"]
        r = issue(s, s.key, unit=unit, procedure=PROC)
        assert r[0] == 201, r
        tok = json_of(*r)["token"]
        assert s.post_form("/s/" + tok, [("overall", "5")])[0] == 200
        lim = add_key(s.data, "admin", "lim", unit=unit)
        before = state(s, admin)
        # Hostile: refused, nothing changed.
        for key, code, body, want in (
                (admin, PROC, {"date": "2025-13-01"}, 422),
                (admin, PROC, {"date": "01/07/2025"}, 422),
                (admin, PROC, {"date": PAST, "why": "x"}, 422),
                (admin, PROC, {}, 422),
                (admin, PROC, b"[1]", 400),
                (admin, "NOPE", {"date": PAST}, 404),
                (lim, PROC, {"date": PAST}, 403),
                (viewer, PROC, {"date": PAST}, 403),
                (s.key, PROC, {"date": PAST}, 403),
                (None, PROC, {"date": PAST}, 401)):
            st, hd, out = withdraw(s, key, code, body)
            assert st == want, (key == admin, code, body, st, out)
        assert state(s, admin) == before
        st, hd, out = withdraw(s, admin, PROC, {"date": PAST})
        assert st == 200, out
        assert json_of(st, hd, out)["withdrawn"] == PAST
        assert withdraw(s, admin, PROC, {"date": PAST})[0] == 409
        assert procs(s)[PROC]["withdrawn"] == PAST
        st, hd, out = issue(s, s.key, unit=unit, procedure=PROC)
        assert st == 410, (st, out)
        msg = json_of(st, hd, out)["error"]
        assert PROC in msg and "withdrawn" in msg and PAST in msg, msg
        # The answer given before stays, under its sector.
        rep = json_of(*s.get("/api/v1/reports/monthly?min=1",
                             {"Authorization": "Bearer " + viewer}))
        land = [x for x in rep["sectors"] if x["sector"] == "land"][0]
        assert land["responses"] == 1, land
        a = {"Authorization": "Bearer " + admin}
        ents = json_of(*s.get(
            "/api/v1/admin/audit?action=procedure.withdraw", a))["entries"]
        assert len(ents) == 1 and ents[0]["after"]["withdrawn"] == PAST
        assert "withdrawn" not in ents[0]["before"], ents[0]
        # A change of its name keeps the withdrawal.
        row = [p for p in json_of(*s.get("/api/v1/admin/procedures", a))
               if p["code"] == PROC][0]
        row.pop("withdrawn")
        row["name_vi"] = "Đăng ký đất đai (cũ)"
        st, hd, out = s.http("PUT", "/api/v1/admin/procedures/" + PROC,
                             json.dumps(row).encode(),
                             {"Authorization": "Bearer " + admin,
                              "Content-Type": "application/json"})
        assert st == 200, out
        assert procs(s)[PROC]["withdrawn"] == PAST
        s.restart()
        assert procs(s)[PROC]["withdrawn"] == PAST


@test
def the_page_searches_without_diacritics_adds_changes_withdraws():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        cookie, csrf = signin(s, admin)
        assert csrf
        c = {"Cookie": cookie}
        st, _, page = s.get("/admin/procedures?q=" +
                            urllib.parse.quote("dat dai"), c)
        text = page.decode()
        assert st == 200 and PROC in text, st
        rows = re.findall(r'<td class="code">([^<]+)</td>', text)
        assert rows and all(r for r in rows), rows
        # Every row shown has the words, folded.
        assert len(rows) < len(procs(s)), rows
        st, _, page = s.get("/admin/procedures?q=GPXD", c)
        assert st == 200
        # Add one.
        form = [("csrf", csrf), ("code", "9.999001"), ("sector", "land"),
                ("name_vi", "Thủ tục thử đất đai"), ("name_en", "Test")]
        st, hd, _ = s.post_form("/admin/procedures", form, c)
        assert st == 303 and "added=9.999001" in hd["location"], st
        assert procs(s)["9.999001"]["sector"] == "land"
        # Change its sector.
        st, hd, _ = s.post_form("/admin/procedures/9.999001", [
            ("csrf", csrf), ("sector", "construction"),
            ("name_vi", "Thủ tục thử đất đai"), ("name_en", "Test")], c)
        assert st == 303 and "changed=" in hd["location"], st
        assert procs(s)["9.999001"]["sector"] == "construction"
        # A bad sector: the form again with the reason.
        st, _, page = s.post_form("/admin/procedures/9.999001", [
            ("csrf", csrf), ("sector", "nope"), ("name_vi", "x"),
            ("name_en", "y")], c)
        assert st == 422 and "unknown sector".encode() in page, st
        # Withdraw it.
        # Not without the box ticked that it cannot be undone.
        st, _, page = s.post_form("/admin/procedures/9.999001/withdraw",
                                  [("csrf", csrf), ("date", PAST)], c)
        assert st == 422 and "ô xác nhận".encode() in page, st
        st, hd, _ = s.post_form("/admin/procedures/9.999001/withdraw",
                                [("csrf", csrf), ("date", PAST),
                                 ("confirm", "yes")], c)
        assert st == 303 and "withdrawn=" in hd["location"], st
        st, _, page = s.get("/admin/procedures?q=thu+dat+dai", c)
        assert "Đã bãi bỏ từ 01/07/2025".encode() in page
        st, _, page = s.post_form("/admin/procedures/%s/withdraw" % PROC,
                                  [("csrf", csrf), ("date", "2025-02-30")],
                                  c)
        assert st == 422 and b"date" in page, st
        # Who may: no session 401, other roles 403, no token or a wrong
        # one 403, a unit's admin 403; nothing changed.
        lcookie, lcsrf = signin(s, add_key(s.data, "admin", "l",
                                           unit="92-VD06"))
        vcookie, _ = signin(s, add_key(s.data, "viewer", "v"))
        before = state(s, admin)
        posts = [("/admin/procedures", [("code", "9.999002"),
                                        ("sector", "land"),
                                        ("name_vi", "a"),
                                        ("name_en", "b")]),
                 ("/admin/procedures/" + PROC, [("sector", "other"),
                                                ("name_vi", "a"),
                                                ("name_en", "b")]),
                 ("/admin/procedures/%s/withdraw" % PROC,
                  [("date", PAST)])]
        for p, f in posts:
            assert s.post_form(p, f + [("csrf", csrf)])[0] == 401
            assert s.post_form(p, f + [("csrf", csrf)],
                               {"Cookie": vcookie})[0] == 403
            for extra in ([], [("csrf", "0" * 32)], [("csrf", lcsrf)]):
                assert s.post_form(p, f + extra, c)[0] == 403, (p, extra)
            assert s.post_form(p, f + [("csrf", lcsrf)],
                               {"Cookie": lcookie})[0] == 403
        for p in ("/admin/procedures", "/admin/procedures/" + PROC):
            assert s.get(p)[0] == 401
            assert s.get(p, {"Cookie": vcookie})[0] == 403
            assert s.get(p, {"Cookie": lcookie})[0] == 403
        assert s.get("/admin/procedures/NOPE", c)[0] == 404
        assert state(s, admin) == before


if __name__ == "__main__":
    run()
