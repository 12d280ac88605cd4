"""Scoped reads of the registry. A household is visible when its village — or, for a relocated household,
the village it moved from — is in the user's scope, or when it is assigned to the user (accounts/scoping)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.scoping import restrict_to_scope
from zhenxing.common.errors import not_found
from zhenxing.registry.conflicts import can_resolve, disputed_with
from zhenxing.registry.enums import IdConflictStatus
from zhenxing.registry.identity import lookup_index
from zhenxing.registry.models import Household, HouseholdYear, IdConflict, Membership, Person

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

SEARCH_PAGE = 50


def household_list_for_user(*, user: User) -> QuerySet[Household]:
    return restrict_to_scope(
        Household.objects.all(),
        user=user,
        division_field="village",
        also_division_fields=("moved_from",),
        household_field="",
    )


def household_get_for_user(*, user: User, pk: int) -> Household:
    household = (
        household_list_for_user(user=user)
        .select_related("village", "natural_village", "moved_from")
        .filter(pk=pk)
        .first()
    )
    if household is None:
        raise not_found()
    return household


def current_memberships(household: Household) -> QuerySet[Membership]:
    return household.memberships.filter(left_on__isnull=True).select_related("person").order_by("id")


def members_on(household: Household, day: datetime.date) -> QuerySet[Membership]:
    """P1: the members on a date (31 December for a year's members)."""
    return (
        household.memberships.filter(joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .select_related("person")
        .order_by("id")
    )


def person_get_for_user(*, user: User, pk: int) -> Person:
    """A person is visible through a household the user may see, now or in the past (history)."""
    visible = household_list_for_user(user=user)
    person = Person.objects.filter(pk=pk, memberships__household__in=visible).distinct().first()
    if person is None:
        raise not_found()
    return person


def household_years(household: Household) -> QuerySet[HouseholdYear]:
    return household.years.order_by("-year")


@dataclass(frozen=True)
class HouseholdSearch:
    name: str = ""
    code: str = ""
    id_number: str = ""
    village_code: str = ""
    kind: str = ""
    relocated: bool | None = None
    dibao: bool | None = None
    disability: bool | None = None


def household_search_queryset(*, user: User, query: HouseholdSearch) -> QuerySet[Household]:
    """The households a search finds, unordered and unpaged: the search page and the export share it, so that
    an export is exactly the search result."""
    households = household_list_for_user(user=user)
    if query.code:
        households = households.filter(code=query.code.strip())
    if query.village_code:
        households = households.filter(village__code__startswith=query.village_code.strip())
    if query.kind:
        households = households.filter(kind=query.kind)
    if query.relocated is not None:
        households = households.filter(is_relocated=query.relocated)
    people = Person.objects.all()
    person_filtered = False
    if query.name:
        people, person_filtered = people.filter(name__startswith=query.name.strip()), True
    if query.id_number:
        # a disputed number (conflicts.py) is found like a settled one: the answer must not tell them apart
        index = lookup_index(query.id_number) or "-"
        people, person_filtered = people.filter(Q(id_number_index=index) | disputed_with(index)), True
    if query.dibao is not None:
        people, person_filtered = people.filter(dibao=query.dibao), True
    if query.disability is not None:
        people, person_filtered = people.filter(disability_grade__isnull=not query.disability), True
    if person_filtered:
        households = households.filter(
            pk__in=Membership.objects.filter(left_on__isnull=True, person__in=people).values("household_id")
        )
    return households


def household_search_listing(*, user: User, query: HouseholdSearch) -> QuerySet[Household]:
    """The search result as the search page lists it: by id, with village and current heads; an empty
    query lists every household in the user's scope."""
    heads = Membership.objects.filter(left_on__isnull=True, relation="户主").select_related("person")
    return (
        household_search_queryset(user=user, query=query)
        .select_related("village")
        .prefetch_related(Prefetch("memberships", queryset=heads, to_attr="current_heads"))
        .order_by("pk")
    )


def household_search(
    *, user: User, query: HouseholdSearch, after: int | None = None, limit: int = SEARCH_PAGE
) -> list[Household]:
    """Keyset-paged search (by id, ascending): cheap at any depth, stable while data changes."""
    households = household_search_listing(user=user, query=query)
    if after is not None:
        households = households.filter(pk__gt=after)
    return list(households[:limit])


def can_view_sensitive(user: User) -> bool:
    return has_capability(user, Capability.VIEW_SENSITIVE)


def can_see_id_conflicts(user: User) -> bool:
    """The county level and above (those who read the audit), within their scope."""
    return has_capability(user, Capability.VIEW_AUDIT)


def id_conflict_list_for_user(*, user: User, status: str = IdConflictStatus.PENDING) -> QuerySet[IdConflict]:
    """Conflicts where either side — the household the number was entered for, or the holder's — lies in scope."""
    if not can_see_id_conflicts(user):
        return IdConflict.objects.none()
    conflicts = restrict_to_scope(
        IdConflict.objects.all(), user=user, division_field="county", also_division_fields=("holder_county",)
    )
    if status:
        conflicts = conflicts.filter(status=status)
    return conflicts.select_related(
        "household__village", "person", "holder", "county", "holder_county", "reported_by", "resolved_by"
    ).order_by("-reported_at", "-pk")


def id_conflict_get_for_user(*, user: User, pk: int) -> IdConflict:
    conflict = id_conflict_list_for_user(user=user, status="").filter(pk=pk).first()
    if conflict is None:
        raise not_found()
    return conflict


def can_resolve_id_conflicts(user: User) -> bool:
    return can_resolve(user)
