"""The demo is built as of a day (default today): its year ends the day before, the same seed and day give the
same year, and its open work on that morning is mostly on time with a few late. Checked on the event timeline
and lifecycles alone (no database: a full build takes over a minute), and on the command's --as-of."""

import random
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from zhifa.demo import asof
from zhifa.demo.events import calendar, lifecycle, texts
from zhifa.dispatch.choices import OPEN_STATUSES
from zhifa.dispatch.events.intake import DEFAULT_SLA
from zhifa.engine.sla import Policy, clock_states

NORMAL = DEFAULT_SLA["normal"]
LIMITS = {k.removesuffix("_minutes"): v for k, v in NORMAL.items() if k.endswith("_minutes")}
POLICY = Policy(NORMAL["code"], *(LIMITS[c] for c in ("respond", "link", "on_site", "resolve", "answer")))
DONE_FIELDS = {
    "respond": "dispatched_at",
    "link": "accepted_at",
    "on_site": "on_site_at",
    "resolve": "resolved_at",
    "answer": "answered_at",
}


@pytest.fixture(autouse=True)
def _reference_day_after():
    yield
    asof.set_as_of(asof.REFERENCE_DAY)


def _year(seed: int, day: date):
    """The demo's events of the year as of `day`: (receipt time, lifecycle), as the builder draws them."""
    asof.set_as_of(day)
    rng = random.Random(f"zhifa-demo-events-{seed}")
    phrases = texts.load_phrases()
    planned = calendar.plan_year(rng, phrases, [True] * len(phrases))
    return [
        (
            p.received_at,
            lifecycle.plan_lifecycle(
                rng,
                received_at=p.received_at,
                urgent=False,
                channel="12345",
                channel_label="12345 热线",
                first="auto",
                as_of=asof.as_of(),
                limits=LIMITS,
            ),
        )
        for p in planned
    ]


def test_the_year_ends_the_day_before_and_keeps_its_festival():
    asof.set_as_of(date(2027, 6, 15))
    assert (date(2026, 6, 20), date(2027, 6, 14)) == (calendar.FIRST_DAY, calendar.LAST_DAY)
    assert calendar.AS_OF.isoformat() == "2027-06-15T00:00:00+08:00"
    assert date(2027, 2, 5) == calendar.NEW_YEARS_EVE  # 除夕 2027 lies in that year
    assert date(2027, 2, 20) == calendar.LANTERN_FESTIVAL  # 元宵: 正月十五
    assert calendar.festival_factor(date(2027, 2, 6)) == 16.0  # 春节
    assert calendar.festival_factor(date(2027, 5, 1)) == 0.06
    # The reference day gives the reference year, so the seed-42 demo of the suite is unchanged.
    asof.set_as_of(asof.REFERENCE_DAY)
    assert (date(2025, 12, 1), date(2026, 11, 25)) == (calendar.FIRST_DAY, calendar.LAST_DAY)
    assert (date(2026, 2, 15), date(2026, 2, 23)) == calendar.HOLIDAY
    assert asof.in_winter(date(2026, 12, 1)) == date(2026, 12, 1)
    asof.set_as_of(date(2027, 1, 20))  # inside the winter: its own plan, not next year's
    assert asof.in_winter(date(2027, 2, 28)) == date(2027, 2, 28)
    asof.set_as_of(date(2027, 3, 1))
    assert asof.in_winter(date(2026, 12, 1)) == date(2027, 12, 1)


def test_same_seed_and_day_same_year_another_day_differs():
    day = date(2026, 12, 3)
    first = [(t, life.steps) for t, life in _year(42, day)]
    assert [(t, life.steps) for t, life in _year(42, day)] == first
    later = [(t, life.steps) for t, life in _year(42, day + timedelta(days=1))]
    assert later != first
    assert max(t for t, _ in later) > max(t for t, _ in first)


@pytest.mark.parametrize("day", [date(2026, 12, 3), date(2027, 7, 1)])
def test_open_work_on_the_morning_is_mostly_on_time(day):
    year = _year(42, day)
    morning = asof.as_of() + timedelta(hours=9)  # what the command room sees at 09:00
    last = max(t for t, _ in year)
    assert asof.as_of() - timedelta(days=1) < last < asof.as_of()  # events until yesterday evening
    open_ = [(t, life) for t, life in year if life.status in OPEN_STATUSES]
    late = [
        (t, life)
        for t, life in open_
        if any(
            c.state == "overdue"
            for c in clock_states(POLICY, t, {c: life.times.get(f) for c, f in DONE_FIELDS.items()}, morning)
        )
    ]
    # A working board: a few dozen open events, most within their clocks, a few late (not none, not most).
    assert 15 <= len(open_) <= 60, len(open_)
    assert 0 < len(late) <= 0.35 * len(open_), (len(late), len(open_))
    # Nothing open is older than two weeks: old work is closed, as the on-time rates say most work is.
    assert min(t for t, _ in open_) > asof.as_of() - timedelta(days=14)


def test_command_takes_an_as_of_day_and_refuses_a_malformed_one():
    with pytest.raises(CommandError, match="日期应为 YYYY-MM-DD"):
        call_command("demo_district", "--as-of", "2026/12/03")
