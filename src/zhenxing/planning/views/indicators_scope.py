"""What the indicator pages share: the places a user reads (the counties in scope and 全州), the division whose
figures the catalogue shows, and a refused form's Chinese errors by field."""

from __future__ import annotations

from typing import Any

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.common.errors import InvalidInput
from zhenxing.divisions.codes import covers
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.planning import freeze
from zhenxing.planning.selectors import require_view


def counties_in_scope(user: User) -> list[Division]:
    prefix = require_view(user)
    return [county for county in freeze.counties() if covers(prefix, county.code)]


def places_of(user: User) -> list[Division]:
    """The counties in the user's scope, then 全州 (the prefecture's totals every planning user reads)."""
    return [*counties_in_scope(user), freeze.prefecture()]


def own_division(user: User) -> Division:
    """Whose figures the catalogue shows: the user's county, else the prefecture's totals."""
    require_view(user)
    jurisdiction = user.jurisdiction
    if jurisdiction is not None and jurisdiction.level == DivisionLevel.COUNTY:
        return jurisdiction
    return freeze.prefecture()


def may_manage(user: User) -> bool:
    return has_capability(user, Capability.MANAGE_ASSESSMENT)


def form_errors(error: InvalidInput) -> dict[str, Any]:
    """A refused form's errors: by field (shown beside it) and every message (shown above the form)."""
    fields: dict[str, list[str]] = {}
    for detail in error.errors():
        key = detail.loc[-1] if detail.loc else ""
        fields.setdefault(str(key), []).append(detail.message)
    return {"errors": fields, "all_errors": [d.message for d in error.errors()]}
