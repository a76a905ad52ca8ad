"""API intake latency under load: gunicorn on PostgreSQL with the demo district, 20 concurrent HTTP clients.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_bench python benchmarks/bench_api_intake.py
(the database is emptied and rebuilt: its name must contain "bench").

Two runs: "closed" — each client posts its next report as soon as the last is answered (saturation: the
throughput ceiling of this machine, where latency is mostly queueing); "paced" — each client posts at a
steady PACED_RATE per second (20 clients × 2/s = 40 reports a second, far above a district's real peak),
where latency is the service time a reporter sees. The load generator runs on the same 2 cores.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

from _benchdb import ROOT, setup_bench_database

CLIENTS = 20
PER_CLIENT = 25
PACED_RATE = float(os.environ.get("PACED_RATE", "2"))  # reports per second per client in the paced run
WORKERS = os.environ.get("WORKERS", "4")  # 2 × cores, one thread each: the GIL makes threads no help here
THREADS = os.environ.get("THREADS", "1")
PORT = 8099
TEXTS = [
    "饭店油烟扰民，晚上排烟熏人",
    "路口有人摆摊占道经营",
    "小吃店无证经营",
    "楼道里电动车充电",
    "工地夜间施工噪声太大",
    "超市卖过期食品",
    "出租车拒载还议价",
    "小区里有人遛狗不牵绳",
    "网吧让未成年人进去上网",
    "河里有人偷排污水",
]
PLACES = ["九堡街道", "南星街道", "四季青街道", "彭埠街道", "笕桥街道", "丁兰街道", "采荷街道"]


def main() -> None:
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL to a PostgreSQL database whose name contains 'bench'")
    setup_bench_database("api")
    from zhifa.accounts.models import User
    from zhifa.accounts.services import api_token_create
    from zhifa.demo.builder import demo_district_build

    demo_district_build(seed=42)
    _, token = api_token_create(user=User.objects.get(username="command"), name="bench", by="bench")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "zhifa.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            WORKERS,
            "--threads",
            THREADS,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ},
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def client(n: int, interval: float = 0.0) -> None:
            rng = random.Random(n)
            start = time.perf_counter() + rng.random() * interval
            for i in range(PER_CLIENT):
                if interval:
                    delay = start + i * interval - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                body = json.dumps(
                    {"description": f"{rng.choice(PLACES)}{rng.choice(TEXTS)}（{n}-{i}）"}
                ).encode()
                req = urllib.request.Request(
                    f"http://127.0.0.1:{PORT}/api/v1/dispatch/events",
                    data=body,
                    method="POST",
                    headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                )
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(req, timeout=30) as res:
                        res.read()
                        ok = res.status == 201
                except OSError as exc:
                    ok = False
                    with lock:
                        errors.append(str(exc))
                elapsed = time.perf_counter() - started
                with lock:
                    if ok:
                        latencies.append(elapsed)

        # Warm the classifier in both workers before measuring.
        for i in range(4):
            client(1000 + i)
        for mode, interval in (("closed", 0.0), ("paced", 1 / PACED_RATE)):
            latencies.clear()
            errors.clear()
            started = time.perf_counter()
            threads = [threading.Thread(target=client, args=(n, interval)) for n in range(CLIENTS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
            latencies.sort()
            p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
            label = "closed loop" if mode == "closed" else f"paced {PACED_RATE:g}/s per client"
            print(
                f"api intake ({label}): {len(latencies)} ok, {len(errors)} errors, {CLIENTS} concurrent "
                f"clients, {len(latencies) / wall:.0f} req/s, gunicorn {WORKERS}×{THREADS}"
            )
            print(f"  latency p50: {statistics.median(latencies) * 1000:.0f} ms, p95: {p95:.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
