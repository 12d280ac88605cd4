"""The guards and effects of the identification (P8) and elimination (P9) moves, named as the procedure
names them; `transitions.py` declares which move has which. A guard refuses a move with a Chinese message
(and may keep what it checked in the step's decision); an effect sets what the move decides."""

from __future__ import annotations

from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput
from zhenxing.common.workflow import Transition
from zhenxing.monitoring.assistance import measures_close_at_elimination, plan_create
from zhenxing.monitoring.decisions import policy_decision, suggested_classification
from zhenxing.monitoring.elimination import eligibility, implemented_categories
from zhenxing.monitoring.enums import EliminationMethod, EvaluationKind, NoticePurpose
from zhenxing.monitoring.notices import notice_done
from zhenxing.policy.rules.measures import assisted_elimination_allowed
from zhenxing.policy.vocab import FORM_RISK_TYPE_LIMIT, MONITORING_TYPES


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([ErrorDetail((field,), code, message)])


# identification (P8)


def rejection_has_reason(t: Transition) -> None:
    if len(t.opinion) < 2:
        raise _invalid("findings", "required", "不予纳入须填写理由（申请人可以看到）")


def record_rejection(t: Transition) -> None:
    t.decision.update(policy_decision(t.subject.household))
    t.set(rejection_reason=t.opinion, closed_at=t.now)


def household_linked_and_analysed(t: Transition) -> None:
    """研判 needs the registry household (a portal application is linked first) and the analysis written."""
    if t.subject.household is None:
        raise Conflict("请先关联农户台账中的农户，再完成研判")
    if len(t.opinion) < 2:
        raise _invalid("findings", "required", "请填写研判意见（含部门信息比对结果）")


def snapshot_policy_decision(t: Transition) -> None:
    t.decision.update(policy_decision(t.subject.household))


def authorised_visit_recorded(t: Transition) -> None:
    if not t.subject.visits.filter(authorization_signed=True).exists():
        raise Conflict("尚无签署了核查授权书的实地调查记录")


def review_done(t: Transition) -> None:
    """P8: the township step starts only after the review meeting and a notice period that has ended, and
    not while an objection is open."""
    if t.subject.meeting_on is None:
        raise Conflict("尚未召开评议会：请先录入评议会日期和记录")
    notice_done(t.subject, t.today, purpose=NoticePurpose.IDENTIFICATION, since=None)


def classify_at_county_decision(t: Transition) -> None:
    """County confirmation: the policy engine's suggestion unless changed, and a change needs a reason."""
    case, data = t.subject, t.data
    decision = policy_decision(case.household)
    suggested_type, suggested_risks = suggested_classification(decision)
    chosen_type = data.get("monitoring_type") or suggested_type
    risk_types = data.get("risk_types")
    chosen_risks = list(risk_types) if risk_types is not None else suggested_risks
    change_reason = str(data.get("change_reason") or "").strip()
    if chosen_type not in MONITORING_TYPES:
        raise _invalid("monitoring_type", "required", "请选择监测对象类型")
    if not chosen_risks or len(chosen_risks) > FORM_RISK_TYPE_LIMIT:
        raise _invalid("risk_types", "invalid", "风险类型须选1至5项")
    changed = chosen_type != suggested_type or sorted(chosen_risks) != sorted(suggested_risks)
    if changed and len(change_reason) < 2:
        raise _invalid("change_reason", "required", "类型或风险类型与系统研判结果不同，须填写调整理由")
    classification = {
        "suggested": {"type": suggested_type, "risk_types": suggested_risks},
        "changed": changed,
    }
    if changed:
        classification["change_reason"] = change_reason
    t.decision.update(decision, classification=classification)
    t.set(monitoring_type=chosen_type, risk_types=chosen_risks, identified_on=t.today, closed_at=t.now)
    t.new.update(monitoring_type=chosen_type, risk_types=chosen_risks)
    t.reason = change_reason


def make_the_plan(t: Transition) -> None:
    """一户一策 at confirmation (P7)."""
    plan_create(actor=t.actor, case=t.subject)


# risk elimination (P9)


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
