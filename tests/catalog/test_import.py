"""Release import: file formats, headers, every row error at once, and nothing written on bad input."""

import io
from datetime import date

import pytest
from openpyxl import Workbook

from tests.catalog import (
    BAND_EN,
    EN_HEADERS,
    ZH_HEADERS,
    base_bands,
    base_rows,
    csv_bytes,
    import_rows,
    item,
    xlsx_bytes,
)
from zhifa.audit.models import AuditRecord
from zhifa.catalog.models import CatalogRelease, EnforcementItem, ReleaseChange
from zhifa.catalog.services import release_import
from zhifa.core.errors import PermissionError_, ServiceError


def _fields(exc: ServiceError) -> list[tuple[str, str]]:
    return [(e["field"], e["message"]) for e in exc.errors]


def _nothing_written():
    assert CatalogRelease.objects.count() == 0
    assert ReleaseChange.objects.count() == 0
    assert EnforcementItem.objects.count() == 0
    assert not AuditRecord.objects.filter(action__startswith="catalog.").exists()


def test_five_rows_two_bad_imports_nothing_and_names_rows_and_columns(world):
    rows = base_rows()
    rows[1]["domain"] = "城管"  # spreadsheet row 3
    rows[3]["delegated"] = "是"  # spreadsheet row 5, delegated without a date
    with pytest.raises(ServiceError) as caught:
        release_import(content=csv_bytes(rows), filename="v1.csv", version="v1", by=world.root)
    exc = caught.value
    assert exc.message == "导入失败：共 2 处错误，未导入任何内容"
    assert _fields(exc) == [
        ("第3行·domain", "未知领域“城管”，请填写领域代码或名称（如 comprehensive 或 综合执法）"),
        ("第5行·delegated_from", "赋权街道为“是”时必须填写赋权生效日期"),
    ]
    assert exc.errors[0]["row"] == 3 and exc.errors[0]["column"] == "domain"
    _nothing_written()


def test_chinese_headers_name_the_column_as_written(world):
    rows = base_rows()
    rows[1]["domain"] = "城管"
    with pytest.raises(ServiceError) as caught:
        release_import(content=csv_bytes(rows, ZH_HEADERS), filename="v1.csv", version="v1", by=world.root)
    assert _fields(caught.value) == [
        ("第3行·领域", "未知领域“城管”，请填写领域代码或名称（如 comprehensive 或 综合执法）")
    ]
    _nothing_written()


def test_every_kind_of_row_error_is_collected(world):
    rows = [
        item("A1", "", legal_basis=""),  # row 2: two empty required values
        item("A2", "名称", kind="行政许可", delegated="也许"),  # row 3
        item("A1", "重复编码的事项"),  # row 4
        item("A 4", "编码有空格", delegated="是", delegated_from="2022-13-01"),  # row 5
        item("A5", "场景有误", scenes="吃|看", high_frequency="经常"),  # row 6
        item("A6", "正确的事项", delegated="Y", delegated_from="2023/1/5"),  # row 7
    ]
    with pytest.raises(ServiceError) as caught:
        release_import(content=csv_bytes(rows, ZH_HEADERS), filename="f.csv", version="v1", by=world.root)
    assert caught.value.message == "导入失败：共 9 处错误，未导入任何内容"
    assert _fields(caught.value) == [
        ("第2行·事项名称", "事项名称不能为空"),
        ("第2行·违则", "违则不能为空"),
        ("第3行·事项类型", "事项类型“行政许可”无效，应为 行政处罚、行政强制、行政检查 之一"),
        ("第3行·赋权街道", "赋权街道“也许”无效，应填写“是”或“否”"),
        ("第4行·事项编码", "事项编码“A1”与第2行重复"),
        ("第5行·事项编码", "事项编码“A 4”只能包含字母、数字、点、横线和下划线"),
        ("第5行·赋权生效日期", "日期“2022-13-01”无效，格式应为 YYYY-MM-DD"),
        ("第6行·高频事项", "高频事项“经常”无效，应填写“是”或“否”"),
        ("第6行·出行场景", "出行场景“看”无效，只能是 吃、住、行、游、购、娱"),
    ]
    _nothing_written()


def test_unknown_and_missing_columns_are_errors_of_row_1(world):
    content = "事项编码,事项名称,领域,备注\nA1,名称,comprehensive,x\n".encode()
    with pytest.raises(ServiceError) as caught:
        release_import(content=content, filename="f.csv", version="v1", by=world.root)
    assert _fields(caught.value) == [
        ("第1行·备注", "无法识别的列“备注”"),
        ("第1行·事项类型", "缺少必填列“事项类型”（或 kind）"),
        ("第1行·违则", "缺少必填列“违则”（或 legal_basis）"),
    ]
    _nothing_written()


def test_same_column_twice_is_an_error(world):
    content = (
        "code,事项编码,name,domain,kind,legal_basis\nA1,A1,名称,comprehensive,行政处罚,《条例》\n".encode()
    )
    with pytest.raises(ServiceError) as caught:
        release_import(content=content, filename="f.csv", version="v1", by=world.root)
    assert _fields(caught.value) == [("第1行·事项编码", "列“事项编码”与“code”重复")]


def test_band_errors_name_the_band_sheet(world):
    bands = base_bands()
    bands[1]["min_fine"] = "30000"  # row 3: min above max
    bands.append(
        {"item_code": "ZZ9", "level": "一般", "condition": "无此事项", "min_fine": "1", "max_fine": "2"}
    )
    bands.append(
        {"item_code": "ZH0001", "level": "轻微", "condition": "重复情节", "min_fine": "", "max_fine": ""}
    )
    bands.append(
        {"item_code": "SJ0001", "level": "特别严重", "condition": "x", "min_fine": "-1", "max_fine": "1.005"}
    )
    with pytest.raises(ServiceError) as caught:
        import_rows(base_rows(), version="v1", by=world.root, bands=bands)
    assert _fields(caught.value) == [
        ("裁量基准·第3行·min_fine", "最低罚款 30000.00 元高于最高罚款 20000.00 元"),
        ("裁量基准·第6行·item_code", "事项编码“ZZ9”不在事项表中"),
        ("裁量基准·第7行·level", "事项“ZH0001”的“轻微”情节与第2行重复"),
        ("裁量基准·第8行·level", "情节“特别严重”无效，应为 轻微、一般、较重、严重 之一"),
        ("裁量基准·第8行·min_fine", "最低罚款“-1”无效，应为不小于 0、最多两位小数的金额"),
        ("裁量基准·第8行·max_fine", "最高罚款“1.005”无效，应为不小于 0、最多两位小数的金额"),
    ]
    _nothing_written()


def test_csv_utf8_with_bom_and_gb18030(world):
    rows = base_rows()
    with_bom = b"\xef\xbb\xbf" + csv_bytes(rows, ZH_HEADERS)
    r1 = release_import(content=with_bom, filename="bom.csv", version="bom", by=world.root)
    assert r1.summary == {"added": 5, "changed": 0, "retired": 0, "unchanged": 0, "total": 5}
    gbk = csv_bytes(rows, ZH_HEADERS, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    r2 = release_import(content=gbk, filename="GBK.CSV", version="gbk", by=world.root)
    assert r2.summary["added"] == 5
    names = {i["name"] for i in r2.payload["items"]}
    assert "对随意倾倒、抛撒、堆放建筑垃圾的行政处罚" in names


def test_xlsx_with_band_sheet_parses_values(world):
    rows = base_rows()
    content = xlsx_bytes(rows, ZH_HEADERS, bands=base_bands())
    release = release_import(content=content, filename="清单.xlsx", version="x1", by=world.root)
    assert release.status == "draft"
    assert release.source_name == "清单.xlsx"
    items = {i["code"]: i for i in release.payload["items"]}
    oil = items["ZH0001"]
    assert oil["delegated"] is True and oil["delegated_from"] == "2022-06-01"
    assert oil["keywords"] == ["油烟", "油烟扰民", "排烟"]
    assert oil["required_evidence"] == ["现场检查笔录", "现场照片", "油烟检测报告"]
    assert oil["high_frequency"] is True
    assert [b["level"] for b in oil["bands"]] == ["轻微", "一般", "严重"]
    assert oil["bands"][1] == {
        "level": "一般",
        "party": "",
        "condition": "超标排放油烟，经责令改正后仍未改正",
        "min_fine": "5000.00",
        "max_fine": "20000.00",
    }
    # Domain given by its Chinese name resolves to the code; scenes keep the canonical order.
    assert items["SJ0002"]["domain"] == "market"
    assert items["ZH0002"]["scenes"] == ["行", "购"]
    assert release.payload["has_bands"] is True


def test_xlsx_english_headers_and_discretion_sheet_named_discretion(world):
    wb = Workbook()
    ws = wb.active
    ws.title = "items"
    ws.append(EN_HEADERS)
    ws.append(
        [
            "ZH0009",
            "对某事项的行政处罚",
            "comprehensive",
            "行政处罚",
            "《条例》",
            "",
            True,
            None,
            "a，b、c",
            "",
            0,
            "吃住",
        ]
    )
    ws2 = wb.create_sheet("Discretion")
    ws2.append(BAND_EN)
    ws2.append(["ZH0009", "一般", "情形", 100, 200.5])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ServiceError) as caught:
        release_import(content=out.getvalue(), filename="a.xlsx", version="e", by=world.root)
    # A boolean TRUE cell means 是, so the missing date is an error.
    assert _fields(caught.value) == [("第2行·delegated_from", "赋权街道为“是”时必须填写赋权生效日期")]
    ws["H2"] = date(2023, 3, 1)
    out = io.BytesIO()
    wb.save(out)
    release = release_import(content=out.getvalue(), filename="a.xlsx", version="e", by=world.root)
    row = release.payload["items"][0]
    assert row["delegated_from"] == "2023-03-01"
    assert row["keywords"] == ["a", "b", "c"]
    assert row["scenes"] == ["吃", "住"]
    assert row["high_frequency"] is False
    assert row["bands"] == [
        {"level": "一般", "party": "", "condition": "情形", "min_fine": "100.00", "max_fine": "200.50"}
    ]


def test_file_type_size_empty_and_corrupt(world, settings):
    def refused(content, filename):
        with pytest.raises(ServiceError) as caught:
            release_import(content=content, filename=filename, version="v", by=world.root)
        return caught.value.message

    assert refused(b"x", "清单.xls") == "不支持的文件类型“清单.xls”，请上传 .xlsx 或 .csv 文件"
    assert refused(b"not a zip", "a.xlsx") == "无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式"
    assert refused(b"", "a.csv") == "文件为空"
    assert refused(b"code,name,domain,kind,legal_basis\n", "a.csv") == (
        "文件中没有事项数据：第 1 行为表头，第 2 行起每行一个事项"
    )
    assert (
        refused(b"\xff\xfe\x00\x00\xff", "a.csv") == "无法识别 CSV 文件的编码，请以 UTF-8 或 GB18030 编码保存"
    )
    settings.ZHIFA_MAX_IMPORT_BYTES = 1024
    big = csv_bytes(base_rows() * 5)
    assert len(big) > 1024
    assert refused(big, "a.csv") == f"文件过大（{len(big) / 1024:.1f} KB），上限为 1.0 KB"
    _nothing_written()


def test_version_required_and_unique(world):
    import_rows(base_rows(), version="2025.1", by=world.root)
    with pytest.raises(ServiceError) as caught:
        import_rows(base_rows(), version=" 2025.1 ", by=world.root)
    assert caught.value.message == "版本号“2025.1”已存在，请换一个版本号"
    assert caught.value.errors == [{"field": "version", "message": "版本号“2025.1”已存在，请换一个版本号"}]
    with pytest.raises(ServiceError) as caught:
        import_rows(base_rows(), version="  ", by=world.root)
    assert caught.value.message == "请填写版本号"
    assert CatalogRelease.objects.count() == 1


@pytest.mark.parametrize("who", ["alice", "olga", "carol"])
def test_only_admins_import(world, who):
    with pytest.raises(PermissionError_) as caught:
        import_rows(base_rows(), version="v1", by=getattr(world, who))
    assert caught.value.message == "只有系统管理员可以查看和管理清单版本"
    assert caught.value.status == 403
    _nothing_written()


def test_import_is_audited_with_its_summary(world):
    release = import_rows(base_rows(), version="v1", by=world.root, title="首版")
    rec = AuditRecord.objects.get(action="catalog.release_import")
    assert rec.actor_id == world.root.pk
    assert rec.object_id == str(release.pk)
    assert rec.after["summary"] == {"added": 5, "changed": 0, "retired": 0, "unchanged": 0, "total": 5}
    assert rec.after["title"] == "首版"
    assert EnforcementItem.objects.count() == 0  # a draft changes nothing in the catalog


def test_band_columns_accept_chinese_headers_with_units(world):
    header = '事项编码,情节,适用情形,最低罚款（元）,最高罚款（元）\nZH0001,一般,情形,"1,000",2000元\n'
    release = release_import(
        content=csv_bytes(base_rows()),
        filename="a.csv",
        version="v1",
        by=world.root,
        discretion_content=header.encode(),
        discretion_filename="b.csv",
    )
    oil = next(i for i in release.payload["items"] if i["code"] == "ZH0001")
    assert oil["bands"] == [
        {"level": "一般", "party": "", "condition": "情形", "min_fine": "1000.00", "max_fine": "2000.00"}
    ]


def test_bands_by_kind_of_party(world):
    """One 情节 may have a band for 公民 and one for 单位; an unknown 适用对象 is named with its row."""
    header = (
        "事项编码,情节,适用对象,适用情形,最低罚款,最高罚款\n"  # columns by name, in any order
        "ZH0001,一般,公民,个人情形,50,200\n"
        "ZH0001,一般,单位,单位情形,1000,5000\n"
        "ZH0001,轻微,,不区分,0,0\n"
    )
    release = release_import(
        content=csv_bytes(base_rows()),
        filename="a.csv",
        version="v1",
        by=world.root,
        discretion_content=header.encode(),
        discretion_filename="b.csv",
    )
    oil = next(i for i in release.payload["items"] if i["code"] == "ZH0001")
    assert [(b["party"], b["level"], b["max_fine"]) for b in oil["bands"]] == [
        ("", "轻微", "0.00"),
        ("person", "一般", "200.00"),
        ("organisation", "一般", "5000.00"),
    ]
    bad = header + "ZH0001,一般,个体户,x,1,2\nZH0001,一般,公民,重复,1,2\n"
    with pytest.raises(ServiceError) as caught:
        release_import(
            content=csv_bytes(base_rows()),
            filename="a.csv",
            version="v2",
            by=world.root,
            discretion_content=bad.encode(),
            discretion_filename="b.csv",
        )
    assert _fields(caught.value) == [
        ("裁量基准·第5行·适用对象", "适用对象“个体户”无效，应为 公民、法人或者其他组织 或留空（不区分）"),
        ("裁量基准·第6行·情节", "事项“ZH0001”（公民）的“一般”情节与第2行重复"),
    ]


def test_bands_given_twice_is_refused(world):
    content = xlsx_bytes(base_rows(), ZH_HEADERS, bands=base_bands())
    with pytest.raises(ServiceError) as caught:
        release_import(
            content=content,
            filename="a.xlsx",
            version="v1",
            by=world.root,
            discretion_content=csv_bytes(base_bands()),
            discretion_filename="b.csv",
        )
    assert caught.value.errors[0]["field"] == "discretion_file"
    assert caught.value.message.startswith("裁量基准只能提供一次")


# --- decompression bombs at both doors --------------------------------------------------------------------------


@pytest.mark.parametrize("bomb", ["cells", "dense"])
def test_a_decompression_bomb_is_refused_fast_on_the_page_and_the_api(world, clients, bomb):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.core.test_tabular import CELLS_REFUSED, cell_bomb, dense_bomb, fast, unzipped_refusal

    content = cell_bomb() if bomb == "cells" else dense_bomb()
    message = unzipped_refusal(content) if bomb == "cells" else CELLS_REFUSED
    # Warm up (the first request of a process loads the URL map, templates and API), then time the refusal.
    assert clients["root"].get("/catalog/releases/new/").status_code == 200
    assert clients["root"].get("/api/v1/catalog/releases").status_code == 200
    with fast():
        res = clients["root"].post(
            "/catalog/releases/new/",
            {"version": "v9", "title": "", "file": SimpleUploadedFile("清单.xlsx", content)},
        )
    assert res.status_code == 400
    assert res.content.decode().count(message) == 2  # the banner and the file field's error
    with fast():
        res = clients["root"].post(
            "/api/v1/catalog/releases", {"version": "v9", "file": SimpleUploadedFile("清单.xlsx", content)}
        )
    assert res.status_code == 400
    assert res.json() == {"message": message, "errors": [{"field": "file", "message": message}]}
    with fast(), pytest.raises(ServiceError) as caught:  # a bomb as the separate discretion file
        release_import(
            content=csv_bytes(base_rows()),
            filename="v1.csv",
            version="v9",
            by=world.root,
            discretion_content=content,
            discretion_filename="裁量基准.xlsx",
        )
    assert caught.value.errors == [{"field": "discretion_file", "message": message}]
    _nothing_written()
