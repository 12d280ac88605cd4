"""The guards and effects of the identification moves (P8), named as the procedure names them;
`transitions.py` declares which move has which. A guard refuses a move with a Chinese message (and may keep
what it checked in the step's decision); an effect sets what the move decides."""

from __future__ import annotations

from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput
from zhenxing.common.workflow import Transition
from zhenxing.monitoring.assistance.services import plan_create
from zhenxing.monitoring.decisions import case_suggestion, policy_decision
from zhenxing.monitoring.enums import NoticePurpose
from zhenxing.monitoring.notices.services import notice_done
from zhenxing.policy.regimes import regime_for
from zhenxing.policy.vocab import FORM_RISK_TYPE_LIMIT


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([ErrorDetail((field,), code, message)])


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
    """County confirmation: the policy engine's suggestion unless changed, and a change needs a reason. The
    type is one of the vocabulary of the regime in force on the decision date (P17: data, not code); a
    suggestion outside that vocabulary cannot be taken over, so the county chooses without a change reason."""
    case, data = t.subject, t.data
    suggestion = case_suggestion(case)
    decision, suggested_type, suggested_risks = (
        suggestion.decision,
        suggestion.monitoring_type,
        suggestion.risk_types,
    )
    regime = regime_for(t.today)
    types = regime.monitoring_types
    usable = suggested_type in types
    chosen_type = data.get("monitoring_type") or (suggested_type if usable else "")
    risk_types = data.get("risk_types")
    chosen_risks = list(risk_types) if risk_types is not None else suggested_risks
    change_reason = str(data.get("change_reason") or "").strip()
    if not chosen_type:
        raise _invalid("monitoring_type", "required", f"请选择{regime.object_name}类型")
    if chosen_type not in types:
        raise _invalid(
            "monitoring_type", "not_in_vocabulary",
            f"“{chosen_type}”不在现行{regime.object_name}类型中（{'、'.join(types)}），请重新选择",
        )  # fmt: skip
    if not chosen_risks or len(chosen_risks) > FORM_RISK_TYPE_LIMIT:
        raise _invalid("risk_types", "invalid", "风险类型须选1至5项")
    changed = (usable and chosen_type != suggested_type) or sorted(chosen_risks) != sorted(suggested_risks)
    if changed and len(change_reason) < 2:
        raise _invalid("change_reason", "required", "类型或风险类型与系统研判结果不同，须填写调整理由")
    classification: dict[str, object] = {
        "suggested": {"type": suggested_type, "risk_types": suggested_risks, "grounds": suggestion.grounds},
        "changed": changed,
        # P17: the vocabulary the type was chosen from, so the decision explains itself after a new one
        "vocabulary": {"regime": regime.name, "version": regime.parameter.version, "types": list(types)},
    }
    if not usable and suggested_type:
        classification["suggestion_outside_vocabulary"] = True
    if changed:
        classification["change_reason"] = change_reason
    t.decision.update(decision, classification=classification)
    t.set(monitoring_type=chosen_type, risk_types=chosen_risks, identified_on=t.today, closed_at=t.now)
    t.new.update(monitoring_type=chosen_type, risk_types=chosen_risks)
    t.reason = change_reason


def make_the_plan(t: Transition) -> None:
    """一户一策 at confirmation (P7)."""
    plan_create(actor=t.actor, case=t.subject)
