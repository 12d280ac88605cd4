"""The P8 identification procedure, declared on the workflow kernel: which role moves a case from which step
to which, under which guard, with which effect (guards.py); which steps count for the overdue list."""

from __future__ import annotations

from zhenxing.accounts.enums import Role
from zhenxing.common.workflow import Move, Workflow
from zhenxing.monitoring.case_workflow import CASE_RECORD, STEP_ROLE
from zhenxing.monitoring.elimination.transitions import ELIMINATION
from zhenxing.monitoring.enums import ELIMINATION_STEPS, OPEN_STATUSES, CaseStatus
from zhenxing.monitoring.identification import guards as g

S = CaseStatus

IDENTIFICATION = Workflow(
    name="识别案件",
    moves=[
        Move(S.APPLICATION, S.ANALYSIS, Role.VILLAGE, "受理"),
        Move(S.ANALYSIS, S.INVESTIGATION, Role.VILLAGE, "研判完成",
             guards=(g.household_linked_and_analysed,), effects=(g.snapshot_policy_decision,)),
        Move(S.INVESTIGATION, S.REVIEW, Role.VILLAGE, "调查完成", guards=(g.authorised_visit_recorded,)),
        Move(S.REVIEW, S.TOWNSHIP_REVIEW, Role.VILLAGE, "报乡镇审核", guards=(g.review_done,)),
        Move(S.TOWNSHIP_REVIEW, S.COUNTY_DECISION, Role.TOWNSHIP, "审核通过"),
        Move(S.TOWNSHIP_REVIEW, S.ANALYSIS, Role.TOWNSHIP, "退回村级重新研判"),
        Move(S.COUNTY_DECISION, S.CONFIRMED, Role.COUNTY, "确定纳入", effects=(g.classify_at_county_decision,),
             follow_ups=(g.make_the_plan,), action="case.confirmed"),
        Move(S.COUNTY_DECISION, S.TOWNSHIP_REVIEW, Role.COUNTY, "退回乡镇"),
        # rejection ends the case at any step, by the role of that step, with a reason (P8)
        *(Move(step, S.REJECTED, STEP_ROLE[step], "不予纳入", guards=(g.rejection_has_reason,),
               effects=(g.record_rejection,), action="case.rejected") for step in OPEN_STATUSES),
    ],
    # overdue: still being identified, and past the step's own limit or the whole procedure's
    open_states=OPEN_STATUSES,
    due_fields=("step_due", "due"),
    **CASE_RECORD,
)  # fmt: skip


def workflow_for(status: str) -> Workflow:
    """A confirmed case moves on in the elimination workflow; before that, in identification."""
    return ELIMINATION if status in (S.CONFIRMED, *ELIMINATION_STEPS) else IDENTIFICATION
