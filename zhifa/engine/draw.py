"""双随机一公开: draw subjects from a pool and inspectors for each, reproducibly from a published seed.

The random stream is SHA-256 in counter mode, so anyone can re-run a draw from its record — in Python or any
other language — without depending on one library's generator. Algorithm (version ``ALGORITHM``):

1. Ids are compared as text. ``pool_digest`` = SHA-256 of the sorted subject ids joined by "\\n";
   ``inspector_digest`` likewise for inspectors; ``rules_digest`` = SHA-256 of the canonical JSON of the
   constraints (conflicts, last inspectors, qualifications, domains needed, per_subject, coverage).
2. A stream keyed ``K`` yields 64-bit words: word ``i`` of block ``n`` is bytes ``8i..8i+8`` (big-endian) of
   SHA-256(K ‖ n as 8 bytes big-endian), blocks n = 0, 1, 2 …; ``below(m)`` takes words until one is under
   the largest multiple of m that fits in 2^64 and returns it mod m (no modulo bias).
3. Subjects: stream keyed SHA-256("zhifa-draw/1|subjects|" + seed + "|" + pool_digest); a partial
   Fisher–Yates shuffle of the sorted pool (for i in 0..k-1: j = i + below(n − i); swap i, j) gives the
   first k as the drawn subjects, in draw order. k = ``count``, or ceil(ratio × pool size) computed exactly
   in decimals (a 5% draw of 101 subjects takes 6: the ratio is a floor the draw must meet), at least 1 when
   ratio > 0, at most the pool size.
4. Inspectors of each drawn subject s: stream keyed SHA-256("zhifa-draw/1|inspectors|" + seed + "|" +
   pool_digest + "|" + inspector_digest + "|" + rules_digest + "|" + s). Eligible = sorted inspectors not
   conflicted with s, not among s's last inspectors, and qualified (below). A team of ``per_subject`` is
   drawn uniformly among all valid teams by rejection: take a partial Fisher–Yates sample of the eligible,
   keep it if it is valid, up to ``REJECTION_TRIES`` tries; if none is valid, teams are enumerated in
   lexicographic order and one is picked with below(number of valid teams) — still uniform, never silent.
   A subject with no valid team is listed as infeasible with the reason and not replaced (replacing it would
   bias the draw towards easy subjects).

5. Local officers first (``zhifa-draw/2``): when the rules carry ``local_pools`` (area → inspectors, e.g. a
   subdistrict → the officers of the team answering for it, seconded ones included) and ``subject_areas``
   (subject → its areas), the eligible of subject s split into L (in a pool of one of s's areas) and O (the
   rest), both sorted. For j = min(per_subject, |L|) down to 0: draw j of L and per_subject − j of O from the
   subject's stream (partial Fisher–Yates of L, then of O), keep the team if valid, up to ``REJECTION_TRIES``
   tries; failing that, enumerate the valid teams with exactly j of L (combinations of L, then of O, in
   lexicographic order) and pick one with below(n); the first j that has a valid team wins. So a team holds
   as many local officers as any valid team can, and is uniform among such teams; others fill in only when
   fewer than per_subject qualified local officers can form one. A subject with no local pool (or a draw
   without the rule) takes j = 0 only — exactly step 4, so a ``zhifa-draw/1`` record re-runs unchanged.
   Stream keys keep the label ``zhifa-draw/1`` in both versions; ``draw_verify`` accepts both versions.

Qualification (``coverage``): ``"team"`` (default) — every inspector is qualified for at least one needed
domain and together they cover all of them (a joint check by a mixed squad); ``"each"`` — every inspector is
qualified for every needed domain. A subject that needs no domain can take any non-conflicted inspector.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from itertools import combinations

ALGORITHM = "zhifa-draw/2"
ALGORITHMS = ("zhifa-draw/1", "zhifa-draw/2")
# The stream keys' label (step 3, 4): unchanged since version 1, so version 2 without local pools equals it.
STREAM_LABEL = "zhifa-draw/1"
REJECTION_TRIES = 64
# Above this many candidate teams the exact enumeration fallback is refused (reported as infeasible).
MAX_ENUMERATED_TEAMS = 200_000


class HashStream:
    """Uniform integers from SHA-256(key ‖ counter); see the module docstring, step 2."""

    __slots__ = ("_key", "_block", "_words")

    def __init__(self, key: bytes):
        self._key = key
        self._block = 0
        self._words: list[int] = []

    def _word(self) -> int:
        if not self._words:
            digest = hashlib.sha256(self._key + self._block.to_bytes(8, "big")).digest()
            self._block += 1
            # Popped from the end, so reverse to hand out words 0, 1, 2, 3 in order.
            self._words = [int.from_bytes(digest[i : i + 8], "big") for i in (24, 16, 8, 0)]
        return self._words.pop()

    def below(self, m: int) -> int:
        if m <= 0:
            raise ValueError("below() needs a positive bound")
        limit = (1 << 64) - ((1 << 64) % m)
        while True:
            x = self._word()
            if x < limit:
                return x % m

    def sample(self, items: Sequence, k: int) -> list:
        """The first k of a partial Fisher–Yates shuffle of ``items`` (in draw order)."""
        pool = list(items)
        n = len(pool)
        for i in range(k):
            j = i + self.below(n - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ids_digest(ids: Iterable[Hashable]) -> str:
    """SHA-256 of the sorted ids as text, one per line: what a published draw names its pool by."""
    return _sha("\n".join(sorted(str(i) for i in ids)))


def seed_from_public(moment: datetime, public_value: str, *, label: str = "") -> str:
    """A seed nobody could know in advance: the announced draw time plus a value published after it.

    Use a figure that is public, cannot be steered by the department, and is only known after the draw was
    announced — e.g. the winning numbers of the national welfare lottery drawn that evening, or the closing
    value of the SSE Composite index that day. The seed is SHA-256 of ``label|ISO time|value``, so the three
    inputs published with the result let anyone recompute it.
    """
    if not str(public_value).strip():
        raise ValueError("公开随机值不能为空")
    return _sha(f"{label}|{moment.isoformat()}|{str(public_value).strip()}")


def draw_size(pool_size: int, *, count: int | None = None, ratio: float | str | Decimal | None = None) -> int:
    """How many subjects a draw takes: ``count``, or ceil(ratio × pool) (at least 1), capped at the pool."""
    if (count is None) == (ratio is None):
        raise ValueError("抽取数量与抽取比例须且只能给出一项")
    if count is not None:
        if count < 0:
            raise ValueError("抽取数量不能为负数")
        return min(count, pool_size)
    r = Decimal(str(ratio))
    if not (Decimal(0) <= r <= Decimal(1)):
        raise ValueError("抽取比例须在 0 与 1 之间")
    if r == 0 or pool_size == 0:
        return 0
    k = int((r * pool_size).to_integral_value(rounding=ROUND_CEILING))
    return min(max(k, 1), pool_size)


@dataclass(frozen=True)
class Assignment:
    subject: Hashable
    inspectors: tuple[Hashable, ...]


@dataclass(frozen=True)
class Infeasible:
    subject: Hashable
    reason: str


@dataclass
class DrawResult:
    seed: str
    algorithm: str
    pool_digest: str
    inspector_digest: str
    rules_digest: str
    size: int
    assignments: list[Assignment]
    infeasible: list[Infeasible]
    inputs: dict = field(repr=False, default_factory=dict)

    @property
    def drawn(self) -> list[Hashable]:
        """All drawn subjects in draw order, with or without a team."""
        return [x.subject for x in self._ordered()]

    def _ordered(self) -> list[Assignment | Infeasible]:
        order = {str(s): i for i, s in enumerate(self.inputs.get("drawn_order", []))}
        return sorted([*self.assignments, *self.infeasible], key=lambda x: order.get(str(x.subject), 0))

    def to_record(self) -> dict:
        """Everything needed to re-run and check the draw, as JSON-ready data (ids as text)."""
        return {
            **self.inputs,
            "seed": self.seed,
            "algorithm": self.algorithm,
            "pool_digest": self.pool_digest,
            "inspector_digest": self.inspector_digest,
            "rules_digest": self.rules_digest,
            "size": self.size,
            "assignments": [[str(a.subject), [str(i) for i in a.inspectors]] for a in self.assignments],
            "infeasible": [[str(x.subject), x.reason] for x in self.infeasible],
        }


def _rules(
    *,
    conflicts: Iterable[tuple[str, str]],
    last: Mapping[str, Iterable[str]],
    qualified: Mapping[str, Iterable[str]],
    needed: Mapping[str, Iterable[str]],
    per_subject: int,
    coverage: str,
    local_pools: Mapping[str, Iterable[str]] | None = None,
    subject_areas: Mapping[str, Iterable[str]] | None = None,
) -> dict:
    rules = {
        "per_subject": per_subject,
        "coverage": coverage,
        "conflicts": sorted([i, s] for i, s in conflicts),
        "last_inspectors": {s: sorted(v) for s, v in sorted(last.items()) if v},
        "qualified": {i: sorted(v) for i, v in sorted(qualified.items())},
        "domains_needed": {s: sorted(v) for s, v in sorted(needed.items()) if v},
    }
    pools = {a: sorted(v) for a, v in sorted((local_pools or {}).items()) if v}
    areas = {s: sorted(a for a in v if a in pools) for s, v in sorted((subject_areas or {}).items())}
    areas = {s: v for s, v in areas.items() if v}
    if pools and areas:  # only then: a draw without local officers keeps version 1's rules and digest
        rules["local_pools"] = {a: v for a, v in pools.items() if any(a in x for x in areas.values())}
        rules["subject_areas"] = areas
    return rules


def _canonical(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _team_ok(team: Sequence[str], needed: frozenset[str], qual: Mapping[str, frozenset[str]], coverage: str):
    if not needed:
        return True
    if coverage == "each":
        return all(needed <= qual[i] for i in team)
    union: set[str] = set()
    for i in team:
        union |= qual[i]
    return needed <= union


def draw(
    pool_subjects: Iterable[Hashable],
    inspectors: Iterable[Hashable],
    *,
    seed: str | int,
    count: int | None = None,
    ratio: float | str | Decimal | None = None,
    per_subject: int = 2,
    conflicts: Iterable[tuple[Hashable, Hashable]] = (),
    last_inspectors: Mapping[Hashable, Iterable[Hashable]] | None = None,
    qualified: Mapping[Hashable, Iterable[str]] | None = None,
    domains_needed: Mapping[Hashable, Iterable[str]] | None = None,
    coverage: str = "team",
    local_pools: Mapping[str, Iterable[Hashable]] | None = None,
    subject_areas: Mapping[Hashable, Iterable[str]] | None = None,
    algorithm: str = ALGORITHM,
) -> DrawResult:
    """Draw subjects uniformly from the pool and a team of inspectors for each; see the module docstring.

    ``conflicts`` holds (inspector, subject) pairs declared for recusal. ``qualified`` maps an inspector to
    the domains they hold a certificate for; an inspector missing from it holds none. Ids may be any
    hashable whose text form is unique; results carry the caller's ids. ``local_pools`` / ``subject_areas``
    give each subject's local officers, drawn first (step 5); ``algorithm`` is for re-running old records.
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"未知的抽取算法版本：{algorithm}")
    if per_subject < 2:
        raise ValueError("每个检查对象至少须由 2 名检查人员检查")
    if coverage not in ("team", "each"):
        raise ValueError("coverage 须为 team 或 each")
    seed = str(seed)
    if not seed:
        raise ValueError("随机种子不能为空")
    subjects = {str(s): s for s in pool_subjects}
    people = {str(i): i for i in inspectors}
    pool = sorted(subjects)
    staff = sorted(people)
    size = draw_size(len(pool), count=count, ratio=ratio)

    conflict_pairs = {(str(i), str(s)) for i, s in conflicts}
    last = {str(s): {str(i) for i in v} for s, v in (last_inspectors or {}).items()}
    qual = {i: frozenset() for i in staff}
    for i, doms in (qualified or {}).items():
        if str(i) in qual:
            qual[str(i)] = frozenset(str(d) for d in doms)
    needed = {str(s): frozenset(str(d) for d in v) for s, v in (domains_needed or {}).items()}
    rules = _rules(
        conflicts=conflict_pairs,
        last=last,
        qualified=qual,
        needed=needed,
        per_subject=per_subject,
        coverage=coverage,
        local_pools={str(a): [str(i) for i in v if str(i) in people] for a, v in (local_pools or {}).items()},
        subject_areas={
            str(s): [str(a) for a in v] for s, v in (subject_areas or {}).items() if str(s) in subjects
        },
    )
    if algorithm == "zhifa-draw/1" and "local_pools" in rules:
        raise ValueError("zhifa-draw/1 不含本地优先规则")
    local_of = {
        s: frozenset(i for a in areas for i in rules["local_pools"][a])
        for s, areas in rules.get("subject_areas", {}).items()
    }
    pool_digest = ids_digest(pool)
    inspector_digest = ids_digest(staff)
    rules_digest = _sha(_canonical(rules))

    subject_stream = HashStream(
        hashlib.sha256(f"{STREAM_LABEL}|subjects|{seed}|{pool_digest}".encode()).digest()
    )
    drawn = subject_stream.sample(pool, size)
    team_key = f"{STREAM_LABEL}|inspectors|{seed}|{pool_digest}|{inspector_digest}|{rules_digest}|"

    assignments: list[Assignment] = []
    infeasible: list[Infeasible] = []
    for s in drawn:
        need = needed.get(s, frozenset())
        recused = {i for i in staff if (i, s) in conflict_pairs}
        previous = last.get(s, set()) - recused
        free = [i for i in staff if i not in recused and i not in previous]
        if coverage == "each":
            eligible = [i for i in free if need <= qual[i]]
        else:
            eligible = [i for i in free if not need or qual[i] & need]
        stream = HashStream(hashlib.sha256((team_key + s).encode()).digest())
        local = local_of.get(s, frozenset())
        team, why = _pick_team(stream, eligible, need, qual, per_subject, coverage, local)
        if team is None:
            detail = (
                f"可选检查人员 {len(eligible)} 名（回避 {len(recused)} 名、上次检查 {len(previous)} 名、"
                f"资质不符 {len(free) - len(eligible)} 名）"
            )
            infeasible.append(Infeasible(subjects[s], f"{why}；{detail}"))
        else:
            assignments.append(Assignment(subjects[s], tuple(people[i] for i in team)))

    inputs = {
        "pool": pool,
        "inspectors": staff,
        "count": count,
        "ratio": None if ratio is None else str(ratio),
        **rules,
        "drawn_order": drawn,
    }
    return DrawResult(
        seed=seed,
        algorithm=algorithm,
        pool_digest=pool_digest,
        inspector_digest=inspector_digest,
        rules_digest=rules_digest,
        size=size,
        assignments=assignments,
        infeasible=infeasible,
        inputs=inputs,
    )


def _pick_team(
    stream: HashStream,
    eligible: list[str],
    need: frozenset[str],
    qual: Mapping[str, frozenset[str]],
    k: int,
    coverage: str,
    local: frozenset[str] = frozenset(),
) -> tuple[list[str] | None, str]:
    """Steps 4 and 5: as many local officers as a valid team can hold, uniform among such teams."""
    if len(eligible) < k:
        return None, f"符合条件的检查人员不足 {k} 名"
    near = [i for i in eligible if i in local]
    rest = [i for i in eligible if i not in local]
    for j in range(min(k, len(near)), -1, -1):
        if k - j > len(rest):
            continue
        for _ in range(REJECTION_TRIES):
            team = stream.sample(near, j) + stream.sample(rest, k - j)
            if _team_ok(team, need, qual, coverage):
                return sorted(team), ""
        if math.comb(len(near), j) * math.comb(len(rest), k - j) > MAX_ENUMERATED_TEAMS:
            return None, "合格组合过少，无法在限定次数内抽出"
        valid = [
            sorted((*a, *b))
            for a in combinations(near, j)
            for b in combinations(rest, k - j)
            if _team_ok((*a, *b), need, qual, coverage)
        ]
        if valid:
            return valid[stream.below(len(valid))], ""
    names = "、".join(sorted(need))
    return None, f"任意 {k} 名可选检查人员的资质都无法覆盖所需领域（{names}）"


@dataclass(frozen=True)
class Verification:
    ok: bool
    problems: tuple[str, ...]


def draw_verify(record: Mapping) -> Verification:
    """Re-run a recorded draw from its own inputs and say whether digests and results all match."""
    problems: list[str] = []
    if record.get("algorithm") not in ALGORITHMS:
        known = "、".join(ALGORITHMS)
        return Verification(False, (f"算法版本不符：记录为 {record.get('algorithm')}，本程序可复核 {known}",))
    conflicts = [tuple(p) for p in record.get("conflicts", [])]
    again = draw(
        record["pool"],
        record["inspectors"],
        seed=record["seed"],
        count=record.get("count"),
        ratio=record.get("ratio"),
        per_subject=record["per_subject"],
        conflicts=conflicts,
        last_inspectors=record.get("last_inspectors", {}),
        qualified=record.get("qualified", {}),
        domains_needed=record.get("domains_needed", {}),
        coverage=record.get("coverage", "team"),
        local_pools=record.get("local_pools", {}),
        subject_areas=record.get("subject_areas", {}),
        algorithm=record["algorithm"],
    ).to_record()
    labels = {
        "pool_digest": "检查对象名录摘要",
        "inspector_digest": "检查人员名录摘要",
        "rules_digest": "抽取规则摘要",
        "size": "抽取数量",
        "drawn_order": "抽中顺序",
        "assignments": "抽中对象及检查人员",
        "infeasible": "无法匹配检查人员的对象",
    }
    for key, label in labels.items():
        if _canonical(record.get(key)) != _canonical(again[key]):
            problems.append(f"{label}与重新抽取的结果不一致")
    return Verification(not problems, tuple(problems))
