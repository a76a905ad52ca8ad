"""Columns, limits and result types of the 12345 work-order import."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from zhifa.core.errors import ServiceError
from zhifa.core.tabular import Column as TableColumn
from zhifa.dispatch.choices import EventStatus, Priority
from zhifa.dispatch.events.intake import MAX_EXTERNAL_NO, MAX_TEXT

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
class Column(TableColumn):
    max_length: int | None = None


COLUMNS = (
    Column(
        "external_no",
        "工单编号",
        aliases=(
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
        aliases=(
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
        aliases=(
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
    Column("title", "标题", aliases=("工单标题", "诉求标题", "主题", "诉求主题", "title"), max_length=120),
    Column(
        "reporter_name",
        "反映人",
        aliases=("来电人", "诉求人", "反映人姓名", "来电人姓名", "联系人", "姓名", "reporter_name"),
        max_length=50,
    ),
    Column(
        "reporter_phone",
        "联系电话",
        aliases=("电话", "来电号码", "来电电话", "联系方式", "手机号", "手机号码", "手机", "reporter_phone"),
        max_length=20,
    ),
    Column(
        "address",
        "事发地址",
        aliases=("地址", "事发地点", "发生地址", "问题地址", "详细地址", "事件地址", "address"),
        max_length=200,
    ),
    Column(
        "subdistrict",
        "所属街道",
        aliases=("街道", "所在街道", "属地街道", "街道（乡镇）", "镇街", "subdistrict"),
    ),
    Column("priority", "紧急程度", aliases=("紧急度", "缓急程度", "是否紧急", "优先级", "priority")),
    Column("lng", "经度", aliases=("lng", "lon", "longitude")),
    Column("lat", "纬度", aliases=("lat", "latitude")),
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
