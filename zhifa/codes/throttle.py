"""Public pages and the verify API limited per client address, counted in Django's cache (shared between
processes when a shared cache is configured) through ninja's throttle."""

from django.conf import settings
from ninja.throttling import SimpleRateThrottle

from zhifa.accounts.network import client_ip


class AddressThrottle(SimpleRateThrottle):
    """Requests per minute from one address: the peer's, or the forwarded one only behind a trusted proxy
    (ZHIFA_TRUSTED_PROXIES), the same address every throttle counts on."""

    scope = "codes"

    def __init__(self, scope: str = "codes", per_minute: int | None = None):
        self.scope = scope
        self.per_minute = per_minute
        super().__init__(self._rate())

    def _rate(self) -> str:
        return f"{self.per_minute or settings.ZHIFA_CODE_VERIFY_PER_MINUTE}/m"

    def allow_request(self, request) -> bool:
        # The API's throttles are made when the router is imported: read the setting on each request.
        self.num_requests, self.duration = self.parse_rate(self._rate())
        return super().allow_request(request)

    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"

    def get_cache_key(self, request) -> str:
        return f"zhifa:throttle:{self.scope}:{self.get_ident(request)}"


def allowed(request, scope: str, per_minute: int | None = None) -> bool:
    return AddressThrottle(scope, per_minute).allow_request(request)
