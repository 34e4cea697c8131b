"""Bad tokens over HTTP: random tokens of the right length and alphabet and
real tokens with one bit of their 20 decoded bytes flipped, sent as
GET /s/<token> over a few keep-alive connections in parallel. Every one is
404, the export is byte-identical afterwards and no ticket became
answered. HL_SOAK_TOKENS sets the number of random tokens (20 000 by
default; 1000000 for the full run)."""

import http.client
import os
import random
import threading
import time

from hl import (B32, Server, assert_html, export_csv, form_body, full_answer,
                new_ticket, run, test, verify)

RANDOM_TOKENS = int(os.environ.get("HL_SOAK_TOKENS", "20000"))
THREADS = 4
RAW_BITS = 160		# TOKEN_RAW_LEN (20) bytes, TOKEN_LEN (32) characters
FORM_H = {"Content-Type": "application/x-www-form-urlencoded"}


def b32_decode(tok):
    n = 0
    for c in tok.upper():
        n = n * 32 + B32.index(c)
    return n


def b32_encode(n):
    out = []
    for _ in range(RAW_BITS // 5):
        out.append(B32[n & 31])
        n >>= 5
    return "".join(reversed(out))


def bit_flips(tok):
    """The RAW_BITS tokens that differ from tok in one decoded bit."""
    n = b32_decode(tok)
    assert b32_encode(n) == tok.upper(), "re-encoding changed %s" % tok
    return [b32_encode(n ^ (1 << b)) for b in range(RAW_BITS)]


def blast(port, tokens):
    """GETs /s/<t> for every t on THREADS keep-alive connections; returns
    ({status: count}, [(token, status)] of the non-404 ones)."""
    lock = threading.Lock()
    counts = {}
    odd = []
    it = iter(tokens)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = {}
        try:
            while True:
                with lock:
                    t = next(it, None)
                if t is None:
                    break
                try:
                    conn.request("GET", "/s/" + t)
                    r = conn.getresponse()
                    r.read()
                    st = r.status
                except (OSError, http.client.HTTPException) as e:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port,
                                                      timeout=10)
                    st = repr(e)
                mine[st] = mine.get(st, 0) + 1
                if st != 404:
                    with lock:
                        odd.append((t, st))
        finally:
            conn.close()
            with lock:
                for k, v in mine.items():
                    counts[k] = counts.get(k, 0) + v

    ths = [threading.Thread(target=worker, daemon=True)
           for _ in range(THREADS)]
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    return counts, odd


@test
def bad_tokens():
    rnd = random.Random(os.environ.get("HL_SEED", str(time.time())))
    with Server() as s:
        tickets = [new_ticket(s, case="TOK-%d" % i) for i in range(8)]
        for t in tickets:
            # The short code is the first 50 bits: the encoding is MSB first.
            assert t["token"][:10] == t["code"].replace("-", ""), (
                "token %s vs code %s" % (t["token"], t["code"]))
        page = assert_html(s.get(tickets[0]["path"]), 200, "survey")
        answered, open_ = tickets[:3], tickets[3:]
        for t in answered:
            assert_html(s.post_form(t["path"], full_answer(page, 4)), 200,
                        "answer")
        before = export_csv(s.data)
        real = {t["token"].upper() for t in tickets}

        flipped = [f for t in tickets for f in bit_flips(t["token"])]
        assert not real & set(flipped)
        randoms = ("".join(rnd.choice(B32) for _ in range(32))
                   for _ in range(RANDOM_TOKENS))
        total = len(flipped) + RANDOM_TOKENS
        t0 = time.monotonic()
        counts, odd = blast(s.port, flipped)

        def gen():
            for tok in randoms:
                if tok not in real:
                    yield tok

        c2, odd2 = blast(s.port, gen())
        dt = time.monotonic() - t0
        for k, v in c2.items():
            counts[k] = counts.get(k, 0) + v
        odd += odd2
        print("  %d bit-flipped + %d random tokens in %.1fs: %.0f requests/s;"
              " statuses %r" % (len(flipped), RANDOM_TOKENS, dt, total / dt,
                                counts))
        assert not odd, "not 404: %r" % (odd[:10],)
        assert counts.get(404, 0) == total, "counts %r, want %d x 404" % (
            counts, total)

        assert export_csv(s.data) == before, "export changed"
        for t in open_:
            assert_html(s.get(t["path"]), 200, "still open %s" % t["code"])
        for t in answered:
            assert s.get(t["path"])[0] == 409, "answered %s" % t["code"]
        rc, out, err = verify(s.data)
        assert rc == 0, "verify rc %d\n%s%s" % (rc, out, err)


if __name__ == "__main__":
    run()
