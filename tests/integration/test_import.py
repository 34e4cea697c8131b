"""hailong dossiers import: a one-stop system's monthly statistics (CSV),
every bad row named as file:line: reason with nothing imported, the same
file again changing nothing, a differing row refused, rows that dossier
events cover refused; Decision 766's ratio with the import and the
events together, against a recomputation."""

import json
import os
import time

from hl import (Server, add_key, assert_status, cli, json_of, run, test,
                valid_procedure)

H = 3600
DAY = 86400
HEADER = ("month,agency,procedure,received,settled_on_time,settled_late,"
          "refused,withdrawn")


def month_of(t):
    return time.strftime("%Y-%m", time.gmtime(t + 7 * H))


def write(s, name, lines):
    p = os.path.join(s.root, name)
    with open(p, "w", encoding="utf-8") as f:
        f.write("\r\n".join(lines) + "\r\n")
    return p


def d766(s, viewer, month, unit=None):
    q = "/api/v1/reports?period=" + month + ("&unit=" + unit if unit
                                             else "")
    r = s.get(q, {"Authorization": "Bearer " + viewer})
    return json_of(*assert_status(r, 200, "report"))["decision_766"]


def event(s, case, unit, proc, ev, at, due=None):
    body = {"case": case, "unit": unit, "procedure": proc, "event": ev,
            "at": at}
    if due is not None:
        body["due"] = due
    r = s.http("POST", "/api/v1/dossiers", body,
               {"Authorization": "Bearer " + s.key})
    assert r[0] in (200, 201), r


@test
def import_and_events_together():
    with Server() as s:
        units = [u["code"] for u in s.units() if u.get("parent")]
        a, b = units[0], units[1]
        procs = [p["code"] for p in s.procedures() if p.get("sector")]
        p1, p2 = procs[0], procs[1]
        viewer = add_key(s.data, "viewer")
        now = int(time.time())
        month = month_of(now - 600)
        assert month_of(now - 100) == month
        y, m = int(month[:4]), int(month[5:])
        prev = "%04d-%02d" % ((y * 12 + m - 2) // 12, (m - 2) % 12 + 1)
        # Events: a, p1, this month: 2 returned (one late, rated 1).
        # (Received minutes ago: in the month of the rows.)
        event(s, "IM-1", a, p1, "received", now - 600, now + DAY)
        event(s, "IM-1", a, p1, "returned", now - 120)
        event(s, "IM-2", a, p1, "received", now - 600, now - 300)
        event(s, "IM-2", a, p1, "returned", now - 110)
        rows = [
            "# monthly statistics of the one-stop system",
            HEADER,
            "%s,%s,%s,40,30,5,2,3" % (month, a, p2),
            "%s,%s,%s,10,9,1,0,0" % (month, b, p1),
            "%s,%s,%s,7,7,0,0,0" % (prev, a, p1),
        ]
        path = write(s, "stats.csv", rows)
        rc, out, err = cli("dossiers", "import", path, "--data", s.data)
        assert rc == 0, err
        assert "3 row(s): 3 imported, 0 imported before" in out, out
        # The same file again (flags first this time): nothing changes.
        rc, out2, err = cli("dossiers", "import", "--data", s.data, path)
        assert rc == 0, err
        assert "0 imported, 3 imported before" in out2, out2
        d = d766(s, viewer, month)
        # Events: 2 dossiers, 1 late. Import: (30 + 5 + 2) + (9 + 1).
        assert d["dossiers"] == 2 + 37 + 10, d
        assert d["imported"] == 47, d
        assert d["late"] == 1 + 5 + 1, d
        assert d["refused"] == 2, d
        assert d["returned"] == 2 + 35 + 10, d
        assert d["against"] == 7, d
        assert d["ratio"] == round((49 - 7) / 49, 4), d
        assert d["import_rows_overlapped"] == 0, d
        byu = {u["unit"]: u for u in d["units"]}
        assert byu[a]["dossiers"] == 2 + 37 and byu[b]["dossiers"] == 10
        assert d766(s, viewer, prev)["dossiers"] == 7
        # Rows that events cover are refused, naming the line.
        bad = write(s, "overlap.csv", [HEADER, "%s,%s,%s,2,2,0,0,0" % (
            month, a, p1)])
        rc, _, err = cli("dossiers", "import", bad, "--data", s.data)
        assert rc == 1, err
        assert "%s:2: dossier events already cover" % bad in err, err
        assert "nothing imported" in err, err
        # A row that differs from the one imported: refused, all of it.
        diff = write(s, "diff.csv", [
            HEADER, "%s,%s,%s,1,1,0,0,0" % (prev, b, p2),
            "%s,%s,%s,40,31,4,2,3" % (month, a, p2)])
        rc, _, err = cli("dossiers", "import", diff, "--data", s.data)
        assert rc == 1, err
        assert "%s:3: differs from the row imported at" % diff in err, err
        assert "settled on time 30" in err, err
        d2 = d766(s, viewer, month)
        assert d2 == d, (d2, d)
        assert d766(s, viewer, prev)["dossiers"] == 7	# not b's row
        # Events that come after an import for the same key: the row is
        # left out, never both.
        event(s, "IM-3", b, p1, "received", now - 600, now + DAY)
        event(s, "IM-3", b, p1, "returned", now - 100)
        d3 = d766(s, viewer, month)
        assert d3["import_rows_overlapped"] == 1, d3
        assert d3["dossiers"] == 2 + 37 + 1, d3
        assert d3["imported"] == 37, d3


@test
def every_bad_row_named():
    with Server() as s:
        unit = [u["code"] for u in s.units() if u.get("parent")][0]
        proc = valid_procedure(s)["code"]
        month = month_of(time.time())
        future = "%04d-%02d" % (int(month[:4]) + 1, int(month[5:]))
        path = write(s, "bad.csv", [
            HEADER,
            "%s,%s,%s,1,1,0,0,0" % (month, unit, proc),	# good
            "2026-13,%s,%s,1,1,0,0,0" % (unit, proc),
            "%s,%s,%s,1,1,0,0,0" % (future, unit, proc),
            "%s,NO-SUCH,%s,1,1,0,0,0" % (month, proc),
            "%s,%s,bad proc,1,1,0,0,0" % (month, unit),
            "%s,%s,%s,-1,1,0,0,0" % (month, unit, proc + "x"),
            "%s,%s,%s,1,x,0,0,0" % (month, unit, proc + "y"),
            "%s,%s,%s,1,1,0,0,99999999" % (month, unit, proc + "z"),
            "%s,%s,%s,2,2,0,0,0" % (month, unit, proc),	# repeated
        ])
        rc, out, err = cli("dossiers", "import", path, "--data", s.data)
        assert rc == 1, (out, err)
        for line, why in ((3, "month: want YYYY-MM"),
                          (4, "month: not over yet"),
                          (5, "agency: not in the unit list"),
                          (6, "procedure: 1 to 32"),
                          (7, "received: want a whole number"),
                          (8, "settled_on_time: want a whole number"),
                          (9, "withdrawn: want a whole number"),
                          (10, "the same month, agency and procedure as "
                               "line 2")):
            assert "%s:%d: %s" % (path, line, why) in err, (line, err)
        assert "nothing imported" in err, err
        viewer = add_key(s.data, "viewer")
        assert d766(s, viewer, month)["dossiers"] == 0
        # Wrong header, a short row, no file, no FILE at all.
        p2 = write(s, "head.csv", ["month,agency,procedure,received",
                                   "%s,%s,%s,1" % (month, unit, proc)])
        rc, _, err = cli("dossiers", "import", p2, "--data", s.data)
        assert rc == 1 and "head.csv:1: the header row must be" in err, err
        p3 = write(s, "short.csv", [HEADER, "%s,%s,%s,1,1" % (
            month, unit, proc)])
        rc, _, err = cli("dossiers", "import", p3, "--data", s.data)
        assert rc == 1 and "short.csv:2:" in err, err
        rc, _, err = cli("dossiers", "import", p3 + ".none", "--data",
                         s.data)
        assert rc == 1 and ".none" in err, err
        rc, _, err = cli("dossiers", "import", "--data", s.data)
        assert rc == 2 and "FILE is required" in err, err
        rc, _, err = cli("dossiers", "export", "--data", s.data)
        assert rc == 2, err
        assert d766(s, viewer, month)["dossiers"] == 0


run()
