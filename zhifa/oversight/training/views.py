"""Pages of training and case reviews: the list (kind, organiser, period, search; the count per year), a record
with its participants, cases and materials, the form to create or edit one, and officers' hours per period."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.core.pagination import paginate, query_without_page
from zhifa.core.params import date_or_none, int_or_none
from zhifa.oversight.choices import TrainingKind
from zhifa.oversight.training import selectors as sel
from zhifa.oversight.training import services as svc
from zhifa.oversight.training.forms import MaterialForm, TrainingForm
from zhifa.oversight.training.models import TrainingMaterial


def _filter(request) -> sel.TrainingFilter:
    get = request.GET
    return sel.TrainingFilter(
        kind=get.get("kind", "") if get.get("kind", "") in TrainingKind.values else "",
        unit=int_or_none(get.get("unit")),
        since=date_or_none(get.get("since")),
        until=date_or_none(get.get("until")),
        q=(get.get("q") or "").strip()[:40],
    )


@login_required
def training_list(request):
    """培训研讨: sessions, discussions, reviews and selections the user may read, newest first."""
    user = request.user
    scoped = sel.training_list_for_user(user=user)
    f = _filter(request)
    qs = sel.training_filter(scoped, f).annotate(people=Count("participants", distinct=True))
    context = {
        "active_nav": "trainings",
        "f": f,
        "page": paginate(request, qs.order_by("-held_on", "-id")),
        "query": query_without_page(request),
        "kinds": TrainingKind.choices,
        "units": sel.organiser_choices(user=user),
        "years": sel.training_counts_by_year(scoped),
        "can_write": svc.may_write(user),
    }
    return render(request, "oversight/training_list.html", context)


def _form(request, data=None, initial=None) -> TrainingForm:
    user = request.user
    return TrainingForm(
        data,
        initial=initial,
        organisers=sel.organiser_choices(user=user),
        officers=sel.officers_for_user(user=user).order_by("team__kind", "team__code", "name"),
        label_suffix="",
    )


def _form_page(request, form, *, training=None, status=200, conflict=False):
    context = {"active_nav": "trainings", "form": form, "training": training, "conflict": conflict}
    return render(request, "oversight/training_form.html", context, status=status)


@login_required
def training_new(request):
    if not svc.may_write(request.user):
        raise PermissionDenied("只有区指挥中心、街道指挥室、区级部门或执法监督人员可以登记培训研讨")
    if request.method != "POST":
        return _form_page(request, _form(request, initial={"held_on": timezone.localdate(), "hours": "2"}))
    form = _form(request, request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    try:
        created = svc.training_create(by=request.user, **form.values())
    except PermissionError_ as exc:
        raise PermissionDenied(exc.message) from None
    except ServiceError as exc:
        form.add_service_errors(exc.errors, exc.message)
        return _form_page(request, form, status=exc.status)
    messages.success(request, f"已登记：{created.topic}")
    return redirect("oversight:training_detail", pk=created.pk)


@login_required
def training_edit(request, pk: int):
    training = sel.training_get_for_user(user=request.user, pk=pk)
    if not svc.may_edit(request.user, training):
        raise PermissionDenied("只能修改本辖区单位组织的培训研讨记录")
    if request.method != "POST":
        return _form_page(
            request, _form(request, initial=TrainingForm.initial_from(training)), training=training
        )
    form = _form(request, request.POST)
    if not form.is_valid():
        return _form_page(request, form, training=training, status=400)
    try:
        updated = svc.training_update(
            training=training, by=request.user, version=form.cleaned_data.get("version"), **form.values()
        )
    except PermissionError_ as exc:
        raise PermissionDenied(exc.message) from None
    except Conflict as exc:
        form.add_service_errors(exc.errors, exc.message)
        return _form_page(request, form, training=training, status=409, conflict=True)
    except ServiceError as exc:
        form.add_service_errors(exc.errors, exc.message)
        return _form_page(request, form, training=training, status=exc.status)
    messages.success(request, f"已保存：{updated.topic}")
    return redirect("oversight:training_detail", pk=updated.pk)


def _detail(request, training, material_form=None, status=200):
    user = request.user
    context = {
        "active_nav": "trainings",
        "t": training,
        "participants": training.participants.select_related("team").order_by("team__code", "name"),
        "cases": training.cases.select_related("unit").order_by("number"),
        "materials": training.materials.order_by("uploaded_at", "id"),
        "can_edit": svc.may_edit(user, training),
        "material_form": material_form or MaterialForm(label_suffix=""),
    }
    return render(request, "oversight/training_detail.html", context, status=status)


@login_required
def training_detail(request, pk: int):
    return _detail(request, sel.training_get_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def training_material(request, pk: int):
    training = sel.training_get_for_user(user=request.user, pk=pk)
    form = MaterialForm(request.POST, request.FILES, label_suffix="")
    if not form.is_valid():
        return _detail(request, training, form, status=400)
    try:
        svc.training_material_add(training=training, file=form.cleaned_data["file"], by=request.user)
    except PermissionError_ as exc:
        raise PermissionDenied(exc.message) from None
    except ServiceError as exc:
        form.add_error("file", exc.message)
        return _detail(request, training, form, status=exc.status)
    messages.success(request, "材料已上传")
    return redirect("oversight:training_detail", pk=training.pk)


@login_required
def material_file(request, pk: int):
    material = TrainingMaterial.objects.filter(pk=pk).first()
    if material is None:
        raise Http404("材料不存在")
    sel.training_get_for_user(user=request.user, pk=material.training_id)  # the record's scope is the file's
    response = FileResponse(material.file.open("rb"), as_attachment=True, filename=material.name or "材料")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def training_hours(request):
    """学时统计: each officer's sessions and hours in a period (default: this year so far), per team and per
    officer."""
    user = request.user
    if user.role == "grid_worker":
        raise PermissionDenied("网格员不查看培训学时")
    today = timezone.localdate()
    since = date_or_none(request.GET.get("since")) or today.replace(month=1, day=1)
    until = date_or_none(request.GET.get("until")) or today
    note = ""
    if since > until:
        since, until, note = until, since, "开始日期晚于结束日期，已交换"
    figures = sel.training_hours(
        user=user, since=since, until=until, unit=int_or_none(request.GET.get("unit"))
    )
    context = {
        "active_nav": "trainings",
        "h": figures,
        "unit": int_or_none(request.GET.get("unit")),
        "teams": [t["unit"] for t in figures["units"]] if not request.GET.get("unit") else None,
        "page": paginate(request, figures["officers"], per_page=50),
        "query": query_without_page(request),
        "note": note,
    }
    return render(request, "oversight/training_hours.html", context)
