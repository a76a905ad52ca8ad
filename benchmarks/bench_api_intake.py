"""API intake and board latency under load on two app servers: gunicorn ×2 on PostgreSQL with the demo district,
sharing Redis when it is reachable (REDIS_URL), clients spread over both servers.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_bench python benchmarks/bench_api_intake.py
(the database is emptied and rebuilt: its name must contain "bench"; REUSE=1 keeps one already built;
DURATION=0 skips the bounded-load run).

Runs, all closed loop (each client sends its next request as soon as the last is answered, keep-alive):
  1. intake, 20 clients × PER_CLIENT reports — throughput and p95;
  2. intake, 100 clients × PER_CLIENT_100 reports;
  3. bounded load: 100 clients for DURATION seconds (60 by default), half intake, half the board list
     (GET /api/v1/dispatch/events, 50 a page) — p95 per kind and errors.
The load generator runs on the same 2 shared cores as both servers, so the figures are a floor, not a ceiling.
"""

import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager

from _benchdb import ROOT, setup_bench_database

PER_CLIENT = int(os.environ.get("PER_CLIENT", "25"))
PER_CLIENT_100 = int(os.environ.get("PER_CLIENT_100", "5"))
DURATION = float(os.environ.get("DURATION", "60"))
WORKERS = os.environ.get("WORKERS", "2")  # per server: two servers × 2 workers on 2 cores
THREADS = os.environ.get("THREADS", "1")
PORTS = (8099, 8100)
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


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


class Run:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {"intake": [], "board": []}
        self.errors: list[str] = []

    def note(self, kind: str, seconds: float | None, error: str = "") -> None:
        with self.lock:
            if seconds is None:
                self.errors.append(f"{kind}: {error}")
            else:
                self.latencies[kind].append(seconds)

    def report(self, label: str, wall: float, clients: int) -> None:
        self.wall = wall
        total = sum(len(v) for v in self.latencies.values())
        print(f"{label}: {total} ok, {len(self.errors)} errors, {clients} clients, {total / wall:.0f} req/s")
        for kind, values in self.latencies.items():
            if values:
                values.sort()
                p95 = values[max(0, int(len(values) * 0.95) - 1)] * 1000
                print(
                    f"  {kind}: n={len(values)}, p50 {statistics.median(values) * 1000:.0f} ms, p95 {p95:.0f} ms"
                )
        for e in self.errors[:5]:
            print(f"  error: {e}")


def client(n: int, token: str, run: Run, *, count: int = 0, until: float = 0.0, board_share: float = 0.0):
    rng = random.Random(n)
    conn = http.client.HTTPConnection("127.0.0.1", PORTS[n % len(PORTS)], timeout=60)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    i = 0
    while (count and i < count) or (until and time.perf_counter() < until):
        i += 1
        kind = "board" if rng.random() < board_share else "intake"
        started = time.perf_counter()
        try:
            if kind == "intake":
                body = json.dumps({"description": f"{rng.choice(PLACES)}{rng.choice(TEXTS)}（{n}-{i}）"})
                conn.request("POST", "/api/v1/dispatch/events", body=body, headers=headers)
                expected = 201
            else:
                conn.request(
                    "GET", f"/api/v1/dispatch/events?page={rng.randint(1, 20)}&page_size=50", headers=headers
                )
                expected = 200
            res = conn.getresponse()
            res.read()
            if res.status != expected:
                run.note(kind, None, f"HTTP {res.status}")
                continue
        except (OSError, http.client.HTTPException) as exc:
            run.note(kind, None, repr(exc))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", PORTS[n % len(PORTS)], timeout=60)
            continue
        run.note(kind, time.perf_counter() - started)
    conn.close()


def phase(label: str, token: str, clients: int, **kw) -> "Run":
    run = Run()
    started = time.perf_counter()
    if "duration" in kw:
        kw = {"until": started + kw.pop("duration"), **kw}
    threads = [threading.Thread(target=client, args=(n, token, run), kwargs=kw) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.report(label, time.perf_counter() - started, clients)
    return run


def prepare() -> str:
    """The bench database with the demo district (kept when REUSE=1 and it is built already); an API token."""
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL to a PostgreSQL database whose name contains 'bench'")
    if _redis_up():
        os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
    reuse = os.environ.get("REUSE") == "1"
    if reuse:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
        import django

        django.setup()
        from zhifa.org.models import Region

        reuse = Region.objects.exists()
    if not reuse:
        setup_bench_database("api")
        from zhifa.demo.builder import demo_district_build

        t0 = time.perf_counter()
        demo_district_build(seed=42)
        print(f"demo district built in {time.perf_counter() - t0:.0f} s")
    from zhifa.accounts.models import User
    from zhifa.accounts.services import api_token_create

    print(f"shared cache: {os.environ.get('REDIS_URL') or 'none'}; load average {os.getloadavg()[0]:.2f}")
    _, token = api_token_create(user=User.objects.get(username="command"), name="bench", by="bench")
    return token


@contextmanager
def app_servers(token: str):
    """Two gunicorn servers on PORTS, up and warmed (classifier and router loaded in every worker)."""
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "zhifa.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                WORKERS,
                "--threads",
                THREADS,
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**os.environ},
        )  # fmt: skip
        for port in PORTS
    ]
    try:
        for port in PORTS:
            for _ in range(150):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
        phase("warm-up", token, 8, count=4)
        yield servers
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def main() -> None:
    token = prepare()
    with app_servers(token):
        print(f"two app servers × gunicorn {WORKERS}×{THREADS}, PostgreSQL, 2 shared cores")
        phase("intake, 20 clients closed loop", token, 20, count=PER_CLIENT)
        print(f"  load average {os.getloadavg()[0]:.2f}")
        phase("intake, 100 clients closed loop", token, 100, count=PER_CLIENT_100)
        print(f"  load average {os.getloadavg()[0]:.2f}")
        if DURATION > 0:
            phase(f"bounded load, 100 clients for {DURATION:g} s (intake + board)", token, 100, duration=DURATION,
                  board_share=0.5)  # fmt: skip
            print(f"  load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
