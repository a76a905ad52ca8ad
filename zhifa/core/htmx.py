"""One place that decides between a full page and an htmx fragment."""

from django.shortcuts import render


def render_page_or_fragment(request, page_template: str, fragment_template: str, context: dict):
    template = fragment_template if getattr(request, "htmx", False) else page_template
    return render(request, template, context)
