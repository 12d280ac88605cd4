"""The guards and effects of the risk-elimination moves (P9), named as the procedure names them;
`transitions.py` declares which move has which."""

from __future__ import annotations

from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput
from zhenxing.common.workflow import Transition
from zhenxing.monitoring.assistance.services import measures_close_at_elimination
from zhenxing.monitoring.elimination.services import eligibility, implemented_categories
from zhenxing.monitoring.enums import EliminationMethod, EvaluationKind, NoticePurpose
from zhenxing.monitoring.notices.services import notice_done
from zhenxing.policy.rules.measures import assisted_elimination_allowed


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([ErrorDetail((field,), code, message)])


def termination_has_reason(t: Transition) -> None:
    if len(t.opinion) < 2:
        raise _invalid("findings", "required", "终止风险消除须填写理由")


def elimination_evaluation_passed(t: Transition) -> None:
    """The 帮扶成效评议 that starts an elimination found the household eligible; its decision is kept."""
    latest = t.subject.evaluations.order_by("-evaluated_at", "-pk").first()
    if latest is None or latest.kind != EvaluationKind.ELIMINATION:
        raise Conflict("请先进行帮扶成效评议")
    if not latest.eligible:
        raise Conflict("帮扶成效评议未通过：" + "；".join(latest.reasons))
    t.decision.update({"evaluation": latest.pk, **latest.decision})


def elimination_meeting_held(t: Transition) -> None:
    if t.subject.elimination_meeting_on is None:
        raise Conflict("尚未召开党员群众评议会：请先录入评议会日期和记录")


def consent_recorded(t: Transition) -> None:
    if t.subject.consent_on is None:
        raise Conflict("尚未登记农户知情同意")


def elimination_visit_recorded(t: Transition) -> None:
    case = t.subject
    if not case.visits.filter(visited_at__date__gte=case.step_started_on).exists():
        raise Conflict("尚无本环节的实地调查走访记录")


def elimination_notice_done(t: Transition) -> None:
    """P9: the 消除公示 posted since this step began has ended, with no objection open."""
    notice_done(t.subject, t.today, purpose=NoticePurpose.ELIMINATION, since=t.subject.step_started_on)


def eligible_for_elimination(t: Transition) -> None:
    """P9 at the county: a method chosen, the household eligible now, and 帮扶消除 only with a development
    measure implemented. The check's inputs and verdict are the step's decision."""
    method = str(t.data.get("method") or "")
    if method not in EliminationMethod.values:
        raise _invalid("method", "required", "请选择风险消除方式（帮扶消除或自然消除）")
    decision = eligibility(t.subject, today=t.today)
    if not decision["eligible"]:
        raise Conflict("不符合风险消除条件：" + "；".join(decision["messages"]))
    implemented = implemented_categories(t.subject)
    if method == EliminationMethod.ASSISTED and not assisted_elimination_allowed(implemented):
        raise Conflict(
            "标注帮扶消除须有已实施（实施中或已完成）的开发式帮扶措施（产业、就业、金融、公益岗位）"
        )
    t.decision.update(decision, method=method, implemented_measures=implemented)


def record_elimination(t: Transition) -> None:
    method = str(t.data.get("method") or "")
    t.set(eliminated_on=t.today, elimination_method=method, closed_at=t.now)
    t.new.update(eliminated_on=str(t.today), method=method)


def close_the_measures(t: Transition) -> None:
    """P9: planned measures end unstarted, running ones finish with the monitoring (recorded on their own)."""
    measures_close_at_elimination(actor=t.actor, case=t.subject)
