"""Import of subjects from csv / xlsx: all or nothing, every error named by row and column."""

import io

import pytest
from openpyxl import Workbook

from tests.subjects.conftest import code
from zhifa.audit.models import AuditRecord
from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.subjects.models import Subject
from zhifa.subjects.services import subject_import

HEADER = "统一社会信用代码,名称,类型,行业,地址,街道,楼宇,成立日期,信用等级,状态,监管场景"


def _csv(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def _errors(exc) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in exc.value.errors]


def test_good_csv_imports_every_row(subjects):
    content = _csv(
        f"{code(100, '2')},南星示例0100小吃店,个体工商户,H62,南星街道示例路5号,,,2024-03-01,A,存续,SC03",
        f"{code(101)},示例0101服饰有限公司,企业,纺织服装、服饰业,,,NX-B001,,B,,",
        ",九堡示例出租房0001,场所,K70,,九堡街道,,,,,",
    )
    result = subject_import(content=content, filename="subjects.csv", by=subjects.carol)
    assert result.created == 3
    shop = Subject.objects.get(name="南星示例0100小吃店")
    assert (shop.kind, shop.credit_class, str(shop.opened_on)) == ("individual", "A", "2024-03-01")
    assert list(shop.scenarios.values_list("code", flat=True)) == ["SC03"]
    assert Subject.objects.get(name="示例0101服饰有限公司").building == subjects.building
    assert Subject.objects.get(name="九堡示例出租房0001").subdistrict == subjects.jiubao
    audit = AuditRecord.objects.get(action="subject.import")
    assert audit.after["count"] == 3


def test_bad_uscc_row_names_row_and_column_and_imports_nothing(subjects):
    good = code(102)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    content = _csv(
        f"{code(103)},示例甲,企业,F52,南星街道示例路1号,,,,,,",
        f"{bad},示例乙,企业,F52,南星街道示例路2号,,,,,,",
        f"{code(104)},示例丙,企业,零售,南星街道示例路3号,,,,E,,",
    )
    before = Subject.objects.count()
    with pytest.raises(ServiceError) as exc:
        subject_import(content=content, filename="s.csv", by=subjects.carol)
    assert exc.value.message == "导入失败：共 3 处错误，未导入任何内容"
    rows = _errors(exc)
    assert rows[0][:2] == (3, "统一社会信用代码") and f"校验位错误，应为 {good[17]}" in rows[0][2]
    assert rows[1][:2] == (4, "行业") and "无法识别的行业“零售”" in rows[1][2]
    assert rows[2] == (4, "信用等级", "信用等级“E”有误，应为 A、B、C、D 之一")
    assert exc.value.errors[0]["field"] == "第3行·统一社会信用代码"
    assert Subject.objects.count() == before


def test_duplicates_in_file_and_in_database(subjects):
    dup = code(105)
    content = _csv(
        f"{dup},示例甲,企业,F52,,南星街道,,,,,",
        f"{dup.lower()},示例乙,企业,F52,,南星街道,,,,,",
        f"{subjects.nanxing_shop.uscc},示例丙,个体工商户,H62,,南星街道,,,,,",
    )
    with pytest.raises(ServiceError) as exc:
        subject_import(content=content, filename="s.csv", by=subjects.carol)
    assert _errors(exc) == [
        (3, "统一社会信用代码", f"统一社会信用代码“{dup}”与第 2 行重复"),
        (4, "统一社会信用代码", f"统一社会信用代码“{subjects.nanxing_shop.uscc}”已登记，不能重复导入"),
    ]


def test_missing_and_unknown_header(subjects):
    content = _csv(f"{code(106)},示例,F52,南星街道", header="统一社会信用代码,名称,行业,街道名")
    with pytest.raises(ServiceError) as exc:
        subject_import(content=content, filename="s.csv", by=subjects.carol)
    assert _errors(exc) == [
        (1, "街道名", "无法识别的列“街道名”"),
        (1, "类型", "缺少必填列“类型”（或 kind）"),
    ]


def test_gb18030_csv_and_english_headers(subjects):
    content = _csv(
        f"{code(107, '2')},南星示例食杂店,个体工商户,零售业,南星街道,C",
        header="uscc,name,kind,industry,subdistrict,credit_class",
        encoding="gb18030",
    )
    assert subject_import(content=content, filename="gbk.CSV", by=subjects.carol).created == 1
    assert Subject.objects.get(name="南星示例食杂店").credit_class == "C"


def test_xlsx(subjects):
    wb = Workbook()
    ws = wb.active
    ws.title = "监管对象"
    ws.append(["统一社会信用代码", "名称", "类型", "行业", "街道", "成立日期"])
    from datetime import datetime

    ws.append([code(108), "示例xlsx公司", "企业", "I64", "九堡街道", datetime(2025, 12, 1)])
    ws.append([None, None, None, None, None, None])  # a blank row is skipped
    ws.append([code(109), "示例xlsx公司二", "企业", "I64", "南星街道", "2025/1/2"])
    buf = io.BytesIO()
    wb.save(buf)
    assert subject_import(content=buf.getvalue(), filename="s.xlsx", by=subjects.carol).created == 2
    assert str(Subject.objects.get(name="示例xlsx公司").opened_on) == "2025-12-01"


def test_rows_outside_jurisdiction_are_errors(subjects):
    content = _csv(f"{code(110)},示例,企业,F52,,南星街道,,,,,", f"{code(111)},示例二,企业,F52,,九堡街道,,,,,")
    with pytest.raises(ServiceError) as exc:
        subject_import(content=content, filename="s.csv", by=subjects.bob)
    assert _errors(exc) == [(2, "街道", "南星街道不在您的辖区内")]
    with pytest.raises(PermissionError_):
        subject_import(content=content, filename="s.csv", by=subjects.olga)


def test_unplaceable_and_bad_file(subjects):
    with pytest.raises(ServiceError) as exc:
        subject_import(
            content=_csv(f"{code(112)},示例,企业,F52,某地,,,,,,"), filename="s.csv", by=subjects.carol
        )
    assert _errors(exc)[0][:2] == (2, "地址")
    with pytest.raises(ServiceError, match="不支持的文件类型"):
        subject_import(content=b"x", filename="s.txt", by=subjects.carol)
    with pytest.raises(ServiceError, match="无法读取 Excel"):
        subject_import(content=b"not a zip", filename="s.xlsx", by=subjects.carol)
    with pytest.raises(ServiceError, match="没有数据"):
        subject_import(content=_csv(), filename="s.csv", by=subjects.carol)


def test_row_limit(subjects, settings):
    settings.ZHIFA_SUBJECT_IMPORT_MAX_ROWS = 2
    rows = [f"{code(200 + i)},示例{i},企业,F52,,南星街道,,,,," for i in range(3)]
    with pytest.raises(ServiceError, match="一次最多导入 2 行（文件中有 3 行）"):
        subject_import(content=_csv(*rows), filename="s.csv", by=subjects.carol)


# --- decompression bombs at both doors --------------------------------------------------------------------------


@pytest.mark.parametrize("bomb", ["cells", "dense"])
def test_a_decompression_bomb_is_refused_fast_on_the_page_and_the_api(subjects, clients, bomb):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.core.test_tabular import CELLS_REFUSED, cell_bomb, dense_bomb, fast, unzipped_refusal

    content = cell_bomb() if bomb == "cells" else dense_bomb()
    message = unzipped_refusal(content) if bomb == "cells" else CELLS_REFUSED
    before = Subject.objects.count()
    # Warm up (the first request of a process loads the URL map, templates and API), then time the refusal.
    assert clients["alice"].get("/subjects/import/").status_code == 200
    assert clients["alice"].get("/api/v1/subjects").status_code == 200
    with fast():  # the import is open to officers: alice of 南星
        res = clients["alice"].post("/subjects/import/", {"file": SimpleUploadedFile("s.xlsx", content)})
    assert res.status_code == 400
    assert message in res.content.decode()
    with fast():
        res = clients["alice"].post(
            "/api/v1/subjects/import", {"file": SimpleUploadedFile("s.xlsx", content)}
        )
    assert res.status_code == 400
    assert res.json() == {"message": message, "errors": [{"field": "file", "message": message}]}
    assert Subject.objects.count() == before
    assert not AuditRecord.objects.filter(action="subject.import").exists()
