"""Choice values of the catalog."""

from django.db import models


class ItemKind(models.TextChoices):
    PENALTY = "行政处罚", "行政处罚"
    COERCION = "行政强制", "行政强制"
    INSPECTION = "行政检查", "行政检查"


class ItemStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    RETIRED = "retired", "已取消"


class ReleaseStatus(models.TextChoices):
    DRAFT = "draft", "待发布"
    APPLIED = "applied", "已发布"
    DISCARDED = "discarded", "已作废"


class ChangeKind(models.TextChoices):
    ADDED = "added", "新增"
    CHANGED = "changed", "变更"
    RETIRED = "retired", "取消"


class BandLevel(models.TextChoices):
    MINOR = "轻微", "轻微"
    ORDINARY = "一般", "一般"
    SERIOUS = "较重", "较重"
    GRAVE = "严重", "严重"


class BandParty(models.TextChoices):
    """Whom a discretion band is for: the law often fines 公民 and 法人或者其他组织 on different scales (the values
    are the cases app's party kinds). Blank: the band is for either."""

    ANY = "", "不区分"
    PERSON = "person", "公民"
    ORGANISATION = "organisation", "法人或者其他组织"


BAND_PARTY_BY_LABEL = {
    "": "",
    "不区分": "",
    "公民": "person",
    "个人": "person",
    "法人或者其他组织": "organisation",
    "单位": "organisation",
}


class TravelScene(models.TextChoices):
    EAT = "吃", "吃"
    STAY = "住", "住"
    MOVE = "行", "行"
    TOUR = "游", "游"
    SHOP = "购", "购"
    PLAY = "娱", "娱"
