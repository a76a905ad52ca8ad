"""Input and output schemas of the cases API (/api/v1/cases). Names start with Case so that the OpenAPI
schema keeps them apart from other apps'."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

# --- in ---------------------------------------------------------------------------------------------------------


class CaseQuery(Schema):
    q: str = Field(
        "", max_length=100, description="案件编号、决定书文号、当事人名称或信用代码、违法事实中的词"
    )
    stage: str = Field("", max_length=20, description="阶段，如 investigating")
    unit: str = Field("", max_length=40, description="办案单位代码")
    item: str = Field("", max_length=40, description="执法事项编码")
    procedure: str = Field("", max_length=10, description="simple / ordinary / fast")
    outcome: str = Field("", max_length=20)
    due_within: int | None = Field(None, ge=0, le=366, description="最近期限在今天起 N 天内")
    overdue: bool = Field(False, description="最近期限已过")


class CasePartyIn(Schema):
    kind: str = Field(
        "", description="organisation（单位，按统一社会信用代码）或 person（个人，按身份证号码）"
    )
    name: str = ""
    uscc: str = ""
    id_number: str = ""
    subject: int | None = Field(None, description="监管对象编号（代替名称与信用代码）")
    address: str = ""
    phone: str = ""


class CaseCauseIn(Schema):
    item: str = Field(..., description="执法事项编码")
    party: int | None = Field(None, description="当事人序号（从 0 起）；不填则对每个当事人立此案由")


class CaseOpenIn(Schema):
    source: str = Field("manual", description="inspection / event / transfer / manual")
    procedure: str = Field("ordinary", description="ordinary（普通程序）或 fast（快速办理）")
    parties: list[CasePartyIn]
    causes: list[CaseCauseIn]
    officers: list[str] = Field(..., description="执法证号或队员编号，主办在前，至少两人")
    facts: str
    place: str = ""
    conduct_ended_on: date | None = Field(None, description="违法行为终了日期（时效起算）")
    discovered_on: date | None = None
    harmed: bool = Field(False, description="涉及公民生命健康安全、金融安全且有危害后果（时效五年）")
    filed_on: date | None = None
    fast_consent_on: date | None = None
    finding: int | None = Field(None, description="检查结果编号（来源为检查发现）")
    violation: int | None = Field(None, description="违法记录编号")
    event: int | None = Field(None, description="事件编号（来源为事件处置）")
    transfer_from: int | None = Field(None, description="移送来源案件编号")
    transfer_from_name: str = ""


class CaseDeclineIn(Schema):
    source: str = "manual"
    facts: str
    reason: str
    parties: list[CasePartyIn] = []
    finding: int | None = None
    violation: int | None = None
    event: int | None = None
    transfer_from: int | None = None
    transfer_from_name: str = ""


class CasePenaltyIn(Schema):
    cause: str = Field(..., description="案由编号，或（只有一个当事人时）事项编码")
    circumstance: str = Field("", description="情节：轻微 / 一般 / 较重 / 严重")
    kinds: list[str] = Field([], description="处罚种类：warning, fine, confiscate, revoke, close, restrict")
    fine: Decimal = Decimal("0")
    confiscation_value: Decimal = Decimal("0")
    outside_band_reason: str = ""


class CaseInvestigateIn(Schema):
    correction_due: date | None = None
    correction: str = ""


class CaseCorrectionIn(Schema):
    corrected_on: date | None = None
    note: str = ""


class CaseNotifyIn(Schema):
    penalties: list[CasePenaltyIn]
    notice_kind: str | None = Field(None, description="statement 或 hearing；不填则按法定情形确定")
    notified_on: date | None = None


class CaseRespondIn(Schema):
    kind: str = Field(..., description="statement / defence / hearing_request / waiver")
    content: str = ""
    received_on: date | None = None


class InquiryPersonIn(Schema):
    name: str
    relation: str = ""
    position: str = ""
    phone: str = ""
    id_number: str = ""


class QuestionAnswerIn(Schema):
    question: str
    answer: str


class CaseInquiryIn(Schema):
    interviewee: InquiryPersonIn
    started_at: datetime
    ended_at: datetime
    place: str
    questions: list[QuestionAnswerIn]


class CaseStudyIn(Schema):
    topic: str
    studied_on: date | None = None
    minutes: int


class CaseHearingIn(Schema):
    held_on: date
    place: str
    host: str = Field(..., description="听证主持人用户名（非本案调查人员）")
    notice_on: date | None = None
    public: bool = True


class CaseHearingReportIn(Schema):
    report: str


class CaseReviewOpinionIn(Schema):
    passed: bool
    opinion: str


class CaseDiscussionIn(Schema):
    held_on: date | None = None
    attendees: str
    conclusion: str


class CasePublicServiceIn(Schema):
    hours: int
    content: str
    due_on: date


class CaseDecideIn(Schema):
    outcome: str = Field(..., description="penalty / public_service / no_penalty / first_violation / study")
    penalties: list[CasePenaltyIn] | None = Field(
        None, description="不填则按告知内容（不予处罚类则为无处罚）"
    )
    decided_on: date | None = None
    publish_required: bool = False
    public_service: CasePublicServiceIn | None = None


class CaseServeIn(Schema):
    served_on: date | None = None
    method: str = Field(..., description="on_spot / direct / post / electronic / left / notice")
    recipient: str = ""
    signature_refused: str = ""


class CasePaymentIn(Schema):
    amount: Decimal
    late_fee_paid: Decimal = Decimal("0")
    paid_on: date | None = None
    receipt_no: str


class CasePublicServiceConfirmIn(Schema):
    completed: bool
    completed_on: date | None = None
    note: str = ""


class CaseEnforcementIn(Schema):
    applied_on: date | None = None
    note: str = ""


class CasePublishIn(Schema):
    published_on: date | None = None


class CaseCreditIn(Schema):
    guidance: str


class CaseCloseIn(Schema):
    summary: str


class CaseExtendIn(Schema):
    days: int
    reason: str
    approver: str = Field(..., description="批准人用户名")


class CaseTransferIn(Schema):
    reason: str
    to_unit: str = Field("", description="移送至本区单位的代码")
    to_name: str = Field("", description="移送至系统外机关的名称（如公安机关）")


class CaseWithdrawIn(Schema):
    reason: str


class CaseEvidenceLinkIn(Schema):
    kind: str = Field(
        ...,
        description="八类法定证据之一：documentary, physical, audiovisual, electronic, witness, party, expert, record",
    )
    description: str
    requirement: str = Field("", description="对应的证据清单项（执法事项 required_evidence 中的一项）")
    event_evidence: int | None = Field(None, description="事件证据编号")
    inspection_photo: int | None = Field(None, description="检查照片编号")
    device: str = ""
    place: str = ""


class CaseEvidenceWithdrawIn(Schema):
    reason: str


# --- out --------------------------------------------------------------------------------------------------------


class CasePartyOut(Schema):
    id: int
    kind: str
    name: str
    identifier: str
    subject_id: int | None


class CaseCauseOut(Schema):
    id: int
    party_id: int
    item_code: str
    item_name: str
    legal_basis: str
    penalty_basis: str
    circumstance: str
    proposed_kinds: list[str]
    proposed_fine: Decimal
    decided_kinds: list[str]
    decided_fine: Decimal | None


class CaseOfficerOut(Schema):
    name: str
    certificate_no: str
    role: str


class CaseClockOut(Schema):
    kind: str
    label: str
    due: date
    state: str
    days_left: int


class CaseDocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    number: str
    issued_on: date
    by: str
    url: str
    data: dict[str, Any]


class CaseEvidenceOut(Schema):
    id: int
    kind: str
    kind_label: str
    requirement: str
    description: str
    origin: str
    sha256: str
    size: int
    content_type: str
    collector_name: str
    collected_at: datetime
    device: str
    place: str
    source_unit: str
    adopted_from_case: str | None
    withdrawn: bool
    url: str


class CaseStepOut(Schema):
    at: datetime
    action: str
    from_stage: str
    to_stage: str
    by: str
    note: str
    document_id: int | None


class CaseRowOut(Schema):
    id: int
    number: str
    stage: str
    stage_label: str
    procedure: str
    source: str
    unit: str
    parties: list[str]
    items: list[str]
    filed_on: date | None
    next_due: date | None
    next_clock: str
    outcome: str


class CaseDetailOut(CaseRowOut):
    facts: str
    place: str
    conduct_ended_on: date
    discovered_on: date
    decision_number: str
    fine_total: Decimal
    offset_amount: Decimal
    paid_total: Decimal
    late_fee_owed: Decimal
    deadlines: dict[str, date | None]
    clocks: list[CaseClockOut]
    parties_detail: list[CasePartyOut]
    causes: list[CaseCauseOut]
    officers: list[CaseOfficerOut]
    documents: list[CaseDocumentOut]
    evidence: list[CaseEvidenceOut]
    timeline: list[CaseStepOut]
    actions: list[str]
    review_reasons: list[str]
    discussion_reasons: list[str]
    version: int


class CaseOutcomeCount(Schema):
    outcome: str
    label: str
    count: int


class CaseOutcomesOut(Schema):
    outcomes: list[CaseOutcomeCount]
    decided: int
    no_penalty: int
    credit_guided: int
