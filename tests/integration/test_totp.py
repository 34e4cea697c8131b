"""One-time codes for admins (RFC 6238): `hailong user totp` prints the
secret once and turns codes on only after a right code; sign-in then
needs the code after the password; a missing, wrong or replayed code is a
failure counted in the address limit and the per-name delay; the console
turns codes on (the secret shown once, in use only after a right code)
and another admin turns them off; the secret never in the audit log,
the logs or an export; the step edges under libfaketime."""

import base64
import hashlib
import hmac
import html
import json
import os
import re
import struct
import subprocess
import time

from fakeclock import faked_server
from hl import (_env, add_key, cli, cli_ok, HAILONG, json_of, run, Server,
                test, user_add)

PW = "totp password 1"


def hotp(secret, counter):
    mac = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7fffffff)
                     % 1000000)


def code_at(secret, t):
    return hotp(secret, int(t) // 30)


def user(s, name, role="admin", unit=None):
    user_add(s, name, role, unit, PW)


def totp_on(data, name, wrong=False):
    """`hailong user totp`: reads the printed URI, types its code."""
    p = subprocess.Popen([HAILONG, "user", "totp", "--data", data, "--name",
                          name], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=_env())
    uri = b32 = None
    for line in p.stdout:
        line = line.decode()
        if line.startswith("secret: "):
            b32 = line[8:].strip()
        if line.startswith("uri: "):
            uri = line[5:].strip()
            break
    assert uri and b32, p.stderr.read()
    m = re.fullmatch(r"otpauth://totp/hailong:([^?]+)\?secret=([A-Z2-7]{32})"
                     r"&issuer=hailong&algorithm=SHA1&digits=6&period=30",
                     uri)
    assert m and m.group(2) == b32, uri
    secret = base64.b32decode(b32)
    code = code_at(secret, time.time())
    if wrong:
        code = "%06d" % ((int(code) + 1) % 1000000)
    out, err = p.communicate((code + "\n").encode(), timeout=30)
    return p.returncode, secret, b32, out.decode() + err.decode()


def signin(s, name, pw=PW, code=None, ip=None):
    form = [("name", name), ("password", pw)]
    if code is not None:
        form.append(("code", code))
    return s.post_form("/signin", form)


def audit(s, admin):
    return json_of(*s.get("/api/v1/admin/audit?limit=1000",
                          {"Authorization": "Bearer " + admin}))["entries"]


@test
def the_command_and_signing_in_with_a_code():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        user(s, "boss")
        user(s, "reader", "viewer")
        # Not for a viewer; no such user.
        rc, _, err = cli("user", "totp", "--data", s.data, "--name",
                         "reader")
        assert rc == 1 and "for admins" in err, err
        rc, _, err = cli("user", "totp", "--data", s.data, "--name", "nobody")
        assert rc == 1 and "no user nobody" in err, err
        # A wrong code: codes stay off, sign-in needs none.
        rc, _, _, out = totp_on(s.data, "boss", wrong=True)
        assert rc == 1 and "stay off" in out, out
        assert signin(s, "boss")[0] == 303
        rc, secret, b32, out = totp_on(s.data, "boss")
        assert rc == 0 and "one-time codes on" in out, out
        assert "\ttotp" in cli_ok("user", "list", "--data", s.data)
        # Again while on: refused.
        p = subprocess.run([HAILONG, "user", "totp", "--data", s.data,
                            "--name", "boss"], input=b"000000\n",
                           capture_output=True, env=_env(), timeout=30)
        assert p.returncode == 1 and b"on already" in p.stderr, p.stderr
        # Without a code: a failure, the page asks for the code.
        st, _, body = signin(s, "boss")
        assert st == 401, st
        text = html.unescape(body.decode())
        assert "xác thực hai bước" in text and 'aria-invalid="true"' in text
        # The name typed stays; the password never comes back.
        assert 'name="name" autocomplete="username"' in text and \
            'value="boss"' in text, text[text.find('id="name"'):][:300]
        assert PW not in text
        # The code typed to turn them on is taken already.
        assert signin(s, "boss", code=code_at(secret, time.time()))[0] == 401
        # The next step's (a clock a little ahead): signed in; the same
        # code again: refused.
        code = code_at(secret, time.time() + 30)
        st, h, _ = signin(s, "boss", code=code)
        assert st == 303 and h["location"] == "/admin", (st, h)
        st, _, _ = signin(s, "boss", code=code)
        assert st == 401, st
        # A wrong password with the right code of the next step: refused.
        st, _, _ = signin(s, "boss", pw=PW + "x",
                          code=code_at(secret, time.time() + 30))
        assert st == 401, st
        # Codes are never a key's: a key and a code together is a 400.
        st, _, _ = s.post_form("/signin", [("key", admin), ("code", code)])
        assert st == 400, st
        # Nothing of the secret anywhere: audit, logs, export.
        entries = audit(s, admin)
        acts = [e["action"] for e in entries]
        assert "user.totp.new" in acts and "user.totp.on" in acts, acts
        on = [e for e in entries if e["action"] == "user.totp.on"][0]
        assert on["before"]["totp"] == "new" and on["after"]["totp"] == "on"
        dump = json.dumps(entries)
        for needle in (b32, b32.lower(), code, secret.hex()):
            assert needle not in dump
            assert needle not in s.read_stderr()
        ex = subprocess.run([HAILONG, "export", "--data", s.data],
                            capture_output=True, env=_env(), timeout=60)
        assert b32.encode() not in ex.stdout + ex.stderr
        with open(os.path.join(s.data, "data.mdb"), "rb") as f:
            assert secret not in f.read()
        # Off by the command: no code asked.
        out = cli_ok("user", "totp-off", "--data", s.data, "--name", "boss")
        assert "off" in out, out
        assert signin(s, "boss")[0] == 303
        rc, _, err = cli("user", "totp-off", "--data", s.data, "--name",
                         "boss")
        assert rc == 1 and "no one-time codes" in err, err
        assert [e for e in audit(s, admin)
                if e["action"] == "user.totp.off"][0]["who"].startswith(
                    "command ")


def session(s, name, code=None):
    st, h, _ = signin(s, name, code=code)
    assert st == 303, st
    cookie = h["set-cookie"].split(";")[0]
    st, _, page = s.get("/admin/account", {"Cookie": cookie})
    assert st == 200, st
    m = re.search(rb'name="csrf" value="([0-9a-f]{32})"', page)
    return {"Cookie": cookie}, m.group(1).decode(), html.unescape(
        page.decode())


@test
def the_console_turns_codes_on_and_another_admin_off():
    with Server() as s:
        admin = add_key(s.data, "admin", "adm")
        user(s, "boss")
        user(s, "other")
        hd, csrf, page = session(s, "boss")
        assert "Đang tắt" in page and "Bật xác thực hai bước" in page
        st, h, page = s.post_form("/admin/account/totp", [("csrf", csrf)],
                                  hd)
        assert st == 200 and h["cache-control"].startswith("no-store")
        page = html.unescape(page.decode())
        b32 = re.search(r'id="totp-secret">([A-Z2-7]{32})<', page).group(1)
        secret = base64.b32decode(b32)
        assert "<svg" in page and 'role="img"' in page
        # Not in use until a right code: a wrong one is refused, in words.
        st, _, page = s.post_form("/admin/account/totp/confirm",
                                  [("code", "12345x"), ("csrf", csrf)], hd)
        page = html.unescape(page.decode())
        assert st == 422 and "mã không đúng" in page, st
        # ... showing the same secret again: nothing to scan anew.
        assert ('id="totp-secret">%s<' % b32) in page and "<svg" in page
        assert signin(s, "boss")[0] == 303
        st, h, _ = s.post_form("/admin/account/totp/confirm", [
            ("code", code_at(secret, time.time())), ("csrf", csrf)], hd)
        assert st == 303 and h["location"] == "/admin/account?on=1", (st, h)
        st, _, page = s.get("/admin/account?on=1", hd)
        assert "Đã bật xác thực hai bước" in html.unescape(page.decode())
        assert signin(s, "boss")[0] == 401
        hd2, csrf2, _ = session(s, "boss", code_at(secret,
                                                    time.time() + 30))
        # Not turned on twice; not off from one's own session.
        st, _, _ = s.post_form("/admin/account/totp", [("csrf", csrf2)], hd2)
        assert st == 409, st
        st, _, page = s.get("/admin/users", hd2)
        assert "/admin/users/boss/totp-off" not in page.decode()
        st, _, _ = s.post_form("/admin/users/boss/totp-off",
                               [("csrf", csrf2)], hd2)
        assert st == 403, st
        # The users page shows it; another admin turns it off.
        ohd, ocsrf, _ = session(s, "other")
        st, _, page = s.get("/admin/users", ohd)
        assert "/admin/users/boss/totp-off" in page.decode()
        st, h, _ = s.post_form("/admin/users/boss/totp-off",
                               [("csrf", ocsrf)], ohd)
        assert st == 303 and "totpoff=boss" in h["location"], (st, h)
        assert signin(s, "boss")[0] == 303
        st, _, _ = s.post_form("/admin/users/boss/totp-off",
                               [("csrf", ocsrf)], ohd)
        assert st == 409, st
        acts = [(e["action"], e["who"]) for e in audit(s, admin)
                if e["action"].startswith("user.totp")]
        assert acts == [("user.totp.off", "user other"),
                        ("user.totp.on", "user boss"),
                        ("user.totp.new", "user boss")], acts
        assert b32 not in json.dumps(audit(s, admin))
        assert b32 not in s.read_stderr()


@test
def wrong_codes_count_as_failures():
    with Server() as s:
        secrets = {}
        for n in ("a1", "a2", "a3", "a4"):
            user(s, n)
            rc, secrets[n], _, out = totp_on(s.data, n)
            assert rc == 0, out
        # Per name: after 3 failures in a row, a wait, even with the
        # right code.
        for c in ("000000", "abc", None):
            st, _, _ = signin(s, "a1", code=c)
            assert st == 401, (c, st)
        later = code_at(secrets["a1"], time.time() + 30)
        st, h, body = signin(s, "a1", code=later)
        assert st == 429 and "chờ" in body.decode(), st
        time.sleep(1.2)
        st, _, _ = signin(s, "a1", code=later)
        assert st == 303, st
        # Per address: 10 failures a minute, then a wrong code is a 429.
        fails = 3
        for n in ("a2", "a3", "a4"):
            for c in ("111111", "222222", "333333"):
                if fails == 10:
                    break
                st, _, _ = signin(s, n, code=c)
                assert st == 401, (n, c, st)
                fails += 1
        st, _, _ = signin(s, "a4", code="444444")
        assert st == 429, st
        # (as for passwords, the right password and code still get in:
        # others' failures never lock a right one out)
        st, _, _ = signin(s, "a4", code=code_at(secrets["a4"],
                                                time.time() + 30))
        assert st == 303, st


@test
def the_step_edges_under_a_faked_clock():
    s, clock = faked_server()
    try:
        user(s, "edge")
        rc, secret, _, out = totp_on(s.data, "edge")
        assert rc == 0, out
        # 5 s into a step well ahead of the real one.
        base = (int(time.time()) // 30 + 1000) * 30
        clock.set(base + 5)
        k = base // 30
        assert signin(s, "edge", code=hotp(secret, k - 2))[0] == 401
        assert signin(s, "edge", code=hotp(secret, k + 2))[0] == 401
        # A step either side is taken, each once; then only later ones.
        assert signin(s, "edge", code=hotp(secret, k - 1))[0] == 303
        assert signin(s, "edge", code=hotp(secret, k - 1))[0] == 401
        assert signin(s, "edge", code=hotp(secret, k + 1))[0] == 303
        # The step now is before the one taken: refused.
        assert signin(s, "edge", code=hotp(secret, k))[0] == 401
        # Thirty seconds on, step k+2 is the present: taken.
        clock.set(base + 35)
        assert signin(s, "edge", code=hotp(secret, k + 2))[0] == 303
    finally:
        s.stop()


if __name__ == "__main__":
    run()
