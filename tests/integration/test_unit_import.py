"""The official unit list imported from CSV: POST
/api/v1/admin/units/import (?dry_run=1: the preview) and the console's
/admin/units/import. Columns by header name (ours or Vietnamese ones); a
preview of what is added, renamed, moved, given another kind or retired;
applied all at once with an audit entry per unit and in use at once.
Every hostile file is refused with its status and each error named by
its line, and nothing is stored."""

import json
import re

from hl import Server, add_key, cli, json_of, run, test

CSV = {"Content-Type": "text/csv; charset=utf-8"}


def h(key, extra=None):
    d = dict(CSV)
    if key:
        d["Authorization"] = "Bearer " + key
    d.update(extra or {})
    return d


def imp(s, key, body, dry=False, headers=None):
    if isinstance(body, str):
        body = body.encode("utf-8")
    return s.http("POST", "/api/v1/admin/units/import" +
                  ("?dry_run=1" if dry else ""), body,
                  headers if headers is not None else h(key))


def units(s):
    return {u["code"]: u for u in json_of(*s.get("/api/v1/units"))}


def state(s, admin):
    a = {"Authorization": "Bearer " + admin}
    return (json_of(*s.get("/api/v1/admin/units", a)),
            len(json_of(*s.get("/api/v1/admin/audit?limit=1000",
                               a))["entries"]))


GOOD = ("Mã,Tên,Cấp,Mã cấp trên,name_en,retired,successor\n"
        "31001,Xã Mới Một,Xã,92,New One,,\n"          # added
        "31002,Phường Mới Hai,phường,,New Two,,\n"    # added, under root
        "92-VD06,Xã Mẫu Một Đổi Tên,Xã,92,,,\n"       # renamed
        "92-VD07,Xã mẫu 2,ward,92,,,\n"               # kind changed
        "92-VD08,Xã mẫu 3,Xã,31001,,,\n"              # moved
        "92-VD09,Xã mẫu 4,Xã,92,,2025-07-01,31001\n"  # retired
        "92-VD01,Phường Ninh Kiều,Phường,92,,,\n")    # unchanged


@test
def a_good_file_previewed_then_applied():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        before = state(s, admin)
        st, hd, body = imp(s, admin, GOOD, dry=True)
        assert st == 200, (st, body)
        got = json_of(st, hd, body)
        assert got["dry_run"] is True and got["unchanged"] == 1, got
        what = {c["code"]: c["what"] for c in got["changes"]}
        assert what == {"31001": "thêm mới", "31002": "thêm mới",
                        "92-VD06": "đổi tên", "92-VD07": "đổi loại",
                        "92-VD08": "chuyển cấp trên",
                        "92-VD09": "giải thể"}, what
        lines = {c["code"]: c["line"] for c in got["changes"]}
        assert lines["31001"] == 2 and lines["92-VD09"] == 7, lines
        # A preview stores nothing.
        assert state(s, admin) == before
        st, hd, body = imp(s, admin, GOOD)
        assert st == 200 and json_of(st, hd, body)["applied"] == 6, body
        us = units(s)
        assert us["31001"]["kind"] == "commune" and \
            us["31001"]["name"]["en"] == "New One"
        assert us["31002"]["parent"] == "92" and \
            us["31002"]["kind"] == "ward" and \
            us["31002"]["name"]["en"] == "New Two"
        assert us["92-VD06"]["name"]["vi"] == "Xã Mẫu Một Đổi Tên"
        assert us["92-VD06"]["name"]["en"] == "Example Commune 1"
        assert us["92-VD07"]["kind"] == "ward"
        assert us["92-VD08"]["parent"] == "31001"
        assert us["92-VD09"]["retired"] == "2025-07-01"
        a = {"Authorization": "Bearer " + admin}
        ents = json_of(*s.get("/api/v1/admin/audit?action=unit.import",
                              a))["entries"]
        assert len(ents) == 6, ents
        e = [x for x in ents if x["unit"] == "92-VD06"][0]
        assert e["before"]["name_vi"] == "Xã mẫu 1", e
        assert e["after"]["name_vi"] == "Xã Mẫu Một Đổi Tên", e
        assert [x for x in ents if x["unit"] == "31001"][0]["before"] \
            is None
        # A province-sized file: 3,000 communes previewed whole.
        big = "Mã,Tên,Cấp,Mã cấp trên\n" + "".join(
            "%05d,Xã thử %d,Xã,92\n" % (40000 + i, i) for i in range(3000))
        st, hd, body = imp(s, admin, big, dry=True)
        assert st == 200, (st, body[:200])
        assert len(json_of(st, hd, body)["changes"]) == 3000
        # The same file again changes nothing.
        st, hd, body = imp(s, admin, GOOD)
        assert st == 200 and json_of(st, hd, body)["applied"] == 0, body
        # Kept across a restart.
        s.restart()
        assert units(s)["31002"]["name"]["vi"] == "Phường Mới Hai"


@test
def hostile_files_are_refused_and_store_nothing():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        viewer = add_key(s.data, "viewer", "vw")
        limited = add_key(s.data, "admin", "lim", unit="92-VD06")
        head = "code,name_vi,kind,parent\n"
        big_name = "Xã " + "a" * 600
        cases = [
            ("not UTF-8", (head + "31001,X\xe3 M\xf4t,commune,92\n")
             .encode("latin-1"), 422, [(2, "UTF-8")]),
            ("formula", head + "31001,=1+2,commune,92\n"
             "31002,+cmd,commune,92\n31003,@SUM(1),commune,92\n",
             422, [(2, "công thức"), (3, "công thức"),
                   (4, "công thức")]),
            ("duplicate", head + "31001,A,commune,92\n"
             "31002,B,commune,92\n31001,C,commune,92\n", 422,
             [(4, "lặp lại (đã có ở dòng 2)")]),
            ("cycle", head + "31001,A,commune,31002\n"
             "31002,B,commune,31001\n", 422, [(2, "cycle")]),
            ("over-long", head + "31001,%s,commune,92\n" % big_name,
             422, [(2, "dài quá")]),
            ("lost zeros", head + "4,Xã Bốn,commune,92\n", 422,
             [(2, "mất số 0")]),
            ("unknown column", "code,name_vi,colour\n31001,A,red\n", 422,
             [(1, "tên cột")]),
            ("no code column", "name_vi\nA\n", 422, [(1, "mã đơn vị")]),
            ("fields", head + "31001,A,commune\n", 422, [(2, "3 ô")]),
            ("bad quote", head + '31001,"A"x,commune,92\n', 422,
             [(2, "ngoặc kép")]),
            ("unknown parent", head + "31001,A,commune,NOPE\n", 422,
             [(2, "cấp trên mã NOPE")]),
            ("unknown successor", "code,name_vi,retired,successor\n"
             "92-VD06,Xã mẫu 1,2025-07-01,NOPE\n", 422,
             [(2, "kế thừa mã NOPE")]),
            ("successor cycle", "code,name_vi,retired,successor\n"
             "92-VD06,Xã mẫu 1,2025-07-01,92-VD07\n"
             "92-VD07,Xã mẫu 2,2025-07-01,92-VD06\n", 422,
             [(2, "cycle of successors")]),
            ("bad kind", head + "31001,A,Làng,92\n", 422,
             [(2, "loại đơn vị")]),
            ("bad date", "code,name_vi,retired,successor\n"
             "92-VD06,Xã mẫu 1,1/7/2025,92-VD07\n", 422,
             [(2, "ngày giải thể")]),
            ("empty", "", 422, [(0, "trống")]),
            ("header only", head, 422, [(0, "không có dòng")]),
        ]
        before = state(s, admin)
        for name, body, want, errs in cases:
            st, hd, out = imp(s, admin, body)
            assert st == want, (name, st, out)
            got = json_of(st, hd, out)
            assert got["error"].startswith("line "), (name, got)
            for line, words in errs:
                assert any(e["line"] == line and words in e["reason"]
                           for e in got["errors"]), (name, line, words,
                                                     got["errors"])
            assert state(s, admin) == before, name
        # Many errors: each named, a hundred at most, the rest counted.
        many = head + "".join("%d,A,commune,92\n" % i for i in range(1, 150))
        st, hd, out = imp(s, admin, many)
        got = json_of(st, hd, out)
        assert st == 422 and len(got["errors"]) == 100, st
        assert got["more_errors"] == 49, got["more_errors"]
        # A BOM and CRLF are fine.
        st, hd, out = imp(s, admin, "\ufeff" + (head +
                          "31001,Xã Một,commune,92\n").replace("\n",
                                                                "\r\n"),
                          dry=True)
        assert st == 200, out
        assert json_of(st, hd, out)["changes"][0]["name"] == "Xã Một"
        # Too big: 413 before anything is read.
        huge = head + ("31001,%s,commune,92\n" % ("x" * 400)) * 12000
        st, hd, out = imp(s, admin, huge)
        assert st == 413, st
        # Too many rows.
        rows = head + "".join("3%07d,A,commune,92\n" % i
                              for i in range(20001))
        st, hd, out = imp(s, admin, rows)
        assert st == 413 and "dòng".encode() in out, (st, out[:200])
        # Who may: no key, a viewer, a unit's admin outside its subtree,
        # the wrong content type, a bad dry_run.
        ok = head + "31001,A,commune,92\n"
        assert imp(s, None, ok)[0] == 401
        assert imp(s, viewer, ok)[0] == 403
        st, hd, out = imp(s, limited, ok)
        assert st == 403 and "phạm vi" in json_of(st, hd, out)["error"]
        st, hd, out = imp(s, limited, "code,name_vi\n92-VD07,X\n")
        assert st == 403, st
        assert imp(s, admin, ok, headers={
            "Authorization": "Bearer " + admin,
            "Content-Type": "application/json"})[0] == 415
        assert s.http("POST", "/api/v1/admin/units/import?dry_run=2",
                      ok.encode(), h(admin))[0] == 400
        assert state(s, admin) == before
        # The unit's admin inside its subtree may.
        st, hd, out = imp(s, limited, "code,name_vi,kind,parent\n"
                          "31009,Con,commune,92-VD06\n")
        assert st == 200 and json_of(st, hd, out)["applied"] == 1, out


def multipart(fields):
    b = "----hailongtestboundary"
    out = b""
    for name, value, filename in fields:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"" %
                (b, name)).encode()
        if filename:
            out += ('; filename="%s"\r\nContent-Type: text/csv' %
                    filename).encode()
        out += b"\r\n\r\n" + (value if isinstance(value, bytes)
                               else value.encode()) + b"\r\n"
    out += ("--%s--\r\n" % b).encode()
    return out, {"Content-Type": "multipart/form-data; boundary=" + b}


def signin(s, key):
    st, hd, _ = s.post_form("/signin", [("key", key)])
    assert st == 303, st
    cookie = hd["set-cookie"].split(";")[0]
    st, _, page = s.get("/admin/units/import", {"Cookie": cookie})
    m = re.search(rb'name="csrf" value="([0-9a-f]{32})"', page)
    return cookie, (m.group(1).decode() if m else None)


@test
def the_console_page_previews_and_applies_with_its_token():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        cookie, csrf = signin(s, admin)
        lcookie, lcsrf = signin(s, add_key(s.data, "admin", "l",
                                           unit="92-VD06"))
        vcookie, _ = signin(s, add_key(s.data, "viewer", "v"))
        assert csrf and lcsrf
        good = "code,name_vi,kind,parent\n31001,Xã Một,commune,92\n"
        before = state(s, admin)
        body, hd = multipart([("csrf", csrf, None),
                              ("file", good, "units.csv")])
        # No session 401, a viewer 403, no token or another's 403, the
        # unit's admin outside its subtree 403: nothing stored.
        assert s.http("POST", "/admin/units/import", body, hd)[0] == 401
        for c, tok in ((vcookie, csrf), (cookie, None), (cookie, "0" * 32),
                       (cookie, lcsrf), (lcookie, lcsrf)):
            fields = [("file", good, "units.csv")]
            if tok:
                fields.insert(0, ("csrf", tok, None))
            b, hh = multipart(fields)
            hh["Cookie"] = c
            st = s.http("POST", "/admin/units/import", b, hh)[0]
            assert st == 403, (c == lcookie, tok, st)
        assert state(s, admin) == before
        # A preview: the change, the apply form with the generation.
        hd["Cookie"] = cookie
        st, _, page = s.http("POST", "/admin/units/import", body, hd)
        assert st == 200, st
        text = page.decode()
        assert "thêm mới" in text and 'id="apply"' in text
        gen = re.search(r'name="gen" value="(\d+)"', text).group(1)
        assert state(s, admin) == before
        # Applied from the pasted text the preview carries.
        b, hh = multipart([("csrf", csrf, None), ("gen", gen, None),
                           ("apply", "1", None), ("csv", good, None)])
        hh["Cookie"] = cookie
        st, rh, _ = s.http("POST", "/admin/units/import", b, hh)
        assert st == 303 and "imported=1" in rh["location"], (st, rh)
        assert units(s)["31001"]["name"]["vi"] == "Xã Một"
        # Applying an old preview: 409, nothing more stored.
        good2 = "code,name_vi,kind\n31002,Xã Hai,commune\n"
        b, hh = multipart([("csrf", csrf, None), ("gen", gen, None),
                           ("apply", "1", None), ("csv", good2, None)])
        hh["Cookie"] = cookie
        st, _, page = s.http("POST", "/admin/units/import", b, hh)
        assert st == 409 and "31002" not in units(s), st
        # Hostile bodies.
        # Hostile bodies: with a session no token can be found in them
        # (403); with the admin's key, what is wrong (400, 415).
        nameless = (b"--b\r\nContent-Disposition: form-data\r\n\r\nx"
                    b"\r\n--b--\r\n")
        for raw, ctype, want in (
                (b"x", "multipart/form-data", 400),
                (b"x", "multipart/form-data; boundary=b", 400),
                (nameless, "multipart/form-data; boundary=b", 400),
                (good.encode(), "text/csv", 415)):
            st = s.http("POST", "/admin/units/import", raw, {
                "Cookie": cookie, "Content-Type": ctype})[0]
            assert st == 403, (raw, st)
            st = s.http("POST", "/admin/units/import", raw, {
                "Authorization": "Bearer " + admin,
                "Content-Type": ctype})[0]
            assert st == want, (raw, st)
        b, hh = multipart([("csrf", csrf, None), ("colour", "red", None)])
        hh["Cookie"] = cookie
        assert s.http("POST", "/admin/units/import", b, hh)[0] == 400
        b, hh = multipart([("csrf", csrf, None), ("file", "", "e.csv")])
        hh["Cookie"] = cookie
        st, _, page = s.http("POST", "/admin/units/import", b, hh)
        assert st == 422 and "Chưa có gì".encode() in page


if __name__ == "__main__":
    run()
