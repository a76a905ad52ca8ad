"""On-time rates per unit and the 721 mix, computed from events with known times."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.events.services import event_accept, event_arrive, event_resolve
from zhifa.dispatch.events.stats import resolution_mix, unit_on_time_rates

T0 = timezone.datetime(2026, 6, 1, 9, 0, tzinfo=timezone.get_current_timezone())


def _at(minutes):
    return time_machine.travel(T0 + timedelta(minutes=minutes), tick=False)


@pytest.fixture
def worked(district):
    """Three ordinary events in 九堡 (link clock 120 min, resolve 5 days) and one in 南星, at known times."""
    d = district
    with _at(0):
        fast = event_intake(channel="12345", description="九堡街道某饭店油烟扰民", by=d.carol)
        slow = event_intake(channel="12345", description="九堡街道路边有人摆摊占道经营", by=d.carol)
        idle = event_intake(channel="12345", description="九堡街道某烧烤店油烟扰民", by=d.carol)
        south = event_intake(channel="12345", description="南星街道某饭店油烟扰民", by=d.carol)
    assert idle.lead_unit.code == "ST-330102018" and idle.duplicate_of is None  # no precise place: not merged
    with _at(10):
        e = event_accept(event=fast, by=d.bob)  # link met (10 ≤ 120)
        e = event_arrive(event=e, by=d.bob)
        event_resolve(event=e, mode="service", result="指导整改", by=d.bob)
        event_resolve(
            event=event_accept(event=south, by=d.alice), mode="enforcement", result="立案", by=d.alice
        )
    with _at(200):
        e = event_accept(event=slow, by=d.bob)  # link missed (200 > 120)
        event_resolve(event=e, mode="management", result="责令改正", by=d.bob)
    return d


def test_rates_per_unit_count_met_missed_and_running_clocks(worked):
    now = T0 + timedelta(minutes=300)  # idle's link clock (120 min) has run out unstopped: missed
    rows = {
        r["code"]: r for r in unit_on_time_rates(user=worked.carol, since=T0 - timedelta(days=1), now=now)
    }
    jb = rows["ST-330102018"]
    assert jb["events"] == 3
    assert (jb["clocks"]["link"]["met"], jb["clocks"]["link"]["due"]) == (1, 3)
    assert jb["clocks"]["link"]["percent"] == 33.3
    # Resolve clock (5 days): two resolved in time, idle still running and not yet due → not counted.
    assert (jb["clocks"]["resolve"]["met"], jb["clocks"]["resolve"]["due"]) == (2, 2)
    assert jb["clocks"]["resolve"]["percent"] == 100.0
    assert rows["ST-330102008"]["clocks"]["link"]["percent"] == 100.0


def test_rates_follow_jurisdiction_and_window(worked):
    now = T0 + timedelta(minutes=300)
    bob_rows = unit_on_time_rates(user=worked.bob, since=T0 - timedelta(days=1), now=now)
    assert [r["code"] for r in bob_rows] == ["ST-330102018"]
    assert unit_on_time_rates(user=worked.carol, since=T0 + timedelta(days=1), now=now) == []


def test_721_mix(worked):
    mix = resolution_mix(user=worked.carol, since=T0 - timedelta(days=1))
    assert mix["total"] == 3
    assert [(m["mode"], m["count"], m["percent"]) for m in mix["modes"]] == [
        ("service", 1, 33.3),
        ("management", 1, 33.3),
        ("enforcement", 1, 33.3),
    ]
    assert resolution_mix(user=worked.alice, since=T0 - timedelta(days=1))["total"] == 1


def test_dashboard_shows_the_table(worked, clients):
    with _at(300):
        html = clients["carol"].get("/?days=365").content.decode()
    assert "各承办单位按时率 · 近一年" in html
    assert "九堡街道综合行政执法队" in html or "ST-330102018" in html
    assert "33.3%" in html and 'id="mix-721"' in html
    with _at(300):
        bad = clients["carol"].get("/?days=abc")
    assert bad.status_code == 200 and "近 30 天" in bad.content.decode()
