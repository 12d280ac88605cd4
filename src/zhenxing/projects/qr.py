"""The QR code printed on a paper notice: the village's public page, as inline SVG (segno, no image file, nothing
fetched), so that the print page, the PDF and a phone's screen all draw it from the markup."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, *, scale: int = 3) -> SafeString:
    """An SVG of `url`'s QR code, medium error correction (a notice on a wall gets creased and rained on).
    segno draws with attributes only (no style attribute), which the Content-Security-Policy allows."""
    code = segno.make(url, error="m", micro=False)
    # the markup is segno's own, built from the URL's bits: nothing of the URL's text is in it
    return mark_safe(code.svg_inline(scale=scale, title="村务公开页二维码", svgclass="qr"))  # noqa: S308
