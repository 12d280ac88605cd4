"""Whose figures a user may read (P16): the division the user works for and everything under it. Indicator
values, reports, assessments and work teams name no household, so a county sector department reads its county's
as the county does; the prefecture reads every county's."""

from __future__ import annotations

from typing import Any

from zhenxing.accounts.enums import Role
from zhenxing.divisions.codes import covers

PLANNING_ROLES = (Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY, Role.COUNTY_SECTOR, Role.PREFECTURE)


def planning_prefix(user: Any) -> str | None:
    """The division-code prefix of what the user may read; None: nothing."""
    if not getattr(user, "is_authenticated", False) or user.role not in PLANNING_ROLES:
        return None
    jurisdiction = getattr(user, "jurisdiction", None)
    return jurisdiction.code if jurisdiction is not None else None


def user_covers(user: Any, division_code: str) -> bool:
    prefix = planning_prefix(user)
    return prefix is not None and covers(prefix, division_code)
