"""Routing of the demo phrases: the catalog classifier's suggestion for each phrase, the items a person
confirms for it, and the router's decisions, evaluated exactly as dispatch.events.intake._apply_route does."""

from dataclasses import dataclass
from typing import NamedTuple

from zhifa.dispatch.directory import build_router, classifier
from zhifa.dispatch.events.intake import CLASSIFY_TOP
from zhifa.engine.routing import ItemRef, Place, RouteDecision, items_to_route


class Item(NamedTuple):
    pk: int
    domain: str
    delegated: bool


@dataclass(frozen=True)
class PhraseRoute:
    """What the classifier says about one phrase, and the items a person confirms for it."""

    classification: list[dict]
    suggested: list[ItemRef]  # items intake would route on
    confirmed: list[ItemRef]  # the phrase's own items, lead item first


def phrase_routes(phrases, items) -> list[PhraseRoute]:
    """Classify every phrase once (the place words of an event carry nothing about its item)."""
    matches = classifier().classify_many([p.core() for p in phrases], k=CLASSIFY_TOP)
    routes = []
    for phrase, found in zip(phrases, matches, strict=True):
        confirmed = [
            ItemRef(code, items[code].domain, items[code].delegated, round(1.0 - 0.2 * i, 2))
            for i, code in enumerate(phrase.items)
        ]
        suggested = [
            ItemRef(m.code, items[m.code].domain, items[m.code].delegated, m.score)
            for m in items_to_route(found)
            if m.code in items
        ]
        classification = [
            {"code": m.code, "name": m.name, "domain": m.domain, "score": m.score, "matched": list(m.matched)}
            for m in found
        ]
        routes.append(PhraseRoute(classification, suggested, confirmed))
    return routes


class Routes:
    """Router decisions, memoised: a year of events has few distinct (items, place) pairs."""

    def __init__(self):
        self.router = build_router()
        self._memo: dict[tuple, RouteDecision] = {}

    def route(self, key: tuple, refs: list[ItemRef], place: Place) -> RouteDecision:
        """key names (refs, place) cheaply: hashing the dataclasses for every event costs more."""
        found = self._memo.get(key)
        if found is None:
            # assist_ratio=0.0: every routed item counts, exactly as dispatch.events.intake._apply_route.
            found = self._memo[key] = self.router.route(refs, place, assist_ratio=0.0)
        return found
