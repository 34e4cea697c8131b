"""GET /metrics: Prometheus' text format 0.0.4, read with Prometheus'
own parser (Debian's python3-prometheus-client); the counters move as
tickets are issued and answered on every channel, by survey, and by
indicator against a recount of `hailong export` with indicators.ini's
rules; open on loopback only, else to the addresses of [metrics] allow."""

import json
import re
import shutil
import sys
import time

import hl
from hl import (Server, assert_html, assert_status, cli_ok,
                full_answer, new_ticket, run, test, valid_unit)
_ours = len(hl._tests)
from test_report import ind_level, load_indicators, load_kinds  # noqa
del hl._tests[_ours:]		# its tests run in their own file

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    sys.path.append("/usr/lib/python3/dist-packages")
    from prometheus_client.parser import text_string_to_metric_families


def scrape(s, headers=None):
    st, hd, body = s.get("/metrics", headers)
    assert st == 200, (st, body[:300])
    assert hd["content-type"].startswith("text/plain; version=0.0.4"), hd
    samples = {}
    for fam in text_string_to_metric_families(body.decode("utf-8")):
        for smp in fam.samples:
            key = (smp.name, tuple(sorted(smp.labels.items())))
            assert key not in samples, "twice: %r" % (key,)
            samples[key] = smp.value
    return samples


def val(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def enrol(s, unit):
    out = cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                 "--counter", "3", "--name", "metrics-kiosk")
    code = re.search(r"^code: (\S+)$", out, re.M).group(1)
    st, _, b = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
    assert st == 201, (st, b)
    return json.loads(b)["key"]


@test
def counters_move():
    with Server() as s:
        unit = valid_unit(s)["code"]
        m0 = scrape(s)
        for name in ("process_resident_memory_bytes",
                     "hailong_lmdb_map_size_bytes",
                     "hailong_lmdb_map_used_bytes",
                     "hailong_disk_free_bytes"):
            assert val(m0, name) > 0, (name, val(m0, name))
        assert val(m0, "hailong_uptime_seconds") >= 0
        assert val(m0, "hailong_writer_queue_depth") == 0
        assert val(m0, "hailong_kiosks_seen") == 0
        tickets = [new_ticket(s, unit=unit, case="MET-%d" % i)
                   for i in range(5)]
        page = assert_html(s.get(tickets[0]["path"]), 200, "survey")
        for t in tickets[:3]:
            assert_status(s.post_form(t["path"], full_answer(page, 4)),
                          200, "answer")
        kkey = enrol(s, unit)
        h = {"Authorization": "Bearer " + kkey}
        assert_status(s.http("POST", "/api/v1/responses", {
            "idempotency_key": "metrics-kiosk-0001", "token":
            tickets[3]["token"], "answers": {"overall": 5}}, h), 201)
        assert_status(s.http("POST", "/api/v1/responses", {
            "idempotency_key": "metrics-kiosk-0002",
            "answers": {"overall": 3}}, h), 201)
        # Wrong keys until the address is held back: 401s, then 429.
        codes = [s.http("POST", "/api/v1/tickets", {"unit": unit},
                        {"Authorization": "Bearer wrong-" + "y" * 30})[0]
                 for _ in range(12)]
        assert 429 in codes, codes
        # A hospital's ticket: the health survey, answered on a phone.
        ht = new_ticket(s, unit="92-VD13", procedure=None,
                        service="YT-TIEM")
        hp = assert_html(s.get(ht["path"]), 200, "health survey")
        assert_status(s.post_form(ht["path"], full_answer(hp, 5)), 200,
                      "health answer")
        # A request is counted when libmicrohttpd completes it, which may
        # be just after the client has read the reply: wait for the
        # last answer's count, then read everything from that scrape.
        for _ in range(50):
            m1 = scrape(s)
            if val(m1, "hailong_http_requests_total", status="200",
                   method="POST", route="/s/*") >= 4:
                break
            time.sleep(0.1)
        issue = dict(method="POST", route="/api/v1/tickets")
        by = "hailong_tickets_by_survey_total"
        assert val(m1, by, survey="procedure") - val(
            m0, by, survey="procedure") == 5
        assert val(m1, by, survey="health") == 1
        by = "hailong_answers_by_survey_total"
        for sv, ch, n in (("procedure", "qr", 3), ("procedure", "kiosk", 1),
                          ("procedure", "kiosk-walkin", 1),
                          ("health", "qr", 1), ("health", "kiosk", 0)):
            assert val(m1, by, survey=sv, channel=ch) == n, (sv, ch)
        # By indicator: every answer of its survey that answers its
        # question, of its sectors and unit kinds (suspects too).
        rows = [r for sv in ("procedure", "health", "education")
                for r in json.loads(cli_ok("export", "--data", s.data,
                                           "--format", "json", "--survey",
                                           sv))]
        kind = load_kinds()
        inds, _ = load_indicators()
        assert inds
        for ind in inds:
            n = sum(1 for r in rows if r["survey"] == ind["survey"] and
                    (not ind["sectors"] or r["sector"] in ind["sectors"])
                    and (not ind["kinds"] or
                         kind.get(r["unit"]) in ind["kinds"]) and
                    ind_level(r, ind["question"]) is not None)
            assert val(m1, "hailong_answers_by_indicator_total",
                       indicator=ind["id"]) == n, (ind["id"], n)
        assert val(m1, "hailong_answers_by_indicator_total",
                   indicator="health_services") == 1
        assert val(m1, "hailong_http_requests_total", status="201",
                   **issue) - val(m0, "hailong_http_requests_total",
                                  status="201", **issue) == 6
        assert val(m1, "hailong_http_requests_total", status="200",
                   method="POST", route="/s/*") == 4
        assert val(m1, "hailong_http_requests_total", status="201",
                   method="POST", route="/api/v1/responses") == 2
        assert val(m1, "hailong_http_request_duration_seconds_count",
                   method="POST", route="/s/*") == 4
        assert val(m1, "hailong_http_request_duration_seconds_bucket",
                   method="POST", route="/s/*", le="+Inf") == 4
        assert val(m1, "hailong_tickets_issued_total") - val(
            m0, "hailong_tickets_issued_total") == 6
        assert val(m1, "hailong_answers_stored_total", channel="qr") == 4
        assert val(m1, "hailong_answers_stored_total",
                   channel="kiosk") == 1
        assert val(m1, "hailong_answers_stored_total",
                   channel="kiosk-walkin") == 1
        assert val(m1, "hailong_kiosks_seen") == 1
        assert val(m1, "hailong_http_rate_limited_total") >= 1
        assert val(m1, "hailong_http_responses_total", **{
            "class": "4xx"}) >= 12
        ops = val(m1, "hailong_writer_ops_total") - val(
            m0, "hailong_writer_ops_total")
        assert ops >= 6 + 4 + 2 + 1, ops
        assert val(m1, "hailong_writer_batch_size_sum") == val(
            m1, "hailong_writer_ops_total")
        batches = val(m1, "hailong_writer_batches_total")
        assert val(m1, "hailong_writer_commit_seconds_count") == batches
        assert val(m1, "hailong_writer_apply_seconds_count") == batches
        assert val(m1, "hailong_writer_commit_seconds_sum") > 0
        # A duplicate kiosk answer is no new answer.
        assert_status(s.http("POST", "/api/v1/responses", {
            "idempotency_key": "metrics-kiosk-0002",
            "answers": {"overall": 3}}, h), 200)
        m2 = scrape(s)
        assert val(m2, "hailong_answers_stored_total",
                   channel="kiosk-walkin") == 1
        print("  %d series; %d batches for %d writes" % (
            len(m2), batches, val(m1, "hailong_writer_ops_total")))


@test
def dashboard_names_exist():
    """Every series the Grafana dashboard (docs/) asks for is served."""
    import os
    from hl import SRCDIR
    with open(os.path.join(SRCDIR, "docs", "grafana-hailong.json"),
              encoding="utf-8") as f:
        dash = json.load(f)
    exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
    names = set()
    for e in exprs:
        names.update(re.findall(r"\b((?:hailong|process)_[a-z_]+)\b", e))
    assert len(names) >= 15, names
    with Server() as s:
        s.get("/")		# a request, so that per-route series exist
        scrape(s)
        served = {n for n, _ in scrape(s)}
    missing = sorted(names - served)
    assert not missing, missing


@test
def who_may_read():
    """A proxy on loopback forwards the world: forwarded requests and
    other addresses need [metrics] allow."""
    with Server() as s:
        for hdr in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
            st, hd, body = s.get("/metrics", {hdr: "192.0.2.9"})
            assert st == 403, (hdr, st)
            assert hd["content-type"].startswith("application/json"), hd
    # A trusted proxy on loopback forwards 192.0.2.9, which is allowed;
    # 192.0.2.10 is not.
    cfg = ("[server]\ntrusted_proxies = 127.0.0.1\n"
           "[metrics]\nallow = 192.0.2.9\n")
    with Server(config=cfg) as s:
        scrape(s, {"X-Forwarded-For": "192.0.2.9"})
        st, _, _ = s.get("/metrics", {"X-Forwarded-For": "192.0.2.10"})
        assert st == 403, st
    srv = Server(config="[metrics]\nallow = nowhere\n", make_key=False)
    try:
        srv.start()
    except AssertionError as e:
        assert "hailong.ini:2: allow" in str(e), str(e)
    else:
        srv.stop()
        raise AssertionError("started with a bad allow list")
    finally:
        srv.kill()
        shutil.rmtree(srv.root, ignore_errors=True)


if __name__ == "__main__":
    run()
