"""The demo year's supervision: every model run over the demo's own records (the counts are the data's), part of
the warnings handled through the real services (audited), some open, some overdue, all dated in the demo year."""

from collections import Counter
from datetime import datetime, timedelta

import pytest

from zhifa.audit.models import AuditRecord
from zhifa.demo import asof
from zhifa.oversight.choices import AlertState, StepAction
from zhifa.oversight.models import Alert, AlertStep
from zhifa.oversight.rules import MODELS
from zhifa.oversight.selectors import AlertFilter, alert_filter

pytestmark = pytest.mark.django_db


def test_every_model_ran_and_its_count_is_the_data(demo_db):
    counts = demo_db.counts
    stored = Counter(Alert.objects.values_list("rule__code", flat=True))
    for m in MODELS:
        assert counts[f"warnings_{m.code}"] == stored[m.code], m.code
    assert counts["warnings"] == Alert.objects.count() == sum(stored.values()) > 0
    print("demo warnings per model:", {m.code: stored[m.code] for m in MODELS})


def test_part_handled_through_the_services_some_open_some_overdue(demo_db):
    states = Counter(Alert.objects.values_list("state", flat=True))
    assert states[AlertState.CLOSED] > 0 and states[AlertState.NEW] > states[AlertState.CLOSED]
    assert states[AlertState.ASSIGNED] > 0 and states[AlertState.ANSWERED] >= 0
    assert alert_filter(Alert.objects.all(), AlertFilter(overdue=True)).exists()
    # Every handling step written by the service is in the audit trail.
    for action, audit in (
        (StepAction.ASSIGN, "oversight.alert_assign"),
        (StepAction.ANSWER, "oversight.alert_answer"),
        (StepAction.CLOSE, "oversight.alert_close"),
    ):
        assert (
            AlertStep.objects.filter(action=action).count()
            == AuditRecord.objects.filter(action=audit).count()
        )
    verified = AlertStep.objects.filter(action__in=(StepAction.VERIFY_PASS, StepAction.VERIFY_FAIL)).count()
    assert verified == AuditRecord.objects.filter(action="oversight.alert_verify").count() > 0
    # A verified warning went the whole way, in order, by the oversight user and the unit's side.
    closed = Alert.objects.filter(steps__action=StepAction.VERIFY_PASS).first()
    steps = list(closed.steps.order_by("at", "id"))
    assert [s.action for s in steps] == [
        StepAction.OPEN,
        StepAction.ASSIGN,
        StepAction.ANSWER,
        StepAction.VERIFY_PASS,
    ]
    assert closed.opened_at < closed.assigned_at < closed.answered_at < closed.closed_at
    assert closed.due_on == closed.assigned_at.astimezone(asof.TZ).date() + timedelta(days=15)


def test_dated_inside_the_demo_year(demo_db):
    end = asof.as_of()
    start = datetime(end.year - 1, end.month, end.day, tzinfo=asof.TZ)
    assert not AlertStep.objects.filter(at__gte=end).exists()
    assert not Alert.objects.filter(opened_at__lt=start).exists()
    assert not Alert.objects.filter(opened_at__gte=end).exists()
    months = {
        a.astimezone(asof.TZ).strftime("%Y-%m") for a in Alert.objects.values_list("opened_at", flat=True)
    }
    assert len(months) >= 10  # spread over the year, not all on the day of the build
