"""Values built from the database and kept per process: the router, the place names, the SLA policies.

Each memo has a signature (a cheap query that changes when its rows change). Asking the signature on every
request costs as much as a small request, so it is asked at most every `ZHIFA_MEMO_RECHECK_SECONDS`: another
process's edit is seen within that time. An edit in this process (a model signal) forgets the memos at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import Generic, TypeVar

from django.conf import settings
from django.db import connection
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
    if connection.in_atomic_block:
        return True
    return time.monotonic() - checked_at >= getattr(settings, "ZHIFA_MEMO_RECHECK_SECONDS", 2.0)


def _forget(sender, **kwargs) -> None:
    label = sender._meta.label
    for memo in _registry:
        if label in memo.watch:
            memo.clear()
    for hook, watch in _clear_hooks:
        if label in watch:
            hook()


def _forget_m2m(sender, instance, **kwargs) -> None:
    _forget(type(instance))
    if kwargs.get("model") is not None:
        _forget(kwargs["model"])


def connect_signals() -> None:
    """Called once from the core app's ready(): saves and deletes of watched models forget their memos."""
    post_save.connect(_forget, dispatch_uid="zhifa-memo-save")
    post_delete.connect(_forget, dispatch_uid="zhifa-memo-delete")
    m2m_changed.connect(_forget_m2m, dispatch_uid="zhifa-memo-m2m")
