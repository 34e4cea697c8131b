"""Users with passwords: hailong user add|passwd|disable|list, sign-in by
name and password on /signin beside keys, the growing delay per name,
the same time for an unknown name and a wrong password, what is stored
and logged of a password (nothing but its Argon2id hash)."""

import os
import re
import statistics
import time

from hl import (Server, add_key, assert_status, cli, cli_ok, json_of,
                run, test, valid_unit)

PW = "correct horse 1"


def user(data, verb, name, password=None, *extra):
    stdin = None if password is None else (password + "\n").encode()
    return cli("user", verb, "--data", data, "--name", name, *extra,
               stdin=stdin)


def add_user(data, name, role="admin", password=PW, unit=None):
    extra = ["--role", role] + (["--unit", unit] if unit else [])
    rc, out, err = user(data, "add", name, password, *extra)
    assert rc == 0, (rc, out, err)
    return password


def sign_in(s, name, password, nxt="/reports/monthly"):
    return s.post_form("/signin", [("name", name), ("password", password),
                                   ("next", nxt)])


def cookie_of(headers):
    c = headers.get("set-cookie", "")
    m = re.match(r"hl_session=([0-9a-f]{64});", c)
    return m.group(1) if m else None


def users(data):
    rows = {}
    for line in cli_ok("user", "list", "--data", data).splitlines():
        f = line.split("\t")
        rows[f[0]] = f
    return rows


@test
def add_list_and_refuse_bad_input():
    with Server() as s:
        add_user(s.data, "alice", "admin")
        add_user(s.data, "ha.nguyen@sonv", "viewer")
        rows = users(s.data)
        assert rows["alice"][1:4] == ["admin", "unit -", "enabled"], rows
        assert rows["ha.nguyen@sonv"][1] == "viewer"
        before = users(s.data)
        # Each refusal says why; nothing is stored.
        for args, pw, want in [
            (["--role", "admin"], "short", "10 to 256 bytes"),
            (["--role", "admin"], "x" * 257, "at most 256 bytes"),
            (["--role", "admin"], "tab\there-and-more", "control"),
            (["--role", "kiosk"], PW, "--role: want admin"),
            (["--role", "head"], PW, "--unit is required"),
            (["--role", "viewer", "--unit", "no-such"], PW,
             "not in the unit list"),
        ]:
            rc, out, err = user(s.data, "add", "bob", pw, *args)
            assert rc != 0 and want in err, (args, rc, err)
        rc, _, err = user(s.data, "add", "bad name!", PW, "--role", "admin")
        assert rc == 2 and "--name" in err, err
        rc, _, err = user(s.data, "add", "alice", PW, "--role", "viewer")
        assert rc == 1 and "exists" in err, err
        # A password is never a flag.
        rc, _, err = cli("user", "add", "--data", s.data, "--name", "bob",
                         "--role", "admin", "--password", PW)
        assert rc == 2, (rc, err)
        # No password on standard input at all.
        rc, _, err = cli("user", "add", "--data", s.data, "--name", "bob",
                         "--role", "admin", stdin=b"")
        assert rc == 1 and "first line of standard input" in err, err
        assert users(s.data) == before
        rc, _, err = user(s.data, "disable", "nobody")
        assert rc == 1 and "no user nobody" in err, err
        rc, _, err = user(s.data, "passwd", "nobody", PW)
        assert rc == 1 and "no user nobody" in err, err


@test
def sign_in_with_password_and_key_alike():
    with Server() as s:
        add_user(s.data, "viewer1", "viewer")
        st, h, _ = sign_in(s, "viewer1", PW)
        assert st == 303 and h["location"].endswith("/reports/monthly"), (
            st, h)
        c = h["set-cookie"]
        assert "HttpOnly" in c and "SameSite=Strict" in c, c
        sid = cookie_of(h)
        st, _, body = s.get("/reports/monthly", {"Cookie": "hl_session=" +
                                                 sid})
        assert st == 200, st
        # The key form still works beside it.
        key = add_key(s.data, "viewer")
        st, h, _ = s.post_form("/signin", [("key", key)])
        assert st == 303 and cookie_of(h), st
        # Both at once is a malformed form.
        st, _, body = s.post_form("/signin", [("key", key), ("name", "a"),
                                              ("password", PW)])
        assert st == 400, st
        # Wrong password, unknown name, a name only: the same 401 page.
        pages = set()
        for name, pw in [("viewer1", "wrong password"),
                         ("nobody", "wrong password")]:
            st, h, body = sign_in(s, name, pw)
            assert st == 401 and "set-cookie" not in h, st
            assert "Tên đăng nhập hoặc mật khẩu không đúng".encode() in body
            # The name typed is kept in its field; else the same page.
            assert ('value="%s"' % name).encode() in body
            pages.add(body.replace(name.encode(), b"NAME"))
        assert len(pages) == 1
        st, _, _ = s.post_form("/signin", [("name", "viewer1")])
        assert st == 401, st
        # Without next: an admin lands on the console, a counter user on
        # the counter page.
        add_user(s.data, "chief", "admin")
        st, h, _ = s.post_form("/signin", [("name", "chief"),
                                           ("password", PW)])
        assert st == 303 and h["location"].endswith("/admin"), h
        add_user(s.data, "clerk", "counter", unit=valid_unit(s)["code"])
        st, h, _ = s.post_form("/signin", [("name", "clerk"),
                                           ("password", PW)])
        assert st == 303 and h["location"].endswith("/counter"), h
        st, _, _ = s.get("/reports/monthly", {"Cookie": "hl_session=" +
                                              cookie_of(h)})
        assert st == 403, st


@test
def disable_and_passwd_end_sessions():
    with Server() as s:
        add_user(s.data, "ana", "viewer")
        st, h, _ = sign_in(s, "ana", PW)
        sid = cookie_of(h)
        hdr = {"Cookie": "hl_session=" + sid}
        assert s.get("/api/v1/reports/monthly", hdr)[0] == 200
        rc, out, err = user(s.data, "passwd", "ana", "another pass 2")
        assert rc == 0, err
        assert s.get("/api/v1/reports/monthly", hdr)[0] == 401
        assert sign_in(s, "ana", PW)[0] == 401
        st, h, _ = sign_in(s, "ana", "another pass 2")
        assert st == 303, st
        hdr = {"Cookie": "hl_session=" + cookie_of(h)}
        assert s.get("/api/v1/reports/monthly", hdr)[0] == 200
        assert user(s.data, "disable", "ana")[0] == 0
        assert users(s.data)["ana"][3] == "disabled"
        assert s.get("/api/v1/reports/monthly", hdr)[0] == 401
        assert sign_in(s, "ana", "another pass 2")[0] == 401
        # passwd enables again.
        assert user(s.data, "passwd", "ana", "third pass 33")[0] == 0
        assert users(s.data)["ana"][3] == "enabled"
        assert sign_in(s, "ana", "third pass 33")[0] == 303


@test
def a_growing_delay_per_name():
    with Server() as s:
        add_user(s.data, "target", "viewer")
        add_user(s.data, "other", "viewer")
        for i in range(3):
            assert sign_in(s, "target", "guess %d xxxx" % i)[0] == 401
        # Now even the right password waits: the name is delayed.
        st, h, body = sign_in(s, "target", PW)
        assert st == 429, st
        assert int(h["retry-after"]) >= 1, h
        assert "Vui lòng chờ".encode() in body, body
        # Another name from the same address is not delayed.
        assert sign_in(s, "other", PW)[0] == 303
        # An unknown name is delayed the same way (nobody learns who
        # exists).
        for i in range(3):
            assert sign_in(s, "ghost", "guess %d xxxx" % i)[0] == 401
        assert sign_in(s, "ghost", "guess 9 xxxx")[0] == 429
        time.sleep(1.2)
        # After the delay: one more wrong doubles it.
        assert sign_in(s, "target", "guess 4 xxxx")[0] == 401
        st, h, _ = sign_in(s, "target", PW)
        assert st == 429 and int(h["retry-after"]) >= 2, (st, h)
        time.sleep(2.2)
        assert sign_in(s, "target", PW)[0] == 303
        # A right password clears the name.
        assert sign_in(s, "target", "guess 5 xxxx")[0] == 401
        assert sign_in(s, "target", PW)[0] == 303


@test
def ten_failures_per_address_then_429():
    with Server() as s:
        add_user(s.data, "someone", "viewer")
        for i in range(10):
            assert sign_in(s, "name%d" % i, "wrong password")[0] == 401
        st, h, _ = sign_in(s, "name99", "wrong password")
        assert st == 429 and "retry-after" in h, st
        # A right password from that address is still served.
        assert sign_in(s, "someone", PW)[0] == 303


@test
def unknown_name_and_wrong_password_take_the_same_time():
    # Behind a trusted proxy each attempt comes from its own address, so
    # that the limit per address never answers for the hash; each name
    # fails at most 3 times, below its own delay.
    with Server(config="[server]\ntrusted_proxies = 127.0.0.1\n") as s:
        for i in range(5):
            add_user(s.data, "real%d" % i, "viewer")
        sign_in(s, "real0", PW)  # warm up
        known, unknown = [], []
        n = 0

        def timed(name):
            nonlocal n
            n += 1
            t0 = time.monotonic()
            st, _, _ = s.post_form("/signin", [
                ("name", name), ("password", "not the password")],
                {"X-Forwarded-For": "10.0.%d.%d" % (n // 200, n % 200)})
            assert st == 401, (name, st)
            return time.monotonic() - t0

        for i in range(15):
            known.append(timed("real%d" % (i % 5)))
            unknown.append(timed("ghost%d" % i))
        k, u = statistics.median(known), statistics.median(unknown)
        print("# wrong password %.1f ms, unknown name %.1f ms (medians "
              "of 15)" % (k * 1000, u * 1000))
        # Both hash (some 20 ms and more); within noise of each other.
        assert k > 0.005 and u > 0.005, (known, unknown)
        assert 0.6 < k / u < 1.67, (known, unknown)


@test
def nothing_of_a_password_is_stored_or_logged():
    with Server() as s:
        secret = "Unique-Pass-%d" % os.getpid()
        add_user(s.data, "carol", "admin", password=secret)
        sign_in(s, "carol", secret)
        sign_in(s, "carol", secret + "-wrong")
        user(s.data, "passwd", "carol", secret + "-new")
        st, h, body = s.get("/api/v1/admin/users", {
            "Authorization": "Bearer " + add_key(s.data, "admin")})
        assert st == 200, st
        got = json_of(st, h, body)
        carol = [u for u in got if u["name"] == "carol"][0]
        assert set(carol) == {"name", "role", "unit", "disabled",
                              "changed", "totp"}, carol
        assert carol["totp"] == "off", carol
        s.stop()
        log = s.read_stderr() + "".join(s.stdout_lines)
        with open(os.path.join(s.data, "data.mdb"), "rb") as f:
            db = f.read()
        for text in (secret, secret + "-new", secret + "-wrong"):
            assert text not in log, "password in the log"
            assert text.encode() not in db, "password stored"
        assert "argon2" not in log.lower(), "hash in the log"
        assert b"$argon2" not in db


if __name__ == "__main__":
    run()
