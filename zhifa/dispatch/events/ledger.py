"""实时信息台账: the events a user may see, one row each, as an xlsx workbook written in openpyxl's write-only mode."""

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from zhifa.core.tabular import append_row, workbook_bytes, xlsx_cell
from zhifa.dispatch.choices import UnitRole
from zhifa.dispatch.models import EventItem, EventUnit

HEADER = [
    "受理编号",
    "渠道",
    "标题",
    "街道",
    "牵头单位",
    "协办单位",
    "事项",
    "状态",
    "优先级",
    "受理时间",
    "派发",
    "签收",
    "到场",
    "处置",
    "答复",
    "办结",
    "处置方式",
    "评价",
    "外部编号",
]
WIDTHS = [20, 12, 40, 12, 26, 26, 40, 8, 8, 17, 17, 17, 17, 17, 17, 17, 8, 6, 20]
TIMES = [
    "received_at",
    "dispatched_at",
    "accepted_at",
    "on_site_at",
    "resolved_at",
    "answered_at",
    "closed_at",
]
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
CHUNK = 500


def ledger_queryset(events):
    """Load what a row needs with a fixed number of queries per chunk, whatever the number of events."""
    return (
        events.defer("subdistrict__geometry", "classification", "route_explanation")
        .select_related("subdistrict", "lead_unit")
        .prefetch_related(
            Prefetch(
                "event_units",
                queryset=EventUnit.objects.filter(active=True, role=UnitRole.ASSIST)
                .select_related("unit")
                .order_by("id"),
                to_attr="assisting",
            ),
            Prefetch(
                "event_items",
                queryset=EventItem.objects.select_related("item").only(
                    "event_id", "confirmed", "score", "item__name"
                ),
                to_attr="items",
            ),
        )
    )


def _items_text(event) -> str:
    confirmed = [ei.item.name for ei in event.items if ei.confirmed]
    if confirmed:
        return "、".join(confirmed)
    # Nobody confirmed an item yet: the best suggestion, marked as one.
    return f"{event.items[0].item.name}（建议）" if event.items else ""


def _cell(ws, value):
    if hasattr(value, "tzinfo"):
        # Excel has no time zones: the local (Beijing) wall time, as the people reading it expect.
        return xlsx_cell(ws, timezone.localtime(value).replace(tzinfo=None), number_format=DATETIME_FORMAT)
    return value


def _row(event) -> list:
    times = [getattr(event, f) for f in TIMES]
    return [
        event.receipt_no,
        event.get_channel_display(),
        event.title,
        event.subdistrict.name if event.subdistrict_id else "",
        event.lead_unit.name if event.lead_unit_id else "",
        "、".join(eu.unit.name for eu in event.assisting),
        _items_text(event),
        event.get_status_display(),
        event.get_priority_display(),
        *times,
        event.get_resolution_mode_display() if event.resolution_mode else "",
        event.rating,
        event.external_no,
    ]


def event_ledger_xlsx(events) -> bytes:
    """One sheet 实时信息台账 with a frozen header row; times are local, empty when the step has not happened.
    Reporters' text such as "=…" stays text, never a formula the spreadsheet runs."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("实时信息台账")
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    append_row(ws, HEADER)
    for event in ledger_queryset(events).iterator(chunk_size=CHUNK):
        append_row(ws, [_cell(ws, v) for v in _row(event)])
    return workbook_bytes(wb)
