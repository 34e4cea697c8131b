"""Procedures imported from the national database's export as CSV:
POST /api/v1/admin/procedures/import (?dry_run=1) and the console's
/admin/procedures/import. Columns by their Vietnamese header (Mã thủ
tục, Tên thủ tục, Lĩnh vực, Cấp thực hiện ...); the field mapped to a
report sector by its name; other columns named as not used. Hostile
rows: refused with their line, nothing stored."""

import json
import re

from hl import Server, add_key, json_of, run, test

CSV = {"Content-Type": "text/csv; charset=utf-8"}

EXPORT = ("STT,Mã thủ tục,Tên thủ tục,Lĩnh vực,Cấp thực hiện,"
          "Cơ quan thực hiện\n"
          "1,1.013001,Giao đất không thu tiền sử dụng đất,Đất đai,"
          "Cấp xã,UBND xã\n"
          "2,1.013002,Cấp giấy phép xây dựng nhà ở riêng lẻ,"
          "Hoạt động xây dựng,Cấp xã,UBND xã\n"
          "3,1.013003,Đăng ký khai sinh,Hộ tịch,Cấp xã,UBND xã\n"
          "4,9.000101,Đăng ký đất đai lần đầu (tên mới),Đất đai,"
          "Cấp tỉnh,Văn phòng đăng ký đất đai\n")


def imp(s, key, body, dry=False, ctype=None):
    hd = dict(CSV)
    if ctype:
        hd["Content-Type"] = ctype
    if key:
        hd["Authorization"] = "Bearer " + key
    return s.http("POST", "/api/v1/admin/procedures/import" +
                  ("?dry_run=1" if dry else ""),
                  body.encode("utf-8") if isinstance(body, str) else body,
                  hd)


def procs(s):
    return {p["code"]: p for p in json_of(*s.get("/api/v1/procedures"))}


def state(s, admin):
    a = {"Authorization": "Bearer " + admin}
    return (json_of(*s.get("/api/v1/admin/procedures", a)),
            len(json_of(*s.get("/api/v1/admin/audit?limit=1000",
                               a))["entries"]))


@test
def the_national_export_previewed_then_applied():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        before = state(s, admin)
        st, hd, body = imp(s, admin, EXPORT, dry=True)
        assert st == 200, body
        got = json_of(st, hd, body)
        ch = {c["code"]: c for c in got["changes"]}
        assert ch["1.013001"]["sector"] == "land", ch
        assert ch["1.013002"]["sector"] == "construction", ch
        assert ch["1.013003"]["sector"] == "other", ch
        assert ch["9.000101"]["what"] == "đổi tên", ch["9.000101"]
        assert "Cấp thực hiện" in got["unused_columns"] and \
            "STT" in got["unused_columns"], got["unused_columns"]
        assert state(s, admin) == before
        st, hd, body = imp(s, admin, EXPORT)
        assert st == 200 and json_of(st, hd, body)["applied"] == 4, body
        ps = procs(s)
        assert ps["1.013001"]["name"]["vi"] == \
            "Giao đất không thu tiền sử dụng đất"
        assert ps["1.013001"]["name"]["en"] == ps["1.013001"]["name"]["vi"]
        assert ps["9.000101"]["sector"] == "land"
        a = {"Authorization": "Bearer " + admin}
        ents = json_of(*s.get("/api/v1/admin/audit?action="
                              "procedure.import", a))["entries"]
        assert len(ents) == 4, ents
        # A withdrawal through the file.
        st, hd, body = imp(s, admin, "Mã thủ tục,Tên thủ tục,withdrawn\n"
                           "1.013003,Đăng ký khai sinh,2025-07-01\n")
        assert st == 200, body
        assert procs(s)["1.013003"]["withdrawn"] == "2025-07-01"


@test
def hostile_rows_are_refused_and_store_nothing():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        lim = add_key(s.data, "admin", "lim", unit="92-VD06")
        viewer = add_key(s.data, "viewer", "v")
        head = "Mã thủ tục,Tên thủ tục,Lĩnh vực\n"
        cases = [
            ("not UTF-8", head.encode() + b"1.1,Kh\xe1m,Y t\xea\n", 422,
             [(2, "UTF-8")]),
            ("formula", head + "1.1,=1+2,Đất đai\n1.2,-2,Đất đai\n", 422,
             [(2, "công thức"), (3, "công thức")]),
            ("duplicate", head + "1.1,A,Đất đai\n1.1,B,Đất đai\n", 422,
             [(3, "lặp lại")]),
            ("bad code", head + "1 1,A,Đất đai\n", 422, [(2, "mã thủ tục")]),
            ("over-long", head + "1.1,%s,Đất đai\n" % ("a" * 600), 422,
             [(2, "dài quá")]),
            ("no name", head + "1.1,,Đất đai\n", 422, [(2, "thiếu tên")]),
            ("bad sector", "code,name_vi,sector\n1.1,A,nope\n", 422,
             [(2, "sectors.ini")]),
            ("no sector", "code,name_vi\n1.1,A\n", 422,
             [(2, "cần lĩnh vực")]),
            ("bad date", "code,name_vi,sector,withdrawn\n"
             "1.1,A,land,2025-02-30\n", 422, [(2, "ngày bãi bỏ")]),
            ("no code column", "Tên thủ tục\nA\n", 422,
             [(1, "mã thủ tục")]),
            ("column twice", "code,Mã thủ tục,name_vi\n1,1,A\n", 422,
             [(1, "lặp lại")]),
            ("fields", head + "1.1,A\n", 422, [(2, "2 ô")]),
            ("bad quote", head + '1.1,"A"B,Đất đai\n', 422,
             [(2, "ngoặc kép")]),
            ("control", head + "1.1,A\x07B,Đất đai\n", 422,
             [(2, "ký tự điều khiển")]),
            ("empty", "", 422, [(0, "trống")]),
        ]
        before = state(s, admin)
        for name, body, want, errs in cases:
            st, hd, out = imp(s, admin, body)
            assert st == want, (name, st, out)
            got = json_of(st, hd, out)
            for line, words in errs:
                assert any(e["line"] == line and words in e["reason"]
                           for e in got["errors"]), (name, got["errors"])
            assert state(s, admin) == before, name
        st = imp(s, admin, head + ("1.1,%s,Đất đai\n" % ("x" * 400))
                 * 12000)[0]
        assert st == 413, st
        ok = head + "1.1,A,Đất đai\n"
        assert imp(s, None, ok)[0] == 401
        assert imp(s, viewer, ok)[0] == 403
        assert imp(s, lim, ok)[0] == 403
        assert imp(s, admin, ok, ctype="application/json")[0] == 415
        assert state(s, admin) == before
        # The page: only for the province's admins.
        st, hd, _ = s.post_form("/signin", [("key", lim)])
        cookie = hd["set-cookie"].split(";")[0]
        assert s.get("/admin/procedures/import",
                     {"Cookie": cookie})[0] == 403
        st, hd, _ = s.post_form("/signin", [("key", admin)])
        cookie = hd["set-cookie"].split(";")[0]
        st, _, page = s.get("/admin/procedures/import", {"Cookie": cookie})
        assert st == 200 and "Mã thủ tục".encode() in page


if __name__ == "__main__":
    run()
