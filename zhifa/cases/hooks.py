"""Hooks for apps above cases: the 行政行为码 work (`codes`) hears of every action that addresses the party,
and supplies the QR printed on a document.

A listener is called inside the transition's transaction as fn(case, action, document), with action one of
"notice", "hearing_notice", "decision", "service"; an error in a listener undoes the transition. Register in
the listening app's AppConfig.ready(). No listener registered: nothing happens."""

from collections.abc import Callable

from zhifa.cases.choices import PARTY_ACTIONS

PartyActionListener = Callable[..., None]

_listeners: list[PartyActionListener] = []


def register_party_action_listener(fn: PartyActionListener) -> None:
    if fn not in _listeners:
        _listeners.append(fn)


def unregister_party_action_listener(fn: PartyActionListener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def party_action(case, action: str, document) -> None:
    if action not in PARTY_ACTIONS:
        raise ValueError(f"unknown party action {action!r}")
    for fn in list(_listeners):
        fn(case, action, document)


# --- the 行政行为码 printed on a document ------------------------------------------------------------------------

DocumentQr = Callable[..., tuple[bytes, str] | None]

_qr_providers: list[DocumentQr] = []


def register_document_qr(fn: DocumentQr) -> None:
    """fn(document) → (QR image as PNG or SVG bytes, its caption) to print on the document, or None. The
    first provider that answers wins."""
    if fn not in _qr_providers:
        _qr_providers.append(fn)


def unregister_document_qr(fn: DocumentQr) -> None:
    if fn in _qr_providers:
        _qr_providers.remove(fn)


def document_qr(document) -> tuple[bytes, str] | None:
    for fn in list(_qr_providers):
        found = fn(document)
        if found:
            return found
    return None
