"""The audit log: every admin change of the commands (keys, users,
kiosks) in LMDB with who, when, before and after; GET
/api/v1/admin/audit newest first with filters, the CSV export, and who
may read it."""

import csv
import io
import json

from hl import (Server, add_key, assert_status, cli, cli_ok, json_of, run,
                test)

PW = "audit pass 123"


def user(data, verb, name, *extra, password=PW):
    stdin = (password + "\n").encode() if verb in ("add", "passwd") else None
    rc, out, err = cli("user", verb, "--data", data, "--name", name, *extra,
                       stdin=stdin)
    assert rc == 0, (verb, rc, err)


def bearer(k):
    return {"Authorization": "Bearer " + k}


def audit(s, key, query=""):
    st, h, body = s.get("/api/v1/admin/audit" + query, bearer(key))
    assert st == 200, (st, body)
    return json_of(st, h, body)


def units(s):
    us = s.units()
    root = [u for u in us if not u.get("parent")][0]["code"]
    kids = [u["code"] for u in us if u.get("parent") == root]
    return root, kids


@test
def every_command_change_is_logged_newest_first():
    with Server(make_key=False) as s:
        _, kids = units(s)
        admin = add_key(s.data, "admin", "the admin")
        user(s.data, "add", "dana", "--role", "viewer", "--unit", kids[0])
        user(s.data, "passwd", "dana", password="new pass 4567")
        user(s.data, "disable", "dana")
        cli_ok("kiosk", "add", "--data", s.data, "--unit", kids[0],
               "--counter", "Q1", "--name", "kiosk-a")
        cli_ok("kiosk", "revoke", "--data", s.data, "--name", "kiosk-a")
        counter = add_key(s.data, "counter", "desk 1", kids[0])
        cli_ok("key", "revoke", "--data", s.data, "--name", "desk 1")
        got = audit(s, admin)
        acts = [e["action"] for e in got["entries"]]
        assert acts == ["key.revoke", "key.add", "kiosk.revoke",
                        "kiosk.add", "user.disable", "user.passwd",
                        "user.add", "key.add"], acts
        assert got["next"] is None
        e = {a: x for a, x in zip(acts, got["entries"])}
        for x in got["entries"]:
            assert x["who"].startswith("command "), x
            assert x["role"] == "operator", x
            assert set(x) == {"id", "at", "who", "role", "action", "unit",
                              "before", "after"}, x
        add = e["user.add"]
        assert add["before"] is None and add["after"]["name"] == "dana"
        assert add["after"]["role"] == "viewer"
        assert add["unit"] == kids[0]
        assert e["user.disable"]["before"]["disabled"] is False
        assert e["user.disable"]["after"]["disabled"] is True
        assert e["user.passwd"]["before"]["changed"] <= \
            e["user.passwd"]["after"]["changed"]
        # Keys: the id and name, never the secret.
        rev = e["key.revoke"]
        assert rev["after"] is None and rev["before"][0]["name"] == "desk 1"
        assert rev["unit"] == kids[0]
        text = json.dumps(got)
        assert counter not in text and admin not in text
        assert "hash" not in text and "salt" not in text
        assert e["kiosk.add"]["after"]["kiosk"] == "kiosk-a"
        # Ids strictly decrease.
        ids = [int(x["id"]) for x in got["entries"]]
        assert ids == sorted(ids, reverse=True) and len(set(ids)) == 8


@test
def a_refused_change_writes_no_entry():
    with Server(make_key=False) as s:
        admin = add_key(s.data, "admin", "adm")
        user(s.data, "add", "erin", "--role", "viewer")
        n = len(audit(s, admin)["entries"])
        rc, _, _ = cli("user", "add", "--data", s.data, "--name", "erin",
                       "--role", "admin", stdin=b"another pass 1\n")
        assert rc == 1
        rc, _, _ = cli("user", "disable", "--data", s.data, "--name", "zed")
        assert rc == 1
        rc, _, _ = cli("key", "revoke", "--data", s.data, "--name", "zed")
        assert rc == 1
        rc, _, _ = cli("user", "add", "--data", s.data, "--name", "fay",
                       "--role", "admin", stdin=b"short\n")
        assert rc == 1
        assert len(audit(s, admin)["entries"]) == n
        assert cli_ok("user", "list", "--data", s.data).count("\n") == 1


@test
def filters_paging_and_bad_queries():
    with Server(make_key=False) as s:
        admin = add_key(s.data, "admin", "adm")
        for i in range(5):
            user(s.data, "add", "u%d" % i, "--role", "viewer")
        assert [x["action"] for x in audit(s, admin, "?action=user.")[
            "entries"]] == ["user.add"] * 5
        assert len(audit(s, admin, "?action=key.add")["entries"]) == 1
        assert audit(s, admin, "?action=user")["entries"] == []
        assert len(audit(s, admin, "?who=command")["entries"]) == 6
        assert audit(s, admin, "?who=nobody")["entries"] == []
        # Pages of two, then on from the cursor.
        p1 = audit(s, admin, "?limit=2")
        assert len(p1["entries"]) == 2 and p1["next"]
        p2 = audit(s, admin, "?limit=2&before=" + p1["next"])
        p3 = audit(s, admin, "?limit=2&before=" + p2["next"])
        names = [x["after"]["name"] for x in p1["entries"] + p2["entries"] +
                 p3["entries"]]
        assert names == ["u4", "u3", "u2", "u1", "u0", "adm"], names
        assert p3["next"] is None
        # Dates: today is in, a day long ago is not.
        assert audit(s, admin, "?from=2020-01-01")["entries"]
        assert audit(s, admin, "?to=2020-01-01")["entries"] == []
        for q, field in [("?limit=0", "limit"), ("?limit=1001", "limit"),
                         ("?limit=x", "limit"), ("?before=-1", "before"),
                         ("?from=2026-13-01", "from"), ("?to=yesterday", "to"),
                         ("?who=" + "x" * 200, "who")]:
            st, h, body = s.get("/api/v1/admin/audit" + q, bearer(admin))
            assert st == 400, (q, st)
            assert json_of(st, h, body)["error"].startswith(field), body


@test
def csv_export_is_formula_safe():
    with Server(make_key=False) as s:
        admin = add_key(s.data, "admin", "adm")
        add_key(s.data, "viewer", "=HYPERLINK(\"http://x\")")
        st, h, body = s.get("/api/v1/admin/audit.csv", bearer(admin))
        assert st == 200 and h["content-type"].startswith("text/csv"), st
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        assert rows[0] == ["at", "who", "role", "action", "unit", "before",
                           "after"], rows[0]
        assert [r[3] for r in rows[1:]] == ["key.add", "key.add"]
        after = json.loads(rows[1][6])
        assert after["name"].startswith("=HYPERLINK"), after
        # limit applies to the CSV as well.
        st, _, body = s.get("/api/v1/admin/audit.csv?action=key.add&limit=1",
                            bearer(admin))
        assert body.count(b"\r\n") == 2, body


@test
def who_may_read_the_log():
    with Server(make_key=False) as s:
        root, kids = units(s)
        assert len(kids) >= 2, kids
        admin = add_key(s.data, "admin", "adm")
        local = add_key(s.data, "admin", "local admin", kids[0])
        user(s.data, "add", "in-a", "--role", "viewer", "--unit", kids[0])
        user(s.data, "add", "in-b", "--role", "viewer", "--unit", kids[1])
        user(s.data, "add", "all", "--role", "viewer")
        for path in ("/api/v1/admin/audit", "/api/v1/admin/audit.csv",
                     "/api/v1/admin/users"):
            st, h, body = s.get(path)
            assert st == 401, (path, st)
            for role in ("viewer", "counter", "head"):
                k = add_key(s.data, role, None, kids[0])
                st, _, _ = s.get(path, bearer(k))
                assert st == 403, (path, role, st)
            assert s.get(path, bearer("nope"))[0] == 401
        # The unit's admin sees its subtree's entries only.
        mine = audit(s, local)["entries"]
        assert [x["after"]["name"] for x in mine if
                x["action"] == "user.add"] == ["in-a"], mine
        assert all(x["unit"] == kids[0] or
                   x["unit"].startswith(kids[0]) for x in mine), mine
        st, h, body = s.get("/api/v1/admin/users", bearer(local))
        assert [u["name"] for u in json_of(st, h, body)] == ["in-a"]
        everything = audit(s, admin)["entries"]
        assert len([x for x in everything if x["action"] == "user.add"]) == 3
        # A signed-in admin user reads it by its session.
        user(s.data, "add", "boss", "--role", "admin")
        st, h, _ = s.post_form("/signin", [("name", "boss"),
                                           ("password", PW)])
        assert st == 303, st
        cookie = h["set-cookie"].split(";")[0]
        st, _, body = s.get("/api/v1/admin/audit", {"Cookie": cookie})
        assert st == 200, st


if __name__ == "__main__":
    run()
