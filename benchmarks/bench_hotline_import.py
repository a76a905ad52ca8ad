"""12345 import speed: 1,000 work orders (xlsx) into the demo district, parse + check + intake in one transaction.

Usage: python benchmarks/bench_hotline_import.py [rows]   (SQLite file by default, or DATABASE_URL with "bench")
"""

import io
import json
import os
import random
import sys
import time
from datetime import timedelta

from _benchdb import ROOT, setup_bench_database

LABELLED = ROOT / "tests" / "data" / "complaints.jsonl"
STREETS = ["望江路", "秋涛路", "凯旋路", "天城路", "九堡大道", "德胜路", "新塘路", "江锦路"]


def workbook(n: int) -> bytes:
    from django.utils import timezone
    from openpyxl import Workbook

    from zhifa.dispatch.hotline.columns import COLUMNS
    from zhifa.org.choices import RegionLevel
    from zhifa.org.models import Region

    rng = random.Random(7)
    texts = [json.loads(line)["text"] for line in LABELLED.read_text(encoding="utf-8").splitlines() if line]
    subdistricts = list(Region.objects.filter(level=RegionLevel.SUBDISTRICT).values_list("name", flat=True))
    start = timezone.localtime().replace(tzinfo=None, microsecond=0) - timedelta(days=3)
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    for i in range(n):
        sd = rng.choice(
            subdistricts + [""]
        )  # some rows name no subdistrict: placed from the text or not at all
        ws.append(
            [
                f"BENCH{i:08d}",
                start + timedelta(minutes=3 * i),
                f"{rng.choice(STREETS)}{i}号附近，{rng.choice(texts)}",
                "",
                "测试某某",
                f"138{i:08d}",
                f"{sd}{rng.choice(STREETS)}{i}号" if sd else "",
                sd,
                "紧急" if i % 20 == 0 else "一般",
                "",
                "",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    vendor = setup_bench_database("hotline")
    from zhifa.accounts.models import User
    from zhifa.demo.builder import demo_district_build
    from zhifa.dispatch.directory import classifier
    from zhifa.dispatch.hotline.parse import parse_hotline_file
    from zhifa.dispatch.hotline.services import hotline_import

    started = time.perf_counter()
    demo_district_build(seed=42)
    print(f"demo district built in {time.perf_counter() - started:.1f} s")
    by = (
        User.objects.filter(role="district_command").first() or User.objects.filter(is_superuser=True).first()
    )
    data = workbook(n)
    started = time.perf_counter()
    parsed = parse_hotline_file(data=data, filename="bench.xlsx")
    parse_s = time.perf_counter() - started
    assert not parsed.errors, parsed.errors[:3]
    classifier()  # built once per process (the first intake after a start pays ~3 s for it)
    started, cpu = time.perf_counter(), time.process_time()
    report = hotline_import(data=data, filename="bench.xlsx", by=by)
    total_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    # Wall time depends on what else the machine runs; the process's CPU time is the figure to compare.
    print(
        f"hotline import ({vendor}): {report.count} rows ({len(data) / 1024:.0f} KB xlsx) in {total_s:.1f} s wall, "
        f"{cpu_s:.1f} s CPU (load average {os.getloadavg()[0]:.1f}); parse alone {parse_s:.2f} s; "
        f"dispatched {report.dispatched}, awaiting {report.awaiting}"
    )


if __name__ == "__main__":
    main()
