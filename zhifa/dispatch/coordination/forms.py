"""Forms of the coordination screens. They shape input only; the services decide what is valid and say why."""

from django import forms
from django.utils import timezone

from zhifa.dispatch.choices import ConsultationKind, ConsultationStatus, EvidenceMethod
from zhifa.dispatch.coordination.selectors import unit_choices

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def now_local() -> str:
    return timezone.localtime().strftime(DATETIME_LOCAL)


class _DateTimeLocal(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
        kwargs.setdefault("error_messages", {"invalid": "请填写正确的日期和时间"})
        super().__init__(*args, **kwargs)


class _Date(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": "请填写正确的日期"})
        super().__init__(*args, **kwargs)


class ConsultationForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型",
        choices=ConsultationKind.choices,
        initial=ConsultationKind.CONSULTATION,
        widget=forms.RadioSelect,
        required=False,
    )
    topic = forms.CharField(label="议题", required=False, max_length=200)
    held_at = _DateTimeLocal(label="召开时间", required=False)
    place = forms.CharField(
        label="地点（现场联席会填写现场位置）",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如：南星街道指挥室 / 事发现场"}),
    )
    participants = forms.MultipleChoiceField(
        label="参会单位", required=False, widget=forms.CheckboxSelectMultiple
    )
    follow_up_deadline = _Date(label="落实期限（可不填）", required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = units if units is not None else unit_choices()


class ConsultationFilterForm(forms.Form):
    q = forms.CharField(
        label="议题、地点、单位或事件编号",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "如：油烟、南星"}),
    )
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部"), *ConsultationKind.choices])
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *ConsultationStatus.choices]
    )

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: (data.get(k) or "").strip() for k in ("q", "kind", "status")}


class RecordForm(forms.Form):
    """Decisions plus, for each participating unit, whether it came and who."""

    decisions = forms.CharField(
        label="会议决定", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    follow_up_deadline = _Date(label="落实期限（可不填）", required=False)

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for p in participants:
            code = p.unit.code
            self.fields[f"attended_{code}"] = forms.BooleanField(
                label=p.unit.name, required=False, initial=True
            )
            self.fields[f"person_{code}"] = forms.CharField(
                label=f"{p.unit.name} 参会人员",
                required=False,
                max_length=100,
                widget=forms.TextInput(attrs={"placeholder": "参会人员（可不填）"}),
            )
            self.rows.append((code, self[f"attended_{code}"], self[f"person_{code}"]))

    def attendance(self) -> dict[str, tuple[bool, str]]:
        data = self.cleaned_data
        return {
            code: (bool(data.get(f"attended_{code}")), data.get(f"person_{code}") or "")
            for code, _, _ in self.rows
        }


class EvidenceForm(forms.Form):
    # Two ways to give the file: the phone camera straight away, or a file already on the device (e.g. a PDF).
    photo = forms.FileField(
        label="拍照",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    file = forms.FileField(
        label="或选择文件（图片或 PDF，不超过 10 MB）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    method = forms.ChoiceField(
        label="收集方式", required=False, choices=[("", "请选择"), *EvidenceMethod.choices]
    )
    description = forms.CharField(
        label="证据说明", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    collector_name = forms.CharField(label="收集人", required=False, max_length=50)
    collected_at = _DateTimeLocal(label="收集时间", required=False)
    shared_with = forms.MultipleChoiceField(
        label="限定共享单位（不选：承办本事件的所有单位可见）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_with"].choices = units

    def upload(self):
        data = self.cleaned_data
        return data.get("photo") or data.get("file")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="撤回理由", required=False, max_length=500)


class AdoptForm(forms.Form):
    purpose = forms.CharField(
        label="用途",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如：作为本案现场证据"}),
    )
