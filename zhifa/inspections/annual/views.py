"""执法计划表 page and its xlsx export."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook

from zhifa.core.tabular import append_row, workbook_bytes
from zhifa.inspections.annual.selectors import annual_plan
from zhifa.org.selectors import subdistrict_choices

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _params(request) -> tuple[int, int, list[str]]:
    """Year and threshold from the query; bad values fall back to the defaults with a note."""
    notes = []
    this_year = timezone.localdate().year
    default_threshold = getattr(settings, "ZHIFA_PLAN_THRESHOLD", 10)
    try:
        year = int(request.GET.get("year", this_year))
        if not 2000 <= year <= this_year:
            raise ValueError
    except ValueError:
        notes.append(f"年份无效，已按 {this_year} 年统计")
        year = this_year
    try:
        threshold = int(request.GET.get("threshold", default_threshold))
        if not 1 <= threshold <= 10000:
            raise ValueError
    except ValueError:
        notes.append(f"投诉件数门槛须为 1 到 10000 的整数，已按 {default_threshold} 件统计")
        threshold = default_threshold
    return year, threshold, notes


def _narrowing(request) -> tuple[str, bool, list[tuple[str, str]]]:
    """The subdistrict (a code among those the user sees; anything else means all) and 仅赋权事项."""
    choices = subdistrict_choices(user=request.user)
    code = request.GET.get("subdistrict", "").strip()
    if code not in {c for c, _ in choices}:
        code = ""
    return code, request.GET.get("delegated") == "1", choices


def _plan(request) -> tuple:
    year, threshold, notes = _params(request)
    subdistrict, delegated_only, choices = _narrowing(request)
    plan = annual_plan(
        user=request.user,
        year=year,
        threshold=threshold,
        subdistrict=subdistrict,
        delegated_only=delegated_only,
    )
    return plan, notes, subdistrict, choices


@login_required
def plan_page(request):
    plan, notes, subdistrict, choices = _plan(request)
    chart = {"names": [r.name for r in plan.rows], "counts": [r.count for r in plan.rows]}
    context = {
        "active_nav": "plan",
        "plan": plan,
        "notes": notes,
        "years": list(range(timezone.localdate().year, 2019, -1)),
        "chart": chart,
        "subdistrict": subdistrict,
        "subdistricts": choices if len(choices) > 1 else [],
        "subdistrict_name": dict(choices).get(subdistrict, ""),
        "query": request.GET.urlencode(),
    }
    return render(request, "inspections/plan.html", context)


@login_required
def plan_xlsx(request):
    plan, _, _, _ = _plan(request)
    year, threshold = plan.year, plan.threshold
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year + 1}年执法计划"  # the plan is for the year after the complaints
    append_row(sheet, [f"{year + 1} 年度执法计划表（依据 {year} 年投诉，门槛 {threshold} 件）"])
    append_row(sheet, ["序号", "事项编码", "执法事项", "领域", "投诉件数", "占全年投诉（%）"])
    for n, row in enumerate(plan.rows, start=1):
        append_row(sheet, [n, row.code, row.name, row.domain, row.count, row.percent])
    append_row(sheet, [])
    append_row(sheet, ["合计", f"{len(plan.rows)} 类", "", "", plan.focus_count, plan.focus_percent])
    append_row(sheet, ["全年投诉", "", "", "", plan.total])
    for col, width in zip("ABCDEF", (6, 12, 60, 14, 10, 16), strict=True):
        sheet.column_dimensions[col].width = width
    response = HttpResponse(workbook_bytes(book), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"执法计划表-{year + 1}.xlsx")
    return response
