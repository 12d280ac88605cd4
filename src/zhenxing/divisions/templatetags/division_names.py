"""Names of divisions as documents print them."""

from __future__ import annotations

from django import template

from zhenxing.divisions.naming import committee_name

register = template.Library()


@register.filter
def committee(name: str) -> str:
    """{{ village.name|committee }}: the village committee that signs a notice, named once."""
    return committee_name(str(name))
