"""A catalogue of hostile and malformed requests, each sent on its own raw
socket with its expected answer in a table. None of them may crash or hang
the server, answer 5xx, or change what was stored before the barrage."""

import json
import os
import re
import socket
import time

from hl import (Server, add_key, assert_html, assert_status, cli_bytes,
                cli_ok, form_body, full_answer, json_of, new_ticket, run,
                test, valid_procedure, valid_unit, verify)

# What a case may end in besides a status code.
CLOSED = "closed"	# the server closed the connection without an answer
TIMEOUT = "timeout"	# no answer within CASE_TIMEOUT, connection still open

CASE_TIMEOUT = 3.0
BODY_MAX = 16 * 1024
CONN_MEMORY = 64 * 1024


def send(port, data, timeout=CASE_TIMEOUT):
    """Sends data on a new socket; returns the status code of the answer,
    CLOSED or TIMEOUT, and the bytes received."""
    got = b""
    with socket.create_connection(("127.0.0.1", port), timeout) as sk:
        try:
            sk.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while b"\r\n\r\n" not in got:
                chunk = sk.recv(65536)
                if not chunk:
                    break
                got += chunk
        except ConnectionResetError:
            pass
        except socket.timeout:
            if not got:
                return TIMEOUT, got
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", got)
    if not m:
        return (CLOSED, got) if not got else ("garbage", got)
    return int(m.group(1)), got


def req(method, path, headers=(), body=None, version=b"HTTP/1.1"):
    """The bytes of one request; Host and Connection: close are added,
    Content-Length too when body is given and no header names it."""
    m = method if isinstance(method, bytes) else method.encode()
    p = path if isinstance(path, bytes) else path.encode()
    lines = [m + b" " + p + b" " + version, b"Host: 127.0.0.1",
             b"Connection: close"]
    names = set()
    for h in headers:
        h = h if isinstance(h, bytes) else h.encode()
        names.add(h.split(b":", 1)[0].strip().lower())
        lines.append(h)
    if body is not None:
        body = body if isinstance(body, bytes) else body.encode("utf-8")
        if b"content-length" not in names and \
                b"transfer-encoding" not in names:
            lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


def chunked(path, ctype, body, headers=()):
    out = b""
    for i in range(0, len(body), 4096):
        part = body[i:i + 4096]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return req("POST", path, ["Content-Type: " + ctype,
                              "Transfer-Encoding: chunked"] + list(headers),
               out + b"0\r\n\r\n")


FORM = "Content-Type: application/x-www-form-urlencoded"
JSON = "Content-Type: application/json"


def catalogue(c):
    """The table: [(name, request bytes, expected)]; expected is a status,
    CLOSED, TIMEOUT, or a tuple of those where the contract allows either.
    c holds the tokens and keys of the fixture."""
    tok, ans, good = c["open"], c["answered"], c["good_form"]
    tp = "/s/" + tok
    bearer = "Authorization: Bearer " + c["counter"]
    kiosk = "Authorization: Bearer " + c["kiosk"]
    proc, unit = c["proc"], c["unit"]

    def form(pairs_raw, path=tp, ctype=FORM):
        return req("POST", path, [ctype], pairs_raw)

    def ticket(obj_or_raw, headers=(bearer, JSON)):
        b = obj_or_raw if isinstance(obj_or_raw, bytes) else \
            json.dumps(obj_or_raw).encode()
        return req("POST", "/api/v1/tickets", list(headers), b)

    def kresp(obj_or_raw, headers=(kiosk, JSON)):
        b = obj_or_raw if isinstance(obj_or_raw, bytes) else \
            json.dumps(obj_or_raw).encode()
        return req("POST", "/api/v1/responses", list(headers), b)

    def tk(**kw):
        d = {"procedure": proc, "unit": unit}
        d.update(kw)
        return d

    def kr(overall=b"5", extra=b""):
        # A kiosk answer with a raw overall value (JSON text).
        return (b'{"idempotency_key": "hostile-%d-xxxxxxxx", "answers": '
                b'{"overall": %s}%s}' % (time.monotonic_ns(), overall, extra))

    deep = b"[" * 10000 + b"]" * 10000
    open_deep = b'{"case": ' + b"[" * 10000
    big17 = good + "&comment=" + "a" * (17 * 1024)
    cases = [
        # -- methods and request lines
        ("BREW /", req("BREW", "/"), 405),
        ("BREW on a ticket", req("BREW", tp), 405),
        ("lower-case get", req("get", "/healthz"), 405),
        ("GET without a path", b"GET HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET alone", b"GET\r\n\r\n", (400, CLOSED)),
        ("HTTP/9.9", req("GET", "/healthz", version=b"HTTP/9.9"), 505),
        ("no Host in HTTP/1.1", b"GET /healthz HTTP/1.1\r\n"
         b"Connection: close\r\n\r\n", 200),	# Host is never read
        ("binary request line", b"\x01\x02\xff\r\n\r\n", CLOSED),
        # A NUL first: the library waits for more until the idle timeout
        # (checked below: the server serves others meanwhile).
        ("NUL request line", b"\x00\x01\x02\xff\r\n\r\n", TIMEOUT),
        ("NUL in the path", req("GET", b"/heal\x00thz"), (400, 404)),
        ("space in the path", req("GET", b"/s/ " + tok.encode()), (400, 404)),
        ("header without colon", req("GET", "/healthz", ["NoColonHere"]),
         400),
        ("NUL in a header", req("GET", "/healthz", [b"X-A: a\x00b"]),
         (200, 400)),
        # -- sizes over the connection's memory (64 KiB)
        ("huge header", req("GET", "/healthz",
                            ["X-Big: " + "a" * (CONN_MEMORY + 1024)]), 431),
        ("many headers", req("GET", "/healthz",
                             ["X-H%d: %s" % (i, "b" * 100)
                              for i in range(800)]), 431),
        ("huge URL", req("GET", "/s/" + "A" * (CONN_MEMORY + 1024)), 414),
        ("huge query", req("GET", tp + "?lang=" + "v" * (CONN_MEMORY + 1024)),
         414),
        # -- percent-encoding
        ("bad %zz in token", req("GET", "/s/%zz" + tok[4:]), (400, 404)),
        ("lone % in token", req("GET", "/s/" + tok[:31] + "%"), (400, 404)),
        ("%00 in token", req("GET", "/s/" + tok[:16] + "%00" + tok[17:]),
         (400, 404)),
        # An unknown language falls back to the default one.
        ("bad % in lang", req("GET", tp + "?lang=%zz"), 200),
        ("bad % in code", req("GET", "/c?code=%G1"), 400),
        ("bad % in wait", req("GET", "/api/v1/kiosk/next?wait=%", [kiosk]),
         400),
        ("bad % in form name", form(good + "&%zz=1"), 400),
        ("bad % in form value", form("overall=%5"), 400),
        # -- invalid UTF-8, NUL
        ("form comment bad UTF-8", form(good + "&comment=%C3%28"), 400),
        ("form comment overlong UTF-8", form(good + "&comment=%C0%AF"), 400),
        ("form comment surrogate", form(good + "&comment=%ED%A0%80"), 400),
        ("form raw 0xff byte", form(good.encode() + b"&comment=\xff"), 400),
        ("form comment NUL", form(good + "&comment=a%00b"), 400),
        ("form raw NUL", form(good.encode() + b"&comment=a\x00b"), 400),
        ("ticket case bad UTF-8",
         ticket(b'{"procedure": "%s", "unit": "%s", "case": "\xc3\x28"}' % (
             proc.encode(), unit.encode())), 400),
        # jansson refuses \u0000 as malformed JSON.
        ("ticket case \\u0000", ticket(tk(case="a\u0000b")), 400),
        ("ticket lone surrogate escape",
         ticket(b'{"procedure": "%s", "unit": "%s", "case": "\\ud800"}' % (
             proc.encode(), unit.encode())), 400),
        ("kiosk comment bad UTF-8", kresp(kr(extra=b', "comment": "\xff"')),
         400),
        ("kiosk comment NUL", kresp(kr(extra=b', "comment": "a\\u0000b"')),
         400),
        ("enrol code bad UTF-8", req("POST", "/api/v1/kiosk/enrol", [JSON],
                                     b'{"code": "\xfe\xff"}'), 400),
        # -- overlong fields
        ("unit code 33 bytes", ticket(tk(unit="U" * 33)), 422),
        ("procedure 33 bytes", ticket(tk(procedure="1" * 33)), 422),
        ("case 65 bytes", ticket(tk(case="c" * 65)), 422),
        ("counter 17 bytes", ticket(tk(counter="9" * 17)), 422),
        ("sector 16 bytes", ticket(tk(sector="s" * 16)), 422),
        ("form comment 1001 characters",
         form(good + "&comment=" + "b" * 1001), 422),
        ("form comment 1001 four-byte characters",
         form(good + "&comment=" + "%F0%9F%98%80" * 1001), 422),
        ("kiosk comment 1001 characters",
         kresp(kr(extra=b', "comment": "%s"' % (b"c" * 1001))), 422),
        ("kiosk idempotency key 65 bytes",
         kresp(b'{"idempotency_key": "%s", "answers": {"overall": 5}}' % (
             b"k" * 65)), 422),
        ("kiosk idempotency key 15 bytes",
         kresp(b'{"idempotency_key": "%s", "answers": {"overall": 5}}' % (
             b"k" * 15)), 422),
        ("enrol code 33 bytes", req("POST", "/api/v1/kiosk/enrol", [JSON],
                                    json.dumps({"code": "A" * 33})), 422),
        ("form field name 33 bytes", form(good + "&" + "n" * 33 + "=1"), 422),
        ("form 49 fields", form(good + "&reasons=x" * 49), (413, 422)),
        # -- repeated and unknown fields
        ("form overall twice", form(good + "&overall=4"), 422),
        ("form comment twice", form(good + "&comment=a&comment=b"), 422),
        ("ticket duplicate key",
         ticket(b'{"procedure": "%s", "unit": "%s", "unit": "%s"}' % (
             proc.encode(), unit.encode(), unit.encode())), 400),
        ("kiosk duplicate answers",
         kresp(b'{"idempotency_key": "dup-answers-xxxxxxxx", "answers": '
               b'{"overall": 5}, "answers": {"overall": 1}}'), 400),
        ("kiosk duplicate overall",
         kresp(b'{"idempotency_key": "dup-overall-xxxxxxxx", "answers": '
               b'{"overall": 5, "overall": 1}}'), 400),
        ("form unknown field", form(good + "&admin=1"), 422),
        ("ticket unknown field", ticket(tk(state="answered")), 422),
        ("kiosk unknown field", kresp(kr(extra=b', "channel": "qr"')), 422),
        ("kiosk unknown question", kresp(kr(overall=b'5, "nope": "x"')), 422),
        # -- content types
        ("form as JSON", form('{"overall": 5}', ctype=JSON), 415),
        ("form as multipart", form(good, ctype="Content-Type: multipart/"
                                   "form-data; boundary=x"), 415),
        ("form without type", req("POST", tp, [], good), 415),
        ("ticket as text/plain", ticket(tk(), (bearer, "Content-Type: "
                                               "text/plain")), 415),
        ("ticket as application/jsonx", ticket(tk(), (
            bearer, "Content-Type: application/jsonx")), 415),
        ("kiosk as form", kresp(kr(), (kiosk, FORM)), 415),
        # -- bodies over 16 KiB
        ("form 17 KiB", form(big17), 413),
        ("form 17 KiB chunked", chunked(tp, "application/x-www-form-"
                                        "urlencoded", big17.encode()), 413),
        ("ticket 17 KiB chunked", chunked(
            "/api/v1/tickets", "application/json",
            json.dumps(tk(case="x" * (17 * 1024))).encode(), [bearer]), 413),
        ("kiosk 17 KiB chunked", chunked(
            "/api/v1/responses", "application/json",
            kr(extra=b', "comment": "%s"' % (b"y" * (17 * 1024))), [kiosk]),
         413),
        ("chunk size not hex", req("POST", tp, [FORM, "Transfer-Encoding: "
                                                "chunked"], b"zz\r\nab\r\n0"
                                   b"\r\n\r\n"), (400, CLOSED)),
        ("chunk size overflow", req("POST", tp, [FORM, "Transfer-Encoding: "
                                                 "chunked"],
                                    b"ffffffffffffffffffff\r\nab\r\n"),
         (400, 413, CLOSED)),
        # -- paths outside the served files
        ("/kiosk/../server.key", req("GET", "/kiosk/../server.key"), 404),
        ("/kiosk/%2e%2e/server.key", req("GET", "/kiosk/%2e%2e/server.key"),
         404),
        ("/kiosk/..%2fserver.key", req("GET", "/kiosk/..%2fserver.key"), 404),
        ("/kiosk//etc/passwd", req("GET", "/kiosk//etc/passwd"), 404),
        ("/kiosk/kiosk.js/..", req("GET", "/kiosk/kiosk.js/.."), 404),
        ("/kiosk/./kiosk.js", req("GET", "/kiosk/./kiosk.js"), 404),
        ("/kiosk/kiosk.js%00.html", req("GET", "/kiosk/kiosk.js%00.html"),
         (400, 404)),
        ("/kiosk/index.html%00", req("GET", "/kiosk/index.html%00"),
         (400, 404)),
        ("/kiosk/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
         req("GET", "/kiosk/%2e%2e%2f%2e%2e%2fetc%2fpasswd"), 404),
        ("/kiosk/../../README.md", req("GET", "/kiosk/../../README.md"), 404),
        ("/kiosk/index.html/", req("GET", "/kiosk/index.html/"), 404),
        ("/../data/server.key", req("GET", "/../data/server.key"),
         (400, 404)),
        ("/s/../server.key", req("GET", "/s/../server.key"), 404),
        ("/S/..%2f..%2fetc%2fpasswd", req("GET", "/S/..%2f..%2fetc%2fpasswd"),
         404),
        ("/api/v1/tickets/../../server.key/qr.svg",
         req("GET", "/api/v1/tickets/../../server.key/qr.svg"), 404),
        ("/templates/survey.html", req("GET", "/templates/survey.html"), 404),
        ("/schema/survey.ini", req("GET", "/schema/survey.ini"), 404),
        ("/counter/../server.key", req("GET", "/counter/../server.key"), 404),
        ("absolute-form URL", req("GET", "http://evil.example/healthz"),
         (400, 404)),
        # -- numbers out of range
        ("form overall=6", form(re.sub(r"overall=\d", "overall=6", good)),
         422),
        ("form overall=-1", form(re.sub(r"overall=\d", "overall=-1", good)),
         422),
        ("form overall=2^64", form(re.sub(r"overall=\d",
                                          "overall=18446744073709551616",
                                          good)), 422),
        ("form overall=5.0", form(re.sub(r"overall=\d", "overall=5.0", good)),
         422),
        ("kiosk overall 6", kresp(kr(b"6")), 422),
        ("kiosk overall -1", kresp(kr(b"-1")), 422),
        ("kiosk overall 1e999", kresp(kr(b"1e999")), 400),
        ("kiosk overall 2^64", kresp(kr(b"18446744073709551616")), 400),
        ("kiosk overall 5.0", kresp(kr(b"5.0")), 422),
        ("kiosk overall \"5\"", kresp(kr(b'"5"')), 422),
        ("kiosk answered_at 1e999", kresp(kr(extra=b', "answered_at": '
                                             b'1e999')), 400),
        ("kiosk answered_at -2^63",
         kresp(kr(extra=b', "answered_at": -9223372036854775808')), 422),
        ("kiosk answered_at year 99999",
         kresp(kr(extra=b', "answered_at": "99999-01-01T00:00:00Z"')), 422),
        ("ticket counter 2^64", ticket(
            b'{"procedure": "%s", "unit": "%s", "counter": '
            b'18446744073709551616}' % (proc.encode(), unit.encode())), 400),
        ("qr scale 2^64", req("GET", "/api/v1/tickets/%s/qr.png?scale="
                              "18446744073709551616" % tok), 400),
        ("qr scale -1", req("GET", "/api/v1/tickets/%s/qr.png?scale=-1"
                            % tok), 400),
        ("next wait 1e999", req("GET", "/api/v1/kiosk/next?wait=1e999",
                                [kiosk]), 400),
        ("report month 99999-99", req("GET", "/api/v1/reports/monthly?month="
                                      "99999-99", ["Authorization: Bearer " +
                                                   c["viewer"]]), 400),
        # -- JSON nesting bombs
        ("ticket 10,000 deep (20 KB)", ticket(deep), 413),
        ("ticket 10,000 deep unclosed", ticket(open_deep), 400),
        ("kiosk 5,000 deep answers", kresp(
            b'{"idempotency_key": "deep-xxxxxxxxxxxxxx", "answers": ' +
            b"[" * 5000 + b"]" * 5000 + b"}"), 400),
        ("enrol 10,000 deep unclosed", req("POST", "/api/v1/kiosk/enrol",
                                           [JSON], b"{\"code\": " +
                                           b"{\"a\": " * 2000), 400),
        # -- Content-Length lies
        ("Content-Length 100, body 10", req("POST", tp, [
            FORM, "Content-Length: 100"], b"overall=5&"), (400, TIMEOUT)),
        ("Content-Length 10^11", req("POST", tp, [
            FORM, "Content-Length: 100000000000"], b"overall=5"),
         (413, TIMEOUT)),
        ("Content-Length 2^64", req("POST", tp, [
            FORM, "Content-Length: 18446744073709551616"], b"overall=5"),
         (400, 413)),
        ("Content-Length -1", req("POST", tp, [
            FORM, "Content-Length: -1"], b"overall=5"), 400),
        # Conflicting lengths are a framing error (RFC 9112, 6.3); sent to
        # the answered ticket so that taking either length writes nothing.
        ("two Content-Lengths", req("POST", "/s/" + ans, [
            FORM, "Content-Length: 9", "Content-Length: 3"], b"overall=5"),
         400),
        ("Content-Length and chunked", req("POST", "/s/" + ans, [
            FORM, "Content-Length: 9", "Transfer-Encoding: chunked"],
            b"9\r\noverall=5\r\n0\r\n\r\n"), (400, 409)),
        # -- credentials
        ("Bearer 10 KiB", ticket(tk(), ("Authorization: Bearer " +
                                        "A" * 10240, JSON)), 401),
        ("Bearer with NUL", ticket(tk(), (b"Authorization: Bearer a\x00b",
                                          JSON.encode())), (400, 401)),
        ("kiosk key on tickets", ticket(tk(), (kiosk, JSON)), 403),
        ("counter key on responses", kresp(kr(), (bearer, JSON)), 403),
        ("session cookie garbage", req("GET", "/reports/monthly?month="
                                       "2025-01", ["Cookie: hl_session=" +
                                                   "%" * 300]), 401),
        ("signin next off-site with a wrong key",
         req("POST", "/signin", [FORM], "key=nope&next=//evil.example/"),
         401),
        # -- an answered ticket stays answered
        ("answer an answered ticket", form(good, path="/s/" + ans), 409),
    ]
    # Tokens of every length, 0..40: only the real one (32) opens the page;
    # its lower-case spelling is the same token (the QR carries upper case).
    src = (tok * 2)
    for n in range(0, 41):
        t = src[:n]
        cases.append(("token of length %d" % n, req("GET", "/s/" + t),
                      200 if n == 32 else 404))
    for ch, name in (("U", "U"), ("*", "star"), ("~", "tilde"),
                     ("%20", "space"), ("%EF%BC%A1", "full-width A"),
                     ("=", "equals")):
        t = tok[:10] + ch + tok[11:]
        cases.append(("token with %s" % name, req("GET", "/s/" + t), 404))
    cases.append(("token lower case", req("GET", "/s/" + tok.lower()), 200))
    cases.append(("token mixed case", req("GET", "/s/" + "".join(
        ch.lower() if i % 2 else ch for i, ch in enumerate(tok))), 200))
    cases.append(("token upper-case route /S/", req("GET", "/S/" + tok),
                  200))
    cases.append(("token with trailing slash", req("GET", tp + "/"), 404))
    return cases


def export_bytes(data):
    rc, out, err = cli_bytes("export", "--data", data, "--format", "json")
    assert rc == 0, "export: rc %d: %s" % (rc, err)
    return out


def enrol_kiosk(s, unit):
    out = cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                 "--counter", "2", "--name", "hostile-kiosk")
    code = [l for l in out.splitlines() if l.startswith("code: ")][0][6:]
    r = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
    assert_status(r, 201, "enrol")
    return json_of(*r, what="enrol")["key"]


@test
def hostile_catalogue():
    with Server() as s:
        unit = valid_unit(s)["code"]
        kkey = enrol_kiosk(s, unit)
        viewer = add_key(s.data, "viewer")
        # Answers written before the barrage.
        done = [new_ticket(s, case="H-%d" % i) for i in range(3)]
        page = assert_html(s.get(done[0]["path"]), 200, "survey")
        for i, t in enumerate(done):
            assert_status(s.post_form(t["path"], full_answer(
                page, 1 + i, pick=i, comment="trước %d <b>&" % i)), 200,
                "answer")
        r = s.http("POST", "/api/v1/responses", {
            "idempotency_key": "before-barrage-0001", "answers":
            {"overall": 4}, "comment": "kiosk trước"},
            {"Authorization": "Bearer " + kkey})
        assert_status(r, 201, "kiosk answer")
        open_t = new_ticket(s, case="H-open")
        before = export_bytes(s.data)
        assert len(json.loads(before)) == 4

        ctx = {"open": open_t["token"], "answered": done[0]["token"],
               "good_form": form_body(full_answer(page, 5)),
               "counter": s.key, "kiosk": kkey, "viewer": viewer,
               "proc": valid_procedure(s)["code"], "unit": unit}
        cases = catalogue(ctx)
        assert len(cases) >= 40, len(cases)
        names = [c[0] for c in cases]
        assert len(set(names)) == len(names), "duplicate case names"
        wrong = []
        probe = os.environ.get("HL_PROBE")
        for name, data, want in cases:
            t0 = time.monotonic()
            try:
                got, raw = send(s.port, data)
            except OSError as e:
                got, raw = "error %s" % e, b""
            dt = time.monotonic() - t0
            alive = s.running()
            ok = got == want or (isinstance(want, tuple) and got in want)
            if probe:
                print("  %-45s %-8s want %-16s %.1fs" % (
                    name, got, want, dt))
            if isinstance(got, int) and got >= 500 and got != 505:
                ok = False
            if not ok or not alive:
                wrong.append("%s: got %s, want %s%s; answer %r" % (
                    name, got, want, "" if alive else " (SERVER DIED)",
                    raw[:200]))
            if not alive:
                break
        # Connections stuck mid-request (a NUL request line, a body shorter
        # than its length) do not stop the server from serving others.
        held = []
        for data in (b"\x00\r\n\r\n", req("POST", "/s/" + ctx["open"], [
                FORM, "Content-Length: 100"], b"overall=5")):
            sk = socket.create_connection(("127.0.0.1", s.port), 5)
            sk.sendall(data)
            held.append(sk)
        t0 = time.monotonic()
        st = s.get("/healthz")[0]
        assert st == 200 and time.monotonic() - t0 < 2, (
            "healthz %d in %.1fs beside stuck connections" % (
                st, time.monotonic() - t0))
        for sk in held:
            sk.close()
        # Still up, nothing stored changed, the aggregates agree.
        assert s.running(), "server died: " + "\n".join(wrong)
        st = s.get("/healthz")[0]
        assert st == 200, "healthz %d after the barrage" % st
        after = export_bytes(s.data)
        assert after == before, "export changed by the barrage"
        rc, out, err = verify(s.data)
        assert rc == 0, "verify: rc %d\n%s%s" % (rc, out, err)
        assert_html(s.get(open_t["path"]), 200, "open ticket still open")
        assert not wrong, "%d of %d cases wrong:\n  %s" % (
            len(wrong), len(cases), "\n  ".join(wrong))


if __name__ == "__main__":
    run()
