"""Per-process memos: kept between requests, forgotten on an edit in this process, re-checked for other
processes' edits, and never kept when built inside a transaction that may roll back."""

import pytest
from django.db import transaction
from django.test import override_settings

from zhifa.dispatch.directory import build_router, units_by_code
from zhifa.dispatch.events.intake import sla_for
from zhifa.org.choices import UnitKind
from zhifa.org.models import Unit
from zhifa.org.services import unit_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_kept_between_calls_and_forgotten_when_a_unit_is_saved(world):
    first = build_router()
    assert build_router() is first
    unit_create(code="ST-X", name="某街道综合行政执法队", kind=UnitKind.DEPARTMENT, region=world.district)
    assert build_router() is not first
    assert "ST-X" in units_by_code()


@override_settings(ZHIFA_MEMO_RECHECK_SECONDS=3600)
def test_an_edit_that_bypasses_signals_waits_for_the_recheck(world):
    units = units_by_code()
    assert units["DC"].name == "区协调指挥中心"
    # Another process changing a unit: no signal reaches this one; within the recheck time the memo stands.
    Unit.objects.filter(code="DC").update(kind=UnitKind.DEPARTMENT)
    assert units_by_code() is units
    with override_settings(ZHIFA_MEMO_RECHECK_SECONDS=0):
        assert units_by_code() is not units
        assert units_by_code()["DC"].kind == UnitKind.DEPARTMENT


def test_a_value_built_inside_a_rolled_back_transaction_is_not_kept(world):
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        policy = sla_for("urgent")
        assert policy.code == "1315"
        raise Rollback
    # The policy row was rolled back: the next call must not hand out the vanished row.
    again = sla_for("urgent")
    assert again.code == "1315"
    assert type(again).objects.filter(pk=again.pk).exists()
