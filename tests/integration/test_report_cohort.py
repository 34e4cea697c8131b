"""Response rate by issue cohort: a month's rate is the answers to the
tickets issued in that month, over those tickets, whenever the answer
came. A ticket issued on the 30th and answered on the 1st counts in the
month it was issued in: no month goes above 100%, none stays low for
good. Checked against a recount from `hailong export` and the tickets
this test issued. The server runs under libfaketime (as in
test_kiosk_time.py) so that the month turns in seconds."""


import hl
from fakeclock import faked_server, local
from hl import (add_key, assert_status, json_of, run, test,
                valid_procedure, valid_unit, verify)



def issue(s, unit, proc):
    t = json_of(*assert_status(hl.issue(s, s.key, unit=unit,
                                        procedure=proc["code"]), 201,
                               "issue"))
    return t


def answer(s, t, level):
    r = s.post_form("/s/" + t["token"], [("overall", str(level)),
                                         ("on_time", "yes")])
    assert r[0] == 200, (r[0], r[2][:300])


def report(s, key, month):
    st, hd, body = s.get("/api/v1/reports/monthly?month=" + month,
                         {"Authorization": "Bearer " + key})
    assert st == 200, (st, body[:300])
    return json_of(st, hd, body)


def rates(rep):
    """The rate rows by (kind, code)."""
    return {(r["kind"], r["code"]): r for r in rep["response_rate"]}


@test
def cohort_across_a_month_end():
    """Tickets of 30 January answered on 1 February count in January;
    February's tickets in February; neither month above 100%."""
    s, clock = faked_server()
    with s:
        viewer = add_key(s.data, "viewer")
        unit = valid_unit(s)["code"]
        proc = valid_procedure(s)
        sector = proc["sector"]
        issued = {}			# ticket code -> issue month
        clock.set(local(2027, 1, 30, 16, 0))
        jan = [issue(s, unit, proc) for _ in range(4)]
        for t in jan:
            issued[t["code"]] = "2027-01"
        answer(s, jan[0], 5)		# answered the day it was issued
        clock.set(local(2027, 2, 1, 9, 0))
        answer(s, jan[1], 4)		# on the 1st: January's
        answer(s, jan[2], 1)
        feb = [issue(s, unit, proc) for _ in range(2)]
        for t in feb:
            issued[t["code"]] = "2027-02"
        answer(s, feb[0], 5)

        # The recount: answers by their ticket's issue month, from the
        # export and the tickets issued here.
        rows = s.export()
        by_issue, by_answer = {}, {}
        for r in rows:
            assert r["ticket_code"] in issued, r
            m = issued[r["ticket_code"]]
            by_issue[m] = by_issue.get(m, 0) + 1
            by_answer[r["month"]] = by_answer.get(r["month"], 0) + 1
        assert by_issue == {"2027-01": 3, "2027-02": 1}, by_issue
        assert by_answer == {"2027-01": 1, "2027-02": 3}, by_answer
        n_issued = {"2027-01": len(jan), "2027-02": len(feb)}
        for month in ("2027-01", "2027-02"):
            rep = report(s, viewer, month)
            want = 100.0 * by_issue[month] / n_issued[month]
            for row in (rep["overall"],
                        [x for x in rep["sectors"]
                         if x["sector"] == sector][0],
                        [x for x in rep["units"] if x["unit"] == unit][0]):
                what = (month, row.get("sector") or row.get("unit"))
                assert row["issued"] == n_issued[month], (what, row)
                assert row["issued_answered"] == by_issue[month], (
                    what, row)
                assert row["answers_with_ticket"] == by_answer[month], (
                    what, row)
                assert abs(row["response_rate"] - want) < 0.01, (
                    what, row["response_rate"], want)
                assert row["response_rate"] <= 100.0, what
            rr = rates(rep)
            for k in (("overall", "overall"), ("sector", sector),
                      ("unit", unit)):
                assert rr[k]["issued_answered"] == by_issue[month], (
                    month, k, rr[k])
                assert abs(rr[k]["percent"] - want) < 0.01, (month, k)
            assert "issued in the month" in (
                rep["definitions"]["response_rate"])
        # January's rate: 75% (3 of 4), not 25%; February's 50%, not
        # 150%.
        assert report(s, viewer, "2027-01")["overall"][
            "response_rate"] == 75.0
        assert report(s, viewer, "2027-02")["overall"][
            "response_rate"] == 50.0
        rc, out, err = verify(s.data)
        assert rc == 0, out + err


if __name__ == "__main__":
    run()
