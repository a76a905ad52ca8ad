"""Spreadsheets in and out for every import and export: csv / xlsx read within limits, header rows mapped to keys,
problems named by row and column, and cells written so that no text ever runs as a formula.

Plumbing only: it knows no app. An importer keeps its columns, checks and messages, collects every problem and
raises them at once, so a file with one bad row imports nothing.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree.ElementTree import ParseError

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell
from openpyxl.utils.exceptions import InvalidFileException

from zhifa.core.errors import ServiceError

MAX_ERRORS_KEPT = 2000

# --- errors and file checks ----------------------------------------------------------------------------------


def file_error(message: str, field_name: str = "file") -> ServiceError:
    """A problem of the file as a whole (not of a row), for the form field or API parameter that carried it."""
    return ServiceError(message, errors=[{"field": field_name, "message": message}])


def human_size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{max(n / 1024, 0.1):.1f} KB"


def check_size(size: int, field_name: str = "file", *, limit: int | None = None, what: str = "") -> None:
    """Refuse a file over `limit` bytes (settings.ZHIFA_MAX_IMPORT_BYTES by default); callers holding an upload
    check its size before reading it. `what` names the import in the message ("12345 工单导入")."""
    limit = settings.ZHIFA_MAX_IMPORT_BYTES if limit is None else limit
    if size > limit:
        raise file_error(f"文件过大（{human_size(size)}），{what}上限为 {human_size(limit)}", field_name)


def file_kind(filename: str) -> str:
    """ "xlsx", "csv", or "" for any other file name."""
    lower = (filename or "").strip().lower()
    return next((kind for kind in ("xlsx", "csv") if lower.endswith("." + kind)), "")


def check_file(
    content: bytes,
    filename: str,
    field_name: str = "file",
    *,
    limit: int | None = None,
    what: str = "",
    wanted: str = ".xlsx 或 .csv 文件",
) -> str:
    """The file's kind, after refusing another type, an oversized file and an empty one (in that order)."""
    kind = file_kind(filename)
    if not kind:
        raise file_error(f"不支持的文件类型“{filename or '未命名'}”，请上传 {wanted}", field_name)
    check_size(len(content), field_name, limit=limit, what=what)
    if not content.strip():
        raise file_error("文件为空", field_name)
    return kind


# --- limits --------------------------------------------------------------------------------------------------

# Every element other than a cell's own parts becomes a Python object inside openpyxl (a style record costs as
# much as a few dozen cells), so a workbook may hold no more of them than Excel itself allows cell formats.
MAX_OTHER_ELEMENTS = 64_000
# A cell is two or three elements (<c><v>, <c><is><t>), a shared string two.
ELEMENTS_PER_CELL = 4
MAX_ZIP_MEMBERS = 10_000
_CELL_PARTS = (b"c", b"v", b"f", b"is", b"t", b"si", b"row")


@dataclass(frozen=True)
class Limits:
    """How much a spreadsheet may hold. A small file can unpack to millions of cells (a decompression bomb):
    such a file is refused with a message naming the limit, before or while it is read, never after."""

    cells: int
    rows: int
    unzipped_bytes: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            cells=settings.ZHIFA_IMPORT_MAX_CELLS,
            rows=settings.ZHIFA_IMPORT_MAX_SHEET_ROWS,
            unzipped_bytes=settings.ZHIFA_IMPORT_MAX_UNZIPPED_BYTES,
        )


def _too_many_cells(what: str, limit: int) -> str:
    return f"{what}过大：单元格超过上限 {limit} 个。请删去无关的工作表、行和列，或拆分后分批导入"


def _too_many_rows(what: str, limit: int) -> str:
    return f"{what}过大：行数超过上限 {limit} 行。请删去无关的行，或拆分后分批导入"


class _Budget:
    """Rows and cells taken so far while reading; refuses the file as soon as either passes its limit."""

    def __init__(self, limits: Limits, what: str, field_name: str):
        self.limits, self.what, self.field_name = limits, what, field_name
        self.rows = self.cells = 0

    def take(self, width: int) -> None:
        self.rows += 1
        self.cells += width
        if self.rows > self.limits.rows:
            raise file_error(_too_many_rows(self.what, self.limits.rows), self.field_name)
        if self.cells > self.limits.cells:
            raise file_error(_too_many_cells(self.what, self.limits.cells), self.field_name)


# --- csv -----------------------------------------------------------------------------------------------------


def _decode_csv(content: bytes, field_name: str) -> str:
    # Excel on Chinese Windows saves "CSV" as GB18030 (GBK); UTF-8 with or without BOM comes from everything else.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise file_error("无法识别 CSV 文件的编码，请以 UTF-8 或 GB18030 编码保存", field_name)


def read_csv(content: bytes, field_name: str = "file", *, limits: Limits | None = None) -> list[list[str]]:
    """The rows of a CSV file in UTF-8 (with or without BOM) or GB18030, within the row and cell limits."""
    budget = _Budget(limits or Limits.from_settings(), "CSV 文件", field_name)
    rows = []
    try:
        for row in csv.reader(io.StringIO(_decode_csv(content, field_name), newline="")):
            budget.take(len(row))
            rows.append(row)
    except csv.Error as exc:
        raise file_error(f"CSV 文件格式有误：{exc}", field_name) from None
    return rows


# --- xlsx ----------------------------------------------------------------------------------------------------

_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
    ParseError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    OSError,
    EOFError,
    NotImplementedError,
    RuntimeError,  # an encrypted part
)
_CORRUPT = "无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式"
_HOSTILE = "Excel 文件结构异常，可能是恶意构造的文件，已拒绝："
# A start tag, with or without a namespace prefix; names are capped so that a match is never longer than 130 bytes.
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]{0,63}:)?([A-Za-z_][\w.\-]{0,63})")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_CHUNK = 1 << 20


def _scan_workbook(content: bytes, limits: Limits, field_name: str) -> None:
    """Refuse a workbook that unpacks to too much, before openpyxl opens it: first the sizes the zip declares
    (zipfile never inflates a part past its declared size), then the elements of every part, counted in a
    streaming pass far cheaper than parsing (openpyxl reads a sheet without a <dimension> through once just
    to size it, before a single row could be counted)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_ZIP_MEMBERS:
                raise file_error(
                    f"{_HOSTILE}包含 {len(parts)} 个部件，上限为 {MAX_ZIP_MEMBERS} 个", field_name
                )
            unzipped = sum(p.file_size for p in parts)
            if unzipped > limits.unzipped_bytes:
                raise file_error(
                    f"Excel 文件过大：解压后有 {human_size(unzipped)}，上限为 {human_size(limits.unzipped_bytes)}。"
                    "请删去无关的工作表和内容后另存，或拆分后分批导入",
                    field_name,
                )
            counts: Counter = Counter()
            for part in parts:
                with archive.open(part) as stream:
                    _count_tags(stream, counts, limits, field_name)
    except _UNREADABLE:
        raise file_error(_CORRUPT, field_name) from None


def _count_tags(stream, counts: Counter, limits: Limits, field_name: str) -> None:
    tail = b""
    while True:
        chunk = stream.read(_CHUNK)
        buf = tail + chunk
        if _DTD.search(buf):
            # No spreadsheet needs a DTD; entities could expand into elements the count below never sees.
            raise file_error(f"{_HOSTILE}含有 DTD 或实体声明", field_name)
        # Count up to the last "<" (a tag cut by the chunk's end is counted with the next chunk).
        cut = buf.rfind(b"<", 1) if chunk else -1
        cut = len(buf) if cut < 0 else cut
        names = _TAG.findall(buf, 0, cut)
        counts.update(names)
        counts[None] += len(names)
        _check_counts(counts, limits, field_name)
        if not chunk:
            return
        tail = buf[cut:]


def _check_counts(counts: Counter, limits: Limits, field_name: str) -> None:
    if counts[b"c"] > limits.cells:
        raise file_error(_too_many_cells("Excel 文件", limits.cells), field_name)
    if counts[b"si"] > limits.cells:
        raise file_error(
            f"Excel 文件过大：文本超过上限 {limits.cells} 条。请删去无关的内容，或拆分后分批导入", field_name
        )
    if counts[b"row"] > limits.rows:
        raise file_error(_too_many_rows("Excel 文件", limits.rows), field_name)
    others = counts[None] - sum(counts[name] for name in _CELL_PARTS)
    if others > MAX_OTHER_ELEMENTS:
        raise file_error(
            f"Excel 文件中的格式、样式等设置过多：超过上限 {MAX_OTHER_ELEMENTS} 项。请清除多余格式后另存为新文件再导入",
            field_name,
        )
    if counts[None] > ELEMENTS_PER_CELL * limits.cells + MAX_OTHER_ELEMENTS:
        raise file_error(
            f"{_HOSTILE}XML 元素超过上限 {ELEMENTS_PER_CELL * limits.cells + MAX_OTHER_ELEMENTS} 个",
            field_name,
        )


def read_xlsx(
    content: bytes, field_name: str = "file", *, limits: Limits | None = None
) -> dict[str, list[list]]:
    """Every sheet of a workbook as lists of cell values, keyed by title in workbook order.

    Read with openpyxl's streaming (read-only) mode after the workbook passed `_scan_workbook`; rows and cells are
    counted again while reading, since openpyxl fills the gaps between the cells and rows a file does write."""
    limits = limits or Limits.from_settings()
    _scan_workbook(content, limits, field_name)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
    except _UNREADABLE:
        raise file_error(_CORRUPT, field_name) from None
    budget = _Budget(limits, "Excel 文件", field_name)
    sheets: dict[str, list[list]] = {}
    try:
        for sheet in book.worksheets:
            # A declared size is not trusted: a row is as long as its cells, and there are as many as it has.
            sheet.reset_dimensions()
            rows = sheets[sheet.title] = []
            for row in sheet.iter_rows(values_only=True):
                budget.take(len(row))
                rows.append(list(row))
    except _UNREADABLE:
        raise file_error(_CORRUPT, field_name) from None
    finally:
        book.close()
    return sheets


def read_tables(content: bytes, kind: str, field_name: str = "file") -> dict[str, list[list]]:
    """A checked file's tables by sheet title; a CSV file is one table titled ""."""
    if kind == "csv":
        return {"": read_csv(content, field_name)}
    return read_xlsx(content, field_name)


def sheet_named(sheets: dict[str, list[list]], names: Sequence[str]) -> str | None:
    """The title of the first sheet called one of `names` (case and surrounding spaces ignored)."""
    wanted = {n.lower() for n in names}
    return next((title for title in sheets if title.strip().lower() in wanted), None)


# --- cells and headers ---------------------------------------------------------------------------------------

HEADER_NOTE = re.compile(r"[（(][^）)]*[）)]$")


def cell_text(value) -> str:
    """A cell as the text a person reads: 是/否 for booleans, ISO dates, 12 for 12.0, surrounding spaces gone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def normal_header(value) -> str:
    """A header compared loosely: no spaces, no required-marks (*), no trailing note such as （元）, lower case."""
    text = re.sub(r"\s+", "", cell_text(value)).strip("*＊")
    return HEADER_NOTE.sub("", text).lower()


DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


def parse_date(raw: str) -> date | None:
    """A date written 2025-03-01, 2025/3/1 or 2025.3.1; None if it is not one."""
    match = DATE_RE.match(raw)
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


@dataclass(frozen=True)
class Column:
    """A column an import reads: its key, the header of the template, and other headers that mean the same."""

    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass
class Header:
    """What a header row says: the position of each known column and what else it holds."""

    found: dict[str, tuple[int, str]]  # key → (position, header as written)
    # Headers not used, in order: (as written, the header it repeats) — the second is "" for an unknown column.
    unused: list[tuple[str, str]] = field(default_factory=list)
    missing: list[Column] = field(default_factory=list)  # required columns not found

    def problems(self) -> list[tuple[str, str]]:
        """(column, message) for a header that must be exact: unknown and repeated columns, then missing ones."""
        out = [
            (written, f"列“{written}”与“{first}”重复" if first else f"无法识别的列“{written}”")
            for written, first in self.unused
        ]
        out += [(col.header, f"缺少必填列“{col.header}”（或 {col.key}）") for col in self.missing]
        return out


def map_header(
    row: Sequence, columns: Iterable[Column], *, match_keys: bool = True, text: Callable = cell_text
) -> Header:
    """Map a header row to column keys by header, alias (and key, with `match_keys`), compared loosely."""
    columns = tuple(columns)
    lookup: dict[str, Column] = {}
    for col in columns:
        for name in ((col.key,) if match_keys else ()) + (col.header, *col.aliases):
            lookup[normal_header(name)] = col
    header = Header(found={})
    for pos, cell in enumerate(row):
        written = text(cell)
        if not written:
            continue
        col = lookup.get(normal_header(written))
        if col is None:
            header.unused.append((written, ""))
        elif col.key in header.found:
            header.unused.append((written, header.found[col.key][1]))
        else:
            header.found[col.key] = (pos, written)
    header.missing = [c for c in columns if c.required and c.key not in header.found]
    return header


def data_rows(
    rows: Sequence[Sequence],
    found: dict[str, tuple[int, str]],
    *,
    header_row: int = 1,
    text: Callable = cell_text,
) -> Iterator[tuple[int, dict]]:
    """(spreadsheet row number, {key: text(cell)}) for each row below the header whose cells are not all blank
    ("" or None after `text`)."""
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        values = {key: text(row[pos] if pos < len(row) else None) for key, (pos, _) in found.items()}
        if any(v is not None and v != "" for v in values.values()):
            yield number, values


# --- row errors ----------------------------------------------------------------------------------------------


def row_error(row: int, column: str, message: str, *, in_sheet: str = "", **extra) -> dict:
    """One problem at a row and a column (as written in the file). `field` names the place for people:
    第3行·领域, or 裁量基准·第3行·最低罚款 for a second sheet."""
    place = f"第{row}行·{column}"
    return {
        "field": f"{in_sheet}·{place}" if in_sheet else place,
        "row": row,
        "column": column,
        "message": message,
        **extra,
    }


class RowErrors:
    """The problems of a table, collected as they are found so the import can name every one at once."""

    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, row: int, column: str, message: str, **extra) -> None:
        self.items.append(row_error(row, column, message, **extra))

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self, message: str = "导入失败：共 {count} 处错误，未导入任何内容") -> None:
        if self.items:
            raise ServiceError(message.format(count=len(self.items)), errors=self.items[:MAX_ERRORS_KEPT])


# --- writing -------------------------------------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection"); tab and carriage
# return are there because some programs drop them and then see the next character.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_text(value):
    """A value for a CSV cell: text a spreadsheet would run gets the leading apostrophe OWASP advises."""
    return "'" + value if formula_like(value) else value


class SafeCsvWriter:
    """csv.writer whose rows go through csv_text."""

    def __init__(self, stream, **fmtparams):
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row: Iterable):
        return self._writer.writerow([csv_text(v) for v in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def _guard(cell: Cell) -> Cell:
    if formula_like(cell.value):
        # Stored as text with Excel's quote prefix, the record of the apostrophe a person types before "=":
        # neither opening the file nor editing the cell runs it, and the text itself stays as it was.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_cell(sheet, value, *, number_format: str | None = None) -> Cell:
    """A cell for `sheet` (streaming or not) holding `value`: text is text, numbers and dates stay what they are."""
    cell = _guard(Cell(sheet, row=1, column=1, value=value))
    if number_format:
        cell.number_format = number_format
    return cell


def append_row(sheet, values: Iterable) -> None:
    """Append a row to a worksheet (streaming or not); no text in it can become a formula."""
    sheet.append(
        [_guard(v) if isinstance(v, Cell) else xlsx_cell(sheet, v) if formula_like(v) else v for v in values]
    )


def workbook_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
