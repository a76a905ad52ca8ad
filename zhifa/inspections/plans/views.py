"""综合查一次 pages: plan list, new plan, the calendar (detail), a squad day's visits, xlsx, the officer's days."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from zhifa.core.errors import ServiceError
from zhifa.core.htmx import render_page_or_fragment
from zhifa.core.pagination import paginate, query_without_page
from zhifa.core.tabular import append_row, workbook_bytes
from zhifa.inspections import plans
from zhifa.inspections.annual.views import XLSX
from zhifa.inspections.choices import DemandSource, PlanStatus, VisitStatus
from zhifa.inspections.plans.jobs import joint_plan_submit
from zhifa.jobs.choices import JobStatus
from zhifa.jobs.selectors import job_view
from zhifa.org.models import Officer
from zhifa.org.scope import scope_for

UNFITTED_PAGE = 50


def _errors(err: ServiceError) -> dict:
    return {e.get("field") or "form": e.get("message") or err.message for e in err.errors} or {
        "form": err.message
    }


@login_required
def plan_list(request):
    q = (request.GET.get("q") or "").strip()
    status = request.GET.get("status", "")
    qs = plans.joint_plan_list(user=request.user, q=q, status=status)
    context = {
        "active_nav": "jointplans",
        "page": paginate(request, qs),
        "query": query_without_page(request),
        "q": q,
        "status": status,
        "statuses": PlanStatus.choices,
        "can_plan": plans.can_plan(request.user),
    }
    return render(request, "inspections/jointplan_list.html", context)


@login_required
def plan_new(request):
    user = request.user
    regions = plans.plan_regions_for(user)
    data = request.POST if request.method == "POST" else {}
    errors, status = {}, 200
    if not regions:
        errors = {"form": "您的角色不能编制综合查一次计划（由区协调指挥中心、街道指挥室或街道执法队编制）"}
        status = 403
    elif request.method == "POST":
        cap = (data.get("max_visits_per_year") or "").strip()
        try:
            job = joint_plan_submit(
                region=data.get("region", ""),
                period_start=data.get("period_start", ""),
                period_end=data.get("period_end", ""),
                name=data.get("name", ""),
                quiet_days=plans.parse_quiet_days(data.get("quiet_days", "")),
                max_visits_per_year=int(cap) if cap.isdigit() else (cap or None),
                replaces_published=data.get("replaces_published") == "1",
                by=user,
            )
        except ServiceError as err:
            errors, status = _errors(err), err.status
        else:
            job.refresh_from_db()  # with no broker it has run already
            if job.status == JobStatus.SUCCEEDED:
                messages.success(request, job.result["summary"])
                return redirect("inspections:jointplan_detail", pk=job.result["plan"])
            if job.status == JobStatus.FAILED:
                errors, status = {"form": job.error}, 400
            else:  # on a worker: the page follows its progress, then links to the plan
                context = {"active_nav": "jointplans", "job": job_view(job)}
                return render(request, "inspections/jointplan_new.html", context, status=202)
    context = {
        "active_nav": "jointplans",
        "data": data,
        "errors": errors,
        "regions": regions,
        "default_cap": plans.DEFAULT_LIMITS.max_visits_per_year,
        "max_days": plans.MAX_PERIOD_DAYS,
    }
    return render(request, "inspections/jointplan_new.html", context, status=status)


def _officer_names(squad_days) -> None:
    for sd in squad_days:
        sd.officer_names = [o.name for o in sd.officers.all()]


def _figures(plan) -> dict:
    f = dict(plan.figures or {})
    sep, joint = f.get("separate_visits") or 0, f.get("joint_visits") or 0
    f["visit_saving_pct"] = round(100 * (1 - joint / sep), 1) if sep else None
    km, km_un = f.get("km") or 0, f.get("km_unordered") or 0
    f["km_saving_pct"] = round(100 * (1 - km / km_un), 1) if km_un else None
    od, sod = f.get("officer_days") or 0, f.get("separate_officer_days") or 0
    f["officer_days_change_pct"] = round(100 * (od / sod - 1), 1) if sod else None
    alone = f.get("alone")  # plans made before the departments-alone baseline have none
    if alone:
        names = plans.domain_names()
        alone = dict(alone)
        for key in ("visit_saving", "officer_day_saving", "km_saving", "best_visit_saving"):
            saving = alone.get(key) or 0
            alone[f"{key}_pct"] = round(100 * saving, 1)
            # Shown as a change against the departments alone: a saving is "−", a cost "+".
            alone[f"{key}_text"] = f"{'−' if saving >= 0 else '+'}{abs(100 * saving):.1f}%"
        alone["departments"] = [
            {**d, "name": names.get(d["domain"], d["domain"])} for d in alone.get("departments") or []
        ]
        alone["alone_demands"] = sum(d["demands"] for d in alone["departments"])
        alone["alone_unfitted"] = sum(d["unfitted"] for d in alone["departments"])
        alone["joint_unfitted"] = alone["demands"] - alone["joint_served"]
        f["alone"] = alone
    return f


def _unfitted_rows(plan) -> list[dict]:
    names = plans.domain_names()
    sources = dict(DemandSource.choices)
    return [
        {
            **u,
            "domain_name": names.get(u.get("domain"), u.get("domain")),
            "source_label": sources.get(u.get("source"), u.get("source")),
        }
        for u in plan.unfitted or []
    ]


@login_required
def plan_detail(request, pk: int):
    plan = plans.joint_plan_get(user=request.user, pk=pk)
    squad_days = plans.plan_squad_days(plan)
    _officer_names(squad_days)
    unfitted = _unfitted_rows(plan)
    names = plans.domain_names()
    reasons = Counter(u["reason"].split("（")[0] for u in unfitted)
    user = request.user
    writer = scope_for(user).can_write and plans.can_plan(user) and plans.may_plan(user, plan.region)
    context = {
        "active_nav": "jointplans",
        "plan": plan,
        "months": plans.plan_calendar(plan, squad_days),
        "squad_day_count": len(squad_days),
        "helping": [names.get(c, c) for c in (plan.limits or {}).get("helping_domains", [])],
        "figures": _figures(plan),
        "unfitted_page": Paginator(unfitted, UNFITTED_PAGE).get_page(request.GET.get("upage")),
        "unfitted_reasons": reasons.most_common(),
        "can_publish": writer and plan.status == PlanStatus.DRAFT,
        "can_withdraw": writer and plan.status == PlanStatus.PUBLISHED,
    }
    return render(request, "inspections/jointplan_detail.html", context)


@login_required
def squad_day_detail(request, pk: int, day_pk: int):
    """One squad day's ordered visits: a fragment for the calendar's panel (htmx) or a page of its own."""
    plan = plans.joint_plan_get(user=request.user, pk=pk)
    sd = plan.squad_days.prefetch_related("officers").filter(pk=day_pk).first()
    if sd is None:
        from django.http import Http404

        raise Http404("检查组日程不存在")
    names = plans.domain_names()
    visits = plans.squad_day_visits(sd)
    for v in visits:
        v.domain_names = [names.get(c, c) for c in v.domains]
    context = {
        "active_nav": "jointplans",
        "plan": plan,
        "sd": sd,
        "weekday": plans.weekday_label(sd.day),
        "officers": list(sd.officers.all()),
        "visits": visits,
    }
    return render_page_or_fragment(
        request, "inspections/jointplan_squadday.html", "inspections/_jointplan_squadday.html", context
    )


@login_required
@require_POST
def plan_publish_view(request, pk: int):
    plan = plans.joint_plan_get(user=request.user, pk=pk)
    try:
        plans.joint_plan_publish(plan=plan, by=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("inspections:jointplan_detail", pk=pk)
    messages.success(request, "计划已发布，检查组成员可在“我的检查日程”中看到")
    return redirect("inspections:jointplan_detail", pk=pk)


@login_required
@require_POST
def plan_withdraw_view(request, pk: int):
    plan = plans.joint_plan_get(user=request.user, pk=pk)
    try:
        plans.joint_plan_withdraw(plan=plan, by=request.user, reason=request.POST.get("reason", ""))
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("inspections:jointplan_detail", pk=pk)
    messages.success(request, "计划已撤回，未检查的对象已取消，部门需求重新待安排")
    return redirect("inspections:jointplan_detail", pk=pk)


@login_required
def plan_xlsx(request, pk: int):
    plan = plans.joint_plan_get(user=request.user, pk=pk)
    squad_days = plans.plan_squad_days(plan)
    _officer_names(squad_days)
    names = plans.domain_names()
    statuses = dict(VisitStatus.choices)
    book = Workbook()
    bold = Font(bold=True)

    sheet = book.active
    sheet.title = "日程"
    append_row(
        sheet,
        [
            "日期",
            "星期",
            "检查组",
            "检查组成员",
            "顺序",
            "监管对象",
            "统一社会信用代码",
            "地址",
            "楼宇",
            "检查领域",
            "检查事项数",
            "检查事项",
            "需求来源",
            "状态",
            "当日里程（公里）",
        ],
    )
    weekday = "一二三四五六日"
    visits_by_day: dict[int, list] = {}
    for v in plan.visits.select_related("subject", "subject__building").order_by(
        "squad_day__day", "squad_day_id", "order"
    ):
        visits_by_day.setdefault(v.squad_day_id, []).append(v)
    for sd in squad_days:
        for v in visits_by_day.get(sd.pk, []):
            append_row(
                sheet,
                [
                    sd.day,
                    f"星期{weekday[sd.day.weekday()]}",
                    f"第 {sd.number} 组日",
                    "、".join(sd.officer_names),
                    v.order,
                    v.subject.name,
                    v.subject.uscc,
                    v.subject.address,
                    v.subject.building.name if v.subject.building_id else "",
                    "、".join(names.get(c, c) for c in v.domains),
                    len(v.items),
                    "、".join(v.items),
                    plans.sources_text(v.sources),
                    statuses.get(v.status, v.status),
                    sd.km,
                ],
            )
            sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd"
    for col, width in zip(
        "ABCDEFGHIJKLMNO", (12, 8, 10, 28, 6, 34, 22, 30, 22, 24, 10, 40, 16, 8, 14), strict=True
    ):
        sheet.column_dimensions[col].width = width
    sheet.freeze_panes = "A2"

    left = book.create_sheet("未排入")
    append_row(left, ["监管对象", "对象编号", "检查领域", "需求来源", "部门需求编号", "原因"])
    for u in _unfitted_rows(plan):
        append_row(
            left,
            [
                u.get("subject_name"),
                u.get("subject"),
                u["domain_name"],
                u["source_label"],
                u.get("request") or "",
                u.get("reason"),
            ],
        )
    for col, width in zip("ABCDEF", (34, 10, 14, 14, 14, 50), strict=True):
        left.column_dimensions[col].width = width

    f = _figures(plan)
    fig = book.create_sheet("指标")
    append_row(fig, [plan.name])
    fig.cell(row=1, column=1).font = bold
    append_row(fig, ["区域", plan.region.name])
    append_row(fig, ["计划期间", f"{plan.period_start:%Y-%m-%d} 至 {plan.period_end:%Y-%m-%d}"])
    append_row(fig, ["状态", plan.get_status_display()])
    append_row(fig, [])
    append_row(fig, ["指标", "综合查一次", "各部门单独检查", "变化（%）"])
    a = f.get("alone")
    if a:  # each department alone, planned by the same engine with its own officers and routes
        for label, joint, alone, saving in (
            ("检查次数", f.get("joint_visits"), a["alone_visits"], a["visit_saving_pct"]),
            ("执法人员·日", f.get("officer_days"), a["alone_officer_days"], a["officer_day_saving_pct"]),
            ("检查组·日", f.get("squad_days"), a["alone_squad_days"], None),
            ("路线里程（公里，各部门各自优化路线）", f.get("km"), a["alone_km"], a["km_saving_pct"]),
        ):
            append_row(fig, [label, joint, alone, -saving if saving is not None else None])
        append_row(fig, ["平均每户部门数", a["overlap"]])
        append_row(fig, ["一户一次最多可减（%）", a["best_visit_saving_pct"]])
        append_row(fig, ["路线里程（公里，对比同日未排序）", f.get("km"), f.get("km_unordered")])
    else:
        append_row(
            fig,
            [
                "检查次数",
                f.get("joint_visits"),
                f.get("separate_visits"),
                -f["visit_saving_pct"] if f["visit_saving_pct"] is not None else None,
            ],
        )
        append_row(
            fig,
            [
                "执法人员·日",
                f.get("officer_days"),
                f.get("separate_officer_days"),
                f["officer_days_change_pct"],
            ],
        )
        append_row(
            fig,
            [
                "路线里程（公里，对比同日未排序）",
                f.get("km"),
                f.get("km_unordered"),
                -f["km_saving_pct"] if f["km_saving_pct"] is not None else None,
            ],
        )
    append_row(fig, ["路线里程（公里，对比同日随机顺序）", f.get("km"), f.get("km_shuffled")])
    append_row(fig, ["路线里程（公里，对比按输入顺序分日）", f.get("km"), f.get("km_unclustered")])
    append_row(fig, [])
    append_row(fig, ["检查需求", f.get("demands")])
    append_row(fig, ["检查对象", f.get("subjects")])
    append_row(fig, ["检查组·日", f.get("squad_days")])
    append_row(fig, ["工作日", f.get("working_days")])
    append_row(fig, ["未排入需求", f.get("unfitted")])
    append_row(fig, ["编制用时（秒）", f.get("seconds")])
    append_row(fig, ["随机种子", plan.seed])
    if a and a.get("departments"):
        append_row(fig, [])
        append_row(fig, ["各部门单独检查", "需求", "检查次数", "人·日", "公里", "未排入"])
        for d in a["departments"]:
            append_row(fig, [d["name"], d["demands"], d["visits"], d["officer_days"], d["km"], d["unfitted"]])
    fig.column_dimensions["A"].width = 36
    for col in "BCD":
        fig.column_dimensions[col].width = 16

    response = HttpResponse(workbook_bytes(book), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"综合查一次计划-{plan.pk}.xlsx")
    return response


@login_required
def my_days(request):
    """执法队员手机页：本人已发布计划中今天及以后的检查日程，逐户顺序、地址与检查记录入口。"""
    user = request.user
    officer = Officer.objects.filter(pk=user.officer_id).first() if user.officer_id else None
    days = plans.my_squad_days(user=user)
    names = plans.domain_names()
    for sd in days:
        sd.mates = [o.name for o in sd.officers.all() if o.pk != user.officer_id]
        for v in sd.ordered_visits:
            v.domain_names = [names.get(c, c) for c in v.domains]
    context = {
        "active_nav": "mydays",
        "officer": officer,
        "days": days,
        "today": timezone.localdate(),
    }
    return render(request, "inspections/jointplan_mydays.html", context)


@login_required
@require_POST
def visit_mark_view(request, visit_pk: int):
    visit = plans.plan_visit_get(user=request.user, pk=visit_pk)
    try:
        plans.plan_visit_mark(
            visit=visit,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
            by=request.user,
        )
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"已标记：{visit.subject} {visit.get_status_display()}")
    back = request.POST.get("next") or ""
    if back.startswith("/inspections/"):
        return redirect(back)
    return redirect("inspections:my_days")
