"""Releases: the diff against the active catalog, applying it at once, stale drafts, discard, export round trip."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.catalog import apply_rows, base_bands, base_rows, import_rows, item
from zhifa.audit.models import AuditRecord
from zhifa.audit.services import audit_verify
from zhifa.catalog.importing import catalog_export_xlsx
from zhifa.catalog.models import DiscretionBand, EnforcementItem
from zhifa.catalog.services import release_apply, release_discard, release_import
from zhifa.core.errors import Conflict, PermissionError_, ServiceError


@pytest.fixture
def v1(world):
    return apply_rows(base_rows(), version="v1", by=world.root, bands=base_bands())


def _v2_rows():
    rows = [r for r in base_rows() if r["code"] != "ZH0003"]  # ZH0003 retired
    rows[0]["name"] = "对餐饮服务业经营者超标排放油烟的行政处罚"  # ZH0001 renamed
    rows[2]["delegated"] = "是"  # SJ0001 delegated to the subdistricts
    rows[2]["delegated_from"] = "2025-01-01"
    rows.append(item("ZH0004", "对擅自设置大型户外广告的行政处罚", keywords="户外广告|广告牌", scenes="行"))
    return rows


def test_first_apply_creates_every_item_with_bands(world, v1):
    assert v1.status == "applied"
    assert v1.applied_by == world.root and v1.applied_at is not None
    assert EnforcementItem.objects.filter(status="active").count() == 5
    oil = EnforcementItem.objects.get(code="ZH0001")
    assert oil.release == v1
    assert oil.domain == world.comprehensive
    assert oil.delegated and oil.delegated_from == date(2022, 6, 1)
    assert oil.keywords == ["油烟", "油烟扰民", "排烟"]
    assert oil.high_frequency is True
    assert "油烟扰民" in oil.search_text and "大气污染防治法" in oil.search_text
    assert [(b.level, b.min_fine, b.max_fine) for b in oil.bands.order_by("min_fine")] == [
        ("轻微", Decimal("0.00"), Decimal("0.00")),
        ("一般", Decimal("5000.00"), Decimal("20000.00")),
        ("严重", Decimal("20000.00"), Decimal("50000.00")),
    ]
    assert EnforcementItem.objects.get(code="SJ0002").domain == world.market
    rec = AuditRecord.objects.get(action="catalog.release_apply")
    assert rec.after == {
        "status": "applied",
        "summary": {"added": 5, "changed": 0, "retired": 0, "unchanged": 0, "total": 5},
    }
    assert audit_verify().problems == []


def test_diff_added_changed_retired_with_changed_fields(world, v1):
    v2 = import_rows(_v2_rows(), version="v2", by=world.root, bands=base_bands())
    assert v2.summary == {"added": 1, "changed": 2, "retired": 1, "unchanged": 2, "total": 5}
    changes = {c.item_code: c for c in v2.changes.all()}
    assert {code: c.kind for code, c in changes.items()} == {
        "ZH0001": "changed",
        "SJ0001": "changed",
        "ZH0003": "retired",
        "ZH0004": "added",
    }
    assert changes["ZH0001"].fields == ["name"]
    assert changes["ZH0001"].before["name"] == "对餐饮服务业经营者超过排放标准排放油烟的行政处罚"
    assert changes["ZH0001"].after["name"] == "对餐饮服务业经营者超标排放油烟的行政处罚"
    assert changes["SJ0001"].fields == ["delegated", "delegated_from"]
    assert (changes["SJ0001"].before["delegated"], changes["SJ0001"].after["delegated_from"]) == (
        False,
        "2025-01-01",
    )
    assert changes["ZH0003"].after is None and changes["ZH0003"].before["name"].startswith("对随意倾倒")
    assert changes["ZH0004"].before is None and changes["ZH0004"].after["keywords"] == ["户外广告", "广告牌"]
    # Still a draft: the catalog has not moved.
    assert EnforcementItem.objects.get(code="ZH0003").status == "active"
    assert not EnforcementItem.objects.filter(code="ZH0004").exists()


def test_apply_updates_adds_and_retires_without_deleting(world, v1):
    v2 = release_apply(
        release=import_rows(_v2_rows(), version="v2", by=world.root, bands=base_bands()), by=world.root
    )
    items = {i.code: i for i in EnforcementItem.objects.all()}
    assert len(items) == 6  # nothing deleted
    assert items["ZH0003"].status == "retired" and items["ZH0003"].release == v2
    assert items["ZH0001"].name == "对餐饮服务业经营者超标排放油烟的行政处罚"
    assert items["ZH0001"].release == v2
    assert "超标排放油烟" in items["ZH0001"].search_text
    assert items["SJ0001"].delegated and items["SJ0001"].delegated_from == date(2025, 1, 1)
    assert items["ZH0004"].status == "active" and items["ZH0004"].release == v2
    # Unchanged items keep the release that last changed them.
    assert items["ZH0002"].release == v1
    assert EnforcementItem.objects.filter(status="active").count() == 5


def test_bands_are_replaced_when_they_change(world, v1):
    bands = [b for b in base_bands() if b["level"] != "严重"]
    bands[1]["max_fine"] = "30000"
    v2 = import_rows(base_rows(), version="v2", by=world.root, bands=bands)
    change = v2.changes.get()
    assert (change.item_code, change.fields) == ("ZH0001", ["bands"])
    release_apply(release=v2, by=world.root)
    oil = EnforcementItem.objects.get(code="ZH0001")
    assert [(b.level, b.max_fine) for b in oil.bands.order_by("min_fine")] == [
        ("轻微", Decimal("0.00")),
        ("一般", Decimal("30000.00")),
    ]
    assert DiscretionBand.objects.filter(item__code="SJ0002").count() == 1


def test_file_without_optional_columns_keeps_those_fields(world, v1):
    rows = [{k: r[k] for k in ("code", "name", "domain", "kind", "legal_basis")} for r in base_rows()]
    v2 = import_rows(rows, version="v2", by=world.root)
    assert v2.summary["changed"] == 0 and v2.summary["unchanged"] == 5
    assert v2.payload["managed"] == ["name", "domain", "kind", "legal_basis"]
    release_apply(release=v2, by=world.root)
    oil = EnforcementItem.objects.get(code="ZH0001")
    assert oil.keywords == ["油烟", "油烟扰民", "排烟"] and oil.bands.count() == 3 and oil.delegated


def test_stale_draft_is_refused_with_conflict(world, v1):
    first = import_rows(_v2_rows(), version="v2", by=world.root)
    second = import_rows(base_rows(), version="v3", by=world.root)
    release_apply(release=first, by=world.root)
    with pytest.raises(Conflict) as caught:
        release_apply(release=second, by=world.root)
    assert caught.value.message == "清单已被其他版本更新，请重新导入后再发布"
    assert caught.value.status == 409
    second.refresh_from_db()
    assert second.status == "draft"
    assert EnforcementItem.objects.get(code="ZH0003").status == "retired"


def test_applied_or_discarded_release_cannot_be_applied_again(world, v1):
    with pytest.raises(ServiceError) as caught:
        release_apply(release=v1, by=world.root)
    assert caught.value.message == "版本“v1”已发布，只有待发布的版本可以发布"
    draft = import_rows(_v2_rows(), version="v2", by=world.root)
    release_discard(release=draft, by=world.root)
    draft.refresh_from_db()
    assert draft.status == "discarded"
    with pytest.raises(ServiceError) as caught:
        release_apply(release=draft, by=world.root)
    assert caught.value.message == "版本“v2”已作废，只有待发布的版本可以发布"
    with pytest.raises(ServiceError) as caught:
        release_discard(release=draft, by=world.root)
    assert caught.value.message == "版本“v2”已作废，只有待发布的版本可以作废"
    assert AuditRecord.objects.filter(action="catalog.release_discard").count() == 1
    assert not EnforcementItem.objects.filter(code="ZH0004").exists()


def test_oversight_and_officer_cannot_apply_or_discard(world):
    draft = import_rows(base_rows(), version="v1", by=world.root)
    for user in (world.olga, world.alice):
        with pytest.raises(PermissionError_):
            release_apply(release=draft, by=user)
        with pytest.raises(PermissionError_):
            release_discard(release=draft, by=user)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert EnforcementItem.objects.count() == 0


def test_retired_item_that_returns_is_added_again(world, v1):
    release_apply(
        release=import_rows(_v2_rows(), version="v2", by=world.root, bands=base_bands()), by=world.root
    )
    v3 = import_rows(base_rows(), version="v3", by=world.root, bands=base_bands())
    back = v3.changes.get(item_code="ZH0003")
    assert back.kind == "added"
    assert back.before["name"].startswith("对随意倾倒")  # the retired state stays in the history
    release_apply(release=v3, by=world.root)
    item_back = EnforcementItem.objects.get(code="ZH0003")
    assert item_back.status == "active" and item_back.release == v3
    assert EnforcementItem.objects.filter(code="ZH0003").count() == 1


def test_undelegating_is_a_change_and_clears_the_date(world, v1):
    rows = base_rows()
    rows[1]["delegated"] = "否"  # ZH0002 back to the district; its date is dropped
    v2 = import_rows(rows, version="v2", by=world.root, bands=base_bands())
    change = v2.changes.get()
    assert change.fields == ["delegated", "delegated_from"]
    assert (change.before["delegated_from"], change.after["delegated_from"]) == ("2022-06-01", None)
    release_apply(release=v2, by=world.root)
    road = EnforcementItem.objects.get(code="ZH0002")
    assert (road.delegated, road.delegated_from) == (False, None)


def test_export_then_reimport_has_no_changes(world, v1):
    release_apply(
        release=import_rows(_v2_rows(), version="v2", by=world.root, bands=base_bands()), by=world.root
    )
    content = catalog_export_xlsx(EnforcementItem.objects.filter(status="active"))
    again = release_import(content=content, filename="export.xlsx", version="v3", by=world.root)
    assert again.summary == {"added": 0, "changed": 0, "retired": 0, "unchanged": 5, "total": 5}
    assert again.changes.count() == 0
    assert again.payload["has_bands"] is True


def test_export_sheets_and_headers(world, v1):
    wb = load_workbook(io.BytesIO(catalog_export_xlsx(EnforcementItem.objects.all())))
    assert wb.sheetnames == ["事项", "裁量基准"]
    rows = list(wb["事项"].iter_rows(values_only=True))
    assert rows[0][:5] == ("事项编码", "事项名称", "领域", "事项类型", "违则")
    assert [r[0] for r in rows[1:]] == ["SJ0001", "SJ0002", "ZH0001", "ZH0002", "ZH0003"]
    oil = next(r for r in rows if r[0] == "ZH0001")
    assert oil[6:9] == ("是", "2022-06-01", "油烟|油烟扰民|排烟")
    bands = list(wb["裁量基准"].iter_rows(values_only=True))
    assert bands[0] == ("事项编码", "情节", "适用情形", "最低罚款", "最高罚款", "适用对象")
    assert len(bands) == 5


def test_system_actor_may_import_and_apply(world):
    release = apply_rows(base_rows(), version="demo", by="demo_district")
    assert release.applied_by is None and release.created_by is None
    assert AuditRecord.objects.filter(action="catalog.release_apply", actor_repr="demo_district").exists()
