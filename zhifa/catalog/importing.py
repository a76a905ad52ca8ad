"""Catalog file format both ways: parse an uploaded xlsx/csv into item rows (every error at once), write exports.

Reading, header mapping, row errors and safe writing are zhifa.core.tabular's; this module knows the columns."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook

from zhifa.catalog.choices import BAND_PARTY_BY_LABEL, BandLevel, BandParty, ItemKind, TravelScene
from zhifa.core.tabular import (
    Column,
    RowErrors,
    append_row,
    check_file,
    data_rows,
    file_error,
    map_header,
    parse_date,
    read_tables,
    sheet_named,
    workbook_bytes,
)
from zhifa.core.tabular import check_size as check_size  # the catalog's upload form and API check with it

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
    Column("party", "适用对象"),  # last, optional: files written before it still read the same
)
ITEM_SHEET_NAMES = ("事项", "items")
BAND_SHEET_NAMES = ("裁量基准", "discretion")
BAND_SHEET_LABEL = "裁量基准"
ITEM_SHEET_LABEL = "事项"

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
PARTY_ORDER = {party.value: i for i, party in enumerate(BandParty)}
SCENE_ORDER = {scene.value: i for i, scene in enumerate(TravelScene)}

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
TRUE_WORDS = {"是", "true", "1", "y", "yes", "t"}
FALSE_WORDS = {"否", "false", "0", "n", "no", "f", ""}
KEYWORD_SPLIT = re.compile(r"[|;；,，、\n]")
LIST_SPLIT = re.compile(r"[|\n]")
SCENE_SPLIT = re.compile(r"[|,，、;；\s]")


@dataclass
class ParsedCatalog:
    """A parsed release: items keyed by code in file order, which fields the file sets, whether it has bands."""

    items: dict[str, dict]
    managed: list[str]
    has_bands: bool


def _add(errors: RowErrors, sheet: str, row: int, column: str, message: str) -> None:
    # A problem of the item sheet is named by row and column alone, one of the band sheet with the sheet first.
    errors.add(row, column, message, in_sheet="" if sheet == ITEM_SHEET_LABEL else sheet, sheet=sheet)


# --- reading the files -------------------------------------------------------------------------------------


def _tables(
    content: bytes, filename: str, discretion_content: bytes | None, discretion_filename: str
) -> tuple[list[list], list[list] | None, bool]:
    """The item rows and the band rows (None when the upload has no discretion standard)."""
    kind = check_file(content, filename, "file")
    sheets = read_tables(content, kind, "file")
    bands = None
    if kind == "csv":
        items = sheets[""]
    else:
        band_title = sheet_named(sheets, BAND_SHEET_NAMES)
        item_title = sheet_named(sheets, ITEM_SHEET_NAMES) or next(
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
        dkind = check_file(discretion_content, discretion_filename, "discretion_file")
        sheets = read_tables(discretion_content, dkind, "discretion_file")
        title = sheet_named(sheets, BAND_SHEET_NAMES) or next(iter(sheets), None)
        bands = sheets[title] if title is not None else []
    # An empty discretion sheet is taken as "no standard supplied", not as "remove every band".
    return items, bands, bool(bands)


# --- cells -------------------------------------------------------------------------------------------------


def _parse_bool(raw: str) -> bool | None:
    lower = raw.lower()
    if lower in TRUE_WORDS:
        return True
    if lower in FALSE_WORDS:
        return False
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


def _header(
    row: list, columns: tuple[Column, ...], sheet: str, errors: RowErrors
) -> dict[str, tuple[int, str]]:
    """Map column key → (position, header as written); unknown, duplicate and missing columns are errors."""
    header = map_header(row, columns)
    for column, message in header.problems():
        _add(errors, sheet, 1, column, message)
    return header.found


# --- items and bands ---------------------------------------------------------------------------------------


def _parse_item(
    number: int, values: dict, header: dict, domains: dict[str, str], seen: dict[str, int], errors: RowErrors
) -> dict | None:
    sheet = ITEM_SHEET_LABEL
    before = len(errors)

    def err(key: str, message: str) -> None:
        column = header[key][1] if key in header else next(c.header for c in ITEM_COLUMNS if c.key == key)
        _add(errors, sheet, number, column, message)

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
    delegated_from = parse_date(date_raw) if date_raw else None
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

    if len(errors) > before:
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


def _parse_bands(rows: list[list], item_codes: set[str], errors: RowErrors) -> dict[str, list[dict]]:
    sheet = BAND_SHEET_LABEL
    if not rows:
        return {}
    header = _header(rows[0], BAND_COLUMNS, sheet, errors)
    if any(c.required and c.key not in header for c in BAND_COLUMNS):
        return {}
    bands: dict[str, list[dict]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for number, values in data_rows(rows, header):
        before = len(errors)

        def err(key: str, message: str, number=number) -> None:
            column = header[key][1] if key in header else next(c.header for c in BAND_COLUMNS if c.key == key)
            _add(errors, sheet, number, column, message)

        code, level, condition = values["item_code"], values["level"], values["condition"]
        party_label = values.get("party", "")
        party = BAND_PARTY_BY_LABEL.get(party_label)
        if party is None:
            err("party", f"适用对象“{party_label}”无效，应为 公民、法人或者其他组织 或留空（不区分）")
            party = ""
        if not code:
            err("item_code", "事项编码不能为空")
        elif code not in item_codes:
            err("item_code", f"事项编码“{code}”不在事项表中")
        if not level:
            err("level", "情节不能为空")
        elif level not in BAND_LEVEL_ORDER:
            err("level", f"情节“{level}”无效，应为 {'、'.join(BAND_LEVEL_ORDER)} 之一")
        elif code and (code, party, level) in seen:
            whom = f"（{BandParty(party).label}）" if party else ""
            err("level", f"事项“{code}”{whom}的“{level}”情节与第{seen[code, party, level]}行重复")
        else:
            seen[code, party, level] = number
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
        if len(errors) == before:
            bands.setdefault(code, []).append(
                {
                    "level": level,
                    "party": party,
                    "condition": condition,
                    "min_fine": str(fines["min_fine"]),
                    "max_fine": str(fines["max_fine"]),
                }
            )
    for rows_of_item in bands.values():
        rows_of_item.sort(key=lambda b: (PARTY_ORDER[b["party"]], BAND_LEVEL_ORDER[b["level"]]))
    return bands


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
    errors = RowErrors()
    if not item_rows:
        raise file_error("文件中没有内容：第 1 行应为表头")
    header = _header(item_rows[0], ITEM_COLUMNS, ITEM_SHEET_LABEL, errors)
    if "delegated_from" in header and "delegated" not in header:
        _add(
            errors,
            ITEM_SHEET_LABEL,
            1,
            header["delegated_from"][1],
            "有“赋权生效日期”列时必须同时有“赋权街道”列",
        )
    items: dict[str, dict] = {}
    seen: dict[str, int] = {}
    if not any(c.required and c.key not in header for c in ITEM_COLUMNS):
        for number, values in data_rows(item_rows, header):
            item = _parse_item(number, values, header, domains, seen, errors)
            if item is not None:
                items[item["code"]] = item
        if not seen and not errors:
            raise file_error("文件中没有事项数据：第 1 行为表头，第 2 行起每行一个事项")
    bands = _parse_bands(band_rows, set(seen), errors) if band_rows is not None else {}
    errors.raise_if_any()
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


def catalog_export_xlsx(items) -> bytes:
    """Write items (a queryset or list) in the import format: sheet 事项 and sheet 裁量基准; a legal basis or
    name that starts like a formula stays text."""
    if hasattr(items, "select_related"):
        items = items.select_related("domain").prefetch_related("bands")
    wb = Workbook(write_only=True)
    ws_items = wb.create_sheet(ITEM_SHEET_LABEL)
    ws_bands = wb.create_sheet(BAND_SHEET_LABEL)
    append_row(ws_items, [c.header for c in ITEM_COLUMNS])
    append_row(ws_bands, [c.header for c in BAND_COLUMNS])
    for item in items:
        row = [
            item.code,
            item.name,
            item.domain.name,  # the importer takes the name as well as the code
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
        append_row(ws_items, row)
        for band in sorted(
            item.bands.all(), key=lambda b: (PARTY_ORDER.get(b.party, 9), BAND_LEVEL_ORDER.get(b.level, 99))
        ):
            party = BandParty(band.party).label if band.party else ""
            values = [item.code, band.level, band.condition, band.min_fine, band.max_fine, party]
            append_row(ws_bands, values)
    return workbook_bytes(wb)
