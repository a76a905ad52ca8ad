"""Command-centre pages: the live board, event detail and its actions, staff intake, my tasks, the ledger,
and the public report and track pages. Reads go through the selectors, writes through the services."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from zhifa.accounts.choices import Role
from zhifa.core.errors import ServiceError
from zhifa.core.htmx import render_page_or_fragment
from zhifa.core.pagination import paginate, query_without_page
from zhifa.dispatch.choices import OPEN_STATUSES, Channel, EventStatus, Priority, UnitRole
from zhifa.dispatch.events import forms as f
from zhifa.dispatch.events.accuracy import routing_accuracy_for_user
from zhifa.dispatch.events.ledger import event_ledger_xlsx
from zhifa.dispatch.events.sections import event_sections_context
from zhifa.dispatch.events.selectors import event_get_for_user, event_list_for_user
from zhifa.dispatch.events.services import (
    CORRECTABLE,
    REROUTABLE,
    event_accept,
    event_answer,
    event_arrive,
    event_close,
    event_correct,
    event_dispatch,
    event_merge,
    event_resolve,
    event_return,
)
from zhifa.dispatch.events.stats import ON_TIME_DAYS, OVERDUE_DEFINITION, on_time_total, overdue_q
from zhifa.dispatch.models import Event, SlaPolicy
from zhifa.dispatch.sla import FINISHED, event_clocks
from zhifa.engine.classify import plain_name
from zhifa.engine.sla import CLOCK_LABELS
from zhifa.org import selectors as org_selectors
from zhifa.org.models import Region
from zhifa.org.scope import scope_for

COMMAND_ROLES = (Role.ADMIN, Role.DISTRICT_COMMAND, Role.SUBDISTRICT_COMMAND)
TASKS_PER_PAGE = 20

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _is_command(user) -> bool:
    return user.is_superuser or user.role in COMMAND_ROLES


def _plain(qs):
    """The scoped events without the selector's DISTINCT join, so that grouping and aggregates count each once."""
    return Event.objects.filter(pk__in=qs.values("pk")) if qs.query.distinct else qs


def _urgent_first(qs):
    rank = Case(When(priority=Priority.URGENT, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(urgent_rank=rank)


# --- clocks as people read them ------------------------------------------------------------------------


def _duration(minutes: float) -> str:
    m = int(abs(minutes))
    if m < 1:
        return "不足 1 分钟"
    if m < 60:
        return f"{m} 分钟"
    if m < 24 * 60:
        return f"{m // 60} 小时 {m % 60} 分"
    return f"{m // 1440} 天 {m % 1440 // 60} 小时"


def _clock_rows(event, now) -> list[dict]:
    rows = []
    for c in event_clocks(event, now):
        if c.state == "overdue":
            text = f"超时 {_duration(c.minutes_left)}"
        elif c.state == "running":
            text = f"剩 {_duration(c.minutes_left)}"
        elif c.state == "late":
            text = f"超时 {_duration(c.minutes_left)} 完成"
        else:
            text = "按时完成"
        rows.append({"label": c.label, "due": c.due, "done_at": c.done_at, "state": c.state, "text": text})
    return rows


def _badge(event, now) -> dict | None:
    """The clock that matters now: the first one still running or already overdue."""
    if event.status in FINISHED:
        return None
    return next((c for c in _clock_rows(event, now) if c["state"] in ("running", "overdue")), None)


# What happened at each step, as a timeline reads ("签收"), rather than the state it left ("已受理").
STEP_LABELS = {
    EventStatus.RECEIVED: "受理",
    EventStatus.DISPATCHED: "派发",
    EventStatus.ACCEPTED: "签收",
    EventStatus.ON_SITE: "到场",
    EventStatus.RESOLVED: "处置",
    EventStatus.ANSWERED: "答复",
    EventStatus.CLOSED: "办结",
    EventStatus.RETURNED: "退单",
    EventStatus.MERGED: "合并",
}


def _step_label(status: str) -> str:
    return STEP_LABELS.get(status, status)


def _ago(moment, now) -> str:
    minutes = (now - moment).total_seconds() / 60
    return "刚刚" if minutes < 1 else f"{_duration(minutes)}前"


def _mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) >= 7:
        return phone[:3] + "****" + phone[-4:]
    return "****"


# --- board -----------------------------------------------------------------------------------------------


def _board_kpis(user, now) -> dict:
    """The tiles, from the events in scope; 超时 and 按时到场率 are the figures of events.stats, the same ones the
    dashboard shows for the same window."""
    policies = list(SlaPolicy.objects.all())
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    figures = _plain(event_list_for_user(user=user)).aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        urgent=Count("id", filter=Q(status__in=OPEN_STATUSES, priority=Priority.URGENT)),
        overdue=Count("id", filter=overdue_q(policies, now)),
        dispatched_today=Count("id", filter=Q(dispatched_at__gte=midnight)),
        received_today=Count("id", filter=Q(received_at__gte=midnight)),
    )
    on_site = on_time_total(user=user, since=now - timedelta(days=ON_TIME_DAYS), now=now)["clocks"]["on_site"]
    figures.update(
        on_time_percent=on_site["percent"],
        on_time_met=on_site["met"],
        on_time_due=on_site["due"],
        on_time_days=ON_TIME_DAYS,
        overdue_definition=OVERDUE_DEFINITION,
    )
    return figures


def _map_data(user, subdistricts: list[tuple[str, str]]) -> dict:
    """Subdistrict shapes in scope with the count of open events in each, for the board's map."""
    scoped = event_list_for_user(user=user).filter(status__in=OPEN_STATUSES)
    counts = dict(
        _plain(scoped)
        .filter(subdistrict__isnull=False)
        .values_list("subdistrict__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    codes = {c for c, _ in subdistricts} | set(counts)
    shapes = (
        Region.objects.filter(code__in=codes, geometry__isnull=False)
        .order_by("code")
        .values_list("code", "name", "geometry")
    )
    features = [
        {"type": "Feature", "properties": {"name": name, "code": code}, "geometry": geometry}
        for code, name, geometry in shapes
        if isinstance(geometry, dict) and geometry.get("type")
    ]
    return {
        "features": {"type": "FeatureCollection", "features": features},
        "counts": {code: counts.get(code, 0) for code in sorted(codes)},
    }


def _queue_context(request, user, now) -> dict:
    form = f.EventFilterForm(request.GET)
    filters = form.filters()
    events = f.apply_filters(event_list_for_user(user=user, q=filters["q"]), filters, now=now)
    events = _urgent_first(events.defer("subdistrict__geometry", "classification", "route_explanation"))
    page = paginate(request, events.order_by("urgent_rank", "-received_at", "-id"))
    page.object_list = list(page.object_list)
    for event in page.object_list:
        event.badge = _badge(event, now)
        event.ago = _ago(event.received_at, now)
    return {
        "form": form,
        "filters": filters,
        "page": page,
        "query": query_without_page(request),
        "poll_query": request.GET.urlencode(),
        "kpis": _board_kpis(user, now),
        "now": now,
    }


@login_required
def board(request):
    user, now = request.user, timezone.now()
    context = {"active_nav": "board", **_queue_context(request, user, now)}
    if request.htmx and not request.htmx.history_restore_request:
        return render_page_or_fragment(request, "dispatch/board.html", "dispatch/_queue.html", context)
    subdistricts = org_selectors.subdistrict_choices(user=user)
    map_data = _map_data(user, subdistricts)
    known = {c for c, _ in subdistricts}
    names = {
        feat["properties"]["code"]: feat["properties"]["name"] for feat in map_data["features"]["features"]
    }
    # A team also works on events outside its own subdistrict: those places join the filter too.
    subdistricts += [(c, names[c]) for c in map_data["counts"] if c not in known and c in names]
    # The map's text equivalent (WCAG 1.1.1): each subdistrict on it with its open events, busiest first.
    map_rows = sorted(
        ({"code": c, "name": n, "count": map_data["counts"].get(c, 0)} for c, n in names.items()),
        key=lambda r: (-r["count"], r["code"]),
    )
    context.update(
        subdistricts=subdistricts,
        map_data=map_data,
        map_rows=map_rows,
        channels=Channel.choices,
        priorities=Priority.choices,
        statuses=f.STATUS_FILTERS,
        can_intake=_is_command(user),
    )
    response = render(request, "dispatch/board.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- event detail and actions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    label: str
    statuses: tuple[str, ...]
    form: type
    command_only: bool = False


ACTIONS = {
    "accept": Action("签收", (EventStatus.DISPATCHED,), f.PlainActionForm),
    "arrive": Action("到场", (EventStatus.ACCEPTED,), f.PlainActionForm),
    "resolve": Action("处置", (EventStatus.ACCEPTED, EventStatus.ON_SITE), f.ResolveForm),
    "answer": Action("答复", (EventStatus.RESOLVED,), f.AnswerForm),
    "close": Action("办结", (EventStatus.ANSWERED,), f.PlainActionForm),
    "return": Action("退单", (EventStatus.DISPATCHED, EventStatus.ACCEPTED), f.ReturnForm),
    "dispatch": Action("派发", (EventStatus.RECEIVED, EventStatus.RETURNED), f.DispatchForm, True),
    "correct": Action("更正事项或地点", CORRECTABLE, f.CorrectForm, True),
    "merge": Action(
        "合并重复诉求",
        (*REROUTABLE, EventStatus.ACCEPTED, EventStatus.ON_SITE),
        f.MergeForm,
        True,
    ),
}


def _dispatch_units(user) -> list[tuple[str, str]]:
    return org_selectors.team_choices(user=user) if _is_command(user) else []


def _make_form(name: str, user, data=None, event=None):
    spec = ACTIONS[name]
    kwargs = {"units": _dispatch_units(user)} if name == "dispatch" else {}
    if name == "correct":
        kwargs = {"subdistricts": f.public_subdistricts()}
    initial = {"version": event.version} if event is not None else None
    return spec.form(data, initial=initial, **kwargs)


def _may_act(user, event, units) -> bool:
    """Whether to offer the buttons at all; the service still decides each action."""
    if not scope_for(user).can_write:
        return False
    if _is_command(user):
        return True
    return user.unit_id is not None and any(eu.unit_id == user.unit_id and eu.active for eu in units)


def _available_actions(user, event, units, bound=None) -> list[dict]:
    if not _may_act(user, event, units):
        return []
    out = []
    for name, spec in ACTIONS.items():
        if event.status not in spec.statuses or (spec.command_only and not _is_command(user)):
            continue
        label = "改派" if name == "dispatch" and event.status == EventStatus.RETURNED else spec.label
        form = bound[1] if bound and bound[0] == name else _make_form(name, user, event=event)
        out.append({"name": name, "label": label, "form": form})
    return out


def _suggestions(classification: list[dict], confirmed_codes: set[str]) -> dict:
    """The suggestions shown as a basis: those with a phrase of the item found in the text (a generic word alone
    is never one), and the confirmed ones; the others are counted, not listed."""
    shown = [
        dict(s, confirmed=s.get("code") in confirmed_codes, plain_name=plain_name(s.get("name", "")))
        for s in classification
        if s.get("matched") or s.get("code") in confirmed_codes
    ]
    return {"suggestions": shown, "unexplained_suggestions": len(classification) - len(shown)}


def event_page_context(request, event, bound=None) -> dict:
    user, now = request.user, timezone.now()
    units = list(event.event_units.select_related("unit").order_by("role", "id"))
    confirmed_codes = set(event.event_items.filter(confirmed=True).values_list("item__code", flat=True))
    history = list(event.history.select_related("by", "unit"))
    for h in history:
        h.step_label = _step_label(h.to_status)
    escalations = list(event.escalations.select_related("to_unit").order_by("at"))
    for x in escalations:
        x.clock_label = CLOCK_LABELS.get(x.clock, x.clock)
    return {
        "active_nav": "board",
        "event": event,
        "phone": event.reporter_phone if _is_command(user) else _mask_phone(event.reporter_phone),
        **_suggestions(event.classification, confirmed_codes),
        "lead_units": [u for u in units if u.role == UnitRole.LEAD],
        "assist_units": [u for u in units if u.role == UnitRole.ASSIST],
        "clocks": _clock_rows(event, now),
        "history": history,
        "escalations": escalations,
        "merged_reports": [
            dict(receipt_no=d.receipt_no, reporter=d.reporter_name, received_at=d.received_at, pk=d.pk)
            for d in event.duplicates.order_by("received_at")
        ],
        "actions": _available_actions(user, event, units, bound),
        "read_only": not scope_for(user).can_write,
        "return_note": next((h.note for h in reversed(history) if h.to_status == EventStatus.RETURNED), "")
        if event.status == EventStatus.RETURNED
        else "",
        **event_sections_context(request, event),
    }


@login_required
def event_detail(request, pk: int):
    event = event_get_for_user(user=request.user, pk=pk)
    return render(request, "dispatch/event_detail.html", event_page_context(request, event))


def _run(name: str, event, form, user):
    data = getattr(form, "cleaned_data", {})
    if name == "accept":
        return event_accept(event=event, by=user)
    if name == "arrive":
        return event_arrive(event=event, by=user)
    if name == "resolve":
        return event_resolve(
            event=event, mode=data.get("mode") or "", result=data.get("result") or "", by=user
        )
    if name == "answer":
        return event_answer(event=event, answer=data.get("answer") or "", by=user)
    if name == "close":
        return event_close(event=event, by=user)
    if name == "return":
        return event_return(event=event, reason=data.get("reason") or "", by=user)
    if name == "correct":
        return event_correct(
            event=event,
            by=user,
            item_codes=form.codes(),
            subdistrict=data.get("subdistrict") or "",
            address=data.get("address") or "",
        )
    if name == "merge":
        receipt = (data.get("into") or "").strip().upper()
        into = event_list_for_user(user=user).filter(receipt_no=receipt).first() if receipt else None
        if into is None:
            raise ServiceError(
                "未找到该受理编号的事件", [{"field": "into", "message": "请填写在办事件的受理编号"}]
            )
        return event_merge(event=event, into=into, by=user)
    if not _is_command(user):
        return event_dispatch(event=event, unit=None, by=user)  # the service refuses with its own message
    code = data.get("unit") or ""
    try:
        unit = org_selectors.team_get(user=user, code=code) if code else None
    except Http404:
        unit = None
    if unit is None or not unit.active:
        raise ServiceError("请选择派往的执法队伍", [{"field": "unit", "message": "请选择派往单位"}])
    return event_dispatch(event=event, unit=unit, by=user)


@login_required
@require_POST
def event_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404("没有这个操作")
    user = request.user
    event = event_get_for_user(user=user, pk=pk)
    form = _make_form(action, user, request.POST)
    form.is_valid()  # lenient fields: what is missing or wrong is named by the service
    data = getattr(form, "cleaned_data", {})
    if data.get("version"):
        event.version = data["version"]
    to_tasks = request.POST.get("next") == "tasks"
    try:
        _run(action, event, form, user)
    except ServiceError as err:
        messages.error(request, err.message)
        for e in err.errors:
            if e.get("field") in form.fields:
                form.add_error(e["field"], e.get("message") or err.message)
        if to_tasks:
            return render(request, "dispatch/my_tasks.html", _tasks_context(request), status=err.status)
        event = event_get_for_user(user=user, pk=pk)
        context = event_page_context(request, event, bound=(action, form))
        return render(request, "dispatch/event_detail.html", context, status=err.status)
    label = ACTIONS[action].label
    messages.success(request, f"已{label}：{event.receipt_no}")
    if to_tasks:
        return redirect(reverse("dispatch:my_tasks") + f"#event-{pk}")
    return redirect("dispatch:event_detail", pk=pk)


# --- staff intake ----------------------------------------------------------------------------------------


def _intake_kwargs(data: dict) -> dict:
    return {
        k: data.get(k) or ""
        for k in ("description", "address", "subdistrict", "reporter_name", "reporter_phone")
    }


# --- my tasks --------------------------------------------------------------------------------------------


def _tasks_context(request) -> dict:
    user, now = request.user, timezone.now()
    events = event_list_for_user(user=user).none()
    if user.unit_id is not None:
        events = (
            event_list_for_user(user=user)
            .filter(event_units__unit_id=user.unit_id, event_units__active=True)
            .exclude(status__in=(*FINISHED, EventStatus.RETURNED))
            .defer("subdistrict__geometry", "classification", "route_explanation")
            .distinct()
        )
    page = paginate(
        request, _urgent_first(events).order_by("urgent_rank", "received_at", "id"), TASKS_PER_PAGE
    )
    page.object_list = list(page.object_list)
    for event in page.object_list:
        event.clocks = [c for c in _clock_rows(event, now) if c["state"] in ("running", "overdue")][:2]
        event.can_accept = event.status == EventStatus.DISPATCHED
        event.can_arrive = event.status == EventStatus.ACCEPTED
        event.can_resolve = event.status in (EventStatus.ACCEPTED, EventStatus.ON_SITE)
    return {
        "active_nav": "tasks",
        "page": page,
        "query": query_without_page(request),
        "modes": f.ResolveForm.base_fields["mode"].choices,
        "read_only": not scope_for(user).can_write,
    }


@login_required
def my_tasks(request):
    return render(request, "dispatch/my_tasks.html", _tasks_context(request))


# --- ledger ----------------------------------------------------------------------------------------------


@login_required
def ledger(request):
    filters = f.EventFilterForm(request.GET).filters()
    events = f.apply_filters(event_list_for_user(user=request.user, q=filters["q"]), filters)
    content = event_ledger_xlsx(events.order_by("-received_at", "-id"))
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = content_disposition_header(True, f"实时信息台账-{stamp}.xlsx")
    return response


# --- accuracy of automatic classification ----------------------------------------------------------------


def _cell(t) -> dict | None:
    if t is None or not t.events:
        return None
    share = t.top1 / t.events
    return {"percent": round(100 * share), "events": t.events, "level": _level(share)}


def _level(share: float) -> str:
    return "good" if share >= 0.95 else ("fair" if share >= 0.8 else "poor")


@login_required
def routing_accuracy(request):
    """智能分类准确率: the share of first suggestions kept, per domain and month."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        year = 0
    if not 2000 <= year <= this_year + 1:
        return render(
            request,
            "dispatch/accuracy.html",
            {"active_nav": "accuracy", "error": "年份应为 2000 年至明年之间的数字", "year": this_year},
            status=400,
        )
    table = routing_accuracy_for_user(user=request.user, year=year)
    rows = [
        {"name": name, "cells": [_cell(t) for t in table.row(code)], "total": _cell(table.total(domain=code))}
        for code, name in table.domains
    ]
    return render(
        request,
        "dispatch/accuracy.html",
        {
            "active_nav": "accuracy",
            "year": year,
            "years": list(range(this_year, this_year - 5, -1)),
            "months": [m[5:] for m in table.months],
            "rows": rows,
            "month_totals": [_cell(table.total(month=m)) for m in table.months],
            "total": _cell(table.total()),
            "unclassified": table.unclassified,
        },
    )
