"""Coordination pages: the 协同 section of an event (meetings, evidence), the list of meetings (会商联席),
a meeting's page with its record form, and evidence files served only after a jurisdiction check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from zhifa.accounts.choices import Role
from zhifa.core.errors import ServiceError
from zhifa.core.htmx import render_page_or_fragment
from zhifa.core.pagination import paginate, query_without_page
from zhifa.dispatch.choices import ConsultationKind, ConsultationStatus
from zhifa.dispatch.coordination import forms as cf
from zhifa.dispatch.coordination import services as svc
from zhifa.dispatch.coordination.context import coordination_context, event_unit_choices
from zhifa.dispatch.coordination.selectors import (
    consultation_events_for_user,
    consultation_get_for_user,
    consultation_list_for_user,
    evidence_get_for_user,
    units_by_code,
)
from zhifa.dispatch.events.selectors import event_get_for_user
from zhifa.dispatch.events.views import event_page_context
from zhifa.org.scope import scope_for

MEETINGS_PER_PAGE = 20


def _event_page_with_errors(request, event, err: ServiceError, **forms):
    """Render the event page again with the bound form and the service's message (status 400/403/409)."""
    messages.error(request, err.message)
    for form in forms.values():
        for e in err.errors:
            if e.get("field") in form.fields:
                form.add_error(e["field"], e.get("message") or err.message)
    context = event_page_context(request, event)
    context.update(coordination_context(request, event, **forms))
    return render(request, "dispatch/event_detail.html", context, status=err.status)


def _back_to_event(event, anchor: str = "coordination"):
    return redirect(reverse("dispatch:event_detail", args=[event.pk]) + f"#{anchor}")


# --- meetings -------------------------------------------------------------------------------------------


@login_required
@require_POST
def consultation_new(request, pk: int):
    """召集会商 from the event page: the event is linked, its units are proposed as participants."""
    user = request.user
    event = event_get_for_user(user=user, pk=pk)
    form = cf.ConsultationForm(request.POST)
    if not form.is_valid():
        err = ServiceError("请检查填写的内容", [])
        return _event_page_with_errors(request, event, err, consultation_form=form)
    data = form.cleaned_data
    units, unknown = units_by_code(data["participants"])
    try:
        if unknown:
            raise ServiceError("参会单位不存在", [{"field": "participants", "message": "参会单位不存在"}])
        meeting = svc.consultation_create(
            kind=data["kind"] or "",
            topic=data["topic"],
            held_at=data["held_at"],
            place=data["place"],
            participants=units,
            events=[event],
            follow_up_deadline=data["follow_up_deadline"],
            by=user,
        )
    except ServiceError as err:
        return _event_page_with_errors(request, event, err, consultation_form=form)
    messages.success(request, f"已召集{meeting.get_kind_display()}：{meeting.topic}")
    return redirect("dispatch:consultation_detail", pk=meeting.pk)


@login_required
def consultation_list(request):
    user = request.user
    form = cf.ConsultationFilterForm(request.GET)
    filters = form.filters()
    qs = consultation_list_for_user(user=user, **filters).order_by("-held_at", "-id")
    page = paginate(request, qs, MEETINGS_PER_PAGE)
    context = {
        "active_nav": "consultations",
        "form": form,
        "filters": filters,
        "kinds": ConsultationKind.choices,
        "statuses": ConsultationStatus.choices,
        "page": page,
        "query": query_without_page(request),
    }
    return render_page_or_fragment(
        request, "dispatch/consultation_list.html", "dispatch/_consultation_rows.html", context
    )


def _may_record(user, meeting, events) -> bool:
    if not scope_for(user).can_write or meeting.status != ConsultationStatus.PLANNED:
        return False
    if (
        user.unit_id == meeting.convened_by_id
        or user.is_superuser
        or user.role in (Role.ADMIN, Role.DISTRICT_COMMAND)
    ):
        return True
    return user.role == Role.SUBDISTRICT_COMMAND and any(
        scope_for(user).covers_path(e.region_path) and e.region_path for e in events
    )


def _meeting_page(request, meeting, form=None, status: int = 200):
    user = request.user
    events = consultation_events_for_user(user=user, consultation=meeting)
    participants = list(meeting.participants.all())
    record_allowed = _may_record(user, meeting, meeting.events.only("region_path"))
    if record_allowed and form is None:
        form = cf.RecordForm(
            participants=participants, initial={"follow_up_deadline": meeting.follow_up_deadline}
        )
    context = {
        "active_nav": "consultations",
        "meeting": meeting,
        "participants": participants,
        "events": events,
        "hidden_events": meeting.events.count() - len(events),
        "form": form if record_allowed else None,
        "read_only": not scope_for(user).can_write,
    }
    return render(request, "dispatch/consultation_detail.html", context, status=status)


@login_required
def consultation_detail(request, pk: int):
    return _meeting_page(request, consultation_get_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def consultation_record(request, pk: int):
    user = request.user
    meeting = consultation_get_for_user(user=user, pk=pk)
    form = cf.RecordForm(request.POST, participants=list(meeting.participants.all()))
    if not form.is_valid():
        messages.error(request, "请检查填写的内容")
        return _meeting_page(request, meeting, form, status=400)
    try:
        svc.consultation_record(
            consultation=meeting,
            decisions=form.cleaned_data["decisions"],
            attendance=form.attendance(),
            follow_up_deadline=form.cleaned_data["follow_up_deadline"],
            by=user,
        )
    except ServiceError as err:
        messages.error(request, err.message)
        for e in err.errors:
            if e.get("field") in form.fields:
                form.add_error(e["field"], e.get("message") or err.message)
        return _meeting_page(request, meeting, form, status=err.status)
    messages.success(request, "已记录会议决定")
    return redirect("dispatch:consultation_detail", pk=meeting.pk)


# --- evidence -------------------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_attach(request, pk: int):
    user = request.user
    event = event_get_for_user(user=user, pk=pk)
    form = cf.EvidenceForm(request.POST, request.FILES, units=event_unit_choices(event))
    if not form.is_valid():
        return _event_page_with_errors(request, event, ServiceError("请检查填写的内容"), evidence_form=form)
    data = form.cleaned_data
    shared, _ = units_by_code(data["shared_with"])
    try:
        evidence = svc.evidence_attach(
            event=event,
            file=form.upload(),
            method=data["method"] or "",
            description=data["description"],
            collector_name=data["collector_name"],
            collected_at=data["collected_at"],
            shared_with=shared,
            by=user,
        )
    except ServiceError as err:
        if any(e.get("field") == "file" for e in err.errors):
            err.errors = [*err.errors, *({**e, "field": "photo"} for e in err.errors if e["field"] == "file")]
        return _event_page_with_errors(request, event, err, evidence_form=form)
    messages.success(request, f"已提交证据：{evidence.original_name}")
    return _back_to_event(event, f"evidence-{evidence.pk}")


@login_required
def evidence_file(request, pk: int):
    """The file itself, only for those who may see the evidence; never from a public media URL."""
    evidence = evidence_get_for_user(user=request.user, pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("证据文件缺失") from None
    as_attachment = request.GET.get("download") == "1"
    response = FileResponse(handle, content_type=evidence.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, evidence.original_name)
    response["X-Evidence-SHA256"] = evidence.sha256
    # An uploaded file must not run as a page of this site, whatever it contains.
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_withdraw(request, pk: int):
    evidence = evidence_get_for_user(user=request.user, pk=pk)
    form = cf.ReasonForm(request.POST)
    form.is_valid()
    try:
        svc.evidence_withdraw(
            evidence=evidence, reason=form.cleaned_data.get("reason") or "", by=request.user
        )
    except ServiceError as err:
        return _event_page_with_errors(request, evidence.event, err)
    messages.success(request, f"已撤回证据：{evidence.original_name}")
    return _back_to_event(evidence.event, f"evidence-{evidence.pk}")


@login_required
@require_POST
def evidence_adopt(request, pk: int):
    evidence = evidence_get_for_user(user=request.user, pk=pk)
    form = cf.AdoptForm(request.POST)
    form.is_valid()
    try:
        svc.evidence_adopt(evidence=evidence, purpose=form.cleaned_data.get("purpose") or "", by=request.user)
    except ServiceError as err:
        return _event_page_with_errors(request, evidence.event, err)
    messages.success(request, f"已采纳 {evidence.unit.name} 的证据：{evidence.original_name}")
    return _back_to_event(evidence.event, f"evidence-{evidence.pk}")
