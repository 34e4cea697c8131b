"""Graceful stop: SIGTERM while 16 clients are answering. The server takes
no new connection, answers every client whose write it stored (an answer
is in the export exactly when its client saw 200), and exits 0."""

import http.client
import json
import os
import random
import signal
import threading
import time

from hl import (Server, assert_html, form_body, full_answer, request, run,
                test, valid_procedure, valid_unit, verify)

THREADS = 16
ROUNDS = int(os.environ.get("HL_SOAK_STOPS", "6"))
TICKETS_PER_ROUND = 400
FORM_H = {"Content-Type": "application/x-www-form-urlencoded"}
# A connection opened this long after SIGTERM must not be served (the
# signal reaches the server's main thread within this, even on a loaded
# 2-core machine).
ACCEPT_GRACE = 0.2


def issue_many(s, n, tag):
    proc = valid_procedure(s)["code"]
    unit = valid_unit(s)["code"]
    hdr = {"Content-Type": "application/json",
           "Authorization": "Bearer " + s.key}
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    out = []
    try:
        for i in range(n):
            r = request(conn, "POST", "/api/v1/tickets", json.dumps(
                {"procedure": proc, "unit": unit, "case": "%s-%d" % (tag, i)}),
                hdr)
            assert r[0] == 201, r
            out.append(json.loads(r[2]))
    finally:
        conn.close()
    return out


def load(port, tickets, body_of, stopped):
    """Answers tickets on THREADS threads until they run out or stopped is
    set; even threads keep their connection alive, odd ones open one per
    request. Returns [(ticket, status or exception, connect time)]."""
    lock = threading.Lock()
    todo = list(tickets)
    out = []

    def worker(keep):
        conn = None
        while not stopped.is_set():
            with lock:
                if not todo:
                    break
                t = todo.pop()
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port,
                                                  timeout=10)
                born = time.monotonic()
            h = dict(FORM_H)
            if not keep:
                h["Connection"] = "close"
            try:
                if conn.sock is None:
                    conn.connect()
                res = request(conn, "POST", "/s/" + t["token"], body_of(t),
                              h)[0]
            except Exception as e:
                res = e
                conn.close()
                conn = None
            with lock:
                out.append((t, res, born))
            if not keep and conn is not None:
                conn.close()
                conn = None
            if isinstance(res, Exception):
                time.sleep(0.01)
        if conn is not None:
            conn.close()

    ths = [threading.Thread(target=worker, args=(i % 2 == 0,), daemon=True)
           for i in range(THREADS)]
    for t in ths:
        t.start()
    return ths, out


@test
def sigterm_under_load():
    rnd = random.Random(os.environ.get("HL_SEED", str(time.time())))
    with Server() as s:
        page_t = issue_many(s, 1, "page")[0]
        page = assert_html(s.get("/s/" + page_t["token"]), 200, "survey")
        acked = set()
        for rnd_no in range(ROUNDS):
            tickets = issue_many(s, TICKETS_PER_ROUND, "t%d" % rnd_no)
            codes = {t["code"] for t in tickets}
            overall = {t["code"]: 1 + i % 5 for i, t in enumerate(tickets)}

            def body_of(t):
                return form_body(full_answer(page, overall[t["code"]]))

            stopped = threading.Event()
            ths, out = load(s.port, tickets, body_of, stopped)
            time.sleep(rnd.uniform(0.1, 0.4))
            proc = s.proc
            t_term = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            try:
                rc = proc.wait(timeout=10)
            except Exception:
                proc.kill()
                proc.wait()
                raise AssertionError("round %d: no exit within 10 s of "
                                     "SIGTERM" % rnd_no)
            t_exit = time.monotonic()
            # Let the clients see the end, then stop them.
            time.sleep(0.2)
            stopped.set()
            for th in ths:
                th.join(20)
            assert not any(th.is_alive() for th in ths), "clients stuck"
            s.proc = None
            assert rc == 0, "round %d: exit %d after SIGTERM\n%s" % (
                rnd_no, rc, s.read_stderr())

            ok = {t["code"] for t, r, _ in out if r == 200}
            odd = [(t["code"], r) for t, r, _ in out
                   if isinstance(r, int) and r not in (200, 503)]
            assert not odd, "round %d: statuses %r" % (rnd_no, odd[:5])
            late = [t["code"] for t, r, born in out
                    if r == 200 and born > t_term + ACCEPT_GRACE]
            assert not late, ("round %d: %d answers served on connections "
                              "opened after SIGTERM" % (rnd_no, len(late)))
            errs = [(t["code"], r) for t, r, _ in out
                    if isinstance(r, Exception)]

            s.start()
            rows = s.export()
            stored = [r["ticket_code"] for r in rows
                      if r["ticket_code"] in codes]
            assert len(stored) == len(set(stored)), "stored twice"
            stored = set(stored)
            reset = [(c, repr(e)) for c, e in errs if c in stored]
            assert not reset, ("round %d: %d answers stored whose client "
                               "got no answer: %r" % (rnd_no, len(reset),
                                                      reset[:5]))
            refused = [(t["code"], r) for t, r, _ in out
                       if r == 503 and t["code"] in stored]
            assert not refused, "503 but stored: %r" % (refused[:5],)
            lost = ok - stored
            assert not lost, "round %d: %d acknowledged answers lost" % (
                rnd_no, len(lost))
            acked |= ok
            every = {r["ticket_code"] for r in rows}
            assert acked <= every, "earlier answers lost"
            print("  round %d: %d answered, %d refused (503), %d errors, "
                  "stop took %.2fs" % (rnd_no, len(ok), sum(
                      1 for _, r, _ in out if r == 503), len(errs),
                      t_exit - t_term))
        rc, out, err = verify(s.data)
        assert rc == 0, "verify: rc %d\n%s%s" % (rc, out, err)
        assert acked, "nothing answered"


@test
def sigterm_idle_and_sigint():
    # With nothing in flight: exit 0 promptly, for SIGTERM and SIGINT, and
    # nothing listens afterwards.
    with Server() as s:
        for sig in (signal.SIGTERM, signal.SIGINT):
            port = s.port
            t0 = time.monotonic()
            s.stop(sig)
            assert time.monotonic() - t0 < 3, "slow stop: %.1fs" % (
                time.monotonic() - t0)
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/healthz")
                st = c.getresponse().status
            except OSError:
                st = None
            assert st is None, "still answering after exit: %r" % st
            s.start()
        rc, out, err = verify(s.data)
        assert rc == 0, (rc, out, err)


if __name__ == "__main__":
    run()
