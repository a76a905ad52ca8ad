"""What the demo's case walk shares: the plan of a case, the rows collected, and reading an item's 罚则."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from zhifa.cases.choices import (
    Outcome,
    Procedure,
)
from zhifa.cases.models import (
    CaseDocument,
)
from zhifa.catalog.models import EnforcementItem
from zhifa.org.models import Unit

TRANSFER_TO = ("杭州市公安局上城区分局",)
WITHDRAW_REASONS = (
    "经调查，违法事实不能成立，撤销立案",
    "经核实，当事人并非违法行为实施者，撤销立案",
)
NOT_FILED_REASONS = (
    "经核查，现场未发现违法行为，不予立案",
    "违法行为轻微并已当场改正，没有造成危害后果，不予立案",
    "经核查，该问题已由其他部门立案查处，不予立案",
)
SERVICE_CONTENT = ("参加社区环境卫生整治志愿服务", "协助网格员开展文明劝导", "参加垃圾分类宣传志愿服务")
CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
RANGE = re.compile(r"([一二两三四五六七八九十百千万零\d]+)元以上([一二两三四五六七八九十百千万零\d]+)元以下")
LAW = re.compile(r"《[^》]+》")


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch.isdigit():
            digit = digit * 10 + int(ch)
        elif ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch == "万":
            total += (section + digit) * 10000
            section = digit = 0
        else:
            section += (digit or 1) * CN_UNITS[ch]
            digit = 0
    return total + section + digit


def fine_range(item) -> tuple[int, int] | None:
    """The fine the 罚则 allows (the first "X元以上Y元以下"), or None for an item without a fine."""
    m = RANGE.search(item.penalty_basis or "")
    if m:
        return _cn_number(m.group(1)), _cn_number(m.group(2))
    return (200, 2000) if "罚款" in (item.penalty_basis or "") else None


def conduct(item) -> str:
    name = item.name.removeprefix("对")
    for end in ("的行政处罚", "的处罚"):
        name = name.removesuffix(end)
    return name


@dataclass
class Plan:
    """One case as drawn, before its procedure is walked."""

    source: str
    unit: Unit
    item: EnforcementItem
    discovered_on: date
    filed_on: date
    place: str
    subject: dict | None = None  # a subject row (id, name, uscc, address)
    event_id: int | None = None
    violation_id: int | None = None
    procedure: str = Procedure.ORDINARY
    ending: str = ""  # not_filed / withdrawn / transferred, or "" for a case that runs its course
    outcome: str = Outcome.PENALTY
    hearing: bool = False  # the party will ask for a hearing (a fine large enough to give it the right)
    stall: bool = False
    non_payer: bool = False
    stop_at: str = ""  # the stage the case is held at (showcase)


@dataclass
class Doc:
    row: CaseDocument
    kind: str
    order: tuple


@dataclass
class Built:
    cases: list = field(default_factory=list)
    parties: list = field(default_factory=list)
    causes: list = field(default_factory=list)
    officers: list = field(default_factory=list)
    docs: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    responses: list = field(default_factory=list)
    hearings: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    discussions: list = field(default_factory=list)
    extensions: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    studies: list = field(default_factory=list)
    services: list = field(default_factory=list)
