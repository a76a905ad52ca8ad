"""Hooks for apps above cases: the 行政行为码 work (`codes`) hears of every action that addresses the party.

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
