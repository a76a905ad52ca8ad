"""Home dashboard: exact figures from a known set of records, scoped per user, with ages at Shanghai's date."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from zhifa.catalog.services import release_apply, release_import
from zhifa.dashboard.selectors import home_stats
from zhifa.org.choices import UnitKind
from zhifa.org.selectors import age_on, born_on_or_before_for_age
from zhifa.org.services import officer_create, unit_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 00:30 on 1 March in Shanghai is still 28 February in UTC: ages must follow the Shanghai date.
NOW = datetime(2026, 3, 1, 0, 30, tzinfo=SHANGHAI)

HEADER = (
    "code,name,domain,kind,legal_basis,penalty_basis,delegated,delegated_from,keywords,required_evidence,"
    "high_frequency,scenes\n"
)
ROWS = {
    "ZH0001": "ZH0001,对餐饮服务业经营者超过排放标准排放油烟的行政处罚,comprehensive,行政处罚,"
    "《中华人民共和国大气污染防治法》第八十一条第一款,《中华人民共和国大气污染防治法》第一百一十八条第一款,"
    "是,2022-06-01,油烟,,是,吃\n",
    "ZH0002": "ZH0002,对擅自占用城市道路从事经营活动的行政处罚,comprehensive,行政处罚,"
    "《城市道路管理条例》,《城市道路管理条例》,是,2022-06-01,占道经营,,否,\n",
    "ZH0003": "ZH0003,对未经批准在城市建筑物、设施上张挂、张贴宣传品的行政处罚,comprehensive,行政处罚,"
    "《城市市容和环境卫生管理条例》,《城市市容和环境卫生管理条例》,否,,张贴,,否,\n",
    "ZH0004": "ZH0004,对损坏城市绿化设施的行政处罚,comprehensive,行政处罚,"
    "《城市绿化条例》,《城市绿化条例》,是,2022-06-01,绿化,,否,\n",
    "SJ0001": "SJ0001,对未取得食品生产经营许可从事食品生产经营活动的行政处罚,market,行政处罚,"
    "《中华人民共和国食品安全法》第三十五条,《中华人民共和国食品安全法》第一百二十二条,否,,无证经营,,否,吃\n",
}


def _release(version: str, codes: list[str], by) -> None:
    content = (HEADER + "".join(ROWS[c] for c in codes)).encode()
    release_apply(
        release=release_import(content=content, filename="items.csv", version=version, by=by), by=by
    )


@pytest.fixture
def catalog(world):
    """Four active items (two delegated, one high-frequency) after a second release retires a fifth."""
    _release("t-1", ["ZH0001", "ZH0002", "ZH0003", "ZH0004", "SJ0001"], world.root)
    _release("t-2", ["ZH0001", "ZH0002", "ZH0003", "SJ0001"], world.root)


@pytest.fixture
def officers(world):
    """With the world's two: 4 officers, 3 seconded. Ages on 2026-03-01 (Shanghai):
    甲 35 (seconded, 南星), 乙 51 (seconded, 九堡), 戊 46 today (seconded, 南星), 丙 45 tomorrow (district team)."""
    officer_create(
        name="南星队员戊",
        birth_date=date(1980, 3, 1),
        certificate_no="ZJ-TEST-0005",
        home_department=world.bureau,
        team=world.nanxing_team,
        seconded=True,
        domains=[world.comprehensive],
    )
    officer_create(
        name="区队队员丙",
        birth_date=date(1980, 3, 2),
        certificate_no="ZJ-TEST-0003",
        home_department=world.bureau,
        team=world.district_team,
        seconded=False,
        domains=[world.comprehensive],
    )
    return world


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_ages_handle_birthdays_and_29_february():
    assert age_on(date(1980, 3, 1), date(2026, 3, 1)) == 46
    assert age_on(date(1980, 3, 2), date(2026, 3, 1)) == 45
    assert age_on(date(1980, 2, 29), date(2026, 2, 28)) == 45
    assert age_on(date(1980, 2, 29), date(2026, 3, 1)) == 46
    assert age_on(date(1980, 2, 29), date(2028, 2, 29)) == 48
    assert born_on_or_before_for_age(46, date(2026, 3, 1)) == date(1980, 3, 1)
    assert born_on_or_before_for_age(46, date(2028, 2, 29)) == date(1982, 2, 28)


def test_district_figures(world, catalog, officers, frozen):
    stats = home_stats(user=world.carol)
    assert stats["today"] == date(2026, 3, 1)
    cat = stats["catalog"]
    assert (cat["total"], cat["delegated"], cat["high_frequency"]) == (4, 2, 1)
    assert cat["delegated_percent"] == 50.0
    assert [(d["code"], d["active"], d["delegated"], d["not_delegated"]) for d in cat["by_domain"]] == [
        ("comprehensive", 3, 2, 1),
        ("market", 1, 0, 1),
    ]
    assert stats["teams"]["count"] == 3
    assert stats["teams"]["by_kind"] == {
        UnitKind.DISTRICT_TEAM: 1,
        UnitKind.SUBDISTRICT_TEAM: 2,
        UnitKind.STATIONED_TEAM: 0,
    }
    assert stats["officers"]["total"] == 4 and stats["officers"]["seconded"] == 3
    assert {k["kind"]: k["count"] for k in stats["officers"]["by_kind"]} == {
        UnitKind.DISTRICT_TEAM: 1,
        UnitKind.SUBDISTRICT_TEAM: 3,
        UnitKind.STATIONED_TEAM: 0,
    }
    district = stats["seconded"]["district"]
    assert (district["seconded"], district["total"], district["ratio"], district["percent"]) == (
        3,
        4,
        0.75,
        75.0,
    )
    assert district["target"] == 0.65 and district["ok"] is True
    assert stats["seconded"]["scope"] is None
    young = stats["young"]
    # 甲 (35) and 丙 (45) are ≤ 45; 戊 turned 46 today in Shanghai (still 45 by the UTC date).
    assert (young["count"], young["total"], young["percent"]) == (2, 4, 50.0)
    assert (young["seconded_count"], young["seconded_total"], young["seconded_percent"]) == (1, 3, 33.3)
    assert [b["count"] for b in stats["age_bands"]] == [0, 1, 0, 1, 1, 1, 0]
    assert [(t["code"], t["officer_count"], t["seconded_count"]) for t in stats["field_teams"]] == [
        ("ST-330102008", 2, 2),
        ("ST-330102018", 1, 1),
    ]


def test_subdistrict_user_sees_own_team_and_district_ratio(world, catalog, officers, frozen):
    stats = home_stats(user=world.alice)
    assert stats["catalog"]["total"] == 4  # the catalog is district-wide
    assert stats["teams"]["count"] == 1
    assert [t["code"] for t in stats["field_teams"]] == ["ST-330102008"]
    assert stats["officers"]["total"] == 2
    assert stats["seconded"]["district"]["percent"] == 75.0
    own = stats["seconded"]["scope"]
    assert (own["seconded"], own["total"], own["percent"]) == (2, 2, 100.0)
    assert (stats["young"]["count"], stats["young"]["percent"]) == (1, 50.0)


def test_ratio_below_target_is_bad(world, officers, frozen):
    officer_create(
        name="区队队员己",
        birth_date=date(1990, 1, 1),
        certificate_no="ZJ-TEST-0006",
        home_department=world.bureau,
        team=world.district_team,
    )
    district = home_stats(user=world.carol)["seconded"]["district"]
    assert (district["percent"], district["ok"]) == (60.0, False)
    body = Client()
    body.force_login(world.carol)
    html = body.get("/").content.decode()
    assert "60.0%" in html and "未达标" in html


def test_target_comes_from_settings(world, officers, frozen, settings):
    settings.ZHIFA_SECONDED_TARGET = 0.8
    district = home_stats(user=world.carol)["seconded"]["district"]
    assert (district["percent"], district["target_percent"], district["ok"]) == (75.0, 80.0, False)


def test_user_without_unit_sees_catalog_only(world, catalog, officers, frozen):
    stats = home_stats(user=world.otto)
    assert stats["catalog"]["total"] == 4
    assert stats["bound"] is False
    assert stats["officers"]["total"] == 0 and stats["teams"]["count"] == 0
    assert stats["seconded"]["district"] is None


def test_page_renders_figures(clients, catalog, officers, frozen):
    res = clients["carol"].get("/")
    assert res.status_code == 200
    assert res.context["active_nav"] == "dashboard"
    html = res.content.decode()
    for text in ("75.0%", "达标", "3 / 4 人", "50.0%", "33.3%", "目标 ≥ 65%", 'id="dashboard-charts"'):
        assert text in html, text
    assert "vendor/echarts.min.js" in html and "js/dashboard.js" in html
    charts = res.context["charts"]
    assert charts["teams"]["names"] == ["南星街道综合行政执法队", "九堡街道综合行政执法队"]
    assert charts["domains"] == {
        "names": ["综合执法", "市场监管"],
        "delegated": [2, 0],
        "not_delegated": [1, 1],
    }

    alice = clients["alice"].get("/").content.decode()
    assert "100.0%" in alice and "75.0%" in alice and "九堡街道综合行政执法队" not in alice

    otto = clients["otto"].get("/")
    assert otto.status_code == 200 and "未关联单位" in otto.content.decode()


def test_chart_data_is_escaped(clients, world, frozen):
    unit_create(
        code="ST-X",
        name="</script><script>alert(1)</script>队",
        kind=UnitKind.SUBDISTRICT_TEAM,
        region=world.nanxing,
    )
    html = clients["carol"].get("/").content.decode()
    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in html


def test_anonymous_is_redirected_to_login():
    res = Client().get("/")
    assert res.status_code == 302 and res["Location"].startswith("/accounts/login/")


def test_home_uses_a_bounded_number_of_queries(clients, catalog, officers, django_assert_max_num_queries):
    for i in range(30):
        officer_create(
            name=f"批量队员{i:02d}",
            birth_date=date(1970 + i, 6, 1),
            certificate_no=f"ZJ-BULK-{i:04d}",
            home_department=officers.bureau,
            team=[officers.nanxing_team, officers.jiubao_team][i % 2],
            seconded=True,
        )
    for user in ("carol", "alice"):
        # 12 for the organisation and catalog, 3 for the command centre's on-time rates and 721 mix, 2 for
        # the cases' outcomes.
        with django_assert_max_num_queries(17):
            assert clients[user].get("/").status_code == 200
