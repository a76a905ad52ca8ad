"""One place that decides between a full page and an htmx fragment."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def render_page_or_fragment(request, page_template: str, fragment_template: str, context: dict):
    template = fragment_template if getattr(request, "htmx", False) else page_template
    response = render(request, template, context)
    # The same URL answers with a page or a fragment: caches must key on the header.
    patch_vary_headers(response, ("HX-Request",))
    return response
