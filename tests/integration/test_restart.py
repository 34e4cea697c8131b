"""Durability across a restart: answered stays answered, open stays open,
the export and the aggregates are unchanged."""

import signal

from hl import (Server, assert_html, assert_status, export_csv, full_answer,
                new_ticket, run, test, verify)


@test
def restart_keeps_state():
    with Server() as s:
        ts = [new_ticket(s, case="R-%d" % i) for i in range(6)]
        page = assert_html(s.get(ts[0]["path"]), 200, "survey")
        for i, t in enumerate(ts[:3]):
            assert_status(s.post_form(t["path"], full_answer(
                page, 5 - i, pick=i, comment="lần %d" % i)), 200, "answer")
        before = s.export()
        before_csv = export_csv(s.data)
        assert len(before) == 3, before
        s.restart()
        # Answered: 409; open: still answerable; same tokens, same codes.
        for t in ts[:3]:
            assert_html(s.get(t["path"]), 409, "answered after restart")
            assert_html(s.post_form(t["path"], full_answer(page, 1)), 409,
                        "re-answer after restart")
        for t in ts[3:]:
            assert_html(s.get(t["path"]), 200, "open after restart")
        assert s.export() == before, "export changed by the restart"
        assert export_csv(s.data) == before_csv, "CSV changed by restart"
        # Idempotent issuance survives too.
        again = new_ticket(s, want=200, case="R-4")
        assert again["token"] == ts[4]["token"], (again, ts[4])
        # The short code still resolves.
        st, hd, _ = s.get("/c?code=" + ts[5]["code"])
        assert st == 303 and hd.get("location", "").upper().endswith(
            "/S/" + ts[5]["token"].upper()), (st, hd)
        assert_status(s.post_form(ts[3]["path"], full_answer(page, 2)), 200,
                      "answer after restart")
        after = s.export()
        assert len(after) == 4, after
        assert all(r in after for r in before), (before, after)
        s.stop()
        rc, out, err = verify(s.data)
        assert rc == 0 and out.startswith("ok:"), (rc, out, err)
        # SIGINT stops it cleanly as well, and the data is still there.
        s.start()
        assert len(s.export()) == 4
        s.stop(signal.SIGINT)
        rc, out, err = verify(s.data)
        assert rc == 0, (rc, out, err)


@test
def kill_loses_nothing_acknowledged():
    # An answer acknowledged with 200 is durable: SIGKILL right after must
    # not lose it (the writer answers only after the commit).
    with Server() as s:
        ts = [new_ticket(s) for _ in range(5)]
        page = assert_html(s.get(ts[0]["path"]), 200, "survey")
        for t in ts:
            assert_status(s.post_form(t["path"], full_answer(page, 4)), 200,
                          "answer")
        s.kill()
        s.start()
        rows = s.export()
        assert sorted(r["ticket_code"] for r in rows) == sorted(
            t["code"] for t in ts), rows
        for t in ts:
            assert_html(s.get(t["path"]), 409, "answered after kill")
        rc, out, err = verify(s.data)
        assert rc == 0, (rc, out, err)


if __name__ == "__main__":
    run()
