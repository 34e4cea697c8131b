"""QR codes: PNG decoded by zbarimg, SVG, scale bounds, forged tokens."""

import os
import shutil
import struct
import subprocess
import tempfile

from hl import (Server, assert_html, assert_status, flip_char, new_ticket,
                path_of, run, test)


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG: %r" % data[:16]
    assert data[12:16] == b"IHDR", "no IHDR"
    return struct.unpack(">II", data[16:24])


def zbar(data):
    assert shutil.which("zbarimg"), "zbarimg not installed"
    d = tempfile.mkdtemp(prefix="hailong-qr-")
    try:
        p = os.path.join(d, "qr.png")
        with open(p, "wb") as f:
            f.write(data)
        r = subprocess.run(["zbarimg", "--raw", "-q", p],
                           capture_output=True, timeout=20)
        assert r.returncode == 0, "zbarimg rc %d: %r" % (r.returncode,
                                                         r.stderr)
        return r.stdout.decode("utf-8").strip()
    finally:
        shutil.rmtree(d, ignore_errors=True)


@test
def png_decodes_to_upper_case_url():
    with Server() as s:
        t = new_ticket(s)
        base = "/api/v1/tickets/%s/qr.png" % t["token"]
        sizes = {}
        for q in ("", "?scale=1", "?scale=4", "?scale=40"):
            st, hd, body = s.get(base + q)
            assert st == 200, "%s: %d %r" % (q, st, body[:200])
            assert hd.get("content-type") == "image/png", hd
            sizes[q] = png_size(body)
            if q != "?scale=1":
                got = zbar(body)
                assert got == t["url"].upper(), "QR holds %r, want %r" % (
                    got, t["url"].upper())
        w1, h1 = sizes["?scale=1"]
        assert w1 == h1 and sizes["?scale=4"] == (4 * w1, 4 * h1), sizes
        assert sizes["?scale=40"] == (40 * w1, 40 * h1), sizes
        # The upper-case URL serves the survey.
        page = assert_html(s.get(path_of(t["url"].upper())), 200,
                           "upper-case URL")
        assert "overall" in page


@test
def svg_and_bad_scales():
    with Server() as s:
        t = new_ticket(s)
        st, hd, body = s.get("/api/v1/tickets/%s/qr.svg" % t["token"])
        assert st == 200, st
        assert hd.get("content-type", "").startswith("image/svg+xml"), hd
        head = body.lstrip()[:5]
        assert head.startswith(b"<svg") or head.startswith(b"<?xml"), head
        assert b"<script" not in body
        for q in ("0", "abc", "999", "41", "-1", "", "4x", "1e1",
                  "99999999999999999999"):
            st, hd, body = s.get("/api/v1/tickets/%s/qr.png?scale=%s" % (
                t["token"], q))
            assert st == 400, "scale=%r: %d" % (q, st)
        # A forged token: 404 for every ticket resource; no key needed for
        # the real one.
        forged = flip_char(t["token"], 10)
        for what in ("qr.png", "qr.svg", "slip", "qr.png?scale=4"):
            st = s.get("/api/v1/tickets/%s/%s" % (forged, what))[0]
            assert st == 404, "%s of a forged token: %d" % (what, st)
            st = s.get("/api/v1/tickets/%s/%s" % (t["token"], what))[0]
            assert st == 200, "%s: %d" % (what, st)
        st = s.get("/api/v1/tickets/%s/qr.gif" % t["token"])[0]
        assert st == 404, "qr.gif: %d" % st
        # The token is case-insensitive here too.
        assert_status(s.get("/api/v1/tickets/%s/qr.svg" % t["token"].lower()),
                      200, "lower-case token")


if __name__ == "__main__":
    run()
