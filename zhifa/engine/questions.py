"""Checklist questions a shop understands, derived from an enforcement item's title (执法事项名称).

Catalog titles name the penalty ("对未取得食品经营许可从事食品经营活动的行政处罚"); on site the officer asks
about the conduct. The rule, applied in order to the conduct (the title without "对…的行政处罚"):

1. (The caller's override for the item — a reviewed wording for a high-frequency item — wins over the rule:
   ``zhifa/inspections/data/checklist_questions.csv``.)
2. The actor in front ("食品经营者", "生产经营单位", "燃气用户及相关单位和个人" …) is dropped: the question is
   put to the one being inspected.
3. "未取得 X …" (X a licence, permit, certificate, registration) → "是否取得 X？" — a requirement.
4. "未经批准/许可/同意/核准 [擅自] Y" → "Y 是否经过批准/…？" — a requirement.
5. A leading duty left undone — "未 Y", "不按(照)规定 Y", "拒不 Y", "不履行/不执行/不及时/不正常/不设置/不作 Y",
   also after a short context ("进货时未查验…") — → "[context]是否 Y？", with later "或者未/或者不" read as
   "并" and "、未/、不" as "、" — a requirement.
6. Anything else is a prohibited conduct → "是否存在 Z 的情况？" — where "存在" means 违法.

A title of another shape (not "对…的…") is asked as "是否符合：<title>？". ``kind`` tells the page how to
read the marks: for a requirement 合规 means done; for a prohibition 合规 means not found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REQUIREMENT = "requirement"
PROHIBITION = "prohibition"

_TITLE = re.compile(r"^对(?P<conduct>.+?)的(?:行政处罚|行政强制|处罚)$")
_CHECK = re.compile(r"^对(?P<what>.+?)的行政检查$")
# Who the title names as the offender: dropped, since the question is put to the one inspected.
_ACTOR = re.compile(
    r"^(?:(?!安排|允许)[^，、。；未不擅违在向将对（]){0,16}?"
    r"(?:用户及相关单位和个人|单位和个人|单位、个人|导游、领队|经营者和管理者|经营者|提供者|生产经营单位|经营单位"
    r"|使用单位|用人单位|建设单位|施工单位|服务单位|维护保养单位|供水单位|运营单位|管理单位|单位|企业|机构"
    r"|平台公司|公司|从业人员|管理人员|人员(?!密集)|驾驶员|领队|导游|个人|当事人|义务人|管理责任人|责任人|排水户"
    r"|摊贩|开办者|举办者|出租者|销售者|管理者|市场主体)"
    r"(?:（[^）]*）)?(?:的(?:主要|其他)负责人)?"
)
_LICENCE = re.compile(
    r"^未(?:依法)?取得(?P<x>.+?(?:许可证|许可(?!证)|执照|证书|(?<!证)证(?!书)|资质(?:证书)?|登记|证明|批准)》?)"
)
_APPROVAL = re.compile(
    r"^未经(?P<who>[^，、或]{0,8}?)(?P<what>批准|许可|同意|核准)(?:擅自)?(?P<rest>(?!或者).+)$"
)
_DUTY = re.compile(
    r"^(?P<ctx>(?:[^，、的未不]{0,8}?(?:时|前|后|期间|工地|住房|出户|设备|燃气|车辆|建筑|场所))?)"
    r"(?P<neg>未按照|未按|未依法|未依照|未|不按照|不按|拒不|不履行|不执行|不及时|不正常|不设置|不作|不对)"
    r"(?P<rest>.+)$"
)
_NOT_A_DUTY = re.compile(r"^(?:经|成年|予|(?:取得|获得).*?的(?:从业)?人员)")
_KEEP = {
    "未按照": "按照", "未按": "按", "未依法": "依法", "未依照": "依照", "不按照": "按照", "不按": "按",
    "不履行": "履行", "不执行": "执行", "不及时": "及时", "不正常": "正常", "不设置": "设置", "不作": "作",
    "不对": "对",
}  # fmt: skip
# What follows a duty but is not part of it: its consequence ("造成…"), or a further offence in the title.
_CONSEQUENCE = re.compile(r"造成|致使|影响|超过|低于|情节严重|逾期")
_SEPARATOR = re.compile(r"或者|，|、")
_NEGATED = re.compile(r"未|不|拒|违规|违反")


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # REQUIREMENT: 合规 = done; PROHIBITION: 合规 = not found
    source: str  # "override" or "rule"


def conduct_of(title: str) -> str | None:
    """The conduct a penalty title is about, or None when the title is not of the form "对…的行政处罚"."""
    found = _TITLE.match((title or "").strip())
    return found.group("conduct") if found else None


def _drop_actor(conduct: str) -> str:
    """Drop the offender named in front, also a list of them ("…的其他负责人和安全生产管理人员")."""
    found = _ACTOR.match(conduct)
    while found and len(conduct) - found.end() >= 4:
        conduct = conduct[found.end() :]
        if conduct[:1] not in "、和":
            break
        found = _ACTOR.match(conduct[1:])
        if found:
            conduct = conduct[1:]
    return conduct


def _and(rest: str) -> str:
    for old, new in (
        ("或者未按照", "并按照"),
        ("或者未", "并"),
        ("或者不", "并"),
        ("、未", "、"),
        ("、不", "、"),
    ):
        rest = rest.replace(old, new)
    return rest


def _first_duty(rest: str) -> str:
    """The duty itself: up to its consequence, and up to the separator before a further negated offence."""
    found = _CONSEQUENCE.search(rest)
    if found and found.start() > 0:
        rest = rest[: found.start()]
    seps = list(_SEPARATOR.finditer(rest))
    for n, sep in enumerate(seps):
        end = seps[n + 1].start() if n + 1 < len(seps) else len(rest)
        if _NEGATED.search(rest[sep.end() : end]):
            return rest[: sep.start()]
    return rest


def question_for(title: str) -> Question:
    """The question for one item; see the module docstring for the rule."""
    conduct = conduct_of(title)
    kind = REQUIREMENT
    check = _CHECK.match((title or "").strip())
    if check:
        text = f"{_drop_actor(check.group('what'))}是否符合规定？"
    elif conduct is not None:
        conduct = _drop_actor(conduct)
        licence = _LICENCE.match(conduct)
        approval = _APPROVAL.match(conduct)
        duty = _DUTY.match(conduct)
        if licence:
            text = f"是否取得{licence.group('x')}？"
        elif approval:
            rest = _first_duty(approval.group("rest"))
            text = f"{rest}是否经过{approval.group('who')}{approval.group('what')}？"
        elif duty and not _NOT_A_DUTY.match(duty.group("rest")):
            rest = _first_duty(_and(duty.group("rest")))
            text = f"{duty.group('ctx')}是否{_KEEP.get(duty.group('neg'), '')}{rest}？"
        else:
            kind = PROHIBITION
            text = f"是否存在{conduct}的情况？"
    else:
        text = f"是否符合：{(title or '').strip()}？"
    return Question(text, kind, "rule")
