"""The LMDB map fills while the server takes answers and grows with no
failed request. A data directory cannot be given a map smaller than
STORE_MAPSIZE_INITIAL (64 MiB, server/store.h: store_open() raises a
smaller recorded map to it), so the directory is first filled close to
that size with `hailong dev-fill`; then 2 000 tickets are answered over
HTTP with 1000-character comments: every answer 200, the server logs the
map's growth, data.mdb ends larger than the initial map, every answer is
exported with its comment and verify is clean."""

import http.client
import json
import os
import threading

from hl import (Server, assert_html, cli_ok, export_json, form_body,
                full_answer, request, run, test, valid_procedure, valid_unit,
                verify)

MAP_INITIAL = 64 * 1024 * 1024	# STORE_MAPSIZE_INITIAL
HEADROOM = 512 * 1024		# left free before the HTTP answers
ANSWERS = 2000			# per round
ROUNDS = 4			# at most, until the map has grown
THREADS = 8
COMMENT = ("Thủ tục được giải quyết đúng hẹn; cán bộ hướng dẫn tận tình. "
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


def fill(data, target):
    """dev-fill until data.mdb holds about target bytes."""
    mdb = os.path.join(data, "data.mdb")
    cli_ok("dev-fill", "--data", data, "--answers", 20000, "--seed", 1,
           timeout=120)
    per = os.path.getsize(mdb) / 20000.0
    seed = 2
    while os.path.getsize(mdb) < target - 128 * 1024:
        n = max(200, int((target - os.path.getsize(mdb)) / per))
        cli_ok("dev-fill", "--data", data, "--answers", n, "--seed", seed,
               timeout=120)
        seed += 1
    return os.path.getsize(mdb)


@test
def map_grows_under_answers():
    s = Server(create_dir=False)
    mdb = os.path.join(s.data, "data.mdb")
    before = fill(s.data, MAP_INITIAL - HEADROOM)
    assert before < MAP_INITIAL, "filled past the map: %d" % before
    old = len(export_json(s.data))
    with s:
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
