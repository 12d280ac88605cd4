"""The P8 identification and P9 elimination procedures, and a measure's states (P7), as data: which role
moves what from which state to which. The only place a case's or a measure's status is assigned."""

from __future__ import annotations

from zhenxing.accounts.enums import Role
from zhenxing.common.workflow import Move, Workflow
from zhenxing.monitoring.enums import (
    ELIMINATION_STEPS,
    OPEN_STATUSES,
    CaseStatus,
    LedgerStatus,
    MeasureStatus,
)
from zhenxing.monitoring.models import Case, HousingLedgerEntry, Measure

S = CaseStatus
VILLAGE_STEPS = (S.APPLICATION, S.ANALYSIS, S.INVESTIGATION, S.REVIEW)
STEP_ROLE: dict[str, str] = {
    **dict.fromkeys(VILLAGE_STEPS, Role.VILLAGE),
    S.TOWNSHIP_REVIEW: Role.TOWNSHIP,
    S.COUNTY_DECISION: Role.COUNTY,
    **dict.fromkeys(
        (S.ELIMINATION_MEETING, S.ELIMINATION_CONSENT, S.ELIMINATION_VISIT, S.ELIMINATION_NOTICE),
        Role.VILLAGE,
    ),
    S.ELIMINATION_TOWNSHIP: Role.TOWNSHIP,
    S.ELIMINATION_COUNTY: Role.COUNTY,
}

IDENTIFICATION = Workflow(
    name="识别案件",
    labels=dict(CaseStatus.choices),
    role_labels=dict(Role.choices),
    moves=[
        Move(S.APPLICATION, S.ANALYSIS, Role.VILLAGE, "受理"),
        Move(S.ANALYSIS, S.INVESTIGATION, Role.VILLAGE, "研判完成"),
        Move(S.INVESTIGATION, S.REVIEW, Role.VILLAGE, "调查完成"),
        Move(S.REVIEW, S.TOWNSHIP_REVIEW, Role.VILLAGE, "报乡镇审核"),
        Move(S.TOWNSHIP_REVIEW, S.COUNTY_DECISION, Role.TOWNSHIP, "审核通过"),
        Move(S.TOWNSHIP_REVIEW, S.ANALYSIS, Role.TOWNSHIP, "退回村级重新研判"),
        Move(S.COUNTY_DECISION, S.CONFIRMED, Role.COUNTY, "确定纳入"),
        Move(S.COUNTY_DECISION, S.TOWNSHIP_REVIEW, Role.COUNTY, "退回乡镇"),
        # rejection ends the case at any step, by the role of that step, with a reason (P8)
        *(Move(step, S.REJECTED, STEP_ROLE[step], "不予纳入") for step in OPEN_STATUSES),
    ],
)

# P9, in the plan's order. The village starts it after a 帮扶成效评议 that found the household eligible; any
# step can end it with a reason, and the household stays a monitoring object.
ELIMINATION = Workflow(
    name="风险消除",
    labels=dict(CaseStatus.choices),
    role_labels=dict(Role.choices),
    moves=[
        Move(S.CONFIRMED, S.ELIMINATION_MEETING, Role.VILLAGE, "启动风险消除"),
        Move(S.ELIMINATION_MEETING, S.ELIMINATION_CONSENT, Role.VILLAGE, "评议通过"),
        Move(S.ELIMINATION_CONSENT, S.ELIMINATION_VISIT, Role.VILLAGE, "已知情同意"),
        Move(S.ELIMINATION_VISIT, S.ELIMINATION_NOTICE, Role.VILLAGE, "调查完成"),
        Move(S.ELIMINATION_NOTICE, S.ELIMINATION_TOWNSHIP, Role.VILLAGE, "报乡镇审核"),
        Move(S.ELIMINATION_TOWNSHIP, S.ELIMINATION_COUNTY, Role.TOWNSHIP, "审核通过"),
        Move(S.ELIMINATION_COUNTY, S.ELIMINATED, Role.COUNTY, "审定风险消除"),
        *(Move(step, S.CONFIRMED, STEP_ROLE[step], "终止消除，继续监测") for step in ELIMINATION_STEPS),
    ],
)

HELPER_ROLES = (Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY)  # a 帮扶责任人 may be a cadre of any of these
M = MeasureStatus
MEASURE = Workflow(
    name="帮扶措施",
    labels=dict(MeasureStatus.choices),
    role_labels=dict(Role.choices),
    moves=[
        move
        for role in HELPER_ROLES
        for move in (
            Move(M.PLANNED, M.IN_PROGRESS, role, "开始实施"),
            Move(M.PLANNED, M.TERMINATED, role, "终止"),
            Move(M.IN_PROGRESS, M.COMPLETED, role, "完成"),
            Move(M.IN_PROGRESS, M.TERMINATED, role, "终止"),
        )
    ],
)


def workflow_for(status: str) -> Workflow:
    return ELIMINATION if status in (S.CONFIRMED, *ELIMINATION_STEPS) else IDENTIFICATION


def move(case: Case, *, to: str, role: str) -> Move:
    """Check the move against the table and assign the status. Returns the move (its label goes on record)."""
    declared = workflow_for(case.status).check(source=case.status, target=to, role=role)
    case.status = to
    return declared


def measure_move(measure: Measure, *, to: str, role: str) -> Move:
    declared = MEASURE.check(source=measure.status, target=to, role=role)
    measure.status = to
    return declared


def measure_start_status(*, before_confirmation: bool) -> str:
    """A green-channel measure is running from the day it is recorded; a plan's measure starts as 计划."""
    return M.IN_PROGRESS if before_confirmation else M.PLANNED


# 解决一户、销号一户 (P11): an entry is closed once, by a cadre of the village, township or county
LEDGER = Workflow(
    name="住房安全台账",
    labels=dict(LedgerStatus.choices),
    role_labels=dict(Role.choices),
    moves=[Move(LedgerStatus.OPEN, LedgerStatus.CLOSED, role, "销号") for role in HELPER_ROLES],
)


def ledger_move(entry: HousingLedgerEntry, *, to: str, role: str) -> Move:
    declared = LEDGER.check(source=entry.status, target=to, role=role)
    entry.status = to
    return declared
