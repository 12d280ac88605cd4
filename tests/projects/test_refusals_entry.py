"""P14 bad input at entry, at the service level: missing entry items, dates out of order, amounts negative,
above 10^12 元 or finer than a fen, places and households outside the proposer's scope or the project's villages,
who may propose, and what the columns cannot hold — each refused with a Chinese message naming the field
(ErrorDetail.loc), and nothing stored: no project, place, funding, step or audit row."""

from __future__ import annotations

import datetime

import pytest

from tests.conftest import (
    COUNTY,
    OTHER_COUNTY_VILLAGE,
    SAME_TOWNSHIP_VILLAGE,
    TOWNSHIP,
    VILLAGE,
)
from tests.factories import make_household, make_user
from tests.projects.builders import (
    TARGETS,
    industry_input,
    project_input,
    project_users,
    sector_user,
)
from tests.projects.refusing import (
    OTHER_TOWNSHIP_VILLAGE,
    all_chinese,
    locs,
    message_at,
    refused_proposal,
)
from tests.projects.stored import nothing_stored
from zhenxing.accounts.enums import Role
from zhenxing.common.errors import InvalidInput, PermissionDenied
from zhenxing.projects import services
from zhenxing.projects.entry import ProjectInput

pytestmark = pytest.mark.django_db
# --- the entry conditions: every missing item named at once


def test_p14_a_proposal_missing_everything_names_every_item(shipped_data, clock_at):
    # given a village user and an empty form
    users = project_users()
    # when it is proposed, then it is refused naming every P14 entry item, nothing stored
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_propose(actor=users["village"], data=ProjectInput())
    named = locs(caught.value)
    for item in (
        "name", "places", "implementing_unit", "content", "scale", "starts_on", "ends_on", "total", "sources",
        "targets.output", "targets.benefit", "targets.satisfaction", "year", "category",
    ):  # fmt: skip
        assert item in named, item
    assert all_chinese(caught.value)


def test_p14_an_industry_project_without_linkage_names_the_mechanism_and_the_counts(shipped_data, clock_at):
    users = project_users()
    data = industry_input(linkage_mechanisms=[], linked_tuopin_people=None, linked_monitoring_people=None)
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_propose(actor=users["village"], data=data)
    assert locs(caught.value) == {"linkage_mechanisms", "linked_tuopin_people", "linked_monitoring_people"}
    assert "联农带农" in message_at(caught.value, "linkage_mechanisms")


def test_p14_an_unknown_linkage_mechanism_and_negative_counts_are_refused(shipped_data, clock_at):
    users = project_users()
    data = industry_input(linkage_mechanisms=["magic"], linked_tuopin_people=-1)
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_propose(actor=users["village"], data=data)
    assert {"linkage_mechanisms", "linked_tuopin_people"} <= locs(caught.value)
    assert "负数" in message_at(caught.value, "linked_tuopin_people")


def test_p14_targets_need_a_value_for_each_indicator(shipped_data, clock_at):
    users = project_users()
    error = refused_proposal(
        users["village"], targets=(("output", "新建道路", ""), ("benefit", "受益人口", "≥100人"))
    )
    assert {"targets.output", "targets.satisfaction"} <= locs(error)
    assert "目标值" in message_at(error, "targets.output")


# --- dates and amounts


def test_p14_end_before_start_is_refused_on_ends_on(shipped_data, clock_at):
    users = project_users()
    start = datetime.date(2026, 9, 1)
    error = refused_proposal(users["village"], starts_on=start, ends_on=start - datetime.timedelta(days=1))
    assert locs(error) == {"ends_on"}
    assert "早于计划开工日期" in message_at(error, "ends_on")


AMOUNTS = [
    pytest.param("-5", "不能为负数", id="negative"),
    pytest.param("100000000.01", "超过上限", id="above-10^12-yuan"),
    pytest.param("1.0000001", "最多精确到分", id="finer-than-a-fen"),
    pytest.param("12万", "应为金额", id="not-a-number"),
]


@pytest.mark.parametrize(("raw", "says"), AMOUNTS)
def test_p14_a_bad_total_is_refused_naming_total(shipped_data, clock_at, raw, says):
    users = project_users()
    error = refused_proposal(users["village"], total=raw)
    assert locs(error) == {"total"}
    assert says in message_at(error, "total") and "计划总投资" in message_at(error, "total")


@pytest.mark.parametrize(("raw", "says"), AMOUNTS)
def test_p14_a_bad_fund_source_is_refused_naming_the_source(shipped_data, clock_at, raw, says):
    users = project_users()
    error = refused_proposal(users["village"], sources={"central": raw, "county": "20.5"})
    assert "sources.central" in locs(error)
    assert says in message_at(error, "sources.central")
    assert "中央财政衔接资金" in message_at(error, "sources.central")


def test_p14_an_unknown_fund_source_is_refused(shipped_data, clock_at):
    users = project_users()
    error = refused_proposal(users["village"], sources={"central": "100", "lottery": "20.5"})
    assert "sources.lottery" in locs(error)


def test_p14_sources_must_sum_to_the_total(shipped_data, clock_at):
    users = project_users()
    error = refused_proposal(users["village"], total="120.5", sources={"central": "100", "county": "20"})
    assert locs(error) == {"sources"}
    assert "之和须等于计划总投资" in message_at(error, "sources")


def test_p14_the_largest_amount_is_accepted_to_the_fen(shipped_data, clock_at):
    # given 10^12 元 exactly (10^8 万元), to the fen: the boundary is inside
    users = project_users()
    project = services.project_propose(
        actor=users["county"],
        data=project_input(
            places=[(VILLAGE, "")], total="100000000", sources={"central": "99999999.999999", "county": "0.000001"}
        ),
    )  # fmt: skip
    assert project.total_fen == 10**14
    assert sorted(project.fundings.values_list("amount_fen", flat=True)) == [1, 10**14 - 1]


# --- places and households outside the proposer's scope


@pytest.mark.parametrize(
    ("role", "code", "place"),
    [
        pytest.param(Role.VILLAGE, VILLAGE, SAME_TOWNSHIP_VILLAGE, id="village-for-another-village"),
        pytest.param(Role.TOWNSHIP, TOWNSHIP, OTHER_TOWNSHIP_VILLAGE, id="township-for-another-township"),
        pytest.param(Role.COUNTY, COUNTY, OTHER_COUNTY_VILLAGE, id="county-for-another-county"),
        pytest.param(Role.COUNTY_SECTOR, COUNTY, OTHER_COUNTY_VILLAGE, id="sector-for-another-county"),
    ],
)
def test_p14_a_place_outside_the_proposers_scope_is_refused(shipped_data, clock_at, role, code, place):
    actor = sector_user() if role == Role.COUNTY_SECTOR else make_user(role, code)
    error = refused_proposal(actor, places=[(place, "")])
    assert "places.0" in locs(error)
    assert "不在您的管辖范围内" in message_at(error, "places.0")


def test_p14_a_village_project_with_a_second_village_names_that_place(shipped_data, clock_at):
    users = project_users()
    error = refused_proposal(users["village"], places=[(VILLAGE, "大村组"), (SAME_TOWNSHIP_VILLAGE, "")])
    assert "places.1" in locs(error) and "places.0" not in locs(error)


def test_p14_a_place_that_is_not_a_village_code_is_refused(shipped_data, clock_at):
    users = project_users()
    error = refused_proposal(users["township"], places=[(TOWNSHIP, "")])
    assert "不是一个行政村区划代码" in message_at(error, "places.0")


def test_p14_a_to_household_project_with_a_household_outside_its_villages_is_refused(shipped_data, clock_at):
    # given a township proposing a 到户 project in 西山村 listing a household of 团山村 (in its scope)
    users = project_users()
    elsewhere = make_household(SAME_TOWNSHIP_VILLAGE, head_name="杨外村")
    error = refused_proposal(
        users["township"], places=[(VILLAGE, "")], to_households=True, household_ids=[elsewhere.pk]
    )
    assert locs(error) == {"households"}
    message = message_at(error, "households")
    assert "不在项目所在村" in message and "团山村委会" in message
    assert "杨外村" not in message  # never a household's name (P17)


def test_p14_a_household_of_another_county_reads_as_not_existing(shipped_data, clock_at):
    # given a household of 大理市 and an id no household has
    users = project_users()
    foreign = make_household(OTHER_COUNTY_VILLAGE, head_name="段外县")
    missing_id = foreign.pk + 10_000
    # when the county lists each on a 到户 project
    foreign_error = refused_proposal(
        users["county"], places=[(VILLAGE, "")], to_households=True, household_ids=[foreign.pk]
    )
    missing_error = refused_proposal(
        users["county"], places=[(VILLAGE, "")], to_households=True, household_ids=[missing_id]
    )

    # then both read the same: not there or not yours — the other county's household does not leak
    def unknown(error: InvalidInput) -> str:
        return next(d.message for d in error.details if d.loc == ("households",) and d.code == "unknown")

    assert unknown(foreign_error) == f"以下农户不存在或不在您的管辖范围内：{foreign.pk}"
    assert unknown(missing_error) == f"以下农户不存在或不在您的管辖范围内：{missing_id}"
    assert [(d.loc, d.code) for d in foreign_error.details] == [
        (d.loc, d.code) for d in missing_error.details
    ]
    assert "段外县" not in str(foreign_error.details) and "五华社区" not in str(foreign_error.details)


def test_p14_a_to_household_project_without_households_is_refused(shipped_data, clock_at):
    users = project_users()
    error = refused_proposal(users["village"], to_households=True, household_ids=[])
    assert "到户项目须列出受益农户" in message_at(error, "households")


# --- who may propose what


@pytest.mark.parametrize("role", [Role.PREFECTURE, Role.DEPARTMENT, Role.ADMIN])
def test_p14_roles_that_do_not_propose_are_refused(shipped_data, clock_at, role):
    actor = make_user(role, "5329" if role == Role.PREFECTURE else None)
    with nothing_stored(), pytest.raises(PermissionDenied, match="不能申报项目"):
        services.project_propose(actor=actor, data=project_input())


def test_p14_a_county_sector_proposes_only_in_its_own_sector(shipped_data, clock_at):
    # given the transport department proposing a planting project (the agriculture department's)
    actor = sector_user("transport")
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_propose(actor=actor, data=industry_input(places=[(VILLAGE, "")]))
    assert locs(caught.value) == {"category"} and "主管" in message_at(caught.value, "category")


# --- what the database would refuse is refused first, by name (PostgreSQL raised IntegrityError/DataError)


@pytest.mark.parametrize(
    ("changes", "loc", "code"),
    [
        pytest.param({"places": [(VILLAGE, ""), (VILLAGE, "")]}, "places.1", "duplicate", id="same-village-twice"),
        pytest.param(
            {"places": [(VILLAGE, "新组"), (VILLAGE, "新组 ")]}, "places.1", "duplicate", id="same-natural-twice"
        ),
        pytest.param({"places": [(VILLAGE, "长" * 61)]}, "places.0", "too_long", id="natural-name-too-long"),
        pytest.param(
            {"targets": (("output", "指" * 101, "≥1"), *TARGETS[1:])}, "targets.output", "too_long",
            id="indicator-too-long",
        ),
        pytest.param(
            {"targets": (("output", "道路", "1" * 61), *TARGETS[1:])}, "targets.output", "too_long",
            id="target-value-too-long",
        ),
    ],
)  # fmt: skip
def test_p14_what_the_columns_cannot_hold_is_refused_by_name(shipped_data, clock_at, changes, loc, code):
    users = project_users()
    error = refused_proposal(users["village"], **changes)
    assert (tuple(loc.split(".")), code) in [(d.loc, d.code) for d in error.details]


def test_p14_a_count_of_people_beyond_any_county_is_refused(shipped_data, clock_at):
    users = project_users()
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_propose(
            actor=users["village"], data=industry_input(linked_tuopin_people=3_000_000_000)
        )
    assert locs(caught.value) == {"linked_tuopin_people"}


def test_p14_the_nothing_stored_check_sees_a_stored_proposal(shipped_data, clock_at):
    # the helper itself: a proposal that is stored (rows and its audit event) fails the check
    users = project_users()
    with pytest.raises(AssertionError), nothing_stored():
        services.project_propose(actor=users["village"], data=project_input())
