"""Every page, as every role that opens it, on a phone (375 x 740) and a desktop (1280 x 800) — issue 15's
"checked in a real browser": each page loads (200), does not scroll sideways, squeezes no text into a table
cell narrower than 48 px, shows no untranslated English word or raw code, and axe-core finds no critical or
serious violation. Every page at both widths is saved to the screenshot gallery (smoke_gallery.py).

The data is the demo's own scenario (smoke_world.py), built once for the module on a live server of the
module's own: the session's live_server fixture would flush the tables after every test. Which routes are
pages, and who opens them, is smoke_routes.py; a route in neither its PAGES nor its EXEMPT fails the first test.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection
from django.test import Client, override_settings
from django.test.signals import template_rendered
from django.test.utils import setup_databases, teardown_databases
from playwright.sync_api import Browser, ConsoleMessage, Page

from .conftest import EXPECTED_CONSOLE, RECORD_VIOLATIONS
from .smoke_checks import Result, axe_source, check_page, run_axe
from .smoke_gallery import gallery_folder, gallery_reset, gallery_write, shot_name
from .smoke_routes import PAGES, PUBLIC, route_names, unlisted_routes, visits_for
from .smoke_world import ROLES, World, world_build

pytestmark = pytest.mark.e2e

WIDTHS = ((375, 740), (1280, 800))


def test_every_route_is_visited_or_exempt() -> None:
    # every GET route is either opened by the smoke run or exempt with its reason
    assert unlisted_routes() == [], "add these routes to PAGES or EXEMPT in tests/e2e/smoke_routes.py"
    # and no page listed is a route that no longer exists
    names = {name for name, _ in route_names()}
    assert sorted(set(PAGES) - names) == []


class Site:
    def __init__(self, url: str, world: World, folder: Path) -> None:
        self.url, self.world, self.folder = url, world, folder
        self.results: list[Result] = []
        self.seconds: dict[str, float] = {}  # where the time goes: load, checks, axe, screenshot
        self.templates: dict[str, list[str]] = {}  # request path -> the templates it rendered, page's first
        self.started = time.perf_counter()

    def on_template(self, sender: object, template: Any, context: Any, **kwargs: Any) -> None:
        """Django's test instrumentation (django.test.signals.template_rendered, in the server's threads too)
        names the template behind each page, so that a finding names the file to fix."""
        request = getattr(context, "request", None)
        if request is not None and template.name:
            names = self.templates.setdefault(request.get_full_path(), [])
            if template.name not in names:
                names.append(template.name)


@contextmanager
def _test_database() -> Iterator[None]:
    """pytest-django sets up the test database only when a selected test is marked for it: these tests are not
    (a marked test's tables are flushed or rolled back after it, and the data here lives for the module), so
    when they run alone, set it up here."""
    if connection.settings_dict["NAME"] == connection.creation._get_test_db_name():  # type: ignore[attr-defined]
        yield
        return
    databases = setup_databases(verbosity=0, interactive=False, aliases={DEFAULT_DB_ALIAS})  # type: ignore[arg-type]
    try:
        yield
    finally:
        teardown_databases(databases, verbosity=0)


@pytest.fixture(scope="module")
def site(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    from pytest_django.live_server_helper import LiveServer

    var = tmp_path_factory.mktemp("smoke-var")
    folder = gallery_folder(connection.vendor)
    gallery_reset(folder)
    with (
        django_db_blocker.unblock(),
        _test_database(),
        override_settings(ZHENXING_VAR_DIR=var, MEDIA_ROOT=var / "media"),
    ):
        started = time.perf_counter()
        world = world_build()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        smoke = Site(server.url, world, folder)
        smoke.started = started
        smoke.seconds["data"] = time.perf_counter() - started
        template_rendered.connect(smoke.on_template)
        try:
            yield smoke
        finally:
            template_rendered.disconnect(smoke.on_template)
            seconds = time.perf_counter() - smoke.started
            print("\n" + gallery_write(folder, connection.vendor, smoke.results, seconds, smoke.seconds))
            server._live_server_modified_settings.disable()
            server.stop()
            from zhenxing.screening.snapshot import snapshot_wait

            snapshot_wait()
            # leave the tables as a transactional test does
            call_command("flush", interactive=False, verbosity=0)


def _session_cookie(site: Site, role: str) -> dict[str, str]:
    if role == PUBLIC:  # a visitor who has just applied: the 已提交 page reads the code from the session
        store = SessionStore()
        store["portal_code"] = site.world.tracking_code
        store.create()
        key = store.session_key
    else:
        client = Client()
        client.force_login(site.world.users[role])
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert key
    return {"name": settings.SESSION_COOKIE_NAME, "value": key, "url": site.url}


@contextmanager
def _timed(site: Site, step: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    site.seconds[step] = site.seconds.get(step, 0.0) + time.perf_counter() - started


def _visit(
    page: Page, site: Site, role: str, route: str, label: str, path: str, expected: int, problems: list[str]
) -> None:
    site.templates.pop(path, None)
    with _timed(site, "load"):
        response = page.goto(site.url + path, wait_until="load")
    templates = [name for name in site.templates.get(path, []) if name != "base.html"]
    status = response.status if response is not None else 0
    for n, (width, height) in enumerate(WIDTHS):
        if n:  # the same page laid out again at the next width: the CSS's media queries decide, not a reload
            page.set_viewport_size({"width": width, "height": height})
        result = Result(role, route, label, path, width, status, templates=templates)
        if expected == 302:  # a redirect, followed: the page it lands on must load
            if status != 200 or page.url.rstrip("/") == (site.url + path).rstrip("/"):
                result.problems.append(f"expected a redirect to a page, got status {status} at {page.url}")
        elif status != expected:
            result.problems.append(
                f"status {status}" + (f" (expected {expected})" if expected != 200 else "")
            )
        elif page.url.rstrip("/") != (site.url + path).split("?")[0].rstrip("/"):
            result.problems.append(f"redirected to {page.url.removeprefix(site.url)}")
        # the browser's own report of a status says it again
        problems[:] = [p for p in problems if f"status of {status}" not in p]
        with _timed(site, "checks"):
            check_page(page, result)
        with _timed(site, "axe"):
            run_axe(page, result)
        result.problems.extend(problems)
        result.screenshot = shot_name(result)
        with _timed(site, "screenshot"):
            page.screenshot(path=site.folder / result.screenshot, full_page=True)
        site.results.append(result)
    problems.clear()
    page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})


@pytest.mark.parametrize("role", [PUBLIC, *ROLES])
def test_every_page_at_phone_and_desktop_width(browser: Browser, site: Site, role: str) -> None:
    visits = visits_for(site.world, role)
    assert visits, f"no page for {role}"
    context = browser.new_context(
        viewport={"width": WIDTHS[0][0], "height": WIDTHS[0][1]}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.add_init_script(RECORD_VIOLATIONS)
    context.add_init_script(axe_source())
    context.add_cookies([_session_cookie(site, role)])  # type: ignore[list-item]
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []  # console errors and CSP violations of the page being visited

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not EXPECTED_CONSOLE.match(message.text):
            problems.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    first = len(site.results)
    try:
        for route, label, path, expected in visits:
            _visit(page, site, role, route, label, path, expected, problems)
    finally:
        context.close()
    failing = [
        f"{r.path} @{r.width}px ({r.route} {r.label}): {p}" for r in site.results[first:] for p in r.problems
    ]
    assert not failing, f"{len(failing)} problems on {role}'s pages:\n" + "\n".join(failing)
