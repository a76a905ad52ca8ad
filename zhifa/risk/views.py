"""三色赋码 pages: the overview per subdistrict, the policy with its versions, and reassessing one subject."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.core.htmx import render_page_or_fragment
from zhifa.engine.risk import COLOUR_LABELS, COLOURS
from zhifa.jobs.selectors import job_view
from zhifa.risk.forms import WEIGHT_LABELS, RiskPolicyForm
from zhifa.risk.models import RiskPolicyVersion
from zhifa.risk.policy import risk_policy_current
from zhifa.risk.services import (
    can_publish_policy,
    colour_label,
    risk_assess,
    risk_overview,
    risk_policy_publish,
    risk_policy_versions,
    risk_recompute_submit,
)
from zhifa.subjects.selectors import subject_get


def _overview_context(request, **extra) -> dict:
    return {
        "active_nav": "risk",
        "o": risk_overview(user=request.user),
        "policy": risk_policy_current(),
        "can_recompute": can_publish_policy(request.user),
        **extra,
    }


@login_required
def overview(request):
    return render(request, "risk/overview.html", _overview_context(request))


@login_required
@require_POST
def recompute(request):
    """重新计算 — the whole district's colours, in the background; the page shows its progress (htmx polls the
    job's fragment), then its result."""
    try:
        job = risk_recompute_submit(by=request.user)
    except PermissionError_ as exc:
        raise PermissionDenied(exc.message) from None
    job.refresh_from_db()  # no broker: it has already run
    context = _overview_context(request, job=job_view(job))
    response = render_page_or_fragment(request, "risk/overview.html", "risk/_recompute.html", context)
    response.status_code = 202
    return response


def _policy_view(policy) -> dict:
    t1, t2 = policy.thresholds
    return {
        "thresholds": (t1, t2),
        "weights": [(WEIGHT_LABELS[k], policy.weights[k]) for k in WEIGHT_LABELS],
        "frequency": [(c, COLOUR_LABELS[c], policy.frequency[c]) for c in COLOURS],
    }


@login_required
def policy_page(request):
    user = request.user
    allowed = can_publish_policy(user)
    policy = risk_policy_current()
    status = 200
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied("只有区协调指挥中心和系统管理员可以修改风险赋码策略")
        form = RiskPolicyForm(request.POST)
        if form.is_valid():
            try:
                version = risk_policy_publish(
                    data=form.policy_data(), note=form.cleaned_data["note"], by=user
                )
            except PermissionError_ as exc:
                raise PermissionDenied(exc.message) from None
            except ServiceError as exc:
                form.add_service_errors(exc.errors, exc.message)
                status = exc.status
            else:
                messages.success(
                    request, f"已发布策略第 {version.pk} 版；各对象的颜色在下次重算或重新评定时按新策略计算"
                )
                return redirect("risk:policy")
        else:
            status = 400
    else:
        form = RiskPolicyForm(initial=RiskPolicyForm.initial_from(policy))
    context = {
        "active_nav": "risk",
        "current": RiskPolicyVersion.objects.filter(active=True).select_related("created_by").first(),
        "p": _policy_view(policy),
        "versions": risk_policy_versions(),
        "form": form if allowed else None,
    }
    return render(request, "risk/policy.html", context, status=status)


@login_required
@require_POST
def assess(request, pk: int):
    subject = subject_get(user=request.user, pk=pk)
    try:
        risk = risk_assess(subject=subject, by=request.user)
    except PermissionError_ as exc:
        raise PermissionDenied(exc.message) from None
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已重新评定：{colour_label(risk.colour)}，风险分 {risk.score:g}")
    return redirect(reverse("subjects:subject_detail", args=[subject.pk]) + "#risk")
