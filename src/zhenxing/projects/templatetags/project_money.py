"""Project money on screen (P14): stored in fen, shown in 万元 to the fen without trailing zeros."""

from __future__ import annotations

from django import template

from zhenxing.policy.rules.projects import fen_to_wan

register = template.Library()


@register.filter
def wan(amount: object) -> str:
    """120500000 → "120.5" (万元); empty stays empty."""
    if amount is None or amount == "":
        return ""
    try:
        fen = int(str(amount))
    except ValueError:
        return str(amount)
    value = fen_to_wan(fen)
    return f"{value:,f}"
