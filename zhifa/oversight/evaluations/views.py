"""Pages of 五赋权一约束 evaluations: the periods, opening one with its weighted criteria, a period's results and
ranking, scoring by the evaluating units, weights and closing by the district."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhifa.core.errors import ServiceError
from zhifa.core.pagination import paginate
from zhifa.core.params import date_or_none
from zhifa.org.models import Unit
from zhifa.oversight.choices import EvaluationKind, Metric, PeriodStatus
from zhifa.oversight.evaluations import selectors as sel
from zhifa.oversight.evaluations import services as svc
from zhifa.oversight.models import EvaluationCriterion

ROWS = 6
DEFAULTS = {
    EvaluationKind.EFFECTIVENESS: [
        ("事件按时办结", 25, Metric.EVENT_ON_TIME),
        ("案件按期办结", 20, Metric.CASE_ON_TIME),
        ("监督预警", 15, Metric.WARNINGS),
        ("企业评价", 10, Metric.CODE_RATING),
        ("执法规范与办案质量", 30, ""),
    ],
    EvaluationKind.REVERSE: [
        ("业务指导与培训", 30, ""),
        ("法律支撑与疑难会商", 30, ""),
        ("案件移送与协作配合", 25, ""),
        ("监督预警", 15, Metric.WARNINGS),
    ],
}


@login_required
def period_list(request):
    user = request.user
    kind = (
        request.GET.get("kind")
        if request.GET.get("kind") in EvaluationKind.values
        else EvaluationKind.EFFECTIVENESS
    )
    context = {
        "active_nav": "evaluations",
        "page": paginate(request, sel.period_list_for_user(user=user)),
        "can_manage": svc.may_manage(user),
        "kinds": EvaluationKind.choices,
        "kind": kind,
        "rows": [*DEFAULTS[kind], *[("", "", "")] * (ROWS - len(DEFAULTS[kind]))],
        "metrics": Metric.choices,
    }
    return render(request, "oversight/evaluation_list.html", context)


@login_required
@require_POST
def period_new(request):
    post = request.POST
    criteria = [
        {
            "name": post.get(f"c{i}_name", ""),
            "weight": post.get(f"c{i}_weight", ""),
            "metric": post.get(f"c{i}_metric", ""),
        }
        for i in range(ROWS)
        if (post.get(f"c{i}_name") or "").strip()
    ]
    try:
        period = svc.evaluation_period_create(
            name=post.get("name", ""), kind=post.get("kind", ""), start=date_or_none(post.get("start")),
            end=date_or_none(post.get("end")), criteria=criteria, by=request.user,
        )  # fmt: skip
    except ServiceError as err:
        if err.status == 403:
            raise PermissionDenied(err.message) from None
        messages.error(request, err.message)
        return redirect("oversight:evaluation_list")
    messages.success(request, f"已开展评价「{period.name}」")
    return redirect("oversight:evaluation_detail", pk=period.pk)


@login_required
def period_detail(request, pk: int):
    user = request.user
    period = sel.period_get(user=user, pk=pk)
    seen = sel.results_for_user(user=user, period=period)
    context = {
        "active_nav": "evaluations",
        "period": period,
        **seen,
        "manual": [c for c in seen["criteria"] if not c.metric],
        "targets": [u for u in svc.targets_of(period.kind) if u.pk != getattr(seen["scorer"], "pk", None)],
        "open": period.status == PeriodStatus.OPEN,
        "can_manage": svc.may_manage(user),
    }
    return render(request, "oversight/evaluation_detail.html", context)


@login_required
@require_POST
def score(request, pk: int):
    period = sel.period_get(user=request.user, pk=pk)
    post = request.POST
    criterion = EvaluationCriterion.objects.filter(period=period, pk=post.get("criterion") or 0).first()
    target = (
        Unit.objects.filter(pk=post.get("target") or 0).first()
        if (post.get("target") or "").isdigit()
        else None
    )
    if criterion is None or target is None:
        messages.error(request, "请选择评价指标和被评价单位")
        return redirect("oversight:evaluation_detail", pk=period.pk)
    try:
        svc.evaluation_score_submit(criterion=criterion, target=target, score=post.get("score"),
                                    comment=post.get("comment", ""), evidence=post.get("evidence", ""), by=request.user)  # fmt: skip
    except ServiceError as err:
        if err.status == 403:
            raise PermissionDenied(err.message) from None
        messages.error(request, err.message)
    else:
        messages.success(request, f"已评分：{target.name} · {criterion.name}")
    return redirect("oversight:evaluation_detail", pk=period.pk)


@login_required
@require_POST
def weights(request, pk: int):
    period = sel.period_get(user=request.user, pk=pk)
    values = {}
    for c in period.criteria.all():
        raw = request.POST.get(f"w{c.pk}")
        if raw is not None:
            values[c.pk] = raw
    try:
        svc.evaluation_weights_set(period=period, weights=values, by=request.user)
    except ServiceError as err:
        if err.status == 403:
            raise PermissionDenied(err.message) from None
        messages.error(request, err.message)
    else:
        messages.success(request, "权重已保存")
    return redirect("oversight:evaluation_detail", pk=period.pk)


@login_required
@require_POST
def close(request, pk: int):
    period = sel.period_get(user=request.user, pk=pk)
    try:
        svc.evaluation_period_close(period=period, by=request.user)
    except ServiceError as err:
        if err.status == 403:
            raise PermissionDenied(err.message) from None
        messages.error(request, err.message)
    else:
        messages.success(request, "评价已结束，结果不再变动")
    return redirect("oversight:evaluation_detail", pk=period.pk)
