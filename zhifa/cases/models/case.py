"""The case and what it is made of: parties, causes, officers, its timeline, its documents, its numbers."""

from django.db import models
from django.db.models import Q

from zhifa.cases.choices import (
    FINISHED_STAGES,
    Circumstance,
    DocumentKind,
    NoticeKind,
    OfficerRole,
    Outcome,
    PartyKind,
    Procedure,
    ServiceMethod,
    Source,
    Stage,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


def case_file_upload_to(instance, filename: str) -> str:
    # The stored name is chosen by the service (random, no user input); this only keeps Django's contract.
    return filename


class Case(models.Model):
    """案件 — one administrative penalty case of a handling unit, from 立案 to 结案."""

    number = models.CharField("案件编号", max_length=80, blank=True)
    year = models.PositiveSmallIntegerField("立案年度", null=True, blank=True)
    serial = models.PositiveIntegerField("年度序号", null=True, blank=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name="办案单位", on_delete=models.PROTECT, related_name="cases"
    )
    # The domain the case is handled under: the unit's, or 综合执法 for a subdistrict's delegated items.
    domain = models.ForeignKey(
        "org.Domain", verbose_name="执法领域", on_delete=models.PROTECT, related_name="+"
    )
    # The handling unit's region path: what jurisdiction filters on.
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    procedure = models.CharField("程序", max_length=10, choices=Procedure.choices)
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices, default=Stage.FILED)
    source = models.CharField("案件来源", max_length=20, choices=Source.choices)
    inspection = models.ForeignKey(
        "inspections.Inspection",
        verbose_name="检查记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    finding = models.ForeignKey(
        "inspections.Finding",
        verbose_name="检查结果",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    violation = models.ForeignKey(
        "subjects.Violation",
        verbose_name="违法记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    event = models.ForeignKey(
        "dispatch.Event",
        verbose_name="关联事件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transferred_from = models.ForeignKey(
        "self", verbose_name="移送来源案件", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transfer_from_name = models.CharField("移送单位", max_length=100, blank=True)
    transfer_to_unit = models.ForeignKey(
        "org.Unit", verbose_name="移送至", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transfer_to_name = models.CharField("移送至（系统外）", max_length=100, blank=True)
    facts = models.TextField("违法事实")
    place = models.CharField("违法地点", max_length=200, blank=True)
    conduct_ended_on = models.DateField("违法行为终了日期")
    discovered_on = models.DateField("发现日期")
    harmed = models.BooleanField("涉及生命健康安全、金融安全且有危害后果", default=False)
    filed_on = models.DateField("立案日期", null=True, blank=True)
    end_reason = models.TextField("不予立案、撤销或移送理由", blank=True)
    correction_due = models.DateField("责令改正期限", null=True, blank=True)
    corrected_on = models.DateField("改正日期", null=True, blank=True)
    fast_consent_on = models.DateField("同意快速办理日期", null=True, blank=True)
    notice_kind = models.CharField("告知类型", max_length=10, choices=NoticeKind.choices, blank=True)
    notified_on = models.DateField("告知日期", null=True, blank=True)
    notified_fine = models.DecimalField("告知罚款合计（元）", **MONEY, null=True, blank=True)
    party_done_on = models.DateField("当事人答复日期", null=True, blank=True)
    # Why a legal review (and a collective discussion) is needed before the decision, fixed at the notice.
    review_reasons = models.JSONField("法制审核事由", default=list, blank=True)
    discussion_reasons = models.JSONField("集体讨论事由", default=list, blank=True)
    outcome = models.CharField("处理结果", max_length=20, choices=Outcome.choices, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_number = models.CharField("决定书文号", max_length=80, blank=True)
    fine_total = models.DecimalField("罚款合计（元）", **MONEY, default=0)
    offset_amount = models.DecimalField("公益服务抵扣（元）", **MONEY, default=0)
    served_on = models.DateField("送达日期", null=True, blank=True)
    service_method = models.CharField("送达方式", max_length=12, choices=ServiceMethod.choices, blank=True)
    publish_required = models.BooleanField("具有一定社会影响、应公开", default=False)
    published_on = models.DateField("公示日期", null=True, blank=True)
    credit_guided_on = models.DateField("信用修复告知日期", null=True, blank=True)
    paid_total = models.DecimalField("已缴纳（元）", **MONEY, default=0)
    paid_on = models.DateField("缴清日期", null=True, blank=True)
    enforcement_applied_on = models.DateField("申请强制执行日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField("延长办案期限（天）", default=0)
    # The agency's earliest running deadline, kept with every change so lists filter on an index.
    next_due = models.DateField("最近期限", null=True, blank=True)
    next_clock = models.CharField("最近期限事项", max_length=20, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="立案人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = verbose_name_plural = "案件"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["stage", "next_due"]),
            # The "due within N days" and "overdue" lists: a range on next_due in its order, for any stage.
            models.Index(
                fields=["next_due", "-id"], name="case_next_due_idx", condition=Q(next_due__isnull=False)
            ),
            models.Index(fields=["unit", "stage"]),
            models.Index(fields=["domain", "stage"]),
        ]
        constraints = [
            # 案件编号: unique per handling unit and year; a case not filed has none.
            models.UniqueConstraint(
                fields=["unit", "year", "serial"], name="case_serial_unique_per_unit_year"
            ),
            models.UniqueConstraint(
                fields=["unit", "number"], condition=~Q(number=""), name="case_number_unique"
            ),
            models.CheckConstraint(
                condition=(Q(number="") & Q(serial__isnull=True) & Q(year__isnull=True))
                | (~Q(number="") & Q(serial__isnull=False) & Q(year__isnull=False)),
                name="case_number_has_year_and_serial",
            ),
            models.CheckConstraint(
                condition=Q(stage=Stage.NOT_FILED) | Q(filed_on__isnull=False), name="case_filed_has_date"
            ),
            models.UniqueConstraint(
                fields=["decision_number"],
                condition=~Q(decision_number=""),
                name="case_decision_number_unique",
            ),
            # One live case per finding; a withdrawn or transferred one leaves room for the next.
            models.UniqueConstraint(
                fields=["finding"],
                condition=Q(finding__isnull=False)
                & ~Q(stage__in=[Stage.NOT_FILED, Stage.WITHDRAWN, Stage.TRANSFERRED]),
                name="case_one_live_case_per_finding",
            ),
            models.UniqueConstraint(
                fields=["transferred_from"],
                condition=Q(transferred_from__isnull=False),
                name="case_transfer_accepted_once",
            ),
            models.CheckConstraint(condition=Q(fine_total__gte=0), name="case_fine_nonnegative"),
            models.CheckConstraint(
                condition=Q(offset_amount__gte=0) & Q(offset_amount__lte=models.F("fine_total")),
                name="case_offset_within_fine",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=[Stage.DECIDED, Stage.SERVED, Stage.EXECUTING, Stage.CLOSED])
                | (~Q(outcome="") & Q(decided_on__isnull=False)),
                name="case_decided_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=[Stage.NOT_FILED, Stage.WITHDRAWN, Stage.TRANSFERRED])
                | ~Q(end_reason=""),
                name="case_ended_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"未立案案件 {self.pk}"

    @property
    def finished(self) -> bool:
        return self.stage in FINISHED_STAGES

    @property
    def fine_payable(self):
        return self.fine_total - self.offset_amount


class CaseParty(models.Model):
    """当事人 — an organisation by its credit code, or a person by name and ID number (kept masked)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    kind = models.CharField("当事人类型", max_length=12, choices=PartyKind.choices)
    name = models.CharField("名称或姓名", max_length=200)
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="监管对象",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    id_masked = models.CharField("身份证号码", max_length=18, blank=True)
    # A keyed digest of the full ID number: the same person is found again without keeping the number.
    id_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address = models.CharField("住所或地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "当事人"
        ordering = ["case", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=PartyKind.ORGANISATION) & ~Q(uscc=""))
                | (Q(kind=PartyKind.PERSON) & (~Q(uscc="") | ~Q(id_digest=""))),
                name="party_identified",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def identifier(self) -> str:
        return self.uscc or self.id_masked


class CaseCause(models.Model):
    """案由 — one catalog item the party is charged under, with its 违则 and 罚则 as at filing, and its penalty."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="causes")
    party = models.ForeignKey(
        CaseParty, verbose_name="当事人", on_delete=models.CASCADE, related_name="causes"
    )
    item = models.ForeignKey(
        "catalog.EnforcementItem", verbose_name="执法事项", on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.TextField("违则")
    penalty_basis = models.TextField("罚则", blank=True)
    circumstance = models.CharField("情节", max_length=4, choices=Circumstance.choices, blank=True)
    band_min = models.DecimalField("裁量基准下限", **MONEY, null=True, blank=True)
    band_max = models.DecimalField("裁量基准上限", **MONEY, null=True, blank=True)
    proposed_kinds = models.JSONField("拟处罚种类", default=list, blank=True)
    proposed_fine = models.DecimalField("拟罚款（元）", **MONEY, default=0)
    confiscation_value = models.DecimalField("没收价值（元）", **MONEY, default=0)
    outside_band_reason = models.TextField("超出裁量基准理由", blank=True)
    decided_kinds = models.JSONField("决定处罚种类", default=list, blank=True)
    decided_fine = models.DecimalField("决定罚款（元）", **MONEY, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "案由"
        ordering = ["case", "party__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "party", "item"], name="cause_once_per_party"),
            models.CheckConstraint(condition=Q(proposed_fine__gte=0), name="cause_fine_nonnegative"),
            models.CheckConstraint(
                condition=Q(decided_fine__isnull=True) | Q(decided_fine__gte=0),
                name="cause_decided_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(confiscation_value__gte=0), name="cause_confiscation_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} {self.item.name}"

    @property
    def outside_band(self) -> bool:
        if self.band_min is None or self.band_max is None or "fine" not in (self.proposed_kinds or []):
            return False
        return not self.band_min <= self.proposed_fine <= self.band_max


class CaseOfficer(models.Model):
    """办案人员 — the lead officer and the others, each with an enforcement certificate."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_officers")
    officer = models.ForeignKey("org.Officer", on_delete=models.PROTECT, related_name="case_roles")
    role = models.CharField("角色", max_length=10, choices=OfficerRole.choices)

    class Meta:
        verbose_name = verbose_name_plural = "办案人员"
        ordering = ["case", "-role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "officer"], name="case_officer_once"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(role=OfficerRole.LEAD), name="case_one_lead"
            ),
        ]


class CaseDocument(models.Model):
    """文书 — a document a step produced: its kind, number, date, who made it and the data it was made from."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("文书种类", max_length=24, choices=DocumentKind.choices)
    number = models.CharField("文号", max_length=80, blank=True)
    issued_on = models.DateField("日期")
    by = models.ForeignKey(
        "accounts.User",
        verbose_name="制作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    data = models.JSONField("内容数据", default=dict)
    # The party's signature, drawn on the phone (当场处罚决定书, 送达回证).
    signature = models.FileField("当事人签名", upload_to=case_file_upload_to, max_length=200, blank=True)
    signature_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField("生成时间")

    class Meta:
        verbose_name = verbose_name_plural = "案件文书"
        ordering = ["case", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="document_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()

    def delete(self, *args, **kwargs):
        raise RuntimeError("case documents are kept: a step appends, it never removes")


class CaseStep(models.Model):
    """办案记录 — append-only timeline of a case: each action, the stage it moved, its document."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    at = models.DateTimeField("时间")
    by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField("动作", max_length=40)
    from_stage = models.CharField(max_length=20, blank=True)
    to_stage = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    document = models.ForeignKey(
        CaseDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "办案记录"
        ordering = ["case", "at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("the case timeline is append-only")
        super().save(*args, **kwargs)


class CaseCounter(models.Model):
    """编号计数 — the last number given per key (a unit's case numbers, a prefix's documents) and year."""

    key = models.CharField(max_length=120)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "year"], name="case_counter_once")]


class UnitCaseSettings(models.Model):
    """文号前缀 — how a unit's document numbers begin (e.g. 杭上综执 → 杭上综执罚决字〔2026〕第12号)."""

    unit = models.OneToOneField(
        "org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="case_settings"
    )
    prefix = models.CharField("文号前缀", max_length=30)

    class Meta:
        verbose_name = verbose_name_plural = "文号前缀"

    def __str__(self) -> str:
        return f"{self.unit} {self.prefix}"
