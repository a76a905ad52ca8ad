"""When the per-process classifier is rebuilt: at once on a catalog change; on history growth only past 5% (at
least 20 rows) or ten minutes."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from tests.dispatch.conftest import HEADER, ROWS, district  # noqa: F401  (district is the fixture)
from zhifa.catalog.services import release_apply, release_import
from zhifa.dispatch import directory
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.models import EventItem


def _confirm(n: int, w, start: int = 0) -> None:
    """n events whose items a person chose at intake: confirmed history rows."""
    for i in range(n):
        event_intake(
            channel="staff",
            description=f"南星街道示例路{start + i}号饭店油烟扰民，排烟管道直对居民窗户",
            subdistrict="南星街道",
            item_codes=["ZH0101"],
            by=w.carol,
        )


def test_confirming_a_few_items_keeps_the_model_a_catalog_change_replaces_it(district):  # noqa: F811
    first = directory.classifier()
    assert directory.classifier() is first
    _confirm(3, district)
    assert EventItem.objects.filter(confirmed=True).count() == 3
    assert directory.classifier() is first  # 3 new rows: under the 20-row minimum, the model keeps serving

    rows = [r.replace("油烟|油烟扰民|排烟|油烟味", "油烟|油烟扰民|排烟|油烟味|烟道直排") for r in ROWS]
    release = release_import(
        content=(HEADER + "\n".join(rows) + "\n").encode(),
        filename="items.csv",
        version="t-2",
        by=district.root,
    )
    release_apply(release=release, by=district.root)
    second = directory.classifier()
    assert second is not first  # the catalog changed: rebuilt at once, with the new keyword
    assert "烟道直排" in second.classify("楼下饭店烟道直排，熏得不行")[0].matched
    assert directory.classifier() is second


def test_history_growth_of_twenty_rows_rebuilds_with_the_new_history(district):  # noqa: F811
    first = directory.classifier()
    _confirm(19, district)
    assert directory.classifier() is first
    _confirm(1, district, start=19)
    second = directory.classifier()
    assert second is not first
    assert second.history_size == 20
    assert directory.classifier() is second


def test_a_model_ten_minutes_old_is_rebuilt_when_history_changed(district):  # noqa: F811
    first = directory.classifier()
    _confirm(2, district)
    with time_machine.travel(timezone.now() + timedelta(minutes=9), tick=False):
        assert directory.classifier() is first
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        second = directory.classifier()
        assert second is not first
        assert second.history_size == 2


def test_an_old_model_with_unchanged_history_is_kept(district):  # noqa: F811
    first = directory.classifier()
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        assert directory.classifier() is first
