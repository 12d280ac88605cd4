"""The guards and effects of the project workflow (transitions.py), by name, so that the declaration reads as
the procedure (P14). A guard raises a DomainError to refuse a move; an effect sets the subject's fields."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from zhenxing.accounts.enums import Role
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.workflow import Transition
from zhenxing.policy.rules.projects import fen_to_wan
from zhenxing.projects.asset_register import asset_register
from zhenxing.projects.entry import LEVEL_OF_ROLE
from zhenxing.projects.enums import (
    FundSource,
    NoticeKind,
    NoticeStatus,
    ObjectionStatus,
    ProjectLevel,
    ProjectStatus,
)
from zhenxing.projects.procedure import flag, procedure_on
from zhenxing.projects.settlement import settlement

S = ProjectStatus


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([ErrorDetail((field,), code, message)])


def has_reason(t: Transition) -> None:
    """A send-back, a cancellation or a withdrawal says why (P14)."""
    if len(t.opinion) < 2:
        raise _invalid("opinion", "required", "请填写理由")


def has_opinion(t: Transition) -> None:
    if len(t.opinion) < 2:
        raise _invalid("opinion", "required", "请填写审核意见")


def minutes_attached(t: Transition) -> None:
    """A leading group's decision comes with its minutes (会议纪要) as an attachment."""
    if not t.data.get("minutes") and not t.data.get("batch"):
        raise _invalid("minutes", "required", "请上传会议纪要")


@dataclass(frozen=True)
class ProposalNoticeCheck:
    """Where a village proposal's announcement stands for 报乡镇审核: `problem` empty once it may go."""

    problem: str
    ended: list[Any]  # the ended proposal notices that count
    citation: Any = None


def proposal_notice_check(project: Any, today: datetime.date) -> ProposalNoticeCheck:
    """P14: the village's proposal is announced first, and that announcement has ended with its objections
    closed before 乡审核 (when the parameter says so). The guard and the detail page (the move shown disabled
    with its reason) both ask this."""
    values, citation = procedure_on(today)
    if not flag(values, "proposal_notice_before_township"):
        return ProposalNoticeCheck("", [], citation)
    posted = [
        e.notice
        for e in project.notice_entries.filter(notice__kind=NoticeKind.PROPOSAL)
        .exclude(notice__status=NoticeStatus.DRAFT)
        .select_related("notice")
    ]
    if project.revised_on is not None:  # changed after a send-back: what was announced before is not it
        posted = [notice for notice in posted if notice.posted_on and notice.posted_on >= project.revised_on]
    ended = [notice for notice in posted if notice.ends_on and notice.ends_on < today]
    own_open = project.objections.filter(status=ObjectionStatus.OPEN).count()
    if not ended:
        running = [notice for notice in posted if notice.ends_on]
        if not running:
            if project.revised_on is not None:
                return ProposalNoticeCheck(
                    "项目退回后已修改，须重新公示，公示期满后方可报乡镇审核", [], citation
                )
            return ProposalNoticeCheck("村级申报须先公示，公示期满后方可报乡镇审核", [], citation)
        last = max(notice.ends_on for notice in running)
        open_objections = own_open + sum(
            notice.objections.filter(status=ObjectionStatus.OPEN).count() for notice in running
        )
        pending = f"，且有 {open_objections} 条异议未答复" if open_objections else ""
        then = "公示期满、异议答复后" if open_objections else "公示期满后"
        return ProposalNoticeCheck(
            f"公示期至 {last.isoformat()} 结束{pending}，{then}可报乡镇审核", [], citation
        )
    open_objections = own_open + sum(
        notice.objections.filter(status=ObjectionStatus.OPEN).count() for notice in ended
    )
    if open_objections:
        return ProposalNoticeCheck(
            f"申报公示还有 {open_objections} 条异议未答复，答复后方可报乡镇审核", ended, citation
        )
    return ProposalNoticeCheck("", ended, citation)


def proposal_notice_closed(t: Transition) -> None:
    """P14: the proposal's announcement has ended, objections closed, before 乡审核 (proposal_notice_check)."""
    check = proposal_notice_check(t.subject, t.today)
    t.decision["project_procedure"] = check.citation
    if check.problem:
        raise Conflict(check.problem)
    if check.ended:
        t.decision["proposal_notice"] = [notice.pk for notice in check.ended]


def covers_the_proposer(actor: Any, project: Any) -> bool:
    """A village or township acts on a project only for the unit that proposed it (project.division) or one
    below it: a village that sees a project through one of its places is not its proposer (P14: 申报单位)."""
    if getattr(actor, "role", None) not in (Role.VILLAGE, Role.TOWNSHIP):
        return True
    jurisdiction = actor.jurisdiction
    return jurisdiction is not None and project.division.code.startswith(jurisdiction.code)


def is_the_proposer(actor: Any, project: Any) -> bool:
    """The role of the project's level (entry.LEVEL_OF_ROLE: village, township, the county or the county
    department of its sector) of the proposing unit: who re-submits, cancels and revises a returned project."""
    role = getattr(actor, "role", None)
    if role is None or LEVEL_OF_ROLE.get(role) != project.level:
        return False
    if role == Role.COUNTY_SECTOR and actor.sector_id != project.sector_id:
        return False
    if role in (Role.COUNTY, Role.COUNTY_SECTOR) and actor.jurisdiction_id != project.county_id:
        return False
    return covers_the_proposer(actor, project)


def actor_covers_the_proposer(t: Transition) -> None:
    if not covers_the_proposer(t.actor, t.subject):
        raise PermissionDenied(f"本项目由{t.subject.division.name}申报，这一步须由其或其上级乡镇办理")


def proposer_is_the_actor(t: Transition) -> None:
    """Only the proposing unit's role of the project's level re-submits or cancels it (P14)."""
    if not is_the_proposer(t.actor, t.subject):
        raise PermissionDenied(
            f"本项目为{t.subject.get_level_display()}项目，由{t.subject.division.name}的申报单位办理"
        )


def sector_is_the_projects(t: Transition) -> None:
    """县(市)部门审查 is done by the department of the project's sector (the category → sector map) in the
    project's county."""
    if getattr(t.actor, "sector_id", None) != t.subject.sector_id:
        raise PermissionDenied(f"本项目由{t.subject.sector.name}审查")
    if getattr(t.actor, "jurisdiction_id", None) != t.subject.county_id:
        raise PermissionDenied("本项目由项目所在县(市)的行业部门办理")


def _level_is(level: str, message: str):  # type: ignore[no-untyped-def]
    def guard(t: Transition) -> None:
        if t.subject.level != level or t.subject.emergency:
            raise PermissionDenied(message)

    guard.__name__ = f"level_is_{level}"
    return guard


village_project = _level_is(ProjectLevel.VILLAGE, "只有村级项目由村重新申报")
township_project = _level_is(ProjectLevel.TOWNSHIP, "只有乡级项目由乡镇重新申报")
county_project = _level_is(ProjectLevel.COUNTY, "只有县级部门项目由县行业部门重新申报")


def emergency_project(t: Transition) -> None:
    if not t.subject.emergency:
        raise PermissionDenied("只有应急项目由县直接重新报领导小组审核")


def emergency_filing_path(t: Transition) -> None:
    """P14 emergency path: with the parameter on, 州审定 becomes a filing after the start, so the county's
    审核 puts the project into the library."""
    values, citation = procedure_on(t.today)
    t.decision["project_procedure"] = citation
    if not t.subject.emergency or not flag(values, "emergency_prefecture_filing"):
        raise Conflict("只有应急项目（州审定改为备案时）可由县领导小组审核直接入库")


def ordinary_path(t: Transition) -> None:
    """Not an emergency project filed afterwards: it goes on to 州审定."""
    values, _ = procedure_on(t.today)
    if t.subject.emergency and flag(values, "emergency_prefecture_filing"):
        raise Conflict("应急项目审核通过后直接入库，州级改为开工后备案")


def takes_over_its_previous_version(t: Transition) -> None:
    """An approved adjustment resumes where its previous version stands (储备, 开工, 在建 or 竣工); a first
    version enters as 储备."""
    previous = t.subject.previous
    expected = S.RESERVED if previous is None else previous.status
    if t.target != expected:
        raise Conflict(f"审定后应为“{S(expected).label}”")


def record_decision(t: Transition) -> None:
    t.set(decided_on=t.today)
    batch = t.data.get("batch")
    if batch is not None:
        t.set(batch=batch)
        t.decision["batch"] = batch.pk


def take_over_progress(t: Transition) -> None:
    """An approved adjustment carries on its previous version's work (开工, 在建, 竣工): the actual start and
    completion come with it, so that the current version says when the work began."""
    previous = t.subject.previous
    if previous is not None:
        t.set(started_on=previous.started_on, completed_on=previous.completed_on)


def _on_a_posted_library_or_plan_notice(project: Any) -> bool:
    return (
        project.notice_entries.filter(notice__kind__in=(NoticeKind.LIBRARY, NoticeKind.PLAN))
        .exclude(notice__status=NoticeStatus.DRAFT)
        .exists()
    )


def announced_or_emergency(t: Transition) -> None:
    """An ordinary project starts once it is on a posted announcement of the approved library or its plan; an
    emergency project may start first and be announced afterwards (补公示, P14)."""
    if t.subject.version > 1:
        adjusted_version_announced(t)
        return
    if t.subject.emergency:
        return
    if not _on_a_posted_library_or_plan_notice(t.subject):
        raise Conflict("项目须先在县级项目库公告或实施计划公示中公示，方可开工（应急项目可先开工后补公示）")


def adjusted_version_announced(t: Transition) -> None:
    """P14 项目调整 goes through approval and announcement again: an adjusted version that took over at 开工,
    在建 or 竣工 is on a posted 县级项目库公告 or 实施计划公示 before its next execution step (a first version's
    announcement is checked at 开工, announced_or_emergency)."""
    if t.subject.version > 1 and not _on_a_posted_library_or_plan_notice(t.subject):
        raise Conflict(
            f"调整后的项目（第{t.subject.version}版）须先在县级项目库公告或实施计划公示中公示，方可继续实施"
        )


def no_asset_left_to_hand_over(t: Transition) -> None:
    """资产移交 by hand: refused while an asset registered from the project is not yet handed over (P15); a
    project that yielded no asset (training, a subsidy) is handed over by hand."""
    registered, open_assets = asset_register().counts(t.subject)
    if open_assets:
        raise Conflict(
            f"本项目登记的{registered}项资产中还有{open_assets}项未移交，全部移交后项目自动转为资产移交"
        )


def all_assets_handed_over(t: Transition) -> None:
    """The register's own move (no role): the last of the project's assets was just handed over (P15)."""
    registered, open_assets = asset_register().counts(t.subject)
    if registered == 0 or open_assets:
        raise Conflict("项目的资产尚未全部移交")


def _not_before(field: str, label: str, *, emergency_exempt: bool = False):  # type: ignore[no-untyped-def]
    """The date a step is recorded on (the form's `on`, default today) does not come before the step it follows
    (P14 bad input: dates out of order)."""

    def guard(t: Transition) -> None:
        if emergency_exempt and t.subject.emergency:
            return
        on, earlier = t.data.get("on") or t.today, getattr(t.subject, field)
        if earlier is not None and on < earlier:
            raise _invalid("on", "order", f"日期不能早于{label}（{earlier.isoformat()}）")

    guard.__name__ = f"not_before_{field}"
    return guard


# an emergency project may have begun its 抢修 before the county's paperwork (P14 应急: 先实施后补程序)
starts_after_decision = _not_before("decided_on", "审定日期", emergency_exempt=True)
completes_after_start = _not_before("started_on", "开工日期")
accepted_after_completion = _not_before("completed_on", "竣工日期")


def record_start(t: Transition) -> None:
    t.set(started_on=t.data.get("on") or t.today)


def record_completion(t: Transition) -> None:
    t.set(completed_on=t.data.get("on") or t.today)


def record_acceptance(t: Transition) -> None:
    t.set(accepted_on=t.data.get("on") or t.today)


def record_withdrawal(t: Transition) -> None:
    t.set(withdrawn_reason=t.opinion)


def money_already_split_problems(project: Any) -> list[ErrorDetail]:
    """P14: a split never exceeds the project's planned amount of its source, and the money follows the project
    through its versions; so an adjustment may not plan less of a source than the project already holds."""
    if project.previous_id is None:
        return []
    planned = dict(project.fundings.values_list("source", "amount_fen"))
    problems = []
    for source, label in FundSource.choices:
        held = settlement().held_fen(project, source=source)
        if held > planned.get(source, 0):
            problems.append(
                ErrorDetail(("sources",), "below_split",
                            f"调整后{label}计划投资{fen_to_wan(planned.get(source, 0))}万元，"
                            f"少于已分配给本项目的{fen_to_wan(held)}万元")
            )  # fmt: skip
    return problems


def keeps_the_money_already_split(t: Transition) -> None:
    """An adjustment approved while money was split to its project meanwhile: checked again at 审定."""
    if problems := money_already_split_problems(t.subject):
        raise InvalidInput(problems)


def nothing_paid(t: Transition) -> None:
    """出库 is for a project nothing was paid to; a partly paid one is 终止 (P14)."""
    paid = settlement().paid_fen(t.subject)
    if paid > 0:
        raise Conflict(f"项目已支付{fen_to_wan(paid)}万元，不能出库，应办理终止（未支付部分收回）")


def partly_paid(t: Transition) -> None:
    """终止 is for a project something was paid to; one with nothing paid is 出库 (P14)."""
    if settlement().paid_fen(t.subject) <= 0:
        raise Conflict("项目尚无支付，应办理出库（资金退回原指标）而不是终止")


def return_unpaid_funds(t: Transition) -> None:
    """出库 returns the unpaid splits to their allocation lines (P14), in the move's transaction."""
    settlement().release_unpaid(t.subject, actor=t.actor, terminated=False, reason=t.opinion, on=t.today)


def recover_unspent_funds(t: Transition) -> None:
    """终止 records the unspent part of each split as 收回 (P14), in the move's transaction."""
    settlement().release_unpaid(t.subject, actor=t.actor, terminated=True, reason=t.opinion, on=t.today)


def replaced_by_an_approved_adjustment(t: Transition) -> None:
    """Only the 审定 of its adjustment retires a version (transitions.retire_previous_version)."""
    replacement = t.data.get("replaced_by")
    if (
        replacement is None
        or not t.subject.adjustments.filter(pk=replacement, decided_on__isnull=False).exists()
    ):
        raise Conflict("项目只能由审定后的调整版本替代")
