"""Demo shared evidence (证据互通互认): on the events several units worked, the lead unit's officers took site
photos or records, stored through the event evidence store (checked from the bytes, SHA-256, provenance), and
the assisting units that have a demo login adopted them (采纳) through the adopt service.

The services stamp the time they run; the demo then dates each adoption at its own pace after the evidence
(the evidence's own times are given to the store). From its own random stream, after the coordination.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from zhifa.accounts.models import User
from zhifa.demo import asof
from zhifa.demo.files import one_page_pdf, stamped_photo
from zhifa.dispatch.choices import EvidenceMethod, UnitRole
from zhifa.dispatch.coordination.services import evidence_adopt, evidence_file_check, evidence_store
from zhifa.dispatch.models import Event, EventUnit, EvidenceUse
from zhifa.org.models import Officer

PURPOSES = ("本单位联合处置取证", "配合调查，作为本单位处理依据", "会商研判使用")


def _file(event: Event, method: str, at, n: int) -> ContentFile:
    local = timezone.localtime(at, asof.TZ)
    title = f"事件 {event.receipt_no} {EvidenceMethod(method).label}（演示数据）"
    if method == EvidenceMethod.PHOTO:
        return ContentFile(stamped_photo(f"{local:%Y-%m-%d %H:%M}", shade=n, note=title), name="现场照片.png")
    lines = [
        "ZHIFA DEMO DISTRICT - synthetic evidence, not a real record",
        f"event {event.receipt_no}, {method}",
        f"collected {local:%Y-%m-%d %H:%M} (Asia/Shanghai)",
    ]
    return ContentFile(one_page_pdf(title, lines), name="询问笔录.pdf")


def build_shared_evidence(*, seed: int) -> dict[str, int]:
    rng = random.Random(f"zhifa-demo-shared-evidence-{seed}")
    command = User.objects.get(username="command")
    login = {}
    for user in User.objects.filter(unit__isnull=False, officer__isnull=False).order_by("username"):
        login.setdefault(user.unit_id, user)
    for user in User.objects.filter(unit__isnull=False).order_by("username"):
        login.setdefault(user.unit_id, user)
    units_of: dict[int, list[EventUnit]] = defaultdict(list)
    for eu in (
        EventUnit.objects.filter(active=True, event__received_at__lt=asof.as_of() - timedelta(days=3))
        .select_related("unit")
        .order_by("event_id", "role", "unit__code")
    ):
        units_of[eu.event_id].append(eu)
    several = {eid: eus for eid, eus in units_of.items() if len(eus) > 1}
    events = Event.objects.filter(pk__in=several).order_by("receipt_no")
    officers: dict[int, list[str]] = defaultdict(list)
    for team_id, name in (
        Officer.objects.filter(active=True).order_by("certificate_no").values_list("team_id", "name")
    ):
        officers[team_id].append(name)
    stored = adopted = 0
    for n, event in enumerate(events):
        eus = several[event.pk]
        # The unit without a demo login collects (a district team's specialists, as a rule), so that the
        # one with a login can be seen adopting; else the lead unit.
        collector = next(
            (eu.unit for eu in eus if eu.unit_id not in login),
            next((eu.unit for eu in eus if eu.role == UnitRole.LEAD), eus[0].unit),
        )
        start = event.on_site_at or event.accepted_at or event.received_at + timedelta(hours=2)
        method = rng.choice((EvidenceMethod.PHOTO, EvidenceMethod.PHOTO, EvidenceMethod.INTERVIEW))
        collected = (start + timedelta(minutes=rng.randint(5, 50))).replace(microsecond=0)
        file = _file(event, method, collected, n)
        names = officers.get(collector.pk) or [collector.name]
        evidence = evidence_store(
            event=event,
            unit=collector,
            file=file,
            checked=evidence_file_check(file),
            method=method,
            description=f"{collector.name}{EvidenceMethod(method).label}：{event.title}",
            collector_name=rng.choice(names)[:50],
            collected_at=collected,
            by=login.get(collector.pk, command),
            now=collected + timedelta(minutes=20),
        )
        stored += 1
        for eu in eus:
            user = login.get(eu.unit_id)
            if eu.unit_id == collector.pk or user is None:
                continue
            use = evidence_adopt(evidence=evidence, purpose=rng.choice(PURPOSES), by=user)
            at = collected + timedelta(hours=rng.randint(2, 30))
            EvidenceUse.objects.filter(pk=use.pk).update(at=min(at, asof.as_of() - timedelta(hours=1)))
            adopted += 1
    return {"event_evidence": stored, "event_evidence_adopted": adopted}
