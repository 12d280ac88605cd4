"""A household monitored on a day (P5, P8, P9), stated once: the plan's computed indicators, the work-team pages,
the dashboards' figures and the case list's `on=` filter (a dashboard number's drill-down) all read it here, so
that a number and the list behind it can never disagree."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from zhenxing.monitoring.enums import MONITORED_STATUSES, CaseStatus
from zhenxing.monitoring.models import Case

# every status a confirmed case can be in afterwards: monitored, in elimination, eliminated
CONFIRMED_EVER = (*MONITORED_STATUSES, CaseStatus.ELIMINATED)


def monitored_on_filter(day: datetime.date) -> Q:
    """Confirmed (识别监测时间) on or before `day` and not risk-eliminated by it (eliminated on the day is no
    longer monitored)."""
    return Q(status__in=CONFIRMED_EVER, identified_on__lte=day) & (
        Q(eliminated_on__isnull=True) | Q(eliminated_on__gt=day)
    )


def cases_monitored_on(day: datetime.date) -> QuerySet[Case]:
    """Cases whose household is a monitoring object on `day` (monitored_on_filter)."""
    return Case.objects.filter(monitored_on_filter(day))
