"""Scoped reads for the 民政比对 pages (P17): which counties a user may compare, their snapshots, comparisons,
differences and the visits a closing cadre may cite."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.common.errors import PermissionDenied, not_found
from zhenxing.divisions.codes import county_of
from zhenxing.divisions.models import Division
from zhenxing.monitoring.models import LowIncomeDifference, Visit
from zhenxing.policy.rules.lowincome import VISIT_CITATION_DAYS
from zhenxing.screening.models import COMPARISON_ENGINE, Lead, ScreeningRun
from zhenxing.screening.selectors import lead_get_for_user

if TYPE_CHECKING:
    from zhenxing.accounts.models import User
    from zhenxing.registry.models import Household

ENGINE = COMPARISON_ENGINE  # a ScreeningRun of this engine is a 民政比对 (P17), not a rule round
COMPARE_ROLES = (Role.COUNTY, Role.PREFECTURE)


def may_compare(user: User) -> bool:
    """County and prefecture staff compare (the county its own county, the prefecture any of its counties)."""
    return (
        user.role in COMPARE_ROLES
        and user.jurisdiction is not None
        and has_capability(user, Capability.RUN_SCREENING)
    )


def may_export_outcomes(user: User) -> bool:
    """The outcomes export carries full ID numbers (民政 matches by them): county staff who may reveal them."""
    return user.role == Role.COUNTY and has_capability(user, Capability.REVEAL_ID_NUMBER)


def counties_for_user(*, user: User) -> QuerySet[Division]:
    """The counties whose comparison the user may see and run; refused to every other role."""
    if not may_compare(user):
        raise PermissionDenied("民政比对由县级、州级人员查看和发起")
    assert user.jurisdiction is not None
    code = user.jurisdiction.code
    prefix = county_of(code) if user.role == Role.COUNTY else code
    return Division.objects.filter(code__length=6, code__startswith=prefix).order_by("code")


def county_get_for_user(*, user: User, code: str) -> Division:
    county = counties_for_user(user=user).filter(code=code).first()
    if county is None:
        raise not_found()
    return county


def last_comparison(*, county: Division) -> ScreeningRun | None:
    return ScreeningRun.objects.filter(engine=ENGINE, county=county).order_by("-started_at", "-pk").first()


def differences_of(*, county: Division, batch_id: int | None) -> QuerySet[LowIncomeDifference]:
    """The differences found in the county's current snapshot (the caller fetched the county in scope)."""
    if batch_id is None:
        return LowIncomeDifference.objects.none()
    return (
        LowIncomeDifference.objects.filter(county=county, batch_id=batch_id)
        .select_related("household__village", "lead")
        .order_by("kind", "household__village_id", "household_id", "pk")
    )


def comparison_lead_get_for_user(*, user: User, pk: int) -> Lead:
    """A lead the user may see that a 民政比对 raised (others are closed on the ordinary lead page)."""
    lead = lead_get_for_user(user=user, pk=pk)
    if not LowIncomeDifference.objects.filter(lead=lead).exists():
        raise not_found()
    return lead


def citable_visits(*, household: Household, today: datetime.date) -> QuerySet[Visit]:
    """The household's visits a closing cadre may cite instead of visiting again (P17: one visit serves both):
    recorded for the household or its case within the last VISIT_CITATION_DAYS days."""
    since = today - datetime.timedelta(days=VISIT_CITATION_DAYS)
    return (
        Visit.objects.filter(Q(household=household) | Q(case__household=household))
        .filter(visited_at__date__gte=since, visited_at__date__lte=today)
        .select_related("visited_by")
        .order_by("-visited_at", "-pk")
    )
