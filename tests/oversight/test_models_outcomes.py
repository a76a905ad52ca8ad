"""The models of what follows a violation: no case after a visit's violation, 首违不罚 misapplied, decisions not
published in time, fines unpaid without enforcement — trigger, near miss, no duplicate, fixed closes,
parameters, scope."""

from datetime import date

import pytest

from tests.cases.conftest import at, open_case
from tests.oversight.conftest import scan, visit
from tests.oversight.model_checks import alerts, assert_scoped, scan_again_adds_nothing, tune
from zhifa.cases import services as case_svc
from zhifa.cases.models import Case
from zhifa.catalog.models import EnforcementItem
from zhifa.inspections.records.services import inspection_answer, inspection_finish
from zhifa.subjects.models import Violation


def _visit_with_violation(w, severity="ordinary"):
    w.scenario.items.set(EnforcementItem.objects.filter(code__in=["ZH0101"]))
    w.today = date(2026, 3, 2)
    record = visit(w)
    record = inspection_answer(
        inspection=record,
        answers=[{"item": "ZH0101", "result": "violation", "severity": severity, "note": "油烟直排"}],
        version=record.version,
        by=w.alice,
    )
    inspection_finish(inspection=record, summary="发现油烟直排", by=w.alice)
    return record


@pytest.mark.django_db
def test_violation_without_case(ow, clock):
    w = ow
    record = _visit_with_violation(w)
    violation = Violation.objects.get(subject=w.nanxing_shop)
    clock.move_to(at(2026, 3, 16))  # 14 days on: still time
    assert scan("violation_without_case").created == 0
    clock.move_to(at(2026, 3, 17))
    scan("violation_without_case")
    a = alerts("violation_without_case").get()
    assert a.key == str(violation.pk) and a.unit == w.nanxing_team and a.severity == "yellow"
    assert a.title.startswith("2026-03-02 杭州示例0001小吃店「ZH0101 ") and a.title.endswith(
        "」违法（一般），15 天未立案也未记录不予处罚理由"
    )
    assert [r["type"] for r in a.records] == ["subject"]
    scan_again_adds_nothing("violation_without_case")
    assert_scoped(w, "violation_without_case", owner=w.alice, outsider=w.bob)
    tune(w, "violation_without_case", days=30)  # a longer period: not yet due
    assert scan("violation_without_case").resolved == 1
    tune(w, "violation_without_case", days=15)
    assert scan("violation_without_case").reopened == 1
    # Fixed: the finding examined and not filed, with the reason (不予立案).
    case_svc.case_decline(
        source="inspection", facts="油烟直排，已当场整改", reason="违法行为轻微并及时改正，没有造成危害后果",
        finding=record.findings.get(), by=w.alice,
    )  # fmt: skip
    assert scan("violation_without_case").resolved == 1


@pytest.mark.django_db
def test_violation_without_case_minor_is_a_near_miss_unless_tuned(ow, clock):
    w = ow
    _visit_with_violation(w, severity="minor")
    clock.move_to(at(2026, 3, 20))
    assert scan("violation_without_case").created == 0
    tune(w, "violation_without_case", min_severity=1)
    assert scan("violation_without_case").created == 1


def _decided(w, *, outcome, circumstance="轻微", kinds=("fine",), discovered=date(2026, 2, 27), **extra):
    case = open_case(w, causes=[{"item": "ZH0018"}], conduct_ended_on=discovered)
    Case.objects.filter(pk=case.pk).update(
        stage="decided", outcome=outcome, decided_on=date(2026, 3, 2), corrected_on=date(2026, 2, 28),
        discovered_on=discovered, **extra,
    )  # fmt: skip
    case.causes.update(
        circumstance=circumstance, decided_kinds=list(kinds), decided_fine=100 if kinds else None
    )
    return case


@pytest.mark.django_db
def test_first_violation_fined(ow):
    w = ow
    case = _decided(w, outcome="penalty", circumstance="一般")  # near miss: not 轻微
    assert scan("first_violation_misuse").created == 0
    case.causes.update(circumstance="轻微")
    scan("first_violation_misuse")
    a = alerts("first_violation_misuse").get()
    cause = case.causes.get()
    assert a.key == f"fined:{cause.pk}" and a.severity == "yellow" and a.unit == w.nanxing_team
    assert "处以罚款（本区首违不罚清单事项）" in a.title
    scan_again_adds_nothing("first_violation_misuse")
    assert_scoped(w, "first_violation_misuse", owner=w.alice, outsider=w.bob)
    # Fixed: the decision is corrected to 首违不罚.
    Case.objects.filter(pk=case.pk).update(outcome="first_violation")
    case.causes.update(decided_kinds=[], decided_fine=None)
    assert scan("first_violation_misuse").resolved == 1


@pytest.mark.django_db
def test_repeat_party_let_off_as_first(ow, clock):
    w = ow
    old = Violation.objects.create(
        subject=w.nanxing_shop, item=EnforcementItem.objects.get(code="ZH0018"), found_on=date(2023, 12, 1),
        severity="minor", source="日常检查",
    )  # fmt: skip
    case = _decided(w, outcome="first_violation", kinds=())
    assert scan("first_violation_misuse").created == 0  # the earlier one is more than two years back
    Violation.objects.filter(pk=old.pk).update(found_on=date(2025, 6, 1))
    scan("first_violation_misuse")
    a = alerts("first_violation_misuse").get()
    assert a.key == f"repeat:{case.causes.get().pk}" and a.severity == "red"
    assert "2 年内已有同类违法" in a.title and "2025-06-01 违法记录" in a.detail
    scan_again_adds_nothing("first_violation_misuse")
    clock.move_to(at(2026, 3, 10))
    tune(w, "first_violation_misuse", window_days=5)  # decided eight days ago
    assert scan("first_violation_misuse").resolved == 1


@pytest.mark.django_db
def test_publish_late(ow, clock):
    w = ow
    case = open_case(w)
    Case.objects.filter(pk=case.pk).update(
        stage="decided", outcome="penalty", decided_on=date(2026, 3, 2), publish_required=True,
        decision_number="杭南综执罚决字〔2026〕第1号",
    )  # fmt: skip
    clock.move_to(at(2026, 3, 11))  # the seventh working day: still in time
    assert scan("publish_late").created == 0
    clock.move_to(at(2026, 3, 12))
    scan("publish_late")
    a = alerts("publish_late").get()
    assert a.title == f"案件 {case.number} 处罚决定应于 2026-03-11 前公示，至今未公示" and a.severity == "red"
    scan_again_adds_nothing("publish_late")
    assert_scoped(w, "publish_late", owner=w.alice, outsider=w.bob)
    tune(w, "publish_late", grace_days=3)
    assert scan("publish_late").resolved == 1
    tune(w, "publish_late", grace_days=0)
    assert scan("publish_late").reopened == 1
    Case.objects.filter(pk=case.pk).update(published_on=date(2026, 3, 12))
    assert scan("publish_late").resolved == 1


@pytest.mark.django_db
def test_fine_unpaid_without_enforcement(ow, clock):
    w = ow
    case = open_case(w, conduct_ended_on=date(2025, 7, 1))
    Case.objects.filter(pk=case.pk).update(
        stage="served", outcome="penalty", decided_on=date(2025, 7, 25), served_on=date(2025, 8, 1),
        fine_total=1000,
    )  # fmt: skip
    # Litigation period to 2026-02-01, +30 days: 2026-03-03 is the last quiet day.
    clock.move_to(at(2026, 3, 3))
    assert scan("fine_unpaid").created == 0
    clock.move_to(at(2026, 3, 4))
    scan("fine_unpaid")
    a = alerts("fine_unpaid").get()
    assert a.severity == "yellow" and "起诉期限届满（2026-02-01）后未申请强制执行" in a.title
    assert "应缴 1000.00 元，已缴 0.00 元" in a.detail and "期限至 2026-05-01" in a.detail
    scan_again_adds_nothing("fine_unpaid")
    assert_scoped(w, "fine_unpaid", owner=w.alice, outsider=w.bob)
    clock.move_to(at(2026, 5, 2))  # the three months to apply have passed: red
    assert scan("fine_unpaid").updated == 1
    a.refresh_from_db()
    assert a.severity == "red" and "申请期限已过" in a.title
    tune(w, "fine_unpaid", window_days=200)  # served 274 days ago
    assert scan("fine_unpaid").resolved == 1
    tune(w, "fine_unpaid", window_days=730)
    Case.objects.filter(pk=case.pk).update(enforcement_applied_on=date(2026, 5, 2))
    run = scan("fine_unpaid")
    a.refresh_from_db()
    assert run.created == run.reopened == 0 and a.state == "resolved"
