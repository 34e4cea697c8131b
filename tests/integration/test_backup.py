"""hailong backup while the server takes answers: the copy opens, passes
verify, holds every answer acknowledged before the backup began, and a
server restored from it works with the same tokens."""
import os
import shutil
import tempfile
import threading

import hl
from hl import Server, full_answer, new_ticket, test


@test
def backup_under_load():
    d = tempfile.mkdtemp(prefix="hailong-backup-")
    try:
        with Server() as s:
            page = None
            tickets = [new_ticket(s) for _ in range(120)]
            page = s.get(tickets[0]["path"])[2].decode()
            acked = []		# (time acknowledged, code)
            lock = threading.Lock()
            stop = threading.Event()

            def answer(ts):
                for t in ts:
                    if stop.is_set():
                        return
                    st = s.post_form(t["path"], full_answer(page, "4"))[0]
                    assert st == 200, st
                    with lock:
                        acked.append(t["code"])

            th = [threading.Thread(target=answer, args=(tickets[i::4],))
                  for i in range(4)]
            for t in th:
                t.start()
            while True:
                with lock:
                    if len(acked) >= 30:
                        before = list(acked)
                        break
            out = os.path.join(d, "copy.mdb")
            hl.cli_ok("backup", "--data", s.data, out)
            stop.set()
            for t in th:
                t.join()
            assert os.stat(out).st_mode & 0o077 == 0, "copy not 0600"
            assert os.stat(out + ".key").st_mode & 0o077 == 0
            # Restore as the README says.
            new = os.path.join(d, "restored")
            os.mkdir(new, 0o700)
            shutil.copy(out, os.path.join(new, "data.mdb"))
            shutil.copy(out + ".key", os.path.join(new, "server.key"))
            os.chmod(os.path.join(new, "server.key"), 0o600)
            rc, o, e = hl.verify(new)
            assert rc == 0, (o, e)
            codes = {r["ticket_code"] for r in hl.export_json(new)}
            missing = [c for c in before if c not in codes]
            assert not missing, "acknowledged before the backup, not in it: " \
                "%r" % missing
            # The same file again is refused, nothing overwritten.
            rc, o, e = hl.cli("backup", "--data", s.data, out)
            assert rc == 1 and "exists" in e, (rc, e)
        # A server on the copy knows the same tokens.
        r = Server(create_dir=False, make_key=False)
        shutil.copytree(new, r.data)
        with r:
            st = r.get(tickets[0]["path"])[0]
            assert st in (200, 409), st
            answered = [t for t in tickets if t["code"] in codes]
            assert r.get(answered[0]["path"])[0] == 409
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    hl.run()
