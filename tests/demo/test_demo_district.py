"""The demo district: shaped like 上城区, built the same from the same seed, and usable at once."""

import csv
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from shapely.geometry import shape

from zhifa.accounts.models import User
from zhifa.catalog.models import EnforcementItem, FunctionalAreaLayer, Scenario
from zhifa.demo.asof import REFERENCE_DAY
from zhifa.demo.builder import demo_district_build
from zhifa.demo.fingerprint import demo_fingerprint
from zhifa.demo.spec import DEMO_PASSWORD
from zhifa.org.models import Building, Domain, Officer, Region, Unit

# Marked so that pytest-django sets up the test database even when only this module runs; each test's own
# changes are rolled back, the module's district stays.
pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[2] / "zhifa" / "demo" / "data" / "seed_points.csv"


def test_real_subdistricts_and_hub(demo_db):
    with open(SHARED, encoding="utf-8") as fh:
        expected = {r["code"]: r["name"] for r in csv.DictReader(fh) if r["code"].isdigit()}
    got = dict(Region.objects.filter(level="subdistrict").values_list("code", "name"))
    assert got == expected
    assert len(got) == 14
    hub = Region.objects.get(level="functional_area")
    assert hub.name == "杭州东站枢纽"
    assert hub.parent.code == "330102"


def test_grids_inside_their_subdistrict_without_overlap(demo_db):
    subdistricts = {r.code: shape(r.geometry) for r in Region.objects.filter(level="subdistrict")}
    grids = list(Region.objects.filter(level="grid"))
    assert len(grids) > 300
    shapes = []
    for g in grids:
        sd_code = g.path.strip("/").split("/")[1]
        geom = shape(g.geometry)
        # Stored coordinates are rounded to 6 decimals (~0.1 m): allow slivers of that order, not more.
        assert geom.difference(subdistricts[sd_code]).area < 0.005 * geom.area, g.code
        shapes.append(geom)
    total = sum(s.area for s in shapes)
    from shapely import union_all

    assert abs(union_all(shapes).area - total) < 1e-4 * total
    assert Region.objects.filter(level="micro_grid", path__startswith="/330102/330102014/").count() == 102


def test_organisation_shape(demo_db):
    officers = Officer.objects.filter(active=True)
    total = officers.count()
    seconded = officers.filter(seconded=True).count()
    assert 730 <= total <= 800
    # 下沉 from postings: of the departments' officers, those in subdistrict or stationed teams. The subdistricts'
    # own establishment works in their teams without being seconded and is not in the ratio.
    departments = officers.filter(home_department__kind="department")
    posted = departments.filter(team__kind__in=["subdistrict_team", "stationed_team"]).count()
    assert posted == seconded
    assert 0.69 <= posted / departments.count() <= 0.73
    own = officers.filter(home_department__kind="subdistrict_team")
    assert own.count() >= 14 and not own.filter(seconded=True).exists()
    assert set(own.values_list("team__kind", flat=True)) == {"subdistrict_team"}
    today = date(2026, 6, 30)
    young = sum(1 for o in officers.only("birth_date") if (today - o.birth_date).days / 365.25 < 46)
    assert 0.55 <= young / total <= 0.65
    core = set(Domain.objects.filter(is_core=True).values_list("name", flat=True))
    assert core == {"综合执法", "市场监管", "文化市场", "应急管理", "自然资源", "卫生健康"}
    assert Unit.objects.filter(kind="district_team", domain__is_core=True).count() == 6
    assert Unit.objects.filter(kind="subdistrict_team").count() == 14
    assert Unit.objects.filter(kind="stationed_team", region__code="330102HUB").count() >= 1
    for team in Unit.objects.filter(kind="subdistrict_team"):
        assert team.officers.filter(seconded=True).count() >= 20, team.name
    assert not Officer.objects.filter(seconded=True, team__kind="district_team").exists()


def test_buildings_in_sijiqing_with_managers(demo_db):
    buildings = Building.objects.select_related("manager", "region")
    assert buildings.count() == 92
    assert all(b.region.path.startswith("/330102/330102014/") for b in buildings)
    assert all(b.manager and b.manager.role == "building_manager" for b in buildings)


def test_catalog_content(demo_db):
    items = EnforcementItem.objects.filter(status="active")
    assert items.count() >= 300
    assert items.filter(delegated=True).count() >= 80
    assert not items.filter(delegated=True, delegated_from__isnull=True).exists()
    hf = items.filter(high_frequency=True)
    assert hf.count() == 40
    assert all(len(i.required_evidence) >= 3 for i in hf)
    domains = set(items.values_list("domain__name", flat=True))
    assert {
        "综合执法",
        "市场监管",
        "文化市场",
        "应急管理",
        "自然资源",
        "卫生健康",
        "消防",
        "交通运输",
    } <= domains
    assert all("《" in i.legal_basis for i in items)
    assert Scenario.objects.count() >= 12
    names = set(Scenario.objects.values_list("name", flat=True))
    for needle in ("电商直播", "出租房屋", "小餐饮", "食杂店", "网吧"):
        assert any(needle in n for n in names), needle
    multi = [
        s
        for s in Scenario.objects.prefetch_related("items__domain")
        if len({i.domain_id for i in s.items.all()}) > 1
    ]
    assert len(multi) >= 10
    scenes = {sc for i in items.exclude(scenes=[]) for sc in i.scenes}
    assert scenes == set("吃住行游购娱")
    assert FunctionalAreaLayer.objects.filter(region__code="330102HUB").count() == 3
    assert all(layer.items.exists() for layer in FunctionalAreaLayer.objects.all())


def test_demo_logins_work(demo_db):
    assert User.objects.count() == 9
    client = Client()
    res = client.post("/accounts/login/", {"username": "nanxing_officer", "password": DEMO_PASSWORD})
    assert res.status_code == 302
    user = User.objects.get(username="nanxing_officer")
    assert user.officer.team.code == "ST-330102008"
    assert client.get("/").status_code == 200


def _flush_in_transaction():
    if connection.vendor == "postgresql":
        # TRUNCATE inside the test's transaction needs the deferred foreign-key checks done first.
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", "--noinput")


def test_same_seed_same_district_other_seed_differs(demo_db, demo_build):
    # The session's build of seed 42 (tests/conftest.py), its fingerprint taken right after it was built: the
    # copy of it this module got is that district, and a second build of the same seed is too.
    first = demo_build.fingerprint
    assert demo_fingerprint() == first
    _flush_in_transaction()
    demo_district_build(seed=42, as_of=REFERENCE_DAY)
    assert demo_fingerprint() == first
    _flush_in_transaction()
    demo_district_build(seed=7, as_of=REFERENCE_DAY)
    assert demo_fingerprint() != first


def test_open311_demo_key_is_registered(demo_db, settings):
    from zhifa.accounts.models import token_digest
    from zhifa.dispatch.models import Open311ApiKey

    assert Open311ApiKey.objects.filter(
        digest=token_digest(settings.OPEN311_DEMO_API_KEY), active=True
    ).exists()
    res = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": "demo-open311-key",
            "service_code": "ZH0101",
            "address_string": "九堡街道某路",
            "description": "油烟",
        },
    )
    assert res.status_code == 200, res.content
    assert res.json()[0]["service_request_id"]


def test_refuses_non_empty_database(demo_db):
    with pytest.raises(RuntimeError, match="只能在空库中生成"):
        demo_district_build(seed=42)
    out = __import__("io").StringIO()
    call_command("demo_district", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
