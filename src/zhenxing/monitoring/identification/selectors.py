"""Scoped reads for identification: the queues (待办, 超期, unsettled applications), the overdue ranking, the
monitoring-object roster and the monitoring report."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from zhenxing.accounts.enums import Role
from zhenxing.accounts.rollup import LEVEL_LABEL, rollup_function, rollup_level
from zhenxing.common.errors import not_found
from zhenxing.divisions.codes import county_of
from zhenxing.divisions.models import Division
from zhenxing.monitoring.case_workflow import STEP_ROLE
from zhenxing.monitoring.cases import case_list_for_user, monitored_for_user
from zhenxing.monitoring.decisions import step_deadlines
from zhenxing.monitoring.enums import CaseStatus
from zhenxing.monitoring.identification.transitions import IDENTIFICATION
from zhenxing.monitoring.models import Case
from zhenxing.policy.rules.procedure import application_settle_days

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def case_page_for_user(*, user: User, pk: int, today: datetime.date) -> Case:
    """The case, with `is_overdue` as the overdue list counts it (the page's badge)."""
    cases = IDENTIFICATION.annotate_overdue(case_list_for_user(user=user), today)
    case = cases.select_related("household", "village").filter(pk=pk).first()
    if case is None:
        raise not_found()
    return case


def with_overdue(cases: QuerySet[Case], *, today: datetime.date) -> QuerySet[Case]:
    """A list's cases, each with `is_overdue` by the kernel's one definition (the badges)."""
    return IDENTIFICATION.annotate_overdue(cases, today)


def overdue_for_user(*, user: User, today: datetime.date) -> QuerySet[Case]:
    """超期: cases still being identified past their step's limit or the whole procedure's (the kernel's one
    definition, which the list's badges, the tab and the ranking all use)."""
    return case_list_for_user(user=user).filter(IDENTIFICATION.overdue(today))


def unsettled_filter(today: datetime.date) -> Q:
    """Applications still at 申报 past the settle limit (the Yunnan 10-day rule)."""
    limits, _ = step_deadlines()
    cutoff = today - datetime.timedelta(days=application_settle_days(limits))
    return Q(status=CaseStatus.APPLICATION, step_started_on__lte=cutoff)


def queue_for_user(*, user: User, today: datetime.date) -> QuerySet[Case]:
    """待办: the cases whose current step is the user's role's, and for townships and counties also the
    applications left unsettled past the limit in their area."""
    steps = [step for step, role in STEP_ROLE.items() if role == user.role]
    condition = Q(status__in=steps)
    if user.role in (Role.TOWNSHIP, Role.COUNTY):
        condition |= unsettled_filter(today)
    return case_list_for_user(user=user).filter(condition)


def overdue_ranking(*, user: User, today: datetime.date) -> list[tuple[str, int]]:
    """Places one level below the user (counties for the prefecture, townships for a county) by number of
    overdue open cases, most first (codes; names are looked up by the view)."""
    codes = overdue_for_user(user=user, today=today).values_list("village_id", flat=True)
    place_of = rollup_function(user)
    return Counter(place_of(str(code)) for code in codes).most_common()


def roster_for_user(*, user: User) -> QuerySet[Case]:
    """监测对象: confirmed cases in scope."""
    return (
        case_list_for_user(user=user)
        .filter(status=CaseStatus.CONFIRMED)
        .select_related("household", "village")
        .order_by("village_id", "identified_on", "pk")
    )


def _named_rows(counts: dict[str, Counter[str]]) -> list[tuple[str, str, Counter[str]]]:
    """(code, name, counts) per place, most monitored first."""
    names = dict(Division.objects.filter(code__in=list(counts)).values_list("code", "name"))
    rows = [(code, names.get(code, code), c) for code, c in counts.items()]
    return sorted(rows, key=lambda r: (-r[2]["total"], r[0]))


def monitoring_report(*, user: User, year: int) -> dict[str, Any]:
    """监测对象 by type, risk type, county and status; eliminated this year. ``by_place`` counts by the
    places one level below the user (the page's table); ``by_county`` stays for the workbook's county sheet."""
    monitored = list(
        monitored_for_user(user=user).values_list("village_id", "monitoring_type", "risk_types", "status")
    )
    counties = dict(Division.objects.filter(level="county").values_list("code", "name"))
    by_county: dict[str, Counter[str]] = defaultdict(Counter)
    by_place: dict[str, Counter[str]] = defaultdict(Counter)
    place_of = rollup_function(user)
    by_risk: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    for village, monitoring_type, risks, status in monitored:
        county = county_of(str(village))
        by_county[county][monitoring_type] += 1
        by_county[county]["total"] += 1
        by_place[place_of(str(village))][monitoring_type] += 1
        by_place[place_of(str(village))]["total"] += 1
        by_risk.update(risks or [])
        by_status[CaseStatus(status).label] += 1
    eliminated = (
        case_list_for_user(user=user)
        .filter(status=CaseStatus.ELIMINATED, eliminated_on__year=year)
        .select_related("household", "village")
        .order_by("eliminated_on", "pk")
    )
    return {
        "by_county": sorted(
            ((code, counties.get(code, code), counts) for code, counts in by_county.items()),
            key=lambda r: r[0],
        ),
        "by_place": _named_rows(by_place),
        "level": LEVEL_LABEL[rollup_level(user)],
        "by_risk": by_risk.most_common(),
        "by_status": sorted(by_status.items()),
        "total": len(monitored),
        "eliminated": eliminated,
    }
