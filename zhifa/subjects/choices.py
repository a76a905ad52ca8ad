"""Choice values of regulated subjects, and the industry list (GB/T 4754-2017 国民经济行业分类, 门类 + 大类)."""

from django.db import models


class SubjectKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    INDIVIDUAL = "individual", "个体工商户"
    COOPERATIVE = "cooperative", "农民专业合作社"
    OTHER_ORG = "other_org", "其他组织"
    # An inspection object that is not a registered body (出租房, 工地 …): it may have no credit code.
    PLACE = "place", "场所"


class CreditClass(models.TextChoices):
    A = "A", "A 级（守信）"
    B = "B", "B 级（基本守信）"
    C = "C", "C 级（失信）"
    D = "D", "D 级（严重失信）"


class SubjectStatus(models.TextChoices):
    ACTIVE = "active", "存续"
    CANCELLED = "cancelled", "注销"
    REVOKED = "revoked", "吊销"
    SUSPENDED = "suspended", "歇业"


class Severity(models.TextChoices):
    MINOR = "minor", "轻微"
    ORDINARY = "ordinary", "一般"
    SERIOUS = "serious", "严重"


# 门类字母 + 大类两位数字 → 大类名称 (the divisions the district's inspection objects fall in).
INDUSTRIES = {
    "A01": "农业",
    "C13": "农副食品加工业",
    "C18": "纺织服装、服饰业",
    "E47": "房屋建筑业",
    "E50": "建筑装饰、装修和其他建筑业",
    "F51": "批发业",
    "F52": "零售业",
    "G54": "道路运输业",
    "G60": "邮政业",
    "H61": "住宿业",
    "H62": "餐饮业",
    "I64": "互联网和相关服务",
    "I65": "软件和信息技术服务业",
    "K70": "房地产业",
    "L71": "租赁业",
    "L72": "商务服务业",
    "M75": "科技推广和应用服务业",
    "O80": "居民服务业",
    "O81": "机动车、电子产品和日用产品修理业",
    "P83": "教育",
    "Q84": "卫生",
    "Q85": "社会工作",
    "R88": "文化艺术业",
    "R89": "体育",
    "R90": "娱乐业",
}
INDUSTRY_CHOICES = [(code, f"{code} {name}") for code, name in INDUSTRIES.items()]
