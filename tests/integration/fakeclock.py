"""The server's wall clock under libfaketime, for tests where days or
months must pass in seconds: a server started with faked_server() reads
its time from a file that FakeClock.set() rewrites; the test's own idea
of that time is FakeClock.now().
Trap: the server has threads; only libfaketime's synchronised build
(libfaketimeMT) reads the file safely from several at once. The plain one
now and then hands one call the real time."""

import calendar
import os
import re
import subprocess
import time

from hl import HAILONG, Server

LIBS = ["/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
        "/usr/lib/faketime/libfaketimeMT.so.1"]
ZONE = 7 * 3600		# Asia/Ho_Chi_Minh, no DST


def local(y, mo, d, h, mi, s=0):
    """A time in the province's zone as UTC seconds."""
    return calendar.timegm((y, mo, d, h, mi, s)) - ZONE


class FakeClock:
    """The server's wall clock as an offset from the real one."""

    def __init__(self, path):
        self.path = path
        self.offset = 0

    def set(self, utc):
        self.offset = int(utc - time.time())
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            f.write("%+d\n" % self.offset)
        os.replace(tmp, self.path)

    def now(self):
        return time.time() + self.offset


def preload():
    lib = next((p for p in LIBS if os.path.exists(p)), None)
    assert lib, "libfaketime not installed (apt-get install faketime)"
    libs = [lib]
    try:
        out = subprocess.run(["ldd", HAILONG], capture_output=True,
                             timeout=10).stdout.decode()
    except (OSError, subprocess.SubprocessError):
        out = ""
    m = re.search(r"(\S*libasan\.so\S*) => (\S+)", out)
    if m:
        libs.insert(0, m.group(2))
    return ":".join(libs)


def faked_server(config=None):
    s = Server(config=config)
    clock = FakeClock(os.path.join(s.root, "faketime"))
    clock.set(time.time())
    faked_start(s, clock)
    return s, clock


def faked_start(s, clock):
    """Starts (or starts again) s on clock's time."""
    env = {"LD_PRELOAD": preload(), "FAKETIME_TIMESTAMP_FILE": clock.path,
           "FAKETIME_NO_CACHE": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
           "TZ": "UTC"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        s.start()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
