"""Issuing with the start of a visit (inside its transaction), 亮码检查 (no code, no inspection), the visits
listed for oversight that carry no code, and the share of coded visits."""

import pytest
from django.utils import timezone

from tests.inspections.test_records import start
from zhifa.audit.models import AuditRecord
from zhifa.codes.models import ActionCode
from zhifa.codes.selectors import code_share, inspections_without_code
from zhifa.codes.services import code_issue_for_inspection, code_secret, code_secret_shown
from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.inspections.models import Inspection
from zhifa.inspections.records import hooks


@pytest.fixture
def no_issuer():
    """The codes component switched off for a test: the issuer unregistered, then registered again."""
    hooks.unregister_code_issuer(code_issue_for_inspection)
    yield
    hooks.register_code_issuer(code_issue_for_inspection)


def test_a_visit_starts_with_its_code(visit):
    w = visit
    code = w.code
    assert code.action == "inspection" and code.subject == w.nanxing_shop
    assert code.unit == w.nanxing_team  # alice's team: she starts the visit and is among the officers
    assert sorted(code.officers.values_list("certificate_no", flat=True)) == ["ZJ-TEST-0001", "ZJ-TEST-0003"]
    assert code.region_path == w.inspection.region_path
    assert code.issued_by == w.alice
    assert code.revoked_at is None
    assert abs((code.issued_at - timezone.now()).total_seconds()) < 60
    audit = AuditRecord.objects.get(action="codes.code_issue")
    assert audit.after["jti"] == code.code_id and audit.after["items"] == ["ZH0101", "SJ0001"]
    secret = code_secret(code)
    assert secret not in str(audit.after) and secret not in code.token  # the secret is nowhere but hashed
    assert code.secret_hash != secret and len(code.secret_hash) == 64
    assert code_secret_shown(code) == secret and len(secret) == 9 and secret[4] == "-"


def test_code_issued_by_command_goes_to_the_officers_team(rec):
    w = rec
    inspection = start(w, by=w.carol)
    assert ActionCode.objects.get(inspection=inspection).unit == w.nanxing_team


def test_an_issuer_error_undoes_the_start(rec, settings):
    w = rec

    def broken(*, inspection, by):
        raise ServiceError("签名服务不可用")

    hooks.register_code_issuer(broken)
    try:
        with pytest.raises(ServiceError, match="签名服务不可用"):
            start(w)
    finally:
        hooks.unregister_code_issuer(broken)
    assert Inspection.objects.count() == 0 and ActionCode.objects.count() == 0
    assert not AuditRecord.objects.filter(action="inspections.inspection_start").exists()


def test_no_code_no_inspection(rec, settings, no_issuer):
    w = rec
    settings.ZHIFA_CODE_REQUIRED = True
    with pytest.raises(ServiceError, match="本区实行亮码检查：未能生成行政行为码，不能开始检查"):
        start(w)
    assert Inspection.objects.count() == 0  # bad input changes nothing
    settings.ZHIFA_CODE_REQUIRED = False
    started = start(w)  # without the rule a visit may start without a code …
    assert not ActionCode.objects.filter(inspection=started).exists()
    # … and oversight sees it among the visits without a code.
    assert list(inspections_without_code(user=w.olga)) == [started]
    assert list(inspections_without_code(user=w.carol)) == [started]
    with pytest.raises(PermissionError_):
        inspections_without_code(user=w.alice)


def test_required_code_with_the_issuer_registered(rec, settings):
    settings.ZHIFA_CODE_REQUIRED = True
    inspection = start(rec)
    assert ActionCode.objects.filter(inspection=inspection).exists()


def test_code_required_setting_is_validated_at_start():
    import os
    import subprocess
    import sys

    env = {**os.environ, "ZHIFA_CODE_REQUIRED": "sometimes"}
    done = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
         "'zhifa.settings'); django.setup()"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0 and "ZHIFA_CODE_REQUIRED='sometimes' is not a boolean" in done.stderr


def test_share_of_visits_with_a_code(rec, no_issuer):
    w = rec
    start(w)  # without a code
    hooks.register_code_issuer(code_issue_for_inspection)
    for _ in range(3):
        start(w)
    share = code_share(user=w.carol)
    assert share == {"total": 4, "coded": 3, "missing": 1, "percent": 75.0, "reference_percent": 99}
    assert code_share(user=w.bob)["total"] == 0  # 九堡 sees none of 南星's visits
    assert code_share(user=w.otto)["total"] == 0
