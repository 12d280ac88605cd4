"""Monitoring objects, identifications, eliminations and the P16 risk figures, from the cases (P5, P8, P9, P16).
A case counts for the county of its household's village; a household is a monitoring object on a day from its
county's decision (识别监测时间) until its risk elimination (风险消除日期)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from zhenxing.monitoring.enums import CaseStatus
from zhenxing.monitoring.models import Case
from zhenxing.planning.computed import Context, Figure, computed
from zhenxing.planning.computed.common import CONFIRMED_EVER as CONFIRMED_EVER
from zhenxing.planning.computed.common import cases_monitored_on, memberships_on
from zhenxing.policy.vocab import TUOPIN_HOUSEHOLD

COUNTY = "household__village__parent__parent__code"


def _per_county(cases: QuerySet[Case]) -> dict[str, Figure]:
    rows = cases.values(COUNTY).annotate(n=Count("household", distinct=True))
    return {row[COUNTY]: Figure(Decimal(row["n"])) for row in rows}


def monitored_on(context: Context) -> QuerySet[Case]:
    """Cases whose household was a monitoring object at the end of the period (common.cases_monitored_on)."""
    return cases_monitored_on(context.ends_on)


def identified_in(context: Context) -> QuerySet[Case]:
    return Case.objects.filter(
        status__in=CONFIRMED_EVER, identified_on__gte=context.starts_on, identified_on__lte=context.ends_on
    )


@computed(
    "monitoring_households",
    version=1,
    definition="期末处于监测帮扶中的户：识别监测时间不晚于期末、期末尚未风险消除",
)
def monitoring_households(context: Context) -> dict[str, Figure]:
    return _per_county(monitored_on(context))


@computed(
    "monitoring_people", version=1, definition="上述户期末在户人口（成员加入不晚于期末、未在期末前离开）"
)
def monitoring_people(context: Context) -> dict[str, Figure]:
    households = monitored_on(context).values("household")
    members = (
        memberships_on(context.ends_on)
        .filter(household__in=households)
        .values("household__village__parent__parent__code")
        .annotate(n=Count("person", distinct=True))
    )
    return {row["household__village__parent__parent__code"]: Figure(Decimal(row["n"])) for row in members}


@computed("identified_households", version=1, definition="识别监测时间在期内的已纳入户")
def identified_households(context: Context) -> dict[str, Figure]:
    return _per_county(identified_in(context))


@computed("eliminated_households", version=1, definition="风险消除日期在期内的户")
def eliminated_households(context: Context) -> dict[str, Figure]:
    return _per_county(
        Case.objects.filter(
            status=CaseStatus.ELIMINATED,
            eliminated_on__gte=context.starts_on,
            eliminated_on__lte=context.ends_on,
        )
    )


@computed("tuopin_newly_identified", version=1, definition="期内纳入监测的脱贫户（返贫风险，P16）")
def tuopin_newly_identified(context: Context) -> dict[str, Figure]:
    return _per_county(identified_in(context).filter(household__kind=TUOPIN_HOUSEHOLD))


@computed("reopened_households", version=1, definition="期内重新纳入监测的曾风险消除户（返贫风险，P16）")
def reopened_households(context: Context) -> dict[str, Figure]:
    earlier = Case.objects.filter(
        household=OuterRef("household"),
        status=CaseStatus.ELIMINATED,
        eliminated_on__lt=OuterRef("identified_on"),
    )
    return _per_county(identified_in(context).filter(Q(reopens__isnull=False) | Exists(earlier)))
