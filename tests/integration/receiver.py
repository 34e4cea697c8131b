"""A webhook receiver for the tests: an HTTP (or HTTPS) server on a
loopback port that logs each signed delivery, and a certificate
authority made with openssl for the HTTPS one."""

import hashlib
import hmac
import http.server
import json
import os
import ssl
import subprocess
import threading

SECRET = "webhook-secret-0123456789"


class Receiver:
    """An HTTP receiver on a fixed port: refuses the first `refuse`
    posts with 503, then logs and takes each (200)."""

    def __init__(self, port=0, refuse=0, tls=None):
        self.log = []		# (delivery header, body dict, sig ok, raw)
        self.refused = 0
        self.refuse = refuse
        self.lock = threading.Lock()
        rcv = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(n)
                with rcv.lock:
                    if rcv.refused < rcv.refuse:
                        rcv.refused += 1
                        self.send_response(503)
                        self.end_headers()
                        return
                    want = "sha256=" + hmac.new(SECRET.encode(), raw,
                                                hashlib.sha256).hexdigest()
                    rcv.log.append((self.headers.get("X-Hailong-Delivery"),
                                    json.loads(raw),
                                    hmac.compare_digest(want, self.headers.get(
                                        "X-Hailong-Signature", "")), raw))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        http.server.ThreadingHTTPServer.allow_reuse_address = True
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), H)
        if tls is not None:		# (certificate, key) files
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.srv.socket = ctx.wrap_socket(self.srv.socket,
                                              server_side=True)
        self.port = self.srv.server_address[1]
        self.thread = threading.Thread(target=self.srv.serve_forever,
                                       daemon=True)
        self.thread.start()

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()


def authority(d, name):
    """A certificate authority in d and a certificate it signs for
    127.0.0.1: (ca.pem, cert.pem, key.pem)."""
    ca, ck = os.path.join(d, name + "-ca.pem"), os.path.join(d, name +
                                                             "-ca.key")
    crt, key = os.path.join(d, name + ".pem"), os.path.join(d, name + ".key")
    csr, ext = os.path.join(d, name + ".csr"), os.path.join(d, name + ".ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                "extendedKeyUsage=serverAuth\n")

    def ssl_run(*a):
        subprocess.run(["openssl"] + list(a), check=True,
                       capture_output=True)
    ssl_run("req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:P-256", "-nodes", "-keyout", ck, "-out", ca,
            "-days", "2", "-subj", "/CN=" + name + " authority",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign")
    ssl_run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
    ssl_run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ck,
            "-CAcreateserial", "-out", crt, "-days", "2", "-extfile", ext)
    return ca, crt, key
