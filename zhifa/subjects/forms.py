"""The subject form (登记 / 编辑): fields as people type them; the subject services check and place them, and
their per-field errors are put back on the fields."""

from django import forms

from zhifa.catalog.models import Scenario
from zhifa.subjects.choices import INDUSTRY_CHOICES, CreditClass, SubjectKind, SubjectStatus
from zhifa.subjects.models import Subject
from zhifa.subjects.services import EDITABLE

# The form's fields, in the services' names.
FIELDS = EDITABLE
SHOWN_REQUIRED = {"name", "kind", "industry", "credit_class", "status"}


class SubjectForm(forms.Form):
    uscc = forms.CharField(
        label="统一社会信用代码",
        required=False,
        max_length=30,
        help_text="18 位，按 GB 32100-2015 校验；“场所”类对象可不填",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # Name and industry are checked by the service with the other fields, so one submit lists every problem.
    name = forms.CharField(label="名称", max_length=200, required=False)
    kind = forms.ChoiceField(label="类型", choices=SubjectKind.choices)
    industry = forms.ChoiceField(label="行业", choices=[("", "请选择"), *INDUSTRY_CHOICES], required=False)
    address = forms.CharField(label="地址", required=False, max_length=200)
    lng = forms.CharField(
        label="经度", required=False, max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    lat = forms.CharField(
        label="纬度", required=False, max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    subdistrict = forms.ChoiceField(
        label="所属街道", required=False, help_text="有坐标、楼宇或含街道名的地址时按定位结果，可不选"
    )
    building = forms.CharField(
        label="所在楼宇", required=False, max_length=100, help_text="楼宇编号或名称，可不填"
    )
    opened_on = forms.CharField(
        label="成立日期", required=False, max_length=20, widget=forms.DateInput(attrs={"type": "date"})
    )
    credit_class = forms.ChoiceField(label="信用等级", choices=CreditClass.choices, initial=CreditClass.B)
    status = forms.ChoiceField(label="状态", choices=SubjectStatus.choices, initial=SubjectStatus.ACTIVE)
    scenarios = forms.MultipleChoiceField(
        label="监管场景", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, subdistricts: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdistrict"].choices = [("", "按定位结果"), *subdistricts]
        self.fields["scenarios"].choices = list(Scenario.objects.order_by("code").values_list("code", "name"))
        for name, field in self.fields.items():
            field.show_required = name in SHOWN_REQUIRED
            # Chinese whatever language the browser asks for.
            field.error_messages.update(
                required=f"请填写{field.label}",
                invalid_choice=f"{field.label}“%(value)s”不是可选的值",
                max_length=f"{field.label}不能超过 %(limit_value)d 个字符",
                invalid=f"{field.label}格式有误",
            )

    @staticmethod
    def initial_from(subject: Subject) -> dict:
        return {
            "uscc": subject.uscc,
            "name": subject.name,
            "kind": subject.kind,
            "industry": subject.industry_code,
            "address": subject.address,
            "lng": "" if subject.lng is None else repr(subject.lng),
            "lat": "" if subject.lat is None else repr(subject.lat),
            "subdistrict": subject.subdistrict.code,
            "building": subject.building.code if subject.building_id else "",
            "opened_on": subject.opened_on.isoformat() if subject.opened_on else "",
            "credit_class": subject.credit_class,
            "status": subject.status,
            "scenarios": sorted(subject.scenarios.values_list("code", flat=True)),
            "version": subject.version,
        }

    def values(self) -> dict:
        """The cleaned fields as the services take them."""
        d = self.cleaned_data
        out = {key: d.get(key) for key in FIELDS}
        out["scenarios"] = sorted(d.get("scenarios") or [])
        for key in FIELDS:
            if isinstance(out[key], str):
                out[key] = out[key].strip()
        return out

    def changes(self, initial: dict) -> dict:
        """Only what the person changed: a moved place then decides the subdistrict anew in the service."""
        values = self.values()
        return {k: v for k, v in values.items() if v != initial.get(k, "" if k != "scenarios" else [])}

    def add_service_errors(self, errors: list[dict], message: str) -> None:
        placed = False
        for e in errors:
            field = e.get("field")
            if field in self.fields:
                self.add_error(field, e.get("message") or message)
                placed = True
        if not placed:
            self.add_error(None, message)
