"""Who inspects and how often: an officer without the qualification on a visit or a case, and one unit over
its own cap for one subject — trigger, near miss, no duplicate, fixed closes, parameters, scope."""

from datetime import date

import pytest

from tests.cases.conftest import at, open_case
from tests.oversight.conftest import scan, visit
from tests.oversight.model_checks import alerts, assert_scoped, scan_again_adds_nothing, tune
from zhifa.cases.models import CaseOfficer
from zhifa.inspections.models import Inspection


@pytest.mark.django_db
def test_unqualified_officer_on_a_visit_and_a_case(ow, clock):
    w = ow
    w.today = date(2026, 3, 2)
    # Near miss: the market officer checks the market domain of a joint visit.
    visit(w, officers=[w.nanxing_officer_record, w.market_a], domains=["comprehensive", "market"])
    case = open_case(w)
    assert scan("unqualified_officer").created == 0
    bad = visit(w)
    bad.officers.set([w.nanxing_officer_record, w.market_a])  # imported: the service checks qualifications
    scan("unqualified_officer")
    a = alerts("unqualified_officer").get()
    assert (
        a.key == f"inspection:{bad.pk}:{w.market_a.pk}" and a.severity == "red" and a.unit == w.nanxing_team
    )
    assert a.title == "市场队员甲（ZJ-SJ-0001）不具备2026-03-02 检查 杭州示例0001小吃店所查领域的执法资格"
    scan_again_adds_nothing("unqualified_officer")
    assert_scoped(w, "unqualified_officer", owner=w.alice, outsider=w.bob)
    # A case officer without 综合执法 (an imported team list).
    CaseOfficer.objects.filter(case=case, officer=w.partner).update(officer=w.market_b)
    scan("unqualified_officer")
    b = alerts("unqualified_officer").get(key=f"case:{case.pk}:{w.market_b.pk}")
    assert "不具备综合执法执法资格，参与办理" in b.title
    # Fixed: the market officer's 综合执法 qualification recorded; the case's team put right.
    w.market_a.qualified_domains.add(w.comprehensive)
    CaseOfficer.objects.filter(case=case, officer=w.market_b).update(officer=w.partner)
    assert scan("unqualified_officer").resolved == 2
    # Parameter: visits older than the look-back are not read.
    w.market_a.qualified_domains.remove(w.comprehensive)
    clock.move_to(at(2026, 3, 20))
    tune(w, "unqualified_officer", window_days=10)
    assert scan("unqualified_officer").per_rule["unqualified_officer"]["reopened"] == 0


@pytest.mark.django_db
def test_unqualified_officer_read_in_slices(ow, clock, monkeypatch):
    """A district with no qualifications recorded flags every visit and case; they are read in slices (here of
    one), and every pair still comes out once, with the right title."""
    from zhifa.oversight.rules import inspections

    w = ow
    w.today = date(2026, 3, 2)
    visits = [visit(w) for _ in range(3)]
    cases = [open_case(w) for _ in range(2)]
    for officer in (w.nanxing_officer_record, w.partner):
        officer.qualified_domains.clear()
    monkeypatch.setattr(inspections, "SLICE", 1)
    scan("unqualified_officer")
    officers = (w.nanxing_officer_record.pk, w.partner.pk)
    assert set(alerts("unqualified_officer").values_list("key", flat=True)) == {
        *(f"inspection:{v.pk}:{o}" for v in visits for o in officers),
        *(f"case:{c.pk}:{o}" for c in cases for o in officers),
    }
    b = alerts("unqualified_officer").get(key=f"case:{cases[1].pk}:{w.partner.pk}")
    assert (
        b.title
        == f"测试队员丙（{w.partner.certificate_no}）不具备综合执法执法资格，参与办理案件 {cases[1].number}"
    )


@pytest.mark.django_db
def test_department_over_its_own_cap(ow, clock):
    w = ow
    for day in (2, 3, 4):
        w.today = date(2026, 3, day)
        clock.move_to(at(2026, 3, day))
        visit(w)
    visit(w, kind="complaint")  # complaint checks do not count
    assert scan("department_over_cap").created == 0  # three: at the cap
    w.today = date(2026, 3, 5)
    clock.move_to(at(2026, 3, 5))
    fourth = visit(w)
    scan("department_over_cap")
    a = alerts("department_over_cap").get()
    assert a.key == f"{w.nanxing_team.pk}:{w.nanxing_shop.pk}" and a.unit == w.nanxing_team
    assert a.title == "南星街道综合行政执法队 近 365 天检查 杭州示例0001小吃店 4 次，超过本单位上限 3 次"
    assert {"type": "inspection", "id": fourth.pk, "label": "2026-03-05 检查 杭州示例0001小吃店"} in a.records
    scan_again_adds_nothing("department_over_cap")
    assert_scoped(w, "department_over_cap", owner=w.alice, outsider=w.bob)
    tune(w, "department_over_cap", cap=4)
    assert scan("department_over_cap").resolved == 1
    tune(w, "department_over_cap", cap=3)
    assert scan("department_over_cap").reopened == 1
    # Fixed: the fourth visit was a complaint check recorded with the wrong kind.
    Inspection.objects.filter(pk=fourth.pk).update(kind="complaint")
    assert scan("department_over_cap").resolved == 1
