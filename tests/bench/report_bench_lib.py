"""The unit tree the report and start-up benchmarks fill their stores
over: a province, 10 districts, communes up to nunits units."""

import os
import shutil

SRCDIR = os.environ.get("HAILONG_SRCDIR", os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")))


def share_with_units(root, nunits):
    """schema/ and templates/ with a generated unit tree."""
    share = os.path.join(root, "share")
    shutil.rmtree(share, ignore_errors=True)
    shutil.copytree(os.path.join(SRCDIR, "schema"),
                    os.path.join(share, "schema"))
    shutil.copytree(os.path.join(SRCDIR, "templates"),
                    os.path.join(share, "templates"))
    rows = ["code,parent,kind,name_vi,name_en,name_km",
            "B,,province,Tỉnh thử,Test province,"]
    districts = 10
    for d in range(districts):
        rows.append("B-%02d,B,district,Huyện %d,District %d," % (d, d, d))
    for c in range(max(nunits - districts - 1, 1)):
        d = c % districts
        rows.append("B-%02d-%03d,B-%02d,commune,Xã %d,Commune %d," % (
            d, c, d, c, c))
    with open(os.path.join(share, "schema", "units.csv"), "w",
              encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    conf = os.path.join(root, "hailong.ini")
    with open(conf, "w") as f:
        f.write("[server]\nshare = %s\nmax_batch = 1024\n" % share)
    return conf, len(rows) - 1
