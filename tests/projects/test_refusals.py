"""P14 bad input at the service level: every refusal the issue names — dates out of order, amounts negative,
above 10^12 元 or finer than a fen, places and households outside the proposer's scope or the project's
villages, a step out of order, an adjustment of a 出库 project, missing entry items — is refused with a Chinese
message naming the field (ErrorDetail.loc) or a Conflict/PermissionDenied in Chinese, and nothing is stored:
no project, place, funding, step, batch or notice row, no audit row, no status changed."""

from __future__ import annotations

import datetime
import re
from typing import Any

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
    announce_proposal,
    industry_input,
    minutes_pdf,
    project_input,
    project_users,
    sector_user,
    to_library,
)
from tests.projects.stored import nothing_stored
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.projects import notices, services
from zhenxing.projects.entry import ProjectInput
from zhenxing.projects.enums import NoticeKind
from zhenxing.projects.models import Project

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
OTHER_TOWNSHIP_VILLAGE = "532926102201"  # 神舟村委会, 小湾东镇


def locs(error: InvalidInput) -> set[str]:
    return {".".join(map(str, detail.loc)) for detail in error.details}


def message_at(error: InvalidInput, loc: str) -> str:
    return "；".join(d.message for d in error.details if ".".join(map(str, d.loc)) == loc)


def all_chinese(error: Any) -> bool:
    return all(CHINESE.search(detail.message) for detail in error.errors())


def refused_proposal(actor: User, **changes: Any) -> InvalidInput:
    """Propose `project_input(**changes)` as `actor`: it must be refused whole, storing nothing."""
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_propose(actor=actor, data=project_input(**changes))
    assert all_chinese(caught.value)
    return caught.value


def at_township_review(users: dict[str, User]) -> Project:
    project = services.project_propose(actor=users["village"], data=project_input())
    announce_proposal(project, users["village"])
    return services.project_move(actor=users["village"], project=project, to="township_review")


def at_county_review(users: dict[str, User]) -> Project:
    project = at_township_review(users)
    project = services.project_move(
        actor=users["township"], project=project, to="department_review", opinion="同意"
    )
    return services.project_move(actor=users["sector"], project=project, to="county_review", opinion="同意")


def at_prefecture_decision(users: dict[str, User]) -> Project:
    return services.project_move(
        actor=users["county"], project=at_county_review(users), to="prefecture_decision", opinion="同意",
        files=[minutes_pdf()],
    )  # fmt: skip


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


# --- a step out of order


def test_p14_a_village_cannot_skip_to_the_department(shipped_data, clock_at):
    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input())
    with nothing_stored(), pytest.raises(Conflict, match=r"村申报.*县\(市\)部门审查"):
        services.project_move(actor=users["village"], project=project, to="department_review", opinion="同意")


def test_p14_a_township_cannot_pass_straight_to_the_county(shipped_data, clock_at):
    users = project_users()
    project = at_township_review(users)
    with nothing_stored(), pytest.raises(Conflict, match="乡审核"):
        services.project_move(actor=users["township"], project=project, to="county_review", opinion="同意")


def test_p14_a_township_cannot_do_the_county_leading_groups_step(shipped_data, clock_at):
    users = project_users()
    project = at_county_review(users)
    with nothing_stored(), pytest.raises(PermissionDenied, match="须由县办理"):
        services.project_move(
            actor=users["township"], project=project, to="prefecture_decision", opinion="同意",
            files=[minutes_pdf()],
        )  # fmt: skip


def test_p14_another_sector_cannot_review_the_project(shipped_data, clock_at):
    # given a road project at 县(市)部门审查 (transport's) and the water department
    users = project_users()
    project = services.project_move(
        actor=users["township"], project=at_township_review(users), to="department_review", opinion="同意"
    )
    water = sector_user("water", username="p_shuili")
    for to in ("county_review", "returned"):
        with nothing_stored(), pytest.raises(PermissionDenied, match="交通运输"):
            services.project_move(actor=water, project=project, to=to, opinion="同意")


def test_p14_the_same_sector_of_another_county_cannot_review_the_project(shipped_data, clock_at):
    users = project_users()
    project = services.project_move(
        actor=users["township"], project=at_township_review(users), to="department_review", opinion="同意"
    )
    dali_transport = sector_user("transport", county="532901", username="p_dali_jiaotong")
    with nothing_stored(), pytest.raises(PermissionDenied, match="所在县"):
        services.project_move(actor=dali_transport, project=project, to="county_review", opinion="同意")


def test_p14_the_prefecture_cannot_decide_a_project_not_at_prefecture_decision(shipped_data, clock_at):
    # given one project at 州审定 and one still at 县审核
    users = project_users()
    ready = at_prefecture_decision(users)
    early = services.project_propose(
        actor=users["county"], data=project_input(name="南涧镇西山村饮水工程", category="construction_water")
    )
    # when the prefecture decides both in one batch, then the batch is refused whole
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_batch_decide(
            actor=users["prefecture"], county=ready.county, projects=[ready, early], opinion="同意入库",
            minutes=[minutes_pdf()],
        )  # fmt: skip
    assert locs(caught.value) == {"projects"}
    assert early.code in message_at(caught.value, "projects") and "不在州审定环节" in str(
        caught.value.details
    )


def test_p14_a_batch_is_one_countys_list(shipped_data, clock_at):
    users = project_users()
    ready = at_prefecture_decision(users)
    other_county = make_user(Role.COUNTY, "532901").jurisdiction
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_batch_decide(
            actor=users["prefecture"], county=other_county, projects=[ready], opinion="同意入库",
            minutes=[minutes_pdf()],
        )  # fmt: skip
    assert "不属于大理市" in message_at(caught.value, "projects")


def test_p14_only_the_prefecture_decides_a_batch(shipped_data, clock_at):
    users = project_users()
    ready = at_prefecture_decision(users)
    with nothing_stored(), pytest.raises(PermissionDenied, match="州领导小组"):
        services.project_batch_decide(
            actor=users["county"],
            county=ready.county,
            projects=[ready],
            opinion="同意",
            minutes=[minutes_pdf()],
        )


def test_p14_a_batch_decision_without_minutes_or_opinion_names_both(shipped_data, clock_at):
    users = project_users()
    ready = at_prefecture_decision(users)
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_batch_decide(
            actor=users["prefecture"], county=ready.county, projects=[ready], opinion=" ", minutes=[]
        )
    assert locs(caught.value) == {"opinion", "minutes"}
    assert "会议纪要" in message_at(caught.value, "minutes")


def test_p14_the_county_leading_group_needs_its_minutes(shipped_data, clock_at):
    users = project_users()
    project = at_county_review(users)
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_move(
            actor=users["county"], project=project, to="prefecture_decision", opinion="同意"
        )
    assert locs(caught.value) == {"minutes"}


def test_p14_a_review_without_an_opinion_is_refused(shipped_data, clock_at):
    users = project_users()
    project = at_township_review(users)
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_move(actor=users["township"], project=project, to="department_review", opinion="")
    assert locs(caught.value) == {"opinion"}


def test_p14_a_send_back_without_a_reason_is_refused(shipped_data, clock_at):
    users = project_users()
    project = at_township_review(users)
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_move(actor=users["township"], project=project, to="returned", opinion=" ")
    assert locs(caught.value) == {"opinion"} and "理由" in message_at(caught.value, "opinion")


def test_p14_a_project_not_yet_announced_cannot_start(shipped_data, clock_at):
    # given a project in the library that is on no posted library or plan announcement
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    with nothing_stored(), pytest.raises(Conflict, match="公示，方可开工"):
        services.project_move(actor=users["county"], project=project, to="started")


def test_p14_a_start_date_in_the_future_is_refused(shipped_data, clock_at):
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_move(
            actor=users["county"], project=project, to="started", on=project.step_started_on + datetime.timedelta(days=1)
        )  # fmt: skip
    assert locs(caught.value) == {"on"}


def test_p14_a_withdrawal_needs_its_reason(shipped_data, clock_at):
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_move(actor=users["county"], project=project, to="withdrawn", opinion="")
    assert locs(caught.value) == {"opinion"}


# --- adjustments


def test_p14_a_withdrawn_project_cannot_be_adjusted(shipped_data, clock_at):
    # given a project taken out of the library
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    project = services.project_move(
        actor=users["county"], project=project, to="withdrawn", opinion="群众意见大，不再实施"
    )
    # when the village proposes an adjustment, then it is refused, nothing stored
    with nothing_stored(), pytest.raises(Conflict, match="已出库的项目不能调整"):
        services.project_adjust(
            actor=users["village"], project=project, data=project_input(total="130", sources={"central": "130"}),
            reason="路线延长0.3公里",
        )  # fmt: skip


def test_p14_a_project_still_in_approval_cannot_be_adjusted(shipped_data, clock_at):
    users = project_users()
    project = at_township_review(users)
    with nothing_stored(), pytest.raises(Conflict, match="乡审核"):
        services.project_adjust(
            actor=users["village"], project=project, data=project_input(), reason="路线延长"
        )


def test_p14_an_adjustment_needs_its_reason_and_a_complete_proposal(shipped_data, clock_at):
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_adjust(actor=users["village"], project=project, data=project_input(), reason="")
    assert locs(caught.value) == {"adjustment_reason"}
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_adjust(
            actor=users["village"], project=project, data=project_input(total="130"), reason="路线延长0.3公里"
        )
    assert locs(caught.value) == {"sources"}


def test_p14_another_level_cannot_adjust_the_project(shipped_data, clock_at):
    # given a village project in the library; a township did not propose it and is not the county
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    with nothing_stored(), pytest.raises(PermissionDenied, match="申报单位或县"):
        services.project_adjust(
            actor=users["township"], project=project, data=project_input(), reason="路线延长"
        )


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


# --- execution dates out of order


def started(users: dict[str, User]) -> Project:
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    notice = notices.notice_create(
        actor=users["county"], kind=NoticeKind.LIBRARY, projects=[project], title="", object_to="县乡村振兴局 0879-3921234"
    )  # fmt: skip
    notices.notice_post(actor=users["county"], notice=notice)
    return project


def test_p14_execution_dates_out_of_order_are_refused_on_the_date(shipped_data, clock_at):
    # given a project decided today and announced
    users = project_users()
    project = started(users)
    decided = project.decided_on
    assert decided is not None
    day = datetime.timedelta(days=1)
    # 开工 before its 审定 is refused
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_move(actor=users["county"], project=project, to="started", on=decided - day)
    assert locs(caught.value) == {"on"} and "审定日期" in message_at(caught.value, "on")
    clock_at(decided + 10 * day)
    project = services.project_move(
        actor=users["county"], project=project, to="started", on=decided + 2 * day
    )
    project = services.project_move(actor=users["county"], project=project, to="building")
    # 竣工 before 开工 is refused
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_move(actor=users["county"], project=project, to="completed", on=decided + day)
    assert "开工日期" in message_at(caught.value, "on")
    project = services.project_move(
        actor=users["county"], project=project, to="completed", on=decided + 5 * day
    )
    # 验收 before 竣工 is refused
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_move(
            actor=users["county"], project=project, to="accepted", opinion="验收合格", on=decided + 4 * day
        )
    assert "竣工日期" in message_at(caught.value, "on")
    project = services.project_move(actor=users["county"], project=project, to="accepted", opinion="验收合格")
    assert (project.started_on, project.completed_on, project.accepted_on) == (
        decided + 2 * day, decided + 5 * day, decided + 10 * day,
    )  # fmt: skip


def test_p14_another_countys_notice_cannot_announce_the_project(shipped_data, clock_at):
    # given 南涧's project in the library and 大理市's county user
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    dali = make_user(Role.COUNTY, "532901")
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        notices.notice_create(
            actor=dali, kind=NoticeKind.LIBRARY, projects=[project], title="", object_to="大理市乡村振兴局 0872-2121234"
        )  # fmt: skip
    assert "不在本公示范围内" in message_at(caught.value, "projects")


def test_p14_the_nothing_stored_check_sees_a_stored_proposal(shipped_data, clock_at):
    # the helper itself: a proposal that is stored (rows and its audit event) fails the check
    users = project_users()
    with pytest.raises(AssertionError), nothing_stored():
        services.project_propose(actor=users["village"], data=project_input())


def test_p14_an_adjustment_of_a_version_taken_out_meanwhile_is_not_decided(shipped_data, clock_at):
    # given an adjustment at 州审定 whose previous version was taken out (出库) while it was reviewed
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    adjusted = services.project_adjust(
        actor=users["village"], project=project, data=project_input(total="130", sources={"central": "130"}),
        reason="路线延长0.3公里",
    )  # fmt: skip
    services.project_move(actor=users["county"], project=project, to="withdrawn", opinion="不再实施")
    announce_proposal(adjusted, users["village"])
    adjusted = services.project_move(actor=users["village"], project=adjusted, to="township_review")
    adjusted = services.project_move(
        actor=users["township"], project=adjusted, to="department_review", opinion="同意"
    )
    adjusted = services.project_move(
        actor=users["sector"], project=adjusted, to="county_review", opinion="同意"
    )
    adjusted = services.project_move(
        actor=users["county"],
        project=adjusted,
        to="prefecture_decision",
        opinion="同意",
        files=[minutes_pdf()],
    )
    # when the prefecture decides it, then it is refused, saying why
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_batch_decide(
            actor=users["prefecture"], county=adjusted.county, projects=[adjusted], opinion="同意",
            minutes=[minutes_pdf()],
        )  # fmt: skip
    assert "原版本已出库" in message_at(caught.value, "projects")


def test_p14_a_project_listed_twice_in_a_batch_is_decided_once(shipped_data, clock_at):
    users = project_users()
    ready = at_prefecture_decision(users)
    batch = services.project_batch_decide(
        actor=users["prefecture"], county=ready.county, projects=[ready, ready], opinion="同意",
        minutes=[minutes_pdf()],
    )  # fmt: skip
    assert batch.steps.count() == 1
