"""Users and records the planning tests share: 南涧 (532926) with one of its townships, the prefecture, a
county sector department, another county for the scope checks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from tests.factories import division, make_user
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import Sector, User
from zhenxing.common import clock
from zhenxing.planning.enums import Grade
from zhenxing.planning.models import Assessment

COUNTY = "532926"
TOWNSHIP = "532926101"
OTHER_TOWNSHIP = "532926102"
VILLAGE = "532926101202"
OTHER_COUNTY = "532923"


@dataclass
class PlanningUsers:
    prefecture: User
    prefecture_colleague: User
    county: User
    county_colleague: User
    township: User
    township_colleague: User
    human_resources: User  # 南涧's 人社 (county sector)
    other_county: User


def planning_users() -> PlanningUsers:
    hr = Sector.objects.get(code="human_resources")
    return PlanningUsers(
        prefecture=make_user(Role.PREFECTURE, "5329", username="p_zhou"),
        prefecture_colleague=make_user(Role.PREFECTURE, "5329", username="p_zhou2"),
        county=make_user(Role.COUNTY, COUNTY, username="p_xian"),
        county_colleague=make_user(Role.COUNTY, COUNTY, username="p_xian2"),
        township=make_user(Role.TOWNSHIP, TOWNSHIP, username="p_xiang"),
        township_colleague=make_user(Role.TOWNSHIP, TOWNSHIP, username="p_xiang2"),
        human_resources=make_user(Role.COUNTY_SECTOR, COUNTY, sector=hr, username="p_renshe"),
        other_county=make_user(Role.COUNTY, OTHER_COUNTY, username="p_other"),
    )


def an_assessment(county: str = COUNTY, *, year: int = 2025, grade: str = Grade.GENERAL) -> Assessment:
    """A stored assessment (what planning/assessment.py computes), for the supervision tests."""
    return Assessment.objects.create(
        county=division(county),
        year=year,
        total=Decimal("75.50") if grade == Grade.GENERAL else Decimal("92"),
        grade=grade,
        scores={},
        inputs={},
        computed_at=clock.now(),
    )


def days_from_today(days: int) -> datetime.date:
    return clock.today() + datetime.timedelta(days=days)
