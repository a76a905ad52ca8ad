"""Obviously synthetic data for the risk engine's tests and benchmarks: a subject population (columns for
score_many) and an inspection-outcome table whose true signal is known (for RiskModel / risk_fit)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from zhifa.engine.risk import RiskColumns, RiskPolicy, violation_load_many

# Industry mix of a city district, by GB/T 4754-2017 code (weights are shares of subjects).
INDUSTRY_MIX = {
    "H62": 0.16,  # 餐饮业
    "F52": 0.14,  # 零售业
    "F522": 0.08,  # 食品专门零售
    "F5292": 0.06,  # 互联网零售 (live-streaming shops)
    "F51": 0.06,  # 批发业
    "F5132": 0.05,  # 服装批发
    "K7040": 0.08,  # 房地产租赁经营
    "L72": 0.10,  # 商务服务业
    "I65": 0.06,  # 软件和信息技术服务业
    "O80": 0.07,  # 居民服务业
    "H61": 0.03,  # 住宿业
    "R90": 0.02,  # 娱乐业
    "P83": 0.03,  # 教育
    "Q84": 0.02,  # 卫生
    "F5265": 0.005,  # 机动车燃油零售
    "G594": 0.005,  # 危险品仓储
    "C14": 0.01,  # 食品制造业
    "X99": 0.01,  # an unlisted code
}


def synthetic_population(n: int, seed: int = 0, policy: RiskPolicy | None = None) -> RiskColumns:
    """n synthetic subjects' factors; violations drawn per subject and folded into violation_load."""
    policy = policy or RiskPolicy()
    rng = np.random.default_rng(seed)
    credit = rng.choice(np.array(["A", "B", "C", "D", ""]), size=n, p=[0.30, 0.45, 0.12, 0.04, 0.09])
    risky = (credit == "C") | (credit == "D")
    complaints = rng.poisson(np.where(risky, 1.5, 0.35))
    n_viol = rng.poisson(np.where(risky, 0.9, 0.25))
    owner = np.repeat(np.arange(n), n_viol)
    severity = rng.choice(np.array(["轻微", "一般", "严重"]), size=len(owner), p=[0.6, 0.32, 0.08])
    months_ago = rng.uniform(0, 60, size=len(owner))
    since = rng.exponential(9.0, size=n)
    since[rng.random(n) < 0.12] = np.nan  # never inspected
    codes = np.array(list(INDUSTRY_MIX))
    share = np.array(list(INDUSTRY_MIX.values()))
    industry = rng.choice(codes, size=n, p=share / share.sum())
    months_open = rng.uniform(0, 150, size=n)
    months_open[rng.random(n) < 0.05] = np.nan
    scenarios = rng.choice(np.array([0, 1, 2, 3]), size=n, p=[0.78, 0.16, 0.05, 0.01])
    return RiskColumns(
        credit=credit,
        complaints_12m=complaints,
        violation_load=violation_load_many(owner, severity, months_ago, n, policy),
        months_since_inspection=since,
        industry=industry,
        months_open=months_open,
        scenarios=scenarios,
    )


OUTCOME_COLUMNS = [
    "主体编号",
    "主体名称",
    "行业",
    "信用等级",
    "近12月投诉",
    "距上次检查月数",
    "噪声指标",
    "片区",
    "发现违法",
]


def synthetic_outcome_table(n: int, seed: int = 0) -> list[dict[str, str]]:
    """Rows as read from a CSV (all strings). The truth: the log-odds of 发现违法 = 1 rise by 1.2 per complaint in
    the last 12 months (the signal column), by 1.2 for credit D and 0.6 for C, and a little with months since the
    last inspection; 噪声指标 and 片区 carry nothing. 距上次检查月数 is blank for subjects never inspected.

    Nothing in risk_fit / RiskModel depends on these column names: any city's outcome table is accepted
    unchanged, e.g. the City of Chicago food inspections export with `--target Results --positive Fail
    --features "Facility Type,Risk,Inspection Type,Zip:cat"`."""
    rng = np.random.default_rng(seed)
    credit = rng.choice(np.array(["A", "B", "C", "D"]), size=n, p=[0.3, 0.45, 0.17, 0.08])
    complaints = rng.poisson(1.2, size=n)
    since = rng.exponential(10.0, size=n)
    never = rng.random(n) < 0.08
    industry = rng.choice(np.array(["H62", "F52", "L72", "K7040"]), size=n)
    noise = rng.normal(50, 15, size=n)
    area = rng.choice(np.array(["东片", "西片", "南片", "北片"]), size=n)
    logit = -2.6 + 1.2 * complaints + np.select([credit == "D", credit == "C"], [1.2, 0.6], 0.0)
    logit += 0.02 * np.where(never, 24.0, since)
    outcome = rng.random(n) < 1 / (1 + np.exp(-logit))
    return [
        {
            "主体编号": f"TEST{i + 1:06d}",
            "主体名称": f"测试示例公司{i + 1}号",
            "行业": industry[i],
            "信用等级": credit[i],
            "近12月投诉": str(complaints[i]),
            "距上次检查月数": "" if never[i] else f"{since[i]:.1f}",
            "噪声指标": f"{noise[i]:.2f}",
            "片区": area[i],
            "发现违法": "1" if outcome[i] else "0",
        }
        for i in range(n)
    ]


def write_outcome_csv(path: str | Path, n: int, seed: int = 0, encoding: str = "utf-8") -> Path:
    path = Path(path)
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=OUTCOME_COLUMNS)
        writer.writeheader()
        writer.writerows(synthetic_outcome_table(n, seed))
    return path


HISTORY_COLUMNS = ["主体编号", "检查日期", "开业日期", "行业", "片区", "检查类型", "发现违法"]


def synthetic_inspection_history(n_subjects: int, seed: int = 0) -> list[dict[str, str]]:
    """An obviously synthetic inspection history (2023–2025), one row per inspection, in no particular order.

    The truth: each subject has a hidden propensity that only its own earlier results reveal; restaurants (H62)
    inspected on a complaint fail more (an interaction a linear model misses), and shops in their first year
    fail a little more. 片区 carries nothing."""
    from datetime import date, timedelta

    rng = np.random.default_rng(seed)
    start = date(2023, 1, 1)
    rows = []
    for s in range(n_subjects):
        latent = rng.normal()
        industry = str(rng.choice(["H62", "F52", "L72", "K7040"]))
        area = str(rng.choice(["东片", "西片", "南片", "北片"]))
        opened = start + timedelta(days=int(rng.integers(-3000, 900)))
        for day in sorted(rng.choice(1095, size=1 + rng.poisson(4), replace=False)):
            on = start + timedelta(days=int(day))
            if on < opened:
                continue
            kind = str(rng.choice(["日常检查", "投诉核查", "双随机"], p=[0.5, 0.25, 0.25]))
            logit = -1.7 + 1.4 * latent + 1.6 * (industry == "H62" and kind == "投诉核查")
            logit += 0.5 * ((on - opened).days < 365)
            rows.append(
                {
                    "主体编号": f"TEST{s + 1:05d}",
                    "检查日期": on.isoformat(),
                    "开业日期": opened.isoformat(),
                    "行业": industry,
                    "片区": area,
                    "检查类型": kind,
                    "发现违法": "1" if rng.random() < 1 / (1 + np.exp(-logit)) else "0",
                }
            )
    order = rng.permutation(len(rows))
    return [rows[i] for i in order]
