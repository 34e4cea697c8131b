"""Harness of the integration tests: the real hailong binary, a real server
on a loopback port, real HTTP. Python standard library only.

Environment: HAILONG (the binary, absolute path), HAILONG_SRCDIR (the
source tree). Each test file registers functions with @test and ends with
run(), which prints "ok NAME" / "FAIL NAME" and exits 1 when any failed.
"""

import atexit
import html
import html.parser
import http.client as httpclient
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

HAILONG = os.environ.get("HAILONG", "")
SRCDIR = os.environ.get("HAILONG_SRCDIR", "")

# Under valgrind (make check-valgrind) every process runs some 20 times
# slower: the time limits grow, the timing goals are the plain run's.
UNDER_VALGRIND = bool(os.environ.get("HAILONG_REAL"))
SLOW = 6.0 if UNDER_VALGRIND else 1.0
START_TIMEOUT = 10.0 * SLOW
STOP_TIMEOUT = 10.0 * SLOW
HTTP_TIMEOUT = 10.0 * SLOW
CLI_TIMEOUT = 30.0 * SLOW

LISTEN_RE = re.compile(
    r"^hailong: listening on (http://127\.0\.0\.1:(\d+))\s*$")
# Crockford base32 (no I, L, O, U).
B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_RE = re.compile(r"^[%s]{5}-[%s]{5}$" % (B32, B32))
TOKEN_RE = re.compile(r"^[%s]{32}$" % B32, re.I)
ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
                    r"(Z|[+-]\d{2}:?\d{2})$")
BOM = b"\xef\xbb\xbf"


def _env():
    env = dict(os.environ)
    if SRCDIR:
        env.setdefault("SCHEMA_DIR", os.path.join(SRCDIR, "schema"))
        env.setdefault("TEMPLATES_DIR", os.path.join(SRCDIR, "templates"))
    return env


# ---------------------------------------------------------------- commands

def cli(*args, timeout=CLI_TIMEOUT, stdin=None):
    """Runs $HAILONG with args; returns (rc, stdout, stderr) as text."""
    p = subprocess.run([HAILONG] + [str(a) for a in args],
                       stdin=subprocess.DEVNULL if stdin is None else None,
                       input=stdin, capture_output=True, timeout=timeout,
                       env=_env())
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def cli_bytes(*args, timeout=CLI_TIMEOUT):
    """Like cli() but stdout as bytes."""
    p = subprocess.run([HAILONG] + [str(a) for a in args],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=timeout, env=_env())
    return (p.returncode, p.stdout, p.stderr.decode("utf-8", "replace"))


def cli_ok(*args, **kw):
    """cli() that must exit 0; returns stdout."""
    rc, out, err = cli(*args, **kw)
    assert rc == 0, "hailong %s: rc %d\nstdout: %s\nstderr: %s" % (
        " ".join(map(str, args)), rc, out, err)
    return out


def user_add(s, name, role, unit=None, password="user password 1"):
    """`hailong user add`, the password on standard input."""
    args = ["user", "add", "--data", s.data, "--name", name, "--role", role]
    rc, _, err = cli(*(args + (["--unit", unit] if unit else [])),
                     stdin=(password + "\n").encode())
    assert rc == 0, err


def user_session(s, name, page, password="user password 1"):
    """Signs name in with its password, opens page: (the session's
    cookie, the page's CSRF token or None, the page's bytes)."""
    st, h, _ = s.post_form("/signin", [("name", name),
                                       ("password", password)])
    assert st == 303, st
    cookie = h["set-cookie"].split(";")[0]
    st, _, body = s.get(page, {"Cookie": cookie})
    m = re.search(rb'name="csrf" value="([0-9a-f]{32})"', body)
    return cookie, (m.group(1).decode() if m else None), body


def add_key(data, role, name=None, unit=None):
    """`hailong key add`; returns the secret (the last line of stdout)."""
    args = ["key", "add", "--data", data, "--role", role,
            "--name", name or ("%s-%d" % (role, time.monotonic_ns()))]
    if unit:
        args += ["--unit", unit]
    out = cli_ok(*args)
    lines = [l for l in out.splitlines()]
    assert lines, "key add printed nothing"
    secret = lines[-1].strip()
    assert secret and " " not in secret, "last line is not a secret: %r" % (
        lines[-1],)
    return secret


def counter_key(data):
    return add_key(data, "counter")


def parse_fields(out):
    """'name: value' lines into a dict."""
    d = {}
    for line in out.splitlines():
        if ": " in line:
            k, v = line.split(": ", 1)
            d[k.strip()] = v.strip()
    return d


def export_json(data, *extra):
    rc, out, err = cli("export", "--data", data, "--format", "json", *extra)
    assert rc == 0, "export json: rc %d: %s" % (rc, err)
    try:
        rows = json.loads(out)
    except ValueError as e:
        raise AssertionError("export json is not JSON (%s): %r" % (
            e, out[:300]))
    assert isinstance(rows, list), "export json is not an array: %r" % (
        out[:200],)
    return rows


def export_csv(data, *extra):
    """Returns the raw bytes of the CSV export."""
    rc, out, err = cli_bytes("export", "--data", data, "--format", "csv",
                             *extra)
    assert rc == 0, "export csv: rc %d: %s" % (rc, err)
    return out


def verify(data):
    return cli("verify", "--data", data)


# ---------------------------------------------------------------- HTTP

def http(method, url, body=None, headers=None, timeout=HTTP_TIMEOUT):
    """One request on a new connection, no redirects followed. body: bytes,
    str (UTF-8) or a dict/list (sent as JSON, Content-Type set unless
    given). Returns (status, headers with lower-case names, body bytes)."""
    u = urllib.parse.urlsplit(url)
    conn = httpclient.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        return request(conn, method, urllib.parse.urlunsplit(
            ("", "", u.path or "/", u.query, "")), body, headers)
    finally:
        conn.close()


def request(conn, method, path, body=None, headers=None):
    """One request on an open http.client connection (keep-alive)."""
    h = dict(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        if not any(k.lower() == "content-type" for k in h):
            h["Content-Type"] = "application/json"
    elif isinstance(body, str):
        body = body.encode("utf-8")
    try:
        conn.request(method, path, body=body, headers=h)
    except (BrokenPipeError, ConnectionResetError):
        # The server may answer (413) and close before the body is sent.
        pass
    r = conn.getresponse()
    data = r.read()
    hd = {}
    for k, v in r.getheaders():
        k = k.lower()
        hd[k] = hd[k] + ", " + v if k in hd else v
    return r.status, hd, data


def raw_request(port, data, timeout=HTTP_TIMEOUT):
    """Sends data (a whole HTTP/1.1 request, bytes) on a new socket and
    returns the status code of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout) as sk:
        try:
            sk.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        got = b""
        while b"\r\n" not in got:
            chunk = sk.recv(4096)
            if not chunk:
                break
            got += chunk
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", got)
    assert m, "no HTTP status line: %r" % got[:100]
    return int(m.group(1))


def chunked_post(port, path, ctype, body, headers=""):
    """A POST with Transfer-Encoding: chunked (no Content-Length)."""
    req = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\n"
           "%sTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" % (
               path, ctype, headers)).encode()
    for i in range(0, len(body), 4096):
        part = body[i:i + 4096]
        req += b"%x\r\n" % len(part) + part + b"\r\n"
    return raw_request(port, req + b"0\r\n\r\n")


def form_body(pairs):
    """application/x-www-form-urlencoded of a list of (name, value)."""
    return urllib.parse.urlencode(pairs, encoding="utf-8")


def path_of(url):
    u = urllib.parse.urlsplit(url)
    return u.path + ("?" + u.query if u.query else "")


def json_of(status, headers, body, what=""):
    ct = headers.get("content-type", "")
    assert ct.startswith("application/json"), (
        "%s: Content-Type %r, status %d, body %r" % (what, ct, status,
                                                     body[:300]))
    try:
        return json.loads(body)
    except ValueError:
        raise AssertionError("%s: not JSON: %r" % (what, body[:300]))


def assert_json_error(resp, status, what=""):
    st, hd, body = resp
    assert st == status, "%s: status %d, want %d; body %r" % (
        what, st, status, body[:300])
    obj = json_of(st, hd, body, what)
    assert isinstance(obj, dict) and isinstance(obj.get("error"), str) \
        and obj["error"].strip(), "%s: no error message: %r" % (what, obj)
    return obj


def assert_status(resp, status, what=""):
    st, hd, body = resp
    assert st == status, "%s: status %d, want %d; headers %r; body %r" % (
        what, st, status, hd, body[:400])
    return resp


def assert_html(resp, status, what=""):
    st, hd, body = assert_status(resp, status, what)
    ct = hd.get("content-type", "")
    assert ct.startswith("text/html"), "%s: Content-Type %r" % (what, ct)
    return body.decode("utf-8")


# ---------------------------------------------------------------- server

_started = []		# servers of the running test, for the failure report


# Every server a test made: killed when the test file's process ends,
# so none outlives the suite when a test leaves it running.
_servers = []


@atexit.register
def _kill_servers():
    for srv in _servers:
        srv.kill()


class Server:
    """A hailong server on 127.0.0.1:0 over a temporary data dir.

    with Server() as s: ... starts it (and stops it with SIGTERM, asserting
    exit 0, on a clean exit); the data dir is removed afterwards. restart()
    keeps the data dir. The counter key made before the first start is in
    s.key."""

    def __init__(self, config=None, base_url=None, create_dir=True,
                 make_key=True, extra_args=()):
        _servers.append(self)
        self.root = tempfile.mkdtemp(prefix="hailong-it-")
        self.data = os.path.join(self.root, "data")
        if create_dir:
            os.mkdir(self.data)
        self.config_path = None
        if config is not None:
            self.config_path = os.path.join(self.root, "hailong.ini")
            with open(self.config_path, "w", encoding="utf-8") as f:
                f.write(config)
        self.base_url = base_url
        self.extra_args = list(extra_args)
        self.make_key = make_key
        self.key = None
        self.proc = None
        self.port = None
        self.base = None
        self.stdout_lines = []
        self.stderr_path = os.path.join(self.root, "stderr.log")
        self.stderr_text = ""
        self.starts = 0
        self._cache = {}
        _started.append(self)

    # -- life

    def args(self):
        a = [HAILONG, "serve", "--listen", "127.0.0.1:0", "--data", self.data]
        if self.base_url:
            a += ["--base-url", self.base_url]
        if self.config_path:
            a += ["--config", self.config_path]
        return a + self.extra_args

    def start(self):
        if self.make_key and self.key is None:
            # Before the first start, so the key exists whatever the server
            # caches; adding one to a running server is tested on its own.
            self.key = counter_key(self.data)
        self.starts += 1
        err = open(self.stderr_path, "ab")
        err.write(("--- start %d\n" % self.starts).encode())
        err.flush()
        self.proc = subprocess.Popen(self.args(), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=err,
                                     env=_env())
        err.close()
        lines = queue.Queue()

        def reader(proc, q, sink):
            for raw in proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                sink.append(line)
                q.put(line)
            q.put(None)

        threading.Thread(target=reader, daemon=True,
                         args=(self.proc, lines, self.stdout_lines)).start()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            left = deadline - time.monotonic()
            try:
                line = lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                line = None
                if time.monotonic() < deadline:
                    continue
                self.kill()
                raise AssertionError("server not listening after %.0fs; "
                                     "stderr:\n%s" % (START_TIMEOUT,
                                                      self.read_stderr()))
            if line is None:
                rc = self.proc.wait(timeout=STOP_TIMEOUT)
                self.proc = None
                raise AssertionError("server exited (rc %s) before "
                                     "listening; stdout %r; stderr:\n%s" % (
                                         rc, self.stdout_lines,
                                         self.read_stderr()))
            m = LISTEN_RE.match(line)
            if m:
                self.base = m.group(1)
                self.port = int(m.group(2))
                assert self.port != 0, "listening on port 0: %r" % line
                self._cache = {}
                return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        """Sends sig (SIGTERM), waits, asserts exit code 0."""
        assert self.proc is not None, "server not started"
        p, self.proc = self.proc, None
        if p.poll() is None:
            p.send_signal(sig)
        try:
            rc = p.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise AssertionError("server did not stop within %.0fs of "
                                 "signal %d" % (STOP_TIMEOUT, sig))
        assert rc == 0, "server exit code %d after signal %d; stderr:\n%s" % (
            rc, sig, self.read_stderr())

    def kill(self):
        if self.proc is not None:
            p, self.proc = self.proc, None
            if p.poll() is None:
                p.kill()
            p.wait()

    def restart(self):
        self.stop()
        return self.start()

    def read_stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return self.stderr_text

    def __enter__(self):
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, et, ev, tb):
        try:
            if et is None:
                if self.proc is not None:
                    self.stop()
            else:
                self.kill()
        finally:
            self.stderr_text = self.read_stderr()
            shutil.rmtree(self.root, ignore_errors=True)
        return False

    # -- HTTP helpers

    def url(self, path):
        return self.base + path

    def http(self, method, path, body=None, headers=None):
        return http(method, self.base + path, body, headers)

    def get(self, path, headers=None):
        return self.http("GET", path, None, headers)

    def post_form(self, path, pairs, headers=None):
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        body = pairs if isinstance(pairs, (bytes, str)) else form_body(pairs)
        return self.http("POST", path, body, h)

    def api_json(self, path):
        r = self.get(path)
        assert_status(r, 200, path)
        return json_of(*r, what=path)

    def units(self):
        if "units" not in self._cache:
            self._cache["units"] = self.api_json("/api/v1/units")
        return self._cache["units"]

    def procedures(self):
        if "procs" not in self._cache:
            self._cache["procs"] = self.api_json("/api/v1/procedures")
        return self._cache["procs"]

    def export(self, *extra):
        return export_json(self.data, *extra)


def valid_unit(server, index=0):
    """A non-root unit (parent set) from GET /api/v1/units."""
    us = [u for u in server.units() if u.get("parent")]
    assert us, "no non-root unit in /api/v1/units"
    return us[index % len(us)]


def valid_procedure(server, index=0):
    """A catalogued procedure whose sector is set."""
    ps = [p for p in server.procedures() if p.get("sector")]
    assert ps, "no procedure with a sector in /api/v1/procedures"
    return ps[index % len(ps)]


def issue(server, key, **fields):
    """POST /api/v1/tickets; procedure and unit default to valid ones
    (pass None to leave a field out). Returns (status, headers, body)."""
    body = {}
    if "procedure" not in fields:
        body["procedure"] = valid_procedure(server)["code"]
    if "unit" not in fields:
        body["unit"] = valid_unit(server)["code"]
    for k, v in fields.items():
        if v is not None:
            body[k] = v
    h = {"Content-Type": "application/json"}
    if key is not None:
        h["Authorization"] = "Bearer " + key
    return server.http("POST", "/api/v1/tickets",
                       json.dumps(body).encode(), h)


def new_ticket(server, key=None, want=201, **fields):
    """issue() that must succeed; returns the ticket object."""
    r = issue(server, server.key if key is None else key, **fields)
    assert_status(r, want, "issue %r" % (fields,))
    t = json_of(*r, what="issue")
    for k in ("token", "url", "code", "expires_at"):
        assert isinstance(t.get(k), str) and t[k], "ticket lacks %s: %r" % (
            k, t)
    t["path"] = "/s/" + t["token"]
    return t


# ---------------------------------------------------------------- forms

class _FormParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.choices = {}	# name -> [values] (radio, checkbox, select)
        self.kinds = {}		# name -> radio|checkbox|select
        self.hidden = []	# [(name, value)]
        self.textareas = []
        self.texts = []
        self.forms = []		# [(method, action)]
        self.links = []
        self.scripts = 0
        self.html_lang = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        elif tag == "form":
            self.forms.append(((a.get("method") or "get").lower(),
                               a.get("action")))
        elif tag == "a" and a.get("href") is not None:
            self.links.append(a["href"])
        elif tag == "script":
            self.scripts += 1
        elif tag == "input":
            t = (a.get("type") or "text").lower()
            name = a.get("name")
            if not name:
                return
            if t in ("radio", "checkbox"):
                self.choices.setdefault(name, []).append(a.get("value", "on"))
                self.kinds[name] = t
            elif t == "hidden":
                self.hidden.append((name, a.get("value", "")))
            elif t in ("text", "number"):
                self.texts.append(name)
        elif tag == "textarea" and a.get("name"):
            self.textareas.append(a["name"])
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.choices.setdefault(self._select, [])
            self.kinds[self._select] = "select"
        elif tag == "option" and self._select and a.get("value"):
            self.choices[self._select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def parse_page(page):
    p = _FormParser()
    p.feed(page if isinstance(page, str) else page.decode("utf-8"))
    p.close()
    return p


def survey_form_fields(page):
    """{name: [values]} of the radio/checkbox/select fields the page's form
    offers, in document order."""
    return parse_page(page).choices


def aspect_names(page):
    """The choice questions other than overall and reasons, in page order."""
    return [n for n in survey_form_fields(page)
            if n not in ("overall", "reasons", "lang")]


def full_answer(page, overall="5", pick=0, comment=None):
    """Form pairs answering overall and every aspect question with the
    pick-th option (as a browser would send them, hidden fields too)."""
    p = parse_page(page)
    pairs = list(p.hidden)
    pairs.append(("overall", str(overall)))
    for name in aspect_names(page):
        vals = p.choices[name]
        pairs.append((name, vals[pick % len(vals)]))
    if comment is not None:
        pairs.append(("comment", comment))
    return pairs


def page_text(page):
    return html.unescape(page if isinstance(page, str)
                         else page.decode("utf-8"))


def flip_char(token, i):
    """token with the i-th character changed to another base32 digit."""
    c = token[i].upper()
    j = B32.find(c)
    n = B32[(j + 1) % len(B32)] if j >= 0 else "0"
    return token[:i] + n + token[i + 1:]


# ---------------------------------------------------------------- systemd

class NotifySocket:
    """A datagram socket such as systemd's; messages() drains it."""

    def __init__(self, root):
        self.path = os.path.join(root, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.got = []	# (monotonic time, message)

    def wait_for(self, want, timeout=10.0):
        """Reads until a message holding the line want; returns it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(deadline - time.monotonic(), 0.01))
            try:
                msg = self.sock.recv(4096).decode()
            except socket.timeout:
                break
            self.got.append((time.monotonic(), msg))
            if want in msg.split("\n"):
                return msg
        raise AssertionError("no %r within %.0fs; got %r" % (
            want, timeout, [m for _, m in self.got]))

    def close(self):
        self.sock.close()


# ---------------------------------------------------------------- runner

_tests = []


def test(fn):
    _tests.append(fn)
    return fn


def run():
    if not HAILONG or not os.access(HAILONG, os.X_OK):
        print("FAIL setup: HAILONG=%r is not an executable" % HAILONG)
        print("0 passed, 1 failed")
        sys.exit(1)
    only = sys.argv[1:]
    passed = failed = 0
    name0 = os.path.basename(sys.argv[0])
    for fn in _tests:
        if only and fn.__name__ not in only:
            continue
        del _started[:]
        t0 = time.monotonic()
        try:
            fn()
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt):
                raise
            failed += 1
            print("FAIL %s (%.1fs)" % (fn.__name__, time.monotonic() - t0))
            traceback.print_exc(file=sys.stdout)
            for s in _started:
                s.kill()
                text = s.stderr_text or s.read_stderr()
                if text.strip():
                    print("--- server stderr (%s):" % s.root)
                    print(text.rstrip())
        else:
            passed += 1
            print("ok %s (%.1fs)" % (fn.__name__, time.monotonic() - t0))
        finally:
            for s in _started:
                s.kill()
                shutil.rmtree(s.root, ignore_errors=True)
            del _started[:]
        sys.stdout.flush()
    print("%s: %d passed, %d failed" % (name0, passed, failed))
    sys.exit(1 if failed else 0)
