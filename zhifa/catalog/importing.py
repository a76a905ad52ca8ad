"""Catalog file format both ways: parse an uploaded xlsx/csv into item rows (every error at once), write exports."""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings

from zhifa.catalog.choices import BandLevel, ItemKind, TravelScene
from zhifa.core.errors import ServiceError


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False


ITEM_COLUMNS = (
    Column("code", "事项编码", True),
    Column("name", "事项名称", True),
    Column("domain", "领域", True),
    Column("kind", "事项类型", True),
    Column("legal_basis", "违则", True),
    Column("penalty_basis", "罚则"),
    Column("delegated", "赋权街道"),
    Column("delegated_from", "赋权生效日期"),
    Column("keywords", "关键词"),
    Column("required_evidence", "证据清单"),
    Column("high_frequency", "高频事项"),
    Column("scenes", "出行场景"),
)
BAND_COLUMNS = (
    Column("item_code", "事项编码", True),
    Column("level", "情节", True),
    Column("condition", "适用情形", True),
    Column("min_fine", "最低罚款"),
    Column("max_fine", "最高罚款"),
)
ITEM_SHEET_NAMES = ("事项", "items")
BAND_SHEET_NAMES = ("裁量基准", "discretion")
BAND_SHEET_LABEL = "裁量基准"

# Item fields a release compares and writes; an optional column missing from the file leaves that field as it is.
ITEM_FIELDS = (
    "name",
    "domain",
    "kind",
    "legal_basis",
    "penalty_basis",
    "delegated",
    "delegated_from",
    "keywords",
    "required_evidence",
    "high_frequency",
    "scenes",
)
ALWAYS_MANAGED = ("name", "domain", "kind", "legal_basis")
BAND_LEVEL_ORDER = {level.value: i for i, level in enumerate(BandLevel)}
SCENE_ORDER = {scene.value: i for i, scene in enumerate(TravelScene)}
MAX_ERRORS_KEPT = 2000

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
TRUE_WORDS = {"是", "true", "1", "y", "yes", "t"}
FALSE_WORDS = {"否", "false", "0", "n", "no", "f", ""}
KEYWORD_SPLIT = re.compile(r"[|;；,，、\n]")
LIST_SPLIT = re.compile(r"[|\n]")
SCENE_SPLIT = re.compile(r"[|,，、;；\s]")
HEADER_NOTE = re.compile(r"[（(][^）)]*[）)]$")


@dataclass
class ParsedCatalog:
    """A parsed release: items keyed by code in file order, which fields the file sets, whether it has bands."""

    items: dict[str, dict]
    managed: list[str]
    has_bands: bool


@dataclass
class _Errors:
    rows: list[dict] = field(default_factory=list)

    def add(self, sheet: str, row: int, column: str, message: str) -> None:
        self.rows.append({"sheet": sheet, "row": row, "column": column, "message": message})


def file_error(message: str, field_name: str = "file") -> ServiceError:
    return ServiceError(message, errors=[{"field": field_name, "message": message}])


# --- reading the files -------------------------------------------------------------------------------------


def _kind_of(filename: str) -> str:
    lower = (filename or "").lower().strip()
    if lower.endswith(".xlsx"):
        return "xlsx"
    if lower.endswith(".csv"):
        return "csv"
    return ""


def _check_file(content: bytes, filename: str, field_name: str) -> str:
    kind = _kind_of(filename)
    if not kind:
        raise file_error(f"不支持的文件类型“{filename or '未命名'}”，请上传 .xlsx 或 .csv 文件", field_name)
    check_size(len(content), field_name)
    if not content:
        raise file_error("文件为空", field_name)
    return kind


def human_size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{max(n / 1024, 0.1):.1f} KB"


def check_size(size: int, field_name: str = "file") -> None:
    """Refuse a file over settings.ZHIFA_MAX_IMPORT_BYTES (callers holding an upload check before reading it)."""
    limit = settings.ZHIFA_MAX_IMPORT_BYTES
    if size > limit:
        raise file_error(f"文件过大（{human_size(size)}），上限为 {human_size(limit)}", field_name)


def _decode_csv(content: bytes, field_name: str) -> str:
    # Excel on Chinese Windows saves "CSV" as GB18030 (GBK); UTF-8 with or without BOM comes from everything else.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise file_error("无法识别 CSV 文件的编码，请以 UTF-8 或 GB18030 编码保存", field_name)


def _read_csv(content: bytes, field_name: str) -> list[list]:
    text = _decode_csv(content, field_name)
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise file_error(f"CSV 文件格式有误：{exc}", field_name) from None


def _read_xlsx(content: bytes, field_name: str) -> dict[str, list[list]]:
    """All sheets of a workbook as lists of rows, keyed by sheet title (in workbook order)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise file_error("无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式", field_name) from None
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


def _sheet_named(sheets: dict[str, list[list]], names: tuple[str, ...]) -> str | None:
    wanted = {n.lower() for n in names}
    return next((title for title in sheets if title.strip().lower() in wanted), None)


def _tables(
    content: bytes, filename: str, discretion_content: bytes | None, discretion_filename: str
) -> tuple[list[list], list[list] | None, bool]:
    """The item rows and the band rows (None when the upload has no discretion standard)."""
    kind = _check_file(content, filename, "file")
    bands = None
    if kind == "csv":
        items = _read_csv(content, "file")
    else:
        sheets = _read_xlsx(content, "file")
        band_title = _sheet_named(sheets, BAND_SHEET_NAMES)
        item_title = _sheet_named(sheets, ITEM_SHEET_NAMES) or next(
            (t for t in sheets if t != band_title), None
        )
        if item_title is None:
            raise file_error("Excel 文件中没有事项工作表")
        items = sheets[item_title]
        if band_title is not None:
            bands = sheets[band_title]
    if discretion_content:
        if bands is not None:
            raise file_error(
                "裁量基准只能提供一次：Excel 文件中已有“裁量基准”工作表，请不要再单独上传裁量基准文件",
                "discretion_file",
            )
        dkind = _check_file(discretion_content, discretion_filename, "discretion_file")
        if dkind == "csv":
            bands = _read_csv(discretion_content, "discretion_file")
        else:
            sheets = _read_xlsx(discretion_content, "discretion_file")
            title = _sheet_named(sheets, BAND_SHEET_NAMES) or next(iter(sheets), None)
            bands = sheets[title] if title is not None else []
    # An empty discretion sheet is taken as "no standard supplied", not as "remove every band".
    return items, bands, bool(bands)


# --- cells -------------------------------------------------------------------------------------------------


def _text(value) -> str:
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


def _normal_header(value) -> str:
    text = re.sub(r"\s+", "", _text(value)).strip("*＊")
    return HEADER_NOTE.sub("", text).lower()


def _parse_bool(raw: str) -> bool | None:
    lower = raw.lower()
    if lower in TRUE_WORDS:
        return True
    if lower in FALSE_WORDS:
        return False
    return None


def _parse_date(raw: str) -> date | None:
    match = DATE_RE.match(raw)
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _split(raw: str, pattern: re.Pattern) -> list[str]:
    seen: dict[str, None] = {}
    for part in pattern.split(raw):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


def _parse_money(raw: str) -> Decimal | None:
    text = raw.replace(",", "").replace("，", "").removesuffix("元").strip()
    if not text:
        return Decimal("0.00")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if (
        not value.is_finite()
        or value < 0
        or value >= Decimal("1e10")
        or value != value.quantize(Decimal("0.01"))
    ):
        return None
    return value.quantize(Decimal("0.01"))


# --- header rows -------------------------------------------------------------------------------------------


def _map_header(
    header_row: list, columns: tuple[Column, ...], sheet: str, errors: _Errors
) -> dict[str, tuple[int, str]]:
    """Map column key → (position, header as written); unknown, duplicate and missing columns are errors."""
    lookup = {}
    for col in columns:
        lookup[col.key.lower()] = col
        lookup[_normal_header(col.header)] = col
    found: dict[str, tuple[int, str]] = {}
    for pos, cell in enumerate(header_row):
        written = _text(cell)
        if not written:
            continue
        col = lookup.get(_normal_header(written))
        if col is None:
            errors.add(sheet, 1, written, f"无法识别的列“{written}”")
        elif col.key in found:
            errors.add(sheet, 1, written, f"列“{written}”与“{found[col.key][1]}”重复")
        else:
            found[col.key] = (pos, written)
    for col in columns:
        if col.required and col.key not in found:
            errors.add(sheet, 1, col.header, f"缺少必填列“{col.header}”（或 {col.key}）")
    return found


def _data_rows(rows: list[list], header: dict[str, tuple[int, str]]):
    """Yield (spreadsheet row number, {key: text}) for each non-blank row below the header."""
    for number, row in enumerate(rows[1:], start=2):
        values = {key: _text(row[pos]) if pos < len(row) else "" for key, (pos, _) in header.items()}
        if any(values.values()):
            yield number, values


# --- items and bands ---------------------------------------------------------------------------------------


def _parse_item(
    number: int, values: dict, header: dict, domains: dict[str, str], seen: dict[str, int], errors: _Errors
) -> dict | None:
    sheet = "事项"
    before = len(errors.rows)

    def err(key: str, message: str) -> None:
        column = header[key][1] if key in header else next(c.header for c in ITEM_COLUMNS if c.key == key)
        errors.add(sheet, number, column, message)

    def required(key: str, label: str, max_length: int | None = None) -> str:
        value = values.get(key, "")
        if not value:
            err(key, f"{label}不能为空")
        elif max_length and len(value) > max_length:
            err(key, f"{label}不能超过 {max_length} 个字符（现为 {len(value)} 个）")
        return value

    code = required("code", "事项编码", 40)
    if code and len(code) <= 40:
        if not CODE_RE.match(code):
            err("code", f"事项编码“{code}”只能包含字母、数字、点、横线和下划线")
        elif code in seen:
            err("code", f"事项编码“{code}”与第{seen[code]}行重复")
        else:
            seen[code] = number
    name = required("name", "事项名称", 300)
    domain_raw = required("domain", "领域")
    domain = domains.get(domain_raw.lower()) if domain_raw else None
    if domain_raw and domain is None:
        err("domain", f"未知领域“{domain_raw}”，请填写领域代码或名称（如 comprehensive 或 综合执法）")
    kind = required("kind", "事项类型")
    if kind and kind not in ItemKind.values:
        err("kind", f"事项类型“{kind}”无效，应为 {'、'.join(ItemKind.values)} 之一")
    legal_basis = required("legal_basis", "违则")

    delegated = _parse_bool(values.get("delegated", ""))
    if delegated is None:
        err("delegated", f"赋权街道“{values['delegated']}”无效，应填写“是”或“否”")
    date_raw = values.get("delegated_from", "")
    delegated_from = _parse_date(date_raw) if date_raw else None
    if date_raw and delegated_from is None:
        err("delegated_from", f"日期“{date_raw}”无效，格式应为 YYYY-MM-DD")
    elif delegated and delegated_from is None:
        err("delegated_from", "赋权街道为“是”时必须填写赋权生效日期")
    high_frequency = _parse_bool(values.get("high_frequency", ""))
    if high_frequency is None:
        err("high_frequency", f"高频事项“{values['high_frequency']}”无效，应填写“是”或“否”")

    scenes: list[str] = []
    for token in _split(values.get("scenes", ""), SCENE_SPLIT):
        # "吃住" written without a separator is as clear as "吃|住".
        if all(ch in SCENE_ORDER for ch in token):
            scenes.extend(ch for ch in token if ch not in scenes)
        else:
            err("scenes", f"出行场景“{token}”无效，只能是 {'、'.join(SCENE_ORDER)}")

    if len(errors.rows) > before:
        return None
    return {
        "code": code,
        "name": name,
        "domain": domain,
        "kind": kind,
        "legal_basis": legal_basis,
        "penalty_basis": values.get("penalty_basis", ""),
        "delegated": bool(delegated),
        # A date left on an item no longer delegated means nothing; it is dropped rather than kept stale.
        "delegated_from": delegated_from.isoformat() if delegated and delegated_from else None,
        "keywords": _split(values.get("keywords", ""), KEYWORD_SPLIT),
        "required_evidence": _split(values.get("required_evidence", ""), LIST_SPLIT),
        "high_frequency": bool(high_frequency),
        "scenes": sorted(scenes, key=SCENE_ORDER.__getitem__),
        "bands": [],
    }


def _parse_bands(rows: list[list], item_codes: set[str], errors: _Errors) -> dict[str, list[dict]]:
    sheet = BAND_SHEET_LABEL
    if not rows:
        return {}
    header = _map_header(rows[0], BAND_COLUMNS, sheet, errors)
    if any(c.required and c.key not in header for c in BAND_COLUMNS):
        return {}
    bands: dict[str, list[dict]] = {}
    seen: dict[tuple[str, str], int] = {}
    for number, values in _data_rows(rows, header):
        before = len(errors.rows)

        def err(key: str, message: str, number=number) -> None:
            column = header[key][1] if key in header else next(c.header for c in BAND_COLUMNS if c.key == key)
            errors.add(sheet, number, column, message)

        code, level, condition = values["item_code"], values["level"], values["condition"]
        if not code:
            err("item_code", "事项编码不能为空")
        elif code not in item_codes:
            err("item_code", f"事项编码“{code}”不在事项表中")
        if not level:
            err("level", "情节不能为空")
        elif level not in BAND_LEVEL_ORDER:
            err("level", f"情节“{level}”无效，应为 {'、'.join(BAND_LEVEL_ORDER)} 之一")
        elif code and (code, level) in seen:
            err("level", f"事项“{code}”的“{level}”情节与第{seen[code, level]}行重复")
        else:
            seen[code, level] = number
        if not condition:
            err("condition", "适用情形不能为空")
        elif len(condition) > 300:
            err("condition", f"适用情形不能超过 300 个字符（现为 {len(condition)} 个）")
        fines = {}
        for key, label in (("min_fine", "最低罚款"), ("max_fine", "最高罚款")):
            raw = values.get(key, "")
            fines[key] = _parse_money(raw)
            if fines[key] is None:
                err(key, f"{label}“{raw}”无效，应为不小于 0、最多两位小数的金额")
        low, high = fines["min_fine"], fines["max_fine"]
        if low is not None and high is not None and low > high:
            err("min_fine", f"最低罚款 {low} 元高于最高罚款 {high} 元")
        if len(errors.rows) == before:
            bands.setdefault(code, []).append(
                {
                    "level": level,
                    "condition": condition,
                    "min_fine": str(fines["min_fine"]),
                    "max_fine": str(fines["max_fine"]),
                }
            )
    for rows_of_item in bands.values():
        rows_of_item.sort(key=lambda b: BAND_LEVEL_ORDER[b["level"]])
    return bands


def _raise_if_any(errors: _Errors) -> None:
    if not errors.rows:
        return
    details = []
    for e in errors.rows[:MAX_ERRORS_KEPT]:
        prefix = "" if e["sheet"] == "事项" else f"{e['sheet']}·"
        details.append({"field": f"{prefix}第{e['row']}行·{e['column']}", "message": e["message"], **e})
    raise ServiceError(f"导入失败：共 {len(errors.rows)} 处错误，未导入任何内容", errors=details)


def parse_catalog(
    *,
    content: bytes,
    filename: str,
    domains: dict[str, str],
    discretion_content: bytes | None = None,
    discretion_filename: str = "",
) -> ParsedCatalog:
    """Parse a whole catalog file; `domains` maps lower-cased domain codes and names to domain codes.

    Raises ServiceError naming every bad row and column; returns nothing partial."""
    item_rows, band_rows, has_bands = _tables(content, filename, discretion_content, discretion_filename)
    errors = _Errors()
    if not item_rows:
        raise file_error("文件中没有内容：第 1 行应为表头")
    header = _map_header(item_rows[0], ITEM_COLUMNS, "事项", errors)
    if "delegated_from" in header and "delegated" not in header:
        errors.add("事项", 1, header["delegated_from"][1], "有“赋权生效日期”列时必须同时有“赋权街道”列")
    items: dict[str, dict] = {}
    seen: dict[str, int] = {}
    if not any(c.required and c.key not in header for c in ITEM_COLUMNS):
        for number, values in _data_rows(item_rows, header):
            item = _parse_item(number, values, header, domains, seen, errors)
            if item is not None:
                items[item["code"]] = item
        if not seen and not errors.rows:
            raise file_error("文件中没有事项数据：第 1 行为表头，第 2 行起每行一个事项")
    bands = _parse_bands(band_rows, set(seen), errors) if band_rows is not None else {}
    _raise_if_any(errors)
    for code, rows in bands.items():
        items[code]["bands"] = rows
    managed = [f for f in ITEM_FIELDS if f in ALWAYS_MANAGED or f in header]
    if "delegated" in header:
        managed = [f for f in ITEM_FIELDS if f in managed or f == "delegated_from"]
    if has_bands:
        managed.append("bands")
    return ParsedCatalog(items=items, managed=managed, has_bands=has_bands)


# --- export ------------------------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _cell(ws, value):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    # Text such as "=…" must stay text: a legal basis is never a formula for the spreadsheet to run.
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def catalog_export_xlsx(items) -> bytes:
    """Write items (a queryset or list) in the import format: sheet 事项 and sheet 裁量基准."""
    from openpyxl import Workbook

    if hasattr(items, "select_related"):
        items = items.select_related("domain").prefetch_related("bands")
    wb = Workbook(write_only=True)
    ws_items = wb.create_sheet("事项")
    ws_bands = wb.create_sheet(BAND_SHEET_LABEL)
    ws_items.append([c.header for c in ITEM_COLUMNS])
    ws_bands.append([c.header for c in BAND_COLUMNS])
    for item in items:
        row = [
            item.code,
            item.name,
            item.domain.code,
            item.kind,
            item.legal_basis,
            item.penalty_basis,
            _yes_no(item.delegated),
            item.delegated_from.isoformat() if item.delegated and item.delegated_from else "",
            "|".join(item.keywords or []),
            "|".join(item.required_evidence or []),
            _yes_no(item.high_frequency),
            "|".join(item.scenes or []),
        ]
        ws_items.append([_cell(ws_items, v) for v in row])
        for band in sorted(item.bands.all(), key=lambda b: BAND_LEVEL_ORDER.get(b.level, 99)):
            values = [item.code, band.level, band.condition, band.min_fine, band.max_fine]
            ws_bands.append([_cell(ws_bands, v) for v in values])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
