"""The public's pages, no login: report a problem (rate-limited per address) and follow it by its receipt
number, then rate the answer. Nothing here shows who handled an event or any reporter's details."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhifa.accounts.network import client_ip
from zhifa.core.errors import ServiceError
from zhifa.core.ratelimit import allowance_give_back, allowance_take
from zhifa.dispatch.choices import Channel, EventStatus
from zhifa.dispatch.events import forms as f
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.events.selectors import event_get_by_receipt
from zhifa.dispatch.events.services import event_rate
from zhifa.dispatch.events.views import _intake_kwargs, _step_label

REPORT_LIMIT, REPORT_WINDOW_SECONDS = 5, 600


def _client_ip(request) -> str:
    # The peer, or the address a trusted proxy saw; never a header the client chose (accounts.network).
    return client_ip(request) or "unknown"


PREFILL = ("description", "address", "subdistrict")  # a link may fill these in (the shop code's report link)


def report(request):
    initial = {k: request.GET[k][:200] for k in PREFILL if request.GET.get(k)}
    form = f.PublicReportForm(request.POST or None, initial=initial, subdistricts=f.public_subdistricts())
    status = 200
    if request.method == "POST":
        # Taken before the report is made and given back if it is not: counted atomically in the cache, so
        # with a shared cache the allowance holds across every app server and for reports sent at once.
        allowance = f"dispatch:report:{_client_ip(request)}"
        if not allowance_take(allowance, limit=REPORT_LIMIT, window_seconds=REPORT_WINDOW_SECONDS):
            form = f.PublicReportForm(request.POST, subdistricts=f.public_subdistricts())
            messages.error(request, "提交过于频繁，请稍后再试")
            return render(request, "dispatch/report.html", {"form": form}, status=429)
        if form.is_valid():
            try:
                event = event_intake(channel=Channel.WEB, **_intake_kwargs(form.cleaned_data))
            except ServiceError as err:
                allowance_give_back(allowance)
                form.add_service_errors(err)
                status = err.status
            else:
                messages.success(request, "您的诉求已受理，请保存受理编号，凭编号查询办理进度并评价。")
                return redirect("dispatch:track_detail", receipt=event.receipt_no)
        else:
            allowance_give_back(allowance)
            status = 400
    return render(request, "dispatch/report.html", {"form": form}, status=status)


def track(request):
    receipt = (request.GET.get("receipt") or "").strip().upper()[:24]
    if receipt:
        return redirect("dispatch:track_detail", receipt=receipt)
    return render(request, "dispatch/track.html", {})


def _public_timeline(event) -> list[dict]:
    # Statuses and times only: who acted and their notes are for staff.
    rows = event.history.values_list("to_status", "at")
    return [{"label": _step_label(s), "at": at} for s, at in rows]


def _track_page(request, receipt: str, form=None, status: int = 200):
    try:
        event = event_get_by_receipt(receipt_no=receipt)
    except Http404:
        return render(request, "dispatch/track.html", {"missing": receipt[:24]}, status=404)
    # A merged report follows the event that carries the work; its reporter sees that event's progress
    # and answer, never its receipt number or its reporter.
    carrier = event.duplicate_of if event.duplicate_of_id else event
    can_rate = carrier.status in (EventStatus.ANSWERED, EventStatus.CLOSED) and event.rating is None
    context = {
        "event": event,
        "carrier": carrier,
        "timeline": _public_timeline(event) + (_public_timeline(carrier)[1:] if carrier != event else []),
        "can_rate": can_rate,
        "form": form or f.RatingForm(),
    }
    return render(request, "dispatch/track_detail.html", context, status=status)


def track_detail(request, receipt: str):
    return _track_page(request, receipt)


@require_POST
def track_rate(request, receipt: str):
    try:
        event = event_get_by_receipt(receipt_no=receipt)
    except Http404:
        return _track_page(request, receipt)
    form = f.RatingForm(request.POST)
    if not form.is_valid():
        return _track_page(request, receipt, form=form, status=400)
    try:
        event_rate(event=event, rating=form.cleaned_data["rating"])
    except ServiceError as err:
        messages.error(request, err.message)
        return _track_page(request, receipt, status=err.status)
    messages.success(request, "感谢您的评价！")
    return redirect("dispatch:track_detail", receipt=event.receipt_no)
