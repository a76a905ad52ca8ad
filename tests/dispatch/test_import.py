"""Bulk import of 12345 work orders: xlsx and csv in the encodings the hotline writes, routed through the
intake, all-or-nothing with every row error named by its Excel row and column, once per order number."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.dispatch.choices import EventStatus, Priority
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.hotline.columns import MAX_BYTES, MAX_ROWS, ImportRejected
from zhifa.dispatch.hotline.parse import parse_hotline_file, parse_received_at
from zhifa.dispatch.hotline.services import hotline_import
from zhifa.dispatch.models import Event

HEADER = [
    "工单编号",
    "受理时间",
    "诉求内容",
    "标题",
    "反映人",
    "联系电话",
    "事发地址",
    "所属街道",
    "紧急程度",
    "经度",
    "纬度",
]
JIUBAO_ROW = [
    "HZ12345-20250301-0001",
    "2025-03-01 08:30:15",
    "某某路一家饭店油烟扰民，每天晚上排烟，熏得窗户都不能开",
    "饭店油烟扰民",
    "测试某某",
    "13800000001",
    "九堡街道某某路 1 号",
    "九堡街道",
    "一般",
    "",
    "",
]
NANXING_ROW = [
    "HZ12345-20250301-0002",
    "2025/3/1 9:05",
    "小区门口小吃店没有食品经营许可证，无证经营",
    "",
    "测试某某乙",
    "13800000002",
    "",
    "南星",
    "紧急",
    "",
    "",
]


def xlsx_bytes(rows: list[list], title_rows: list[list] | None = None, sheet: str = "工单") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in (title_rows or []) + rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def _row(**changes) -> list:
    row = dict(zip(HEADER, JIUBAO_ROW, strict=True))
    row.update(changes)
    return [row[h] for h in HEADER]


# --- good files ---------------------------------------------------------------------------------------------


def test_xlsx_import_routes_each_row_through_the_intake(district):
    w = district
    report = hotline_import(
        data=xlsx_bytes([HEADER, JIUBAO_ROW, NANXING_ROW]), filename="工单.xlsx", by=w.carol
    )
    assert report.count == 2 and report.dispatched == 2 and report.awaiting == 0
    jb = Event.objects.get(external_no="HZ12345-20250301-0001")
    assert jb.channel == "12345"
    assert jb.subdistrict == w.jiubao
    assert jb.lead_unit == w.jiubao_team  # delegated item in 九堡 → 九堡's comprehensive team
    assert jb.status == EventStatus.DISPATCHED
    assert (
        jb.title == "饭店油烟扰民" and jb.reporter_name == "测试某某" and jb.reporter_phone == "13800000001"
    )
    assert timezone.localtime(jb.received_at).replace(tzinfo=None) == datetime(2025, 3, 1, 8, 30, 15)
    assert jb.reporter == w.carol
    nx = Event.objects.get(external_no="HZ12345-20250301-0002")
    assert nx.subdistrict == w.nanxing  # "南星" is read as 南星街道
    assert nx.lead_unit == w.market_team  # not delegated → the district market team
    assert nx.priority == Priority.URGENT and nx.sla.code == "1315"
    assert nx.title.startswith("小区门口小吃店")
    audit = AuditRecord.objects.get(action="dispatch.hotline_import")
    assert audit.after["created"] == 2 and audit.after["rows"] == 2 and audit.after["filename"] == "工单.xlsx"
    assert AuditRecord.objects.filter(action="dispatch.event_intake").count() == 2


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_import_in_the_hotline_encodings(district, encoding):
    data = csv_bytes([HEADER, JIUBAO_ROW, NANXING_ROW], encoding)
    report = hotline_import(data=data, filename="export.CSV", by=district.carol)
    assert report.count == 2
    event = Event.objects.get(external_no="HZ12345-20250301-0001")
    assert event.lead_unit == district.jiubao_team
    assert "油烟扰民" in event.description and event.reporter_name == "测试某某"


def test_aliases_free_order_title_rows_and_unknown_columns(district):
    header = ["序号", "来电时间", "问题描述", "工单号", "办理状态", "街道", "来电号码"]
    rows = [
        header,
        [
            "1",
            datetime(2025, 3, 2, 14, 0),
            "九堡街道某某路饭店油烟扰民",
            20250302000123,
            "已办结",
            "九堡街道",
            "",
        ],
    ]
    data = xlsx_bytes(rows, title_rows=[["12345 热线工单导出"], ["导出时间：2025-03-03"]])
    report = hotline_import(data=data, filename="a.xlsx", by=district.carol)
    assert report.header_row == 3
    assert report.ignored_columns == ["序号", "办理状态"]
    event = report.events[0]
    assert event.external_no == "20250302000123"  # a number cell keeps all its digits
    assert timezone.localtime(event.received_at).hour == 14
    assert event.lead_unit == district.jiubao_team


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01 08:30:15", datetime(2025, 3, 1, 8, 30, 15)),
        ("2025/3/1 8:30", datetime(2025, 3, 1, 8, 30)),
        ("2025.03.01", datetime(2025, 3, 1)),
        ("2025年3月1日 8时30分", datetime(2025, 3, 1, 8, 30)),
        ("20250301083015", datetime(2025, 3, 1, 8, 30, 15)),
        ("2025-03-01T00:30:00Z", datetime(2025, 3, 1, 8, 30)),
        (45717.5, datetime(2025, 3, 1, 12, 0)),
        ("2025-02-30 08:00", None),
        ("三月一日", None),
    ],
)
def test_receipt_time_formats(text, expected):
    got = parse_received_at(text)
    if expected is None:
        assert got is None
    else:
        assert timezone.localtime(got).replace(tzinfo=None) == expected


# --- all or nothing -------------------------------------------------------------------------------------------


def test_any_bad_row_imports_nothing_and_every_error_is_named(district):
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    rows = [
        HEADER,
        JIUBAO_ROW,  # row 2: good
        _row(**{"工单编号": "A-3", "受理时间": "2025-13-01"}),  # row 3
        _row(**{"工单编号": "", "诉求内容": ""}),  # row 4: two missing cells
        _row(**{"工单编号": "A-5", "受理时间": future}),  # row 5
        _row(**{"工单编号": "A-6", "经度": "120.2", "纬度": ""}),  # row 6
        _row(**{"工单编号": "A-7", "经度": "30.28", "纬度": "120.21"}),  # row 7: swapped
        _row(**{"工单编号": "A-8", "诉求内容": "油" * 2001, "紧急程度": "很急"}),  # row 8
        _row(**{"工单编号": "A-9", "所属街道": "西湖街道"}),  # row 9
        [],  # row 10: blank, skipped
        _row(**{"工单编号": "A-11", "经度": "东经120度", "纬度": "30.3"}),  # row 11
    ]
    with pytest.raises(ImportRejected) as exc:
        hotline_import(data=xlsx_bytes(rows), filename="bad.xlsx", by=district.carol)
    assert Event.objects.count() == 0
    assert not AuditRecord.objects.filter(action__startswith="dispatch.").exists()
    got = [(e["row"], e["column"], e["message"]) for e in exc.value.errors]
    assert got == [
        (3, "受理时间", "受理时间“2025-13-01”不是有效的日期时间（请检查月、日、时、分）"),
        (4, "工单编号", "工单编号不能为空"),
        (4, "诉求内容", "诉求内容不能为空"),
        (5, "受理时间", f"受理时间“{future}”晚于当前时间"),
        (6, "纬度", "经度和纬度须同时填写"),
        (7, "经度", "经度“30.28”和纬度“120.21”填反了，请对调后重新导入"),
        (8, "诉求内容", "诉求内容不能超过 2000 字（现为 2001 字）"),
        (8, "紧急程度", "紧急程度“很急”无效，应填写“紧急”或“一般”"),
        (9, "所属街道", "所属街道“西湖街道”不是本区的街道"),
        (11, "经度", "经度“东经120度”不是数字"),
    ]
    assert exc.value.errors[0]["cell"] == "B3" and exc.value.errors[0]["field"] == "第3行·受理时间"
    assert exc.value.message == "导入失败：8 行共 10 处错误，未导入任何工单。请改正后重新上传整个文件"
    assert exc.value.status == 400


def test_duplicate_order_number_inside_the_file(district):
    rows = [HEADER, JIUBAO_ROW, NANXING_ROW, _row(**{"受理时间": "2025-03-01 10:00"})]
    with pytest.raises(ImportRejected) as exc:
        hotline_import(data=csv_bytes(rows), filename="dup.csv", by=district.carol)
    assert [(e["row"], e["column"], e["message"]) for e in exc.value.errors] == [
        (4, "工单编号", "工单编号“HZ12345-20250301-0001”与第 2 行重复")
    ]
    assert Event.objects.count() == 0


def test_order_number_already_imported_is_refused(district):
    first = hotline_import(data=csv_bytes([HEADER, JIUBAO_ROW]), filename="a.csv", by=district.carol)
    receipt = first.events[0].receipt_no
    with pytest.raises(ImportRejected) as exc:
        hotline_import(data=csv_bytes([HEADER, NANXING_ROW, JIUBAO_ROW]), filename="b.csv", by=district.carol)
    assert [(e["row"], e["message"]) for e in exc.value.errors] == [
        (3, f"工单编号“HZ12345-20250301-0001”已导入过（受理编号 {receipt}），不能重复导入")
    ]
    assert Event.objects.count() == 1


def test_the_database_refuses_a_second_event_with_the_same_order_number(district):
    event_intake(channel="12345", description="九堡街道油烟扰民", external_no="X-1")
    with pytest.raises(Conflict):
        event_intake(channel="12345", description="九堡街道油烟扰民", external_no="X-1")
    # The same number from another channel is another system's number.
    event_intake(channel="department", description="九堡街道油烟扰民", external_no="X-1")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(channel="department").update(channel="12345")


class _FailOnInsert:
    """A database that refuses the n-th new event (Django's execute_wrapper: the failure is the database's)."""

    def __init__(self, n: int, error: Exception):
        self.n, self.error, self.seen = n, error, 0

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith('INSERT INTO "DISPATCH_EVENT"'):
            self.seen += 1
            if self.seen == self.n:
                raise self.error
        return execute(sql, params, many, context)


def test_intake_failing_half_way_leaves_nothing(district):
    from django.db import OperationalError, connection

    rows = [HEADER, JIUBAO_ROW, NANXING_ROW, _row(**{"工单编号": "A-4"})]
    failing = _FailOnInsert(3, OperationalError("disk I/O error"))
    with connection.execute_wrapper(failing), pytest.raises(OperationalError):
        hotline_import(data=csv_bytes(rows), filename="x.csv", by=district.carol)
    assert failing.seen == 3  # two events were written before the failure …
    assert Event.objects.count() == 0  # … and rolled back with it
    assert not AuditRecord.objects.filter(action__startswith="dispatch.").exists()


def test_a_concurrent_import_of_the_same_number_is_a_conflict(district):
    from django.db import IntegrityError, connection

    rows = [HEADER, JIUBAO_ROW, NANXING_ROW]
    failing = _FailOnInsert(2, IntegrityError("duplicate key value violates unique constraint"))
    with connection.execute_wrapper(failing), pytest.raises(Conflict) as exc:
        hotline_import(data=csv_bytes(rows), filename="x.csv", by=district.carol)
    assert exc.value.status == 409
    assert exc.value.message == "导入期间有相同工单编号的工单被其他人导入，本次未导入任何工单，请重新上传"
    assert Event.objects.count() == 0


# --- the file itself ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.csv", "文件为空"),
        (b"hello", "a.pdf", "不支持的文件类型“a.pdf”，请上传 12345 系统导出的 .xlsx 或 .csv 文件"),
        (b"PK\x03\x04 not really", "a.xlsx", "无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式"),
        (
            "工单编号,受理时间,诉求内容\n".encode(),
            "a.csv",
            "文件中没有工单数据：表头在第 1 行，其下每行应为一张工单",
        ),
        (
            "工单编号,诉求内容\nA-1,油烟\n".encode(),
            "a.csv",
            "缺少必填列：“受理时间”（或 来电时间、登记时间）。表头在第 1 行",
        ),
        (
            "名称,数量\n苹果,1\n".encode(),
            "a.csv",
            "未找到表头：前 10 行中没有 “工单编号”、“受理时间”、“诉求内容” 等列，请使用导入模板的表头",
        ),
    ],
)
def test_file_level_errors(district, data, filename, message):
    with pytest.raises(ServiceError) as exc:
        hotline_import(data=data, filename=filename, by=district.carol)
    assert exc.value.message == message
    assert exc.value.errors == [{"field": "file", "message": message}]


def test_size_and_row_limits(district):
    with pytest.raises(ServiceError) as exc:
        hotline_import(data=b"x" * (MAX_BYTES + 1), filename="big.csv", by=district.carol)
    assert exc.value.message == "文件过大（5.0 MB），12345 工单导入上限为 5.0 MB"
    rows = [HEADER] + [_row(**{"工单编号": f"N-{i}"}) for i in range(MAX_ROWS + 1)]
    with pytest.raises(ServiceError) as exc:
        parse_hotline_file(data=csv_bytes(rows), filename="many.csv")
    assert exc.value.message == "文件中有 5001 行工单，超过单次导入上限 5000 行，请拆分后分批导入"


# --- who may import ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "message"),
    [("alice", "只有区协调指挥中心可以导入 12345 工单"), ("olga", "只有区协调指挥中心可以导入 12345 工单")],
)
def test_only_the_district_command_imports(district, who, message):
    with pytest.raises(PermissionError_) as exc:
        hotline_import(data=csv_bytes([HEADER, JIUBAO_ROW]), filename="a.csv", by=getattr(district, who))
    assert exc.value.message == message and exc.value.status == 403
    assert Event.objects.count() == 0


def test_admin_may_import(district):
    report = hotline_import(data=csv_bytes([HEADER, JIUBAO_ROW]), filename="a.csv", by=district.root)
    assert report.count == 1


# --- the page, the template and the API ----------------------------------------------------------------------

PAGE = "/dispatch/imports/hotline/"
API = "/api/v1/dispatch/imports/hotline"


def _upload(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_page_lists_row_errors_and_imports_nothing(district, clients):
    rows = [HEADER, JIUBAO_ROW, _row(**{"工单编号": "A-3", "受理时间": "昨天下午"}), NANXING_ROW + ["多余"]]
    rows[0] = HEADER + ["备注"]
    res = clients["carol"].post(PAGE, {"file": _upload(xlsx_bytes(rows), "工单.xlsx")})
    assert res.status_code == 400
    body = res.content.decode()
    assert "导入失败：1 行共 1 处错误，未导入任何工单" in body
    assert "第 3 行" in body and "B3" in body and "受理时间“昨天下午”无法识别" in body
    assert "未使用的列：备注" in body
    assert Event.objects.count() == 0


def test_page_imports_and_lists_receipts_and_units(district, clients):
    res = clients["carol"].post(
        PAGE, {"file": _upload(csv_bytes([HEADER, JIUBAO_ROW, NANXING_ROW], "gb18030"), "a.csv")}
    )
    assert res.status_code == 200
    body = res.content.decode()
    assert "已导入 2 张 12345 工单：自动派发 2 张" in body
    event = Event.objects.get(external_no="HZ12345-20250301-0001")
    assert event.receipt_no in body and "九堡街道综合行政执法队" in body and "区市场监管综合执法大队" in body
    assert "/dispatch/?channel=12345&amp;status=all" in body


def test_page_as_htmx_fragment_and_file_errors(district, clients):
    res = clients["carol"].post(PAGE, {"file": _upload(b"%PDF-1.4", "scan.pdf")}, HTTP_HX_REQUEST="true")
    assert res.status_code == 400
    body = res.content.decode()
    assert body.lstrip().startswith('<div id="import-panel"')  # the fragment, not the page
    assert "不支持的文件类型“scan.pdf”" in body
    res = clients["carol"].post(PAGE, {})
    assert res.status_code == 400 and "请选择要导入的文件" in res.content.decode()


def test_page_refuses_an_oversized_file_before_reading_it(district, clients, monkeypatch):
    import zhifa.dispatch.hotline.parse as importing  # where check_upload_size reads its limit

    monkeypatch.setattr(importing, "MAX_BYTES", 1024)
    res = clients["carol"].post(PAGE, {"file": _upload(b"x" * 2048, "big.csv")})
    assert res.status_code == 400
    assert "文件过大（2.0 KB），12345 工单导入上限为 1.0 KB" in res.content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 403), ("olga", 403), ("otto", 403), ("carol", 200), ("root", 200)]
)
def test_page_and_template_permissions(district, clients, who, status):
    assert clients[who].get(PAGE).status_code == status
    assert clients[who].get(PAGE + "template.xlsx").status_code == status
    nav = clients[who].get("/dispatch/").content.decode()
    assert ("12345 导入" in nav) is (status == 200)


def test_alice_cannot_post_a_file(district, clients):
    res = clients["alice"].post(PAGE, {"file": _upload(csv_bytes([HEADER, JIUBAO_ROW]), "a.csv")})
    assert res.status_code == 403 and Event.objects.count() == 0


def test_the_template_imports_as_it_is(district, clients):
    from openpyxl import load_workbook

    res = clients["carol"].get(PAGE + "template.xlsx")
    assert res["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(res.content))
    assert wb.sheetnames == ["12345工单", "填写说明"]
    assert [c.value for c in wb["12345工单"][1]] == HEADER
    report = hotline_import(data=res.content, filename="12345工单导入模板.xlsx", by=district.carol)
    assert report.count == 1 and report.events[0].lead_unit == district.jiubao_team


def test_api_import(district, clients):
    data = csv_bytes([HEADER, JIUBAO_ROW, NANXING_ROW], "gb18030")
    res = clients["carol"].post(API, {"file": _upload(data, "a.csv")})
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["count"] == 2 and body["dispatched"] == 2 and body["awaiting_dispatch"] == 0
    first = body["events"][0]
    assert first["external_no"] == "HZ12345-20250301-0001" and first["channel"] == "12345"
    assert first["lead_unit"] == {"code": "ST-330102018", "name": "九堡街道综合行政执法队"}
    again = clients["carol"].post(API, {"file": _upload(data, "a.csv")})
    assert again.status_code == 400
    errors = again.json()["errors"]
    assert [(e["row"], e["column"], e["cell"]) for e in errors] == [
        (2, "工单编号", "A2"),
        (3, "工单编号", "A3"),
    ]
    assert errors[0]["field"] == "第2行·工单编号" and "已导入过" in errors[0]["message"]
    assert Event.objects.count() == 2


@pytest.mark.parametrize("who", ["alice", "olga"])
def test_api_import_refused(district, clients, who):
    res = clients[who].post(API, {"file": _upload(csv_bytes([HEADER, JIUBAO_ROW]), "a.csv")})
    assert res.status_code == 403
    assert res.json()["message"] == "只有区协调指挥中心可以导入 12345 工单"
    assert Event.objects.count() == 0


def test_imported_order_number_shows_in_ledger_search_and_detail(district, clients):
    from openpyxl import load_workbook

    from zhifa.dispatch.events.ledger import HEADER as LEDGER

    hotline_import(data=csv_bytes([HEADER, JIUBAO_ROW]), filename="a.csv", by=district.carol)
    event = Event.objects.get()
    ws = load_workbook(io.BytesIO(clients["carol"].get("/dispatch/ledger.xlsx").content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][LEDGER.index("外部编号")] == "HZ12345-20250301-0001"
    board = (
        clients["carol"].get("/dispatch/", {"q": "HZ12345-20250301-0001", "status": "all"}).content.decode()
    )
    assert event.receipt_no in board
    assert "HZ12345-20250301-0001" in clients["carol"].get(f"/dispatch/events/{event.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_of_one_file_create_each_order_once(district):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL (SQLite serialises writers)")
    data = csv_bytes([HEADER, JIUBAO_ROW, NANXING_ROW])
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(hotline_import(data=data, filename="a.csv", by=district.carol).count)
        except ServiceError as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert counts == [2] and len(refused) == 1
    # Refused either by the database during intake (409) or, if the winner had committed, by the check (400).
    assert refused[0].status in (400, 409) and "未导入任何工单" in refused[0].message
    assert Event.objects.filter(channel="12345").count() == 2


def test_directory_batch_reads_once_and_only_inside_the_batch():
    from zhifa.core.memo import batch_memo
    from zhifa.core.memo import memo_batch as directory_batch

    calls = []

    def build():
        calls.append(1)
        return object()

    with directory_batch():
        first = batch_memo("x", build)
        with directory_batch():  # a nested batch keeps the outer one's memo
            assert batch_memo("x", build) is first
        assert batch_memo("x", build) is first
    assert len(calls) == 1
    assert batch_memo("x", build) is not first  # outside a batch every call builds
    assert len(calls) == 2


# --- decompression bombs at both doors --------------------------------------------------------------------------


@pytest.mark.parametrize("bomb", ["cells", "dense"])
def test_a_decompression_bomb_is_refused_fast_on_the_page_and_the_api(district, clients, bomb):
    from tests.core.test_tabular import CELLS_REFUSED, cell_bomb, dense_bomb, fast, unzipped_refusal

    content = cell_bomb() if bomb == "cells" else dense_bomb()
    assert len(content) < MAX_BYTES
    message = unzipped_refusal(content) if bomb == "cells" else CELLS_REFUSED
    # Warm up (the first request of a process loads the URL map, templates and API), then time the refusal.
    assert clients["carol"].get(PAGE).status_code == 200
    assert clients["carol"].get("/api/v1/dispatch/events").status_code == 200
    with fast():
        res = clients["carol"].post(PAGE, {"file": _upload(content, "工单.xlsx")})
    assert res.status_code == 400
    assert message in res.content.decode()
    with fast():
        res = clients["carol"].post(API, {"file": _upload(content, "工单.xlsx")})
    assert res.status_code == 400
    assert res.json() == {"message": message, "errors": [{"field": "file", "message": message}]}
    assert Event.objects.count() == 0
    assert not AuditRecord.objects.filter(action__startswith="dispatch.").exists()
