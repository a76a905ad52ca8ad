"""Monthly report (月度报告) for the district and each subdistrict, computed from the records: events and the
721 mix (service 70 / management 20 / enforcement 10 is the reform's aim), on-time resolution, inspections and
visits per inspected business, cases filed and decided with their outcomes (soft outcomes included), codes and
ratings, and warnings by model. The page shows it; the xlsx writes the same rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from openpyxl import Workbook

from zhifa.cases.choices import Outcome
from zhifa.cases.models import Case
from zhifa.codes.models import ActionCode, CodeRating
from zhifa.core.tabular import append_row, workbook_bytes
from zhifa.dispatch.choices import EventStatus, ResolutionMode
from zhifa.dispatch.models import Event, SlaPolicy
from zhifa.inspections.models import Inspection
from zhifa.org.choices import RegionLevel
from zhifa.org.models import Region
from zhifa.org.scope import scope_for
from zhifa.oversight.models import Alert, Training

TARGET_721 = {ResolutionMode.SERVICE: 70, ResolutionMode.MANAGEMENT: 20, ResolutionMode.ENFORCEMENT: 10}


def month_bounds(month: str) -> tuple[date, date]:
    """ "2026-03" → (1 March, 1 April); ValueError with a message for people when it is not a month."""
    try:
        year, mon = (int(x) for x in month.split("-"))
        start = date(year, mon, 1)
    except (ValueError, TypeError):
        raise ValueError("月份格式应为 年-月，如 2026-03") from None
    return start, date(year + (mon == 12), mon % 12 + 1, 1)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Area:
    name: str
    path: str | None  # None: the whole district


def areas_for(user) -> list[Area]:
    """The district (for district-wide readers) and each subdistrict / functional area the user may see."""
    scope = scope_for(user)
    regions = Region.objects.filter(
        level__in=(RegionLevel.SUBDISTRICT, RegionLevel.FUNCTIONAL_AREA)
    ).order_by("code")
    if scope.district_wide:
        district = Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code").first()
        head = [Area(district.name if district else "全区", None)]
        return head + [Area(r.name, r.path) for r in regions]
    return [Area(r.name, r.path) for r in regions if scope.covers_path(r.path)]


def _in(path: str | None, field: str = "region_path") -> Q:
    return Q(**{f"{field}__startswith": path}) if path else Q()


def area_figures(area: Area, start: date, end: date) -> dict:
    tz = timezone.get_current_timezone()
    since, until = datetime.combine(start, time.min, tz), datetime.combine(end, time.min, tz)
    events = Event.objects.filter(_in(area.path), received_at__gte=since, received_at__lt=until).exclude(
        status=EventStatus.MERGED
    )
    modes = dict(
        events.exclude(resolution_mode="").values_list("resolution_mode").annotate(n=Count("id")).order_by()
    )
    resolved = sum(modes.values())
    met = Q(pk__in=[])
    for p in SlaPolicy.objects.all():
        met |= Q(sla_id=p.pk, resolved_at__lte=F("received_at") + timedelta(minutes=p.resolve_minutes))
    ev = events.aggregate(n=Count("id"), done=Count("id", filter=Q(resolved_at__isnull=False)),
                          on_time=Count("id", filter=met), rating=Avg("rating"))  # fmt: skip
    visits = Inspection.objects.filter(_in(area.path), visited_on__gte=start, visited_on__lt=end)
    vi = visits.aggregate(n=Count("id"), subjects=Count("subject_id", distinct=True))
    coded = ActionCode.objects.filter(inspection__in=visits).count()
    ratings = CodeRating.objects.filter(
        _in(area.path, "code__region_path"), rated_at__gte=since, rated_at__lt=until
    )
    ra = ratings.aggregate(n=Count("id"), avg=Avg("score"), low=Count("id", filter=Q(score__lte=2)))
    cases = Case.objects.filter(_in(area.path))
    filed = cases.filter(filed_on__gte=start, filed_on__lt=end).count()
    outcomes = dict(
        cases.filter(decided_on__gte=start, decided_on__lt=end).exclude(outcome="")
        .values_list("outcome").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    alerts = dict(
        Alert.objects.filter(_in(area.path), opened_at__gte=since, opened_at__lt=until)
        .values_list("rule__name").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    trainings = Training.objects.filter(_in(area.path))
    return {
        "area": area.name,
        "trainings": trainings.filter(held_on__gte=start, held_on__lt=end).count(),
        "trainings_ytd": trainings.filter(held_on__gte=start.replace(month=1), held_on__lt=end).count(),
        "events": ev["n"],
        "resolved": resolved,
        "mix": [
            {
                "mode": m.value,
                "label": m.label,
                "count": modes.get(m.value, 0),
                "percent": _pct(modes.get(m.value, 0), resolved),
                "target": TARGET_721[m],
            }  # fmt: skip
            for m in ResolutionMode
        ],
        "on_time": _pct(ev["on_time"], ev["done"]),
        "event_rating": round(ev["rating"], 2) if ev["rating"] is not None else None,
        "visits": vi["n"],
        "visited_subjects": vi["subjects"],
        "visits_per_subject": round(vi["n"] / vi["subjects"], 2) if vi["subjects"] else None,
        "code_share": _pct(coded, vi["n"]),
        "ratings": ra["n"],
        "rating_avg": round(ra["avg"], 2) if ra["avg"] is not None else None,
        "ratings_low": ra["low"],
        "cases_filed": filed,
        "outcomes": [
            {"outcome": o.value, "label": o.label, "count": outcomes.get(o.value, 0)} for o in Outcome
        ],
        "warnings": sum(alerts.values()),
        "warnings_by_model": sorted(alerts.items(), key=lambda kv: (-kv[1], kv[0])),
    }


def monthly_report(*, user, month: str) -> dict:
    start, end = month_bounds(month)
    areas = [area_figures(a, start, end) for a in areas_for(user)]
    district_wide = scope_for(user).district_wide
    return {
        "month": month,
        "start": start,
        "end": end,
        "areas": areas,
        "district_wide": district_wide,
        # Sessions this year up to the month's end: the district's, or the user's subdistricts' together.
        "trainings_year": (
            areas[0]["trainings_ytd"] if district_wide else sum(a["trainings_ytd"] for a in areas)
        )
        if areas
        else 0,
    }


def report_xlsx(report: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"月度报告 {report['month']}"
    outcome_labels = [o["label"] for o in report["areas"][0]["outcomes"]] if report["areas"] else []
    append_row(
        sheet,
        ["区域", "事件", "已处置", "服务", "服务%", "管理", "管理%", "执法", "执法%", "办结按时率%", "事件评价",
         "检查次数", "被检查对象", "户均检查次数", "亮码率%", "企业评价数", "企业评价均分", "低分评价", "立案",
         *outcome_labels, "监督预警", "培训研讨"],
    )  # fmt: skip
    for a in report["areas"]:
        mix = {m["mode"]: m for m in a["mix"]}
        append_row(
            sheet,
            [a["area"], a["events"], a["resolved"],
             mix["service"]["count"], mix["service"]["percent"], mix["management"]["count"], mix["management"]["percent"],
             mix["enforcement"]["count"], mix["enforcement"]["percent"], a["on_time"], a["event_rating"],
             a["visits"], a["visited_subjects"], a["visits_per_subject"], a["code_share"], a["ratings"], a["rating_avg"],
             a["ratings_low"], a["cases_filed"], *[o["count"] for o in a["outcomes"]], a["warnings"], a["trainings"]],
        )  # fmt: skip
    models = book.create_sheet("预警分模型")
    append_row(models, ["区域", "预警模型", "条数"])
    for a in report["areas"]:
        for name, n in a["warnings_by_model"]:
            append_row(models, [a["area"], name, n])
    sheet.column_dimensions["A"].width = 18
    return workbook_bytes(book)
