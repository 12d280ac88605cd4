"""The P9 risk-elimination procedure, declared on the workflow kernel, in the plan's order. The village
starts it after a 帮扶成效评议 that found the household eligible; any step can end it with a reason, and the
household stays a monitoring object."""

from __future__ import annotations

from zhenxing.accounts.enums import Role
from zhenxing.common.workflow import Move, Workflow
from zhenxing.monitoring.case_workflow import CASE_RECORD, STEP_ROLE
from zhenxing.monitoring.elimination import guards as g
from zhenxing.monitoring.enums import ELIMINATION_STEPS, CaseStatus

S = CaseStatus

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
