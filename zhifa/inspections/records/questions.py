"""The checklist as questions a shop understands: the rule of ``zhifa.engine.questions`` on each item's title,
with the reviewed wordings of ``inspections/data/checklist_questions.csv`` (code, question, kind) for the
high-frequency items winning over the rule."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from zhifa.engine.questions import PROHIBITION, REQUIREMENT, Question, question_for

OVERRIDES = Path(__file__).resolve().parent.parent / "data" / "checklist_questions.csv"
HINTS = {REQUIREMENT: "做到即为合规", PROHIBITION: "发现即为违法"}


@lru_cache(maxsize=1)
def _overrides() -> dict[str, tuple[str, str]]:
    rows: dict[str, tuple[str, str]] = {}
    with OVERRIDES.open(encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            kind = (row.get("kind") or REQUIREMENT).strip()
            if kind not in HINTS or not (row.get("question") or "").strip():
                raise ValueError(
                    f"{OVERRIDES.name} 第 {n} 行：问题不能为空，kind 须为 {REQUIREMENT} 或 {PROHIBITION}"
                )
            rows[row["code"].strip()] = (row["question"].strip(), kind)
    return rows


def item_question(item) -> Question:
    """The question for a catalog item (anything with ``code`` and ``name``)."""
    override = _overrides().get(item.code)
    if override is not None:
        return Question(override[0], override[1], "override")
    return question_for(item.name)
