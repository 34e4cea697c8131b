"""The citizen's path: the survey page in three languages, the answer,
the thank-you page, single use, expiry, escaping."""

import time

from hl import (Server, aspect_names, assert_html, export_csv,
                full_answer, new_ticket, page_text, parse_page, run, test,
                valid_procedure, valid_unit)

COMMENT_VI = "Cán bộ nhiệt tình, hướng dẫn rõ ràng; trả kết quả đúng hẹn."
XSS = "<script>alert(1)</script>"


def has_lang_link(p, lang):
    return any(("lang=" + lang) in h for h in p.links)


@test
def whole_path():
    with Server() as s:
        proc = valid_procedure(s)
        unit = valid_unit(s)
        t = new_ticket(s, procedure=proc["code"], unit=unit["code"])
        r = s.get(t["path"])
        page = assert_html(r, 200, "survey")
        raw = r[2]
        assert len(raw) < 20480, "survey page is %d bytes" % len(raw)
        assert "<script" not in page.lower(), "script on the survey page"
        p = parse_page(page)
        assert p.html_lang == "vi", "default lang %r" % p.html_lang
        text = page_text(page)
        assert proc["name"]["vi"] in text, "procedure name (vi) missing"
        assert unit["name"]["vi"] in text, "unit name (vi) missing"
        assert has_lang_link(p, "en") and has_lang_link(p, "km"), p.links
        assert any(m == "post" for m, _ in p.forms), p.forms
        fields = p.choices
        assert fields.get("overall") and sorted(fields["overall"]) == [
            "1", "2", "3", "4", "5"], "overall options %r" % (
                fields.get("overall"),)
        assert "comment" in p.textareas, "no comment box"
        aspects = aspect_names(page)
        assert aspects, "no aspect questions on the form"
        # Answer: overall 5, every aspect, a Vietnamese comment.
        pairs = full_answer(page, 5, pick=0, comment=COMMENT_VI)
        r = s.post_form(t["path"], pairs)
        thanks = assert_html(r, 200, "answer")
        assert "<form" not in thanks.lower() or "overall" not in thanks, (
            "the thank-you page shows the form again")
        # Single use.
        assert_html(s.post_form(t["path"], pairs), 409, "second answer")
        assert_html(s.get(t["path"]), 409, "page after answer")
        rows = s.export()
        assert len(rows) == 1, rows
        row = rows[0]
        assert row["overall"] == 5, row
        for name in aspects:
            assert row.get(name) == fields[name][0], (name, row)
        assert row["comment"] == COMMENT_VI, row["comment"]
        assert row["reasons"] == [], row
        assert row["ticket_code"] == t["code"], row
        assert row["procedure"] == proc["code"], row
        assert row["unit"] == unit["code"], row
        assert row["sector"] == proc["sector"], row
        assert row["lang"] == "vi", row
        assert row["month"] == time.strftime("%Y-%m", time.gmtime()) or \
            row["month"] == time.strftime("%Y-%m"), row
        assert row["answered_at"], row


@test
def languages():
    with Server() as s:
        proc = valid_procedure(s)
        t = new_ticket(s, procedure=proc["code"])
        en = assert_html(s.get(t["path"] + "?lang=en"), 200, "en")
        assert parse_page(en).html_lang == "en", "?lang=en"
        assert proc["name"]["en"] in page_text(en), "English name missing"
        km = assert_html(s.get(t["path"], {"Accept-Language": "km"}), 200,
                         "km")
        assert parse_page(km).html_lang == "km", "Accept-Language: km"
        assert proc["name"]["km"] in page_text(km), "Khmer name missing"
        for al, want in (("km-KH,km;q=0.9,en;q=0.5", "km"),
                         ("en-US,en;q=0.9", "en"),
                         ("fr-FR", "vi"), ("", "vi")):
            pg = assert_html(s.get(t["path"], {"Accept-Language": al}), 200,
                             "Accept-Language %r" % al)
            assert parse_page(pg).html_lang == want, (al, want)
        # ?lang wins over Accept-Language; an unknown lang falls back.
        pg = assert_html(s.get(t["path"] + "?lang=en",
                               {"Accept-Language": "km"}), 200, "")
        assert parse_page(pg).html_lang == "en"
        st = s.get(t["path"] + "?lang=zz")[0]
        assert st in (200, 400), "?lang=zz: %d" % st
        # Answer in English: the response records it.
        pairs = [(n, v) for n, v in full_answer(en, 4) if n != "lang"]
        pairs.append(("lang", "en"))
        assert_html(s.post_form(t["path"], pairs), 200, "answer en")
        assert s.export()[0]["lang"] == "en"


@test
def low_score_with_reasons():
    with Server() as s:
        t = new_ticket(s)
        page = assert_html(s.get(t["path"]), 200, "survey")
        reasons = parse_page(page).choices.get("reasons")
        assert reasons and len(reasons) >= 2, "no reasons on the form"
        pairs = full_answer(page, 1, pick=1)
        pairs += [("reasons", reasons[0]), ("reasons", reasons[-1])]
        assert_html(s.post_form(t["path"], pairs), 200, "overall=1")
        row = s.export()[0]
        assert row["overall"] == 1, row
        assert sorted(row["reasons"]) == sorted({reasons[0], reasons[-1]}), (
            row["reasons"])
        text = export_csv(s.data)[3:].decode()
        line = text.split("\r\n")[1]
        assert (reasons[0] + ";" + reasons[-1]) in line or \
            (reasons[-1] + ";" + reasons[0]) in line, line
        # Reasons with a high overall score are refused.
        t2 = new_ticket(s)
        pairs = full_answer(page, 5) + [("reasons", reasons[0])]
        assert_html(s.post_form(t2["path"], pairs), 422, "reasons + 5")
        assert len(s.export()) == 1


@test
def only_overall_is_enough():
    with Server() as s:
        t = new_ticket(s)
        page = assert_html(s.get(t["path"]), 200, "survey")
        hidden = parse_page(page).hidden
        # A charset parameter on the content type is fine.
        assert_html(s.post_form(t["path"], hidden + [("overall", "3")], {
            "Content-Type": "application/x-www-form-urlencoded; "
                            "charset=UTF-8"}), 200, "overall only")
        row = s.export()[0]
        assert row["overall"] == 3 and row["comment"] in ("", None), row
        for name in aspect_names(page):
            assert row.get(name) in ("", None), (name, row)


@test
def upper_and_lower_case_path():
    with Server() as s:
        t = new_ticket(s)
        tok = t["token"]
        page = assert_html(s.get("/S/" + tok.upper()), 200, "/S/TOKEN")
        assert "overall" in page
        assert_html(s.get("/s/" + tok.lower()), 200, "/s/token lower")
        # Answer through the upper-case path (as from the QR code).
        pairs = full_answer(page, 4)
        assert_html(s.post_form("/S/" + tok.upper(), pairs), 200,
                    "POST /S/TOKEN")
        assert_html(s.get("/s/" + tok), 409, "answered")
        assert len(s.export()) == 1


@test
def comment_escaped():
    with Server() as s:
        t = new_ticket(s)
        page = assert_html(s.get(t["path"]), 200, "survey")
        # Invalid answer: the form comes back with the comment in it.
        pairs = [(n, v) for n, v in full_answer(page, 5, comment=XSS)
                 if n != "overall"] + [("overall", "6")]
        again = assert_html(s.post_form(t["path"], pairs), 422, "overall=6")
        assert "<script" not in again.lower(), "comment not escaped (422)"
        # Kept, escaped, so the citizen does not type it again.
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in again, again
        pairs = full_answer(page, 5, comment=XSS)
        thanks = assert_html(s.post_form(t["path"], pairs), 200, "answer")
        assert "<script" not in thanks.lower(), "comment not escaped"
        assert s.export()[0]["comment"] == XSS, "export changed the comment"
        assert XSS.encode() in export_csv(s.data), "CSV changed the comment"


@test
def long_comment_in_characters():
    with Server() as s:
        t = new_ticket(s)
        page = assert_html(s.get(t["path"]), 200, "survey")
        long_vi = "ệ" * 1000		# 1000 characters, 3000 bytes
        assert_html(s.post_form(t["path"], full_answer(page, 4,
                                comment=long_vi)), 200, "1000 characters")
        assert s.export()[0]["comment"] == long_vi
        t2 = new_ticket(s)
        st = s.post_form(t2["path"], full_answer(page, 4,
                         comment="a" * 1001))[0]
        assert st == 422, "1001 characters: %d" % st
        assert len(s.export()) == 1
        assert_html(s.get(t2["path"]), 200, "still open")


@test
def expired_ticket():
    with Server(config="[tickets]\nttl = 1s\n") as s:
        t = new_ticket(s)
        page = assert_html(s.get(t["path"]), 200, "fresh")
        time.sleep(2.1)
        assert_html(s.get(t["path"]), 410, "expired GET")
        assert_html(s.post_form(t["path"], full_answer(page, 5)), 410,
                    "expired POST")
        assert s.export() == [], "an expired answer was stored"


if __name__ == "__main__":
    run()
