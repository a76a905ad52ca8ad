"""Regulated subjects: market subjects and places with their place, industry and credit; violations; events."""

from django.db import models
from django.db.models import Q

from zhifa.subjects.choices import INDUSTRY_CHOICES, CreditClass, Severity, SubjectKind, SubjectStatus


class Subject(models.Model):
    """监管对象 — a market subject (企业、个体工商户 …) or another inspection object such as a rented flat."""

    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=SubjectKind.choices)
    industry_code = models.CharField("行业", max_length=3, choices=INDUSTRY_CHOICES)
    address = models.CharField("地址", max_length=200, blank=True)
    lng = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    grid = models.ForeignKey(
        "org.Region", verbose_name="网格", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subdistrict = models.ForeignKey(
        "org.Region", verbose_name="街道", on_delete=models.PROTECT, related_name="subjects"
    )
    # Path of the grid (or the subdistrict when no grid is known): what jurisdiction filters on.
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    building = models.ForeignKey(
        "org.Building",
        verbose_name="所在楼宇",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subjects",
    )
    opened_on = models.DateField("成立日期", null=True, blank=True)
    credit_class = models.CharField(
        "信用等级", max_length=1, choices=CreditClass.choices, default=CreditClass.B
    )
    status = models.CharField(
        "状态", max_length=20, choices=SubjectStatus.choices, default=SubjectStatus.ACTIVE
    )
    scenarios = models.ManyToManyField(
        "catalog.Scenario", verbose_name="监管场景", related_name="subjects", blank=True
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = verbose_name_plural = "监管对象"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["subdistrict", "industry_code"]),
            models.Index(fields=["credit_class"]),
            models.Index(fields=["status"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["uscc"], condition=~Q(uscc=""), name="subject_uscc_unique"),
            models.CheckConstraint(condition=~Q(uscc="") | Q(kind="place"), name="subject_uscc_unless_place"),
            models.CheckConstraint(
                condition=(Q(lng__isnull=True) & Q(lat__isnull=True))
                | (Q(lng__isnull=False) & Q(lat__isnull=False)),
                name="subject_lng_lat_together",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def industry_name(self) -> str:
        from zhifa.subjects.choices import INDUSTRIES

        return INDUSTRIES.get(self.industry_code, "")


class Violation(models.Model):
    """违法记录 — one violation found at a subject: the item, when, how serious, where it came from."""

    subject = models.ForeignKey(
        Subject, verbose_name="监管对象", on_delete=models.PROTECT, related_name="violations"
    )
    item = models.ForeignKey(
        "catalog.EnforcementItem",
        verbose_name="执法事项",
        on_delete=models.PROTECT,
        related_name="violations",
    )
    found_on = models.DateField("发现日期")
    severity = models.CharField("情节", max_length=10, choices=Severity.choices)
    source = models.CharField("来源", max_length=200)
    event = models.ForeignKey(
        "dispatch.Event",
        verbose_name="关联事件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "违法记录"
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["subject", "found_on"])]

    def __str__(self) -> str:
        return f"{self.subject} {self.found_on} {self.get_severity_display()}"


class SubjectEvent(models.Model):
    """对象关联事件 — a complaint or report (dispatch Event) that concerns this subject."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="event_links")
    event = models.ForeignKey("dispatch.Event", on_delete=models.PROTECT, related_name="subject_links")
    linked_at = models.DateTimeField("关联时间", auto_now_add=True)
    linked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "对象关联事件"
        constraints = [models.UniqueConstraint(fields=["subject", "event"], name="subject_event_unique")]
