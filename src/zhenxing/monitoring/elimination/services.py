"""Evaluation and risk elimination (P9): the periodic and on-demand eligibility check and informed consent.
The elimination steps are moves of the ELIMINATION workflow (transitions.py), guarded in guards.py."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction

from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.monitoring.decisions import assistance_checks, policy_decision
from zhenxing.monitoring.enums import (
    MONITORED_STATUSES,
    CaseStatus,
    EvaluationKind,
)
from zhenxing.monitoring.models import Case, Evaluation
from zhenxing.policy.rules.elimination import reason_message
from zhenxing.policy.rules.measures import add_months, evaluation_due
from zhenxing.policy.vocab import IMPLEMENTED_MEASURE_STATES, RELATIONS
from zhenxing.policy.wording import object_name_on

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

S = CaseStatus


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([ErrorDetail((field,), code, message)])


def eligibility(case: Case, *, today: datetime.date) -> dict[str, Any]:
    """The P9 check on the household's latest year, as a decision record with the reasons in Chinese."""
    decision = policy_decision(case.household, monitored_since=case.identified_on, today=today)
    verdict = decision.get("verdict") or {}
    elimination = verdict.get("elimination")
    if elimination is None:
        decision["eligible"], decision["reasons"] = None, []
        decision["messages"] = [decision.get("note") or "无法评估：缺少年度收支或参数"]
        return decision
    min_months = int((decision.get("parameters") or {}).get("elimination_min_months", {}).get("value", 6))
    decision["eligible"] = bool(elimination["eligible"])
    decision["reasons"] = list(elimination["reasons"])
    decision["messages"] = [reason_message(code, min_months=min_months) for code in decision["reasons"]]
    return decision


def evaluation_record(
    *, actor: User | None, case: Case, kind: str = EvaluationKind.ON_DEMAND, note: str = ""
) -> Evaluation:
    """帮扶成效评估: run the P9 check now and keep its inputs, parameter versions and verdict."""
    if actor is not None and actor.role not in (Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY):
        raise PermissionDenied("成效评估由村、乡镇、县级干部办理")
    if case.status not in MONITORED_STATUSES:
        raise Conflict(f"只有{object_name_on(clock.today())}可以评估")
    decision = eligibility(case, today=clock.today())
    with transaction.atomic():
        evaluation = Evaluation.objects.create(
            case=case, kind=kind, evaluated_at=clock.now(), evaluated_by=actor, eligible=decision["eligible"],
            reasons=decision["messages"] if not decision["eligible"] else [], note=note.strip(), decision=decision,
        )  # fmt: skip
        audit.record(
            actor=actor, action="evaluation.create", target=evaluation, division=case.village,
            new={"case": case.pk, "kind": kind, "eligible": decision["eligible"], "reasons": decision["reasons"]},
            actor_label=None if actor else "system",
        )  # fmt: skip
    return evaluation


def next_evaluation_on(case: Case, *, interval_months: int) -> datetime.date | None:
    """When the periodic evaluation is next due (the day the interval has passed)."""
    if case.identified_on is None:
        return None
    last = case.evaluations.order_by("-evaluated_at").values_list("evaluated_at", flat=True).first()
    since = clock.localdate(last) if last else case.identified_on
    return add_months(since, interval_months)


def evaluations_run_due(*, today: datetime.date | None = None) -> int:
    """定期评估 (P9, default quarterly): every monitored household whose interval has passed since its last
    evaluation (or its identification) is evaluated by the system. Run daily (`zhenxing cases evaluate`)."""
    day = today or clock.today()
    checks, _ = assistance_checks()
    done = 0
    for case in Case.objects.filter(status=S.CONFIRMED).select_related("household", "village"):
        last = case.evaluations.order_by("-evaluated_at").values_list("evaluated_at", flat=True).first()
        if case.identified_on is None or not evaluation_due(
            identified_on=case.identified_on, last_evaluated_on=clock.localdate(last) if last else None,
            today=day, interval_months=checks["evaluation_interval_months"],
        ):  # fmt: skip
            continue
        evaluation_record(actor=None, case=case, kind=EvaluationKind.PERIODIC)
        done += 1
    return done


def consent_record(
    *, actor: User, case: Case, consent_by: str, relation: str, consent_on: datetime.date
) -> Case:
    """户主知情同意 (P9): who in the household agreed, and when; recorded by the village."""
    if actor.role != Role.VILLAGE:
        raise PermissionDenied("知情同意由村级登记")
    if len(consent_by.strip()) < 2:
        raise _invalid("consent_by", "required", "请填写签字同意的家庭成员姓名")
    if relation not in RELATIONS:
        raise _invalid("relation", "invalid", "请选择与户主关系")
    if consent_on > clock.today():
        raise _invalid("consent_on", "future", "同意日期不能晚于今天")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != S.ELIMINATION_CONSENT:
            raise Conflict("只有处于知情同意环节的案件可以登记")
        locked.consent_by, locked.consent_relation, locked.consent_on = (
            consent_by.strip(),
            relation,
            consent_on,
        )
        locked.consent_recorded_by = actor
        locked.save(
            update_fields=[
                "consent_by",
                "consent_relation",
                "consent_on",
                "consent_recorded_by",
                "updated_at",
            ]
        )
        audit.record(
            actor=actor, action="case.consent", target=locked, division=locked.village, old={"consent_on": None},
            new={"consent_by": locked.consent_by, "relation": relation, "consent_on": str(consent_on)},
        )  # fmt: skip
    return locked


def implemented_categories(case: Case) -> list[str]:
    """The categories of the case's measures that count as implemented (实施中 or 已完成, P7)."""
    return list(
        case.measures.filter(status__in=IMPLEMENTED_MEASURE_STATES).values_list("category", flat=True)
    )
