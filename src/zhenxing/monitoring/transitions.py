"""The P8 identification procedure as data: which role moves a case from which step to which. The only place
a case's status is assigned."""

from __future__ import annotations

from zhenxing.accounts.enums import Role
from zhenxing.common.workflow import Move, Workflow
from zhenxing.monitoring.enums import OPEN_STATUSES, CaseStatus
from zhenxing.monitoring.models import Case

S = CaseStatus
VILLAGE_STEPS = (S.APPLICATION, S.ANALYSIS, S.INVESTIGATION, S.REVIEW)
STEP_ROLE: dict[str, str] = {
    **dict.fromkeys(VILLAGE_STEPS, Role.VILLAGE),
    S.TOWNSHIP_REVIEW: Role.TOWNSHIP,
    S.COUNTY_DECISION: Role.COUNTY,
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


def move(case: Case, *, to: str, role: str) -> Move:
    """Check the move against the table and assign the status. Returns the move (its label goes on record)."""
    declared = IDENTIFICATION.check(source=case.status, target=to, role=role)
    case.status = to
    return declared
