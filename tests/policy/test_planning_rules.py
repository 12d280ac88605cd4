"""P12 transfer employment, P16 returns to poverty, 规模性返贫, targets and reporting periods, P11 work-team
shortfalls (policy/rules/planning.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenxing.policy.rules.planning import (
    BASIC_NEEDS_RISK_TYPES,
    TRANSFER_PLACES_OUTSIDE_TOWNSHIP,
    TeamOnRecord,
    large_scale_return,
    period_bounds,
    period_deadline,
    returned_to_poverty,
    target_met,
    transfer_employed,
    work_team_shortfall,
)
from zhenxing.policy.rules.sector import (
    VillageProfile,
    WorkTeamRequirement,
    WorkTeamThresholds,
    work_team_requirement,
)
from zhenxing.policy.vocab import RISK_TYPES, WORK_PLACES


def test_p12_places_outside_the_township_come_from_the_vocabulary() -> None:
    assert TRANSFER_PLACES_OUTSIDE_TOWNSHIP == ("乡镇外县内", "县外省内", "省外")
    assert set(TRANSFER_PLACES_OUTSIDE_TOWNSHIP) < set(WORK_PLACES)


@pytest.mark.parametrize(("months", "counted"), [(3, True), (2, False), (12, True), (0, False)])
def test_p12_transfer_needs_at_least_n_months_n_included(months: int, counted: bool) -> None:
    assert (
        transfer_employed(work_months=months, work_place="省外", min_months=3, outside_township_only=True)
        is counted
    )


@pytest.mark.parametrize(
    ("place", "counted"),
    [("乡镇内", False), ("乡镇外县内", True), ("县外省内", True), ("省外", True), ("", False)],
)
def test_p12_transfer_place_outside_the_home_township(place: str, counted: bool) -> None:
    assert (
        transfer_employed(work_months=6, work_place=place, min_months=3, outside_township_only=True)
        is counted
    )


def test_p12_transfer_any_place_when_the_rule_says_so() -> None:
    assert transfer_employed(work_months=6, work_place="乡镇内", min_months=3, outside_township_only=False)
    assert not transfer_employed(
        work_months=2, work_place="乡镇内", min_months=3, outside_township_only=False
    )


def test_p16_basic_needs_risk_types_come_from_the_vocabulary() -> None:
    assert BASIC_NEEDS_RISK_TYPES == ("住房出现安全问题", "义务教育阶段失学辍学", "饮水安全问题")
    assert set(BASIC_NEEDS_RISK_TYPES) < set(RISK_TYPES)
    assert "因病" not in BASIC_NEEDS_RISK_TYPES


def test_p16_return_by_income_below_the_standard_compared_without_division() -> None:
    # given a standard of 4,000 yuan and 3 members: 12,000 yuan = 1,200,000 fen for the household
    common = {"members": 3, "standard_yuan": 4000, "unmet_basic_needs": False}
    assert returned_to_poverty(net_income_fen=1_199_999, **common) is True
    assert returned_to_poverty(net_income_fen=1_200_000, **common) is False  # at the standard: not below


def test_p16_return_by_an_unmet_basic_need_even_without_a_standard() -> None:
    assert returned_to_poverty(net_income_fen=10**9, members=2, standard_yuan=4000, unmet_basic_needs=True)
    assert returned_to_poverty(net_income_fen=0, members=2, standard_yuan=None, unmet_basic_needs=True)


def test_p16_return_is_unknown_without_a_configured_standard() -> None:
    assert (
        returned_to_poverty(net_income_fen=0, members=2, standard_yuan=None, unmet_basic_needs=False) is None
    )


@given(
    income=st.integers(min_value=-(10**9), max_value=10**10),
    members=st.integers(min_value=1, max_value=20),
    standard=st.integers(min_value=1, max_value=100_000),
)
def test_p16_return_agrees_with_per_capita_division(income: int, members: int, standard: int) -> None:
    expected = Decimal(income) / members < standard * 100
    returned = returned_to_poverty(net_income_fen=income, members=members, standard_yuan=standard, unmet_basic_needs=False)  # fmt: skip
    assert returned is expected


@pytest.mark.parametrize(("people", "flag"), [(29, False), (30, True), (31, True)])
def test_p16_large_scale_return_at_or_above_the_threshold(people: int, flag: bool) -> None:
    assert large_scale_return(people, threshold=30) is flag


LARGE_TEAM = WorkTeamRequirement(first_secretary=True, members=4, at_least=False)
SMALL_TEAM = WorkTeamRequirement(first_secretary=True, members=2, at_least=True)
SECRETARY_ONLY = WorkTeamRequirement(first_secretary=True, members=0, at_least=True)
NONE_NEEDED = WorkTeamRequirement(first_secretary=False, members=0, at_least=False)


@pytest.mark.parametrize(
    ("requirement", "team", "reason"),
    [
        (LARGE_TEAM, TeamOnRecord(first_secretaries=1, members=4), None),
        (LARGE_TEAM, TeamOnRecord(first_secretaries=1, members=5), None),
        (LARGE_TEAM, TeamOnRecord(first_secretaries=1, members=2), "工作队队员 2 人，应为 4 人"),
        (LARGE_TEAM, TeamOnRecord(first_secretaries=0, members=4), "缺第一书记"),
        (LARGE_TEAM, TeamOnRecord(first_secretaries=0, members=3), "缺第一书记；工作队队员 3 人，应为 4 人"),
        (SMALL_TEAM, TeamOnRecord(first_secretaries=1, members=2), None),
        (SMALL_TEAM, TeamOnRecord(first_secretaries=1, members=1), "工作队含第一书记 2 人，应不少于 3 人"),
        (SMALL_TEAM, TeamOnRecord(first_secretaries=0, members=3), "缺第一书记"),
        (SECRETARY_ONLY, TeamOnRecord(first_secretaries=1, members=0), None),
        (SECRETARY_ONLY, TeamOnRecord(first_secretaries=0, members=0), "缺第一书记"),
        (NONE_NEEDED, TeamOnRecord(first_secretaries=0, members=0), None),
    ],
)
def test_p11_work_team_shortfall(
    requirement: WorkTeamRequirement, team: TeamOnRecord, reason: str | None
) -> None:
    assert work_team_shortfall(requirement, team) == reason


def test_p11_work_team_shortfall_with_the_sector_rule() -> None:
    # given a 脱贫村 with 200 脱贫不稳定 people (1 first secretary and 4 members) and a 海西 key village (1 + 2)
    thresholds = WorkTeamThresholds()
    large = work_team_requirement(
        VillageProfile(is_tuopin_village=True, unstable_tuopin_people=200), thresholds
    )
    haixi = work_team_requirement(VillageProfile(is_haixi_key_village=True), thresholds)
    # then a team of 1 + 3 falls short of the first and meets the second
    team = TeamOnRecord(first_secretaries=1, members=3)
    assert work_team_shortfall(large, team) == "工作队队员 3 人，应为 4 人"
    assert work_team_shortfall(haixi, team) is None


@pytest.mark.parametrize(
    ("value", "target", "direction", "met"),
    [
        (Decimal(90), Decimal(90), ">=", True),
        (Decimal("89.99"), Decimal(90), ">=", False),
        (Decimal(10), Decimal(10), "<=", True),
        (Decimal("10.01"), Decimal(10), "<=", False),
        (None, Decimal(10), ">=", None),
        (Decimal(10), None, ">=", None),
    ],
)
def test_p16_target_met(
    value: Decimal | None, target: Decimal | None, direction: str, met: bool | None
) -> None:
    assert target_met(value, target, direction) is met


def test_p16_target_direction_must_be_known() -> None:
    with pytest.raises(ValueError, match="方向"):
        target_met(Decimal(1), Decimal(1), "==")


@pytest.mark.parametrize(
    ("kind", "year", "number", "first", "last"),
    [
        ("month", 2024, 2, datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
        ("month", 2023, 2, datetime.date(2023, 2, 1), datetime.date(2023, 2, 28)),
        ("month", 2023, 12, datetime.date(2023, 12, 1), datetime.date(2023, 12, 31)),
        ("quarter", 2023, 1, datetime.date(2023, 1, 1), datetime.date(2023, 3, 31)),
        ("quarter", 2023, 2, datetime.date(2023, 4, 1), datetime.date(2023, 6, 30)),
        ("quarter", 2023, 4, datetime.date(2023, 10, 1), datetime.date(2023, 12, 31)),
        ("year", 2023, 0, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)),
    ],
)
def test_p16_period_bounds_inclusive(
    kind: str, year: int, number: int, first: datetime.date, last: datetime.date
) -> None:
    assert period_bounds(kind, year, number) == (first, last)


@pytest.mark.parametrize(
    ("kind", "number"), [("month", 0), ("month", 13), ("quarter", 5), ("year", 1), ("week", 1)]
)
def test_p16_period_bounds_refuse_what_is_no_period(kind: str, number: int) -> None:
    with pytest.raises(ValueError, match="报送期无效"):
        period_bounds(kind, 2023, number)


def test_p16_period_deadline_is_the_end_plus_grace_days() -> None:
    assert period_deadline(datetime.date(2023, 12, 31), 10) == datetime.date(2024, 1, 10)
    assert period_deadline(datetime.date(2023, 3, 31), 0) == datetime.date(2023, 3, 31)
