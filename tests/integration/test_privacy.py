"""No personal data and no secret at rest: after a full run (tickets with
case numbers through the API and the command, dossier events with case
numbers, repeated and refused, tickets at their stages, answers with
comments on both channels, a kiosk enrolled, keys of every role, a
browser session),
no file of the data directory and no export holds a case number, the
client's address or a key's secret in clear; nor does the server's log,
one line per request, under load too."""

import hashlib
import json
import os
import re
import shutil
import threading
import time

from hl import (Server, add_key, assert_html, assert_status, cli_bytes,
                cli_ok, full_answer, json_of, new_ticket, run, test,
                valid_procedure, valid_unit)

CASES = ["HS-PRIV-000123/2025", "Hồ sơ số 4567/UBND-PRIV",
         "PRIVCASE-ZZ-998877", "000000PRIV42"]
CLI_CASE = "CLIPRIV-2025-31415"
# Cases of the one-stop software's dossier events (and stage tickets).
DOSSIER_CASES = ["DOSPRIV-2026-000777", "Hồ sơ DOSPRIV số 88/UBND",
                 "dospriv-lower-case-55"]
IP = b"127.0.0.1"


def variants(text):
    """The spellings of a secret or case number to look for."""
    out = set()
    for t in (text, text.upper(), text.lower()):
        out.add(t.encode("utf-8"))
        out.add(t.encode("utf-16-le"))
    return out


def hashes_of_case(unit, case):
    """Unkeyed digests a careless store might keep (guessable from a
    dictionary of case numbers)."""
    out = set()
    for msg in (case.encode(), unit.encode() + b"\0" + case.encode(),
                unit.encode() + case.encode()):
        for h in (hashlib.sha256(msg), hashlib.sha1(msg), hashlib.md5(msg)):
            out.add(h.digest()[:16])
            out.add(h.hexdigest().encode())
    return out


def scan(blobs, needles):
    """[(where, what)] for every needle found in any blob."""
    found = []
    for where, data in blobs:
        for what, spellings in needles:
            for n in spellings:
                if n and n in data:
                    found.append((where, what))
                    break
    return found


def data_files(root):
    blobs = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            with open(p, "rb") as fh:
                blobs.append((os.path.relpath(p, root), fh.read()))
    return blobs


@test
def nothing_personal_at_rest():
    with Server() as s:
        unit = valid_unit(s)["code"]
        proc = valid_procedure(s)["code"]
        secrets = {"counter key": s.key}
        for role in ("viewer", "admin", "kiosk"):
            secrets[role + " key"] = add_key(s.data, role)
        secrets["unit viewer key"] = add_key(s.data, "viewer", unit=unit)
        # A kiosk: its one-time code and the key it gets.
        out = cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                     "--counter", "4", "--name", "privacy-kiosk")
        code = [l for l in out.splitlines() if l.startswith("code: ")][0][6:]
        secrets["enrolment code"] = code
        secrets["enrolment code, no dash"] = code.replace("-", "")
        r = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
        assert_status(r, 201, "enrol")
        kkey = json_of(*r, what="enrol")["key"]
        secrets["kiosk key"] = kkey
        # A second, pending code that is never used.
        out = cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                     "--counter", "5", "--name", "privacy-pending")
        code2 = [l for l in out.splitlines() if l.startswith("code: ")][0][6:]
        secrets["pending code"] = code2
        # Tickets with case numbers: API (twice each: the idempotent path),
        # and the command.
        tickets = []
        for c in CASES:
            t = new_ticket(s, case=c, counter="4")
            again = new_ticket(s, want=200, case=c, counter="4")
            assert again["token"] == t["token"]
            tickets.append(t)
        out = cli_ok("ticket", "--data", s.data, "--procedure", proc,
                     "--unit", unit, "--case", CLI_CASE)
        # Dossier events: new, repeated, refused as impossible; and a
        # ticket at a stage of each, answered.
        dh = {"Authorization": "Bearer " + s.key}
        now = int(time.time())
        stage_tickets = []
        for i, c in enumerate(DOSSIER_CASES):
            ev = {"case": c, "unit": unit, "procedure": proc,
                  "event": "received", "at": now - 86400,
                  "due": now + 86400}
            assert_status(s.http("POST", "/api/v1/dossiers", ev, dh), 201,
                          "dossier")
            assert_status(s.http("POST", "/api/v1/dossiers", ev, dh), 200,
                          "dossier again")
            out = {k: v for k, v in ev.items() if k != "due"}
            r = s.http("POST", "/api/v1/dossiers", dict(
                out, event="refused", at=now - 2 * 86400), dh)
            assert_status(r, 422, "impossible")
            assert b"before the dossier was received" in r[2], r[2]
            assert c.encode() not in r[2], r[2]
            assert_status(s.http("POST", "/api/v1/dossiers", dict(
                out, event="refused", at=now - 60), dh), 200, "refused")
            stage_tickets.append(new_ticket(s, case=c, stage="refused"))
        stats = os.path.join(s.root, "stats.csv")
        with open(stats, "w", encoding="utf-8") as f:
            f.write("month,agency,procedure,received,settled_on_time,"
                    "settled_late,refused,withdrawn\n%s,%s,%s,5,4,1,0,0\n"
                    % (time.strftime("%Y-%m", time.gmtime(
                        now - 40 * 86400 + 7 * 3600)), unit, proc))
        cli_ok("dossiers", "import", stats, "--data", s.data)
        spage = assert_html(s.get(stage_tickets[0]["path"]), 200, "survey")
        for t in stage_tickets:
            assert_status(s.post_form(t["path"], full_answer(spage, 1)),
                          200, "stage answer")
        # Answers with comments on both channels.
        page = assert_html(s.get(tickets[0]["path"]), 200, "survey")
        for i, t in enumerate(tickets[:2]):
            assert_status(s.post_form(t["path"], full_answer(
                page, 2 + i, comment="Góp ý số %d: rất tốt" % i)), 200,
                "answer")
        kh = {"Authorization": "Bearer " + kkey}
        r = s.http("POST", "/api/v1/responses", {
            "idempotency_key": "privacy-kiosk-00001", "token":
            tickets[2]["token"], "answers": {"overall": 4},
            "comment": "kiosk góp ý"}, kh)
        assert_status(r, 201, "kiosk paired")
        r = s.http("POST", "/api/v1/responses", {
            "idempotency_key": "privacy-kiosk-00002",
            "answers": {"overall": 5}}, kh)
        assert_status(r, 201, "kiosk walk-in")
        # The pairing long poll and a browser session.
        s.http("GET", "/api/v1/kiosk/next?wait=1", None, kh)
        st, hd, _ = s.post_form("/signin", [("key", secrets["viewer key"]),
                                            ("next", "/reports/monthly")])
        assert st == 303, st
        pair = hd["set-cookie"].split(";")[0]
        secrets["session cookie"] = pair.split("=", 1)[1]
        month = time.strftime("%Y-%m")
        pg = assert_html(s.get("/reports/monthly?month=" + month,
                               {"Cookie": pair}), 200, "report")
        m = re.search(r'name="csrf" value="([^"]+)"', pg)
        if m:
            secrets["csrf token"] = m.group(1)
        # Wrong keys too (rate limiting remembers the address in memory).
        for _ in range(3):
            s.http("POST", "/api/v1/tickets", {"procedure": proc},
                   {"Authorization": "Bearer wrong-" + "x" * 30})
        s.restart()		# whatever the server keeps, it has written
        s.stop()
        files = data_files(s.data)
        assert files, "empty data dir"
        rc, jout, err = cli_bytes("export", "--data", s.data, "--format",
                                  "json")
        assert rc == 0, err
        rc, cout, err = cli_bytes("export", "--data", s.data, "--format",
                                  "csv")
        assert rc == 0, err
        assert any(r.get("comment") == "Góp ý số 0: rất tốt" for r in
                   json.loads(jout)), "export lacks the comments"
        exports = [("export.json", jout), ("export.csv", cout)]
        for fmt in ("json", "csv"):
            rc, rout, err = cli_bytes("report", "--data", s.data,
                                      "--month", time.strftime(
                                          "%Y-%m", time.gmtime(
                                              now - 60 + 7 * 3600)),
                                      "--format", fmt)
            assert rc == 0, err
            exports.append(("report." + fmt, rout))
        for fmt in ("jsonl", "csv"):
            rc, eout, err = cli_bytes(
                "export", "--data", s.data, "--format", "evaluations",
                "--period", time.strftime("%Y-%m", time.gmtime(
                    now + 7 * 3600)), "--as", fmt)
            assert rc == 0, err
            assert eout.count(b"refused") >= len(DOSSIER_CASES), eout
            exports.append(("evaluations." + fmt, eout))
        rep = json.loads(exports[2][1])
        assert rep["decision_766"]["refused"] == len(DOSSIER_CASES), (
            rep["decision_766"])

        case_needles = [("case %r" % c, variants(c)) for c in
                        CASES + [CLI_CASE] + DOSSIER_CASES]
        hash_needles = [("unkeyed hash of case %r" % c, hashes_of_case(
            unit, c)) for c in CASES + [CLI_CASE] + DOSSIER_CASES]
        secret_needles = [(k, variants(v)) for k, v in secrets.items()
                          if len(v) >= 8]
        found = scan(files, case_needles + hash_needles + secret_needles +
                     [("client address", {IP, IP.decode().encode(
                         "utf-16-le")})])
        found += scan(exports, case_needles + hash_needles + secret_needles)
        assert not found, "in clear: %r" % found
        # The log: no case number, secret, token or code, no address.
        log = log_blobs(s.read_stderr())
        ticket_needles = [("token of %s" % t["code"], variants(t["token"]))
                          for t in tickets + stage_tickets] + [
            ("code %s" % t["code"], variants(t["code"]))
            for t in tickets + stage_tickets]
        found = scan(log, case_needles + secret_needles + ticket_needles +
                     [("client address", {IP})])
        assert not found, "in the log: %r" % found
        assert scan(log, [("request line", {b"route=/s/*"})]), (
            "the log has no request lines")
        # The scan can find things: the comments are there in clear.
        assert scan(files, [("comment", {"kiosk góp ý".encode()})]), (
            "scan found not even a stored comment")
        print("  scanned %d files (%d bytes) and 6 exports for %d "
              "needles" % (len(files), sum(len(b) for _, b in files),
                           len(case_needles) + len(secret_needles)))


def log_blobs(text):
    """The log's lines as blobs to scan, without the start-up line that
    names the listening address (the server's, not a client's)."""
    return [("log line %d" % i, ln.encode("utf-8"))
            for i, ln in enumerate(text.splitlines())
            if "public URL" not in ln]


def request_lines(text):
    return [ln for ln in text.splitlines() if " msg=request " in ln]


@test
def request_log_under_load():
    """Many citizens at once: a line per request, with the route's
    pattern, status, microseconds and bytes, and nothing personal."""
    with Server() as s:
        page = None
        tickets = []
        cases = ["LOADPRIV-%05d/2026" % i for i in range(40)]
        for c in cases:
            tickets.append(new_ticket(s, case=c))
        page = assert_html(s.get(tickets[0]["path"]), 200, "survey")
        bad = []

        def citizen(t):
            try:
                r = s.get(t["path"])
                if r[0] != 200:
                    bad.append(("get", r[0]))
                r = s.post_form(t["path"], full_answer(page, 4))
                if r[0] != 200:
                    bad.append(("post", r[0]))
                s.get("/c?code=" + t["code"])
            except Exception as e:	# noqa: BLE001 (reported below)
                bad.append(e)

        threads = [threading.Thread(target=citizen, args=(t,))
                   for t in tickets]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert not bad, bad[:5]
        s.stop()
        text = s.read_stderr()
        lines = request_lines(text)
        # 40 issues, 1 page, 40 citizens with three requests each.
        assert len(lines) >= 40 + 1 + 3 * 40, len(lines)
        pat = re.compile(r"^ts=\S+Z level=info msg=request method=[A-Z]+ "
                         r"route=\S+ status=\d{3} us=\d+ bytes=\d+$")
        odd = [ln for ln in lines if not pat.match(ln)]
        assert not odd, odd[:3]
        posts = [ln for ln in lines if "method=POST route=/s/* status=200"
                 in ln]
        assert len(posts) == len(tickets), len(posts)
        needles = [("case %r" % c, variants(c)) for c in cases]
        needles += [("token of %s" % t["code"], variants(t["token"]))
                    for t in tickets]
        needles += [("code %s" % t["code"], variants(t["code"]))
                    for t in tickets]
        needles += [("counter key", variants(s.key)),
                    ("client address", {IP})]
        found = scan(log_blobs(text), needles)
        assert not found, "in the log: %r" % found[:5]
        print("  %d request lines, none with a token, code, case or "
              "address" % len(lines))


@test
def log_settings():
    """[log] level = warn drops the request lines; client_address = yes
    adds the client's address (and the scan above would see it)."""
    with Server(config="[log]\nlevel = warn\n") as s:
        s.get("/")
        s.stop()
        assert not request_lines(s.read_stderr()), s.read_stderr()
    with Server(config="[log]\nclient_address = yes\n") as s:
        s.get("/")
        s.stop()
        lines = request_lines(s.read_stderr())
        assert lines and all(ln.endswith(" client=127.0.0.1")
                             for ln in lines), lines
    for bad in ("[log]\nlevel = loud\n", "[log]\nclient_address = 1\n",
                "[log]\nwho = me\n"):
        srv = Server(config=bad, make_key=False)
        try:
            srv.start()
        except AssertionError as e:
            assert "hailong.ini:2: " in str(e), str(e)
        else:
            srv.stop()
            raise AssertionError("started with %r" % bad)
        finally:
            srv.kill()
            shutil.rmtree(srv.root, ignore_errors=True)


if __name__ == "__main__":
    run()
