"""A problem model's parts: its tunable parameters and the model itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from zhifa.engine.oversight import Finding


def day_start(day: date) -> datetime:
    """Midnight (district time) opening `day`: `at__gte=day_start(d)` is `at__date__gte=d` in a form the
    database can answer from an index on the column (a date cast of every row cannot)."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Param:
    label: str
    default: float
    minimum: float
    maximum: float
    integer: bool = True

    def clean(self, value) -> float | int:
        """The value as the model uses it; ValueError with a message for people when it does not fit."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.label}应为数字") from None
        if self.integer and number != int(number):
            raise ValueError(f"{self.label}应为整数")
        if not self.minimum <= number <= self.maximum:
            raise ValueError(f"{self.label}应在 {_num(self.minimum)} 至 {_num(self.maximum)} 之间")
        return int(number) if self.integer else number


def _num(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


@dataclass(frozen=True)
class Model:
    code: str
    name: str
    basis: str  # the rule of law or practice the model watches
    description: str
    params: dict[str, Param]
    find: Callable[[dict, date], Iterable[Finding]]

    def defaults(self) -> dict:
        return {k: p.default if not p.integer else int(p.default) for k, p in self.params.items()}


WINDOW = Param("回看天数", 365, 1, 3660)


def case_label(number: str, pk: int) -> str:
    return f"案件 {number}" if number else f"案件 #{pk}"
