"""Issue 13 B: every page works under the Content-Security-Policy. For each role, a crawler opens every page it
can reach from the navigation and from list → detail links, in Chromium, with the page fixture recording
every CSP violation, console error and uncaught exception (any one fails the test); the pages with script
(htmx tree, portal pickers, the API docs) are also used, not only opened."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role
from zhenxing.common import clock
from zhenxing.common.csp import POLICY
from zhenxing.monitoring.identification import services
from zhenxing.registry.models import Household

from ..conftest import COUNTY, PREFECTURE, TOWNSHIP, VILLAGE
from ..factories import make_household, make_user
from ..monitoring.helpers import START, posted_notice, to_review
from ..monitoring.test_uploads import image_bytes
from .test_registry_flow import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SKIP = re.compile(
    r"(\.xlsx$|/pdf/$|/accounts/logout|/admin/logout|/admin/.*/(delete|history)/|/api/v1/(?!docs))"
)
PAGES_PER_SHAPE = 1  # /cases/1/ and /cases/2/ are the same page: one of each shape is enough
PAGES_PER_ROLE = 60
ADMIN_PAGES = 25  # Django's admin: its list, change and add pages of a few models stand for the rest


def _world() -> dict[str, str]:
    """Users of every role and enough data that lists have rows to open: cases at review with a posted notice,
    a confirmed one, a visit photo."""
    clock.travel_to(START)
    users = {
        "village": make_user(Role.VILLAGE, VILLAGE, username="csp-village"),
        "township": make_user(Role.TOWNSHIP, TOWNSHIP, username="csp-township"),
        "county": make_user(Role.COUNTY, COUNTY, username="csp-county"),
        "prefecture": make_user(Role.PREFECTURE, PREFECTURE, username="csp-prefecture"),
        "department": make_user(Role.DEPARTMENT, department="medical_insurance", username="csp-department"),
        "admin": make_user(Role.ADMIN, username="csp-admin"),
    }
    households = [make_household(VILLAGE, code=f"532926101202C{n:04d}") for n in range(2)]
    cases = [to_review(users, household) for household in households if isinstance(household, Household)]
    posted_notice(users, cases)
    visit = cases[0].visits.first()
    services.attachments_add(
        actor=users["village"], case=cases[0], visit=visit,
        files=[SimpleUploadedFile("门前.png", image_bytes("PNG", (40, 30)), content_type="image/png")],
    )  # fmt: skip
    return {role: user.username for role, user in users.items()}


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(path).path) + ("?" if "?" in path else "")


def _crawl(page: Page, base: str, starts: list[str]) -> list[str]:
    """Open every same-origin page reachable from `starts`; answer the paths opened."""
    queue, seen, opened = list(starts), set(), []
    shapes: Counter[str] = Counter()
    while queue and len(opened) < PAGES_PER_ROLE:
        path = queue.pop(0)
        if path in seen or SKIP.search(path) or shapes[_shape(path)] >= PAGES_PER_SHAPE:
            continue
        if path.startswith("/admin/") and sum(p.startswith("/admin/") for p in opened) >= ADMIN_PAGES:
            continue
        seen.add(path)
        probe = page.request.get(base + path, max_redirects=0)
        if probe.status in (301, 302) or "text/html" not in probe.headers.get("content-type", ""):
            continue  # a redirect is followed when its target is linked; a download is not a page
        assert probe.headers.get("content-security-policy") == POLICY, path
        shapes[_shape(path)] += 1
        try:
            page.goto(base + path)
            page.wait_for_load_state("networkidle", timeout=5_000)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue
            if "Timeout" not in str(error):  # a page that polls (an import's progress) never goes idle
                raise
        opened.append(path)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urlsplit(urljoin(page.url, href))
            if target.scheme in ("http", "https") and f"{target.scheme}://{target.netloc}" == base:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return opened


def test_the_detector_catches_a_violation(
    live_server: object, page: Page, browser_problems: list[str]
) -> None:
    """The page fixture's recorder works: an inline script injected into a real page is blocked and recorded."""
    page.goto(f"{live_server}/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    assert any("CSP violation: script-src" in problem for problem in browser_problems), browser_problems
    browser_problems.clear()


@pytest.mark.parametrize("role", ["village", "township", "county", "prefecture", "department", "admin"])
def test_every_page_a_role_reaches_runs_under_the_policy(live_server: object, page: Page, role: str) -> None:
    usernames = _world()
    base = str(live_server)
    _login(page, base, usernames[role])
    nav = page.eval_on_selector_all("nav.mainnav a[href]", "links => links.map(a => a.getAttribute('href'))")
    opened = _crawl(page, base, ["/", *nav])
    assert len(opened) >= len(nav)
    if role == "village":  # list → detail reached: a case, its notice
        assert any(re.fullmatch(r"/cases/\d+/", path) for path in opened), opened
        assert any(re.fullmatch(r"/cases/notices/\d+/", path) for path in opened), opened


def test_the_public_pages_and_the_api_docs_run_under_the_policy(live_server: object, page: Page) -> None:
    base = str(live_server)
    opened = _crawl(page, base, ["/accounts/login/", "/apply/", "/apply/status/", "/api/v1/docs"])
    assert {"/accounts/login/", "/apply/", "/apply/status/", "/api/v1/docs"} <= set(opened)
    page.goto(f"{base}/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()  # Swagger UI rendered its operations
    page.goto(f"{base}/apply/")
    page.locator("#county").select_option(COUNTY)  # the pickers' script (a static file) runs
    page.locator("#township").select_option(TOWNSHIP)
    expect(page.locator("#id_village option")).not_to_have_count(1)


def test_scripted_pieces_work_under_the_policy(
    live_server: object, page: Page, browser_problems: list[str]
) -> None:
    usernames = _world()
    base = str(live_server)
    _login(page, base, usernames["county"])
    page.goto(f"{base}/divisions/")
    expand = page.get_by_role("button", name="展开 南涧彝族自治县")
    expand.click()
    expect(page.locator('[data-code="532926101"]')).to_be_visible()  # htmx swapped the townships in
    expect(expand).to_be_disabled()  # data-disable-once (was an inline onclick)
    assert page.evaluate("() => document.querySelectorAll('style').length") == 0  # htmx injected no <style>
    # a visit photo opens inline, in its sandbox, and shows
    page.context.clear_cookies()
    _login(page, base, usernames["village"])
    page.goto(f"{base}/cases/")
    page.get_by_test_id("case-list").get_by_role("link").first.click()
    link = page.get_by_role("link", name="门前.png")
    response = page.request.get(base + str(link.get_attribute("href")))
    assert (
        response.headers["content-type"] == "image/png"
        and response.headers["x-content-type-options"] == "nosniff"
    )
    assert response.headers["content-security-policy"].startswith("sandbox")
    page.goto(base + str(link.get_attribute("href")))
    assert page.evaluate("() => document.images[0] && document.images[0].naturalWidth") == 40
    # Chromium's own image viewer tries an inline style and a script of its own: the sandbox refuses both,
    # as it should for a stored file. Those refusals are the only messages on the file's address.
    on_file = [problem for problem in browser_problems if "/cases/attachments/" in problem]
    assert all(
        "Applying inline style violates" in problem or "frame is sandboxed" in problem for problem in on_file
    ), on_file
    browser_problems[:] = [problem for problem in browser_problems if problem not in on_file]


def test_no_inline_script_or_style_in_any_template() -> None:
    """The templates themselves: no <script> without src, no on*= handlers, no style attributes, no <style>,
    no javascript: links (the e2e crawl could miss a branch a template takes only rarely)."""
    from zhenxing.paths import PACKAGE_DIR

    offenders = []
    for template in PACKAGE_DIR.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"\son[a-z]+\s*=",
            r"\sstyle\s*=",
            r"<style",
            r"javascript:",
        ):
            if re.search(pattern, text, flags=re.IGNORECASE):
                offenders.append(f"{template.relative_to(PACKAGE_DIR)}: {pattern}")
    assert not offenders, offenders
