"""The citizen's path: the survey page in three languages, the answer,
the thank-you page, single use, expiry, escaping."""

import csv
import os
import re
import shutil
import tempfile
import time
import urllib.parse

from hl import (Server, aspect_names, assert_html, export_csv, flip_char,
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


@test
def reasons_with_a_high_rating_keep_the_rating():
    """The page shows the reasons to everyone ("if you were not
    satisfied"): ticked with a rating of 3 to 5 they are dropped, and the
    rating and the other answers are stored."""
    with Server() as s:
        page = assert_html(s.get(new_ticket(s)["path"]), 200, "survey")
        reasons = parse_page(page).choices.get("reasons")
        assert reasons, "no reasons on the form"
        for level in (3, 4, 5):
            t = new_ticket(s)
            pairs = full_answer(page, level, pick=1, comment="ok")
            pairs += [("reasons", reasons[0]), ("reasons", reasons[1])]
            thanks = assert_html(s.post_form(t["path"], pairs), 200,
                                 "overall %d with reasons" % level)
            assert 'class="next"' not in thanks, "next step after %d" % level
            assert_html(s.get(t["path"]), 409, "answered")
        rows = sorted(s.export(), key=lambda r: r["overall"])
        assert [r["overall"] for r in rows] == [3, 4, 5], rows
        for r in rows:
            assert r["reasons"] == [], r
            assert r["comment"] == "ok", r
            for name in aspect_names(page):
                assert r.get(name) == parse_page(page).choices[name][1], (
                    name, r)


@test
def errors_in_the_page_words():
    """No face chosen: the page says so in words about faces, not
    numbers, and keeps what was answered; a comment too long says so."""
    with Server() as s:
        t = new_ticket(s)
        page = assert_html(s.get(t["path"]), 200, "survey")
        reasons = parse_page(page).choices["reasons"]
        pairs = [(n, v) for n, v in full_answer(page, 1, comment="x")
                 if n != "overall"] + [("reasons", reasons[0])]
        again = page_text(assert_html(s.post_form(t["path"], pairs), 422,
                                      "no overall"))
        assert "khuôn mặt" in again, "the error does not name the faces"
        assert "1 đến 5" not in again and "(1" not in again, again
        assert 'value="%s" checked' % reasons[0] in again, "reason lost"
        en = [(n, v) for n, v in pairs if n != "lang"] + [("lang", "en")]
        again = page_text(assert_html(s.post_form(t["path"], en), 422, "en"))
        assert "faces" in again and "1 to 5" not in again, again
        again = page_text(assert_html(s.post_form(t["path"], full_answer(
            page, 4, comment="a" * 1001)), 422, "long comment"))
        assert "1000" in again and "khuôn mặt" not in again, again
        assert s.export() == [], "an invalid answer was stored"


@test
def thanks_after_a_low_rating_says_where_to_complain():
    """After 1 or 2 the thank-you page (in Ông/Bà) gives the unit's
    hotline from units.csv (or its nearest parent's) and the national
    portal's route; after 3 to 5 neither."""
    share = tempfile.mkdtemp(prefix="hailong-share-")
    srcdir = os.environ["HAILONG_SRCDIR"]
    for d in ("schema", "templates"):
        shutil.copytree(os.path.join(srcdir, d), os.path.join(share, d))
    units = os.path.join(share, "schema", "units.csv")
    with open(units, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out = []
    for line in lines:
        if line.startswith("92,"):
            line = line.rstrip(",") + ",0292 3000 111"
        elif line.startswith("92-VD01,"):
            line = line.rstrip(",") + ",+84 (292) 1022"
        out.append(line)
    with open(units, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    try:
        with Server(config="[server]\nshare = %s\n" % share) as s:
            for unit, number, tel in (("92-VD01", "+84 (292) 1022",
                                       "tel:+842921022"),
                                      ("92-VD02", "0292 3000 111",
                                       "tel:02923000111")):
                for level in (1, 2):
                    t = new_ticket(s, unit=unit)
                    page = assert_html(s.get(t["path"]), 200, "survey")
                    thanks = assert_html(s.post_form(t["path"], full_answer(
                        page, level)), 200, "overall %d" % level)
                    text = page_text(thanks)
                    assert "Cảm ơn Ông/Bà" in text and "bạn" not in text
                    assert 'class="next"' in thanks, "no next step"
                    assert number in text, (unit, number)
                    assert 'href="%s"' % tel in thanks, (unit, tel)
                    assert "dichvucong.gov.vn" in text, "no portal"
                    assert "phản ánh, kiến nghị" in text, "no complaint"
            t = new_ticket(s, unit="92-VD01")
            thanks = assert_html(s.post_form(t["path"], full_answer(
                page, 4)), 200, "overall 4")
            assert 'class="next"' not in thanks and "tel:" not in thanks
            # The start page names the agency and its hotline.
            home = page_text(assert_html(s.get("/"), 200, "start page"))
            assert "Thành phố Cần Thơ" in home and "0292 3000 111" in home
    finally:
        shutil.rmtree(share, ignore_errors=True)
    # Without a hotline anywhere: the portal's route alone.
    with Server() as s:
        t = new_ticket(s)
        page = assert_html(s.get(t["path"] + "?lang=km"), 200, "km")
        pairs = [(n, v) for n, v in full_answer(page, 1) if n != "lang"]
        thanks = assert_html(s.post_form(t["path"] + "?lang=km", pairs +
                                         [("lang", "km")]), 200, "km 1")
        text = page_text(thanks)
        assert 'class="next"' in thanks and "tel:" not in thanks
        assert "dichvucong.gov.vn" in text
        assert "សូមអរគុណលោកអ្នក" in text, "Khmer thanks"
        home = page_text(assert_html(s.get("/?lang=km"), 200, "start"))
        assert "ទីក្រុងកឹនធើ" in home, "agency (km) missing"


def code_page_keeps(page, code, lang):
    """A start page that shows the code box again with code in it, the
    language switch keeping it, and a link home."""
    p = parse_page(page)
    assert ("get", "/c") in p.forms, p.forms
    assert 'value="%s"' % code in page, "typed code not kept"
    assert 'role="alert"' in page, "no message"
    assert p.html_lang == lang, p.html_lang
    for other in ("vi", "en", "km"):
        assert "/?code=%s&lang=%s" % (code.replace(" ", "+"), other) in \
            p.links, p.links


@test
def wrong_and_short_receipt_codes_keep_the_form():
    with Server() as s:
        t = new_ticket(s)
        code = t["code"]
        wrong = ("B" if code[0] == "A" else "A") + code[1:]
        st, _, body = s.get("/c?code=%s&lang=vi" % wrong)
        assert st == 404, st
        page = body.decode()
        code_page_keeps(page, wrong, "vi")
        assert "so lại từng ký tự" in page_text(page), "not-found text"
        # Too short: said so, kept.
        st, _, body = s.get("/c?code=%s&lang=en" % code[:7])
        assert st == 400, st
        page = body.decode()
        code_page_keeps(page, code[:7], "en")
        assert "too short" in page_text(page), page_text(page)
        st, _, body = s.get("/c?code=%s&lang=km" % code[:4])
        text = page_text(body.decode())
        assert "ខ្លីពេក" in text and "១០" in text, "Khmer: too short"
        # Too long, a character no code has.
        st, _, body = s.get("/c?code=%s7" % code)
        assert st == 400 and "dài hơn" in page_text(body.decode())
        st, _, body = s.get("/c?code=%s" % urllib.parse.quote(
            "ĐĐĐĐĐ-ĐĐĐĐĐ"))
        assert st == 400 and "chữ cái không dấu" in page_text(body.decode())
        # Markup typed into the box is never shown back as markup.
        st, _, body = s.get("/c?code=%s" % urllib.parse.quote(
            '"><script>x</script>'))
        assert st == 400 and b"<script>x" not in body, body
        # The language switch of that page: the code is kept, no lookup.
        st, _, body = s.get("/?code=%s&lang=km" % wrong)
        assert st == 200 and 'value="%s"' % wrong in body.decode()
        # And the right code opens the survey.
        st, hd, _ = s.get("/c?code=%s" % code.lower())
        assert st == 303, st


@test
def dead_ends_keep_a_way_back():
    """A survey not found, answered or expired: the language switch, a
    link home; not found also the box for the code."""
    with Server() as s:
        bad = flip_char(new_ticket(s)["token"], 5)
        page = assert_html(s.get("/s/" + bad + "?lang=en"), 404, "forged")
        p = parse_page(page)
        assert ("get", "/c") in p.forms, "no code box"
        assert "/?lang=en" in p.links, p.links
        assert has_lang_link(p, "km") and has_lang_link(p, "vi"), p.links
        t = new_ticket(s)
        page = assert_html(s.get(t["path"]), 200, "survey")
        assert_html(s.post_form(t["path"], full_answer(page, 5)), 200, "")
        page = assert_html(s.get(t["path"]), 409, "answered")
        p = parse_page(page)
        assert "/?lang=vi" in p.links and has_lang_link(p, "km"), p.links


@test
def page_weight():
    """Every language's survey page, and the form sent back with an
    error, in one request under 20 KB."""
    with Server() as s:
        t = new_ticket(s)
        for lang in ("vi", "en", "km"):
            r = s.get(t["path"] + "?lang=" + lang)
            assert r[0] == 200 and len(r[2]) < 20480, (lang, len(r[2]))
            assert b"<link rel=\"stylesheet\"" not in r[2]
            assert b"<img" not in r[2] and b"<script" not in r[2]
        page = r[2].decode()
        pairs = [(n, v) for n, v in full_answer(page, 5, comment="x" * 999)
                 if n != "overall"]
        st, _, body = s.post_form(t["path"], pairs)
        assert st == 422 and len(body) < 20480, (st, len(body))


def schema_rows(name):
    with open(os.path.join(os.environ["SCHEMA_DIR"], name),
              encoding="utf-8") as f:
        lines = [l for l in f if not l.startswith("#") and l.strip()]
    return list(csv.DictReader(lines))


KHMER = re.compile("[\u1780-\u17ff]")


@test
def khmer_names_for_every_shipped_unit_and_procedure():
    for name in ("units.csv", "procedures.csv"):
        rows = schema_rows(name)
        assert rows, name
        for r in rows:
            km = r["name_km"]
            assert km and KHMER.search(km), "%s %s: no Khmer name" % (
                name, r["code"])
            assert not re.search("[0-9]", km), "%s %s: Latin digits in %r" % (
                name, r["code"], km)
    with Server() as s:
        for u in s.units():
            assert u["name"]["km"] != u["name"]["vi"], u
        for p in s.procedures():
            assert p["name"]["km"] != p["name"]["vi"], p


def ini_texts(path):
    """(section, key, text) of every text of an INI file, continuation
    lines joined; comment lines left out."""
    out, sec = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.lstrip().startswith((";", "#")) or not line.strip():
                continue
            if line.startswith("["):
                sec = line.strip()[1:-1]
            elif line[0] in " \t" and out:
                s_, k, v = out[-1]
                out[-1] = (s_, k, v + " " + line.strip())
            elif "=" in line:
                k, v = line.split("=", 1)
                out.append((sec, k.strip(), v.strip()))
    return out


@test
def one_polite_register_and_one_word_per_idea():
    srcdir = os.environ["HAILONG_SRCDIR"]
    files = [os.path.join(srcdir, "templates", "strings.ini"),
             os.path.join(os.environ["SCHEMA_DIR"], "survey.ini")]
    for path in files:
        for sec, key, text in ini_texts(path):
            where = "%s [%s] %s" % (os.path.basename(path), sec, key)
            assert not re.search(r"\bbạn\b", text, re.I), where
            # អ្នក addresses the citizen only as លោកអ្នក.
            assert not re.search("(?<!លោក)អ្នក", text), where
            for word in ("មិនបង្ខំ", "ហេតុផល", "ឥរិយាបថ", "សេវារដ្ឋបាល"):
                assert word not in text, "%s: %s" % (where, word)
            assert not re.search("(?<!សូម)អរគុណ", text), where
            if KHMER.search(text):
                # Latin digits only in codes and units (58 mm).
                rest = re.sub(r"[0-9]+ ?mm|[A-Z0-9]+-[A-Z0-9]+", "", text)
                assert not re.search("[0-9]", rest), "%s: %r" % (
                    where, text)
            if key.startswith(("form_error", "home_code")):
                assert "1 to 5" not in text and "1 đến 5" not in text and \
                    "១ ដល់ ៥" not in text, where


# Shown best first, as the overall faces (order = highest-first).
AGENCY = ["very_satisfied", "satisfied", "neutral", "dissatisfied",
          "very_dissatisfied"]


@test
def agency_service_on_the_phone_page_and_the_kiosk():
    """The question on how the office served (the resolution's item 15):
    five options on the phone page in every language and in the kiosk's
    definition, best first like the overall faces, optional like the
    other aspects, stored by option."""
    with Server() as s:
        t = new_ticket(s)
        for lang, word in (("vi", "phục vụ"), ("en", "served you"),
                           ("km", "ការបម្រើ")):
            r = s.get(t["path"] + ("" if lang == "vi" else "?lang=" + lang))
            page = assert_html(r, 200, "survey " + lang)
            p = parse_page(page)
            assert p.choices.get("agency_service") == AGENCY, (
                lang, p.choices.get("agency_service"))
            assert "agency_service" in aspect_names(page)
            assert word in page_text(page), (lang, word)
        d = s.api_json("/api/v1/survey")
        q = [x for x in d["questions"] if x["id"] == "agency_service"]
        assert len(q) == 1 and not q[0]["required"], q
        assert [o["id"] for o in q[0]["options"]] == AGENCY, q
        assert all(set(o["label"]) == {"vi", "en", "km"} and
                   all(o["label"].values()) for o in q[0]["options"])
        assert d["version"] >= 3, d["version"]
        # Answered: kept; not answered: the rest is stored all the same.
        hidden = parse_page(assert_html(s.get(t["path"]), 200)).hidden
        assert_html(s.post_form(t["path"], hidden + [
            ("overall", "4"), ("agency_service", "satisfied")]), 200)
        t2 = new_ticket(s)
        hidden = parse_page(assert_html(s.get(t2["path"]), 200)).hidden
        assert_html(s.post_form(t2["path"], hidden + [("overall", "2")]),
                    200)
        rows = sorted(s.export(), key=lambda r: r["overall"])
        assert rows[0]["agency_service"] in (None, ""), rows[0]
        assert rows[1]["agency_service"] == "satisfied", rows[1]


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
