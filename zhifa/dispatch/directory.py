"""Load what routing and classification need from the database into the engine's plain structures."""

import logging
import threading
import time
from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, Max
from django.utils import timezone

from zhifa.catalog.choices import ItemStatus
from zhifa.catalog.models import EnforcementItem, FunctionalAreaLayer
from zhifa.core.memo import ProcessMemo, batch_memo, on_memo_clear, recheck_due
from zhifa.dispatch.models import EventItem, RoutingRule
from zhifa.engine.classify import CatalogEntry, ItemClassifier
from zhifa.engine.prequential import recency_weights
from zhifa.engine.routing import DEFAULT_RULES, Router, Rule
from zhifa.org.choices import UnitKind
from zhifa.org.models import Unit

logger = logging.getLogger(__name__)
_lock = threading.Lock()


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


def _router_signature() -> tuple:
    # A few hundred small rows: far cheaper to compare than to rebuild the router with its layers.
    return (
        tuple(
            Unit.objects.order_by("id").values_list("id", "code", "kind", "active", "region_id", "domain_id")
        ),
        tuple(RoutingRule.objects.order_by("id").values_list()),
        tuple(FunctionalAreaLayer.items.through.objects.order_by("id").values_list()),
        tuple(
            FunctionalAreaLayer.objects.order_by("id").values_list("id", "region_id", "unit_id", "priority")
        ),
    )


def build_router() -> Router:
    """The routing table and unit directory, kept per process and rebuilt when any of their rows changes."""
    return _router_memo.get()


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


_router_memo = ProcessMemo(
    "router",
    build=_load_router,
    signature=_router_signature,
    watch=["org.Unit", "dispatch.RoutingRule", "catalog.FunctionalAreaLayer", "org.Region", "org.Domain"],
)


_units_memo = ProcessMemo(
    "units_by_code",
    build=lambda: {u.code: u for u in Unit.objects.filter(active=True)},
    signature=_router_signature,
    watch=["org.Unit"],
)


def units_by_code() -> dict[str, Unit]:
    """Active units by code, kept per process like the router."""
    return _units_memo.get()


def _items_signature() -> tuple:
    agg = EnforcementItem.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    return (agg["n"], agg["changed"])


_items_memo = ProcessMemo(
    "items_by_code",
    build=lambda: {
        i.code: i for i in EnforcementItem.objects.filter(status=ItemStatus.ACTIVE).select_related("domain")
    },
    signature=_items_signature,
    watch=["catalog.EnforcementItem", "catalog.Domain", "org.Domain"],
)


def items_by_code() -> dict[str, EnforcementItem]:
    """Active catalog items (with their domain) by code, kept per process."""
    return _items_memo.get()


def catalog_entries() -> list[CatalogEntry]:
    items = EnforcementItem.objects.filter(status=ItemStatus.ACTIVE).select_related("domain").order_by("code")
    return [
        CatalogEntry(
            i.code, i.name, i.domain.code, tuple(i.keywords or ()), f"{i.legal_basis} {i.penalty_basis}"
        )
        for i in items
    ]


# A confirmed or corrected item teaches the classifier with weight 0.5 ** (age / half-life): the command
# centre's recent corrections count more than last year's habits.
HISTORY_HALF_LIFE_DAYS = 180


def confirmed_history(now=None) -> tuple[list[str], list[str], list[float]]:
    """Texts, item codes and recency weights of every confirmed event item (更正事项 and confirmations)."""
    now = now or timezone.now()
    rows = EventItem.objects.filter(confirmed=True).values_list(
        "event__description", "item__code", "event__received_at"
    )
    texts, codes, days = [], [], []
    for text, code, at in rows:
        texts.append(text)
        codes.append(code)
        days.append(at.date())
    return texts, codes, recency_weights(days, now.date(), HISTORY_HALF_LIFE_DAYS)


# Rebuild policy of the classifier. A catalog change rebuilds it at once. When only the confirmed history grows,
# the current model keeps serving (a rebuild reads and trains on every confirmed row) until the history has grown
# by HISTORY_GROWTH of the rows it was trained on, at least HISTORY_MIN_ROWS, or the model is MAX_AGE_SECONDS old.
HISTORY_GROWTH = 0.05
HISTORY_MIN_ROWS = 20
MAX_AGE_SECONDS = 600


@dataclass(frozen=True)
class _Built:
    catalog: tuple
    history: tuple
    rows: int
    at: float
    classifier: ItemClassifier


_classifier: _Built | None = None
_checked_at = 0.0  # time.monotonic() of the last signature check


@on_memo_clear("catalog.EnforcementItem")
def classifier_forget() -> None:
    global _classifier, _checked_at
    _classifier, _checked_at = None, 0.0


def _signatures() -> tuple[tuple, tuple]:
    items = EnforcementItem.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    confirmed = EventItem.objects.filter(confirmed=True).aggregate(n=Count("id"), last=Max("id"))
    return (items["n"], items["changed"]), (confirmed["n"], confirmed["last"])


def _needs_build(built: _Built | None, catalog: tuple, history: tuple, now: float) -> bool:
    if built is None or built.catalog != catalog:
        return True
    if built.history == history:
        return False
    grown = abs(history[0] - built.rows)
    return grown >= max(HISTORY_MIN_ROWS, HISTORY_GROWTH * built.rows) or now - built.at >= MAX_AGE_SECONDS


def classifier() -> ItemClassifier:
    return batch_memo("classifier", _current_classifier)


def _current_classifier() -> ItemClassifier:
    """One classifier per process: rebuilt at once when the catalog changes, and when the confirmed history has
    grown by 5% (at least 20 rows) or the model is ten minutes old; until then the current one serves."""
    global _classifier, _checked_at
    current = _classifier
    # The two signature queries are asked at most every few seconds, like the other memos.
    if current is not None and not recheck_due(_checked_at):
        return current.classifier
    catalog, history = _signatures()
    if not _needs_build(current, catalog, history, time.time()):
        _checked_at = time.monotonic()
        return current.classifier
    with _lock:
        current = _classifier
        if not _needs_build(current, catalog, history, time.time()):
            return current.classifier
        texts, codes, weights = confirmed_history()
        built = ItemClassifier(
            catalog_entries(), history_texts=texts, history_codes=codes, history_weights=weights
        )
        _classifier = _Built(catalog, history, len(texts), time.time(), built)
        _checked_at = time.monotonic()
    return built


def classifier_warm(*, background: bool = True) -> threading.Thread | None:
    """Build this process's classifier before the first report needs it (it takes seconds): called when the
    application server loads the app (zhifa.wsgi). In the background by default, so start-up is not held up;
    a failure (say, a database not yet migrated) is logged and the first report builds it as before."""

    def build() -> None:
        try:
            _current_classifier()
        except Exception:  # noqa: BLE001 — a warm-up must never stop the server
            logger.warning("classifier warm-up failed; it will be built on first use", exc_info=True)
        finally:
            connections.close_all()

    if not background:
        _current_classifier()
        return None
    thread = threading.Thread(target=build, name="classifier-warm", daemon=True)
    thread.start()
    return thread
