"""Village work teams against what each village needs (P11): the requirement from the village's flags and its
脱贫不稳定 people on the day, the team in post that day, the shortfall and its reason; per county for the
assessment; the export audited."""

from __future__ import annotations

import datetime

import pytest

from tests.factories import division, make_household
from tests.planning.builders import COUNTY, VILLAGE, planning_users
from zhenxing.audit.models import AuditEvent
from zhenxing.monitoring.models import Case
from zhenxing.planning import services, teams
from zhenxing.planning.enums import TeamRole
from zhenxing.planning.models import VillageProfile, WorkTeamMember
from zhenxing.policy.vocab import UNSTABLE_TUOPIN
from zhenxing.registry.models import Membership, Person

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 10, 1)
HAIXI_VILLAGE = "532901102001"  # 大理市
OTHER_VILLAGE = "532926101204"  # 团山村委会, 南涧


def flags(code: str, **on: bool) -> VillageProfile:
    return VillageProfile.objects.create(village=division(code), **on)


def member(
    code: str, role: str, *, starts_on: datetime.date = datetime.date(2024, 1, 1), ends_on=None, user=None
):  # type: ignore[no-untyped-def]
    village = division(code)
    return WorkTeamMember.objects.create(
        village=village, county=division(code[:6]), name="张明", role=role, unit="州农业农村局",
        starts_on=starts_on, ends_on=ends_on, end_reason="期满轮换" if ends_on else "",
        recorded_by=user or planning_users_cache()[0],
    )  # fmt: skip


_users: list = []  # type: ignore[type-arg]


def planning_users_cache():  # type: ignore[no-untyped-def]
    if not _users or not type(_users[0]).objects.filter(pk=_users[0].pk).exists():
        _users[:] = [planning_users().county]
    return _users


def unstable_household(code: str, *, people: int, identified_on: datetime.date = datetime.date(2025, 3, 1),
                       eliminated_on: datetime.date | None = None) -> Case:  # fmt: skip
    """A household of `people` members monitored as 脱贫不稳定户 from `identified_on`."""
    household = make_household(code, year=None)
    extra = Person.objects.bulk_create(
        Person(name=f"成员{i}", sex="男", birth_date=datetime.date(2000, 1, 1)) for i in range(people - 2)
    )
    Membership.objects.bulk_create(
        Membership(household=household, person=p, relation="其他", joined_on=datetime.date(2014, 1, 1))
        for p in extra
    )
    return Case.objects.create(
        household=household, village_id=household.village_id, source="cadre",  # type: ignore[attr-defined]
        status="eliminated" if eliminated_on else "confirmed", monitoring_type=UNSTABLE_TUOPIN,
        step_started_on=identified_on, due=identified_on + datetime.timedelta(days=45),
        opened_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC), identified_on=identified_on,
        eliminated_on=eliminated_on, elimination_method="帮扶消除" if eliminated_on else "", risk_types=["因病"],
    )  # fmt: skip


def reason_of(code: str, on: datetime.date = ON) -> str | None:
    found = [row for row in teams.work_team_shortfalls(on=on) if row.village.code == code]
    return found[0].reason if found else None


def test_p11_tuopin_village_with_200_unstable_people_needs_first_secretary_and_four() -> None:
    # given a 脱贫村 with a 200-person 脱贫不稳定户 monitored on the day and a team of 1 + 3
    flags(VILLAGE, is_tuopin_village=True)
    unstable_household(VILLAGE, people=200)
    member(VILLAGE, TeamRole.FIRST_SECRETARY)
    for _ in range(3):
        member(VILLAGE, TeamRole.MEMBER)
    # when the shortfalls are read
    rows = teams.work_team_shortfalls(on=ON, county_code=COUNTY)
    # then the village is short of one member of the four
    [row] = rows
    assert row.village.code == VILLAGE and row.county.code == COUNTY
    assert row.requirement.first_secretary and row.requirement.members == 4 and not row.requirement.at_least
    assert row.unstable_tuopin_people == 200
    assert row.reason == "工作队队员 3 人，应为 4 人"
    # and a fourth member meets it
    member(VILLAGE, TeamRole.MEMBER)
    assert teams.work_team_shortfalls(on=ON, county_code=COUNTY) == []


def test_p11_tuopin_village_below_200_needs_three_including_the_first_secretary() -> None:
    # given a 脱贫村 with 199 unstable people and a first secretary with one member
    flags(VILLAGE, is_tuopin_village=True)
    unstable_household(VILLAGE, people=199)
    member(VILLAGE, TeamRole.FIRST_SECRETARY)
    member(VILLAGE, TeamRole.MEMBER)
    # then it needs at least 3 including the first secretary
    assert reason_of(VILLAGE) == "工作队含第一书记 2 人，应不少于 3 人"


def test_p11_unstable_people_counted_only_while_monitored_on_the_day() -> None:
    # given a 200-person household eliminated before the day, and one identified after it
    flags(VILLAGE, is_tuopin_village=True)
    unstable_household(VILLAGE, people=200, eliminated_on=datetime.date(2025, 9, 1))
    unstable_household(VILLAGE, people=200, identified_on=datetime.date(2025, 11, 1))
    # then neither counts on the day: the small team's rule applies
    [row] = teams.work_team_shortfalls(on=ON)
    assert row.unstable_tuopin_people == 0 and row.requirement.at_least


def test_p11_haixi_key_village_needs_first_secretary_and_two() -> None:
    # given a 海西片区 key village of 大理市 with a first secretary only
    flags(HAIXI_VILLAGE, is_haixi_key_village=True)
    member(HAIXI_VILLAGE, TeamRole.FIRST_SECRETARY)
    # then two members are missing, and the county is 大理市
    [row] = teams.work_team_shortfalls(on=ON, county_code="532901")
    assert row.requirement.members == 2 and row.reason == "工作队队员 0 人，应为 2 人"
    assert "532901" in teams.shortfalls_by_county(ON) and teams.shortfalls_by_county(ON)["532901"] == [row]


def test_p11_weak_party_village_needs_a_first_secretary() -> None:
    # given a 党组织软弱涣散村 with two members but no first secretary
    flags(OTHER_VILLAGE, weak_party_organisation=True)
    member(OTHER_VILLAGE, TeamRole.MEMBER)
    member(OTHER_VILLAGE, TeamRole.MEMBER)
    # then it lacks its first secretary
    assert reason_of(OTHER_VILLAGE) == "缺第一书记"
    member(OTHER_VILLAGE, TeamRole.FIRST_SECRETARY)
    assert reason_of(OTHER_VILLAGE) is None


def test_p11_member_whose_end_has_passed_no_longer_counts() -> None:
    # given a 红色村试点 whose first secretary left before the day, and one who starts after it
    flags(OTHER_VILLAGE, red_village_pilot=True)
    member(OTHER_VILLAGE, TeamRole.FIRST_SECRETARY, ends_on=datetime.date(2025, 9, 30))
    member(OTHER_VILLAGE, TeamRole.FIRST_SECRETARY, starts_on=datetime.date(2025, 10, 2))
    # then on the day it has none; on the last day of the first one's stay it had one
    assert reason_of(OTHER_VILLAGE) == "缺第一书记"
    assert reason_of(OTHER_VILLAGE, datetime.date(2025, 9, 30)) is None


def test_p11_village_without_flags_needs_nothing_and_shortfalls_by_county_lists_every_county() -> None:
    # given a village whose profile has no flag set
    flags(VILLAGE)
    # then nothing is short, and every county has its (empty) list
    by_county = teams.shortfalls_by_county(ON)
    assert len(by_county) == 12 and all(rows == [] for rows in by_county.values())


def test_p11_requirement_cites_the_work_team_parameter() -> None:
    # given a village needing a team
    flags(VILLAGE, border_defence=True)
    # when the village teams are read
    rows, citation = teams.village_teams(on=ON, prefix=COUNTY)
    # then the work_team parameter's version is cited
    assert citation["kind"] == "work_team" and citation["version"] >= 1
    assert rows[0].required_label == "第一书记"


def test_p11_export_of_the_shortfalls_is_audited() -> None:
    # given a short village of 南涧
    users = planning_users()
    flags(VILLAGE, weak_party_organisation=True)
    # when the county exports its shortfall list
    content, count = teams.shortfall_export(actor=users.county, on=ON, prefix=COUNTY)
    # then one row leaves, and the export is recorded with the parameter cited
    assert count == 1 and content[:2] == b"PK"
    event = AuditEvent.objects.get(action="planning.export")
    assert event.new_values["rows"] == 1 and event.new_values["parameter"]["kind"] == "work_team"


def test_p11_services_flags_and_members_are_audited() -> None:
    # given the county
    users = planning_users()
    village = division(VILLAGE)
    # when it sets the flags, adds a member and ends the stay
    services.village_profile_set(actor=users.county, village=village, flags={"is_tuopin_village": True})
    added = services.work_team_member_add(
        actor=users.county, village=village, name="李华", role=TeamRole.FIRST_SECRETARY, unit="州财政局",
        starts_on=datetime.date(2025, 1, 1),
    )  # fmt: skip
    services.work_team_member_end(
        actor=users.county, member=added, ends_on=datetime.date(2025, 9, 1), reason="期满轮换"
    )
    # then each write has its audit row
    actions = set(AuditEvent.objects.filter(action__startswith="planning.").values_list("action", flat=True))
    assert {"planning.village_flags", "planning.team_member_add", "planning.team_member_end"} <= actions
    assert reason_of(VILLAGE) == "缺第一书记；工作队含第一书记 0 人，应不少于 3 人"
