"""Region lookup speed: builds the demo layout (seed 42) and times single and bulk point-in-region lookups."""

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zhifa.engine.geo import RegionIndex  # noqa: E402
from zhifa.engine.layout import build_demo_district, sample_points_in  # noqa: E402

SEED = 42
SINGLE_POINTS = 10_000
BULK_POINTS = 100_000


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    layout, layout_s = _timed(lambda: build_demo_district(seed=SEED))
    index, index_s = _timed(lambda: RegionIndex.build(layout.regions))
    print(f"region lookup layout build: {layout_s * 1000:.0f} ms")
    print(f"region lookup index build: {index_s * 1000:.1f} ms")
    for level, count in layout.counts().items():
        print(f"region lookup regions {level}: {count}")

    # Points inside the district: the realistic case, and the slow path (a tree hit must be confirmed).
    rng = np.random.default_rng(SEED)
    points = np.array(sample_points_in(layout.regions[0].geometry, BULK_POINTS, rng))
    lngs, lats = points[:, 0], points[:, 1]

    single, single_s = _timed(
        lambda: [index.locate(x, y) for x, y in zip(lngs[:SINGLE_POINTS], lats[:SINGLE_POINTS], strict=True)]
    )
    bulk, bulk_s = _timed(lambda: index.locate_many(lngs, lats))
    if single != bulk[:SINGLE_POINTS] or any(loc is None for loc in bulk):
        raise SystemExit("region lookup: locate and locate_many disagree")
    print(f"region lookup locate: {single_s / SINGLE_POINTS * 1e6:.1f} us/point ({SINGLE_POINTS} points)")
    print(f"region lookup locate_many: {bulk_s / BULK_POINTS * 1e6:.1f} us/point ({BULK_POINTS} points)")


if __name__ == "__main__":
    main()
