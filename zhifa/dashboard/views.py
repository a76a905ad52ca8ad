"""The home dashboard (驾驶舱): KPI tiles and charts of the user's jurisdiction."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from zhifa.cases.selectors import case_outcome_counts
from zhifa.codes.selectors import code_dashboard
from zhifa.dashboard.selectors import home_charts, home_stats
from zhifa.dispatch.events.stats import UNIT_CLOCKS, resolution_mix, unit_on_time_rates

WINDOWS = {7: "近 7 天", 30: "近 30 天", 90: "近 90 天", 365: "近一年"}


@login_required
def home(request):
    user, now = request.user, timezone.now()
    stats = home_stats(user=user)
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in WINDOWS else 30
    since = now - timedelta(days=days)
    context = {
        "active_nav": "dashboard",
        "stats": stats,
        "charts": home_charts(stats),
        "days": days,
        "windows": WINDOWS,
        "window_label": WINDOWS[days],
        "clock_labels": [label for _, label in UNIT_CLOCKS],
        "on_time": unit_on_time_rates(user=user, since=since, now=now) if stats["bound"] else [],
        "mix": resolution_mix(user=user, since=since) if stats["bound"] else None,
        "case_outcomes": (
            case_outcome_counts(user=user, since=timezone.localtime(since).date()) if stats["bound"] else None
        ),
        "codes": code_dashboard(user=user, since=since) if stats["bound"] else None,
    }
    return render(request, "dashboard/home.html", context)
