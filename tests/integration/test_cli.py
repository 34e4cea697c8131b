"""The command-line contract: usage, flags, key add, ticket, export,
verify, and serve's config file."""

import datetime
import os
import signal

from hl import (BOM, CODE_RE, ISO_RE, Server, TOKEN_RE, add_key,
                aspect_names, assert_html, assert_status, cli, cli_ok,
                export_csv, export_json, full_answer, new_ticket,
                parse_fields, run, test, valid_procedure, valid_unit,
                verify)

COMMANDS = ["serve", "key", "ticket", "export", "verify"]


def one_error_line(err, what):
    lines = err.splitlines()
    assert len(lines) == 1, "%s: want one stderr line, got %r" % (what, err)
    assert lines[0].startswith("hailong:"), "%s: stderr %r" % (what, err)


def catalogue_codes():
    """A valid (procedure, unit) pair, taken from a running server."""
    with Server(make_key=False) as s:
        return valid_procedure(s), valid_unit(s)


@test
def help_of_every_command():
    for c in COMMANDS:
        rc, out, err = cli(c, "--help")
        assert rc == 0, "%s --help: rc %d, stderr %r" % (c, rc, err)
        assert "usage" in out.lower(), "%s --help: no usage: %r" % (c, out)
        assert c in out, "%s --help does not name the command: %r" % (c, out)
    rc, out, err = cli("key", "add", "--help")
    assert rc == 0 and "usage" in out.lower(), (rc, out, err)
    assert "--role" in out, "key add --help does not list --role: %r" % out


@test
def unknown_flag_is_usage_error():
    for c in COMMANDS:
        args = [c] if c != "key" else ["key", "add"]
        rc, out, err = cli(*args, "--no-such-flag")
        assert rc == 2, "%s --no-such-flag: rc %d (%r)" % (c, rc, err)
        one_error_line(err, "%s --no-such-flag" % c)
    rc, out, err = cli("no-such-command")
    assert rc == 2, "unknown command: rc %d" % rc
    assert err.startswith("hailong:"), err


@test
def missing_value_is_usage_error():
    for args in (["ticket", "--data"], ["export", "--format"],
                 ["key", "add", "--role"], ["verify", "--data"],
                 ["serve", "--listen"]):
        rc, out, err = cli(*args)
        assert rc == 2, "%s: rc %d (%r)" % (args, rc, err)
        one_error_line(err, " ".join(args))


def scan_for_secrets(d, secrets):
    found = False
    for dirpath, _, files in os.walk(d):
        for fn in files:
            found = True
            with open(os.path.join(dirpath, fn), "rb") as f:
                blob = f.read()
            for sec in secrets:
                assert sec.encode() not in blob, (
                    "secret stored in clear in %s" % fn)
    assert found, "no files in the data dir"


@test
def key_add_secret_not_stored_in_clear():
    with Server(make_key=False) as s:
        secrets = []
        for role in ("counter", "viewer", "admin", "kiosk"):
            rc, out, err = cli("key", "add", "--data", s.data, "--role", role,
                               "--name", "desk-" + role)
            assert rc == 0, (role, rc, err)
            last = out.rstrip("\n").splitlines()[-1]
            assert last == last.strip() and len(last) >= 16, (
                "secret line %r" % last)
            secrets.append(last)
        assert len(set(secrets)) == len(secrets), "secrets repeat: %r" % (
            secrets,)
        # A counter key added while the server runs works at once.
        t = new_ticket(s, key=secrets[0])
        assert TOKEN_RE.match(t["token"]), t
        s.stop()
        scan_for_secrets(s.data, secrets)


@test
def key_add_on_new_dir():
    s = Server(make_key=False)
    sec = add_key(s.data, "counter", name="only")
    sec2 = add_key(s.data, "viewer", name="v")
    assert sec != sec2
    scan_for_secrets(s.data, [sec, sec2])
    with s:
        t = new_ticket(s, key=sec)
        assert CODE_RE.match(t["code"]), t


@test
def key_add_bad_role():
    with Server(make_key=False) as s:
        rc, out, err = cli("key", "add", "--data", s.data, "--role",
                           "superuser", "--name", "x")
        assert rc == 2, "bad role: rc %d (%r)" % (rc, err)
        assert err.startswith("hailong:"), err
        assert out.strip() == "", "bad role printed a secret: %r" % out
        rc, out, err = cli("key", "add", "--data", s.data, "--name", "x")
        assert rc != 0, "key add without --role succeeded"


@test
def ticket_offline_then_served():
    proc, unit = catalogue_codes()
    s2 = Server(make_key=False)
    base = "http://hailong.example"
    out = cli_ok("ticket", "--data", s2.data, "--procedure", proc["code"],
                 "--unit", unit["code"], "--case", "HS-001",
                 "--counter", "2", "--base-url", base)
    f = parse_fields(out)
    for k in ("token", "code", "url", "expires_at", "created"):
        assert k in f, "ticket output lacks %s: %r" % (k, out)
    assert TOKEN_RE.match(f["token"]), f
    assert CODE_RE.match(f["code"]), f
    assert f["url"] == base + "/s/" + f["token"], f
    assert ISO_RE.match(f["expires_at"]), f
    assert f["created"] == "yes", f
    # Same unit and case: the same ticket, not created.
    g = parse_fields(cli_ok("ticket", "--data", s2.data, "--procedure",
                            proc["code"], "--unit", unit["code"], "--case",
                            "HS-001", "--base-url", base))
    assert g["token"] == f["token"] and g["created"] == "no", (f, g)
    # Without --base-url the URL still ends with /s/<token>.
    h = parse_fields(cli_ok("ticket", "--data", s2.data, "--procedure",
                            proc["code"], "--unit", unit["code"]))
    assert h["url"].endswith("/s/" + h["token"]), h
    assert h["token"] != f["token"]
    with s2:
        page = assert_html(s2.get("/s/" + f["token"]), 200, "offline ticket")
        r = s2.post_form("/s/" + f["token"], full_answer(page, 4))
        assert_status(r, 200, "answer offline ticket")
        assert_status(s2.get("/s/" + h["token"]), 200, "second ticket")
        # ticket while the server runs on the same dir.
        k = parse_fields(cli_ok("ticket", "--data", s2.data, "--procedure",
                                proc["code"], "--unit", unit["code"]))
        assert k.get("created") == "yes", k
        assert_status(s2.get("/s/" + k["token"]), 200, "ticket while serving")
        rows = s2.export()
        assert len(rows) == 1 and rows[0]["ticket_code"] == f["code"], rows


@test
def ticket_bad_input():
    proc, unit = catalogue_codes()
    s = Server(make_key=False)
    rc, out, err = cli("ticket", "--data", s.data, "--procedure",
                       proc["code"], "--unit", "NO-SUCH-UNIT")
    assert rc != 0 and "token" not in out, (rc, out, err)
    assert err.startswith("hailong:"), err
    rc, out, err = cli("ticket", "--data", s.data, "--unit", unit["code"])
    assert rc != 0 and "token" not in out, "no procedure: %r" % out


@test
def export_csv_and_filters():
    with Server() as s:
        raw = export_csv(s.data)
        assert raw.startswith(BOM), "no BOM: %r" % raw[:20]
        text = raw[len(BOM):].decode("utf-8")
        lines = text.split("\r\n")
        head = lines[0].split(",")
        first = ["answered_at", "month", "channel", "ticket_code",
                 "procedure", "sector", "unit", "survey", "survey_version",
                 "lang", "overall"]
        assert head[:len(first)] == first, "header %r" % lines[0]
        assert head[-3:] == ["reasons", "comment", "suspect"], lines[0]
        assert [l for l in lines[1:] if l] == [], "rows on a fresh dir"
        # The middle columns are the survey's other questions in order.
        t = new_ticket(s)
        page = assert_html(s.get(t["path"]), 200, "survey")
        mids = head[len(first):-3]
        assert mids == aspect_names(page), (mids, aspect_names(page))
        # One answer.
        assert_status(s.post_form(t["path"], full_answer(page, 5,
                                  comment="Nhanh, gọn")), 200, "answer")
        raw = export_csv(s.data)
        text = raw[len(BOM):].decode("utf-8")
        assert text.endswith("\r\n"), "no CRLF at the end: %r" % text[-20:]
        rows = [l for l in text.split("\r\n")[1:] if l]
        assert len(rows) == 1, rows
        assert t["code"] in rows[0] and "Nhanh, gọn" in rows[0], rows[0]
        assert ",5," in rows[0], rows[0]
        # Filters.
        today = datetime.datetime.now(datetime.timezone.utc).date()
        lo = (today - datetime.timedelta(days=1)).isoformat()
        hi = (today + datetime.timedelta(days=1)).isoformat()
        assert len(export_json(s.data, "--from", lo, "--to", hi)) == 1
        assert export_json(s.data, "--from", "2000-01-01", "--to",
                           "2000-12-31") == []
        assert export_json(s.data, "--from", "2999-01-01", "--to",
                           "2999-12-31") == []
        raw2 = export_csv(s.data, "--from", "2000-01-01", "--to",
                          "2000-12-31")
        assert raw2.startswith(BOM)
        assert [l for l in raw2[3:].decode().split("\r\n")[1:] if l] == []
        # -o FILE writes what stdout would.
        outp = os.path.join(s.root, "out.csv")
        cli_ok("export", "--data", s.data, "--format", "csv", "-o", outp)
        with open(outp, "rb") as f:
            assert f.read() == raw, "-o FILE differs from stdout"
        # A bad format or date is refused.
        rc, out, err = cli("export", "--data", s.data, "--format", "xml")
        assert rc != 0 and err.startswith("hailong:"), (rc, err)
        rc, out, err = cli("export", "--data", s.data, "--format", "json",
                           "--from", "2025-13-45", "--to", "2025-12-31")
        assert rc != 0 and err.startswith("hailong:"), (rc, err)


@test
def verify_ok():
    s = Server()
    with s:
        rc, out, err = verify(s.data)
        assert rc == 0, "verify on a fresh dir: rc %d %r %r" % (rc, out, err)
        assert out.startswith("ok:"), out
        t = new_ticket(s)
        page = assert_html(s.get(t["path"]), 200, "survey")
        assert_status(s.post_form(t["path"], full_answer(page, 2)), 200, "")
        s.stop()
        rc, out, err = verify(s.data)
        assert rc == 0 and out.startswith("ok:"), (rc, out, err)
        s.start()


@test
def serve_creates_data_dir():
    s = Server(create_dir=False, make_key=False)
    assert not os.path.exists(s.data)
    with s:
        assert os.path.isdir(s.data), "serve did not create the data dir"
        assert_status(s.get("/healthz"), 200, "healthz")


@test
def serve_sigint_exits_zero():
    with Server(make_key=False) as s:
        s.stop(signal.SIGINT)


@test
def serve_flags_win_over_config():
    cfg = "[server]\nlisten = 127.0.0.1:1\nbase_url = http://from-config\n"
    with Server(config=cfg, base_url="http://from-flag:9") as s:
        assert s.port != 1, "config listen won over the flag"
        t = new_ticket(s)
        assert t["url"] == "http://from-flag:9/s/" + t["token"], t


@test
def serve_default_base_url():
    with Server() as s:
        t = new_ticket(s)
        assert t["url"].lower() == (s.base + "/s/" + t["token"]).lower(), (
            t["url"], s.base)


@test
def serve_bad_config():
    s = Server(config="[tickets]\nttl = banana\n", make_key=False)
    rc, out, err = cli("serve", "--listen", "127.0.0.1:0", "--data", s.data,
                       "--config", s.config_path, timeout=15)
    assert rc == 1, "bad config: rc %d, %r" % (rc, err)
    assert err.startswith("hailong: %s:2:" % s.config_path), err
    assert "listening" not in out, out
    s = Server(config="[server]\nbogus_setting = 1\n", make_key=False)
    rc, out, err = cli("serve", "--listen", "127.0.0.1:0", "--data", s.data,
                       "--config", s.config_path, timeout=15)
    assert rc == 1 and ("%s:2:" % s.config_path) in err, (rc, err)


if __name__ == "__main__":
    run()
