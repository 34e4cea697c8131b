"""The kiosk's words, served with the survey's definition (GET
/api/v1/survey, "strings"): every language there, the texts of
templates/strings.ini as the pages have them, Khmer in Khmer script, and
every key kiosk/kiosk.js looks up present and not empty in every language;
the enrolment screen's own few words the same as strings.ini's. A
strings.ini without one of the kiosk's keys stops the start, as one
without a page's key does."""

import os
import re
import shutil
import tempfile

from hl import Server, cli, run, test

LANGS = ("vi", "en", "km")
KHMER = re.compile("[\u1780-\u17ff]")


def srcdir():
    return os.environ["HAILONG_SRCDIR"]


def strings_ini(path):
    """{lang: {key: text}}, continuation lines joined with one space."""
    out, sec, last = {}, None, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.lstrip().startswith((";", "#")) or not line.strip():
                continue
            if line.startswith("["):
                sec = line.strip()[1:-1]
                out[sec] = {}
            elif line[0] in " \t" and last:
                out[sec][last] += " " + line.strip()
            elif "=" in line:
                k, v = line.split("=", 1)
                last = k.strip()
                out[sec][last] = v.strip()
    return out


def kiosk_keys(ini):
    """The strings.ini keys named in kiosk.js: every quoted word that is
    one (t("kiosk_how"), the enrolment's messages, the language names)."""
    with open(os.path.join(srcdir(), "kiosk", "kiosk.js"),
              encoding="utf-8") as f:
        js = f.read()
    words = set(re.findall(r'"([a-z][a-z0-9_]*)"', js))
    return sorted(words & set(ini["vi"]))


@test
def every_language_every_key():
    ini = strings_ini(os.path.join(srcdir(), "templates", "strings.ini"))
    keys = kiosk_keys(ini)
    assert len(keys) >= 25 and "kiosk_how" in keys and \
        "kiosk_enrol_title" in keys, keys
    with Server() as s:
        d = s.api_json("/api/v1/survey")
    strings = d.get("strings")
    assert isinstance(strings, dict) and sorted(strings) == sorted(LANGS), \
        strings
    for lang in LANGS:
        got = strings[lang]
        for k in keys:
            assert isinstance(got.get(k), str) and got[k].strip(), \
                "[%s] %s missing" % (lang, k)
        for k, v in got.items():
            # The same words as the pages: one strings.ini.
            assert ini[lang].get(k) == v, "[%s] %s: %r" % (lang, k, v)
    # Khmer in Khmer script, the politeness of the pages.
    km = strings["km"]
    for k in ("kiosk_how", "kiosk_walkin", "kiosk_why", "kiosk_confirm",
              "msg_thanks_title", "lang_name"):
        assert KHMER.search(km[k]), (k, km[k])
    assert "លោកអ្នក" in km["kiosk_how"], km["kiosk_how"]
    assert "Ông/Bà" in strings["vi"]["kiosk_how"], strings["vi"]["kiosk_how"]
    # Numbers are filled in by the kiosk, in the language's digits.
    for lang in LANGS:
        assert "{n}" in strings[lang]["kiosk_queued"] and \
            "{total}" in strings[lang]["kiosk_question_of"] and \
            "{counter}" in strings[lang]["kiosk_counter"], lang


@test
def enrolment_words_match_strings_ini():
    """The few words kiosk.js carries for the enrolment screen shown
    before the server's arrived are the [vi] texts of strings.ini."""
    ini = strings_ini(os.path.join(srcdir(), "templates", "strings.ini"))
    with open(os.path.join(srcdir(), "kiosk", "kiosk.js"),
              encoding="utf-8") as f:
        js = f.read()
    block = re.search(r"var ENROL_WORDS = \{(.*?)\n\t\};", js, re.S)
    assert block, "no ENROL_WORDS in kiosk.js"
    pairs = re.findall(r'(\w+): ((?:"[^"]*"\s*\+?\s*)+)', block.group(1))
    assert len(pairs) >= 5, pairs
    for k, v in pairs:
        text = "".join(re.findall(r'"([^"]*)"', v))
        assert k.startswith("kiosk_") and ini["vi"].get(k) == text, \
            (k, text, ini["vi"].get(k))


@test
def a_missing_kiosk_word_stops_the_start():
    share = tempfile.mkdtemp(prefix="hailong-share-")
    try:
        for d in ("schema", "templates"):
            shutil.copytree(os.path.join(srcdir(), d),
                            os.path.join(share, d))
        path = os.path.join(share, "templates", "strings.ini")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"(?m)^kiosk_walkin = .*\n", "", text)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        conf = os.path.join(share, "hailong.ini")
        with open(conf, "w", encoding="utf-8") as f:
            f.write("[server]\nshare = %s\n" % share)
        data = os.path.join(share, "data")
        os.mkdir(data)
        rc, _, err = cli("serve", "--listen", "127.0.0.1:0", "--data", data,
                         "--config", conf)
        assert rc != 0, "started without kiosk_walkin"
        assert "kiosk_walkin" in err and "strings.ini" in err, err
    finally:
        shutil.rmtree(share, ignore_errors=True)


run()
