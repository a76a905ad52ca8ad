"""The form of a training or case-review record: it only shapes input (the service decides what is valid)."""

from django import forms

from zhifa.oversight.choices import TrainingKind

SHOWN_REQUIRED = {"kind", "topic", "held_on", "organiser", "hours", "participants"}


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=[("", "请选择"), *TrainingKind.choices])
    topic = forms.CharField(label="主题", max_length=200)
    held_on = forms.DateField(
        label="日期",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    organiser = forms.TypedChoiceField(label="组织单位", coerce=int, empty_value=None)
    hours = forms.CharField(
        label="学时", max_length=6, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="每名参加人员计入的学时，0.5 的整数倍",
    )  # fmt: skip
    place = forms.CharField(label="地点", max_length=100, required=False)
    participants = forms.MultipleChoiceField(
        label="参加人员", widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="可按住 Ctrl（手机上直接点选）选择多人",
    )  # fmt: skip
    cases = forms.CharField(
        label="研讨案件", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="案件编号，每行一个；疑难案件研讨、案卷评查和优秀案例评选至少一件",
    )  # fmt: skip
    summary = forms.CharField(label="内容纪要", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisers, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].choices = [("", "请选择"), *((u.pk, u.name) for u in organisers)]
        groups: dict[str, list] = {}
        for o in officers:
            groups.setdefault(o.team.name, []).append((str(o.pk), f"{o.name}（{o.certificate_no}）"))
        self.fields["participants"].choices = list(groups.items())
        for name, field in self.fields.items():
            field.show_required = name in SHOWN_REQUIRED
            # The service names what is missing, the same for the page and the API; the form only parses.
            field.required = False
            field.error_messages.update(
                required=f"请{'选择' if name in ('kind', 'organiser', 'participants') else '填写'}{field.label}",
                invalid_choice=f"{field.label}“%(value)s”不是可选的值",
                invalid_list=f"{field.label}格式有误",
                max_length=f"{field.label}不能超过 %(limit_value)d 个字符",
                invalid=f"{field.label}格式有误（年-月-日）"
                if name == "held_on"
                else f"{field.label}格式有误",
            )

    @staticmethod
    def initial_from(t) -> dict:
        return {
            "kind": t.kind,
            "topic": t.topic,
            "held_on": t.held_on,
            "organiser": t.organiser_id,
            "hours": f"{t.hours.normalize():f}",
            "place": t.place,
            "participants": [str(pk) for pk in t.participants.values_list("pk", flat=True)],
            "cases": "\n".join(t.cases.order_by("number").values_list("number", flat=True)),
            "summary": t.summary,
            "version": t.version,
        }

    def values(self) -> dict:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("kind", "topic", "held_on", "organiser", "hours", "place",
                                      "participants", "cases", "summary")}  # fmt: skip

    def add_service_errors(self, errors: list[dict], message: str) -> None:
        placed = False
        for e in errors:
            if e.get("field") in self.fields and e.get("field") != "version":
                self.add_error(e["field"], e.get("message") or message)
                placed = True
        if not placed:
            self.add_error(None, message)


class MaterialForm(forms.Form):
    file = forms.FileField(label="材料（PDF 或图片）", error_messages={"required": "请选择材料文件"})
