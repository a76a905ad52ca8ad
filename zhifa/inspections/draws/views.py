"""双随机 pages: list, new draw, detail with verification, publish, and the public result page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.core.pagination import paginate, query_without_page
from zhifa.engine.draw import draw_verify
from zhifa.inspections.draws import selectors as selectors_draws
from zhifa.inspections.draws.services import (
    DRAW_ROLES,
    can_draw,
    draw_create,
    draw_publish,
    draw_require_organiser,
)
from zhifa.inspections.models import RandomDraw
from zhifa.inspections.permissions import can_inspect, own_domain_codes
from zhifa.org.models import Domain
from zhifa.org.scope import scope_for
from zhifa.org.selectors import subdistrict_choices


def _get(user, pk: int) -> RandomDraw:
    return selectors_draws.draw_get(user=user, pk=pk)


@login_required
def draw_list(request):
    q = (request.GET.get("q") or "").strip()
    qs = selectors_draws.draw_list(user=request.user, q=q)
    user = request.user
    context = {
        "active_nav": "draws",
        "page": paginate(request, qs),
        "query": query_without_page(request),
        "q": q,
        "can_draw": can_draw(user),
    }
    return render(request, "inspections/draw_list.html", context)


def _domains_for(user):
    """The domains offered: a department's own, everyone else's all (the service refuses the rest too)."""
    own = own_domain_codes(user)
    domains = Domain.objects.order_by("sort", "code")
    return domains if own is None else domains.filter(code__in=own)


@login_required
def draw_new(request):
    user = request.user
    try:
        draw_require_organiser(user)  # refused at once, not after filling the form (oversight reads only)
    except PermissionError_ as exc:
        raise PermissionDenied(exc.message) from None
    data = request.POST if request.method == "POST" else {}
    errors, status = {}, 200
    if request.method == "POST":
        count = data.get("count", "").strip()
        try:
            made = draw_create(
                name=data.get("name", ""),
                domain=data.get("domain", ""),
                ratio=data.get("ratio", "").strip() or None,
                count=int(count) if count.isdigit() else (count or None),
                subdistrict=data.get("subdistrict", ""),
                industry=data.get("industry", "").strip().upper(),
                scenario=data.get("scenario", "").strip(),
                item=data.get("item", "").strip().upper(),
                public_value=data.get("public_value", ""),
                by=user,
            )
        except ServiceError as err:
            errors = {e.get("field") or "name": e.get("message") or err.message for e in err.errors} or {
                "name": err.message
            }
            status = err.status
        else:
            messages.success(request, f"已抽取：{made.name}")
            return redirect("inspections:draw_detail", pk=made.pk)
    context = {
        "active_nav": "draws",
        "data": data,
        "errors": errors,
        "domains": _domains_for(user),
        "subdistricts": subdistrict_choices(user=user),
        "items": selectors_draws.scenario_items(),
        "industries": selectors_draws.industry_choices(),
        "scenarios": selectors_draws.scenario_choices(),
    }
    return render(request, "inspections/draw_new.html", context, status=status)


@login_required
def draw_detail(request, pk: int):
    d = _get(request.user, pk)
    picks, infeasible = selectors_draws.draw_picks(d, mask=False)
    verification = draw_verify(d.record) if request.GET.get("verify") else None
    context = {
        "active_nav": "draws",
        "d": d,
        "picks": picks,
        "infeasible": infeasible,
        "verification": verification,
        "filter_text": selectors_draws.draw_filter_text(d),
        "can_inspect": can_inspect(request.user),
        "can_publish": d.published_at is None
        and scope_for(request.user).can_write
        and (request.user.is_superuser or request.user.role in DRAW_ROLES),
    }
    return render(request, "inspections/draw_detail.html", context)


@login_required
@require_POST
def draw_publish_view(request, pk: int):
    d = _get(request.user, pk)
    try:
        draw_publish(draw_obj=d, by=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, "抽查结果已公开")
    return redirect("inspections:draw_detail", pk=pk)


def draw_public(request, pk: int):
    """No login: a published draw's result, seed and digests, inspectors' names masked."""
    d = RandomDraw.objects.filter(pk=pk, published_at__isnull=False).select_related("domain").first()
    if d is None:
        raise Http404("该抽查结果不存在或尚未公开")
    picks, infeasible = selectors_draws.draw_picks(d, mask=True)
    context = {
        "d": d,
        "picks": picks,
        "infeasible": infeasible,
        "filter_text": selectors_draws.draw_filter_text(d),
    }
    return render(request, "inspections/draw_public.html", context)
