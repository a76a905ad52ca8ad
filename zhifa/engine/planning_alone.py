"""What the reform saves: the same demands served by each department alone, planned by the same engine.

Each department (a domain) plans its own demands with the officers qualified for it, each of them counted as
that department's only (a squad of two or more of its own), from the teams' own bases, with OR-Tools routes,
the same limits, windows and quiet days. Giving every department all the officers qualified for it is
generous to the departments (an officer qualified for two domains works for both), so the joint plan's
saving is, if anything, understated. ``compare_with_departments_alone`` puts a joint plan beside it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date

from zhifa.engine.planning import plan_joint
from zhifa.engine.planning_types import Demand, Limits, Officer, Plan, Subject


@dataclass
class DepartmentAlone:
    """One department's own plan of its own demands."""

    domain: str
    demands: int
    visits: int
    squad_days: int
    officer_days: int
    km: float
    unfitted: int

    @property
    def served(self) -> int:
        return self.demands - self.unfitted


@dataclass
class Comparison:
    """A joint plan beside the departments alone; savings are 1 − joint ÷ alone."""

    demands: int
    subjects: int  # subjects with at least one demand
    joint_visits: int
    joint_officer_days: int
    joint_squad_days: int
    joint_km: float
    joint_served: int  # demands planned
    alone_visits: int
    alone_officer_days: int
    alone_squad_days: int
    alone_km: float
    alone_served: int
    overlap: float  # departments per visited subject in the joint plan
    departments: list[DepartmentAlone] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def best_visit_saving(self) -> float:
        """The most that one visit per subject could save: 1 − subjects ÷ demands."""
        return 1 - self.subjects / self.demands if self.demands else 0.0

    @property
    def visit_saving(self) -> float:
        return 1 - self.joint_visits / self.alone_visits if self.alone_visits else 0.0

    @property
    def officer_day_saving(self) -> float:
        return 1 - self.joint_officer_days / self.alone_officer_days if self.alone_officer_days else 0.0

    @property
    def km_saving(self) -> float:
        return 1 - self.joint_km / self.alone_km if self.alone_km else 0.0

    def as_dict(self) -> dict:
        out = asdict(self)
        out["departments"] = [asdict(d) for d in self.departments]
        for name in ("best_visit_saving", "visit_saving", "officer_day_saving", "km_saving"):
            out[name] = round(getattr(self, name), 4)
        out["overlap"] = round(self.overlap, 3)
        out["joint_km"], out["alone_km"] = round(self.joint_km, 1), round(self.alone_km, 1)
        out["seconds"] = round(self.seconds, 2)
        return out


def departments_alone(
    subjects: Iterable[Subject],
    demands: Sequence[Demand],
    officers: Sequence[Officer],
    bases: Mapping[str, tuple[float, float]],
    *,
    period: tuple[date, date],
    limits: Limits | None = None,
    seed: int | str = 0,
) -> list[DepartmentAlone]:
    """Each department's own plan (rule in the module docstring), in order of domain."""
    subjects = list(subjects)
    by_domain: dict[str, list[Demand]] = defaultdict(list)
    for d in demands:
        by_domain[d.domain].append(d)
    out = []
    for domain in sorted(by_domain):
        own = [replace(o, domains=frozenset({domain})) for o in officers if domain in o.domains]
        plan = plan_joint(
            subjects, by_domain[domain], own, bases, period=period, limits=limits, seed=seed, baselines=False
        )
        f = plan.figures
        out.append(
            DepartmentAlone(
                domain=domain,
                demands=len(by_domain[domain]),
                visits=f.joint_visits,
                squad_days=f.squad_days,
                officer_days=f.officer_days,
                km=round(f.km, 1),
                unfitted=len(plan.unfitted),
            )
        )
    return out


def compare_with_departments_alone(
    joint: Plan,
    subjects: Iterable[Subject],
    demands: Sequence[Demand],
    officers: Sequence[Officer],
    bases: Mapping[str, tuple[float, float]],
    *,
    period: tuple[date, date],
    limits: Limits | None = None,
    seed: int | str = 0,
) -> Comparison:
    """The joint plan ``joint`` (made from these same inputs) beside each department alone."""
    started = time.perf_counter()
    alone = departments_alone(subjects, demands, officers, bases, period=period, limits=limits, seed=seed)
    visited = [v for sd in joint.squad_days for v in sd.visits]
    pairs = {(v.subject.id, d.domain) for v in visited for d in v.demands}
    subjects_visited = {v.subject.id for v in visited}
    return Comparison(
        demands=len(demands),
        subjects=len({d.subject for d in demands}),
        joint_visits=len(visited),
        joint_officer_days=joint.figures.officer_days,
        joint_squad_days=joint.figures.squad_days,
        joint_km=joint.figures.km,
        joint_served=len(demands) - len(joint.unfitted),
        alone_visits=sum(a.visits for a in alone),
        alone_officer_days=sum(a.officer_days for a in alone),
        alone_squad_days=sum(a.squad_days for a in alone),
        alone_km=round(sum(a.km for a in alone), 1),
        alone_served=sum(a.served for a in alone),
        overlap=len(pairs) / len(subjects_visited) if subjects_visited else 0.0,
        departments=alone,
        seconds=time.perf_counter() - started,
    )
