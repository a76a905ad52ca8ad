"""录入事件 — the command centre's manual event form: the place is picked on the district map or found from the
address (按地址定位, the same name lookup the intake routes by); coordinates stay optional."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from zhifa.core.errors import ServiceError
from zhifa.dispatch.choices import Channel
from zhifa.dispatch.events import forms as f
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.events.views import _intake_kwargs, _is_command
from zhifa.dispatch.places import address_geocode
from zhifa.org import selectors as org_selectors
from zhifa.org.models import Region
from zhifa.org.scope import scope_for


def _map_data(user) -> dict | None:
    """The user's part of the district (the district, or a subdistrict command's own subdistrict) with its
    children's shapes, drawn by static/js/eventmap.js from local data (no online tiles on a closed network)."""
    scope = scope_for(user)
    region = (
        Region.objects.filter(parent__isnull=True).order_by("path").first()
        if scope.district_wide
        else Region.objects.filter(path=scope.region_path).first()
    )
    if region is None:
        return None
    features = org_selectors.region_map_features(region=region)
    return {"code": region.code, "features": features} if features["features"] else None


@login_required
def event_new(request):
    user = request.user
    if not _is_command(user) or not scope_for(user).can_write:
        raise PermissionDenied("只有指挥中心可以录入事件")
    subdistricts = org_selectors.subdistrict_choices(user=user)
    data = request.POST.copy() if request.method == "POST" else None
    located = ""
    status = 200
    if data is not None and data.get("action") == "geocode":
        # 按地址定位 without JS: the form comes back with the point found (or the reason), nothing saved.
        form = f.StaffIntakeForm(data, subdistricts=subdistricts)
        try:
            place = address_geocode(address=data.get("address", ""))
        except ServiceError as err:
            form.is_valid()
            form.add_service_errors(err)
            status = err.status
        else:
            data["lng"], data["lat"] = f"{place.lng:.6f}", f"{place.lat:.6f}"
            if place.subdistrict is not None and not data.get("subdistrict"):
                data["subdistrict"] = place.subdistrict.code
            form = f.StaffIntakeForm(data, subdistricts=subdistricts)
            where = place.subdistrict.name if place.subdistrict is not None else ""
            located = f"{place.how}{('：' + where) if where else ''}"
        return _page(request, form, located, status)
    form = f.StaffIntakeForm(data, subdistricts=subdistricts)
    if data is not None:
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                event = event_intake(
                    channel=Channel.STAFF,
                    priority=cleaned["priority"],
                    lng=cleaned.get("lng"),
                    lat=cleaned.get("lat"),
                    by=user,
                    **_intake_kwargs(cleaned),
                )
            except ServiceError as err:
                form.add_service_errors(err)
                status = err.status
            else:
                messages.success(request, f"已受理，受理编号 {event.receipt_no}")
                return redirect("dispatch:event_detail", pk=event.pk)
        else:
            status = 400
    return _page(request, form, located, status)


def _page(request, form, located: str, status: int):
    context = {"active_nav": "board", "form": form, "located": located, "map_data": _map_data(request.user)}
    return render(request, "dispatch/event_new.html", context, status=status)
