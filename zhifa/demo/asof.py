"""The demo's "today": the district is built as it would stand at the start of that day (default: the day it is
built), so its year of records ends yesterday and its open work looks like a normal morning. The same seed
and the same day give the same district.

Every date of the demo is drawn relative to this day; set it once, before building (demo_district_build).
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

# Fixed, not the settings' TIME_ZONE: the same seed and day must give the same district wherever it is built.
TZ = ZoneInfo("Asia/Shanghai")
# The day the demo's data tables were first drawn for; dates written in the demo's tables are relative to it.
REFERENCE_DAY = date(2026, 11, 26)

_day = REFERENCE_DAY


def set_as_of(day: date) -> None:
    global _day
    _day = day


def as_of_date() -> date:
    return _day


def as_of() -> datetime:
    """The demo's "now": midnight at the start of its day, Shanghai time. Nothing in the demo happens later."""
    return datetime(_day.year, _day.month, _day.day, tzinfo=TZ)


def shift() -> timedelta:
    """How far the demo's day lies from REFERENCE_DAY."""
    return _day - REFERENCE_DAY


def winter_years() -> int:
    """Years to add to the reference winter (Dec 2026 – Feb 2027) to get the coming or current winter: the one
    whose campaigns and joint plans the district prepares as of the demo's day."""
    return _day.year - REFERENCE_DAY.year - (1 if _day.month <= 2 else 0)


def in_winter(day: date) -> date:
    """A date of the reference winter moved to the demo's winter (same month and day)."""
    years = winter_years()
    return day.replace(year=day.year + years)
