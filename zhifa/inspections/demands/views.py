"""检查需求 pages: a subdistrict's due checks for a period (per domain, cause and subject), and departments'
inspection requests (部门检查需求): list (scoped), new (from a subject page or by credit code), cancel."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhifa.core.errors import ServiceError
from zhifa.core.pagination import paginate, query_without_page
from zhifa.engine.demands import SOURCES
from zhifa.inspections.choices import DemandSource, RequestStatus
from zhifa.inspections.demands import selectors
from zhifa.inspections.demands import services as svc
from zhifa.inspections.demands.selectors import demand_overview, next_quarter
from zhifa.org.selectors import subdistrict_choices
from zhifa.risk.services import frequency_texts
from zhifa.subjects.models import Subject
from zhifa.subjects.selectors import subject_get


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


@login_required
def request_list(request):
    status = request.GET.get("status", "")
    q = request.GET.get("q", "")
    context = {
        "active_nav": "jointplans",
        "page": paginate(request, selectors.request_list(user=request.user, status=status, q=q)),
        "query": query_without_page(request),
        "status": status,
        "q": q,
        "statuses": RequestStatus.choices,
        "can_request": svc.can_request(request.user),
    }
    return render(request, "inspections/request_list.html", context)


def _subject_from(user, data) -> Subject | None:
    """The subject by id (from its page) or by its unified social credit code, in the user's jurisdiction."""
    value = str(data.get("subject", "")).strip()
    if value.isdigit():
        return subject_get(user=user, pk=int(value))
    uscc = str(data.get("uscc", "")).strip().upper()
    found = Subject.objects.filter(uscc=uscc).values_list("pk", flat=True).first() if uscc else None
    return subject_get(user=user, pk=found) if found else None


@login_required
def request_new(request):
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    errors, status = [], 200
    subject = _subject_from(user, data)
    if request.method == "POST":
        if subject is None:
            errors, status = (
                [{"field": "uscc", "message": "请填写监管对象的统一社会信用代码（或从对象页进入）"}],
                400,
            )
        else:
            try:
                made = svc.inspection_request_create(
                    subject=subject,
                    domain=data.get("domain", ""),
                    due_from=data.get("due_from", ""),
                    due_to=data.get("due_to", ""),
                    reason=data.get("reason", ""),
                    items=data.get("item_codes", "").replace("，", ",").replace(",", " ").split(),
                    by=user,
                )
            except ServiceError as err:
                errors, status = err.errors or [{"field": "", "message": err.message}], err.status
            else:
                messages.success(request, f"已提出检查需求：{made.subject.name}（{made.domain.name}）")
                return redirect("inspections:request_list")
    context = {
        "active_nav": "jointplans",
        "subject": subject,
        "domains": svc.request_domains(user),
        "can_request": svc.can_request(user),
        "data": data,
        "errors": errors,
        "today": timezone.localdate(),
    }
    return render(
        request, "inspections/request_new.html", context, status=status if svc.can_request(user) else 403
    )


@login_required
@require_POST
def request_cancel(request, pk: int):
    found = selectors.request_get(user=request.user, pk=pk)
    try:
        svc.inspection_request_cancel(request=found, reason=request.POST.get("reason", ""), by=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"已撤销检查需求：{found.subject.name}")
    return redirect("inspections:request_list")
