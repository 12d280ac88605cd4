"""System checks of the machine the site runs on. Notices are printed as PDF with WeasyPrint, which takes its
fonts from fontconfig: without a font that covers Chinese every character comes out as an empty box, and
nothing else would say so. `zhenxing serve`, `zhenxing demo` and `zhenxing check` run these checks."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from django.core.checks import CheckMessage, register
from django.core.checks import Warning as CheckWarning

FONT_PACKAGE = "fonts-noto-cjk"
NO_CJK_FONT = (
    f"未找到中文字体：公示PDF中的汉字将显示为方框，PDF下载已停用。请安装 {FONT_PACKAGE}"
    f"（Debian/Ubuntu：sudo apt-get install {FONT_PACKAGE}）后重启服务。"
)


def cjk_font_families() -> list[str] | None:
    """The families of installed fonts that cover Chinese, as fontconfig (WeasyPrint's font source) lists
    them; None when fontconfig's fc-list cannot be asked (then nothing is known either way)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listed = subprocess.run(  # noqa: S603 - a fixed argv, no shell
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if listed.returncode != 0:
        return None
    return sorted({line.split(",")[0].strip() for line in listed.stdout.splitlines() if line.strip()})


def cjk_font_missing() -> bool:
    """True only when fontconfig answers and lists no font for Chinese."""
    return cjk_font_families() == []


@register()
def check_cjk_font(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    families = cjk_font_families()
    if families is None:
        return [
            CheckWarning(
                "无法检查中文字体：未找到 fontconfig 的 fc-list 命令。",
                hint=f"请安装 fontconfig 和 {FONT_PACKAGE}，公示PDF才能正确显示汉字。",
                id="monitoring.W002",
            )
        ]
    if not families:
        return [CheckWarning(NO_CJK_FONT, hint=f"apt-get install {FONT_PACKAGE}", id="monitoring.W001")]
    return []
