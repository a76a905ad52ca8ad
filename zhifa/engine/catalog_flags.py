"""Derive the usage flags of catalog items (high-frequency 高频 / dormant 沉睡) from how often records use them."""


def derive_usage_flags(
    counts: dict[str, int],
    codes: list[str],
    *,
    high_frequency_top: int = 40,
    dormant_max: int = 0,
) -> dict[str, tuple[bool, bool]]:
    """Map each code to (high_frequency, dormant).

    High-frequency: among the `high_frequency_top` codes with the most uses, counting only codes used at
    least once. Ties at the cut are broken by code so the same counts always give the same flags.
    Dormant: used at most `dormant_max` times. Codes absent from `counts` count as never used.
    """
    if high_frequency_top < 0:
        raise ValueError("high_frequency_top must be >= 0")
    if dormant_max < 0:
        raise ValueError("dormant_max must be >= 0")
    usage = {code: max(int(counts.get(code, 0)), 0) for code in codes}
    ranked = sorted((c for c, n in usage.items() if n > 0), key=lambda c: (-usage[c], c))
    top = set(ranked[:high_frequency_top])
    return {code: (code in top, n <= dormant_max) for code, n in usage.items()}
