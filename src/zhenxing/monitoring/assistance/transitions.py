"""A measure's states (P7), declared on the workflow kernel: which role moves it from which state to which,
under which guard, with which effect."""

from __future__ import annotations

from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput
from zhenxing.common.workflow import Move, Transition, Workflow
from zhenxing.monitoring.enums import CaseStatus, MeasureStatus
from zhenxing.policy.wording import object_name_on

HELPER_ROLES = (Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY)  # a 帮扶责任人 may be a cadre of any of these
M = MeasureStatus


def household_still_monitored(t: Transition) -> None:
    """P9: after rejection or elimination only a measure that continues after elimination may be closed."""
    measure = t.subject
    if measure.case.status in (CaseStatus.REJECTED, CaseStatus.ELIMINATED) and not (
        measure.continues_after_elimination and measure.status == M.IN_PROGRESS
    ):
        raise Conflict(f"该户已不是{object_name_on(t.today)}，只有消除后继续实施的措施可以办结")


def closing_states_its_outcome(t: Transition) -> None:
    if len(t.opinion) < 2:
        raise InvalidInput([ErrorDetail(("outcome",), "required", "完成或终止措施须填写成效或终止原因")])


def record_outcome(t: Transition) -> None:
    if t.opinion:
        t.set(outcome=t.opinion)
    t.reason = f"{t.move.label} {t.opinion}"[:200]


def _measure_moves(role: str) -> tuple[Move, ...]:
    start = (household_still_monitored,)
    close = (closing_states_its_outcome, household_still_monitored)
    return (
        Move(M.PLANNED, M.IN_PROGRESS, role, "开始实施", guards=start, effects=(record_outcome,)),
        Move(M.PLANNED, M.TERMINATED, role, "终止", guards=close, effects=(record_outcome,)),
        Move(M.IN_PROGRESS, M.COMPLETED, role, "完成", guards=close, effects=(record_outcome,)),
        Move(M.IN_PROGRESS, M.TERMINATED, role, "终止", guards=close, effects=(record_outcome,)),
    )


MEASURE = Workflow(
    name="帮扶措施",
    labels=dict(MeasureStatus.choices),
    role_labels=dict(Role.choices),
    moves=[move for role in HELPER_ROLES for move in _measure_moves(role)],
    audit=audit.record,
    action_prefix="measure",
    division="case.village",
)


def measure_start_status(*, before_confirmation: bool) -> str:
    """A green-channel measure is running from the day it is recorded; a plan's measure starts as 计划."""
    return M.IN_PROGRESS if before_confirmation else M.PLANNED
