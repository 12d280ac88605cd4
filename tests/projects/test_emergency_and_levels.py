"""P14 at the service level, beyond the village chain: the emergency path (疫情, 灾情: straight to 县市领导小组审核,
州审定 a filing after the start when the parameter says so, 补公示 after the start), a county department's
project from 县(市)部门审查 through a prefecture batch to 资产移交, 出库 and an adjustment while 在建, and the step
clock (deadlines in working days from the parameter, the overdue query)."""

from __future__ import annotations

import datetime

import pytest

from tests.conftest import SAME_TOWNSHIP_VILLAGE, VILLAGE
from tests.projects.builders import (
    minutes_pdf,
    project_input,
    project_users,
    sector_user,
)
from tests.projects.stored import nothing_stored
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.calendar import work_calendar
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.common.workdays import add_working_days
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.selectors import parameter_for
from zhenxing.policy.services import parameter_revise
from zhenxing.projects import notices, selectors, services
from zhenxing.projects.enums import NoticeKind
from zhenxing.projects.models import PrefectureBatch, Project, ProjectAttachment, ProjectStep
from zhenxing.projects.transitions import PROJECT

pytestmark = pytest.mark.django_db

OTHER_TOWNSHIP_VILLAGE = "532926102201"  # 神舟村委会, 小湾东镇


def emergency_input(**changes: object):  # type: ignore[no-untyped-def]
    values = {
        "name": "西山村水毁道路应急修复", "places": [(VILLAGE, "")], "implementing_unit": "南涧县交通运输局",
        "emergency": True, "emergency_kind": "disaster", "emergency_reason": "7月暴雨冲毁道路，群众出行中断，须抢修",
    }  # fmt: skip
    values.update(changes)
    return project_input(**values)


def set_emergency_filing(on: bool) -> None:
    """Revise the project_procedure parameter in force this year, as an administrator would."""
    current = parameter_for(ParameterKind.PROJECT_PROCEDURE, year=clock.today().year)
    parameter_revise(
        actor=None, parameter=current, value={**current.value, "emergency_prefecture_filing": int(on)},
        document="州乡村振兴局通知（测试）", verified=False, reason="应急项目改由州审定",
    )  # fmt: skip


def post_notice(actor: User, kind: str, projects: list[Project]) -> None:
    notice = notices.notice_create(
        actor=actor, kind=kind, projects=projects, title="", object_to="南涧县乡村振兴局 0879-3921234"
    )
    notices.notice_post(actor=actor, notice=notice)


# --- the emergency path


def test_p14_the_county_proposes_an_emergency_project_at_county_review(shipped_data, clock_at):
    # given the county and a disaster with its reason
    users = project_users()
    # when it proposes on the emergency path
    project = services.project_propose(actor=users["county"], data=emergency_input())
    # then the project starts at 县市领导小组审核, a county project, its reason on the first step and the audit
    assert (project.status, project.level, project.emergency) == ("county_review", "county", True)
    assert project.emergency_kind == "disaster" and project.division.code == project.county.code
    first = ProjectStep.objects.get(project=project)
    assert first.action == "应急申报" and "暴雨" in first.findings
    event = AuditEvent.objects.get(action="project.propose", target_id=str(project.pk))
    assert "暴雨" in event.reason and event.new_values["emergency"] is True


@pytest.mark.parametrize("who", ["village", "township", "sector"])
def test_p14_only_the_county_takes_the_emergency_path(shipped_data, clock_at, who):
    users = project_users()
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_propose(actor=users[who], data=emergency_input())
    assert ("emergency",) in [d.loc for d in caught.value.details]
    assert "县(市)" in caught.value.details[0].message or any(
        "县(市)" in d.message for d in caught.value.details
    )


def test_p14_an_emergency_needs_its_kind_and_reason(shipped_data, clock_at):
    users = project_users()
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_propose(
            actor=users["county"], data=emergency_input(emergency_kind="", emergency_reason="")
        )
    assert {d.loc for d in caught.value.details} == {("emergency_kind",), ("emergency_reason",)}


def test_p14_with_filing_the_county_puts_the_emergency_project_in_the_library(shipped_data, clock_at):
    # given an emergency project and the shipped parameter (州审定 becomes a filing after the start)
    users = project_users()
    project = services.project_propose(actor=users["county"], data=emergency_input())
    # when the county's leading group goes the ordinary way, it is told the project enters the library at once
    with nothing_stored(), pytest.raises(Conflict, match="直接入库"):
        services.project_move(
            actor=users["county"],
            project=project,
            to="prefecture_decision",
            opinion="同意",
            files=[minutes_pdf()],
        )
    # when it approves with its minutes
    project = services.project_move(
        actor=users["county"], project=project, to="reserved", opinion="同意应急实施", files=[minutes_pdf()]
    )
    # then it is in the library (储备), decided today, and may start before any announcement
    assert project.status == "reserved" and project.decided_on == clock.today()
    assert selectors.project_list_for_user(user=users["county"]).filter(
        selectors.in_library_q(), pk=project.pk
    )
    assert not project.notice_entries.exists()
    project = services.project_move(actor=users["county"], project=project, to="started")
    assert project.status == "started" and project.started_on == clock.today()
    # then the announcement follows the start: marked 补公示
    notice = notices.notice_create(
        actor=users["county"], kind=NoticeKind.LIBRARY, projects=[project], title="", object_to="县乡村振兴局 0879-3921234"
    )  # fmt: skip
    assert notice.supplementary is True
    # then the prefecture files it once (州级备案); a second filing is refused, nothing stored
    services.project_file_emergency(actor=users["prefecture"], project=project, opinion="同意备案")
    project.refresh_from_db()
    assert project.prefecture_filed_on == clock.today() and project.status == "started"
    assert AuditEvent.objects.filter(action="project.file", target_id=str(project.pk)).count() == 1
    with nothing_stored(), pytest.raises(Conflict, match="已于"):
        services.project_file_emergency(actor=users["prefecture"], project=project, opinion="同意备案")


def test_p14_only_the_prefecture_files_and_only_an_emergency_project_in_the_library(shipped_data, clock_at):
    users = project_users()
    project = services.project_propose(actor=users["county"], data=emergency_input())
    # not yet through the county's leading group: nothing to file
    with nothing_stored(), pytest.raises(Conflict, match="县审核入库的应急项目"):
        services.project_file_emergency(actor=users["prefecture"], project=project, opinion="同意备案")
    project = services.project_move(
        actor=users["county"], project=project, to="reserved", opinion="同意应急实施", files=[minutes_pdf()]
    )
    with nothing_stored(), pytest.raises(PermissionDenied, match="州级备案"):
        services.project_file_emergency(actor=users["county"], project=project, opinion="同意备案")
    # in the library but not started: the filing comes after the start (P14)
    with nothing_stored(), pytest.raises(Conflict, match="开工后方可州级备案"):
        services.project_file_emergency(actor=users["prefecture"], project=project, opinion="同意备案")
    # an ordinary project is never filed
    ordinary = services.project_propose(actor=users["village"], data=project_input())
    with nothing_stored(), pytest.raises(Conflict):
        services.project_file_emergency(actor=users["prefecture"], project=ordinary, opinion="同意备案")


def test_p14_an_ordinary_projects_notice_is_not_supplementary(shipped_data, clock_at):
    users = project_users()
    project = services.project_propose(actor=users["county"], data=emergency_input())
    project = services.project_move(
        actor=users["county"], project=project, to="reserved", opinion="同意应急实施", files=[minutes_pdf()]
    )
    # announced before its start: an emergency project's notice is an ordinary one then
    notice = notices.notice_create(
        actor=users["county"], kind=NoticeKind.LIBRARY, projects=[project], title="", object_to="县乡村振兴局 0879-3921234"
    )  # fmt: skip
    assert notice.supplementary is False


def test_p14_without_filing_the_emergency_project_goes_to_the_prefecture(shipped_data, clock_at):
    # given the parameter revised: 州审定 stays a decision for emergency projects
    users = project_users()
    set_emergency_filing(False)
    project = services.project_propose(actor=users["county"], data=emergency_input())
    assert project.status == "county_review"
    # when the county tries to put it in the library itself, it is refused
    with nothing_stored(), pytest.raises(Conflict, match="州审定改为备案"):
        services.project_move(
            actor=users["county"], project=project, to="reserved", opinion="同意", files=[minutes_pdf()]
        )
    # then it goes on to 州审定 and is decided in a batch
    project = services.project_move(
        actor=users["county"],
        project=project,
        to="prefecture_decision",
        opinion="同意",
        files=[minutes_pdf()],
    )
    step = ProjectStep.objects.filter(project=project).last()
    assert step is not None and step.decision["project_procedure"]["version"] == 2
    batch = services.project_batch_decide(
        actor=users["prefecture"], county=project.county, projects=[project], opinion="同意", minutes=[minutes_pdf()]
    )  # fmt: skip
    project.refresh_from_db()
    assert project.status == "reserved" and project.batch == batch
    # decided by the prefecture: there is nothing to file afterwards
    with nothing_stored(), pytest.raises(Conflict, match="无需备案"):
        services.project_file_emergency(actor=users["prefecture"], project=project, opinion="同意备案")


def test_p14_an_emergency_project_sent_back_is_resubmitted_to_county_review(shipped_data, clock_at):
    users = project_users()
    project = services.project_propose(actor=users["county"], data=emergency_input())
    # a send-back needs its reason
    with nothing_stored(), pytest.raises(InvalidInput):
        services.project_move(actor=users["county"], project=project, to="returned")
    project = services.project_move(
        actor=users["county"], project=project, to="returned", opinion="预算依据不足，请补充"
    )
    assert project.status == "returned"
    assert AuditEvent.objects.filter(action="project.return", target_id=str(project.pk)).exists()
    # the emergency project does not go the department's way, and only the county resubmits it
    with nothing_stored(), pytest.raises(PermissionDenied, match="县级部门项目"):
        services.project_move(actor=users["county"], project=project, to="department_review")
    with nothing_stored(), pytest.raises(PermissionDenied):
        services.project_move(actor=users["sector"], project=project, to="department_review")
    project = services.project_move(
        actor=users["county"], project=project, to="county_review", opinion="已补充预算"
    )
    assert project.status == "county_review" and project.step_due is not None
    project = services.project_move(
        actor=users["county"], project=project, to="reserved", opinion="同意应急实施", files=[minutes_pdf()]
    )
    assert project.status == "reserved"


# --- a county department's project


def road(name: str, villages: list[str], total: str = "300") -> object:
    return project_input(
        name=name, places=[(code, "") for code in villages], implementing_unit="南涧县交通运输局",
        content="新建通村公路并硬化", scale="6公里", total=total, sources={"central": total},
    )  # fmt: skip


def test_p14_a_county_departments_project_from_review_to_handover_with_withdrawal_and_adjustment(
    shipped_data, clock_at
):
    # given the county's transport department and two roads it proposes in villages of its county
    users = project_users()
    transport, water = users["sector"], sector_user("water", username="p_shuili")
    first = services.project_propose(
        actor=transport, data=road("南涧镇至小湾东镇通村公路", [VILLAGE, OTHER_TOWNSHIP_VILLAGE])
    )
    second = services.project_propose(
        actor=transport, data=road("团山村通组公路", [SAME_TOWNSHIP_VILLAGE], "80")
    )
    # then each starts at 县(市)部门审查 as a county project of the transport sector, proposed by the county
    for project in (first, second):
        assert (project.status, project.level, project.sector.code) == (
            "department_review",
            "county",
            "transport",
        )
        assert project.division.code == "532926"
    assert sorted(first.places.values_list("village__code", flat=True)) == sorted(
        [VILLAGE, OTHER_TOWNSHIP_VILLAGE]
    )
    # when the water department reviews, it is refused; transport reviews, the county's leading group approves
    with nothing_stored(), pytest.raises(PermissionDenied, match="交通运输"):
        services.project_move(actor=water, project=first, to="county_review", opinion="同意")
    for project in (first, second):
        project = services.project_move(actor=transport, project=project, to="county_review", opinion="同意")
        services.project_move(
            actor=users["county"],
            project=project,
            to="prefecture_decision",
            opinion="同意",
            files=[minutes_pdf()],
        )
    # when the prefecture decides both in one batch
    batch = services.project_batch_decide(
        actor=users["prefecture"], county=first.county, projects=[first, second], opinion="同意入库",
        minutes=[minutes_pdf()],
    )  # fmt: skip
    # then one batch, one minutes file, and each project its own step pointing at it
    assert PrefectureBatch.objects.count() == 1
    assert ProjectAttachment.objects.filter(batch=batch, project__isnull=True).count() == 1
    decided = ProjectStep.objects.filter(batch=batch).order_by("project_id")
    assert [(s.project_id, s.step, s.outcome) for s in decided] == [
        (first.pk, "prefecture_decision", "reserved"), (second.pk, "prefecture_decision", "reserved"),
    ]  # fmt: skip
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.batch == batch == second.batch and first.status == "reserved"
    assert AuditEvent.objects.filter(action="project.batch_decide", target_id=str(batch.pk)).count() == 1
    # when 开工 is asked before the library is announced — or while its notice is only a draft — it is refused
    with nothing_stored(), pytest.raises(Conflict, match="方可开工"):
        services.project_move(actor=transport, project=first, to="started")
    draft = notices.notice_create(
        actor=users["county"], kind=NoticeKind.LIBRARY, projects=[first, second], title="",
        object_to="南涧县乡村振兴局 0879-3921234",
    )  # fmt: skip
    with nothing_stored(), pytest.raises(Conflict, match="方可开工"):
        services.project_move(actor=transport, project=first, to="started")
    notices.notice_post(actor=users["county"], notice=draft)
    draft.refresh_from_db()
    assert draft.supplementary is False and draft.status == "posted"
    # then each starts and is built
    first = services.project_move(actor=transport, project=first, to="started")
    assert first.started_on == clock.today()
    first = services.project_move(actor=users["county"], project=first, to="building")
    second = services.project_move(actor=transport, project=second, to="started")
    second = services.project_move(actor=transport, project=second, to="building")
    # when the second is taken out (出库): only the county, with a reason
    with nothing_stored(), pytest.raises(PermissionDenied):
        services.project_move(actor=transport, project=second, to="withdrawn", opinion="线路与高速公路重叠")
    second = services.project_move(
        actor=users["county"], project=second, to="withdrawn", opinion="线路与高速公路重叠"
    )
    assert second.status == "withdrawn" and second.withdrawn_reason == "线路与高速公路重叠"
    assert not selectors.project_list_for_user(user=users["county"]).filter(
        selectors.in_library_q(), pk=second.pk
    )
    # when the first is adjusted while 在建 (longer, dearer)
    data = road("南涧镇至小湾东镇通村公路（延伸）", [VILLAGE, OTHER_TOWNSHIP_VILLAGE], "360")
    adjusted = services.project_adjust(
        actor=transport, project=first, data=data, reason="线路延伸1公里至自然村"
    )
    # then a new version at 县(市)部门审查, the old one still 在建; one pending adjustment at a time
    assert (adjusted.version, adjusted.status, adjusted.code, adjusted.previous_id) == (
        2, "department_review", first.code, first.pk,
    )  # fmt: skip
    first.refresh_from_db()
    assert first.status == "building"
    with nothing_stored(), pytest.raises(Conflict, match="已有一个调整在审批中"):
        services.project_adjust(actor=transport, project=first, data=data, reason="再次调整线路")
    with nothing_stored(), pytest.raises(Conflict):
        services.project_adjust(actor=transport, project=adjusted, data=data, reason="调整审批中的版本")
    # when the new version is approved again
    adjusted = services.project_move(actor=transport, project=adjusted, to="county_review", opinion="同意")
    adjusted = services.project_move(
        actor=users["county"],
        project=adjusted,
        to="prefecture_decision",
        opinion="同意",
        files=[minutes_pdf()],
    )
    services.project_batch_decide(
        actor=users["prefecture"], county=adjusted.county, projects=[adjusted], opinion="同意调整",
        minutes=[minutes_pdf()],
    )  # fmt: skip
    # then it takes over 在建 (with the work's start), the old version kept as 已调整
    adjusted.refresh_from_db()
    first.refresh_from_db()
    assert adjusted.status == "building" and adjusted.total_fen == 360_000_000
    assert adjusted.started_on == first.started_on
    assert first.status == "adjusted" and first.total_fen == 300_000_000
    assert list(selectors.project_versions(adjusted)) == [adjusted, first]
    assert AuditEvent.objects.filter(action="project.superseded", target_id=str(first.pk)).exists()
    # the adjusted version is announced again before its work goes on (P14 项目调整: 重新公示)
    with nothing_stored(), pytest.raises(Conflict, match="调整后的项目"):
        services.project_move(actor=transport, project=adjusted, to="completed")
    notices.notice_post(
        actor=users["county"],
        notice=notices.notice_create(
            actor=users["county"], kind=NoticeKind.LIBRARY, projects=[adjusted], title="",
            object_to="南涧县乡村振兴局 0879-3921234",
        ),
    )  # fmt: skip
    # then 竣工, 验收 (an opinion required), 资产移交
    adjusted = services.project_move(actor=transport, project=adjusted, to="completed")
    assert adjusted.completed_on == clock.today()
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_move(actor=transport, project=adjusted, to="accepted")
    assert [d.loc for d in caught.value.details] == [("opinion",)]
    adjusted = services.project_move(
        actor=users["county"], project=adjusted, to="accepted", opinion="验收合格"
    )
    assert adjusted.accepted_on == clock.today()
    adjusted = services.project_move(actor=transport, project=adjusted, to="handed_over")
    assert adjusted.status == "handed_over"
    assert list(
        ProjectStep.objects.filter(project=adjusted).values_list("outcome", flat=True)
    ) == ["department_review", "county_review", "prefecture_decision", "building", "completed", "accepted",
          "handed_over"]  # fmt: skip


def test_p14_the_county_itself_may_propose_a_county_project(shipped_data, clock_at):
    # the county's 乡村振兴局 proposes a county project: it is reviewed by the category's sector
    users = project_users()
    project = services.project_propose(
        actor=users["county"],
        data=project_input(category="construction_water", name="西山村饮水安全巩固提升"),
    )
    assert (project.status, project.sector.code) == ("department_review", "water")
    with nothing_stored(), pytest.raises(PermissionDenied, match="水利"):
        services.project_move(actor=users["sector"], project=project, to="county_review", opinion="同意")
    water = sector_user("water", username="p_shuili")
    project = services.project_move(actor=water, project=project, to="returned", opinion="请补充水源论证")
    # both the county and its sector may resubmit a county project; here the county does
    project = services.project_move(actor=users["county"], project=project, to="department_review")
    assert project.status == "department_review"


# --- deadlines


def test_p14_the_step_clock_sets_each_review_steps_due_day_in_working_days(shipped_data, clock_at):
    # given the shipped procedure (乡10, 部门10, 县15, 州20 working days) and a village proposal
    from tests.projects.builders import announce_proposal

    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input())
    assert project.step_due is None  # 村申报 has no limit of its own: the announcement comes first
    announce_proposal(project, users["village"])
    calendar = work_calendar()
    steps = [
        ("village", "township_review", {}, 10),
        ("township", "department_review", {"opinion": "同意"}, 10),
        ("sector", "county_review", {"opinion": "同意"}, 15),
        ("county", "prefecture_decision", {"opinion": "同意", "files": [minutes_pdf()]}, 20),
    ]
    for who, to, extra, days in steps:
        project = services.project_move(actor=users[who], project=project, to=to, **extra)  # type: ignore[arg-type]
        today = clock.today()
        expected = add_working_days(calendar, today, days)
        # then the step starts today and is due `days` working days later
        assert (project.status, project.step_started_on, project.step_due) == (to, today, expected.day)
        assert project.step_due_provisional == expected.provisional
        # and the overdue query finds it only after its due day
        assert not Project.objects.filter(PROJECT.overdue(project.step_due), pk=project.pk).exists()
        assert Project.objects.filter(
            PROJECT.overdue(project.step_due + datetime.timedelta(days=1)), pk=project.pk
        ).exists()
        clock.travel_to(today + datetime.timedelta(days=1))
    # when the prefecture decides after the due day, its step is recorded as overdue
    clock.travel_to(project.step_due + datetime.timedelta(days=3))
    assert Project.objects.filter(PROJECT.overdue(clock.today())).filter(pk=project.pk).exists()
    services.project_batch_decide(
        actor=users["prefecture"], county=project.county, projects=[project], opinion="同意", minutes=[minutes_pdf()]
    )  # fmt: skip
    project.refresh_from_db()
    late = ProjectStep.objects.filter(project=project).last()
    assert late is not None and late.step == "prefecture_decision" and late.overdue is True
    assert project.step_due is None  # 储备 has no limit
    assert not Project.objects.filter(PROJECT.overdue(clock.today()), pk=project.pk).exists()


def test_p14_an_emergency_project_may_record_its_start_before_the_countys_approval(shipped_data, clock_at):
    # 抢修 began the day after the flood; the county's leading group approved a week later (先实施后补程序)
    users = project_users()
    project = services.project_propose(actor=users["county"], data=emergency_input())
    clock_at(clock.today() + datetime.timedelta(days=7))
    project = services.project_move(
        actor=users["county"], project=project, to="reserved", opinion="同意应急实施", files=[minutes_pdf()]
    )
    began = clock.today() - datetime.timedelta(days=6)
    project = services.project_move(actor=users["county"], project=project, to="started", on=began)
    assert project.started_on == began < project.decided_on  # type: ignore[operator]
