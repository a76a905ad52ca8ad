"""Choice values of the 行政行为码: the actions a code is issued for, what a verification finds, and what a party
may say went wrong."""

from django.db import models


class ActionType(models.TextChoices):
    """The enforcement action towards a party that a code stands for (the token's `act` claim)."""

    INSPECTION = "inspection", "行政检查"
    # Case actions addressed to the party (zhifa.cases' PARTY_ACTIONS), issued once the cases app lands.
    NOTICE = "notice", "行政处罚事先告知"
    HEARING_NOTICE = "hearing_notice", "听证告知"
    DECISION = "decision", "行政处罚决定"
    SERVICE = "service", "文书送达"


class CodeStatus(models.TextChoices):
    """What verifying a token finds. Only `valid` means the action stands as the code says."""

    VALID = "valid", "有效"
    EXPIRED = "expired", "已过期"
    NOT_YET_VALID = "not_yet_valid", "尚未生效"
    REVOKED = "revoked", "已撤销"
    TAMPERED = "tampered", "签名不符（已被篡改）"
    UNKNOWN_KEY = "unknown_key", "签发密钥未知"
    UNKNOWN = "unknown", "无签发记录"
    MALFORMED = "malformed", "不是行政行为码"


class RatingProblem(models.TextChoices):
    """What went wrong, as the party ticks it (several may apply)."""

    NO_CODE = "no_code", "未主动亮码或出示执法证件"
    ATTITUDE = "attitude", "态度生硬、不文明"
    NOT_EXPLAINED = "not_explained", "未告知检查事项或依据"
    RIGHTS = "rights", "未告知陈述申辩、申请回避等权利"
    DISRUPTION = "disruption", "影响正常经营过长"
    REPEATED = "repeated", "重复检查、多头检查"
    DEMANDS = "demands", "索要财物或提出不当要求"
    OTHER = "other", "其他"


LOW_SCORE = 2  # a rating at or below this is a low rating oversight follows up
