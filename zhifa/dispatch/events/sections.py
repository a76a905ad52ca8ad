"""Sections that other capabilities add to the event page (coordination's 协同). They sit above events, so
they register a context builder here when Django starts instead of the event page importing them."""

from collections.abc import Callable

# (request, event) -> template context of the section
EventSection = Callable[..., dict]

_sections: list[EventSection] = []


def register_event_section(builder: EventSection) -> None:
    if builder not in _sections:
        _sections.append(builder)


def event_sections_context(request, event) -> dict:
    context: dict = {}
    for builder in _sections:
        context.update(builder(request, event))
    return context
