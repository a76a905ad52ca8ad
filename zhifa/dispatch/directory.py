"""Load what routing and classification need from the database into the engine's plain structures."""

import threading
from contextlib import contextmanager

from django.db.models import Count, Max

from zhifa.catalog.choices import ItemStatus
from zhifa.catalog.models import EnforcementItem, FunctionalAreaLayer
from zhifa.dispatch.models import EventItem, RoutingRule
from zhifa.engine.classify import CatalogEntry, ItemClassifier
from zhifa.engine.routing import DEFAULT_RULES, Router, Rule
from zhifa.org.choices import UnitKind
from zhifa.org.models import Unit

_lock = threading.Lock()
_classifier: tuple[tuple, ItemClassifier] | None = None
_batch = threading.local()


@contextmanager
def directory_batch():
    """Inside one long write that takes many events at once (a 12345 import), read the routing table, the
    classifier's signature and the place names once instead of once per event: the batch changes none of them."""
    if getattr(_batch, "memo", None) is not None:
        yield
        return
    _batch.memo = {}
    try:
        yield
    finally:
        _batch.memo = None


def batch_memo(key: str, build):
    """build() once per batch (every call outside a batch)."""
    memo = getattr(_batch, "memo", None)
    if memo is None:
        return build()
    if key not in memo:
        memo[key] = build()
    return memo[key]


def _rule(row: RoutingRule) -> Rule:
    target = f"unit:{row.target_unit.code}" if row.target == "unit" else row.target
    return Rule(
        order=row.order,
        name=row.name,
        target=target,
        domains=frozenset(row.domain_codes) or None,
        items=frozenset(row.item_codes) or None,
        subdistricts=frozenset(row.subdistrict_codes) or None,
        delegated=row.delegated,
        needs_place=row.needs_place,
        in_layer=row.in_layer,
    )


_router: tuple[tuple, Router] | None = None


def build_router() -> Router:
    """The routing table and unit directory, kept per process and rebuilt when any of their rows changes."""
    return batch_memo("router", _current_router)


def _current_router() -> Router:
    global _router
    # A few hundred small rows: far cheaper to compare than to rebuild the router with its layers.
    signature = (
        tuple(
            Unit.objects.order_by("id").values_list("id", "code", "kind", "active", "region_id", "domain_id")
        ),
        tuple(RoutingRule.objects.order_by("id").values_list()),
        tuple(FunctionalAreaLayer.items.through.objects.order_by("id").values_list()),
        tuple(
            FunctionalAreaLayer.objects.order_by("id").values_list("id", "region_id", "unit_id", "priority")
        ),
    )
    current = _router
    if current is not None and current[0] == signature:
        return current[1]
    router = _load_router()
    _router = (signature, router)
    return router


def _load_router() -> Router:
    """The rule table (admin-editable; the defaults when it is empty) with the unit directory."""
    rows = list(RoutingRule.objects.filter(active=True).select_related("target_unit"))
    rules = [_rule(r) for r in rows] if rows else list(DEFAULT_RULES)
    units = Unit.objects.filter(active=True).select_related("region", "domain")
    subdistrict_teams, domain_teams, command = {}, {}, None
    for unit in units:
        if unit.kind == UnitKind.SUBDISTRICT_TEAM:
            subdistrict_teams.setdefault(unit.region.code, unit.code)
        elif unit.kind == UnitKind.DISTRICT_TEAM and unit.domain_id:
            domain_teams.setdefault(unit.domain.code, unit.code)
        elif unit.kind == UnitKind.DISTRICT_COMMAND and command is None:
            command = unit.code
    layers = {}
    for layer in (
        FunctionalAreaLayer.objects.select_related("region", "unit")
        .prefetch_related("items")
        .order_by("-priority")
    ):
        for item in layer.items.all():
            layers[(layer.region.code, item.code)] = layer.unit.code
    return Router(
        rules,
        subdistrict_teams=subdistrict_teams,
        domain_teams=domain_teams,
        layers=layers,
        district_command=command or "",
    )


def catalog_entries() -> list[CatalogEntry]:
    items = EnforcementItem.objects.filter(status=ItemStatus.ACTIVE).select_related("domain").order_by("code")
    return [
        CatalogEntry(
            i.code, i.name, i.domain.code, tuple(i.keywords or ()), f"{i.legal_basis} {i.penalty_basis}"
        )
        for i in items
    ]


def confirmed_history() -> tuple[list[str], list[str]]:
    rows = EventItem.objects.filter(confirmed=True).values_list("event__description", "item__code")
    texts, codes = [], []
    for text, code in rows:
        texts.append(text)
        codes.append(code)
    return texts, codes


def classifier() -> ItemClassifier:
    """One classifier per process, rebuilt when the catalog or the confirmed history changes."""
    return batch_memo("classifier", _current_classifier)


def _current_classifier() -> ItemClassifier:
    global _classifier
    items = EnforcementItem.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    confirmed = EventItem.objects.filter(confirmed=True).aggregate(n=Count("id"), last=Max("id"))
    signature = (items["n"], items["changed"], confirmed["n"], confirmed["last"])
    current = _classifier
    if current is not None and current[0] == signature:
        return current[1]
    with _lock:
        texts, codes = confirmed_history()
        built = ItemClassifier(catalog_entries(), history_texts=texts, history_codes=codes)
        _classifier = (signature, built)
    return built
