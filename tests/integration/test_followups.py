"""Follow-up items: a low rating with a comment opens one by itself; the
citizen files a complaint (with a call-back number only with the tick of
consent) from the thanks page or the answered ticket's page; the head of
the unit lists it, reads it with the number, answers it and closes it,
every change kept in the history; the citizen sees the answer at the
survey link and through the receipt code; another unit's head, a viewer
and a counter key never see it. Hostile texts are refused with a reason
(nothing stored) or stored as they are and escaped where shown. The
call-back number is never in clear in the data directory, the exports
or the log, and is deleted once the item has been closed for
contact_days."""

import html
import json
import os
import re
import time
import urllib.parse

from hl import (Server, add_key, assert_html, assert_json_error,
                assert_status, cli, cli_bytes, cli_ok, full_answer, json_of,
                new_ticket, run, test)

UNIT = "92-VD01"
OTHER = "92-VD02"
PHONE = "0912 345 678"
PHONE_CANON = "0912345678"
WALKIN_GAP = 4.2	# h.h: WALKIN_GAP_SEC between walk-ins of a kiosk
HOSTILE = ('<script>alert(1)</script> <b>x</b> "q" & '
           "=HYPERLINK(\"http://evil\",\"x\") +1-2 @SUM(A1)")


def bearer(key):
    return {"Authorization": "Bearer " + key}


def answered_ticket(s, overall, comment=None, unit=UNIT):
    """A ticket of unit answered on the phone; (ticket, thanks page)."""
    t = new_ticket(s, unit=unit)
    page = assert_html(s.get(t["path"]), 200, "survey")
    r = s.post_form(t["path"], full_answer(page, overall, comment=comment))
    return t, assert_html(r, 200, "thanks")


def items(s, key, state=None):
    path = "/api/v1/followups" + ("?state=" + state if state else "")
    r = s.http("GET", path, None, bearer(key))
    assert_status(r, 200, path)
    return json_of(*r, what=path)["items"]


def item(s, key, fid, want=200):
    r = s.http("GET", "/api/v1/followups/" + fid, None, bearer(key))
    if want != 200:
        assert_json_error(r, want, "item " + fid)
        return None
    assert_status(r, 200, "item")
    return json_of(*r, what="item")


def reply(s, key, fid, body, want=200):
    r = s.http("POST", "/api/v1/followups/%s/reply" % fid, body, bearer(key))
    if want != 200:
        return assert_json_error(r, want, "reply %r" % (body,))
    assert_status(r, 200, "reply")
    return json_of(*r, what="reply")


def file_form(s, t, pairs):
    return s.post_form(t["path"] + "/followup", pairs)


def escaped_in(page, text):
    """text is shown escaped: its escaped form is there, its raw markup
    never is."""
    assert html.escape(text, quote=False) in page or \
        html.escape(text) in page, "text not shown: %r" % page[-3000:]
    assert "<script>alert(1)</script>" not in page, "raw script shown"
    assert "<b>x</b>" not in page, "raw markup shown"


@test
def the_whole_loop():
    with Server() as s:
        head = add_key(s.data, "head", unit=UNIT)
        other = add_key(s.data, "head", unit=OTHER)
        parent = add_key(s.data, "head", unit="92")
        admin = add_key(s.data, "admin")
        viewer = add_key(s.data, "viewer", unit=UNIT)
        # A high rating opens nothing; the thanks page offers the form.
        t5, thanks = answered_ticket(s, 5)
        assert 'action="/s/%s/followup' % t5["token"] in thanks, thanks
        # The form starts empty: nothing of the page around it (its
        # message) in the box, on the thanks page or opened again.
        empty = re.compile(r'<textarea id="fu-text"[^>]*></textarea>')
        assert empty.search(thanks), thanks[thanks.find("fu-text"):][:300]
        again = s.get(t5["path"])[2].decode("utf-8")
        assert "fu-text" in again and empty.search(again), again[-2000:]
        assert items(s, head) == []
        # A rating of 1 with a comment opens an item by itself.
        t, thanks = answered_ticket(s, 1, comment="Chờ quá lâu")
        got = items(s, head)
        assert len(got) == 1, got
        fid = got[0]["id"]
        assert got[0]["origin"] == "low-rating" and not got[0]["filed"]
        assert got[0]["rating"] == 1 and got[0]["text"] == "Chờ quá lâu"
        assert got[0]["state"] == "open" and not got[0]["has_contact"]
        assert any(a["question"] == "overall" and a["level"] == 1
                   for a in got[0]["answers"]), got[0]["answers"]
        # The citizen files a complaint with a consented number.
        r = file_form(s, t, [("kind", "complaint"), ("text", HOSTILE),
                             ("phone", PHONE), ("consent", "yes")])
        page = assert_html(r, 200, "filed")
        escaped_in(page, HOSTILE)
        assert PHONE_CANON not in page and PHONE not in page
        # Thanked, not told the ticket was used up.
        assert "Cảm ơn Ông/Bà" in page and "Đơn vị đã nhận phản ánh" in page
        assert "Phiếu đã được trả lời" not in page
        # Filing twice is refused; the page shows what was filed.
        r = file_form(s, t, [("text", "again")])
        page = assert_html(r, 409, "filed twice")
        escaped_in(page, HOSTILE)
        # The head of the unit: listed, with the number on the item.
        got = items(s, head)
        assert [i["id"] for i in got] == [fid], got
        assert got[0]["filed"] and got[0]["origin"] == "phone"
        assert got[0]["text"] == HOSTILE
        assert "contact" not in got[0], "number in a list"
        it = item(s, head, fid)
        assert it["contact"] == PHONE_CANON, it
        assert [h["action"] for h in it["history"]] == ["opened", "filed"]
        # Nobody else: another unit's head, a viewer, a counter key.
        assert items(s, other) == []
        item(s, other, fid, 404)
        reply(s, other, fid, {"text": "x", "state": "closed"}, 404)
        assert items(s, parent) == [], "not escalated yet"
        item(s, parent, fid, 404)
        for k in (viewer, s.key):
            r = s.http("GET", "/api/v1/followups", None, bearer(k))
            assert_json_error(r, 403, "other role")
        # An admin sees it.
        assert [i["id"] for i in items(s, admin)] == [fid]
        # The inbox page (Bearer) lists it, escaped.
        pg = assert_html(s.get("/followups", bearer(head)), 200, "inbox")
        escaped_in(pg, HOSTILE)
        assert "/followups/" + fid in pg
        pg = assert_html(s.get("/followups/" + fid, bearer(head)), 200,
                         "item page")
        escaped_in(pg, HOSTILE)
        # Its history in words and local time, not the API's codes.
        hist = pg[pg.index('id="history"'):]
        hist = hist[:hist.index("</ol>")]
        assert "Mở tự động" in hist and "Người dân gửi phản ánh" in hist, \
            hist
        assert not re.search(r"\b(opened|filed|reply) \(", hist), hist
        assert not re.search(r"\d{4}-\d\d-\d\dT", hist), hist
        assert PHONE_CANON in pg
        pg = assert_html(s.get("/followups", bearer(other)), 200, "inbox")
        assert "/followups/" + fid not in pg
        # The answer, hostile too.
        answer = "Xin lỗi. " + HOSTILE + "\nĐã xử lý."
        out = reply(s, head, fid, {"text": answer, "state": "answered"})
        assert out["state"] == "answered" and out["answer"] == answer
        # The citizen sees it at the survey link and through the code.
        page = assert_html(s.get(t["path"]), 409, "answered ticket")
        escaped_in(page, answer)
        assert "fu-form" not in page, "form offered after filing"
        st, hd, _ = s.get("/c?code=" + urllib.parse.quote(t["code"]))
        assert st == 303 and hd["location"].endswith(t["path"]), (st, hd)
        page = assert_html(s.get(hd["location"].replace(s.base, "")), 409,
                           "by code")
        escaped_in(page, answer)
        # Close; history kept with who and when.
        out = reply(s, head, fid, {"state": "closed"})
        assert out["state"] == "closed" and out["closed_at"]
        it = item(s, head, fid)
        acts = [(h["action"], h["state"]) for h in it["history"]]
        assert acts == [("opened", "open"), ("filed", "open"),
                        ("reply", "answered"), ("reply", "closed")], acts
        assert all(h["at"] for h in it["history"])
        assert it["history"][2]["who"].endswith(" head-" +
                                                it["history"][2]["who"]
                                                .split(" head-")[-1])
        assert it["history"][2]["text"] == answer
        reply(s, head, fid, {"text": "late", "state": "answered"}, 409)
        assert items(s, head, "closed")[0]["id"] == fid
        assert items(s, head) == []


@test
def hostile_filings_change_nothing():
    with Server() as s:
        head = add_key(s.data, "head", unit=UNIT)
        t, _ = answered_ticket(s, 4)
        cases = [
            ([("text", "   ")], 422, "fu_error_text"),
            ([("text", "x" * 1001)], 422, "1000"),
            ([("text", "ok"), ("phone", "12ab")], 422, "8"),
            ([("text", "ok"), ("phone", "123")], 422, "8"),
            ([("text", "ok"), ("phone", PHONE)], 422, "consent"),
            ([("text", "ok"), ("kind", "spam")], 422, None),
            ([("text", "ok"), ("extra", "1")], 400, None),
            ([("text", "ok"), ("text", "twice")], 400, None),
        ]
        for pairs, want, _ in cases:
            r = file_form(s, t, pairs)
            assert_html(r, want, "filing %r" % (pairs,))
        # The form comes back with the reason in words.
        page = assert_html(file_form(s, t, [("text", "ok"),
                                            ("phone", PHONE)]), 422, "")
        assert "đồng ý" in page and PHONE in page, page[-2000:]
        page = assert_html(file_form(s, t, [("text", "x" * 1001)]), 422, "")
        assert "1000" in page
        # Control characters are refused before anything is read.
        r = s.post_form(t["path"] + "/followup", "text=a%01b")
        assert_html(r, 400, "control character")
        r = s.post_form(t["path"] + "/followup", "text=a%7Fb")
        assert_html(r, 400, "DEL")
        # A ticket not answered yet, a forged token.
        t2 = new_ticket(s, unit=UNIT)
        assert_html(file_form(s, t2, [("text", "ok")]), 422, "unanswered")
        bad = dict(t, path="/s/" + "0" * 32)
        assert_html(file_form(s, bad, [("text", "ok")]), 404, "forged")
        assert items(s, head, "all") == [], "something was stored"
        # 1000 characters of Vietnamese (up to 3 bytes each) are fine.
        r = file_form(s, t, [("text", "ệ" * 1000), ("kind", "request")])
        assert_html(r, 200, "1000 characters")
        got = items(s, head)
        assert len(got) == 1 and got[0]["kind"] == "request"
        assert got[0]["text"] == "ệ" * 1000 and not got[0]["has_contact"]


@test
def hostile_replies_change_nothing():
    with Server() as s:
        head = add_key(s.data, "head", unit=UNIT)
        t, _ = answered_ticket(s, 2, comment="chậm")
        fid = items(s, head)[0]["id"]
        bodies = [
            ({"text": "x", "state": "done"}, 422, "state"),
            ({"text": "x"}, 422, "state"),
            ({"text": 5, "state": "answered"}, 422, "text"),
            ({"text": "a\u0001b", "state": "answered"}, 422, "control"),
            ({"text": "x" * 1001, "state": "answered"}, 422, "1000"),
            ({"text": "x", "state": "answered", "who": "me"}, 422, "who"),
            ({"state": "answered"}, 422, "answer"),
            ({"text": " \n ", "state": "answered"}, 422, "text: empty"),
        ]
        for body, want, word in bodies:
            err = reply(s, head, fid, body, want)
            assert word in err["error"], (body, err)
        r = s.http("POST", "/api/v1/followups/%s/reply" % fid, b"{nope",
                   {"Content-Type": "application/json",
                    "Authorization": "Bearer " + head})
        assert_json_error(r, 400, "not JSON")
        for bad in ("zz", "0" * 16, fid[:-1] + "g"):
            reply(s, head, bad, {"text": "x", "state": "closed"}, 404)
        r = s.http("GET", "/api/v1/followups?state=lost", None, bearer(head))
        assert_json_error(r, 422, "state")
        it = item(s, head, fid)
        assert it["state"] == "open" and "answer" not in it
        assert [h["action"] for h in it["history"]] == ["opened"]


@test
def cookie_sessions_need_csrf():
    with Server() as s:
        head = add_key(s.data, "head", unit=UNIT)
        answered_ticket(s, 1, comment="tệ")
        st, hd, _ = s.post_form("/signin", [("key", head),
                                            ("next", "/followups")])
        assert st == 303 and hd["location"].endswith("/followups"), st
        cookie = {"Cookie": hd["set-cookie"].split(";")[0]}
        pg = assert_html(s.get("/followups", cookie), 200, "inbox")
        fid = re.search(r'href="/followups/([0-9a-f]{16})"', pg).group(1)
        pg = assert_html(s.get("/followups/" + fid, cookie), 200, "item")
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', pg).group(1)
        path = "/api/v1/followups/%s/reply" % fid
        h = dict(cookie, **{"Content-Type": "application/json"})
        r = s.http("POST", path, {"text": "x", "state": "answered"}, h)
        assert_json_error(r, 403, "no CSRF")
        h["X-CSRF-Token"] = "0" * 32
        r = s.http("POST", path, {"text": "x", "state": "answered"}, h)
        assert_json_error(r, 403, "wrong CSRF")
        assert item(s, head, fid)["state"] == "open"
        h["X-CSRF-Token"] = csrf
        r = s.http("POST", path, {"text": "Đã trả lời", "state": "answered"},
                   h)
        assert_status(r, 200, "with CSRF")
        it = item(s, head, fid)
        assert it["history"][-1]["who"].split(" ", 1)[1].startswith("head-")


def blobs_of(root):
    out = []
    for d, _, files in os.walk(root):
        for f in files:
            with open(os.path.join(d, f), "rb") as fh:
                out.append((os.path.join(d, f), fh.read()))
    return out


def spellings(phone):
    out = set()
    for p in (phone, PHONE_CANON, "+84" + PHONE_CANON[1:]):
        out.add(p.encode())
        out.add(p.encode("utf-16-le"))
    return out


@test
def contacts_sealed_and_deleted():
    with Server(config="[followups]\ncontact_days = 0\n") as s:
        head = add_key(s.data, "head", unit=UNIT)
        t, _ = answered_ticket(s, 5)
        assert_html(file_form(s, t, [("text", "gọi lại giúp tôi"),
                                     ("phone", PHONE), ("consent", "yes")]),
                    200, "filed")
        fid = items(s, head)[0]["id"]
        assert item(s, head, fid)["contact"] == PHONE_CANON
        s.restart()		# the number survives a restart, sealed
        assert item(s, head, fid)["contact"] == PHONE_CANON
        s.stop()
        found = [w for w, b in blobs_of(s.data) for n in spellings(PHONE)
                 if n in b]
        rc, jout, _ = cli_bytes("export", "--data", s.data, "--format",
                                "json")
        assert rc == 0
        rc, cout, _ = cli_bytes("export", "--data", s.data, "--format",
                                "csv")
        assert rc == 0
        with open(s.stderr_path, "rb") as f:
            log = f.read()
        for where, b in (("export.json", jout), ("export.csv", cout),
                         ("log", log)):
            found += [where for n in spellings(PHONE) if n in b]
        assert not found, "number in clear in %r" % found
        s.start()
        # Closing starts the retention (0 days here); a pass deletes it.
        reply(s, head, fid, {"text": "Đã gọi lại", "state": "closed"})
        assert item(s, head, fid).get("contact") == PHONE_CANON
        s.restart()		# the writer's housekeeping runs at its start
        for _ in range(50):
            it = item(s, head, fid)
            if not it["has_contact"]:
                break
            import time
            time.sleep(0.1)
        assert not it["has_contact"] and "contact" not in it, it
        assert it["history"][-1]["action"] == "contact-deleted", it
        assert "deleted 1 call-back number" in s.read_stderr()
        # The tables agree with each other after all of it.
        s.stop()
        rc, out, err = cli("verify", "--data", s.data)
        assert rc == 0 and out.startswith("ok:"), (rc, out, err)


def enrolled_kiosk(s, unit=UNIT):
    out = cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                 "--counter", "3", "--name", "fu-kiosk")
    code = [l for l in out.splitlines() if l.startswith("code: ")][0][6:]
    r = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
    assert_status(r, 201, "enrol")
    return json_of(*r, what="enrol")["key"]


@test
def kiosk_last_screen():
    with Server() as s:
        head = add_key(s.data, "head", unit=UNIT)
        kh = bearer(enrolled_kiosk(s))
        base = {"answers": {"overall": 4}}
        bad = [
            ({"text": "ok", "phone": PHONE}, "consent"),
            ({"text": "ok", "phone": PHONE, "consent": "yes"}, "consent"),
            ({"text": "ok", "phone": "12"}, "phone"),
            ({"text": " "}, "empty"),
            ({"text": "x" * 1001}, "1000"),
            ({"text": "a\u0007b"}, "control"),
            ({"text": "ok", "kind": "rant"}, "kind"),
            ({"text": "ok", "who": "me"}, "who"),
            ({"phone": PHONE, "consent": True}, "text"),
            ("complaint", "object"),
        ]
        for i, (fu, word) in enumerate(bad):
            body = dict(base, idempotency_key="fu-kiosk-bad-%04d" % i,
                        followup=fu)
            r = s.http("POST", "/api/v1/responses", body, kh)
            err = assert_json_error(r, 422, "kiosk %r" % (fu,))
            assert word in err["error"], (fu, err)
        assert items(s, head, "all") == [], "a refused answer left an item"
        body = dict(base, idempotency_key="fu-kiosk-good-0001",
                    followup={"text": HOSTILE, "kind": "request",
                              "phone": PHONE, "consent": True})
        for want in (201, 200):		# a retry stores nothing more
            r = s.http("POST", "/api/v1/responses", body, kh)
            assert_status(r, want, "kiosk with a complaint")
        got = items(s, head)
        assert len(got) == 1, got
        assert got[0]["origin"] == "kiosk" and got[0]["kind"] == "request"
        assert got[0]["text"] == HOSTILE and got[0]["rating"] == 4
        assert item(s, head, got[0]["id"])["contact"] == PHONE_CANON
        # A walk-in at 1 with a comment opens one by itself, no number.
        time.sleep(WALKIN_GAP)
        r = s.http("POST", "/api/v1/responses", {
            "idempotency_key": "fu-kiosk-low-00001",
            "answers": {"overall": 1}, "comment": "quá chậm"}, kh)
        assert_status(r, 201, "walk-in low")
        low = [i for i in items(s, head) if i["origin"] == "low-rating"]
        assert len(low) == 1 and low[0]["text"] == "quá chậm", low
        assert low[0]["unit"] == UNIT and not low[0]["has_contact"]


@test
def config_is_checked():
    for bad, word in (("answer_days = 0", "answer_days"),
                      ("answer_days = 61", "answer_days"),
                      ("contact_days = -1", "contact_days"),
                      ("colour = red", "unknown setting")):
        s = Server(config="[followups]\n%s\n" % bad)
        try:
            rc, _, err = __import__("hl").cli(
                "serve", "--listen", "127.0.0.1:0", "--data", s.data,
                "--config", s.config_path)
            assert rc != 0 and word in err, (bad, rc, err)
        finally:
            import shutil
            shutil.rmtree(s.root, ignore_errors=True)


if __name__ == "__main__":
    run()
