"""The planning workflows, declared on the workflow kernel; these tables are the only place a reported value's
or a rectification task's status changes.

- REPORT (P16): the responsible department (or a township, a county) enters a value with its evidence →
  乡镇审核 (a township's value) → 县级审核 → 州级确认; each reviewer may return it with a reason, and the entering
  side revises and sends it again. Nobody reviews their own value.
- TASK (P11, P16): a county under 约谈提醒 / 挂牌督办 works on each rectification task and reports its result → the
  prefecture closes it (销号) or sends it back with a reason. A task past its deadline and not reported is overdue
  (the assessment's `rectification_overdue`)."""

from __future__ import annotations

from typing import Any

from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.common.workflow import Move, StepClock, Workflow
from zhenxing.planning import guards as g
from zhenxing.planning.enums import ReportStatus, TaskStatus
from zhenxing.planning.models import ReportStep, TaskStep

S, T, R = ReportStatus, TaskStatus, Role


def _no_limits() -> tuple[dict[str, Any], dict[str, Any]]:
    """Neither workflow has a step limit in working days: a report's deadline is its period's, a task's is the
    day the prefecture set; the clock still records when each step started."""
    return {}, {}


_REVIEW = (g.reviewer_covers_the_report, g.reviewer_is_not_the_enterer)
_RETURN = (g.reviewer_covers_the_report, g.reviewer_is_not_the_enterer, g.has_reason)

REPORT = Workflow(
    name="指标填报",
    labels=dict(ReportStatus.choices),
    role_labels=dict(Role.choices),
    moves=[
        Move(S.ENTERED, S.TOWNSHIP_REVIEWED, R.TOWNSHIP, "乡镇审核通过", guards=(*_REVIEW, g.entered_for_a_township),
             action="planning.report_review"),
        Move(S.ENTERED, S.COUNTY_REVIEWED, R.COUNTY, "县级审核通过", guards=(*_REVIEW, g.entered_for_a_county),
             action="planning.report_review"),
        Move(S.TOWNSHIP_REVIEWED, S.COUNTY_REVIEWED, R.COUNTY, "县级审核通过", guards=_REVIEW,
             action="planning.report_review"),
        Move(S.COUNTY_REVIEWED, S.ACCEPTED, R.PREFECTURE, "州级确认", guards=_REVIEW,
             action="planning.report_accept"),
        Move(S.ENTERED, S.RETURNED, R.TOWNSHIP, "乡镇退回修改", guards=(*_RETURN, g.entered_for_a_township),
             action="planning.report_return"),
        Move(S.ENTERED, S.RETURNED, R.COUNTY, "县级退回修改", guards=(*_RETURN, g.entered_for_a_county),
             action="planning.report_return"),
        Move(S.TOWNSHIP_REVIEWED, S.RETURNED, R.COUNTY, "县级退回修改", guards=_RETURN,
             action="planning.report_return"),
        Move(S.COUNTY_REVIEWED, S.RETURNED, R.PREFECTURE, "州级退回修改", guards=_RETURN,
             action="planning.report_return"),
        # no role: whoever may enter the value for the division (a department, a township, a county)
        Move(S.RETURNED, S.ENTERED, None, "修改后重新报送", guards=(g.reviser_is_the_entering_side, g.has_reason),
             effects=(g.record_revision,), action="planning.report_revise"),
    ],
    open_states=(S.ENTERED, S.TOWNSHIP_REVIEWED, S.COUNTY_REVIEWED, S.RETURNED),
    clock=StepClock(limits=_no_limits, deadlines={}, cite_as="planning"),
    step_model=ReportStep,
    audit=audit.record,
    action_prefix="planning",
    division="division",
    lock_related=("indicator", "period", "county", "entered_by"),
    conflict_message="填报当前为“{source}”，不能转为“{target}”",
)  # fmt: skip

TASK = Workflow(
    name="整改任务",
    labels=dict(TaskStatus.choices),
    role_labels=dict(Role.choices),
    moves=[
        Move(T.OPEN, T.SUBMITTED, R.COUNTY, "报送整改结果", guards=(g.county_of_the_task,), effects=(g.record_result,),
             action="planning.task_submit"),
        Move(T.SUBMITTED, T.CLOSED, R.PREFECTURE, "审核销号", guards=(g.has_opinion,), effects=(g.record_closure,),
             action="planning.task_close"),
        Move(T.SUBMITTED, T.OPEN, R.PREFECTURE, "退回继续整改", guards=(g.has_reason,), action="planning.task_return"),
    ],
    open_states=(T.OPEN,),
    due_fields=("due_on",),
    clock=StepClock(limits=_no_limits, deadlines={}, cite_as="planning"),
    step_model=TaskStep,
    audit=audit.record,
    action_prefix="planning",
    division="county",
    lock_related=("supervision",),
    conflict_message="整改任务当前为“{source}”，不能转为“{target}”",
)  # fmt: skip
