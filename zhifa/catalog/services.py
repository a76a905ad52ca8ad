"""Catalog actions: import a release (with its diff), apply or discard it, usage flags, scenarios."""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhifa.audit.services import audit_record
from zhifa.catalog.choices import ChangeKind, ItemStatus, ReleaseStatus
from zhifa.catalog.importing import BAND_LEVEL_ORDER, ITEM_FIELDS, PARTY_ORDER, parse_catalog
from zhifa.catalog.models import (
    CatalogRelease,
    DiscretionBand,
    EnforcementItem,
    ReleaseChange,
    Scenario,
    build_search_text,
)
from zhifa.catalog.selectors import RELEASE_ADMIN_MESSAGE, can_manage_releases
from zhifa.core.errors import Conflict, PermissionError_, ServiceError, require_write
from zhifa.core.memo import memo_changed
from zhifa.core.snapshot import snapshot
from zhifa.engine.catalog_flags import derive_usage_flags
from zhifa.org.models import Domain
from zhifa.org.scope import scope_for

STALE_MESSAGE = "清单已被其他版本更新，请重新导入后再发布"
BATCH = 500


def _require_manager(by) -> None:
    # A string actor is the system itself (demo builder, management commands); people need the admin role.
    if isinstance(by, str):
        return
    if not can_manage_releases(by):
        raise PermissionError_(RELEASE_ADMIN_MESSAGE)
    require_write(scope_for(by))


def _user_or_none(by):
    return by if getattr(by, "pk", None) else None


# --- item state, as compared and stored in the change log -------------------------------------------------


def _band_state(band: DiscretionBand) -> dict:
    return {
        "level": band.level,
        "party": band.party,
        "condition": band.condition,
        "min_fine": str(Decimal(band.min_fine).quantize(Decimal("0.01"))),
        "max_fine": str(Decimal(band.max_fine).quantize(Decimal("0.01"))),
    }


def item_state(item: EnforcementItem) -> dict:
    """The item in the shape of an imported row (bands prefetched), so the two compare field by field."""
    bands = sorted(
        item.bands.all(), key=lambda b: (PARTY_ORDER.get(b.party, 9), BAND_LEVEL_ORDER.get(b.level, 99))
    )
    return {
        "code": item.code,
        "name": item.name,
        "domain": item.domain.code,
        "kind": item.kind,
        "legal_basis": item.legal_basis,
        "penalty_basis": item.penalty_basis,
        "delegated": item.delegated,
        "delegated_from": item.delegated_from.isoformat() if item.delegated_from else None,
        "keywords": list(item.keywords or []),
        "required_evidence": list(item.required_evidence or []),
        "high_frequency": item.high_frequency,
        "scenes": list(item.scenes or []),
        "bands": [_band_state(b) for b in bands],
    }


def _latest_applied_id() -> int | None:
    latest = (
        CatalogRelease.objects.filter(status=ReleaseStatus.APPLIED)
        .order_by("-applied_at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    return latest


def _diff(rows: dict[str, dict], managed: list[str], release: CatalogRelease):
    """ReleaseChange rows (unsaved) and the summary counts of the file against the current catalog."""
    current = {i.code: i for i in EnforcementItem.objects.select_related("domain").prefetch_related("bands")}
    changes: list[ReleaseChange] = []
    unchanged = 0
    for code, row in rows.items():
        existing = current.get(code)
        before = item_state(existing) if existing else None
        # Fields the file does not set keep their current values (or the model defaults for a new item).
        after = dict(before) if before else {**row}
        after.update({f: row[f] for f in managed})
        if existing is None or existing.status != ItemStatus.ACTIVE:
            # A retired item that comes back is "added" again; its old state stays in `before` for history.
            changes.append(
                ReleaseChange(
                    release=release, item_code=code, kind=ChangeKind.ADDED, before=before, after=after
                )
            )
            continue
        fields = [f for f in managed if before[f] != after[f]]
        if fields:
            changes.append(
                ReleaseChange(
                    release=release,
                    item_code=code,
                    kind=ChangeKind.CHANGED,
                    fields=fields,
                    before=before,
                    after=after,
                )
            )
        else:
            unchanged += 1
    for code, item in current.items():
        if item.status == ItemStatus.ACTIVE and code not in rows:
            changes.append(
                ReleaseChange(
                    release=release, item_code=code, kind=ChangeKind.RETIRED, before=item_state(item)
                )
            )
    summary = {kind: sum(1 for c in changes if c.kind == kind) for kind in ChangeKind.values}
    summary.update(unchanged=unchanged, total=len(rows))
    return changes, summary


# --- releases ----------------------------------------------------------------------------------------------


def _domain_lookup() -> dict[str, str]:
    lookup = {}
    for code, name in Domain.objects.values_list("code", "name"):
        lookup[name.lower()] = code
        lookup[code.lower()] = code
    return lookup


def release_import(
    *,
    content: bytes,
    filename: str,
    version: str,
    title: str = "",
    by,
    discretion_content: bytes | None = None,
    discretion_filename: str = "",
) -> CatalogRelease:
    """Parse a full catalog file into a draft release with its diff; a bad row anywhere imports nothing."""
    _require_manager(by)
    version = (version or "").strip()
    title = (title or "").strip()
    if not version:
        raise ServiceError("请填写版本号", errors=[{"field": "version", "message": "请填写版本号"}])
    if len(version) > 40:
        raise ServiceError(
            "版本号不能超过 40 个字符", errors=[{"field": "version", "message": "版本号不能超过 40 个字符"}]
        )
    if len(title) > 200:
        raise ServiceError(
            "说明不能超过 200 个字符", errors=[{"field": "title", "message": "说明不能超过 200 个字符"}]
        )
    duplicate = f"版本号“{version}”已存在，请换一个版本号"
    if CatalogRelease.objects.filter(version=version).exists():
        raise ServiceError(duplicate, errors=[{"field": "version", "message": duplicate}])
    parsed = parse_catalog(
        content=content,
        filename=filename,
        domains=_domain_lookup(),
        discretion_content=discretion_content,
        discretion_filename=discretion_filename,
    )
    with transaction.atomic():
        release = CatalogRelease(
            version=version,
            title=title,
            source_name=(filename or "")[:200],
            status=ReleaseStatus.DRAFT,
            created_by=_user_or_none(by),
        )
        changes, summary = _diff(parsed.items, parsed.managed, release)
        # Applying checks that no other release was applied since: the diff was made against this base.
        release.payload = {
            "base_release_id": _latest_applied_id(),
            "managed": parsed.managed,
            "has_bands": parsed.has_bands,
            "discretion_source": (discretion_filename or "")[:200],
            "items": list(parsed.items.values()),
        }
        release.summary = summary
        try:
            with transaction.atomic():
                release.save()
        except IntegrityError:
            raise ServiceError(duplicate, errors=[{"field": "version", "message": duplicate}]) from None
        ReleaseChange.objects.bulk_create(changes, batch_size=BATCH)
        audit_record(
            actor=by,
            action="catalog.release_import",
            obj=release,
            after={"version": version, "title": title, "source": release.source_name, "summary": summary},
        )
    return release


def _set_fields(item: EnforcementItem, state: dict, fields, domains: dict[str, Domain]) -> None:
    for f in fields:
        if f == "bands":
            continue
        if f == "domain":
            item.domain = domains[state["domain"]]
        elif f == "delegated_from":
            raw = state["delegated_from"]
            item.delegated_from = date.fromisoformat(raw) if raw else None
        else:
            setattr(item, f, state[f])


def _lock_release(release: CatalogRelease) -> CatalogRelease:
    # Locking every release row serialises concurrent applies on PostgreSQL, so two drafts made against the
    # same base cannot both pass the stale check (SQLite already serialises writers).
    list(CatalogRelease.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    return CatalogRelease.objects.select_for_update().get(pk=release.pk)


def release_apply(*, release: CatalogRelease, by) -> CatalogRelease:
    """Publish a draft: add and update its items, replace their bands, retire the missing ones — all at once."""
    _require_manager(by)
    with transaction.atomic():
        release = _lock_release(release)
        if release.status != ReleaseStatus.DRAFT:
            raise ServiceError(
                f"版本“{release.version}”{release.get_status_display()}，只有待发布的版本可以发布"
            )
        if _latest_applied_id() != release.payload.get("base_release_id"):
            raise Conflict(STALE_MESSAGE)
        changes = list(release.changes.all())
        managed = release.payload.get("managed", list(ITEM_FIELDS))
        domains = {d.code: d for d in Domain.objects.all()}
        missing = sorted({c.after["domain"] for c in changes if c.after and c.after["domain"] not in domains})
        if missing:
            raise ServiceError(f"领域“{'、'.join(missing)}”已不存在，请重新导入后再发布")
        existing = {
            i.code: i for i in EnforcementItem.objects.filter(code__in=[c.item_code for c in changes])
        }
        now = timezone.now()
        created, updated, band_codes = [], [], []
        for change in changes:
            item = existing.get(change.item_code)
            if change.kind == ChangeKind.RETIRED:
                # Never deleted: events, inspections and cases keep pointing at a retired item.
                item.status = ItemStatus.RETIRED
                updated.append(item)
            else:
                fields = managed if change.kind == ChangeKind.ADDED else change.fields
                if item is None:
                    item = EnforcementItem(code=change.item_code)
                    created.append(item)
                    _set_fields(item, change.after, ITEM_FIELDS, domains)
                    band_codes.append(change.item_code)
                else:
                    _set_fields(item, change.after, fields, domains)
                    updated.append(item)
                    if "bands" in fields:
                        band_codes.append(change.item_code)
                item.status = ItemStatus.ACTIVE
            item.release = release
            item.updated_at = now
            # bulk_create / bulk_update skip save(), which maintains search_text; keep it current here.
            item.search_text = build_search_text(
                item.name, item.keywords, item.legal_basis, item.penalty_basis
            )
        EnforcementItem.objects.bulk_create(created, batch_size=BATCH)
        update_fields = [*ITEM_FIELDS, "status", "release", "updated_at", "search_text"]
        EnforcementItem.objects.bulk_update(updated, update_fields, batch_size=BATCH)
        _replace_bands(release, changes, band_codes)
        # Bulk writes send no model signal: every process's router and classifier learn of it here.
        memo_changed("catalog.EnforcementItem")
        release.status = ReleaseStatus.APPLIED
        release.applied_by = _user_or_none(by)
        release.applied_at = now
        release.save(update_fields=["status", "applied_by", "applied_at"])
        audit_record(
            actor=by,
            action="catalog.release_apply",
            obj=release,
            before={"status": ReleaseStatus.DRAFT},
            after={"status": ReleaseStatus.APPLIED, "summary": release.summary},
        )
    return release


def _replace_bands(release: CatalogRelease, changes: list[ReleaseChange], codes: list[str]) -> None:
    if not codes:
        return
    after = {c.item_code: c.after for c in changes if c.after}
    pks = dict(EnforcementItem.objects.filter(code__in=codes).values_list("code", "pk"))
    DiscretionBand.objects.filter(item_id__in=pks.values()).delete()
    bands = [
        DiscretionBand(
            item_id=pks[code],
            level=b["level"],
            party=b.get("party", ""),
            condition=b["condition"],
            min_fine=Decimal(b["min_fine"]),
            max_fine=Decimal(b["max_fine"]),
        )
        for code in codes
        for b in after[code].get("bands", [])
    ]
    DiscretionBand.objects.bulk_create(bands, batch_size=BATCH)


def release_discard(*, release: CatalogRelease, by) -> CatalogRelease:
    """Set a draft aside; it stays listed with its diff, and can never be applied."""
    _require_manager(by)
    with transaction.atomic():
        release = _lock_release(release)
        if release.status != ReleaseStatus.DRAFT:
            raise ServiceError(
                f"版本“{release.version}”{release.get_status_display()}，只有待发布的版本可以作废"
            )
        release.status = ReleaseStatus.DISCARDED
        release.save(update_fields=["status"])
        audit_record(
            actor=by,
            action="catalog.release_discard",
            obj=release,
            before={"status": ReleaseStatus.DRAFT},
            after={"status": ReleaseStatus.DISCARDED},
        )
    return release


# --- usage flags -------------------------------------------------------------------------------------------


def catalog_usage_flags_apply(*, counts: dict[str, int], by, high_frequency_top: int = 40) -> int:
    """Set high-frequency and dormant on active items from usage counts per code; returns how many changed."""
    _require_manager(by)
    if high_frequency_top < 0:
        raise ServiceError("高频事项数量不能为负数")
    with transaction.atomic():
        items = list(
            EnforcementItem.objects.select_for_update()
            .filter(status=ItemStatus.ACTIVE)
            .only("id", "code", "high_frequency", "dormant")
        )
        flags = derive_usage_flags(counts, [i.code for i in items], high_frequency_top=high_frequency_top)
        now = timezone.now()
        changed = []
        for item in items:
            hf, dormant = flags[item.code]
            if (item.high_frequency, item.dormant) != (hf, dormant):
                item.high_frequency, item.dormant, item.updated_at = hf, dormant, now
                changed.append(item)
        EnforcementItem.objects.bulk_update(
            changed, ["high_frequency", "dormant", "updated_at"], batch_size=BATCH
        )
        memo_changed("catalog.EnforcementItem")
        audit_record(
            actor=by,
            action="catalog.usage_flags_apply",
            object_type="catalog.enforcementitem",
            object_repr="执法事项高频 / 沉睡标记",
            after={
                "changed": len(changed),
                "high_frequency": sum(1 for hf, _ in flags.values() if hf),
                "dormant": sum(1 for _, d in flags.values() if d),
                "high_frequency_top": high_frequency_top,
            },
        )
    return len(changed)


# --- scenarios ---------------------------------------------------------------------------------------------


def scenario_create(
    *, code: str, name: str, items: list[EnforcementItem], by, description: str = ""
) -> Scenario:
    """A supervision scenario (监管一件事) bundling items of several domains into one checklist."""
    _require_manager(by)
    code, name = (code or "").strip(), (name or "").strip()
    errors = []
    if not code:
        errors.append({"field": "code", "message": "请填写场景编码"})
    elif len(code) > 20:
        errors.append({"field": "code", "message": "场景编码不能超过 20 个字符"})
    elif Scenario.objects.filter(code=code).exists():
        errors.append({"field": "code", "message": f"场景编码“{code}”已存在"})
    if not name:
        errors.append({"field": "name", "message": "请填写场景名称"})
    elif len(name) > 100:
        errors.append({"field": "name", "message": "场景名称不能超过 100 个字符"})
    retired = [i.code for i in items if i.status != ItemStatus.ACTIVE]
    if retired:
        errors.append({"field": "items", "message": f"事项 {'、'.join(retired)} 已取消，不能纳入场景"})
    if errors:
        raise ServiceError("；".join(e["message"] for e in errors), errors=errors)
    with transaction.atomic():
        scenario = Scenario.objects.create(code=code, name=name, description=description)
        scenario.items.set(items)
        audit_record(actor=by, action="catalog.scenario_create", obj=scenario, after=snapshot(scenario))
    return scenario
