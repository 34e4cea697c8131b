"""Every error status of the contract, and that none of them writes."""

import json

from hl import (Server, add_key, aspect_names, assert_html,
                assert_json_error, assert_status, chunked_post, export_csv,
                flip_char, form_body, full_answer, issue, new_ticket, run,
                test, valid_procedure, valid_unit)

JSON_CT = {"Content-Type": "application/json"}


def api_post(s, body, key=None, headers=None):
    h = dict(JSON_CT)
    if key is not None:
        h["Authorization"] = "Bearer " + key
    h.update(headers or {})
    return s.http("POST", "/api/v1/tickets", body, h)


def good_body(s):
    return {"procedure": valid_procedure(s)["code"],
            "unit": valid_unit(s)["code"]}


@test
def api_errors():
    with Server() as s:
        body = json.dumps(good_body(s)).encode()
        # 400: not JSON at all, or not an object.
        for bad in (b'{"procedure":', b"", b"not json", b"{'a': 1}",
                    b'{"procedure": "1", "unit": }', b"\xff\xfe{}"):
            assert_json_error(api_post(s, bad, s.key), 400, "bad %r" % bad)
        for bad in (b"[1,2]", b'"string"', b"null"):
            assert_json_error(api_post(s, bad, s.key), 400, "bad %r" % bad)
        # 401: no key, unknown key, wrong scheme.
        assert_json_error(api_post(s, body), 401, "no key")
        assert_json_error(api_post(s, body, "x" * 43), 401, "bad key")
        assert_json_error(api_post(s, body, s.key[:-1] + (
            "A" if s.key[-1] != "A" else "B")), 401, "one char off")
        assert_json_error(api_post(s, body, headers={
            "Authorization": "Basic " + s.key}), 401, "Basic")
        assert_json_error(api_post(s, body, headers={
            "Authorization": "Bearer"}), 401, "empty Bearer")
        # 403: a viewer or kiosk key; admin is allowed.
        viewer = add_key(s.data, "viewer")
        kiosk = add_key(s.data, "kiosk")
        admin = add_key(s.data, "admin")
        assert_json_error(api_post(s, body, viewer), 403, "viewer")
        assert_json_error(api_post(s, body, kiosk), 403, "kiosk")
        assert_status(api_post(s, body, admin), 201, "admin")
        # 413: 17 KiB.
        big = json.dumps(dict(good_body(s), case="x" * (17 * 1024))).encode()
        assert_json_error(api_post(s, big, s.key), 413, "17 KiB")
        # 413 without Content-Length (chunked).
        st = chunked_post(s.port, "/api/v1/tickets", "application/json",
                          big, "Authorization: Bearer %s\r\n" % s.key)
        assert st == 413, "17 KiB chunked: %d" % st
        # 415: text/plain, or none.
        assert_json_error(api_post(s, body, s.key, {
            "Content-Type": "text/plain"}), 415, "text/plain")
        assert_json_error(api_post(s, body, s.key, {
            "Content-Type": "application/x-www-form-urlencoded"}), 415,
            "form on the API")
        # application/json; charset=utf-8 is JSON.
        assert_status(api_post(s, body, s.key, {
            "Content-Type": "application/json; charset=utf-8"}), 201,
            "json with charset")
        # 422.
        p = valid_procedure(s)
        for fields, what in (
                (dict(unit="NO-SUCH-UNIT"), "unknown unit"),
                (dict(sector="no_such_sector"), "unknown sector"),
                (dict(procedure="9.999999", sector="no_such_sector"),
                 "unknown sector, uncatalogued"),
                (dict(foo="bar"), "unknown field"),
                (dict(procedure=None), "missing procedure"),
                (dict(unit=None), "missing unit"),
                (dict(procedure="9.999999"), "uncatalogued, no sector"),
                (dict(handling_unit="NO-SUCH-UNIT"), "unknown handling unit"),
                (dict(procedure=""), "empty procedure"),
                (dict(case="x" * 65), "case too long"),
                (dict(counter=True), "counter a boolean"),
                (dict(procedure=p["code"], unit=1), "unit not a string")):
            r = issue(s, s.key, **fields)
            assert_json_error(r, 422, what)
        # Nothing of the refused requests became a ticket: a fresh case is
        # 201 and a duplicate key field is refused.
        r = api_post(s, b'{"procedure": "%s", "procedure": "%s", "unit": '
                     b'"%s"}' % (p["code"].encode(), p["code"].encode(),
                                 valid_unit(s)["code"].encode()), s.key)
        assert r[0] == 400, "duplicate key: %d" % r[0]
        # Unknown API path: JSON 404; wrong method: 405 with Allow.
        assert_json_error(s.get("/api/v1/nope"), 404, "unknown api path")
        r = s.get("/api/v1/tickets")
        assert r[0] == 405 and "POST" in r[1].get("allow", ""), r[:2]


@test
def form_errors_write_nothing():
    with Server() as s:
        # Earlier data: one answered ticket.
        a = new_ticket(s)
        page = assert_html(s.get(a["path"]), 200, "survey")
        assert_status(s.post_form(a["path"], full_answer(page, 4,
                      comment="trước")), 200, "answer a")
        before_json = s.export()
        before_csv = export_csv(s.data)
        assert len(before_json) == 1

        b = new_ticket(s)
        good = full_answer(page, 5)
        aspects = aspect_names(page)
        assert aspects, "no aspect questions"

        def still_same(what):
            assert s.export() == before_json, "%s wrote something" % what

        # 404: forged tokens (one character changed) and garbage.
        tok = b["token"]
        for i in (0, 5, 15, len(tok) - 1):
            forged = flip_char(tok, i)
            assert_html(s.get("/s/" + forged), 404, "GET forged %d" % i)
            assert_html(s.post_form("/s/" + forged, good), 404,
                        "POST forged %d" % i)
            still_same("forged token %d" % i)
        for g in ("A", "0" * 31, "Z" * 32, "0" * 32, "Z" * 33, "U" * 32,
                  "x" * 200, "abc-def", "%00", "..%2F..%2Fetc%2Fpasswd",
                  tok + "0", tok[:-1], "%C3%A9" * 16):
            ok = (404,) if "%" not in g else (400, 404)
            st = s.get("/s/" + g)[0]
            assert st in ok, "GET garbage %r: %d" % (g, st)
            st = s.post_form("/s/" + g, good)[0]
            assert st in ok, "POST garbage %r: %d" % (g, st)
            still_same("garbage %r" % g)
        # 422: the form again with an error.
        rest = [(n, v) for n, v in good if n != "overall"]
        for pairs, what in (
                (rest, "missing overall"),
                (rest + [("overall", "6")], "overall=6"),
                (rest + [("overall", "0")], "overall=0"),
                (rest + [("overall", "abc")], "overall=abc"),
                (rest + [("overall", "")], "overall empty"),
                (good + [("overall", "4")], "overall twice"),
                (good + [("foo", "bar")], "unknown field"),
                ([(n, "no_such_option") if n in aspects else (n, v)
                  for n, v in good], "unknown option")):
            r = s.post_form(b["path"], pairs)
            pg = assert_html(r, 422, what)
            assert "<form" in pg.lower(), "%s: no form on the page" % what
            still_same(what)
        # A name the survey does not have is an unknown field, whatever
        # its letters.
        st = s.post_form(b["path"], [("OVERALL", "5")] + rest)[0]
        assert st == 422, "upper-case name: %d" % st
        still_same("upper-case name")
        # 400: bad percent-encoding, invalid UTF-8.
        for raw, what in (("overall=%zz", "%zz"), ("overall=5&comment=%", "%"),
                          ("overall=5&comment=%C3%28", "bad UTF-8"),
                          ("overall=5&comment=a%00b", "NUL")):
            st = s.post_form(b["path"], raw)[0]
            assert st == 400, "%s: %d" % (what, st)
            still_same(what)
        # 413: > 16 KiB.
        big = good + [("comment", "a" * (17 * 1024))]
        assert_status(s.post_form(b["path"], big), 413, "17 KiB form")
        still_same("17 KiB form")
        st = chunked_post(s.port, b["path"],
                          "application/x-www-form-urlencoded",
                          form_body(big).encode())
        assert st == 413, "17 KiB chunked form: %d" % st
        still_same("17 KiB chunked form")
        # 415: JSON body; no content type.
        r = s.http("POST", b["path"], b'{"overall": 5}', JSON_CT)
        assert_status(r, 415, "JSON on the form")
        r = s.http("POST", b["path"], b"overall=5", {})
        assert_status(r, 415, "no Content-Type")
        still_same("415")
        # 405: DELETE, PUT on a ticket.
        for m in ("DELETE", "PUT"):
            st, hd, _ = s.http(m, b["path"])
            assert st == 405, "%s: %d" % (m, st)
            allow = hd.get("allow", "")
            assert "GET" in allow and "POST" in allow, "Allow %r" % allow
        # 404: unknown paths.
        for path in ("/nope", "/s/", "/s", "/s/%s/x" % tok, "/index.php",
                     "/../etc/passwd", "/api/v2/tickets"):
            st = s.get(path)[0]
            assert st == 404 or (st == 400 and ".." in path), (
                "%s: %d" % (path, st))
        still_same("everything")
        assert export_csv(s.data) == before_csv, "CSV changed"
        # b was never consumed.
        assert_html(s.get(b["path"]), 200, "b still open")
        assert_html(s.get(a["path"]), 409, "a still answered")


if __name__ == "__main__":
    run()
