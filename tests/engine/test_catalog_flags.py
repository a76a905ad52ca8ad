"""derive_usage_flags: high-frequency is the top N used items, dormant the (almost) unused ones."""

import pytest

from zhifa.engine.catalog_flags import derive_usage_flags


def test_top_n_by_count_and_dormant_at_zero():
    counts = {"A": 10, "B": 3, "C": 7, "D": 0}
    flags = derive_usage_flags(counts, ["A", "B", "C", "D", "E"], high_frequency_top=2)
    assert flags == {
        "A": (True, False),
        "B": (False, False),
        "C": (True, False),
        "D": (False, True),
        "E": (False, True),  # absent from the counts: never used
    }


def test_unused_items_are_never_high_frequency_even_if_top_is_large():
    flags = derive_usage_flags({"A": 1}, ["A", "B", "C"], high_frequency_top=40)
    assert [c for c, (hf, _) in flags.items() if hf] == ["A"]
    assert [c for c, (_, dormant) in flags.items() if dormant] == ["B", "C"]


def test_ties_at_the_cut_are_broken_by_code():
    flags = derive_usage_flags({"B": 5, "A": 5, "C": 5}, ["C", "B", "A"], high_frequency_top=2)
    assert {c for c, (hf, _) in flags.items() if hf} == {"A", "B"}


def test_dormant_threshold_and_counts_for_unknown_codes_ignored():
    flags = derive_usage_flags({"A": 2, "B": 3, "ZZ": 99}, ["A", "B"], high_frequency_top=0, dormant_max=2)
    assert flags == {"A": (False, True), "B": (False, False)}


def test_empty_and_bad_arguments():
    assert derive_usage_flags({}, []) == {}
    with pytest.raises(ValueError):
        derive_usage_flags({}, ["A"], high_frequency_top=-1)
    with pytest.raises(ValueError):
        derive_usage_flags({}, ["A"], dormant_max=-1)


def test_forty_of_a_thousand():
    codes = [f"I{n:04d}" for n in range(1000)]
    counts = {c: n for n, c in enumerate(codes)}  # I0000 used 0 times … I0999 used 999 times
    flags = derive_usage_flags(counts, codes)
    high = sorted(c for c, (hf, _) in flags.items() if hf)
    assert high == codes[-40:]
    assert [c for c, (_, d) in flags.items() if d] == ["I0000"]
