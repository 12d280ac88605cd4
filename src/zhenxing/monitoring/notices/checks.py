"""System checks of the machine the site runs on. Notices are printed as PDF with WeasyPrint, which takes its
fonts from fontconfig: without a font that covers Chinese every character comes out as an empty box, and
nothing else would say so. `zhenxing serve`, `zhenxing demo` and `zhenxing check` run these checks."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, register
from django.core.checks import Warning as CheckWarning

from zhenxing.common.pdf import FONT_PACKAGE, cjk_font_families

NO_CJK_FONT = (
    f"未找到中文字体：公示PDF中的汉字将显示为方框，PDF下载已停用。请安装 {FONT_PACKAGE}"
    f"（Debian/Ubuntu：sudo apt-get install {FONT_PACKAGE}）后重启服务。"
)


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
