"""The P8 identification and P9 elimination procedures, declared on the workflow kernel: which role moves a
case from which step to which, under which guard, with which effect (guards.py), each step's limit in
working days from the step_deadlines parameter, and which steps count for the overdue list."""

from __future__ import annotations

from typing import Any

from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.common.workflow import Move, StepClock, Workflow
from zhenxing.monitoring import guards as g
from zhenxing.monitoring.decisions import step_deadlines
from zhenxing.monitoring.enums import ELIMINATION_STEPS, OPEN_STATUSES, STEP_LIMIT_KEYS, CaseStatus
from zhenxing.monitoring.models import CaseStep

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

# a case's step clock: analysis, investigation and the review meeting have limits of their own (P8); the
# township and county steps count only against the whole procedure (Case.due)
CASE_CLOCK = StepClock(limits=step_deadlines, deadlines=STEP_LIMIT_KEYS, cite_as="step_deadlines")
CASE_RECORD: dict[str, Any] = {
    "role_labels": dict(Role.choices), "labels": dict(CaseStatus.choices), "clock": CASE_CLOCK,
    "step_model": CaseStep, "audit": audit.record, "action_prefix": "case", "division": "village",
    "lock_related": ("household",),
}  # fmt: skip

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

# P9, in the plan's order. The village starts it after a 帮扶成效评议 that found the household eligible; any
# step can end it with a reason, and the household stays a monitoring object.
ELIMINATION = Workflow(
    name="风险消除",
    moves=[
        Move(S.CONFIRMED, S.ELIMINATION_MEETING, Role.VILLAGE, "启动风险消除",
             guards=(g.elimination_evaluation_passed,)),
        Move(S.ELIMINATION_MEETING, S.ELIMINATION_CONSENT, Role.VILLAGE, "评议通过",
             guards=(g.elimination_meeting_held,)),
        Move(S.ELIMINATION_CONSENT, S.ELIMINATION_VISIT, Role.VILLAGE, "已知情同意", guards=(g.consent_recorded,)),
        Move(S.ELIMINATION_VISIT, S.ELIMINATION_NOTICE, Role.VILLAGE, "调查完成",
             guards=(g.elimination_visit_recorded,)),
        Move(S.ELIMINATION_NOTICE, S.ELIMINATION_TOWNSHIP, Role.VILLAGE, "报乡镇审核",
             guards=(g.elimination_notice_done,)),
        Move(S.ELIMINATION_TOWNSHIP, S.ELIMINATION_COUNTY, Role.TOWNSHIP, "审核通过"),
        Move(S.ELIMINATION_COUNTY, S.ELIMINATED, Role.COUNTY, "审定风险消除", guards=(g.eligible_for_elimination,),
             effects=(g.record_elimination,), follow_ups=(g.close_the_measures,), action="case.eliminated"),
        *(Move(step, S.CONFIRMED, STEP_ROLE[step], "终止消除，继续监测", guards=(g.termination_has_reason,))
          for step in ELIMINATION_STEPS),
    ],
    **CASE_RECORD,
)  # fmt: skip


def workflow_for(status: str) -> Workflow:
    return ELIMINATION if status in (S.CONFIRMED, *ELIMINATION_STEPS) else IDENTIFICATION
