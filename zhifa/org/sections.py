"""Sections other capabilities add to a region's page (subjects' inspection objects, catalog's hub layers and
high-frequency scenarios). They sit above org, so they register a builder here when Django starts instead of
the region page importing them. A builder returns None (nothing to show for this region) or a dict with the
`template` to include and its context."""

from collections.abc import Callable

# (user, region) -> section context with "template", or None
RegionSection = Callable[..., dict | None]

_sections: list[RegionSection] = []


def register_region_section(builder: RegionSection) -> None:
    if builder not in _sections:
        _sections.append(builder)


def region_sections(*, user, region) -> list[dict]:
    return [s for s in (builder(user, region) for builder in _sections) if s]
