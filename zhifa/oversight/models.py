"""执法监督: early-warning models and their warnings, the handling of each warning, scan runs, and the
五赋权一约束 evaluations (periods, weighted criteria, scores)."""

from django.db import models
from django.db.models import Q

from zhifa.oversight.choices import AlertState, EvaluationKind, Metric, PeriodStatus, Severity, StepAction


class AlertRule(models.Model):
    """预警模型 — a named rule over the records with parameters a district tunes; each change is a new version."""

    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    params = models.JSONField("参数", default=dict)
    version = models.PositiveIntegerField("版本", default=1)
    active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("修改时间", null=True, blank=True)
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "预警模型"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}（v{self.version}）"


class Alert(models.Model):
    """执法监督预警 — one standing problem a model found: one row per (model, key), updated by each scan."""

    # No index of their own on rule and unit: alert_once_per_problem (rule, key) and (unit, state) lead with them,
    # and a first scan writes every index of a few hundred thousand warnings.
    rule = models.ForeignKey(
        AlertRule, verbose_name="预警模型", on_delete=models.PROTECT, related_name="alerts", db_index=False
    )
    key = models.CharField(max_length=120)
    rule_version = models.PositiveIntegerField("模型版本")
    title = models.CharField("预警事项", max_length=200)
    detail = models.TextField("预警说明", blank=True)
    severity = models.CharField("等级", max_length=10, choices=Severity.choices, default=Severity.YELLOW)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    region_path = models.CharField(max_length=255, blank=True, db_index=True)
    records = models.JSONField("关联记录", default=list)  # [{"type", "id", "label"}]
    fingerprint = models.CharField(max_length=64)
    state = models.CharField("状态", max_length=10, choices=AlertState.choices, default=AlertState.NEW)
    opened_at = models.DateTimeField("预警时间")
    last_seen_at = models.DateTimeField("最近一次发现")
    resolved_at = models.DateTimeField("消除时间", null=True, blank=True)
    resolution = models.TextField("消除依据", blank=True)
    assigned_at = models.DateTimeField("下发时间", null=True, blank=True)
    due_on = models.DateField("整改期限", null=True, blank=True)
    answer = models.TextField("说明或整改情况", blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    # Each deadline step is taken once per due date (a new due date after a refusal starts them again).
    reminded_for = models.DateField("已提醒的期限", null=True, blank=True)
    overdue_for = models.DateField("已逾期的期限", null=True, blank=True)
    escalated_for = models.DateField("已升级的期限", null=True, blank=True)
    escalated_to = models.ForeignKey(
        "org.Unit", verbose_name="升级至", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField("升级时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = verbose_name_plural = "监督预警"
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["state", "due_on"]),
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["opened_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["rule", "key"], name="alert_once_per_problem"),
            models.CheckConstraint(
                condition=~Q(state=AlertState.ASSIGNED) | Q(due_on__isnull=False),
                name="alert_assigned_has_due",
            ),
        ]

    def __str__(self) -> str:
        return f"预警 {self.pk} {self.title}"


def alert_file_upload_to(instance, filename: str) -> str:
    dot = filename.rfind(".")
    suffix = filename[dot:].lower()[:8] if dot > 0 else ""
    return f"oversight/{instance.alert_id}/{instance.attachment_sha256[:16]}{suffix}"


class AlertStep(models.Model):
    """处置记录 — append-only history of a warning: each scan change and each handling step."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="steps")
    at = models.DateTimeField("时间")
    by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField("动作", max_length=20, choices=StepAction.choices)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10, blank=True)
    note = models.TextField("说明", blank=True)
    due_on = models.DateField("整改期限", null=True, blank=True)
    attachment = models.FileField("附件", upload_to=alert_file_upload_to, max_length=200, blank=True)
    attachment_name = models.CharField("附件名", max_length=200, blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警处置记录"
        ordering = ["alert", "at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("the warning's history is append-only")
        super().save(*args, **kwargs)


class ScanRun(models.Model):
    """预警扫描 — one run of the models: when, by whom (none: scheduled), what it changed, how long it took."""

    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    reopened = models.PositiveIntegerField("再次出现", default=0)
    resolved = models.PositiveIntegerField("自动消除", default=0)
    per_rule = models.JSONField("各模型", default=dict)
    seconds = models.FloatField("用时（秒）", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "预警扫描"
        ordering = ["-started_at", "-id"]


class EvaluationPeriod(models.Model):
    """五赋权一约束 评价周期 — one round of reverse evaluation or effectiveness assessment."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=EvaluationKind.choices)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    status = models.CharField("状态", max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "评价周期"
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lte=models.F("end")), name="evaluation_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class EvaluationCriterion(models.Model):
    """评价指标 — a criterion with its weight; with a metric it is computed from the records, else scored."""

    period = models.ForeignKey(EvaluationPeriod, on_delete=models.PROTECT, related_name="criteria")
    order = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("指标", max_length=100)
    weight = models.PositiveSmallIntegerField("权重")
    metric = models.CharField("自动计算", max_length=20, choices=Metric.choices, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评价指标"
        ordering = ["period", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "name"], name="criterion_name_once"),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=100), name="criterion_weight_1_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.weight}）"


class EvaluationScore(models.Model):
    """评分 — one evaluating unit's score of one unit on one criterion, with its comment and evidence."""

    criterion = models.ForeignKey(EvaluationCriterion, on_delete=models.PROTECT, related_name="scores")
    evaluator = models.ForeignKey(
        "org.Unit", verbose_name="评价单位", on_delete=models.PROTECT, related_name="+"
    )
    target = models.ForeignKey(
        "org.Unit", verbose_name="被评价单位", on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField("得分", max_digits=5, decimal_places=1)
    comment = models.TextField("评语", blank=True)
    evidence = models.TextField("依据材料", blank=True)
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("评分时间")

    class Meta:
        verbose_name = verbose_name_plural = "评价得分"
        ordering = ["criterion", "target", "evaluator"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "evaluator", "target"], name="score_once"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="score_0_100"),
        ]


# Training and case reviews live in their own sub-package; Django finds their tables through this module.
from zhifa.oversight.training.models import Training, TrainingMaterial  # noqa: E402

__all__ = [
    "Alert",
    "AlertRule",
    "AlertStep",
    "EvaluationCriterion",
    "EvaluationPeriod",
    "EvaluationScore",
    "ScanRun",
    "Training",
    "TrainingMaterial",
]
