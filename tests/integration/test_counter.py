"""What the counter needs from the server: the receipt slip for 58 and
80 mm roll paper (page size, short address, Khmer line, expiry), the
ESC/POS slip's texts, the procedures' aliases from schema/synonyms.csv
(a bad line stops the start), the short address /c."""

import datetime
import os
import re
import shutil
import subprocess
import tempfile

import hl
from hl import (Server, assert_html, assert_json_error, assert_status,
                json_of, new_ticket, page_text, run, test)


def expiry_ddmmyyyy(t):
    exp = datetime.datetime.fromisoformat(t["expires_at"].replace(
        "Z", "+00:00"))
    return exp.strftime("%d/%m/%Y")


@test
def slip_widths():
    with Server() as s:
        t = new_ticket(s, procedure="9.000201")
        site = "127.0.0.1:%d/c" % s.port
        sizes = {}
        for w in ("58", "80"):
            page = page_text(assert_html(s.get(
                "/api/v1/tickets/%s/slip?width=%s" % (t["token"], w)), 200,
                "slip %s" % w))
            m = re.search(r"@page\{size:(\d+)mm (\d+)mm;margin:0\}", page)
            assert m, "no page size on the %s mm slip" % w
            assert m.group(1) == w, "page width %s for %s" % (m.group(1), w)
            sizes[w] = int(m.group(2))
            assert 80 <= sizes[w] <= 200, "page height %s" % m.group(2)
            assert t["code"] in page, "slip lacks the code"
            assert ">%s<" % site in page, "slip lacks the short address"
            assert t["token"] not in page, "the token is printed"
            assert "/s/" not in page, "the survey address is printed"
            assert "Ông/Bà" in page and "bạn" not in page, "register"
            assert 'lang="km">សូមលោកអ្នក' in page, "no Khmer line"
            assert expiry_ddmmyyyy(t) in page, "no expiry date"
            assert "Giấy phép xây dựng".lower() in page.lower(), "procedure"
            assert "<script" not in page.lower(), "script on the slip"
        # Without a width: 80 mm, as the ESC/POS slip.
        page = page_text(assert_html(s.get(
            "/api/v1/tickets/%s/slip" % t["token"]), 200, "slip"))
        assert "@page{size:80mm " in page, "default width"


@test
def slip_bad_width():
    with Server() as s:
        t = new_ticket(s)
        for bad in ("57", "", "58mm", "x", "080", "5" * 40, "%00"):
            for what in ("slip", "slip.escpos"):
                st, hd, body = assert_status(s.get(
                    "/api/v1/tickets/%s/%s?width=%s" % (t["token"], what,
                                                       bad)), 400,
                    "%s width %r" % (what, bad))
                assert b"width" in body, body
        # Unknown tickets stay 404 with a good width.
        assert_status(s.get("/api/v1/tickets/%s/slip?width=58" % ("0" * 32)),
                      404, "unknown token")


@test
def escpos_texts():
    with Server() as s:
        t = new_ticket(s)
        st, hd, body = assert_status(s.get(
            "/api/v1/tickets/%s/slip.escpos?width=58&text=ascii" %
            t["token"]), 200, "escpos")
        text = body.decode("ascii")
        assert ("127.0.0.1:%d/c" % s.port) in text, "short address"
        assert "Han danh gia: " + expiry_ddmmyyyy(t) in text, "expiry"
        assert "Moi Ong/Ba" in text, "register"
        # The survey address only in the QR code's data.
        assert text.count(t["token"]) == 1, "token printed as text"
        st, hd, body = assert_status(s.get(
            "/api/v1/tickets/%s/slip.escpos" % t["token"]), 200, "cp1258")
        assert "Ông/Bà".encode("cp1258") in body, "Windows-1258 text"


@test
def procedure_aliases():
    with Server() as s:
        procs = {p["code"]: p for p in s.procedures()}
        assert "GPXD" in procs["9.000201"]["aliases"], procs["9.000201"]
        assert "GCN" in procs["9.000102"]["aliases"], procs["9.000102"]
        assert procs["9.000601"]["aliases"] == [], procs["9.000601"]


@test
def short_address_page():
    with Server() as s:
        page = page_text(assert_html(s.get("/c"), 200, "/c"))
        assert 'name="code"' in page, "no code box on /c"
        assert 'role="alert"' not in page and \
            "Không tìm thấy mã này" not in page, \
            "an error before anything was typed"


def share_with_synonyms(text):
    """A share directory like the source tree's, with synonyms.csv
    replaced; returns its path."""
    root = tempfile.mkdtemp(prefix="hailong-share-")
    shutil.copytree(os.path.join(hl.SRCDIR, "schema"),
                    os.path.join(root, "schema"))
    for d in ("templates", "kiosk"):
        os.symlink(os.path.join(hl.SRCDIR, d), os.path.join(root, d))
    with open(os.path.join(root, "schema", "synonyms.csv"), "w",
              encoding="utf-8") as f:
        f.write(text)
    return root


@test
def synonyms_bad_line_stops_start():
    cases = [
        ("abbr,words\nGPXD,giấy phép xây dựng\nGP XD,giấy phép\n", 3,
         "letters and digits"),
        ("# c\nabbr,words\nGCN,giấy chứng nhận\nGCN,Giay chung nhan\n", 4,
         "same abbr and words as line 3"),
        ("abbr,words\nGCN,\n", 2, "words must be"),
        ("abbr\nGCN\n", 1, "header row"),
    ]
    for text, line, reason in cases:
        share = share_with_synonyms(text)
        data = tempfile.mkdtemp(prefix="hailong-it-")
        cfg = os.path.join(data, "hl.ini")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write("[server]\nshare = %s\n" % share)
        try:
            p = subprocess.run([hl.HAILONG, "serve", "--listen",
                                "127.0.0.1:0", "--data",
                                os.path.join(data, "d"), "--config", cfg],
                               stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=hl.START_TIMEOUT)
        finally:
            shutil.rmtree(share, ignore_errors=True)
            shutil.rmtree(data, ignore_errors=True)
        err = p.stderr.decode("utf-8", "replace")
        assert p.returncode != 0, "started with %r" % text
        want = "synonyms.csv:%d: " % line
        assert want in err and reason in err, "stderr %r, want %r...%r" % (
            err, want, reason)
        assert b"listening" not in p.stdout, p.stdout


run()
