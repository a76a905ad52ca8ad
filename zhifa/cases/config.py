"""The district's case rules (settings.ZHIFA_CASE_RULES) and holiday calendar, as the engine takes them."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zhifa.cases.choices import HolidayKind
from zhifa.cases.models import Holiday
from zhifa.core.memo import ProcessMemo
from zhifa.engine.deadlines import Calendar, Rules, rules_problems


def case_rules() -> Rules:
    """The rules in force; a setting looser than the law is refused here as at start (settings.py)."""
    rules = Rules(**getattr(settings, "ZHIFA_CASE_RULES", {}))
    problems = rules_problems(rules)
    if problems:
        raise ImproperlyConfigured("ZHIFA_CASE_*: " + "; ".join(problems))
    return rules


def _build_calendar() -> Calendar:
    return Calendar.of(
        (day, kind == HolidayKind.WORKDAY) for day, kind in Holiday.objects.values_list("day", "kind")
    )


def _calendar_signature() -> tuple:
    # A few dozen rows a year: the rows themselves are the signature, so another process's edit is seen.
    return tuple(Holiday.objects.order_by("day").values_list("day", "kind"))


_calendar = ProcessMemo(
    "case_calendar", build=_build_calendar, signature=_calendar_signature, watch=["cases.Holiday"]
)


def district_calendar() -> Calendar:
    """The holiday calendar the district keeps (admin 节假日安排)."""
    return _calendar.get()
