"""监管一件事 pages, phone first: the scoped list of inspection records, starting one (from a subject or a plan
visit), the checklist with photos, finishing it, the photo files, and the guidance visits due (执法体检)."""

from datetime import date
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from zhifa.core.errors import ServiceError
from zhifa.core.pagination import paginate, query_without_page
from zhifa.inspections.choices import FindingResult, InspectionKind, InspectionStatus
from zhifa.inspections.draws.picks import draw_outcome
from zhifa.inspections.draws.selectors import draw_get
from zhifa.inspections.models import Inspection, PlanVisit
from zhifa.inspections.permissions import own_domain_codes
from zhifa.inspections.records import selectors as sel
from zhifa.inspections.records import services as svc
from zhifa.inspections.records.checklist import checklist_items, inspection_checklist, visit_items
from zhifa.inspections.records.hooks import record_sections
from zhifa.inspections.records.questions import HINTS as QUESTION_HINTS
from zhifa.inspections.records.questions import item_question
from zhifa.org.models import Domain, Officer
from zhifa.org.scope import scope_for
from zhifa.risk.services import colour_label
from zhifa.subjects.choices import Severity
from zhifa.subjects.selectors import subject_get

SEVERITY_LABELS = dict(Severity.choices)
KIND_FOR_START = [(k, label) for k, label in InspectionKind.choices if k != InspectionKind.JOINT]


def _errors_of(err: ServiceError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in err.errors or [{"field": "", "message": err.message}]:
        out.setdefault(e.get("field") or "", []).append(e.get("message") or err.message)
    return out


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


# --- list ---------------------------------------------------------------------------------------------------


@login_required
def record_list(request):
    get = request.GET
    qs = sel.inspection_list_for_user(user=request.user)
    kind = get.get("kind", "") if get.get("kind", "") in InspectionKind.values else ""
    status = get.get("status", "") if get.get("status", "") in InspectionStatus.values else ""
    since, until = _date(get.get("since", "")), _date(get.get("until", ""))
    q = (get.get("q") or "").strip()[:100]
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if since:
        qs = qs.filter(visited_on__gte=since)
    if until:
        qs = qs.filter(visited_on__lte=until)
    if q:
        qs = qs.filter(Q(subject__name__icontains=q) | Q(subject__uscc__startswith=q.upper()))
    context = {
        "active_nav": "records",
        "page": paginate(request, qs.order_by("-visited_on", "-id")),
        "query": query_without_page(request),
        "f": {"kind": kind, "status": status, "since": since, "until": until, "q": q},
        "kinds": InspectionKind.choices,
        "statuses": InspectionStatus.choices,
    }
    return render(request, "inspections/record_list.html", context)


# --- start --------------------------------------------------------------------------------------------------


def _plan_visit_for(user, pk) -> PlanVisit:
    visit = (
        PlanVisit.objects.select_related("subject", "squad_day")
        .filter(pk=pk if str(pk).isdigit() else 0)
        .first()
    )
    if visit is None or not scope_for(user).covers_path(visit.subject.region_path):
        raise Http404("计划检查不存在或不在您的辖区内")
    return visit


def _squad(chosen: list[int]) -> list[Officer]:
    """The officers already on the visit (planned squad, drawn team or the user), in the order chosen."""
    rows = {o.pk: o for o in Officer.objects.filter(pk__in=chosen).select_related("team")}
    return [rows[i] for i in dict.fromkeys(chosen) if i in rows]


@login_required
def record_new(request):
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    visit = _plan_visit_for(user, source["plan_visit"]) if source.get("plan_visit") else None
    if visit is not None:
        subject = subject_get(user=user, pk=visit.subject_id)
        started = Inspection.objects.filter(plan_visit=visit).values_list("pk", flat=True).first()
        if started is not None:  # the visit has its record already: go on with it
            return redirect("inspections:record_detail", pk=started)
    elif str(source.get("subject", "")).isdigit():
        subject = subject_get(user=user, pk=int(source["subject"]))
    else:
        raise Http404("请从监管对象或计划检查进入")
    # From a 双随机 draw: the drawn subject, the draw's domain and the inspectors drawn for it.
    draw = draw_get(user=user, pk=int(source["draw"])) if str(source.get("draw", "")).isdigit() else None
    drawn_team: list[int] = []
    if draw is not None:
        started = Inspection.objects.filter(draw=draw, subject=subject).values_list("pk", flat=True).first()
        if started is not None:
            return redirect("inspections:record_detail", pk=started)
        pick = draw_outcome(draw.record).pick_for(subject.pk)
        drawn_team = list(pick.officer_ids) if pick is not None else []
    errors, status = {}, 200
    finding = request.method == "POST" and request.POST.get("action") == "find"
    if request.method == "POST" and not finding:
        data = request.POST
        officers = (
            data.getlist("officers")
            + data.get("certificates", "").replace("，", ",").replace(",", " ").split()
        )
        visited_on = _date(data.get("visited_on", ""))
        try:
            made = svc.inspection_start(
                subject=subject,
                kind=InspectionKind.JOINT if visit else InspectionKind.DRAW if draw else data.get("kind", ""),
                visited_on=visited_on,
                officers=officers,
                domains=data.getlist("domains"),
                plan_visit=visit,
                draw=draw,
                by=user,
            )
        except ServiceError as err:
            errors, status = _errors_of(err), err.status
        else:
            messages.success(request, f"已开始检查：{subject.name}")
            return redirect("inspections:record_detail", pk=made.pk)
    if request.method == "POST":
        data = request.POST
        chosen_officers = [int(o) for o in data.getlist("officers") if o.isdigit()]
        chosen_domains = data.getlist("domains")
        form = {
            "kind": data.get("kind", ""),
            "visited_on": data.get("visited_on", ""),
            "certificates": data.get("certificates", ""),
        }
    else:
        if visit is not None:
            chosen_officers = list(visit.squad_day.officers.values_list("pk", flat=True))
            chosen_domains = list(visit.domains)
            day = visit.squad_day.day
        elif draw is not None:
            chosen_officers = drawn_team
            chosen_domains = [draw.domain.code]
            day = timezone.localdate()
        else:
            chosen_officers = [user.officer_id] if getattr(user, "officer_id", None) else []
            chosen_domains = []
            day = timezone.localdate()
        kind = InspectionKind.DRAW if draw is not None else request.GET.get("kind", "")
        form = {
            "kind": kind if kind in InspectionKind.values else InspectionKind.ROUTINE,
            "visited_on": min(day, timezone.localdate()).isoformat(),
            "certificates": "",
        }
    officer_q = (request.POST.get("officer_q", "") if finding else "").strip()
    found_officers = (
        sel.officers_for_visit(user=user, subject=subject, q=officer_q, draw=draw, exclude=chosen_officers)
        if officer_q
        else []
    )
    own = own_domain_codes(user)  # a department checks its own domain only (the service refuses the rest)
    domains = [d for d in Domain.objects.order_by("sort", "code") if own is None or d.code in own]
    if visit is not None:
        preview = visit_items(visit, chosen_domains)
    else:
        preview = checklist_items(subject, chosen_domains) if chosen_domains else []
    context = {
        "active_nav": "records",
        "subject": subject,
        "visit": visit,
        "draw": draw,
        "form": form,
        "errors": errors,
        "kinds": KIND_FOR_START,
        "domains": domains,
        "chosen_domains": chosen_domains,
        "squad": _squad(chosen_officers),
        "officer_q": officer_q,
        "found_officers": found_officers,
        "scenarios": list(subject.scenarios.order_by("code")),
        "preview": [(item, item_question(item)) for item in preview],
    }
    return render(request, "inspections/record_new.html", context, status=status)


# --- the checklist ------------------------------------------------------------------------------------------


def _groups(inspection, posted=None):
    findings = {f.item_id: f for f in inspection.findings.all()}
    photos: dict[int | None, list] = {}
    for p in inspection.photos.all():
        photos.setdefault(p.finding.item_id if p.finding_id else None, []).append(p)
    rows = []
    for item in inspection_checklist(inspection):
        f = findings.get(item.pk)
        row = {
            "item": item,
            "finding": f,
            "result": f.result if f else "",
            "severity": f.severity if f else "",
            "note": f.note if f else "",
            "photos": photos.get(item.pk, []),
        }
        if posted is not None:
            row.update(
                result=posted.get(f"result_{item.code}", ""),
                severity=posted.get(f"severity_{item.code}", ""),
                note=posted.get(f"note_{item.code}", ""),
            )
        row["severity_label"] = SEVERITY_LABELS.get(row["severity"], "")
        row["question"] = item_question(item)
        row["hint"] = QUESTION_HINTS[row["question"].kind]
        rows.append(row)
    groups = [(domain, list(items)) for domain, items in groupby(rows, key=lambda r: r["item"].domain)]
    return groups, rows, photos.get(None, [])


def _detail_context(request, inspection, *, errors=None, posted=None, summary="", start_event=False):
    groups, rows, general_photos = _groups(inspection, posted)
    answered = sum(1 for r in rows if r["finding"] is not None)
    outcome = sel.inspection_outcome(inspection) if inspection.status == InspectionStatus.FINISHED else {}
    user_scope = scope_for(request.user)
    return {
        "active_nav": "records",
        "i": inspection,
        "groups": groups,
        "total": len(rows),
        "answered": answered,
        "general_photos": general_photos,
        "officers": list(inspection.officers.order_by("name")),
        "domains": list(inspection.domains.order_by("sort", "code")),
        "results": FindingResult.choices,
        "severities": Severity.choices,
        "errors": errors or {},
        "summary": summary,
        "start_event": start_event,
        "guidance": inspection.kind == InspectionKind.GUIDANCE,
        "violations": [r for r in rows if r["finding"] and r["finding"].result == FindingResult.VIOLATION],
        "outcome": outcome,
        "colour_before": colour_label(outcome.get("colour_before") or ""),
        "colour_after": colour_label(outcome.get("colour_after") or ""),
        "editable": inspection.status == InspectionStatus.OPEN and user_scope.can_write,
        "sections": record_sections(request, inspection),  # e.g. the 行政行为码 (codes)
    }


@login_required
def record_detail(request, pk: int):
    """The checklist. One form: 保存 writes the answers and photos; 完成检查 writes them, then finishes."""
    inspection = sel.inspection_get_for_user(user=request.user, pk=pk)
    if request.method != "POST":
        return render(request, "inspections/record_detail.html", _detail_context(request, inspection))
    data = request.POST
    finishing = data.get("action") == "finish"
    summary, start_event = data.get("summary", ""), data.get("start_event") == "1"
    try:
        answers, photos = _save(request, inspection)
    except ServiceError as err:
        return _again(request, pk, err, posted=data, summary=summary, start_event=start_event)
    saved = f"已保存 {answers} 项检查结果" + (f"，照片 {photos} 张" if photos else "")
    if not finishing:
        if not (answers or photos):
            err = ServiceError("请至少填写一项检查结果或上传一张照片")
            return _again(request, pk, err, posted=data, summary=summary, start_event=start_event)
        messages.success(request, saved)
        return redirect("inspections:record_detail", pk=pk)
    try:
        outcome = svc.inspection_finish(
            inspection=inspection, summary=summary, start_event=start_event, by=request.user
        )
    except ServiceError as err:
        if answers or photos:
            messages.info(request, saved)
        return _again(request, pk, err, summary=summary, start_event=start_event)
    text = "检查已完成"
    if outcome.violations:
        text += f"，记录违法行为 {outcome.violations} 项"
    if outcome.colour_after and outcome.colour_after != outcome.colour_before:
        text += f"，赋码由{colour_label(outcome.colour_before)}调整为{colour_label(outcome.colour_after)}"
    if outcome.event_receipt_no:
        text += f"，已生成事件 {outcome.event_receipt_no}"
    messages.success(request, text)
    return redirect("inspections:record_detail", pk=pk)


def _again(request, pk, err: ServiceError, *, posted=None, summary="", start_event=False):
    inspection = sel.inspection_get_for_user(user=request.user, pk=pk)
    context = _detail_context(
        request, inspection, errors=_errors_of(err), posted=posted, summary=summary, start_event=start_event
    )
    context["error_message"] = err.message
    return render(request, "inspections/record_detail.html", context, status=err.status)


def _save(request, inspection) -> tuple[int, int]:
    """Answers and photos of the posted form, together or not at all; every photo is checked first."""
    data = request.POST
    if inspection.status != InspectionStatus.OPEN:
        return 0, 0
    items = inspection_checklist(inspection)
    answers = [
        {
            "item": item.code,
            "result": data.get(f"result_{item.code}", ""),
            "severity": data.get(f"severity_{item.code}", "")
            if data.get(f"result_{item.code}") == FindingResult.VIOLATION
            else "",
            "note": data.get(f"note_{item.code}", ""),
        }
        for item in items
        if data.get(f"result_{item.code}")
    ]
    uploads = [(item, request.FILES.get(f"photo_{item.code}")) for item in items]
    uploads = [(item, f) for item, f in uploads if f] + [
        (None, f) for f in request.FILES.getlist("photo_general")
    ]
    version = int(data["version"]) if data.get("version", "").isdigit() else -1
    checked = [svc.photo_check(f) for _, f in uploads]
    stored = []
    try:
        with transaction.atomic():
            if answers:
                inspection = svc.inspection_answer(
                    inspection=inspection, answers=answers, version=version, by=request.user
                )
            findings = {f.item_id: f for f in inspection.findings.all()}
            for (item, upload), check in zip(uploads, checked, strict=True):
                photo = svc.inspection_photo_add(
                    inspection=inspection,
                    finding=findings.get(item.pk) if item else None,
                    upload=upload,
                    lng=data.get("lng") or None,
                    lat=data.get("lat") or None,
                    checked=check,
                    by=request.user,
                )
                stored.append(photo.file)
    except BaseException:
        for f in stored:  # rows rolled back: their files go too
            f.storage.delete(f.name)
        raise
    return len(answers), len(uploads)


@login_required
def record_photo(request, pk: int):
    """The photo itself, only for those who may see the inspection; never from a public media URL."""
    photo = sel.inspection_photo_get_for_user(user=request.user, pk=pk)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404("照片文件缺失") from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Disposition"] = content_disposition_header(False, photo.original_name)
    response["X-Photo-SHA256"] = photo.sha256
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, no-store"
    return response


# --- guidance visits due ------------------------------------------------------------------------------------


@login_required
def guidance_list(request):
    from django.conf import settings

    rows = sel.guidance_due(user=request.user)
    context = {
        "active_nav": "records",
        "page": paginate(request, rows),
        "query": query_without_page(request),
        "days": settings.ZHIFA_GUIDANCE_VISIT_DAYS,
        "overdue": sum(1 for r in rows if r.overdue),
        "can_write": scope_for(request.user).can_write,
    }
    return render(request, "inspections/record_guidance.html", context)
