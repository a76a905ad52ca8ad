"""Coordination actions: consultations and on-site joint meetings, evidence shared between units with its
provenance, and one unit adopting another's evidence (证据互通互认). One function per action."""

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, PermissionError_, ServiceError, require_write
from zhifa.dispatch.choices import ConsultationKind, ConsultationStatus, EventStatus, EvidenceMethod
from zhifa.dispatch.events.services import acting_unit
from zhifa.dispatch.models import (
    Consultation,
    ConsultationParticipant,
    Event,
    EventUnit,
    Evidence,
    EvidenceUse,
)
from zhifa.org.models import Unit
from zhifa.org.scope import scope_for

MAX_TOPIC, MAX_PLACE, MAX_TEXT, MAX_REASON = 200, 200, 5000, 500
# A meeting's decisions are recorded after it met; a little slack for a clock or a form rounded to the minute.
RECORD_SLACK = timedelta(minutes=30)
CLOSED_EVENT = (EventStatus.CLOSED, EventStatus.MERGED)

# First bytes of the files accepted as evidence: images a phone camera produces, and PDF (reports, records).
ACCEPTED_TYPES = "图片（JPG、PNG、GIF、WebP、HEIC）或 PDF"


def sniff_file_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) judged from the file's own bytes, never from its name; None if not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", ".jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", ".png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif", ".gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"heif", b"mif1", b"hevc"):
        return "image/heic", ".heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    return None


def _is_district_command(user) -> bool:
    return user.is_superuser or user.role in (Role.ADMIN, Role.DISTRICT_COMMAND)


def _commands_event(user, event: Event) -> bool:
    """District command, or the subdistrict command whose area holds the event."""
    if _is_district_command(user):
        return True
    return (
        user.role == Role.SUBDISTRICT_COMMAND
        and bool(event.region_path)
        and scope_for(user).covers_path(event.region_path)
    )


def _writer(by) -> None:
    require_write(scope_for(by))
    if by.unit_id is None:
        raise PermissionError_("您没有所属单位，不能进行此操作")


def _fail(errors: list[dict]) -> None:
    if errors:
        raise ServiceError("；".join(e["message"] for e in errors), errors)


# --- consultations and joint meetings ---------------------------------------------------------------------


def consultation_create(
    *,
    kind: str,
    topic: str,
    held_at: datetime | None,
    place: str,
    participants: Sequence[Unit],
    events: Sequence[Event] = (),
    follow_up_deadline: date | None = None,
    by,
) -> Consultation:
    """召集会商 / 现场联席会 — the convening unit invites the others; it is itself a participant."""
    _writer(by)
    topic, place = (topic or "").strip(), (place or "").strip()
    errors = []
    if kind not in ConsultationKind.values:
        errors.append({"field": "kind", "message": "请选择会商或现场联席会"})
    if not topic:
        errors.append({"field": "topic", "message": "请填写议题"})
    elif len(topic) > MAX_TOPIC:
        errors.append({"field": "topic", "message": f"议题不能超过 {MAX_TOPIC} 字"})
    if not place:
        message = "请填写联席会现场位置" if kind == ConsultationKind.JOINT_MEETING else "请填写会议地点"
        errors.append({"field": "place", "message": message})
    elif len(place) > MAX_PLACE:
        errors.append({"field": "place", "message": f"地点不能超过 {MAX_PLACE} 字"})
    if held_at is None:
        errors.append({"field": "held_at", "message": "请填写召开时间"})
    elif follow_up_deadline is not None and follow_up_deadline < timezone.localtime(held_at).date():
        errors.append({"field": "follow_up_deadline", "message": "落实期限不能早于召开时间"})
    inactive = [u.name for u in participants if not u.active]
    if inactive:
        errors.append({"field": "participants", "message": f"单位已停用：{'、'.join(inactive)}"})
    units = {by.unit_id: by.unit, **{u.pk: u for u in participants}}
    if len(units) < 2:
        errors.append({"field": "participants", "message": "会商至少需要两个单位参加，请选择参会单位"})
    _fail(errors)
    events = list(dict.fromkeys(events))
    if not events and not (_is_district_command(by) or by.role == Role.SUBDISTRICT_COMMAND):
        raise PermissionError_("只有指挥中心可以召集不关联事件的会商")
    for event in events:
        acting_unit(event, by)  # only the units working each event, or its command centres
    now = timezone.now()
    with transaction.atomic():
        meeting = Consultation.objects.create(
            kind=kind,
            topic=topic,
            held_at=held_at,
            place=place,
            convened_by=by.unit,
            follow_up_deadline=follow_up_deadline,
            created_by=by,
            created_at=now,
        )
        ConsultationParticipant.objects.bulk_create(
            [ConsultationParticipant(consultation=meeting, unit=u) for u in units.values()]
        )
        meeting.events.set(events)
        audit_record(
            actor=by,
            action="dispatch.consultation_create",
            obj=meeting,
            after={
                "kind": kind,
                "topic": topic,
                "held_at": held_at,
                "place": place,
                "participants": [u.code for u in units.values()],
                "events": [e.receipt_no for e in events],
            },
        )
    return meeting


def consultation_record(
    *,
    consultation: Consultation,
    decisions: str,
    attendance: Mapping[str, tuple[bool, str]],
    follow_up_deadline: date | None = None,
    by,
) -> Consultation:
    """记录会议决定 — decisions and who attended (unit code → (attended, person)); the meeting is then held."""
    _writer(by)
    meeting = consultation
    events = list(meeting.events.all())
    if not (
        by.unit_id == meeting.convened_by_id
        or _is_district_command(by)
        or any(_commands_event(by, e) for e in events)
    ):
        raise PermissionError_("只有召集单位或指挥中心可以记录会议决定")
    decisions = (decisions or "").strip()
    participants = {p.unit.code: p for p in meeting.participants.select_related("unit")}
    errors = []
    if not decisions:
        errors.append({"field": "decisions", "message": "请填写会议决定"})
    elif len(decisions) > MAX_TEXT:
        errors.append({"field": "decisions", "message": f"会议决定不能超过 {MAX_TEXT} 字"})
    unknown = [code for code in attendance if code not in participants]
    if unknown:
        errors.append({"field": "attendance", "message": f"不是本次会议的参会单位：{'、'.join(unknown)}"})
    elif not any(attended for attended, _ in attendance.values()):
        errors.append({"field": "attendance", "message": "请至少勾选一个到会单位"})
    if any(len(person or "") > 100 for _, person in attendance.values()):
        errors.append({"field": "attendance", "message": "参会人员不能超过 100 字"})
    if follow_up_deadline is not None and follow_up_deadline < timezone.localtime(meeting.held_at).date():
        errors.append({"field": "follow_up_deadline", "message": "落实期限不能早于召开时间"})
    now = timezone.now()
    if meeting.held_at > now + RECORD_SLACK:
        when = timezone.localtime(meeting.held_at).strftime("%Y-%m-%d %H:%M")
        errors.append({"field": "decisions", "message": f"会议尚未召开（{when}），不能记录决定"})
    _fail(errors)
    deadline = follow_up_deadline or meeting.follow_up_deadline
    with transaction.atomic():
        changed = Consultation.objects.filter(pk=meeting.pk, status=ConsultationStatus.PLANNED).update(
            status=ConsultationStatus.HELD,
            decisions=decisions,
            follow_up_deadline=deadline,
            recorded_at=now,
            recorded_by=by,
        )
        if not changed:
            raise Conflict("该会议已记录决定，不能重复记录")
        for code, p in participants.items():
            attended, person = attendance.get(code, (False, ""))
            p.attended, p.person_name = bool(attended), (person or "").strip()
        ConsultationParticipant.objects.bulk_update(participants.values(), ["attended", "person_name"])
        audit_record(
            actor=by,
            action="dispatch.consultation_record",
            obj=meeting,
            before={"status": ConsultationStatus.PLANNED},
            after={
                "status": ConsultationStatus.HELD,
                "decisions": decisions,
                "follow_up_deadline": deadline,
                "attended": [c for c, p in participants.items() if p.attended],
            },
        )
    meeting.refresh_from_db()
    return meeting


# --- evidence -------------------------------------------------------------------------------------------


def evidence_file_check(file) -> tuple[str, str, str, int]:
    """(content type, extension, sha256, size) of an upload, or ServiceError naming what is wrong with it."""
    if file is None:
        raise ServiceError("请选择证据文件", [{"field": "file", "message": "请选择证据文件"}])
    limit = settings.ZHIFA_EVIDENCE_MAX_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        message = f"文件过大（{size / 1048576:.1f} MB），证据文件不能超过 {limit // 1048576} MB"
        raise ServiceError(message, [{"field": "file", "message": message}])
    file.seek(0)
    kind = sniff_file_type(file.read(16))
    file.seek(0)
    digest, total = hashlib.sha256(), 0
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
        digest.update(chunk)
        total += len(chunk)
        if total > limit:
            message = f"证据文件不能超过 {limit // 1048576} MB"
            raise ServiceError(message, [{"field": "file", "message": message}])
    file.seek(0)
    if total == 0:
        raise ServiceError("文件为空", [{"field": "file", "message": "文件为空"}])
    if kind is None:
        message = f"文件类型不支持：证据只接受{ACCEPTED_TYPES} 文件"
        raise ServiceError(message, [{"field": "file", "message": message}])
    return kind[0], kind[1], digest.hexdigest(), total


def evidence_attach(
    *,
    event: Event,
    file,
    method: str,
    description: str,
    collector_name: str = "",
    collected_at: datetime | None = None,
    shared_with: Sequence[Unit] = (),
    by,
) -> Evidence:
    """提交证据 — a unit working the event (or its command centre) attaches a file with its provenance.

    The file is checked from its bytes (image or PDF, size limit) and its SHA-256 stored; nothing is written
    to disk unless the row is saved too."""
    _writer(by)
    unit = acting_unit(event, by)
    now = timezone.now()
    description = (description or "").strip()
    collector_name = (collector_name or "").strip() or str(by)
    collected_at = collected_at or now
    errors = []
    if method not in EvidenceMethod.values:
        errors.append({"field": "method", "message": "请选择收集方式"})
    if not description:
        errors.append({"field": "description", "message": "请填写证据说明"})
    elif len(description) > MAX_TEXT:
        errors.append({"field": "description", "message": f"证据说明不能超过 {MAX_TEXT} 字"})
    if len(collector_name) > 50:
        errors.append({"field": "collector_name", "message": "收集人不能超过 50 字"})
    if collected_at > now + timedelta(minutes=5):
        errors.append({"field": "collected_at", "message": "收集时间不能晚于现在"})
    _fail(errors)
    if event.status in CLOSED_EVENT:
        raise ServiceError(f"事件{event.get_status_display()}，不能再提交证据")
    return evidence_store(
        event=event,
        unit=unit,
        file=file,
        checked=evidence_file_check(file),
        method=method,
        description=description,
        collector_name=collector_name,
        collected_at=collected_at,
        shared_with=shared_with,
        by=by,
        now=now,
    )


def evidence_store(
    *,
    event: Event,
    unit: Unit,
    file,
    checked: tuple[str, str, str, int],
    method: str,
    description: str,
    collector_name: str,
    collected_at: datetime,
    shared_with: Sequence[Unit] = (),
    by,
    now: datetime,
) -> Evidence:
    """Write one checked file (`evidence_file_check`) and its row; the file is removed again on any error."""
    content_type, ext, sha256, size = checked
    original = (getattr(file, "name", "") or f"evidence{ext}").replace("\\", "/").rsplit("/", 1)[-1][:200]
    storage = Evidence._meta.get_field("file").storage
    # A random name under evidence/YYYY/MM: nothing of the user's file name reaches the file system.
    stored = None
    try:
        stored = storage.save(f"evidence/{timezone.localtime(now):%Y/%m}/{uuid.uuid4().hex}{ext}", file)
        with transaction.atomic():
            evidence = Evidence.objects.create(
                event=event,
                unit=unit,
                collector_name=collector_name,
                collected_at=collected_at,
                method=method,
                description=description,
                file=stored,
                original_name=original,
                content_type=content_type,
                size=size,
                sha256=sha256,
                created_by=by,
                created_at=now,
            )
            shared = [u for u in dict.fromkeys(shared_with) if u.pk != unit.pk]
            evidence.shared_with.set(shared)
            audit_record(
                actor=by,
                action="dispatch.evidence_attach",
                obj=evidence,
                after={
                    "event": event.receipt_no,
                    "unit": unit.code,
                    "collector": collector_name,
                    "collected_at": collected_at,
                    "method": method,
                    "sha256": sha256,
                    "size": size,
                    "shared_with": [u.code for u in shared],
                },
            )
    except BaseException:
        if stored:
            storage.delete(stored)
        raise
    return evidence


def evidence_withdraw(*, evidence: Evidence, reason: str, by) -> Evidence:
    """撤回证据 — the row and the file stay, marked withdrawn with the reason."""
    _writer(by)
    if not (by.unit_id == evidence.unit_id or _commands_event(by, evidence.event)):
        raise PermissionError_("只有收集单位或指挥中心可以撤回证据")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写撤回理由", [{"field": "reason", "message": "请填写撤回理由"}])
    if len(reason) > MAX_REASON:
        raise ServiceError(
            f"撤回理由不能超过 {MAX_REASON} 字", [{"field": "reason", "message": "撤回理由过长"}]
        )
    now = timezone.now()
    with transaction.atomic():
        changed = Evidence.objects.filter(pk=evidence.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_by=by, withdraw_reason=reason
        )
        if not changed:
            raise Conflict("该证据已撤回")
        audit_record(
            actor=by,
            action="dispatch.evidence_withdraw",
            obj=evidence,
            before={"withdrawn": False},
            after={"withdrawn": True, "reason": reason},
        )
    evidence.refresh_from_db()
    return evidence


def evidence_adopt(*, evidence: Evidence, purpose: str = "", by) -> EvidenceUse:
    """采纳证据（证据互通互认） — a unit working the event uses evidence another unit collected."""
    _writer(by)
    if evidence.withdrawn:
        raise ServiceError("该证据已撤回，不能采纳")
    if by.unit_id == evidence.unit_id:
        raise ServiceError("本单位收集的证据无需采纳")
    if not EventUnit.objects.filter(event_id=evidence.event_id, unit_id=by.unit_id, active=True).exists():
        raise PermissionError_("只有承办该事件的单位可以采纳证据")
    purpose = (purpose or "").strip()
    if len(purpose) > 200:
        raise ServiceError("用途不能超过 200 字", [{"field": "purpose", "message": "用途过长"}])
    try:
        with transaction.atomic():
            use = EvidenceUse.objects.create(
                evidence=evidence, unit=by.unit, by=by, at=timezone.now(), purpose=purpose
            )
            audit_record(
                actor=by,
                action="dispatch.evidence_adopt",
                obj=evidence,
                after={"unit": by.unit.code, "purpose": purpose, "sha256": evidence.sha256},
            )
    except IntegrityError:
        raise Conflict("本单位已采纳该证据") from None
    return use
