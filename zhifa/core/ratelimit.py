"""Counted allowances (N uses per window) kept in Django's cache: atomic increments, so with a shared cache
(REDIS_URL) every app server counts against the same allowance and simultaneous requests cannot all slip in."""

from contextlib import suppress

from django.core.cache import cache


def allowance_take(key: str, *, limit: int, window_seconds: int) -> bool:
    """Take one use of `key`'s allowance; False (nothing taken) when `limit` uses were already taken in the
    window, which starts at the first use and lasts `window_seconds`."""
    key = f"zhifa:allowance:{key}"
    cache.add(key, 0, window_seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # the window ended between add and incr: a new one starts with this use
        cache.add(key, 1, window_seconds)
        return True
    if used > limit:
        allowance_give_back(key, raw=True)
        return False
    return True


def allowance_give_back(key: str, *, raw: bool = False) -> None:
    """Return one use (the request it was taken for did nothing, e.g. a form with errors)."""
    with suppress(ValueError):  # the window has ended: nothing to give back
        cache.decr(key if raw else f"zhifa:allowance:{key}")
