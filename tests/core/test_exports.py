"""Every xlsx the platform hands out, with a subject, item and event text of =HYPERLINK(…): the cell is text (with
Excel's quote prefix), never a formula the spreadsheet runs when the file is opened."""

import csv
import io
from datetime import datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import client_for
from tests.dispatch.conftest import HEADER, ROWS, district  # noqa: F401 (fixture)
from tests.inspections.test_joint_plans import make, town  # noqa: F401 (fixture)
from zhifa.catalog.services import release_apply, release_import
from zhifa.dispatch.events.intake import event_intake
from zhifa.subjects.services import subject_update

HYPERLINK = '=HYPERLINK("http://x","y")'
IN_2025 = datetime(2025, 6, 1, 10, 0, tzinfo=timezone.get_current_timezone())


def _hostile_row() -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(
        ["ZH0999", HYPERLINK, "comprehensive", "行政处罚", "@SUM(1)", "+1", "否", "", "-x|油烟", "", "否", ""]
    )
    return out.getvalue()


@pytest.fixture
def hostile(town):  # noqa: F811
    """The joint-plan town with an item, an event and a subject whose texts are formulas."""
    w = town
    content = (HEADER + "\n".join([*ROWS, _hostile_row()]) + "\n").encode()
    release_apply(
        release=release_import(content=content, filename="c.csv", version="t-2", by=w.root), by=w.root
    )
    w.event = event_intake(
        channel="12345",
        title=HYPERLINK,
        description="九堡街道某饭店油烟扰民，=HYPERLINK 写进了描述",
        item_codes=["ZH0999"],
        by=w.carol,
        now=IN_2025,
    )
    subject_update(subject=w.subjects[0], by=w.carol, name=HYPERLINK)
    return w


def _cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_text_not_formula(content: bytes, *texts: str) -> None:
    cells = _cells(content)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    for text in texts:
        found = [c for c in cells if c.value == text]
        assert found, f"{text} not exported"
        assert all(c.data_type == "s" and c.quotePrefix for c in found)


def _get(client, url: str) -> bytes:
    res = client.get(url)
    assert res.status_code == 200 and res["Content-Type"].startswith("application/vnd.openxmlformats")
    return res.content


def test_catalog_export(hostile):
    content = _get(client_for(hostile.alice), "/catalog/export.xlsx")
    assert_text_not_formula(content, HYPERLINK, "@SUM(1)", "+1", "-x|油烟")


def test_events_ledger(hostile):
    content = _get(client_for(hostile.carol), "/dispatch/ledger.xlsx")
    assert_text_not_formula(content, HYPERLINK)  # the event's title and its confirmed item's name
    assert sum(1 for c in _cells(content) if c.value == HYPERLINK) == 2


def test_annual_plan(hostile):
    content = _get(client_for(hostile.carol), "/inspections/plan.xlsx?year=2025&threshold=1")
    assert_text_not_formula(content, HYPERLINK)


def test_joint_plan(hostile):
    plan = make(hostile)
    content = _get(client_for(hostile.carol), f"/inspections/joint-plans/{plan.pk}.xlsx")
    assert_text_not_formula(content, HYPERLINK)


def test_hotline_template_has_no_formula(hostile):
    assert_text_not_formula(_get(client_for(hostile.carol), "/dispatch/imports/hotline/template.xlsx"))
