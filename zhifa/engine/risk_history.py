"""Features a plain outcome table hides in its row order: each subject's earlier inspections (how many, how many
found a violation, the last result, days since the last one) and the licence's age at the inspection date.

Computed in date order from earlier rows only — a row never sees its own outcome or a later one — so the same
features can be rebuilt for new rows from the history a model keeps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

PREVIOUS = "历史检查次数"
PREVIOUS_FOUND = "历史发现问题次数"
PREVIOUS_RATE = "历史发现问题比例"
LAST_FOUND = "上次是否发现问题"
DAYS_SINCE = "距上次检查天数"
LICENCE_AGE = "开业天数"

_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")


def parse_date(text: str) -> date | None:
    """A date in the usual spellings (ISO with or without a time, 2026/3/5, 03/05/2026 as US exports write it)."""
    text = (text or "").strip()
    if not text:
        return None
    head = text[:10] if len(text) > 10 and text[4:5] == "-" and text[10:11] in ("T", " ") else text
    for fmt in _FORMATS:
        try:
            return datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    return None


@dataclass
class SubjectHistory:
    inspections: int = 0
    found: int = 0
    last: date | None = None
    last_found: int | None = None


@dataclass
class History:
    """What earlier rows taught, by subject; `update` adds a row with its outcome."""

    subjects: dict[str, SubjectHistory] = field(default_factory=dict)

    def features(self, subject: str, on: date, licensed: date | None) -> dict[str, str]:
        h = self.subjects.get(subject) or SubjectHistory()
        return {
            PREVIOUS: str(h.inspections),
            PREVIOUS_FOUND: str(h.found),
            PREVIOUS_RATE: f"{(h.found + 0.5) / (h.inspections + 2):.4f}",  # shrunk towards 1/4 when few
            LAST_FOUND: "" if h.last_found is None else str(h.last_found),
            DAYS_SINCE: "" if h.last is None else str(max(0, (on - h.last).days)),
            LICENCE_AGE: "" if licensed is None else str((on - licensed).days),
        }

    def update(self, subject: str, on: date, found: int) -> None:
        h = self.subjects.setdefault(subject, SubjectHistory())
        if h.last is None or on >= h.last:
            h.last, h.last_found = on, found
        h.inspections += 1
        h.found += found


def order_by_date(rows: Sequence[Mapping[str, str]], date_col: str, error) -> tuple[list[int], list[date]]:
    """Row indices in date order (stable) and each row's date; `error(message)` raises for a bad or blank date."""
    dates = []
    for i, r in enumerate(rows):
        d = parse_date(str(r.get(date_col, "")))
        if d is None:
            line = int(r.get("_line", i + 2))
            raise error(f"第 {line} 行 {date_col} 列的日期“{r.get(date_col, '')}”无法识别（应如 2026-03-05）")
        dates.append(d)
    return sorted(range(len(rows)), key=lambda i: dates[i]), dates


def engineer(
    rows: Sequence[Mapping[str, str]],
    *,
    date_col: str,
    subject_col: str | None,
    licence_col: str | None,
    outcomes: Sequence[int] | None,
    history: History,
    error,
) -> tuple[list[dict[str, str]], list[int]]:
    """Rows with the engineered columns added, and the date order. With outcomes (training), each row's outcome
    updates the history after the row's features are taken; rows of one day do not see each other."""
    order, dates = order_by_date(rows, date_col, error)
    out: list[dict[str, str]] = [dict(r) for r in rows]
    pending: list[tuple[str, date, int]] = []
    current: date | None = None
    for i in order:
        if outcomes is not None and dates[i] != current:
            for p in pending:
                history.update(*p)
            pending, current = [], dates[i]
        subject = str(rows[i].get(subject_col, "")).strip() if subject_col else ""
        licensed = parse_date(str(rows[i].get(licence_col, ""))) if licence_col else None
        feats = history.features(subject, dates[i], licensed) if subject else {}
        if not subject_col:
            feats = {LICENCE_AGE: history.features("", dates[i], licensed)[LICENCE_AGE]}
        if not licence_col:
            feats.pop(LICENCE_AGE, None)
        out[i].update(feats)
        if outcomes is not None and subject:
            pending.append((subject, dates[i], int(outcomes[i])))
    for p in pending:
        history.update(*p)
    return out, order


def engineered_names(subject_col: str | None, licence_col: str | None) -> list[str]:
    names = [PREVIOUS, PREVIOUS_FOUND, PREVIOUS_RATE, LAST_FOUND, DAYS_SINCE] if subject_col else []
    return names + ([LICENCE_AGE] if licence_col else [])
