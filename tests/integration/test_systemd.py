"""Type=notify as systemd runs it, without systemd as PID 1: the test
binds the notification socket itself, starts `hailong serve` with
NOTIFY_SOCKET and WATCHDOG_USEC as systemd sets them, and reads READY=1
(once the port is bound: a request right after it succeeds), WATCHDOG=1
from the writer's loop at the interval's half, idle and under load, and
STOPPING=1 at SIGTERM."""

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import hl
from hl import NotifySocket, assert_status, new_ticket, run, test


def notify_env(ns, watchdog_usec):
    env = dict(os.environ)
    env["NOTIFY_SOCKET"] = ns.path
    env["WATCHDOG_USEC"] = str(watchdog_usec)
    env.pop("WATCHDOG_PID", None)
    return env


@test
def ready_watchdog_stopping():
    root = tempfile.mkdtemp(prefix="hailong-notify-")
    ns = NotifySocket(root)
    data = os.path.join(root, "data")
    key = hl.counter_key(data)
    p = subprocess.Popen([hl.HAILONG, "serve", "--listen", "127.0.0.1:0",
                          "--data", data], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL,
                         env=notify_env(ns, 400000), text=True)
    try:
        line = p.stdout.readline()
        port = int(line.strip().rsplit(":", 1)[1])
        msg = ns.wait_for("READY=1")
        assert "STATUS=serving http://127.0.0.1:%d" % port in msg, msg
        # Bound before READY: a request right now is answered.
        st, _, _ = hl.http("GET", "http://127.0.0.1:%d/healthz" % port)
        assert st == 200, st
        # Idle: a ping at least every 200 ms (half of 400 ms).
        t0 = time.monotonic()
        for _ in range(5):
            ns.wait_for("WATCHDOG=1", timeout=1.0)
        idle = time.monotonic() - t0
        assert idle < 1.5, idle
        # Busy: answers keep the writer turning and pinging.
        s = hl.Server.__new__(hl.Server)
        s.base = "http://127.0.0.1:%d" % port
        s.key = key
        s._cache = {}
        stop = threading.Event()
        errs = []

        def load(n):
            i = 0
            while not stop.is_set():
                try:
                    new_ticket(s, case="NOTIFY-%d-%d" % (n, i))
                except Exception as e:	# noqa: BLE001 (reported below)
                    errs.append(e)
                    return
                i += 1

        th = [threading.Thread(target=load, args=(n,)) for n in range(4)]
        for t in th:
            t.start()
        try:
            for _ in range(5):
                ns.wait_for("WATCHDOG=1", timeout=1.0)
        finally:
            stop.set()
            for t in th:
                t.join()
        assert not errs, errs[:3]
        # SIGHUP without TLS: nothing to reload, still serving.
        p.send_signal(signal.SIGHUP)
        time.sleep(0.2)
        assert_status(hl.http("GET", s.base + "/healthz"), 200)
        p.send_signal(signal.SIGTERM)
        ns.wait_for("STOPPING=1")
        assert p.wait(timeout=20) == 0
        print("  READY=1, then %d WATCHDOG=1 pings" % sum(
            1 for _, m in ns.got if m == "WATCHDOG=1"))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        ns.close()
        shutil.rmtree(root, ignore_errors=True)


@test
def no_socket_no_messages():
    """Without NOTIFY_SOCKET the server runs as before (the tests'
    other servers show it); with a socket that is gone it runs too."""
    root = tempfile.mkdtemp(prefix="hailong-notify-")
    try:
        env = dict(os.environ)
        env["NOTIFY_SOCKET"] = os.path.join(root, "missing.sock")
        p = subprocess.Popen([hl.HAILONG, "serve", "--listen",
                              "127.0.0.1:0", "--data",
                              os.path.join(root, "data")],
                             stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=env, text=True)
        line = p.stdout.readline()
        assert "listening on" in line, line
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=20) == 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    run()
