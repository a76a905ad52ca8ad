"""Where an API intake's time goes, on PostgreSQL with the demo district (the database of bench_api_intake.py).

1. One after another, in this process (Django's test client, the same API call): per request the wall time, the
   CPU of this process and of its PostgreSQL backend (from /proc), the number of queries, and how long the
   transaction holds the audit chain's head (from taking it to the commit).
2. The same requests under cProfile: the functions that take the CPU.
3. Two app servers, 20 clients closed loop (bench_api_intake's phase), while another connection samples
   pg_stat_activity every few milliseconds: what the bench database's backends are doing — running, waiting on a
   lock (and which kind: a row lock such as the chain head's shows as transactionid/tuple, the duplicate-key lock
   as advisory), or idle in a transaction waiting for the app (ClientRead).

Usage: DEBUG=1 REUSE=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_bench python benchmarks/profile_intake.py
"""

import cProfile
import io
import json
import os
import pstats
import statistics
import threading
import time
from collections import Counter

from bench_api_intake import PLACES, TEXTS, app_servers, phase, prepare

N = int(os.environ.get("N", "60"))
SAMPLE_EVERY = 0.005


def _backend_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serial(token: str) -> None:
    from django.db import connection, transaction
    from django.test import Client

    from zhifa.audit import services as audit

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    held: list[float] = []
    original = audit._append

    def timed_append(records):
        taken = time.perf_counter()
        original(records)
        transaction.on_commit(lambda: held.append(time.perf_counter() - taken))

    audit._append = timed_append
    queries = {"n": 0}

    def count(execute, sql, params, many, context):
        queries["n"] += 1
        return execute(sql, params, many, context)

    rows = []
    try:
        with connection.execute_wrapper(count):
            connection.ensure_connection()
            pid = connection.connection.info.backend_pid
            for i in range(N + 5):
                body = json.dumps(
                    {"description": f"{PLACES[i % len(PLACES)]}{TEXTS[i % len(TEXTS)]}（p-{i}）"}
                )
                queries["n"] = 0
                w0, c0, b0 = time.perf_counter(), time.process_time(), _backend_cpu(pid)
                res = client.post("/api/v1/dispatch/events", body, content_type="application/json")
                w1, c1, b1 = time.perf_counter(), time.process_time(), _backend_cpu(pid)
                assert res.status_code == 201, res.content
                if i >= 5:  # the first ones load the classifier and the memos
                    rows.append((w1 - w0, c1 - c0, b1 - b0, queries["n"]))
    finally:
        audit._append = original

    def stats(values, scale=1000.0, unit="ms"):
        return (
            f"mean {statistics.mean(values) * scale:.1f} {unit}, p50 {statistics.median(values) * scale:.1f}"
        )

    print(f"serial, {len(rows)} intakes in-process (after 5 to warm up):")
    print(f"  wall {stats([r[0] for r in rows])}")
    print(f"  app CPU {stats([r[1] for r in rows])}")
    print(f"  PostgreSQL backend CPU {stats([r[2] for r in rows])} (clock ticks of 10 ms: a mean)")
    print(f"  queries {stats([r[3] for r in rows], 1, '')}")
    print(f"  chain head held (lock → commit) {stats(held[5:])}, max {max(held[5:]) * 1000:.1f} ms")


def profiled(token: str) -> None:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    profile = cProfile.Profile()
    profile.enable()
    for i in range(N):
        body = json.dumps({"description": f"{PLACES[i % len(PLACES)]}{TEXTS[i % len(TEXTS)]}（c-{i}）"})
        client.post("/api/v1/dispatch/events", body, content_type="application/json")
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(r"zhifa|django/db|ninja", 40)
    print(f"cProfile of {N} intakes (cumulative, zhifa / django.db / ninja):")
    print("\n".join(out.getvalue().splitlines()[:70]))


def concurrent(token: str) -> None:
    import psycopg
    from django.db import connection

    name = connection.settings_dict["NAME"]
    conninfo = f"host=127.0.0.1 user={connection.settings_dict['USER'] or 'postgres'} dbname={name}"
    samples: list[Counter] = []
    stop = threading.Event()

    def sample():
        with psycopg.connect(conninfo, autocommit=True) as c:
            me = c.info.backend_pid
            while not stop.is_set():
                rows = c.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> %s AND backend_type = 'client backend'",
                    [name, me],
                ).fetchall()
                seen = Counter()
                for state, wtype, wevent in rows:
                    if state == "active" and wtype == "Lock":
                        seen[f"waiting on a lock ({wevent})"] += 1
                    elif state == "active" and wtype is None:
                        seen["running a query"] += 1
                    elif state == "active":
                        seen[f"active, waiting {wtype}/{wevent}"] += 1
                    elif state == "idle in transaction":
                        seen["idle in transaction (the app works)"] += 1
                samples.append(seen)
                time.sleep(SAMPLE_EVERY)

    with app_servers(token):
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        load = os.getloadavg()[0]
        run = phase(
            "intake, 20 clients closed loop (sampled)", token, 20, count=int(os.environ.get("PER_CLIENT", 25))
        )
        stop.set()
        sampler.join()
    print(f"  load average before {load:.2f}, after {os.getloadavg()[0]:.2f}; {len(samples)} samples")
    total = Counter()
    for s in samples:
        total.update(s)
    for what, n in total.most_common():
        print(f"  {what}: {n / len(samples):.2f} backends on average")
    waiting = sum(1 for s in samples if any(k.startswith("waiting on a lock") for k in s))
    print(f"  samples with any backend waiting on a lock: {waiting / len(samples):.0%}")
    # Little's law: backends waiting on average ÷ requests per second = time each request waits.
    per_second = len(run.latencies["intake"]) / run.wall
    locked = sum(n for k, n in total.items() if k.startswith("waiting on a lock")) / len(samples)
    p50 = statistics.median(run.latencies["intake"]) * 1000
    print(
        f"  each intake waits {locked / per_second * 1000:.1f} ms on locks on average "
        f"(of a {p50:.0f} ms median answer; the rest is queueing for the app's CPU)"
    )


def main() -> None:
    token = prepare()
    serial(token)
    if os.environ.get("PROFILE", "1") == "1":
        profiled(token)
    concurrent(token)


if __name__ == "__main__":
    main()
