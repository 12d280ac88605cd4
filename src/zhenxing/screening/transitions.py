"""A lead's and a screening run's states, declared on the workflow kernel (common/workflow.py): the only
moves there are, their guards and effects. Leads are overdue while open past the village's check day (P10)."""

from __future__ import annotations

import datetime

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.audit import services as audit
from zhenxing.common.errors import ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.workflow import Move, Transition, Workflow
from zhenxing.policy import selectors as policy_selectors
from zhenxing.policy.enums import ParameterKind
from zhenxing.screening.models import LeadStatus, RunStatus, ScreeningRun, Suppression

L = LeadStatus


def may_check_leads(t: Transition) -> None:
    if not has_capability(t.actor, Capability.CONFIRM_LEAD):
        raise PermissionDenied("您的角色不能核实预警线索")


def dismissal_has_reason(t: Transition) -> None:
    if len(t.opinion) < 2:
        raise InvalidInput([ErrorDetail(("reason",), "required", "核实不纳入须填写理由")])


def close_the_lead(t: Transition) -> None:
    t.set(closed_at=t.now, closed_by=t.actor, reason=t.opinion)


def quiet_the_rules(t: Transition) -> None:
    """After 核实不纳入 the same rules stay quiet for the household for the configured window (P10)."""
    windows = policy_selectors.parameter_for(ParameterKind.SCREENING_WINDOWS, year=t.today.year)
    until = t.today + datetime.timedelta(days=int(windows.value["dismissal_suppression_days"]))
    lead = t.subject
    Suppression.objects.bulk_create(
        [
            Suppression(
                household=lead.household,
                rule_code=s.rule_code,
                until=until,
                value=s.evidence.get("value"),
                lead=lead,
            )
            for s in lead.signals.all()
        ]
    )
    t.new["suppressed_until"] = until.isoformat()


LEAD = Workflow(
    name="线索",
    labels=dict(LeadStatus.choices),
    role_labels={},
    moves=[
        Move(L.OPEN, L.CONFIRMED, None, "核实纳入", guards=(may_check_leads,), effects=(close_the_lead,),
             action="lead.confirm"),
        Move(L.OPEN, L.DISMISSED, None, "核实不纳入", guards=(may_check_leads, dismissal_has_reason),
             effects=(close_the_lead, quiet_the_rules), action="lead.dismiss"),
    ],
    open_states=(L.OPEN,),
    due_fields=("village_due",),
    audit=audit.record,
    action_prefix="lead",
    division="household.village",
    conflict_message="线索当前状态为“{source}”，不能改为“{target}”",
)  # fmt: skip


RUN = Workflow(
    name="筛查轮次",
    labels=dict(RunStatus.choices),
    role_labels={},
    moves=[
        Move(RunStatus.RUNNING, RunStatus.DONE, None, "完成"),
        # the round raised, or its process died (common/jobs.py); its lead changes were rolled back
        Move(RunStatus.RUNNING, RunStatus.FAILED, None, "失败"),
    ],
    conflict_message="筛查轮次当前状态为“{source}”，不能改为“{target}”",
)


def move_run(run: ScreeningRun, to: RunStatus) -> str:
    current = run.status
    RUN.assign(run, to=to)
    return current
