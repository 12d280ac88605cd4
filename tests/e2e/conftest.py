"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium), never a downloaded one.

Without the browser the tests are skipped, except under CI=true, where a missing browser is an error.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ZHENXING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not _chromium_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but no browser at {CHROMIUM}: install Debian's chromium")
        pytest.skip(f"no browser at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every page a browser test opens runs under the site's Content-Security-Policy: a violation (or any script
# error) anywhere in any flow fails the test. The listener is installed by the browser, outside the page's CSP.
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} on ${document.location.pathname}`);
});
"""
# The app's own error pages (a deliberate 404 in a test, a refusal) are not script errors.
EXPECTED_CONSOLE = re.compile(r"^Failed to load resource: the server responded with a status of (4\d\d|503)")


@pytest.fixture
def browser_problems() -> list[str]:
    """CSP violations, console errors and uncaught exceptions seen by the page fixture."""
    return []


@pytest.fixture
def page(browser: object, shipped_data: None, browser_problems: list[str]) -> Iterator[object]:
    from playwright.sync_api import Browser, ConsoleMessage

    assert isinstance(browser, Browser)
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not EXPECTED_CONSOLE.match(message.text):
            browser_problems.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: browser_problems.append(f"uncaught: {error}"))
    yield page
    context.close()
    assert not browser_problems, "\n".join(browser_problems)
