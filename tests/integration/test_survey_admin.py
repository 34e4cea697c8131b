"""Surveys published while the server runs: GET /api/v1/admin/surveys,
GET|POST /api/v1/admin/surveys/<id>. A draft is the survey's JSON with
its texts changed and questions or options appended; it is stored as
version+1 with its audit entry (before/after), used at once by the
phone page, the kiosk's definition and new answers, kept over the
schema/ file after a restart, and written by hailong schema export.
Every hostile draft is refused with its status and a reason, and
nothing is stored."""

import copy
import json
import os
import re
import shutil
import tempfile

import hl
from hl import (add_key, cli_ok, json_of, new_ticket, run, Server, test,
                user_add, user_session)

PW = "survey password 1"
JSON = {"Content-Type": "application/json"}


def bearer(key, extra=None):
    d = dict(JSON)
    d["Authorization"] = "Bearer " + key
    d.update(extra or {})
    return d


def current(s, admin, sid="procedure"):
    return json_of(*s.get("/api/v1/admin/surveys/" + sid, bearer(admin)))


def publish(s, headers, draft, sid="procedure"):
    body = draft if isinstance(draft, (bytes, str)) else json.dumps(draft)
    return s.http("POST", "/api/v1/admin/surveys/" + sid, body, headers)


def stored(s, admin):
    """What a refusal must not change: versions, the audit, the kiosk's
    definition."""
    a = {"Authorization": "Bearer " + admin}
    audit = json_of(*s.get("/api/v1/admin/audit?limit=1000", a))
    return (json_of(*s.get("/api/v1/admin/surveys", a)),
            len(audit["entries"]),
            s.get("/api/v1/survey?survey=procedure")[2])


def user(s, name, role, unit=None):
    user_add(s, name, role, unit, PW)


def session(s, name):
    return user_session(s, name, '/admin/units', PW)[:2]


def with_khmer_title(draft, text):
    d = copy.deepcopy(draft)
    d["texts"]["title"]["km"] = text
    return d


@test
def publish_a_khmer_text_and_an_option_then_see_them_everywhere():
    share = tempfile.mkdtemp(prefix="hailong-share-")
    for d in ("schema", "templates"):
        shutil.copytree(os.path.join(hl.SRCDIR, d), os.path.join(share, d))
    try:
        with Server(config="[server]\nshare = %s\n" % share) as s:
            admin = add_key(s.data, "admin", "adm")
            listed = json_of(*s.get("/api/v1/admin/surveys",
                                    bearer(admin)))
            assert [x["id"] for x in listed][0] == "procedure"
            cur = current(s, admin)
            v = cur["version"]
            assert cur["versions"] == []
            draft = with_khmer_title(cur["current"], "ចំណងជើងថ្មី ការស្ទង់មតិ")
            q = [x for x in draft["questions"] if x["kind"] == "choice"][0]
            q["options"].append({"id": "added_opt", "text": {
                "vi": "Phương án mới", "en": "A new option",
                "km": "ជម្រើសថ្មី"}})
            st, _, body = publish(s, bearer(admin), draft)
            assert st == 201, (st, body)
            assert json.loads(body)["version"] == v + 1
            k = json_of(*s.get("/api/v1/survey?survey=procedure"))
            assert k["version"] == v + 1
            assert k["title"]["km"] == "ចំណងជើងថ្មី ការស្ទង់មតិ"
            t = new_ticket(s)
            page = s.get(t["path"] + "?lang=km")[2].decode()
            assert "ចំណងជើងថ្មី" in page
            assert "ជម្រើសថ្មី" in page
            page = s.get(t["path"])[2].decode()
            st, _, _ = s.post_form(t["path"], hl.full_answer(page))
            assert st == 200
            rows = hl.export_json(s.data)
            assert rows[-1]["survey_version"] == v + 1, rows[-1]
            # The audit entry says what changed, before and after.
            a = json_of(*s.get("/api/v1/admin/audit?action=survey.publish",
                               bearer(admin)))["entries"]
            assert len(a) == 1 and a[0]["who"].endswith(" adm"), a
            assert a[0]["before"]["version"] == v
            assert a[0]["after"]["version"] == v + 1
            assert a[0]["after"]["texts"]["title.km"] == \
                "ចំណងជើងថ្មី ការស្ទង់មតិ"
            assert a[0]["before"]["texts"]["title.km"] != \
                a[0]["after"]["texts"]["title.km"]
            key = "question.%s.option.added_opt.km" % q["id"]
            assert a[0]["after"]["texts"][key] == "ជម្រើសថ្មី"
            assert key not in a[0]["before"]["texts"]
            # Versions: the stored one readable with who and when.
            cur = current(s, admin)
            assert [x["version"] for x in cur["versions"]] == [v + 1]
            assert cur["versions"][0]["who"].endswith(" adm")
            assert cur["versions"][0]["survey"]["texts"]["title"]["km"] \
                == "ចំណងជើងថ្មី ការស្ទង់មតិ"
            # A second version; the first stays readable.
            st, _, body = publish(s, bearer(admin), with_khmer_title(
                cur["current"], "ចំណងជើងទីពីរ"))
            assert st == 201, body
            cur = current(s, admin)
            assert [x["version"] for x in cur["versions"]] == [v + 1, v + 2]
            assert cur["versions"][0]["survey"]["texts"]["title"]["km"] \
                == "ចំណងជើងថ្មី ការស្ទង់មតិ"
            # After a restart the stored version is still the one in use,
            # and SIGHUP keeps it over the file.
            s.restart()
            assert json_of(*s.get("/api/v1/survey?survey=procedure"))[
                "version"] == v + 2
            # The export writes it as the file, which reads back the same.
            out = os.path.join(share, "export")
            cli_ok("schema", "export", "--data", s.data, out)
            with open(os.path.join(out, "survey.ini"), encoding="utf-8") as f:
                text = f.read()
            assert "version = %d" % (v + 2) in text
            assert "ចំណងជើងទីពីរ" in text
            want = current(s, admin)["current"]
        share2 = tempfile.mkdtemp(prefix="hailong-share-")
        try:
            shutil.copytree(os.path.join(share, "templates"),
                            os.path.join(share2, "templates"))
            shutil.copytree(out, os.path.join(share2, "schema"))
            with Server(config="[server]\nshare = %s\n" % share2) as s2:
                admin2 = add_key(s2.data, "admin", "adm")
                assert current(s2, admin2)["current"] == want
        finally:
            shutil.rmtree(share2, ignore_errors=True)
    finally:
        shutil.rmtree(share, ignore_errors=True)


@test
def hostile_drafts_are_refused_and_nothing_is_stored():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        viewer = add_key(s.data, "viewer", "view")
        root = [u for u in json_of(*s.get("/api/v1/units"))
                if u["parent"] is None][0]["code"]
        local = add_key(s.data, "admin", "local", unit=root)
        user(s, "boss", "admin")
        cookie, csrf = session(s, "boss")
        cur = current(s, admin)["current"]
        before = stored(s, admin)

        def q(d, kind="choice"):
            return [x for x in d["questions"] if x["kind"] == kind][0]

        d_removed = copy.deepcopy(cur)
        q(d_removed)["options"].pop()
        d_swapped = copy.deepcopy(cur)
        o = q(d_swapped)["options"]
        o[0], o[1] = o[1], o[0]
        d_qswap = copy.deepcopy(cur)
        d_qswap["questions"][1], d_qswap["questions"][2] = \
            d_qswap["questions"][2], d_qswap["questions"][1]
        d_nokm = copy.deepcopy(cur)
        del d_nokm["texts"]["intro"]["km"]
        d_empty = copy.deepcopy(cur)
        q(d_empty)["text"]["en"] = "  "
        d_long = copy.deepcopy(cur)
        d_long["texts"]["thanks"]["vi"] = "dài " * 400
        d_word = copy.deepcopy(cur)
        d_word["texts"]["thanks"]["km"] = "ក" * 100
        d_badid = copy.deepcopy(cur)
        q(d_badid)["options"].append({"id": "Bad Id", "text": {
            "vi": "a", "en": "a", "km": "a"}})
        d_dupid = copy.deepcopy(cur)
        q(d_dupid)["options"].append(copy.deepcopy(q(d_dupid)["options"][0]))
        d_kind = copy.deepcopy(cur)
        q(d_kind)["kind"] = "multi"
        d_scale = copy.deepcopy(cur)
        d_scale["questions"][0]["options"].append({"id": "6", "text": {
            "vi": "a", "en": "a", "km": "a"}})
        d_stale = copy.deepcopy(cur)
        d_stale["version"] = cur["version"] - 1
        d_unknown = copy.deepcopy(cur)
        d_unknown["extra"] = 1
        cases = [
            (bearer(admin), d_removed, 422, "không được bỏ phương án"),
            (bearer(admin), d_swapped, 422, "đổi chỗ phương án"),
            (bearer(admin), d_qswap, 422, "đổi chỗ câu hỏi"),
            (bearer(admin), d_nokm, 422, "thiếu bản tiếng Khmer"),
            (bearer(admin), d_empty, 422, "thiếu bản tiếng Anh"),
            (bearer(admin), d_long, 422, "dài quá 1024 byte"),
            (bearer(admin), d_word, 422, "một từ quá dài"),
            (bearer(admin), d_badid, 422, "a-z, 0-9"),
            (bearer(admin), d_dupid, 422, "có hai lần"),
            (bearer(admin), d_kind, 422, "không được đổi loại"),
            (bearer(admin), d_scale, 422, "thang đánh giá"),
            (bearer(admin), d_stale, 409, "phiên bản hiện hành"),
            (bearer(admin), d_unknown, 422, "trường không biết"),
            (bearer(admin), "{not json", 400, "JSON"),
            (bearer(admin, {"Content-Type": "text/plain"}), cur, 415, None),
            ({"Content-Type": "application/json"}, cur, 401, None),
            (bearer(viewer), cur, 403, None),
            (bearer(local), cur, 403, "cả tỉnh"),
            (dict(JSON, Cookie=cookie), cur, 403, "CSRF"),
            (dict(JSON, Cookie=cookie, **{"X-CSRF-Token": "0" * 32}), cur,
             403, "CSRF"),
        ]
        for headers, draft, want, reason in cases:
            st, _, body = publish(s, headers, draft)
            assert st == want, (want, st, body[:300], reason)
            if reason is not None:
                msg = json.loads(body)["error"]
                assert reason in msg, (reason, msg)
            assert stored(s, admin) == before, reason
        st, _, _ = publish(s, bearer(admin), cur, sid="nosuch")
        assert st == 404
        assert s.get("/api/v1/admin/surveys", bearer(viewer))[0] == 403
        assert s.get("/api/v1/admin/surveys")[0] == 401
        # The same draft with the session's token goes through.
        st, _, body = publish(s, dict(JSON, Cookie=cookie,
                                      **{"X-CSRF-Token": csrf}), cur)
        assert st == 201, body
        a = json_of(*s.get("/api/v1/admin/audit?action=survey.publish",
                           bearer(admin)))["entries"]
        assert a[0]["who"] == "user boss", a[0]["who"]
        # Two drafts of one version: the second is refused.
        st, _, body = publish(s, bearer(admin), cur)
        assert st == 409, body


def page_fields(page, sid="procedure"):
    """The edit form's fields as a browser would post them."""
    import html as H
    txt = page.decode()
    txt = txt[txt.index('<form method="post" action="/admin/surveys/%s"'
                        % sid):]
    txt = txt[:txt.index("</form>")]
    out = []
    for m in re.finditer(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>',
                         txt, re.S):
        out.append((m.group(1), H.unescape(m.group(2))))
    for m in re.finditer(r'<input (?:type="hidden" )?name="([^"]+)" '
                         r'value="([^"]*)"', txt):
        out.append((m.group(1), H.unescape(m.group(2))))
    for m in re.finditer(r'<input type="checkbox" name="([^"]+)" '
                         r'value="([^"]*)" checked>', txt):
        out.append((m.group(1), H.unescape(m.group(2))))
    return out


@test
def the_console_page_refuses_hostile_posts_and_stores_nothing():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        root = [u for u in json_of(*s.get("/api/v1/units"))
                if u["parent"] is None][0]["code"]
        user(s, "boss", "admin")
        user(s, "local", "admin", root)
        user(s, "view", "viewer")
        cookie, csrf = session(s, "boss")
        lcookie, lcsrf = session(s, "local")
        st, _, _ = s.post_form("/signin", [("name", "view"),
                                           ("password", PW)])
        vst, vh, _ = s.post_form("/signin", [("name", "view"),
                                             ("password", PW)])
        vcookie = vh["set-cookie"].split(";")[0]
        st, _, page = s.get("/admin/surveys/procedure", {"Cookie": cookie})
        assert st == 200
        good = page_fields(page)
        assert ("csrf", csrf) in good
        before = stored(s, admin)

        def swap(fields, name, value):
            return [(k, value if k == name else v) for k, v in fields]

        def setf(fields, **kv):
            kv = {k.replace("__", "."): v for k, v in kv.items()}
            return [(k, kv.get(k, v)) for k, v in fields]

        no_csrf = [(k, v) for k, v in good if k != "csrf"]
        cases = [
            ({"Cookie": cookie}, no_csrf + [("action", "publish")], 403,
             None),
            ({"Cookie": cookie}, swap(good, "csrf", "0" * 32) +
             [("action", "publish")], 403, None),
            ({"Cookie": lcookie}, swap(good, "csrf", lcsrf) +
             [("action", "publish")], 403, None),
            ({"Cookie": vcookie}, good + [("action", "publish")], 403, None),
            ({}, good + [("action", "publish")], 401, None),
            ({"Cookie": cookie}, swap(good, "thanks.km", " ") +
             [("action", "publish")], 422, "thiếu bản tiếng Khmer"),
            ({"Cookie": cookie}, swap(good, "title.vi", "x" * 1100) +
             [("action", "publish")], 422, "dài quá"),
            ({"Cookie": cookie}, setf(good, new__on_time__id="Bad Id",
                                      new__on_time__vi="a",
                                      new__on_time__en="a",
                                      new__on_time__km="a") +
             [("action", "publish")], 422, "a-z, 0-9"),
            ({"Cookie": cookie}, good + [("extra", "1"),
                                         ("action", "publish")], 400, None),
            ({"Cookie": cookie}, good + [("title.vi", "again"),
                                         ("action", "publish")], 400, None),
            ({"Cookie": cookie}, good + [("action", "delete")], 400, None),
            ({"Cookie": cookie}, swap(good, "version", "1") +
             [("action", "publish")], 409, "phiên bản hiện hành"),
        ]
        for headers, fields, want, reason in cases:
            st, _, body = s.post_form("/admin/surveys/procedure", fields,
                                      headers)
            assert st == want, (want, st, reason, body[-400:])
            if reason is not None:
                assert reason in body.decode(), (reason, body[-600:])
            assert stored(s, admin) == before, (want, reason)
        # JSON to the page: the wrong content type.
        st, _, _ = s.http("POST", "/admin/surveys/procedure", "{}",
                          {"Cookie": cookie, "Content-Type":
                           "application/json", "X-CSRF-Token": csrf})
        assert st == 415, st
        # A preview stores nothing and shows the draft in both frames.
        st, _, body = s.post_form(
            "/admin/surveys/procedure",
            swap(good, "title.km", "ចំណងជើងសាកល្បង") +
            [("action", "preview"), ("lang", "km")], {"Cookie": cookie})
        assert st == 200, body[-400:]
        text = body.decode()
        assert 'srcdoc="' in text and "ចំណងជើងសាកល្បង" in text
        assert "/kiosk/?preview=1&amp;lang=km#def=" in text
        assert stored(s, admin) == before
        # The kiosk page of a preview may be framed by the console only.
        st, hd, _ = s.get("/kiosk/?preview=1")
        assert st == 200 and hd["x-frame-options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in hd["content-security-policy"]
        st, hd, _ = s.get("/kiosk/")
        assert hd["x-frame-options"] == "DENY"
        # Publishing from the page: a new option appended, one retired.
        fields = setf(good, new__on_time__id="unsure_new",
                      new__on_time__vi="Chưa rõ",
                      new__on_time__en="Not sure yet",
                      new__on_time__km="មិនទាន់ច្បាស់") + [
                          ("question.visits.retire.more", "1"),
                          ("action", "publish")]
        st, hd, body = s.post_form("/admin/surveys/procedure", fields,
                                   {"Cookie": cookie})
        assert st == 303, (st, body[-400:])
        cur = current(s, admin)
        assert cur["version"] == before[0][0]["version"] + 1
        q = [x for x in cur["current"]["questions"]
             if x["id"] == "on_time"][0]
        assert q["options"][-1]["id"] == "unsure_new"
        v = [x for x in cur["current"]["questions"] if x["id"] == "visits"]
        assert v[0]["options"][-1]["retired"] is True
        # The options retired before stay retired (their boxes ticked).
        old = json_of(*s.get("/api/v1/admin/surveys/procedure",
                             {"Authorization": "Bearer " + admin}))
        rs = [x for x in old["current"]["questions"] if x["id"] == "reasons"]
        assert any(o["retired"] for o in rs[0]["options"])
        st, _, page = s.get(hd["location"], {"Cookie": cookie})
        assert "Đã đăng phiên bản" in page.decode()


if __name__ == "__main__":
    run()
