"""Catalog test helpers: files in the import format built from rows, and a small applied catalog."""

import csv
import io

from openpyxl import Workbook

from zhifa.catalog.importing import BAND_COLUMNS, ITEM_COLUMNS
from zhifa.catalog.services import release_apply, release_import

EN_HEADERS = [c.key for c in ITEM_COLUMNS]
ZH_HEADERS = [c.header for c in ITEM_COLUMNS]
BAND_EN = [c.key for c in BAND_COLUMNS]
BAND_ZH = [c.header for c in BAND_COLUMNS]

AIR_LAW = "《中华人民共和国大气污染防治法》"
FOOD_LAW = "《中华人民共和国食品安全法》"


def item(code: str, name: str, domain: str = "comprehensive", **fields) -> dict:
    row = {
        "code": code,
        "name": name,
        "domain": domain,
        "kind": "行政处罚",
        "legal_basis": f"《某条例》第{len(code)}条",
        "penalty_basis": "",
        "delegated": "否",
        "delegated_from": "",
        "keywords": "",
        "required_evidence": "",
        "high_frequency": "否",
        "scenes": "",
    }
    row.update(fields)
    return row


def base_rows() -> list[dict]:
    """Five real items of the comprehensive and market domains."""
    return [
        item(
            "ZH0001",
            "对餐饮服务业经营者超过排放标准排放油烟的行政处罚",
            legal_basis=f"{AIR_LAW}第八十一条第一款",
            penalty_basis=f"{AIR_LAW}第一百一十八条第一款",
            delegated="是",
            delegated_from="2022-06-01",
            keywords="油烟|油烟扰民|排烟",
            required_evidence="现场检查笔录|现场照片|油烟检测报告",
            high_frequency="是",
            scenes="吃",
        ),
        item(
            "ZH0002",
            "对擅自占用城市道路从事经营活动的行政处罚",
            legal_basis="《城市道路管理条例》第二十七条",
            penalty_basis="《城市道路管理条例》第四十二条",
            delegated="是",
            delegated_from="2022-06-01",
            keywords="占道经营|摆摊|流动摊贩",
            scenes="购|行",
        ),
        item(
            "ZH0003",
            "对随意倾倒、抛撒、堆放建筑垃圾的行政处罚",
            legal_basis="《城市建筑垃圾管理规定》第十五条",
            penalty_basis="《城市建筑垃圾管理规定》第二十六条",
            keywords="建筑垃圾|渣土",
        ),
        item(
            "SJ0001",
            "对未取得食品生产经营许可从事食品生产经营活动的行政处罚",
            domain="market",
            legal_basis=f"{FOOD_LAW}第三十五条第一款",
            penalty_basis=f"{FOOD_LAW}第一百二十二条第一款",
            keywords="无证经营|无证小吃",
            scenes="吃",
        ),
        item(
            "SJ0002",
            "对经营者不按规定明码标价的行政处罚",
            domain="市场监管",
            legal_basis="《中华人民共和国价格法》第十三条",
            penalty_basis="《中华人民共和国价格法》第四十二条",
            keywords="明码标价|价格欺诈",
            kind="行政处罚",
            scenes="购",
        ),
    ]


def base_bands() -> list[dict]:
    return [
        {
            "item_code": "ZH0001",
            "level": "轻微",
            "condition": "首次被发现且及时改正",
            "min_fine": "0",
            "max_fine": "0",
        },
        {
            "item_code": "ZH0001",
            "level": "一般",
            "condition": "超标排放油烟，经责令改正后仍未改正",
            "min_fine": "5000",
            "max_fine": "20000",
        },
        {
            "item_code": "ZH0001",
            "level": "严重",
            "condition": "造成严重油烟污染",
            "min_fine": "20000",
            "max_fine": "50000",
        },
        {
            "item_code": "SJ0002",
            "level": "一般",
            "condition": "不明码标价",
            "min_fine": "0",
            "max_fine": "5000",
        },
    ]


def csv_bytes(rows: list[dict], headers: list[str] | None = None, *, encoding: str = "utf-8") -> bytes:
    """Rows keyed by English column keys, written under `headers` (English or Chinese, same order as keys)."""
    keys = list(rows[0].keys()) if rows else EN_HEADERS
    written = headers or keys
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(written)
    for row in rows:
        writer.writerow([row.get(k, "") for k in keys])
    return out.getvalue().encode(encoding)


def xlsx_bytes(
    rows: list[dict], headers: list[str], bands: list[dict] | None = None, band_headers=None
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "事项"
    keys = list(rows[0].keys())
    ws.append(headers)
    for row in rows:
        ws.append([row.get(k, "") for k in keys])
    if bands is not None:
        wsb = wb.create_sheet("裁量基准")
        wsb.append(band_headers or BAND_ZH)
        for band in bands:
            wsb.append([band.get(k, "") for k in BAND_EN])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_rows(rows, *, version: str, by, bands: list[dict] | None = None, title: str = ""):
    return release_import(
        content=csv_bytes(rows),
        filename=f"{version}.csv",
        version=version,
        title=title,
        discretion_content=csv_bytes(bands) if bands is not None else None,
        discretion_filename="bands.csv" if bands is not None else "",
        by=by,
    )


def apply_rows(rows, *, version: str, by, bands: list[dict] | None = None):
    release = import_rows(rows, version=version, by=by, bands=bands)
    return release_apply(release=release, by=by)
