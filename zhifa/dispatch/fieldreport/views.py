"""现场上报 page: a phone form for grid workers, officers on patrol and departments, with photos and location."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from zhifa.core.errors import ServiceError
from zhifa.dispatch.choices import Channel
from zhifa.dispatch.events.forms import TEXT, public_subdistricts
from zhifa.dispatch.events.selectors import events_reported_by
from zhifa.dispatch.fieldreport.services import MAX_PHOTOS, event_report_in, field_channel


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the service checks each file itself."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return super().clean(data, initial)


class FieldReportForm(forms.Form):
    description = forms.CharField(
        label="问题描述", required=False, max_length=2000, widget=forms.Textarea(attrs=TEXT)
    )
    photos = MultipleFileField(
        label=f"现场照片（最多 {MAX_PHOTOS} 张）",
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True}),
    )
    address = forms.CharField(label="地址或楼宇", required=False, max_length=200)
    subdistrict = forms.ChoiceField(label="街道", required=False)
    urgent = forms.BooleanField(label="紧急（按 1315 时限处置）", required=False)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    accuracy = forms.FloatField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdistrict"].choices = [("", "按定位或地址判断"), *public_subdistricts()]


@login_required
def report_in(request):
    user = request.user
    channel = field_channel(user)
    if channel is None:
        raise PermissionDenied("只有网格员、执法队员和区级部门可以现场上报")
    form = FieldReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = event_report_in(
                by=user,
                description=data["description"],
                photos=request.FILES.getlist("photos"),
                lng=data.get("lng"),
                lat=data.get("lat"),
                accuracy_m=data.get("accuracy"),
                address=data["address"],
                subdistrict=data["subdistrict"],
                urgent=data["urgent"],
            )
        except ServiceError as err:
            for e in err.errors:
                form.add_error(
                    e["field"] if e.get("field") in form.fields else None, e.get("message") or err.message
                )
            if not err.errors:
                form.add_error(None, err.message)
            status = err.status
        else:
            unit = event.lead_unit.name if event.lead_unit else "区协调指挥中心（待人工派发）"
            messages.success(request, f"已上报，受理编号 {event.receipt_no}，已派往{unit}")
            return redirect("dispatch:event_detail", pk=event.pk)
    elif request.method == "POST":
        status = 400
    mine, mine_total = events_reported_by(user=user)
    context = {
        "form": form,
        "channel_label": Channel(channel).label,
        "active_nav": "report_in",
        "mine": mine,
        "mine_total": mine_total,
    }
    return render(request, "dispatch/report_in.html", context, status=status)
