"""Reading a 12345 export (xlsx / csv) into rows and row errors: pure, no database."""

import math
import unicodedata
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import timezone as dt_timezone

from django.utils import timezone
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from zhifa.core.errors import ServiceError
from zhifa.core.tabular import (
    check_file,
    check_size,
    data_rows,
    file_error,
    map_header,
    read_tables,
    row_error,
)
from zhifa.dispatch.choices import Priority
from zhifa.dispatch.events.intake import MAX_EXTERNAL_NO
from zhifa.dispatch.hotline.columns import (
    CHINA_LAT,
    CHINA_LNG,
    CLOCK_SKEW,
    COLUMN_BY_KEY,
    COLUMNS,
    COMPACT,
    DATE_TIME,
    EARLIEST,
    EXCEL_TEXT,
    HEADER_SCAN_ROWS,
    MAX_BYTES,
    MAX_ROWS,
    NORMAL_WORDS,
    REQUIRED,
    SCIENTIFIC,
    URGENT_WORDS,
    HotlineRow,
    ParsedFile,
)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    match = EXCEL_TEXT.match(text)
    return match.group(1).strip() if match else text


def _offset(raw: str) -> tzinfo:
    if raw.upper() == "Z":
        return UTC
    sign = -1 if raw[0] == "-" else 1
    digits = raw[1:].replace(":", "")
    return dt_timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_received_at(value) -> datetime | None:
    """A receipt time from a cell: an Excel date, an Excel serial number, or text in the common Chinese forms
    (2025-03-01 08:30[:15], 2025/3/1 8:30, 2025.03.01, 2025年3月1日 8时30分, 20250301083015, ISO 8601).
    Times without a zone are Beijing time; returns an aware datetime or None."""
    local = timezone.get_default_timezone()
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, local)
    if isinstance(value, date):
        return timezone.make_aware(datetime(value.year, value.month, value.day), local)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell formatted as a number: days since 1899-12-30 (the range covers 1954–2119).
        if 20000 <= value <= 80000:
            return timezone.make_aware(from_excel(value).replace(microsecond=0), local)
        return None
    text = unicodedata.normalize("NFKC", _cell_text(value))
    parts = None
    match = COMPACT.match(text)
    if match:
        parts, zone = match.groups(), None
    else:
        match = DATE_TIME.match(text)
        if match:
            parts, zone = match.groups()[:6], match.group(7)
    if parts is None:
        return None
    try:
        moment = datetime(*(int(p) if p else 0 for p in parts))
    except ValueError:
        return None
    return moment.replace(tzinfo=_offset(zone)) if zone else timezone.make_aware(moment, local)


def _number(text: str) -> float | None:
    text = unicodedata.normalize("NFKC", text).strip().rstrip("°")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# --- header ------------------------------------------------------------------------------------------------


def _map_header(row: list) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """Column key → (position, header as written), and the headers not used (unknown, or a second alias)."""
    header = map_header(row, COLUMNS, match_keys=False, text=_cell_text)
    ignored = [
        f"{written}（与“{first}”重复，已忽略）" if first else written for written, first in header.unused
    ]
    return header.found, ignored


def _find_header(rows: list[list]) -> tuple[int, dict[str, tuple[int, str]], list[str]]:
    """The first of the top rows that has every required column, else the row that names the most columns."""
    best = (-1, {}, [])
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found, ignored = _map_header(row)
        if all(c.key in found for c in REQUIRED):
            return index, found, ignored
        if len(found) > len(best[1]):
            best = (index, found, ignored)
    return best


def _missing_header_error(index: int, found: dict) -> ServiceError:
    if index < 0:
        names = "、".join(f"“{c.header}”" for c in REQUIRED)
        return file_error(f"未找到表头：前 {HEADER_SCAN_ROWS} 行中没有 {names} 等列，请使用导入模板的表头")
    missing = [c for c in REQUIRED if c.key not in found]
    names = "、".join(f"“{c.header}”（或 {'、'.join(c.aliases[:2])}）" for c in missing)
    return file_error(f"缺少必填列：{names}。表头在第 {index + 1} 行")


# --- rows --------------------------------------------------------------------------------------------------


class _RowErrors:
    def __init__(self, header: dict[str, tuple[int, str]]):
        self.header = header
        self.rows: list[dict] = []

    def add(self, row: int, key: str, message: str) -> None:
        pos, written = self.header.get(key, (None, COLUMN_BY_KEY[key].header))
        cell = f"{get_column_letter(pos + 1)}{row}" if pos is not None else ""
        self.rows.append(row_error(row, written, message, cell=cell))


def _parse_row(
    number: int, raw: dict[str, object], errors: _RowErrors, seen: dict[str, int], now: datetime
) -> HotlineRow | None:
    before = len(errors.rows)
    text = {key: _cell_text(value) for key, value in raw.items()}

    for col in COLUMNS:
        value = text.get(col.key, "")
        if col.required and not value:
            errors.add(number, col.key, f"{col.header}不能为空")
        elif col.max_length and len(value) > col.max_length:
            errors.add(number, col.key, f"{col.header}不能超过 {col.max_length} 字（现为 {len(value)} 字）")

    external_no = text.get("external_no", "")
    if external_no and len(external_no) <= MAX_EXTERNAL_NO:
        if SCIENTIFIC.match(external_no):
            errors.add(
                number,
                "external_no",
                f"工单编号“{external_no}”已被 Excel 转成科学计数法，请将该列设为文本格式后重新导出",
            )
        elif external_no in seen:
            errors.add(number, "external_no", f"工单编号“{external_no}”与第 {seen[external_no]} 行重复")
        else:
            seen[external_no] = number

    received_at = None
    if text.get("received_at"):
        received_at = parse_received_at(raw["received_at"])
        shown = text["received_at"]
        if received_at is None:
            looks_like = DATE_TIME.match(unicodedata.normalize("NFKC", shown)) or COMPACT.match(shown)
            if looks_like:
                message = f"受理时间“{shown}”不是有效的日期时间（请检查月、日、时、分）"
            else:
                message = f"受理时间“{shown}”无法识别，请使用如 2025-03-01 08:30 的日期时间格式"
            errors.add(number, "received_at", message)
        elif received_at > now + CLOCK_SKEW:
            errors.add(number, "received_at", f"受理时间“{shown}”晚于当前时间")
        elif received_at < timezone.make_aware(EARLIEST, timezone.get_default_timezone()):
            errors.add(number, "received_at", f"受理时间“{shown}”早于 2000 年，请检查")

    priority_raw = text.get("priority", "")
    priority = Priority.NORMAL
    if priority_raw.lower() in URGENT_WORDS:
        priority = Priority.URGENT
    elif priority_raw.lower() not in NORMAL_WORDS:
        errors.add(number, "priority", f"紧急程度“{priority_raw}”无效，应填写“紧急”或“一般”")

    lng, lat = _coordinates(number, text, errors)

    if len(errors.rows) > before:
        return None
    return HotlineRow(
        row=number,
        external_no=external_no,
        received_at=received_at,
        description=text["description"],
        title=text.get("title", ""),
        reporter_name=text.get("reporter_name", ""),
        reporter_phone=text.get("reporter_phone", ""),
        address=text.get("address", ""),
        subdistrict=text.get("subdistrict", ""),
        priority=priority,
        lng=lng,
        lat=lat,
    )


def _in_china(lng: float, lat: float) -> bool:
    return CHINA_LNG[0] <= lng <= CHINA_LNG[1] and CHINA_LAT[0] <= lat <= CHINA_LAT[1]


def _coordinates(number: int, text: dict, errors: _RowErrors) -> tuple[float | None, float | None]:
    raw = {key: text.get(key, "") for key in ("lng", "lat")}
    values = {}
    for key, label in (("lng", "经度"), ("lat", "纬度")):
        if raw[key]:
            values[key] = _number(raw[key])
            if values[key] is None:
                errors.add(number, key, f"{label}“{raw[key]}”不是数字")
    if None in values.values():
        return None, None
    if len(values) == 1:
        errors.add(number, "lat" if "lng" in values else "lng", "经度和纬度须同时填写")
        return None, None
    if not values:
        return None, None
    lng, lat = values["lng"], values["lat"]
    if lng == 0 and lat == 0:
        return None, None  # some systems write 0, 0 for "no position"
    if not _in_china(lng, lat):
        if _in_china(lat, lng):
            message = f"经度“{raw['lng']}”和纬度“{raw['lat']}”填反了，请对调后重新导入"
        elif not (-180 <= lng <= 180 and -90 <= lat <= 90):
            message = (
                f"坐标（{raw['lng']}, {raw['lat']}）超出范围：经度应在 -180 到 180，纬度应在 -90 到 90 之间"
            )
        else:
            message = f"坐标（{raw['lng']}, {raw['lat']}）不在中国境内，请检查经纬度"
        errors.add(number, "lng", message)
        return None, None
    return lng, lat


# --- the file ----------------------------------------------------------------------------------------------


def check_upload_size(size: int) -> None:
    """Refuse a file over MAX_BYTES (a view holding an upload checks this before reading it)."""
    check_size(size, limit=MAX_BYTES, what="12345 工单导入")


def _tables(data: bytes, filename: str) -> list[tuple[str, list[list]]]:
    kind = check_file(
        data, filename, limit=MAX_BYTES, what="12345 工单导入", wanted="12345 系统导出的 .xlsx 或 .csv 文件"
    )
    return list(read_tables(data, kind).items())


def _raw(value):
    # A cell's own value (an Excel date stays a date), or None when it reads as blank.
    return value if _cell_text(value) else None


def parse_hotline_file(*, data: bytes, filename: str, now: datetime | None = None) -> ParsedFile:
    """Read a 12345 export (no database): the file's problems raise ServiceError, the rows' are listed."""
    now = now or timezone.now()
    tables = _tables(data, filename)
    chosen = None
    for sheet, rows in tables:
        index, header, ignored = _find_header(rows)
        if index >= 0 and all(c.key in header for c in REQUIRED):
            chosen = (sheet, rows, index, header, ignored)
            break
        if chosen is None or (index >= 0 and len(header) > len(chosen[3])):
            chosen = (sheet, rows, index, header, ignored)
    sheet, rows, index, header, ignored = chosen
    if not any(any(_cell_text(c) for c in row) for row in rows):
        raise file_error("文件中没有内容" + (f"（工作表“{sheet}”为空）" if sheet else ""))
    if index < 0 or any(c.key not in header for c in REQUIRED):
        raise _missing_header_error(index, header)

    body = list(data_rows(rows, header, header_row=index + 1, text=_raw))
    if not body:
        raise file_error(f"文件中没有工单数据：表头在第 {index + 1} 行，其下每行应为一张工单")
    if len(body) > MAX_ROWS:
        raise file_error(f"文件中有 {len(body)} 行工单，超过单次导入上限 {MAX_ROWS} 行，请拆分后分批导入")

    errors, seen, parsed = _RowErrors(header), {}, []
    for number, raw in body:
        row = _parse_row(number, raw, errors, seen, now)
        if row is not None:
            parsed.append(row)
    return ParsedFile(
        rows=parsed,
        errors=errors.rows,
        ignored_columns=ignored,
        header=header,
        sheet=sheet,
        header_row=index + 1,
        data_rows=len(body),
    )


# --- checks against the database, and the import -----------------------------------------------------------
