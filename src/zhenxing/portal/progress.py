"""The applicant's view of a case: each stage in plain Chinese, done, current or still to come."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from zhenxing.monitoring.enums import OPEN_STATUSES, CaseStatus
from zhenxing.monitoring.models import Case

PLAIN: dict[str, str] = {
    CaseStatus.APPLICATION: "村里收到申请",
    CaseStatus.ANALYSIS: "村里核对家庭情况，并请有关部门比对信息",
    CaseStatus.INVESTIGATION: "干部上门走访了解情况",
    CaseStatus.REVIEW: "村里开会评议并公示",
    CaseStatus.TOWNSHIP_REVIEW: "乡镇审核",
    CaseStatus.COUNTY_DECISION: "县里确定",
}


@dataclass(frozen=True)
class Stage:
    label: str
    state: str  # done / current / waiting
    day: datetime.date | None


def case_progress(case: Case, *, on_behalf: bool = False) -> tuple[list[Stage], str]:
    """The stages and one sentence on where things stand. The page is public (a code and four characters
    open it), so it names no one and gives no household's details (P17); the reason for a rejection —
    which may speak of income or illness — is shown only on the household's own application, not to a
    neighbour who applied for it (他人代举)."""
    done_on = {step.step: step.done_at.date() for step in case.steps.all()}
    order: list[str] = list(OPEN_STATUSES)
    current = order.index(case.status) if case.status in order else len(order)
    stages = []
    for index, status in enumerate(order):
        if case.status == CaseStatus.REJECTED and status not in done_on and index != current:
            state = "waiting"
        elif index < current or status in done_on:
            state = "done"
        elif index == current:
            state = "current"
        else:
            state = "waiting"
        stages.append(Stage(PLAIN[status], state, done_on.get(status)))
    if case.status == CaseStatus.CONFIRMED:
        sentence = f"已于 {case.identified_on:%Y年%m月%d日} 纳入防止返贫监测，村里会和您一起制定帮扶措施。"
    elif case.status == CaseStatus.REJECTED and on_behalf:
        sentence = "经核实，暂不纳入监测。详细理由已告知本户；如有疑问，请联系村委会或拨打12317。"
    elif case.status == CaseStatus.REJECTED:
        # the cadre's reason is a sentence of its own, often with its own full stop: one full stop, not two
        reason = case.rejection_reason.strip().rstrip("。.；;，,、 ")
        sentence = f"经核实，暂不纳入监测。理由：{reason}。如有疑问，请联系村委会或拨打12317。"
    else:
        sentence = f"正在办理：{PLAIN[CaseStatus(case.status)]}。"
    return stages, sentence
