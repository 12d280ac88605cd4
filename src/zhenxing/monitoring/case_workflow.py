"""What a case's two workflows share — identification (P8, identification/transitions.py) and risk
elimination (P9, elimination/transitions.py): which role does each step, the step record and its clock (each
step's limit in working days from the step_deadlines parameter), the audit writer and the division."""

from __future__ import annotations

from typing import Any

from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.common.workflow import StepClock
from zhenxing.monitoring.decisions import step_deadlines
from zhenxing.monitoring.enums import STEP_LIMIT_KEYS, CaseStatus
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

# analysis, investigation and the review meeting have limits of their own (P8); the township and county
# steps count only against the whole procedure (Case.due)
CASE_CLOCK = StepClock(limits=step_deadlines, deadlines=STEP_LIMIT_KEYS, cite_as="step_deadlines")
CASE_RECORD: dict[str, Any] = {
    "role_labels": dict(Role.choices), "labels": dict(CaseStatus.choices), "clock": CASE_CLOCK,
    "step_model": CaseStep, "audit": audit.record, "action_prefix": "case", "division": "village",
    "lock_related": ("household",),
}  # fmt: skip
