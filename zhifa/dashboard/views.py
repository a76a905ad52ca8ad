"""The home dashboard (驾驶舱): KPI tiles and charts of the user's jurisdiction."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from zhifa.dashboard.selectors import home_charts, home_stats


@login_required
def home(request):
    stats = home_stats(user=request.user)
    context = {"active_nav": "dashboard", "stats": stats, "charts": home_charts(stats)}
    return render(request, "dashboard/home.html", context)
