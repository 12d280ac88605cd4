"""What a decision keeps (P8, P13): the inputs the policy engine saw, its verdict, and the versions of every
parameter it used — so that it can be explained years later, after the parameters have changed."""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder

from zhenxing.common import clock
from zhenxing.common.errors import InvalidInput
from zhenxing.common.templatetags.money import yuan
from zhenxing.policy import selectors as policy_selectors
from zhenxing.policy.contract import evaluate_with_parameters, response_body
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.regimes import regime_for
from zhenxing.policy.rules.measures import months_between
from zhenxing.policy.rules.risks import with_lead_evidence
from zhenxing.registry import facts
from zhenxing.registry.selectors import household_years

if TYPE_CHECKING:
    from zhenxing.monitoring.models import Case
    from zhenxing.registry.models import Household


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def step_deadlines() -> tuple[dict[str, Any], dict[str, Any]]:
    """The step limits in force and how to cite them."""
    parameter = policy_selectors.parameter_for(ParameterKind.STEP_DEADLINES, year=2000)
    return dict(parameter.value), {"id": parameter.pk, "version": parameter.version}


def policy_decision(
    household: Household | None, *, monitored_since: datetime.date | None = None,
    today: datetime.date | None = None, decided_on: datetime.date | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The policy engine on the household's latest year: inputs, verdict, parameter versions. A household
    without a yearly record, or a year without a configured line, is recorded as such (no verdict).
    `monitored_since`: the household is a monitoring object identified on that date (the P9 check runs).
    `decided_on` (default `today`, else the clock's today): the decision date, which chooses the regime (P17);
    the snapshot keeps the date and the regime, so the decision explains itself under the rules of its date."""
    day = decided_on or today or clock.today()
    if household is None:
        return {"verdict": None, "note": "尚未关联农户", "decided_on": day.isoformat()}
    years = list(household_years(household)[:1])
    if not years:
        return {"verdict": None, "note": "该户没有年度收支记录", "decided_on": day.isoformat()}
    record = years[0]
    months = 0
    if monitored_since is not None:
        months = months_between(monitored_since, today or monitored_since)
    stored = facts.policy_household(
        household, record, is_monitoring_object=monitored_since is not None, monitoring_months=months
    )
    try:
        evaluation = evaluate_with_parameters(stored, year=record.year, decided_on=day)
    except InvalidInput as error:
        return {"verdict": None, "note": error.message, "year": record.year, **_regime_of(day)}
    body = response_body(evaluation)
    verdict = {key: value for key, value in body.items() if key not in SNAPSHOT_APART}
    return {
        "year": record.year,
        "household_id": household.pk,
        "decided_on": body["decided_on"],
        "regime": _json(body["regime"]),
        "inputs": _json(dataclasses.asdict(stored)),
        "verdict": _json(verdict),
        "parameters": _json(body["parameters"]),
    }


# kept beside the verdict in a snapshot, not inside it
SNAPSHOT_APART = ("parameters", "decided_on", "regime")


def _regime_of(day: datetime.date) -> dict[str, Any]:
    """A decision without a verdict (a refused year, P17) still keeps the date and the regime it met."""
    try:
        regime = regime_for(day)
    except InvalidInput:
        return {"decided_on": day.isoformat()}
    return {"decided_on": day.isoformat(), "regime": _json(regime.as_dict())}


@dataclasses.dataclass(frozen=True)
class Suggestion:
    """What the county's confirmation is prefilled with, and on which grounds (each a sentence in Chinese)."""

    monitoring_type: str
    risk_types: list[str]
    grounds: list[str]
    decision: dict[str, Any]


def case_suggestion(case: Case) -> Suggestion:
    """The policy engine's verdict on the household's latest year, with the risks the case's lead raised
    (P6, P10): a 因病 lead with large out-of-pocket costs is 因病 even when the registry has no medical expense."""
    decision = policy_decision(case.household)
    monitoring_type, risks = suggested_classification(decision)
    verdict = decision.get("verdict") or {}
    if verdict:
        within = "在监测范围内" if verdict.get("within_monitoring_range") else "高于监测范围"
        provisional = verdict.get("monitoring_line_note")
        grounds = [
            f"{decision['year']}年收支：人均纯收入 {yuan(verdict.get('per_capita_net_income'), 'yuan')} 元，"
            f"监测范围 {yuan(verdict.get('monitoring_line'), 'yuan')} 元"
            + (f"（{provisional}）" if provisional else "")
            + f"，{within}（P4、P5）"
            + (f"；家庭情况显示：{'、'.join(risks)}（P6）" if risks else "")
        ]
    else:
        grounds = [str(decision.get("note") or "没有可用的年度收支记录")]
    regime = decision.get("regime") or {}
    if regime.get("name"):
        grounds.append(
            f"政策阶段：{regime['name']}（第{regime.get('version')}版，决定日期 {decision['decided_on']}，P17）"
        )
    lead_risks: list[str] = []
    if case.lead is not None:
        for signal in case.lead.signals.order_by("rule_code"):
            grounds.append(f"部门筛查预警 {signal.rule_code}：{signal.rule_name}（{signal.risk_type}，P10）")
            lead_risks.append(signal.risk_type)
    return Suggestion(monitoring_type, with_lead_evidence(risks, lead_risks), grounds, decision)


def suggested_classification(decision: dict[str, Any]) -> tuple[str, list[str]]:
    """The type and risk types the policy engine suggests (empty when it had no verdict)."""
    verdict = decision.get("verdict") or {}
    return str(verdict.get("suggested_type") or ""), list(verdict.get("risk_types") or [])


def assistance_checks() -> tuple[dict[str, int], dict[str, Any]]:
    """The P7 plan-check months and the P9 evaluation interval in force, and how to cite them."""
    parameter = policy_selectors.parameter_for(ParameterKind.ASSISTANCE_CHECKS, year=2000)
    return {key: int(value) for key, value in parameter.value.items()}, {
        "id": parameter.pk,
        "version": parameter.version,
    }
