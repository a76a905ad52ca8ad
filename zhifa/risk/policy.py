"""The risk policy in force: published versions are checked here into an engine RiskPolicy, and the active one
is kept per process (zhifa.core.memo) so scoring a page or a batch does not read it again."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from zhifa.core.errors import ServiceError
from zhifa.core.memo import ProcessMemo
from zhifa.engine.risk import COLOURS, DEFAULT_POLICY, RiskPolicy
from zhifa.risk.models import RiskPolicyVersion

FIELD_LABELS = {
    "intercept": "基础分",
    "weights": "因素权重",
    "credit_points": "信用等级分值",
    "industry_points": "行业风险分值",
    "severity_weights": "违法情节权重",
    "violation_half_life_months": "违法记录半衰期（月）",
    "caps": "计分上限",
    "new_business_months": "新开业期限（月）",
    "unknown_industry": "未列明行业的风险等级",
    "industry_levels": "行业风险等级表",
    "thresholds": "赋码阈值",
    "frequency": "检查频次",
}
NUMBER_FIELDS = ("intercept", "violation_half_life_months", "new_business_months")
NUMBER_MAPS = ("weights", "credit_points", "industry_points", "severity_weights", "caps")
# Engine messages that do not start with the setting's name, by a word they contain.
MESSAGE_FIELDS = (
    ("阈值", "thresholds"),
    ("检查频次", "frequency"),
    ("半衰期", "violation_half_life_months"),
    ("未列明行业", "unknown_industry"),
    ("行业风险等级只能是", "industry_levels"),
    ("未知的风险策略项", "data"),
)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _shape_errors(data: Mapping[str, Any]) -> list[dict]:
    """Types the engine would otherwise trip over with an English message (float("abc"), a list for a map)."""
    errors: list[dict] = []

    def bad(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    if "thresholds" in data:
        t = data["thresholds"]
        if not (isinstance(t, list | tuple) and len(t) == 2 and all(_is_number(v) for v in t)):
            bad("thresholds", "赋码阈值应为两个数字：[绿码/黄码分界, 黄码/红码分界]")
    for key in NUMBER_FIELDS:
        if key in data and not _is_number(data[key]):
            bad(key, f"{FIELD_LABELS[key]}应为数字")
    for key in NUMBER_MAPS:
        if key not in data:
            continue
        value = data[key]
        if not isinstance(value, Mapping):
            bad(key, f"{FIELD_LABELS[key]}应为 名称 → 数字 的对象")
            continue
        for name, v in value.items():
            if not _is_number(v):
                bad(f"{key}.{name}", f"{FIELD_LABELS[key]}中“{name}”应为数字")
    if "frequency" in data:
        value = data["frequency"]
        if not isinstance(value, Mapping):
            bad("frequency", "检查频次应为 颜色 → 频次 的对象")
        else:
            for colour, spec in value.items():
                if colour not in COLOURS:
                    bad("frequency", f"检查频次中未知的颜色：{colour}（应为 green / yellow / red）")
                elif not isinstance(spec, Mapping):
                    bad(f"frequency.{colour}", "每种颜色的频次应为 {per_year, on_cause_only, targeted}")
                else:
                    if "per_year" in spec and not _is_number(spec["per_year"]):
                        bad(f"frequency.{colour}.per_year", "每年检查次数应为数字")
                    for flag in ("on_cause_only", "targeted"):
                        if flag in spec and not isinstance(spec[flag], bool):
                            bad(f"frequency.{colour}.{flag}", "应为 true 或 false")
    if "unknown_industry" in data and not isinstance(data["unknown_industry"], str):
        bad("unknown_industry", "未列明行业的风险等级应为 low / medium / high")
    if "industry_levels" in data and not isinstance(data["industry_levels"], Mapping):
        bad("industry_levels", "行业风险等级表应为 行业代码 → low/medium/high 的对象")
    return errors


def _field_of(message: str) -> str:
    head = message.split(" ", 1)[0]
    if head in FIELD_LABELS:
        return head
    for word, field in MESSAGE_FIELDS:
        if word in message:
            return field
    return "data"


def policy_from_data(data) -> RiskPolicy:
    """The engine policy from published data (defaults for what is left out); every problem as a ServiceError
    naming the setting, in the engine's Chinese words."""
    if not isinstance(data, Mapping):
        raise ServiceError("风险策略应为对象", [{"field": "data", "message": "风险策略应为对象"}])
    errors = _shape_errors(data)
    if errors:
        raise ServiceError(errors[0]["message"] if len(errors) == 1 else f"有 {len(errors)} 处错误", errors)
    try:
        return RiskPolicy.from_dict(data)
    except (ValueError, TypeError) as exc:
        message = str(exc)
        raise ServiceError(message, [{"field": _field_of(message), "message": message}]) from None


def _signature() -> tuple:
    return tuple(RiskPolicyVersion.objects.filter(active=True).values_list("id", flat=True))


def _build() -> RiskPolicy:
    version = RiskPolicyVersion.objects.filter(active=True).only("data").first()
    return DEFAULT_POLICY if version is None else RiskPolicy.from_dict(version.data)


_policy_memo = ProcessMemo(
    "risk_policy", build=_build, signature=_signature, watch=["risk.RiskPolicyVersion"]
)


def risk_policy_current() -> RiskPolicy:
    """The engine policy of the active version, or the engine's default when none was ever published."""
    return _policy_memo.get()
