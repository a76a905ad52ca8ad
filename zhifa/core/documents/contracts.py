"""The context contract of each enforcement document (执法文书): one dataclass per template, its fields
named and typed, optional ones with a default. Rules across fields live in each document's `check`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, is_dataclass
from decimal import Decimal
from typing import ClassVar, Literal

from zhifa.core.documents.data import local_time
from zhifa.core.errors import ServiceError


class DocumentError(ServiceError):
    """A document cannot be made: its data breaks the contract, its template is broken, or a font is missing."""


def _items(minimum: int = 0):
    """A list field with at least `minimum` entries."""
    return field(default_factory=list, metadata={"min_items": minimum})


def _required_items(minimum: int):
    return field(metadata={"min_items": minimum})


# --- parts shared by several documents ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Agency:
    """执法机关: the unit whose name heads the document and whose seal it carries."""

    name: str
    review_body: str  # 行政复议机关, e.g. the district government (行政复议法 2023 第二十四条)
    court: str | None = None  # 人民法院 for 行政诉讼; none → "依法向人民法院提起行政诉讼"
    address: str | None = None
    contact: str | None = None  # 联系人
    phone: str | None = None


@dataclass(frozen=True, kw_only=True)
class Party:
    """当事人: an organisation (统一社会信用代码) or a person (身份证件号码)."""

    kind: Literal["organisation", "person"]
    name: str
    uscc: str | None = None
    id_number: str | None = None
    address: str | None = None
    legal_representative: str | None = None  # 法定代表人（负责人）, organisations only
    phone: str | None = None


@dataclass(frozen=True, kw_only=True)
class Officer:
    """执法人员 with the number of the enforcement certificate (行政处罚法 第四十二条: at least two)."""

    name: str
    certificate_number: str


@dataclass(frozen=True, kw_only=True)
class Opinion:
    """A signed opinion in an approval form; a missing one leaves the box blank for a handwritten one."""

    text: str
    signer: str | None = None
    signed_on: dt.date | None = None


@dataclass(frozen=True, kw_only=True)
class Person:
    """在场人 / 被询问人."""

    name: str
    gender: Literal["男", "女"] | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    employer: str | None = None  # 工作单位
    position: str | None = None  # 职务
    relation: str | None = None  # 与当事人关系


@dataclass(frozen=True, kw_only=True)
class QuestionAnswer:
    question: str
    answer: str


@dataclass(frozen=True, kw_only=True)
class ServedDocument:
    title: str
    number: str | None = None


# --- the documents ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DocumentContext:
    """Fields every document has. `qr_code` is the 行政行为码 (PNG or SVG bytes), printed top right on page 1."""

    template: ClassVar[str] = ""
    title: ClassVar[str] = ""

    agency: Agency
    qr_code: bytes | None = None
    qr_caption: str = "扫码核验行政行为码"

    def check(self) -> list[tuple[str, str]]:
        """Rules across fields: (field, message) for each one broken."""
        return []


@dataclass(frozen=True, kw_only=True)
class CaseFilingApproval(DocumentContext):
    template: ClassVar[str] = "case_filing_approval"
    title: ClassVar[str] = "立案审批表"

    number: str  # 案件编号
    cause: str  # 案由
    source: str  # 案件来源: 监督检查, 投诉举报, 移送 …
    found_on: dt.date  # 发现（受案）日期
    parties: list[Party] = _required_items(1)
    facts: str  # 简要案情
    legal_basis: str  # 涉嫌违反的规定
    officers: list[Officer] = _required_items(2)
    proposal: str  # 承办人意见
    proposed_on: dt.date
    department_opinion: Opinion | None = None  # 承办机构意见
    leader_opinion: Opinion | None = None  # 执法机关负责人审批意见


@dataclass(frozen=True, kw_only=True)
class SiteInspectionRecord(DocumentContext):
    template: ClassVar[str] = "site_inspection_record"
    title: ClassVar[str] = "现场检查笔录"

    number: str | None = None
    started_at: dt.datetime
    ended_at: dt.datetime
    place: str
    inspectors: list[Officer] = _required_items(2)
    recorder: str
    party: Party
    present_person: Person | None = None  # 现场负责人或在场人
    recusal_answer: str = "不申请回避。"
    findings: str  # 检查情况
    evidence: list[str] = _items()  # 现场取证: 拍照、录像、抽样 …
    measures: str | None = None  # 现场采取的措施
    party_opinion: str | None = None  # 当事人（在场人）意见

    def check(self):
        return _not_before("ended_at", self.ended_at, self.started_at, "检查结束时间不能早于开始时间")


@dataclass(frozen=True, kw_only=True)
class InquiryRecord(DocumentContext):
    template: ClassVar[str] = "inquiry_record"
    title: ClassVar[str] = "询问笔录"

    number: str | None = None
    cause: str  # 案由
    sequence: int = 1  # 第几次询问
    started_at: dt.datetime
    ended_at: dt.datetime
    place: str
    interviewers: list[Officer] = _required_items(2)
    recorder: str
    interviewee: Person
    recusal_answer: str = "不申请回避。"
    questions: list[QuestionAnswer] = _required_items(1)

    def check(self):
        return _not_before("ended_at", self.ended_at, self.started_at, "询问结束时间不能早于开始时间")


@dataclass(frozen=True, kw_only=True)
class CorrectionOrder(DocumentContext):
    template: ClassVar[str] = "correction_order"
    title: ClassVar[str] = "责令改正通知书"

    number: str
    party: Party
    facts: str  # 经查明的违法事实
    legal_basis: str  # 违反的规定
    order_basis: str  # 责令改正的依据
    deadline: dt.date | None = None  # none → 立即改正
    requirements: str  # 改正内容和要求
    issued_on: dt.date


@dataclass(frozen=True, kw_only=True)
class _CaseFindings(DocumentContext):
    """What a notice and the decisions all state: the party, the case, the facts, their evidence, the law broken."""

    number: str
    party: Party
    cause: str
    filed_on: dt.date
    facts: str
    evidence: list[str] = _required_items(1)
    legal_basis: str  # 违反的规定（理由）
    issued_on: dt.date


@dataclass(frozen=True, kw_only=True)
class _Penalty(_CaseFindings):
    """The penalty a notice intends and a decision imposes."""

    penalty_basis: str  # 处罚依据
    discretion: str | None = None  # 裁量理由
    penalties: list[str] = _items()  # 罚没款以外的处罚: 警告, 责令停产停业 …
    fine: Decimal | None = None
    confiscation: Decimal | None = None  # 没收违法所得

    def check(self):
        if not (self.penalties or self.fine or self.confiscation):
            return [("penalties", "行政处罚内容不能为空（penalties、fine、confiscation 至少一项）")]
        return []


@dataclass(frozen=True, kw_only=True)
class PenaltyNotice(_Penalty):
    """行政处罚事先告知书 (行政处罚法 第四十四、四十五条; hearing right 第六十三、六十四条)."""

    template: ClassVar[str] = "penalty_notice"
    title: ClassVar[str] = "行政处罚事先告知书"

    statement_days: int = 5  # 陈述申辩期限（日）
    hearing_right: bool  # whether 第六十三条 gives the party a hearing

    def check(self):
        if self.statement_days < 1:
            return [("statement_days", "陈述申辩期限至少为 1 日")]
        return super().check()


@dataclass(frozen=True, kw_only=True)
class HearingNotice(DocumentContext):
    """听证通知书: the hearing is notified at least seven days before it is held (行政处罚法 第六十四条)."""

    template: ClassVar[str] = "hearing_notice"
    title: ClassVar[str] = "听证通知书"

    number: str
    party: Party
    cause: str
    requested_on: dt.date | None = None  # 当事人申请听证日期
    hearing_at: dt.datetime
    place: str
    host: str  # 听证主持人: not an investigator of the case
    members: list[str] = _items()  # 听证员
    clerk: str  # 记录员
    public: bool = True
    notified_on: dt.date

    def check(self):
        held_on = local_time(self.hearing_at).date()
        if held_on < self.notified_on + dt.timedelta(days=7):
            return [("hearing_at", "听证应当在通知之日起七日后举行（行政处罚法第六十四条）")]
        return []


@dataclass(frozen=True, kw_only=True)
class PenaltyDecision(_Penalty):
    """行政处罚决定书 with payment (第六十七条), the late fee (第七十二条) and the remedies."""

    template: ClassVar[str] = "penalty_decision"
    title: ClassVar[str] = "行政处罚决定书"

    notice_number: str | None = None  # 事先告知书文号
    notice_served_on: dt.date | None = None
    statement: str | None = None  # 陈述申辩、听证情况及采纳情况
    payment_method: str = "到指定的银行或者通过电子支付系统"


@dataclass(frozen=True, kw_only=True)
class NoPenaltyDecision(_CaseFindings):
    """不予行政处罚决定书 (行政处罚法 第三十三条)."""

    template: ClassVar[str] = "no_penalty_decision"
    title: ClassVar[str] = "不予行政处罚决定书"

    reasons: str  # 不予处罚的理由: 违法行为轻微并及时改正，没有造成危害后果 …
    no_penalty_basis: str  # e.g. 《中华人民共和国行政处罚法》第三十三条第一款
    education: str | None = None  # 批评教育、以学代罚等


@dataclass(frozen=True, kw_only=True)
class ServiceReceipt(DocumentContext):
    template: ClassVar[str] = "service_receipt"
    title: ClassVar[str] = "送达回证"

    case_number: str | None = None
    documents: list[ServedDocument] = _required_items(1)
    recipient: str  # 受送达人
    address: str  # 送达地点
    method: str  # 直接送达、留置送达、邮寄送达、电子送达 …
    servers: list[str] = _required_items(1)  # 送达人
    served_at: dt.datetime | None = None  # blank → written by hand
    proxy: str | None = None  # 代收人及代收理由
    witness: str | None = None  # 见证人（留置送达）
    remarks: str | None = None


@dataclass(frozen=True, kw_only=True)
class CaseClosingReport(DocumentContext):
    template: ClassVar[str] = "case_closing_report"
    title: ClassVar[str] = "结案报告"

    case_number: str
    cause: str
    parties: list[Party] = _required_items(1)
    filed_on: dt.date
    decision_number: str | None = None
    decided_on: dt.date | None = None
    outcome: str  # 处理结果
    fine: Decimal | None = None
    paid: Decimal | None = None  # 已缴纳罚没款
    late_fee: Decimal | None = None  # 加处罚款
    execution: str  # 执行情况
    closing_reason: str
    officers: list[Officer] = _required_items(2)
    proposed_on: dt.date
    department_opinion: Opinion | None = None
    leader_opinion: Opinion | None = None
    closed_on: dt.date | None = None


@dataclass(frozen=True, kw_only=True)
class Row:
    label: str
    text: str


@dataclass(frozen=True, kw_only=True)
class RecordForm(DocumentContext):
    """An approval form or record without a layout of its own (审批表、审核意见书、公示 …): its heading, then
    labelled rows in a table, then free text. The data a case keeps for it, printed as it was recorded."""

    template: ClassVar[str] = "record_form"
    title: ClassVar[str] = "记录"

    heading: str
    number: str | None = None
    rows: list[Row] = _required_items(1)
    body: str | None = None
    issued_on: dt.date


DOCUMENTS: dict[str, type[DocumentContext]] = {
    cls.template: cls
    for cls in (
        CaseFilingApproval,
        SiteInspectionRecord,
        InquiryRecord,
        CorrectionOrder,
        PenaltyNotice,
        HearingNotice,
        PenaltyDecision,
        NoPenaltyDecision,
        ServiceReceipt,
        CaseClosingReport,
        RecordForm,
    )
}


def document_register(cls: type[DocumentContext]) -> type[DocumentContext]:
    """Add a document an app needs beyond the ten (its template goes in the templates folder)."""
    if not (is_dataclass(cls) and issubclass(cls, DocumentContext) and cls.template):
        raise TypeError("a document is a DocumentContext dataclass with a template name")
    DOCUMENTS[cls.template] = cls
    return cls


def _not_before(name: str, later: dt.datetime, earlier: dt.datetime, message: str):
    return [(name, message)] if local_time(later) < local_time(earlier) else []
