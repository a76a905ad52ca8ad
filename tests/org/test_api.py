"""Organisation API: scoped lists with {count, page, page_size, results}, 404 outside the scope, 401 anonymous."""

from datetime import date

import pytest
from django.test import Client

from zhifa.accounts.services import api_token_create
from zhifa.org.choices import RegionLevel, WorkerRole
from zhifa.org.models import Squad
from zhifa.org.services import building_create, grid_worker_create, officer_create, region_create

API = "/api/v1/org"


@pytest.fixture
def places(world):
    w = world
    region_create(code="330102008001", name="南星第1社区", level=RegionLevel.COMMUNITY, parent=w.nanxing)
    manager = grid_worker_create(name="楼管员甲", role=WorkerRole.BUILDING_MANAGER, region=w.nanxing_grid)
    building_create(
        code="B-NX-1", name="南星商务楼", region=w.nanxing_grid, lng=120.17, lat=30.22, manager=manager
    )
    building_create(code="B-JB-1", name="九堡大厦", region=w.jiubao_grid, lng=120.27, lat=30.30)
    return w


def _codes(res, key="code"):
    assert res.status_code == 200, res.content
    return sorted(r[key] for r in res.json()["results"])


def test_regions_scoped_and_paginated(clients, places):
    res = clients["alice"].get(f"{API}/regions")
    body = res.json()
    assert set(body) == {"count", "page", "page_size", "results"}
    assert body["count"] == 1 and body["page"] == 1
    row = body["results"][0]
    assert row["code"] == "330102008" and row["level_label"] == "街道"
    assert (row["community_count"], row["grid_count"]) == (1, 1)
    assert row["parent"] == {"code": "330102", "name": "上城区"}
    assert _codes(clients["carol"].get(f"{API}/regions")) == ["330102008", "330102018"]
    assert _codes(clients["carol"].get(f"{API}/regions", {"level": "grid"})) == [
        "33010200800101",
        "33010201800101",
    ]
    assert _codes(clients["carol"].get(f"{API}/regions", {"parent": "330102008"})) == [
        "330102008001",
        "33010200800101",
    ]
    assert _codes(clients["carol"].get(f"{API}/regions", {"q": "九堡"})) == ["330102018", "33010201800101"]


def test_pagination_parameters(clients, places):
    res = clients["carol"].get(f"{API}/regions", {"level": "grid", "page_size": 1, "page": 2})
    body = res.json()
    assert (body["count"], body["page"], body["page_size"], len(body["results"])) == (2, 2, 1, 1)
    past_end = clients["carol"].get(f"{API}/regions", {"page": 9}).json()
    assert past_end["results"] == [] and past_end["count"] == 2
    assert clients["carol"].get(f"{API}/regions", {"page_size": 1000}).status_code == 422
    assert clients["carol"].get(f"{API}/regions", {"page": 0}).status_code == 422


def test_region_detail_scoped(clients, places):
    res = clients["alice"].get(f"{API}/regions/330102008")
    assert res.status_code == 200
    body = res.json()
    assert [c["code"] for c in body["children"]] == ["330102008001", "33010200800101"]
    assert body["geometry"] is None
    outside = clients["alice"].get(f"{API}/regions/330102018")
    assert outside.status_code == 404
    assert outside.json()["message"] == "记录不存在或不在您的辖区内"
    assert clients["olga"].get(f"{API}/regions/330102018").status_code == 200


def test_teams(clients, places):
    assert _codes(clients["alice"].get(f"{API}/teams")) == ["ST-330102008"]
    assert _codes(clients["carol"].get(f"{API}/teams")) == ["DT-ZH", "ST-330102008", "ST-330102018"]
    res = clients["alice"].get(f"{API}/teams/ST-330102008")
    assert res.status_code == 200
    body = res.json()
    assert body["officer_count"] == 1 and body["seconded_count"] == 1
    assert [o["certificate_no"] for o in body["officers"]] == ["ZJ-TEST-0001"]
    assert clients["alice"].get(f"{API}/teams/ST-330102018").status_code == 404


def test_team_detail_lists_squads(clients, world):
    squad = Squad.objects.create(team=world.nanxing_team, name="第一混编组")
    squad.members.add(world.nanxing_officer_record)
    body = clients["carol"].get(f"{API}/teams/ST-330102008").json()
    assert body["squads"] == ["第一混编组"]
    officer = clients["carol"].get(f"{API}/officers/{world.nanxing_officer_record.pk}").json()
    assert officer["squads"] == ["第一混编组"]


def test_officers(clients, world):
    officer_create(
        name="区队队员丙",
        birth_date=date(1960, 1, 1),
        certificate_no="ZJ-TEST-0003",
        home_department=world.bureau,
        team=world.district_team,
        domains=[world.market],
    )
    assert _codes(clients["alice"].get(f"{API}/officers"), "certificate_no") == ["ZJ-TEST-0001"]
    carol = clients["carol"]
    assert _codes(carol.get(f"{API}/officers"), "certificate_no") == [
        "ZJ-TEST-0001",
        "ZJ-TEST-0002",
        "ZJ-TEST-0003",
    ]
    assert _codes(carol.get(f"{API}/officers", {"q": "队员乙"}), "certificate_no") == ["ZJ-TEST-0002"]
    assert _codes(carol.get(f"{API}/officers", {"seconded": "false"}), "certificate_no") == ["ZJ-TEST-0003"]
    assert _codes(carol.get(f"{API}/officers", {"team": "ST-330102018"}), "certificate_no") == [
        "ZJ-TEST-0002"
    ]
    row = carol.get(f"{API}/officers", {"q": "ZJ-TEST-0002"}).json()["results"][0]
    assert row["team"] == {"code": "ST-330102018", "name": "九堡街道综合行政执法队"}
    assert row["home_department"]["code"] == "DEP-ZH"
    assert sorted(d["code"] for d in row["qualified_domains"]) == ["comprehensive", "market"]
    assert isinstance(row["age"], int)


def test_officer_detail_scoped(clients, world):
    bobs = world.jiubao_officer_record.pk
    res = clients["alice"].get(f"{API}/officers/{bobs}")
    assert res.status_code == 404 and "message" in res.json()
    res = clients["olga"].get(f"{API}/officers/{bobs}")
    assert res.status_code == 200
    assert res.json()["birth_date"] == "1975-03-01"


def test_buildings(clients, places):
    assert _codes(clients["alice"].get(f"{API}/buildings")) == ["B-NX-1"]
    assert _codes(clients["carol"].get(f"{API}/buildings")) == ["B-JB-1", "B-NX-1"]
    assert _codes(clients["carol"].get(f"{API}/buildings", {"subdistrict": "330102018"})) == ["B-JB-1"]
    res = clients["alice"].get(f"{API}/buildings/B-NX-1")
    assert res.status_code == 200 and res.json()["manager"]["name"] == "楼管员甲"
    assert clients["alice"].get(f"{API}/buildings/B-JB-1").status_code == 404


def test_user_without_unit_sees_nothing(clients, places):
    otto = clients["otto"]
    for name in ("regions", "teams", "officers", "buildings"):
        res = otto.get(f"{API}/{name}")
        assert res.status_code == 200 and res.json()["count"] == 0, name
    assert otto.get(f"{API}/regions/330102008").status_code == 404
    assert otto.get(f"{API}/buildings/B-NX-1").status_code == 404


def test_anonymous_gets_401(places):
    client = Client()
    for url in (
        f"{API}/regions",
        f"{API}/officers",
        f"{API}/regions/330102008",
        f"{API}/locate?lng=120&lat=30",
    ):
        res = client.get(url)
        assert res.status_code == 401, url
        assert res.json()["message"] == "未登录或令牌无效"


def test_bearer_token_is_scoped_like_the_session(world):
    _, raw = api_token_create(user=world.alice, name="对接测试")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert _codes(client.get(f"{API}/teams")) == ["ST-330102008"]
    assert client.get(f"{API}/teams/ST-330102018").status_code == 404


def test_officer_list_query_count_is_bounded(clients, world, django_assert_max_num_queries):
    for i in range(30):
        officer_create(
            name=f"批量队员{i:02d}",
            birth_date=date(1980, 1, 1),
            certificate_no=f"ZJ-BULK-{i:04d}",
            home_department=world.bureau,
            team=world.nanxing_team,
            seconded=True,
            domains=[world.comprehensive],
        )
    with django_assert_max_num_queries(8):
        res = clients["carol"].get(f"{API}/officers", {"page_size": 50})
    assert res.json()["count"] == 32
