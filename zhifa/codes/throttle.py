"""Public pages and the verify API limited per client address, counted in Django's cache (shared between
processes when a shared cache is configured) through ninja's throttle."""

from django.conf import settings
from ninja.throttling import SimpleRateThrottle


class AddressThrottle(SimpleRateThrottle):
    """Requests per minute from one address. REMOTE_ADDR, not X-Forwarded-For: a header the client writes
    cannot be the key of its own limit (as the public report page counts)."""

    scope = "codes"

    def __init__(self, scope: str = "codes", per_minute: int | None = None):
        self.scope = scope
        super().__init__(f"{per_minute or settings.ZHIFA_CODE_VERIFY_PER_MINUTE}/m")

    def get_ident(self, request) -> str:
        return request.META.get("REMOTE_ADDR") or "unknown"

    def get_cache_key(self, request) -> str:
        return f"zhifa:throttle:{self.scope}:{self.get_ident(request)}"


def allowed(request, scope: str, per_minute: int | None = None) -> bool:
    return AddressThrottle(scope, per_minute).allow_request(request)
