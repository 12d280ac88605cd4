"""Jurisdiction scoping, in one place: what part of the division tree a user may see today.

A user's scope is their jurisdiction's subtree plus the divisions of their active dated assignments
(DESIGN: "Who uses it"). Every selector of division-bound data narrows its queryset with
`restrict_to_scope`; an object outside the scope is then simply not found, so it answers 404 and its
existence does not leak.
"""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhenxing.accounts.enums import TERRITORIAL_ROLES

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

M = TypeVar("M", bound=models.Model)


def active_assignments_filter(on: datetime.date) -> Q:
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def scope_prefixes(user: User, *, on: datetime.date | None = None) -> list[str]:
    """Division-code prefixes the user may see on a date, with prefixes covered by another removed."""
    if not user.is_authenticated or not user.is_active:
        return []
    day = on or timezone.localdate()
    codes: list[str] = []
    if user.role in TERRITORIAL_ROLES and user.jurisdiction is not None:
        codes.append(user.jurisdiction.code)
    codes.extend(
        user.assignments.filter(active_assignments_filter(day), division__isnull=False).values_list(
            "division__code", flat=True
        )
    )
    minimal: list[str] = []
    for code in sorted(set(codes), key=len):
        if not any(code.startswith(prefix) for prefix in minimal):
            minimal.append(code)
    return minimal


def division_scope_filter(prefixes: list[str], *, division_field: str) -> Q | None:
    """A Q selecting rows whose division (reached through `division_field`, "" for Division itself) lies
    under one of the prefixes; None when nothing is in scope."""
    if not prefixes:
        return None
    lookup = f"{division_field}__code__startswith" if division_field else "code__startswith"
    return reduce(or_, (Q(**{lookup: prefix}) for prefix in prefixes))


def restrict_to_scope(
    queryset: models.QuerySet[M], *, user: User, division_field: str, on: datetime.date | None = None
) -> models.QuerySet[M]:
    condition = division_scope_filter(scope_prefixes(user, on=on), division_field=division_field)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)
