"""Several surveys: the procedure survey and the service surveys of public
hospitals and schools (schema/survey-*.ini), the services list, tickets
naming a survey and a service, the survey page and the kiosk of a service
point, counters that keep each survey's answers apart (a health answer
under health_services, never under tthc or the overall figures), and a
broken survey file stopping the start."""

import datetime
import json
import os
import re
import shutil
import tempfile
import time

import hl
from hl import (Server, add_key, assert_html, assert_status, cli, cli_ok,
                issue, json_of, new_ticket, parse_page, run, test, verify)

HOSPITAL = "92-VD13"
STATION = "92-VD14"
SCHOOL = "92-VD15"
WARD = "92-VD01"


def this_month():
    now = datetime.datetime.utcnow() + datetime.timedelta(hours=7)
    return now.strftime("%Y-%m")


def enrol(s, unit, counter):
    name = "kiosk-%d" % time.monotonic_ns()
    out = cli_ok("kiosk", "add", "--data", s.data, "--unit", unit,
                 "--counter", counter, "--name", name)
    code = out.splitlines()[-2][6:]
    r = s.http("POST", "/api/v1/kiosk/enrol", {"code": code})
    assert_status(r, 201, "enrol")
    return json_of(*r)["key"]


def kiosk_answer(s, key, overall, token=None, tag="a"):
    b = {"idempotency_key": ("k-%s-%d" % (tag, time.monotonic_ns()))
         .ljust(16, "x")[:64], "answers": {"overall": overall}}
    if token:
        b["token"] = token
    h = {"Content-Type": "application/json",
         "Authorization": "Bearer " + key}
    return s.http("POST", "/api/v1/responses", json.dumps(b).encode(), h)


def phone_answer(s, t, overall):
    page = assert_html(s.get(t["path"]), 200)
    p = parse_page(page)
    pairs = list(p.hidden) + [("overall", str(overall))]
    r = s.post_form(t["path"], pairs)
    assert_html(r, 200, "answer")
    return page


def report(s, vkey):
    return json_of(*s.get("/api/v1/reports/monthly?month=" + this_month(),
                          {"Authorization": "Bearer " + vkey}))


def indicator(rep, ind):
    return [i for i in rep["indicators"] if i["id"] == ind][0]


def assert_verify(s):
    rc, out, err = verify(s.data)
    assert rc == 0, "verify: rc %d\n%s%s" % (rc, out, err)


@test
def services_and_units_list_their_surveys():
    with Server() as s:
        sv = s.api_json("/api/v1/services")
        codes = {v["code"]: v for v in sv}
        assert "YT-KHAM" in codes and "GD-TUYEN" in codes, sv
        assert {v["survey"] for v in sv} == {"health", "education"}, sv
        for v in sv:
            assert set(v["name"]) == {"vi", "en", "km"}, v
            assert all(v["name"][k] for k in ("vi", "en", "km")), v
        assert codes["YT-KHAM"]["name"]["en"] == "Outpatient visit"
        by = {u["code"]: u for u in s.units()}
        assert by[HOSPITAL]["kind"] == "hospital"
        assert by[HOSPITAL]["survey"] == "health"
        assert by[STATION]["survey"] == "health"
        assert by[SCHOOL]["survey"] == "education"
        assert by[WARD]["survey"] == "procedure"
        assert by["92-VD10"]["kind"] == "department"
        assert by["92-VD10"]["survey"] == "procedure"
        # The kiosk definition of each survey; a key's unit picks one.
        for sid in ("procedure", "health", "education"):
            d = s.api_json("/api/v1/survey?survey=" + sid)
            assert d["id"] == sid, d["id"]
            assert [l["value"] for l in d["levels"]] == [1, 2, 3, 4, 5]
            assert len(d["questions"]) + 1 + (d["reasons"] is not None) \
                <= 8, sid
        assert s.api_json("/api/v1/survey")["id"] == "procedure"
        r = s.get("/api/v1/survey?survey=nope")
        assert_status(r, 404, "unknown survey")
        key = enrol(s, HOSPITAL, "1")
        d = json_of(*s.get("/api/v1/survey",
                           {"Authorization": "Bearer " + key}))
        assert d["id"] == "health", d["id"]


@test
def ticket_errors():
    with Server() as s:
        def bad(want, **f):
            r = issue(s, s.key, **f)
            assert_status(r, 422, repr(f))
            why = json_of(*r)["error"]
            assert want in why, (want, why)
            return why

        bad("survey: unknown survey", unit=HOSPITAL, procedure=None,
            survey="dental", service="YT-KHAM")
        bad("service: required for survey health", unit=HOSPITAL,
            procedure=None, survey="health")
        bad("service: required for survey education", unit=SCHOOL,
            procedure=None, survey="education")
        bad("service: a service of survey education, not of health",
            unit=HOSPITAL, procedure=None, survey="health",
            service="GD-TUYEN")
        bad("service: not in the services list", unit=HOSPITAL,
            procedure=None, service="YT-NOPE", survey="health")
        bad("procedure: a ticket of survey health names a service",
            unit=HOSPITAL, survey="health", service="YT-KHAM")
        bad("service: a ticket of survey procedure names a procedure",
            unit=WARD, survey="procedure", service="YT-KHAM")
        bad("procedure: required for survey procedure", unit=WARD,
            procedure=None, survey="procedure")
        r = issue(s, s.key, unit=HOSPITAL, procedure=None)
        assert_status(r, 422, "nothing named")
        assert "procedure: required" in json_of(*r)["error"]
        # The survey from the service, or from the unit's kind.
        t = new_ticket(s, unit=HOSPITAL, procedure=None, service="YT-TIEM")
        assert t["survey"] == "health" and t["service"] == "YT-TIEM", t
        t = new_ticket(s, unit=SCHOOL, procedure=None, service="GD-HOP",
                       survey="education")
        assert t["survey"] == "education", t
        t = new_ticket(s, unit=WARD)
        assert t["survey"] == "procedure" and "service" not in t, t


@test
def health_ticket_on_phone_and_kiosk_counts_under_health_services():
    with Server() as s:
        vkey = add_key(s.data, "viewer")
        # A patient's ticket at the hospital, answered on a phone.
        t1 = new_ticket(s, unit=HOSPITAL, procedure=None, service="YT-KHAM")
        page = phone_answer(s, t1, 5)
        text = hl.page_text(page)
        assert "Khảo sát sự hài lòng của người bệnh" in text, text[:400]
        assert "Dịch vụ" in text and "Khám bệnh ngoại trú" in text
        assert "Thủ tục hành chính" not in text
        names = set(hl.survey_form_fields(page))
        assert {"overall", "access", "staff", "results"} <= names, names
        # Another answered at the hospital's kiosk, and a walk-in there.
        key = enrol(s, HOSPITAL, "2")
        t2 = new_ticket(s, unit=HOSPITAL, procedure=None, service="YT-TIEM",
                        counter="2")
        r = kiosk_answer(s, key, 2, token=t2["token"])
        assert_status(r, 201, "kiosk health answer")
        r = kiosk_answer(s, key, 4, tag="w")
        assert_status(r, 201, "walk-in at the hospital")
        # A procedure ticket issued at the hospital: not for this kiosk.
        t3 = new_ticket(s, unit=HOSPITAL, procedure="9.000401")
        assert t3["survey"] == "procedure", t3
        r = kiosk_answer(s, key, 5, token=t3["token"], tag="p")
        assert_status(r, 422, "procedure ticket at a health kiosk")
        assert "survey procedure" in json_of(*r)["error"]
        # Pairing: the kiosk is not offered a ticket of another survey.
        auth = {"Authorization": "Bearer " + key}
        new_ticket(s, unit=HOSPITAL, procedure="9.000402", counter="2")
        r = s.get("/api/v1/kiosk/next?wait=1", auth)
        assert r[0] == 204, r[0]
        t5 = new_ticket(s, unit=HOSPITAL, procedure=None,
                        service="YT-NOITRU", counter="2")
        p = json_of(*s.get("/api/v1/kiosk/next?wait=1", auth))
        assert p["token"] == t5["token"] and p["service"] == "YT-NOITRU", p
        assert p["survey"] == "health", p
        assert p["procedure"]["name"]["vi"] == "Điều trị nội trú", p
        # One procedure answer at a ward.
        t4 = new_ticket(s, unit=WARD, procedure="9.000601")
        phone_answer(s, t4, 3)

        rep = report(s, vkey)
        h = indicator(rep, "health_services")
        assert h["responses"] == 3 and h["satisfied"] == 2, h
        assert h["collected"], h
        # Levels 3-5 of five: the figure beside, for 3-level systems.
        assert h["scale"] == 5 and h["responses_3_5"] == 2, h
        assert abs(h["share_3_5"] - 66.67) < 0.01, h
        e = indicator(rep, "education_services")
        assert e["responses"] == 0, e
        tthc = indicator(rep, "tthc")
        assert tthc["responses"] == 1 and tthc["satisfied"] == 0, tthc
        assert tthc["share_3_5"] == 100, tthc
        assert rep["overall"]["responses"] == 1, rep["overall"]
        st, hd, body = s.get("/reports/monthly?month=" + this_month(),
                             {"Authorization": "Bearer " + vkey})
        assert st == 200 and "mức 3–5: 66,7 %" in body.decode(), \
            re.findall(r"mức 3–5[^<]*", body.decode())
        assert indicator(rep, "agency_service")["responses"] == 0
        assert all(not r["sector"].startswith("@")
                   for r in rep["sectors"]), rep["sectors"]
        assert sum(r["responses"] for r in rep["sectors"]) + \
            rep["walkin"]["responses"] == 1
        rows = {u["unit"]: u for u in rep["units"]}
        assert rows[HOSPITAL]["responses"] == 0, rows[HOSPITAL]
        assert rows[WARD]["responses"] == 1
        ag = {a["unit"]: a for a in rep["agencies"]}
        hi = [f for f in ag[HOSPITAL]["indicators"]
              if f["id"] == "health_services"][0]
        assert hi["responses"] == 3, hi
        # Exports: the procedure survey's rows by default, a service
        # survey's with --survey, the service in the procedure column.
        rows = hl.export_json(s.data)
        assert len(rows) == 1 and rows[0]["survey"] == "procedure", rows
        hrows = hl.export_json(s.data, "--survey", "health")
        assert sorted(r["overall"] for r in hrows) == [2, 4, 5], hrows
        assert {r["procedure"] for r in hrows} == {
            "YT-KHAM", "YT-TIEM", ""}, hrows
        assert all("staff" in r for r in hrows), hrows[0]
        assert_verify(s)
        # The ticket slip names the service.
        st, hd, body = s.get("/api/v1/tickets/%s/slip" % t1["token"])
        assert st == 200 and "Dịch vụ: Khám bệnh ngoại trú" in \
            hl.page_text(body), hl.page_text(body)[:600]


@test
def health_procedure_ticket_counts_under_tthc():
    with Server() as s:
        vkey = add_key(s.data, "viewer")
        # A health licence at a ward: a procedure, sector health.
        t = new_ticket(s, unit=WARD, procedure="9.000401")
        assert t["survey"] == "procedure", t
        page = phone_answer(s, t, 4)
        assert "Khảo sát sự hài lòng về giải quyết thủ tục hành chính" in \
            hl.page_text(page)
        rep = report(s, vkey)
        tthc = indicator(rep, "tthc")
        assert tthc["responses"] == 1 and tthc["satisfied"] == 1, tthc
        assert tthc["target"] in (90, 95), tthc
        assert indicator(rep, "health_services")["responses"] == 0
        sec = [r for r in rep["sectors"] if r["sector"] == "health"][0]
        assert sec["responses"] == 1, sec
        assert_verify(s)


def share_with(edit):
    share = tempfile.mkdtemp(prefix="hailong-share-")
    for d in ("schema", "templates"):
        shutil.copytree(os.path.join(hl.SRCDIR, d), os.path.join(share, d))
    edit(os.path.join(share, "schema"))
    return share


@test
def three_level_survey():
    def edit(schema):
        p = os.path.join(schema, "survey-education.ini")
        with open(p, encoding="utf-8") as f:
            text = f.read()
        a = text.index("option.1.vi")
        b = text.index("[question facilities]")
        text = text[:a] + (
            "option.2.vi = Không hài lòng\noption.2.en = Dissatisfied\n"
            "option.2.km = មិនពេញចិត្ត\noption.4.vi = Hài lòng\n"
            "option.4.en = Satisfied\noption.4.km = ពេញចិត្ត\n"
            "option.5.vi = Rất hài lòng\noption.5.en = Very satisfied\n"
            "option.5.km = ពេញចិត្តខ្លាំង\n\n") + text[b:]
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
    share = share_with(edit)
    try:
        with Server(config="[server]\nshare = %s\n" % share) as s:
            vkey = add_key(s.data, "viewer")
            d = s.api_json("/api/v1/survey?survey=education")
            assert [l["value"] for l in d["levels"]] == [2, 4, 5], d
            assert d["levels"][0]["label"]["vi"] == "Không hài lòng"
            t = new_ticket(s, unit=SCHOOL, procedure=None,
                           service="GD-HOP")
            page = assert_html(s.get(t["path"]), 200)
            assert hl.survey_form_fields(page)["overall"] == [
                "5", "4", "2"], hl.survey_form_fields(page)
            p = parse_page(page)
            r = s.post_form(t["path"], list(p.hidden) + [("overall", "3")])
            assert r[0] == 422, r[0]
            phone_answer(s, t, 2)
            key = enrol(s, SCHOOL, "1")
            r = kiosk_answer(s, key, 3)
            assert_status(r, 422, "level 3 on a 3-level survey")
            r = kiosk_answer(s, key, 5)
            assert_status(r, 201, "kiosk")
            e = indicator(report(s, vkey), "education_services")
            assert e["responses"] == 2 and e["satisfied"] == 1, e
            assert e["scale"] == 3 and e["share_3_5"] is None, e
            assert_verify(s)
    finally:
        shutil.rmtree(share, ignore_errors=True)


def broken_share(edit):
    share = tempfile.mkdtemp(prefix="hailong-share-")
    for d in ("schema", "templates"):
        shutil.copytree(os.path.join(hl.SRCDIR, d), os.path.join(share, d))
    edit(os.path.join(share, "schema"))
    conf = os.path.join(share, "hailong.ini")
    with open(conf, "w", encoding="utf-8") as f:
        f.write("[server]\nshare = %s\n" % share)
    data = os.path.join(share, "data")
    os.mkdir(data)
    try:
        rc, _, err = cli("serve", "--listen", "127.0.0.1:0", "--data", data,
                         "--config", conf)
    finally:
        shutil.rmtree(share, ignore_errors=True)
    assert rc != 0, "started"
    return err.strip()


@test
def broken_survey_file_stops_the_start():
    def replace(name, pat, new):
        def edit(schema):
            p = os.path.join(schema, name)
            with open(p, encoding="utf-8") as f:
                text = f.read()
            text, k = re.subn(pat, new, text, count=1)
            assert k == 1, pat
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
        return edit

    cases = [
        ("survey-health.ini", r"(?m)^kind = choice$", "colour = blue",
         "unknown key colour"),
        ("survey-health.ini", r"(?m)^id = health$", "id = default",
         "not procedure or default"),
        ("survey-health.ini", r"(?m)^id = health$", "id = education",
         "id education: another survey has it"),
        ("survey-health.ini", r"(?m)^kinds = hospital health_station$",
         "kinds = hospital school", "school is survey education's already"),
        ("survey-health.ini", r"(?m)^satisfied = 4 5$", "satisfied = 6",
         "satisfied"),
        ("survey.ini", r"(?m)^id = procedure$", "id = default",
         "id must be procedure"),
    ]
    for name, pat, new, want in cases:
        err = broken_share(replace(name, pat, new))
        m = re.search(re.escape(name) + r":(\d+): (.*)$", err)
        assert m and want in m.group(2), (name, want, err)
    err = broken_share(replace("services.csv", r"(?m)^YT-TIEM,health,",
                               "YT-TIEM,dental,"))
    assert re.search(r"services\.csv:\d+: survey dental: not a service "
                     r"survey", err), err


if __name__ == "__main__":
    run()
