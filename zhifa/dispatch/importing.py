"""12345 hotline work orders from an xlsx / csv export: every row is checked first (file, then database), and
only a file without a single error goes through the ordinary intake, all rows in one transaction or none."""

import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import timezone as dt_timezone

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_record
from zhifa.catalog.importing import _normal_header, _read_csv, _read_xlsx, file_error, human_size
from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.core.memo import memo_batch
from zhifa.core.scope import scope_for
from zhifa.dispatch.choices import Channel, EventStatus, Priority
from zhifa.dispatch.models import Event
from zhifa.dispatch.services import MAX_EXTERNAL_NO, MAX_TEXT, event_intake

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS_KEPT = 1000
# Exports often carry a title line or two ("12345 工单导出 2025-03-01") above the header.
HEADER_SCAN_ROWS = 10
EARLIEST = datetime(2000, 1, 1)
# The 12345 system's clock and ours may differ by a little; a time further ahead is a wrong time.
CLOCK_SKEW = timedelta(minutes=5)
# A box around China: coordinates outside it are typos or lng/lat swapped, not a place in this district.
CHINA_LNG, CHINA_LAT = (73.0, 136.0), (3.0, 54.0)
ID_CHUNK = 500
RETRYABLE_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None


COLUMNS = (
    Column(
        "external_no",
        "工单编号",
        (
            "工单号",
            "工单编码",
            "12345工单编号",
            "12345工单号",
            "热线工单号",
            "诉求编号",
            "业务编号",
            "编号",
            "单号",
            "order_no",
        ),
        required=True,
        max_length=MAX_EXTERNAL_NO,
    ),
    Column(
        "received_at",
        "受理时间",
        (
            "来电时间",
            "登记时间",
            "受理日期",
            "工单创建时间",
            "创建时间",
            "接收时间",
            "反映时间",
            "诉求时间",
            "received_at",
        ),
        required=True,
    ),
    Column(
        "description",
        "诉求内容",
        (
            "诉求描述",
            "问题描述",
            "反映内容",
            "工单内容",
            "来电内容",
            "诉求详情",
            "事件描述",
            "内容",
            "description",
        ),
        required=True,
        max_length=MAX_TEXT,
    ),
    Column("title", "标题", ("工单标题", "诉求标题", "主题", "诉求主题", "title"), max_length=120),
    Column(
        "reporter_name",
        "反映人",
        ("来电人", "诉求人", "反映人姓名", "来电人姓名", "联系人", "姓名", "reporter_name"),
        max_length=50,
    ),
    Column(
        "reporter_phone",
        "联系电话",
        ("电话", "来电号码", "来电电话", "联系方式", "手机号", "手机号码", "手机", "reporter_phone"),
        max_length=20,
    ),
    Column(
        "address",
        "事发地址",
        ("地址", "事发地点", "发生地址", "问题地址", "详细地址", "事件地址", "address"),
        max_length=200,
    ),
    Column(
        "subdistrict", "所属街道", ("街道", "所在街道", "属地街道", "街道（乡镇）", "镇街", "subdistrict")
    ),
    Column("priority", "紧急程度", ("紧急度", "缓急程度", "是否紧急", "优先级", "priority")),
    Column("lng", "经度", ("lng", "lon", "longitude")),
    Column("lat", "纬度", ("lat", "latitude")),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c for c in COLUMNS if c.required)

URGENT_WORDS = {"紧急", "特急", "加急", "急", "是", "urgent"}
NORMAL_WORDS = {"一般", "普通", "正常", "不紧急", "非紧急", "否", "normal", ""}

DATE_TIME = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*T?\s*(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*分?(?:\s*:?\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$")
EXCEL_TEXT = re.compile(r'^="(.*)"$')  # ="0571…": the trick exports use to keep Excel from eating digits
SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+\d+$")


@dataclass
class HotlineRow:
    """One work order as read from the file, ready for intake."""

    row: int
    external_no: str
    received_at: datetime
    description: str
    title: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    address: str = ""
    subdistrict: str = ""
    priority: str = Priority.NORMAL
    lng: float | None = None
    lat: float | None = None


@dataclass
class ParsedFile:
    """What the file holds: good rows, every row error, and the columns that were not used."""

    rows: list[HotlineRow]
    errors: list[dict]
    ignored_columns: list[str]
    header: dict[str, tuple[int, str]]
    sheet: str = ""
    header_row: int = 1
    data_rows: int = 0


@dataclass
class ImportReport:
    filename: str
    events: list = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    sheet: str = ""
    header_row: int = 1

    @property
    def count(self) -> int:
        return len(self.events)

    @property
    def dispatched(self) -> int:
        return sum(1 for e in self.events if e.status == EventStatus.DISPATCHED)

    @property
    def awaiting(self) -> int:
        """Rows the router could not give to a team: they wait at the command centre for a person."""
        return self.count - self.dispatched


class ImportRejected(ServiceError):
    """The file had row errors: nothing was imported. `errors` holds (row, column, cell, message) dicts."""

    def __init__(self, message: str, errors: list[dict], *, total: int, ignored_columns: list[str]):
        super().__init__(message, errors)
        self.total = total
        self.ignored_columns = ignored_columns


# --- cells -------------------------------------------------------------------------------------------------


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
            from openpyxl.utils.datetime import from_excel

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


def _lookup() -> dict[str, Column]:
    table = {}
    for col in COLUMNS:
        for name in (col.header, *col.aliases):
            table[_normal_header(name)] = col
    return table


def _map_header(row: list) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """Column key → (position, header as written), and the headers not used (unknown, or a second alias)."""
    lookup = _lookup()
    found: dict[str, tuple[int, str]] = {}
    ignored = []
    for pos, cell in enumerate(row):
        written = _cell_text(cell)
        if not written:
            continue
        col = lookup.get(_normal_header(written))
        if col is None:
            ignored.append(written)
        elif col.key in found:
            ignored.append(f"{written}（与“{found[col.key][1]}”重复，已忽略）")
        else:
            found[col.key] = (pos, written)
    return found, ignored


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
        cell = f"{_column_letter(pos)}{row}" if pos is not None else ""
        self.rows.append({"row": row, "column": written, "cell": cell, "message": message})


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


def _kind_of(filename: str) -> str:
    lower = (filename or "").strip().lower()
    return next((k for k in ("xlsx", "csv") if lower.endswith("." + k)), "")


def check_upload_size(size: int) -> None:
    """Refuse a file over MAX_BYTES (a view holding an upload checks this before reading it)."""
    if size > MAX_BYTES:
        raise file_error(f"文件过大（{human_size(size)}），12345 工单导入上限为 {human_size(MAX_BYTES)}")


def _tables(data: bytes, filename: str) -> list[tuple[str, list[list]]]:
    kind = _kind_of(filename)
    if not kind:
        name = filename or "未命名"
        raise file_error(f"不支持的文件类型“{name}”，请上传 12345 系统导出的 .xlsx 或 .csv 文件")
    check_upload_size(len(data))
    if not data.strip():
        raise file_error("文件为空")
    if kind == "csv":
        return [("", _read_csv(data, "file"))]
    return list(_read_xlsx(data, "file").items())


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

    body = []
    for offset, row in enumerate(rows[index + 1 :], start=index + 2):
        raw = {key: row[pos] if pos < len(row) else None for key, (pos, _) in header.items()}
        if any(_cell_text(v) for v in raw.values()):
            body.append((offset, raw))
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


def _subdistrict_lookup() -> dict[str, str]:
    from zhifa.org.choices import RegionLevel
    from zhifa.org.models import Region

    table = {}
    for code, name in Region.objects.filter(level=RegionLevel.SUBDISTRICT).values_list("code", "name"):
        table[code] = code
        table[name] = code
        # 12345 often writes "九堡" for "九堡街道".
        if name.endswith("街道"):
            table.setdefault(name.removesuffix("街道"), code)
    return table


def _database_errors(parsed: ParsedFile) -> tuple[list[dict], dict[int, str]]:
    """Order numbers already imported and unknown subdistricts; returns errors and row → subdistrict code."""
    errors = _RowErrors(parsed.header)
    numbers = [r.external_no for r in parsed.rows]
    known: dict[str, str] = {}
    for start in range(0, len(numbers), ID_CHUNK):
        known.update(
            Event.objects.filter(
                channel=Channel.HOTLINE, external_no__in=numbers[start : start + ID_CHUNK]
            ).values_list("external_no", "receipt_no")
        )
    lookup = _subdistrict_lookup()
    codes = {}
    for row in parsed.rows:
        if row.external_no in known:
            errors.add(
                row.row,
                "external_no",
                f"工单编号“{row.external_no}”已导入过（受理编号 {known[row.external_no]}），不能重复导入",
            )
        if row.subdistrict:
            code = lookup.get(row.subdistrict) or lookup.get(unicodedata.normalize("NFKC", row.subdistrict))
            if code is None:
                errors.add(row.row, "subdistrict", f"所属街道“{row.subdistrict}”不是本区的街道")
            else:
                codes[row.row] = code
    return errors.rows, codes


def require_hotline_importer(by) -> None:
    """Only the district command centre (and admins) import 12345 orders; checked before a file is read."""
    if by is None or not getattr(by, "is_authenticated", False):
        raise PermissionError_("请先登录")
    if not (by.is_superuser or by.role in (Role.ADMIN, Role.DISTRICT_COMMAND)):
        raise PermissionError_("只有区协调指挥中心可以导入 12345 工单")
    if not scope_for(by).can_write:
        raise PermissionError_("您的角色为只读，不能导入工单")


def _reject(errors: list[dict], parsed: ParsedFile) -> ImportRejected:
    positions = {written: pos for pos, written in parsed.header.values()}
    errors.sort(key=lambda e: (e["row"], positions.get(e["column"], len(positions))))
    rows = len({e["row"] for e in errors})
    kept = [{"field": f"第{e['row']}行·{e['column']}", **e} for e in errors[:MAX_ERRORS_KEPT]]
    return ImportRejected(
        f"导入失败：{rows} 行共 {len(errors)} 处错误，未导入任何工单。请改正后重新上传整个文件",
        kept,
        total=len(errors),
        ignored_columns=parsed.ignored_columns,
    )


def hotline_import(*, data: bytes, filename: str, by) -> ImportReport:
    """Import a 12345 export: every row becomes an event through the intake, or, on any row error, none."""
    require_hotline_importer(by)
    parsed = parse_hotline_file(data=data, filename=filename)
    db_errors, subdistricts = _database_errors(parsed)
    errors = parsed.errors + db_errors
    if errors:
        raise _reject(errors, parsed)

    report = ImportReport(
        filename=filename,
        ignored_columns=parsed.ignored_columns,
        sheet=parsed.sheet,
        header_row=parsed.header_row,
    )
    digest = hashlib.sha256(data).hexdigest()
    current = None
    try:
        with transaction.atomic(), memo_batch():
            for row in parsed.rows:
                current = row
                report.events.append(
                    event_intake(
                        channel=Channel.HOTLINE,
                        description=row.description,
                        title=row.title,
                        reporter_name=row.reporter_name,
                        reporter_phone=row.reporter_phone,
                        address=row.address,
                        subdistrict=subdistricts.get(row.row, ""),
                        lng=row.lng,
                        lat=row.lat,
                        priority=row.priority,
                        external_no=row.external_no,
                        by=by,
                        now=row.received_at,
                    )
                )
            audit_record(
                actor=by,
                action="dispatch.hotline_import",
                object_type="dispatch.hotline_import",
                object_id=digest[:16],
                object_repr=f"12345 工单导入：{filename}"[:200],
                after={
                    "filename": filename,
                    "sha256": digest,
                    "rows": parsed.data_rows,
                    "created": report.count,
                    "dispatched": report.dispatched,
                    "awaiting_dispatch": report.awaiting,
                    "ignored_columns": parsed.ignored_columns,
                    "first_receipt_no": report.events[0].receipt_no,
                    "last_receipt_no": report.events[-1].receipt_no,
                },
            )
    except IntegrityError:
        # Another import took one of these order numbers between our check and our insert.
        raise Conflict("导入期间有相同工单编号的工单被其他人导入，本次未导入任何工单，请重新上传") from None
    except OperationalError as exc:
        # Two imports sharing order numbers in a different order can deadlock (PostgreSQL picks one to fail).
        if getattr(exc.__cause__, "sqlstate", None) not in RETRYABLE_SQLSTATES:
            raise
        raise Conflict("导入时与其他人同时导入的工单冲突，本次未导入任何工单，请重新上传") from None
    except Conflict as exc:
        raise Conflict(f"第 {current.row} 行：{exc.message}；本次未导入任何工单") from None
    except ServiceError as exc:
        message = f"第 {current.row} 行受理失败：{exc.message}；本次未导入任何工单"
        raise ServiceError(
            message, [{"field": f"第{current.row}行", "row": current.row, "message": message}]
        ) from None
    return report


# --- the template ------------------------------------------------------------------------------------------

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
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "12345工单"
    ws.append([c.header for c in COLUMNS])
    ws.append([EXAMPLE[c.key] for c in COLUMNS])
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
    notes.append(["列名", "必填", "也可写作", "填写要求"])
    for col in COLUMNS:
        aliases = "、".join(a for a in col.aliases if not a.isascii())
        notes.append([col.header, "是" if col.required else "否", aliases, FORMATS[col.key]])
    notes.append([])
    notes.append(["说明", "", "", "第 1 行为表头（上方可有标题行），列的顺序不限，其他列会被忽略。"])
    notes.append(["", "", "", "整个文件任何一行有错，都不会导入任何工单；页面会列出每处错误的行号和列。"])
    notes.append(
        [
            "",
            "",
            "",
            f"单个文件不超过 {human_size(MAX_BYTES)}、{MAX_ROWS} 行；CSV 可为 UTF-8 或 GB18030 编码。",
        ]
    )
    for letter, width in zip("ABCD", (10, 6, 40, 80), strict=True):
        notes.column_dimensions[letter].width = width
    for cell in notes[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
