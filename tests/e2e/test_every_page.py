"""Every page, as every role that opens it, on a phone (375 x 740) and a desktop (1280 x 800) — issue 15's
"checked in a real browser": each page loads (200), does not scroll sideways, squeezes no text into a table
cell narrower than 48 px, shows no untranslated English word or raw code, and axe-core finds no critical or
serious violation. Every page at both widths is saved to the screenshot gallery (smoke_gallery.py).

The data is the demo's own scenario (smoke_world.py), built once for the module on a live server of the
module's own: the session's live_server fixture would flush the tables after every test. The module's fixture
crawls every role (smoke_crawl.py, two browsers at once); each role's test then reports its
pages' problems. Which routes are pages, and who opens them, is smoke_routes.py; a route in neither its PAGES
nor its EXEMPT fails the first test.
"""

from __future__ import annotations

import os
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection
from django.test import Client, override_settings
from django.test.signals import template_rendered
from django.test.utils import setup_databases, teardown_databases

from .conftest import CHROMIUM, _chromium_available
from .smoke_crawl import Job, RoleRun, SerialWSGIServer, Templates, crawl, workers
from .smoke_gallery import gallery_folder, gallery_reset, gallery_write
from .smoke_routes import PAGES, PUBLIC, route_names, unlisted_routes, visits_for
from .smoke_world import ROLES, World, world_build

pytestmark = pytest.mark.e2e


def test_every_route_is_visited_or_exempt() -> None:
    # every GET route is either opened by the smoke run or exempt with its reason
    assert unlisted_routes() == [], "add these routes to PAGES or EXEMPT in tests/e2e/smoke_routes.py"
    # and no page listed is a route that no longer exists
    names = {name for name, _ in route_names()}
    assert sorted(set(PAGES) - names) == []


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
        try:
            if connection.vendor == "postgresql":
                _end_other_sessions()
            teardown_databases(databases, verbosity=0)
        except Exception as error:  # as pytest-django does: a test database left behind is not a failure
            warnings.warn(f"could not drop the test database: {error!r}", stacklevel=1)


def _end_other_sessions() -> None:
    """A live server thread can end without closing its PostgreSQL connection (seen: one idle session left
    after the crawl), and DROP DATABASE refuses while it is open. The test database is ours alone by now."""
    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(f"SELECT count(*) {others}")
            if not cursor.fetchone()[0]:
                return
            cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")
            time.sleep(0.1)  # a terminated backend takes a moment to go


def _session_cookie(url: str, world: World, role: str) -> dict[str, str]:
    if role == PUBLIC:  # a visitor who has just applied: the 已提交 page reads the code from the session
        store = SessionStore()
        store["portal_code"] = world.tracking_code
        store.create()
        key = store.session_key
    else:
        client = Client()
        client.force_login(world.users[role])
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert key
    return {"name": settings.SESSION_COOKIE_NAME, "value": key, "url": url}


@dataclass
class Smoke:
    world: World
    runs: dict[str, RoleRun]


@pytest.fixture(scope="module")
def smoke(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Smoke]:
    from pytest_django.live_server_helper import LiveServer

    if not _chromium_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but no browser at {CHROMIUM}: install Debian's chromium")
        pytest.skip(f"no browser at {CHROMIUM} (apt-get install chromium)")
    var = tmp_path_factory.mktemp("smoke-var")
    folder = gallery_folder(connection.vendor)
    gallery_reset(folder)
    templates = Templates()
    with (
        django_db_blocker.unblock(),
        _test_database(),
        override_settings(ZHENXING_VAR_DIR=var, MEDIA_ROOT=var / "media"),
    ):
        started = time.perf_counter()
        world = world_build()
        server = LiveServer("localhost", start=False)
        if getattr(connection, "is_in_memory_db", lambda: False)():
            server.thread.server_class = SerialWSGIServer  # type: ignore[assignment]
        server.start()
        server._live_server_modified_settings.enable()
        template_rendered.connect(templates.on_render)
        try:
            jobs = [
                Job(role, _session_cookie(server.url, world, role), visits_for(world, role))
                for role in _selected_roles(request)
            ]
            built = time.perf_counter() - started
            runs = crawl(server.url, folder, templates, jobs, workers())
            seconds = {"data": built, **_summed(runs)}
            results = [result for job in jobs for result in runs[job.role].results]
            print(
                "\n"
                + gallery_write(folder, connection.vendor, results, time.perf_counter() - started, seconds)
            )
            yield Smoke(world, runs)
        finally:
            template_rendered.disconnect(templates.on_render)
            server._live_server_modified_settings.disable()
            server.stop()
            _requests_finished()
            from zhenxing.screening.snapshot import snapshot_wait

            snapshot_wait()
            # leave the tables as a transactional test does
            call_command("flush", interactive=False, verbosity=0)


def _selected_roles(request: pytest.FixtureRequest) -> list[str]:
    """The roles whose test runs (-k may pick some): only those are crawled."""
    chosen = {
        item.callspec.params["role"]
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_every_page_at_phone_and_desktop_width"
        and hasattr(item, "callspec")
    }
    return [role for role in (PUBLIC, *ROLES) if role in chosen]


def _requests_finished(timeout: float = 10.0) -> None:
    """Stopping the live server does not wait for its request threads (daemons); one that still serves a
    browser's kept-alive connection holds a database connection, and the test database could not be dropped."""
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(max(0.0, deadline - time.monotonic()))


def _summed(runs: dict[str, RoleRun]) -> dict[str, float]:
    total: dict[str, float] = {}
    for run in runs.values():
        for step, spent in run.seconds.items():
            total[step] = total.get(step, 0.0) + spent
    return total


@pytest.mark.parametrize("role", [PUBLIC, *ROLES])
def test_every_page_at_phone_and_desktop_width(smoke: Smoke, role: str) -> None:
    run = smoke.runs[role]
    assert not run.error, f"the crawl of {role}'s pages broke:\n{run.error}"
    assert run.results, f"no page for {role}"
    failing = [f"{r.path} @{r.width}px ({r.route} {r.label}): {p}" for r in run.results for p in r.problems]
    assert not failing, f"{len(failing)} problems on {role}'s pages:\n" + "\n".join(failing)


SELF_TEST_PAGE = """<!doctype html><html lang="zh-CN"><head><title>自检</title></head><body><main>
<h1>自检</h1><p>状态：True，第 1 of 2 页，county_decision</p>
<div style="width: 600px">宽</div>
<table><tr><td style="width: 20px; max-width: 20px">本环节期限</td><td>正常</td></tr></table>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p>字段 <code>out_of_pocket</code>（个人自付）</p>
</main></body></html>"""


def test_the_checks_catch_what_they_look_for(browser: Any) -> None:
    """The harness itself: a page with one of each problem is caught on each count, and a field name in
    <code> is not (this page is set as content, outside any CSP)."""
    from .smoke_checks import Result, axe_source, check_page, run_axe

    context = browser.new_context(viewport={"width": 375, "height": 740})
    try:
        page = context.new_page()
        page.set_content(SELF_TEST_PAGE)
        page.evaluate(axe_source())
        result = Result("self", "self", "", "/", 375, 200)
        check_page(page, result)
        run_axe(page, result)
    finally:
        context.close()
    found = "\n".join(result.problems)
    assert "horizontal scroll: " in found
    assert 'cell narrower than 48px: td "本环节期限"' in found
    assert "untranslated: True, county_decision, of" in found
    assert "axe critical: image-alt" in found
    assert "out_of_pocket" not in found
