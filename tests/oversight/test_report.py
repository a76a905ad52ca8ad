"""The monthly report: the 721 mix and on-time rate from resolved events, visits, cases and warnings per area;
a subdistrict sees its own area only; the xlsx holds the same rows; a bad month is named."""

from datetime import date
from io import BytesIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tests.conftest import client_for
from tests.oversight.conftest import scan, visit
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.events.services import event_accept, event_resolve
from zhifa.oversight.report import monthly_report


def resolved(w, mode: str, subdistrict="南星街道"):
    e = event_intake(channel="web", description="示例路小吃店油烟直排，味道很大", reporter_name="测试群众",
                     subdistrict=subdistrict, item_codes=["ZH0101"])  # fmt: skip
    e = event_accept(event=e, by=w.alice if subdistrict == "南星街道" else w.bob)
    return event_resolve(
        event=e, mode=mode, result="已处置", by=w.alice if subdistrict == "南星街道" else w.bob
    )


@pytest.mark.django_db
def test_mix_visits_and_warnings_by_area(ow):
    w = ow
    for mode in ("service", "service", "management", "enforcement"):
        resolved(w, mode)
    resolved(w, "service", subdistrict="九堡街道")
    w.today = date(2026, 3, 2)
    v = visit(w)
    v.officers.set([w.nanxing_officer_record])
    scan("too_few_officers")
    r = monthly_report(user=w.olga, month="2026-03")
    areas = {a["area"]: a for a in r["areas"]}
    assert list(areas)[:3] == ["上城区", "南星街道", "九堡街道"]
    nx = areas["南星街道"]
    assert (nx["events"], nx["resolved"]) == (4, 4)
    assert [(m["label"], m["count"], m["percent"], m["target"]) for m in nx["mix"]] == [
        ("服务", 2, 50.0, 70), ("管理", 1, 25.0, 20), ("执法", 1, 25.0, 10),
    ]  # fmt: skip
    assert nx["on_time"] == 100.0 and nx["visits"] == 1 and nx["code_share"] == 100.0
    assert nx["warnings"] == 1 and nx["warnings_by_model"] == [("执法人员少于两人", 1)]
    assert areas["上城区"]["events"] == 5 and areas["九堡街道"]["mix"][0]["percent"] == 100.0
    assert monthly_report(user=w.olga, month="2026-02")["areas"][1]["events"] == 0
    # 南星's command room reads 南星 only.
    assert [a["area"] for a in monthly_report(user=w.nina, month="2026-03")["areas"]] == ["南星街道"]
    page = client_for(w.nina).get("/oversight/report/?month=2026-03").content.decode()
    assert "南星街道" in page and "九堡街道" not in page and "服务 50.0%" in page
    page = client_for(w.olga).get("/oversight/report/?month=2026-13").content.decode()
    assert "月份格式应为 年-月，如 2026-03，已显示本月" in page
    res = client_for(w.olga).get("/oversight/report.xlsx?month=2026-03")
    rows = list(load_workbook(BytesIO(res.content)).active.values)
    assert rows[0][:4] == ("区域", "事件", "已处置", "服务") and rows[2][:5] == ("南星街道", 4, 4, 2, 50)
    assert client_for(w.alice).get("/oversight/report/").status_code == 200


@pytest.mark.django_db
def test_report_command(ow, tmp_path):
    out = tmp_path / "r.xlsx"
    call_command("oversight_report", "--month", "2026-03", "--output", str(out))
    assert load_workbook(out).sheetnames == ["月度报告 2026-03", "预警分模型"]
    with pytest.raises(Exception) as exc:
        call_command("oversight_report", "--month", "March", "--output", str(out))
    assert "月份格式应为 年-月" in str(exc.value)
