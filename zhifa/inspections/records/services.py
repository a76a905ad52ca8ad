"""监管一件事 records: the checklist of a visit, and the actions on an inspection record — start, answer, add a
photo, finish (violations, colour, event) — plus the guidance visits (执法体检) new businesses are due."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from zhifa.audit.services import audit_record
from zhifa.catalog.models import EnforcementItem
from zhifa.core.errors import Conflict, PermissionError_, ServiceError, require_write
from zhifa.inspections.choices import (
    FindingResult,
    InspectionKind,
    InspectionStatus,
    RequestStatus,
    VisitStatus,
)
from zhifa.inspections.draws.picks import draw_outcome
from zhifa.inspections.models import Finding, Inspection, InspectionPhoto, InspectionRequest, PlanVisit
from zhifa.inspections.permissions import INSPECT_ROLES, own_domain_codes, serves_place
from zhifa.inspections.plans.sources import request_ids
from zhifa.inspections.records.checklist import inspection_checklist
from zhifa.inspections.records.hooks import codes_issued
from zhifa.org.models import Domain, Officer
from zhifa.org.scope import scope_for
from zhifa.subjects.choices import Severity, SubjectStatus
from zhifa.subjects.models import Subject

MIN_OFFICERS = 2  # 行政处罚法 第四十二条：执法人员不得少于两人
MAX_NOTE = 2000
MAX_SUMMARY = 5000
NOT_FOUND = "记录不存在或不在您的辖区内"
SEVERITY_LABELS = dict(Severity.choices)


def _fail(field: str, message: str, cls=ServiceError):
    raise cls(message, [{"field": field, "message": message}])


def _raise(errors: list[dict]) -> None:
    if errors:
        raise ServiceError("；".join(dict.fromkeys(e["message"] for e in errors)), errors)


def _inspector(by):
    scope = scope_for(by)
    require_write(scope)
    if not (by.is_superuser or by.role in INSPECT_ROLES):
        raise PermissionError_("只有执法队员、指挥中心和区级部门可以记录检查")
    return scope


# --- start --------------------------------------------------------------------------------------------------


def _officers(values) -> tuple[list[Officer], list[str]]:
    """Officers given as rows, ids or certificate numbers (执法证号, as shown on site)."""
    ids, certs, errors = [], [], []
    for v in values or []:
        if isinstance(v, Officer):
            ids.append(v.pk)
        elif isinstance(v, int) or str(v).strip().isdigit():
            ids.append(int(str(v).strip()))
        elif str(v).strip():
            certs.append(str(v).strip())
    by_cert = dict(Officer.objects.filter(certificate_no__in=certs).values_list("certificate_no", "pk"))
    errors += [f"执法证号“{c}”不存在" for c in certs if c not in by_cert]
    ids += [by_cert[c] for c in certs if c in by_cert]
    found = {
        o.pk: o
        for o in Officer.objects.filter(pk__in=ids)
        .select_related("team__region")
        .prefetch_related("qualified_domains")
    }
    errors += [f"执法人员（编号 {i}）不存在" for i in ids if i not in found]
    officers = [found[i] for i in dict.fromkeys(ids) if i in found]
    errors += [f"{o.name}不在岗，不能参加检查" for o in officers if not o.active]
    return officers, errors


def _officer_rule_errors(officer_rows: list[Officer], *, subject: Subject, draw) -> list[dict]:
    """Who may be named on a record: officers of a team answering for the subject's place (a district team,
    or the team of the subject's subdistrict or functional area) — or the inspectors a 双随机 draw sent to
    that subject."""
    errors = []
    drawn: set[int] = set()
    if draw is not None:
        pick = draw_outcome(draw.record).pick_for(subject.pk)
        drawn = {int(i) for i in pick.officer_ids} if pick is not None else set()
    for o in officer_rows:
        if o.pk not in drawn and not serves_place(o, subject.region_path):
            message = f"{o.name}所在的{o.team.name}不负责该对象所在区域，不能参加此次检查"
            errors.append({"field": "officers", "message": message})
    return errors


def inspection_start(
    *,
    subject: Subject,
    kind: str,
    visited_on: date,
    officers,
    domains,
    plan_visit: PlanVisit | None = None,
    draw=None,
    request=None,
    event=None,
    by,
) -> Inspection:
    """开始检查 — a record for one visit to a subject, by the officers present, over the domains checked.
    Inspections need at least two officers holding a qualification (行政处罚法 第四十二条); a guidance visit
    (执法体检) may be made by one. Findings are written as the checklist is answered."""
    scope = _inspector(by)
    if not scope.covers_path(subject.region_path):
        raise Http404(NOT_FOUND)
    errors: list[dict] = []
    if kind not in InspectionKind.values:
        errors.append({"field": "kind", "message": "请选择检查类型"})
    if not isinstance(visited_on, date):
        errors.append({"field": "visited_on", "message": "请填写检查日期"})
    elif visited_on > timezone.localdate():
        errors.append({"field": "visited_on", "message": "检查日期不能晚于今天"})
    if subject.status != SubjectStatus.ACTIVE:
        errors.append(
            {"field": "subject", "message": f"该对象状态为{subject.get_status_display()}，不能检查"}
        )
    officer_rows, officer_errors = _officers(officers)
    errors += [{"field": "officers", "message": m} for m in officer_errors]
    domain_codes = list(dict.fromkeys(d.code if isinstance(d, Domain) else str(d) for d in (domains or [])))
    domain_rows = list(Domain.objects.filter(code__in=domain_codes).order_by("sort", "code"))
    unknown = sorted(set(domain_codes) - {d.code for d in domain_rows})
    if unknown:
        errors.append({"field": "domains", "message": f"未知的检查领域：{'、'.join(unknown)}"})
    elif not domain_rows:
        errors.append({"field": "domains", "message": "请至少选择一个检查领域"})
    if kind != InspectionKind.GUIDANCE and len(officer_rows) < MIN_OFFICERS:
        errors.append(
            {
                "field": "officers",
                "message": "执法检查的执法人员不得少于两人（《中华人民共和国行政处罚法》第四十二条）",
            }
        )
    elif not officer_rows:
        errors.append({"field": "officers", "message": "请至少选择一名执法人员"})
    own = own_domain_codes(by)
    if own is not None and domain_rows and not unknown:
        foreign = [d.name for d in domain_rows if d.code not in own]
        if foreign:
            message = f"不能记录{'、'.join(foreign)}领域的检查（区级部门只能检查本部门的领域）"
            errors.append({"field": "domains", "message": message})
    errors += _officer_rule_errors(officer_rows, subject=subject, draw=draw)
    if domain_rows and officer_rows and not officer_errors:
        wanted = {d.pk for d in domain_rows}
        for o in officer_rows:
            if not wanted & {d.pk for d in o.qualified_domains.all()}:
                names = "、".join(d.name for d in domain_rows)
                errors.append({"field": "officers", "message": f"{o.name}不具备{names}执法资格"})
        held = {d.pk for o in officer_rows for d in o.qualified_domains.all()}
        for d in domain_rows:
            if d.pk not in held:
                errors.append({"field": "domains", "message": f"检查人员中无人具备{d.name}执法资格"})
    if plan_visit is not None and plan_visit.subject_id != subject.pk:
        errors.append({"field": "plan_visit", "message": "计划检查的对象与所选对象不一致"})
    if request is not None and request.subject_id != subject.pk:
        errors.append({"field": "request", "message": "部门检查需求的对象与所选对象不一致"})
    if draw is not None and draw_outcome(draw.record).pick_for(subject.pk) is None:
        errors.append({"field": "draw", "message": "该对象不在这次双随机抽查的结果中"})
    if event is not None:
        from zhifa.dispatch.events.selectors import event_list_for_user

        if not event_list_for_user(user=by).filter(pk=event.pk).exists():
            raise Http404("事件不存在或不在您的辖区内")
    _raise(errors)
    now = timezone.now()
    with transaction.atomic():
        if plan_visit is not None:
            visit = PlanVisit.objects.select_for_update().get(pk=plan_visit.pk)
            if visit.status != VisitStatus.PLANNED or Inspection.objects.filter(plan_visit=visit).exists():
                raise Conflict(f"该计划检查{visit.get_status_display()}，不能重复检查")
        if request is not None and request.status in (RequestStatus.DONE, RequestStatus.CANCELLED):
            raise Conflict(f"该部门检查需求{request.get_status_display()}")
        inspection = Inspection.objects.create(
            subject=subject,
            kind=kind,
            visited_on=visited_on,
            plan_visit=plan_visit,
            draw=draw,
            request=request,
            event=event,
            region_path=subject.region_path,
            created_by=by,
            created_at=now,
        )
        inspection.officers.set(officer_rows)
        inspection.domains.set(domain_rows)
        checklist = inspection_checklist(inspection)
        if not checklist:
            _fail("domains", "所选领域没有可检查的事项，请调整检查领域")
        audit_record(
            actor=by,
            action="inspections.inspection_start",
            obj=inspection,
            after={
                "subject": subject.pk,
                "kind": kind,
                "visited_on": visited_on,
                "officers": [o.certificate_no for o in officer_rows],
                "domains": [d.code for d in domain_rows],
                "items": [i.code for i in checklist],
                "plan_visit": plan_visit.pk if plan_visit else None,
                "draw": draw.pk if draw else None,
                "request": request.pk if request else None,
                "event": event.receipt_no if event else None,
            },
        )
        # 行政行为码: issued with the start; with 亮码检查 on (ZHIFA_CODE_REQUIRED) no code, no inspection.
        if not codes_issued(inspection=inspection, by=by) and settings.ZHIFA_CODE_REQUIRED:
            _fail("code", "本区实行亮码检查：未能生成行政行为码，不能开始检查")
    return inspection


# --- answer -------------------------------------------------------------------------------------------------


def _open_for_write(inspection: Inspection, by) -> Inspection:
    scope = _inspector(by)
    if not scope.covers_path(inspection.region_path):
        raise Http404(NOT_FOUND)
    current = Inspection.objects.select_for_update().select_related("subject").get(pk=inspection.pk)
    if current.status != InspectionStatus.OPEN:
        raise Conflict("该检查已完成，不能再修改")
    return current


def _answer_errors(answers, checklist: dict[str, EnforcementItem]) -> tuple[list[dict], list[dict]]:
    errors, cleaned, seen = [], [], set()
    if not isinstance(answers, list | tuple) or not answers:
        return [{"field": "answers", "message": "请至少填写一项检查结果"}], []
    for n, a in enumerate(answers):
        field = f"answers.{n}"
        if not isinstance(a, dict):
            errors.append({"field": field, "message": "检查结果格式有误"})
            continue
        code = str(a.get("item") or "").strip()
        result = str(a.get("result") or "").strip()
        severity = str(a.get("severity") or "").strip()
        note = str(a.get("note") or "").strip()
        item = checklist.get(code)
        if item is None:
            errors.append({"field": f"{field}.item", "message": f"事项“{code}”不在本次检查清单中"})
            continue
        if code in seen:
            errors.append({"field": f"{field}.item", "message": f"事项“{item.name}”填写了两次"})
            continue
        seen.add(code)
        if result not in FindingResult.values:
            errors.append({"field": f"{field}.result", "message": f"请为“{item.name}”选择合规、违法或不适用"})
            continue
        if result == FindingResult.VIOLATION and severity not in Severity.values:
            message = f"“{item.name}”认定违法，请选择情节（轻微、一般或严重）"
            errors.append({"field": f"{field}.severity", "message": message})
            continue
        if result != FindingResult.VIOLATION and severity:
            message = f"“{item.name}”未认定违法，不应填写情节"
            errors.append({"field": f"{field}.severity", "message": message})
            continue
        if len(note) > MAX_NOTE:
            errors.append({"field": f"{field}.note", "message": f"说明不能超过 {MAX_NOTE} 字"})
            continue
        cleaned.append({"item": item, "result": result, "severity": severity, "note": note})
    return errors, cleaned


def inspection_answer(*, inspection: Inspection, answers, version: int, by) -> Inspection:
    """Write checklist answers (each: item code, result, severity for violations, note); an item answered
    again is updated. `version` is the record's version the person saw: if someone saved in between, 409."""
    with transaction.atomic():
        current = _open_for_write(inspection, by)
        if current.version != version:
            raise Conflict("该检查记录已被他人更新，请刷新后重试")
        checklist = {i.code: i for i in inspection_checklist(current)}
        errors, cleaned = _answer_errors(answers, checklist)
        _raise(errors)
        existing = {f.item_id: f for f in current.findings.all()}
        changes = []
        for a in cleaned:
            finding = existing.get(a["item"].pk)
            new = (a["result"], a["severity"], a["note"])
            if finding is None:
                Finding.objects.create(
                    inspection=current,
                    item=a["item"],
                    result=a["result"],
                    severity=a["severity"],
                    note=a["note"],
                )
            elif (finding.result, finding.severity, finding.note) != new:
                finding.result, finding.severity, finding.note = new
                finding.save(update_fields=["result", "severity", "note"])
            else:
                continue
            changes.append({"item": a["item"].code, "result": a["result"], "severity": a["severity"]})
        Inspection.objects.filter(pk=current.pk).update(version=F("version") + 1)
        current.refresh_from_db()
        audit_record(
            actor=by, action="inspections.inspection_answer", obj=current, after={"answers": changes}
        )
    return current


# --- photos -------------------------------------------------------------------------------------------------


def photo_check(upload) -> tuple[str, str, str, int]:
    """(content type, extension, sha256, size) of an image upload; PDFs are evidence, not site photos."""
    from zhifa.dispatch.coordination.services import evidence_file_check

    try:
        checked = evidence_file_check(upload)
    except ServiceError as err:
        _fail("photo", err.message.replace("证据文件", "照片").replace("证据只接受", "照片只接受"))
    if not checked[0].startswith("image/"):
        _fail("photo", "文件类型不支持：现场照片只接受 JPG、PNG、GIF、WebP 或 HEIC 图片")
    return checked


def _coordinate(value, low: float, high: float, field: str, label: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        _fail(field, f"{label}格式有误")
    if not math.isfinite(number) or not low <= number <= high:
        _fail(field, f"{label}超出范围")
    return number


def inspection_photo_add(
    *, inspection: Inspection, finding: Finding | None = None, upload, lng=None, lat=None, by, checked=None
) -> InspectionPhoto:
    """现场照片 — an image checked from its bytes (type, size), kept with its SHA-256 and where it was taken;
    the file is removed again if the row cannot be written."""
    lng = _coordinate(lng, -180, 180, "lng", "经度")
    lat = _coordinate(lat, -90, 90, "lat", "纬度")
    if (lng is None) != (lat is None):
        _fail("lng", "经纬度须同时提供")
    with transaction.atomic():
        current = _open_for_write(inspection, by)
        if finding is not None and finding.inspection_id != current.pk:
            _fail("finding", "该检查结果不属于本次检查")
        content_type, ext, sha256, size = checked or photo_check(upload)
        if current.photos.filter(sha256=sha256).exists():
            _fail("photo", "这张照片已经上传过", Conflict)
        original = (getattr(upload, "name", "") or f"photo{ext}").replace("\\", "/").rsplit("/", 1)[-1][:200]
        photo = InspectionPhoto(
            inspection=current,
            finding=finding,
            original_name=original,
            content_type=content_type,
            size=size,
            sha256=sha256,
            lng=lng,
            lat=lat,
            uploaded_by=by,
            uploaded_at=timezone.now(),
        )
        stored = None
        try:
            upload.seek(0)
            photo.file.save(f"photo{ext}", upload, save=False)  # the name from the sniffed type only
            stored = photo.file.name
            photo.save()
            audit_record(
                actor=by,
                action="inspections.inspection_photo_add",
                obj=current,
                after={
                    "photo": photo.pk,
                    "finding": finding.item.code if finding else None,
                    "sha256": sha256,
                    "size": size,
                    "lng": lng,
                    "lat": lat,
                },
            )
        except BaseException:
            if stored:
                photo.file.storage.delete(stored)
            raise
    return photo


# --- finish -------------------------------------------------------------------------------------------------


@dataclass
class FinishOutcome:
    violations: int = 0
    colour_before: str = ""
    colour_after: str = ""
    event_receipt_no: str = ""


def _event_description(inspection: Inspection, violations: list[Finding]) -> str:
    subject = inspection.subject
    lines = [
        f"{inspection.get_kind_display()}发现问题：{subject.name}"
        + (f"（{subject.address}）" if subject.address else ""),
    ]
    for f in violations:
        severity = SEVERITY_LABELS.get(f.severity, f.severity)
        lines.append(f"- {f.item.name}（{severity}）" + (f"：{f.note}" if f.note else ""))
    return "\n".join(lines)


def inspection_finish(
    *, inspection: Inspection, summary: str, start_event: bool = False, by
) -> FinishOutcome:
    """完成检查 — every checklist item must be answered. An inspection records each violation, changes the
    subject's colour at once and closes its plan visit (with the requests it took in) or request; with `start_event`, the problems go to the
    command centre as one 巡查发现 event linked to the subject. A guidance visit (执法体检) gives advice only:
    no violation record, no colour change, no event. All or nothing."""
    from zhifa.dispatch.choices import Channel
    from zhifa.dispatch.events.intake import event_intake
    from zhifa.risk.models import SubjectRisk
    from zhifa.risk.services import risk_after_inspection
    from zhifa.subjects.services import subject_link_event, violation_record

    summary = (summary or "").strip()
    outcome = FinishOutcome()
    with transaction.atomic():
        current = _open_for_write(inspection, by)
        guidance = current.kind == InspectionKind.GUIDANCE
        checklist = inspection_checklist(current)
        findings = {f.item_id: f for f in current.findings.select_related("item")}
        missing = [i for i in checklist if i.pk not in findings]
        if missing:
            names = "、".join(f"{i.code} {i.name}" for i in missing)
            raise ServiceError(
                f"还有 {len(missing)} 项未填写检查结果：{names}",
                [
                    {"field": "answers", "message": f"未填写：{i.code} {i.name}", "item": i.code}
                    for i in missing
                ],
            )
        if len(summary) > MAX_SUMMARY:
            _fail("summary", f"检查结论不能超过 {MAX_SUMMARY} 字")
        if guidance and start_event:
            _fail("start_event", "执法体检为指导性检查，不生成事件")
        on_list = {i.pk for i in checklist}
        violations = [
            f for f in findings.values() if f.item_id in on_list and f.result == FindingResult.VIOLATION
        ]
        violations.sort(key=lambda f: f.item.code)
        subject = current.subject
        if guidance:
            if not summary.startswith("指导意见"):
                summary = "指导意见：" + (
                    summary or ("已逐项提出指导意见" if violations else "经检查未发现问题")
                )
        else:
            if not summary:
                summary = f"发现违法行为 {len(violations)} 项" if violations else "经检查未发现违法行为"
            # A complaint check (检查因事件而起) keeps its event: the violations are tied to it, no second event.
            event = current.event
            if start_event and violations and event is None:
                event = event_intake(
                    channel=Channel.PATROL,
                    description=_event_description(current, violations),
                    title=f"{current.get_kind_display()}发现问题：{subject.name}"[:120],
                    lng=subject.lng,
                    lat=subject.lat,
                    address=subject.address,
                    subdistrict=subject.subdistrict.code,
                    item_codes=[f.item.code for f in violations],
                    reporter_name=str(by)[:50],
                    by=by,
                )
                subject_link_event(subject=subject, event=event, by=by)
                current.event = event
                outcome.event_receipt_no = event.receipt_no
            for f in violations:
                violation_record(
                    subject=subject,
                    item=f.item,
                    found_on=current.visited_on,
                    severity=f.severity,
                    source=current.get_kind_display(),
                    event=event,
                    by=by,
                )
            outcome.violations = len(violations)
        requests_done: list[int] = []
        if current.plan_visit_id:
            PlanVisit.objects.filter(pk=current.plan_visit_id).update(status=VisitStatus.DONE)
            # The department requests the joint visit took in are answered by it too.
            planned = InspectionRequest.objects.filter(
                pk__in=request_ids([current.plan_visit.sources]), status=RequestStatus.PLANNED
            )
            requests_done = sorted(planned.values_list("pk", flat=True))
            planned.filter(pk__in=requests_done).update(status=RequestStatus.DONE)
        if current.request_id:
            type(current.request).objects.filter(pk=current.request_id).update(status=RequestStatus.DONE)
        current.status = InspectionStatus.FINISHED
        current.summary = summary
        current.finished_at = timezone.now()
        current.version = current.version + 1
        current.save(update_fields=["status", "summary", "finished_at", "version", "event"])
        if not guidance:
            # After the save: the new score counts this inspection as the last one and its violations.
            risk = SubjectRisk.objects.filter(subject=subject).first()
            if risk is not None:  # a subject never scored keeps no colour to change
                outcome.colour_before = risk.colour
                outcome.colour_after = risk_after_inspection(
                    subject=subject, severities=[f.severity for f in violations], by=by
                ).colour
        audit_record(
            actor=by,
            action="inspections.inspection_finish",
            obj=current,
            after={
                "summary": summary,
                "violations": [{"item": f.item.code, "severity": f.severity} for f in violations],
                "guidance": guidance,
                "colour_before": outcome.colour_before,
                "colour_after": outcome.colour_after,
                "event": outcome.event_receipt_no or None,
                "plan_visit": current.plan_visit_id,
                "request": current.request_id,
                "plan_visit_requests_done": requests_done,
            },
        )
    inspection.refresh_from_db()
    return outcome
