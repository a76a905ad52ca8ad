"""双随机一公开 (draws, conflicts); 综合查一次 (demands, joint plans, squad days); 监管一件事 (inspection records)."""

from django.db import models
from django.db.models import Q

from zhifa.inspections.choices import (
    FindingResult,
    InspectionKind,
    InspectionStatus,
    PlanStatus,
    RequestStatus,
    VisitStatus,
)


class RandomDraw(models.Model):
    name = models.CharField("抽查名称", max_length=120)
    domain = models.ForeignKey(
        "org.Domain", verbose_name="检查领域", on_delete=models.PROTECT, related_name="+"
    )
    # The pool's definition as the person chose it (subdistrict, industry, scenario), and its size.
    pool_filter = models.JSONField("抽查范围", default=dict)
    pool_size = models.PositiveIntegerField("对象库数量")
    ratio = models.DecimalField("抽取比例", max_digits=5, decimal_places=4, null=True, blank=True)
    count = models.PositiveIntegerField("抽取数量", null=True, blank=True)
    seed = models.CharField("随机种子", max_length=128)
    pool_digest = models.CharField("对象库摘要", max_length=64)
    algorithm = models.CharField("算法版本", max_length=30)
    record = models.JSONField("完整记录")  # the engine's record: with it anyone can re-run the draw
    region_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("抽取时间")
    published_at = models.DateTimeField("公开时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "双随机抽查"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(ratio__isnull=True) & Q(count__isnull=False))
                | (Q(ratio__isnull=False) & Q(count__isnull=True)),
                name="draw_ratio_xor_count",
            )
        ]

    def __str__(self) -> str:
        return self.name


class InspectorConflict(models.Model):
    """回避 — an officer declares a conflict of interest with a subject; draws never send them there."""

    officer = models.ForeignKey(
        "org.Officer", verbose_name="执法人员", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="监管对象", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("回避理由", max_length=200)
    declared_at = models.DateTimeField("申报时间")

    class Meta:
        verbose_name = verbose_name_plural = "回避申报"
        constraints = [models.UniqueConstraint(fields=["officer", "subject"], name="conflict_once")]


# --- inspection demands, joint plans, visit records (综合查一次 / 监管一件事) ---------------------------------------


class InspectionRequest(models.Model):
    """部门检查需求 — a department asks for one subject to be checked in its domain within a window."""

    unit = models.ForeignKey("org.Unit", verbose_name="提出单位", on_delete=models.PROTECT, related_name="+")
    domain = models.ForeignKey(
        "org.Domain", verbose_name="检查领域", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="监管对象",
        on_delete=models.PROTECT,
        related_name="inspection_requests",
    )
    items = models.ManyToManyField(
        "catalog.EnforcementItem", verbose_name="检查事项", blank=True, related_name="+"
    )
    due_from = models.DateField("最早检查日期")
    due_to = models.DateField("最迟检查日期")
    reason = models.CharField("事由", max_length=200)
    status = models.CharField(
        "状态", max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)  # the subject's
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("提出时间")

    class Meta:
        verbose_name = verbose_name_plural = "部门检查需求"
        ordering = ["due_to", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_from__lte=models.F("due_to")), name="request_window_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.domain} {self.due_from}–{self.due_to}"


class JointPlan(models.Model):
    """综合查一次计划 — one region's joint visits for a period: squads, days, routes and what did not fit."""

    name = models.CharField("计划名称", max_length=120)
    region = models.ForeignKey("org.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    period_start = models.DateField("开始日期")
    period_end = models.DateField("结束日期")
    status = models.CharField("状态", max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    seed = models.CharField("随机种子", max_length=64)
    limits = models.JSONField("约束条件", default=dict)  # the engine Limits as used (quiet days as ISO dates)
    figures = models.JSONField("指标", default=dict)  # the engine Figures: visits vs separate, km, seconds …
    # Demands that could not be fitted: [{"subject", "subject_name", "domain", "source", "reason"}].
    unfitted = models.JSONField("未排入", default=list)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("编制时间")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "综合查一次计划"
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="plan_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SquadDay(models.Model):
    """One mixed squad's (混合编组) working day in a plan, its visits in route order."""

    plan = models.ForeignKey(JointPlan, on_delete=models.CASCADE, related_name="squad_days")
    day = models.DateField("日期")
    officers = models.ManyToManyField("org.Officer", verbose_name="检查组成员", related_name="squad_days")
    base_lng = models.FloatField("出发点经度")
    base_lat = models.FloatField("出发点纬度")
    km = models.FloatField("路线里程（公里）")
    km_unordered = models.FloatField("未排序里程（公里）")
    minutes = models.FloatField("预计用时（分钟）")

    class Meta:
        verbose_name = verbose_name_plural = "检查组日程"
        ordering = ["day", "id"]
        indexes = [models.Index(fields=["plan", "day"])]


class PlanVisit(models.Model):
    """One visit in a plan: a subject, the domains and items due there, and why (sources)."""

    plan = models.ForeignKey(JointPlan, on_delete=models.CASCADE, related_name="visits")
    squad_day = models.ForeignKey(SquadDay, on_delete=models.CASCADE, related_name="visits")
    order = models.PositiveSmallIntegerField("顺序")
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="监管对象", on_delete=models.PROTECT, related_name="plan_visits"
    )
    domains = models.JSONField("检查领域", default=list)  # domain codes
    items = models.JSONField("检查事项", default=list)  # item codes: the checklist (监管一件事)
    # [{"source": DemandSource value, "request": request id or null}]: read and written by plans/sources.py
    sources = models.JSONField("需求来源", default=list)
    status = models.CharField("状态", max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED)

    class Meta:
        verbose_name = verbose_name_plural = "计划检查"
        ordering = ["squad_day__day", "squad_day_id", "order"]
        constraints = [models.UniqueConstraint(fields=["squad_day", "order"], name="plan_visit_order_once")]


class Inspection(models.Model):
    """检查记录 — one visit to a subject: who went, when, which domains, and the checklist's findings."""

    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="监管对象", on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField("检查类型", max_length=10, choices=InspectionKind.choices)
    visited_on = models.DateField("检查日期")
    officers = models.ManyToManyField("org.Officer", verbose_name="检查人员", related_name="inspections")
    domains = models.ManyToManyField("org.Domain", verbose_name="检查领域", related_name="+")
    plan_visit = models.OneToOneField(
        PlanVisit, null=True, blank=True, on_delete=models.PROTECT, related_name="inspection"
    )
    draw = models.ForeignKey(RandomDraw, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(
        InspectionRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    # The event that caused it (a complaint check), or the event the visit started (发现问题 → 事件).
    event = models.ForeignKey(
        "dispatch.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.OPEN
    )
    summary = models.TextField("检查结论", blank=True)
    region_path = models.CharField(max_length=255, db_index=True, editable=False)  # the subject's
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = verbose_name_plural = "检查记录"
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["subject", "visited_on"])]


class Finding(models.Model):
    """One checklist line of an inspection: the item and what was found."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(
        "catalog.EnforcementItem", verbose_name="检查事项", on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField("结果", max_length=10, choices=FindingResult.choices)
    severity = models.CharField("情节", max_length=10, blank=True)  # subjects.Severity code, violations only
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查结果"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="finding_item_once"),
            models.CheckConstraint(
                condition=Q(result="violation") | Q(severity=""), name="finding_severity_only_for_violation"
            ),
        ]


def inspection_photo_upload_to(instance, filename: str) -> str:
    return f"inspections/{instance.inspection_id}/{instance.sha256[:16]}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:8] if dot > 0 else ""


class InspectionPhoto(models.Model):
    """现场照片 — kept with its hash and where it was taken; shown only to those who may see the inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="photos")
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    file = models.FileField("文件", upload_to=inspection_photo_upload_to, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=60)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    lng = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = verbose_name_plural = "现场照片"
        ordering = ["uploaded_at", "id"]
