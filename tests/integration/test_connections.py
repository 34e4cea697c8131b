"""Connections that cannot starve the server: headers trickled a byte at
a time are cut at their deadline however often bytes arrive; thousands of
trickling connections from a few addresses leave /healthz answering for
everyone; one address cannot take every place; long-polling kiosks behind
a trusted proxy do not block the proxy's address."""
import json
import re
import resource
import socket
import threading
import time

import hl
from hl import Server, test

HEADER_SEC = 10		# CONN_HEADER_SEC in server/conn.h
PER_ADDR = 128		# CONN_PER_ADDR


def more_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 16384)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def healthz(port, src="127.0.0.1", timeout=3.0):
    """Status of GET /healthz on a new connection from src, or None."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout,
                                      (src, 0)) as sk:
            sk.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                       b"Connection: close\r\n\r\n")
            got = b""
            while b"\r\n" not in got:
                c = sk.recv(4096)
                if not c:
                    break
                got += c
    except OSError:
        return None
    m = re.match(rb"HTTP/1\.1 (\d{3})", got)
    return int(m.group(1)) if m else None


def closed_by_server(sk):
    """True when the server has closed sk (EOF or reset), without
    waiting."""
    sk.setblocking(False)
    try:
        return sk.recv(4096) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        sk.setblocking(True)


@test
def trickled_headers_are_cut_at_the_deadline():
    with Server() as s:
        sk = socket.create_connection(("127.0.0.1", s.port), 5)
        sk.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        t0 = time.monotonic()
        got, closed_at = b"", None
        sk.settimeout(0.5)
        # A byte every half second: idle time never runs out.
        while time.monotonic() - t0 < HEADER_SEC + 8:
            try:
                sk.sendall(b"X")
            except OSError:
                closed_at = time.monotonic() - t0
                break
            try:
                c = sk.recv(4096)
                if not c:
                    closed_at = time.monotonic() - t0
                    break
                got += c
            except socket.timeout:
                pass
            except OSError:
                closed_at = time.monotonic() - t0
                break
        sk.close()
        assert closed_at is not None, "still open after %ds" % (
            HEADER_SEC + 8)
        assert HEADER_SEC - 1 <= closed_at <= HEADER_SEC + 3, closed_at
        assert b"200" not in got, got[:100]
        # A keep-alive connection that sends its next request in time is
        # served as before.
        assert s.get("/healthz")[0] == 200


@test
def connection_flood_leaves_healthz_answering():
    n_addr, per_addr = 20, 210
    limit = more_files()
    assert limit > n_addr * per_addr + 200, "RLIMIT_NOFILE %d" % limit
    with Server() as s:
        socks, refused = [], 0
        for a in range(n_addr):
            src = "127.0.1.%d" % (a + 2)
            for i in range(per_addr):
                try:
                    sk = socket.create_connection(("127.0.0.1", s.port), 3,
                                                  (src, 0))
                    sk.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                    socks.append(sk)
                except OSError:
                    refused += 1
        stop = threading.Event()

        def trickle():
            while not stop.is_set():
                for sk in socks:
                    try:
                        sk.send(b"a")
                    except OSError:
                        pass
                stop.wait(1.0)
        th = threading.Thread(target=trickle, daemon=True)
        th.start()
        try:
            time.sleep(0.5)
            # Over the per-address cap: closed at once.
            over = sum(1 for sk in socks if closed_by_server(sk))
            assert over + refused >= n_addr * (per_addr - PER_ADDR), (
                over, refused)
            # /healthz answers throughout, from a new address and from
            # an address of the flood.
            t0, answers = time.monotonic(), []
            while time.monotonic() - t0 < HEADER_SEC + 3:
                answers.append(healthz(s.port))
                answers.append(healthz(s.port, "127.0.2.1"))
                time.sleep(0.3)
            assert answers and all(a == 200 for a in answers), answers
            # By now every trickling connection has been cut.
            time.sleep(1.5)
            still = sum(1 for sk in socks if not closed_by_server(sk))
            assert still == 0, "%d trickling connections still open" % still
            assert healthz(s.port, "127.0.1.2") == 200
        finally:
            stop.set()
            th.join()
            for sk in socks:
                sk.close()


def kiosk_key(s):
    out = hl.cli_ok("kiosk", "add", "--data", s.data, "--unit",
                    hl.valid_unit(s)["code"], "--counter", "1", "--name",
                    "k1")
    code = re.search(r"^code: (\S+)$", out, re.M).group(1)
    st, _, b = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
    assert st == 201, (st, b)
    return json.loads(b)["key"]


def long_polls(port, key, n, xff=None):
    socks = []
    for i in range(n):
        sk = socket.create_connection(("127.0.0.1", port), 3)
        h = b"GET /api/v1/kiosk/next?wait=8 HTTP/1.1\r\nHost: x\r\n"
        h += b"Authorization: Bearer " + key.encode() + b"\r\n"
        if xff:
            h += b"X-Forwarded-For: 198.51.100.%d\r\n" % (i % 250 + 1)
        socks.append(sk)
        try:
            sk.sendall(h + b"\r\n")
        except OSError:
            pass
    return socks


@test
def long_polls_behind_a_trusted_proxy():
    more_files()
    cfg = "[server]\ntrusted_proxies = 127.0.0.1\n"
    with Server(config=cfg) as s:
        key = kiosk_key(s)
        socks = long_polls(s.port, key, 300, xff=True)
        try:
            time.sleep(1.0)
            # The proxy's address holds 300 parked polls and is served.
            assert healthz(s.port) == 200
            assert sum(1 for sk in socks if closed_by_server(sk)) == 0
        finally:
            for sk in socks:
                sk.close()
    # Without the proxy setting one address gets its share only, and
    # others are not affected.
    with Server() as s:
        key = kiosk_key(s)
        socks = long_polls(s.port, key, PER_ADDR + 40)
        try:
            time.sleep(1.0)
            cut = sum(1 for sk in socks if closed_by_server(sk))
            assert cut >= 39, cut
            assert healthz(s.port, "127.0.3.1") == 200
        finally:
            for sk in socks:
                sk.close()


if __name__ == "__main__":
    hl.run()
