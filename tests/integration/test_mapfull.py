"""The LMDB map fills while the server takes answers and grows with no
failed request: a data directory created with a 1 MiB map (`map_size = 1m`
in the config) takes tickets answered over HTTP with 1000-character
comments; every answer 200, the server logs the map's growth, data.mdb
ends larger than the initial map, every answer is exported with its
comment and verify is clean."""

import http.client
import json
import os
import threading

from hl import (Server, add_key, assert_html, export_json, form_body,
                full_answer, request, run, test, valid_procedure, valid_unit,
                verify)

MAP_INITIAL = 1024 * 1024	# map_size = 1m
ANSWERS = 400			# per round
ROUNDS = 4			# at most, until the map has grown
THREADS = 8
COMMENT = ("Thủ tục được giải quyết đúng hẹn; "
           "cán bộ hướng dẫn tận tình. "
           * 20)[:999] + "."
FORM_H = {"Content-Type": "application/x-www-form-urlencoded"}


def fan_out(port, jobs, work):
    lock = threading.Lock()
    todo = list(jobs)
    out = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while True:
                with lock:
                    if not todo:
                        return
                    job = todo.pop()
                try:
                    res = work(conn, job)
                except Exception as e:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port,
                                                      timeout=30)
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
        t.join(120)
    assert not any(t.is_alive() for t in ths), "threads stuck"
    return out


@test
def map_grows_under_answers():
    # The server creates the directory (the key comes after), so the map
    # starts at its configured size.
    s = Server(config="[server]\nmap_size = 1m\n", make_key=False)
    mdb = os.path.join(s.data, "data.mdb")
    with s:
        s.key = add_key(s.data, "counter")
        before = os.path.getsize(mdb)
        assert before <= MAP_INITIAL, "map already past 1 MiB: %d" % before
        old = len(export_json(s.data))
        proc = valid_procedure(s)["code"]
        unit = valid_unit(s)["code"]
        hdr = {"Content-Type": "application/json",
               "Authorization": "Bearer " + s.key}
        tickets = []
        for rnd in range(ROUNDS):
            res = fan_out(s.port, range(ANSWERS), lambda c, i: request(
                c, "POST", "/api/v1/tickets", json.dumps(
                    {"procedure": proc, "unit": unit,
                     "case": "MAP-%d-%d" % (rnd, i)}), hdr))
            bad = [r for _, r in res
                   if isinstance(r, Exception) or r[0] != 201]
            assert not bad, "issue failed: %r" % (bad[:3],)
            batch = [json.loads(r[2]) for _, r in res]
            tickets += batch
            page = assert_html(s.get("/s/" + batch[0]["token"]), 200,
                               "survey")
            body = form_body(full_answer(page, 3, comment=COMMENT))
            res = fan_out(s.port, batch, lambda c, t: request(
                c, "POST", "/s/" + t["token"], body, FORM_H))
            bad = [(t["code"], r if isinstance(r, Exception) else r[0])
                   for t, r in res
                   if isinstance(r, Exception) or r[0] != 200]
            assert not bad, "%d answers failed: %r" % (len(bad), bad[:5])
            if os.path.getsize(mdb) > MAP_INITIAL:
                break
        after = os.path.getsize(mdb)
        print("  data.mdb %.1f MiB before, %.1f MiB after %d answers of %d "
              "characters (initial map %d MiB)" % (
                  before / 1048576.0, after / 1048576.0, len(tickets),
                  len(COMMENT), MAP_INITIAL // 1048576))
        assert after > MAP_INITIAL, "data.mdb %d not past the map" % after
        log = s.read_stderr()
        assert "map grown" in log, "no growth logged:\n%s" % log
        rows = export_json(s.data)
        codes = {t["code"] for t in tickets}
        mine = [r for r in rows if r["ticket_code"] in codes]
        assert len(rows) == old + len(tickets), "rows %d, want %d" % (
            len(rows), old + len(tickets))
        assert len(mine) == len(tickets), "%d of %d answers exported" % (
            len(mine), len(tickets))
        wrong = [r["ticket_code"] for r in mine
                 if r.get("comment") != COMMENT]
        assert not wrong, "comment changed: %r, e.g. %r" % (
            wrong[:3], [r.get("comment") for r in mine
                        if r.get("comment") != COMMENT][0][-40:])
        rc, out, err = verify(s.data)
        assert rc == 0, "verify rc %d\n%s%s" % (rc, out, err)

if __name__ == "__main__":
    run()
