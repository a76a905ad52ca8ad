"""Forms of the case pages. They only shape input (types, dates, numbers); the services decide what is valid,
so every field is optional here and a missing one is named by the service's message."""

import base64
import binascii

from django import forms

from zhifa.cases.choices import (
    Circumstance,
    EvidenceKind,
    NoticeKind,
    Outcome,
    PenaltyKind,
    Procedure,
    ResponseKind,
    ServiceMethod,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 2})
MAX_SIGNATURE = 2 * 1024 * 1024


def _choices(choices, blank="请选择"):
    return [("", blank), *choices]


class Base(forms.Form):
    use_required_attribute = False

    def values(self) -> dict:
        """What was given, without the fields left empty (the service applies its own defaults)."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}


class InvestigateForm(Base):
    correction_due = forms.DateField(label="责令改正期限（可不填）", required=False, widget=DATE)
    correction = forms.CharField(label="责令改正内容", required=False, widget=TEXT)


def questions_from_text(value: str) -> list[dict]:
    """问：…／答：… lines as typed (a line without either prefix continues the one before) → question/answer
    pairs; a question without an answer keeps an empty answer for the service to name."""
    rows: list[dict] = []
    key = None
    for raw in (value or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        head, body = line[:1], line[1:].lstrip("：:").strip()
        if head == "问":
            rows.append({"question": body, "answer": ""})
            key = "question"
        elif head == "答" and rows:
            rows[-1]["answer"] = (rows[-1]["answer"] + "\n" + body).strip() if rows[-1]["answer"] else body
            key = "answer"
        elif rows and key:
            rows[-1][key] += "\n" + line
        else:
            rows.append({"question": line, "answer": ""})
            key = "question"
    return rows


class InquiryForm(Base):
    interviewee = forms.CharField(label="被询问人姓名", required=False)
    relation = forms.CharField(label="与当事人关系（本人、负责人、员工、证人…）", required=False)
    position = forms.CharField(label="职务", required=False)
    phone = forms.CharField(label="联系电话", required=False)
    id_number = forms.CharField(label="身份证号码（可不填）", required=False)
    started_at = forms.DateTimeField(
        label="询问开始时间", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ended_at = forms.DateTimeField(
        label="询问结束时间", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label="询问地点", required=False)
    qa = forms.CharField(
        label="询问内容（每问以“问：”开头，每答以“答：”开头）",
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "placeholder": "问：你在店里担任什么职务？\n答：我是店长。\n（表明身份、告知权利和回避的问答已印在笔录开头）",
            }
        ),
    )

    def values(self) -> dict:
        d = self.cleaned_data
        person = {k: d.get(k) or "" for k in ("relation", "position", "phone", "id_number")}
        return {
            "interviewee": {"name": d.get("interviewee") or "", **person},
            "started_at": d.get("started_at"),
            "ended_at": d.get("ended_at"),
            "place": d.get("place") or "",
            "questions": questions_from_text(d.get("qa") or ""),
        }


class CorrectionForm(Base):
    corrected_on = forms.DateField(label="改正日期", required=False, widget=DATE)
    note = forms.CharField(label="改正情况", required=False, widget=TEXT)


class NotifyForm(Base):
    notice_kind = forms.ChoiceField(
        label="告知类型", required=False, choices=_choices(NoticeKind.choices, "按法定情形确定")
    )
    notified_on = forms.DateField(label="告知日期", required=False, widget=DATE)


class RespondForm(Base):
    kind = forms.ChoiceField(
        label="当事人意见",
        required=False,
        choices=_choices([c for c in ResponseKind.choices if c[0] != ResponseKind.CONSENT]),
    )
    content = forms.CharField(label="内容", required=False, widget=TEXT)
    received_on = forms.DateField(label="收到日期", required=False, widget=DATE)


class StudyForm(Base):
    topic = forms.CharField(label="学习内容", required=False)
    studied_on = forms.DateField(label="学习日期", required=False, widget=DATE)
    minutes = forms.IntegerField(label="时长（分钟）", required=False, min_value=0)


class HearingForm(Base):
    held_on = forms.DateField(label="听证日期", required=False, widget=DATE)
    place = forms.CharField(label="地点", required=False)
    host = forms.CharField(label="主持人（用户名，非本案调查人员）", required=False)
    notice_on = forms.DateField(label="通知日期", required=False, widget=DATE)


class HearingReportForm(Base):
    report = forms.CharField(label="听证报告", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class ReviewForm(Base):
    pass


class ReviewOpinionForm(Base):
    passed = forms.TypedChoiceField(
        label="审核结论",
        required=False,
        choices=[("1", "通过"), ("0", "不通过，退回补充调查")],
        coerce=lambda v: v == "1",
    )
    opinion = forms.CharField(label="审核意见", required=False, widget=TEXT)


class DiscussionForm(Base):
    held_on = forms.DateField(label="讨论日期", required=False, widget=DATE)
    attendees = forms.CharField(label="参加人员", required=False)
    conclusion = forms.CharField(label="讨论结论", required=False, widget=TEXT)


class DecideForm(Base):
    outcome = forms.ChoiceField(label="处理结果", required=False, choices=_choices(Outcome.choices))
    decided_on = forms.DateField(label="决定日期", required=False, widget=DATE)
    publish_required = forms.BooleanField(label="具有一定社会影响，应公开", required=False)
    service_hours = forms.IntegerField(label="公益服务时长（小时，公益抵罚）", required=False, min_value=0)
    service_content = forms.CharField(label="公益服务内容", required=False)
    service_due_on = forms.DateField(label="公益服务完成期限", required=False, widget=DATE)

    def values(self) -> dict:
        v = super().values()
        hours = v.pop("service_hours", None)
        content = v.pop("service_content", "")
        due_on = v.pop("service_due_on", None)
        if v.get("outcome") == Outcome.PUBLIC_SERVICE:
            v["public_service"] = {"hours": hours, "content": content, "due_on": due_on}
        return v


class SignatureField(forms.CharField):
    """The party's signature drawn on the phone's canvas, posted as a PNG data URL."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return b""
        head, _, data = value.partition(",")
        if head != "data:image/png;base64" or len(data) > MAX_SIGNATURE * 4 // 3 + 4:
            raise forms.ValidationError("签名图像有误，请重新签名")
        try:
            return base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError("签名图像有误，请重新签名") from None


class ServeForm(Base):
    served_on = forms.DateField(label="送达日期", required=False, widget=DATE)
    method = forms.ChoiceField(label="送达方式", required=False, choices=_choices(ServiceMethod.choices))
    recipient = forms.CharField(label="受送达人", required=False)
    signature = SignatureField(required=False, widget=forms.HiddenInput)
    signature_refused = forms.CharField(label="拒签情况（如拒绝签收）", required=False)


class PaymentForm(Base):
    amount = forms.DecimalField(label="缴纳罚款（元）", required=False, decimal_places=2, max_digits=12)
    late_fee_paid = forms.DecimalField(
        label="加处罚款（元）", required=False, decimal_places=2, max_digits=12
    )
    paid_on = forms.DateField(label="缴款日期", required=False, widget=DATE)
    receipt_no = forms.CharField(label="缴款凭证号", required=False)


class PublicServiceForm(Base):
    completed = forms.TypedChoiceField(
        label="完成情况",
        required=False,
        choices=[("1", "已完成"), ("0", "未完成")],
        coerce=lambda v: v == "1",
    )
    completed_on = forms.DateField(label="完成日期", required=False, widget=DATE)
    note = forms.CharField(label="情况说明", required=False, widget=TEXT)


class EnforcementForm(Base):
    applied_on = forms.DateField(label="申请日期", required=False, widget=DATE)
    note = forms.CharField(label="申请说明", required=False, widget=TEXT)


class PublishForm(Base):
    published_on = forms.DateField(label="公示日期", required=False, widget=DATE)


class CreditRepairForm(Base):
    guidance = forms.CharField(label="信用修复指导内容", required=False, widget=TEXT)


class CloseForm(Base):
    summary = forms.CharField(label="结案报告", required=False, widget=TEXT)


class ExtendForm(Base):
    days = forms.IntegerField(label="延长天数", required=False, min_value=0)
    reason = forms.CharField(label="延期理由", required=False, widget=TEXT)
    approver = forms.CharField(label="批准人（用户名）", required=False)


class TransferForm(Base):
    to_unit = forms.ChoiceField(label="移送至本区单位", required=False, choices=[])
    to_name = forms.CharField(label="或系统外机关（如公安机关）", required=False)
    reason = forms.CharField(label="移送理由", required=False, widget=TEXT)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].choices = _choices(list(units), "—")


class WithdrawForm(Base):
    reason = forms.CharField(label="撤销理由", required=False, widget=TEXT)


class EvidenceForm(Base):
    source = forms.ChoiceField(label="文件", required=False, choices=[])
    kind = forms.ChoiceField(label="证据种类", required=False, choices=_choices(EvidenceKind.choices))
    requirement = forms.ChoiceField(label="对应证据清单", required=False, choices=[])
    description = forms.CharField(label="证据说明", required=False)
    device = forms.CharField(label="采集设备", required=False)
    place = forms.CharField(label="收集地点", required=False)

    def __init__(self, *args, sources=(), requirements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = _choices(list(sources))
        self.fields["requirement"].choices = _choices([(r, r) for r in requirements], "—")

    def values(self) -> dict:
        v = super().values()
        origin, _, pk = v.pop("source", "").partition(":")
        if origin in ("event", "photo") and pk.isdigit():
            v["event_evidence" if origin == "event" else "inspection_photo"] = int(pk)
        return v


class EvidenceUploadForm(EvidenceForm):
    file = forms.FileField(label="文件（图片或 PDF）", required=False)

    def __init__(self, *args, requirements=(), **kwargs):
        super().__init__(*args, requirements=requirements, **kwargs)
        del self.fields["source"]


ACTION_FORMS = {
    "investigate": InvestigateForm,
    "evidence": EvidenceForm,
    "evidence_upload": EvidenceUploadForm,
    "inquiry": InquiryForm,
    "correction": CorrectionForm,
    "notify": NotifyForm,
    "respond": RespondForm,
    "study": StudyForm,
    "hearing": HearingForm,
    "hearing_report": HearingReportForm,
    "review": ReviewForm,
    "review_opinion": ReviewOpinionForm,
    "discussion": DiscussionForm,
    "decide": DecideForm,
    "serve": ServeForm,
    "payment": PaymentForm,
    "public_service": PublicServiceForm,
    "enforcement": EnforcementForm,
    "publish": PublishForm,
    "credit_repair": CreditRepairForm,
    "close": CloseForm,
    "extend": ExtendForm,
    "transfer": TransferForm,
    "withdraw": WithdrawForm,
}


def penalties_from_post(data, causes) -> list[dict]:
    """The per-cause rows of the notice and decision forms (circumstance_<id>, kinds_<id>, fine_<id> …)."""
    return [
        {
            "cause": c.pk,
            "circumstance": data.get(f"circumstance_{c.pk}", ""),
            "kinds": data.getlist(f"kinds_{c.pk}"),
            "fine": data.get(f"fine_{c.pk}", "") or 0,
            "confiscation_value": data.get(f"confiscation_{c.pk}", "") or 0,
            "outside_band_reason": data.get(f"reason_{c.pk}", ""),
        }
        for c in causes
    ]


class CaseOpenForm(Base):
    procedure = forms.ChoiceField(
        label="程序", required=False, choices=[c for c in Procedure.choices if c[0] != Procedure.SIMPLE]
    )
    facts = forms.CharField(label="违法事实", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    place = forms.CharField(label="违法地点", required=False)
    conduct_ended_on = forms.DateField(label="违法行为终了日期（时效起算）", required=False, widget=DATE)
    discovered_on = forms.DateField(label="发现日期", required=False, widget=DATE)
    harmed = forms.BooleanField(label="涉及公民生命健康安全、金融安全且有危害后果", required=False)
    fast_consent_on = forms.DateField(label="当事人同意快速办理日期", required=False, widget=DATE)
    items = forms.CharField(label="案由（执法事项编码，多个用空格分隔）", required=False)
    lead = forms.CharField(label="主办人员", required=False)
    reason = forms.CharField(label="不予立案理由", required=False, widget=TEXT)


class OnSpotForm(Base):
    party_kind = forms.ChoiceField(
        label="当事人", required=False, choices=[("person", "个人"), ("organisation", "单位")]
    )
    party_name = forms.CharField(label="姓名或名称", required=False)
    party_id_number = forms.CharField(label="身份证号码", required=False)
    party_uscc = forms.CharField(label="统一社会信用代码", required=False)
    item = forms.CharField(label="违法行为（执法事项）", required=False)
    circumstance = forms.ChoiceField(label="情节", required=False, choices=_choices(Circumstance.choices))
    penalty = forms.ChoiceField(
        label="处罚",
        required=False,
        choices=[(PenaltyKind.WARNING, "警告"), (PenaltyKind.FINE, "罚款")],
    )
    fine = forms.DecimalField(label="罚款（元）", required=False, decimal_places=2, max_digits=12)
    facts = forms.CharField(label="违法事实", required=False, widget=TEXT)
    place = forms.CharField(label="地点", required=False)
    partner = forms.CharField(label="同行执法人员", required=False)
    photo = forms.FileField(label="现场照片", required=False)
    signature = SignatureField(required=False, widget=forms.HiddenInput)
    signature_refused = forms.CharField(label="当事人拒绝签名的情况", required=False)
