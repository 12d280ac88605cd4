"""Registry benchmarks (issue 4), on PostgreSQL at scale 1 by default.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenxing_bench python bench/registry.py [--scale 1]

Prints: generation time; the calibration report; search and household-page latency p50/p95 for 20
simulated users with 1 s think time (a gunicorn server and the load generator on this same machine);
import throughput for a 100,000-person workbook and its ratio to a bare python-calamine read of the same file.
The database named by DATABASE_URL is dropped and recreated.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings")


def recreate_database(url: str) -> None:
    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = [
        "psql",
        "-h",
        parsed.hostname or "127.0.0.1",
        "-U",
        parsed.username or "postgres",
        "-d",
        "postgres",
        "-q",
        "-c",
    ]
    subprocess.run([*admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True)
    subprocess.run([*admin, f'CREATE DATABASE "{name}"'], check=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def load_test(
    base: str, username: str, password: str, household_ids: list[int], users: int, seconds: float
) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"search": [], "detail": []}
    lock = threading.Lock()
    surnames = "杨李张赵段王字何苏尹董施罗陈刘"

    def user_loop(seed: int) -> None:
        rng = random.Random(seed)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            f"{base}/accounts/login/", data=body, headers={"Referer": f"{base}/accounts/login/"}
        )
        opener.open(request).read()
        deadline = time.monotonic() + seconds
        time.sleep(rng.random())
        while time.monotonic() < deadline:
            kind = "search" if rng.random() < 0.5 else "detail"
            if kind == "search":
                url = f"{base}/households/?" + urllib.parse.urlencode({"name": rng.choice(surnames)})
            else:
                url = f"{base}/households/{rng.choice(household_ids)}/"
            started = time.perf_counter()
            with opener.open(url) as response:
                response.read()
                assert response.status == 200
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                timings[kind].append(elapsed)
            time.sleep(1.0)  # think time

    threads = [threading.Thread(target=user_loop, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--import-people", type=int, default=100_000)
    parser.add_argument(
        "--keep", action="store_true", help="reuse the database as it is (no drop, no generation)"
    )
    parser.add_argument("--skip-import", action="store_true", help="only generation and latency")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") and not args.keep:
        raise SystemExit("set DATABASE_URL to a PostgreSQL database (it will be dropped and recreated)")
    zhenxing = [sys.executable, "-m", "zhenxing.cli"]
    if not args.keep:
        recreate_database(url)
        subprocess.run([*zhenxing, "migrate", "-v0"], check=True)
        started = time.perf_counter()
        subprocess.run(
            [*zhenxing, "generate", "--scale", str(args.scale), "--seed", "2025", "--year", "2025"],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        print(
            f"generation: scale {args.scale} in {time.perf_counter() - started:.1f} s (wall, including the report)"
        )

    import django

    django.setup()
    from django.db import connection
    from tests.factories import make_user

    from zhenxing.accounts.enums import Role
    from zhenxing.divisions.models import Division
    from zhenxing.registry.models import Household

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    county = "532926"
    password = "bench-password-2025"
    from django.contrib.auth.hashers import make_password

    from zhenxing.accounts.models import User

    user = User.objects.filter(username="bench_county").first() or make_user(
        Role.COUNTY, county, username="bench_county"
    )
    User.objects.filter(pk=user.pk).update(password=make_password(password))
    household_ids = list(
        Household.objects.filter(village__code__startswith=county).values_list("pk", flat=True)[:50_000]
    )
    print(f"households in {Division.objects.get(code=county).name}: {len(household_ids)}")

    port = "8765"
    server = subprocess.Popen(
        [
            *zhenxing,
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "8",
            "--no-worker",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/").read()
                break
            except OSError:
                time.sleep(0.5)
        timings = load_test(
            f"http://127.0.0.1:{port}", "bench_county", password, household_ids, args.users, args.seconds
        )
    finally:
        server.terminate()
        server.wait()
    for kind, values in timings.items():
        print(
            f"{kind}: n={len(values)} p50={statistics.median(values):.1f} ms p95={percentile(values, 0.95):.1f} ms (goal p95 <= 100 ms)"
        )

    if args.skip_import:
        return
    # import throughput against a bare calamine read of the same workbook
    from python_calamine import CalamineWorkbook
    from tests.transfer.workbook_builder import member_rows, workbook

    from zhenxing.transfer import services

    # IDs registered outside Dali, a different code each run: new people, none already in the registry
    run = int(time.time()) % 100_000
    rows = member_rows(
        "532926101202", args.import_people // 3, code_prefix=f"B{run:05d}", id_county="530102", seed=run
    )
    data = workbook(rows)
    started = time.perf_counter()
    CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("家庭成员").to_python()
    bare = time.perf_counter() - started
    importer = make_user(Role.COUNTY, county, username=f"bench_importer_{int(time.time())}")
    started = time.perf_counter()
    batch = services.import_stage(actor=importer, file_name="bench.xlsx", data=data)
    staged = time.perf_counter() - started
    services.import_confirm(actor=importer, batch=batch)
    started = time.perf_counter()
    done = services.import_commit(batch_id=batch.pk)
    committed = time.perf_counter() - started
    people = len(rows)
    total = staged + committed
    print(
        f"import commit job alone: {people / committed:,.0f} rows/s; validation and staging alone: {people / staged:,.0f} rows/s"
    )
    print(
        f"import: {people} person-rows, validate+stage {staged:.1f} s, commit {committed:.1f} s, "
        f"{people / total:,.0f} rows/s end to end (goal >= 3,000); bare calamine read {bare:.2f} s "
        f"({people / bare:,.0f} rows/s); ratio ours/bare time = {total / bare:.1f}x; status {done.status}"
    )


if __name__ == "__main__":
    main()
