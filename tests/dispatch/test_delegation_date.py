"""A delegation (赋权) counts from its effective date: before it the department's team handles the item, from
that day the subdistrict's team does — with no catalog change in between, in the same process."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from tests.conftest import client_for
from zhifa.catalog.services import release_apply, release_import
from zhifa.dispatch.batch import route_rows
from zhifa.dispatch.events.intake import event_intake

from .conftest import HEADER, ROWS

TZ = ZoneInfo("Asia/Shanghai")
TEXT = "九堡街道某某路一家饭店油烟扰民，每天晚上排烟"


def _delegate_oil_from(day: str, by) -> None:
    rows = [r.replace("是,2022-06-01", f"是,{day}") if r.startswith("ZH0101") else r for r in ROWS]
    release = release_import(
        content=(HEADER + "\n".join(rows) + "\n").encode(), filename="items.csv", version="t-2", by=by
    )
    release_apply(release=release, by=by)


def test_future_delegation_routes_to_department_until_its_date(district):
    with time_machine.travel(datetime(2027, 1, 9, 23, 50, tzinfo=TZ), tick=False) as traveller:
        _delegate_oil_from("2027-01-10", district.root)
        before = event_intake(channel="12345", description=TEXT, by=district.carol)
        assert before.subdistrict == district.jiubao
        assert before.lead_unit == district.district_team  # 区综合行政执法大队, not yet the subdistrict
        assert route_rows([{"text": TEXT}])[0]["unit"]["code"] == "DT-ZH"

        traveller.move_to(datetime(2027, 1, 10, 0, 5, tzinfo=TZ))
        on_the_day = event_intake(channel="12345", description=TEXT, by=district.carol)
        assert on_the_day.lead_unit == district.jiubao_team
        assert route_rows([{"text": TEXT}])[0]["unit"]["code"] == "ST-330102018"


def test_item_page_and_api_say_not_yet_in_force_and_cite_the_basis(district):
    with time_machine.travel(datetime(2027, 1, 9, 12, 0, tzinfo=TZ), tick=False):
        _delegate_oil_from("2027-01-10", district.root)
        clients = {"carol": client_for(district.carol)}  # logged in at the travelled time
        page = clients["carol"].get("/catalog/items/ZH0101/").content.decode()
        assert "尚未生效" in page
        assert "《中华人民共和国行政处罚法》第二十四条" in page and "《浙江省综合行政执法条例》" in page
        api = clients["carol"].get("/api/v1/catalog/items/ZH0101").json()
        assert api["delegation_basis"] == "《中华人民共和国行政处罚法》第二十四条；《浙江省综合行政执法条例》"
        not_delegated = clients["carol"].get("/api/v1/catalog/items/SJ0001").json()
        assert not_delegated["delegation_basis"] == ""
        assert "赋权依据" not in clients["carol"].get("/catalog/items/SJ0001/").content.decode()
