"""A draw's outcome as typed values: the one writer of ``RandomDraw.record`` and the one reader of its picks.

The stored record is the engine's own (``zhifa.engine.draw.DrawResult.to_record``) plus how the seed was made:
it is the published evidence anyone re-runs to verify the draw, so it is kept exactly as the engine wrote it
and the picks are not stored a second time beside it. Code that needs the drawn subjects and their teams
(``assignments``) or those left without one (``infeasible``) reads them here, never from the JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from zhifa.engine.draw import DrawResult


@dataclass(frozen=True)
class DrawPick:
    """抽中对象 — a drawn subject and the officers drawn to inspect it; ``order`` counts from 1 in draw order."""

    order: int
    subject_id: int
    officer_ids: tuple[int, ...]


@dataclass(frozen=True)
class DrawUnmatched:
    """A drawn subject no valid team could be drawn for, with the engine's reason (it is not replaced)."""

    order: int
    subject_id: int
    reason: str


@dataclass(frozen=True)
class DrawOutcome:
    picks: tuple[DrawPick, ...]
    unmatched: tuple[DrawUnmatched, ...]

    @property
    def drawn(self) -> int:
        """How many subjects were drawn, with or without a team."""
        return len(self.picks) + len(self.unmatched)

    def pick_for(self, subject_id: int) -> DrawPick | None:
        return next((p for p in self.picks if p.subject_id == subject_id), None)

    def subject_ids(self) -> list[int]:
        """Every drawn subject, in draw order."""
        return [x.subject_id for x in sorted((*self.picks, *self.unmatched), key=lambda x: x.order)]


class BadDrawRecord(ValueError):
    """The stored record is not one the engine wrote: a corrupted row, never a user's input."""


def draw_record(result: DrawResult, *, seed_inputs: Mapping[str, str]) -> dict:
    """The record a new draw stores: the engine's record and the inputs its seed was made from."""
    return {**result.to_record(), "seed_inputs": dict(seed_inputs)}


def draw_outcome(record: Mapping | None) -> DrawOutcome:
    """The picks and the unmatched subjects of a stored record, in draw order."""
    record = record or {}
    order = {str(s): n for n, s in enumerate(record.get("drawn_order") or [], start=1)}

    def position(subject: str, n: int) -> int:
        # Records list both groups in draw order; drawn_order places them among each other.
        return order.get(subject, n)

    picks = []
    for n, entry in enumerate(record.get("assignments") or [], start=1):
        subject, officers = _pair(entry, "assignments", n)
        if not isinstance(officers, list | tuple):
            raise BadDrawRecord(f"抽查记录第 {n} 条抽中结果的检查人员格式有误")
        picks.append(
            DrawPick(
                order=position(str(subject), n),
                subject_id=_id(subject, "assignments", n),
                officer_ids=tuple(_id(i, "assignments", n) for i in officers),
            )
        )
    unmatched = []
    for n, entry in enumerate(record.get("infeasible") or [], start=1):
        subject, reason = _pair(entry, "infeasible", n)
        unmatched.append(
            DrawUnmatched(
                order=position(str(subject), len(picks) + n),
                subject_id=_id(subject, "infeasible", n),
                reason=str(reason),
            )
        )
    return DrawOutcome(picks=tuple(picks), unmatched=tuple(unmatched))


def _pair(entry, key: str, n: int):
    if not isinstance(entry, list | tuple) or len(entry) != 2:
        raise BadDrawRecord(f"抽查记录 {key} 第 {n} 条格式有误：{entry!r}")
    return entry[0], entry[1]


def _id(value, key: str, n: int) -> int:
    text = str(value)
    if not (text.isascii() and text.isdigit()):
        raise BadDrawRecord(f"抽查记录 {key} 第 {n} 条的编号“{text}”不是整数")
    return int(text)
