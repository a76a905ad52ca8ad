"""A small catalog and the units routing needs, on top of the standard world."""

import pytest

from zhifa.catalog.models import FunctionalAreaLayer
from zhifa.catalog.services import release_apply, release_import
from zhifa.org.choices import RegionLevel, UnitKind
from zhifa.org.services import region_create, unit_create

HEADER = (
    "code,name,domain,kind,legal_basis,penalty_basis,delegated,delegated_from,keywords,required_evidence,"
    "high_frequency,scenes\n"
)
ROWS = [
    "ZH0101,对餐饮服务业经营者超过排放标准排放油烟的行政处罚,comprehensive,行政处罚,《中华人民共和国大气污染防治法》第八十一条,"
    "《中华人民共和国大气污染防治法》第一百一十八条,是,2022-06-01,油烟|油烟扰民|排烟|油烟味,,否,吃",
    "ZH0018,对擅自占用城市道路从事经营活动的行政处罚,comprehensive,行政处罚,《城市道路管理条例》,《城市道路管理条例》,"
    "是,2022-06-01,占道经营|摆摊|流动摊贩|占道,,否,购",
    "SJ0001,对未取得食品经营许可从事食品经营活动的行政处罚,market,行政处罚,《中华人民共和国食品安全法》第三十五条,"
    "《中华人民共和国食品安全法》第一百二十二条,否,,无证经营|没有食品经营许可证|无证小吃,,否,吃",
    "SJ0005,对经营超过保质期食品的行政处罚,market,行政处罚,《中华人民共和国食品安全法》,《中华人民共和国食品安全法》,否,,"
    "过期食品|过了保质期|临期,,否,购",
]


@pytest.fixture
def district(world):
    """The world plus a market team, the hub with a stationed team, and a four-item catalog."""
    w = world
    w.market_dept = unit_create(
        code="DEP-market",
        name="区市场监督管理局",
        kind=UnitKind.DEPARTMENT,
        region=w.district,
        domain=w.market,
    )
    w.market_team = unit_create(
        code="DT-market",
        name="区市场监管综合执法大队",
        kind=UnitKind.DISTRICT_TEAM,
        region=w.district,
        domain=w.market,
        parent=w.market_dept,
    )
    w.hub = region_create(
        code="330102HUB", name="杭州东站枢纽", level=RegionLevel.FUNCTIONAL_AREA, parent=w.district
    )
    w.hub_team = unit_create(
        code="HUB-SJ", name="东站枢纽市场监管所", kind=UnitKind.STATIONED_TEAM, region=w.hub, domain=w.market
    )
    release = release_import(
        content=(HEADER + "\n".join(ROWS) + "\n").encode(), filename="items.csv", version="t-1", by=w.root
    )
    release_apply(release=release, by=w.root)
    layer = FunctionalAreaLayer.objects.create(
        region=w.hub, name="东站餐饮购物圈层", unit=w.hub_team, scenes=["吃"]
    )
    from zhifa.catalog.models import EnforcementItem

    layer.items.set(EnforcementItem.objects.filter(code__in=["SJ0001", "SJ0005"]))
    return w
