"""P14 bad input along the workflow, at the service level: a step out of order or by the wrong role or unit, a
missing opinion, reason or minutes, an adjustment of a 出库 project or of another level's, execution dates out
of order — each refused with a Conflict/PermissionDenied in Chinese or a message naming the field, and nothing
stored: no row, no audit row, no status changed."""

from __future__ import annotations

import datetime

import pytest

from tests.conftest import OTHER_TOWNSHIP, SAME_TOWNSHIP_VILLAGE
from tests.factories import make_user
from tests.projects.builders import (
    announce_proposal,
    minutes_pdf,
    project_input,
    project_users,
    sector_user,
    to_library,
)
from tests.projects.refusing import (
    at_county_review,
    at_prefecture_decision,
    at_township_review,
    locs,
    message_at,
)
from tests.projects.stored import nothing_stored
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.projects import notices, services
from zhenxing.projects.enums import NoticeKind
from zhenxing.projects.models import Project

pytestmark = pytest.mark.django_db
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


# --- only the proposing unit does the proposer's moves (P14: 申报单位)


def test_p14_only_the_proposing_level_cancels_a_returned_project(shipped_data, clock_at):
    # given a county department's road through 西山村, sent back by its own sector at 部门审查
    users = project_users()
    county_road = services.project_propose(actor=users["sector"], data=project_input(name="县道改造"))
    county_road = services.project_move(
        actor=users["sector"], project=county_road, to="returned", opinion="概算需细化"
    )
    # when the village or the township it passes through cancels it, then it is refused, nothing stored
    for who in ("village", "township"):
        with nothing_stored(), pytest.raises(PermissionDenied):
            services.project_move(actor=users[who], project=county_road, to="cancelled", opinion="不再申报")
    # given a township's project sent back at 乡审核: the village may not cancel it either
    township_project = services.project_propose(actor=users["township"], data=project_input(name="镇级道路"))
    township_project = services.project_move(
        actor=users["township"], project=township_project, to="returned", opinion="补充材料"
    )
    with nothing_stored(), pytest.raises(PermissionDenied):
        services.project_move(
            actor=users["village"], project=township_project, to="cancelled", opinion="不做了"
        )
    # the proposing level may: the sector its county road (audited)
    cancelled = services.project_move(
        actor=users["sector"], project=county_road, to="cancelled", opinion="并入明年计划"
    )
    assert cancelled.status == "cancelled"
    assert AuditEvent.objects.filter(action="project.cancel", target_id=str(cancelled.pk)).exists()


def test_p14_another_village_or_township_cannot_do_the_proposing_villages_moves(shipped_data, clock_at):
    # given 西山村's proposal, announced, and a cadre of 团山村 (same township) and of 小湾东镇
    users = project_users()
    other_village = make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE)
    other_township = make_user(Role.TOWNSHIP, OTHER_TOWNSHIP)
    project = services.project_propose(actor=users["village"], data=project_input())
    announce_proposal(project, users["village"])
    # when 团山村 sends it on to 乡审核, then it is refused
    with nothing_stored(), pytest.raises(PermissionDenied, match="西山村"):
        services.project_move(actor=other_village, project=project, to="township_review")
    project = services.project_move(actor=users["village"], project=project, to="township_review")
    # another township neither passes it nor sends it back
    with nothing_stored(), pytest.raises(PermissionDenied):
        services.project_move(actor=other_township, project=project, to="department_review", opinion="同意")
    with nothing_stored(), pytest.raises(PermissionDenied):
        services.project_move(actor=other_township, project=project, to="returned", opinion="不同意")
    project = services.project_move(actor=users["township"], project=project, to="returned", opinion="补充")
    # the other village neither re-submits nor cancels the returned project
    for to in ("proposed", "cancelled"):
        with nothing_stored(), pytest.raises(PermissionDenied):
            services.project_move(actor=other_village, project=project, to=to, opinion="理由理由")
