"""一码安: the door code opens a public page by a random token (never the row id); the page shows the name,
licence, published results and the industry's rules, and no private field — checked field by field."""

import re

import pytest
from django.test import Client

from zhifa.catalog.models import EnforcementItem
from zhifa.codes.models import ShopCode
from zhifa.codes.services import shop_code_for
from zhifa.codes.shops import plain_rule
from zhifa.core.errors import PermissionError_
from zhifa.engine.uscc import uscc_make
from zhifa.risk.models import SubjectRisk
from zhifa.risk.services import colour_label
from zhifa.subjects.models import Subject
from zhifa.subjects.services import subject_create


@pytest.fixture
def shop(visit):
    """南星's shop with everything a public page must not show: a credit class, a colour, coordinates, a
    building, officers' names, the record's notes and summary."""
    w = visit
    Subject.objects.filter(pk=w.nanxing_shop.pk).update(credit_class="D", lng=120.171234, lat=30.221987)
    w.nanxing_shop.refresh_from_db()
    answers = [
        {"item": "ZH0101", "result": "violation", "severity": "ordinary", "note": "排烟管道直排内部备注"},
        {"item": "SJ0001", "result": "compliant", "note": "许可证在墙上"},
    ]
    from zhifa.inspections.records.services import inspection_answer, inspection_finish

    inspection_answer(inspection=w.inspection, answers=answers, version=w.inspection.version, by=w.alice)
    inspection_finish(inspection=w.inspection, summary="内部结论：责令三日内整改", by=w.alice)
    w.shop_code = shop_code_for(subject=w.nanxing_shop, by=w.alice)
    return w


def test_the_public_page_shows_what_is_public(shop):
    w = shop
    page = Client().get(f"/s/{w.shop_code.token}").content.decode()
    for shown in (
        w.nanxing_shop.name,
        "个体工商户",
        "餐饮业",
        w.nanxing_shop.uscc,
        w.nanxing_shop.address,
        "存续",
        w.inspection.visited_on.isoformat(),
        "发现问题 1 项，已依法处理",
        "本行业经营规则",
    ):
        assert shown in page, shown
    assert 'id="report-link"' in page


def test_the_public_page_shows_no_private_field(shop):
    w = shop
    s = w.nanxing_shop
    page = Client().get(f"/s/{w.shop_code.token}").content.decode()
    colour = SubjectRisk.objects.get(subject=s).colour
    private = {
        "credit class": ["D 级", "严重失信", "信用等级"],
        "risk colour": [colour_label(colour), "风险等级", "risk-badge"],
        "coordinates": [str(s.lng), str(s.lat), "120.171", "30.221"],
        "grid and region path": [s.region_path, "南星第1社区第1网格"],
        "officers": ["测试队员甲", "测试队员丙", "ZJ-TEST-0001", "ZJ-TEST-0003"],
        "who recorded": ["南星队员", "alice"],
        "finding notes": ["排烟管道直排内部备注", "许可证在墙上"],
        "record summary": ["内部结论", "责令三日内整改"],
        "severity": ["一般"],
        "row ids": [f"/subjects/{s.pk}/", f"/inspections/records/{w.inspection.pk}/"],
        "action code": [w.code.code_id, w.code.token[:40]],
        "scenario": ["SC03"],
    }
    for field, values in private.items():
        for value in values:
            assert value not in page, f"{field}: {value!r} is on the public page"
    # With the district's decision to publish colours, the colour (only) appears.
    from django.test import override_settings

    with override_settings(ZHIFA_SHOP_PUBLISH_RISK=True):
        published = Client().get(f"/s/{w.shop_code.token}").content.decode()
    assert colour_label(colour) in published and "D 级" not in published


def test_place_without_address_or_name_of_a_person(visit):
    w = visit
    flat = subject_create(
        by=w.carol, name="出租房（示例小区3幢201）", kind="place", industry="K70",
        address="南星街道示例小区3幢201", subdistrict="南星街道",
    )  # fmt: skip
    page = Client().get(f"/s/{shop_code_for(subject=flat, by=w.alice).token}").content.decode()
    assert "示例小区3幢201" in page  # its name is what the door says …
    assert 'id="licence"' in page and "南星街道示例小区3幢201</dd>" not in page  # … but no address line


def test_the_token_is_not_guessable(shop):
    w = shop
    token = w.shop_code.token
    assert len(token) >= 20 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert str(w.nanxing_shop.pk) != token and w.nanxing_shop.uscc not in token
    assert Client().get(f"/s/{w.nanxing_shop.pk}").status_code == 404
    other = subject_create(by=w.carol, name="杭州示例0009面馆", kind="individual", industry="H62",
                           uscc=uscc_make(body="MA000009", category="2"), subdistrict="南星街道")  # fmt: skip
    assert shop_code_for(subject=other, by=w.alice).token != token
    assert shop_code_for(subject=w.nanxing_shop, by=w.alice).token == token  # stable until renewed
    renewed = shop_code_for(subject=w.nanxing_shop, by=w.alice, renew=True)
    assert renewed.token != token
    assert Client().get(f"/s/{token}").status_code == 404  # the old print no longer works
    assert Client().get(f"/s/{renewed.token}").status_code == 200


def test_print_page_scoped_and_made_by_post(visit, clients):
    w = visit
    url = f"/codes/shop/{w.nanxing_shop.pk}/"
    assert clients["bob"].get(url).status_code == 404
    assert clients["otto"].get(url).status_code == 404
    assert (
        clients["alice"].get(url).status_code == 200 and ShopCode.objects.count() == 0
    )  # a GET makes nothing
    assert clients["olga"].post(url).status_code == 302 and ShopCode.objects.count() == 0  # read-only role
    with pytest.raises(PermissionError_):
        shop_code_for(subject=w.nanxing_shop, by=w.olga)
    assert clients["alice"].post(url).status_code == 302
    token = ShopCode.objects.get().token
    page = clients["alice"].get(url).content.decode()
    assert f"/s/{token}" in page and "<svg" in page and "打印" in page
    detail = clients["alice"].get(f"/subjects/{w.nanxing_shop.pk}/").content.decode()
    assert f'href="{url}"' in detail


def test_report_link_is_prefilled_with_the_shop(shop):
    w = shop
    page = Client().get(f"/s/{w.shop_code.token}").content.decode()
    link = (
        re.search(r'href="(/dispatch/report/\?[^"]+)" id="report-link"', page).group(1).replace("&amp;", "&")
    )
    form = Client().get(link).content.decode()
    assert f"关于“{w.nanxing_shop.name}”" in form and w.nanxing_shop.address in form


def test_rules_in_plain_words():
    assert (
        plain_rule("对在城市建筑物、设施以及树木上涂写、刻画的行政处罚")
        == "在城市建筑物、设施以及树木上涂写、刻画"
    )
    assert plain_rule("食品经营许可检查") == "食品经营许可检查"


def test_shop_page_rules_come_from_the_subjects_checklist(shop):
    w = shop
    page = Client().get(f"/s/{w.shop_code.token}").content.decode()
    for code in ("ZH0101", "SJ0001"):
        item = EnforcementItem.objects.get(code=code)
        assert plain_rule(item.name) in page and item.legal_basis in page
