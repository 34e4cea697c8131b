"""The manual: hailong(8) names every command and flag the binary has,
hailong.ini(5) every setting config.c reads, and both pass
`mandoc -T lint` (Debian package mandoc) without a warning."""

import os
import re
import subprocess

from hl import SRCDIR, cli, run, test

MAN = os.path.join(SRCDIR, "man")


def page(name):
    with open(os.path.join(MAN, name), encoding="utf-8") as f:
        return f.read()


@test
def lint_clean():
    for name in ("hailong.8", "hailong.ini.5"):
        p = subprocess.run(["mandoc", "-T", "lint", "-W", "warning",
                            os.path.join(MAN, name)], capture_output=True,
                           text=True, timeout=30)
        assert p.returncode == 0 and not p.stdout.strip(), (
            name, p.returncode, p.stdout, p.stderr)


@test
def every_command_and_flag():
    text = page("hailong.8")
    rc, out, _ = cli("--help")
    assert rc == 0
    cmds = re.findall(r"^  (\S+)\s", out, re.M)
    assert len(cmds) >= 10, out
    missing = []
    for c in cmds:
        if not re.search(r"^\.Cm %s\b" % re.escape(c), text, re.M):
            missing.append(c)
        rc, usage, _ = cli(c, "--help")
        assert rc == 0, c
        head = usage.split("\n\n")[0]
        for flag in set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-o)\b",
                                   head)):
            mdoc = r"Fl \\-%s\b" % re.escape(flag[2:]) if \
                flag.startswith("--") else r"Fl o\b"
            if not re.search(mdoc, text):
                missing.append("%s %s" % (c, flag))
    assert not missing, missing


@test
def every_setting():
    text = page("hailong.ini.5")
    with open(os.path.join(SRCDIR, "server", "config.c"),
              encoding="utf-8") as f:
        src = f.read()
    keys = re.findall(r'\{ "([a-z]+)", "([a-z_]+)", "[a-z_]+" \}', src)
    assert len(keys) >= 15, keys
    missing = []
    for section, name in keys:
        sec = re.search(r"^\.Ss \[%s\]$(.*?)(?=^\.S[sh] |\Z)" % section,
                        text, re.M | re.S)
        if sec is None or not re.search(r"^\.It Cm %s\b" % name,
                                        sec.group(1), re.M):
            missing.append("[%s] %s" % (section, name))
    assert not missing, missing


if __name__ == "__main__":
    run()
