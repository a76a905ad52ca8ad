"""Creating, changing, recording violations on and linking events to subjects, with jurisdiction."""

from datetime import date, timedelta

import pytest
from django.http import Http404

from tests.subjects.conftest import code
from zhifa.audit.models import AuditRecord
from zhifa.catalog.models import EnforcementItem
from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.dispatch.models import Event
from zhifa.subjects.models import Subject, SubjectEvent
from zhifa.subjects.services import subject_create, subject_link_event, subject_update, violation_record


def test_create_places_by_address_and_audits(subjects):
    s = subjects.nanxing_shop
    assert s.subdistrict == subjects.nanxing
    assert s.region_path == "/330102/330102008/"
    assert s.industry_name == "餐饮业"
    assert list(s.scenarios.values_list("code", flat=True)) == ["SC03"]
    assert AuditRecord.objects.filter(action="subject.create", object_id=str(s.pk)).count() == 1


def test_create_in_building_takes_its_grid(subjects):
    s = subject_create(
        by=subjects.alice,
        name="示例服饰商行",
        kind="individual",
        industry="F51",
        uscc=code(3, "2"),
        building="NX-B001",
    )
    assert s.grid == subjects.nanxing_grid and s.building == subjects.building
    assert (s.lng, s.lat) == (120.17, 30.22)
    assert s.region_path == subjects.nanxing_grid.path


def test_place_needs_no_uscc_other_kinds_do(subjects):
    rental = subject_create(
        by=subjects.bob, name="九堡示例出租房0001", kind="场所", industry="K70", subdistrict="九堡街道"
    )
    assert rental.uscc == "" and rental.kind == "place"
    with pytest.raises(ServiceError) as exc:
        subject_create(by=subjects.bob, name="示例公司", kind="企业", industry="F52", subdistrict="九堡街道")
    assert exc.value.errors == [
        {"field": "uscc", "message": "统一社会信用代码不能为空（只有“场所”类对象可以不填）"}
    ]


def test_bad_uscc_is_refused_with_the_expected_check_char(subjects):
    good = code(9)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ServiceError) as exc:
        subject_create(
            by=subjects.carol, name="示例", kind="企业", industry="F52", uscc=bad, subdistrict="南星街道"
        )
    assert f"校验位错误，应为 {good[17]}" in exc.value.errors[0]["message"]
    assert not Subject.objects.filter(name="示例").exists()


def test_duplicate_uscc_conflict(subjects):
    with pytest.raises(Conflict, match="已登记"):
        subject_create(
            by=subjects.carol,
            name="另一家",
            kind="个体工商户",
            industry="H62",
            uscc=subjects.nanxing_shop.uscc.lower(),
            subdistrict="南星街道",
        )


def test_jiubao_officer_cannot_create_in_nanxing(subjects):
    with pytest.raises(ServiceError) as exc:
        subject_create(
            by=subjects.bob, name="示例", kind="企业", industry="F52", uscc=code(10), subdistrict="南星街道"
        )
    assert exc.value.errors == [{"field": "subdistrict", "message": "南星街道不在您的辖区内"}]


def test_oversight_and_outsider_cannot_write(subjects):
    with pytest.raises(PermissionError_):
        subject_create(
            by=subjects.olga, name="示例", kind="企业", industry="F52", uscc=code(11), subdistrict="南星街道"
        )
    with pytest.raises(PermissionError_):
        subject_create(
            by=subjects.otto, name="示例", kind="企业", industry="F52", uscc=code(12), subdistrict="南星街道"
        )


def test_update_with_version_and_conflict(subjects):
    s = subjects.nanxing_shop
    updated = subject_update(subject=s, by=subjects.alice, version=1, credit_class="C", status="歇业")
    assert (updated.credit_class, updated.status, updated.version) == ("C", "suspended", 2)
    assert updated.subdistrict == subjects.nanxing
    with pytest.raises(Conflict, match="已被他人修改"):
        subject_update(subject=s, by=subjects.alice, version=1, credit_class="A")
    assert Subject.objects.get(pk=s.pk).credit_class == "C"
    audit = AuditRecord.objects.filter(action="subject.update").get()
    assert audit.before["credit_class"] == "A" and audit.after["credit_class"] == "C"


def test_update_out_of_scope_is_404(subjects):
    with pytest.raises(Http404):
        subject_update(subject=subjects.nanxing_shop, by=subjects.bob, credit_class="D")


def test_moving_a_subject_recomputes_its_place(subjects):
    moved = subject_update(subject=subjects.nanxing_shop, by=subjects.carol, address="九堡街道示例路2号")
    assert moved.subdistrict == subjects.jiubao and moved.region_path == "/330102/330102018/"


def test_violation_record(subjects):
    item = EnforcementItem.objects.get(code="ZH0101")
    v = violation_record(
        subject=subjects.nanxing_shop,
        item=item,
        found_on=date(2025, 5, 1),
        severity="serious",
        source="日常检查",
        by=subjects.alice,
    )
    assert subjects.nanxing_shop.violations.get() == v
    with pytest.raises(ServiceError) as exc:
        violation_record(
            subject=subjects.nanxing_shop,
            item=item,
            found_on=date.today() + timedelta(days=3),
            severity="很严重",
            source="",
            by=subjects.alice,
        )
    assert {e["field"] for e in exc.value.errors} == {"severity", "source", "found_on"}
    with pytest.raises(Http404):
        violation_record(
            subject=subjects.nanxing_shop,
            item=item,
            found_on=date(2025, 5, 1),
            severity="minor",
            source="x",
            by=subjects.bob,
        )


def _event(w, region, n):
    from django.utils import timezone

    from zhifa.dispatch.models import SlaPolicy

    sla = SlaPolicy.objects.get_or_create(
        code="normal",
        defaults=dict(
            name="一般",
            priority="normal",
            respond_minutes=60,
            link_minutes=60,
            resolve_minutes=600,
            answer_minutes=900,
        ),
    )[0]
    return Event.objects.create(
        receipt_no=f"T{n:06d}",
        channel="web",
        title="油烟扰民",
        description="小吃店油烟很大",
        subdistrict=region,
        region_path=region.path,
        sla=sla,
        received_at=timezone.now(),
    )


def test_link_event_once_and_in_scope(subjects):
    ev = _event(subjects, subjects.nanxing, 1)
    link = subject_link_event(subject=subjects.nanxing_shop, event=ev, by=subjects.alice)
    assert SubjectEvent.objects.get() == link
    with pytest.raises(Conflict, match="已关联"):
        subject_link_event(subject=subjects.nanxing_shop, event=ev, by=subjects.alice)
    other = _event(subjects, subjects.jiubao, 2)
    with pytest.raises(Http404):
        subject_link_event(subject=subjects.nanxing_shop, event=other, by=subjects.alice)
