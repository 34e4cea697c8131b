"""hailong dossiers import of XLSX files: a workbook as an office's Excel
saves it (written by openpyxl: shared strings, a month as text or as a
date, numbers), the same checks as CSV with errors as FILE: row N:
reason, re-import idempotent (in XLSX or in CSV); files written by hand
for what openpyxl does not write (inline strings, a formula's saved
value); hostile files (not a zip, no sheet, a zip bomb, too many or too
long strings, a shared string out of range, a formula with no value, an
error value, a DTD), each a clear error with nothing stored."""

import datetime
import io
import os
import sys
import time
import zipfile

from hl import (Server, add_key, assert_status, cli, json_of, run, test,
                verify)

H = 3600
HEADER = ["month", "agency", "procedure", "received", "settled_on_time",
          "settled_late", "refused", "withdrawn"]


def openpyxl():
    try:
        import openpyxl as o
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        import openpyxl as o
    return o


def month_of(t):
    return time.strftime("%Y-%m", time.gmtime(t + 7 * H))


def prev_month(month, n=1):
    y, m = int(month[:4]), int(month[5:])
    k = y * 12 + m - 1 - n
    return "%04d-%02d" % (k // 12, k % 12 + 1)


def d766(s, viewer, month):
    r = s.get("/api/v1/reports?period=" + month,
              {"Authorization": "Bearer " + viewer})
    return json_of(*assert_status(r, 200, "report"))["decision_766"]


def book(path, rows, date_rows=()):
    """rows: lists of values; a row index in date_rows has its month as
    a date shown yyyy-mm, as a clerk's Excel keeps a typed 11/2026."""
    wb = openpyxl().Workbook()
    ws = wb.active
    ws.title = "Thống kê"
    for i, r in enumerate(rows):
        ws.append(r)
        if i in date_rows:
            ws.cell(row=i + 1, column=1).number_format = "yyyy-mm"
    wb.save(path)
    return path


CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
      'openxmlformats.org/package/2006/content-types"><Default Extension='
      '"xml" ContentType="application/xml"/></Types>')
WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://'
      'schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://'
      'schemas.openxmlformats.org/officeDocument/2006/relationships">'
      '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
      '</workbook>')
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="' + REL + 'worksheet" Target='
        '"worksheets/sheet1.xml"/><Relationship Id="rId2" Type="' + REL +
        'sharedStrings" Target="sharedStrings.xml"/></Relationships>')


def cell(ref, v):
    if isinstance(v, int):
        return '<c r="%s"><v>%d</v></c>' % (ref, v)
    return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, v)


def sheet(rows, extra=""):
    """A worksheet's XML; a value that starts with "<c" is a cell as
    written."""
    out = []
    for i, r in enumerate(rows):
        cells = "".join(v if isinstance(v, str) and v.startswith("<c") else
                        cell("%s%d" % (chr(65 + j), i + 1), v)
                        for j, v in enumerate(r))
        out.append('<row r="%d">%s</row>' % (i + 1, cells))
    return ('<?xml version="1.0" encoding="UTF-8"?>' + extra +
            '<worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><sheetData>' + "".join(out) +
            '</sheetData></worksheet>')


def by_hand(path, sheet_xml, strings=None, parts=None):
    """A minimal package as the standard describes it; parts replace or
    add members."""
    m = {"[Content_Types].xml": CT, "xl/workbook.xml": WB,
         "xl/_rels/workbook.xml.rels": RELS}
    if sheet_xml is not None:
        m["xl/worksheets/sheet1.xml"] = sheet_xml
    if strings is not None:
        m["xl/sharedStrings.xml"] = strings
    m.update(parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in m.items():
            z.writestr(k, v)
    return path


def imp(s, path):
    return cli("dossiers", "import", path, "--data", s.data)


@test
def excel_file_imported_and_again():
    with Server() as s:
        units = [u["code"] for u in s.units() if u.get("parent")]
        a, b = units[0], units[1]
        procs = [p["code"] for p in s.procedures() if p.get("sector")]
        viewer = add_key(s.data, "viewer")
        month = month_of(time.time())
        prev, prev2 = prev_month(month), prev_month(month, 2)
        y, m = int(prev2[:4]), int(prev2[5:])
        path = book(os.path.join(s.root, "thong-ke.xlsx"), [
            HEADER,
            [prev, a, procs[0], 40, 30, 5, 2, 3],
            [],
            [datetime.datetime(y, m, 1), b, procs[1], 10, 9, 1, 0, 0],
            [prev, b, procs[0], 7, 7, 0, 0, 0],
        ], date_rows=(3,))
        rc, out, err = imp(s, path)
        assert rc == 0, err
        assert "3 row(s): 3 imported, 0 imported before" in out, out
        d = d766(s, viewer, prev)
        assert d["imported"] == 37 + 7 and d["late"] == 5, d
        d2 = d766(s, viewer, prev2)
        assert d2["imported"] == 10 and d2["late"] == 1, d2
        # Again, and the same rows as CSV: nothing changes.
        rc, out, err = imp(s, path)
        assert rc == 0 and "0 imported, 3 imported before" in out, (out,
                                                                     err)
        csv = os.path.join(s.root, "same.csv")
        with open(csv, "w") as f:
            f.write(",".join(HEADER) + "\n%s,%s,%s,40,30,5,2,3\n" % (
                prev, a, procs[0]))
        rc, out, err = imp(s, csv)
        assert rc == 0 and "0 imported, 1 imported before" in out, (out,
                                                                     err)
        assert d766(s, viewer, prev) == d
        # A row that differs, in XLSX: refused, named by its row.
        diff = book(os.path.join(s.root, "diff.xlsx"), [
            HEADER, [prev, a, procs[0], 40, 31, 4, 2, 3]])
        rc, _, err = imp(s, diff)
        assert rc == 1 and "%s: row 2: differs from the row imported" % (
            diff) in err, err
        # Written by hand: inline strings, a formula's saved value taken.
        hand = by_hand(os.path.join(s.root, "hand.xlsx"), sheet([
            HEADER,
            [prev, a, procs[2], '<c r="D2"><f>SUM(2,3)</f><v>5</v></c>',
             4, 1, 0, 0]]))
        rc, out, err = imp(s, hand)
        assert rc == 0 and "1 imported" in out, (out, err)
        assert d766(s, viewer, prev)["imported"] == 37 + 7 + 5
        rc, out, err = verify(s.data)
        assert rc == 0, out + err


@test
def bad_rows_named_by_excel_row():
    with Server() as s:
        unit = [u["code"] for u in s.units() if u.get("parent")][0]
        proc = [p["code"] for p in s.procedures() if p.get("sector")][0]
        viewer = add_key(s.data, "viewer")
        month = month_of(time.time())
        prev = prev_month(month)
        future = "%04d-%02d" % (int(month[:4]) + 1, int(month[5:]))
        path = book(os.path.join(s.root, "bad.xlsx"), [
            HEADER,
            [prev, unit, proc, 1, 1, 0, 0, 0],		# good
            ["2026-13", unit, proc, 1, 1, 0, 0, 0],
            [future, unit, proc + "a", 1, 1, 0, 0, 0],
            [prev, "NO-SUCH", proc, 1, 1, 0, 0, 0],
            [prev, unit, "bad proc", 1, 1, 0, 0, 0],
            [prev, unit, proc + "b", -1, 1, 0, 0, 0],
            [prev, unit, proc + "c", 1, 1.5, 0, 0, 0],
            [202611, unit, proc + "d", 1, 1, 0, 0, 0],
            [prev, unit, proc, 2, 2, 0, 0, 0],		# repeated
            [prev, unit, proc + "e", 1, 1, 0, 0, 0, "extra"],
        ])
        rc, out, err = imp(s, path)
        assert rc == 1, (out, err)
        for row, why in ((3, "month: want YYYY-MM"),
                         (4, "month: not over yet"),
                         (5, "agency: not in the unit list"),
                         (6, "procedure: 1 to 32"),
                         (7, "received: want a whole number"),
                         (8, "settled_on_time: want a whole number"),
                         (9, "month: want YYYY-MM as text or a date"),
                         (10, "the same month, agency and procedure as "
                              "line 2"),
                         (11, "9 columns, want 8")):
            assert "%s: row %d: %s" % (path, row, why) in err, (row, err)
        assert "nothing imported" in err, err
        # The header is checked.
        head = book(os.path.join(s.root, "head.xlsx"), [
            ["tháng", "đơn vị"], [prev, unit]])
        rc, _, err = imp(s, head)
        assert rc == 1 and "head.xlsx: row 1: want the header row" in err, (
            err)
        assert "nothing imported" in err and "\n\n" not in err, err
        empty = book(os.path.join(s.root, "empty.xlsx"), [])
        rc, _, err = imp(s, empty)
        assert rc == 1 and "no rows" in err, err
        assert d766(s, viewer, prev)["imported"] == 0


def zip_of(name, members):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in members.items():
            z.writestr(k, v)
    return b.getvalue()


@test
def hostile_files():
    with Server() as s:
        unit = [u["code"] for u in s.units() if u.get("parent")][0]
        proc = [p["code"] for p in s.procedures() if p.get("sector")][0]
        viewer = add_key(s.data, "viewer")
        prev = prev_month(month_of(time.time()))
        good_row = [prev, unit, proc, 1, 1, 0, 0, 0]
        root = s.root

        def f(name, data):
            p = os.path.join(root, name)
            with open(p, "wb") as fh:
                fh.write(data)
            return p

        cases = []
        cases.append((f("text.xlsx", b"month,agency\n2026-11,x\n"),
                      "not an XLSX file (not a zip archive)"))
        cases.append((f("nosheet.xlsx", zip_of("x", {"hello.txt": "hi"})),
                      "no xl/workbook.xml in the archive"))
        cases.append((by_hand(os.path.join(root, "norel.xlsx"), None,
                              parts={"xl/_rels/workbook.xml.rels":
                                     RELS.replace("rId1", "rId9")}),
                      "the first sheet is not a worksheet"))
        cases.append((by_hand(os.path.join(root, "nopart.xlsx"), None),
                      "no xl/worksheets/sheet1.xml in the archive"))
        # A zip bomb: 100 MB of XML in about 100 KB.
        bomb = sheet([HEADER, good_row]).replace(
            "<sheetData>", "<sheetData>" + " " * (100 * 1024 * 1024))
        cases.append((by_hand(os.path.join(root, "bomb.xlsx"), bomb),
                      "xl/worksheets/sheet1.xml: 1"))
        cases.append((by_hand(os.path.join(root, "many.xlsx"),
                              sheet([HEADER, good_row]),
                              '<sst xmlns="http://schemas.openxmlformats.'
                              'org/spreadsheetml/2006/main" count="5000000" '
                              'uniqueCount="5000000"><si><t>a</t></si>'
                              '</sst>'),
                      "shared strings: 5000000, more than 1000000"))
        cases.append((by_hand(os.path.join(root, "longss.xlsx"),
                              sheet([HEADER, good_row]),
                              '<sst xmlns="http://schemas.openxmlformats.'
                              'org/spreadsheetml/2006/main"><si><t>' +
                              "x" * 5000 + '</t></si></sst>'),
                      "shared string 0: longer than 1024 bytes"))
        cases.append((by_hand(os.path.join(root, "longin.xlsx"),
                              sheet([HEADER, ["y" * 2000] + good_row[1:]])),
                      "row 2: column A: longer than 1024 bytes"))
        cases.append((by_hand(os.path.join(root, "range.xlsx"),
                              sheet([HEADER, ['<c r="A2" t="s"><v>7</v>'
                                              '</c>'] + good_row[1:]]),
                              '<sst xmlns="http://schemas.openxmlformats.'
                              'org/spreadsheetml/2006/main"><si><t>a</t>'
                              '</si></sst>'),
                      "row 2: column A: shared string 7: no such string "
                      "(1 in the file)"))
        cases.append((by_hand(os.path.join(root, "formula.xlsx"),
                              sheet([HEADER, good_row[:3] + [
                                  '<c r="D2"><f>SUM(A1:A9)</f></c>'] +
                                  good_row[4:]])),
                      "row 2: column D: a formula with no saved value"))
        cases.append((by_hand(os.path.join(root, "err.xlsx"),
                              sheet([HEADER, good_row[:3] + [
                                  '<c r="D2" t="e"><v>#DIV/0!</v></c>'] +
                                  good_row[4:]])),
                      "row 2: column D: an error value (#DIV/0!)"))
        laughs = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
                  '"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
        cases.append((by_hand(os.path.join(root, "laughs.xlsx"),
                              sheet([HEADER, good_row], extra=laughs)),
                      "a document type declaration in the XML"))
        # openpyxl's formula: no saved value (it cannot compute one).
        wb = openpyxl().Workbook()
        ws = wb.active
        ws.append(HEADER)
        ws.append(good_row[:3] + ["=1+1"] + good_row[4:])
        wb.save(os.path.join(root, "opx-formula.xlsx"))
        cases.append((os.path.join(root, "opx-formula.xlsx"),
                      "row 2: column D: a formula with no saved value"))
        for path, why in cases:
            t0 = time.monotonic()
            rc, out, err = imp(s, path)
            assert rc == 1, (path, out, err)
            assert path + ": " in err and why in err, (path, why, err)
            assert time.monotonic() - t0 < 20, path
        assert d766(s, viewer, prev)["imported"] == 0
        rc, out, err = verify(s.data)
        assert rc == 0, out + err


run()
