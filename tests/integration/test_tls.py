"""HTTPS with libmicrohttpd's TLS: a certificate made by the test,
--tls-cert/--tls-key, the survey served over TLS, URLs and cookies that
say https, and plain HTTP refused on that port; SIGHUP reloads the
certificate without dropping the connections that are open."""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time

import hl
from hl import test


def make_cert(d):
    key, cert = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=127.0.0.1"], check=True,
                   capture_output=True)
    return cert, key


def start(binary, data, cert, key):
    p = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0",
                          "--data", data, "--tls-cert", cert, "--tls-key",
                          key], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    m = re.match(r"hailong: listening on https://127\.0\.0\.1:(\d+)$",
                 line.strip())
    assert m, "no https listening line: %r" % line
    return p, int(m.group(1))


def get(port, method, path, body=None, headers=None):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx,
                                    timeout=10)
    c.request(method, path, body, headers or {})
    r = c.getresponse()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    c.close()
    return out


@test
def https_end_to_end():
    d = tempfile.mkdtemp(prefix="hailong-tls-")
    try:
        cert, key = make_cert(d)
        data = os.path.join(d, "data")
        ck = hl.add_key(data, "counter")
        vk = hl.add_key(data, "viewer")
        p, port = start(hl.HAILONG, data, cert, key)
        try:
            st, _, units = get(port, "GET", "/api/v1/units")
            assert st == 200, st
            unit = [u for u in json.loads(units)
                    if u.get("parent")][0]["code"]
            body = ('{"procedure": "1.004227", "unit": "%s"}' % unit).encode()
            st, _, b = get(port, "POST", "/api/v1/tickets", body, {
                "Content-Type": "application/json",
                "Authorization": "Bearer " + ck})
            assert st == 201, (st, b)
            t = json.loads(b)
            assert t["url"].startswith("https://127.0.0.1:%d/s/" % port), t
            st, _, page = get(port, "GET", "/s/" + t["token"])
            assert st == 200 and b"<form" in page, st
            st, _, _ = get(port, "POST", "/s/" + t["token"], b"overall=5",
                           {"Content-Type":
                            "application/x-www-form-urlencoded"})
            assert st == 200, st
            st, h, _ = get(port, "POST", "/signin",
                           ("key=%s&next=/reports/monthly" % vk).encode(),
                           {"Content-Type":
                            "application/x-www-form-urlencoded"})
            assert st == 303 and "Secure" in h["set-cookie"], h
            # Plain HTTP on the TLS port gets no page.
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                got = s.recv(4096)
            except (ConnectionResetError, socket.timeout):
                got = b""
            s.close()
            assert b"200 OK" not in got, got[:100]
        finally:
            p.terminate()
            assert p.wait(timeout=20) == 0
        assert len(hl.export_json(data)) == 1
    finally:
        shutil.rmtree(d, ignore_errors=True)


@test
def bad_tls_files_stop_the_start():
    d = tempfile.mkdtemp(prefix="hailong-tls-")
    try:
        junk = os.path.join(d, "junk.pem")
        with open(junk, "w") as f:
            f.write("not a certificate\n")
        rc, out, err = hl.cli("serve", "--listen", "127.0.0.1:0", "--data",
                              os.path.join(d, "data"), "--tls-cert", junk,
                              "--tls-key", junk, timeout=20)
        assert rc == 1 and "junk.pem" in err, (rc, err)
        rc, out, err = hl.cli("serve", "--data", os.path.join(d, "data"),
                              "--tls-cert", junk)
        assert rc == 2 and "go together" in err, (rc, err)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def peer_cert(conn):
    return conn.sock.getpeercert(binary_form=True)


def tls_conn(port):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx,
                                    timeout=10)
    c.connect()
    return c


def keepalive_get(c, path):
    c.request("GET", path)
    r = c.getresponse()
    r.read()
    return r.status


def pem_der(path):
    return ssl.PEM_cert_to_DER_cert(open(path).read())


@test
def sighup_reloads_the_certificate():
    d = tempfile.mkdtemp(prefix="hailong-tls-")
    try:
        old = os.path.join(d, "old")
        new = os.path.join(d, "new")
        os.mkdir(old)
        os.mkdir(new)
        cert, key = make_cert(old)
        cert2, key2 = make_cert(new)
        live_cert = os.path.join(d, "cert.pem")
        live_key = os.path.join(d, "key.pem")
        shutil.copy(cert, live_cert)
        shutil.copy(key, live_key)
        data = os.path.join(d, "data")
        p = subprocess.Popen([hl.HAILONG, "serve", "--listen",
                              "127.0.0.1:0", "--data", data, "--tls-cert",
                              live_cert, "--tls-key", live_key],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        try:
            m = re.match(r"hailong: listening on https://127\.0\.0\.1:"
                         r"(\d+)$", p.stdout.readline().strip())
            assert m
            port = int(m.group(1))
            before = tls_conn(port)
            assert keepalive_get(before, "/healthz") == 200
            assert peer_cert(before) == pem_der(cert)
            # A key that is not the certificate's: the old pair stays.
            shutil.copy(cert2, live_cert)
            p.send_signal(signal.SIGHUP)
            c = None
            for _ in range(50):
                c = tls_conn(port)
                keepalive_get(c, "/healthz")
                got = peer_cert(c)
                c.close()
                if got != pem_der(cert):
                    break
            assert got == pem_der(cert), "took a mismatched pair"
            shutil.copy(key2, live_key)
            p.send_signal(signal.SIGHUP)
            for _ in range(100):
                c = tls_conn(port)
                got = peer_cert(c)
                assert keepalive_get(c, "/healthz") == 200
                c.close()
                if got == pem_der(cert2):
                    break
                time.sleep(0.05)
            assert got == pem_der(cert2), "the new certificate not served"
            # The connection opened before goes on with its own.
            assert keepalive_get(before, "/healthz") == 200
            assert keepalive_get(before, "/api/v1/units") == 200
            before.close()
        finally:
            p.terminate()
            assert p.wait(timeout=20) == 0
        err = p.stderr.read()
        assert "TLS certificate not reloaded" in err and \
            "is not the key of" in err, err
        assert "TLS certificate reloaded from" in err, err
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    hl.run()
