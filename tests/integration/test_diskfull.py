"""A full disk: the data directory on an 8 MiB tmpfs, filled by a filler
file and answers with long comments until answers get 503 (a page, or JSON
on the API). Meanwhile reads still work, nothing stored is damaged, and
once space is freed answers are stored again. Needs root (mount);
otherwise skipped (exit 77)."""

import http.client
import os
import shutil
import subprocess
import sys

from hl import (Server, add_key, assert_html, assert_status, cli_ok,
                form_body,
                full_answer, json_of, new_ticket, request, run, test,
                valid_unit, verify)

TMPFS_SIZE = "8m"
FORM_H = {"Content-Type": "application/x-www-form-urlencoded"}
COMMENT = ("Thủ tục nhanh, cán bộ nhiệt tình, hướng dẫn rõ ràng. "
           * 20)[:1000]


def mounted(path):
    with open("/proc/self/mounts") as f:
        return any(l.split()[1] == path for l in f)


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def kiosk_key(s, unit):
    out = cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                 "--counter", "1", "--name", "full-kiosk")
    code = [l for l in out.splitlines() if l.startswith("code: ")][0][6:]
    r = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
    assert_status(r, 201, "enrol")
    return json_of(*r, what="enrol")["key"]


@test
def disk_full():
    s = Server()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE,
                    "tmpfs", s.data], check=True)
    try:
        with s:
            _disk_full(s)
    finally:
        s.kill()
        if mounted(s.data):
            subprocess.run(["umount", s.data], check=False)
        shutil.rmtree(s.root, ignore_errors=True)


def _disk_full(s):
    unit = valid_unit(s)["code"]
    kkey = kiosk_key(s, unit)
    kh = {"Authorization": "Bearer " + kkey}
    vh = {"Authorization": "Bearer " + add_key(s.data, "viewer")}
    tickets = [new_ticket(s, case="F-%d" % i) for i in range(200)]
    page = assert_html(s.get(tickets[0]["path"]), 200, "survey")
    body = form_body(full_answer(page, 4, comment=COMMENT))
    acked = set()
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)

    def answer(t):
        return request(conn, "POST", t["path"], body, FORM_H)

    for t in tickets[:5]:
        assert_status(answer(t), 200, "answer with room")
        acked.add(t["code"])
    early = set(acked)
    before = s.export()
    # Leave ~256 KiB free, then answer until the disk is full.
    filler = os.path.join(s.data, "filler")
    room = free_bytes(s.data) - 256 * 1024
    assert room > 0, "tmpfs already full"
    with open(filler, "wb") as f:
        f.write(b"\0" * room)
        f.flush()
        os.fsync(f.fileno())
    full = None
    opened = iter(tickets[5:])
    for t in opened:
        r = answer(t)
        if r[0] == 200:
            acked.add(t["code"])
            continue
        full = (t, r)
        break
    assert full is not None, ("no 503 after %d answers (free %d)" % (
        len(acked), free_bytes(s.data)))
    t, (st, hd, b) = full
    assert st == 503, "disk full: status %d, want 503; body %r" % (st, b[:300])
    pg = assert_html(full[1], 503, "form answer, disk full")
    assert "<html" in pg.lower() and len(pg) > 200, "503 page: %r" % pg
    open_t = [t] + list(opened)
    assert len(open_t) >= 20, "too few open tickets left"
    # Top the filler up to the last byte. LMDB may still reuse its own free
    # pages for a while, so an answer may yet be stored: then it must be
    # 200/201; it is 503 once nothing fits.
    fd = os.open(filler, os.O_WRONLY | os.O_APPEND)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    seen = []
    for t in open_t[1:11]:
        r = answer(t)
        assert r[0] in (200, 503), "form answer, disk full: %d %r" % (
            r[0], r[2][:200])
        seen.append(r[0])
        if r[0] == 200:
            acked.add(t["code"])
    assert seen[-3:] == [503] * 3, "answers still stored: %r" % seen
    open_t = [t for t in open_t if t["code"] not in acked]
    # The kiosk answer (JSON API) for an open ticket: 503 in JSON.
    kt = open_t[-1]
    r = s.http("POST", "/api/v1/responses", {
        "idempotency_key": "full-disk-kiosk-0001", "token": kt["token"],
        "answers": {"overall": 3}, "comment": COMMENT}, kh)
    assert r[0] == 503, "kiosk answer on a full disk: %d %r" % (
        r[0], r[2][:200])
    obj = json_of(*r, what="kiosk 503")
    assert obj.get("error"), obj
    # Reads still work: the open ticket's page, its QR, the export; an
    # answered ticket is still answered.
    assert_html(s.get(open_t[0]["path"]), 200, "open ticket, disk full")
    assert_status(s.get("/api/v1/tickets/%s/qr.svg" % open_t[0]["token"]),
                  200, "qr, disk full")
    assert_html(s.get(tickets[0]["path"]), 409, "answered, disk full")
    # And the monthly report, from the aggregates.
    r = s.get("/api/v1/reports/monthly", vh)
    assert r[0] == 200, "report on a full disk: %d %r" % (r[0], r[2][:200])
    assert json_of(*r, what="report")["overall"]["responses"] >= len(
        acked), "report lost answers on a full disk"
    st = s.get("/healthz")[0]
    assert st == 503, "healthz on a full disk: %d" % st
    print("  full after %d answers; then %r; healthz %d" % (
        len(acked), seen, st))
    rows = s.export()
    got = {r["ticket_code"] for r in rows}
    assert acked == got, "full disk: acked %d, stored %d; lost %r, " \
        "extra %r" % (len(acked), len(got), sorted(acked - got)[:5],
        sorted(got - acked)[:5])
    first = [r for r in rows if r["ticket_code"] in early]
    assert first == before, "early answers changed on a full disk"
    rc, out, err = verify(s.data)
    assert rc == 0, "verify on a full disk: rc %d\n%s%s" % (rc, out, err)
    # The refused ticket is still open; free space and it is stored.
    os.unlink(filler)
    r = answer(open_t[0])
    assert_status(r, 200, "answer after freeing space")
    acked.add(open_t[0]["code"])
    r = s.http("POST", "/api/v1/responses", {
        "idempotency_key": "full-disk-kiosk-0001", "token": kt["token"],
        "answers": {"overall": 3}, "comment": COMMENT}, kh)
    assert r[0] == 201, "kiosk after freeing space: %d %r" % (r[0],
                                                                r[2][:200])
    assert s.get("/healthz")[0] == 200, "healthz after freeing space"
    conn.close()
    s.restart()
    rows = s.export()
    acked.add(kt["code"])
    got = {r["ticket_code"] for r in rows if r.get("ticket_code")}
    assert acked == got, "after restart: lost %r, extra %r" % (
        sorted(acked - got)[:5], sorted(got - acked)[:5])
    assert len(rows) == len(acked), "an answer doubled"
    assert_html(s.get(open_t[0]["path"]), 409, "answered after restart")
    assert_html(s.get(open_t[1]["path"]), 200, "still open after restart")
    rc, out, err = verify(s.data)
    assert rc == 0, "verify after freeing space: rc %d\n%s%s" % (rc, out, err)


if __name__ == "__main__":
    if os.geteuid() != 0:
        print("SKIP: test_diskfull.py needs root to mount a tmpfs")
        sys.exit(77)
    if not shutil.which("mount"):
        print("SKIP: no mount(8)")
        sys.exit(77)
    run()
