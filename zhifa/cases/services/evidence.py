"""Evidence in a case: link an event's evidence or an inspection photo (no copy of the bytes), upload a file
checked by its content like every evidence upload, or withdraw a piece with a reason (append-only); and the
询问笔录 made in the system for printing and signing."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhifa.cases.choices import BEFORE_DECISION, DocumentKind, EvidenceKind, EvidenceOrigin
from zhifa.cases.models import Case, CaseEvidence
from zhifa.cases.services.common import add_document, changing, commit, fail, refuse, text, today
from zhifa.core.errors import Conflict
from zhifa.dispatch.coordination.selectors import evidence_get_for_user
from zhifa.dispatch.coordination.services import evidence_file_check
from zhifa.engine import idcard
from zhifa.inspections.records.selectors import inspection_photo_get_for_user

MAX_DESCRIPTION = 2000


def _meta(case: Case, kind: str, requirement: str, description: str, device: str, place: str) -> tuple:
    errors: list[dict] = []
    if kind not in EvidenceKind.values:
        errors.append({"field": "kind", "message": "请选择证据种类（书证、物证、视听资料等八类之一）"})
    requirement = (requirement or "").strip()
    if requirement:
        wanted = {e for c in case.causes.select_related("item") for e in (c.item.required_evidence or [])}
        if requirement not in wanted:
            errors.append({"field": "requirement", "message": f"“{requirement}”不在本案执法事项的证据清单中"})
    description = text(description, "description", "证据说明", errors, limit=MAX_DESCRIPTION)
    device = text(device, "device", "采集设备", errors, required=False, limit=100)
    place = text(place, "place", "收集地点", errors, required=False, limit=200)
    fail(errors)
    return requirement, description, device, place


def _save(case: Case, row: CaseEvidence, by, action: str) -> CaseEvidence:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        refuse("file", f"该文件已在本案证据中（SHA-256 {row.sha256[:12]}…）", Conflict)
    commit(
        case,
        by=by,
        action=action,
        frm=case.stage,
        note=f"{row.get_kind_display()}：{row.description[:60]}",
        after={"evidence": row.pk, "kind": row.kind, "origin": row.origin, "sha256": row.sha256},
    )
    return row


def case_evidence_link(
    *,
    case: Case,
    kind: str,
    description: str = "",
    requirement: str = "",
    event_evidence=None,
    inspection_photo=None,
    device: str = "",
    place: str = "",
    by,
) -> CaseEvidence:
    """Link a file the district already holds — an event's evidence or an inspection photo the caller may see —
    with its provenance; the bytes stay where they are."""
    if (event_evidence is None) == (inspection_photo is None):
        refuse("source", "请选择一份事件证据或一张检查照片")
    with changing(case, by=by, stages=BEFORE_DECISION, verb="添加证据") as c:
        requirement, description, device, place = _meta(c, kind, requirement, description, device, place)
        now = timezone.now()
        if event_evidence is not None:
            src = evidence_get_for_user(user=by, pk=event_evidence.pk)
            if src.withdrawn:
                refuse("event_evidence", "该证据已撤回，不能作为本案证据")
            row = CaseEvidence(
                origin=EvidenceOrigin.EVENT,
                event_evidence=src,
                original_name=src.original_name,
                content_type=src.content_type,
                size=src.size,
                sha256=src.sha256,
                source_unit=src.unit,
                collector_name=src.collector_name,
                collected_at=src.collected_at,
            )
        else:
            src = inspection_photo_get_for_user(user=by, pk=inspection_photo.pk)
            uploader = src.uploaded_by
            where = f"{src.lng:.6f}, {src.lat:.6f}" if src.lng is not None else ""
            row = CaseEvidence(
                origin=EvidenceOrigin.INSPECTION,
                inspection_photo=src,
                original_name=src.original_name,
                content_type=src.content_type,
                size=src.size,
                sha256=src.sha256,
                source_unit=uploader.unit or c.unit,
                collector_name=str(uploader)[:50],
                collected_at=src.uploaded_at,
            )
            place = place or where
        row.case, row.kind, row.requirement, row.description = c, kind, requirement, description
        row.device, row.place, row.added_by, row.added_at = device, place, by, now
        return _save(c, row, by, "evidence_link")


def store_upload(
    *,
    case: Case,
    file,
    checked: tuple[str, str, str, int],
    kind: str,
    requirement: str,
    description: str,
    collector_name: str,
    collected_at: datetime,
    device: str,
    place: str,
    by,
    now: datetime,
) -> CaseEvidence:
    """Write one checked upload and its row (inside the caller's transaction); the caller removes the file if
    the transaction fails."""
    content_type, ext, sha256, size = checked
    original = (getattr(file, "name", "") or f"evidence{ext}").replace("\\", "/").rsplit("/", 1)[-1][:200]
    row = CaseEvidence(
        case=case,
        kind=kind,
        requirement=requirement,
        description=description,
        origin=EvidenceOrigin.UPLOAD,
        original_name=original,
        content_type=content_type,
        size=size,
        sha256=sha256,
        source_unit=by.unit or case.unit,
        collector_name=collector_name,
        collected_at=collected_at,
        device=device,
        place=place,
        added_by=by,
        added_at=now,
    )
    file.seek(0)
    # A random name under cases/evidence/YYYY/MM: nothing of the user's file name reaches the file system.
    row.file.save(f"cases/evidence/{timezone.localtime(now):%Y/%m}/{uuid.uuid4().hex}{ext}", file, save=False)
    return row


def case_evidence_upload(
    *,
    case: Case,
    file,
    kind: str,
    description: str,
    requirement: str = "",
    collector_name: str = "",
    collected_at: datetime | None = None,
    device: str = "",
    place: str = "",
    by,
) -> CaseEvidence:
    """Upload a file to the case: checked from its bytes (image or PDF, size), kept with its SHA-256."""
    checked = evidence_file_check(file)
    errors: list[dict] = []
    collector_name = text(collector_name or str(by), "collector_name", "收集人", errors, limit=50)
    now = timezone.now()
    collected_at = collected_at or now
    if collected_at > now + timedelta(minutes=5):
        errors.append({"field": "collected_at", "message": "收集时间不能晚于现在"})
    fail(errors)
    stored = None
    try:
        with changing(case, by=by, stages=BEFORE_DECISION, verb="添加证据") as c:
            requirement, description, device, place = _meta(c, kind, requirement, description, device, place)
            if c.evidence.filter(sha256=checked[2]).exists():
                refuse("file", f"该文件已在本案证据中（SHA-256 {checked[2][:12]}…）", Conflict)
            row = store_upload(
                case=c,
                file=file,
                checked=checked,
                kind=kind,
                requirement=requirement,
                description=description,
                collector_name=collector_name,
                collected_at=collected_at,
                device=device,
                place=place,
                by=by,
                now=now,
            )
            stored = row.file
            return _save(c, row, by, "evidence_upload")
    except BaseException:
        if stored:
            stored.storage.delete(stored.name)
        raise


def case_evidence_withdraw(*, evidence: CaseEvidence, reason: str, by) -> CaseEvidence:
    """撤回证据 — the row and the file stay, marked withdrawn with the reason."""
    errors: list[dict] = []
    reason = text(reason, "reason", "撤回理由", errors, limit=500)
    fail(errors)
    with changing(evidence.case, by=by, stages=BEFORE_DECISION, verb="撤回证据") as c:
        changed = CaseEvidence.objects.filter(pk=evidence.pk, case=c, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_by=by, withdraw_reason=reason
        )
        if not changed:
            refuse("evidence", "该证据已撤回", Conflict)
        commit(
            c, by=by, action="evidence_withdraw", frm=c.stage, note=reason, after={"evidence": evidence.pk}
        )
    evidence.refresh_from_db()
    return evidence


# --- 询问笔录 -----------------------------------------------------------------------------------------------------

MAX_QUESTIONS = 60
MAX_ANSWER = 2000


def _interviewee(raw: dict, errors: list[dict]) -> dict:
    raw = raw or {}
    name = text(raw.get("name"), "interviewee", "被询问人姓名", errors, limit=50)
    number = idcard.normalise(raw.get("id_number") or "")
    if number:
        problems = idcard.id_validate(number, today=today())
        if problems:
            errors.append({"field": "id_number", "message": f"被询问人身份证号码有误：{problems[0]}"})
    return {
        "name": name,
        "id_number": idcard.id_mask(number) if number else "",
        "phone": text(raw.get("phone"), "phone", "联系电话", errors, required=False, limit=20),
        "relation": text(raw.get("relation"), "relation", "与当事人关系", errors, required=False, limit=50),
        "position": text(raw.get("position"), "position", "职务", errors, required=False, limit=50),
    }


def case_inquiry_record(
    *,
    case: Case,
    interviewee: dict,
    started_at: datetime,
    ended_at: datetime,
    place: str,
    questions: list[dict],
    by,
) -> Case:
    """询问笔录 — questions put to the party or a witness and their answers, as asked, for printing and the
    interviewee's signature on every page; the signed scan is then uploaded as evidence (当事人陈述 / 证人证言).
    The case's officers ask (at least two, 行政处罚法 第四十二条) and show their certificates (第五十五条), as the
    printed record states."""
    errors: list[dict] = []
    person = _interviewee(interviewee, errors)
    place = text(place, "place", "询问地点", errors, limit=200)
    now = timezone.now()
    started_at, ended_at = (
        timezone.make_aware(t) if isinstance(t, datetime) and timezone.is_naive(t) else t
        for t in (started_at, ended_at)
    )
    if not isinstance(started_at, datetime) or not isinstance(ended_at, datetime):
        errors.append({"field": "started_at", "message": "请填写询问的起止时间"})
    elif ended_at < started_at:
        errors.append({"field": "ended_at", "message": "询问结束时间不能早于开始时间"})
    elif ended_at > now + timedelta(minutes=5):
        errors.append({"field": "ended_at", "message": "询问结束时间不能晚于现在"})
    rows = []
    if not isinstance(questions, list) or not questions:
        errors.append({"field": "questions", "message": "请至少记录一问一答"})
    elif len(questions) > MAX_QUESTIONS:
        errors.append({"field": "questions", "message": f"一份笔录最多 {MAX_QUESTIONS} 问，请分次记录"})
    else:
        for i, qa in enumerate(questions, 1):
            qa = qa if isinstance(qa, dict) else {}
            q = text(qa.get("question"), "questions", f"第 {i} 问的问题", errors, limit=MAX_ANSWER)
            a = text(qa.get("answer"), "questions", f"第 {i} 问的回答", errors, limit=MAX_ANSWER)
            rows.append({"question": q, "answer": a})
    fail(errors)
    with changing(case, by=by, stages=BEFORE_DECISION, verb="制作询问笔录") as c:
        sequence = c.documents.filter(kind=DocumentKind.INQUIRY).count() + 1
        data = {
            "sequence": sequence,
            "started_at": started_at,
            "ended_at": ended_at,
            "place": place,
            "interviewee": person,
            "questions": rows,
            "recorder": getattr(getattr(by, "officer", None), "name", "") or str(by),
        }
        document = add_document(
            c, DocumentKind.INQUIRY, by=by, data=data, issued_on=timezone.localdate(ended_at)
        )
        return commit(
            c,
            by=by,
            action="inquiry",
            frm=c.stage,
            document=document,
            note=f"第{sequence}次询问 {person['name']}",
            after={"sequence": sequence, "questions": len(rows)},
        )
