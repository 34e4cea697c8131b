"""Many connections at once. 2 000 keep-alive connections (spread over the
loopback addresses 127.0.0.2-127.0.0.20 so that no address reaches the
server's per-address limit) each fetch a survey page and stay open, 200
slow clients send one header byte every 2 seconds, and meanwhile a normal
client's survey page GETs keep a p99 under 100 ms. The per-address limit
(CONN_PER_ADDR, 128) refuses the 129th connection of one address
while other addresses are still served. A client that stops halfway
through its headers, and one that never sends any, are closed at the
header deadline (CONN_HEADER_SEC, 10 s)."""

import http.client
import os
import re
import resource
import selectors
import socket
import threading
import time

import hl
from hl import Server, new_ticket, run, test

KEEPALIVE = 2000
SLOW = 200
SAMPLES = 200
P99_MAX = 0.100
PACE = 0.03			# seconds between samples
SOURCES = ["127.0.0.%d" % i for i in range(2, 21)]
PER_IP_LIMIT = 128		# CONN_PER_ADDR in server/conn.h
CONN_TIMEOUT = 10		# CONN_HEADER_SEC in server/conn.h


def raise_nofile(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        new = want if hard == resource.RLIM_INFINITY else min(want, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    assert soft >= want, "RLIMIT_NOFILE %d < %d" % (soft, want)


def connect_from(src, port, timeout=10):
    sk = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sk.settimeout(timeout)
    sk.bind((src, 0))
    sk.connect(("127.0.0.1", port))
    return sk


def get_req(path):
    return ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % path).encode()


def read_response(sk):
    """Reads one whole response (Content-Length framed); returns the status
    code, or None when the server closed the connection first."""
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = sk.recv(65536)
        if not chunk:
            return None
        got += chunk
    head, rest = got.split(b"\r\n\r\n", 1)
    m = re.match(rb"HTTP/1\.1 (\d{3}) ", head)
    assert m, "no status line: %r" % head[:100]
    cl = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
    assert cl, "no Content-Length: %r" % head[:300]
    need = int(cl.group(1)) - len(rest)
    while need > 0:
        chunk = sk.recv(min(need, 65536))
        assert chunk, "connection closed mid-body"
        need -= len(chunk)
    return int(m.group(1))


def open_keepalive(port, path, n):
    """n connections, round robin over SOURCES, each with one GET answered;
    returns the open sockets. Sends in waves of 200, then reads them."""
    socks = []
    for base in range(0, n, 200):
        wave = []
        for i in range(base, min(n, base + 200)):
            sk = connect_from(SOURCES[i % len(SOURCES)], port)
            sk.sendall(get_req(path))
            wave.append(sk)
        for sk in wave:
            st = read_response(sk)
            assert st == 200, "keep-alive connection %d: status %r" % (
                len(socks), st)
            socks.append(sk)
    return socks


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


@test
def two_thousand_connections():
    raise_nofile(KEEPALIVE + SLOW + 1024)
    with Server() as s:
        path = new_ticket(s)["path"]
        t0 = time.monotonic()
        held = open_keepalive(s.port, path, KEEPALIVE)
        print("  %d keep-alive connections open in %.1fs" % (
            len(held), time.monotonic() - t0))
        t_slow = time.monotonic()
        slow = [connect_from(SOURCES[i % len(SOURCES)], s.port)
                for i in range(SLOW)]
        req = get_req(path)
        stop = threading.Event()
        sent = {"bytes": 0, "errors": 0}

        def trickle():
            pos = 0
            while not stop.is_set() and pos < len(req):
                for sk in slow:
                    try:
                        sk.send(req[pos:pos + 1])
                    except OSError:
                        # Cut at the header deadline is their due.
                        if time.monotonic() - t_slow < CONN_TIMEOUT - 0.5:
                            sent["errors"] += 1
                pos += 1
                sent["bytes"] = pos
                stop.wait(2.0)

        th = threading.Thread(target=trickle, daemon=True)
        th.start()
        try:
            time.sleep(0.5)
            conn = http.client.HTTPConnection("127.0.0.1", s.port,
                                              timeout=10)
            lat = []
            try:
                for i in range(SAMPLES):
                    # Every tenth on a new connection, the rest keep-alive.
                    if i % 10 == 0:
                        conn.close()
                        conn = http.client.HTTPConnection(
                            "127.0.0.1", s.port, timeout=10)
                    a = time.monotonic()
                    conn.request("GET", path)
                    r = conn.getresponse()
                    body = r.read()
                    lat.append(time.monotonic() - a)
                    assert r.status == 200 and b"<form" in body, (
                        "sample %d: status %d" % (i, r.status))
                    # Spread over ~6 s so the slow clients keep trickling.
                    time.sleep(PACE)
            finally:
                conn.close()
            p50, p99 = percentile(lat, 50), percentile(lat, 99)
            print("  %d GET /s/<token> under load: p50 %.1f ms, p99 %.1f ms,"
                  " max %.1f ms" % (SAMPLES, p50 * 1e3, p99 * 1e3,
                                    max(lat) * 1e3))
            # A latency goal, checked on the plain and sanitizer runs.
            if not hl.UNDER_VALGRIND:
                assert p99 < P99_MAX, "p99 %.1f ms >= %.0f ms" % (
                    p99 * 1e3, P99_MAX * 1e3)
            # The held connections are still usable: a second request on
            # a sample of them is answered.
            for sk in held[::100]:
                sk.sendall(get_req(path))
                assert read_response(sk) == 200, "held connection dropped"
            assert sent["errors"] == 0, "slow clients cut off early: %d" % (
                sent["errors"],)
        finally:
            stop.set()
            th.join(5)
            for sk in held + slow:
                sk.close()
        print("  slow clients had sent %d header bytes each" % sent["bytes"])


@test
def per_address_limit():
    raise_nofile(PER_IP_LIMIT * 2 + 1024)
    with Server() as s:
        path = new_ticket(s)["path"]
        crowd = "127.0.0.21"
        held = []
        try:
            for i in range(PER_IP_LIMIT):
                sk = connect_from(crowd, s.port)
                sk.sendall(get_req(path))
                st = read_response(sk)
                assert st == 200, "connection %d of %s: %r" % (i + 1, crowd,
                                                                st)
                held.append(sk)
            # The 129th from the same address: closed without an answer.
            extra = connect_from(crowd, s.port, timeout=5)
            try:
                try:
                    extra.sendall(get_req(path))
                    st = read_response(extra)
                except (ConnectionResetError, BrokenPipeError):
                    st = None
                assert st is None, ("connection %d from one address got %r"
                                    % (PER_IP_LIMIT + 1, st))
            finally:
                extra.close()
            # Other addresses are still served, and so is 127.0.0.1.
            for src in ("127.0.0.22", "127.0.0.1"):
                sk = connect_from(src, s.port)
                try:
                    sk.sendall(get_req(path))
                    assert read_response(sk) == 200, "%s not served" % src
                finally:
                    sk.close()
            # Once one closes, the address gets a connection again.
            held.pop().close()
            again = None
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                sk = connect_from(crowd, s.port)
                try:
                    sk.sendall(get_req(path))
                    again = read_response(sk)
                except (ConnectionResetError, BrokenPipeError):
                    again = None
                finally:
                    sk.close()
                if again == 200:
                    break
                time.sleep(0.1)
            assert again == 200, "freed slot not reusable: %r" % again
        finally:
            for sk in held:
                sk.close()


@test
def slow_client_times_out():
    with Server() as s:
        path = new_ticket(s)["path"]
        req = get_req(path)
        slow = connect_from("127.0.0.2", s.port, timeout=CONN_TIMEOUT + 10)
        idle = connect_from("127.0.0.3", s.port, timeout=CONN_TIMEOUT + 10)
        t0 = time.monotonic()
        closed = {}
        lock = threading.Lock()

        def trickle():
            pos = 0
            while pos < len(req):
                try:
                    slow.send(req[pos:pos + 1])
                except OSError:
                    break
                pos += 1
                time.sleep(2.0 if pos < 3 else CONN_TIMEOUT + 10)

        def watch(name, sk):
            try:
                while sk.recv(4096):
                    pass
            except OSError:
                pass
            with lock:
                closed[name] = time.monotonic() - t0

        # The slow one stops after a few bytes: idle from then on.
        th = [threading.Thread(target=trickle, daemon=True),
              threading.Thread(target=watch, args=("slow", slow),
                               daemon=True),
              threading.Thread(target=watch, args=("idle", idle),
                               daemon=True)]
        for t in th:
            t.start()
        deadline = t0 + 4 + CONN_TIMEOUT + 5
        while time.monotonic() < deadline and len(closed) < 2:
            time.sleep(0.2)
        slow.close()
        idle.close()
        print("  closed after: %r s" % ({k: round(v, 1)
                                         for k, v in closed.items()},))
        assert "idle" in closed and closed["idle"] <= CONN_TIMEOUT + 3, (
            "idle connection not closed: %r" % closed)
        # The deadline runs from the connection's start, not its last byte.
        assert "slow" in closed and closed["slow"] <= CONN_TIMEOUT + 3, (
            "slow connection not closed: %r" % closed)


if __name__ == "__main__":
    run()
