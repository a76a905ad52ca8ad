"""QR codes (segno) of the public pages: inline SVG for screens, PNG for documents; and the absolute address
a QR carries."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.utils.safestring import mark_safe


def public_url(request, path: str) -> str:
    """ZHIFA_PUBLIC_URL + path when set (paper outlives the address a page was asked on), else the request's."""
    if settings.ZHIFA_PUBLIC_URL:
        return settings.ZHIFA_PUBLIC_URL + path
    if request is None:
        return path
    return request.build_absolute_uri(path)


def qr_make(data: str) -> segno.QRCode:
    # Level M survives a smudge or a screen glare; segno picks the smallest version that holds the data.
    return segno.make(data, error="m", micro=False, boost_error=False)


def qr_svg(data: str) -> str:
    """Inline SVG sized by its container (no fixed width), dark on white with the standard quiet zone."""
    svg = qr_make(data).svg_inline(scale=1, border=4, omitsize=True, dark="#000", light="#fff")
    return mark_safe(svg)  # noqa: S308 (segno's own markup; the data is encoded as modules, not text)


def qr_png(data: str, *, scale: int = 6) -> bytes:
    out = io.BytesIO()
    qr_make(data).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_version(data: str) -> str:
    """Size in QR terms, e.g. "15-M" (version 15 = 77 × 77 modules, error level M)."""
    return qr_make(data).designator


def code_qr_png(code_id: str) -> bytes:
    """The QR a printed document carries: the short address of its code's page (ZHIFA_PUBLIC_URL + /c/id/<码号>),
    a version 3–4 symbol that still scans at the 22 mm a document gives it; the full token is on that page."""
    from django.urls import reverse

    return qr_png(public_url(None, reverse("codes:verify_by_id", args=[code_id])), scale=8)
