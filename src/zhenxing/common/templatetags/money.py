"""Money on screen: amounts are stored in fen (integers) and shown in yuan with thousands separators."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(fen: object) -> str:
    """5329276 → "53,292.76" (no unit: templates say 元 where the sentence needs it); empty stays empty."""
    if fen is None or fen == "":
        return ""
    try:
        amount = Decimal(str(fen)) / 100
    except (InvalidOperation, ValueError):
        return str(fen)
    return f"{amount:,.2f}"
