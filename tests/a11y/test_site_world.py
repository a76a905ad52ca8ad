"""The audit's world builds (fast check without a browser)."""

import pytest

pytestmark = pytest.mark.one_database


def test_site_world_has_one_of_everything(site):
    w = site
    assert w.event.receipt_no and w.meeting.pk and w.code.pk and w.case.pk and w.draw.pk and w.plan.pk
    assert w.squad_day is not None
