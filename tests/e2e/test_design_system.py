"""The design system on a phone and on a desktop (issue 15, "Phone-first for the village"): at 375 px the lists a
village cadre works through are cards of "label: value" lines, no table squeezes text below 48 px (the
本环节期限 column of /cases/ once wrapped one character per line), every button is a ≥ 44 px touch target,
checkbox groups are chips, nothing scrolls sideways; at 1280 px no menu item breaks onto a second line.
The pages show the demo's own scenario (西山村 households at every step), built through the services."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.demo import demo_users_ensure
from zhenxing.monitoring.enums import CaseStatus
from zhenxing.monitoring.models import Case
from zhenxing.synth.demo_scenario import VILLAGE, demo_scenario_ensure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MIN_CELL_PX = 48
MIN_TOUCH_PX = 44

LAYOUT = """({cell: minCell, touch: minTouch}) => {
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const narrow = [];
  for (const cell of document.querySelectorAll("table td, table th")) {
    const r = cell.getBoundingClientRect();
    if (visible(cell) && (cell.innerText || "").trim() && r.width < minCell)
      narrow.push(`${cell.innerText.trim().slice(0, 12)} ${Math.round(r.width)}px`);
  }
  const small = [];
  for (const b of document.querySelectorAll("button, .button, input[type=submit]")) {
    if (visible(b) && !b.classList.contains("link") && b.getBoundingClientRect().height < minTouch)
      small.push(`${(b.innerText || b.value).trim()} ${Math.round(b.getBoundingClientRect().height)}px`);
  }
  const tables = [];
  for (const table of document.querySelectorAll("table.list.cards")) {
    const row = table.querySelector("tbody tr");
    const cell = row && row.querySelector("td[data-label]:not([data-label=''])");
    const head = table.querySelector("thead");
    tables.push({
      id: table.dataset.testid || table.className,
      row: row ? getComputedStyle(row).display : null,
      label: cell ? getComputedStyle(cell, "::before").content : null,
      expected: cell ? JSON.stringify(cell.dataset.label) : null,
      headHeight: head ? head.getBoundingClientRect().height : 0,
      unlabelled: [...table.querySelectorAll("tbody td:not([data-label]):not([colspan])")].length,
    });
  }
  return {scroll: document.scrollingElement.scrollWidth, width: innerWidth, narrow, small, tables};
}"""

# Each menu item: its text lays out as one line box (a range over it has one rect per line).
MENU_LINES = """() => [...document.querySelectorAll(".mainnav a")].map((a) => {
  const range = document.createRange();
  range.selectNodeContents(a);
  const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
  return {label: a.innerText.trim(), lines: lines.size};
})"""


def _demo() -> dict[str, str]:
    """The demo users and the scenario; returns each demo user's password."""
    with tempfile.TemporaryDirectory() as folder:
        created = demo_users_ensure(credentials_file=Path(folder) / "demo_credentials.txt")
    demo_scenario_ensure()
    return {username: password for username, _label, password in created}


def _login(page: Page, base: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("current-user")).to_be_attached()


def _assert_phone_layout(page: Page, url: str) -> dict[str, Any]:
    page.goto(url)
    seen: dict[str, Any] = page.evaluate(LAYOUT, {"cell": MIN_CELL_PX, "touch": MIN_TOUCH_PX})
    assert seen["scroll"] <= seen["width"], f"{url}: scrolls sideways ({seen['scroll']} > {seen['width']})"
    assert not seen["narrow"], f"{url}: cells narrower than {MIN_CELL_PX}px: {seen['narrow']}"
    assert not seen["small"], f"{url}: buttons lower than {MIN_TOUCH_PX}px: {seen['small']}"
    for table in seen["tables"]:
        assert table["unlabelled"] == 0, f"{url}: {table['id']} has cells without data-label"
        if table["row"] is not None:
            assert table["row"] == "block", f"{url}: {table['id']} rows are not cards"
            assert table["headHeight"] <= 1, f"{url}: {table['id']} shows its header row"
        if table["label"] is not None:
            assert table["label"] == table["expected"], f"{url}: {table['id']} cells do not show their label"
    return seen


def test_at_375_px_lists_are_cards_cells_are_readable_and_buttons_are_touch_targets(
    live_server: object, page: Page
) -> None:
    # given the demo village with cases at every step
    passwords = _demo()
    base = str(live_server)
    monitored = Case.objects.filter(village__code=VILLAGE, status=CaseStatus.CONFIRMED).order_by("pk").first()
    deciding = (
        Case.objects.filter(village__code=VILLAGE, status=CaseStatus.COUNTY_DECISION).order_by("pk").first()
    )
    assert monitored is not None and monitored.household_id is not None and deciding is not None
    # when a village cadre opens its case list, a monitored case and its household on a phone
    _login(page, base, "demo_village", passwords["demo_village"])
    cases = _assert_phone_layout(page, f"{base}/cases/")
    # then the case list is cards (本环节期限 included) and the other pages hold no squeezed cell
    assert any(t["id"] == "case-list" and t["row"] == "block" for t in cases["tables"])
    _assert_phone_layout(page, f"{base}/cases/{monitored.pk}/")
    household = _assert_phone_layout(page, f"{base}/households/{monitored.household_id}/")
    assert any(t["id"] == "members" and t["row"] == "block" for t in household["tables"])
    # and the households the cadre helps (我的帮扶户) are cards too
    mine = _assert_phone_layout(page, f"{base}/cases/mine/")
    assert any(t["id"] == "my-households" and t["row"] == "block" for t in mine["tables"])
    # when the county opens the case waiting for its decision
    _login(page, base, "demo_county", passwords["demo_county"])
    _assert_phone_layout(page, f"{base}/cases/{deciding.pk}/")
    # then each risk type of the confirmation form is a chip at least 44 px high, several to a row
    _assert_chips(page, page.get_by_test_id("confirm-form"))
    # and the portal's checkbox group of difficulties is chips too, for a person with no account
    page.context.clear_cookies()
    _assert_phone_layout(page, f"{base}/apply/")
    _assert_chips(page, page.get_by_test_id("apply-form"))


def _assert_chips(page: Page, form: Any) -> None:
    boxes = form.locator(".field div[id] > div > label:has(input[type=checkbox])")
    assert boxes.count() >= 2
    rects = [boxes.nth(i).bounding_box() for i in range(boxes.count())]
    assert all(r is not None and r["height"] >= MIN_TOUCH_PX and r["width"] >= MIN_CELL_PX for r in rects)
    assert len({round(r["y"]) for r in rects if r is not None}) < len(rects), "one choice per row: not chips"


def test_at_1280_px_no_menu_item_breaks_onto_two_lines(live_server: object, page: Page) -> None:
    # given the demo users, the county and the prefecture having the longest menus
    passwords = _demo()
    base = str(live_server)
    page.set_viewport_size({"width": 1280, "height": 800})
    for username in ("demo_village", "demo_county", "demo_prefecture"):
        # when the user opens the home page on a desktop
        _login(page, base, username, passwords[username])
        items = page.evaluate(MENU_LINES)
        # then the menu shows (no drawer) and every label is on one line
        assert len(items) >= 3 and page.locator(".mainnav").is_visible()
        assert [i["label"] for i in items if i["lines"] != 1] == [], username
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280


def test_a_file_picker_reads_chinese_whatever_the_browsers_language(
    live_server: object, page: Page, tmp_path: Path
) -> None:
    # given a case in the demo village and a browser whose own words are English (Chromium's file button
    # says "Choose Files" in the browser's language, not the page's)
    passwords = _demo()
    base = str(live_server)
    case = Case.objects.filter(village__code=VILLAGE, status=CaseStatus.CONFIRMED).order_by("pk").first()
    assert case is not None
    _login(page, base, "demo_village", passwords["demo_village"])
    # when the cadre opens the case on a phone
    page.goto(f"{base}/cases/{case.pk}/")
    picker = page.locator(".file-picker").first
    # then its file pickers say 选择文件 and 未选择文件, on a button at least 44 px high
    expect(picker).to_contain_text("选择文件")
    expect(picker).to_contain_text("未选择文件")
    face = picker.locator(".button").bounding_box()
    assert face is not None and face["height"] >= MIN_TOUCH_PX
    # and the real input lies over it, so that a tap or the keyboard reaches it, and shows what was chosen
    scan = tmp_path / "入户核查表.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n")
    picker.locator("input[type=file]").set_input_files(str(scan))
    expect(picker).to_contain_text("已选择：入户核查表.png")
