"""Registry benchmarks (issue 4), on PostgreSQL at scale 1 by default.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenxing_bench python bench/registry.py [--scale 1]

Prints each goal of issue 22 with its reference and ratio: generation time against the goal of 3 minutes;
search and household-page latency p50/p95 for 50 simulated users with 1 s think time (a gunicorn server and
the load generator on this same machine) against the goal p95 <= 100 ms; a 100,000-person import end to end
(validate + stage + confirm + commit) against a bare python-calamine read of the same file, measured in the
same run (goal <= 3x). The database named by DATABASE_URL is dropped and recreated (not with --keep).
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


GENERATION_GOAL_S = 180.0  # issue 22: Dali at scale 1 in 3 minutes
LATENCY_GOAL_MS = 100.0  # issue 22: search and household page p95 with 50 users
IMPORT_GOAL_RATIO = 3.0  # issue 22: an import within 3x a bare calamine read of the same file


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
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--import-people", type=int, default=100_000)
    parser.add_argument(
        "--keep", action="store_true", help="reuse the database as it is (no drop, no generation)"
    )
    parser.add_argument("--skip-import", action="store_true", help="only generation and latency")
    parser.add_argument("--skip-latency", action="store_true", help="no load test (generation and import)")
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
        took = time.perf_counter() - started
        print(
            f"generation: scale {args.scale} in {took:.1f} s (wall, including the report); "
            f"goal <= {GENERATION_GOAL_S:.0f} s at scale 1: ratio {took / GENERATION_GOAL_S:.2f}"
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

    if not args.skip_latency:
        latency(zhenxing, household_ids, password, args.users, args.seconds)
    if not args.skip_import:
        import_benchmark(county, args.import_people)


def latency(zhenxing: list[str], household_ids: list[int], password: str, users: int, seconds: float) -> None:
    port = "8765"
    server = subprocess.Popen(
        [
            *zhenxing,
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",  # docs/postgresql.md's recommendation for 2 cores
            "3",
            "--threads",
            "4",
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
            f"http://127.0.0.1:{port}", "bench_county", password, household_ids, users, seconds
        )
    finally:
        server.terminate()
        server.wait()
    for kind, values in timings.items():
        p95 = percentile(values, 0.95)
        print(
            f"{kind}: {users} users, n={len(values)} p50={statistics.median(values):.1f} ms p95={p95:.1f} ms; "
            f"goal p95 <= {LATENCY_GOAL_MS:.0f} ms: ratio {p95 / LATENCY_GOAL_MS:.2f}"
        )


def import_benchmark(county: str, people_wanted: int) -> None:
    """A new workbook each run (IDs registered outside Dali, a fresh code prefix: people new to the registry),
    read bare by python-calamine, then imported end to end as a county user would."""
    from python_calamine import CalamineWorkbook
    from tests.factories import make_user
    from tests.transfer.workbook_builder import member_rows, workbook

    from zhenxing.accounts.enums import Role
    from zhenxing.transfer import services

    # IDs registered outside Dali (昆明, a district code of its own each run) and a household code of its own:
    # new people, none already in the registry, however often the benchmark runs on one database (--keep)
    run = int(time.time()) % 100_000
    rows = member_rows(
        "532926101202",
        people_wanted // 3,
        code_prefix=f"B{run:05d}",
        id_county=f"53{run % 10_000:04d}",
        seed=run,
    )
    data = workbook(rows)
    started = time.perf_counter()
    CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("家庭成员").to_python()
    bare = time.perf_counter() - started
    importer = make_user(Role.COUNTY, county, username=f"bench_importer_{int(time.time())}")
    started = time.perf_counter()
    batch = services.import_stage(actor=importer, file_name="bench.xlsx", data=data)
    staged = time.perf_counter() - started
    started = time.perf_counter()
    services.import_confirm(actor=importer, batch=batch)
    done = services.import_commit(batch_id=batch.pk)
    committed = time.perf_counter() - started
    people = len(rows)
    total = staged + committed
    print(
        f"import: {people} person-rows, validate+stage {staged:.2f} s ({people / staged:,.0f} rows/s), "
        f"confirm+commit {committed:.2f} s ({people / committed:,.0f} rows/s); status {done.status}"
    )
    print(
        f"import end to end: {total:.2f} s, {people / total:,.0f} rows/s; reference bare calamine read "
        f"{bare:.2f} s ({people / bare:,.0f} rows/s); ratio {total / bare:.2f}x (goal <= {IMPORT_GOAL_RATIO:.0f}x)"
    )


if __name__ == "__main__":
    main()
