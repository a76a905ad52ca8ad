"""执法计划表 — next year's focus from a year of complaints: the items complained about at least N times.

Complaints are the events that came from the public (12345, web form, Open311 / API, the command centre's own
entry of a call); patrol findings, grid reports and department transfers are the administration's own and
not counted. An event counts for each item a person confirmed on it, else once for the classifier's best
suggestion. Merged duplicates are not counted again.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from zhifa.catalog.models import EnforcementItem
from zhifa.dispatch.choices import COMPLAINT_CHANNELS, EventStatus
from zhifa.dispatch.events.selectors import event_list_for_user
from zhifa.dispatch.models import EventItem


@dataclass
class PlanRow:
    code: str
    name: str
    domain: str
    count: int
    percent: float

    @property
    def short(self) -> str:
        """The item as people say it: "对擅自占用城市道路的行政处罚" → "擅自占用城市道路"."""
        return self.name.removeprefix("对").removesuffix("的行政处罚").removesuffix("的行政强制") or self.name


@dataclass
class AnnualPlan:
    year: int
    threshold: int
    total: int  # complaints in the year, in scope
    delegated_only: bool = False
    rows: list[PlanRow] = field(default_factory=list)

    @property
    def focus_count(self) -> int:
        return sum(r.count for r in self.rows)

    @property
    def focus_percent(self) -> float | None:
        return round(100 * self.focus_count / self.total, 2) if self.total else None


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def annual_plan(
    *, user, year: int, threshold: int = 10, subdistrict: str = "", delegated_only: bool = False
) -> AnnualPlan:
    """Items with at least `threshold` complaints in `year` among the events `user` may see, most first.

    `subdistrict` (a code) narrows the complaints to one subdistrict's; `delegated_only` keeps only items
    delegated to the subdistricts in the plan (南星's plan was of 赋权事项), their share still of all complaints."""
    start, end = _year_bounds(year)
    events = (
        event_list_for_user(user=user)
        .filter(received_at__gte=start, received_at__lt=end, channel__in=COMPLAINT_CHANNELS)
        .exclude(status=EventStatus.MERGED)
    )
    if subdistrict:
        events = events.filter(subdistrict__code=subdistrict)
    ids = set(events.values_list("pk", flat=True))
    best: dict[int, tuple] = {}
    names: dict[str, tuple[str, str]] = {}
    rows = EventItem.objects.filter(event_id__in=events.values("pk")).values_list(
        "event_id", "item__code", "item__name", "item__domain__name", "confirmed", "score"
    )
    confirmed: dict[int, set[str]] = {}
    for event_id, code, name, domain, is_confirmed, score in rows:
        names[code] = (name, domain)
        if is_confirmed:
            confirmed.setdefault(event_id, set()).add(code)
        elif event_id not in best or score > best[event_id][1]:
            best[event_id] = (code, score)
    counts: Counter[str] = Counter()
    for event_id in ids:
        if event_id in confirmed:
            counts.update(confirmed[event_id])
        elif event_id in best:
            counts[best[event_id][0]] += 1
    total = len(ids)
    plan = AnnualPlan(year=year, threshold=threshold, total=total, delegated_only=delegated_only)
    delegated = set(
        EnforcementItem.objects.filter(code__in=list(counts), delegated=True).values_list("code", flat=True)
    )
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if n < threshold:
            break
        if delegated_only and code not in delegated:
            continue
        plan.rows.append(PlanRow(code, names[code][0], names[code][1], n, round(100 * n / total, 2)))
    return plan
