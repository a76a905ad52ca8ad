"""Writes of training and case reviews: a record created or edited (all checked, all-or-nothing, version checked
on edit) and a material added to it; each audited. Who writes: the district command, departments, oversight
(案卷评查 is its work) and administrators for any organiser; a subdistrict's command room for its own units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_record
from zhifa.cases.models import Case
from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.core.params import int_or_none
from zhifa.dispatch.coordination.services import evidence_file_check
from zhifa.org.models import Officer, Unit
from zhifa.org.scope import scope_for
from zhifa.oversight.choices import TrainingKind
from zhifa.oversight.training.models import Training, TrainingMaterial

WRITER_ROLES = (Role.DISTRICT_COMMAND, Role.SUBDISTRICT_COMMAND, Role.DEPARTMENT, Role.OVERSIGHT, Role.ADMIN)
# Kinds about cases: a discussion, a file review or a selection names at least one case.
CASE_KINDS = (TrainingKind.DISCUSSION, TrainingKind.FILE_REVIEW, TrainingKind.CASE_SELECTION)
MAX_SUMMARY = 5000
MAX_MATERIALS = 20
MAX_PARTICIPANTS = 500


def may_write(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in WRITER_ROLES))


def may_edit(user, training: Training) -> bool:
    """A writer whose jurisdiction holds the organiser (attending officers do not make a record one's own)."""
    return may_write(user) and scope_for(user).covers_path(training.region_path)


def _require_writer(by) -> None:
    if not may_write(by):
        raise PermissionError_("只有区指挥中心、街道指挥室、区级部门或执法监督人员可以登记培训研讨")


def _hours(value) -> Decimal | None:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return hours if hours.is_finite() else None


def _case_numbers(value) -> list[str]:
    if isinstance(value, str):
        value = value.replace("，", "\n").replace(",", "\n").replace("；", "\n").splitlines()
    return list(dict.fromkeys(n.strip() for n in (value or []) if n and n.strip()))


def _clean(*, by, kind, topic, held_on, organiser, hours, participants, cases, place, summary) -> dict:
    """Every field checked at once: the errors name each field, in Chinese; nothing is written on any error."""
    scope = scope_for(by)
    errors: list[dict] = []

    def fail(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    if kind not in TrainingKind.values:
        fail("kind", "请选择类型")
    topic = (topic or "").strip()
    if len(topic) < 2:
        fail("topic", "请填写主题")
    elif len(topic) > 200:
        fail("topic", "主题不能超过 200 字")
    today = timezone.localdate()
    if not isinstance(held_on, date):
        fail("held_on", "请填写日期（年-月-日）")
    elif held_on > today:
        fail("held_on", "日期不能晚于今天（只登记已举办的培训研讨）")
    unit = (
        Unit.objects.select_related("region")
        .filter(pk=organiser.pk if isinstance(organiser, Unit) else int_or_none(organiser))
        .first()
    )
    if unit is None or not unit.active:
        fail("organiser", "请选择组织单位")
        unit = None
    elif not scope.covers_path(unit.region.path):
        fail("organiser", "只能登记本辖区单位组织的培训研讨")
    parsed = _hours(hours)
    if parsed is None:
        fail("hours", "请填写学时（如 2 或 1.5）")
    elif not (Decimal("0.5") <= parsed <= Decimal("24")):
        fail("hours", "学时应在 0.5 至 24 之间")
    elif parsed % Decimal("0.5"):
        fail("hours", "学时应为 0.5 的整数倍")
    raw = [p for p in (participants or []) if p not in ("", None)]
    ids = sorted({i for i in (int_or_none(p) for p in raw) if i is not None})
    officers = list(Officer.objects.filter(pk__in=ids, active=True))
    if len(ids) != len({str(p) for p in raw}):
        fail("participants", "参加人员有误，请重新选择")
    elif not ids:
        fail("participants", "请选择参加人员")
    elif len(officers) != len(ids):
        fail("participants", "所选参加人员中有人不存在或已离岗，请重新选择")
    elif len(ids) > MAX_PARTICIPANTS:
        fail("participants", f"参加人员不能超过 {MAX_PARTICIPANTS} 人")
    numbers = _case_numbers(cases)
    found = {c.number: c for c in Case.objects.filter(number__in=numbers)} if numbers else {}
    missing = [n for n in numbers if n not in found]
    outside = [n for n in numbers if n in found and not scope.covers_path(found[n].region_path)]
    if missing:
        fail("cases", f"案件编号不存在：{'、'.join(missing[:5])}")
    elif outside:
        fail("cases", f"案件不在您的辖区内：{'、'.join(outside[:5])}")
    elif kind in CASE_KINDS and not numbers:
        fail("cases", f"{TrainingKind(kind).label}应关联至少一件案件（填写案件编号）")
    place = (place or "").strip()
    if len(place) > 100:
        fail("place", "地点不能超过 100 字")
    summary = (summary or "").strip()
    if len(summary) > MAX_SUMMARY:
        fail("summary", f"内容纪要不能超过 {MAX_SUMMARY} 字")
    if errors:
        raise ServiceError("；".join(e["message"] for e in errors), errors)
    return {
        "kind": kind,
        "topic": topic,
        "held_on": held_on,
        "organiser": unit,
        "region_path": unit.region.path,
        "hours": parsed,
        "place": place,
        "summary": summary,
        "_officers": officers,
        "_cases": [found[n] for n in numbers],
    }


def _snapshot(t: Training) -> dict:
    return {
        "kind": t.kind,
        "topic": t.topic,
        "held_on": t.held_on.isoformat(),
        "organiser": t.organiser_id,
        "hours": str(t.hours),
        "place": t.place,
        "participants": sorted(t.participants.values_list("pk", flat=True)),
        "cases": sorted(t.cases.values_list("number", flat=True)),
        "version": t.version,
    }


def training_create(
    *, by, kind, topic, held_on, organiser, hours, participants, cases=(), place="", summary=""
) -> Training:
    """登记 a training session, case discussion, file review or case selection."""
    _require_writer(by)
    data = _clean(by=by, kind=kind, topic=topic, held_on=held_on, organiser=organiser, hours=hours,
                  participants=participants, cases=cases, place=place, summary=summary)  # fmt: skip
    officers, linked = data.pop("_officers"), data.pop("_cases")
    now = timezone.now()
    with transaction.atomic():
        training = Training.objects.create(**data, created_by=by, created_at=now, updated_at=now)
        training.participants.set(officers)
        training.cases.set(linked)
        audit_record(actor=by, action="oversight.training_create", obj=training, after=_snapshot(training))
    return training


def training_update(
    *, training: Training, by, version: int | None, kind, topic, held_on, organiser, hours, participants,
    cases=(), place="", summary="",
) -> Training:  # fmt: skip
    """修改 a record: every field checked again; a stale version (someone saved in between) is a conflict."""
    _require_writer(by)
    if not may_edit(by, training):
        raise PermissionError_("只能修改本辖区单位组织的培训研讨记录")
    if version is None:
        raise ServiceError(
            "缺少版本号，请刷新页面后重新编辑", [{"field": "version", "message": "缺少版本号"}]
        )
    data = _clean(by=by, kind=kind, topic=topic, held_on=held_on, organiser=organiser, hours=hours,
                  participants=participants, cases=cases, place=place, summary=summary)  # fmt: skip
    officers, linked = data.pop("_officers"), data.pop("_cases")
    with transaction.atomic():
        current = Training.objects.select_for_update().get(pk=training.pk)
        if current.version != version:
            raise Conflict("该记录已被他人修改，请刷新后重试")
        before = _snapshot(current)
        for name, value in data.items():
            setattr(current, name, value)
        current.version += 1
        current.updated_at = timezone.now()
        current.save()
        current.participants.set(officers)
        current.cases.set(linked)
        audit_record(actor=by, action="oversight.training_update", obj=current, before=before,
                     after=_snapshot(current))  # fmt: skip
    return current


def training_material_add(*, training: Training, file, by) -> TrainingMaterial:
    """A material of the session (PDF slides, photos of the sign-in sheet): type judged from the bytes, as
    for evidence; its digest kept."""
    _require_writer(by)
    if not may_edit(by, training):
        raise PermissionError_("只能为本辖区单位组织的培训研讨上传材料")
    content_type, ext, digest, size = evidence_file_check(file)
    file.seek(0)
    body = file.read()
    with transaction.atomic():
        locked = Training.objects.select_for_update().get(pk=training.pk)
        if locked.materials.count() >= MAX_MATERIALS:
            message = f"每条记录最多上传 {MAX_MATERIALS} 个材料"
            raise ServiceError(message, [{"field": "file", "message": message}])
        material = TrainingMaterial(
            training=locked, name=(getattr(file, "name", "") or "材料")[:200], content_type=content_type,
            size=size, sha256=digest, uploaded_by=by, uploaded_at=timezone.now(),
        )  # fmt: skip
        material.file.save(f"material{ext}", ContentFile(body), save=False)
        material.save()
        audit_record(actor=by, action="oversight.training_material_add", obj=locked,
                     after={"material": material.pk, "name": material.name, "sha256": digest})  # fmt: skip
    return material
