"""The admin console in words: unit kinds and roles as Vietnamese words
(the API keeps the codes); the audit log's before and after as field
changes (field: old -> new) on the page while the API and the CSV keep
the JSON; the audit page's date filters as days of the province (an
entry at 23:30 and one at 00:30 the next day, under libfaketime with the
process in UTC), a wrong date or range said in words."""

import html
import re

from fakeclock import faked_server, local
from hl import Server, add_key, cli, json_of, run, test

PW = "words password 1"


def session(s, name):
    rc, _, err = cli("user", "add", "--data", s.data, "--name", name,
                     "--role", "admin", stdin=(PW + "\n").encode())
    assert rc == 0, err
    st, h, _ = s.post_form("/signin", [("name", name), ("password", PW)])
    assert st == 303, st
    return {"Cookie": h["set-cookie"].split(";")[0]}


def text(resp):
    return html.unescape(resp[2].decode("utf-8"))


def plain(page):
    return re.sub(r"<[^>]+>", "", page)


@test
def kinds_roles_and_changes_in_words():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        a = {"Authorization": "Bearer " + admin}
        add_key(s.data, "head", "the head", "92-VD01")
        hd = session(s, "boss")
        page = text(s.get("/admin/units", hd))
        row = re.search(r'<td class="code">92-VD01</td><td>([^<]*)</td>',
                        page)
        assert row and row.group(1) == "Phường", page[:3000]
        assert "<td>ward</td>" not in page
        page = text(s.get("/admin/keys", hd))
        assert "<td>Lãnh đạo đơn vị</td>" in page and "<td>head</td>" \
            not in page
        page = text(s.get("/admin/users", hd))
        assert "<td>Quản trị</td>" in page and "<td>admin</td>" not in page
        # A unit renamed and its kind changed: the change in words.
        us = json_of(*s.get("/api/v1/admin/units", a))
        row = [u for u in us if u["code"] == "92-VD01"][0]
        old = row["name_vi"]
        body = {k: row[k] for k in ("code", "parent", "kind", "name_vi",
                                    "name_en", "name_km", "hotline")}
        body.update(name_vi="Phường Đổi Tên", kind="commune")
        assert s.http("PUT", "/api/v1/admin/units/92-VD01", body, a)[0] \
            == 200
        page = text(s.get("/admin/audit?action=unit.change", hd))
        assert "Tên tiếng Việt: %s → Phường Đổi Tên" % old in plain(page), \
            page[-3000:]
        assert "Loại: Phường → Xã" in plain(page), page[-3000:]
        # Fields that did not change are not listed; no JSON on the page.
        assert "Tên tiếng Anh:" not in page
        assert '{"' not in page and '&quot;' not in page
        assert "<td>Quản trị</td>" in page or "<td>Vận hành" in page
        # The API and the CSV keep the JSON.
        e = json_of(*s.get("/api/v1/admin/audit?action=unit.change", a))[
            "entries"][0]
        assert e["before"]["name_vi"] == old and e["after"]["kind"] == \
            "commune", e
        csv = s.get("/api/v1/admin/audit.csv?action=unit.change", a)[2]
        assert b'""kind"":""commune""' in csv, csv
        # A revocation lists what went.
        page = text(s.get("/admin/audit?action=key.add", hd))
        assert "Vai trò: — → Lãnh đạo đơn vị" in plain(page), page[-3000:]


@test
def the_date_filters_are_days_of_the_province():
    s, clock = faked_server()
    try:
        admin = add_key(s.data, "admin", "adm")
        a = {"Authorization": "Bearer " + admin}
        # Days well after the real clock (audit ids never go back in
        # time); the session made then (it lasts 8 hours).
        clock.set(local(2030, 6, 14, 23, 30, 0))
        hd = session(s, "boss")
        for code, when in (("92-LATE", local(2030, 6, 14, 23, 30, 30)),
                           ("92-EARLY", local(2030, 6, 15, 0, 30, 30))):
            clock.set(when)
            r = s.http("POST", "/api/v1/admin/units", {
                "code": code, "parent": "92", "kind": "commune",
                "name_vi": code, "name_en": code}, a)
            assert r[0] == 201, r
        for day, want, other in (("2030-06-14", "92-LATE", "92-EARLY"),
                                 ("2030-06-15", "92-EARLY", "92-LATE")):
            q = "/admin/audit?action=unit.add&from=%s&to=%s" % (day, day)
            page = text(s.get(q, hd))
            assert want in page and other not in page, (day, page[-2000:])
            got = json_of(*s.get("/api/v1/admin/audit?action=unit.add"
                                 "&from=%s&to=%s" % (day, day), a))
            assert [e["after"]["code"] for e in got["entries"]] == [want]
        page = text(s.get("/admin/audit?action=unit.add&from=2030-06-14"
                          "&to=2030-06-15", hd))
        assert "14/06/2030 23:30" in page and "15/06/2030 00:30" in page, \
            page[page.find("Tải CSV"):][:1500]
        # Wrong dates: said in words, nothing listed.
        for q, why in (("from=2026-13-01", "\"Từ ngày\" không phải"),
                       ("to=7/12/2026", "\"Đến ngày\" không phải"),
                       ("from=2026-12-08&to=2026-12-07",
                        "\"Từ ngày\" sau \"Đến ngày\"")):
            r = s.get("/admin/audit?" + q, hd)
            assert r[0] == 400, (q, r[0])
            page = text(r)
            assert why in page and "92-LATE" not in page, (q, page[-2000:])
    finally:
        s.stop()


if __name__ == "__main__":
    run()
