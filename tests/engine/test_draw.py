"""双随机 draw: reproducible from its seed, never a conflicted/unqualified/last-time inspector, uniform."""

import random
from collections import Counter
from datetime import datetime, timedelta, timezone
from itertools import combinations

import pytest
from scipy.stats import chisquare

from zhifa.engine.draw import (
    ALGORITHM,
    HashStream,
    draw,
    draw_size,
    draw_verify,
    ids_digest,
    seed_from_public,
)

CST = timezone(timedelta(hours=8))
SUBJECTS = [f"9133010{n:04d}MA2" for n in range(40)]
INSPECTORS = [f"ZF{n:03d}" for n in range(12)]
QUALIFIED = {i: {"market"} if n % 2 else {"market", "fire"} for n, i in enumerate(INSPECTORS)}


def _world_draw(seed, **kw):
    return draw(SUBJECTS, INSPECTORS, seed=seed, qualified=QUALIFIED, **kw)


def test_same_seed_and_pool_give_the_same_draw_whatever_the_input_order():
    a = _world_draw("2026-03-02 福彩3D 123", count=6)
    shuffled = SUBJECTS[:]
    random.Random(1).shuffle(shuffled)
    b = draw(shuffled, reversed(INSPECTORS), seed="2026-03-02 福彩3D 123", qualified=QUALIFIED, count=6)
    assert a.assignments == b.assignments
    assert a.drawn == b.drawn
    assert a.pool_digest == ids_digest(SUBJECTS) == b.pool_digest
    assert a.algorithm == ALGORITHM
    c = _world_draw("2026-03-02 福彩3D 124", count=6)
    assert c.drawn != a.drawn


def test_subject_pick_depends_on_seed_and_pool_only():
    plain = _world_draw("s1", count=8)
    constrained = _world_draw(
        "s1", count=8, conflicts={("ZF001", SUBJECTS[0])}, domains_needed={SUBJECTS[3]: {"fire"}}
    )
    assert plain.drawn == constrained.drawn


def test_known_values_are_pinned():
    # Published draws must stay re-runnable: a change to the generator or the algorithm breaks this test.
    stream = HashStream(b"zhifa")
    assert [stream.below(1000) for _ in range(5)] == [157, 44, 56, 638, 995]
    result = draw([f"S{n:02d}" for n in range(20)], ["A", "B", "C", "D"], seed="zhifa", count=4)
    assert result.drawn == ["S08", "S01", "S19", "S06"]
    assert [a.inspectors for a in result.assignments] == [("A", "B"), ("B", "D"), ("C", "D"), ("C", "D")]


def test_draw_size_rounds_the_ratio_up_exactly():
    assert draw_size(100, ratio=0.05) == 5  # 0.05 × 100 in floats is 5.000000000000001
    assert draw_size(101, ratio="0.05") == 6
    assert draw_size(10, ratio=0.01) == 1
    assert draw_size(10, ratio=0) == 0
    assert draw_size(3, count=10) == 3
    with pytest.raises(ValueError, match="只能给出一项"):
        draw_size(10, count=2, ratio=0.1)
    with pytest.raises(ValueError, match="只能给出一项"):
        draw_size(10)
    with pytest.raises(ValueError, match="0 与 1"):
        draw_size(10, ratio=1.5)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="至少须由 2 名"):
        _world_draw("x", count=1, per_subject=1)
    with pytest.raises(ValueError, match="种子"):
        _world_draw("", count=1)


def test_verify_accepts_the_record_and_catches_tampering():
    result = _world_draw(
        seed_from_public(
            datetime(2026, 3, 2, 10, 0, tzinfo=CST), "上证综指收盘 3341.22", label="南星 2026Q1"
        ),
        ratio="0.2",
        conflicts={("ZF002", SUBJECTS[5])},
        last_inspectors={SUBJECTS[6]: {"ZF003"}},
        domains_needed={SUBJECTS[7]: {"market", "fire"}},
    )
    record = result.to_record()
    assert draw_verify(record).ok
    assert record["size"] == 8

    swapped = dict(record)
    first_subject, team = record["assignments"][0]
    outsider = next(i for i in INSPECTORS if i not in team)
    swapped["assignments"] = [[first_subject, sorted([team[0], outsider])], *record["assignments"][1:]]
    check = draw_verify(swapped)
    assert not check.ok
    assert check.problems == ("抽中对象及检查人员与重新抽取的结果不一致",)

    shrunk = dict(record, pool=record["pool"][:-1])
    problems = draw_verify(shrunk).problems
    assert "检查对象名录摘要与重新抽取的结果不一致" in problems
    assert not draw_verify(dict(record, algorithm="other/0")).ok


def test_seed_from_public_is_deterministic_and_needs_a_value():
    t = datetime(2026, 3, 2, 10, 0, tzinfo=CST)
    assert seed_from_public(t, "3341.22") == seed_from_public(t, " 3341.22 ")
    assert seed_from_public(t, "3341.22") != seed_from_public(t, "3341.23")
    assert len(seed_from_public(t, "1")) == 64
    with pytest.raises(ValueError, match="公开随机值"):
        seed_from_public(t, "  ")


def test_infeasible_subjects_are_listed_with_the_reason():
    s = SUBJECTS[0]
    all_but_two = {(i, s) for i in INSPECTORS[:-2]}
    result = draw(
        [s],
        INSPECTORS,
        seed=1,
        count=1,
        conflicts=all_but_two,
        last_inspectors={s: {INSPECTORS[-1]}},
        qualified=QUALIFIED,
    )
    assert result.assignments == []
    (bad,) = result.infeasible
    assert bad.subject == s
    assert bad.reason.startswith("符合条件的检查人员不足 2 名")
    assert "回避 10 名、上次检查 1 名" in bad.reason

    # Qualified one by one but never together: nobody holds "health" at all.
    nobody = draw(
        [s], INSPECTORS, seed=1, count=1, qualified=QUALIFIED, domains_needed={s: {"market", "health"}}
    )
    assert "无法覆盖所需领域（health、market）" in nobody.infeasible[0].reason


def test_each_mode_requires_every_inspector_to_hold_every_domain():
    s = SUBJECTS[0]
    need = {s: {"market", "fire"}}
    for seed in range(200):
        team = draw(
            [s], INSPECTORS, seed=seed, count=1, qualified=QUALIFIED, domains_needed=need, coverage="each"
        )
        assert all(QUALIFIED[i] >= {"market", "fire"} for i in team.assignments[0].inspectors)
    # In team mode a market-only inspector may join a fire-qualified one.
    mixed = Counter()
    for seed in range(200):
        team = draw([s], INSPECTORS, seed=seed, count=1, qualified=QUALIFIED, domains_needed=need)
        members = team.assignments[0].inspectors
        assert set().union(*(QUALIFIED[i] for i in members)) >= {"market", "fire"}
        mixed[any("fire" not in QUALIFIED[i] for i in members)] += 1
    assert mixed[True] > 50


def test_ten_thousand_draws_never_break_the_rules():
    rnd = random.Random(7)
    domains = ["market", "fire", "health", "culture", "comprehensive"]
    subjects = [f"S{n:02d}" for n in range(60)]
    inspectors = [f"I{n:02d}" for n in range(20)]
    qualified = {i: set(rnd.sample(domains, rnd.randint(1, 3))) for i in inspectors}
    needed = {s: set(rnd.sample(domains, rnd.randint(0, 2))) for s in subjects}
    conflicts = {(rnd.choice(inspectors), rnd.choice(subjects)) for _ in range(150)}
    last = {s: set(rnd.sample(inspectors, 2)) for s in subjects if rnd.random() < 0.6}
    teams = infeasible = 0
    for seed in range(10_000):
        result = draw(
            subjects,
            inspectors,
            seed=f"audit-{seed}",
            count=6,
            conflicts=conflicts,
            last_inspectors=last,
            qualified=qualified,
            domains_needed=needed,
        )
        assert len(result.assignments) + len(result.infeasible) == 6
        for a in result.assignments:
            team = a.inspectors
            assert len(set(team)) == 2
            assert not any((i, a.subject) in conflicts for i in team)
            assert not set(team) & last.get(a.subject, set())
            need = needed[a.subject]
            assert set().union(*(qualified[i] for i in team)) >= need
            assert all(qualified[i] & need for i in team) or not need
            teams += 1
        infeasible += len(result.infeasible)
    assert teams > 50_000  # the rules were exercised, not dodged by calling most subjects infeasible
    assert teams + infeasible == 60_000


def test_subjects_are_drawn_uniformly_over_the_pool():
    pool = [f"P{n:02d}" for n in range(50)]
    hits = Counter()
    for seed in range(10_000):
        hits.update(draw(pool, ["A", "B"], seed=seed, count=5).drawn)
    observed = [hits[p] for p in pool]
    assert sum(observed) == 50_000
    # 49 degrees of freedom; p < 0.001 would mean the draw favours some subjects.
    assert chisquare(observed).pvalue > 0.001


def test_inspectors_are_drawn_uniformly_among_the_eligible():
    s = "S0"
    inspectors = [f"I{n}" for n in range(12)]
    conflicts = {("I0", s), ("I1", s)}
    last = {s: {"I2", "I3"}}
    qualified = {i: {"market"} for i in inspectors}
    qualified["I4"] = {"fire"}  # not qualified for this subject
    eligible = ["I5", "I6", "I7", "I8", "I9", "I10", "I11"]
    singles, pairs = Counter(), Counter()
    for seed in range(10_000):
        result = draw(
            [s],
            inspectors,
            seed=seed,
            count=1,
            conflicts=conflicts,
            last_inspectors=last,
            qualified=qualified,
            domains_needed={s: {"market"}},
        )
        team = result.assignments[0].inspectors
        singles.update(team)
        pairs[team] += 1
    assert set(singles) == set(eligible)
    assert chisquare([singles[i] for i in eligible]).pvalue > 0.001
    all_pairs = [tuple(sorted(p)) for p in combinations(eligible, 2)]
    assert set(pairs) == set(all_pairs)
    assert chisquare([pairs[p] for p in all_pairs]).pvalue > 0.001


def test_mixed_teams_are_uniform_over_valid_teams_even_when_valid_teams_are_rare():
    # 1 fire-qualified inspector among 30 market-only ones: only 30 of 465 pairs are valid (rejection mostly
    # fails, the exact fallback must keep the draw uniform).
    s = "S0"
    inspectors = [f"I{n:02d}" for n in range(31)]
    qualified = {i: {"market"} for i in inspectors}
    qualified["I00"] = {"fire"}
    partners = Counter()
    for seed in range(6_000):
        team = draw(
            [s], inspectors, seed=seed, count=1, qualified=qualified, domains_needed={s: {"market", "fire"}}
        )
        members = team.assignments[0].inspectors
        assert "I00" in members
        partners.update(m for m in members if m != "I00")
    assert len(partners) == 30
    assert chisquare(list(partners.values())).pvalue > 0.001


# --- step 5: the subject's own area's officers first (zhifa-draw/2) ----------------------------------------

AREAS = {"nanxing": ["ZF000", "ZF001", "ZF002", "ZF003"], "jiubao": ["ZF004", "ZF005"], "solo": ["ZF006"]}
SUBJECT_AREAS = {s: [("nanxing", "jiubao", "solo")[n % 3]] for n, s in enumerate(SUBJECTS)}


def test_local_officers_are_paired_first():
    result = draw(
        SUBJECTS,
        INSPECTORS,
        seed="local-first",
        count=30,
        local_pools=AREAS,
        subject_areas=SUBJECT_AREAS,
    )
    assert result.algorithm == "zhifa-draw/2"
    assert len(result.assignments) == 30
    for a in result.assignments:
        local = set(AREAS[SUBJECT_AREAS[a.subject][0]])
        if len(local) >= 2:  # two local officers exist: nobody from elsewhere
            assert set(a.inspectors) <= local, (a.subject, a.inspectors)
        else:  # one local officer: he or she goes, one other fills in
            assert len(set(a.inspectors) & local) == 1 and len(a.inspectors) == 2
    assert draw_verify(result.to_record()).ok


def test_local_first_still_respects_recusal_last_time_and_qualification():
    s = SUBJECTS[0]  # a 南星 subject: 4 local officers
    result = draw(
        [s],
        INSPECTORS,
        seed="x",
        count=1,
        conflicts={("ZF000", s)},
        last_inspectors={s: ["ZF001"]},
        qualified=QUALIFIED,
        domains_needed={s: {"market", "fire"}},
        local_pools=AREAS,
        subject_areas={s: ["nanxing"]},
    )
    (a,) = result.assignments
    # ZF000 recused, ZF001 was there last time: ZF002 (fire) and ZF003 remain local and cover both domains.
    assert a.inspectors == ("ZF002", "ZF003")
    # Only ZF003 (market only) is local and eligible: the other must come from outside and bring fire.
    result = draw(
        [s],
        INSPECTORS,
        seed="x",
        count=1,
        conflicts={("ZF000", s), ("ZF002", s)},
        last_inspectors={s: ["ZF001"]},
        qualified=QUALIFIED,
        domains_needed={s: {"market", "fire"}},
        local_pools=AREAS,
        subject_areas={s: ["nanxing"]},
    )
    (a,) = result.assignments
    assert "ZF003" in a.inspectors and "fire" in QUALIFIED[next(i for i in a.inspectors if i != "ZF003")]


def test_local_teams_are_uniform_among_local_pairs():
    s = SUBJECTS[0]
    seen = Counter()
    for n in range(3000):
        r = draw([s], INSPECTORS, seed=f"u{n}", count=1, local_pools=AREAS, subject_areas={s: ["nanxing"]})
        seen[r.assignments[0].inspectors] += 1
    assert set(seen) == {tuple(t) for t in combinations(AREAS["nanxing"], 2)}
    assert chisquare(list(seen.values())).pvalue > 0.001


def test_a_draw_without_local_pools_is_the_version_one_draw():
    plain = _world_draw("same", count=8)
    empty = _world_draw("same", count=8, local_pools={}, subject_areas={})
    v1 = _world_draw("same", count=8, algorithm="zhifa-draw/1")
    assert plain.assignments == empty.assignments == v1.assignments
    assert plain.rules_digest == v1.rules_digest
    with pytest.raises(ValueError):
        _world_draw("same", count=8, local_pools=AREAS, subject_areas=SUBJECT_AREAS, algorithm="zhifa-draw/1")


def test_a_published_version_one_record_still_verifies():
    # Written by the version 1 engine (main before local-first): the public must still be able to re-run it.
    import json
    from pathlib import Path

    record = json.loads((Path(__file__).parent / "data" / "draw_v1_record.json").read_text("utf-8"))
    assert record["algorithm"] == "zhifa-draw/1" and "local_pools" not in record
    assert draw_verify(record).ok
    record["assignments"][0][1] = list(reversed(record["assignments"][0][1])) + ["ZF09"]
    assert not draw_verify(record).ok


def test_verify_catches_a_changed_local_pool():
    result = draw(SUBJECTS, INSPECTORS, seed="p", count=10, local_pools=AREAS, subject_areas=SUBJECT_AREAS)
    record = result.to_record()
    record["local_pools"]["nanxing"] = ["ZF000", "ZF007"]
    problems = draw_verify(record).problems
    assert "抽取规则摘要与重新抽取的结果不一致" in problems
