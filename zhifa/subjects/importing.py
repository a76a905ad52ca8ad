"""Subject rows from a form, the API or a spreadsheet: one cleaner checks and places each, naming row and column.

The file readers (xlsx, csv in UTF-8 or GB18030, header mapping, row errors) are zhifa.core.tabular's; this module
adds the subject columns and what a subject row must satisfy.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django.conf import settings

from zhifa.catalog.models import Scenario
from zhifa.core.errors import ServiceError
from zhifa.core.tabular import (
    MAX_ERRORS_KEPT,
    Column,
    cell_text,
    check_file,
    data_rows,
    file_error,
    map_header,
    parse_date,
    read_tables,
    row_error,
    sheet_named,
)
from zhifa.dispatch.places import place_resolve
from zhifa.engine.uscc import normalise, uscc_validate
from zhifa.org.geo import region_index
from zhifa.org.models import Building, Region
from zhifa.org.scope import Scope
from zhifa.subjects.choices import INDUSTRIES, CreditClass, SubjectKind, SubjectStatus

COLUMNS = (
    Column("uscc", "统一社会信用代码"),
    Column("name", "名称", True),
    Column("kind", "类型", True),
    Column("industry", "行业", True),
    Column("address", "地址"),
    Column("lng", "经度"),
    Column("lat", "纬度"),
    Column("subdistrict", "街道"),
    Column("building", "楼宇"),
    Column("opened_on", "成立日期"),
    Column("credit_class", "信用等级"),
    Column("status", "状态"),
    Column("scenarios", "监管场景"),
)
HEADERS = {c.key: c.header for c in COLUMNS}
SHEET_NAMES = ("监管对象", "subjects")
LIST_SPLIT = re.compile(r"[|,，、;；\n]")
INDUSTRY_BY_NAME = {name: code for code, name in INDUSTRIES.items()}


def max_rows() -> int:
    return getattr(settings, "ZHIFA_SUBJECT_IMPORT_MAX_ROWS", 20_000)


@dataclass
class Lookups:
    """What a row refers to, loaded once per request or file."""

    scenarios: dict[str, int]  # code and name → id
    buildings: dict[str, Building]  # code and name → building
    regions_by_pk: dict[int, Region] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Lookups:
        scenarios: dict[str, int] = {}
        for pk, code, name in Scenario.objects.values_list("pk", "code", "name"):
            scenarios[code.upper()] = pk
            scenarios.setdefault(name, pk)
        buildings: dict[str, Building] = {}
        for b in Building.objects.only("pk", "code", "name", "region_id", "lng", "lat", "address"):
            buildings[b.code.upper()] = b
            buildings.setdefault(b.name, b)
        return cls(scenarios=scenarios, buildings=buildings)


@dataclass
class CleanRow:
    data: dict  # Subject field values (ids for foreign keys), ready to build a model
    scenario_ids: list[int]
    errors: list[tuple[str, str]]  # (column key, message)


def _choice(raw: str, choices) -> str | None:
    """A TextChoices value from its value or its label (or the label's leading word, e.g. "A 级")."""
    text = raw.strip()
    for value, label in choices.choices:
        if text.lower() == value.lower() or text == label or text == label.split("（")[0].strip():
            return value
    return None


def _industry(raw: str) -> str | None:
    text = raw.strip()
    code = text.split()[0].upper() if text else ""
    if code in INDUSTRIES:
        return code
    return INDUSTRY_BY_NAME.get(text)


def _float(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def clean_values(values: dict[str, str], *, lookups: Lookups, scope: Scope) -> CleanRow:
    """Check one row of text values (keys as in COLUMNS) and place it: coordinates, building, address, then the
    named subdistrict; the place must lie in the district and in the user's jurisdiction."""
    errors: list[tuple[str, str]] = []
    data: dict = {}

    def err(key: str, message: str) -> None:
        errors.append((key, message))

    name = values.get("name", "").strip()
    if not name:
        err("name", "名称不能为空")
    elif len(name) > 200:
        err("name", f"名称不能超过 200 个字符（现为 {len(name)} 个）")
    data["name"] = name

    kind = _choice(values.get("kind", ""), SubjectKind) if values.get("kind", "").strip() else None
    if kind is None:
        labels = "、".join(SubjectKind.labels)
        err("kind", f"类型应为{labels}之一" if values.get("kind", "").strip() else "类型不能为空")
    data["kind"] = kind or ""

    uscc = normalise(values.get("uscc", ""))
    if uscc:
        problems = uscc_validate(uscc, check_org_code=getattr(settings, "ZHIFA_USCC_CHECK_ORG_CODE", True))
        if problems:
            err("uscc", f"统一社会信用代码“{uscc}”有误：{'；'.join(problems)}")
    elif kind and kind != SubjectKind.PLACE:
        err("uscc", "统一社会信用代码不能为空（只有“场所”类对象可以不填）")
    data["uscc"] = uscc

    raw_industry = values.get("industry", "").strip()
    industry = _industry(raw_industry) if raw_industry else None
    if industry is None:
        err(
            "industry",
            f"无法识别的行业“{raw_industry}”，请填国民经济行业分类大类代码（如 H62）或名称（如 餐饮业）"
            if raw_industry
            else "行业不能为空",
        )
    data["industry_code"] = industry or ""

    address = values.get("address", "").strip()
    if len(address) > 200:
        err("address", f"地址不能超过 200 个字符（现为 {len(address)} 个）")
    data["address"] = address

    raw_opened = values.get("opened_on", "").strip()
    opened = parse_date(raw_opened) if raw_opened else None
    if raw_opened and opened is None:
        err("opened_on", f"成立日期“{raw_opened}”无法识别，格式应为 YYYY-MM-DD")
    data["opened_on"] = opened

    raw_credit = values.get("credit_class", "").strip()
    letter = raw_credit.upper().replace("级", "").strip()
    credit = (letter if letter in CreditClass.values else None) if raw_credit else CreditClass.B
    if credit is None:
        err("credit_class", f"信用等级“{raw_credit}”有误，应为 A、B、C、D 之一")
    data["credit_class"] = credit or ""

    raw_status = values.get("status", "").strip()
    status = _choice(raw_status, SubjectStatus) if raw_status else SubjectStatus.ACTIVE
    if status is None:
        err("status", f"状态“{raw_status}”有误，应为{'、'.join(SubjectStatus.labels)}之一")
    data["status"] = status or ""

    scenario_ids: list[int] = []
    for part in LIST_SPLIT.split(values.get("scenarios", "")):
        part = part.strip()
        if not part:
            continue
        pk = lookups.scenarios.get(part.upper()) or lookups.scenarios.get(part)
        if pk is None:
            err("scenarios", f"无法识别的监管场景“{part}”")
        elif pk not in scenario_ids:
            scenario_ids.append(pk)

    _place(values, data, lookups, scope, err)
    return CleanRow(data=data, scenario_ids=scenario_ids, errors=errors)


def _place(values: dict, data: dict, lookups: Lookups, scope: Scope, err) -> None:
    raw_lng, raw_lat = values.get("lng", "").strip(), values.get("lat", "").strip()
    lng = lat = None
    if raw_lng or raw_lat:
        lng, lat = _float(raw_lng), _float(raw_lat)
        if lng is None or lat is None:
            key = "lng" if lng is None else "lat"
            err(key, "经度和纬度应同时填写，且为数字")
            lng = lat = None
        elif not (-180 <= lng <= 180 and -90 <= lat <= 90):
            err("lng", f"坐标（{raw_lng}, {raw_lat}）超出经纬度范围")
            lng = lat = None
        else:
            index = region_index()
            if index is not None and index.locate(lng, lat) is None:
                err("lng", f"坐标（{raw_lng}, {raw_lat}）不在本区范围内")
                return
    raw_building = values.get("building", "").strip()
    building = None
    if raw_building:
        building = lookups.buildings.get(raw_building.upper()) or lookups.buildings.get(raw_building)
        if building is None:
            err("building", f"无法识别的楼宇“{raw_building}”，请填楼宇编号或名称")
            return
    data["building_id"] = building.pk if building else None
    if lng is None and building is not None:
        lng, lat = building.lng, building.lat
    address = data.get("address", "")
    raw_sd = values.get("subdistrict", "").strip()
    place = place_resolve(lng=lng, lat=lat)
    if place.subdistrict is None and building is not None:
        place = place_resolve(address=building.name)
    if place.subdistrict is None and address:
        place = place_resolve(address=address)
    if place.subdistrict is None and raw_sd:
        place = place_resolve(subdistrict=raw_sd)
        if place.subdistrict is None:
            err("subdistrict", f"无法识别的街道“{raw_sd}”")
            return
    if place.subdistrict is None:
        err("address", "无法定位：请填写本区内的坐标、楼宇、含街道或社区名称的地址，或所属街道")
        return
    if raw_sd and raw_sd not in (place.subdistrict.code, place.subdistrict.name):
        err("subdistrict", f"所填街道“{raw_sd}”与定位结果“{place.subdistrict.name}”不符")
        return
    path = (place.grid or place.subdistrict).path
    if not scope.covers_path(path):
        err("subdistrict", f"{place.subdistrict.name}不在您的辖区内")
        return
    data.update(
        lng=lng,
        lat=lat,
        grid_id=place.grid.pk if place.grid else None,
        subdistrict_id=place.subdistrict.pk,
        region_path=path,
    )


# --- files ------------------------------------------------------------------------------------------------


@dataclass
class ParsedFile:
    rows: list[tuple[int, CleanRow]]  # (spreadsheet row number, cleaned row)


def read_table(content: bytes, filename: str) -> list[list]:
    kind = check_file(content, filename, "file")
    sheets = read_tables(content, kind, "file")
    title = sheet_named(sheets, SHEET_NAMES) or next(iter(sheets), None)
    if title is None:
        raise file_error("Excel 文件中没有工作表")
    return sheets[title]


def parse_file(*, content: bytes, filename: str, lookups: Lookups, scope: Scope, existing_uscc) -> ParsedFile:
    """Every row checked, every problem named by row and column; raises ServiceError if there is any.

    `existing_uscc(codes) -> set` answers which of the codes are already in the database."""
    table = read_table(content, filename)
    if not table or not any(cell_text(c) for c in table[0]):
        raise file_error("文件中没有内容：第 1 行应为表头")
    mapped = map_header(table[0], COLUMNS)
    errors = [row_error(1, column, message) for column, message in mapped.problems()]
    if errors:
        raise ServiceError(f"导入失败：表头有 {len(errors)} 处错误，未导入任何内容", errors=errors)
    header = mapped.found
    raw_rows = list(data_rows(table, header))
    if not raw_rows:
        raise file_error("文件中没有数据：第 1 行为表头，第 2 行起每行一个监管对象")
    if len(raw_rows) > max_rows():
        raise file_error(f"一次最多导入 {max_rows()} 行（文件中有 {len(raw_rows)} 行），请分批导入")

    def column(key: str) -> str:
        return header[key][1] if key in header else HEADERS[key]

    rows: list[tuple[int, CleanRow]] = []
    first_row_of: dict[str, int] = {}
    for number, values in raw_rows:
        row = clean_values(values, lookups=lookups, scope=scope)
        uscc = row.data.get("uscc", "")
        if uscc and not any(k == "uscc" for k, _ in row.errors):
            if uscc in first_row_of:
                row.errors.append(("uscc", f"统一社会信用代码“{uscc}”与第 {first_row_of[uscc]} 行重复"))
            else:
                first_row_of[uscc] = number
        errors.extend(row_error(number, column(k), m) for k, m in row.errors)
        rows.append((number, row))
    taken = existing_uscc(list(first_row_of))
    for code in sorted(taken, key=first_row_of.get):
        number = first_row_of[code]
        errors.append(row_error(number, column("uscc"), f"统一社会信用代码“{code}”已登记，不能重复导入"))
    if errors:
        errors.sort(key=lambda e: e["row"])
        raise ServiceError(
            f"导入失败：共 {len(errors)} 处错误，未导入任何内容", errors=errors[:MAX_ERRORS_KEPT]
        )
    return ParsedFile(rows=rows)
