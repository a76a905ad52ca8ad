"""Organisation pages: each list shows the user's jurisdiction only, details outside it are 404, lists stay cheap."""

from datetime import date

import pytest
from django.test import Client

from zhifa.org.choices import RegionLevel, UnitKind, WorkerRole
from zhifa.org.services import building_create, grid_worker_create, officer_create, region_create


@pytest.fixture
def places(world):
    """One building with a manager in each subdistrict's grid, and a community under 南星."""
    w = world
    w.nanxing_community = region_create(
        code="330102008001", name="南星第1社区", level=RegionLevel.COMMUNITY, parent=w.nanxing
    )
    w.nanxing_manager = grid_worker_create(
        name="楼管员甲", role=WorkerRole.BUILDING_MANAGER, region=w.nanxing_grid, phone="13800000001"
    )
    w.nanxing_building = building_create(
        code="B-NX-1",
        name="南星商务楼",
        region=w.nanxing_grid,
        lng=120.17,
        lat=30.22,
        address="南星路1号",
        floors=12,
        manager=w.nanxing_manager,
    )
    w.jiubao_building = building_create(
        code="B-JB-1", name="九堡大厦", region=w.jiubao_grid, lng=120.27, lat=30.30, floors=20
    )
    return w


def _text(response) -> str:
    return response.content.decode()


# --- regions ---------------------------------------------------------------------------------------------


def test_region_list_is_scoped(clients, places):
    alice = _text(clients["alice"].get("/org/regions/"))
    assert "南星街道" in alice and "九堡街道" not in alice
    carol = _text(clients["carol"].get("/org/regions/"))
    assert "南星街道" in carol and "九堡街道" in carol


def test_region_list_counts_communities_and_grids(clients, places):
    res = clients["carol"].get("/org/regions/")
    rows = {r.code: r for r in res.context["page"].object_list}
    assert (rows["330102008"].community_count, rows["330102008"].grid_count) == (1, 1)
    assert (rows["330102018"].community_count, rows["330102018"].grid_count) == (0, 1)
    assert set(rows) == {"330102008", "330102018"}  # top of the tree only by default
    res = clients["carol"].get("/org/regions/", {"level": "community"})
    community = res.context["page"].object_list[0]
    assert (community.code, community.community_count, community.grid_count) == ("330102008001", 0, 0)


def test_region_list_filters_level_and_q(clients, places):
    res = clients["carol"].get("/org/regions/", {"level": "grid"})
    assert {r.code for r in res.context["page"].object_list} == {"33010200800101", "33010201800101"}
    res = clients["alice"].get("/org/regions/", {"level": "grid"})
    assert {r.code for r in res.context["page"].object_list} == {"33010200800101"}
    res = clients["carol"].get("/org/regions/", {"q": "九堡第1"})
    assert [r.code for r in res.context["page"].object_list] == ["33010201800101"]
    # An unknown level is ignored rather than an error.
    assert clients["carol"].get("/org/regions/", {"level": "planet"}).status_code == 200


def test_region_detail_shows_breadcrumb_children_units_and_map(clients, places):
    res = clients["alice"].get("/org/regions/330102008/")
    assert res.status_code == 200
    body = _text(res)
    assert "南星第1社区" in body and "南星街道综合行政执法队" in body
    assert [a.name for a in res.context["ancestors"]] == ["上城区"]
    # 上城区 is outside alice's scope: named in the breadcrumb but not linked.
    assert 'href="/org/regions/330102/"' not in body
    assert res.context["active_nav"] == "regions"


def test_region_detail_across_subdistricts_is_404(clients, places):
    assert clients["alice"].get("/org/regions/330102018/").status_code == 404
    assert clients["alice"].get("/org/regions/330102/").status_code == 404
    assert clients["bob"].get("/org/regions/330102008/").status_code == 404
    assert clients["olga"].get("/org/regions/330102018/").status_code == 200
    assert clients["carol"].get("/org/regions/330102/").status_code == 200
    assert clients["carol"].get("/org/regions/nope/").status_code == 404


def test_region_map_uses_children_geometry_and_handles_none(clients, world):
    square = {
        "type": "Polygon",
        "coordinates": [[[120.1, 30.1], [120.2, 30.1], [120.2, 30.2], [120.1, 30.2], [120.1, 30.1]]],
    }
    region_create(
        code="330102008009",
        name="有边界社区",
        level=RegionLevel.COMMUNITY,
        parent=world.nanxing,
        geometry=square,
    )
    res = clients["alice"].get("/org/regions/330102008/")
    features = res.context["map_data"]["features"]["features"]
    assert [f["properties"]["name"] for f in features] == ["有边界社区"]
    assert features[0]["geometry"] == square
    assert features[0]["properties"]["url"] == "/org/regions/330102008009/"
    body = _text(res)
    assert 'id="region-map-data"' in body and "vendor/echarts.min.js" in body and "registerMap" not in body
    # A grid without any shape renders without a map.
    res = clients["alice"].get("/org/regions/33010200800101/")
    assert res.status_code == 200 and res.context["map_data"]["features"]["features"] == []
    assert "暂无边界数据" in _text(res)


# --- teams -----------------------------------------------------------------------------------------------


def test_team_list_is_scoped_with_counts(clients, world):
    res = clients["alice"].get("/org/teams/")
    assert [t.code for t in res.context["page"].object_list] == ["ST-330102008"]
    assert res.context["active_nav"] == "teams"
    res = clients["carol"].get("/org/teams/")
    rows = {t.code: t for t in res.context["page"].object_list}
    assert set(rows) == {"DT-ZH", "ST-330102008", "ST-330102018"}
    assert (rows["ST-330102008"].officer_count, rows["ST-330102008"].seconded_count) == (1, 1)
    assert rows["DT-ZH"].officer_count == 0
    res = clients["carol"].get("/org/teams/", {"kind": UnitKind.DISTRICT_TEAM})
    assert [t.code for t in res.context["page"].object_list] == ["DT-ZH"]


def test_team_detail_scoped(clients, world):
    res = clients["alice"].get("/org/teams/ST-330102008/")
    assert res.status_code == 200 and "测试队员甲" in _text(res)
    assert clients["alice"].get("/org/teams/ST-330102018/").status_code == 404
    assert clients["alice"].get("/org/teams/DT-ZH/").status_code == 404
    # A unit that is not a team has no team page.
    assert clients["carol"].get("/org/teams/DC/").status_code == 404
    assert clients["olga"].get("/org/teams/ST-330102018/").status_code == 200


# --- officers --------------------------------------------------------------------------------------------


def test_officer_list_is_scoped(clients, world):
    alice = _text(clients["alice"].get("/org/officers/"))
    assert "测试队员甲" in alice and "测试队员乙" not in alice
    carol = _text(clients["carol"].get("/org/officers/"))
    assert "测试队员甲" in carol and "测试队员乙" in carol


def test_officer_list_search_and_filters(clients, world):
    officer_create(
        name="区队队员丙",
        birth_date=date(1960, 1, 1),
        certificate_no="ZJ-TEST-0003",
        home_department=world.bureau,
        team=world.district_team,
        seconded=False,
        domains=[world.market],
    )
    carol = clients["carol"]

    def names(**params):
        return {o.name for o in carol.get("/org/officers/", params).context["page"].object_list}

    assert names(q="队员乙") == {"测试队员乙"}
    assert names(q="test-0003") == {"区队队员丙"}
    assert names(seconded="0") == {"区队队员丙"}
    assert names(seconded="1") == {"测试队员甲", "测试队员乙"}
    assert names(team="ST-330102018") == {"测试队员乙"}
    assert names(domain="market") == {"区队队员丙", "测试队员乙"}
    assert names(young="1") == {"测试队员甲"}
    assert names(seconded="maybe") == {"区队队员丙", "测试队员甲", "测试队员乙"}


def test_officer_list_shows_age_and_columns(clients, world):
    res = clients["alice"].get("/org/officers/")
    officer = res.context["page"].object_list[0]
    assert officer.age >= 35
    body = _text(res)
    assert "ZJ-TEST-0001" in body and "区综合行政执法局" in body and "下沉" in body


def test_officer_detail_across_subdistricts_is_404(clients, world):
    bobs = world.jiubao_officer_record.pk
    alices = world.nanxing_officer_record.pk
    assert clients["alice"].get(f"/org/officers/{bobs}/").status_code == 404
    res = clients["alice"].get(f"/org/officers/{alices}/")
    assert res.status_code == 200 and "ZJ-TEST-0001" in _text(res)
    assert clients["olga"].get(f"/org/officers/{bobs}/").status_code == 200
    assert clients["carol"].get("/org/officers/999999/").status_code == 404


# --- buildings -------------------------------------------------------------------------------------------


def test_building_list_is_scoped_with_subdistrict_and_manager(clients, places):
    res = clients["alice"].get("/org/buildings/")
    rows = res.context["page"].object_list
    assert [b.code for b in rows] == ["B-NX-1"]
    assert rows[0].subdistrict_name == "南星街道"
    assert "楼管员甲" in _text(res)
    res = clients["carol"].get("/org/buildings/")
    assert [b.code for b in res.context["page"].object_list] == ["B-JB-1", "B-NX-1"]
    res = clients["carol"].get("/org/buildings/", {"subdistrict": "330102018"})
    assert [b.code for b in res.context["page"].object_list] == ["B-JB-1"]
    res = clients["carol"].get("/org/buildings/", {"q": "南星路"})
    assert [b.code for b in res.context["page"].object_list] == ["B-NX-1"]


def test_building_detail_scoped(clients, places):
    res = clients["alice"].get("/org/buildings/B-NX-1/")
    assert res.status_code == 200
    body = _text(res)
    assert "南星商务楼" in body and "楼管员甲" in body and "13800000001" in body
    assert clients["alice"].get("/org/buildings/B-JB-1/").status_code == 404
    assert clients["olga"].get("/org/buildings/B-JB-1/").status_code == 200


# --- roles without scope, anonymous ----------------------------------------------------------------------


LIST_URLS = ["/org/regions/", "/org/teams/", "/org/officers/", "/org/buildings/"]


def test_oversight_reads_everything(clients, places):
    for url in LIST_URLS:
        res = clients["olga"].get(url)
        assert res.status_code == 200
        assert res.context["page"].paginator.count >= 2, url


def test_user_without_unit_sees_nothing(clients, places):
    otto = clients["otto"]
    for url in LIST_URLS:
        res = otto.get(url)
        assert res.status_code == 200
        assert res.context["page"].paginator.count == 0, url
    for url in [
        "/org/regions/330102008/",
        "/org/teams/ST-330102008/",
        f"/org/officers/{places.nanxing_officer_record.pk}/",
        "/org/buildings/B-NX-1/",
    ]:
        assert otto.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(places):
    client = Client()
    for url in LIST_URLS + ["/org/regions/330102008/", "/org/buildings/B-NX-1/"]:
        res = client.get(url)
        assert res.status_code == 302 and res["Location"].startswith("/accounts/login/"), url


def test_htmx_request_gets_the_fragment(clients, world):
    res = clients["carol"].get("/org/officers/", {"q": "甲"}, HTTP_HX_REQUEST="true")
    body = _text(res)
    assert "测试队员甲" in body and "<html" not in body
    assert "HX-Request" in res["Vary"]


# --- query counts ----------------------------------------------------------------------------------------


@pytest.fixture
def thirty_officers(places):
    w = places
    teams = [w.nanxing_team, w.jiubao_team]
    for i in range(30):
        officer_create(
            name=f"批量队员{i:02d}",
            birth_date=date(1970 + i, 1 + i % 12, 1 + i % 28),
            certificate_no=f"ZJ-BULK-{i:04d}",
            home_department=w.bureau,
            team=teams[i % 2],
            seconded=True,
            domains=[w.comprehensive, w.market],
        )
    for i in range(30):
        building_create(
            code=f"B-BULK-{i:02d}",
            name=f"批量楼宇{i:02d}",
            region=[w.nanxing_grid, w.jiubao_grid][i % 2],
            lng=120.2,
            lat=30.25,
            manager=w.nanxing_manager if i % 2 == 0 else None,
        )
    return w


@pytest.mark.parametrize("user", ["carol", "alice"])
@pytest.mark.parametrize("url", LIST_URLS)
def test_list_pages_use_a_bounded_number_of_queries(
    clients, thirty_officers, django_assert_max_num_queries, url, user
):
    client = clients[user]
    with django_assert_max_num_queries(10):
        res = client.get(url)
    assert res.status_code == 200


def test_team_detail_query_count_does_not_grow_with_officers(
    clients, thirty_officers, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        res = clients["carol"].get("/org/teams/ST-330102008/")
    assert len(res.context["officers"]) == 16
