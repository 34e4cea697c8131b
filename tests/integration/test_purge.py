"""No unbounded growth: the writer deletes idempotency records older than
30 days, enrolment codes a day past their expiry and the tickets offered
to counters' kiosks once their 10 minutes are over, a few hundred records per
transaction between batches, with no change of the store's format. The
server runs under libfaketime (Debian package faketime) 31 days ahead;
`hailong status` (read-only, beside it) shows the tables shrink."""

import os
import re
import subprocess
import time

from hl import (HAILONG, Server, assert_status, cli_ok, counter_key, json_of,
                run, test, valid_procedure, valid_unit, verify)

LIBS = ["/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
        "/usr/lib/faketime/libfaketimeMT.so.1"]
ANSWERS = 300		# more than one purge step (WRITER_PURGE_SCAN 256)


def preload():
    """libfaketime, after the ASan runtime when the binary has one."""
    libs = [p for p in LIBS if os.path.exists(p)][:1]
    assert libs, "libfaketime not installed (apt-get install faketime)"
    out = subprocess.run(["ldd", HAILONG], capture_output=True,
                         timeout=10).stdout.decode()
    m = re.search(r"(\S*libasan\.so\S*) => (\S+)", out)
    if m:
        libs.insert(0, m.group(2))
    return ":".join(libs)


def status(data):
    """`hailong status` as {table: (records, bytes, oldest)}."""
    out = cli_ok("status", "--data", data)
    rows = {}
    for line in out.splitlines()[3:]:
        name, records, size, oldest = line.split()
        rows[name] = (int(records), int(size), oldest)
    assert {"tickets", "responses", "idem", "enrol", "keys",
            "agg"} <= set(rows), out
    return rows


def enrol(s, unit, counter, name):
    out = cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                 "--counter", counter, "--name", name)
    return re.search(r"^code: (\S+)$", out, re.M).group(1)


@test
def stale_records_go():
    s = Server()
    try:
        s.start()
        unit = valid_unit(s)["code"]
        code = enrol(s, unit, "1", "purge-kiosk")
        st, hd, b = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
        assert st == 201, (st, b)
        key = json_of(st, hd, b)["key"]
        h = {"Authorization": "Bearer " + key}
        # Walk-ins queued at the kiosk, 4 s apart (its guard's gap).
        for i in range(ANSWERS):
            assert_status(s.http("POST", "/api/v1/responses", {
                "idempotency_key": "purge-%06d-aaaaaaaa" % i,
                "waited": (ANSWERS - i) * 4 + 10,
                "answers": {"overall": 1 + i % 5}}, h), 201)
        for n in range(3):
            enrol(s, unit, str(2 + n), "pending-%d" % n)
        # Tickets for two counters' kiosks: one offer kept per counter.
        ck = {"Authorization": "Bearer " + counter_key(s.data)}
        proc = valid_procedure(s)["code"]
        for counter in ("1", "2", "1"):
            assert_status(s.http("POST", "/api/v1/tickets", {
                "procedure": proc, "unit": unit, "counter": counter}, ck),
                201)
        s.stop()
        before = status(s.data)
        assert before["idem"][0] == ANSWERS, before["idem"]
        assert before["enrol"][0] == 3, before["enrol"]
        assert before["responses"][0] == ANSWERS, before["responses"]
        assert before["idem"][2] != "-", before["idem"]
        assert before["pending"][0] == 2, before["pending"]

        # 31 days on: every record is stale; the pass runs at the start.
        env = {"LD_PRELOAD": preload(), "FAKETIME": "+31d",
               "FAKETIME_DONT_FAKE_MONOTONIC": "1"}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            s.start()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            now = status(s.data)
            if now["idem"][0] == 0 and now["enrol"][0] == 0 and \
                    now["pending"][0] == 0:
                break
            time.sleep(0.2)
        assert now["idem"][0] == 0, now["idem"]
        assert now["enrol"][0] == 0, now["enrol"]
        assert now["pending"][0] == 0, now["pending"]
        assert now["tickets"][0] == 3, now["tickets"]
        assert now["idem"][2] == "-", now["idem"]
        # Answers, keys and counters stay; a new retry record is kept.
        assert now["responses"][0] == ANSWERS, now["responses"]
        assert now["keys"] == before["keys"] or \
            now["keys"][0] == before["keys"][0], now["keys"]
        assert_status(s.http("POST", "/api/v1/responses", {
            "idempotency_key": "purge-after-aaaaaaaa",
            "answers": {"overall": 5}}, h), 201)
        st, _, body = s.get("/metrics")
        assert st == 200, st
        text = body.decode()
        assert re.search(r"^hailong_purged_idempotency_total %d$" % ANSWERS,
                         text, re.M), text
        assert re.search(r"^hailong_purged_enrolment_total 3$", text, re.M)
        s.stop()
        after = status(s.data)
        assert after["idem"][0] == 1, after["idem"]
        rc, out, err = verify(s.data)
        assert rc == 0, (rc, out, err)
        print("  %d idempotency records and 3 codes purged; %d answers "
              "kept" % (ANSWERS, after["responses"][0]))
    finally:
        s.kill()
        s.__exit__(None, None, None)


@test
def status_reads_only():
    """status on a directory that does not exist fails and creates
    nothing; on a live one it names every table."""
    with Server() as s:
        rows = status(s.data)
        assert rows["keys"][0] == 1, rows["keys"]
        assert rows["tickets"] == (0, 0, "-"), rows["tickets"]
        # The audit log holds the key's addition; no user yet.
        assert rows["audit"][0] == 1, rows["audit"]
        assert rows["users"][0] == 0 and rows["catalog"][0] == 0, rows
        missing = os.path.join(s.root, "nothing")
        p = subprocess.run([HAILONG, "status", "--data", missing],
                           capture_output=True, timeout=30)
        assert p.returncode == 1, p
        assert not os.path.exists(missing)
        p = subprocess.run([HAILONG, "status"], capture_output=True,
                           timeout=30)
        assert p.returncode == 2, p


if __name__ == "__main__":
    run()
