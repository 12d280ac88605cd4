"""What the smoke run checks on each page at each width, in the browser: no sideways scrolling, no table cell
squeezed below 48 px that holds text, no untranslated English word or raw code in the main content, and no
critical or serious axe-core violation.

axe-core is vendored (tests/e2e/vendor/axe.min.js, from the npm package, with its licence): nothing is fetched
when the tests run. The browser context defines it in every page as an init script (context.add_init_script):
the DevTools protocol runs it outside the page's Content-Security-Policy, so the CSP under test stays
as strict as in production, and it is compiled once per context rather than parsed again on every page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

VENDOR = Path(__file__).parent / "vendor"
MIN_CELL_PX = 48
BLOCKING_IMPACTS = ("critical", "serious")
IMPACTS = ("critical", "serious", "moderate", "minor")

# Words seen on the pages before issue 15, each a sign of an untranslated label, a raw enum value or a code.
# Matched as whole ASCII words (Chinese characters around them count as boundaries), in any case: innerText
# reads a CSS text-transform (Django admin's upper-case table headers).
ENGLISH_WORDS = (
    "True", "False", "None", "null", "undefined", "pending", "running", "done", "failed", "open", "closed",
    "county_decision", "township_review", "monitoring_line", "auth.login", "auth.logout", "accounts.user",
    "Submit", "Save", "Delete", "Search", "Next", "Previous", "Page", "of", "Yes", "No", "Add", "Edit", "Cancel",
    "Back", "Home", "Login", "Logout", "Filter", "Export", "Download", "Upload", "Total", "Status", "Name",
    # seen in the smoke run's first pass: audit values and actors, import summaries, policy notes
    "household", "person", "case", "cases", "year", "new", "system", "portal", "completed", "terminated",
    "merged", "unchanged", "suppressed", "method", "file", "kind", "code", "name", "phone", "relation", "village",
    "county", "township", "prefecture", "wage", "the", "value", "verified", "hmac", "apikey", "Model", "View",
)  # fmt: skip
_ENGLISH = re.compile(
    r"(?<![A-Za-z0-9_.@/-])(" + "|".join(re.escape(w) for w in ENGLISH_WORDS) + r")(?![A-Za-z0-9_])",
    re.IGNORECASE,
)
# a snake_case or dotted lower-case identifier (an enum value, an audit action, a model label) on screen
_CODE = re.compile(
    r"(?<![A-Za-z0-9_.@/:-])([a-z]+(?:_[a-z0-9]+)+|[a-z]+\.[a-z_]+(?:\.[a-z_]+)*)(?![A-Za-z0-9_.@/-])"
)
# identifiers that are legitimately on screen: the demo users' and the synthetic data's user names, file names
ALLOWED_CODES = re.compile(r"^(demo_\w+|synth_\w+|\w+\.(xlsx|pdf|csv|png|jpg|json))$")

MEASURE = """(minCell) => {
  const root = document.scrollingElement || document.documentElement;
  const main = document.querySelector("main") || document.body;
  const narrow = [];
  for (const cell of document.querySelectorAll("td, th")) {
    const box = cell.getBoundingClientRect();
    const text = (cell.innerText || "").trim();
    if (!text || box.width === 0 || box.height === 0) continue;
    if (box.width < minCell) {
      const table = cell.closest("table");
      const where = (table && (table.id || table.className)) || "table";
      narrow.push(`${cell.tagName.toLowerCase()} "${text.slice(0, 20)}" ${Math.round(box.width)}px in ${where}`);
    }
  }
  let widest = null;
  if (root.scrollWidth > window.innerWidth) {
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 1 && (!widest || r.right > widest.right)) {
        widest = {right: Math.round(r.right), what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
          (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "")};
      }
    }
  }
  // literal field names shown as such (a department's column names in <code>) are not untranslated text
  const code = [...main.querySelectorAll("code")].map((el) => el.innerText || "");
  return {scrollWidth: root.scrollWidth, innerWidth: window.innerWidth, narrow, widest,
          text: main.innerText || "", code, title: document.title};
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"], preload: false});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""


@cache
def axe_source() -> str:
    return (VENDOR / "axe.min.js").read_text(encoding="utf-8")


@dataclass
class Result:
    role: str
    route: str
    label: str
    path: str
    width: int
    status: int
    problems: list[str] = field(default_factory=list)
    axe: list[dict[str, Any]] = field(default_factory=list)
    screenshot: str = ""
    title: str = ""
    latin: set[str] = field(default_factory=set)  # every Latin-letter word in the main content, for review
    templates: list[str] = field(default_factory=list)  # the page's own template first, then its includes

    def axe_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(IMPACTS, 0)
        for violation in self.axe:
            counts[violation["impact"] or "minor"] += 1
        return counts


def english_found(text: str, code: list[str] = []) -> list[str]:  # noqa: B006 - read only
    """The listed English words anywhere in `text`; snake_case or dotted identifiers outside the `code`
    elements' texts (a <code> element names a field on purpose, a raw dict in one is caught by its words)."""
    words = {m.group(1) for m in _ENGLISH.finditer(text)}
    for literal in sorted(code, key=len, reverse=True):
        text = text.replace(literal, " ") if literal.strip() else text
    codes = {m.group(1) for m in _CODE.finditer(text) if not ALLOWED_CODES.match(m.group(1))}
    return sorted(words | codes)


def check_page(page: Page, result: Result) -> None:
    """Measure the page as it is now laid out at result.width and add what is wrong to result.problems."""
    seen = page.evaluate(MEASURE, MIN_CELL_PX)
    result.title = seen["title"]
    if seen["scrollWidth"] > seen["innerWidth"]:
        where = (
            f" (widest: {seen['widest']['what']} to {seen['widest']['right']}px)" if seen["widest"] else ""
        )
        result.problems.append(f"horizontal scroll: {seen['scrollWidth']}px > {seen['innerWidth']}px{where}")
    for cell in seen["narrow"][:5]:
        result.problems.append(f"cell narrower than {MIN_CELL_PX}px: {cell}")
    if len(seen["narrow"]) > 5:
        result.problems.append(f"… and {len(seen['narrow']) - 5} more narrow cells")
    result.latin = set(re.findall(r"[A-Za-z][A-Za-z_.]+", seen["text"]))
    english = english_found(seen["text"], seen["code"])
    if english:
        result.problems.append("untranslated: " + ", ".join(english))


def run_axe(page: Page, result: Result) -> None:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):  # a context without the init script
        page.evaluate(axe_source())
    result.axe = page.evaluate(AXE_RUN)
    for violation in result.axe:
        if violation["impact"] in BLOCKING_IMPACTS:
            targets = "; ".join(violation["targets"])
            result.problems.append(
                f"axe {violation['impact']}: {violation['id']} ({violation['help']}) ×{violation['nodes']}: {targets}"
            )
