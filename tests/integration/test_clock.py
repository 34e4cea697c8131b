"""A clock that jumps backwards. The server runs under libfaketime (Debian
package faketime) with a timestamp file the test rewrites, so its wall
clock can be moved while it runs: answers at T, then at T - 2 h, then at
T + 1 min; and answers at 2026-12-01 00:30 +07:00, then at 2026-11-30
23:50 +07:00 (back across a month boundary). Every answer is stored once,
the export's rows come in the order the answers were given, each row's
month is the month of its own answered_at in the province's zone, and
verify is clean."""

import calendar
import datetime
import collections
import os
import re
import subprocess
import time

from hl import (HAILONG, Server, assert_html, counter_key, full_answer,
                new_ticket, run, test, verify)

LIBS = ["/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
        "/usr/lib/faketime/libfaketimeMT.so.1"]
ZONE = 7 * 3600		# Asia/Ho_Chi_Minh, no DST
PER_STEP = 4
SLACK = 5		# seconds between the set clock and the stored time


def libfaketime():
    for p in LIBS:
        if os.path.exists(p):
            return p
    return None


class FakeClock:
    """Moves the server's wall clock through a libfaketime timestamp file.
    It holds an offset from the real clock ("+N" seconds), not an absolute
    time: libfaketime parses absolute times in the process's zone, which
    the server changes to the province's at start."""

    def __init__(self, path):
        self.path = path

    def set(self, utc):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            f.write("%+d\n" % int(utc - time.time()))
        os.replace(tmp, self.path)


def local(y, mo, d, h, mi, s=0):
    """Unix time of a +07:00 wall-clock time."""
    return calendar.timegm((y, mo, d, h, mi, s)) - ZONE


def preload():
    """libfaketime, after the ASan runtime when the binary has one (ASan
    must come first in the library list)."""
    libs = [libfaketime()]
    try:
        out = subprocess.run(["ldd", HAILONG], capture_output=True,
                             timeout=10).stdout.decode()
    except (OSError, subprocess.SubprocessError):
        out = ""
    m = re.search(r"(\S*libasan\.so\S*) => (\S+)", out)
    if m:
        libs.insert(0, m.group(2))
    return ":".join(libs)


def start_faked(s, clock, t):
    clock.set(t)
    env = {"LD_PRELOAD": preload(), "FAKETIME_TIMESTAMP_FILE":
           clock.path, "FAKETIME_NO_CACHE": "1",
           "FAKETIME_DONT_FAKE_MONOTONIC": "1", "TZ": "UTC"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        s.start()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def scenario(steps, issue_at):
    """steps: [unix time]; PER_STEP answers at each, in order."""
    lib = libfaketime()
    assert lib, "libfaketime not installed (apt-get install faketime)"
    s = Server()
    clock = FakeClock(os.path.join(s.root, "faketime"))
    s.key = counter_key(s.data)
    start_faked(s, clock, issue_at)
    with s:
        # The server must see the faked clock, or this test proves nothing.
        t = new_ticket(s, case="CLK-0")
        exp = t["expires_at"]
        assert exp.startswith(time.strftime(
            "%Y-%m-%d", time.gmtime(issue_at + ZONE + 30 * 86400))), (
            "server does not run on the faked clock: expires_at %s" % exp)
        page = assert_html(s.get(t["path"]), 200, "survey")
        tickets = [new_ticket(s, case="CLK-%d" % (i + 1))
                   for i in range(len(steps) * PER_STEP)]
        order = []		# ticket codes in answer order
        want_time = {}
        n = 0
        for k, when in enumerate(steps):
            for i in range(PER_STEP):
                tk = tickets[n]
                n += 1
                clock.set(when + i)
                r = s.post_form(tk["path"], full_answer(page, 1 + n % 5))
                assert_html(r, 200, "answer %s at step %d" % (tk["code"], k))
                order.append(tk["code"])
                want_time[tk["code"]] = when + i
        rows = s.export()
        codes = [r["ticket_code"] for r in rows]
        dup = [c for c, m in collections.Counter(codes).items() if m > 1]
        assert not dup, "stored twice: %r" % dup
        assert sorted(codes) == sorted(order), "lost or extra: %r vs %r" % (
            codes, order)
        assert codes == order, "export order %r, answer order %r" % (
            codes, order)
        for r in rows:
            w = want_time[r["ticket_code"]]
            at = datetime.datetime.fromisoformat(r["answered_at"])
            assert abs(at.timestamp() - w) <= SLACK, (
                "%s: answered_at %s, want %s UTC" % (
                    r["ticket_code"], r["answered_at"],
                    time.strftime("%FT%T", time.gmtime(w))))
            assert at.utcoffset() == datetime.timedelta(seconds=ZONE), (
                "answered_at %s not in +07:00" % r["answered_at"])
            want_month = time.strftime("%Y-%m", time.gmtime(w + ZONE))
            assert r["month"] == want_month, "%s: month %s, want %s" % (
                r["ticket_code"], r["month"], want_month)
        # Answered tickets stay answered after the jumps.
        for tk in tickets[:n]:
            assert s.get(tk["path"])[0] == 409, "%s open again" % tk["code"]
        rc, out, err = verify(s.data)
        assert rc == 0, "verify rc %d\n%s%s" % (rc, out, err)
        print("  %d answers over %d clock steps; months %r" % (
            len(rows), len(steps),
            dict(collections.Counter(r["month"] for r in rows))))


@test
def back_two_hours():
    t = local(2026, 11, 20, 10, 0)
    scenario([t, t - 2 * 3600, t + 60], t - 3 * 3600)


@test
def back_across_month():
    scenario([local(2026, 12, 1, 0, 30), local(2026, 11, 30, 23, 50),
              local(2026, 12, 1, 0, 35)], local(2026, 11, 30, 22, 0))


if __name__ == "__main__":
    run()
