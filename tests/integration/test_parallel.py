"""Many citizens at once: 300 tickets answered by 16 threads, each on its
own keep-alive connection; nothing lost, nothing doubled."""

import collections
import http.client
import json
import threading

from hl import (Server, assert_html, form_body, full_answer,
                new_ticket, request, run, test, valid_procedure, valid_unit,
                verify)

THREADS = 16
TICKETS = 300


def fan_out(s, jobs, work):
    """Runs work(conn, job) for every job on THREADS threads, each with its
    own connection; returns [(job, result or exception)]."""
    lock = threading.Lock()
    todo = list(jobs)
    out = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
        try:
            while True:
                with lock:
                    if not todo:
                        return
                    job = todo.pop()
                try:
                    res = work(conn, job)
                except Exception as e:	# reported by the caller
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", s.port,
                                                      timeout=30)
                    res = e
                with lock:
                    out.append((job, res))
        finally:
            conn.close()

    ths = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in ths:
        t.start()
    for t in ths:
        t.join(120)
    assert not any(t.is_alive() for t in ths), "threads stuck"
    return out


@test
def many_answers_at_once():
    with Server() as s:
        proc = valid_procedure(s)["code"]
        unit = valid_unit(s)["code"]
        hdr = {"Content-Type": "application/json",
               "Authorization": "Bearer " + s.key}

        def issue(conn, i):
            return request(conn, "POST", "/api/v1/tickets", json.dumps(
                {"procedure": proc, "unit": unit, "case": "P-%d" % i}),
                hdr)

        res = fan_out(s, range(TICKETS), issue)
        bad = [(i, r) for i, r in res if isinstance(r, Exception) or
               r[0] != 201]
        assert not bad, "issue failures: %r" % (bad[:5],)
        tickets = [json.loads(r[2]) for _, r in res]
        assert len({t["token"] for t in tickets}) == TICKETS
        page = assert_html(s.get("/s/" + tickets[0]["token"]), 200, "page")
        sent = {}
        for n, t in enumerate(tickets):
            sent[t["code"]] = 1 + n % 5
        fh = {"Content-Type": "application/x-www-form-urlencoded"}

        def answer(conn, t):
            pairs = full_answer(page, sent[t["code"]], pick=len(t["code"]))
            return request(conn, "POST", "/s/" + t["token"],
                           form_body(pairs), fh)

        res = fan_out(s, tickets, answer)
        bad = [(t["code"], r if isinstance(r, Exception) else r[:1] + r[2:])
               for t, r in res if isinstance(r, Exception) or r[0] != 200]
        assert not bad, "%d answers failed: %r" % (len(bad), bad[:5])
        rc, out, err = verify(s.data)		# while the server runs
        assert rc == 0, "verify while serving: rc %d\n%s%s" % (rc, out, err)
        rows = s.export()
        assert len(rows) == TICKETS, "%d rows" % len(rows)
        got = {r["ticket_code"]: r["overall"] for r in rows}
        assert got == sent, "answers differ from what was sent"
        hist = collections.Counter(r["overall"] for r in rows)
        assert hist == collections.Counter(sent.values()), hist


@test
def double_submit_races():
    # Two connections answer the same ticket at the same moment: exactly
    # one 200 and one 409, one row.
    with Server() as s:
        tickets = [new_ticket(s) for _ in range(20)]
        page = assert_html(s.get("/s/" + tickets[0]["token"]), 200, "page")
        body = form_body(full_answer(page, 3))
        fh = {"Content-Type": "application/x-www-form-urlencoded"}
        results = collections.defaultdict(list)
        lock = threading.Lock()

        def one(t, barrier):
            conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
            try:
                barrier.wait(10)
                st = request(conn, "POST", "/s/" + t["token"], body, fh)[0]
            finally:
                conn.close()
            with lock:
                results[t["code"]].append(st)

        for t in tickets:
            barrier = threading.Barrier(2)
            ths = [threading.Thread(target=one, args=(t, barrier))
                   for _ in range(2)]
            for th in ths:
                th.start()
            for th in ths:
                th.join(30)
        for code, sts in results.items():
            assert sorted(sts) == [200, 409], "%s: %r" % (code, sts)
        assert len(results) == 20
        rows = s.export()
        assert len(rows) == 20, len(rows)
        rc, out, err = verify(s.data)
        assert rc == 0, (rc, out, err)


if __name__ == "__main__":
    run()
