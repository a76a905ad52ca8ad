"""Route an event to units: ordered rules over item, domain, delegation and place, first match wins.

Like Signalen's routing expressions, the rule table is data; this module only evaluates it. An event with items
of several units gets one lead unit (its best-scoring item's) and the others as assisting units (联动).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

# Targets a rule may name; "unit:<code>" names one unit directly.
LAYER_UNIT = "layer_unit"
SUBDISTRICT_TEAM = "subdistrict_team"
DOMAIN_TEAM = "domain_team"
DISTRICT_COMMAND = "district_command"
# Routes remembered per router before the memo starts afresh (bounded memory whatever the places).
MAX_MEMO = 100_000


class ItemRef(NamedTuple):
    """An item to route (a named tuple: callers build a few per event, and it is built fastest)."""

    code: str
    domain: str
    delegated: bool
    score: float = 1.0


@dataclass(frozen=True)
class Place:
    subdistrict_code: str | None = None
    functional_area_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One row of the rule table; a None condition matches anything."""

    order: int
    name: str
    target: str
    domains: frozenset[str] | None = None
    items: frozenset[str] | None = None
    delegated: bool | None = None
    subdistricts: frozenset[str] | None = None
    needs_place: bool | None = None  # True: only with a known subdistrict; False: only without one
    in_layer: bool | None = None  # True: only where a functional-area layer covers the item at the place

    def matches(self, item: ItemRef, place: Place, layer_unit: str | None) -> bool:
        if self.domains is not None and item.domain not in self.domains:
            return False
        if self.items is not None and item.code not in self.items:
            return False
        if self.delegated is not None and item.delegated != self.delegated:
            return False
        if self.subdistricts is not None and place.subdistrict_code not in self.subdistricts:
            return False
        if self.needs_place is not None and (place.subdistrict_code is not None) != self.needs_place:
            return False
        return self.in_layer is None or (layer_unit is not None) == self.in_layer


DEFAULT_RULES = (
    Rule(10, "功能区管理圈层事项由驻点单位办理", LAYER_UNIT, in_layer=True),
    Rule(20, "赋权事项由属地街道综合行政执法队办理", SUBDISTRICT_TEAM, delegated=True, needs_place=True),
    Rule(30, "赋权事项地点不明，由区指挥中心定位后派发", DISTRICT_COMMAND, delegated=True, needs_place=False),
    Rule(40, "未赋权事项由区级领域执法队办理", DOMAIN_TEAM, delegated=False),
)


@dataclass(frozen=True)
class ItemRoute:
    item: str
    unit: str
    rule: str


@dataclass(frozen=True)
class RouteDecision:
    lead: str | None
    assisting: tuple[str, ...]
    routes: tuple[ItemRoute, ...] = field(default=())

    @property
    def explanation(self) -> str:
        return "；".join(f"{r.item}→{r.unit}（{r.rule}）" for r in self.routes)


class Router:
    """Holds the rule table and the unit directory; evaluates in rule order for each item."""

    def __init__(
        self,
        rules: Sequence[Rule],
        *,
        subdistrict_teams: Mapping[str, str],
        domain_teams: Mapping[str, str],
        layers: Mapping[tuple[str, str], str],
        district_command: str,
        assist_ratio: float = 0.5,
    ):
        self.rules = sorted(rules, key=lambda r: (r.order, r.name))
        self.subdistrict_teams = dict(subdistrict_teams)
        self.domain_teams = dict(domain_teams)
        self.layers = dict(layers)  # (functional area code, item code) → unit code
        self.district_command = district_command
        self.assist_ratio = assist_ratio
        # (item, place) → its route: the rule table is fixed once built, and a district has a few hundred items
        # and a few dozen places, so most events are answered by one dictionary lookup.
        self._routes: dict[tuple, ItemRoute] = {}

    def _layer_unit(self, item: ItemRef, place: Place) -> str | None:
        for area in place.functional_area_codes:
            unit = self.layers.get((area, item.code))
            if unit:
                return unit
        return None

    def _resolve(self, target: str, item: ItemRef, place: Place, layer_unit: str | None) -> str | None:
        if target == LAYER_UNIT:
            return layer_unit
        if target == SUBDISTRICT_TEAM:
            return self.subdistrict_teams.get(place.subdistrict_code or "")
        if target == DOMAIN_TEAM:
            return self.domain_teams.get(item.domain)
        if target == DISTRICT_COMMAND:
            return self.district_command
        if target.startswith("unit:"):
            return target[5:]
        raise ValueError(f"unknown routing target {target!r}")

    def route_item(self, item: ItemRef, place: Place) -> ItemRoute:
        key = (item.code, item.domain, item.delegated, place.subdistrict_code, place.functional_area_codes)
        route = self._routes.get(key)
        if route is None:
            if len(self._routes) >= MAX_MEMO:
                self._routes.clear()
            route = self._routes[key] = self._route_item(item, place)
        return route

    def _route_item(self, item: ItemRef, place: Place) -> ItemRoute:
        layer_unit = self._layer_unit(item, place)
        for rule in self.rules:
            if rule.matches(item, place, layer_unit):
                unit = self._resolve(rule.target, item, place, layer_unit)
                if unit:
                    return ItemRoute(item.code, unit, rule.name)
        return ItemRoute(item.code, self.district_command, "无匹配规则，由区指挥中心人工派发")

    def route(
        self, items: Sequence[ItemRef], place: Place, assist_ratio: float | None = None
    ) -> RouteDecision:
        """Lead = the unit of the best item; assisting = other units of items scoring ≥ assist_ratio × best."""
        ratio = self.assist_ratio if assist_ratio is None else assist_ratio
        if not items:
            return RouteDecision(
                self.district_command, (), (ItemRoute("", self.district_command, "未识别事项，人工分类"),)
            )
        ranked = sorted(items, key=lambda i: (-i.score, i.code))
        best = ranked[0].score
        routes = [self.route_item(ranked[0], place)]
        for item in ranked[1:]:
            if item.score >= best * ratio:
                routes.append(self.route_item(item, place))
        lead = routes[0].unit
        assisting = tuple(dict.fromkeys(r.unit for r in routes[1:] if r.unit != lead))
        return RouteDecision(lead, assisting, tuple(routes))


def items_to_route(matches: Sequence, *, min_score: float = 0.05, assist_ratio: float = 0.35) -> list:
    """Of ranked classifier matches, those to route: the best one, plus others (联动) whose own keywords were
    found and that score at least assist_ratio × the best; none when even the best is below min_score."""
    if not matches or matches[0].score < min_score:
        return []
    best = matches[0].score
    return [matches[0]] + [m for m in matches[1:] if m.matched and m.score >= best * assist_ratio]
