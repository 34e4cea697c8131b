"""HTTPS with libmicrohttpd's TLS: a certificate made by the test,
--tls-cert/--tls-key, the survey served over TLS, URLs and cookies that
say https, and plain HTTP refused on that port."""
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile

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


if __name__ == "__main__":
    hl.run()
