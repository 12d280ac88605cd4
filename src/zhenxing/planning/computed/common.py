"""The day-based rules the computed indicators, the work-team pages and the process figures share, each stated
once and taking the day it is asked about: a household monitored on a day (P5, P8, P9), a member of a household
on a day (P1), a housing-safety ledger entry open on a day (P6)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from zhenxing.monitoring.models import HousingLedgerEntry

# the monitored-on-a-day rule lives with the cases (the case list's drill-down reads it too); re-exported here
from zhenxing.monitoring.on_day import CONFIRMED_EVER as CONFIRMED_EVER
from zhenxing.monitoring.on_day import cases_monitored_on as cases_monitored_on
from zhenxing.registry.models import Membership


def memberships_on(day: datetime.date) -> QuerySet[Membership]:
    """P1: the memberships of `day`: joined on or before it, not left by it (left on the day is gone)."""
    return Membership.objects.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))


def housing_open_on(day: datetime.date) -> QuerySet[HousingLedgerEntry]:
    """Housing-safety ledger entries open on `day`: registered on or before it, not closed (销号) by it."""
    return HousingLedgerEntry.objects.filter(opened_on__lte=day).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    )
