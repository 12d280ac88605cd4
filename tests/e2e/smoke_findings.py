"""Turn the smoke run's problems (build/gallery/<vendor>/problems.tsv) into a findings list grouped by the file
that most likely needs the fix: the page's own template (a layout or axe problem; the view that feeds it for
words), or a Python file named in HINTS. Lines another person marked "FIXED" in the previous list are kept
with their mark: as still seen, or in a section of their own when the problem is gone.

    .venv/bin/python -m tests.e2e.smoke_findings [findings.md]   (default build/smoke_findings.md)
"""

from __future__ import annotations

import datetime
import re
import sys
from collections import defaultdict
from pathlib import Path

from .smoke_gallery import REPO, gallery_folder

# Problems whose cause is known to sit outside the template: (route, fragment of the problem) -> file.
HINTS: dict[tuple[str, str], str] = {
    (
        "policy:parameter_detail",
        "untranslated",
    ): "src/zhenxing/policy/shipped.py (the shipped parameters' notes)",
    ("registry:household", "scrollable-region-focusable"): "src/zhenxing/static/zhenxing/js/zhenxing.js "
    "(a table swapped in by htmx is not made focusable)",
}
ADMIN = "Django admin (third-party templates; no owner yet)"
# What the fix probably is, per file (shown under its heading).
ADVICE: dict[str, str] = {
    "template audit/list.html": "show row.actor (audit.display.EventView.actor: 系统（自动）, 群众申报（门户）, "
    "部门接口) instead of row.event.actor_label",
    "template registry/history.html": "the view passes `rows` (audit.display.event_view, as on /audit/): show "
    "row.action, row.actor and row.old / row.new like audit/list.html instead of e.action and the raw dicts",
    HINTS[("registry:household", "scrollable-region-focusable")]: "the sector panel's .table-wrap arrives by "
    "htmx after load: run the focusable-region set-up on htmx.onLoad / htmx:afterSwap too",
    ADMIN: "Django's own admin templates and CSS: narrow changelist columns, breadcrumb links told apart by "
    "colour only (axe link-in-text-block); an admin/base_site.html override with a small stylesheet would fix "
    "both, or leave the admin out of these checks by decision",
}
FIXED = re.compile(r"FIXED", re.IGNORECASE)


def _file_of(route: str, problem: str, templates: str) -> str:
    for (hint_route, fragment), file in HINTS.items():
        if route == hint_route and fragment in problem:
            return file
    if route.startswith("admin:"):
        return ADMIN
    page = templates.split()[0] if templates.strip() else ""
    return f"template {page}" if page else f"route {route} (no template seen)"


def findings(vendors: tuple[str, ...] = ("sqlite", "postgresql")) -> dict[str, dict[str, set[str]]]:
    """file -> problem line -> the vendors it was seen on."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for vendor in vendors:
        report = gallery_folder(vendor) / "problems.tsv"
        if not report.exists():
            continue
        for row in report.read_text(encoding="utf-8").splitlines():
            parts = row.split("\t")
            if len(parts) < 6:
                continue
            role, width, route, label, path, problem = parts[:6]
            templates = parts[6] if len(parts) > 6 else ""
            where = f"{path} ({route}{' ' + label if label else ''}) as {role} @{width}px"
            found[_file_of(route, problem, templates)][f"{where}: {problem}"].add(vendor)
    return found


def _non_blocking(vendors: tuple[str, ...] = ("sqlite", "postgresql")) -> dict[str, set[str]]:
    """axe-core's moderate and minor violations (axe.tsv), which the test reports but does not fail on."""
    found: dict[str, set[str]] = defaultdict(set)
    for vendor in vendors:
        report = gallery_folder(vendor) / "axe.tsv"
        if not report.exists():
            continue
        for row in report.read_text(encoding="utf-8").splitlines():
            role, width, path, impact, rule, nodes, targets = (row.split("\t") + [""] * 7)[:7]
            if impact in ("moderate", "minor"):
                found[f"{path} as {role} @{width}px: axe {impact}: {rule} ×{nodes}: {targets}"].add(vendor)
    return found


def render(previous: str) -> str:
    marked = {}
    for line in previous.splitlines():
        if line.startswith("- ") and FIXED.search(line):
            key = re.split(r"\s+[—-]+\s+FIXED|\s+FIXED", line[2:], maxsplit=1, flags=re.IGNORECASE)[0].strip()
            key = re.sub(r"\s+\[[a-z, ]+\]$", "", key)
            marked[key] = line[2:]
    found = findings()
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Smoke findings (tests/e2e/test_every_page.py)",
        "",
        f"Refreshed {now} from build/gallery/*/problems.tsv (one line per page, width and problem; "
        "[databases it was seen on]). Grouped by the file that most likely needs the fix. "
        'Mark a line "— FIXED by <who>" when you fix it; the next refresh keeps the mark.',
        "",
    ]
    seen_keys = set()
    for file in sorted(found):
        out += [f"## {file}", ""]
        if file in ADVICE:
            out += [f"Likely fix: {ADVICE[file]}.", ""]
        for line in sorted(found[file]):
            seen_keys.add(line)
            vendors = ", ".join(sorted(found[file][line]))
            mark = ""
            if line in marked:
                mark = " — " + marked[line].split(line, 1)[-1].strip(" —-") + " (but still seen)"
            out.append(f"- {line} [{vendors}]{mark}")
        out.append("")
    minor = _non_blocking()
    if minor:
        out += [
            "## Not failing the test: axe-core moderate and minor findings",
            "",
            "landmark-unique: two scrolling tables on one page are regions with the same name "
            "(static/zhenxing/js/zhenxing.js names every .table-wrap 表格（可左右滚动）); naming each after its "
            "heading would fix it.",
            "",
        ]
        out += [f"- {line} [{', '.join(sorted(vendors))}]" for line, vendors in sorted(minor.items())] + [""]
    gone = [text for key, text in marked.items() if key not in seen_keys]
    if gone:
        out += ["## Marked fixed and no longer seen", ""] + [f"- {text}" for text in sorted(gone)] + [""]
    if not found:
        out += ["No problems: every page passes at both widths.", ""]
    return "\n".join(out)


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "build" / "smoke_findings.md"
    previous = target.read_text(encoding="utf-8") if target.exists() else ""
    target.write_text(render(previous), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
