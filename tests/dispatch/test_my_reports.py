"""A grid worker follows the reports they filed: listed under the 现场上报 form with status and handling unit,
and each opens, even when it was routed outside the worker's own area; another worker sees none of them."""

from tests.conftest import PASSWORD, client_for
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.dispatch.fieldreport.services import event_report_in


def test_grid_worker_follows_own_reports(district):
    w = district
    gina = user_create(
        username="gina", password=PASSWORD, role=Role.GRID_WORKER, unit=w.nanxing_team, full_name="网格员甲"
    )
    gus = user_create(
        username="gus", password=PASSWORD, role=Role.GRID_WORKER, unit=w.nanxing_team, full_name="网格员乙"
    )
    page = client_for(gina).get("/dispatch/report-in/").content.decode()
    assert "我上报的事件" in page and "还没有上报过事件" in page
    # Reported from 南星's grid, but the place is in 九堡: routed to 九堡's team, outside gina's area.
    event = event_report_in(
        by=gina,
        description="九堡街道某饭店油烟直排，熏到居民",
        photos=[],
        lng=None,
        lat=None,
        accuracy_m=None,
        address="",
        subdistrict="九堡街道",
        urgent=False,
    )
    assert event.lead_unit == w.jiubao_team and event.channel == "grid"
    page = client_for(gina).get("/dispatch/report-in/").content.decode()
    assert event.receipt_no in page and "九堡街道综合行政执法队" in page and "共 1 件" in page
    assert client_for(gina).get(f"/dispatch/events/{event.pk}/").status_code == 200
    # The other worker of the same team neither lists nor opens it; 九堡's officer works it as ever.
    other = client_for(gus).get("/dispatch/report-in/").content.decode()
    assert event.receipt_no not in other
    assert client_for(gus).get(f"/dispatch/events/{event.pk}/").status_code == 404
    assert client_for(w.bob).get(f"/dispatch/events/{event.pk}/").status_code == 200
