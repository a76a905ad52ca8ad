"""catalog_usage_flags_apply: writes the derived flags on active items and audits how many changed."""

import pytest

from tests.catalog import apply_rows, base_rows
from zhifa.audit.models import AuditRecord
from zhifa.catalog.models import EnforcementItem
from zhifa.catalog.services import catalog_usage_flags_apply
from zhifa.core.errors import PermissionError_


def flags() -> dict[str, tuple[bool, bool]]:
    return {i.code: (i.high_frequency, i.dormant) for i in EnforcementItem.objects.all()}


def test_flags_written_and_audited(world):
    apply_rows(base_rows(), version="v1", by=world.root)  # ZH0001 imported as high-frequency
    changed = catalog_usage_flags_apply(
        counts={"ZH0002": 9, "SJ0001": 4, "SJ0002": 1}, by=world.root, high_frequency_top=2
    )
    assert flags() == {
        "ZH0001": (False, True),
        "ZH0002": (True, False),
        "ZH0003": (False, True),
        "SJ0001": (True, False),
        "SJ0002": (False, False),
    }
    assert changed == 4  # SJ0002 stayed (False, False)
    rec = AuditRecord.objects.get(action="catalog.usage_flags_apply")
    assert rec.after == {"changed": 4, "high_frequency": 2, "dormant": 2, "high_frequency_top": 2}
    # The same counts again change nothing.
    assert (
        catalog_usage_flags_apply(
            counts={"ZH0002": 9, "SJ0001": 4, "SJ0002": 1}, by="system", high_frequency_top=2
        )
        == 0
    )


def test_retired_items_are_left_alone(world):
    apply_rows(base_rows(), version="v1", by=world.root)
    apply_rows([r for r in base_rows() if r["code"] != "ZH0001"], version="v2", by=world.root)
    catalog_usage_flags_apply(counts={}, by=world.root)
    assert flags()["ZH0001"] == (True, False)  # retired: keeps what it had


def test_only_admins_or_the_system(world):
    apply_rows(base_rows(), version="v1", by=world.root)
    with pytest.raises(PermissionError_):
        catalog_usage_flags_apply(counts={}, by=world.olga)
    assert flags()["ZH0001"] == (True, False)
