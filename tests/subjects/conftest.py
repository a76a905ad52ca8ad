"""Subjects on top of the standard world: one in 南星, one in 九堡, a building in 南星, a scenario."""

import pytest

from tests.dispatch.conftest import district  # noqa: F401  (the fixture)
from zhifa.catalog.models import Scenario
from zhifa.engine.uscc import uscc_make
from zhifa.org.models import Building
from zhifa.subjects.services import subject_create


def code(n: int, category: str = "1") -> str:
    return uscc_make(body=f"MA{n:06d}", category=category)


@pytest.fixture
def subjects(district):  # noqa: F811
    w = district
    w.scenario = Scenario.objects.create(code="SC03", name="小餐饮", description="小餐饮店一次检查")
    w.building = Building.objects.create(
        code="NX-B001",
        name="南星示例大厦",
        region=w.nanxing_grid,
        address="南星街道示例路1号",
        lng=120.17,
        lat=30.22,
    )
    w.nanxing_shop = subject_create(
        by=w.carol,
        name="杭州示例0001小吃店",
        kind="individual",
        industry="H62",
        uscc=code(1, "2"),
        address="南星街道示例路8号",
        credit_class="A",
        scenarios=["SC03"],
    )
    w.jiubao_firm = subject_create(
        by=w.carol,
        name="杭州示例0002直播科技有限公司",
        kind="enterprise",
        industry="I64",
        uscc=code(2),
        subdistrict="九堡街道",
        credit_class="C",
    )
    return w
