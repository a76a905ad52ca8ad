"""检查需求 page: a subdistrict's due checks for a period, per domain and cause and per subject."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from zhifa.core.errors import ServiceError
from zhifa.core.pagination import paginate, query_without_page
from zhifa.engine.demands import SOURCES
from zhifa.inspections.demands import demand_overview, next_quarter
from zhifa.inspections.models import DemandSource
from zhifa.org.selectors import subdistrict_choices
from zhifa.risk.services import frequency_texts


def _date(value: str | None, default: date) -> tuple[date, str | None]:
    if not value:
        return default, None
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return default, f"日期格式应为 YYYY-MM-DD：{value[:20]}"


@login_required
def demand_page(request):
    choices = subdistrict_choices(user=request.user)
    start_default, end_default = next_quarter(timezone.localdate())
    start, bad_start = _date(request.GET.get("start"), start_default)
    end, bad_end = _date(request.GET.get("end"), end_default)
    errors = [e for e in (bad_start, bad_end) if e]
    region_code = request.GET.get("region") or (choices[0][0] if choices else "")
    overview, status = None, 200
    if region_code and not errors:
        try:
            overview = demand_overview(
                user=request.user, region_code=region_code, period_start=start, period_end=end
            )
        except ServiceError as err:
            errors.append(err.message)
            status = err.status
    elif errors:
        status = 400
    context = {
        "active_nav": "jointplans",
        "choices": choices,
        "region_code": region_code,
        "start": start,
        "end": end,
        "errors": errors,
        "overview": overview,
        "policy": frequency_texts(),
        "sources": [(s, dict(DemandSource.choices)[s]) for s in SOURCES],
        "page": paginate(request, overview.subjects if overview else [], per_page=50),
        "query": query_without_page(request),
    }
    return render(request, "inspections/demands.html", context, status=status)
