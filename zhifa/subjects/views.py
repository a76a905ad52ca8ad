"""Pages of regulated subjects: the scoped list with search and filters, the detail page, register and edit\none subject, and the file import."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from zhifa.catalog.importing import check_size
from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.core.htmx import render_page_or_fragment
from zhifa.core.pagination import paginate, query_without_page
from zhifa.org.scope import scope_for
from zhifa.org.selectors import subdistrict_choices
from zhifa.subjects import selectors
from zhifa.subjects.choices import INDUSTRY_CHOICES, CreditClass, SubjectKind, SubjectStatus
from zhifa.subjects.forms import SubjectForm
from zhifa.subjects.importing import COLUMNS
from zhifa.subjects.services import subject_create, subject_import, subject_update

ERRORS_SHOWN = 500


def _filters(request) -> selectors.SubjectFilters:
    get = request.GET
    return selectors.SubjectFilters(
        q=get.get("q", ""),
        subdistrict=get.get("subdistrict", ""),
        industry=get.get("industry", ""),
        credit_class=get.get("credit_class", ""),
        status=get.get("status", ""),
        kind=get.get("kind", ""),
        building=get.get("building", ""),
        colour=get.get("colour", ""),
    ).cleaned()


@login_required
def subject_list(request):
    filters = _filters(request)
    page = paginate(request, selectors.subject_list(user=request.user, filters=filters))
    context = {
        "active_nav": "subjects",
        "page": page,
        "query": query_without_page(request),
        "filters": filters,
        "summary": selectors.subject_summary(user=request.user, filters=filters),
        "subdistricts": subdistrict_choices(user=request.user),
        "industries": INDUSTRY_CHOICES,
        "credit_classes": CreditClass.choices,
        "statuses": SubjectStatus.choices,
        "kinds": SubjectKind.choices,
        "colours": list(selectors.COLOUR_FILTERS.items()),
        "can_import": scope_for(request.user).can_write,
    }
    return render_page_or_fragment(
        request, "subjects/subject_list.html", "subjects/_subject_rows.html", context
    )


@login_required
def subject_detail(request, pk: int):
    subject = selectors.subject_get(user=request.user, pk=pk)
    context = {
        "active_nav": "subjects",
        "subject": subject,
        "scenarios": list(subject.scenarios.order_by("code")),
        "violations": list(selectors.subject_violations(subject=subject)),
        "event_links": list(selectors.subject_events(subject=subject)),
        "colour_history": list(subject.colour_changes.order_by("at", "id")),
        "can_edit": scope_for(request.user).can_write,
        "can_assess": scope_for(request.user).can_write,
    }
    return render(request, "subjects/subject_detail.html", context)


def _require_write(user) -> None:
    if not scope_for(user).can_write:
        raise PermissionDenied("您的角色为只读，不能登记或修改监管对象")


def _form_page(request, form, *, subject=None, status=200, conflict=False):
    context = {"active_nav": "subjects", "form": form, "subject": subject, "conflict": conflict}
    return render(request, "subjects/subject_form.html", context, status=status)


@login_required
def subject_new(request):
    _require_write(request.user)
    subdistricts = subdistrict_choices(user=request.user)
    if request.method != "POST":
        return _form_page(request, SubjectForm(subdistricts=subdistricts))
    form = SubjectForm(request.POST, subdistricts=subdistricts)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    try:
        created = subject_create(by=request.user, **form.values())
    except PermissionError_ as exc:
        raise PermissionDenied(exc.message) from None
    except ServiceError as exc:
        form.add_service_errors(exc.errors, exc.message)
        return _form_page(request, form, status=exc.status)
    messages.success(request, f"已登记：{created.name}")
    return redirect("subjects:subject_detail", pk=created.pk)


@login_required
def subject_edit(request, pk: int):
    subject = selectors.subject_get(user=request.user, pk=pk)
    _require_write(request.user)
    subdistricts = subdistrict_choices(user=request.user)
    initial = SubjectForm.initial_from(subject)
    if request.method != "POST":
        return _form_page(request, SubjectForm(initial=initial, subdistricts=subdistricts), subject=subject)
    form = SubjectForm(request.POST, subdistricts=subdistricts)
    if not form.is_valid():
        return _form_page(request, form, subject=subject, status=400)
    changes = form.changes(initial)
    version = form.cleaned_data.get("version")
    if version is None:
        form.add_error(None, "表单缺少版本号，请刷新页面后重新编辑")
        return _form_page(request, form, subject=subject, status=400)
    if not changes and version == subject.version:
        messages.info(request, "未作修改")
        return redirect("subjects:subject_detail", pk=subject.pk)
    try:
        updated = subject_update(subject=subject, by=request.user, version=version, **changes)
    except PermissionError_ as exc:
        raise PermissionDenied(exc.message) from None
    except Conflict as exc:
        form.add_service_errors(exc.errors, exc.message)
        stale = not exc.errors
        return _form_page(request, form, subject=subject, status=409, conflict=stale)
    except ServiceError as exc:
        form.add_service_errors(exc.errors, exc.message)
        return _form_page(request, form, subject=subject, status=exc.status)
    messages.success(request, f"已保存：{updated.name}")
    return redirect("subjects:subject_detail", pk=updated.pk)


class ImportForm(forms.Form):
    file = forms.FileField(label="监管对象文件（.xlsx 或 .csv）")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            try:
                check_size(upload.size, "file")
            except ServiceError as exc:
                raise forms.ValidationError(exc.message) from None
        return upload


@login_required
def subject_import_view(request):
    if not scope_for(request.user).can_write:
        raise PermissionDenied("您的角色为只读，不能导入")
    form = ImportForm(request.POST or None, request.FILES or None)
    error, row_errors, status = None, [], 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = subject_import(content=upload.read(), filename=upload.name, by=request.user)
            except ServiceError as exc:
                error = exc.message
                row_errors = [e for e in exc.errors if "row" in e]
                for e in exc.errors:
                    if e.get("field") == "file":
                        form.add_error("file", e["message"])
            else:
                messages.success(request, f"已导入 {result.created} 个监管对象")
                return redirect("subjects:subject_list")
        status = 400
    context = {
        "active_nav": "subjects",
        "form": form,
        "error": error,
        "row_errors": row_errors[:ERRORS_SHOWN],
        "row_error_count": len(row_errors),
        "errors_shown": ERRORS_SHOWN,
        "columns": COLUMNS,
        "industries": INDUSTRY_CHOICES,
    }
    return render(request, "subjects/subject_import.html", context, status=status)
