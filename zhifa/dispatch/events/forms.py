"""Forms of the command-centre pages. They only shape input: the services decide what is valid and say why."""

import re

from django import forms
from django.utils import timezone

from zhifa.dispatch.choices import OPEN_STATUSES, Channel, EventStatus, Priority, ResolutionMode
from zhifa.dispatch.events.stats import overdue_q
from zhifa.dispatch.models import SlaPolicy

STATUS_OPEN, STATUS_ALL, STATUS_OVERDUE = "open", "all", "overdue"
STATUS_FILTERS = [(STATUS_OPEN, "在办"), (STATUS_OVERDUE, "超时"), (STATUS_ALL, "全部"), *EventStatus.choices]
PHONE = re.compile(r"^[0-9+\- ]{5,20}$")
TEXT = {"rows": 4, "maxlength": 2000}


def public_subdistricts() -> list[tuple[str, str]]:
    """Every subdistrict of the district, for the public form: their names are public knowledge."""
    from zhifa.org.choices import RegionLevel
    from zhifa.org.models import Region

    return list(
        Region.objects.filter(level=RegionLevel.SUBDISTRICT).order_by("code").values_list("code", "name")
    )


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "全部"), *choices]


class EventFilterForm(forms.Form):
    """Board and ledger filters; a bad value falls back to "any" instead of failing the page."""

    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_FILTERS)
    channel = forms.ChoiceField(label="渠道", required=False, choices=_blank(Channel.choices))
    priority = forms.ChoiceField(label="优先级", required=False, choices=_blank(Priority.choices))
    # Any code is accepted: the queryset is already scoped, a code outside it simply matches nothing.
    subdistrict = forms.CharField(label="街道", required=False, max_length=32)
    q = forms.CharField(
        label="编号、内容或地址",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "如：油烟、九堡"}),
    )

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "status": data.get("status") or STATUS_OPEN,
            "channel": data.get("channel") or "",
            "priority": data.get("priority") or "",
            "subdistrict": (data.get("subdistrict") or "").strip(),
            "q": (data.get("q") or "").strip(),
        }


def apply_filters(qs, f: dict, *, now=None):
    if f["status"] == STATUS_OPEN:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f["status"] == STATUS_OVERDUE:
        # The board's 超时 tile counts exactly these (one definition, in events.stats).
        qs = qs.filter(overdue_q(list(SlaPolicy.objects.all()), now or timezone.now()))
    elif f["status"] != STATUS_ALL:
        qs = qs.filter(status=f["status"])
    if f["channel"]:
        qs = qs.filter(channel=f["channel"])
    if f["priority"]:
        qs = qs.filter(priority=f["priority"])
    if f["subdistrict"]:
        qs = qs.filter(subdistrict__code=f["subdistrict"])
    return qs


class _IntakeFields(forms.Form):
    """Fields shared by the staff and the public intake forms; the description is checked by the service."""

    description = forms.CharField(
        label="诉求内容", required=False, widget=forms.Textarea(attrs=TEXT), max_length=2000
    )
    address = forms.CharField(label="地址", required=False, max_length=200)
    subdistrict = forms.ChoiceField(label="街道", required=False)
    reporter_name = forms.CharField(label="反映人姓名", required=False, max_length=50)
    reporter_phone = forms.CharField(
        label="联系电话",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, subdistricts: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdistrict"].choices = [("", "请选择（可不选）"), *subdistricts]

    def clean_reporter_phone(self) -> str:
        phone = self.cleaned_data["reporter_phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError("请填写正确的联系电话")
        return phone

    def add_service_errors(self, err) -> None:
        """Put a service's per-field messages on the fields; the rest on the form."""
        placed = False
        for e in err.errors:
            field = e.get("field")
            if field in ("lng", "lat") and "lng" not in self.fields:
                field = None
            if field in self.fields:
                self.add_error(field, e.get("message") or err.message)
                placed = True
        if not placed:
            self.add_error(None, err.message)


class StaffIntakeForm(_IntakeFields):
    # Picked on the map (static/js/eventmap.js) or found from the address (按地址定位): never typed.
    lng = forms.FloatField(label="经度", required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(label="纬度", required=False, widget=forms.HiddenInput)
    priority = forms.ChoiceField(label="优先级", choices=Priority.choices, initial=Priority.NORMAL)

    field_order = [
        "description",
        "address",
        "subdistrict",
        "lng",
        "lat",
        "priority",
        "reporter_name",
        "reporter_phone",
    ]


class PublicReportForm(_IntakeFields):
    pass


# --- workflow actions ------------------------------------------------------------------------------------


class _ActionForm(forms.Form):
    # The version the person saw: an action on a page that is out of date is refused as a conflict.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class PlainActionForm(_ActionForm):
    pass


class ResolveForm(_ActionForm):
    mode = forms.ChoiceField(
        label="处置方式", required=False, choices=[("", "请选择"), *ResolutionMode.choices]
    )
    result = forms.CharField(
        label="处置结果", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(_ActionForm):
    answer = forms.CharField(
        label="答复内容", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(_ActionForm):
    reason = forms.CharField(label="退单理由", required=False, max_length=500)


class DispatchForm(_ActionForm):
    unit = forms.ChoiceField(label="派往单位", required=False)

    def __init__(self, *args, units: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "请选择执法队伍"), *units]


class CorrectForm(_ActionForm):
    item_codes = forms.CharField(
        label="执法事项编码（多个用逗号分隔）",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "如 ZH0001, SC0002"}),
    )
    subdistrict = forms.ChoiceField(label="街道（改地点时选）", required=False)
    address = forms.CharField(label="地址", required=False, max_length=200)

    def __init__(self, *args, subdistricts: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdistrict"].choices = [("", "不改地点"), *subdistricts]

    def codes(self) -> list[str]:
        raw = (getattr(self, "cleaned_data", {}) or {}).get("item_codes") or ""
        return [c.strip().upper() for c in re.split(r"[,，、\s]+", raw) if c.strip()]


class MergeForm(_ActionForm):
    into = forms.CharField(
        label="并入事件的受理编号",
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"placeholder": "同一地点、同一问题的在办事件"}),
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="评价",
        coerce=int,
        choices=[(i, f"{i} 星") for i in range(1, 6)],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择 1 到 5 星", "invalid_choice": "评价须为 1 到 5 星"},
    )
