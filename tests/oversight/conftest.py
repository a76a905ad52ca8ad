"""Oversight on top of the case world (tests/cases/conftest.py: time frozen at Monday 2 March 2026, 09:00 in
Hangzhou; 南星 officers alice and her partner 丙; ZH0101 with four discretion bands), signing keys in a fresh
folder, a 南星 command room user (nina) and a market department user (dora)."""

import pytest
from django.core.cache import cache

from tests.cases.conftest import clock, cw, open_case  # noqa: F401 (fixtures)
from tests.conftest import PASSWORD
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.subjects.conftest import code, subjects  # noqa: F401 (fixture)
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.catalog.models import EnforcementItem
from zhifa.inspections.choices import InspectionKind
from zhifa.inspections.records.services import inspection_start
from zhifa.org.choices import UnitKind
from zhifa.org.services import unit_create
from zhifa.oversight.services import oversight_scan


@pytest.fixture(autouse=True)
def _keys_in_tmp(settings, tmp_path):
    settings.ZHIFA_KEYS_DIR = tmp_path / "keys"
    settings.ZHIFA_CODE_KEYS = ""
    settings.ZHIFA_CODE_KEYS_FILE = tmp_path / "keys" / "codes-jwks.json"
    settings.ZHIFA_PDF_SIGNING_DIR = tmp_path / "keys" / "pdf"
    settings.ZHIFA_KEYS_AUTOCREATE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ow(cw):  # noqa: F811
    w = cw
    w.scenario.items.set(EnforcementItem.objects.filter(code__in=["ZH0101", "SJ0001"]))
    w.nanxing_command = unit_create(
        code="SC-330102008", name="南星街道指挥室", kind=UnitKind.SUBDISTRICT_COMMAND, region=w.nanxing
    )
    w.nina = user_create(
        username="nina", password=PASSWORD, role=Role.SUBDISTRICT_COMMAND, unit=w.nanxing_command,
        full_name="南星指挥室",
    )  # fmt: skip
    w.dora = user_create(
        username="dora", password=PASSWORD, role=Role.DEPARTMENT, unit=w.market_dept, full_name="市场监管局"
    )
    return w


def visit(w, **kw):
    values = {
        "subject": w.nanxing_shop,
        "kind": InspectionKind.ROUTINE,
        "visited_on": w.today if hasattr(w, "today") else None,
        "officers": [w.nanxing_officer_record, w.partner],
        "domains": ["comprehensive"],
        "by": w.alice,
    }
    values.update(kw)
    return inspection_start(**values)


def scan(*codes):
    return oversight_scan(codes=list(codes) or None)
