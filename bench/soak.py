"""Soak benchmark (issue 22): minutes of mixed load on a real `zhenxing serve` over HTTP, PostgreSQL at scale 1.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenxing_soak_s1 python bench/soak.py [--minutes 10]

The database must hold a generated registry (a clone of the scale-1 bench database); the run adds cases,
feed batches, screening rounds and imported households to it, so use a clone. What runs at once:
- `--users` county staff (default 50) searching and opening household pages, 1 s think time; a household page
  also loads its three panels as the browser does (htmx);
- a village cadre moving cases: open a case for a household (干部排查), 受理, 不予纳入 with a reason;
- 医保局 pushing a batch of settlement records every minute with its department key (X-API-Key, no session);
- the county starting a screening round (the runs page, db engine) and importing a 台账 workbook (upload,
  confirm, the job), each every few minutes, both polling their progress fragment as the page does.
Every request is timed per route; an error is any unexpected status, a page carrying an error message, a
round or import that fails. The RSS of every gunicorn worker and of the job worker is read from /proc every
few seconds: the first minute's mean against the last's. The reference for each route is its p50 for one
user alone on the same server, measured just before the load.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings")

COUNTY = "532926"  # 南涧彝族自治县, as bench/registry.py
PASSWORD = "bench-password-2025"
GOAL_MS = 100.0
SURNAMES = "杨李张赵段王字何苏尹董施罗陈刘"
# PostgreSQL settings a database may carry (ALTER DATABASE … SET): docs/postgresql.md says why each
PER_DATABASE = {
    "work_mem": "16MB",
    "random_page_cost": "1.1",
    "effective_cache_size": "16GB",
    "effective_io_concurrency": "200",
    "jit": "off",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


@dataclass
class Recorder:
    started: float = field(default_factory=time.monotonic)
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def time(self, route: str, ms: float) -> None:
        with self.lock:
            self.timings[route].append(ms)

    def error(self, route: str, what: str) -> None:
        with self.lock:
            self.errors[route].append(what)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a POST's redirect is read as its answer; the page it names is fetched and timed apart


@dataclass
class Answer:
    status: int
    body: str
    location: str


class Browser:
    """One person's browser: its cookies, the CSRF token, every request timed under a route name."""

    def __init__(self, base: str, recorder: Recorder) -> None:
        self.base, self.recorder = base, recorder
        self.jar = urllib.request.HTTPCookieProcessor()
        self.opener = urllib.request.build_opener(self.jar, _NoRedirect())

    def csrf(self) -> str:
        return next((c.value or "" for c in self.jar.cookiejar if c.name == "csrftoken"), "")

    def request(
        self, route: str, path: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> Answer | None:  # fmt: skip
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        if data is not None:
            request.add_header("X-CSRFToken", self.csrf())
            request.add_header("Referer", self.base + path)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                answer = Answer(
                    response.status, response.read().decode(), response.headers.get("Location", "")
                )
        except urllib.error.HTTPError as error:
            answer = Answer(
                error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")
            )
        except OSError as error:
            self.recorder.error(route, f"{type(error).__name__}: {error}")
            return None
        self.recorder.time(route, (time.perf_counter() - started) * 1000)
        if answer.status not in expect:
            self.recorder.error(route, f"HTTP {answer.status} {path}")
            return None
        if 'class="messages"' in answer.body and '<li class="error">' in answer.body:
            message = re.search(r'<li class="error">([^<]*)', answer.body)
            self.recorder.error(route, f"message on {path}: {message.group(1) if message else ''}")
            return None
        return answer

    def get(self, route: str, path: str) -> Answer | None:
        return self.request(route, path)

    def post(self, route: str, path: str, fields: dict[str, str]) -> Answer | None:
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.csrf()}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request(route, path, data=body, headers=headers, expect=(302, 303))

    def upload(self, route: str, path: str, name: str, file_name: str, content: bytes) -> Answer | None:
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{self.csrf()}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode(),
            content,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request(route, path, data=b"".join(parts), headers=headers, expect=(302, 303))

    def login(self, username: str) -> None:
        page = self.opener.open(self.base + url("accounts:login")).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        body = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        request = urllib.request.Request(
            self.base + url("accounts:login"),
            data=body.encode(),
            headers={"Referer": self.base + url("accounts:login")},
        )
        try:
            self.opener.open(request).read()
            raise SystemExit(f"login of {username} did not redirect: wrong password or locked out")
        except urllib.error.HTTPError as error:
            if error.code != 302:
                raise


def url(name: str, *args: object) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def landed(answer: Answer | None, name: str) -> int | None:
    """The key of the page a POST redirected to, when it is the page named (a case, a run, a batch)."""
    from django.urls import Resolver404, resolve

    if answer is None:
        return None
    try:
        match = resolve(urllib.parse.urlparse(answer.location).path)
    except Resolver404:
        return None
    return int(match.kwargs["pk"]) if match.view_name == name else None


@dataclass
class World:
    """What the load needs from the database, read once before it starts."""

    household_ids: list[int]
    case_households: list[int]
    village: str
    id_numbers: list[str]
    api_key: str
    import_village: str


def prepare(year: int) -> World:
    """Users (county, village, an administrator), a 医保局 key made as `zhenxing apikey create` makes one,
    households for the case cadre and ID numbers for the feed (read in this process only, never printed)."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count
    from tests.factories import make_user

    from zhenxing.accounts import services as accounts
    from zhenxing.accounts.enums import Role
    from zhenxing.accounts.models import User
    from zhenxing.common.crypto import decrypt_id_number
    from zhenxing.common.enums import Department
    from zhenxing.monitoring.enums import MONITORED_STATUSES, OPEN_STATUSES
    from zhenxing.monitoring.models import Case
    from zhenxing.registry.models import Household, Membership

    village = (
        Household.objects.filter(village__code__startswith=COUNTY)
        .values_list("village__code", flat=True)
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert village, f"no village with households in {COUNTY}: is this a generated registry?"
    users = {
        "bench_county": (Role.COUNTY, COUNTY),
        "soak_village": (Role.VILLAGE, village),
        "soak_admin": (Role.ADMIN, None),
    }
    made: dict[str, User] = {}
    for username, (role, code) in users.items():
        user = User.objects.filter(username=username).first() or make_user(role, code, username=username)
        User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD))
        made[username] = user
    _, key = accounts.api_key_create(
        actor=made["soak_admin"], department=Department.MEDICAL_INSURANCE, name="soak 医保结算推送"
    )
    household_ids = list(
        Household.objects.filter(village__code__startswith=COUNTY).values_list("pk", flat=True)[:50_000]
    )
    busy = Case.objects.filter(status__in=[*OPEN_STATUSES, *MONITORED_STATUSES]).values("household_id")
    case_households = list(
        Household.objects.filter(village__code=village).exclude(pk__in=busy).values_list("pk", flat=True)
    )
    ciphers = Membership.objects.filter(
        left_on__isnull=True,
        household__village__code__startswith=COUNTY,
        person__id_number_encrypted__isnull=False,
    ).values_list("person__id_number_encrypted", flat=True)[:5000]
    id_numbers = [decrypt_id_number(bytes(cipher)) for cipher in ciphers if cipher is not None]
    return World(household_ids, case_households, village, id_numbers, key, village)


def browse_loop(browser: Browser, world: World, deadline: float, seed: int, panels: bool) -> None:
    rng = random.Random(seed)
    time.sleep(rng.random())
    while time.monotonic() < deadline:
        if rng.random() < 0.5:
            browser.get(
                "search",
                url("registry:search") + "?" + urllib.parse.urlencode({"name": rng.choice(SURNAMES)}),
            )
        else:
            pk = rng.choice(world.household_ids)
            if browser.get("household", url("registry:household", pk)) and panels:
                for route, path in (
                    ("panel sector", url("monitoring:sector", pk)),
                    ("panel continuing", url("monitoring:continuing", pk)),
                    ("panel projects", url("projects:household_panel", pk)),
                ):
                    browser.get(route, path)
        time.sleep(1.0)


def case_loop(browser: Browser, world: World, deadline: float) -> None:
    """干部排查 → 受理 → 不予纳入, household after household, 2 s between steps."""
    candidates = list(world.case_households)
    random.Random(7).shuffle(candidates)
    for pk in candidates:
        if time.monotonic() >= deadline:
            return
        opened = browser.post(
            "case open", url("monitoring:open", pk), {"summary": "soak：入户排查发现因病支出较大"}
        )
        case_pk = landed(opened, "monitoring:case")
        if case_pk is None:
            browser.recorder.error("case open", f"household {pk}: no case page after opening")
            continue
        case = url("monitoring:case", case_pk)
        for to, findings in (("analysis", ""), ("rejected", "soak：经研判收入高于监测范围，不予纳入")):
            browser.get("case page", case)
            time.sleep(2.0)
            if (
                browser.post("case move", url("monitoring:move", case_pk), {"to": to, "findings": findings})
                is None
            ):
                break
        browser.get("case page", case)
        time.sleep(2.0)


def feed_loop(base: str, recorder: Recorder, world: World, deadline: float, every: float, rows: int) -> None:
    """医保局's system: a batch of settlements every `every` seconds, with its key and no session."""
    rng = random.Random(time.time_ns())  # new records every run: the same batch again is a duplicate (200)
    url = f"{base}/api/v1/feeds/medical_insurance/batches"
    time.sleep(5.0)
    while time.monotonic() < deadline:
        started_at = time.monotonic()
        records = []
        for _ in range(rows):
            cost = round(rng.uniform(20, 3000), 2)
            day = datetime.date(2026, rng.randint(1, 11), rng.randint(1, 28))
            records.append(
                {"id_number": rng.choice(world.id_numbers), "period": day.isoformat(), "total_cost": cost,
                 "reimbursed": round(cost * 0.6, 2), "out_of_pocket": round(cost * 0.4, 2), "insured": "是"}
            )  # fmt: skip
        request = urllib.request.Request(
            url, data=json.dumps({"records": records}, ensure_ascii=False).encode(), method="POST",
            headers={"X-API-Key": world.api_key, "Content-Type": "application/json"},
        )  # fmt: skip
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, body = response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode(errors="replace")
        except OSError as error:
            status, body = 0, str(error)
        recorder.time("feed push", (time.perf_counter() - started) * 1000)
        if status != 201 or not isinstance(body, dict) or body.get("rows") != rows:
            recorder.error("feed push", f"HTTP {status}: {str(body)[:200]}")
        time.sleep(max(0.0, min(every - (time.monotonic() - started_at), deadline - time.monotonic())))


def _wait_job(
    browser: Browser, route: str, path: str, done: Callable[[], str | None], deadline: float
) -> str | None:
    """Poll a progress fragment every 2 s, as the page does, until the database says the job ended."""
    while time.monotonic() < deadline:
        browser.get(route, path)
        status = done()
        if status is not None:
            return status
        time.sleep(2.0)
    return None


def screening_loop(browser: Browser, deadline: float, year: int, every: float, first: float) -> int:
    from zhenxing.screening.models import RunStatus, ScreeningRun

    rounds = 0
    time.sleep(first)
    while time.monotonic() < deadline:
        started_at = time.monotonic()
        answer = browser.post("screening start", url("screening:runs"), {"year": str(year), "engine": "db"})
        pk = landed(answer, "screening:run")
        if pk is None:
            browser.recorder.error("screening start", "no run page after starting a round")
        else:
            browser.get("screening run page", url("screening:run", pk))

            def ended(pk: int = pk) -> str | None:
                status = ScreeningRun.objects.filter(pk=pk).values_list("status", flat=True).get()
                return None if status == RunStatus.RUNNING else status

            status = _wait_job(
                browser, "screening progress", url("screening:run_progress", pk), ended, deadline + 600
            )
            rounds += 1
            if status != RunStatus.DONE:
                browser.recorder.error("screening round", f"run {pk} ended {status}")
            else:
                began, ended_at = (
                    ScreeningRun.objects.filter(pk=pk).values_list("started_at", "finished_at").get()
                )
                if ended_at is not None:
                    browser.recorder.time("screening round (job)", (ended_at - began).total_seconds() * 1000)
        time.sleep(max(0.0, min(every - (time.monotonic() - started_at), deadline - time.monotonic())))
    return rounds


def _workbook(village: str, households: int, serial: int) -> bytes:
    from tests.factories import id_number_for
    from tests.transfer.workbook_builder import member_rows, workbook, year_rows

    from zhenxing.registry.identity import lookup_index
    from zhenxing.registry.models import Person

    run = f"{int(time.time()) % 100_000:05d}{serial}"
    rows = member_rows(village, households, code_prefix=f"K{run}", id_county="530102", seed=int(run))
    taken = {row["证件号码"] for row in rows}
    taken |= set(
        Person.objects.filter(id_number_index__in=[lookup_index(n) for n in taken]).values_list(
            "id_number_index", flat=True
        )
    )
    rng = random.Random(run)
    by_index = {lookup_index(row["证件号码"]): row for row in rows}
    for index in taken & set(by_index):  # an ID someone already holds: a fresh one, same birth date and sex
        row = by_index[index]
        while (number := id_number_for("530102", row["出生日期"], rng.randrange(500, 999))) in taken:
            pass
        row["证件号码"] = number
    return workbook(rows, year_rows(rows))


def import_loop(
    browser: Browser, world: World, deadline: float, every: float, first: float, households: int
) -> int:
    from zhenxing.transfer.models import ImportBatch, ImportStatus

    imports = 0
    time.sleep(first)
    while time.monotonic() < deadline:
        started_at = time.monotonic()
        imports += 1
        content = _workbook(world.import_village, households, imports)
        answer = browser.upload(
            "import upload", url("transfer:list"), "file", f"soak-{imports}.xlsx", content
        )
        pk = landed(answer, "transfer:batch")
        if pk is None:
            browser.recorder.error("import upload", "no batch page after the upload")
        else:
            browser.get("import batch page", url("transfer:batch", pk))
            browser.post("import confirm", url("transfer:confirm", pk), {})

            def ended(pk: int = pk) -> str | None:
                status = ImportBatch.objects.filter(pk=pk).values_list("status", flat=True).get()
                return None if status in (ImportStatus.QUEUED, ImportStatus.RUNNING) else status

            status = _wait_job(
                browser, "import progress", url("transfer:progress", pk), ended, deadline + 600
            )
            if status != ImportStatus.DONE:
                browser.recorder.error("import", f"batch {pk} ended {status}")
        time.sleep(max(0.0, min(every - (time.monotonic() - started_at), deadline - time.monotonic())))
    return imports


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _rss_kb(pid: int) -> int | None:
    try:
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def processes(serve: int) -> dict[int, str]:
    """serve's gunicorn workers ("gunicorn worker") and its job worker ("job worker"), by pid."""
    found = {}
    for child in _children(serve):
        line = _cmdline(child)
        if "gunicorn" in line:
            found.update(dict.fromkeys(_children(child), "gunicorn worker"))
        elif "db_worker" in line:
            found[child] = "job worker"
    return found


def memory_loop(
    serve: int, recorder: Recorder, samples: list[tuple[float, int, str, int]], deadline: float
) -> None:
    while time.monotonic() < deadline:
        now = time.monotonic() - recorder.started
        for pid, kind in processes(serve).items():
            if (rss := _rss_kb(pid)) is not None:
                samples.append((now, pid, kind, rss))
        time.sleep(5.0)


def start_server(port: int, workers: int, threads: int, log: Path) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "zhenxing.cli", "serve", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads)]  # fmt: skip
    server = subprocess.Popen(argv, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/").read()
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"the server did not answer on port {port}: see {log}")


def reference(base: str, world: World, count: int) -> dict[str, float]:
    """Each browsing route's p50 for one user alone on the same server, warm (the figure the load is held to)."""
    recorder = Recorder()
    browser = Browser(base, recorder)
    browser.login("bench_county")
    rng = random.Random(3)
    for _ in range(count):
        browser.get(
            "search", url("registry:search") + "?" + urllib.parse.urlencode({"name": rng.choice(SURNAMES)})
        )
        pk = rng.choice(world.household_ids)
        browser.get("household", url("registry:household", pk))
    return {route: percentile(values[count // 5 :], 0.5) for route, values in recorder.timings.items()}


def database_settings() -> str:
    from django.db import connection

    names = ("shared_buffers", "effective_cache_size", "work_mem", "random_page_cost", "jit", "max_connections",
             "max_parallel_workers_per_gather", "effective_io_concurrency")  # fmt: skip
    with connection.cursor() as cursor:
        shown = []
        for name in names:
            cursor.execute(f"SHOW {name}")
            shown.append(f"{name}={cursor.fetchone()[0]}")
    return ", ".join(shown)


def tune_database() -> None:
    """ALTER DATABASE … SET the per-database settings of docs/postgresql.md (new connections take them)."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        for setting, value in PER_DATABASE.items():
            cursor.execute(f'ALTER DATABASE "{name}" SET {setting} = %s', [value])
    connection.close()


def memory_report(samples: list[tuple[float, int, str, int]], seconds: float) -> list[str]:
    lines = []
    for kind in ("gunicorn worker", "job worker"):
        pids = sorted({pid for _, pid, k, _ in samples if k == kind})
        for pid in pids:
            mine = [(t, rss) for t, p, _, rss in samples if p == pid]
            first = [rss for t, rss in mine if t < 60 + mine[0][0]]
            last = [rss for t, rss in mine if t >= mine[-1][0] - 60]
            if mine[-1][0] - mine[0][0] < seconds - 90:
                lines.append(f"  {kind} {pid}: {len(mine)} samples (did not live the whole run)")
                continue
            a, b = sum(first) / len(first) / 1024, sum(last) / len(last) / 1024
            lines.append(
                f"  {kind} {pid}: first minute {a:.1f} MB, last minute {b:.1f} MB ({(b - a) / a * 100:+.1f}%), "
                f"peak {max(rss for _, rss in mine) / 1024:.1f} MB"
            )
    return lines


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=50, help="county staff searching and opening households")
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn workers (docs/postgresql.md: 2 cores)"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--year", type=int, default=2025, help="the registry's year (income, feeds)")
    parser.add_argument("--no-panels", action="store_true", help="household page without its three panels")
    parser.add_argument("--feed-rows", type=int, default=1000)
    parser.add_argument("--import-households", type=int, default=100, help="households per imported workbook")
    parser.add_argument("--job-every", type=float, default=240.0, help="seconds between rounds, and imports")
    parser.add_argument(
        "--tune-database", action="store_true", help="ALTER DATABASE SET docs/postgresql.md's"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL clone of the scale-1 bench database")
    world = prepare(args.year)
    if args.tune_database:
        tune_database()
    print(f"database: {database_settings()}")
    print(f"households in {COUNTY}: {len(world.household_ids)}; case village {world.village}")
    log = Path(os.environ.get("ZHENXING_VAR_DIR", ROOT / "var")) / "soak-server.log"
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(args.port, args.workers, args.threads, log)
    print(f"server: {args.workers} gunicorn workers × {args.threads} threads + the job worker (log {log})")
    try:
        quiet = reference(base, world, 50)
        print(f"before: {_uptime()}")
        run(base, world, args, server.pid, quiet)
        print(f"after: {_uptime()}")
    finally:
        server.terminate()
        server.wait(timeout=60)


def run(base: str, world: World, args: argparse.Namespace, serve: int, quiet: dict[str, float]) -> None:
    from django.db import connections

    seconds = args.minutes * 60
    recorder = Recorder()
    browsers = []
    for _ in range(args.users):  # logged in before the clock starts: 50 Argon2 checks are not the load
        browsers.append(Browser(base, recorder))
        browsers[-1].login("bench_county")
    cadre, rounds, importer = Browser(base, recorder), Browser(base, recorder), Browser(base, recorder)
    cadre.login("soak_village")
    rounds.login("bench_county")
    importer.login("bench_county")
    samples: list[tuple[float, int, str, int]] = []
    recorder.started = time.monotonic()
    deadline = recorder.started + seconds
    counts: dict[str, int] = {}

    def jobs(name: str, loop: Callable[..., int], *loop_args: Any) -> Callable[[], None]:
        def body() -> None:
            try:
                counts[name] = loop(*loop_args)
            finally:
                connections.close_all()

        return body

    panels = not args.no_panels
    threads = [
        *(threading.Thread(target=browse_loop, args=(b, world, deadline, i, panels)) for i, b in enumerate(browsers)),
        threading.Thread(target=case_loop, args=(cadre, world, deadline)),
        threading.Thread(target=feed_loop, args=(base, recorder, world, deadline, 60.0, args.feed_rows)),
        threading.Thread(target=jobs("rounds", screening_loop, rounds, deadline, args.year, args.job_every, min(30.0, seconds * 0.1))),
        threading.Thread(target=jobs("imports", import_loop, importer, world, deadline, args.job_every, min(90.0, seconds * 0.3),
                                     args.import_households)),
        threading.Thread(target=memory_loop, args=(serve, recorder, samples, deadline)),
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - recorder.started
    total_errors = sum(len(v) for v in recorder.errors.values())
    print(f"soak: {elapsed / 60:.1f} min, {args.users} browsing users, {counts}; errors {total_errors}")
    for route, values in sorted(recorder.timings.items(), key=lambda item: -len(item[1])):
        p95 = percentile(values, 0.95)
        ratio = f", {p95 / quiet[route]:.1f}× one user's p50 {quiet[route]:.1f} ms" if route in quiet else ""
        goal = f" (goal <= {GOAL_MS:.0f} ms)" if route in ("search", "household") else ""
        print(
            f"  {route}: n={len(values)} p50={percentile(values, 0.5):.1f} ms p95={p95:.1f} ms{goal} "
            f"max={max(values):.0f} ms errors={len(recorder.errors.get(route, []))}{ratio}"
        )
    for route, errors in recorder.errors.items():
        if route not in recorder.timings:
            print(f"  {route}: errors={len(errors)}")
        for error in errors[:5]:
            print(f"    {route}: {error}")
    print("memory (RSS from /proc, every 5 s):")
    for line in memory_report(samples, seconds):
        print(line)


if __name__ == "__main__":
    main()
