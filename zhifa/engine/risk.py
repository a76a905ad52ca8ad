"""Three-colour risk coding (三色赋码): an explainable points score from a subject's factors, green / yellow / red
by configurable thresholds, inspection frequency by colour, and the colour change an inspection result causes.

The score is a points card, not a probability: score = intercept + Σ factor points, clipped to 0–100, so every
colour can say which factors put it there and by how many points. Plain Python + numpy; no Django.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

COLOURS = ("green", "yellow", "red")
COLOUR_LABELS = {"green": "绿码", "yellow": "黄码", "red": "红码"}
CREDIT_CLASSES = ("A", "B", "C", "D")
SEVERITIES = ("轻微", "一般", "严重")
INDUSTRY_LEVELS = ("low", "medium", "high")
INDUSTRY_LEVEL_LABELS = {"low": "低", "medium": "中", "high": "高"}
FACTORS = ("credit", "complaints", "violations", "since_inspection", "industry", "new_business", "scenarios")
FACTOR_LABELS = {
    "credit": "信用等级",
    "complaints": "近12个月投诉",
    "violations": "历史违法（按严重程度和时间加权）",
    "since_inspection": "距上次检查时间",
    "industry": "行业固有风险",
    "new_business": "新开业",
    "scenarios": "所属高风险场景",
}
INDUSTRY_TABLE = Path(__file__).resolve().parent / "data" / "industry_risk.csv"
DAYS_PER_MONTH = 365.25 / 12


@cache
def load_industry_table(path: str | Path = INDUSTRY_TABLE) -> dict[str, tuple[str, str]]:
    """Industry code (GB/T 4754-2017 section, division, group or class) → (name, inherent risk level)."""
    with open(path, encoding="utf-8", newline="") as fh:
        table = {
            r["code"].strip().upper(): (r["name"].strip(), r["level"].strip()) for r in csv.DictReader(fh)
        }
    bad = sorted(code for code, (_, level) in table.items() if level not in INDUSTRY_LEVELS)
    if bad:
        raise ValueError(f"行业风险表中的风险等级只能是 low/medium/high：{'、'.join(bad)}")
    return table


def _default_industry_levels() -> dict[str, str]:
    return {code: level for code, (_, level) in load_industry_table().items()}


@dataclass(frozen=True)
class Frequency:
    """Routine inspections a year for one colour; on_cause_only means none are scheduled, only checks on a cause
    (a complaint, a random draw, a referral); targeted means extra special checks on top of the routine ones."""

    per_year: float
    on_cause_only: bool = False
    targeted: bool = False


DEFAULT_FREQUENCY = {
    "green": Frequency(1, on_cause_only=True),
    "yellow": Frequency(2),
    "red": Frequency(4, targeted=True),
}


@dataclass(frozen=True)
class RiskPolicy:
    """Weights, points tables, thresholds and the colour → frequency policy; load a district's own from JSON.

    Factor points: credit and industry from their points tables; complaints, violations, scenarios are
    weight × count (capped); since_inspection is weight × years (capped, never inspected = the cap);
    new_business is the weight when the subject opened less than `new_business_months` ago.
    """

    intercept: float = 10.0
    weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "complaints": 4.0,
            "violations": 3.0,
            "since_inspection": 4.0,
            "new_business": 8.0,
            "scenarios": 6.0,
        }
    )
    credit_points: Mapping[str, float] = field(
        default_factory=lambda: {"A": -5.0, "B": 0.0, "C": 10.0, "D": 25.0}
    )
    industry_points: Mapping[str, float] = field(
        default_factory=lambda: {"low": 0.0, "medium": 6.0, "high": 14.0}
    )
    severity_weights: Mapping[str, float] = field(
        default_factory=lambda: {"轻微": 1.0, "一般": 2.0, "严重": 4.0}
    )
    violation_half_life_months: float = 12.0
    caps: Mapping[str, float] = field(
        default_factory=lambda: {"complaints": 10, "violations": 10, "since_inspection": 3, "scenarios": 3}
    )
    new_business_months: float = 6.0
    unknown_industry: str = "medium"
    industry_levels: Mapping[str, str] = field(default_factory=_default_industry_levels)
    thresholds: tuple[float, float] = (30.0, 45.0)
    frequency: Mapping[str, Frequency] = field(default_factory=lambda: dict(DEFAULT_FREQUENCY))

    def __post_init__(self):
        object.__setattr__(self, "thresholds", tuple(float(t) for t in self.thresholds))
        self.validate()

    def validate(self) -> None:
        t1, t2 = self.thresholds if len(self.thresholds) == 2 else (None, None)
        if t1 is None or not 0 <= t1 < t2 <= 100:
            raise ValueError(f"阈值应满足 0 ≤ 绿/黄分界 < 黄/红分界 ≤ 100，实际为 {list(self.thresholds)}")
        _check_keys(
            "weights",
            self.weights,
            ("complaints", "violations", "since_inspection", "new_business", "scenarios"),
        )
        _check_keys("credit_points", self.credit_points, CREDIT_CLASSES)
        _check_keys("industry_points", self.industry_points, INDUSTRY_LEVELS)
        _check_keys("severity_weights", self.severity_weights, SEVERITIES)
        _check_keys("caps", self.caps, ("complaints", "violations", "since_inspection", "scenarios"))
        _check_keys("frequency", self.frequency, COLOURS)
        if any(v < 0 for v in self.caps.values()) or self.violation_half_life_months <= 0:
            raise ValueError("上限和违法记录半衰期必须为正数")
        if self.unknown_industry not in INDUSTRY_LEVELS:
            raise ValueError(f"未列明行业的风险等级只能是 low/medium/high，实际为 {self.unknown_industry}")
        bad = sorted(c for c, level in self.industry_levels.items() if level not in INDUSTRY_LEVELS)
        if bad:
            raise ValueError(f"行业风险等级只能是 low/medium/high：{'、'.join(bad)}")
        per_year = [self.frequency[c].per_year for c in COLOURS]
        if any(p < 0 for p in per_year) or per_year != sorted(per_year):
            raise ValueError(f"检查频次应为非负数且 绿 ≤ 黄 ≤ 红，实际为 {per_year}")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RiskPolicy:
        """Defaults overridden by `data`; mapping-valued settings merge key by key, so {"weights": {"complaints":
        5}} changes one weight. Unknown keys are refused rather than silently ignored."""
        base = cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"未知的风险策略项：{'、'.join(unknown)}")
        changes: dict[str, Any] = {}
        for key, value in data.items():
            if key == "frequency":
                if not isinstance(value, Mapping):
                    raise ValueError("frequency 应为 颜色 → 频次 的对象")
                merged = dict(base.frequency)
                for colour, spec in value.items():
                    if colour not in COLOURS:
                        raise ValueError(f"frequency 中未知的颜色：{colour}")
                    if isinstance(spec, Frequency):
                        merged[colour] = spec
                    elif isinstance(spec, Mapping):
                        merged[colour] = replace(merged[colour], **_frequency_kwargs(spec))
                    else:
                        merged[colour] = Frequency(float(spec))
                changes[key] = merged
            elif isinstance(getattr(base, key), Mapping):
                if not isinstance(value, Mapping):
                    raise ValueError(f"{key} 应为对象")
                changes[key] = {**getattr(base, key), **value}
            else:
                changes[key] = value
        return replace(base, **changes)

    @classmethod
    def from_json(cls, source: str | Path) -> RiskPolicy:
        """A JSON text, or the path of a JSON file."""
        text = str(source)
        if not text.lstrip().startswith("{"):
            text = Path(source).read_text(encoding="utf-8")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"风险策略不是合法的 JSON：{exc}") from None
        if not isinstance(data, dict):
            raise ValueError("风险策略应为 JSON 对象")
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "frequency":
                value = {
                    c: {"per_year": v.per_year, "on_cause_only": v.on_cause_only, "targeted": v.targeted}
                    for c, v in value.items()
                }
            elif isinstance(value, Mapping):
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    def colour_of(self, score: float) -> str:
        t1, t2 = self.thresholds
        return "green" if score < t1 else "yellow" if score < t2 else "red"

    def industry_level(self, code: str | None) -> tuple[str, bool]:
        """(level, listed): the longest listed prefix of the code decides; an unlisted code gets unknown_industry."""
        code = (code or "").strip().upper().replace(" ", "")
        for k in range(len(code), 0, -1):
            level = self.industry_levels.get(code[:k])
            if level is not None:
                return level, True
        return self.unknown_industry, False


def _check_keys(name: str, mapping: Mapping, expected: Sequence[str]) -> None:
    if set(mapping) != set(expected):
        raise ValueError(f"{name} 应恰好包含 {'、'.join(expected)}，实际为 {'、'.join(map(str, mapping))}")


def _frequency_kwargs(spec: Mapping) -> dict[str, Any]:
    unknown = set(spec) - {"per_year", "on_cause_only", "targeted"}
    if unknown:
        raise ValueError(f"frequency 中未知的项：{'、'.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    if "per_year" in spec:
        out["per_year"] = float(spec["per_year"])
    for key in ("on_cause_only", "targeted"):
        if key in spec:
            out[key] = bool(spec[key])
    return out


DEFAULT_POLICY = RiskPolicy()


@dataclass(frozen=True)
class RiskRecord:
    """One subject's factors as of the scoring day (callers turn dates into months with months_between)."""

    credit: str | None = None  # A–D; None or "" = not rated, scored as B
    complaints_12m: int = 0
    violations: Sequence[tuple[str, float]] = ()  # (severity 轻微/一般/严重, months ago)
    months_since_inspection: float | None = None  # None = never inspected
    industry: str = ""  # GB/T 4754-2017 code, e.g. H62 餐饮业
    months_open: float | None = None  # None = opening date unknown, not treated as new
    scenarios: int = 0  # how many high-risk 监管一件事 scenarios the subject belongs to


class Reason(NamedTuple):
    factor: str  # one of FACTORS
    label: str  # Chinese, with the value, e.g. "近12个月投诉 5 件"
    value: Any
    points: float

    @property
    def text(self) -> str:
        return f"{self.label}（{self.points:+.1f} 分）"


@dataclass(frozen=True)
class RiskResult:
    score: float  # 0–100
    colour: str  # green / yellow / red
    reasons: tuple[Reason, ...]  # every factor, largest contribution first

    @property
    def colour_label(self) -> str:
        return COLOUR_LABELS[self.colour]

    def top(self, n: int = 3) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.points > 0)[:n]


def months_between(earlier: date, later: date) -> float:
    return (later - earlier).days / DAYS_PER_MONTH


def _decay(months_ago: float, half_life: float) -> float:
    return 0.5 ** (max(months_ago, 0.0) / half_life)


def violation_load(violations: Iterable[tuple[str, float]], policy: RiskPolicy = DEFAULT_POLICY) -> float:
    """Σ severity weight × 0.5^(months ago / half-life): a serious violation last month weighs about 4, a minor
    one two years ago about 0.25."""
    total = 0.0
    for severity, months_ago in violations:
        if severity not in policy.severity_weights:
            raise ValueError(f"未知的违法严重程度：{severity}（应为 轻微/一般/严重）")
        total += policy.severity_weights[severity] * _decay(months_ago, policy.violation_half_life_months)
    return total


def _label(factor: str, value: Any, policy: RiskPolicy, extra: str = "") -> str:
    if factor == "credit":
        return f"信用等级 {value} 级" if value in CREDIT_CLASSES else "信用等级未评定（按 B 级计）"
    if factor == "complaints":
        return f"近12个月投诉 {value} 件"
    if factor == "violations":
        return "无违法记录" if value == 0 else f"历史违法加权 {value:.2f}"
    if factor == "since_inspection":
        return "从未检查" if value is None else f"距上次检查 {value:.1f} 个月"
    if factor == "industry":
        return f"行业固有风险{INDUSTRY_LEVEL_LABELS[value]}{extra}"
    if factor == "new_business":
        if value is None:
            return "开业时间不详"
        return f"开业 {value:.1f} 个月" + ("（新开业）" if value < policy.new_business_months else "")
    return f"属于 {value} 个高风险场景"


def _reasons(
    values: Mapping[str, Any], points: Sequence[float], policy: RiskPolicy, code: str
) -> tuple[Reason, ...]:
    """Every factor's reason, largest contribution first; points in FACTORS order."""
    listed = policy.industry_level(code)[1]
    extra = f"（{code}）" if code and listed else f"（{code} 未列明）" if code else "（行业未填）"
    order = {f: i for i, f in enumerate(FACTORS)}
    reasons = [
        Reason(f, _label(f, values[f], policy, extra), values[f], float(p))
        for f, p in zip(FACTORS, points, strict=True)
    ]
    return tuple(sorted(reasons, key=lambda r: (-r.points, order[r.factor])))


def score_one(record: RiskRecord, policy: RiskPolicy = DEFAULT_POLICY) -> RiskResult:
    """The readable reference: score_many must give the same result for every record."""
    w, caps = policy.weights, policy.caps
    credit = (record.credit or "").strip().upper() or None
    if credit is not None and credit not in CREDIT_CLASSES:
        raise ValueError(f"未知的信用等级：{record.credit}（应为 A/B/C/D）")
    if record.complaints_12m < 0 or record.scenarios < 0:
        raise ValueError("投诉件数和场景数不能为负数")
    load = violation_load(record.violations, policy)
    since = record.months_since_inspection
    years = caps["since_inspection"] if since is None else min(max(since, 0.0) / 12, caps["since_inspection"])
    level, _ = policy.industry_level(record.industry)
    code = (record.industry or "").strip().upper()
    is_new = record.months_open is not None and record.months_open < policy.new_business_months
    points = {
        "credit": policy.credit_points[credit or "B"],
        "complaints": w["complaints"] * min(record.complaints_12m, caps["complaints"]),
        "violations": w["violations"] * min(load, caps["violations"]),
        "since_inspection": w["since_inspection"] * years,
        "industry": policy.industry_points[level],
        "new_business": w["new_business"] if is_new else 0.0,
        "scenarios": w["scenarios"] * min(record.scenarios, caps["scenarios"]),
    }
    values = {
        "credit": credit or "",
        "complaints": int(record.complaints_12m),
        "violations": round(load, 2),
        "since_inspection": None if since is None else round(float(since), 1),
        "industry": level,
        "new_business": None if record.months_open is None else round(float(record.months_open), 1),
        "scenarios": int(record.scenarios),
    }
    raw = policy.intercept
    for f in FACTORS:
        raw += points[f]
    score = min(max(raw, 0.0), 100.0)
    return RiskResult(
        score, policy.colour_of(score), _reasons(values, [points[f] for f in FACTORS], policy, code)
    )


@dataclass
class RiskColumns:
    """The same factors as RiskRecord, one numpy array per factor (length n)."""

    credit: np.ndarray  # str: "A"–"D" or "" (not rated)
    complaints_12m: np.ndarray  # int
    violation_load: np.ndarray  # float, see violation_load / violation_load_many
    months_since_inspection: np.ndarray  # float, nan = never inspected
    industry: np.ndarray  # str industry codes
    months_open: np.ndarray  # float, nan = unknown
    scenarios: np.ndarray  # int

    def __len__(self) -> int:
        return len(self.complaints_12m)


def violation_load_many(
    owner: np.ndarray,
    severity: np.ndarray,
    months_ago: np.ndarray,
    n: int,
    policy: RiskPolicy = DEFAULT_POLICY,
) -> np.ndarray:
    """Per-subject violation load from flat arrays (one entry per violation; owner = subject index 0..n-1)."""
    severity = np.asarray(severity)
    weights = np.zeros(len(severity))
    known = np.zeros(len(severity), dtype=bool)
    for name, weight in policy.severity_weights.items():
        hit = severity == name
        weights[hit] = weight
        known |= hit
    if not known.all():
        raise ValueError(f"未知的违法严重程度：{severity[~known][0]}（应为 轻微/一般/严重）")
    decayed = weights * 0.5 ** (
        np.maximum(np.asarray(months_ago, dtype=float), 0) / policy.violation_half_life_months
    )
    return np.bincount(np.asarray(owner, dtype=np.int64), weights=decayed, minlength=n)[:n]


def columns_from_records(records: Sequence[RiskRecord], policy: RiskPolicy = DEFAULT_POLICY) -> RiskColumns:
    owner = [i for i, r in enumerate(records) for _ in r.violations]
    sev = [s for r in records for s, _ in r.violations]
    ago = [m for r in records for _, m in r.violations]
    nan = float("nan")
    return RiskColumns(
        credit=np.array([(r.credit or "").strip().upper() for r in records], dtype=str),
        complaints_12m=np.array([r.complaints_12m for r in records], dtype=np.int64),
        violation_load=violation_load_many(
            np.array(owner), np.array(sev, dtype=str), np.array(ago), len(records), policy
        ),
        months_since_inspection=np.array(
            [nan if r.months_since_inspection is None else r.months_since_inspection for r in records],
            dtype=float,
        ),
        industry=np.array([r.industry or "" for r in records], dtype=str),
        months_open=np.array([nan if r.months_open is None else r.months_open for r in records], dtype=float),
        scenarios=np.array([r.scenarios for r in records], dtype=np.int64),
    )


def _lookup(values: np.ndarray, fn) -> tuple[np.ndarray, np.ndarray, list]:
    """fn over the distinct values only: (uniques, inverse, results) — 1,000,000 codes are a few hundred kinds."""
    uniques, inverse = np.unique(values, return_inverse=True)
    return uniques, inverse.reshape(-1), [fn(u) for u in uniques]


@dataclass
class ManyResult:
    score: np.ndarray  # float, 0–100
    colour: np.ndarray  # int8 index into COLOURS
    points: np.ndarray  # (n, len(FACTORS)) factor points in FACTORS order
    columns: RiskColumns
    policy: RiskPolicy

    def colours(self) -> np.ndarray:
        return np.array(COLOURS)[self.colour]

    def counts(self) -> dict[str, int]:
        counts = np.bincount(self.colour, minlength=3)
        return {c: int(counts[i]) for i, c in enumerate(COLOURS)}

    def result(self, i: int) -> RiskResult:
        """The full explained result of subject i (same as score_one of that subject's record)."""
        c, policy = self.columns, self.policy
        credit = str(c.credit[i]).strip().upper()
        since = float(c.months_since_inspection[i])
        opened = float(c.months_open[i])
        code = str(c.industry[i]).strip().upper()
        level, _ = policy.industry_level(code)
        values = {
            "credit": credit,
            "complaints": int(c.complaints_12m[i]),
            "violations": round(float(c.violation_load[i]), 2),
            "since_inspection": None if math.isnan(since) else round(since, 1),
            "industry": level,
            "new_business": None if math.isnan(opened) else round(opened, 1),
            "scenarios": int(c.scenarios[i]),
        }
        return RiskResult(
            float(self.score[i]), COLOURS[self.colour[i]], _reasons(values, self.points[i], policy, code)
        )


def score_many(columns: RiskColumns, policy: RiskPolicy = DEFAULT_POLICY) -> ManyResult:
    """Vectorised score_one over columns: about a second for 1,000,000 subjects on one core."""
    n = len(columns)
    w, caps = policy.weights, policy.caps
    if n and (np.min(columns.complaints_12m) < 0 or np.min(columns.scenarios) < 0):
        raise ValueError("投诉件数和场景数不能为负数")
    points = np.empty((n, len(FACTORS)))
    credit_u, credit_inv, credit_pts = _lookup(
        np.char.upper(np.char.strip(columns.credit.astype(str))), _credit_points(policy)
    )
    points[:, 0] = np.asarray(credit_pts, dtype=float)[credit_inv] if n else 0
    points[:, 1] = w["complaints"] * np.minimum(columns.complaints_12m, caps["complaints"])
    points[:, 2] = w["violations"] * np.minimum(columns.violation_load, caps["violations"])
    since = np.asarray(columns.months_since_inspection, dtype=float)
    years = np.where(
        np.isnan(since),
        caps["since_inspection"],
        np.minimum(np.maximum(since, 0) / 12, caps["since_inspection"]),
    )
    points[:, 3] = w["since_inspection"] * years
    _, ind_inv, ind_pts = _lookup(
        columns.industry.astype(str), lambda code: policy.industry_points[policy.industry_level(code)[0]]
    )
    points[:, 4] = np.asarray(ind_pts, dtype=float)[ind_inv] if n else 0
    opened = np.asarray(columns.months_open, dtype=float)
    with np.errstate(invalid="ignore"):
        points[:, 5] = np.where(opened < policy.new_business_months, w["new_business"], 0.0)
    points[:, 6] = w["scenarios"] * np.minimum(columns.scenarios, caps["scenarios"])
    raw = policy.intercept + points.sum(axis=1)
    score = np.clip(raw, 0.0, 100.0)
    t1, t2 = policy.thresholds
    colour = ((score >= t1).astype(np.int8) + (score >= t2)).astype(np.int8)
    return ManyResult(score, colour, points, columns, policy)


def _credit_points(policy: RiskPolicy):
    def points(credit: str) -> float:
        if credit == "":
            return policy.credit_points["B"]
        if credit not in CREDIT_CLASSES:
            raise ValueError(f"未知的信用等级：{credit}（应为 A/B/C/D）")
        return policy.credit_points[credit]

    return points


# --- colour change after an inspection ---------------------------------------------------------------------


class ColourChange(NamedTuple):
    colour: str
    reason: str


def after_inspection(current: str, result: Iterable[str], *, score_colour: str | None = None) -> ColourChange:
    """The colour right after an inspection, from its findings (the severities of the violations found):

    - any 严重 (serious) violation → red at once, whatever the score;
    - any 一般 (ordinary) violation → at least yellow (a red subject stays red);
    - only 轻微 (minor) violations, corrected on the spot → unchanged;
    - clean → one step down (red → yellow → green), but never below `score_colour`, the colour the recomputed
      score gives; with no score colour the step down is not limited.
    """
    if current not in COLOURS:
        raise ValueError(f"未知的颜色：{current}")
    if score_colour is not None and score_colour not in COLOURS:
        raise ValueError(f"未知的颜色：{score_colour}")
    found = list(result)
    unknown = [s for s in found if s not in SEVERITIES]
    if unknown:
        raise ValueError(f"未知的违法严重程度：{unknown[0]}（应为 轻微/一般/严重）")
    rank = COLOURS.index
    if "严重" in found:
        return ColourChange("red", "检查发现严重违法行为，立即赋红码")
    if "一般" in found:
        colour = COLOURS[max(rank(current), rank("yellow"))]
        return ColourChange(colour, "检查发现一般违法行为，至少赋黄码")
    if found:
        return ColourChange(current, "仅发现轻微违法且当场改正，颜色不变")
    stepped = max(rank(current) - 1, 0)
    floor = rank(score_colour) if score_colour is not None else 0
    colour = COLOURS[max(stepped, floor)]
    if colour == current:
        return ColourChange(current, "检查未发现问题，但风险评分不支持降级，颜色不变")
    return ColourChange(colour, f"检查未发现问题，由{COLOUR_LABELS[current]}降为{COLOUR_LABELS[colour]}")


# --- frequency -----------------------------------------------------------------------------------------------


def due_inspections(
    colour: str,
    last_inspected: date | None,
    period_start: date,
    period_end: date,
    policy: RiskPolicy = DEFAULT_POLICY,
) -> int:
    """How many routine inspections fall due in [period_start, period_end] (both inclusive).

    Checks are due every 365.25 / per_year days after the last one; one already overdue (or a subject never
    inspected) is due once at period_start — overdue checks do not pile up. A colour whose policy is
    on_cause_only gets none: its checks come from causes (complaints, draws), not from the calendar.
    """
    if colour not in COLOURS:
        raise ValueError(f"未知的颜色：{colour}")
    if period_end < period_start:
        raise ValueError("检查周期的结束日期早于开始日期")
    freq = policy.frequency[colour]
    if freq.on_cause_only or freq.per_year <= 0:
        return 0
    interval = 365.25 / freq.per_year
    first = period_start
    if last_inspected is not None:
        first = max(period_start, last_inspected + timedelta(days=math.ceil(interval)))
    if first > period_end:
        return 0
    return 1 + int(((period_end - first).days) // interval)
