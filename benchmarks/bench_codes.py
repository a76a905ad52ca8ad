"""行政行为码: signing and verifying throughput on one core, where the time of a signature goes, and the public
verify API's latency under 20 concurrent clients against gunicorn.

Usage: python benchmarks/bench_codes.py            (a temporary SQLite database and key folder)
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_bench python benchmarks/bench_codes.py

The load generator runs on the same 2 cores as the server. Each client connects from its own loopback
address (127.0.0.2 …), as separate phones would, so the per-address limit counts them apart; the limit is
raised for the run (ZHIFA_CODE_VERIFY_PER_MINUTE) but stays on, so its cache round trip is measured too.
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from _benchdb import ROOT, setup_bench_database

KEYS = tempfile.mkdtemp(prefix="zhifa-bench-keys-")
os.environ.setdefault("ZHIFA_KEYS_DIR", KEYS)
os.environ["ZHIFA_CODE_VERIFY_PER_MINUTE"] = "1000000"

# CPU time of this process: on a shared machine (other jobs on the same 2 cores) wall time would count their
# work too. The HTTP part measures wall time, as a client sees it.
CLOCK = time.process_time
N_SIGN = int(os.environ.get("N_SIGN", "20000"))
CLIENTS = 20
PER_CLIENT = int(os.environ.get("PER_CLIENT", "100"))
WORKERS = os.environ.get("WORKERS", "2")
PORT = 8097


def rate(label: str, n: int, seconds: float) -> None:
    print(f"  {label}: {n / seconds:,.0f}/s ({seconds / n * 1e6:.1f} µs each)")


def one_core() -> dict:
    """Sign and verify in this process (one core). Returns a sample token and claims."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from joserfc import jws

    from zhifa.codes.keys import code_keys
    from zhifa.codes.tokens import token_sign, token_verify

    keys = code_keys()
    now = int(time.time())
    claims = {
        "jti": "DG153RAP65",
        "act": "inspection",
        "unit": "南星街道综合行政执法队",
        "off": [["王某", "33010020230017"], ["李某", "33010020210342"]],
        "party": {"uscc": "92330102MA0000015N"},
        "items": ["ZH0101", "SJ0001", "SJ0005"],
        "iat": now,
        "nbf": now,
        "exp": now + 12 * 3600,
        "rec": "inspection/123456",
    }
    token, _ = token_sign(claims, keys=keys)
    print(
        f"token: {len(token)} characters (header 55, signature 86); claims {len(json.dumps(claims, ensure_ascii=False).encode())} bytes"
    )
    from zhifa.codes.qr import qr_make

    for url in (f"https://zhifa.example.gov.cn/c/{token}",):
        qr = qr_make(url)
        print(
            f"QR of {len(url)}-character address: version {qr.designator} ({qr.symbol_size(border=0)[0]} modules a side)"
        )

    print(f"one core, {N_SIGN:,} codes:")
    started = CLOCK()
    for i in range(N_SIGN):
        claims["jti"] = f"B{i:09d}"
        token_sign(claims, keys=keys)
    rate("sign (joserfc, the service's path)", N_SIGN, CLOCK() - started)
    signed = CLOCK() - started

    started = CLOCK()
    for _ in range(N_SIGN):
        token_verify(token, now=now, keys=keys)
    rate("verify (joserfc, signature + window)", N_SIGN, CLOCK() - started)

    # Where the time goes: the bare Ed25519 signature, and the JSON/base64 work around it.
    raw = Ed25519PrivateKey.generate()
    message = token.rsplit(".", 1)[0].encode()
    started = CLOCK()
    for _ in range(N_SIGN):
        raw.sign(message)
    bare = CLOCK() - started
    rate("bare Ed25519 sign (cryptography)", N_SIGN, bare)
    header = {"alg": "EdDSA", "kid": keys.kid}
    started = CLOCK()
    for _ in range(N_SIGN):
        payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()
        base64.urlsafe_b64encode(payload)
    encode = CLOCK() - started
    rate("JSON + base64 of the claims", N_SIGN, encode)
    started = CLOCK()
    for _ in range(N_SIGN):
        jws.serialize_compact(header, message, keys.signing, algorithms=["EdDSA"])
    library = CLOCK() - started
    rate("joserfc serialize_compact (incl. its Ed25519)", N_SIGN, library)
    share = bare / signed * 100
    print(
        f"  → of a signed code's time, {share:.0f} % is the Ed25519 signature itself; the rest is JSON, base64 and joserfc's header checks"
    )
    return {"token": token}


def concurrent_verify(token: str) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "zhifa.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", WORKERS,
         "--log-level", "warning"],
        cwd=ROOT, env={**os.environ},
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/c/")
                break
            except OSError:
                time.sleep(0.2)
        path = f"/api/v1/codes/verify?token={token}"
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def client(n: int, count: int) -> None:
            conn = http.client.HTTPConnection(
                "127.0.0.1", PORT, timeout=30, source_address=(f"127.0.0.{n + 2}", 0)
            )
            for _ in range(count):
                started = time.perf_counter()
                try:
                    conn.request("GET", path)
                    res = conn.getresponse()
                    body = json.loads(res.read())
                    ok = res.status == 200 and body["valid"]
                    if not ok:
                        with lock:
                            errors.append(f"{res.status} {body.get('status')}")
                except (OSError, http.client.HTTPException) as exc:
                    ok = False
                    with lock:
                        errors.append(str(exc))
                    conn = http.client.HTTPConnection(
                        "127.0.0.1", PORT, timeout=30, source_address=(f"127.0.0.{n + 2}", 0)
                    )
                elapsed = time.perf_counter() - started
                if ok:
                    with lock:
                        latencies.append(elapsed)

        for n in range(CLIENTS):  # warm every worker
            client(n, 3)
        latencies.clear()
        client(0, 200)  # one client alone: the service time without queueing
        latencies.sort()
        print(f"public verify API, 1 client: p50 {statistics.median(latencies) * 1000:.1f} ms, "
              f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.1f} ms")  # fmt: skip
        latencies.clear()
        errors.clear()
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n, PER_CLIENT)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
        print(
            f"public verify API, {CLIENTS} concurrent clients (closed loop, keep-alive), gunicorn {WORKERS} workers: "
            f"{len(latencies)} ok, {len(errors)} errors, {len(latencies) / wall:.0f} req/s"
        )
        print(f"  latency p50: {statistics.median(latencies) * 1000:.1f} ms, p95: {p95:.1f} ms")
        if errors:
            print(f"  first error: {errors[0]}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    vendor = setup_bench_database("codes")
    from zhifa.accounts.choices import Role
    from zhifa.accounts.services import user_create
    from zhifa.codes.services import code_issue
    from zhifa.engine.uscc import uscc_make
    from zhifa.org.choices import RegionLevel, UnitKind
    from zhifa.org.services import domain_create, officer_create, region_create, unit_create
    from zhifa.subjects.services import subject_create

    district = region_create(code="330102", name="上城区", level=RegionLevel.DISTRICT)
    region = region_create(code="330102008", name="南星街道", level=RegionLevel.SUBDISTRICT, parent=district)
    domain = domain_create(code="comprehensive", name="综合执法", is_core=True, sort=1)
    bureau = unit_create(
        code="DEP", name="区综合行政执法局", kind=UnitKind.DEPARTMENT, region=district, domain=domain
    )
    team = unit_create(
        code="ST", name="南星街道综合行政执法队", kind=UnitKind.SUBDISTRICT_TEAM, region=region
    )
    from datetime import date

    officers = [
        officer_create(name=n, birth_date=date(1990, 1, 1), certificate_no=c, home_department=bureau, team=team,
                       domains=[domain])
        for n, c in (("王小明", "33010020230017"), ("李小红", "33010020210342"))
    ]  # fmt: skip
    command = unit_create(code="DC", name="区协调指挥中心", kind=UnitKind.DISTRICT_COMMAND, region=district)
    user = user_create(username="bench", password="bench-pass-2026", role=Role.DISTRICT_COMMAND, unit=command)
    subject = subject_create(by=user, name="杭州示例小吃店", kind="individual", industry="H62",
                             uscc=uscc_make(body="MA000001", category="2"), subdistrict="南星街道")  # fmt: skip
    from django.db import transaction

    with transaction.atomic():
        code = code_issue(action="inspection", unit=team, officers=officers, subject=subject, items=["ZH0101"],
                          region_path=subject.region_path, record="inspection/1", by=user)  # fmt: skip
    print(f"database: {vendor}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    one_core()
    concurrent_verify(code.token)


if __name__ == "__main__":
    main()
