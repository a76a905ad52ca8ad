"""Choice values of cases: procedures, stages, sources, parties, penalties, outcomes, evidence, documents."""

from django.db import models


class Procedure(models.TextChoices):
    SIMPLE = "simple", "简易程序"
    ORDINARY = "ordinary", "普通程序"
    FAST = "fast", "快速办理"


class Stage(models.TextChoices):
    FILED = "filed", "已立案"
    INVESTIGATING = "investigating", "调查取证"
    NOTIFIED = "notified", "已告知"
    HEARING = "hearing", "听证"
    REVIEW = "review", "法制审核"
    DECIDED = "decided", "已决定"
    SERVED = "served", "已送达"
    EXECUTING = "executing", "执行中"
    CLOSED = "closed", "已结案"
    NOT_FILED = "not_filed", "不予立案"
    WITHDRAWN = "withdrawn", "已撤销立案"
    TRANSFERRED = "transferred", "已移送"


# Stages in which no clock runs and nothing more happens to the case.
FINISHED_STAGES = (Stage.CLOSED, Stage.NOT_FILED, Stage.WITHDRAWN, Stage.TRANSFERRED)
# Before the decision: the case may still be withdrawn.
BEFORE_DECISION = (Stage.FILED, Stage.INVESTIGATING, Stage.NOTIFIED, Stage.HEARING, Stage.REVIEW)


class Source(models.TextChoices):
    INSPECTION = "inspection", "检查发现"
    EVENT = "event", "事件处置（执法）"
    TRANSFER = "transfer", "移送"
    MANUAL = "manual", "其他来源"


class PartyKind(models.TextChoices):
    """The law's two kinds of party for the amounts: 公民 and 法人或者其他组织."""

    PERSON = "person", "公民"
    ORGANISATION = "organisation", "法人或者其他组织"


class Circumstance(models.TextChoices):
    """情节, as the discretion bands name them (catalog BandLevel)."""

    MINOR = "轻微", "轻微"
    ORDINARY = "一般", "一般"
    SERIOUS = "较重", "较重"
    GRAVE = "严重", "严重"


class PenaltyKind(models.TextChoices):
    WARNING = "warning", "警告"
    FINE = "fine", "罚款"
    CONFISCATE = "confiscate", "没收违法所得、没收非法财物"
    REVOKE = "revoke", "降低资质等级、吊销许可证件"
    CLOSE = "close", "责令停产停业、责令关闭"
    RESTRICT = "restrict", "限制从业"


# Penalties that make a case major (法制审核, 集体讨论) and give the party a hearing whatever the amount.
HEAVY_PENALTIES = (PenaltyKind.REVOKE, PenaltyKind.CLOSE, PenaltyKind.RESTRICT)


class Outcome(models.TextChoices):
    PENALTY = "penalty", "给予行政处罚"
    PUBLIC_SERVICE = "public_service", "公益抵罚"
    NO_PENALTY = "no_penalty", "不予处罚（轻微免罚）"
    FIRST_VIOLATION = "first_violation", "首违不罚"
    STUDY = "study", "以学代罚"


# Outcomes without a penalty: the event behind the case counts as management, not enforcement (721).
NO_PENALTY_OUTCOMES = (Outcome.NO_PENALTY, Outcome.FIRST_VIOLATION, Outcome.STUDY)


class NoticeKind(models.TextChoices):
    STATEMENT = "statement", "行政处罚事先告知（陈述、申辩）"
    HEARING = "hearing", "行政处罚听证告知（陈述、申辩、听证）"


class ResponseKind(models.TextChoices):
    STATEMENT = "statement", "陈述"
    DEFENCE = "defence", "申辩"
    HEARING_REQUEST = "hearing_request", "要求听证"
    WAIVER = "waiver", "放弃陈述、申辩和听证"
    CONSENT = "consent", "认错认罚、同意快速办理"


class OfficerRole(models.TextChoices):
    LEAD = "lead", "主办"
    ASSIST = "assist", "协办"


class EvidenceKind(models.TextChoices):
    """The eight statutory kinds of evidence (行政诉讼法 第三十三条)."""

    DOCUMENT = "documentary", "书证"
    PHYSICAL = "physical", "物证"
    AUDIOVISUAL = "audiovisual", "视听资料"
    ELECTRONIC = "electronic", "电子数据"
    WITNESS = "witness", "证人证言"
    PARTY = "party", "当事人的陈述"
    EXPERT = "expert", "鉴定意见"
    RECORD = "record", "勘验笔录、现场笔录"


class EvidenceOrigin(models.TextChoices):
    EVENT = "event", "事件证据"
    INSPECTION = "inspection", "检查照片"
    UPLOAD = "upload", "本案上传"
    ADOPTED = "adopted", "移送采纳"


class ServiceMethod(models.TextChoices):
    ON_SPOT = "on_spot", "当场交付"
    DIRECT = "direct", "直接送达"
    POST = "post", "邮寄送达"
    ELECTRONIC = "electronic", "电子送达"
    LEFT = "left", "留置送达"
    NOTICE = "notice", "公告送达"


class DocumentKind(models.TextChoices):
    FILING = "filing", "立案审批表"
    NOT_FILED = "not_filed", "不予立案审批表"
    CORRECTION = "correction", "责令改正通知书"
    INQUIRY = "inquiry", "询问笔录"
    NOTICE = "notice", "行政处罚事先告知书"
    HEARING_NOTICE = "hearing_notice", "听证通知书"
    HEARING_REPORT = "hearing_report", "听证报告"
    REVIEW = "review", "法制审核意见书"
    DISCUSSION = "discussion", "集体讨论记录"
    EXTENSION = "extension", "案件延期审批表"
    DECISION = "decision", "行政处罚决定书"
    NO_PENALTY_DECISION = "no_penalty_decision", "不予行政处罚决定书"
    ON_SPOT_DECISION = "on_spot_decision", "当场行政处罚决定书"
    SERVICE_RECEIPT = "service_receipt", "送达回证"
    PAYMENT = "payment", "罚款缴纳记录"
    ENFORCEMENT = "enforcement", "强制执行申请书"
    PUBLIC_SERVICE = "public_service", "公益服务完成确认书"
    PUBLICATION = "publication", "行政处罚决定公示"
    CREDIT_REPAIR = "credit_repair", "信用修复告知书"
    TRANSFER = "transfer", "案件移送书"
    WITHDRAWAL = "withdrawal", "撤销立案审批表"
    CLOSING = "closing", "结案报告"


# Documents with a number of their own (per unit, kind and year): the word between prefix and year.
NUMBERED_DOCUMENTS = {
    "case": "立字",
    DocumentKind.NOTICE: "罚告字",
    DocumentKind.HEARING_NOTICE: "听通字",
    DocumentKind.DECISION: "罚决字",
    DocumentKind.NO_PENALTY_DECISION: "不罚决字",
    DocumentKind.ON_SPOT_DECISION: "当罚决字",
    DocumentKind.TRANSFER: "移字",
}

# Actions that address the party: the 行政行为码 listeners hear of these (hooks.py).
PARTY_ACTIONS = ("notice", "hearing_notice", "decision", "service")


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"
