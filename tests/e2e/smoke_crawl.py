"""The smoke run's browser side: open every page of a role at 375 then 1280 px, check it (smoke_checks.py) and
save its screenshots. Roles are crawled by worker threads, each with a Playwright and a Chromium of its own (the
sync API is bound to its thread); the workers only speak HTTP to the live server, never the ORM.

Two workers by default (ZHENXING_SMOKE_WORKERS overrides): the browsers lay out, run axe-core and take
screenshots side by side. On SQLite the test database lives in memory and the live server's request threads all
share its one connection, so there the server answers one request at a time (SerialWSGIServer) while the
browsers still work in parallel.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.urls import Resolver404, resolve
from playwright.sync_api import ConsoleMessage, Page, sync_playwright

from .conftest import CHROMIUM, CHROMIUM_ARGS, EXPECTED_CONSOLE, RECORD_VIOLATIONS
from .smoke_checks import Result, axe_source, check_page, run_axe
from .smoke_gallery import shot_name

WIDTHS = ((375, 740), (1280, 800))
# htmx at work: a request in flight or a swap still settling (a panel loaded on "load" arrives after the load
# event; the page's own script finishes with it once it has settled)
HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"
Visit = tuple[str, str, str, int]  # route name, label, path, expected status


@dataclass
class RoleRun:
    results: list[Result] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # load, checks, axe, screenshot
    error: str = ""  # the crawl itself broke (a timeout, a browser crash): the role's test reports it


class Templates:
    """Which templates each page rendered, from Django's test instrumentation (template_rendered fires in the
    server's threads too), keyed by the session cookie and path so that two workers do not mix their pages."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], list[str]] = {}
        self._lock = threading.Lock()

    def on_render(self, sender: object, template: Any, context: Any, **kwargs: Any) -> None:
        request = getattr(context, "request", None)
        if request is None or not template.name:
            return
        key = (request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""), request.get_full_path())
        with self._lock:
            names = self._seen.setdefault(key, [])
            if template.name not in names:
                names.append(template.name)

    def forget(self, session: str, path: str) -> None:
        with self._lock:
            self._seen.pop((session, path), None)

    def of(self, session: str, path: str) -> list[str]:
        with self._lock:
            return [name for name in self._seen.get((session, path), []) if name != "base.html"]


@dataclass(frozen=True)
class Job:
    role: str
    cookie: dict[str, str]
    visits: list[Visit]


@contextmanager
def _timed(run: RoleRun, step: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    run.seconds[step] = run.seconds.get(step, 0.0) + time.perf_counter() - started


def _status_problem(status: int, expected: int, url: str, asked: str) -> str:
    if expected == 302:  # a redirect, followed: the page it lands on must load
        if status != 200 or urlsplit(url).path.rstrip("/") == urlsplit(asked).path.rstrip("/"):
            return f"expected a redirect to a page, got status {status} at {url}"
        return ""
    if status != expected:
        return f"status {status}" + (f" (expected {expected})" if expected != 200 else "")
    if urlsplit(url).path.rstrip("/") != urlsplit(asked).path.rstrip("/"):
        return f"redirected to {url}"
    return ""


def _visit(  # one page at both widths
    page: Page, base: str, folder: Path, templates: Templates, job: Job, visit: Visit, run: RoleRun,
    problems: list[str],
) -> None:  # fmt: skip
    route, label, path, expected = visit
    session = job.cookie["value"]
    templates.forget(session, path)
    with _timed(run, "load"):
        response = page.goto(base + path, wait_until="load")
    status = response.status if response is not None else 0
    with _timed(run, "load"):
        page.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})", polling=50)
    seen = templates.of(session, path)
    for n, (width, height) in enumerate(WIDTHS):
        if n:  # the same page laid out again at the next width: the CSS's media queries decide, not a reload
            page.set_viewport_size({"width": width, "height": height})
        result = Result(job.role, route, label, path, width, status, templates=seen)
        wrong = _status_problem(status, expected, page.url, base + path)
        if wrong:
            result.problems.append(wrong.replace(base, ""))
        # the browser's own report of a status says it again
        problems[:] = [p for p in problems if f"status of {status}" not in p]
        with _timed(run, "checks"):
            check_page(page, result)
        with _timed(run, "axe"):
            run_axe(page, result)
        result.problems.extend(problems)
        result.screenshot = shot_name(result)
        with _timed(run, "screenshot"):
            page.screenshot(path=folder / result.screenshot, full_page=True)
        run.results.append(result)
    problems.clear()
    page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})


def _crawl_role(browser: Any, base: str, folder: Path, templates: Templates, job: Job) -> RoleRun:
    run = RoleRun()
    context = browser.new_context(
        viewport={"width": WIDTHS[0][0], "height": WIDTHS[0][1]}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.add_init_script(RECORD_VIOLATIONS)
    context.add_init_script(axe_source())
    context.add_cookies([job.cookie])
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []  # console errors and CSP violations of the page being visited

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not EXPECTED_CONSOLE.match(message.text):
            problems.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    try:
        todo = list(job.visits)
        while todo:
            visit = todo.pop(0)
            _visit(page, base, folder, templates, job, visit, run, problems)
            if visit[0] == "home":  # what the home page's to-dos open, one of each kind, next
                todo[:0] = _from_home(page, base, [*job.visits, *todo])
    except Exception:  # reported by the role's test, not lost in a thread
        run.error = traceback.format_exc()
    finally:
        context.close()
    return run


HOME_LINKS_MAX = 8  # a role's home page links per list and filter kind; one of each is opened


def _from_home(page: Page, base: str, planned: list[Visit]) -> list[Visit]:
    """The filtered lists the home page's tiles and rankings link to (issue 15: a to-do one click away), one
    per route and set of filter names, that the planned visits do not already open."""
    hrefs: list[str] = page.evaluate(
        "() => [...document.querySelectorAll('main a[href]')].map((a) => a.href)"
    )
    shapes = {(path.split("?")[0], "") for _, _, path, _ in planned}
    found: list[Visit] = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or not parts.query:
            continue
        shape = (parts.path, ",".join(sorted(parse_qs(parts.query))))
        if shape in shapes:
            continue
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        shapes.add(shape)
        found.append((str(match.view_name), f"home ?{parts.query}", f"{parts.path}?{parts.query}", 200))
    return found[:HOME_LINKS_MAX]


def workers() -> int:
    return max(1, int(os.environ.get("ZHENXING_SMOKE_WORKERS") or 2))


class SerialWSGIServer(WSGIServer):
    """The live server answering one request at a time, in its own thread (where LiveServerThread set the shared
    in-memory SQLite connection): no two requests use that connection at once. Django closes each HTTP
    connection of a server without threads, so a browser's kept-alive connection does not hold it."""

    request_queue_size = 64  # two browsers open several connections each; a short backlog would stall them

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


def crawl(base: str, folder: Path, templates: Templates, jobs: list[Job], workers: int) -> dict[str, RoleRun]:
    """Every job's role crawled by `workers` threads, the longest roles first."""
    todo: queue.Queue[Job] = queue.Queue()
    for job in sorted(jobs, key=lambda job: -len(job.visits)):
        todo.put(job)
    runs: dict[str, RoleRun] = {}

    def work() -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                while True:
                    try:
                        job = todo.get_nowait()
                    except queue.Empty:
                        return
                    runs[job.role] = _crawl_role(browser, base, folder, templates, job)
            finally:
                browser.close()

    threads = [threading.Thread(target=work, name=f"smoke-{n}") for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for job in jobs:  # a worker that died before its job (the browser would not start) says so
        runs.setdefault(job.role, RoleRun(error="no worker crawled this role (see the log)"))
    return runs
