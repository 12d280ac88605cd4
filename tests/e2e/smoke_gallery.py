"""The screenshot gallery of the smoke run: a full-page PNG of every page at each width, an index.html that lists
them with their URL, role, problems and axe-core counts, and summary.txt (what .ci/run prints at its end).

The folder is build/gallery/<database vendor>/ under the repository, or $ZHENXING_GALLERY/<database vendor>/.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from collections import Counter
from pathlib import Path

from .smoke_checks import IMPACTS, Result

REPO = Path(__file__).resolve().parents[2]


def gallery_folder(vendor: str) -> Path:
    root = Path(os.environ.get("ZHENXING_GALLERY") or REPO / "build" / "gallery")
    return (root / vendor).resolve()


def gallery_reset(folder: Path) -> None:
    """Start each run from an empty folder, so that no page removed since shows an old picture."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)


def shot_name(result: Result) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{result.route}-{result.label}").strip("-")
    return f"{result.role}/{slug}-{result.width}.png"


def axe_totals(results: list[Result]) -> Counter[str]:
    totals: Counter[str] = Counter(dict.fromkeys(IMPACTS, 0))
    for result in results:
        totals.update(result.axe_counts())
    return totals


def summary_text(
    folder: Path, vendor: str, results: list[Result], seconds: float, steps: dict[str, float]
) -> str:
    totals = axe_totals(results)
    pages = {(r.role, r.path) for r in results}
    failing = [r for r in results if r.problems]
    widths = sorted({r.width for r in results})
    lines = [
        f"gallery ({vendor}): {folder}/index.html",
        f"  {len(pages)} pages x {len(widths)} widths ({', '.join(map(str, widths))} px) = {len(results)} "
        f"screenshots in {seconds:.0f} s (steps summed over the browser workers: "
        f"{', '.join(f'{step} {spent:.0f} s' for step, spent in steps.items())}); "
        f"{len(failing)} with problems",
        "  axe-core violations (rule x page x width): "
        + ", ".join(f"{impact} {totals[impact]}" for impact in IMPACTS),
    ]
    return "\n".join(lines) + "\n"


def _row(result: Result) -> str:
    counts = result.axe_counts()
    problems = "".join(f"<li>{html.escape(p)}</li>" for p in result.problems)
    shot = html.escape(result.screenshot)
    return (
        f"<tr class='{'bad' if result.problems else 'ok'}'>"
        f"<td><a href='{shot}'><img src='{shot}' loading='lazy' width='160' alt=''></a></td>"
        f"<td>{html.escape(result.role)}</td><td>{result.width}</td>"
        f"<td><code>{html.escape(result.path)}</code><br>{html.escape(result.route)} {html.escape(result.label)}"
        f"<br>{html.escape(result.title)}<br><small>{html.escape(' '.join(result.templates))}</small></td>"
        f"<td>{result.status}</td>"
        + "".join(f"<td>{counts[impact]}</td>" for impact in IMPACTS)
        + f"<td><ul>{problems}</ul></td></tr>"
    )


def gallery_write(
    folder: Path, vendor: str, results: list[Result], seconds: float, steps: dict[str, float]
) -> str:
    summary = summary_text(folder, vendor, results, seconds, steps)
    head = "".join(f"<th>axe {impact}</th>" for impact in IMPACTS)
    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>振兴 页面截图 ({html.escape(vendor)})</title>
<style>
body {{ font-family: sans-serif; margin: 1rem; }} table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 4px; vertical-align: top; font-size: 13px; }}
tr.bad td {{ background: #fff3f0; }} ul {{ margin: 0; padding-left: 1.2em; }} img {{ border: 1px solid #999; }}
</style></head><body>
<h1>振兴 页面截图（{html.escape(vendor)}）</h1>
<pre>{html.escape(summary)}</pre>
<p>文件选择框上的 “Choose Files / No file chosen” 是测试用 Chromium（只装了英文界面包）自己画的；
用户的中文浏览器显示“选择文件”。每个页面先在 375 px 打开，再放宽到 1280 px（同一页面，按 CSS 媒体查询重新排版）。</p>
<table><thead><tr><th>截图</th><th>角色</th><th>宽度</th><th>页面</th><th>状态</th>{head}<th>问题</th></tr></thead>
<tbody>
{"".join(_row(r) for r in results)}
</tbody></table></body></html>
"""
    (folder / "index.html").write_text(page, encoding="utf-8")
    (folder / "summary.txt").write_text(summary, encoding="utf-8")
    problems = [
        f"{r.role}\t{r.width}\t{r.route}\t{r.label}\t{r.path}\t{p}\t{' '.join(r.templates)}"
        for r in results
        for p in r.problems
    ]
    (folder / "problems.tsv").write_text("\n".join(problems) + "\n", encoding="utf-8")
    violations = [
        f"{r.role}\t{r.width}\t{r.path}\t{v['impact']}\t{v['id']}\t{v['nodes']}\t{'; '.join(v['targets'])}"
        for r in results
        for v in r.axe
    ]
    (folder / "axe.tsv").write_text("".join(f"{line}\n" for line in violations), encoding="utf-8")
    latin = sorted({(word, r.route) for r in results for word in r.latin})
    (folder / "latin_words.tsv").write_text(
        "".join(f"{w}\t{route}\n" for w, route in latin), encoding="utf-8"
    )
    return summary
