"""The 行政行为码 section of an inspection record's page (joined through inspections' record-section hook): the
QR the officers show before entering, and the party's one-time rating secret."""

from __future__ import annotations

from django.urls import reverse

from zhifa.codes.qr import public_url, qr_svg
from zhifa.codes.selectors import code_for_inspection
from zhifa.codes.services import REVOKE_ROLES, code_secret_shown
from zhifa.org.scope import scope_for


def record_code_section(request, inspection) -> dict:
    code = code_for_inspection(inspection)
    context: dict = {"template": "codes/_record_code.html", "code": code}
    if code is None:
        return context
    user = request.user
    scope = scope_for(user)
    # The team doing the visit hands the secret over; read-only roles (oversight) have no need of it.
    hands_over = scope.can_write and scope.covers_path(code.region_path)
    url = public_url(request, reverse("codes:verify", args=[code.token]))
    context.update(
        url=url,
        qr=qr_svg(url),
        secret=code_secret_shown(code) if hands_over else None,
        can_revoke=hands_over and (user.is_superuser or user.role in REVOKE_ROLES) and not code.revoked_at,
    )
    return context
