"""Codes tests: keys and certificates in a fresh folder per test (never the developer's var/keys), and a
started inspection visit with its code on top of the inspection records' world."""

import pytest
from django.core.cache import cache

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.inspections.test_records import rec, start  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)
from zhifa.codes.models import ActionCode


@pytest.fixture(autouse=True)
def _keys_in_tmp(settings, tmp_path):
    settings.ZHIFA_KEYS_DIR = tmp_path / "keys"
    settings.ZHIFA_CODE_KEYS = ""
    settings.ZHIFA_CODE_KEYS_FILE = tmp_path / "keys" / "codes-jwks.json"
    settings.ZHIFA_PDF_SIGNING_DIR = tmp_path / "keys" / "pdf"
    settings.ZHIFA_KEYS_AUTOCREATE = True
    cache.clear()  # throttles and rating tries are counted in the cache
    yield
    cache.clear()


@pytest.fixture
def visit(rec):  # noqa: F811
    """南星's shop visited by alice and her partner: the record and its code."""
    w = rec
    w.inspection = start(w)
    w.code = ActionCode.objects.get(inspection=w.inspection)
    return w
