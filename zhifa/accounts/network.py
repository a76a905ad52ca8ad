"""The client's address, the key of every throttle: the peer itself, or behind a trusted reverse proxy the
address that proxy saw (X-Forwarded-For), never a header the client could have written."""

import ipaddress
from functools import lru_cache

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(raw: str) -> IPAddress | None:
    raw = raw.strip()
    if raw.startswith("[") and "]" in raw:  # "[2001:db8::1]:443"
        raw = raw[1 : raw.index("]")]
    elif raw.count(":") == 1:  # "203.0.113.7:5000"
        raw = raw.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return None
    # An IPv4 client seen through a dual-stack socket is still that IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(configured: tuple) -> tuple:
    # Settings hold parsed networks (zhifa.env.envnetworks); tests may override with plain strings.
    return tuple(ipaddress.ip_network(n, strict=False) if isinstance(n, str) else n for n in configured)


def _trusted(address: IPAddress, networks: tuple) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request) -> str | None:
    """The address to count a client's requests on (None when the peer's address is unknown).

    X-Forwarded-For is read only when the peer is a trusted proxy (ZHIFA_TRUSTED_PROXIES), from the right:
    each trusted proxy appends the address it was connected from, so the right-most address that is not a
    trusted proxy is the client; what lies further left is whatever the client chose to send.
    """
    if request is None:
        return None
    peer = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return None
    networks = _networks(tuple(getattr(settings, "ZHIFA_TRUSTED_PROXIES", ())))
    if not networks or not _trusted(peer, networks):
        return str(peer)
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for raw in reversed(forwarded.split(",")):
        address = _parse(raw)
        if address is None:
            # Garbage where a trusted proxy would have written an address: the client wrote it; stop at the
            # last proxy we trust rather than believe anything left of it.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
