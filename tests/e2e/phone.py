"""What the phone-width browser tests share: a screenshot for the gallery when ZHENXING_SHOTS names a folder, the
no-sideways-scrolling check at 375 px, and signing in as another user."""

from __future__ import annotations

import os

from playwright.sync_api import Page

from .test_registry_flow import _login


def shot(page: Page, name: str) -> None:
    folder = os.environ.get("ZHENXING_SHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def fits(page: Page) -> None:
    """Nothing wider than the phone: no sideways scrolling at 375 px."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url


def as_user(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    _login(page, base, username)
