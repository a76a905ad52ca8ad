"""Catalog pages: item search and detail, scenarios, export, and the release upload / review / apply flow."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from zhifa.catalog import selectors
from zhifa.catalog.choices import ChangeKind, ReleaseStatus
from zhifa.catalog.forms import ItemFilterForm, ReleaseUploadForm
from zhifa.catalog.importing import BAND_COLUMNS, ITEM_COLUMNS, catalog_export_xlsx
from zhifa.catalog.services import release_apply, release_discard, release_import
from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.core.htmx import render_page_or_fragment
from zhifa.core.pagination import paginate, query_without_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 500


def _forbid_on_permission_error(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionError_ as exc:
            raise PermissionDenied(exc.message) from None

    return wrapper


def page_view(view):
    return login_required(_forbid_on_permission_error(view))


def release_page(view):
    """Release pages are for catalog admins; everyone else gets 403 before the view runs."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        selectors.require_release_manager(request.user)
        return view(request, *args, **kwargs)

    return page_view(wrapper)


# --- items -------------------------------------------------------------------------------------------------


def _filter_form(request) -> ItemFilterForm:
    return ItemFilterForm(request.GET, domains=selectors.domain_choices(user=request.user))


@page_view
def item_list(request):
    form = _filter_form(request)
    filters = form.filters()
    page = paginate(request, selectors.item_search_filtered(user=request.user, filters=filters))
    query = query_without_page(request)
    context = {
        "active_nav": "catalog",
        "form": form,
        "filters": filters,
        "page": page,
        "query": query,
    }
    if request.htmx and request.htmx.history_restore_request:
        # htmx restoring history wants the whole page, not the fragment.
        response = render(request, "catalog/item_list.html", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
    return render_page_or_fragment(request, "catalog/item_list.html", "catalog/_item_results.html", context)


@page_view
def item_export(request):
    filters = _filter_form(request).filters()
    content = catalog_export_xlsx(selectors.item_search_filtered(user=request.user, filters=filters))
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="catalog-{stamp}.xlsx"'
    return response


@page_view
def item_detail(request, code: str):
    item = selectors.item_get(user=request.user, code=code)
    history = list(selectors.item_history(user=request.user, code=code))
    for change in history:
        change.diff_rows = _diff_rows(change)
    context = {"active_nav": "catalog", "item": item, "history": history, "today": timezone.localdate()}
    return render(request, "catalog/item_detail.html", context)


# --- scenarios ---------------------------------------------------------------------------------------------


@page_view
def scenario_list(request):
    region = request.GET.get("region", "").strip()[:32]
    scenarios = selectors.scenario_list(user=request.user, region=region)
    region_name = next((r.name for s in scenarios for r in s.focus_regions.all() if r.code == region), "")
    context = {
        "active_nav": "scenarios",
        "scenarios": scenarios,
        "region": region,
        "region_name": region_name,
    }
    return render(request, "catalog/scenario_list.html", context)


@page_view
def scenario_detail(request, code: str):
    scenario = selectors.scenario_get(user=request.user, code=code)
    context = {
        "active_nav": "scenarios",
        "scenario": scenario,
        "groups": selectors.scenario_checklist(scenario=scenario),
    }
    return render(request, "catalog/scenario_detail.html", context)


# --- releases ----------------------------------------------------------------------------------------------

FIELD_LABELS = {
    "name": "事项名称",
    "domain": "领域",
    "kind": "事项类型",
    "legal_basis": "违则",
    "penalty_basis": "罚则",
    "delegated": "赋权街道",
    "delegated_from": "赋权生效日期",
    "keywords": "关键词",
    "required_evidence": "证据清单",
    "high_frequency": "高频事项",
    "scenes": "出行场景",
    "bands": "裁量基准",
}


def _show(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return "；".join(
                f"{b['level']}：{b['condition']}（{b['min_fine']}–{b['max_fine']} 元）" for b in value
            )
        return "、".join(str(v) for v in value)
    return str(value)


def _diff_rows(change) -> list[tuple[str, str, str]]:
    """(label, before, after) for each changed field of a change row."""
    before, after = change.before or {}, change.after or {}
    return [(FIELD_LABELS.get(f, f), _show(before.get(f)), _show(after.get(f))) for f in change.fields]


@release_page
def release_list(request):
    page = paginate(request, selectors.release_list(user=request.user))
    context = {"active_nav": "releases", "page": page, "query": query_without_page(request)}
    return render(request, "catalog/release_list.html", context)


@release_page
def release_new(request):
    form = ReleaseUploadForm(request.POST or None, request.FILES or None)
    error, row_errors, status = None, [], 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            extra = data.get("discretion_file")
            try:
                release = release_import(
                    content=data["file"].read(),
                    filename=data["file"].name,
                    version=data["version"],
                    title=data["title"],
                    discretion_content=extra.read() if extra else None,
                    discretion_filename=extra.name if extra else "",
                    by=request.user,
                )
            except ServiceError as exc:
                error = exc.message
                row_errors = [e for e in exc.errors if "row" in e]
                for e in exc.errors:
                    if e.get("field") in form.fields and "row" not in e:
                        form.add_error(e["field"], e["message"])
            else:
                messages.success(request, f"已导入版本“{release.version}”（待发布），请核对变更后发布")
                return redirect("catalog:release_detail", pk=release.pk)
        status = 400
    context = {
        "active_nav": "releases",
        "form": form,
        "error": error,
        "row_errors": row_errors[:ERRORS_SHOWN],
        "row_error_count": len(row_errors),
        "errors_shown": ERRORS_SHOWN,
        "item_columns": ITEM_COLUMNS,
        "band_columns": BAND_COLUMNS,
    }
    return render(request, "catalog/release_form.html", context, status=status)


TAB_ORDER = (ChangeKind.CHANGED, ChangeKind.ADDED, ChangeKind.RETIRED)


@release_page
def release_detail(request, pk: int):
    release = selectors.release_get(user=request.user, pk=pk)
    counts = selectors.release_change_counts(release=release)
    kind = request.GET.get("kind")
    if kind not in ChangeKind.values:
        kind = next((k for k in TAB_ORDER if counts[k]), ChangeKind.CHANGED)
    page = paginate(request, selectors.release_changes(release=release, kind=kind))
    domain_names = dict(selectors.domain_choices(user=request.user))
    for change in page.object_list:
        change.diff_rows = _diff_rows(change)
        state = change.after or change.before or {}
        change.domain_name = domain_names.get(state.get("domain"), state.get("domain"))
    tabs = [(k.value, k.label, counts[k.value]) for k in TAB_ORDER]
    context = {
        "active_nav": "releases",
        "release": release,
        "counts": counts,
        "tabs": tabs,
        "kind": kind,
        "page": page,
        "query": f"kind={kind}",
        "is_draft": release.status == ReleaseStatus.DRAFT,
    }
    return render(request, "catalog/release_detail.html", context)


@require_POST
@release_page
def release_apply_view(request, pk: int):
    release = selectors.release_get(user=request.user, pk=pk)
    try:
        release = release_apply(release=release, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        s = release.summary
        messages.success(
            request,
            f"版本“{release.version}”已发布：新增 {s.get('added', 0)} 项，变更 {s.get('changed', 0)} 项，"
            f"取消 {s.get('retired', 0)} 项",
        )
    return redirect("catalog:release_detail", pk=pk)


@require_POST
@release_page
def release_discard_view(request, pk: int):
    release = selectors.release_get(user=request.user, pk=pk)
    try:
        release = release_discard(release=release, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"版本“{release.version}”已作废")
    return redirect("catalog:release_detail", pk=pk)
