"""Scoped reads for assistance: the P7 plan checks (per case and per township), a 帮扶责任人's households,
measures."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from zhenxing.accounts.enums import AssignmentKind
from zhenxing.accounts.models import Assignment
from zhenxing.accounts.rollup import rollup_function
from zhenxing.accounts.scoping import active_assignments_filter
from zhenxing.common.errors import not_found
from zhenxing.divisions.models import Division
from zhenxing.monitoring.cases import case_list_for_user, monitored_for_user
from zhenxing.monitoring.decisions import assistance_checks
from zhenxing.monitoring.dynamic_exit import labelled_eliminated_q
from zhenxing.monitoring.enums import MONITORED_STATUSES, CaseStatus, MeasureStatus
from zhenxing.monitoring.models import Case, Measure
from zhenxing.policy.household import Household as PolicyHousehold
from zhenxing.policy.rules.measures import PLAN_CHECK_MESSAGES, PLAN_ERROR, PLAN_WARNING, plan_check
from zhenxing.policy.rules.people import household_has_labour
from zhenxing.policy.vocab import IMPLEMENTED_MEASURE_STATES
from zhenxing.registry.facts import policy_member
from zhenxing.registry.models import Membership

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def households_with_labour(household_ids: Iterable[int], *, year: int) -> dict[int, bool]:
    """P6/P7 labour on the current members, for many households in two queries."""
    members: dict[int, list[Any]] = defaultdict(list)
    for membership in Membership.objects.filter(
        household_id__in=list(household_ids), left_on__isnull=True
    ).select_related("person"):
        members[membership.household_id].append(policy_member(membership.person, membership.relation))
    return {
        household_id: household_has_labour(PolicyHousehold(kind="", members=tuple(found)), year)
        for household_id, found in members.items()
    }


def plan_flags(cases: Iterable[Case], *, today: datetime.date) -> dict[int, str]:
    """The P7 plan check per monitored case: ok, warning (1 month) or error (6 months), by the parameters."""
    cases = [c for c in cases if c.status in MONITORED_STATUSES and c.identified_on and c.household_id]
    checks, _ = assistance_checks()
    labour = households_with_labour([c.household_id for c in cases if c.household_id], year=today.year)
    implemented: dict[int, list[str]] = defaultdict(list)
    for case_id, category in Measure.objects.filter(
        case_id__in=[c.pk for c in cases], status__in=IMPLEMENTED_MEASURE_STATES
    ).values_list("case_id", "category"):
        implemented[case_id].append(category)
    flags = {}
    for case in cases:
        if case.identified_on is None:
            continue
        flags[case.pk] = plan_check(
            identified_on=case.identified_on, today=today,
            has_labour=labour.get(case.household_id or 0, False), implemented_categories=implemented[case.pk],
            warning_months=checks["plan_warning_months"], error_months=checks["plan_error_months"],
        )  # fmt: skip
    return flags


def plan_flag_message(flag: str) -> str:
    checks, _ = assistance_checks()
    template = PLAN_CHECK_MESSAGES.get(flag)
    if template is None:
        return ""
    return template.format(warning=checks["plan_warning_months"], error=checks["plan_error_months"])


def plan_check_report(*, user: User, today: datetime.date) -> list[dict[str, Any]]:
    """Per place one level below the user (county, township or village; common/rollup.py): monitored
    households, plan warnings and errors (P7), most errors first."""
    cases = list(
        monitored_for_user(user=user).only("pk", "status", "identified_on", "household_id", "village_id")
    )
    flags = plan_flags(cases, today=today)
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    place_of = rollup_function(user)
    for case in cases:
        place = place_of(str(case.village_id))
        rows[place]["monitored"] += 1
        rows[place][flags.get(case.pk, "ok")] += 1
    names = dict(Division.objects.filter(code__in=list(rows)).values_list("code", "name"))
    report = [
        {"code": code, "name": names.get(code, code), "monitored": counts["monitored"],
         "warning": counts[PLAN_WARNING], "error": counts[PLAN_ERROR]}
        for code, counts in rows.items()
    ]  # fmt: skip
    return sorted(report, key=lambda row: (-row["error"], -row["warning"], row["code"]))


def helper_cases_for_user(*, user: User, today: datetime.date) -> QuerySet[Case]:
    """我的帮扶户: the monitoring episodes of the households the user is 帮扶责任人 of today; an episode whose
    risk was eliminated under the normalised regime is no longer listed (P17 dynamic exit), one eliminated under
    the transition regime still is, labelled 风险消除 as it was."""
    households = Assignment.objects.filter(
        active_assignments_filter(today), user=user, kind=AssignmentKind.HELPER, household__isnull=False
    ).values_list("household_id", flat=True)
    return (
        case_list_for_user(user=user)
        .filter(household_id__in=list(households))
        .filter(Q(status__in=MONITORED_STATUSES) | labelled_eliminated_q())
        .select_related("household", "village")
        .order_by("status", "village_id", "pk")
    )


def continuing_measures_for_household(*, user: User, household_id: int) -> QuerySet[Measure]:
    """P9: the measures that go on after the household's risk was eliminated (small loans, asset-income shares,
    public-welfare jobs, 雨露计划) until they end, for the household page; P17: shown as measures, with no
    object badge, whichever regime the elimination fell under."""
    eliminated = case_list_for_user(user=user).filter(household_id=household_id, status=CaseStatus.ELIMINATED)
    return (
        Measure.objects.filter(
            case__in=eliminated,
            continues_after_elimination=True,
            status__in=[MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS],
        )
        .select_related("case")
        .order_by("started_on", "pk")
    )


def measure_get_for_user(*, user: User, pk: int) -> Measure:
    measure = (
        Measure.objects.filter(case__in=case_list_for_user(user=user))
        .select_related("case__village", "case__household")
        .filter(pk=pk)
        .first()
    )
    if measure is None:
        raise not_found()
    return measure
