"""Retiring a unit with an effective day and a successor: POST
/api/v1/admin/units/<code>/retire and the console's form; audited with
before and after, in use at once. From the day on the unit takes no new
ticket, kiosk answer or pairing (410 naming its successor), /api/v1/units
marks it, and reports show either tree: as recorded (the unit with its
own figures, marked retired) or the current one (its figures under the
end of its chain of successors, counted once)."""

import json
import re
import time

from hl import (Server, add_key, cli, cli_ok, form_body, issue, json_of,
                run, test, valid_procedure)

JSON = {"Content-Type": "application/json"}
PAST = "2025-07-01"
LATER = "2099-01-01"
A, B, C, D = "92-VD06", "92-VD07", "92-VD08", "92-VD09"


def h(key):
    d = dict(JSON)
    d["Authorization"] = "Bearer " + key
    return d


def retire(s, key, code, date, successor, raw=None):
    body = raw if raw is not None else json.dumps(
        {"date": date, "successor": successor})
    return s.http("POST", "/api/v1/admin/units/%s/retire" % code,
                  body.encode() if isinstance(body, str) else body,
                  h(key) if key else dict(JSON))


def units(s):
    st, hd, body = s.get("/api/v1/units")
    assert st == 200
    return {u["code"]: u for u in json_of(st, hd, body)}


def admin_units(s, admin):
    st, hd, body = s.get("/api/v1/admin/units",
                         {"Authorization": "Bearer " + admin})
    assert st == 200, st
    return {u["code"]: u for u in json_of(st, hd, body)}


def audit(s, admin):
    st, hd, body = s.get("/api/v1/admin/audit?limit=1000",
                         {"Authorization": "Bearer " + admin})
    return json_of(st, hd, body)["entries"]


def answer(s, unit, level, proc):
    r = issue(s, s.key, unit=unit, procedure=proc)
    assert r[0] == 201, r
    tok = json_of(*r)["token"]
    return tok, level


def submit(s, tok, level):
    r = s.post_form("/s/" + tok, [("overall", str(level))])
    assert r[0] == 200, (r[0], r[2][:300])


def report(s, key, tree=None, unit=None):
    q = "/api/v1/reports/monthly?min=1"
    if tree:
        q += "&tree=" + tree
    if unit:
        q += "&unit=" + unit
    st, hd, body = s.get(q, {"Authorization": "Bearer " + key})
    return st, (json_of(st, hd, body) if st == 200 else body)


def by_unit(rep):
    return {u["unit"]: u for u in rep["units"]}


@test
def a_chain_of_successors_counts_once_under_either_tree():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        viewer = add_key(s.data, "viewer", "view")
        proc = valid_procedure(s)["code"]
        # Answers as given: the independent recount is this table.
        given = {A: [5, 4, 1], B: [5, 2], C: [4, 4, 4, 1], D: [3, 5]}
        toks = []
        for u, levels in given.items():
            for lv in levels:
                toks.append(answer(s, u, lv, proc))
        # One ticket of A answered only after A is retired: still A's.
        late = answer(s, A, 5, proc)
        for tok, lv in toks:
            submit(s, tok, lv)
        before = len(audit(s, admin))

        # A -> B, D -> C (two communes into one), then B -> C: A -> B -> C.
        for code, succ in ((A, B), (D, C), (B, C)):
            st, hd, body = retire(s, admin, code, PAST, succ)
            assert st == 200, (code, st, body)
            got = json_of(st, hd, body)
            assert got["retired"] == PAST and got["successor"] == succ, got
        submit(s, *late)
        given[A].append(5)

        # The audit: one unit.retire each, before without, after with.
        ents = audit(s, admin)
        assert len(ents) == before + 3, (before, len(ents))
        rets = [e for e in ents if e["action"] == "unit.retire"]
        assert {e["unit"] for e in rets} == {A, B, D}, rets
        for e in rets:
            assert "retired" not in (e["before"] or {}), e
            assert e["after"]["retired"] == PAST, e

        # Marked in /api/v1/units and the admin API, at once.
        us = units(s)
        assert us[A]["retired"] == PAST and us[A]["successor"] == B, us[A]
        assert "retired" not in us[C], us[C]
        assert admin_units(s, admin)[D]["successor"] == C

        def count(levels):
            return len(levels), sum(1 for x in levels if x >= 4)

        # As recorded: each unit its own answers, retired ones marked.
        st, rec = report(s, viewer, "recorded")
        assert st == 200, rec
        assert rec["tree"] == "recorded"
        ru = by_unit(rec)
        for u, levels in given.items():
            n, sat = count(levels)
            assert ru[u]["responses"] == n, (u, ru[u]["responses"], n)
            assert ru[u]["satisfied"] == sat, (u, ru[u], sat)
        assert ru[A]["retired"] == PAST and ru[A]["successor"] == B
        assert "retired" not in ru[C]
        # Default is as recorded.
        st, dflt = report(s, viewer)
        assert by_unit(dflt)[A]["responses"] == ru[A]["responses"]

        # Current: A, B, D are no rows; C holds all four, once.
        st, cur = report(s, viewer, "current")
        assert st == 200, cur
        assert cur["tree"] == "current"
        cu = by_unit(cur)
        for u in (A, B, D):
            assert u not in cu, (u, list(cu))
        n, sat = count(sum(given.values(), []))
        assert cu[C]["responses"] == n, (cu[C]["responses"], n)
        assert cu[C]["satisfied"] == sat, (cu[C]["satisfied"], sat)
        # The root's total is the same in both trees: no double count.
        root = [u for u in rec["units"] if u["parent"] is None][0]["unit"]
        assert cu[root]["responses"] == ru[root]["responses"]
        assert rec["overall"]["responses"] == cur["overall"]["responses"]
        # The sum of the root's children equals the root in both trees.
        for rep in (rec, cur):
            kids = sum(u["responses"] for u in rep["units"]
                       if u["parent"] == root)
            assert kids == by_unit(rep)[root]["responses"], rep["tree"]

        # The command gives the same figures.
        out = cli_ok("report", "--data", s.data, "--format", "json",
                     "--tree", "current", "--min", "1")
        cmd = by_unit(json.loads(out))
        assert cmd[C]["responses"] == n and A not in cmd, cmd[C]
        rc, _, err = cli("report", "--data", s.data, "--format", "json",
                         "--tree", "other")
        assert rc != 0 and "--tree" in err, (rc, err)
        # A report of C alone, current tree: the chain's answers too.
        st, cc = report(s, viewer, "current", C)
        assert st == 200 and by_unit(cc)[C]["responses"] == n, cc
        assert cc["overall"]["responses"] == n, cc["overall"]
        # A retired unit alone in the current tree: said, not guessed.
        st, body = report(s, viewer, "current", A)
        assert st == 400 and b"92-VD08" in body, (st, body)
        st, body = report(s, viewer, "sideways")
        assert st == 400 and b"tree" in body, (st, body)

        # CSV and XLSX take the parameter; the CSV names the tree.
        st, hd, body = s.get("/reports/monthly.csv?tree=current&min=1",
                             {"Authorization": "Bearer " + viewer})
        assert st == 200 and "hiện hành".encode() in body, st
        assert not re.search(rb"\r\n[^\r\n]*,92-VD06,", body)
        st, hd, body = s.get("/reports/monthly.csv?tree=recorded&min=1",
                             {"Authorization": "Bearer " + viewer})
        assert st == 200 and PAST.encode() in body, st
        st, hd, body = s.get("/reports/monthly?tree=current",
                             {"Authorization": "Bearer " + viewer})
        assert st == 200 and b'value="current" selected' in body, st


@test
def followups_and_decision_766_follow_the_tree():
    """In the current tree a retired unit's follow-ups and dossiers count
    under its successor, as its answers do; as recorded, under itself."""
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        viewer = add_key(s.data, "viewer", "view")
        proc = valid_procedure(s)["code"]
        now = int(time.time())

        def iso(t):
            return time.strftime("%Y-%m-%dT%H:%M:%S+07:00",
                                 time.gmtime(t + 7 * 3600))
        # A dossier of A, received and returned today (before its due).
        for ev, extra in (("received", {"due": iso(now + 86400)}),
                          ("returned", {})):
            body = {"case": "HS-T1", "unit": A, "procedure": proc,
                    "event": ev, "at": iso(now - 60)}
            body.update(extra)
            r = s.http("POST", "/api/v1/dossiers", json.dumps(body),
                       {"Content-Type": "application/json",
                        "Authorization": "Bearer " + s.key})
            assert r[0] in (200, 201), r
        # Its ticket answered at 1 with a complaint: a follow-up of A.
        r = issue(s, s.key, unit=A, procedure=proc, case="HS-T1")
        assert r[0] == 201, r
        tok = json_of(*r)["token"]
        submit(s, tok, 1)
        r = s.post_form("/s/%s/followup" % tok, [
            ("kind", "complaint"), ("text", "Hồ sơ bị giữ lâu")])
        assert r[0] == 200, r[:2]
        # A right form without the box ticked (it cannot be undone).
        st, hd, body = s.http("POST", "/admin/units/%s/retire" % A,
                              form_body([("date", PAST),
                                         ("successor", C)]),
                              {"Authorization": "Bearer " + admin,
                               "Content-Type":
                               "application/x-www-form-urlencoded"})
        assert st == 422 and "ô xác nhận".encode() in body, (
            st, body[body.find(b"alert\" role"):][:300])
        st, hd, body = retire(s, admin, A, PAST, C)
        assert st == 200, body

        def rows(rep, part):
            return {u["unit"]: u for u in rep[part]["units"]}
        st, rec = report(s, viewer, "recorded")
        st2, cur = report(s, viewer, "current")
        assert st == st2 == 200
        assert rows(rec, "followups")[A]["received"] == 1
        assert C not in rows(rec, "followups")
        assert A not in rows(cur, "followups")
        assert rows(cur, "followups")[C]["received"] == 1
        d_rec, d_cur = (rows(x, "decision_766") for x in (rec, cur))
        assert d_rec[A]["dossiers"] == 1 and C not in d_rec, d_rec
        assert A not in d_cur and d_cur[C]["dossiers"] == 1, d_cur
        assert d_cur[C]["dissatisfied"] == 1, d_cur[C]
        for part in ("followups", "decision_766"):
            tot = "total" if part == "followups" else None
            a = rec[part][tot] if tot else rec[part]
            b = cur[part][tot] if tot else cur[part]
            k = "received" if tot else "dossiers"
            assert a[k] == b[k] == 1, (part, a, b)
        # The console offers no retired unit as a new unit's parent.
        st, _, page = s.get("/admin/units", {"Authorization": "Bearer " +
                                             admin})
        offered = re.findall(r'<option value="([^"]+)"[^>]*>\1 — ',
                             page.decode())
        assert st == 200 and C in offered and A not in offered, offered
        # A report of C alone in the current tree holds them too.
        st, cc = report(s, viewer, "current", C)
        assert cc["followups"]["total"]["received"] == 1, cc["followups"]
        assert cc["decision_766"]["dossiers"] == 1, cc["decision_766"]


@test
def a_retired_unit_takes_no_ticket_kiosk_or_pairing():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        proc = valid_procedure(s)["code"]
        # A kiosk of A enrolled while A is active.
        out = cli_ok("kiosk", "add", "--data", s.data, "--unit", A,
                     "--counter", "1", "--name", "kA")
        code = [l for l in out.splitlines() if l.startswith("code: ")][0][6:]
        r = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
        assert r[0] == 201, r
        kiosk = json_of(*r)["key"]
        # Retiring later: still open until the day.
        st, hd, body = retire(s, admin, B, LATER, C)
        assert st == 200, body
        assert issue(s, s.key, unit=B, procedure=proc)[0] == 201
        st, rep = report(s, admin, "current")
        assert B in by_unit(rep), "not retired yet: its own row"

        st, hd, body = retire(s, admin, A, PAST, C)
        assert st == 200, body
        st, hd, body = issue(s, s.key, unit=A, procedure=proc)
        assert st == 410, (st, body)
        msg = json_of(st, hd, body)["error"]
        assert A in msg and C in msg and PAST in msg, msg
        # As the handling unit too.
        st, hd, body = issue(s, s.key, unit=C, procedure=proc,
                             handling_unit=A)
        assert st == 410, (st, body)
        # The kiosk of A: no walk-in, no pairing.
        st, hd, body = s.http("POST", "/api/v1/responses", json.dumps({
            "idempotency_key": "walkin-retired-0001", "answers": {"overall": 5},
            "waited": 5}).encode(), h(kiosk))
        assert st == 410 and C.encode() in body, (st, body)
        st, hd, body = s.http("GET", "/api/v1/kiosk/next?wait=1", None,
                              {"Authorization": "Bearer " + kiosk})
        assert st == 410 and C.encode() in body, (st, body)
        # No new kiosk for it from the command line.
        rc, out, err = cli("kiosk", "add", "--data", s.data, "--unit", A,
                           "--counter", "2", "--name", "kA2")
        assert rc != 0 and C in err, (rc, out, err)
        # The counter page of a key of A says so at once.
        ka = add_key(s.data, "counter", "cA", unit=A)
        st, hd, body = s.get("/counter", {"Authorization": "Bearer " + ka})
        assert st == 200 and b'id="retired"' in body and C.encode() in body
        # The successor works.
        assert issue(s, s.key, unit=C, procedure=proc)[0] == 201


@test
def hostile_retirements_are_refused_and_change_nothing():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        counter = add_key(s.data, "counter", "cnt")
        viewer = add_key(s.data, "viewer", "vw")
        limited = add_key(s.data, "admin", "lim", unit=A)
        root = [c for c, u in units(s).items() if u["parent"] is None][0]
        # P with a child Q, to retire P into its own subtree.
        for row in ({"code": "92-P", "parent": root},
                    {"code": "92-Q", "parent": "92-P"},
                    {"code": "92-R", "parent": A}):
            row.update(kind="commune", name_vi="Xã " + row["code"],
                       name_en=row["code"])
            st, hd, body = s.http("POST", "/api/v1/admin/units",
                                  json.dumps(row).encode(), h(admin))
            assert st == 201, body
        st, hd, body = retire(s, admin, D, PAST, C)
        assert st == 200, body
        snap = admin_units(s, admin)
        n_audit = len(audit(s, admin))
        cases = [
            (admin, A, PAST, "92-NOPE", 422, "successor: no unit"),
            (admin, A, PAST, D, 422, "retired since"),
            (admin, "92-P", PAST, "92-Q", 422, "below"),
            (admin, A, PAST, A, 422, "own successor"),
            (admin, A, "2025-13-01", B, 422, "date"),
            (admin, A, "01/07/2025", B, 422, "date"),
            (admin, A, "2025-02-30", B, 422, "date"),
            (admin, A, "", B, 422, "date"),
            (admin, A, PAST, "", 422, "successor"),
            (admin, A, PAST, B, 422, "still active"),   # 92-R below A
            (admin, root, PAST, B, 422, "root"),
            (admin, D, PAST, C, 409, "already retired"),
            (admin, "92-NONE", PAST, B, 404, "no such unit"),
            (limited, B, PAST, C, 403, "outside"),
            (limited, A, PAST, C, 403, "itself"),
            (limited, "92-R", PAST, C, 403, "outside"),  # successor
            (counter, A, PAST, B, 403, None),
            (viewer, A, PAST, B, 403, None),
            (None, A, PAST, B, 401, None),
        ]
        for key, code, date, succ, want, words in cases:
            st, hd, body = retire(s, key, code, date, succ)
            assert st == want, (code, date, succ, st, body)
            if words:
                assert words in json_of(st, hd, body)["error"], (
                    words, body)
        for raw, want in (('{"date": "%s"}' % PAST, 422),
                          ('{"date": 20250701, "successor": "92-VD07"}',
                           422),
                          ('{"date": "%s", "successor": "92-VD07", '
                           '"why": 1}' % PAST, 422),
                          ('[1]', 400), ('{"date":', 400)):
            st, hd, body = retire(s, admin, A, None, None, raw=raw)
            assert st == want, (raw, st, body)
        # The console's form: refused with the reason on the page.
        st, hd, body = s.http("POST", "/admin/units/%s/retire" % A,
                              form_body([("date", PAST),
                                         ("successor", A)]),
                              {"Authorization": "Bearer " + admin,
                               "Content-Type":
                               "application/x-www-form-urlencoded"})
        assert st == 422 and "Không lưu được".encode() in body, st
        assert b"own successor" in body
        assert admin_units(s, admin) == snap
        assert len(audit(s, admin)) == n_audit
        # A rename of a retired unit keeps its retirement.
        row = dict(snap[D])
        row.pop("depth", None)
        row.pop("retired")
        row.pop("successor")
        row["name_vi"] = "Xã cũ"
        st, hd, body = s.http("PUT", "/api/v1/admin/units/" + D,
                              json.dumps(row).encode(), h(admin))
        assert st == 200, body
        assert admin_units(s, admin)[D]["retired"] == PAST
        # Stays after a restart; schema export writes the columns.
        s.restart()
        assert units(s)[D]["retired"] == PAST
        out = s.root + "/export"
        cli_ok("schema", "export", "--data", s.data, out)
        text = open(out + "/units.csv", encoding="utf-8").read()
        assert "hotline,retired,successor" in text
        assert re.search(r"\n92-VD09,.*,2025-07-01,92-VD08\n", text), text


if __name__ == "__main__":
    run()
