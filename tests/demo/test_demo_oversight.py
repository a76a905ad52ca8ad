"""The demo year's supervision: every model run over the demo's own records (the counts are the data's), part of
the warnings handled through the real services (audited), some open, some overdue, all dated in the demo year."""

import json
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.test import Client
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws
from jwcrypto.common import JWException

from zhifa.audit.models import AuditRecord
from zhifa.codes.choices import CodeStatus
from zhifa.codes.models import ActionCode
from zhifa.codes.services import code_secret_shown
from zhifa.codes.tokens import token_verify
from zhifa.demo import asof
from zhifa.inspections.choices import InspectionStatus
from zhifa.inspections.models import Inspection
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


def _verify_with_jwcrypto(token: str, jwks: dict) -> dict:
    keyset = jwcrypto_jwk.JWKSet.from_json(json.dumps(jwks))
    obj = jwcrypto_jws.JWS()
    obj.deserialize(token)
    obj.verify(keyset)  # the key chosen by the header's kid; raises if the signature does not hold
    return json.loads(obj.payload)


def test_past_visits_carry_their_code_dated_at_the_visit(demo_db):
    visits = Inspection.objects.filter(status=InspectionStatus.FINISHED, visited_on__lt=asof.as_of_date())
    coded = visits.filter(action_code__isnull=False)
    share = coded.count() / visits.count()
    assert 0.97 <= share <= 0.995, share  # a few visits went without showing the code
    assert visits.count() - coded.count() == demo_db.counts["visits_without_code"]
    # Oversight's without_code model finds exactly the finished visits of its window that have none.
    window = next(m for m in MODELS if m.code == "without_code").defaults()["window_days"]
    since = asof.as_of_date() - timedelta(days=window)
    bare = visits.filter(action_code__isnull=True, visited_on__gte=since).count()
    assert demo_db.counts["warnings_without_code"] == bare > 0
    # One code verified by a second JOSE library from the published JWKS alone, and by ours at the visit.
    code = ActionCode.objects.select_related("inspection").order_by("code_id").first()
    jwks = Client().get("/codes/jwks.json").json()
    claims = _verify_with_jwcrypto(code.token, jwks)
    visit = code.inspection
    assert claims["jti"] == code.code_id and claims["rec"] == f"inspection/{visit.pk}"
    assert (
        claims["iat"] == claims["nbf"] == int(visit.created_at.timestamp()) == int(code.issued_at.timestamp())
    )
    assert claims["exp"] - claims["iat"] == settings.ZHIFA_CODE_VALID_HOURS * 3600
    assert sorted(o[1] for o in claims["off"]) == sorted(
        visit.officers.values_list("certificate_no", flat=True)
    )
    assert token_verify(code.token, now=claims["iat"] + 60).status == CodeStatus.VALID
    assert token_verify(code.token, now=asof.as_of().timestamp()).status == CodeStatus.EXPIRED
    # The party's rating secret matches the stored hash, as for a code issued live.
    assert code_secret_shown(code) is not None
    # A code altered after signing does not verify.
    head, payload, signature = code.token.split(".")
    forged = ".".join((head, payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB"), signature))
    assert token_verify(forged, now=claims["iat"] + 60).status == CodeStatus.TAMPERED
    with pytest.raises(JWException):
        _verify_with_jwcrypto(forged, jwks)
