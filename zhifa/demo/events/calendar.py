"""The demo year's timeline: how many events a day, which phrases in which season, at what hour.

Summer brings cooking fumes (油烟), night building work and barbecues; the days around the Spring Festival
(除夕, 春节 and 元宵 of the demo's year) bring fireworks; nights are quieter than days and
weekends differ from weekdays. Everything is drawn from the caller's seeded generator.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate

from zhifa.demo import asof
from zhifa.demo.asof import TZ

# The demo's year: 360 days ending the day before the demo's day (zhifa.demo.asof); read as calendar.FIRST_DAY,
# calendar.LAST_DAY, calendar.AS_OF and the festivals of that year through the module's __getattr__.
YEAR_DAYS = 360
# 除夕 of each lunar new year the demo may span (春节 is the day after, 元宵 fourteen days after 春节).
NEW_YEARS_EVES = (
    date(2024, 2, 9),
    date(2025, 1, 28),
    date(2026, 2, 16),
    date(2027, 2, 5),
    date(2028, 1, 25),
    date(2029, 2, 12),
    date(2030, 2, 2),
    date(2031, 1, 22),
)


def last_day() -> date:
    return asof.as_of_date() - timedelta(days=1)


def first_day() -> date:
    return last_day() - timedelta(days=YEAR_DAYS - 1)


def new_years_eve() -> date:
    """The 除夕 of the demo's year: the last one on or before its last day."""
    return max(d for d in NEW_YEARS_EVES if d <= last_day())


def __getattr__(name: str):
    dynamic = {
        "FIRST_DAY": first_day,
        "LAST_DAY": last_day,
        "AS_OF": asof.as_of,
        "NEW_YEARS_EVE": new_years_eve,
        "SPRING_FESTIVAL": lambda: new_years_eve() + timedelta(days=1),
        "LANTERN_FESTIVAL": lambda: new_years_eve() + timedelta(days=15),
        "HOLIDAY": lambda: (new_years_eve() - timedelta(days=1), new_years_eve() + timedelta(days=7)),
    }
    if name in dynamic:
        return dynamic[name]()
    raise AttributeError(name)


TARGET_EVENTS = 6000
HUB_SHARE = 0.04

SUMMER = {
    1: 0.45,
    2: 0.45,
    3: 0.8,
    4: 0.9,
    5: 1.3,
    6: 1.9,
    7: 2.7,
    8: 2.7,
    9: 1.5,
    10: 0.9,
    11: 0.6,
    12: 0.45,
}
WINTER = {1: 1.8, 2: 1.6, 3: 1.2, 4: 0.8, 5: 0.7, 6: 0.6, 7: 0.6, 8: 0.6, 9: 0.7, 10: 0.9, 11: 1.3, 12: 1.8}
RAIN = {1: 0.6, 2: 0.6, 3: 0.8, 4: 1.0, 5: 1.2, 6: 2.0, 7: 2.0, 8: 1.6, 9: 1.4, 10: 0.8, 11: 0.6, 12: 0.6}

# Relative weight of each hour of the day (0–23) for the phrase's time profile.
HOURS = {
    "": (
        1,
        0.5,
        0.3,
        0.2,
        0.2,
        0.3,
        1,
        2.5,
        5,
        7,
        7.5,
        6.5,
        4,
        4.5,
        6.5,
        7,
        6.5,
        5.5,
        4.5,
        4,
        3.5,
        3,
        2.2,
        1.5,
    ),
    "day": (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.8, 3, 6, 8, 8, 7, 5, 5, 7.5, 8, 7, 5, 3, 2, 1.2, 0.8, 0.5, 0.3),
    "evening": (
        1.5,
        0.8,
        0.4,
        0.2,
        0.1,
        0.1,
        0.3,
        0.8,
        1.5,
        2,
        2,
        2.5,
        3,
        2.5,
        2,
        2,
        2.5,
        4,
        6.5,
        8,
        8,
        7,
        5,
        3,
    ),
    "night": (
        7,
        6,
        4,
        2.5,
        1.2,
        0.6,
        0.4,
        0.4,
        0.5,
        0.6,
        0.6,
        0.6,
        0.8,
        0.6,
        0.6,
        0.6,
        0.6,
        0.8,
        1,
        1.5,
        2.5,
        4,
        6.5,
        8,
    ),
}


@dataclass(frozen=True)
class Planned:
    received_at: datetime
    phrase: int  # index into the phrase list
    hub: bool


def days() -> list[date]:
    first = first_day()
    return [first + timedelta(days=i) for i in range(YEAR_DAYS)]


def festival_factor(day: date) -> float:
    """Fireworks: a sharp peak on 除夕 and 春节, raised until 元宵 (15 days after 除夕), rare the rest of the year."""
    offset = min(((day - eve).days for eve in NEW_YEARS_EVES), key=abs)
    if offset in (0, 1):
        return 16.0
    if -3 <= offset <= 5:
        return 8.0
    if -10 <= offset <= 15:
        return 3.5
    return 0.06


def season_factor(season: str, day: date) -> float:
    if season == "summer":
        return SUMMER[day.month]
    if season == "winter":
        return WINTER[day.month]
    if season == "rain":
        return RAIN[day.month]
    if season == "spring_festival":
        return festival_factor(day)
    return 1.0


def weekday_factor(hours: str, day: date) -> float:
    # Offices and sites work on weekdays; evenings out and home noise grow at the weekend.
    weekend = day.weekday() >= 5
    if hours in ("evening", "night"):
        return 1.2 if weekend else 0.95
    return 0.7 if weekend else 1.1


def holiday_factor(season: str, day: date) -> float:
    """The Spring Festival holiday (除夕 − 1 to 春节 + 6): ordinary reports drop."""
    holiday = any(-1 <= (day - eve).days <= 7 for eve in NEW_YEARS_EVES)
    return 0.55 if season != "spring_festival" and holiday else 1.0


def _day_weights(phrases, day: date) -> list[float]:
    return [
        p.weight * season_factor(p.season, day) * weekday_factor(p.hours, day) * holiday_factor(p.season, day)
        for p in phrases
    ]


def plan_year(rng: random.Random, phrases, hub_ok: list[bool], target: int = TARGET_EVENTS) -> list[Planned]:
    """Receipt times and phrases of the year's events, in time order; hub_ok marks phrases fit for the hub."""
    calendar = days()
    weights = [_day_weights(phrases, d) for d in calendar]
    totals = [sum(w) for w in weights]
    scale = target / sum(totals)
    population = range(len(phrases))
    hour_cums = {k: list(accumulate(v)) for k, v in HOURS.items()}
    planned: list[Planned] = []
    for day, w, total in zip(calendar, weights, totals, strict=True):
        n = max(0, round(total * scale * rng.gauss(1.0, 0.08)))
        midnight = datetime(day.year, day.month, day.day, tzinfo=TZ)
        # Hub phrases only at the hub, where travel-scene items are three times as likely as elsewhere.
        hub_cum = list(accumulate(x * 3 if ok else 0.0 for x, ok in zip(w, hub_ok, strict=True)))
        town_cum = list(accumulate(0.0 if p.hub else x for x, p in zip(w, phrases, strict=True)))
        for _ in range(n):
            hub = rng.random() < HUB_SHARE
            index = rng.choices(population, cum_weights=hub_cum if hub else town_cum)[0]
            hour = rng.choices(range(24), cum_weights=hour_cums[phrases[index].hours])[0]
            at = midnight + timedelta(hours=hour, seconds=rng.randrange(3600))
            planned.append(Planned(at, index, hub))
    planned.sort(key=lambda p: p.received_at)
    return planned
