"""What the district maintains for case handling: its holiday calendar and its first-violation list."""

from django.db import models

from zhifa.cases.choices import HolidayKind


class Holiday(models.Model):
    """节假日 — a day off on a weekday (放假) or a weekend day worked (调休上班); other days follow the week."""

    day = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=HolidayKind.choices)
    name = models.CharField("名称", max_length=40)

    class Meta:
        verbose_name = verbose_name_plural = "节假日安排"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}（{self.get_kind_display()}）"


class FirstViolationItem(models.Model):
    """首违不罚清单 — an item on the district's list: on what conditions a first violation goes unpunished."""

    item = models.OneToOneField(
        "catalog.EnforcementItem",
        verbose_name="执法事项",
        on_delete=models.PROTECT,
        related_name="first_violation",
    )
    conditions = models.TextField("适用条件")
    # "First" means no violation of the same item by the same party within this many years before.
    lookback_years = models.PositiveSmallIntegerField("首次违法认定年限", default=2)
    effective_from = models.DateField("施行日期")
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "首违不罚清单"
        ordering = ["item__code"]

    def __str__(self) -> str:
        return str(self.item)
