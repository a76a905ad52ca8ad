"""Values built from the database and kept per process: the router, the place names, the SLA policies.

Each memo has a signature (a cheap query that changes when its rows change). Asking the signature on every
request costs as much as a small request, so it is asked at most every `ZHIFA_MEMO_RECHECK_SECONDS`: another
process's edit is seen within that time. An edit in this process (a model signal, or `memo_changed` after a
bulk write) forgets the memos at once.

With a shared cache (REDIS_URL, settings.ZHIFA_SHARED_CACHE) an edit also bumps a version per model in it when
its transaction commits; every process reads those versions (one round trip for all) at most every
`ZHIFA_MEMO_VERSION_SECONDS` and forgets what watches a bumped model, so a catalog release, a routing rule or a
risk policy published on one server is used by every server within about a second, and the signature (the
safety net for writes that bypass both) is asked only every `ZHIFA_MEMO_RECHECK_SECONDS` (30 s by default there).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

_registry: list[ProcessMemo] = []


class ProcessMemo(Generic[T]):
    def __init__(
        self, name: str, *, build: Callable[[], T], signature: Callable[[], tuple], watch: Iterable[str]
    ):
        self.name = name
        self._build = build
        self._signature = signature
        self.watch = tuple(watch)  # "app_label.Model" whose saves and deletes forget this memo
        self._lock = threading.Lock()
        self._value: tuple[tuple, T] | None = None
        self._checked_at = 0.0
        _registry.append(self)

    def get(self) -> T:
        return batch_memo(f"memo:{self.name}", self._get)

    def _get(self) -> T:
        shared_versions_sync()
        current = self._value
        now = time.monotonic()
        recheck = getattr(settings, "ZHIFA_MEMO_RECHECK_SECONDS", 2.0)
        # Inside a transaction the rows may be this transaction's own, and it may yet roll back: the value
        # is checked every time and a new one is not kept.
        in_transaction = connection.in_atomic_block
        if current is not None and not in_transaction and now - self._checked_at < recheck:
            return current[1]
        signature = self._signature()
        if current is not None and current[0] == signature:
            if not in_transaction:
                self._checked_at = now
            return current[1]
        if in_transaction:
            return self._build()
        with self._lock:
            current = self._value
            if current is None or current[0] != signature:
                current = (signature, self._build())
                self._value = current
            self._checked_at = now
        return current[1]

    def clear(self) -> None:
        with self._lock:
            self._value = None
            self._checked_at = 0.0


_batch = threading.local()


@contextmanager
def memo_batch():
    """Inside one long write that takes many records at once (a 12345 import, all in one transaction), each
    memo is read once instead of being re-checked per record: the batch itself changes none of them."""
    if getattr(_batch, "memo", None) is not None:
        yield
        return
    _batch.memo = {}
    try:
        yield
    finally:
        _batch.memo = None


def batch_memo(key: str, build: Callable[[], T]) -> T:
    """build() once per batch (every call outside a batch)."""
    memo = getattr(_batch, "memo", None)
    if memo is None:
        return build()
    if key not in memo:
        memo[key] = build()
    return memo[key]


_clear_hooks: list[tuple[Callable[[], None], tuple[str, ...]]] = []


def on_memo_clear(*watch: str) -> Callable:
    """Register a cache of another shape (e.g. the classifier) to be forgotten with the memos, and when a
    model of `watch` is saved or deleted in this process."""

    def register(hook: Callable[[], None]) -> Callable[[], None]:
        _clear_hooks.append((hook, watch))
        return hook

    return register


def memo_clear_all() -> None:
    """Forget every memo of this process (after an edit that bypassed model signals, and between tests)."""
    for memo in _registry:
        memo.clear()
    for hook, _ in _clear_hooks:
        hook()


def recheck_due(checked_at: float) -> bool:
    """Whether a cache checked at `checked_at` (time.monotonic) must ask the database again."""
    shared_versions_sync()
    if connection.in_atomic_block:
        return True
    return time.monotonic() - checked_at >= getattr(settings, "ZHIFA_MEMO_RECHECK_SECONDS", 2.0)


def _forget(sender, **kwargs) -> None:
    _forget_label(sender._meta.label, publish=True)


def memo_changed(*labels: str) -> None:
    """Tell every process's memos that rows of these models ("app_label.Model") changed, after a write that
    sends no model signal (bulk_create, bulk_update, update)."""
    for label in labels:
        _forget_label(label, publish=True)


def _watched(label: str) -> bool:
    return any(label in m.watch for m in _registry) or any(label in w for _, w in _clear_hooks)


def _forget_label(label: str, *, publish: bool = False) -> None:
    if publish and getattr(settings, "ZHIFA_SHARED_CACHE", False) and _watched(label):
        # After commit: another server that rebuilds at once must find the new rows.
        transaction.on_commit(lambda: _version_bump(label))
    for memo in _registry:
        if label in memo.watch:
            memo.clear()
    for hook, watch in _clear_hooks:
        if label in watch:
            hook()


VERSION_PREFIX = "zhifa:memo:version:"


def _version_bump(label: str) -> None:
    key = VERSION_PREFIX + label
    try:
        cache.incr(key)
    except ValueError:  # never bumped yet (or evicted): start it; another process may have started it first
        if not cache.add(key, 1, timeout=None):
            cache.incr(key)


_versions_lock = threading.Lock()
_versions: dict = {"at": -1e9, "seen": None}


def shared_versions_sync() -> None:
    """With a shared cache, at most every ZHIFA_MEMO_VERSION_SECONDS: read every watched model's version and
    forget, in this process, what watches a model another process changed."""
    if not getattr(settings, "ZHIFA_SHARED_CACHE", False):
        return
    now = time.monotonic()
    if now - _versions["at"] < getattr(settings, "ZHIFA_MEMO_VERSION_SECONDS", 1.0):
        return
    if not _versions_lock.acquire(blocking=False):
        return  # another thread of this process is reading them right now
    try:
        labels = sorted({w for m in _registry for w in m.watch} | {w for _, ws in _clear_hooks for w in ws})
        found = cache.get_many([VERSION_PREFIX + label for label in labels])
        current = {label: found.get(VERSION_PREFIX + label, 0) for label in labels}
        seen = _versions["seen"]
        _versions["at"], _versions["seen"] = now, current
    finally:
        _versions_lock.release()
    if seen is None:
        return  # the first look: nothing was built from older rows yet
    for label, version in current.items():
        if seen.get(label, 0) != version:
            _forget_label(label)


def _forget_m2m(sender, instance, **kwargs) -> None:
    _forget(type(instance))
    if kwargs.get("model") is not None:
        _forget(kwargs["model"])


def connect_signals() -> None:
    """Called once from the core app's ready(): saves and deletes of watched models forget their memos."""
    post_save.connect(_forget, dispatch_uid="zhifa-memo-save")
    post_delete.connect(_forget, dispatch_uid="zhifa-memo-delete")
    m2m_changed.connect(_forget_m2m, dispatch_uid="zhifa-memo-m2m")
