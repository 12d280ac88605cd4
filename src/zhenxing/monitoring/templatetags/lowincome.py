"""Template filters of the 民政比对 (P17): whether a user may open the comparison pages, so that a page of a
lower app (the leads list) links them by the same rule the pages enforce."""

from __future__ import annotations

from typing import Any

from django import template

from zhenxing.monitoring.lowincome.selectors import may_compare

register = template.Library()


@register.filter(name="may_compare")
def may_compare_filter(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and may_compare(user)
