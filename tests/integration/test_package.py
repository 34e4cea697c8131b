"""The Debian package and the service as systemd would run it.

In the plain pass (HL_SANITIZERS=no) this builds the .deb with
`dpkg-buildpackage -us -uc -b` from a copy of the source tree, checks it
with lintian (no error; every warning named in debian/README.source),
installs it with dpkg, checks the installed files, their modes and the
`hailong` user, runs the unit's ExecStart line with the installed config
as that user (systemd is not PID 1 here: the test binds NOTIFY_SOCKET
itself and reads READY=1 and WATCHDOG=1), talks to the server, runs the
backup unit's command, verifies the units with `systemd-analyze verify`,
runs it again with the packaged config's trusted_proxies line turned on
behind a local nginx with the README's proxy block (limits per citizen,
no client address in the log), and purges the package: the user goes, the data stays, with a note.

The sanitizer pass does not need the .deb, and does not build it again:
the package holds a plain binary, which that pass does not test. It runs
the same ExecStart line and backup command from the source tree's units
and config with the sanitized binary and a data directory of its own, so
the service's start, notify, watchdog and backup run under ASan and
UBSan too. The units' offline checks run in both passes."""

import glob
import http.client
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time

import hl
from hl import (NotifySocket, assert_status, full_answer, run,
                test)

SRC = hl.SRCDIR
SANITIZERS = os.environ.get("HL_SANITIZERS", "no") == "yes"
UNITS = ["hailong.service", "hailong-backup.service", "hailong-backup.timer"]
EXPOSURE_MAX = 2.0


def sh(*args, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 600)
    return subprocess.run(list(args), **kw)


def unit_value(path, key):
    """The last value of key= in a unit file."""
    val = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(key + "="):
                val = line[len(key) + 1:].strip()
    return val


def exposure(path):
    p = sh("systemd-analyze", "security", "--offline=true", path)
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", p.stdout)
    assert m, (p.returncode, p.stdout[-500:], p.stderr)
    return float(m.group(1))


@test
def units_are_hardened():
    """Offline checks of the units: their exposure, and that the service
    may write only its state directory."""
    unit = os.path.join(SRC, "systemd", "hailong.service")
    score = exposure(unit)
    assert score <= EXPOSURE_MAX, score
    for key, want in (("Type", "notify"), ("ProtectSystem", "strict"),
                      ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
                      ("NoNewPrivileges", "yes"),
                      ("CapabilityBoundingSet", ""),
                      ("StateDirectory", "hailong"),
                      ("ReadWritePaths", "/var/lib/hailong"),
                      ("User", "hailong")):
        assert unit_value(unit, key) == want, (key, unit_value(unit, key))
    assert "@system-service" in open(unit).read()
    assert int(unit_value(unit, "WatchdogSec").rstrip("s")) > 0
    # The record in docs/ is the output for the unit as it is.
    with open(os.path.join(SRC, "docs", "systemd-security.txt"),
              encoding="utf-8") as f:
        rec = f.read()
    m = re.search(r"Overall exposure level for hailong.service: "
                  r"(\d+\.\d+)", rec)
    assert m and float(m.group(1)) == score, (m and m.group(0), score)
    print("  systemd-analyze security: exposure %.1f" % score)


class Unit:
    """Runs a unit's ExecStart as its User= would, with a notify socket
    the test reads: systemd's part when it is not PID 1."""

    def __init__(self, unit_path, root, subst=None, extra=()):
        line = unit_value(unit_path, "ExecStart")
        argv = shlex.split(line)
        for old, new in (subst or {}).items():
            argv = [new if a == old else a for a in argv]
        self.argv = argv + list(extra)
        self.user = unit_value(unit_path, "User")
        self.root = root
        os.chmod(root, 0o755)
        self.ns = NotifySocket(root)
        os.chmod(self.ns.path, 0o666)
        self.proc = None
        self.port = None

    def prefix(self):
        # setpriv execs (runuser would stay the parent and take SIGTERM).
        if os.geteuid() == 0 and self.user:
            return ["setpriv", "--reuid", self.user, "--regid", self.user,
                    "--init-groups", "--"]
        return []

    def start(self, watchdog_usec=2000000):
        env = dict(os.environ)
        env["NOTIFY_SOCKET"] = self.ns.path
        env["WATCHDOG_USEC"] = str(watchdog_usec)
        env.pop("WATCHDOG_PID", None)
        self.err = open(os.path.join(self.root, "stderr"), "w")
        self.proc = subprocess.Popen(self.prefix() + self.argv,
                                     stdout=subprocess.PIPE,
                                     stderr=self.err, env=env, text=True,
                                     cwd="/")
        line = self.proc.stdout.readline()
        m = re.match(r"hailong: listening on http://127\.0\.0\.1:(\d+)",
                     line)
        assert m, (line, self.stderr())
        self.port = int(m.group(1))
        self.ns.wait_for("READY=1")
        self.ns.wait_for("WATCHDOG=1", timeout=5)
        return self

    def stderr(self):
        try:
            with open(os.path.join(self.root, "stderr")) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.ns.wait_for("STOPPING=1")
        assert self.proc.wait(timeout=30) == 0, self.stderr()
        self.err.close()
        self.ns.close()


def talk(u, data, as_user):
    """A key, a ticket, an answer, the metrics: the server works."""
    server = hl.Server.__new__(hl.Server)
    server.base = "http://127.0.0.1:%d" % u.port
    server._cache = {}
    args = ["key", "add", "--data", data, "--role", "counter", "--name",
            "package-test"]
    if as_user:
        p = sh("runuser", "-u", as_user, "--", *u.argv[:1], *args)
        assert p.returncode == 0, p.stderr
        key = p.stdout.splitlines()[-1]
    else:
        key = hl.add_key(data, "counter", name="package-test")
    server.key = key
    t = hl.new_ticket(server, case="PKG-0001")
    page = hl.assert_html(server.get(t["path"]), 200, "survey")
    assert_status(server.post_form(t["path"], full_answer(page, 5)), 200)
    st, _, body = server.get("/metrics")
    assert st == 200, st
    assert re.search(r'^hailong_answers_stored_total\{channel="qr"\} 1$',
                     body.decode(), re.M), body[:500]
    return t


def readme_location(port):
    """The README's nginx `location / { ... }` block, to port."""
    with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"```nginx\n.*?(    location / \{.*?\n    \})", text, re.S)
    assert m, "no nginx location block in README.md"
    block = m.group(1)
    assert "127.0.0.1:8080" in block, block
    return block.replace("127.0.0.1:8080", "127.0.0.1:%d" % port)


class Nginx:
    """nginx on a loopback port with the README's proxy block."""

    def __init__(self, root, upstream):
        self.root = os.path.join(root, "nginx")
        os.makedirs(self.root)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        conf = os.path.join(self.root, "nginx.conf")
        with open(conf, "w") as f:
            f.write("""worker_processes 1;
pid %(r)s/nginx.pid;
error_log %(r)s/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %(r)s/body;
    proxy_temp_path %(r)s/proxy;
    fastcgi_temp_path %(r)s/fastcgi;
    uwsgi_temp_path %(r)s/uwsgi;
    scgi_temp_path %(r)s/scgi;
    server {
        listen 127.0.0.1:%(p)d;
%(loc)s
    }
}
""" % {"r": self.root, "p": self.port, "loc": readme_location(upstream)})
        self.proc = subprocess.Popen(
            ["/usr/sbin/nginx", "-c", conf, "-p", self.root, "-g",
             "daemon off;"], stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                self.get("127.0.0.1", "/healthz")
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("nginx did not start")

    def get(self, source, path, headers=None):
        """A GET from the loopback address source: (status, body)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10,
                                       source_address=(source, 0))
        try:
            c.request("GET", path, headers=headers or {})
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def stop(self):
        self.proc.send_signal(signal.SIGQUIT)
        self.proc.wait(timeout=30)


def behind_nginx(run_dir):
    """The packaged config with its trusted_proxies line turned on, the
    README's nginx block in front: limits apply to each citizen's own
    address (a forged X-Forwarded-For changes nothing), not to the
    proxy's, and the log names no client."""
    cfg = "/etc/hailong/hailong.ini"
    with open(cfg, encoding="utf-8") as f:
        text = f.read()
    assert "\n#trusted_proxies = 127.0.0.1, ::1\n" in text, text
    with open(cfg, "w", encoding="utf-8") as f:
        f.write(text.replace("\n#trusted_proxies", "\ntrusted_proxies"))
    os.mkdir(run_dir)
    u = Unit("/lib/systemd/system/hailong.service", run_dir,
             extra=["--listen", "127.0.0.1:0"])
    u.start()
    ng = None
    try:
        ng = Nginx(run_dir, u.port)
        bad = {"Authorization": "Bearer hl_not_a_key"}
        forged = dict(bad, **{"X-Forwarded-For": "198.51.100.7"})
        # One citizen (127.0.0.2) tries ten wrong keys, the tenth with a
        # forged address: the eleventh is refused.
        for i in range(10):
            st, _ = ng.get("127.0.0.2", "/api/v1/reports",
                           forged if i == 9 else bad)
            assert st == 401, (i, st)
        assert ng.get("127.0.0.2", "/api/v1/reports", forged)[0] == 429
        # Another citizen behind the same proxy is not.
        assert ng.get("127.0.0.3", "/api/v1/reports", bad)[0] == 401
        assert ng.get("127.0.0.3", "/healthz")[0] == 200
    finally:
        if ng:
            ng.stop()
        u.stop()
    log = u.stderr()
    assert "level=info msg=request" in log, log[-500:]
    for addr in ("127.0.0.2", "127.0.0.3", "198.51.100.7"):
        assert addr not in log, addr


def backup(unit_path, subst, as_user, env=None):
    argv = shlex.split(unit_value(unit_path, "ExecStart"))
    argv = [subst.get(a, a) for a in argv]
    pre = ["runuser", "-u", as_user, "--"] if as_user else []
    p = sh(*(pre + argv), env=env)
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
    return argv


@test
def service_as_systemd_runs_it():
    if SANITIZERS:
        sanitized_service()
    else:
        package()


def sanitized_service():
    """The sanitizer pass: the source tree's units and config with the
    sanitized binary (the .deb is the plain pass's; see the top)."""
    root = tempfile.mkdtemp(prefix="hailong-unit-")
    try:
        data = os.path.join(root, "data")
        backups = os.path.join(root, "backups")
        os.mkdir(backups)
        cfg = os.path.join(SRC, "etc", "hailong.ini")
        subst = {"/usr/bin/hailong": hl.HAILONG,
                 "/etc/hailong/hailong.ini": cfg,
                 "/var/lib/hailong": data,
                 "/var/backups/hailong": backups,
                 "/usr/libexec/hailong/hailong-backup":
                 os.path.join(SRC, "systemd", "hailong-backup")}
        u = Unit(os.path.join(SRC, "systemd", "hailong.service"), root,
                 subst, ["--data", data, "--listen", "127.0.0.1:0"])
        u.user = None
        hl.counter_key(data)	# creates the directory as StateDirectory=
        u.start()
        try:
            talk(u, data, None)
            env = dict(os.environ, HAILONG=hl.HAILONG)
            for _ in range(2):
                backup(os.path.join(SRC, "systemd",
                                    "hailong-backup.service"), subst, None,
                       env)
                time.sleep(1.1)
            assert len(glob.glob(os.path.join(backups, "*.mdb"))) == 2
        finally:
            u.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def source_copy(dst):
    """The source tree without build trees: what git tracks (and new
    files not ignored), or everything but build*/ and node_modules/."""
    try:
        out = subprocess.run(["git", "-C", SRC, "ls-files", "-co",
                              "--exclude-standard", "-z"],
                             capture_output=True, check=True).stdout
        files = [f for f in out.decode().split("\0") if f and
                 not f.startswith("node_modules/")]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, fs in os.walk(SRC):
            rel = os.path.relpath(d, SRC)
            dirs[:] = [x for x in dirs if not (rel == "." and (
                x.startswith("build") or x in ("node_modules", "var",
                                               ".git")))]
            files += [os.path.normpath(os.path.join(rel, f)) for f in fs]
    for f in files:
        s = os.path.join(SRC, f)
        if not os.path.lexists(s):
            continue
        t = os.path.join(dst, f)
        os.makedirs(os.path.dirname(t), exist_ok=True)
        shutil.copy2(s, t, follow_symlinks=False)


def lintian_ok(deb):
    p = sh("lintian", "--allow-root", deb)
    tags = [ln for ln in p.stdout.splitlines() if re.match(r"^[EW]: ", ln)]
    errors = [t for t in tags if t.startswith("E: ")]
    assert not errors, errors
    with open(os.path.join(SRC, "debian", "README.source"),
              encoding="utf-8") as f:
        why = f.read()
    unexplained = [t for t in tags if t.split()[2] not in why]
    assert not unexplained, unexplained
    return len(tags)


def package():
    assert os.geteuid() == 0, "the package test installs with dpkg: root"
    st = sh("dpkg-query", "-W", "-f=${Status}", "hailong").stdout
    assert "installed" not in st or "not-installed" in st, (
        "hailong is installed on this machine; the package test would "
        "replace and purge it")
    had_data = os.path.exists("/var/lib/hailong")
    had_backups = os.path.exists("/var/backups/hailong")
    assert not had_data, ("/var/lib/hailong exists: the package test "
                          "would run a server on it")
    root = tempfile.mkdtemp(prefix="hailong-deb-")
    installed = False
    try:
        src = os.path.join(root, "hailong")
        source_copy(src)
        t0 = time.monotonic()
        # At low priority: other tests measure times meanwhile.
        env = dict(os.environ, DEB_BUILD_OPTIONS="nocheck parallel=2")
        p = sh("nice", "-n", "19", "dpkg-buildpackage", "-us", "-uc", "-b",
               cwd=src, env=env, timeout=1200)
        assert p.returncode == 0, (p.stdout[-3000:], p.stderr[-3000:])
        built = time.monotonic() - t0
        version = sh("dpkg-parsechangelog", "-S", "Version",
                     cwd=src).stdout.strip()
        deb = os.path.join(root, "hailong_%s_amd64.deb" % version)
        assert os.path.exists(deb), os.listdir(root)
        warnings = lintian_ok(deb)

        p = sh("dpkg", "-i", deb)
        assert p.returncode == 0, (p.stdout, p.stderr)
        installed = True
        check_installed()
        p = sh("systemd-analyze", "verify",
               *["/lib/systemd/system/" + u for u in UNITS])
        assert p.returncode == 0, (p.stdout, p.stderr)

        run_dir = os.path.join(root, "run")
        os.mkdir(run_dir)
        os.chmod(root, 0o755)	# the socket, for the hailong user
        u = Unit("/lib/systemd/system/hailong.service", run_dir,
                 extra=["--listen", "127.0.0.1:0"])
        u.start()
        try:
            talk(u, "/var/lib/hailong", "hailong")
            backup("/lib/systemd/system/hailong-backup.service", {},
                   "hailong")
        finally:
            u.stop()
        behind_nginx(os.path.join(root, "run-proxy"))
        made = glob.glob("/var/backups/hailong/hailong-*.mdb")
        assert len(made) == 1, made
        for f in made + [made[0] + ".key"]:
            s = os.stat(f)
            assert stat.S_IMODE(s.st_mode) == 0o600, (f, oct(s.st_mode))
            assert pwd.getpwuid(s.st_uid).pw_name == "hailong", f
        assert "level=info msg=request" in u.stderr(), u.stderr()[-500:]

        p = sh("dpkg", "--purge", "hailong")
        assert p.returncode == 0, (p.stdout, p.stderr)
        installed = False
        note = p.stdout + p.stderr
        assert "/var/lib/hailong is kept" in note, note
        try:
            pwd.getpwnam("hailong")
            raise AssertionError("the hailong user is left after purge")
        except KeyError:
            pass
        assert os.path.exists("/var/lib/hailong/data.mdb"), \
            "purge removed the data"
        assert not os.path.exists("/etc/hailong/hailong.ini")
        assert not os.path.exists("/usr/bin/hailong")
        print("  .deb built in %.0fs, %d lintian warning(s), installed, "
              "served, behind nginx, backed up, purged" % (built, warnings))
    finally:
        if installed:
            sh("dpkg", "--purge", "hailong")
        if not had_data:
            shutil.rmtree("/var/lib/hailong", ignore_errors=True)
        if not had_backups:
            shutil.rmtree("/var/backups/hailong", ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)


def check_installed():
    want = {
        "/usr/bin/hailong": (0o755, "root"),
        "/etc/hailong/hailong.ini": (0o644, "root"),
        "/var/lib/hailong": (0o700, "hailong"),
        "/var/backups/hailong": (0o700, "hailong"),
        "/usr/libexec/hailong/hailong-backup": (0o755, "root"),
        "/usr/share/man/man8/hailong.8.gz": (0o644, "root"),
        "/usr/share/man/man5/hailong.ini.5.gz": (0o644, "root"),
        "/usr/share/hailong/schema/survey.ini": (0o644, "root"),
        "/usr/share/hailong/templates/survey.html": (0o644, "root"),
        "/usr/share/hailong/kiosk/kiosk.js": (0o644, "root"),
    }
    for u in UNITS:
        want["/lib/systemd/system/" + u] = (0o644, "root")
    for path, (mode, owner) in want.items():
        s = os.stat(path)
        assert stat.S_IMODE(s.st_mode) == mode, (path, oct(s.st_mode))
        assert pwd.getpwuid(s.st_uid).pw_name == owner, path
    pw = pwd.getpwnam("hailong")
    assert pw.pw_uid < 1000, pw
    assert pw.pw_shell in ("/usr/sbin/nologin", "/bin/false"), pw
    conf = open("/var/lib/dpkg/info/hailong.conffiles").read().split()
    assert conf == ["/etc/hailong/hailong.ini"], conf
    ini = open("/etc/hailong/hailong.ini").read()
    assert "trusted_proxies" in ini and "data = /var/lib/hailong" in ini
    p = sh("/usr/bin/hailong", "--help")
    assert p.returncode == 0 and "status" in p.stdout, p


if __name__ == "__main__":
    run()
