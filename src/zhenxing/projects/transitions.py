"""The project's life (P14) declared on the workflow kernel: the approval chain 村申报 → 乡审核 → 县(市)部门审查 →
县市领导小组审核 → 州领导小组审定, send-back with a reason at every review step, the emergency path, and after
审定 储备 → 开工 → 在建 → 竣工 → 验收 → 资产移交, or 出库 with a reason (终止 when something was paid:
settlement.py). This table is the only place a project's
status changes (common/workflow.transition)."""

from __future__ import annotations

from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.common.workflow import Guard, Move, StepClock, Transition, Workflow, transition
from zhenxing.projects import guards as g
from zhenxing.projects.enums import ProjectStatus
from zhenxing.projects.models import ProjectStep
from zhenxing.projects.procedure import STEP_LIMIT_KEYS, step_limits

S = ProjectStatus
R = Role

# who does each review step (and sends the project back from it)
REVIEW_ROLE: dict[str, str] = {
    S.TOWNSHIP_REVIEW: R.TOWNSHIP,
    S.DEPARTMENT_REVIEW: R.COUNTY_SECTOR,
    S.COUNTY_REVIEW: R.COUNTY,
    S.PREFECTURE_DECISION: R.PREFECTURE,
}
# the county's 乡村振兴局 and the project's sector department both run a project's execution
EXECUTION_ROLES = (R.COUNTY, R.COUNTY_SECTOR)
# where a project's proposal starts, by level (the emergency path starts at 县市领导小组审核)
ENTRY_STATE = {"village": S.PROPOSED, "township": S.TOWNSHIP_REVIEW, "county": S.DEPARTMENT_REVIEW}
# an existing library's project imported from its workbook (projects/imports.py, services.project_import_row)
# was approved before this system: it enters at the library state its 状态 column states, with its 审定日期,
# recorded as a step 导入 — the only other way in besides ENTRY_STATE
IMPORT_ENTRY_STATES = (S.RESERVED, S.STARTED, S.BUILDING, S.COMPLETED, S.ACCEPTED, S.HANDED_OVER)


def retire_previous_version(t: Transition) -> None:
    """An approved adjustment replaces its previous version in the library; the old version is kept as it
    was, marked 已调整 (P14 项目调整)."""
    previous = t.subject.previous
    if previous is not None:
        transition(
            PROJECT, previous, to=S.ADJUSTED, actor=t.actor, today=t.today,
            opinion=f"经调整，由第{t.subject.version}版替代", data={"replaced_by": t.subject.pk},
        )  # fmt: skip


def _own_sector(role: str) -> tuple[Guard, ...]:
    """A county sector department acts only on its own sector's projects of its county (the selectors hide the
    others from its pages; the workflow refuses them too)."""
    return (g.sector_is_the_projects,) if role == R.COUNTY_SECTOR else ()


def _unit(role: str) -> tuple[Guard, ...]:
    """Who acts for the project's unit: a county department for its own sector, a village or township for the
    proposing unit only (guards.covers_the_proposer)."""
    if role in (R.VILLAGE, R.TOWNSHIP):
        return (g.actor_covers_the_proposer,)
    return _own_sector(role)


def _execution(source: str, target: str, label: str, *guards, effects=()) -> list[Move]:  # type: ignore[no-untyped-def]
    return [
        Move(
            source,
            target,
            role,
            label,
            guards=(*_own_sector(role), *guards),
            effects=tuple(effects),
            action="project.progress",
        )
        for role in EXECUTION_ROLES
    ]


_DECIDED = (S.RESERVED, S.STARTED, S.BUILDING, S.COMPLETED)

PROJECT = Workflow(
    name="项目",
    labels=dict(ProjectStatus.choices),
    role_labels=dict(Role.choices),
    moves=[
        # the approval chain
        Move(S.PROPOSED, S.TOWNSHIP_REVIEW, R.VILLAGE, "报乡镇审核",
             guards=(g.actor_covers_the_proposer, g.proposal_notice_closed)),
        Move(S.TOWNSHIP_REVIEW, S.DEPARTMENT_REVIEW, R.TOWNSHIP, "乡审核通过",
             guards=(g.actor_covers_the_proposer, g.has_opinion)),
        Move(S.DEPARTMENT_REVIEW, S.COUNTY_REVIEW, R.COUNTY_SECTOR, "部门审查通过",
             guards=(g.sector_is_the_projects, g.has_opinion)),
        Move(S.COUNTY_REVIEW, S.PREFECTURE_DECISION, R.COUNTY, "领导小组审核通过",
             guards=(g.ordinary_path, g.has_opinion, g.minutes_attached)),
        Move(S.COUNTY_REVIEW, S.RESERVED, R.COUNTY, "审核通过（应急，州级备案）",
             guards=(g.emergency_filing_path, g.has_opinion, g.minutes_attached, g.keeps_the_money_already_split),
             effects=(g.record_decision,),
             action="project.decide"),
        *(Move(S.PREFECTURE_DECISION, target, R.PREFECTURE, "州审定入库",
               guards=(g.takes_over_its_previous_version, g.minutes_attached, g.keeps_the_money_already_split),
               effects=(g.record_decision, g.take_over_progress),
               follow_ups=(retire_previous_version,), action="project.decide")
          for target in _DECIDED),
        # send-back with a reason, and the proposer's answer
        *(Move(step, S.RETURNED, role, "退回", guards=(*_unit(role), g.has_reason), action="project.return")
          for step, role in REVIEW_ROLE.items()),
        Move(S.RETURNED, S.PROPOSED, R.VILLAGE, "修改后重新申报", guards=(g.village_project, g.proposer_is_the_actor)),
        Move(S.RETURNED, S.TOWNSHIP_REVIEW, R.TOWNSHIP, "修改后重新申报",
             guards=(g.township_project, g.proposer_is_the_actor)),
        Move(S.RETURNED, S.DEPARTMENT_REVIEW, R.COUNTY_SECTOR, "修改后重新申报",
             guards=(g.sector_is_the_projects, g.county_project)),
        Move(S.RETURNED, S.DEPARTMENT_REVIEW, R.COUNTY, "修改后重新申报", guards=(g.county_project,)),
        Move(S.RETURNED, S.COUNTY_REVIEW, R.COUNTY, "修改后重新报审（应急）", guards=(g.emergency_project,)),
        *(Move(S.RETURNED, S.CANCELLED, role, "撤销申报",
               guards=(*_own_sector(role), g.proposer_is_the_actor, g.has_reason),
               action="project.cancel")
          for role in (R.VILLAGE, R.TOWNSHIP, R.COUNTY_SECTOR, R.COUNTY)),
        # after 审定
        *_execution(S.RESERVED, S.STARTED, "开工", g.announced_or_emergency, g.starts_after_decision,
                    effects=(g.record_start,)),
        *_execution(S.STARTED, S.BUILDING, "转入在建", g.adjusted_version_announced),
        *_execution(S.BUILDING, S.COMPLETED, "竣工", g.adjusted_version_announced, g.completes_after_start,
                    effects=(g.record_completion,)),
        *_execution(S.COMPLETED, S.ACCEPTED, "验收", g.adjusted_version_announced, g.has_opinion,
                    g.accepted_after_completion, effects=(g.record_acceptance,)),
        *_execution(S.ACCEPTED, S.HANDED_OVER, "资产移交", g.adjusted_version_announced,
                    g.no_asset_left_to_hand_over),
        # the asset register's move (no role): its last asset handed over, the project is 资产移交 (P15)
        Move(S.ACCEPTED, S.HANDED_OVER, None, "资产全部移交", guards=(g.all_assets_handed_over,),
             action="project.assets_handed_over"),
        *(Move(source, S.WITHDRAWN, R.COUNTY, "出库", guards=(g.has_reason, g.nothing_paid),
               effects=(g.record_withdrawal,), follow_ups=(g.return_unpaid_funds,), action="project.withdraw")
          for source in _DECIDED),
        *(Move(source, S.TERMINATED, R.COUNTY, "终止（未支付部分收回）", guards=(g.has_reason, g.partly_paid),
               effects=(g.record_withdrawal,), follow_ups=(g.recover_unspent_funds,), action="project.terminate")
          for source in _DECIDED),
        # an approved adjustment retires the version it replaces (no role: the approval does it)
        *(Move(source, S.ADJUSTED, None, "被调整版本替代", guards=(g.replaced_by_an_approved_adjustment,),
               action="project.superseded") for source in _DECIDED),
    ],
    open_states=tuple(STEP_LIMIT_KEYS),
    due_fields=("step_due",),
    clock=StepClock(limits=step_limits, deadlines=STEP_LIMIT_KEYS, cite_as="project_procedure"),
    step_model=ProjectStep,
    audit=audit.record,
    action_prefix="project",
    division="division",
    conflict_message="项目当前为“{source}”，不能转为“{target}”",
)  # fmt: skip
