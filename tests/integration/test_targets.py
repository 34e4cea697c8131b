"""Targets changed while the server runs: GET|PUT /api/v1/admin/indicators
and the console's /admin/indicators. A target of an indicator, a sector
or all sectors for a year is stored with its audit entry (before and
after), shown at once by the report, kept after a restart over the
files, and written by hailong schema export; hostile changes are
refused with their status and reason, nothing stored."""

import json
import os
import shutil
import tempfile
import time

import hl
from hl import (add_key, cli_ok, json_of, run, Server, test, user_add,
                user_session)

PW = "target password 1"


def bearer(key, extra=None):
    d = {"Content-Type": "application/json", "Authorization": "Bearer " + key}
    d.update(extra or {})
    return d


def put(s, headers, body):
    b = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return s.http("PUT", "/api/v1/admin/indicators", b, headers)


def report(s, key):
    month = time.strftime("%Y-%m")
    return json_of(*s.get("/api/v1/reports/monthly?month=" + month,
                          {"Authorization": "Bearer " + key}))


def ind_target(rep, ind, year):
    d = [x for x in rep["indicators"] if x["id"] == ind][0]
    return {t["year"]: t["target"] for t in d["targets"]}.get(year)


def sector_target(rep, code, year):
    rows = rep["sectors"] + [rep["overall"]]
    r = [x for x in rows if x["sector"] == code][0]
    return r.get("target_%d" % year)


def user(s, name, role, unit=None):
    user_add(s, name, role, unit, PW)


def session(s, name):
    return user_session(s, name, '/admin/indicators', PW)


@test
def a_target_changed_is_in_the_report_at_once_and_after_a_restart():
    share = tempfile.mkdtemp(prefix="hailong-share-")
    for d in ("schema", "templates"):
        shutil.copytree(os.path.join(hl.SRCDIR, d), os.path.join(share, d))
    try:
        with Server(config="[server]\nshare = %s\n" % share) as s:
            admin = add_key(s.data, "admin", "adm")
            viewer = add_key(s.data, "viewer")
            all_ = json_of(*s.get("/api/v1/admin/indicators",
                                  bearer(admin)))
            tthc = [x for x in all_["indicators"] if x["id"] == "tthc"][0]
            assert {"year": 2025, "target": 90} in tthc["targets"]
            assert ind_target(report(s, viewer), "tthc", 2025) == 90
            st, _, body = put(s, bearer(admin), {
                "kind": "indicator", "code": "tthc", "year": 2025,
                "target": 92.5})
            assert st == 200, body
            assert ind_target(report(s, viewer), "tthc", 2025) == 92.5
            # The page says the target as set, not rounded to 92.
            page = s.get("/reports/monthly", {"Authorization": "Bearer " +
                                              viewer})[2].decode()
            assert "≥ 92,5 % (2025)" in page, page[page.find(
                'data-indicator="tthc"'):][:600]
            # A new year in its place; a sector's and all sectors'.
            st, _, body = put(s, bearer(admin), {
                "kind": "indicator", "code": "tthc", "year": 2027,
                "target": 93})
            assert st == 200, body
            years = [t["year"] for t in [x for x in json.loads(body)[
                "indicators"] if x["id"] == "tthc"][0]["targets"]]
            assert years == sorted(years) and 2027 in years, years
            assert put(s, bearer(admin), {"kind": "sector", "code": "land",
                                          "year": 2025, "target": 87.5}
                       )[0] == 200
            assert put(s, bearer(admin), {"kind": "overall", "year": 2025,
                                          "target": 91})[0] == 200
            rep = report(s, viewer)
            assert sector_target(rep, "land", 2025) == 87.5
            assert rep["overall"]["target_2025"] == 91
            # The audit: before and after.
            a = json_of(*s.get("/api/v1/admin/audit?action=target.change",
                               bearer(admin)))["entries"]
            assert len(a) == 4
            first = a[-1]
            assert first["before"] == {"kind": "indicator", "code": "tthc",
                                       "year": 2025, "target": 90}
            assert first["after"]["target"] == 92.5
            assert a[-2]["before"]["target"] is None
            # A restart keeps them; SIGHUP too.
            s.restart()
            rep = report(s, viewer)
            assert ind_target(rep, "tthc", 2025) == 92.5
            assert sector_target(rep, "land", 2025) == 87.5
            # The export writes them, and a server on it agrees.
            out = os.path.join(share, "export")
            cli_ok("schema", "export", "--data", s.data, out)
            with open(os.path.join(out, "indicators.ini"),
                      encoding="utf-8") as f:
                text = f.read()
            assert "target.2025 = 92.5" in text
            assert "target.2027 = 93" in text
            with open(os.path.join(out, "sectors.ini"),
                      encoding="utf-8") as f:
                assert "target.2025 = 87.5" in f.read()
            want = json_of(*s.get("/api/v1/admin/indicators",
                                  bearer(admin)))
        share2 = tempfile.mkdtemp(prefix="hailong-share-")
        try:
            shutil.copytree(os.path.join(share, "templates"),
                            os.path.join(share2, "templates"))
            shutil.copytree(out, os.path.join(share2, "schema"))
            with Server(config="[server]\nshare = %s\n" % share2) as s2:
                admin2 = add_key(s2.data, "admin", "adm")
                got = json_of(*s2.get("/api/v1/admin/indicators",
                                      bearer(admin2)))
                assert got == want
        finally:
            shutil.rmtree(share2, ignore_errors=True)
    finally:
        shutil.rmtree(share, ignore_errors=True)


@test
def hostile_target_changes_are_refused_and_nothing_is_stored():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        viewer = add_key(s.data, "viewer", "view")
        root = [u for u in json_of(*s.get("/api/v1/units"))
                if u["parent"] is None][0]["code"]
        local = add_key(s.data, "admin", "local", unit=root)
        user(s, "boss", "admin")
        user(s, "lboss", "admin", root)
        cookie, csrf, _ = session(s, "boss")

        def state():
            a = json_of(*s.get("/api/v1/admin/audit?limit=1000",
                               bearer(admin)))
            return (json_of(*s.get("/api/v1/admin/indicators",
                                   bearer(admin))), len(a["entries"]))

        before = state()
        ok = {"kind": "indicator", "code": "tthc", "year": 2025,
              "target": 91}
        cases = [
            (bearer(admin), dict(ok, target=91.25), 422, "một chữ số"),
            (bearer(admin), dict(ok, target=101), 422, "từ 0 đến 100"),
            (bearer(admin), dict(ok, target=-1), 422, "từ 0 đến 100"),
            (bearer(admin), dict(ok, target="91"), 422, "từ 0 đến 100"),
            (bearer(admin), dict(ok, year=2040), 422, "year: năm từ 2021"),
            (bearer(admin), dict(ok, year="2025"), 422, "year"),
            (bearer(admin), dict(ok, code="nosuch"), 422, "không có"),
            (bearer(admin), dict(ok, kind="unit"), 422, "kind"),
            (bearer(admin), dict(ok, extra=1), 422, "trường không biết"),
            (bearer(admin), dict(ok, year=2021), 200, None),
            (bearer(admin), dict(ok, year=2022), 200, None),
            (bearer(admin), dict(ok, year=2023), 422, "đã có 4 năm"),
            (bearer(admin), "[1]", 400, None),
            (bearer(admin, {"Content-Type": "text/plain"}), ok, 415, None),
            ({"Content-Type": "application/json"}, ok, 401, None),
            (bearer(viewer), ok, 403, None),
            (bearer(local), ok, 403, "cả tỉnh"),
            ({"Content-Type": "application/json", "Cookie": cookie}, ok,
             403, "CSRF"),
        ]
        for headers, body, want, reason in cases:
            st, _, out = put(s, headers, body)
            assert st == want, (want, st, out[:300], reason)
            if reason is not None:
                assert reason in json.loads(out)["error"], (reason, out)
            if want == 200:
                before = state()
            assert state() == before, reason
        # The page: a form per row; a bad target on it, the reason.
        page_cases = [
            ([("kind", "indicator"), ("code", "tthc"), ("year", "2025"),
              ("target", "91,55"), ("csrf", csrf)], 422, "một chữ số"),
            ([("kind", "sector"), ("code", "land"), ("year", "1999"),
              ("target", "80"), ("csrf", csrf)], 422, "year"),
            ([("kind", "sector"), ("code", "land"), ("year", "2025"),
              ("target", "80"), ("extra", "1"), ("csrf", csrf)], 400, None),
            ([("kind", "sector"), ("code", "land"), ("year", "2025"),
              ("target", "80")], 403, None),
        ]
        for fields, want, reason in page_cases:
            st, _, page = s.post_form("/admin/indicators", fields,
                                      {"Cookie": cookie})
            assert st == want, (want, st, reason, page[-300:])
            if reason is not None:
                assert reason in page.decode(), (reason, page[-500:])
            assert state() == before
        lcookie, lcsrf, lpage = session(s, "lboss")
        assert b'name="target"' not in lpage
        st, _, _ = s.post_form("/admin/indicators", [
            ("kind", "sector"), ("code", "land"), ("year", "2025"),
            ("target", "80"), ("csrf", lcsrf)], {"Cookie": lcookie})
        assert st == 403 and state() == before
        st, hd, _ = s.post_form("/admin/indicators", [
            ("kind", "sector"), ("code", "land"), ("year", "2025"),
            ("target", "80,5"), ("csrf", csrf)], {"Cookie": cookie})
        assert st == 303, st
        st, _, page = s.get(hd["location"], {"Cookie": cookie})
        assert "Đã lưu chỉ tiêu năm 2025" in page.decode()
        assert "80,5%" in page.decode()


if __name__ == "__main__":
    run()
