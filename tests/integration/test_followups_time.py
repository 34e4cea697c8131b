"""Follow-ups against the calendar, under libfaketime: an item not
answered by the end of its fifth working day (weekends and the days off
of schema/daysoff.csv skipped) is overdue, and the head of the parent
unit sees it too, marked so, without the call-back number; an answer
takes it back; a sibling unit's head never sees it. The writer marks an
overdue item in its history and posts an `overdue` event to the webhook,
once, and again only after the item is opened again."""

import json
import time

from fakeclock import faked_server, faked_start, local
from hl import (add_key, assert_html, assert_json_error, assert_status,
                cli, full_answer, json_of, new_ticket, run, test)
from receiver import SECRET, Receiver

UNIT = "92-VD01"


def bearer(key):
    return {"Authorization": "Bearer " + key}


def listed(s, key, state="open"):
    r = s.http("GET", "/api/v1/followups?state=" + state, None, bearer(key))
    assert_status(r, 200, "list")
    return json_of(*r, what="list")["items"]


def low_rating(s, clock, when, comment):
    clock.set(when)
    t = new_ticket(s, unit=UNIT)
    page = assert_html(s.get(t["path"]), 200, "survey")
    assert_status(s.post_form(t["path"], full_answer(page, 1,
                                                     comment=comment)),
                  200, "answer")
    return t


@test
def escalation_over_a_weekend():
    s, clock = faked_server()
    try:
        head = add_key(s.data, "head", unit=UNIT)
        parent = add_key(s.data, "head", unit="92")
        sibling = add_key(s.data, "head", unit="92-VD02")
        # Friday 4 December 2026, 10:00.
        t = low_rating(s, clock, local(2026, 12, 4, 10, 0), "thứ sáu")
        assert_html(s.post_form(t["path"] + "/followup", [
            ("text", "xin gọi lại"), ("phone", "0912345678"),
            ("consent", "yes")]), 200, "filed")
        it = listed(s, head)[0]
        # Mon 7 .. Fri 11: due by the end of Friday 11.
        assert it["deadline"] == "2026-12-12T00:00:00+07:00", it
        assert not it["overdue"]
        # The page names the last day, not the next day's midnight.
        page = assert_html(s.get("/followups", bearer(head)), 200, "inbox")
        assert "hết ngày 11/12/2026" in page and "12/12/2026 00:00" not in \
            page, page[-1500:]
        clock.set(local(2026, 12, 11, 23, 50))
        assert not listed(s, head)[0]["overdue"]
        assert listed(s, parent) == [] and listed(s, head, "overdue") == []
        # Saturday 12, just after midnight: overdue, escalated.
        clock.set(local(2026, 12, 12, 0, 10))
        mine = listed(s, head, "overdue")
        assert len(mine) == 1 and mine[0]["overdue"], mine
        assert not mine[0]["escalated"]
        up = listed(s, parent)
        assert [i["id"] for i in up] == [mine[0]["id"]], up
        assert up[0]["overdue"] and up[0]["escalated"]
        r = s.http("GET", "/api/v1/followups/" + up[0]["id"], None,
                   bearer(parent))
        assert_status(r, 200, "parent reads")
        full = json_of(*r)
        assert "contact" not in full and full["has_contact"], full
        r = s.http("GET", "/api/v1/followups/" + up[0]["id"], None,
                   bearer(head))
        assert json_of(*r)["contact"] == "0912345678"
        page = assert_html(s.get("/followups", bearer(parent)), 200, "inbox")
        assert "Quá hạn" in page and up[0]["id"] in page
        assert listed(s, sibling, "all") == []
        r = s.http("GET", "/api/v1/followups/" + up[0]["id"], None,
                   bearer(sibling))
        assert_json_error(r, 404, "sibling")
        # The parent's head answers; no longer overdue nor escalated.
        r = s.http("POST", "/api/v1/followups/%s/reply" % up[0]["id"],
                   {"text": "Đã chỉ đạo xử lý", "state": "answered"},
                   bearer(parent))
        assert_status(r, 200, "parent answers")
        assert listed(s, parent, "all") == []
        got = listed(s, head, "answered")
        assert got[0]["answered_at"].startswith("2026-12-12T00:"), got
        # Created on a Saturday: counted from Monday 14.
        low_rating(s, clock, local(2026, 12, 12, 9, 0), "thứ bảy")
        it = [i for i in listed(s, head) if i["text"] == "thứ bảy"][0]
        assert it["deadline"] == "2026-12-19T00:00:00+07:00", it
    finally:
        s.stop()


@test
def days_off_are_skipped():
    s, clock = faked_server()
    try:
        head = add_key(s.data, "head", unit=UNIT)
        # Friday 24 April 2026; days off 27 and 30 April, 1 May.
        low_rating(s, clock, local(2026, 4, 24, 15, 0), "trước lễ")
        it = listed(s, head)[0]
        # Tue 28, Wed 29, Mon 4, Tue 5, Wed 6 May.
        assert it["deadline"] == "2026-05-07T00:00:00+07:00", it
    finally:
        s.stop()


def answered_at(s, clock, when, key, fid, state="answered"):
    clock.set(when)
    r = s.http("POST", "/api/v1/followups/%s/reply" % fid,
               {"text": "Đã xử lý", "state": state}, bearer(key))
    assert_status(r, 200, "reply")


def by_text(s, key, text):
    return [i for i in listed(s, key, "all") if i["text"] == text][0]["id"]


def filed(s, clock, when, unit, text, case=None):
    clock.set(when)
    t = new_ticket(s, unit=unit, **({"case": case} if case else {}))
    page = assert_html(s.get(t["path"]), 200, "survey")
    assert_status(s.post_form(t["path"], full_answer(page, 3)), 200, "ans")
    assert_html(s.post_form(t["path"] + "/followup", [("text", text)]),
                200, "filed")


@test
def report_figures():
    s, clock = faked_server()
    try:
        head = add_key(s.data, "head", unit=UNIT)
        head2 = add_key(s.data, "head", unit="92-VD02")
        viewer = add_key(s.data, "viewer")
        filed(s, clock, local(2026, 12, 4, 10, 0), UNIT, "một", "HS-A")
        filed(s, clock, local(2026, 12, 4, 11, 0), UNIT, "hai", "HS-B")
        low_rating(s, clock, local(2026, 12, 7, 9, 0), "ba")
        filed(s, clock, local(2026, 12, 7, 9, 0), "92-VD02", "bốn")
        # November: not in December's figures, but overdue now.
        low_rating(s, clock, local(2026, 11, 30, 9, 0), "cũ")
        answered_at(s, clock, local(2026, 12, 7, 10, 0), head,
                    by_text(s, head, "một"))		# 72 h, in time
        answered_at(s, clock, local(2026, 12, 14, 9, 0), head,
                    by_text(s, head, "hai"))		# 238 h, late
        answered_at(s, clock, local(2026, 12, 8, 9, 0), head2,
                    by_text(s, head2, "bốn"))		# 24 h, in time
        clock.set(local(2026, 12, 20, 9, 0))
        r = s.http("GET", "/api/v1/reports/monthly?month=2026-12", None,
                   bearer(viewer))
        assert_status(r, 200, "report")
        fu = json_of(*r)["followups"]
        t = fu["total"]
        assert (t["received"], t["answered"], t["answered_in_time"],
                t["overdue_now"]) == (4, 3, 2, 2), t
        assert abs(t["median_hours"] - 72.0) < 0.01, t
        assert fu["dossiers_with_complaint"] == 2, fu
        u = {x["unit"]: x for x in fu["units"]}
        assert (u[UNIT]["received"], u[UNIT]["answered"],
                u[UNIT]["answered_in_time"], u[UNIT]["overdue_now"]) == \
            (3, 2, 1, 2), u[UNIT]
        assert abs(u[UNIT]["median_hours"] - 155.0) < 0.01, u[UNIT]
        assert abs(u["92-VD02"]["median_hours"] - 24.0) < 0.01
        assert "text" not in json.dumps(fu).replace("unit_name", ""), fu
        # A unit's report: its subtree only.
        r = s.http("GET", "/api/v1/reports/monthly?month=2026-12&unit="
                   "92-VD02", None, bearer(viewer))
        fu2 = json_of(*r)["followups"]
        assert fu2["total"]["received"] == 1, fu2
        assert fu2["dossiers_with_complaint"] == 0
        # November: the old item only.
        r = s.http("GET", "/api/v1/reports/monthly?month=2026-11", None,
                   bearer(viewer))
        t = json_of(*r)["followups"]["total"]
        assert t["received"] == 1 and t["answered"] == 0, t
        page = assert_html(s.get("/reports/monthly?month=2026-12",
                                 bearer(viewer)), 200, "html")
        assert 'id="followups-table"' in page and (
            "155,0 giờ" in page or "155.0 giờ" in page), \
            page[page.find("followups-table"):][:2000]
        st, hd, body = s.get("/reports/monthly.csv?month=2026-12",
                             bearer(viewer))
        assert st == 200 and "Phản ánh, kiến nghị".encode() in body
    finally:
        s.stop()


def history(s, key, fid):
    r = s.http("GET", "/api/v1/followups/" + fid, None, bearer(key))
    assert_status(r, 200, "item")
    return [h["action"] for h in json_of(*r)["history"]]


def wait_until(fn, secs, what):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if fn():
            return
        time.sleep(0.2)
    raise AssertionError("timed out: " + what)


@test
def overdue_marked_and_posted_once():
    rcv = Receiver()
    s, clock = faked_server(config="[webhook]\nurl = http://127.0.0.1:%d/h"
                            "\nsecret = %s\nretry = 1\n" % (rcv.port, SECRET))
    try:
        head = add_key(s.data, "head", unit=UNIT)
        low_rating(s, clock, local(2026, 12, 4, 10, 0), "chờ quá lâu")
        fid = listed(s, head)[0]["id"]

        def events():
            return [b["event"] for _, b, _, _ in rcv.log]
        wait_until(lambda: events() == ["opened"], 30, "opened posted")
        # Friday 11, evening: not yet; a pass at start marks nothing.
        clock.set(local(2026, 12, 11, 23, 0))
        s.stop()
        faked_start(s, clock)
        time.sleep(1.5)
        assert history(s, head, fid) == ["opened"], history(s, head, fid)
        # Saturday 12: overdue; the pass at start marks and posts it.
        clock.set(local(2026, 12, 12, 0, 10))
        s.stop()
        faked_start(s, clock)
        wait_until(lambda: events() == ["opened", "overdue"], 30,
                   "overdue posted (%r)" % events())
        body = rcv.log[-1][1]
        assert body["item"]["id"] == fid and body["item"]["state"] == \
            "open", body
        assert history(s, head, fid) == ["opened", "overdue"]
        page = assert_html(s.get("/followups/" + fid, bearer(head)), 200,
                           "item page")
        assert "Quá hạn trả lời" in page
        # Another pass: said once.
        s.stop()
        faked_start(s, clock)
        time.sleep(2)
        assert events() == ["opened", "overdue"], events()
        assert history(s, head, fid).count("overdue") == 1
        # Answered, then opened again: overdue again, once more.
        for st in ("answered", "open"):
            r = s.http("POST", "/api/v1/followups/%s/reply" % fid,
                       {"text": "xem lại", "state": st}, bearer(head))
            assert_status(r, 200, st)
        s.stop()
        faked_start(s, clock)
        wait_until(lambda: events().count("overdue") == 2, 30,
                   "overdue again (%r)" % events())
        assert history(s, head, fid) == ["opened", "overdue", "reply",
                                         "reply", "overdue"]
        s.stop()
        rc, out, err = cli("verify", "--data", s.data)
        assert rc == 0 and out.startswith("ok:"), (rc, out, err)
    finally:
        s.kill()
        rcv.stop()


if __name__ == "__main__":
    run()
