"""The home dashboard (驾驶舱): KPI tiles and charts of the user's jurisdiction."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from zhifa.accounts.choices import Role
from zhifa.cases.selectors import case_outcome_counts
from zhifa.codes.selectors import code_dashboard
from zhifa.dashboard import reform
from zhifa.dashboard.selectors import home_charts, home_stats
from zhifa.dispatch.events.stats import (
    ON_TIME_DAYS,
    ON_TIME_DEFINITION,
    UNIT_CLOCKS,
    on_time_rates,
    resolution_mix,
)

WINDOWS = {7: "近 7 天", 30: "近 30 天", 90: "近 90 天", 365: "近一年"}


@login_required
def home(request):
    user, now = request.user, timezone.now()
    stats = home_stats(user=user)
    try:
        days = int(request.GET.get("days", ON_TIME_DAYS))
    except ValueError:
        days = ON_TIME_DAYS
    days = days if days in WINDOWS else ON_TIME_DAYS
    since = now - timedelta(days=days)
    on_time = on_time_rates(user=user, since=since, now=now) if stats["bound"] else ([], None)
    context = {
        "active_nav": "dashboard",
        "stats": stats,
        "charts": home_charts(stats),
        "days": days,
        "windows": WINDOWS,
        "window_label": WINDOWS[days],
        "clock_labels": [label for _, label in UNIT_CLOCKS],
        "on_time": on_time[0],
        "on_time_total": on_time[1],
        "on_time_definition": ON_TIME_DEFINITION,
        "mix": resolution_mix(user=user, since=since) if stats["bound"] else None,
        "case_outcomes": (
            case_outcome_counts(user=user, since=timezone.localtime(since).date()) if stats["bound"] else None
        ),
        "codes": code_dashboard(user=user, since=since) if stats["bound"] else None,
    }
    return render(request, "dashboard/home.html", context)


@require_GET
@login_required
def reform_page(request):
    """改革成效: the district's page; a subdistrict user is sent to the page of their own subdistrict."""
    code = reform.home_subdistrict_code(user=request.user)
    if code:
        return redirect("dashboard:reform_subdistrict", code=code)
    sections = reform.reform_district(user=request.user)
    context = {"active_nav": "reform", "sections": sections, "region": None, **_reform_context(request)}
    return render(request, "dashboard/reform.html", context)


@require_GET
@login_required
def reform_subdistrict_page(request, code: str):
    region, sections = reform.reform_subdistrict(user=request.user, code=code)
    context = {"active_nav": "reform", "sections": sections, "region": region, **_reform_context(request)}
    return render(request, "dashboard/reform.html", context)


def _reform_context(request) -> dict:
    user = request.user
    return {
        "today": timezone.localdate(),
        "subdistricts": reform.subdistrict_links(),
        # The catalog import is the administrators' (清单版本).
        "can_import": user.is_staff or user.role == Role.ADMIN,
    }
