"""三色赋码 overview: colours per subdistrict in the user's jurisdiction and what each colour means."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from zhifa.risk.services import risk_overview


@login_required
def overview(request):
    return render(
        request, "risk/overview.html", {"active_nav": "risk", "o": risk_overview(user=request.user)}
    )
