"""A notice as a PDF download, for every app that prints one (identification and elimination notices, project
announcements). WeasyPrint takes its fonts from fontconfig: without a font that covers Chinese every character
comes out as an empty box, so the download is refused with a clear message rather than a PDF that would be
posted on the wall as if it were the notice. The start-up system check (monitoring/notices/checks.py) asks the
same fontconfig question."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FONT_PACKAGE = "fonts-noto-cjk"


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


def pdf_download(request: HttpRequest, *, title: str, render_pdf: Callable[[], bytes]) -> HttpResponse:
    """The PDF as an attachment named after its title, or a 503 page in Chinese on a machine without a CJK font."""
    if cjk_font_missing():
        message = (
            f"服务器未安装中文字体（{FONT_PACKAGE}），生成的PDF中汉字会显示为方框，暂不能下载。"
            "请联系系统管理员安装字体；也可以先使用打印页。"
        )
        return render(request, "error.html", {"message": message, "status": 503}, status=503)
    response = HttpResponse(render_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title)}.pdf"
    return response
