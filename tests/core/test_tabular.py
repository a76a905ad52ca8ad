"""zhifa.core.tabular: encodings, headers with aliases, row errors, limits against decompression bombs (refused
fast, with the limit named), and writing that never turns text into a formula.

The bomb builders here are used by the upload tests of the catalog, subjects and 12345 imports too."""

import csv
import io
import struct
import time
import zipfile
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache

import pytest
from openpyxl import Workbook, load_workbook

from zhifa.core.errors import ServiceError
from zhifa.core.tabular import (
    Column,
    RowErrors,
    SafeCsvWriter,
    append_row,
    check_file,
    data_rows,
    map_header,
    read_csv,
    read_xlsx,
    workbook_bytes,
    xlsx_cell,
)

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
FOOT = b"</sheetData></worksheet>"
CELLS_REFUSED = "Excel 文件过大：单元格超过上限 300000 个。请删去无关的工作表、行和列，或拆分后分批导入"
ROWS_REFUSED = "Excel 文件过大：行数超过上限 50000 行。请删去无关的行，或拆分后分批导入"
CORRUPT = "无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式"


# --- building workbooks --------------------------------------------------------------------------------------


def workbook_with(sheet_xml: bytes, *, styles=None, extra: dict[str, bytes] | None = None) -> bytes:
    """A workbook written by openpyxl whose first sheet (and optionally its styles) is replaced by raw XML."""
    book = Workbook()
    book.active.append(["a"])
    base = zipfile.ZipFile(io.BytesIO(workbook_bytes(book)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in base.infolist():
            data = sheet_xml if info.filename == SHEET else base.read(info.filename)
            if styles and info.filename == "xl/styles.xml":
                data = styles(data)
            z.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


@cache
def cell_bomb() -> bytes:
    """~270 KB that unpacks to 5 million cells (100 MB of XML): the kind of file that ran until gunicorn killed
    the worker."""
    row = b"<row>" + b'<c t="n"><v>1</v></c>' * 1000 + b"</row>"
    return workbook_with(HEAD + row * 5000 + FOOT)


@cache
def dense_bomb() -> bytes:
    """~30 KB whose 20 MB of XML stays under the unzipped limit but holds 5 million (empty) cells."""
    return workbook_with(HEAD + (b"<row>" + b"<c/>" * 1000 + b"</row>") * 5000 + FOOT)


def unzipped_refusal(data: bytes) -> str:
    size = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    return (
        f"Excel 文件过大：解压后有 {size / 1048576:.1f} MB，上限为 32.0 MB。"
        "请删去无关的工作表和内容后另存，或拆分后分批导入"
    )


@contextmanager
def fast(seconds: float = 5.0):
    """Refused early: the CPU this process spends (not wall time, which other work on a shared machine
    stretches) stays far below what reading the bomb costs without the limits (26 s to minutes)."""
    start = time.process_time()
    yield
    took = time.process_time() - start
    assert took < seconds, f"took {took:.1f} s of CPU"


def refused(content: bytes, **kw) -> str:
    with pytest.raises(ServiceError) as caught:
        read_xlsx(content, **kw)
    assert caught.value.errors == [{"field": kw.get("field_name", "file"), "message": caught.value.message}]
    return caught.value.message


# --- csv ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding_excel_and_wps_write(encoding):
    text = "事项编码,事项名称\nZH0001,对餐饮服务业经营者超过排放标准排放油烟的行政处罚\n"
    assert read_csv(text.encode(encoding)) == [
        ["事项编码", "事项名称"],
        ["ZH0001", "对餐饮服务业经营者超过排放标准排放油烟的行政处罚"],
    ]


def test_csv_that_is_no_known_encoding_or_no_csv():
    with pytest.raises(ServiceError) as caught:
        read_csv(b"\xff\xfe\x00\x00\xff", "discretion_file")
    assert caught.value.message == "无法识别 CSV 文件的编码，请以 UTF-8 或 GB18030 编码保存"
    assert caught.value.errors == [{"field": "discretion_file", "message": caught.value.message}]
    with pytest.raises(ServiceError, match="^CSV 文件格式有误：field larger than field limit"):
        read_csv(b'"' + b"x" * 200_000 + b'"\n')


def test_csv_rows_and_cells_are_counted_while_reading(settings):
    settings.ZHIFA_IMPORT_MAX_CELLS = 1000
    settings.ZHIFA_IMPORT_MAX_SHEET_ROWS = 100
    assert len(read_csv(("a,b,c,d,e,f,g,h,i,j\n" * 100).encode())) == 100  # 1000 cells: at the limits
    with pytest.raises(ServiceError) as caught:
        read_csv(b"a\n" * 101)
    assert caught.value.message == "CSV 文件过大：行数超过上限 100 行。请删去无关的行，或拆分后分批导入"
    with fast(), pytest.raises(ServiceError) as caught:
        read_csv(b"," * 5_000_000)  # one row of five million empty cells
    assert (
        caught.value.message
        == "CSV 文件过大：单元格超过上限 1000 个。请删去无关的工作表、行和列，或拆分后分批导入"
    )


def test_check_file_refuses_type_size_and_empty_in_that_order(settings):
    settings.ZHIFA_MAX_IMPORT_BYTES = 1024
    messages = []
    for content, name in ((b"x", "a.xls"), (b"x" * 2048, "a.CSV"), (b"  \n", "a.xlsx"), (b"", "")):
        with pytest.raises(ServiceError) as caught:
            check_file(content, name)
        messages.append(caught.value.message)
    assert messages == [
        "不支持的文件类型“a.xls”，请上传 .xlsx 或 .csv 文件",
        "文件过大（2.0 KB），上限为 1.0 KB",
        "文件为空",
        "不支持的文件类型“未命名”，请上传 .xlsx 或 .csv 文件",
    ]
    assert check_file(b"a,b", " A.CSV ") == "csv"
    with pytest.raises(ServiceError) as caught:
        check_file(b"x" * 10, "a.xlsx", limit=5, what="12345 工单导入")
    assert caught.value.message == "文件过大（0.1 KB），12345 工单导入上限为 0.1 KB"


# --- xlsx ---------------------------------------------------------------------------------------------------


def test_xlsx_every_sheet_in_order_with_its_values():
    book = Workbook()
    book.active.title = "事项"
    book.active.append(["编码", "日期", "数量", None, "备注"])
    book.active.append(["A1", datetime(2025, 3, 1, 8, 30), 12])  # shorter than the header: no padding
    book.create_sheet("裁量基准").append(["一般"])
    sheets = read_xlsx(workbook_bytes(book))
    assert list(sheets) == ["事项", "裁量基准"]
    assert sheets["事项"] == [["编码", "日期", "数量", None, "备注"], ["A1", datetime(2025, 3, 1, 8, 30), 12]]
    assert sheets["裁量基准"] == [["一般"]]


def test_a_workbook_at_the_limits_is_read_and_one_cell_more_is_refused(settings):
    settings.ZHIFA_IMPORT_MAX_CELLS = 1000
    book = Workbook()
    for r in range(10):
        book.active.append([f"r{r}c{c}" for c in range(100)])
    assert len(read_xlsx(workbook_bytes(book))["Sheet"]) == 10
    book.active.append(["one more"])
    assert refused(workbook_bytes(book)) == (
        "Excel 文件过大：单元格超过上限 1000 个。请删去无关的工作表、行和列，或拆分后分批导入"
    )


def test_cell_bomb_is_refused_by_its_declared_size_before_it_is_opened():
    bomb = cell_bomb()
    assert len(bomb) < 600_000
    with fast():
        assert refused(bomb) == unzipped_refusal(bomb)


def test_dense_bomb_under_the_size_limit_is_refused_by_counting_its_cells():
    bomb = dense_bomb()
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) < 32 * 1048576
    with fast():
        assert refused(bomb, field_name="discretion_file") == CELLS_REFUSED


def test_cells_openpyxl_would_fill_in_are_counted_while_reading():
    # 200 rows of one cell each in the last column: openpyxl fills every row to 16,384 cells.
    rows = b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (r, r) for r in range(1, 201))
    with fast():
        assert refused(workbook_with(HEAD + rows + FOOT)) == CELLS_REFUSED
    # One cell in the last row: openpyxl yields the million rows between.
    far = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    with fast():
        assert refused(workbook_with(HEAD + far + FOOT)) == ROWS_REFUSED


def test_rows_without_cells_are_counted_before_opening():
    with fast():
        assert refused(workbook_with(HEAD + b"<row/>" * 60_000 + FOOT)) == ROWS_REFUSED


def test_style_bomb_is_refused():
    # 12 KB, a million cell formats: openpyxl took 38 s to load it.
    def million_formats(styles: bytes) -> bytes:
        text = styles.decode()
        start, end = text.index("<cellXfs"), text.index("</cellXfs>")
        return (text[:start] + '<cellXfs count="1000000">' + "<xf/>" * 1_000_000 + text[end:]).encode()

    bomb = workbook_with(HEAD + b'<row r="1"><c r="A1"><v>1</v></c></row>' + FOOT, styles=million_formats)
    assert len(bomb) < 20_000
    with fast():
        assert refused(bomb) == (
            "Excel 文件中的格式、样式等设置过多：超过上限 64000 项。请清除多余格式后另存为新文件再导入"
        )


def test_shared_strings_are_counted(settings):
    settings.ZHIFA_IMPORT_MAX_CELLS = 1000
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>x</t></si>" * 1001
    )
    bomb = workbook_with(HEAD + FOOT, extra={"xl/sharedStrings.xml": strings + b"</sst>"})
    assert refused(bomb) == "Excel 文件过大：文本超过上限 1000 条。请删去无关的内容，或拆分后分批导入"


def test_entities_and_dtds_are_refused():
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e "<c/><c/><c/>">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b"<row>&e;&e;</row>" + FOOT
    )
    assert (
        refused(workbook_with(xml)) == "Excel 文件结构异常，可能是恶意构造的文件，已拒绝：含有 DTD 或实体声明"
    )


def test_too_many_parts_is_refused():
    extra = {f"xl/media/p{n}.bin": b"" for n in range(10_001)}
    assert refused(workbook_with(HEAD + FOOT, extra=extra)).startswith(
        "Excel 文件结构异常，可能是恶意构造的文件，已拒绝：包含 10010 个部件，上限为 10000 个"
    )


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """The same zip with `name` declaring another uncompressed size (local header and central directory)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    buf = bytearray(data)
    struct.pack_into("<I", buf, info.header_offset + 22, size)
    pos = buf.find(b"PK\x01\x02")
    while buf[pos + 46 : pos + 46 + len(name)] != name.encode():
        pos = buf.find(b"PK\x01\x02", pos + 4)
    struct.pack_into("<I", buf, pos + 24, size)
    return bytes(buf)


def test_a_part_that_lies_about_its_size_is_read_no_further_than_it_says():
    liar = _declare_size(cell_bomb(), SHEET, 1000)
    with fast():
        assert refused(liar) == CORRUPT  # zipfile stops at the declared size, then the checksum fails


def test_damaged_workbooks_are_corrupt_not_server_errors():
    good = workbook_with(HEAD + b'<row r="1"><c r="A1"><v>1</v></c></row>' + FOOT)
    assert refused(b"PK\x03\x04 not really") == CORRUPT
    assert refused(workbook_with(HEAD + b"<row><c><v>1</v>")) == CORRUPT  # XML cut short
    truncated = good[: len(good) // 2]
    assert refused(truncated) == CORRUPT


# --- headers and rows ---------------------------------------------------------------------------------------

COLUMNS = (
    Column("code", "事项编码", True, aliases=("编码", "事项代码")),
    Column("name", "事项名称", True),
    Column("min_fine", "最低罚款"),
)


def test_headers_by_name_alias_or_key_written_loosely():
    header = map_header([" 事项代码 ", "*事项名称", "最低罚款（元）", None], COLUMNS)
    assert header.found == {
        "code": (0, "事项代码"),
        "name": (1, "*事项名称"),
        "min_fine": (2, "最低罚款（元）"),
    }
    assert header.missing == [] and header.problems() == []
    assert map_header(["CODE", "Name"], COLUMNS).found == {"code": (0, "CODE"), "name": (1, "Name")}
    assert map_header(["code", "name"], COLUMNS, match_keys=False).found == {}


def test_header_problems_in_order_unknown_repeated_then_missing():
    header = map_header(["编码", "备注", "事项编码"], COLUMNS)
    assert header.found == {"code": (0, "编码")}
    assert header.unused == [("备注", ""), ("事项编码", "编码")]
    assert header.problems() == [
        ("备注", "无法识别的列“备注”"),
        ("事项编码", "列“事项编码”与“编码”重复"),
        ("事项名称", "缺少必填列“事项名称”（或 name）"),
    ]


def test_data_rows_skip_blank_rows_and_keep_spreadsheet_numbers():
    rows = [["导出时间 2025-03-01"], ["编码", "事项名称"], ["A1", 12.0], [None, "  "], [], ["A2"]]
    header = map_header(rows[1], COLUMNS)
    assert list(data_rows(rows, header.found, header_row=2)) == [
        (3, {"code": "A1", "name": "12"}),
        (6, {"code": "A2", "name": ""}),
    ]
    raw = list(data_rows(rows, header.found, header_row=2, text=lambda v: v or None))
    assert raw[0] == (3, {"code": "A1", "name": 12.0})


def test_row_errors_name_row_and_column_and_are_raised_together():
    errors = RowErrors()
    errors.raise_if_any()  # nothing to say
    errors.add(3, "领域", "未知领域“城管”")
    errors.add(2, "最低罚款", "金额无效", in_sheet="裁量基准", cell="D2")
    with pytest.raises(ServiceError) as caught:
        errors.raise_if_any()
    assert caught.value.message == "导入失败：共 2 处错误，未导入任何内容"
    assert caught.value.errors == [
        {"field": "第3行·领域", "row": 3, "column": "领域", "message": "未知领域“城管”"},
        {
            "field": "裁量基准·第2行·最低罚款",
            "row": 2,
            "column": "最低罚款",
            "message": "金额无效",
            "cell": "D2",
        },
    ]


def test_at_most_2000_errors_are_kept_but_all_are_counted():
    errors = RowErrors()
    for row in range(2, 2503):
        errors.add(row, "名称", "名称不能为空")
    with pytest.raises(ServiceError) as caught:
        errors.raise_if_any("导入失败：{count} 处错误")
    assert caught.value.message == "导入失败：2501 处错误" and len(caught.value.errors) == 2000


# --- writing ------------------------------------------------------------------------------------------------

HYPERLINK = '=HYPERLINK("http://x","y")'
TEXTS = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("write_only", [False, True])
def test_text_that_looks_like_a_formula_is_written_as_text(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    append_row(sheet, [*TEXTS, -5, 2.5, date(2025, 3, 1), "普通文本", None, "a=b"])
    append_row(sheet, [xlsx_cell(sheet, datetime(2025, 3, 1, 8, 30), number_format="yyyy-mm-dd hh:mm")])
    cells = list(load_workbook(io.BytesIO(workbook_bytes(book))).worksheets[0].iter_rows())
    first = cells[0]
    # (A carriage return written as a raw character reads back as a line feed; an XML writer that escapes it
    # as &#13; keeps it. Either way the cell is the same text, not a formula.)
    assert [(c.value.replace("\r", "\n"), c.data_type, c.quotePrefix) for c in first[: len(TEXTS)]] == [
        (text.replace("\r", "\n"), "s", True) for text in TEXTS
    ]
    assert [(c.value, c.data_type) for c in first[len(TEXTS) : len(TEXTS) + 2]] == [(-5, "n"), (2.5, "n")]
    assert first[len(TEXTS) + 2].value == datetime(2025, 3, 1)
    assert [(c.value, c.quotePrefix) for c in first[len(TEXTS) + 3 :]] == [
        ("普通文本", False),
        (None, False),
        ("a=b", False),
    ]
    stamp = cells[1][0]
    assert stamp.value == datetime(2025, 3, 1, 8, 30) and stamp.number_format == "yyyy-mm-dd hh:mm"


def test_a_cell_made_elsewhere_is_guarded_too():
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    append_row(sheet, [WriteOnlyCell(sheet, value=HYPERLINK)])
    cell = load_workbook(io.BytesIO(workbook_bytes(book))).worksheets[0]["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (HYPERLINK, "s", True)


def test_csv_text_gets_the_apostrophe_numbers_do_not():
    out = io.StringIO()
    SafeCsvWriter(out).writerows([["row", "label"], [1, HYPERLINK], [-2, "-2+3"], [3, "油烟 +0.5"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["row", "label"],
        ["1", "'" + HYPERLINK],
        ["-2", "'-2+3"],
        ["3", "油烟 +0.5"],
    ]
