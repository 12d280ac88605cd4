"""Project money on screen (P14): stored in fen, shown in 万元 with at least two decimals (120.50), more only
when the fen need them (120.5012), never through a float."""

from __future__ import annotations

from decimal import Decimal

from django import template

from zhenxing.policy.rules.projects import fen_to_wan

register = template.Library()
TWO_PLACES = Decimal("0.01")


@register.filter
def wan(amount: object) -> str:
    """120500000 → "120.50" (万元), 1200000000 → "1,200.00"; empty stays empty."""
    if amount is None or amount == "":
        return ""
    try:
        fen = int(str(amount))
    except ValueError:
        return str(amount)
    value = fen_to_wan(fen)
    if -value.as_tuple().exponent < 2:  # type: ignore[operator]
        value = value.quantize(TWO_PLACES)
    return f"{value:,f}"


@register.filter
def wan_rounded(amount: object) -> str:
    """For totals and summary tiles: 万元 to two decimals, half up (1602588966 → "1,602.59"); a record's own
    amount keeps every fen (`wan`)."""
    if amount is None or amount == "":
        return ""
    try:
        fen = int(str(amount))
    except ValueError:
        return str(amount)
    from decimal import ROUND_HALF_UP

    return f"{fen_to_wan(fen).quantize(TWO_PLACES, rounding=ROUND_HALF_UP):,f}"
