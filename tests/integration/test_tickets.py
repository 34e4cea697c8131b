"""Ticket issuance over the API, the catalogue endpoints, short codes and
the receipt slip."""

import datetime
import re

from hl import (CODE_RE, ISO_RE, Server, TOKEN_RE, assert_html,
                assert_status, counter_key, issue, json_of, new_ticket,
                page_text, run, test, valid_procedure, valid_unit)


def parse_iso(s):
    s = s.replace("Z", "+00:00")
    return datetime.datetime.fromisoformat(s)


@test
def issue_shape():
    with Server() as s:
        before = datetime.datetime.now(datetime.timezone.utc)
        r = issue(s, s.key, case="HS-2025-0001", counter="3")
        assert_status(r, 201, "issue")
        assert r[1].get("content-type", "").startswith("application/json"), r
        t = json_of(*r, what="issue")
        assert TOKEN_RE.match(t["token"]), t
        assert t["url"].endswith("/s/" + t["token"]), t
        assert t["url"].startswith("http://"), t
        assert CODE_RE.match(t["code"]), t
        assert ISO_RE.match(t["expires_at"]), t
        exp = parse_iso(t["expires_at"])
        if exp.tzinfo is None:
            exp = exp.replace(tzinfo=datetime.timezone.utc)
        days = (exp - before).total_seconds() / 86400
        assert 29 <= days <= 31, "default ttl not 30 days: %s" % (
            t["expires_at"],)
        # Same unit and case: 200 and the same ticket.
        r2 = issue(s, s.key, case="HS-2025-0001", counter="3")
        assert_status(r2, 200, "issue again")
        t2 = json_of(*r2)
        assert t2["token"] == t["token"] and t2["code"] == t["code"], (t, t2)
        # Another case: another ticket.
        t3 = new_ticket(s, case="HS-2025-0002")
        assert t3["token"] != t["token"] and t3["code"] != t["code"]
        # Same case at another unit: another ticket.
        other = valid_unit(s, 1)
        if other["code"] != valid_unit(s)["code"]:
            t4 = new_ticket(s, case="HS-2025-0001", unit=other["code"])
            assert t4["token"] != t["token"], "case shared across units"
        # No case: a new ticket every time.
        toks = {new_ticket(s)["token"] for _ in range(5)}
        assert len(toks) == 5, toks
        codes = {new_ticket(s)["code"] for _ in range(5)}
        assert len(codes) == 5, codes


@test
def issue_optional_fields():
    with Server() as s:
        p = valid_procedure(s)
        # sector left out: taken from the catalogue.
        new_ticket(s, procedure=p["code"])
        # sector given and matching.
        new_ticket(s, procedure=p["code"], sector=p["sector"])
        # handling unit, counter.
        new_ticket(s, handling_unit=valid_unit(s, 1)["code"], counter="12")
        # a procedure outside the catalogue with a sector.
        new_ticket(s, procedure="9.999999", sector=p["sector"])
        # The survey of an issued ticket names the procedure.
        t = new_ticket(s, procedure=p["code"])
        page = page_text(assert_html(s.get(t["path"]), 200, "survey"))
        assert p["name"]["vi"] in page, "procedure name not on the page"


@test
def catalogue_endpoints():
    with Server(make_key=False) as s:
        us = s.units()
        assert isinstance(us, list) and us, us
        codes = set()
        roots = 0
        for u in us:
            for k in ("code", "parent", "kind", "depth", "name"):
                assert k in u, "unit lacks %s: %r" % (k, u)
            assert isinstance(u["depth"], int) and u["depth"] >= 0, u
            for lang in ("vi", "en", "km"):
                assert isinstance(u["name"].get(lang), str) and \
                    u["name"][lang], "unit name %s: %r" % (lang, u)
            assert u["code"] not in codes, "duplicate unit %s" % u["code"]
            codes.add(u["code"])
            roots += 0 if u["parent"] else 1
        assert roots >= 1, "no root unit"
        bycode = {u["code"]: u for u in us}
        for u in us:
            if u["parent"]:
                assert u["parent"] in bycode, "unknown parent: %r" % u
                assert u["depth"] == bycode[u["parent"]]["depth"] + 1, u
            else:
                assert u["depth"] == 0, u
        ps = s.procedures()
        assert isinstance(ps, list) and ps, ps
        for p in ps:
            for k in ("code", "sector", "name"):
                assert k in p, "procedure lacks %s: %r" % (k, p)
            for lang in ("vi", "en", "km"):
                assert p["name"].get(lang), p
        assert valid_procedure(s)["sector"]
        r = s.get("/healthz")
        assert_status(r, 200, "healthz")
        assert json_of(*r, what="healthz") == {"status": "ok"}, r


@test
def code_redirect():
    with Server() as s:
        t = new_ticket(s)
        for code in (t["code"], t["code"].lower(),
                     t["code"].replace("-", "")):
            st, hd, body = s.get("/c?code=" + code)
            assert st == 303, "/c?code=%s: %d %r" % (code, st, body[:200])
            loc = hd.get("location", "")
            assert re.search("/s/" + t["token"] + "$", loc, re.I), (
                "Location %r for token %s" % (loc, t["token"]))
        # Unknown code (another valid-looking one) -> 404 page.
        c = t["code"]
        other = ("0" if c[0] != "0" else "1") + c[1:]
        st, hd, body = s.get("/c?code=" + other)
        assert st == 404, "unknown code: %d" % st
        assert hd.get("content-type", "").startswith("text/html"), hd
        for bad in ("", "x", "!!!!!-!!!!!", "A" * 200):
            st, _, _ = s.get("/c?code=" + bad)
            assert st in (400, 404), "code %r: %d" % (bad, st)


@test
def slip_page():
    with Server() as s:
        t = new_ticket(s)
        r = s.get("/api/v1/tickets/%s/slip" % t["token"])
        page = assert_html(r, 200, "slip")
        assert t["code"] in page, "slip lacks the code"
        assert "<svg" in page, "slip lacks the QR svg"
        assert "<script" not in page.lower(), "script on the slip"


@test
def key_added_while_running():
    with Server(make_key=False) as s:
        r = issue(s, "nonexistent-key-0123456789")
        assert_status(r, 401, "before any key")
        k = counter_key(s.data)
        t = new_ticket(s, key=k)
        assert_status(s.get(t["path"]), 200, "survey of it")


if __name__ == "__main__":
    run()
