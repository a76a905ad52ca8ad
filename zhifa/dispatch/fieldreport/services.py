"""现场上报 — a grid worker (网格吹哨), an officer on patrol (巡查发现) or a department (部门移交) reports a problem
from the field, with photos and the phone's location, in one step."""

from django.db import transaction
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.dispatch.choices import Channel, EvidenceMethod, Priority
from zhifa.dispatch.coordination.services import evidence_file_check, evidence_store
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.models import Event, Evidence
from zhifa.org.scope import scope_for

FIELD_CHANNELS = {
    Role.GRID_WORKER: Channel.GRID,
    Role.OFFICER: Channel.PATROL,
    Role.DEPARTMENT: Channel.DEPARTMENT,
}
MAX_PHOTOS = 6


def field_channel(user) -> str | None:
    return FIELD_CHANNELS.get(getattr(user, "role", None))


def event_report_in(
    *,
    by,
    description: str,
    photos: list | None = None,
    lng: float | None = None,
    lat: float | None = None,
    accuracy_m: float | None = None,
    address: str = "",
    subdistrict: str = "",
    urgent: bool = False,
) -> Event:
    """The event and its photos are stored together or not at all; each photo is kept as evidence of the
    reporter's unit (现场拍照), with the place it was taken when the phone gave one."""
    channel = field_channel(by)
    if channel is None or not scope_for(by).can_write:
        raise PermissionError_("只有网格员、执法队员和区级部门可以现场上报")
    photos = [p for p in (photos or []) if p]
    if len(photos) > MAX_PHOTOS:
        raise ServiceError(
            f"最多上传 {MAX_PHOTOS} 张照片", [{"field": "photos", "message": f"最多上传 {MAX_PHOTOS} 张照片"}]
        )
    if photos and by.unit_id is None:
        raise ServiceError(
            "您的账号未关联单位，不能上传照片", [{"field": "photos", "message": "账号未关联单位"}]
        )
    # Every photo is checked before anything is written: one bad photo stores nothing.
    checked = [evidence_file_check(p) for p in photos]
    now = timezone.now()
    where = (
        f"（{lng:.6f}, {lat:.6f}" + (f"，精度约 {accuracy_m:.0f} 米）" if accuracy_m else "）") if lng else ""
    )
    kept: list[str] = []
    try:
        with transaction.atomic():
            event = event_intake(
                channel=channel,
                description=description,
                lng=lng,
                lat=lat,
                address=address,
                subdistrict=subdistrict,
                priority=Priority.URGENT if urgent else Priority.NORMAL,
                reporter_name=str(by)[:50],
                by=by,
                now=now,
            )
            for n, (photo, check) in enumerate(zip(photos, checked, strict=True), start=1):
                evidence = evidence_store(
                    event=event,
                    unit=by.unit,
                    file=photo,
                    checked=check,
                    method=EvidenceMethod.PHOTO,
                    description=f"{Channel(channel).label}现场照片 {n}/{len(photos)}{where}",
                    collector_name=str(by)[:50],
                    collected_at=now,
                    by=by,
                    now=now,
                )
                kept.append(evidence.file.name)
    except BaseException:
        # The rows are rolled back; the files written before the failure must go too.
        storage = Evidence._meta.get_field("file").storage
        for name in kept:
            storage.delete(name)
        raise
    return event
