"""Money on screen: amounts are stored in fen (integers, P3) and shown in yuan with thousands separators.
The one filter every template uses for money, so that no page shows fen or an unseparated figure."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(amount: object, unit: str = "fen") -> str:
    """5329276 → "53,292.76" (no unit: templates say 元 where the sentence needs it); empty stays empty.
    ``unit="yuan"`` for a figure already in yuan (the policy engine's results): 8700 → "8,700.00"."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    if unit != "yuan":
        value /= 100
    return f"{value:,.2f}"


@register.simple_tag
def yuan_sum(*amounts: object) -> str:
    """Several amounts in fen added and shown as one figure in yuan (the rigid expenses of a year)."""
    return yuan(sum(Decimal(str(a)) for a in amounts if a not in (None, "")))
