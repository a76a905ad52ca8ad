"""Every clock of a case with time frozen: the decision's 90 days (and an extension), the party's five working
days, service within seven working days across the Spring Festival, payment in 15 days with the late fee and
its cap, publication in seven working days; the district's calendar and rules, edited and checked."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from tests.cases.conftest import at, notified_case, open_case
from tests.conftest import client_for
from zhifa.cases import services as svc
from zhifa.cases.config import case_rules
from zhifa.cases.models import Holiday
from zhifa.cases.selectors import case_clocks_of, case_deadlines
from zhifa.core.errors import ServiceError


def _clock(case, kind):
    case.refresh_from_db()
    return next(c for c in case_clocks_of(case) if c.kind == kind)


def test_decision_clock_runs_ninety_days_then_is_overdue(cw, clock):
    w = cw
    case = open_case(w)  # filed Monday 2 March
    assert (_clock(case, "decision").due, _clock(case, "decision").days_left) == (date(2026, 5, 31), 90)
    clock.move_to(at(2026, 5, 31))
    assert (_clock(case, "decision").state, _clock(case, "decision").days_left) == ("running", 0)
    clock.move_to(at(2026, 6, 3))
    c = _clock(case, "decision")
    assert (c.state, c.days_left) == ("overdue", -3)
    html = client_for(w.alice).get(f"/cases/{case.pk}/").content.decode()
    assert "已超期 3 天" in html


def test_party_window_is_five_working_days_across_qingming(cw, clock):
    w = cw
    clock.move_to(at(2026, 4, 1))  # Wednesday; 清明 4–6 April
    case = notified_case(w, conduct_ended_on=date(2026, 3, 30))
    c = _clock(case, "party")
    # 2 Thu, 3 Fri, (4–6 off), 7 Tue, 8 Wed, 9 Thu: the fifth working day.
    assert (c.due, c.state) == (date(2026, 4, 9), "running")
    clock.move_to(at(2026, 4, 9))
    with pytest.raises(ServiceError, match="期限至 2026-04-09 届满"):
        svc.case_decide(case=case, outcome="penalty", by=w.alice)
    clock.move_to(at(2026, 4, 10))
    assert _clock(case, "party").state == "closed"
    assert svc.case_decide(case=case, outcome="penalty", by=w.alice).decided_on == date(2026, 4, 10)


def test_service_due_seven_working_days_after_the_decision_across_the_spring_festival(cw, clock):
    w = cw
    clock.move_to(at(2026, 2, 2))
    case = notified_case(w, conduct_ended_on=date(2026, 1, 30))
    svc.case_respond(case=case, kind="waiver", by=w.alice)
    clock.move_to(at(2026, 2, 12))
    case = svc.case_decide(case=case, outcome="penalty", by=w.alice)
    # 13 Fri, 14 Sat (worked), 15–23 off, 24, 25, 26, 27, 28 Sat (worked).
    assert (case.next_clock, case.next_due) == ("service", date(2026, 2, 28))
    assert case_deadlines(case)["service_due"] == date(2026, 2, 28)
    clock.move_to(at(2026, 3, 2))
    assert _clock(case, "service").state == "overdue"
    case = svc.case_serve(case=case, served_on=date(2026, 3, 2), method="post", by=w.alice)
    assert (_clock(case, "service").state, _clock(case, "service").days_left) == ("late", -2)


def test_payment_in_fifteen_days_then_three_percent_a_day_capped_at_the_fine(cw, clock):
    w = cw
    case = notified_case(w, fine=1000)
    svc.case_respond(case=case, kind="waiver", by=w.alice)
    case = svc.case_decide(case=case, outcome="penalty", by=w.alice)
    case = svc.case_serve(case=case, served_on=date(2026, 3, 2), method="direct", by=w.alice)
    assert (_clock(case, "payment").due, case.next_clock) == (date(2026, 3, 17), "payment")
    from zhifa.cases.services.execution import outstanding

    clock.move_to(at(2026, 3, 18))
    assert outstanding(case, date(2026, 3, 18)) == (Decimal("1000.00"), Decimal("30.00"))
    clock.move_to(at(2026, 4, 19))  # 33 days late: 990
    assert outstanding(case, date(2026, 4, 19))[1] == Decimal("990.00")
    clock.move_to(at(2026, 5, 1))  # 45 days late: capped at the fine
    assert outstanding(case, date(2026, 5, 1))[1] == Decimal("1000.00")
    res = client_for(w.alice).get(f"/api/v1/cases/{case.pk}").json()
    assert res["late_fee_owed"] == "1000.00" and res["clocks"][-1]["state"] == "overdue"
    with pytest.raises(Exception, match="当事人提起行政诉讼的期限至 2026-09-02 届满"):
        svc.case_enforcement_apply(case=case, applied_on=date(2026, 5, 1), by=w.alice)
    svc.case_payment_record(
        case=case, amount=1000, late_fee_paid=1000, paid_on=date(2026, 5, 1), receipt_no="R2", by=w.alice
    )
    case.refresh_from_db()
    assert case.paid_on == date(2026, 5, 1) and case.next_due is None


def test_publication_seven_working_days_across_labour_day(cw, clock):
    w = cw
    clock.move_to(at(2026, 4, 20))
    case = notified_case(w, conduct_ended_on=date(2026, 4, 17))
    svc.case_respond(case=case, kind="waiver", by=w.alice)
    clock.move_to(at(2026, 4, 29))
    case = svc.case_decide(case=case, outcome="penalty", publish_required=True, by=w.alice)
    # 30 Thu, (1–5 May off), 6, 7, 8, 9 Sat (worked), 11, 12: the seventh working day.
    assert _clock(case, "publish").due == date(2026, 5, 12)
    clock.move_to(at(2026, 5, 13))
    assert _clock(case, "publish").state == "overdue"
    svc.case_publish(case=case, published_on=date(2026, 5, 13), by=w.alice)
    assert _clock(case, "publish").state == "late"


def test_public_service_clock(cw, clock):
    w = cw
    case = notified_case(w, fine=2000)
    svc.case_respond(case=case, kind="waiver", by=w.alice)
    service = {"hours": 4, "content": "社区保洁", "due_on": date(2026, 3, 20)}
    case = svc.case_decide(case=case, outcome="public_service", public_service=service, by=w.alice)
    assert _clock(case, "public_service").due == date(2026, 3, 20)
    clock.move_to(at(2026, 3, 21))
    assert _clock(case, "public_service").state == "overdue"


def test_a_holiday_added_in_the_admin_moves_the_deadlines(cw, django_capture_on_commit_callbacks):
    w = cw
    case = notified_case(w)
    svc.case_respond(case=case, kind="waiver", by=w.alice)
    case = svc.case_decide(case=case, outcome="penalty", by=w.alice)
    assert case.next_due == date(2026, 3, 11)  # service: seven working days from Monday 2 March
    root = client_for(w.root)
    with django_capture_on_commit_callbacks(execute=True):
        res = root.post(
            "/admin/cases/holiday/add/", {"day": "2026-03-05", "kind": "holiday", "name": "区调休"}
        )
    assert res.status_code == 302
    case.refresh_from_db()
    assert case.next_due == date(2026, 3, 12)
    from zhifa.audit.models import AuditRecord

    assert AuditRecord.objects.filter(action="cases.holiday_create").exists()
    Holiday.objects.filter(day=date(2026, 3, 5)).delete()
    out = StringIO()
    call_command("case_deadlines", stdout=out)
    assert out.getvalue().strip() == "1 件案件的期限已更新"
    assert client_for(w.alice).get("/admin/cases/holiday/").status_code == 302


def test_the_seeded_2026_calendar(cw):
    assert Holiday.objects.filter(day__year=2026, kind="holiday").count() == 33
    assert list(Holiday.objects.filter(kind="workday").values_list("day", flat=True)) == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]


def test_a_district_may_tighten_but_never_loosen(settings):
    settings.ZHIFA_CASE_RULES = {"decision_days": 60, "publish_workdays": 5}
    assert case_rules().decision_days == 60
    settings.ZHIFA_CASE_RULES = {"decision_days": 120}
    with pytest.raises(ImproperlyConfigured, match="decision_days=120 loosens the law: at most 90"):
        case_rules()
    settings.ZHIFA_CASE_RULES = {"party_workdays": 3}
    with pytest.raises(ImproperlyConfigured, match="party_workdays=3 loosens the law: at least 5"):
        case_rules()


def test_bad_settings_stop_the_start(monkeypatch):
    import subprocess
    import sys

    env = {"ZHIFA_CASE_SIMPLE_MAX_PERSON": "500", "PATH": "/usr/bin:/bin", "DEBUG": "1"}
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'zhifa.settings'); django.setup()"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "simple_max_person=500 loosens the law: at most 200" in done.stderr


def test_a_tightened_decision_period_shortens_the_clock(cw, settings):
    settings.ZHIFA_CASE_RULES = {"decision_days": 60}
    case = open_case(cw)
    assert case.next_due == date(2026, 5, 1)
