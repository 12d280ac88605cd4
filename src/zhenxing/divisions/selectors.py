"""Reads of the division tree, scoped to the user (accounts/scoping.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.scoping import restrict_to_scope, scope_prefixes
from zhenxing.common.errors import not_found
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def division_list_for_user(*, user: User) -> QuerySet[Division]:
    if not has_capability(user, Capability.BROWSE_DIVISIONS):
        return Division.objects.none()
    if has_capability(user, Capability.BROWSE_ALL_DIVISIONS):
        return Division.objects.all()
    return restrict_to_scope(Division.objects.all(), user=user, division_field="")


def division_get_for_user(*, user: User, code: str) -> Division:
    division = division_list_for_user(user=user).select_related("parent").filter(code=code).first()
    if division is None:
        raise not_found()
    return division


def division_children_for_user(*, user: User, division: Division) -> QuerySet[Division]:
    return (
        division_list_for_user(user=user)
        .filter(parent=division)
        .annotate(child_count=Count("children"))
        .order_by("code")
    )


def division_roots_for_user(*, user: User) -> QuerySet[Division]:
    """The top of what the user may browse: their jurisdiction and each assigned division."""
    if has_capability(user, Capability.BROWSE_ALL_DIVISIONS):
        return Division.objects.filter(level=DivisionLevel.PREFECTURE).annotate(child_count=Count("children"))
    prefixes = scope_prefixes(user)
    if not prefixes or not has_capability(user, Capability.BROWSE_DIVISIONS):
        return Division.objects.none()
    return Division.objects.filter(code__in=prefixes).annotate(child_count=Count("children")).order_by("code")


@dataclass(frozen=True)
class SubtreeCounts:
    counties: int
    townships: int
    villages: int


def subtree_counts(*, division: Division) -> SubtreeCounts:
    totals = (
        Division.objects.filter(code__startswith=division.code)
        .exclude(pk=division.pk)
        .aggregate(
            counties=Count("pk", filter=Q(level=DivisionLevel.COUNTY)),
            townships=Count("pk", filter=Q(level=DivisionLevel.TOWNSHIP)),
            villages=Count("pk", filter=Q(level=DivisionLevel.VILLAGE)),
        )
    )
    return SubtreeCounts(**totals)


def ancestors(*, division: Division) -> list[Division]:
    """From the prefecture down to the division's parent, for breadcrumbs (names only, no data)."""
    prefixes = [division.code[:length] for length in (4, 6, 9) if length < len(division.code)]
    return list(Division.objects.filter(code__in=prefixes).order_by("code"))
