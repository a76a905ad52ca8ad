"""The template workbook a 12345 operator fills in."""

from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from zhifa.core.tabular import append_row, human_size, workbook_bytes
from zhifa.dispatch.events.intake import MAX_TEXT
from zhifa.dispatch.hotline.columns import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
)

EXAMPLE = {
    "external_no": "2503010830000001",
    "received_at": datetime(2025, 3, 1, 8, 30),
    "description": "九堡街道某某路 1 号一家饭店油烟扰民，每天晚上排烟，熏得楼上住户不能开窗",
    "title": "饭店油烟扰民",
    "reporter_name": "测试某某",
    "reporter_phone": "13800000000",
    "address": "九堡街道某某路 1 号",
    "subdistrict": "九堡街道",
    "priority": "一般",
    "lng": None,
    "lat": None,
}
FORMATS = {
    "external_no": "12345 系统的工单编号，同一编号只能导入一次；请设为文本格式，以免 Excel 改成科学计数法",
    "received_at": "日期时间，如 2025-03-01 08:30、2025/3/1 8:30、2025年3月1日 8时30分、20250301083000；不能晚于当前时间",
    "description": f"群众诉求原文，不超过 {MAX_TEXT} 字；系统据此智能分类并派单",
    "title": "不超过 120 字；空着则取诉求内容开头",
    "reporter_name": "不超过 50 字",
    "reporter_phone": "不超过 20 个字符",
    "address": "不超过 200 字；写明楼宇、社区或街道名称可自动定位",
    "subdistrict": "本区街道名称或区划代码，如 九堡街道、九堡、330102018",
    "priority": "紧急 或 一般（空着按一般）；紧急事件按 1315 时限办理",
    "lng": "十进制度数，如 120.2103；与纬度同时填写",
    "lat": "十进制度数，如 30.2905；与经度同时填写",
}


def hotline_template_xlsx() -> bytes:
    """The import template: the headers with one example row, and a sheet that explains every column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "12345工单"
    append_row(ws, [c.header for c in COLUMNS])
    append_row(ws, [EXAMPLE[c.key] for c in COLUMNS])
    widths = {"description": 60, "address": 30, "received_at": 18, "external_no": 20}
    for i, col in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = widths.get(col.key, 12)
        head = ws.cell(row=1, column=i)
        head.font = Font(bold=True, color="B91C1C" if col.required else "000000")
        head.fill = PatternFill("solid", fgColor="F0F3F9")
        if col.key in ("external_no", "reporter_phone"):
            # Text, so that long numbers keep every digit.
            for row in range(2, 1001):
                ws.cell(row=row, column=i).number_format = "@"
    ws.cell(row=2, column=2).number_format = "yyyy-mm-dd hh:mm"
    ws.freeze_panes = "A2"

    notes = wb.create_sheet("填写说明")
    append_row(notes, ["列名", "必填", "也可写作", "填写要求"])
    for col in COLUMNS:
        aliases = "、".join(a for a in col.aliases if not a.isascii())
        append_row(notes, [col.header, "是" if col.required else "否", aliases, FORMATS[col.key]])
    append_row(notes, [])
    append_row(notes, ["说明", "", "", "第 1 行为表头（上方可有标题行），列的顺序不限，其他列会被忽略。"])
    append_row(
        notes, ["", "", "", "整个文件任何一行有错，都不会导入任何工单；页面会列出每处错误的行号和列。"]
    )
    append_row(
        notes,
        [
            "",
            "",
            "",
            f"单个文件不超过 {human_size(MAX_BYTES)}、{MAX_ROWS} 行；CSV 可为 UTF-8 或 GB18030 编码。",
        ],
    )
    for letter, width in zip("ABCD", (10, 6, 40, 80), strict=True):
        notes.column_dimensions[letter].width = width
    for cell in notes[1]:
        cell.font = Font(bold=True)
    return workbook_bytes(wb)
