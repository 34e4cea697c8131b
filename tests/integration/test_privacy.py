"""No personal data and no secret at rest: after a full run (tickets with
case numbers through the API and the command, answers with comments on
both channels, a kiosk enrolled, keys of every role, a browser session),
no file of the data directory and no export holds a case number, the
client's address or a key's secret in clear."""

import hashlib
import json
import os
import re
import time

from hl import (Server, add_key, assert_html, assert_status, cli_bytes,
                cli_ok, full_answer, json_of, new_ticket, run, test,
                valid_procedure, valid_unit)

CASES = ["HS-PRIV-000123/2025", "Hồ sơ số 4567/UBND-PRIV",
         "PRIVCASE-ZZ-998877", "000000PRIV42"]
CLI_CASE = "CLIPRIV-2025-31415"
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

        case_needles = [("case %r" % c, variants(c)) for c in
                        CASES + [CLI_CASE]]
        hash_needles = [("unkeyed hash of case %r" % c, hashes_of_case(
            unit, c)) for c in CASES + [CLI_CASE]]
        secret_needles = [(k, variants(v)) for k, v in secrets.items()
                          if len(v) >= 8]
        found = scan(files, case_needles + hash_needles + secret_needles +
                     [("client address", {IP, IP.decode().encode(
                         "utf-16-le")})])
        found += scan(exports, case_needles + hash_needles + secret_needles)
        assert not found, "in clear: %r" % found
        # The scan can find things: the comments are there in clear.
        assert scan(files, [("comment", {"kiosk góp ý".encode()})]), (
            "scan found not even a stored comment")
        print("  scanned %d files (%d bytes) and 2 exports for %d "
              "needles" % (len(files), sum(len(b) for _, b in files),
                           len(case_needles) + len(secret_needles)))


if __name__ == "__main__":
    run()
