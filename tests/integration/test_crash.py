"""SIGKILL under load: 16 threads answer fresh tickets while the server is
killed at random moments. After each restart every answer acknowledged
with 200 is stored exactly once, its ticket stays answered, an answer that
got no reply is either wholly stored or wholly absent, and verify is clean.
HL_SOAK_KILLS sets the number of kills (5 by default)."""

import collections
import http.client
import json
import os
import random
import threading
import time

from hl import (Server, assert_html, form_body, full_answer, request, run,
                test, valid_procedure, valid_unit, verify)

THREADS = 16
KILLS = int(os.environ.get("HL_SOAK_KILLS", "5"))
TICKETS_PER_ROUND = 600
FORM_H = {"Content-Type": "application/x-www-form-urlencoded"}


def fan_out(port, jobs, work, stop=None):
    """Runs work(conn, job) over jobs on THREADS threads with keep-alive
    connections; returns [(job, result or exception)]. Once stop is set,
    the remaining jobs are left undone."""
    lock = threading.Lock()
    todo = list(jobs)
    out = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            while stop is None or not stop.is_set():
                with lock:
                    if not todo:
                        return
                    job = todo.pop()
                try:
                    res = work(conn, job)
                except Exception as e:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port,
                                                      timeout=10)
                    res = e
                with lock:
                    out.append((job, res))
        finally:
            conn.close()

    ths = [threading.Thread(target=worker, daemon=True)
           for _ in range(THREADS)]
    for t in ths:
        t.start()
    for t in ths:
        t.join(60)
    assert not any(t.is_alive() for t in ths), "threads stuck"
    return out


def issue_many(s, n, tag):
    proc = valid_procedure(s)["code"]
    unit = valid_unit(s)["code"]
    hdr = {"Content-Type": "application/json",
           "Authorization": "Bearer " + s.key}

    def one(conn, i):
        return request(conn, "POST", "/api/v1/tickets", json.dumps(
            {"procedure": proc, "unit": unit, "case": "%s-%d" % (tag, i)}),
            hdr)

    res = fan_out(s.port, range(n), one)
    bad = [r for _, r in res if isinstance(r, Exception) or r[0] != 201]
    assert not bad, "issue failed: %r" % (bad[:3],)
    return [json.loads(r[2]) for _, r in res]


@test
def kill_under_load():
    rnd = random.Random(os.environ.get("HL_SEED", str(time.time())))
    with Server() as s:
        first = issue_many(s, 1, "page")[0]
        page = assert_html(s.get("/s/" + first["token"]), 200, "survey")
        acked = {}		# ticket code -> token, answered with 200
        sent = {}		# ticket code -> overall sent (any outcome)
        for kill in range(KILLS):
            tickets = issue_many(s, TICKETS_PER_ROUND, "k%d" % kill)
            for n, t in enumerate(tickets):
                sent[t["code"]] = 1 + (n + kill) % 5
            stop = threading.Event()
            result = {}

            def answer(conn, t):
                pairs = full_answer(page, sent[t["code"]], pick=kill)
                return request(conn, "POST", "/s/" + t["token"],
                               form_body(pairs), FORM_H)

            def load():
                result["res"] = fan_out(s.port, tickets, answer, stop)

            th = threading.Thread(target=load, daemon=True)
            th.start()
            time.sleep(rnd.uniform(0.05, 0.5))
            s.kill()
            stop.set()
            th.join(60)
            assert not th.is_alive(), "load stuck after the kill"
            res = result["res"]
            ok = {t["code"]: t for t, r in res
                  if not isinstance(r, Exception) and r[0] == 200}
            other = [(t["code"], r[0]) for t, r in res
                     if not isinstance(r, Exception) and r[0] != 200]
            assert not other, "answers refused before the kill: %r" % (
                other[:5],)
            inflight = [t for t, r in res if isinstance(r, Exception)]
            unsent = {t["code"] for t in tickets} - ok.keys() - {
                t["code"] for t in inflight}
            acked.update({c: t["token"] for c, t in ok.items()})

            s.start()
            rows = s.export()
            count = collections.Counter(r["ticket_code"] for r in rows)
            twice = [c for c, n in count.items() if n > 1]
            assert not twice, "stored twice: %r" % (twice[:5],)
            lost = [c for c in acked if count[c] != 1]
            assert not lost, ("kill %d: %d acknowledged answers lost: %r" % (
                kill, len(lost), lost[:5]))
            phantom = [c for c in count if c not in sent or c in unsent]
            assert not phantom, "rows never sent: %r" % (phantom[:5],)
            byc = {r["ticket_code"]: r for r in rows}
            wrong = [c for c in acked if byc[c]["overall"] != sent[c]]
            assert not wrong, "stored a different overall: %r" % (wrong[:5],)
            # Acknowledged: answered for good. In flight: the ticket's state
            # and the stored row agree (both or neither). Unsent: open.
            conn = http.client.HTTPConnection("127.0.0.1", s.port,
                                              timeout=10)
            try:
                body = form_body(full_answer(page, 1))
                for c in ok:
                    st = request(conn, "POST", "/s/" + ok[c]["token"],
                                 body, FORM_H)[0]
                    assert st == 409, "acked %s answered again: %d" % (c, st)
                earlier = [c for c in acked if c not in ok]
                for c in rnd.sample(earlier, min(50, len(earlier))):
                    st = request(conn, "GET", "/s/" + acked[c])[0]
                    assert st == 409, "earlier %s: %d" % (c, st)
                for t in inflight:
                    st = request(conn, "GET", "/s/" + t["token"])[0]
                    want = 409 if count[t["code"]] else 200
                    assert st == want, ("in flight %s: GET %d, stored %d" % (
                        t["code"], st, count[t["code"]]))
            finally:
                conn.close()
            rc, out, err = verify(s.data)
            assert rc == 0, "kill %d: verify rc %d\n%s%s" % (kill, rc, out,
                                                               err)
            print("  kill %d: %d acknowledged, %d in flight, %d unsent" % (
                kill, len(ok), len(inflight), len(unsent)))
        assert len(acked) > 0, "no answer acknowledged in any round"


if __name__ == "__main__":
    run()
