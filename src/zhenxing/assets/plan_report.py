"""Reads for the income-distribution pages (P15): the village's current household members a plan may pay (with
the badges the proposal meeting weighs: 脱贫户, 监测对象), and the per-village report of what implemented plans
paid out and how much of it reached monitoring-object households and the people of 脱贫户.

Sums are in fen; a share is divided only for display (one decimal)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from zhenxing.assets.enums import PlanStatus
from zhenxing.assets.models import DistributionPlan, PlanPayout
from zhenxing.assets.selectors import plan_list_for_user
from zhenxing.divisions.models import Division
from zhenxing.monitoring.enums import MONITORED_STATUSES
from zhenxing.monitoring.models import Case
from zhenxing.policy.vocab import TUOPIN_HOUSEHOLD
from zhenxing.registry.models import Membership

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

POVERTY_ALLEVIATED = TUOPIN_HOUSEHOLD
PAID_STATES = (PlanStatus.IMPLEMENTED, PlanStatus.CLOSED)


@dataclass(frozen=True)
class Member:
    """A current member of a household of the village: a beneficiary a plan line may name."""

    person_pk: int
    name: str
    relation: str
    household_pk: int
    household_code: str
    alleviated: bool  # of a 脱贫户
    monitored: bool  # of a household with a monitoring case in force


def monitored_household_pks(household_pks: set[int]) -> set[int]:
    """Households with a monitoring case in one of MONITORED_STATUSES (as the cases stand today)."""
    return set(
        Case.objects.filter(household_id__in=household_pks, status__in=MONITORED_STATUSES).values_list(
            "household_id", flat=True
        )
    )


def village_members(village: Division) -> list[Member]:
    """The village's current household members, by household code then 户主 first."""
    rows = list(
        Membership.objects.filter(household__village__code=village.code, left_on__isnull=True)
        .select_related("person", "household")
        .order_by("household__code", "household_id", "pk")
    )
    monitored = monitored_household_pks({m.household_id for m in rows})
    members = [
        Member(
            person_pk=m.person_id,
            name=m.person.name,
            relation=m.relation,
            household_pk=m.household_id,
            household_code=m.household.code or "",
            alleviated=m.household.kind == POVERTY_ALLEVIATED,
            monitored=m.household_id in monitored,
        )
        for m in rows
    ]
    members.sort(key=lambda m: (m.household_code, m.household_pk, m.relation != "户主"))
    return members


@dataclass(frozen=True)
class VillageShare:
    village: Division
    plans: int
    paid_fen: int
    monitored_fen: int
    alleviated_fen: int

    @staticmethod
    def _percent(part: int, whole: int) -> str:
        return f"{part * 100 / whole:.1f}" if whole else "—"

    @property
    def monitored_percent(self) -> str:
        return self._percent(self.monitored_fen, self.paid_fen)

    @property
    def alleviated_percent(self) -> str:
        return self._percent(self.alleviated_fen, self.paid_fen)


def paid_plans_for_user(*, user: User, year: int | None) -> QuerySet[DistributionPlan]:
    plans = plan_list_for_user(user=user).filter(status__in=PAID_STATES)
    return plans.filter(year=year) if year is not None else plans


@dataclass
class _Sums:
    plans: set[int]
    paid: int = 0
    monitored: int = 0
    alleviated: int = 0


def plan_report_rows(*, user: User, year: int | None) -> list[VillageShare]:
    """Per village in the user's scope: what its implemented (or closed) plans paid out, and the shares."""
    plans = paid_plans_for_user(user=user, year=year)
    payouts = list(
        PlanPayout.objects.filter(line__plan__in=plans, paid_on__isnull=False).values_list(
            "line__plan__village_id", "line__plan_id", "household_id", "household__kind", "amount_fen"
        )
    )
    monitored = monitored_household_pks({row[2] for row in payouts})
    by_village: dict[int, _Sums] = {}
    for village_pk, plan_pk, household_pk, kind, fen in payouts:
        sums = by_village.setdefault(village_pk, _Sums(plans=set()))
        sums.plans.add(plan_pk)
        sums.paid += fen
        if household_pk in monitored:
            sums.monitored += fen
        if kind == POVERTY_ALLEVIATED:
            sums.alleviated += fen
    villages = {d.pk: d for d in Division.objects.filter(pk__in=by_village)}
    rows = [
        VillageShare(
            village=villages[pk],
            plans=len(sums.plans),
            paid_fen=sums.paid,
            monitored_fen=sums.monitored,
            alleviated_fen=sums.alleviated,
        )
        for pk, sums in by_village.items()
    ]
    return sorted(rows, key=lambda row: row.village.code)
