"""Surveys, indicators and sectors change while the server runs: SIGHUP
reads schema/'s survey*.ini, indicators.ini and sectors.ini again and
swaps them whole (the phone page, the kiosk's definition, the report's
targets); a broken file keeps the ones in use and the log names its
line; requests in flight during swaps all complete whole."""

import os
import re
import shutil
import signal
import tempfile
import threading
import time

import hl
from hl import Server, add_key, json_of, new_ticket, run, test


def share_copy():
    share = tempfile.mkdtemp(prefix="hailong-share-")
    for d in ("schema", "templates"):
        shutil.copytree(os.path.join(hl.SRCDIR, d), os.path.join(share, d))
    return share


def edit(path, old, new):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert old in text, (path, old)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))


def set_title_km(path, title):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    lines = ["title.km = " + title if ln.startswith("title.km = ") else ln
             for ln in lines]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def kiosk_def(s, survey="procedure"):
    return json_of(*s.get("/api/v1/survey?survey=" + survey))


def report(s, key):
    month = time.strftime("%Y-%m")
    return json_of(*s.get("/api/v1/reports/monthly?month=" + month,
                          {"Authorization": "Bearer " + key}))


def target_of(rep, ind_id, year):
    for d in rep["indicators"]:
        if d["id"] == ind_id:
            for t in d["targets"]:
                if t["year"] == year:
                    return t["target"]
    raise AssertionError("no indicator %s in %r" % (ind_id,
                         [d["id"] for d in rep["indicators"]]))


def hup_until(s, cond, what):
    s.proc.send_signal(signal.SIGHUP)
    for _ in range(100):
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError("after SIGHUP: " + what)


@test
def sighup_swaps_surveys_indicators_and_sector_targets():
    share = share_copy()
    sv = os.path.join(share, "schema", "survey.ini")
    ind = os.path.join(share, "schema", "indicators.ini")
    sec = os.path.join(share, "schema", "sectors.ini")
    try:
        with Server(config="[server]\nshare = %s\n" % share) as s:
            viewer = add_key(s.data, "viewer")
            t = new_ticket(s)
            t2 = new_ticket(s)
            page = s.get(t["path"] + "?lang=km")[2].decode()
            assert "Khmer swapped" not in page
            rep = report(s, viewer)
            assert target_of(rep, "tthc", 2025) == 90
            assert rep["overall"]["target_2025"] == 90
            old_kiosk = kiosk_def(s)
            set_title_km(sv, "Khmer swapped ការស្ទង់មតិ")
            edit(sv, "version = 4", "version = 5")
            edit(ind, "target.2025 = 90", "target.2025 = 91.5")
            edit(sec, "target.2025 = 90", "target.2025 = 92")
            hup_until(s, lambda: "Khmer swapped" in s.get(
                t["path"] + "?lang=km")[2].decode(), "new Khmer title")
            k = kiosk_def(s)
            assert k["version"] == 5, k.get("version")
            assert k["title"]["km"].startswith("Khmer swapped"), k["title"]
            assert k != old_kiosk
            rep = report(s, viewer)
            assert target_of(rep, "tthc", 2025) == 91.5
            assert rep["overall"]["target_2025"] == 92
            # The answer is stored with the version in use.
            page = s.get(t["path"])[2].decode()
            st, _, _ = s.post_form(t["path"], hl.full_answer(page))
            assert st == 200, st
            rows = hl.export_json(s.data)
            assert rows and rows[-1]["survey_version"] == 5, rows[-1:]
            err = s.read_stderr()
            assert "surveys and indicators reloaded" in err, err[-2000:]

            # A broken survey file: the one in use stays, its line named.
            with open(sv, encoding="utf-8") as f:
                n = sum(1 for _ in f)
            with open(sv, "a", encoding="utf-8") as f:
                f.write("bogus = 1\n")
            s.proc.send_signal(signal.SIGHUP)
            time.sleep(0.5)
            err = s.read_stderr()
            assert re.search(r"survey\.ini:%d: " % (n + 1), err), err[-2000:]
            assert "surveys and indicators not reloaded" in err
            assert kiosk_def(s)["version"] == 5
            assert "Khmer swapped" in s.get(
                t2["path"] + "?lang=km")[2].decode()
            # A broken indicators file: the same.
            shutil.copy(os.path.join(hl.SRCDIR, "schema", "survey.ini"), sv)
            set_title_km(sv, "Khmer swapped ការស្ទង់មតិ")
            edit(sv, "version = 4", "version = 5")
            edit(ind, "target.2025 = 91.5", "target.2025 = 101")
            s.proc.send_signal(signal.SIGHUP)
            time.sleep(0.5)
            assert re.search(r"indicators\.ini:\d+: ", s.read_stderr())
            assert target_of(report(s, viewer), "tthc", 2025) == 91.5
    finally:
        shutil.rmtree(share, ignore_errors=True)


@test
def swaps_under_concurrent_reads_keep_every_request_whole():
    share = share_copy()
    sv = os.path.join(share, "schema", "survey.ini")
    try:
        with Server(config="[server]\nshare = %s\n" % share) as s:
            viewer = add_key(s.data, "viewer")
            t = new_ticket(s)
            month = time.strftime("%Y-%m")
            stop = threading.Event()
            bad = []
            count = [0]

            def reader(path, headers=None):
                while not stop.is_set():
                    st, _, body = s.get(path, headers)
                    count[0] += 1
                    if st != 200 or not body:
                        bad.append((path, st))

            paths = [(t["path"] + "?lang=km", None),
                     ("/api/v1/survey?survey=procedure", None),
                     ("/api/v1/survey?survey=health", None),
                     ("/api/v1/reports/monthly?month=" + month,
                      {"Authorization": "Bearer " + viewer})]
            threads = [threading.Thread(target=reader, args=p)
                       for p in paths * 2]
            for th in threads:
                th.start()
            try:
                with open(sv, encoding="utf-8") as f:
                    orig = f.read()
                for i in range(30):
                    with open(sv, "w", encoding="utf-8") as f:
                        f.write(orig.replace("title.km = ",
                                             "title.km = swap%02d " % i, 1))
                    s.proc.send_signal(signal.SIGHUP)
                    time.sleep(0.05)
                want = "swap29"
                for _ in range(100):
                    if want in s.get(t["path"] + "?lang=km")[2].decode():
                        break
                    time.sleep(0.05)
            finally:
                stop.set()
                for th in threads:
                    th.join()
            assert not bad, bad[:5]
            assert want in s.get(t["path"] + "?lang=km")[2].decode()
            assert kiosk_def(s)["title"]["km"].startswith(want)
            assert count[0] > 30, count
            print("# %d reads during 30 swaps" % count[0])
    finally:
        shutil.rmtree(share, ignore_errors=True)


if __name__ == "__main__":
    run()
