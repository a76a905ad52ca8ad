"""Events of the command centre with their items, units, append-only status history and SLA escalations."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhifa.dispatch.choices import (
    Channel,
    ConsultationKind,
    ConsultationStatus,
    EventStatus,
    EvidenceMethod,
    Priority,
    ResolutionMode,
    UnitRole,
)


class SlaPolicy(models.Model):
    """时限标准 — minutes from receipt for each clock; "1315" for urgent events."""

    code = models.CharField("编码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=60)
    priority = models.CharField("适用优先级", max_length=10, choices=Priority.choices, unique=True)
    respond_minutes = models.PositiveIntegerField("响应（分钟）")
    link_minutes = models.PositiveIntegerField("联动（分钟）")
    on_site_minutes = models.PositiveIntegerField("到场（分钟）", null=True, blank=True)
    resolve_minutes = models.PositiveIntegerField("办结（分钟）")
    answer_minutes = models.PositiveIntegerField("答复（分钟）")

    class Meta:
        verbose_name = verbose_name_plural = "时限标准"

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """派单规则 — one row of the ordered rule table; empty conditions match anything."""

    order = models.PositiveIntegerField("顺序")
    name = models.CharField("名称", max_length=100)
    active = models.BooleanField("启用", default=True)
    target = models.CharField(
        "派往",
        max_length=30,
        choices=[
            ("layer_unit", "功能区圈层驻点单位"),
            ("subdistrict_team", "属地街道综合行政执法队"),
            ("domain_team", "区级领域执法队"),
            ("district_command", "区协调指挥中心"),
            ("unit", "指定单位"),
        ],
    )
    target_unit = models.ForeignKey(
        "org.Unit", verbose_name="指定单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    domain_codes = models.JSONField("领域", default=list, blank=True)
    item_codes = models.JSONField("事项", default=list, blank=True)
    subdistrict_codes = models.JSONField("街道", default=list, blank=True)
    delegated = models.BooleanField("赋权事项", null=True, blank=True)
    needs_place = models.BooleanField("已定位", null=True, blank=True)
    in_layer = models.BooleanField("在功能区圈层内", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "派单规则"
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target="unit") | Q(target_unit__isnull=False), name="rule_unit_target_needs_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


PUBLIC_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_public_id() -> str:
    """The id published in Open311 (公开编号): random and unrelated to the receipt number, which stays the
    reporter's secret key to rate and follow the event."""
    return "P" + "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(11))


class Event(models.Model):
    """事件（工单） — one problem reported through any channel, until the reporter has an answer."""

    receipt_no = models.CharField("受理编号", max_length=24, unique=True)
    public_id = models.CharField(
        "公开编号", max_length=12, unique=True, default=new_public_id, editable=False
    )
    channel = models.CharField("来源渠道", max_length=20, choices=Channel.choices)
    # The number the source system gave the event (e.g. the 12345 work order number): imported only once.
    external_no = models.CharField("外部编号", max_length=64, blank=True, db_index=True)
    title = models.CharField("标题", max_length=120)
    description = models.TextField("诉求内容")
    reporter_name = models.CharField("反映人", max_length=50, blank=True)
    reporter_phone = models.CharField("联系电话", max_length=20, blank=True)
    reporter = models.ForeignKey(
        "accounts.User",
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lng = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    region = models.ForeignKey(
        "org.Region", verbose_name="网格", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subdistrict = models.ForeignKey(
        "org.Region", verbose_name="街道", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Where the event belongs for jurisdiction: the subdistrict's path, or "" while unplaced (district only).
    region_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    functional_area_codes = models.JSONField("功能区", default=list, blank=True)
    priority = models.CharField("优先级", max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    sla = models.ForeignKey(SlaPolicy, verbose_name="时限标准", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "状态", max_length=20, choices=EventStatus.choices, default=EventStatus.RECEIVED
    )
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name="牵头单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    route_explanation = models.TextField("派单依据", blank=True)
    classification = models.JSONField("智能分类", default=list, blank=True)
    received_at = models.DateTimeField("受理时间", db_index=True)
    dispatched_at = models.DateTimeField("派发时间", null=True, blank=True)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    on_site_at = models.DateTimeField("到场时间", null=True, blank=True)
    resolved_at = models.DateTimeField("处置时间", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    resolution_mode = models.CharField("处置方式", max_length=20, choices=ResolutionMode.choices, blank=True)
    result = models.TextField("处置结果", blank=True)
    answer = models.TextField("答复内容", blank=True)
    rating = models.PositiveSmallIntegerField("评价", null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="合并至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = verbose_name_plural = "事件"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["lead_unit", "status"]),
            # Oversight's models read the few closed-unanswered and low-rated events out of a year of them.
            models.Index(
                fields=["closed_at"],
                name="event_closed_unanswered",
                condition=Q(status="closed") & (Q(answered_at__isnull=True) | Q(answer="")),
            ),
            # Ratings run 1–5, mostly 5: the models' "rated N or lower" (N ≤ 4) is a range at the front.
            models.Index(
                fields=["rating", "received_at"], name="event_low_rated", condition=Q(rating__lte=4)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="event_rating_1_5"
            ),
            models.CheckConstraint(
                condition=(Q(lng__isnull=True) & Q(lat__isnull=True))
                | (Q(lng__isnull=False) & Q(lat__isnull=False)),
                name="event_lng_lat_together",
            ),
            models.UniqueConstraint(
                fields=["channel", "external_no"],
                condition=~Q(external_no=""),
                name="event_external_no_unique_per_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_no} {self.title}"


class EventItem(models.Model):
    """事件的执法事项 — suggested by classification, confirmed by a person."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_items")
    item = models.ForeignKey("catalog.EnforcementItem", on_delete=models.PROTECT, related_name="event_items")
    score = models.FloatField("匹配度", default=0)
    confirmed = models.BooleanField("人工确认", default=False)

    class Meta:
        ordering = ["-confirmed", "-score"]
        constraints = [models.UniqueConstraint(fields=["event", "item"], name="event_item_unique")]


class EventUnit(models.Model):
    """事件的承办单位 — the lead unit and assisting units (联动)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_units")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="event_units")
    role = models.CharField("角色", max_length=10, choices=UnitRole.choices)
    linked_at = models.DateTimeField("联动时间", null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "unit"], name="event_unit_unique")]


class EventStatusChange(models.Model):
    """状态记录 — append-only history of an event's status."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    at = models.DateTimeField()
    by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("status history is append-only")
        super().save(*args, **kwargs)


class Escalation(models.Model):
    """超时督办 — one overdue clock of an event raised to the level above, once."""

    event = models.ForeignKey(
        Event, verbose_name="事件", on_delete=models.PROTECT, related_name="escalations"
    )
    clock = models.CharField("超时时限", max_length=20)
    to_unit = models.ForeignKey(
        "org.Unit", verbose_name="督办单位", on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField("应完成时间")
    at = models.DateTimeField("督办时间")

    class Meta:
        verbose_name = verbose_name_plural = "超时督办"
        constraints = [models.UniqueConstraint(fields=["event", "clock"], name="escalation_once_per_clock")]


class Open311ApiKey(models.Model):
    """Open311 接入密钥 — lets an Open311 client post requests; only the digest is stored."""

    name = models.CharField("接入方", max_length=100)
    digest = models.CharField("摘要", max_length=64, unique=True)
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "Open311 接入密钥"

    def __str__(self) -> str:
        return self.name


# --- coordination: consultations, joint meetings, shared evidence -----------------------------------------


class Consultation(models.Model):
    """会商 / 现场联席会 — units meet about one or more events and record what they decided."""

    kind = models.CharField("类型", max_length=20, choices=ConsultationKind.choices)
    topic = models.CharField("议题", max_length=200)
    held_at = models.DateTimeField("召开时间")
    # For a joint meeting, the site itself.
    place = models.CharField("地点", max_length=200)
    convened_by = models.ForeignKey(
        "org.Unit", verbose_name="召集单位", on_delete=models.PROTECT, related_name="consultations_convened"
    )
    events = models.ManyToManyField(Event, verbose_name="关联事件", related_name="consultations", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.PLANNED
    )
    decisions = models.TextField("会议决定", blank=True)
    follow_up_deadline = models.DateField("落实期限", null=True, blank=True)
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间")

    class Meta:
        verbose_name = verbose_name_plural = "会商联席"
        ordering = ["-held_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ConsultationStatus.PLANNED) | ~Q(decisions=""),
                name="consultation_held_has_decisions",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.topic}"


class ConsultationParticipant(models.Model):
    """参会单位 — a unit invited to a consultation; attendance and who came are recorded afterwards."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="participants")
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField("到会", null=True, blank=True)
    person_name = models.CharField("参会人员", max_length=100, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "unit"], name="consultation_participant_unique")
        ]


def evidence_upload_to(instance, filename: str) -> str:
    # The stored name is chosen by the service (random, no user input); this only keeps Django's contract.
    return filename


class Evidence(models.Model):
    """证据 — collected by one unit for an event, kept with its provenance; append-only (withdrawn, not deleted)."""

    event = models.ForeignKey(Event, verbose_name="事件", on_delete=models.PROTECT, related_name="evidence")
    unit = models.ForeignKey(
        "org.Unit", verbose_name="收集单位", on_delete=models.PROTECT, related_name="evidence_collected"
    )
    collector_name = models.CharField("收集人", max_length=50)
    collected_at = models.DateTimeField("收集时间")
    method = models.CharField("收集方式", max_length=20, choices=EvidenceMethod.choices)
    description = models.TextField("证据说明")
    file = models.FileField("文件", upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=60)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    # Empty: every unit working the event sees it (lead and assisting, now and later); otherwise only these.
    shared_with = models.ManyToManyField(
        "org.Unit", verbose_name="共享单位", blank=True, related_name="evidence_shared"
    )
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "accounts.User",
        verbose_name="撤回人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdraw_reason = models.TextField("撤回理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "证据"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdraw_reason=""),
                name="evidence_withdrawal_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_method_display()} {self.original_name}"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def provenance(self) -> str:
        """The line shown wherever the evidence is shown: which unit, who, when, how, and the file's digest."""
        when = timezone.localtime(self.collected_at).strftime("%Y-%m-%d %H:%M")
        return f"来源：{self.unit.name} {self.collector_name} {when} {self.get_method_display()} sha256 {self.sha256}"

    def delete(self, *args, **kwargs):
        raise RuntimeError("evidence is append-only: withdraw it with a reason instead")


class EvidenceUse(models.Model):
    """证据互通互认 — another unit adopts the evidence for its own handling; the provenance chain stays visible."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="uses")
    unit = models.ForeignKey("org.Unit", verbose_name="采纳单位", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey("accounts.User", verbose_name="采纳人", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("采纳时间")
    purpose = models.CharField("用途", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "证据采纳"
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "unit"], name="evidence_use_once_per_unit")
        ]
