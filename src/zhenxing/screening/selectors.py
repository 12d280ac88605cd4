from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.rollup import RollupRow, rollup
from zhenxing.common.errors import not_found
from zhenxing.divisions.codes import county_of
from zhenxing.divisions.models import Division
from zhenxing.registry.selectors import household_list_for_user
from zhenxing.screening.models import GRADES, Lead, LeadStatus, ScreeningRun
from zhenxing.screening.transitions import LEAD

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def lead_list_for_user(*, user: User) -> QuerySet[Lead]:
    """Leads of the households the user may see (registry scoping: village, moved-from, assignments)."""
    return Lead.objects.filter(household__in=household_list_for_user(user=user))


def lead_get_for_user(*, user: User, pk: int) -> Lead:
    lead = lead_list_for_user(user=user).select_related("household__village").filter(pk=pk).first()
    if lead is None:
        raise not_found()
    return lead


# list filters beyond one status (a dashboard's funnel): every lead, or the checked ones (closed either way)
ALL_LEADS, CHECKED_LEADS = "all", "checked"
LEAD_STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    ALL_LEADS: tuple(LeadStatus.values),
    CHECKED_LEADS: (LeadStatus.CONFIRMED, LeadStatus.DISMISSED),
}


def lead_page_for_user(
    *, user: User, status: str, today: datetime.date, overdue: bool = False, place: str = "",
    since: datetime.date | None = None, until: datetime.date | None = None,
) -> QuerySet[Lead]:  # fmt: skip
    """A list page's leads, each with `is_overdue` by the kernel's one definition (the badge); `overdue` keeps
    only those the kernel counts overdue, `place` those under one division (a ranking row's drill-down),
    `since` / `until` those raised on or after a day / on or before one (a dashboard's twelve months up to its
    run's day)."""
    leads = lead_list_for_user(user=user).filter(status__in=LEAD_STATUS_GROUPS.get(status, (status,)))
    if since is not None:
        leads = leads.filter(created_at__gte=raised_from(since))
    if until is not None:
        leads = leads.filter(created_at__lt=raised_from(until + datetime.timedelta(days=1)))
    if overdue:
        leads = leads.filter(LEAD.overdue(today))
    if place:
        leads = leads.filter(household__village__code__startswith=place)
    return LEAD.annotate_overdue(leads, today)


def raised_from(day: datetime.date) -> datetime.datetime:
    """The first instant of `day` in the project's time zone: leads raised on or after it (created_at is a
    moment; a day's leads are those of its local midnight onwards)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def overdue_ranking(*, user: User, today: datetime.date) -> list[RollupRow]:
    """Open leads past the village deadline, by the places one level below the user (P10 chasing)."""
    overdue = lead_list_for_user(user=user).filter(LEAD.overdue(today))
    return rollup(user, overdue.values_list("household__village_id", flat=True))


def summary_by_grade(*, user: User) -> list[dict[str, object]]:
    rows = (
        lead_list_for_user(user=user)
        .values("status", "grade")
        .annotate(count=Count("pk"))
        .order_by("status", "grade")
    )
    return [dict(row) for row in rows]


def open_by_place(*, user: User) -> list[RollupRow]:
    """Open leads by place (one level below the user) and grade, one count per grade of GRADES."""
    open_leads = lead_list_for_user(user=user).filter(status=LeadStatus.OPEN)
    return rollup(
        user, *(open_leads.filter(grade=g).values_list("household__village_id", flat=True) for g in GRADES)
    )


def division_name(code: str) -> str:
    """A filter's place as the page names it (division names are reference data, open to every role)."""
    return Division.objects.filter(code=code).values_list("name", flat=True).first() or code


def run_list_for_user(*, user: User) -> QuerySet[ScreeningRun]:
    """Rounds a user may follow from the pages: the prefecture every round; a county its own county's and the
    prefecture-wide ones (which screened its households too); nobody else any."""
    runs = ScreeningRun.objects.select_related("county", "started_by").order_by("-started_at", "-pk")
    if not has_capability(user, Capability.RUN_SCREENING) or user.jurisdiction is None:
        return runs.none()
    if user.role == Role.COUNTY:
        return runs.filter(Q(county_id=county_of(user.jurisdiction.code)) | Q(county__isnull=True))
    return runs


def run_get_for_user(*, user: User, pk: int) -> ScreeningRun:
    run = run_list_for_user(user=user).filter(pk=pk).first()
    if run is None:
        raise not_found()
    return run
