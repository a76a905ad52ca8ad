"""One catalog (一张清单管执法): enforcement items, discretion bands, releases, scenarios, hub layers."""

from datetime import date

from django.db import models
from django.db.models import Q

from zhifa.catalog.choices import BandLevel, BandParty, ChangeKind, ItemKind, ItemStatus, ReleaseStatus


class CatalogRelease(models.Model):
    """清单版本 — an imported version of the catalog; applied at once, with its change log kept."""

    version = models.CharField("版本号", max_length=40, unique=True)
    title = models.CharField("说明", max_length=200, blank=True)
    source_name = models.CharField("来源文件", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT
    )
    # The parsed rows of the imported file, kept until the release is applied or discarded.
    payload = models.JSONField("导入内容", default=dict)
    summary = models.JSONField("变更统计", default=dict)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="导入人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    applied_by = models.ForeignKey(
        "accounts.User",
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "清单版本"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.version


# Law that lets a county-level department's penalty powers pass to a subdistrict (赋权): the Administrative
# Penalty Law's Art. 24 and Zhejiang's regulation on comprehensive administrative enforcement.
DELEGATION_BASIS = "《中华人民共和国行政处罚法》第二十四条；《浙江省综合行政执法条例》"


class EnforcementItem(models.Model):
    """执法事项 — one enforcement item, with its legal basis (违则) and penalty basis (罚则)."""

    code = models.CharField("事项编码", max_length=40, unique=True)
    name = models.CharField("事项名称", max_length=300)
    domain = models.ForeignKey(
        "org.Domain", verbose_name="领域", on_delete=models.PROTECT, related_name="items"
    )
    kind = models.CharField("事项类型", max_length=20, choices=ItemKind.choices, default=ItemKind.PENALTY)
    legal_basis = models.TextField("违则")
    penalty_basis = models.TextField("罚则", blank=True)
    delegated = models.BooleanField("赋权街道", default=False)
    delegated_from = models.DateField("赋权生效日期", null=True, blank=True)
    keywords = models.JSONField("关键词", default=list, blank=True)
    required_evidence = models.JSONField("证据清单", default=list, blank=True)
    scenes = models.JSONField("出行场景", default=list, blank=True)
    high_frequency = models.BooleanField("高频事项", default=False)
    dormant = models.BooleanField("沉睡事项", default=False)
    status = models.CharField("状态", max_length=20, choices=ItemStatus.choices, default=ItemStatus.ACTIVE)
    release = models.ForeignKey(
        CatalogRelease,
        verbose_name="最近变更版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Lower-cased concatenation of the searchable fields, maintained on save, so search is one LIKE per term.
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法事项"
        ordering = ["code"]
        indexes = [models.Index(fields=["status", "domain", "delegated"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(delegated=False) | Q(delegated_from__isnull=False),
                name="item_delegated_needs_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.search_text = build_search_text(self.name, self.keywords, self.legal_basis, self.penalty_basis)
        super().save(*args, **kwargs)

    def delegated_on(self, day: date) -> bool:
        """赋权 in force on `day`: the item is flagged delegated and its effective date has come. Before that
        date the department's team still handles it."""
        return self.delegated and self.delegated_from is not None and self.delegated_from <= day

    @property
    def delegation_basis(self) -> str:
        """What a delegated item is handed to the subdistrict under (赋权依据)."""
        return DELEGATION_BASIS if self.delegated else ""


def build_search_text(name: str, keywords: list[str], legal_basis: str, penalty_basis: str) -> str:
    return "\n".join([name, " ".join(keywords or []), legal_basis, penalty_basis]).lower()


class DiscretionBand(models.Model):
    """裁量基准 — a band of the discretion standard: its condition and the fine range."""

    item = models.ForeignKey(
        EnforcementItem, verbose_name="事项", on_delete=models.CASCADE, related_name="bands"
    )
    level = models.CharField("情节", max_length=10, choices=BandLevel.choices)
    party = models.CharField("适用对象", max_length=20, choices=BandParty.choices, default="", blank=True)
    condition = models.CharField("适用情形", max_length=300)
    min_fine = models.DecimalField("最低罚款（元）", max_digits=12, decimal_places=2, default=0)
    max_fine = models.DecimalField("最高罚款（元）", max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = verbose_name_plural = "裁量基准"
        ordering = ["item", "min_fine"]
        constraints = [
            models.CheckConstraint(condition=Q(min_fine__lte=models.F("max_fine")), name="band_min_le_max"),
            models.CheckConstraint(condition=Q(min_fine__gte=0), name="band_min_nonnegative"),
            models.UniqueConstraint(
                fields=["item", "party", "level"], name="band_unique_party_level_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} {self.level}{'（' + self.get_party_display() + '）' if self.party else ''}"


def band_for(bands, level: str, party_kind: str = ""):
    """The band that applies to this 情节 and this kind of party (公民 / 法人或者其他组织): the party's own band,
    else a band for either; None when the standard has none. `bands` is an item's bands (prefetched)."""
    either = None
    for band in bands:
        if band.level != level:
            continue
        if party_kind and band.party == party_kind:
            return band
        if not band.party:
            either = band
    return either


class ReleaseChange(models.Model):
    """清单变更 — one added, changed or retired item in a release."""

    release = models.ForeignKey(CatalogRelease, on_delete=models.CASCADE, related_name="changes")
    item_code = models.CharField("事项编码", max_length=40)
    kind = models.CharField("变更类型", max_length=20, choices=ChangeKind.choices)
    fields = models.JSONField("变更字段", default=list)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "清单变更"
        ordering = ["release", "kind", "item_code"]


class Scenario(models.Model):
    """监管一件事 — a supervision scenario bundling items of several domains into one checklist."""

    code = models.CharField("编码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    items = models.ManyToManyField(EnforcementItem, verbose_name="检查事项", related_name="scenarios")
    # Subdistricts that keep the scenario in their own high-frequency set (九堡's 12 in the reference case).
    focus_regions = models.ManyToManyField(
        "org.Region", verbose_name="列为高频场景的街道", related_name="focus_scenarios", blank=True
    )

    class Meta:
        verbose_name = verbose_name_plural = "监管一件事场景"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class FunctionalAreaLayer(models.Model):
    """管理圈层 — which stationed unit handles which items inside a functional area (e.g. 杭州东站枢纽)."""

    region = models.ForeignKey(
        "org.Region", verbose_name="功能区", on_delete=models.PROTECT, related_name="layers"
    )
    name = models.CharField("圈层名称", max_length=100)
    unit = models.ForeignKey(
        "org.Unit", verbose_name="负责单位", on_delete=models.PROTECT, related_name="layers"
    )
    scenes = models.JSONField("出行场景", default=list, blank=True)
    items = models.ManyToManyField(EnforcementItem, verbose_name="事项", related_name="layers")
    priority = models.PositiveSmallIntegerField("优先级", default=100)

    class Meta:
        verbose_name = verbose_name_plural = "管理圈层"
        ordering = ["region", "priority", "name"]

    def __str__(self) -> str:
        return f"{self.region} · {self.name}"
