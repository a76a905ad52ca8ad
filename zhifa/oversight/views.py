"""Pages of oversight: the supervision board (warnings by model, unit, month and state, with the list, the
last scan and an xlsx), a warning with the records behind it and its handling, and the models' parameters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from zhifa.core.errors import ServiceError
from zhifa.core.pagination import paginate, query_without_page
from zhifa.core.params import int_or_none
from zhifa.core.tabular import append_row, workbook_bytes
from zhifa.jobs.selectors import job_get_for_user
from zhifa.oversight import jobs, report
from zhifa.oversight import selectors as sel
from zhifa.oversight import services as svc
from zhifa.oversight.choices import AlertState
from zhifa.oversight.deadlines import alert_notices
from zhifa.oversight.forms import AnswerForm, AssignForm, CloseForm, VerifyForm
from zhifa.oversight.models import AlertRule, AlertStep
from zhifa.oversight.rules import MODELS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter(request) -> sel.AlertFilter:
    get = request.GET
    state = get.get("state", "")
    if state not in ("open", *AlertState.values):
        state = ""
    return sel.AlertFilter(
        rule=get.get("model", "") if get.get("model", "") in {m.code for m in MODELS} else "",
        unit=int_or_none(get.get("unit")),
        state=state,
        month=(get.get("month") or "")[:7],
        overdue=get.get("overdue") == "1",
        q=(get.get("q") or "").strip()[:40],
    )


@login_required
def board(request):
    """监督预警: the oversight role's start page; a unit sees its own warnings here too."""
    user = request.user
    f = _filter(request)
    qs = sel.alert_filter(sel.alert_list_for_user(user=user), f)
    figures = sel.alert_figures(qs)
    context = {
        "active_nav": "oversight",
        "f": f,
        "figures": figures,
        "charts": {
            "months": figures["by_month"],
            "models": figures["by_rule"],
            "units": [
                {"name": r["unit__name"] or "（未确定）", "n": r["n"], "open": r["open"]}
                for r in figures["by_unit"][:15]
            ],
        },
        "page": paginate(request, qs.order_by("-opened_at", "-id")),
        "query": query_without_page(request),
        "models": [(m.code, m.name) for m in MODELS],
        "states": [("open", "未办结"), *AlertState.choices],
        "units": sel.units_for_assign(),
        "last_scan": sel.last_scan(),
        "can_scan": svc.is_oversight(user),
        "today": timezone.localdate(),
        "notices": alert_notices(user=user),
    }
    return render(request, "oversight/board.html", context)


@login_required
def board_xlsx(request):
    qs = sel.alert_filter(sel.alert_list_for_user(user=request.user), _filter(request))
    book = Workbook()
    sheet = book.active
    sheet.title = "监督预警"
    append_row(
        sheet,
        [
            "编号",
            "预警模型",
            "等级",
            "预警事项",
            "责任单位",
            "状态",
            "预警时间",
            "整改期限",
            "答复时间",
            "办结时间",
        ],
    )
    for a in qs.order_by("-opened_at", "-id")[:50000]:
        append_row(
            sheet,
            [
                a.pk,
                a.rule.name,
                a.get_severity_display(),
                a.title,
                a.unit.name if a.unit else "",
                a.get_state_display(),
                timezone.localtime(a.opened_at).strftime("%Y-%m-%d %H:%M"),
                a.due_on.isoformat() if a.due_on else "",
                timezone.localtime(a.answered_at).strftime("%Y-%m-%d %H:%M") if a.answered_at else "",
                timezone.localtime(a.closed_at).strftime("%Y-%m-%d %H:%M") if a.closed_at else "",
            ],
        )
    for col, width in zip("ABCDEFGHIJ", (8, 22, 6, 60, 24, 10, 16, 12, 16, 16), strict=True):
        sheet.column_dimensions[col].width = width
    response = HttpResponse(workbook_bytes(book), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"监督预警-{timezone.localdate()}.xlsx"
    )
    return response


@login_required
@require_POST
def scan(request):
    """立即扫描: a background job; its page shows the progress, then the counts."""
    try:
        job = jobs.oversight_scan_submit(by=request.user)
    except ServiceError as err:
        raise PermissionDenied(err.message) from None
    return redirect("jobs:status", job_id=job.pk)


def _forms(alert, data=None, files=None, which: str = ""):
    initial = {"version": alert.version}
    bound = lambda name: data if which == name else None  # noqa: E731
    return {
        "assign": AssignForm(
            bound("assign"),
            initial={**initial, "unit": alert.unit_id, "due_on": alert.due_on or svc.default_due_on()},
            label_suffix="",
        ),
        "answer": AnswerForm(
            bound("answer"), files if which == "answer" else None, initial=initial, label_suffix=""
        ),
        "verify": VerifyForm(bound("verify"), initial=initial, label_suffix=""),
        "close": CloseForm(bound("close"), initial=initial, label_suffix=""),
    }


def _detail(request, alert, forms=None, status: int = 200):
    user = request.user
    oversight = svc.is_oversight(user)
    context = {
        "active_nav": "oversight",
        "alert": alert,
        "records": sel.record_links(alert, user),
        "steps": alert.steps.select_related("by", "unit").order_by("at", "id"),
        "forms": forms or _forms(alert),
        "can_assign": oversight and alert.state in (AlertState.NEW, AlertState.ASSIGNED),
        "can_answer": svc.can_answer(user, alert) and alert.state == AlertState.ASSIGNED,
        "can_verify": oversight and alert.state == AlertState.ANSWERED,
        "can_close": oversight and alert.state in (AlertState.NEW, AlertState.ASSIGNED, AlertState.ANSWERED),
        "units": sel.units_for_assign(),
        "today": timezone.localdate(),
        "escalated": alert.escalated_at is not None and alert.escalated_for == alert.due_on,
        "overdue": alert.state == AlertState.ASSIGNED
        and alert.due_on
        and alert.due_on < timezone.localdate(),
    }
    return render(request, "oversight/alert_detail.html", context, status=status)


@login_required
def alert_detail(request, pk: int):
    return _detail(request, sel.alert_get_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def alert_action(request, pk: int, action: str):
    user = request.user
    alert = sel.alert_get_for_user(user=user, pk=pk)
    if action not in ("assign", "answer", "verify", "close"):
        raise Http404("没有这个操作")
    forms = _forms(alert, request.POST, request.FILES, which=action)
    form = forms[action]
    if not form.is_valid():
        messages.error(request, "请检查填写的内容")
        return _detail(request, alert, forms, status=400)
    data = form.cleaned_data
    version = data.get("version")
    try:
        if action == "assign":
            svc.alert_assign(alert=alert, unit=svc.unit_for_assign(data["unit"]), due_on=data["due_on"],
                             note=data["note"], by=user, version=version)  # fmt: skip
            messages.success(request, "已下发责任单位")
        elif action == "answer":
            svc.alert_answer(alert=alert, text=data["text"], file=data.get("file"), by=user, version=version)
            messages.success(request, "已提交说明或整改情况，等待执法监督核查")
        elif action == "verify":
            svc.alert_verify(alert=alert, passed=data["passed"] == "1", note=data["note"], due_on=data["due_on"],
                             by=user, version=version)  # fmt: skip
            messages.success(request, "已记录核查结论")
        else:
            svc.alert_close(alert=alert, note=data["note"], by=user, version=version)
            messages.success(request, "预警已办结")
    except ServiceError as err:
        field = err.errors[0]["field"] if err.errors else None
        if field in form.fields and field != "version":
            form.add_error(field, err.message)
        else:
            messages.error(request, err.message)
        return _detail(request, alert, forms, status=err.status)
    return redirect("oversight:alert_detail", pk=alert.pk)


@login_required
def step_file(request, pk: int):
    step = AlertStep.objects.filter(pk=pk).exclude(attachment="").first()
    if step is None:
        raise Http404("附件不存在")
    sel.alert_get_for_user(user=request.user, pk=step.alert_id)  # the warning's scope is the file's
    response = FileResponse(
        step.attachment.open("rb"), as_attachment=True, filename=step.attachment_name or "附件"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _may_tune(user) -> bool:
    return user.is_superuser or user.role in ("oversight", "admin", "district_command")


@login_required
def rules(request):
    svc.rules_sync()
    context = {"active_nav": "oversight_models", "rows": sel.rule_rows(), "can_edit": _may_tune(request.user)}
    return render(request, "oversight/rules.html", context)


@login_required
@require_POST
def rule_edit(request, code: str):
    rule = AlertRule.objects.filter(code=code).first()
    if rule is None:
        raise Http404("预警模型不存在")
    model = next(m for m in MODELS if m.code == code)
    params = {name: request.POST.get(name, "") for name in model.params}
    try:
        svc.alert_rule_update(rule=rule, params=params, active=request.POST.get("active") == "1", by=request.user,
                              version=int_or_none(request.POST.get("version")))  # fmt: skip
    except ServiceError as err:
        messages.error(request, f"{model.name}：{err.message}")
        if err.status == 403:
            raise PermissionDenied(err.message) from None
    else:
        messages.success(request, f"{model.name}：参数已保存，下次扫描生效")
    return redirect("oversight:rules")


def _month(request) -> tuple[str, str]:
    """The month asked for (default: this month) and a note when the asked one was not a month."""
    asked = (request.GET.get("month") or "").strip()
    if asked:
        try:
            report.month_bounds(asked)
            return asked, ""
        except ValueError as exc:
            return timezone.localdate().strftime("%Y-%m"), f"{exc}，已显示本月"
    return timezone.localdate().strftime("%Y-%m"), ""


@login_required
def monthly(request):
    """月度报告: events and the 721 mix, on-time rates, inspections, cases, codes and warnings by area."""
    if request.user.role == "grid_worker":
        raise PermissionDenied("网格员不查看监督报告")
    month, note = _month(request)
    context = {
        "active_nav": "oversight_report",
        "r": report.monthly_report(user=request.user, month=month),
        "note": note,
    }
    return render(request, "oversight/monthly.html", context)


@login_required
def monthly_xlsx(request):
    if request.user.role == "grid_worker":
        raise PermissionDenied("网格员不查看监督报告")
    month, _ = _month(request)
    body = report.report_xlsx(report.monthly_report(user=request.user, month=month))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"执法监督月度报告-{month}.xlsx")
    return response


@login_required
@require_POST
def monthly_generate(request):
    """生成 xlsx + PDF in the background for the month asked; the job page links the two files."""
    try:
        job = jobs.monthly_report_submit(by=request.user, month=(request.POST.get("month") or "").strip())
    except ServiceError as err:
        if err.status == 403:
            raise PermissionDenied(err.message) from None
        messages.error(request, err.message)
        return redirect("oversight:monthly")
    return redirect("jobs:status", job_id=job.pk)


@login_required
def monthly_file(request, job_id, fmt: str):
    """A generated report's file, for the person who started the job (and administrators)."""
    job = job_get_for_user(request.user, job_id)
    if job.kind != jobs.REPORT_JOB or fmt not in jobs.REPORT_FILES or job.status != "succeeded":
        raise Http404("报告不存在或尚未生成")
    name = jobs.report_file_name(job.pk, fmt)
    if not default_storage.exists(name):
        raise Http404("报告文件不存在")
    month = (job.params or {}).get("month", "")
    response = FileResponse(default_storage.open(name, "rb"), as_attachment=True,
                            filename=f"执法监督月度报告-{month}.{fmt}")  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response
