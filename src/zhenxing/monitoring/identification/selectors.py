"""Scoped reads for identification: the queues (待办, 超期, unsettled applications), the overdue ranking, the
monitoring-object roster and the monitoring report."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhenxing.accounts.enums import Role
from zhenxing.accounts.rollup import LEVEL_LABEL, rollup_function, rollup_level
from zhenxing.common.errors import not_found
from zhenxing.divisions.codes import county_of, is_division_code
from zhenxing.divisions.models import Division
from zhenxing.monitoring.case_workflow import STEP_ROLE
from zhenxing.monitoring.cases import case_list_for_user, monitored_for_user
from zhenxing.monitoring.decisions import step_deadlines
from zhenxing.monitoring.dynamic_exit import labelled_eliminated_q
from zhenxing.monitoring.enums import MONITORED_STATUSES, OPEN_STATUSES, CaseStatus
from zhenxing.monitoring.identification.transitions import IDENTIFICATION
from zhenxing.monitoring.models import Case, Measure
from zhenxing.monitoring.on_day import CONFIRMED_EVER, monitored_on_filter
from zhenxing.policy.regimes import RegimeNotConfigured, regime_for
from zhenxing.policy.rules.procedure import application_settle_days
from zhenxing.policy.vocab import (
    DEVELOPMENT_MEASURES,
    HOUSEHOLD_KINDS,
    IMPLEMENTED_MEASURE_STATES,
    MONITORING_TYPES,
)

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


def has_development_measure() -> Exists:
    """P7: the case's plan has an implemented (实施中 or 已完成) development-type measure — what the plan check
    (policy/rules/measures.plan_check, over IMPLEMENTED_MEASURE_STATES) counts; the dashboards' coverage and the
    list's filter use this one condition."""
    return Exists(
        Measure.objects.filter(
            case=OuterRef("pk"), category__in=DEVELOPMENT_MEASURES, status__in=IMPLEMENTED_MEASURE_STATES
        )
    )


FIRST_YEAR, LAST_YEAR = 2000, 2100  # a filter's day outside these years is unreadable (no 500 on 9999-12)


def filter_day(text: str) -> datetime.date | None:
    """A filter's day 'YYYY-MM-DD' of a year 2000–2100; anything else is None (the filter is ignored)."""
    try:
        day = datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def in_month_filter(field: str, month: str, *, onwards: bool = False) -> Q:
    """A date field in a month 'YYYY-MM' (or from it onwards); an unreadable month, or one of a year outside
    2000–2100, filters nothing."""
    first = filter_day(f"{month[:7]}-01")
    if first is None:
        return Q()
    after = datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Q(**{f"{field}__gte": first}) if onwards else Q(**{f"{field}__gte": first, f"{field}__lt": after})


# the case list's tabs that are plain status sets (the dashboards' drill-downs among them); each set is defined
# once: `identified` is every case confirmed ever, as the dashboards' 识别纳入 counts (on_day.CONFIRMED_EVER)
TAB_STATUSES: dict[str, tuple[str, ...]] = {
    "open": tuple(OPEN_STATUSES),
    "confirmed": (CaseStatus.CONFIRMED,),
    "monitored": tuple(MONITORED_STATUSES),  # monitored now (confirmed, or in an elimination step)
    "rejected": (CaseStatus.REJECTED,),
    "identified": CONFIRMED_EVER,
    "eliminated": (CaseStatus.ELIMINATED,),
}
# the date a tab's month / since / until filters read: the tab's event, identification or elimination
MONTH_FIELD = {"identified": "identified_on", "eliminated": "eliminated_on"}
OTHER_TYPE = "other"  # `type=other`: a type outside today's vocabulary, blank included (the 其他类型 series)


@dataclass(frozen=True)
class CaseFilters:
    """A case list's filters as read from its query (each unreadable one is empty, never an error)."""

    place: str = ""
    monitoring_type: str = ""
    month: str = ""  # 'YYYY-MM': the tab's event in that month
    since: str = ""  # 'YYYY-MM': the tab's event in that month or later
    until: datetime.date | None = None  # the tab's event on or before the day
    on: datetime.date | None = None  # tab=monitored: monitored on the day (on_day), not now
    development: str = ""  # '1' / '0': with / without an implemented development-type measure


def case_tab_for_user(*, user: User, tab: str, today: datetime.date, filters: CaseFilters) -> QuerySet[Case]:
    """A list tab's cases under its filters; an unknown tab is the queue."""
    if tab == "overdue":
        cases = overdue_for_user(user=user, today=today)
    elif tab == "monitored" and filters.on is not None:  # a dashboard's number of a day
        cases = case_list_for_user(user=user).filter(monitored_on_filter(filters.on))
    elif tab in TAB_STATUSES:
        cases = case_list_for_user(user=user).filter(status__in=TAB_STATUSES[tab])
    else:
        cases = queue_for_user(user=user, today=today)
    if is_division_code(filters.place):  # a ranking row's drill-down: the tab's cases under one division
        cases = cases.filter(village__code__startswith=filters.place)
    if filters.monitoring_type == OTHER_TYPE:
        cases = cases.exclude(monitoring_type__in=MONITORING_TYPES)
    elif filters.monitoring_type:  # a dashboard's bar of one type
        cases = cases.filter(monitoring_type=filters.monitoring_type)
    if tab in MONTH_FIELD:
        field = MONTH_FIELD[tab]
        if filters.month or filters.since:  # a dashboard's month, or its last twelve months
            cases = cases.filter(
                in_month_filter(field, filters.month or filters.since, onwards=not filters.month)
            )
        if filters.until is not None:  # ... counted up to the run's day
            cases = cases.filter(**{f"{field}__lte": filters.until})
    if filters.development in ("0", "1"):  # a dashboard's coverage: with or without a development measure
        has = has_development_measure()
        cases = cases.filter(has if filters.development == "1" else ~has)
    return cases


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


def report_types(year: int, stored: Iterable[str] = ()) -> tuple[str, ...]:
    """The type columns of a year's report: the vocabulary of the regime in force at the year's end (P17: data
    with an effective date), then any stored type outside it, so that the columns add up to the total."""
    try:
        vocabulary = regime_for(datetime.date(year, 12, 31)).monitoring_types
    except RegimeNotConfigured:  # a year before the first regime: the plan's P5 types
        vocabulary = MONITORING_TYPES
    extra = sorted({t for t in stored if t and t not in vocabulary})
    return (*vocabulary, *extra)


def year_has_dynamic_exit(year: int) -> bool:
    """P17: the year's report follows dynamic exit (no names of eliminated households, counts by place)."""
    try:
        return regime_for(datetime.date(year, 12, 31)).dynamic_exit
    except RegimeNotConfigured:
        return False


def _elimination_rows(counts: dict[str, Counter[str]]) -> list[tuple[str, str, Counter[str]]]:
    names = dict(Division.objects.filter(code__in=list(counts)).values_list("code", "name"))
    return sorted(((code, names.get(code, code), c) for code, c in counts.items()), key=lambda r: r[0])


def monitoring_report(*, user: User, year: int) -> dict[str, Any]:
    """监测对象 by type, risk type, county, status and household category (分类管理); eliminated this year.
    ``by_place`` counts by the places one level below the user (the page's table); ``by_county`` stays for the
    workbook's county sheet. P17: ``eliminated`` lists by name only the eliminations still labelled (those
    under the transition regime); every elimination of the year is counted by place in ``eliminated_by_place``
    and ``eliminated_by_county`` (a count is not a label)."""
    monitored = list(
        monitored_for_user(user=user).values_list(
            "village_id", "monitoring_type", "risk_types", "status", "household__kind"
        )
    )
    counties = dict(Division.objects.filter(level="county").values_list("code", "name"))
    by_county: dict[str, Counter[str]] = defaultdict(Counter)
    by_place: dict[str, Counter[str]] = defaultdict(Counter)
    place_of = rollup_function(user)
    by_risk: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    for village, monitoring_type, risks, status, kind in monitored:
        county = county_of(str(village))
        by_county[county][monitoring_type] += 1
        by_county[county]["total"] += 1
        by_place[place_of(str(village))][monitoring_type] += 1
        by_place[place_of(str(village))]["total"] += 1
        by_risk.update(risks or [])
        by_status[CaseStatus(status).label] += 1
        by_kind[kind or "未关联农户"] += 1
    types = report_types(year, (t for _, t, _, _, _ in monitored))
    in_year = case_list_for_user(user=user).filter(status=CaseStatus.ELIMINATED, eliminated_on__year=year)
    eliminated_by_place: dict[str, Counter[str]] = defaultdict(Counter)
    eliminated_by_county: dict[str, Counter[str]] = defaultdict(Counter)
    for village, method in in_year.values_list("village_id", "elimination_method"):
        for counts in (
            eliminated_by_place[place_of(str(village))],
            eliminated_by_county[county_of(str(village))],
        ):
            counts[method] += 1
            counts["total"] += 1
    eliminated = (
        in_year.filter(labelled_eliminated_q())
        .select_related("household", "village")
        .order_by("eliminated_on", "pk")
    )
    named_places = _named_rows(by_place)
    return {
        "by_county": sorted(
            ((code, counties.get(code, code), counts) for code, counts in by_county.items()),
            key=lambda r: r[0],
        ),
        "by_place": named_places,
        "types": types,
        # the page's rows: (name, [(column, count) ..., ("合计", total)]), the columns being the year's types
        "place_rows": [
            (name, [*((t, counts[t]) for t in types), ("合计", counts["total"])])
            for _, name, counts in named_places
        ],
        "level": LEVEL_LABEL[rollup_level(user)],
        "by_risk": by_risk.most_common(),
        "by_status": sorted(by_status.items()),
        "by_kind": [
            (kind, by_kind[kind]) for kind in (*HOUSEHOLD_KINDS, *sorted(set(by_kind) - set(HOUSEHOLD_KINDS)))
        ],
        "total": len(monitored),
        "eliminated": eliminated,
        "dynamic_exit": year_has_dynamic_exit(year),
        "eliminated_total": sum(c["total"] for c in eliminated_by_place.values()),
        "eliminated_by_place": _elimination_rows(eliminated_by_place),
        "eliminated_by_county": _elimination_rows(eliminated_by_county),
    }
