"""Reads of the catalog for a user: item search, item pages, scenarios, domains and (for admins) releases."""

import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Lower, StrIndex
from django.db.models.lookups import GreaterThan
from django.http import Http404

from zhifa.accounts.choices import Role
from zhifa.catalog.choices import BandLevel, ChangeKind, ItemStatus, ReleaseStatus
from zhifa.catalog.models import (
    CatalogRelease,
    DiscretionBand,
    EnforcementItem,
    FunctionalAreaLayer,
    ReleaseChange,
    Scenario,
)
from zhifa.core.errors import PermissionError_
from zhifa.org.models import Domain

MAX_TERMS = 10
RELEASE_ADMIN_MESSAGE = "只有系统管理员可以查看和管理清单版本"


def _require_reader(user) -> None:
    # The catalog is district-wide reference data: any signed-in, active user may read all of it.
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionError_("请先登录")


def can_manage_releases(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.is_staff or user.role == Role.ADMIN)
    )


def require_release_manager(user) -> None:
    if not can_manage_releases(user):
        raise PermissionError_(RELEASE_ADMIN_MESSAGE)


# --- items -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemFilters:
    """The item list's filters as parsed from a query string; None means "any"."""

    q: str = ""
    domain: str | None = None
    delegated: bool | None = None
    kind: str | None = None
    status: str | None = ItemStatus.ACTIVE
    high_frequency: bool | None = None
    scene: str | None = None

    def as_kwargs(self) -> dict:
        return {
            "q": self.q,
            "domain": self.domain,
            "delegated": self.delegated,
            "kind": self.kind,
            "status": self.status,
            "high_frequency": self.high_frequency,
            "scene": self.scene,
        }


def search_terms(q: str) -> list[str]:
    return [t.lower() for t in (q or "").split()][:MAX_TERMS]


def item_search(
    *,
    user,
    q: str = "",
    domain: str | None = None,
    delegated: bool | None = None,
    kind: str | None = None,
    status: str | None = ItemStatus.ACTIVE,
    high_frequency: bool | None = None,
    scene: str | None = None,
) -> QuerySet[EnforcementItem]:
    """Items matching every term of `q` (name, keywords, legal or penalty basis) or its exact code.

    Exact code first, then items whose name holds every term, then the rest; by code within each group."""
    _require_reader(user)
    # search_text is only for matching; not loading it halves the bytes read per row.
    qs = EnforcementItem.objects.select_related("domain").defer("search_text")
    if status:
        qs = qs.filter(status=status)
    if domain:
        qs = qs.filter(domain__code=domain)
    if delegated is not None:
        qs = qs.filter(delegated=delegated)
    if kind:
        qs = qs.filter(kind=kind)
    if high_frequency is not None:
        qs = qs.filter(high_frequency=high_frequency)
    if scene:
        qs = qs.filter(_scene_q(scene))
    terms = search_terms(q)
    if not terms:
        return qs.order_by("code")
    code = q.strip()
    # search_text is stored lower-cased, so a plain substring test of the lowered term is enough: STRPOS on
    # PostgreSQL, INSTR on SQLite — cheaper than LIKE, and no wildcard escaping.
    text_q = Q()
    name_q = Q()
    for term in terms:
        text_q &= GreaterThan(StrIndex("search_text", Value(term)), 0)
        name_q &= GreaterThan(StrIndex(Lower("name"), Value(term)), 0)
    code_q = Q(code__iexact=code)
    rank = Case(
        When(code_q, then=Value(0)),
        When(name_q, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.filter(text_q | code_q).annotate(search_rank=rank).order_by("search_rank", "code")


def _scene_q(scene: str) -> Q:
    if connection.features.supports_json_field_contains:
        return Q(scenes__contains=[scene])
    # SQLite has no JSON containment; scenes are stored as JSON text with non-ASCII escaped ("\\u5403"), so
    # match the quoted element in either spelling.
    return Q(scenes__icontains=json.dumps(scene)) | Q(scenes__icontains=f'"{scene}"')


def item_search_filtered(*, user, filters: ItemFilters) -> QuerySet[EnforcementItem]:
    return item_search(user=user, **filters.as_kwargs())


def _band_ordering():
    return Case(
        *[When(level=level.value, then=Value(i)) for i, level in enumerate(BandLevel)],
        default=Value(99),
        output_field=IntegerField(),
    )


def item_get(*, user, code: str) -> EnforcementItem:
    """One item (active or retired) with its bands, scenarios and hub layers loaded."""
    _require_reader(user)
    item = (
        EnforcementItem.objects.select_related("domain", "release")
        .prefetch_related(
            Prefetch(
                "bands", queryset=DiscretionBand.objects.order_by("party", _band_ordering(), "min_fine")
            ),
            Prefetch("scenarios", queryset=Scenario.objects.order_by("code")),
            Prefetch(
                "layers",
                queryset=FunctionalAreaLayer.objects.select_related("region", "unit").defer(
                    "region__geometry"
                ),
            ),
        )
        .filter(code=code)
        .first()
    )
    if item is None:
        raise Http404(f"事项“{code}”不存在")
    return item


def item_history(*, user, code: str) -> QuerySet[ReleaseChange]:
    """The item's changes in applied releases, newest first (drafts are not history yet)."""
    _require_reader(user)
    return (
        ReleaseChange.objects.filter(item_code=code, release__status=ReleaseStatus.APPLIED)
        .select_related("release")
        .order_by("-release__applied_at", "-release_id")
    )


def domain_summary(*, user) -> QuerySet[Domain]:
    """Domains with their counts of active and of delegated active items."""
    _require_reader(user)
    active = Q(items__status=ItemStatus.ACTIVE)
    return Domain.objects.annotate(
        item_count=Count("items", filter=active),
        delegated_count=Count("items", filter=active & Q(items__delegated=True)),
    ).order_by("sort", "code")


def domain_choices(*, user) -> list[tuple[str, str]]:
    _require_reader(user)
    return list(Domain.objects.order_by("sort", "code").values_list("code", "name"))


# --- scenarios ---------------------------------------------------------------------------------------------


def scenario_list(*, user, region: str = "") -> QuerySet[Scenario]:
    """Scenarios with their counts; `region` (a subdistrict code) keeps that subdistrict's high-frequency set."""
    _require_reader(user)
    active = Q(items__status=ItemStatus.ACTIVE)
    qs = Scenario.objects.all()
    if region:
        qs = qs.filter(focus_regions__code=region)
    return (
        qs.annotate(
            item_count=Count("items", filter=active, distinct=True),
            domain_count=Count("items__domain", filter=active, distinct=True),
        )
        .prefetch_related("focus_regions")
        .order_by("code")
    )


def scenario_get(*, user, code: str) -> Scenario:
    """A scenario with its active items (and their domains) loaded, in domain then code order."""
    _require_reader(user)
    items = (
        EnforcementItem.objects.filter(status=ItemStatus.ACTIVE)
        .select_related("domain")
        .order_by("domain__sort", "domain__code", "code")
    )
    scenario = (
        Scenario.objects.prefetch_related(Prefetch("items", queryset=items, to_attr="active_items"))
        .filter(code=code)
        .first()
    )
    if scenario is None:
        raise Http404(f"场景“{code}”不存在")
    return scenario


def scenario_checklist(*, scenario: Scenario) -> list[tuple[Domain, list[EnforcementItem]]]:
    """The scenario's items grouped by domain: one joint visit checks each group with its domain's officers."""
    groups: dict[int, tuple[Domain, list[EnforcementItem]]] = {}
    for item in scenario.active_items:
        groups.setdefault(item.domain_id, (item.domain, []))[1].append(item)
    return list(groups.values())


# --- releases ----------------------------------------------------------------------------------------------


def release_list(*, user) -> QuerySet[CatalogRelease]:
    require_release_manager(user)
    # The payload holds the whole imported catalog; lists never need it.
    return CatalogRelease.objects.select_related("created_by", "applied_by").defer("payload")


def release_get(*, user, pk: int) -> CatalogRelease:
    require_release_manager(user)
    release = release_list(user=user).filter(pk=pk).first()
    if release is None:
        raise Http404("清单版本不存在")
    return release


def release_changes(*, release: CatalogRelease, kind: str | None = None) -> QuerySet[ReleaseChange]:
    qs = release.changes.all()
    if kind in ChangeKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "item_code")


def release_change_counts(*, release: CatalogRelease) -> dict[str, int]:
    rows = release.changes.order_by().values_list("kind").annotate(n=Count("id"))
    counts = {kind: 0 for kind in ChangeKind.values}
    counts.update(dict(rows))
    return counts
