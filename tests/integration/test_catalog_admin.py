"""Units and procedures changed while the server runs: POST and PUT
/api/v1/admin/units and /procedures, checked field by field and as a
whole catalogue, stored with their audit entries, in use at the next
request (the API, tickets, the commands) and after a restart; SIGHUP
reads schema/ again; hailong schema export writes the state as files;
who may do what; swaps under load."""

import json
import os
import shutil
import signal
import tempfile
import threading
import time

import hl
from hl import (Server, add_key, cli, cli_ok, issue, json_of, run, test,
                valid_procedure)

JSON = {"Content-Type": "application/json"}


def h(key, extra=None):
    d = dict(JSON)
    d["Authorization"] = "Bearer " + key
    d.update(extra or {})
    return d


def post(s, key, path, body, method="POST", headers=None):
    b = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return s.http(method, path, b, headers if headers is not None else
                  h(key))


def units(s):
    st, hd, body = s.get("/api/v1/units")
    assert st == 200
    return {u["code"]: u for u in json_of(st, hd, body)}


def procs(s):
    st, hd, body = s.get("/api/v1/procedures")
    assert st == 200
    return {p["code"]: p for p in json_of(st, hd, body)}


def audit_count(s, admin):
    st, hd, body = s.get("/api/v1/admin/audit?limit=1000",
                         {"Authorization": "Bearer " + admin})
    return len(json_of(st, hd, body)["entries"])


def root_and_kids(s):
    us = units(s)
    root = [c for c, u in us.items() if u["parent"] is None][0]
    kids = sorted(c for c, u in us.items() if u["parent"] == root)
    return root, kids


def unit_row(code, parent, **kw):
    row = {"code": code, "parent": parent, "kind": "commune",
           "name_vi": "Xã %s" % code, "name_en": "%s Commune" % code}
    row.update(kw)
    return row


@test
def a_new_unit_is_in_use_at_once_and_after_a_restart():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        root, kids = root_and_kids(s)
        row = unit_row("92-NEW1", root, name_km="ឃុំថ្មី",
                       hotline="0292 3820 000")
        st, hd, body = post(s, admin, "/api/v1/admin/units", row)
        assert st == 201, (st, body)
        assert json_of(st, hd, body)["code"] == "92-NEW1"
        u = units(s)["92-NEW1"]
        assert u["parent"] == root and u["depth"] == 1, u
        assert u["name"] == {"vi": "Xã 92-NEW1", "en": "92-NEW1 Commune",
                             "km": "ឃុំថ្មី"}, u
        # Tickets for it, keys for it: the API and the commands see it.
        assert issue(s, s.key, unit="92-NEW1")[0] == 201
        local = add_key(s.data, "counter", "new desk", "92-NEW1")
        assert issue(s, local, unit="92-NEW1")[0] == 201
        assert issue(s, local, unit=kids[0])[0] == 403
        # A child under it, then a rename and a move, each at once.
        assert post(s, admin, "/api/v1/admin/units",
                    unit_row("92-NEW1-A", "92-NEW1"))[0] == 201
        assert units(s)["92-NEW1-A"]["depth"] == 2
        st, _, body = post(s, admin, "/api/v1/admin/units/92-NEW1-A",
                           unit_row("92-NEW1-A", kids[0], kind="ward",
                                    name_vi="Phường Mới"), method="PUT")
        assert st == 200, (st, body)
        u = units(s)["92-NEW1-A"]
        assert (u["parent"], u["kind"], u["name"]["vi"]) == (
            kids[0], "ward", "Phường Mới"), u
        # A unit of schema/units.csv renamed keeps its hotline unless
        # the row says otherwise.
        old = units(s)[kids[1]]
        st, _, body = post(s, admin, "/api/v1/admin/units/" + kids[1],
                           unit_row(kids[1], root, kind=old["kind"],
                                    name_vi="Tên mới"), method="PUT")
        assert st == 200, (st, body)
        before = units(s)
        s.stop()
        s.start()
        assert units(s) == before
        assert before[kids[1]]["name"]["vi"] == "Tên mới"
        rc, out, err = cli("verify", "--data", s.data)
        assert rc == 0, (out, err)


@test
def procedures_added_and_changed():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        p = valid_procedure(s)
        row = {"code": "9.NEW.1", "sector": p["sector"],
               "name_vi": "Cấp giấy phép mới", "name_en": "A new permit"}
        st, _, body = post(s, admin, "/api/v1/admin/procedures", row)
        assert st == 201, (st, body)
        got = procs(s)["9.NEW.1"]
        assert got["name"]["km"] == "Cấp giấy phép mới", got
        assert issue(s, s.key, procedure="9.NEW.1")[0] == 201
        row["sector"] = "land"
        st, _, body = post(s, admin, "/api/v1/admin/procedures/9.NEW.1",
                           row, method="PUT")
        assert st == 200, (st, body)
        assert procs(s)["9.NEW.1"]["sector"] == "land"
        st, hd, body = s.get("/api/v1/admin/procedures",
                             {"Authorization": "Bearer " + admin})
        assert any(x["code"] == "9.NEW.1" for x in json_of(st, hd, body))
        acts = [e["action"] for e in json_of(*s.get(
            "/api/v1/admin/audit?action=procedure.",
            {"Authorization": "Bearer " + admin}))["entries"]]
        assert acts == ["procedure.change", "procedure.add"], acts


@test
def hostile_rows_are_refused_and_change_nothing():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        root, kids = root_and_kids(s)
        before_units, before_procs = units(s), procs(s)
        n = audit_count(s, admin)
        sector = valid_procedure(s)["sector"]
        U = "/api/v1/admin/units"
        P = "/api/v1/admin/procedures"
        cases = [
            (U, "{not json", 400, "body: not JSON"),
            (U, "[1]", 400, "not a JSON object"),
            (U, dict(unit_row("X1", root), extra="1"), 422,
             'unknown field "extra"'),
            (U, {k: v for k, v in unit_row("X1", root).items()
                 if k != "code"}, 422, "code: required"),
            (U, unit_row("X 1", root), 422, "code: only"),
            (U, unit_row("X" * 33, root), 422, "code: at most 32"),
            (U, unit_row("X1", "NOPE"), 422, "parent: no unit NOPE"),
            (U, unit_row("X1", ""), 422, "parent: required"),
            (U, unit_row("X1", root, kind=""), 422, "kind: must not be"),
            (U, unit_row("X1", root, kind="k" * 16), 422, "kind: at most"),
            (U, unit_row("X1", root, name_vi=""), 422, "name_vi: must not"),
            (U, unit_row("X1", root, name_en="e" * 513), 422,
             "name_en: at most 512"),
            (U, unit_row("X1", root, name_vi="a\nb"), 422,
             "name_vi: control characters"),
            (U, unit_row("X1", root, name_vi=5), 422,
             "name_vi: must be a string"),
            (U, unit_row("X1", root, hotline="call us"), 422,
             "hotline must be empty or a telephone number"),
            (U, unit_row(kids[0], root), 409, "code: unit %s exists" %
             kids[0]),
            (U, unit_row(root, root), 409, "exists"),
            (P, {"code": "9.X", "sector": "nope", "name_vi": "a",
                 "name_en": "b"}, 422, "sector: unknown sector nope"),
            (P, {"code": "9.X", "sector": sector, "name_vi": "a"}, 422,
             "name_en: required"),
            (P, {"code": "9.X", "sector": sector, "name_vi": "a",
                 "name_en": "b", "parent": root}, 422,
             'unknown field "parent"'),
            (P, {"code": valid_procedure(s)["code"], "sector": sector,
                 "name_vi": "a", "name_en": "b"}, 409, "exists"),
            (U + "/" + kids[0], unit_row(kids[1], root), 422,
             "code: must be the code in the path"),
            (U + "/NOPE", unit_row("NOPE", root), 404, "no such unit"),
            (U + "/" + root, unit_row(root, kids[0]), 422,
             "parent: the root unit stays the root"),
            (U + "/" + kids[0], unit_row(kids[0], kids[0]), 422,
             "unit %s is in a cycle" % kids[0]),
            (P + "/9.NOPE", {"code": "9.NOPE", "sector": sector,
                             "name_vi": "a", "name_en": "b"}, 404,
             "no such procedure"),
        ]
        for path, body, want, why in cases:
            method = "PUT" if path.count("/") > 4 else "POST"
            st, hd, resp = post(s, admin, path, body, method=method)
            assert st == want, (path, body, st, resp)
            err = json_of(st, hd, resp)["error"]
            assert why in err, (path, body, err)
        # Wrong type and too big.
        st, _, _ = s.http("POST", U, json.dumps(unit_row("X1", root)),
                          {"Authorization": "Bearer " + admin,
                           "Content-Type": "text/plain"})
        assert st == 415, st
        st, _, _ = post(s, admin, U, unit_row("X1", root,
                                              name_vi="a" * 20000))
        assert st == 413, st
        assert units(s) == before_units and procs(s) == before_procs
        assert audit_count(s, admin) == n
        assert cli_ok("schema", "export", "--data", s.data,
                      os.path.join(s.root, "x")).startswith("schema:")


def admin_routes(root, kids, sector):
    return [
        ("GET", "/api/v1/admin/audit", None),
        ("GET", "/api/v1/admin/audit.csv", None),
        ("GET", "/api/v1/admin/users", None),
        ("GET", "/api/v1/admin/units", None),
        ("GET", "/api/v1/admin/procedures", None),
        ("POST", "/api/v1/admin/units", unit_row("M1", kids[1])),
        ("PUT", "/api/v1/admin/units/" + kids[1],
         unit_row(kids[1], root, name_vi="x")),
        ("POST", "/api/v1/admin/procedures",
         {"code": "9.M", "sector": sector, "name_vi": "a", "name_en": "b"}),
        ("PUT", "/api/v1/admin/procedures/9.M",
         {"code": "9.M", "sector": sector, "name_vi": "a", "name_en": "b"}),
    ]


@test
def authorisation_matrix_of_every_admin_route():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        root, kids = root_and_kids(s)
        sector = valid_procedure(s)["sector"]
        local = add_key(s.data, "admin", "local", kids[0])
        n = audit_count(s, admin)
        before = (units(s), procs(s))
        others = {r: add_key(s.data, r, None, kids[0] if r in
                             ("head", "counter") else None)
                  for r in ("viewer", "counter", "head")}
        n += 3
        cli("user", "add", "--data", s.data, "--name", "boss", "--role",
            "admin", stdin=b"boss password 1\n")
        n += 1
        st, hd, _ = s.post_form("/signin", [("name", "boss"),
                                            ("password", "boss password 1")])
        cookie = hd["set-cookie"].split(";")[0]
        routes = admin_routes(root, kids, sector)
        for method, path, body in routes:
            b = json.dumps(body) if body is not None else None
            st, _, _ = s.http(method, path, b, JSON)
            assert st == 401, (method, path, st)
            st, _, _ = s.http(method, path, b, h("nope"))
            assert st == 401, (method, path, st)
            for role, k in others.items():
                st, _, _ = s.http(method, path, b, h(k))
                assert st == 403, (method, path, role, st)
            if method != "GET":
                # A session's write without its CSRF token.
                st, _, _ = s.http(method, path, b, dict(JSON, Cookie=cookie))
                assert st == 403, (method, path, st)
                # A unit-limited admin outside its subtree.
                st, hd2, resp = s.http(method, path, b, h(local))
                assert st == 403, (method, path, st, resp)
        assert (units(s), procs(s)) == before
        assert audit_count(s, admin) == n
        # Inside its subtree the unit's admin may add and rename.
        st, _, resp = post(s, local, "/api/v1/admin/units",
                           unit_row("L1", kids[0]))
        assert st == 201, (st, resp)
        st, _, resp = post(s, local, "/api/v1/admin/units/L1",
                           unit_row("L1", kids[0], name_vi="Xã L"),
                           method="PUT")
        assert st == 200, (st, resp)
        # ... but not move it out of its subtree, nor move its top unit.
        st, _, resp = post(s, local, "/api/v1/admin/units/L1",
                           unit_row("L1", kids[1]), method="PUT")
        assert st == 403, (st, resp)
        top = units(s)[kids[0]]
        st, _, resp = post(s, local, "/api/v1/admin/units/" + kids[0],
                           unit_row(kids[0], kids[1], kind=top["kind"]),
                           method="PUT")
        assert st == 403, (st, resp)
        st, hd, body = s.get("/api/v1/admin/units", h(local))
        assert {u["code"] for u in json_of(st, hd, body)} == {kids[0],
                                                              "L1"}
        # The session with its token may write.
        st, _, page = s.get("/reports/monthly", {"Cookie": cookie})
        m = __import__("re").search(rb'name="csrf" value="([0-9a-f]+)"',
                                    page)
        assert m, "no csrf token on the page"
        st, _, resp = s.http("POST", "/api/v1/admin/units",
                             json.dumps(unit_row("S1", kids[1])),
                             dict(JSON, Cookie=cookie,
                                  **{"X-CSRF-Token": m.group(1).decode()}))
        assert st == 201, (st, resp)
        who = json_of(*s.get("/api/v1/admin/audit?limit=1",
                             h(admin)))["entries"][0]["who"]
        assert who == "user boss", who


def share_copy():
    share = tempfile.mkdtemp(prefix="hailong-share-")
    for d in ("schema", "templates"):
        shutil.copytree(os.path.join(hl.SRCDIR, d), os.path.join(share, d))
    return share


@test
def sighup_reads_schema_again_and_export_round_trips():
    share = share_copy()
    try:
        with Server(config="[server]\nshare = %s\n" % share) as s:
            admin = add_key(s.data, "admin", "adm")
            root, kids = root_and_kids(s)
            path = os.path.join(share, "schema", "units.csv")
            with open(path, encoding="utf-8") as f:
                orig = f.read()
            with open(path, "a", encoding="utf-8") as f:
                f.write("92-HUP,%s,commune,Xã Hup,Hup Commune,,\n" % root)
            s.proc.send_signal(signal.SIGHUP)
            for _ in range(100):
                if "92-HUP" in units(s):
                    break
                time.sleep(0.05)
            assert "92-HUP" in units(s)
            # A broken file: the units in use stay, the log says why.
            with open(path, "a", encoding="utf-8") as f:
                f.write("92-BAD,NOPE,commune,a,b,,\n")
            s.proc.send_signal(signal.SIGHUP)
            time.sleep(0.5)
            assert "92-HUP" in units(s) and "92-BAD" not in units(s)
            assert "unknown parent NOPE" in s.read_stderr()
            with open(path, "w", encoding="utf-8") as f:
                f.write(orig)
            assert post(s, admin, "/api/v1/admin/units",
                        unit_row("92-API", kids[0]))[0] == 201
            s.proc.send_signal(signal.SIGHUP)
            time.sleep(0.5)
            want = units(s)
            assert "92-HUP" not in want and "92-API" in want
            out = os.path.join(share, "export")
            cli_ok("schema", "export", "--data", s.data, out)
            names = sorted(os.listdir(out))
            assert "units.csv" in names and "survey.ini" in names, names
            want_procs = procs(s)
        share2 = tempfile.mkdtemp(prefix="hailong-share-")
        try:
            shutil.copytree(os.path.join(share, "templates"),
                            os.path.join(share2, "templates"))
            shutil.copytree(out, os.path.join(share2, "schema"))
            with Server(config="[server]\nshare = %s\n" % share2) as s2:
                assert units(s2) == want
                assert procs(s2) == want_procs
        finally:
            shutil.rmtree(share2, ignore_errors=True)
    finally:
        shutil.rmtree(share, ignore_errors=True)


@test
def swaps_under_load_keep_every_request_whole():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        root, kids = root_and_kids(s)
        stop = threading.Event()
        bad = []
        count = [0]

        def reader(path):
            while not stop.is_set():
                st, _, body = s.get(path)
                count[0] += 1
                if st != 200:
                    bad.append((path, st))

        paths = ["/api/v1/units", "/api/v1/procedures", "/"]
        threads = [threading.Thread(target=reader, args=(p,))
                   for p in paths * 2]
        for t in threads:
            t.start()
        try:
            for i in range(40):
                st, _, body = post(s, admin, "/api/v1/admin/units",
                                   unit_row("92-L%02d" % i, kids[i % 2]))
                assert st == 201, (st, body)
                assert issue(s, s.key, unit="92-L%02d" % i)[0] == 201
        finally:
            stop.set()
            for t in threads:
                t.join()
        assert not bad, bad[:5]
        assert count[0] > 40, count
        assert sum(1 for c in units(s) if c.startswith("92-L")) == 40
        print("# %d reads during 40 swaps" % count[0])


if __name__ == "__main__":
    run()
