"""Follow-ups against the calendar, under libfaketime: an item not
answered by the end of its fifth working day (weekends and the days off
of schema/daysoff.csv skipped) is overdue, and the head of the parent
unit sees it too, marked so, without the call-back number; an answer
takes it back; a sibling unit's head never sees it."""

from fakeclock import faked_server, local
from hl import (add_key, assert_html, assert_json_error, assert_status,
                full_answer, json_of, new_ticket, run, test)

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


if __name__ == "__main__":
    run()
