"""Jurisdiction scoping, in one place: what a user may see today.

A user's scope is their jurisdiction's subtree plus their active dated assignments — to a division (a
驻村工作队 member to a village) or to single households (a 帮扶责任人 from a county bureau) — as
docs/design.md says. Every selector of division-bound data narrows its queryset with `restrict_to_scope`;
an object outside the scope is then simply not found, so it answers 404 and its existence does not leak.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Scope:
    prefixes: tuple[str, ...]  # division-code prefixes (a subtree each)
    household_ids: tuple[int, ...]  # households assigned one by one

    @property
    def is_empty(self) -> bool:
        return not self.prefixes and not self.household_ids


def user_scope(user: User, *, on: datetime.date | None = None) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return Scope((), ())
    day = on or timezone.localdate()
    codes: list[str] = []
    if user.role in TERRITORIAL_ROLES and user.jurisdiction is not None:
        codes.append(user.jurisdiction.code)
    households: list[int] = []
    for division_code, household_id in user.assignments.filter(active_assignments_filter(day)).values_list(
        "division__code", "household_id"
    ):
        if division_code:
            codes.append(division_code)
        elif household_id:
            households.append(household_id)
    minimal: list[str] = []
    for code in sorted(set(codes), key=len):
        if not any(code.startswith(prefix) for prefix in minimal):
            minimal.append(code)
    return Scope(tuple(minimal), tuple(sorted(set(households))))


def scope_prefixes(user: User, *, on: datetime.date | None = None) -> list[str]:
    """Division-code prefixes the user may see on a date, with prefixes covered by another removed."""
    return list(user_scope(user, on=on).prefixes)


def division_scope_filter(prefixes: Sequence[str], *, division_field: str) -> Q | None:
    """A Q selecting rows whose division (reached through `division_field`, "" for Division itself) lies
    under one of the prefixes; None when nothing is in scope."""
    if not prefixes:
        return None
    lookup = f"{division_field}__code__startswith" if division_field else "code__startswith"
    return reduce(or_, (Q(**{lookup: prefix}) for prefix in prefixes))


def scope_filter(
    scope: Scope, *, division_fields: Sequence[str], household_field: str | None = None
) -> Q | None:
    """Rows whose division (any of `division_fields`) is in scope, or whose household is assigned."""
    parts = [division_scope_filter(scope.prefixes, division_field=field) for field in division_fields]
    if household_field is not None and scope.household_ids:
        lookup = f"{household_field}__in" if household_field else "pk__in"
        parts.append(Q(**{lookup: scope.household_ids}))
    present = [part for part in parts if part is not None]
    return reduce(or_, present) if present else None


def restrict_to_scope(
    queryset: models.QuerySet[M],
    *,
    user: User,
    division_field: str,
    also_division_fields: Sequence[str] = (),
    household_field: str | None = None,
    on: datetime.date | None = None,
) -> models.QuerySet[M]:
    condition = scope_filter(
        user_scope(user, on=on),
        division_fields=(division_field, *also_division_fields),
        household_field=household_field,
    )
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)
