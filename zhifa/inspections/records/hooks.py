"""Hooks for apps above inspections. The 行政行为码 work (`codes`) issues a code when a record starts and adds its
section (the QR, the party's rating secret) to the record page; it registers both in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable

# (inspection, by) -> the id of the code issued, or None. Called inside inspection_start's transaction: an
# error in it undoes the start.
CodeIssuer = Callable[..., str | None]
# (request, inspection) -> {"template": name, ...its context}, or None to show nothing
RecordSection = Callable[..., dict | None]

_issuers: list[CodeIssuer] = []
_sections: list[RecordSection] = []


def register_code_issuer(fn: CodeIssuer) -> None:
    if fn not in _issuers:
        _issuers.append(fn)


def unregister_code_issuer(fn: CodeIssuer) -> None:
    if fn in _issuers:
        _issuers.remove(fn)


def codes_issued(*, inspection, by) -> list[str]:
    """Let every registered issuer issue its code for a record being started; the ids of those issued."""
    return [code for fn in list(_issuers) if (code := fn(inspection=inspection, by=by))]


def register_record_section(builder: RecordSection) -> None:
    if builder not in _sections:
        _sections.append(builder)


def record_sections(request, inspection) -> list[dict]:
    return [s for builder in list(_sections) if (s := builder(request, inspection))]
