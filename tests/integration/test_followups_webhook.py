"""The follow-ups' webhook: every event of every item (opened by a low
rating, filed by the citizen, answered, closed) is posted from the
outbox in LMDB, signed with HMAC-SHA256, to a local receiver that refuses
the first three deliveries and then is down while hailong restarts:
every event reaches the receiver's log exactly once, in each item's
order, with a valid signature, and never with the call-back number. A
bad [webhook] setting stops the start with its reason. An https://
receiver is reached with its certificate checked against [webhook]
ca_file; a receiver whose certificate that file does not vouch for gets
nothing, and the log says why."""

import os
import shutil
import tempfile
import time

from receiver import Receiver, SECRET, authority
from hl import (Server, add_key, assert_html, assert_status, cli,
                full_answer, json_of, new_ticket, run, test)

UNIT = "92-VD01"
PHONE = "0912345678"


def config(port, retry=1):
    return ("[webhook]\nurl = http://127.0.0.1:%d/hook\nsecret = %s\n"
            "retry = %d\n" % (port, SECRET, retry))


def low(s, comment):
    t = new_ticket(s, unit=UNIT)
    page = assert_html(s.get(t["path"]), 200, "survey")
    assert_status(s.post_form(t["path"], full_answer(page, 1,
                                                     comment=comment)),
                  200, "answer")
    return t


def items(s, key):
    r = s.http("GET", "/api/v1/followups?state=all", None,
               {"Authorization": "Bearer " + key})
    assert_status(r, 200, "list")
    return json_of(*r)["items"]


def reply(s, key, fid, body):
    r = s.http("POST", "/api/v1/followups/%s/reply" % fid, body,
               {"Authorization": "Bearer " + key})
    assert_status(r, 200, "reply")


def wait_for(fn, secs, what):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if fn():
            return
        time.sleep(0.2)
    raise AssertionError("timed out: " + what)


@test
def every_event_once_through_refusals_and_a_restart():
    rcv = Receiver(refuse=3)
    port = rcv.port
    with Server(config=config(port)) as s:
        head = add_key(s.data, "head", unit=UNIT)
        low(s, "chờ lâu")				# A: opened
        t = low(s, "sai hẹn")				# B: opened
        assert_html(s.post_form(t["path"] + "/followup", [
            ("text", "xin gọi lại"), ("phone", PHONE),
            ("consent", "yes")]), 200, "filed")		# B: filed
        ids = {i["text"]: i["id"] for i in items(s, head)}
        a, b = ids["chờ lâu"], ids["xin gọi lại"]
        reply(s, head, b, {"text": "Đã gọi", "state": "answered"})
        # 4 events so far; the first 3 posts are refused, then taken.
        wait_for(lambda: len(rcv.log) >= 1, 30, "the first delivery")
        # The receiver goes down; more events meanwhile; hailong restarts.
        rcv.stop()
        reply(s, head, a, {"text": "Đã xử lý", "state": "closed"})
        reply(s, head, b, {"state": "closed"})
        time.sleep(1.5)				# a try fails while down
        s.restart()
        time.sleep(1)
        rcv2 = Receiver(port=port)
        rcv2.log[:0] = rcv.log
        try:
            wait_for(lambda: len(rcv2.log) >= 6, 60, "six deliveries "
                     "(got %d)" % len(rcv2.log))
            time.sleep(2.5)			# nothing more comes
            log = rcv2.log
        finally:
            rcv2.stop()
        assert rcv.refused == 3, rcv.refused
        deliveries = [d for d, _, _, _ in log]
        assert len(deliveries) == 6 and len(set(deliveries)) == 6, \
            deliveries
        assert all(ok for _, _, ok, _ in log), "a signature is wrong"
        assert all(body["delivery"] == d for d, body, _, _ in log)
        seq = {}
        for _, body, _, _ in log:
            seq.setdefault(body["item"]["id"], []).append(
                (body["event"], body["item"]["state"]))
        assert seq[a] == [("opened", "open"), ("reply", "closed")], seq[a]
        assert seq[b] == [("opened", "open"), ("filed", "open"),
                          ("reply", "answered"), ("reply", "closed")], seq[b]
        for _, body, _, raw in log:
            assert PHONE.encode() not in raw, "the number was posted"
            assert body["item"]["unit"] == UNIT
        last_b = [body for _, body, _, _ in log
                  if body["item"]["id"] == b][-1]["item"]
        assert last_b["answer"] == "Đã gọi" and last_b["has_contact"]
        assert "webhook: delivery" in s.read_stderr()


@test
def https_receiver_checked_against_the_ca_file():
    d = tempfile.mkdtemp(prefix="hl-wh-tls-")
    try:
        ca, crt, key = authority(d, "province")
        other_ca, _, _ = authority(d, "stranger")
        rcv = Receiver(tls=(crt, key))
        cfg = ("[webhook]\nurl = https://127.0.0.1:%d/hook\nsecret = %s\n"
               "retry = 1\nca_file = %s\n" % (rcv.port, SECRET, ca))
        try:
            with Server(config=cfg) as s:
                low(s, "qua https")
                wait_for(lambda: len(rcv.log) >= 1, 30, "an https delivery")
                d0, body, ok, _ = rcv.log[0]
                assert ok and body["event"] == "opened", body
                assert body["delivery"] == d0
        finally:
            rcv.stop()
        # The same receiver, a CA file that does not vouch for it.
        rcv = Receiver(tls=(crt, key))
        cfg = ("[webhook]\nurl = https://127.0.0.1:%d/hook\nsecret = %s\n"
               "retry = 1\nca_file = %s\n" % (rcv.port, SECRET, other_ca))
        try:
            with Server(config=cfg) as s:
                low(s, "không tin")
                wait_for(lambda: "certificate of 127.0.0.1 refused" in
                         s.read_stderr(), 30, "the refusal in the log")
                assert rcv.log == [], rcv.log
        finally:
            rcv.stop()
        # A CA file that holds no certificate stops the start.
        junk = os.path.join(d, "junk.pem")
        with open(junk, "w") as f:
            f.write("not a certificate\n")
        for path, word in ((junk, "no PEM certificate"),
                           (os.path.join(d, "missing.pem"), "missing.pem")):
            s = Server(config="[webhook]\nurl = https://127.0.0.1:9/h\n"
                       "secret = %s\nca_file = %s\n" % (SECRET, path))
            try:
                rc, _, err = cli("serve", "--listen", "127.0.0.1:0",
                                 "--data", s.data, "--config",
                                 s.config_path)
                assert rc != 0 and "[webhook]" in err and word in err, (
                    rc, err)
            finally:
                shutil.rmtree(s.root, ignore_errors=True)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@test
def no_webhook_no_outbox():
    with Server() as s:
        head = add_key(s.data, "head", unit=UNIT)
        low(s, "không có webhook")
        assert len(items(s, head)) == 1
        s.stop()
        rc, out, err = cli("status", "--data", s.data)
        assert rc == 0, err
        line = [l for l in out.splitlines() if l.split()[:1] == ["outbox"]]
        assert line and line[0].split()[1] == "0", out


@test
def bad_settings_stop_the_start():
    for bad, word in (("url = ftp://x", "http://"),
                      ("url = http://a b/", "spaces"),
                      ("url = https://x.example:0/h", "port"),
                      ("url = http://:80/h", "host"),
                      ("ca_file = relative.pem", "absolute"),
                      ("secret = short", "secret"),
                      ("retry = 0", "retry"),
                      ("unit = 92-VD01", "unit")):
        s = Server(config="[webhook]\n%s\n" % bad)
        try:
            rc, _, err = cli("serve", "--listen", "127.0.0.1:0", "--data",
                             s.data, "--config", s.config_path)
            assert rc != 0 and word in err, (bad, rc, err)
        finally:
            shutil.rmtree(s.root, ignore_errors=True)


if __name__ == "__main__":
    run()
