"""P11 sector rules: medical-insurance subsidy, transport subsidy, extra medical assistance, work teams,
collective-economy tiers."""

from __future__ import annotations

import pytest

from zhenxing.policy.rules.sector import (
    MedicalSubsidySchedule,
    VillageProfile,
    WorkTeamRequirement,
    WorkTeamThresholds,
    collective_economy_tier,
    extra_medical_assistance,
    medical_insurance_subsidy,
    transport_subsidy_members,
    work_team_requirement,
)

from .builders import LINE, household, person

SCHEDULE_2023 = MedicalSubsidySchedule(monitoring_object=180, tuopin_household=90)


def test_p11_subsidy_for_monitoring_object_members() -> None:
    h = household(person(), person(30, relation="配偶"), kind="一般农户", is_monitoring_object=True)
    assert medical_insurance_subsidy(h, SCHEDULE_2023) == [180, 180]


def test_p11_subsidy_for_tuopin_household_not_monitored_follows_the_year() -> None:
    assert medical_insurance_subsidy(household(kind="脱贫户"), SCHEDULE_2023) == [90]
    assert medical_insurance_subsidy(household(kind="一般农户"), SCHEDULE_2023) == [0]


def test_p11_no_schedule_is_null() -> None:
    assert medical_insurance_subsidy(household(), None) is None


@pytest.mark.parametrize(
    ("place", "months", "expected"),
    [("省外", 3, [0]), ("县外省内", 3, [0]), ("省外", 2, []), ("乡镇外县内", 12, []), (None, 0, [])],
)
def test_p11_transport_subsidy_three_months_outside_the_county(
    place: str | None, months: int, expected: list[int]
) -> None:
    h = household(person(work_place=place, work_months=months))
    assert transport_subsidy_members(h, min_months=3) == expected


def test_p11_transport_subsidy_only_for_tuopin_or_monitored_households() -> None:
    worker = person(work_place="省外", work_months=6)
    assert transport_subsidy_members(household(worker, kind="一般农户"), min_months=3) == []
    assert transport_subsidy_members(
        household(worker, kind="一般农户", is_monitoring_object=True), min_months=3
    ) == [0]
    h = household(
        person(),
        person(25, relation="之子", work_place="省外", work_months=4),
        person(22, relation="之女", work_place="县外省内", work_months=3),
    )
    assert transport_subsidy_members(h, min_months=3) == [1, 2]


def test_p11_extra_medical_assistance_above_the_line() -> None:
    assert not extra_medical_assistance(LINE, line_fen=LINE)
    assert extra_medical_assistance(LINE + 1, line_fen=LINE)


THRESHOLDS = WorkTeamThresholds()


@pytest.mark.parametrize(
    ("village", "expected"),
    [
        (
            VillageProfile(is_tuopin_village=True, unstable_tuopin_people=200),
            WorkTeamRequirement(True, 4, False),
        ),
        (
            VillageProfile(is_tuopin_village=True, unstable_tuopin_people=199),
            WorkTeamRequirement(True, 2, True),
        ),
        (
            VillageProfile(is_relocation_village=True, unstable_tuopin_people=250),
            WorkTeamRequirement(True, 4, False),
        ),
        (VillageProfile(is_haixi_key_village=True), WorkTeamRequirement(True, 2, False)),
        (VillageProfile(red_village_pilot=True), WorkTeamRequirement(True, 0, True)),
        (VillageProfile(weak_party_organisation=True), WorkTeamRequirement(True, 0, True)),
        (VillageProfile(border_defence=True), WorkTeamRequirement(True, 0, True)),
        (VillageProfile(), WorkTeamRequirement(False, 0, False)),
    ],
)
def test_p11_work_team(village: VillageProfile, expected: WorkTeamRequirement) -> None:
    assert work_team_requirement(village, THRESHOLDS) == expected


@pytest.mark.parametrize(
    ("yuan", "tier"),
    [
        (0, 0),
        (19_999.99, 0),
        (20_000, 1),
        (49_999, 1),
        (50_000, 2),
        (99_999, 2),
        (100_000, 3),
        (1_000_000, 3),
    ],
)
def test_p11_collective_economy_tiers(yuan: float, tier: int) -> None:
    assert collective_economy_tier(round(yuan * 100)) == tier
