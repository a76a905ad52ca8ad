"""执法计划表: figures computed from the year's complaints, in the user's jurisdiction."""

import io
from datetime import datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.events.services import event_correct
from zhifa.inspections.annual.selectors import annual_plan

TZ = timezone.get_current_timezone()
IN_2025 = datetime(2025, 6, 1, 10, 0, tzinfo=TZ)


@pytest.fixture
def complaints(district):  # noqa: F811
    """12 油烟, 10 占道 and 9 无证 complaints in 2025 (31 in all), plus what must not count."""
    d = district

    def report(text, n, *, channel="12345", when=IN_2025, items=None):
        return [
            event_intake(
                channel=channel,
                description=f"{text}（{i}）",
                item_codes=items,
                # Each channel's own reporter: citizens on the web are not signed in, officers patrol, the
                # command centre feeds 12345 orders.
                by={"web": None, "patrol": d.alice}.get(channel, d.carol),
                now=when,
            )
            for i in range(n)
        ]

    report("九堡街道某饭店油烟扰民", 8, items=["ZH0101"])
    report("南星街道某饭店油烟扰民", 4, channel="web", items=["ZH0101"])
    report("九堡街道路口有人摆摊占道经营", 10, items=["ZH0018"])
    unconfirmed = report(
        "南星街道有家小吃店没有食品经营许可证", 9
    )  # counted by the classifier's first choice
    assert {e.event_items.order_by("-score").first().item.code for e in unconfirmed} == {"SJ0001"}
    # Not complaints, or not this year: never counted.
    report("巡查发现某饭店油烟直排", 5, channel="patrol", items=["ZH0101"])
    report("九堡街道某饭店油烟扰民", 5, items=["ZH0101"], when=datetime(2024, 12, 31, 23, 0, tzinfo=TZ))
    return d


def test_items_over_the_threshold_with_counts_and_shares(complaints):
    plan = annual_plan(user=complaints.carol, year=2025, threshold=10)
    assert plan.total == 31
    assert [(r.code, r.count, r.percent) for r in plan.rows] == [("ZH0101", 12, 38.71), ("ZH0018", 10, 32.26)]
    assert (len(plan.rows), plan.focus_count, plan.focus_percent) == (2, 22, 70.97)
    assert [r.code for r in annual_plan(user=complaints.carol, year=2025, threshold=9).rows] == [
        "ZH0101",
        "ZH0018",
        "SJ0001",
    ]


def test_a_persons_correction_moves_the_count(complaints):
    from zhifa.dispatch.models import Event

    one = Event.objects.filter(description__startswith="南星街道有家小吃店").first()
    event_correct(event=one, item_codes=["ZH0101"], by=complaints.carol)
    plan = annual_plan(user=complaints.carol, year=2025, threshold=1)
    counts = {r.code: r.count for r in plan.rows}
    assert counts["ZH0101"] == 13 and counts["SJ0001"] == 8


def test_jurisdiction_a_subdistrict_sees_its_own(complaints):
    plan = annual_plan(user=complaints.alice, year=2025, threshold=1)  # 南星
    assert plan.total == 13
    assert {r.code: r.count for r in plan.rows} == {"SJ0001": 9, "ZH0101": 4}


def test_page_and_xlsx(complaints, clients):
    html = clients["carol"].get("/inspections/plan/?year=2025&threshold=10").content.decode()
    assert "2026 年度执法计划表" in html
    assert "2 类，22 件，占 70.97%" in html
    bad = clients["carol"].get("/inspections/plan/?year=abc&threshold=0")
    assert (
        bad.status_code == 200
        and "年份无效" in bad.content.decode()
        and "投诉件数门槛须为 1 到 10000 的整数" in bad.content.decode()
    )
    r = clients["carol"].get("/inspections/plan.xlsx?year=2025&threshold=10")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[2][1:5] == ("ZH0101", "对餐饮服务业经营者超过排放标准排放油烟的行政处罚", "综合执法", 12)
    assert rows[-2][4:] == (22, 70.97)
    assert (
        clients["alice"].get("/inspections/plan/?year=2025&threshold=1").content.decode().count("<tr>") == 3
    )
    assert clients["otto"].get("/inspections/plan/?year=2025").status_code == 200  # no unit: nothing to see
    assert "辖区内没有投诉记录" in clients["otto"].get("/inspections/plan/?year=2025").content.decode()
