"""部门检查需求 pages: list (scoped), new (from a subject page or by credit code), cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhifa.core.errors import ServiceError
from zhifa.core.pagination import paginate, query_without_page
from zhifa.inspections import requests as svc
from zhifa.inspections.models import RequestStatus
from zhifa.subjects.models import Subject
from zhifa.subjects.selectors import subject_get


@login_required
def request_list(request):
    status = request.GET.get("status", "")
    q = request.GET.get("q", "")
    context = {
        "active_nav": "jointplans",
        "page": paginate(request, svc.request_list(user=request.user, status=status, q=q)),
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
    found = svc.request_get(user=request.user, pk=pk)
    try:
        svc.inspection_request_cancel(request=found, reason=request.POST.get("reason", ""), by=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"已撤销检查需求：{found.subject.name}")
    return redirect("inspections:request_list")
