"""Typed reading of environment variables: every knob has a safe default and a bad value stops start-up."""

import ipaddress
import os
import zoneinfo

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def envint(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={value} must be at most {maximum}")
    return value


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def envnetworks(name: str, default: str = "") -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated IP addresses or CIDR blocks (10.0.0.5, 172.16.0.0/12, ::1)."""
    raw = os.environ.get(name, default)
    networks = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {part!r} is not an IP address or network (e.g. 10.0.0.5 or 172.16.0.0/12)"
            ) from None
    return tuple(networks)


def envtimezone(name: str, default: str) -> str:
    value = os.environ.get(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a known time zone (e.g. Asia/Shanghai)"
        ) from None
    return value


def envdatabase(name: str, default: str) -> dict:
    import dj_database_url

    raw = os.environ.get(name) or default
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not supported: use sqlite:///path or postgres://user@host:port/db"
        )
    try:
        return dj_database_url.parse(raw, conn_max_age=60 if scheme != "sqlite" else 0)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} cannot be parsed: {exc}") from None


_KEY_ID_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")


def envkeyring(name: str, file_name: str, default: str, *, min_chars: int = 32) -> tuple[dict[str, str], str]:
    """Named secrets from `name`, or from the file named by `file_name`: returns ({key id: secret}, current id).

    Entries are `id:secret`, separated by commas or lines (a line starting with # is a comment); the first is the
    current key, the others only verify what they once signed. A single entry may be a bare secret: its id is
    then derived from it.
    """
    import hashlib

    raw, source = os.environ.get(name), name
    path = os.environ.get(file_name)
    if raw is not None and path is not None:
        raise ImproperlyConfigured(f"set {name} or {file_name}, not both")
    if path is not None:
        source = f"{file_name}={path!r}"
        try:
            with open(path, encoding="utf-8") as fh:
                raw = fh.read()
        except OSError as exc:
            raise ImproperlyConfigured(f"{source} cannot be read: {exc.strerror}") from None
    if raw is None:
        raw, source = default, f"{name} (development default)"
    lines = [line for line in raw.splitlines() if not line.lstrip().startswith("#")]
    entries = [part.strip() for line in lines for part in line.split(",") if part.strip()]
    if not entries:
        raise ImproperlyConfigured(f"{source} holds no key")
    keys: dict[str, str] = {}
    for entry in entries:
        kid, sep, secret = entry.partition(":")
        if not sep or not kid or not set(kid) <= _KEY_ID_CHARS or len(kid) > 32:
            if len(entries) > 1:
                raise ImproperlyConfigured(f"{source}: with several keys each must be written id:secret")
            kid, secret = "k" + hashlib.sha256(entry.encode()).hexdigest()[:8], entry
        if len(secret) < min_chars:
            raise ImproperlyConfigured(f"{source}: key {kid!r} must be at least {min_chars} characters long")
        if kid in keys:
            raise ImproperlyConfigured(f"{source}: key id {kid!r} appears twice")
        keys[kid] = secret
    return keys, next(iter(keys))
