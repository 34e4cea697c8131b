"""The /admin pages: who may open and post each (no credential: the
sign-in page, 401; another role: 403; a form without the session's CSRF
token or with a wrong one: 403; a unit's admin outside its subtree: 403)
and that a refused post changes nothing; a hostile form (repeated or
unknown field, a bad code, a password mismatch) is refused with the
reason on the page, in Vietnamese, and nothing stored."""

import html
import os
import re
import shutil
import tempfile
import time

import hl

from hl import (add_key, cli_ok, json_of, run, Server, test, user_add,
                user_session)

PW = "page password 1"


def user(s, name, role, unit=None):
    user_add(s, name, role, unit, PW)


def session(s, name):
    return user_session(s, name, '/admin/units', PW)[:2]


def state(s, admin):
    a = {"Authorization": "Bearer " + admin}
    audit = json_of(*s.get("/api/v1/admin/audit?limit=1000", a))
    kiosks = json_of(*s.get("/api/v1/admin/kiosks", a))
    for k in kiosks["kiosks"]:
        del k["seen"]
    return (json_of(*s.get("/api/v1/units")), kiosks,
            cli_ok("key", "list", "--data", s.data),
            cli_ok("user", "list", "--data", s.data),
            len(audit["entries"]))


def kids_of(s):
    us = json_of(*s.get("/api/v1/units"))
    root = [u["code"] for u in us if u["parent"] is None][0]
    return root, sorted(u["code"] for u in us if u["parent"] == root)


@test
def who_may_open_and_post_every_admin_page():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        root, kids = kids_of(s)
        user(s, "boss", "admin")
        user(s, "local", "admin", kids[0])
        user(s, "reader", "viewer")
        user(s, "far", "viewer", kids[1])
        province_key = add_key(s.data, "counter", "province desk")
        key_id = [l.split("\t")[0] for l in cli_ok(
            "key", "list", "--data", s.data).splitlines()
            if "province desk" in l][0]
        out = cli_ok("kiosk", "add", "--data", s.data, "--unit", kids[1],
                     "--counter", "1", "--name", "far kiosk")
        code = [l for l in out.splitlines() if l.startswith("code: ")][0][6:]
        assert s.http("POST", "/api/v1/kiosk/enrol",
                      {"code": code})[0] == 201
        kiosk_id = json_of(*s.get("/api/v1/admin/kiosks", {
            "Authorization": "Bearer " + admin}))["kiosks"][0]["id"]
        cookie, csrf = session(s, "boss")
        lcookie, lcsrf = session(s, "local")
        st, h, _ = s.post_form("/signin", [("name", "reader"),
                                           ("password", PW)])
        rcookie = h["set-cookie"].split(";")[0]
        gets = ["/admin", "/admin/units", "/admin/units/" + kids[0],
                "/admin/keys", "/admin/users", "/admin/audit",
                "/admin/kiosks", "/admin/account"]
        unit_form = [("code", "P1"), ("parent", kids[1]),
                     ("kind", "commune"), ("name_vi", "a"),
                     ("name_en", "b")]
        posts = [
            ("/admin/units", unit_form),
            ("/admin/units/" + kids[1], [("parent", root),
                                         ("kind", "ward"),
                                         ("name_vi", "x"),
                                         ("name_en", "y")]),
            ("/admin/keys", [("name", "k"), ("role", "viewer"),
                             ("unit", kids[1])]),
            ("/admin/keys/%s/revoke" % key_id, []),
            ("/admin/users", [("name", "new1"), ("role", "viewer"),
                              ("unit", kids[1]), ("password", PW),
                              ("password2", PW)]),
            ("/admin/users/far/disable", []),
            ("/admin/kiosks", [("name", "k"), ("unit", kids[1]),
                               ("counter", "2")]),
            ("/admin/kiosks/%s/revoke" % kiosk_id, []),
            ("/admin/users/far/totp-off", []),
            ("/admin/units/%s/retire" % kids[1], [("date", "2025-07-01"),
                                                 ("successor", kids[2])]),
        ]
        # An admin's own account: no subtree to be outside of.
        own = [("/admin/account/totp", []),
               ("/admin/account/totp/confirm", [("code", "123456")])]
        others = [{"Authorization": "Bearer " + add_key(
            s.data, r, None, kids[0] if r != "viewer" else None)}
            for r in ("viewer", "counter", "head")]
        before = state(s, admin)
        for p in gets:
            st, h, body = s.get(p)
            assert st == 401 and "Đăng nhập".encode() in body, (p, st)
            for hd in others + [{"Cookie": rcookie}]:
                assert s.get(p, hd)[0] == 403, (p, hd)
            st, _, _ = s.get(p, {"Cookie": cookie})
            assert st in (200, 303), (p, st)
        for p, form in posts:
            st, _, _ = s.post_form(p, form)
            assert st == 401, (p, st)
            for hd in others + [{"Cookie": rcookie}]:
                assert s.post_form(p, form + [("csrf", csrf)], hd)[0] == \
                    403, (p, hd)
            # No token, a wrong one, the token of another session.
            for extra in ([], [("csrf", "0" * 32)], [("csrf", lcsrf)]):
                st, _, _ = s.post_form(p, form + extra, {"Cookie": cookie})
                assert st == 403, (p, extra, st)
            # The unit's admin, with its own token, outside its subtree.
            st, _, body = s.post_form(p, form + [("csrf", lcsrf)],
                                      {"Cookie": lcookie})
            assert st == 403, (p, st)
        for p, form in own:
            assert s.post_form(p, form)[0] == 401, p
            for hd in others + [{"Cookie": rcookie}]:
                assert s.post_form(p, form + [("csrf", csrf)], hd)[0] == \
                    403, (p, hd)
            for extra in ([], [("csrf", "0" * 32)], [("csrf", lcsrf)]):
                st, _, _ = s.post_form(p, form + extra, {"Cookie": cookie})
                assert st == 403, (p, extra, st)
        # ... nor a unit outside its subtree to look at.
        assert s.get("/admin/units/" + kids[1], {"Cookie": lcookie})[0] \
            == 403
        assert state(s, admin) == before
        # The same posts with the right token work.
        st, h, _ = s.post_form("/admin/units", unit_form +
                               [("csrf", csrf)], {"Cookie": cookie})
        assert st == 303 and "added=P1" in h["location"], (st, h)
        st, h, _ = s.post_form("/admin/keys/%s/revoke" % key_id,
                               [("csrf", csrf)], {"Cookie": cookie})
        assert st == 303, st
        assert s.http("POST", "/api/v1/tickets", "{}", {
            "Authorization": "Bearer " + province_key,
            "Content-Type": "application/json"})[0] == 401


@test
def refusals_are_the_consoles_pages_in_words():
    """A refused console page is the console's (its header, a title, the
    reason in Vietnamese, a way back), never a citizen's page."""
    with Server() as s:
        user(s, "boss", "admin")
        root, kids = kids_of(s)
        user(s, "local", "admin", kids[0])
        cookie, csrf = session(s, "boss")
        lcookie, lcsrf = session(s, "local")
        for path, form, hd, status, words in (
                ("/admin/units/NOPE", None, cookie, 404,
                 ["Không tìm thấy", "không có đơn vị này",
                  'href="/admin/units"']),
                ("/admin/users/nobody/disable", [("csrf", csrf)], cookie, 404,
                 ["Không tìm thấy", "không có người dùng này"]),
                ("/admin/units", [("code", "X")], cookie, 403,
                 ["Không được phép", "hãy tải lại trang"]),
                ("/admin/units/" + kids[1], None, lcookie, 403,
                 ["Không được phép", "ngoài các đơn vị bạn quản trị"]),
                ("/admin/procedures/9.000101/withdraw",
                 [("csrf", lcsrf), ("date", "2030-01-01")], lcookie, 403,
                 ["Không được phép", "thủ tục dùng chung cho mọi đơn vị"])):
            if form is None:
                st, h, body = s.get(path, {"Cookie": hd})
            else:
                st, h, body = s.post_form(path, form, {"Cookie": hd})
            page = body.decode()
            assert st == status, (path, st)
            assert 'aria-label="Mục quản trị"' in page, (path, page[:300])
            for w in words:
                assert w in page, (path, w, page[-1500:])
            for en in ("no such", "outside", "X-CSRF", "province's",
                       "Không tìm thấy phiếu"):
                assert en not in page, (path, en)


@test
def a_kind_typed_as_its_word_is_its_code():
    """A clerk types the kind as it reads ("Bệnh viện", "xã"): the unit is
    stored with the kind's code, so a hospital asks the patients' survey."""
    with Server() as s:
        user(s, "boss", "admin")
        root, kids = kids_of(s)
        cookie, csrf = session(s, "boss")
        for code, typed, kind in (("92-BV1", "Bệnh viện", "hospital"),
                                  ("92-XA1", "xa", "commune"),
                                  ("92-PH1", "  Phường ", "ward")):
            st, h, body = s.post_form("/admin/units", [
                ("csrf", csrf), ("code", code), ("parent", root),
                ("kind", typed), ("name_vi", code), ("name_en", code)],
                {"Cookie": cookie})
            assert st == 303, (code, st, body[-800:])
            us = {u["code"]: u for u in json_of(*s.get("/api/v1/units"))}
            assert us[code]["kind"] == kind, us[code]
        assert us["92-BV1"]["survey"] == "health", us["92-BV1"]
        page = s.get("/admin/units", {"Cookie": cookie})[2].decode()
        assert '<option value="hospital">Bệnh viện</option>' in page


@test
def hostile_forms_are_refused_with_a_reason():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        root, kids = kids_of(s)
        user(s, "boss", "admin")
        cookie, csrf = session(s, "boss")
        hd = {"Cookie": cookie}
        before = state(s, admin)
        ok = [("code", "H1"), ("parent", root), ("kind", "commune"),
              ("name_vi", "a"), ("name_en", "b"), ("csrf", csrf)]
        cases = [
            ("/admin/units", ok + [("code", "H2")], 400, None),
            ("/admin/units", ok + [("colour", "red")], 422,
             'trường không có trong biểu mẫu "colour"'),
            ("/admin/units", [(k, "bad code!" if k == "code" else v)
                              for k, v in ok], 422, "Mã: chỉ gồm A-Z"),
            ("/admin/units", [(k, "NOPE" if k == "parent" else v)
                              for k, v in ok], 422,
             "Thuộc đơn vị: không có đơn vị NOPE"),
            ("/admin/units", [(k, "" if k == "name_vi" else v)
                              for k, v in ok], 422,
             "Tên tiếng Việt: không được để trống"),
            ("/admin/units", "csrf=%s&code=%%ZZ" % csrf, 400, None),
            ("/admin/units/" + kids[0], [("parent", kids[0]),
                                          ("kind", "ward"),
                                          ("name_vi", "x"),
                                          ("name_en", "y"),
                                          ("csrf", csrf)], 422,
             "nằm trong một vòng lặp đơn vị cha"),
            ("/admin/units/NOPE", [("parent", root), ("kind", "ward"),
                                   ("name_vi", "x"), ("name_en", "y"),
                                   ("csrf", csrf)], 404, None),
            ("/admin/keys", [("name", ""), ("role", "viewer"),
                             ("unit", ""), ("csrf", csrf)], 422,
             "Tên: 1 đến 64 byte chữ"),
            ("/admin/keys", [("name", "k"), ("role", "kiosk"),
                             ("unit", ""), ("csrf", csrf)], 422,
             "Vai trò: chọn cán bộ một cửa"),
            ("/admin/keys", [("name", "k"), ("role", "head"),
                             ("unit", ""), ("csrf", csrf)], 422,
             "lãnh đạo đơn vị cần có đơn vị"),
            ("/admin/keys/zzzzzzzzzzzz/revoke", [("csrf", csrf)], 404, None),
            ("/admin/users", [("name", "u1"), ("role", "viewer"),
                              ("unit", ""), ("password", PW),
                              ("password2", PW + "x"), ("csrf", csrf)],
             422, "Mật khẩu: hai lần nhập khác nhau"),
            ("/admin/users", [("name", "u 1"), ("role", "viewer"),
                              ("unit", ""), ("password", PW),
                              ("password2", PW), ("csrf", csrf)], 422,
             "Tên: 1 đến 64 ký tự"),
            ("/admin/users", [("name", "u1"), ("role", "viewer"),
                              ("unit", ""), ("password", "short"),
                              ("password2", "short"), ("csrf", csrf)], 422,
             "mật khẩu có 10 đến 256 byte"),
            ("/admin/users/nobody/disable", [("csrf", csrf)], 404, None),
        ]
        for path, form, want, why in cases:
            st, _, body = s.post_form(path, form, hd)
            assert st == want, (path, form, st)
            if why is not None:
                text = html.unescape(body.decode("utf-8"))
                assert why in text, (path, why, text[-2000:])
                # In words: the API's English stays out of the page.
                alert = re.search(r'role="alert">([^<]*)<', text).group(1)
                for en in ("unknown", "must", "only", "no unit", "want",
                           "differ", "bytes", "cycle", " to "):
                    assert en not in alert, (path, en, alert)
                assert b"Kh\xc3\xb4ng l\xc6\xb0u \xc4\x91\xc6\xb0\xe1\xbb\xa3c" \
                    in body
            # A password is never sent back.
            assert PW.encode() not in body
        assert state(s, admin) == before


@test
def a_province_sized_tree_on_one_page():
    share = tempfile.mkdtemp(prefix="hailong-share-")
    try:
        for d in ("schema", "templates"):
            shutil.copytree(os.path.join(hl.SRCDIR, d),
                            os.path.join(share, d))
        path = os.path.join(share, "schema", "units.csv")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        root = [l.split(",")[0] for l in text.splitlines()
                if l and not l.startswith("#") and not l.startswith("code,")
                and l.split(",")[1] == ""][0]
        rows = []
        for i in range(120):
            rows.append("92-D%03d,%s,commune,Xã số %d,Commune %d,," %
                        (i, root, i, i))
            for j in range(25):
                rows.append("92-D%03d-%02d,92-D%03d,school,Trường %d-%d,"
                            "School %d-%d,," % (i, j, i, i, j, i, j))
        with open(path, "a", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
        with Server(config="[server]\nshare = %s\n" % share) as s:
            user(s, "boss", "admin")
            cookie, _ = session(s, "boss")
            t0 = time.monotonic()
            st, _, body = s.get("/admin/units", {"Cookie": cookie})
            took = time.monotonic() - t0
            assert st == 200, st
            assert len(body) > 256 * 1024, len(body)
            page = body.decode("utf-8")
            # Tree order: a commune, then its schools, then the next.
            a = page.index(">92-D007<")
            b = page.index(">92-D007-24<")
            c = page.index(">92-D008<")
            assert a < b < c, (a, b, c)
            print("# %d units: the page in %.0f ms, %d KiB" % (
                120 * 26, took * 1000, len(body) // 1024))
            assert took < 5, took
    finally:
        shutil.rmtree(share, ignore_errors=True)


if __name__ == "__main__":
    run()
