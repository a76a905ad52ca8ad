"""Oversight scans on plain data: what a scan's findings do to the standing warnings (create, update, reopen,
resolve — one warning per problem, never a second), and the robust z-score that names a unit far from its peers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import median

# Warning states the engine needs to know: a problem that is being handled, one closed by oversight (handled:
# a scan leaves it closed even if the record still shows the problem), and one the scan closed itself.
HANDLED = "closed"
AUTO_RESOLVED = "resolved"


@dataclass(frozen=True)
class Record:
    """A record behind a warning: its type ("case", "event", "inspection", "subject", "rating", "unit"), id
    and what a person reads."""

    type: str
    id: int
    label: str


@dataclass(frozen=True)
class Finding:
    """One problem a model found: `key` names the problem within the model (the same problem on the next scan
    has the same key), so a standing problem stays one warning."""

    key: str
    title: str
    detail: str = ""
    severity: str = "yellow"  # "yellow" 提醒 | "red" 预警
    unit_id: int | None = None
    region_path: str = ""
    records: tuple[Record, ...] = field(default_factory=tuple)

    def fingerprint(self) -> str:
        """What, if it changes, updates the warning: title, detail, severity, unit, records."""
        body = json.dumps(
            [
                self.title,
                self.detail,
                self.severity,
                self.unit_id,
                self.region_path,
                [(r.type, r.id, r.label) for r in self.records],
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class Standing:
    """A warning already stored for a key: its state and the fingerprint it was last written with."""

    state: str
    fingerprint: str


@dataclass
class Plan:
    create: list[str] = field(default_factory=list)  # keys
    update: list[str] = field(default_factory=list)  # still found, changed
    reopen: list[str] = field(default_factory=list)  # the scan had closed it; the problem is back
    resolve: list[str] = field(default_factory=list)  # no longer found: closed with the evidence
    unchanged: int = 0


def reconcile(standing: Mapping[str, Standing], found: Mapping[str, str]) -> Plan:
    """Compare the stored warnings of one model with a scan's findings (key → fingerprint).

    A warning closed by oversight stays closed (the problem was handled and accepted); one the scan resolved
    reopens when the problem comes back; everything else open follows the records."""
    plan = Plan()
    for key, fp in found.items():
        old = standing.get(key)
        if old is None:
            plan.create.append(key)
        elif old.state == AUTO_RESOLVED:
            plan.reopen.append(key)
        elif old.state == HANDLED:
            plan.unchanged += 1
        elif old.fingerprint != fp:
            plan.update.append(key)
        else:
            plan.unchanged += 1
    for key, old in standing.items():
        if key not in found and old.state not in (HANDLED, AUTO_RESOLVED):
            plan.resolve.append(key)
    return plan


# 1.4826 × MAD estimates the standard deviation of normal data; a robust z-score of 3.5 is the usual cut
# (Iglewicz & Hoaglin) for an outlier that one extreme value among the peers cannot hide.
MAD_SCALE = 1.4826


@dataclass(frozen=True)
class Outlier:
    name: str
    value: float
    z: float
    peer_median: float
    peers: tuple[str, ...]


def robust_outliers(values: Mapping[str, float], *, threshold: float, min_peers: int = 3) -> list[Outlier]:
    """Members whose value is far from the others': each is compared with the median and MAD of its peers
    (everyone else), so the outlier does not pull its own yardstick. Nothing is flagged with too few peers or
    when the peers all agree exactly and the member does too."""
    names = sorted(values)
    out: list[Outlier] = []
    for name in names:
        peers = [n for n in names if n != name]
        if len(peers) < min_peers:
            continue
        peer_values = [float(values[n]) for n in peers]
        mid = median(peer_values)
        mad = median(abs(v - mid) for v in peer_values) * MAD_SCALE
        diff = float(values[name]) - mid
        if mad == 0:
            # Identical peers: any difference is as far as it gets; use the peers' median as the scale.
            if diff == 0 or mid == 0:
                continue
            z = diff / (abs(mid) * 0.1)
        else:
            z = diff / mad
        if abs(z) >= threshold:
            out.append(Outlier(name, float(values[name]), round(z, 2), mid, tuple(peers)))
    return out


def keys_of(findings: Iterable[Finding]) -> dict[str, Finding]:
    """Findings by key; a model that yields a key twice keeps the first (a rule's own duplicates are its bug,
    not a second warning)."""
    out: dict[str, Finding] = {}
    for f in findings:
        out.setdefault(f.key, f)
    return out
